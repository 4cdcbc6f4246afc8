//! Flags and steps shared by the metric commands (`balance`, `equity`, `urban-rural`): which county-years, which
//! rules, whether to store, and how a result frame is filtered and printed.

use polars::prelude::*;

use super::{DbArgs, RulesArgs};
use crate::bridge;
use crate::error::{Error, Result};
use crate::ops::compute::concat_frames;
use crate::ops::{Computed, Inputs, Parts, Selection};
use crate::output::Plan;
use crate::rules::Rules;
use crate::warehouse::QueryResult;

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
        Some(bad) => Err(Error::usage(format!("--county {bad:?}: expected a 6-digit county code"))),
        None => Ok(()),
    }
}

impl MetricArgs {
    /// The county-years asked for.
    pub fn selection(&self) -> Selection {
        Selection { counties: self.county.clone(), years: self.year.clone() }
    }

    /// Checks the flags, reads the rules, computes over the selection with the warehouse opened read-only and
    /// stores the results (unless --no-store).
    pub fn run<T: Computed>(&self, compute: impl FnOnce(&Inputs) -> Result<T>) -> Result<(Rules, T)> {
        check_counties(&self.county)?;
        let rules = self.rules.load()?;
        let result = super::compute_then_store(&self.db, &rules, self.selection(), self.no_store, compute)?;
        Ok((rules, result))
    }

    /// As [`MetricArgs::run`], for a computation of each year by itself: it is computed in parts of whole years
    /// ([`Inputs::by_years`]; when it stores, each part is stored as it is computed, in one transaction), so memory
    /// holds one part's inputs and results; the command keeps from each part's result the frame it prints (`keep`).
    /// With `reads_schools` false (a computation of CVs only, which [`Inputs::cvs`] already runs by parts in the
    /// warehouse), a run that only prints computes the selection at once.
    pub fn run_by_years<T: Computed>(&self, reads_schools: bool, compute: impl Fn(&Inputs) -> Result<T>, keep: impl Fn(&T) -> Result<DataFrame>) -> Result<(Rules, DataFrame)> {
        if self.no_store && !reads_schools {
            let (rules, result) = self.run(compute)?;
            let kept = keep(&result)?;
            return Ok((rules, kept));
        }
        check_counties(&self.county)?;
        let rules = self.rules.load()?;
        if self.no_store {
            let kept = super::compute_reading(&self.db, &rules, self.selection(), |inputs| {
                concat_frames(inputs.by_years(crate::ops::PART_SCHOOLS, |part| keep(&compute(part)?))?)
            })?;
            return Ok((rules, kept));
        }
        let kept = super::compute_storing(&self.db, &rules, self.selection(), |inputs, sink| {
            let mut parts = Parts::new(sink, &inputs.selection);
            let kept = inputs.by_years(crate::ops::PART_SCHOOLS, |part| {
                let result = compute(part)?;
                let kept = keep(&result)?;
                parts.table(result)?;
                Ok(kept)
            })?;
            concat_frames(kept)
        })?;
        Ok((rules, kept))
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

/// Keeps the rows whose text `column` is one of `values` (all rows when none are given).
pub fn keep_text(frame: LazyFrame, column: &str, values: &[String]) -> LazyFrame {
    if values.is_empty() {
        return frame;
    }
    let list = Series::new("values".into(), values.to_vec());
    frame.filter(col(column).is_in(lit(list).implode(false), false))
}

/// Keeps the rows whose integer `column` is one of `values` (all rows when none are given).
pub fn keep_int(frame: LazyFrame, column: &str, values: &[i32]) -> LazyFrame {
    if values.is_empty() {
        return frame;
    }
    let list = Series::new("values".into(), values.to_vec());
    frame.filter(col(column).is_in(lit(list).implode(false), false))
}

/// Prints a result frame where the plan says.
pub fn print(plan: &Plan, frame: LazyFrame) -> Result<()> {
    plan.write(&result(frame.collect()?)?)
}

/// A frame as an Arrow result.
pub fn result(mut df: DataFrame) -> Result<QueryResult> {
    let batches = bridge::df_to_batches(&mut df)?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => bridge::arrow_schema(&df)?,
    };
    Ok(QueryResult { schema, batches })
}
