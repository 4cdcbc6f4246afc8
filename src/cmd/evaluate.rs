//! `countyedu evaluate`: score every county against an evaluation scheme, point by point, with explanations.

use polars::prelude::IntoLazy;

use super::metric;
use super::scheme::{Evaluation, EvaluationArgs};
use crate::error::Result;
use crate::output::OutputArgs;

/// Score every county against an evaluation scheme (a TOML file, see criteria/README.md) for one year.
///
/// Per county and observation point: the value, the threshold, met / failed / partial / missing, points earned, and a one-line explanation (e.g. "初中 生均教学仪器设备值 差异系数 0.52 > 0.45"). With --summary, per county: total, grade, failed points, missing points (待填报), vetoes (一票否决), the largest gaps and the list of every point not met (gap_list, 差距清单). A recognition scheme (criteria/quality_balance_2017.toml, basic_balance_2012.toml, preschool_2020.toml) grades 达到 only when every item holds; an item without data is 待填报, never held. The metrics a scheme needs (balance, school checks, equity, urban–rural, growth checks, derived indicators) are computed from the warehouse on the way, opened read-only, under the rules the scheme names (`[scheme] rules`) or --rules; so `ingest` is all that must have run. Stored as evaluation and evaluation_summary (keyed by scheme, version and year) in a short write afterwards, unless --no-store.
///
/// Examples:
///   countyedu evaluate --scheme criteria/national.toml --year 2021
///   countyedu evaluate --scheme criteria/national.toml --year 2021 --summary \
///     -o summary.csv --bom
///   countyedu evaluate --scheme criteria/quality_balance_2017.toml --year 2023 \
///     --summary
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub run: EvaluationArgs,
    /// Print one row per county (total, grade, failed points, 差距清单) instead of one per point.
    #[arg(long)]
    pub summary: bool,
    /// Only these counties in the output (repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<()> {
    metric::check_counties(&args.county)?;
    let plan = args.out.plan()?;
    let Evaluation { rows, summary, .. } = args.run.evaluate()?;
    if let Some(note) = crate::ops::unmatched(&summary, "county_code", "--county", &args.county)? {
        crate::say!("note: {note}");
    }
    let shown = if args.summary { summary.lazy() } else { rows.lazy() };
    metric::print(&plan, metric::keep_text(shown, "county_code", &args.county))
}
