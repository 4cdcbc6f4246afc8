//! `countyedu growth`: year-on-year change, compound growth, ranks, and the funding rule checks.

use std::path::PathBuf;

use polars::prelude::*;

use super::metric;
use super::{DbArgs, RulesArgs};
use crate::error::{Error, Result};
use crate::ops::{Selection, growth};
use crate::output::OutputArgs;

/// Growth of county series: year-on-year change, compound annual growth, ranks, and the funding rules.
///
/// Series: every county indicator as reported; edu_expenditure_per_student_computed = edu_budget_expenditure / edu_budget_students (a series of its own: the reported edu_expenditure_per_student is never filled with it; where both exist a note flags a disagreement beyond 0.5%); the balance CVs (basic_composite_cv_{level} and cv_{standard}_{level}_{indicator}: is the gap between schools shrinking?) unless --no-cv. Every series is listed in the warehouse's indicator_catalogue (the derived ones named …（派生）): countyedu sql "SELECT * FROM indicator_catalogue".
///
/// Rows: value, previous_value, change, pct_change (percent), rank_in_prefecture and rank_in_province of pct_change (1 = largest increase; ties share the lower rank: 1, 2, 2, 4; for a CV series the largest increase is the gap between schools widening most, so rank 1 is the worst). A year missing from a series breaks the chain: no change is computed across the gap and the note says so; a county that stops reporting before the last year is named on stderr and in the note of its last rows (counties re-coded after merging: --crosswalk FILE with columns old_code,new_code,year moves the old code's values onto the new one before that year; merged counties' money and head counts add up, their rates are left out).
///
/// --window: compound annual growth from --from to --to (default: first and last year of the data), ranked. --checks: 两个只增不减 (budget spending and per-student spending not below the year before, with growth rates; per-student spending on one basis in every year, per_student_basis of the rules: reported or computed, named in the basis column), 生均公用经费 standards against the floor for the county's region and year (the floors of the rules: national ones, a province's added with --rules DIR), county matching funds paid ≥ required, teachers' average pay ≥ civil servants'. A check without data has passed empty.
///
/// Stored as growth, growth_checks (and growth_window with --window) unless --no-store.
///
/// Examples:
///   countyedu growth --county 140581 --indicator edu_budget_expenditure
///   countyedu growth --checks --county 140581 --year 2021 \
///     --rules config/provinces/140000
///   countyedu growth --window --from 2019 --to 2023 \
///     --indicator edu_expenditure_per_student
///   countyedu growth --county 140121 \
///     --indicator edu_expenditure_per_student_computed
///   countyedu growth --indicator basic_composite_cv_primary --year 2023
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only these series (repeat the flag for several) [default: all].
    #[arg(long, value_name = "ID")]
    pub indicator: Vec<String>,
    /// Only these counties (repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    /// Only this year in the output (repeat the flag for several).
    #[arg(long, value_name = "YEAR")]
    pub year: Vec<i32>,
    /// First year of the window (and of the output).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last year of the window (and of the output).
    #[arg(long, value_name = "YEAR")]
    pub to: Option<i32>,
    /// Print compound annual growth over the window instead of year-on-year rows.
    #[arg(long, conflicts_with = "checks")]
    pub window: bool,
    /// Print the funding rule checks instead of year-on-year rows.
    #[arg(long)]
    pub checks: bool,
    /// County code changes (CSV: old_code,new_code,year).
    #[arg(long, value_name = "FILE")]
    pub crosswalk: Option<PathBuf>,
    /// Replaced by per_student_basis in the rules' funding.toml.
    #[arg(long, hide = true, value_name = "BASIS")]
    pub per_student: Option<String>,
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Leave out the balance CV series (faster when only money matters).
    #[arg(long)]
    pub no_cv: bool,
    /// Compute and print only: open the warehouse read-only and store nothing.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: Args) -> Result<()> {
    if let (Some(f), Some(t)) = (args.from, args.to)
        && f >= t
    {
        return Err(Error::usage(format!("--from {f} must be before --to {t}")));
    }
    metric::check_counties(&args.county)?;
    if let Some(b) = &args.per_student {
        return Err(Error::usage(format!(
            "--per-student {b} is a rule now: set per_student_basis in funding.toml of a rules folder and pass --rules DIR \
             (see config/README.md)"
        )));
    }
    let rules = args.rules.load()?;
    let plan = args.out.plan()?;
    let opts = growth::Options { crosswalk: args.crosswalk.as_deref(), no_cv: args.no_cv, window: args.window.then_some((args.from, args.to)) };
    let result = super::compute_then_store(&args.db, &rules, Selection::all(), args.no_store, |inputs| growth::growth(inputs, &opts))?;
    for (flag, column, asked) in [
        ("--county", "county_code", args.county.clone()),
        ("--year", "year", args.year.iter().map(i32::to_string).collect()),
        ("--indicator", "indicator", if args.checks { Vec::new() } else { args.indicator.clone() }),
    ] {
        if let Some(note) = crate::ops::unmatched(&result.series, column, flag, &asked)? {
            crate::say!("note: {note}");
        }
    }
    let shown = match (result.window, args.checks) {
        (Some((_, w)), _) => w.lazy(),
        (None, true) => result.checks.lazy(),
        (None, false) => result.yoy.lazy(),
    };
    let mut shown = metric::keep_text(shown, "county_code", &args.county);
    if !args.checks {
        shown = metric::keep_text(shown, "indicator", &args.indicator);
    }
    if !args.window {
        shown = metric::keep_int(shown, "year", &args.year);
        if let Some(f) = args.from {
            shown = shown.filter(col("year").gt_eq(lit(f)));
        }
        if let Some(t) = args.to {
            shown = shown.filter(col("year").lt_eq(lit(t)));
        }
    }
    metric::print(&plan, shown)
}
