//! `countyedu balance`: inter-school coefficients of variation, county verdicts, school compliance.

use std::path::PathBuf;

use polars::prelude::*;

use super::DbArgs;
use crate::balance::{self, Config};
use crate::bridge;
use crate::error::{Error, Result};
use crate::output::OutputArgs;
use crate::warehouse::{Access, QueryResult};

/// Compute inter-school coefficients of variation (差异系数) and balance verdicts.
///
/// Each school-year becomes one unit per level it teaches; combined schools split their whole-school resources by
/// weighted enrolment (nine-year 1:1.1, complete secondary junior:senior 1:1.2, twelve-year 1:1.1:1.32). CV =
/// weighted population SD / weighted mean, weights = pupils of the level; primary and junior never pool.
///
/// basic (基本均衡): 8 indicators, all schools but special-education ones; the county meets it when the composite CV
/// (mean of the 8) is ≤ 0.65 (primary) / 0.55 (junior). quality (优质均衡): 7 indicators, also without teaching
/// points under 50 pupils; met when every CV is ≤ 0.50 / 0.45 and every school meets 6 of 7 standards with the
/// 7th at ≥ 85%. All rules come from config/balance.toml (national values); --config gives a province's file.
///
/// Output: one row per (year, county, level, standard, indicator) by default; --verdicts one row per county
/// verdict; --schools one row per school unit and quality indicator with value, required standard, shortfall and
/// the school's share of the county's variance (schools that raise the CVs most first); --shortfall the
/// shortfalls summed per county. Results are also stored in the warehouse: balance_cv, balance_verdicts and
/// balance_schools (one row per school unit, the 7 indicators side by side); a run with --county/--year replaces
/// only those county-years; --no-store leaves the warehouse untouched (read-only access is enough).
///
/// Examples:
///   countyedu balance --db countyedu-demo.duckdb --year 2023 --county 140121
///   countyedu balance --verdicts --standard quality --output verdicts.csv --bom
///   countyedu balance --schools --county 140121 --year 2023 --level junior
///   countyedu balance --config shanxi-balance.toml --shortfall
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only these counties (6-digit codes; repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    /// Only these years (repeat the flag for several).
    #[arg(long, value_name = "YEAR")]
    pub year: Vec<i32>,
    /// Only this level in the output.
    #[arg(long, value_parser = ["primary", "junior"])]
    pub level: Option<String>,
    /// Only this standard in the output.
    #[arg(long, value_parser = ["basic", "quality"])]
    pub standard: Option<String>,
    /// Print county verdicts instead of indicator CVs.
    #[arg(long, conflicts_with_all = ["schools", "shortfall"])]
    pub verdicts: bool,
    /// Print school units under the quality standard (value, standard, shortfall per indicator).
    #[arg(long, conflicts_with = "shortfall")]
    pub schools: bool,
    /// Print what each county lacks to bring every school up to the quality standards.
    #[arg(long)]
    pub shortfall: bool,
    /// Compute and print only: open the warehouse read-only and store nothing.
    #[arg(long)]
    pub no_store: bool,
    /// Balance rules (TOML) instead of the national ones; see config/balance.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// What a run needs computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The indicator CVs only.
    Cvs,
    /// CVs and the school table.
    Schools,
    /// Everything, verdicts included.
    All,
}

/// The result frames of one computation (those not needed are empty).
pub struct Results {
    pub cv: DataFrame,
    pub schools: Option<DataFrame>,
    pub verdicts: Option<DataFrame>,
}

/// Computes the balance tables a run needs from a schools frame.
pub fn compute(schools: DataFrame, cfg: &Config, need: Need) -> Result<Results> {
    let units = balance::level_units(schools.lazy(), cfg).collect()?.lazy();
    let cv = balance::cv_table(&units, cfg)?.collect()?;
    if need == Need::Cvs {
        return Ok(Results { cv, schools: None, verdicts: None });
    }
    let school_rows = balance::school_table(&units, &cv.clone().lazy(), cfg).collect()?;
    let verdicts = match need {
        Need::All => Some(balance::verdict_table(&cv.clone().lazy(), &school_rows.clone().lazy(), cfg).collect()?),
        _ => None,
    };
    Ok(Results { cv, schools: Some(school_rows), verdicts })
}

fn load_config(path: &Option<PathBuf>) -> Result<Config> {
    match path {
        None => Ok(Config::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))?;
            Config::from_toml(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))
        }
    }
}

pub fn run(args: Args) -> Result<()> {
    if let Some(bad) = args.county.iter().find(|c| c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Error::Usage(format!("--county {bad:?}: expected a 6-digit county code")));
    }
    let per_school = args.schools || args.shortfall;
    if per_school && args.standard.as_deref() == Some("basic") {
        return Err(Error::Usage("--schools and --shortfall are about the quality standard's school rule".into()));
    }
    let cfg = load_config(&args.config)?;
    let wh = args.db.open(if args.no_store { Access::ReadOnly } else { Access::ReadWrite })?;
    let schools = wh.read_schools(balance::SCHOOL_COLUMNS, &args.county, &args.year)?;
    let need = match (args.no_store, args.verdicts, per_school) {
        (false, _, _) | (true, true, _) => Need::All,
        (true, false, true) => Need::Schools,
        (true, false, false) => Need::Cvs,
    };
    let Results { cv, schools, verdicts } = compute(schools, &cfg, need)?;
    if !args.no_store {
        let whole = args.county.is_empty() && args.year.is_empty();
        let (schools, verdicts) = (schools.clone().expect("computed"), verdicts.clone().expect("computed"));
        let mut tables = [("balance_cv", cv.clone()), ("balance_verdicts", verdicts), ("balance_schools", schools)];
        wh.store_results(&mut tables, whole)?;
    }

    let mut shown = if args.verdicts {
        verdicts.expect("computed").lazy()
    } else if per_school {
        schools.expect("computed").lazy()
    } else {
        cv.lazy()
    };
    if let Some(level) = &args.level {
        shown = shown.filter(col("level").eq(lit(level.as_str())));
    }
    if let (Some(standard), false) = (&args.standard, per_school) {
        shown = shown.filter(col("standard").eq(lit(standard.as_str())));
    }
    if args.schools {
        shown = balance::school_rows(shown, &cfg);
    } else if args.shortfall {
        shown = shortfall(balance::school_rows(shown, &cfg));
    }
    let mut df = shown.collect()?;
    let batches = bridge::df_to_batches(&mut df)?;
    let schema = batches.first().map(|b| b.schema()).ok_or_else(|| Error::other("no result schema"))?;
    args.out.write(&QueryResult { schema, batches })
}

/// What each county lacks, per level and indicator: schools below the standard and the summed shortfall.
fn shortfall(schools: LazyFrame) -> LazyFrame {
    schools
        .filter(col("met").not())
        .group_by(["year", "county_code", "level", "indicator", "shortfall_unit"].map(col))
        .agg([
            col("school_id").n_unique().cast(DataType::Int64).alias("schools_below"),
            col("shortfall").sum().round(2, RoundMode::HalfToEven).alias("shortfall"),
        ])
        .sort(["year", "county_code", "level", "indicator"], SortMultipleOptions::default())
}
