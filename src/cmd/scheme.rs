//! The flags of the commands that evaluate counties against a scheme (`evaluate`, `rank`), and the evaluation
//! they run: the scheme and its rules loaded and checked, figures computed read-only, results stored afterwards.

use std::path::PathBuf;

use polars::prelude::DataFrame;

use super::{DbArgs, RulesArgs, shipped};
use crate::error::{Error, Problem, Result};
use crate::evaluate::Scheme;
use crate::ops::evaluate::{self as op, Evaluated};
use crate::ops::{Inputs, Selection};
use crate::rules::Rules;

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
        let scheme = op::load_scheme(&self.scheme).map_err(|e| Error::usage(format!("the scheme is refused:\n{e}")))?;
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
            crate::say!("warning: {w}");
        }
        Ok(Evaluation { scheme, rules, rows, summary })
    }

    /// The rules of the evaluation ([`rules_for`]).
    fn rules_for(&self, scheme: &Scheme) -> Result<Rules> {
        rules_for(&self.scheme, scheme, &self.rules)
    }
}

/// The rules of an evaluation under the scheme read from `path`: those the scheme names, or --rules, or the
/// national ones; a scheme's rules and different --rules are refused rather than mixed.
pub fn rules_for(path: &std::path::Path, scheme: &Scheme, rules: &RulesArgs) -> Result<Rules> {
    let flag = rules.load()?;
    let Some(named) = &scheme.rules else { return Ok(flag) };
    let own = Rules::named_by_scheme(path, named, &shipped("config", ""))
        .map_err(|e| Error::Usage(Problem::new(format!("{}: the rules it names are refused", path.display())).with_source(e)))?;
    if rules.given() && flag.hash != own.hash {
        return Err(Error::usage(format!(
            "{} is written for the rules {named:?} and --rules gives other rules ({}); drop --rules or use a scheme \
             written for them",
            path.display(),
            flag.name
        )));
    }
    Ok(own)
}
