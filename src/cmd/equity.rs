//! `countyedu equity`: equity measures beyond the official CV, per county or across counties.

use polars::prelude::*;

use super::metric::MetricArgs;
use crate::equity;
use crate::error::{Error, Result};
use crate::ops;
use crate::output::OutputArgs;

/// Equity measures per county, level, standard and indicator: cv, gini, theil_t, mld, mcloone, verstegen, p5, median, p95, restricted_range, federal_range_ratio, max_min_ratio.
///
/// Units are the level units and scopes of `countyedu balance`; every measure is weighted by pupils. Definitions: f = pupils / total pupils, μ = Σ f·x. Gini: 1 − Σ f_i (L_{i−1} + L_i) over values sorted ascending, L the cumulative share of Σ pupils·x (weighted Lorenz curve). Theil T = Σ f (x/μ) ln(x/μ); MLD = Σ f ln(μ/x). Weighted percentile P(p): the smallest value whose cumulative pupil share reaches p; the median is P(0.5). McLoone = Σ pupils·x below the median / (median · pupils below); Verstegen the same above (1 when no school is strictly below, or above). restricted_range = P95 − P5; federal_range_ratio = (P95 − P5) / P5; max_min_ratio = max / min. Theil and MLD are undefined at x ≤ 0: such schools are left out of those two and counted in n_nonpositive; the other measures keep them.
///
/// --across prefecture|province: the same measures across the counties of each prefecture or province, with county means (as in balance_cv) as values and county pupils as weights: how a province sees its own balance.
///
/// Stored as table `equity` (per county) or `equity_across`, unless --no-store.
///
/// Examples:
///   countyedu equity --db countyedu-demo.duckdb --county 140121 --year 2023
///   countyedu equity --across province --standard basic -o across.csv --bom
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Measure across the counties of each prefecture or province instead of across schools.
    #[arg(long, value_enum)]
    pub across: Option<Across>,
    #[command(flatten)]
    pub metric: MetricArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<()> {
    let m = &args.metric;
    let plan = args.out.plan()?;
    if args.across.is_some() && !m.county.is_empty() {
        return Err(Error::usage("--across measures whole prefectures or provinces: drop --county"));
    }
    let compute = |inputs: &ops::Inputs| match args.across {
        None => ops::equity::equity(inputs),
        Some(across) => ops::equity::across(inputs, across.into()),
    };
    m.run_by_years(&plan, compute, |t| Ok(t.frame.clone()), |_, frame| Ok(m.filter(frame.lazy(), true).collect()?))
}

/// Where counties are grouped for measures across counties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Across {
    Prefecture,
    Province,
}

impl From<Across> for equity::Across {
    fn from(a: Across) -> equity::Across {
        match a {
            Across::Prefecture => equity::Across::Prefecture,
            Across::Province => equity::Across::Province,
        }
    }
}
