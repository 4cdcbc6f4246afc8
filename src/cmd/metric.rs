//! Flags and steps shared by the metric commands (`balance`, `equity`, `urban-rural`): which county-years, which
//! rules, whether to store, and how a result frame is filtered and printed.

use std::path::PathBuf;

use polars::prelude::*;

use super::DbArgs;
use crate::balance::{self, Config};
use crate::bridge;
use crate::error::{Error, Result};
use crate::output::OutputArgs;
use crate::warehouse::{Access, QueryResult, Warehouse};

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
    /// Balance rules (TOML) instead of the national ones; see config/balance.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

impl MetricArgs {
    /// Checks the flags, reads the rules and opens the warehouse (read-only with --no-store).
    pub fn prepare(&self) -> Result<(Config, Warehouse)> {
        if let Some(bad) = self.county.iter().find(|c| c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::Usage(format!("--county {bad:?}: expected a 6-digit county code")));
        }
        let cfg = match &self.config {
            None => Config::default(),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))?;
                Config::from_toml(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))?
            }
        };
        let wh = self.db.open(if self.no_store { Access::ReadOnly } else { Access::ReadWrite })?;
        Ok((cfg, wh))
    }

    /// The schools of the selected county-years.
    pub fn schools(&self, wh: &Warehouse) -> Result<DataFrame> {
        wh.read_schools(balance::SCHOOL_COLUMNS, &self.county, &self.year)
    }

    /// The level units of the selected county-years.
    pub fn units(&self, wh: &Warehouse, cfg: &Config) -> Result<DataFrame> {
        Ok(balance::level_units(self.schools(wh)?.lazy(), cfg).collect()?)
    }

    /// Whether every county-year was computed (then stored tables are replaced whole).
    pub fn unfiltered(&self) -> bool {
        self.county.is_empty() && self.year.is_empty()
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

/// Prints a result frame where the output flags say.
pub fn print(out: &OutputArgs, frame: LazyFrame) -> Result<()> {
    let mut df = frame.collect()?;
    let batches = bridge::df_to_batches(&mut df)?;
    let schema = batches.first().map(|b| b.schema()).ok_or_else(|| Error::other("no result schema"))?;
    out.write(&QueryResult { schema, batches })
}
