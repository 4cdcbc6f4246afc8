//! `countyedu evaluate`: score every county against an evaluation scheme, point by point, with explanations.

use std::path::PathBuf;

use polars::prelude::{DataFrame, IntoLazy};

use super::{DbArgs, RulesArgs, metric, shipped};
use crate::error::{Error, Problem, Result};
use crate::evaluate::Scheme;
use crate::ops::evaluate::{self as op, Evaluated};
use crate::ops::{Inputs, Selection};
use crate::output::OutputArgs;
use crate::rules::Rules;

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

/// What an evaluation needs: the scheme, the year, the warehouse, the rules.
#[derive(Debug, Clone, clap::Args)]
pub struct EvaluationArgs {
    /// The evaluation scheme (TOML).
    #[arg(long, value_name = "FILE")]
    pub scheme: PathBuf,
    /// The year evaluated.
    #[arg(long)]
    pub year: i32,
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Evaluate every county of the warehouse, not only those of the scheme's province.
    #[arg(long)]
    pub all_counties: bool,
    /// Compute and print only: store nothing (the warehouse is only ever read while computing).
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// An evaluation's results, with the scheme and rules it was made under.
pub struct Evaluation {
    pub scheme: Scheme,
    pub rules: Rules,
    pub rows: DataFrame,
    pub summary: DataFrame,
}

impl EvaluationArgs {
    /// Loads the scheme and its rules, computes the figures with the warehouse opened read-only, scores every
    /// county, and stores the results in one short write transaction afterwards (unless --no-store).
    pub fn evaluate(&self) -> Result<Evaluation> {
        let scheme = Scheme::load(&self.scheme).map_err(|e| Error::usage(format!("the scheme is refused:\n{e}")))?;
        if !(scheme.years[0]..=scheme.years[1]).contains(&self.year) {
            return Err(Error::usage(format!(
                "{} applies to {}–{}, not {}",
                self.scheme.display(),
                scheme.years[0],
                scheme.years[1],
                self.year
            )));
        }
        let rules = self.rules_for(&scheme)?;
        let evaluate = |inputs: &Inputs| op::evaluate(inputs.wh, &scheme, &self.scheme, inputs.rules, self.year, self.all_counties);
        let Evaluated { rows, summary, warnings, .. } = super::compute_then_store(&self.db, &rules, Selection::all(), self.no_store, evaluate)?;
        for w in warnings {
            eprintln!("warning: {w}");
        }
        Ok(Evaluation { scheme, rules, rows, summary })
    }

    /// The rules of an evaluation: those the scheme names, or --rules, or the national ones; a scheme's rules and
    /// different --rules are refused rather than mixed.
    fn rules_for(&self, scheme: &Scheme) -> Result<Rules> {
        let flag = self.rules.load()?;
        let Some(named) = &scheme.rules else { return Ok(flag) };
        let own = Rules::named_by_scheme(&self.scheme, named, &shipped("config", ""))
            .map_err(|e| Error::Usage(Problem::new(format!("{}: the rules it names are refused", self.scheme.display())).with_source(e)))?;
        if self.rules.given() && flag.hash != own.hash {
            return Err(Error::usage(format!(
                "{} is written for the rules {named:?} and --rules gives other rules ({}); drop --rules or use a scheme \
                 written for them",
                self.scheme.display(),
                flag.name
            )));
        }
        Ok(own)
    }
}

pub fn run(args: Args) -> Result<()> {
    metric::check_counties(&args.county)?;
    let plan = args.out.plan()?;
    let Evaluation { rows, summary, .. } = args.run.evaluate()?;
    if let Some(note) = crate::ops::unmatched(&summary, "county_code", "--county", &args.county)? {
        eprintln!("note: {note}");
    }
    let shown = if args.summary { summary.lazy() } else { rows.lazy() };
    metric::print(&plan, metric::keep_text(shown, "county_code", &args.county))
}
