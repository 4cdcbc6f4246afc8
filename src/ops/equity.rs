//! Equity across schools, equity across counties, and urban–rural variation, as calls over [`Inputs`].

use polars::prelude::*;

use super::{Computed, Inputs};
use crate::equity::{self, Across, Grouping};
use crate::error::Result;
use crate::warehouse::Scope;

/// A single metric table and the stored rows it replaces.
pub struct Table {
    pub name: &'static str,
    pub frame: DataFrame,
    pub scope: Scope,
}

impl Computed for Table {
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>> {
        Ok(vec![(self.name, self.frame.clone(), self.scope.clone())])
    }
}

/// Equity measures across the schools of each selected county-year (table `equity`).
pub fn equity(inputs: &Inputs) -> Result<Table> {
    let frame = equity::equity_table(inputs.units()?)?;
    Ok(Table { name: "equity", frame, scope: inputs.selection.scope() })
}

/// [`equity`] and [`urban_rural`] at once, from one walk over the level units' groups (as `compute` needs both).
pub fn equity_and_urban_rural(inputs: &Inputs, grouping: Grouping) -> Result<(Table, Table)> {
    let (equity, urban_rural) = equity::equity_and_urban_rural_tables(inputs.units()?, grouping)?;
    Ok((
        Table { name: "equity", frame: equity, scope: inputs.selection.scope() },
        Table { name: "urban_rural", frame: urban_rural, scope: urban_rural_scope(inputs, grouping) },
    ))
}

/// Equity measures across the counties of each prefecture or province (table `equity_across`); each grouping
/// replaces only its own stored rows, so prefecture and province results live side by side.
pub fn across(inputs: &Inputs, across: Across) -> Result<Table> {
    let frame = equity::across_table(inputs.cvs()?, inputs.areas()?, across)?;
    let scope = Scope::all().text("across", &[across.id().to_string()]).int("year", &inputs.selection.years);
    Ok(Table { name: "equity_across", frame, scope })
}

/// Urban–rural variation of each selected county-year (table `urban_rural`); each grouping replaces only its own
/// stored rows.
pub fn urban_rural(inputs: &Inputs, grouping: Grouping) -> Result<Table> {
    let frame = equity::urban_rural_table(inputs.units()?, grouping)?;
    Ok(Table { name: "urban_rural", frame, scope: urban_rural_scope(inputs, grouping) })
}

/// The stored rows of `urban_rural` a grouping's rows replace: the selection's, of that grouping only.
fn urban_rural_scope(inputs: &Inputs, grouping: Grouping) -> Scope {
    inputs.selection.scope().text("grouping", &[grouping.id().to_string()])
}
