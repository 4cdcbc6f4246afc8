//! `countyedu compute`: every metric table in one run, the level units derived once and shared.

use std::path::PathBuf;

use super::metric::{self, check_counties};
use super::{DbArgs, RulesArgs};
use crate::error::Result;
use crate::ops::{self, Selection};
use crate::output::OutputArgs;

/// Compute and store every metric table in one run.
///
/// What `balance`, `equity` (per county, and --across prefecture and province), `urban-rural` (its default grouping, 城区 / 镇区 / 乡村) and `growth` (with its funding checks) compute and store, in one run over one read of the warehouse: the schools are read once, the level units and the balance CVs derived once (in the warehouse, where the data is) and shared by every table. Each table is stored as soon as it is computed, within one transaction committed at the end: the warehouse holds all the new tables or, after an error or a kill, none of them. The warehouse is open for writing (locked for other processes) for the whole run.
///
/// --county and --year select the county-years of the balance, equity and urban–rural tables (only their stored rows are replaced); equity across counties then is left out, as it measures whole prefectures and provinces. Growth always covers every county and year of the warehouse (a year's change needs the year before), as `countyedu growth` does.
///
/// Prints one row per table stored: its name, its rows, and which stored rows it replaced.
///
/// Examples:
///   countyedu compute --db countyedu-demo.duckdb
///   countyedu compute --db countyedu-demo.duckdb --rules config/provinces/140000
///   countyedu compute --db countyedu-demo.duckdb --county 140121 --year 2023
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only these counties (6-digit codes; repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    /// Only these years (repeat the flag for several).
    #[arg(long, value_name = "YEAR")]
    pub year: Vec<i32>,
    /// County code changes for growth (CSV: old_code,new_code,year).
    #[arg(long, value_name = "FILE")]
    pub crosswalk: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<()> {
    check_counties(&args.county)?;
    let rules = args.rules.load()?;
    let plan = args.out.plan()?;
    let selection = Selection { counties: args.county.clone(), years: args.year.clone() };
    let options = ops::growth::Options { crosswalk: args.crosswalk.as_deref(), ..Default::default() };
    let summary = super::compute_storing(&args.db, &rules, selection, |inputs, sink| ops::compute::compute(inputs, &options, sink))?;
    plan.write(&metric::result(summary)?)
}
