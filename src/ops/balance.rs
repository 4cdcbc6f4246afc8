//! The balance computation as one call: level units, indicator CVs, the school table and the county verdicts,
//! computing only what is asked for.

use polars::prelude::*;

use super::{Computed, Inputs};
use crate::balance;
use crate::error::Result;
use crate::rules::Rules;
use crate::warehouse::Scope;

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

/// Computes the balance tables a run needs: the CVs in the warehouse ([`Inputs::cvs`]), the school table and the
/// verdicts from the level units ([`Inputs::units`]) when asked for.
pub fn compute(inputs: &Inputs, need: Need) -> Result<Results> {
    let cfg = &inputs.rules.balance;
    let cv = inputs.cvs()?.clone();
    if need == Need::Cvs {
        return Ok(Results { cv, schools: None, verdicts: None });
    }
    let school_rows = balance::school_table(&inputs.units()?.clone().lazy(), &cv.clone().lazy(), cfg).collect()?;
    let verdicts = match need {
        Need::All => Some(balance::verdict_table(&cv.clone().lazy(), &school_rows.clone().lazy(), cfg).collect()?),
        _ => None,
    };
    Ok(Results { cv, schools: Some(school_rows), verdicts })
}

/// The school checks of 政府保障程度 (class and school size, music and art rooms, public funds) of the schools given,
/// with the funding floors of the rules for each county-year.
pub fn school_checks(schools: &DataFrame, rules: &Rules, counties: &DataFrame) -> Result<DataFrame> {
    let county_years = schools.clone().lazy().select([col("year"), col("county_code")]).unique(None, UniqueKeepStrategy::First).collect()?;
    let floors = rules.standards.floors_frame(&county_years, counties)?;
    let funding = balance::checks::FundingInputs {
        floors: &floors,
        small_school_pupils: rules.funding.small_school_pupils,
        boarder_supplement_yuan: rules.funding.boarder_supplement_yuan,
    };
    Ok(balance::checks::school_checks(schools.clone().lazy(), &rules.balance, &funding).collect()?)
}

/// The balance tables of a selection: CVs always; the school table, verdicts and school checks when asked for.
pub struct Balance {
    pub cv: DataFrame,
    pub schools: Option<DataFrame>,
    pub verdicts: Option<DataFrame>,
    pub checks: Option<DataFrame>,
    scope: Scope,
}

/// Computes what `need` says (and the school checks with `checks`) over the selected schools.
pub fn balance(inputs: &Inputs, need: Need, checks: bool) -> Result<Balance> {
    let checks = if checks { Some(school_checks(inputs.schools()?, inputs.rules, inputs.areas()?)?) } else { None };
    let Results { cv, schools, verdicts } = compute(inputs, need)?;
    Ok(Balance { cv, schools, verdicts, checks, scope: inputs.selection.scope() })
}

impl Computed for Balance {
    /// The four tables `balance` stores, which only a computation of everything (`Need::All` with the checks)
    /// has: storing part of them would leave the others out of step.
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>> {
        let all = [("balance_cv", Some(&self.cv)), ("balance_verdicts", self.verdicts.as_ref()), ("balance_schools", self.schools.as_ref()), ("school_checks", self.checks.as_ref())];
        all.into_iter()
            .map(|(t, f)| match f {
                Some(f) => Ok((t, f.clone(), self.scope.clone())),
                None => Err(crate::error::Error::other(format!("{t} was not computed: only a whole balance computation is stored"))),
            })
            .collect()
    }
}
