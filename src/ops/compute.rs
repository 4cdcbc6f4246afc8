//! Every metric table in one call: balance (CVs, verdicts, school table, school checks), equity per county and
//! across counties, urban–rural variation, growth with its checks and the data audit, each table handed to a
//! [`Sink`] as soon as it is computed.
//!
//! Memory holds one part of the years at a time: every table but growth is a function of each year's schools, so
//! they are computed in parts of whole years ([`Inputs::by_years`]: a part's schools read once, its level units
//! derived once and shared), each part's rows put as the next part of each table. Growth, which compares each
//! year with the one before, comes first, over the CVs of every year (computed once, in parts, in the warehouse,
//! and taken by the parts): a sink that stores in the background ([`crate::warehouse::Background`]) then writes
//! growth's two million rows while the parts are computed, instead of after them.

use polars::prelude::*;

use super::balance::{self, Need};
use super::equity;
use super::growth;
use super::{Inputs, Parts, Selection, Sink};
use crate::equity::{Across, Grouping};
use crate::error::Result;

/// Computes every metric table over the selection and puts each into `sink` (in parts of whole years: the same
/// table and scope each time); returns one row per table (`table`, `rows`, `replaces`: the stored rows it
/// replaces). Growth (which needs the year before each year) always covers every county and year of the
/// warehouse, as `countyedu growth` does.
pub fn compute(inputs: &mut Inputs, growth_options: &growth::Options, sink: &mut dyn Sink) -> Result<DataFrame> {
    let mut out = Parts::new(sink, &inputs.selection);
    // The data audit (数据核查) of the selection first, its flags and the verdicts they could change: the largest
    // working set of the computation, held before the writer has anything else to hold (national compute, peak
    // 1.6 GB so; with the audit last, beside the writer's parts, 2.0 GB).
    out.table(super::audit::audit(inputs)?)?;
    // Selecting everything, growth's CVs are those of the selection, which the parts then take ([`Inputs::part`]).
    if inputs.selection.counties.is_empty() && inputs.selection.years.is_empty() {
        out.table(growth::growth(inputs, growth_options)?)?;
    } else {
        out.table(growth::growth(&Inputs::new(inputs.wh, inputs.rules, Selection::all()), growth_options)?)?;
    }
    inputs.by_years(super::PART_SCHOOLS, |part| one_part(part, &mut out))?;
    if !inputs.selection.counties.is_empty() {
        inputs.note("equity across counties (equity_across) is left out: it measures whole prefectures and provinces, not the counties selected".into());
    }
    out.summary()
}

/// Every table but growth over one part of the selection.
fn one_part(part: &mut Inputs, out: &mut Parts) -> Result<()> {
    let balance = balance::balance(part, Need::All, true)?;
    // The school checks are the only table that reads the schools themselves.
    part.release_schools();
    out.table(balance)?;

    let (equity, urban_rural) = equity::equity_and_urban_rural(part, Grouping::Three)?;
    part.release_units();
    out.table(equity)?;
    if part.selection.counties.is_empty() {
        for across in [Across::Prefecture, Across::Province] {
            out.table(equity::across(part, across)?)?;
        }
    }
    out.table(urban_rural)?;
    Ok(())
}

/// The frames one under the other (none: an empty frame).
pub fn concat_frames(frames: Vec<DataFrame>) -> Result<DataFrame> {
    let mut frames = frames.into_iter();
    let Some(mut all) = frames.next() else { return Ok(DataFrame::empty()) };
    for f in frames {
        all.vstack_mut_owned(f)?;
    }
    Ok(all)
}
