//! Flags and steps shared by the metric commands (`balance`, `equity`, `urban-rural`): which county-years, which
//! rules, whether to store, and how a result frame is filtered and printed.

use polars::prelude::*;

use super::{DbArgs, RulesArgs};
use crate::balance::{self, Config};
use crate::rules::Rules;
use crate::bridge;
use crate::error::{Error, Result};
use crate::output::Plan;
use crate::warehouse::{Access, QueryResult, Scope, Warehouse};

/// Which data a metric command computes from, and under which rules.
#[derive(Debug, Clone, clap::Args)]
pub struct MetricArgs {
    /// Only these counties (6-digit codes; repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    /// Only these years (repeat the flag for several).
    #[arg(long, value_name = "YEAR")]
    pub year: Vec<i32>,
    /// Only this level in the output.
    #[arg(long, value_parser = ["primary", "junior"])]
    pub level: Option<String>,
    /// Only this standard (and its scope of schools) in the output.
    #[arg(long, value_parser = ["basic", "quality"])]
    pub standard: Option<String>,
    /// Compute and print only: open the warehouse read-only and store nothing.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Refuses county codes that cannot be codes, before anything is opened.
pub fn check_counties(codes: &[String]) -> Result<()> {
    match codes.iter().find(|c| c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit())) {
        Some(bad) => Err(Error::Usage(format!("--county {bad:?}: expected a 6-digit county code"))),
        None => Ok(()),
    }
}

impl MetricArgs {
    /// Checks the flags, reads the rules and opens the warehouse (read-only with --no-store).
    pub fn prepare(&self) -> Result<(Rules, Warehouse)> {
        check_counties(&self.county)?;
        let rules = self.rules.load()?;
        let wh = self.db.open(if self.no_store { Access::ReadOnly } else { Access::ReadWrite })?;
        Ok((rules, wh))
    }

    /// The schools of the selected county-years; says on stderr which requested counties and years hold none.
    pub fn schools(&self, wh: &Warehouse) -> Result<DataFrame> {
        let schools = wh.read_schools(balance::SCHOOL_COLUMNS, &self.county, &self.year)?;
        unmatched(&schools, "county_code", "--county", &self.county)?;
        unmatched(&schools, "year", "--year", &self.year.iter().map(i32::to_string).collect::<Vec<_>>())?;
        let empty = balance::without_pupils(schools.clone().lazy()).collect()?;
        let (years, codes, n) = (empty.column("year")?.i32()?, empty.column("county_code")?.str()?, empty.column("schools")?.i64()?);
        for i in 0..empty.height() {
            eprintln!(
                "note: {} {}: {} school(s), none with pupils reported: no level units, so no CVs or equity measures",
                codes.get(i).unwrap_or_default(),
                years.get(i).unwrap_or_default(),
                n.get(i).unwrap_or_default()
            );
        }
        Ok(schools)
    }

    /// The level units of the selected county-years.
    pub fn units(&self, wh: &Warehouse, cfg: &Config) -> Result<DataFrame> {
        Ok(balance::level_units(self.schools(wh)?.lazy(), cfg).collect()?)
    }

    /// The stored rows a run replaces: the selected counties and years (every row when none are selected).
    pub fn scope(&self) -> Scope {
        Scope::all().text("county_code", &self.county).int("year", &self.year)
    }

    /// Applies --level and --standard (when the frame has a `standard` column).
    pub fn filter(&self, mut frame: LazyFrame, has_standard: bool) -> LazyFrame {
        if let Some(level) = &self.level {
            frame = frame.filter(col("level").eq(lit(level.as_str())));
        }
        if let (Some(standard), true) = (&self.standard, has_standard) {
            frame = frame.filter(col("standard").eq(lit(standard.as_str())));
        }
        frame
    }
}

/// Says on stderr which of the values asked for with `flag` occur nowhere in `column` of `frame`.
pub fn unmatched(frame: &DataFrame, column: &str, flag: &str, asked: &[String]) -> Result<()> {
    if asked.is_empty() {
        return Ok(());
    }
    let present = frame.column(column)?.cast(&DataType::String)?;
    let present: std::collections::HashSet<&str> = present.str()?.iter().flatten().collect();
    let missing: Vec<&str> = asked.iter().map(String::as_str).filter(|a| !present.contains(a)).collect();
    if !missing.is_empty() {
        eprintln!("note: {flag} {} matched no data in the warehouse", missing.join(", "));
    }
    Ok(())
}

/// Prints a result frame where the plan says.
pub fn print(plan: &Plan, frame: LazyFrame) -> Result<()> {
    let mut df = frame.collect()?;
    let batches = bridge::df_to_batches(&mut df)?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => bridge::arrow_schema(&df)?,
    };
    plan.write(&QueryResult { schema, batches })
}
