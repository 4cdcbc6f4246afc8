//! Every metric table in one call: balance (CVs, verdicts, school table, school checks), equity per county and
//! across counties, urban–rural variation and growth with its checks, over one [`Inputs`], so the schools, the
//! level units and the CVs are read or derived once and shared.

use polars::prelude::*;

use super::balance::{self, Balance, Need};
use super::equity::{self, Table};
use super::growth::{self, Growth};
use super::{Computed, Inputs};
use crate::equity::{Across, Grouping};
use crate::error::Result;
use crate::warehouse::Scope;

/// The results of [`compute`].
pub struct Everything {
    pub balance: Balance,
    /// Equity per county, equity across counties (prefecture and province, when no county was selected) and
    /// urban–rural variation (城区 / 镇区 / 乡村, the grouping `urban-rural` stores by default).
    pub tables: Vec<Table>,
    pub growth: Growth,
}

/// Computes every metric table over the selection; growth (which needs the year before each year) always covers
/// every county and year of the warehouse, as `countyedu growth` does.
pub fn compute(inputs: &Inputs, growth_options: &growth::Options) -> Result<Everything> {
    let balance = balance::balance(inputs, Need::All, true)?;
    let mut tables = vec![equity::equity(inputs)?];
    if inputs.selection.counties.is_empty() {
        for across in [Across::Prefecture, Across::Province] {
            tables.push(equity::across(inputs, across)?);
        }
    } else {
        inputs.note("equity across counties (equity_across) is left out: it measures whole prefectures and provinces, not the counties selected".into());
    }
    tables.push(equity::urban_rural(inputs, Grouping::Three)?);
    let growth = if inputs.selection.counties.is_empty() && inputs.selection.years.is_empty() {
        growth::growth(inputs, growth_options)?
    } else {
        growth::growth(&Inputs::new(inputs.wh, inputs.rules, super::Selection::all()), growth_options)?
    };
    Ok(Everything { balance, tables, growth })
}

impl Computed for Everything {
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>> {
        let mut out = self.balance.tables()?;
        for t in &self.tables {
            out.extend(t.tables()?);
        }
        out.extend(self.growth.tables()?);
        Ok(out)
    }
}

impl Everything {
    /// One row per table computed: its name and rows (what `countyedu compute` prints).
    pub fn summary(&self) -> Result<DataFrame> {
        let tables = self.tables()?;
        let names: Vec<&str> = tables.iter().map(|(n, _, _)| *n).collect();
        let rows: Vec<i64> = tables.iter().map(|(_, f, _)| f.height() as i64).collect();
        let parts: Vec<String> = tables.iter().map(|(_, _, s)| s.describe()).collect();
        Ok(DataFrame::new_infer_height(vec![
            Column::new("table".into(), names),
            Column::new("rows".into(), rows),
            Column::new("replaces".into(), parts),
        ])?)
    }
}
