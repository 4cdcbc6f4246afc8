//! Operations: what a command does, as library calls that take a warehouse, the rules and typed options, compute
//! what they need and return typed results. Commands parse flags, call one operation and print; the metric modules
//! they call stay pure.
//!
//! Every operation reads through [`Inputs`], which reads each input from the warehouse at most once per call and
//! collects notes for the user (filters that matched nothing, counties without pupils) instead of printing them.
//! Storing is separate from computing ([`Computed::store`]): a command computes with the warehouse opened
//! read-only and stores afterwards in one short write transaction.

pub mod balance;
pub mod compute;
pub mod equity;
pub mod evaluate;
pub mod growth;
pub mod rank;

use std::cell::{OnceCell, RefCell};

use polars::prelude::*;

use crate::error::Result;
use crate::rules::Rules;
use crate::warehouse::{Scope, Warehouse};

/// The county-years an operation covers: the counties and years asked for (every one when a list is empty).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub counties: Vec<String>,
    pub years: Vec<i32>,
}

impl Selection {
    /// Every county and year.
    pub fn all() -> Selection {
        Selection::default()
    }

    /// The stored rows a computation over this selection replaces.
    pub fn scope(&self) -> Scope {
        Scope::all().text("county_code", &self.counties).int("year", &self.years)
    }
}

/// The data of one call, read from the warehouse when first needed and then shared.
pub struct Inputs<'a> {
    pub wh: &'a Warehouse,
    pub rules: &'a Rules,
    pub selection: Selection,
    schools: OnceCell<DataFrame>,
    units: OnceCell<DataFrame>,
    cvs: OnceCell<DataFrame>,
    county_years: OnceCell<DataFrame>,
    areas: OnceCell<DataFrame>,
    notes: RefCell<Vec<String>>,
}

impl<'a> Inputs<'a> {
    pub fn new(wh: &'a Warehouse, rules: &'a Rules, selection: Selection) -> Inputs<'a> {
        Inputs { wh, rules, selection, schools: OnceCell::new(), units: OnceCell::new(), cvs: OnceCell::new(), county_years: OnceCell::new(), areas: OnceCell::new(), notes: RefCell::default() }
    }

    /// The schools of the selected county-years (the columns the metrics use).
    pub fn schools(&self) -> Result<&DataFrame> {
        cached(&self.schools, || {
            self.checked()?;
            self.wh.read_schools(crate::balance::SCHOOL_COLUMNS, &self.selection.scope())
        })
    }

    /// The selected county-years with their schools and pupils, read once; the first call notes the filters that
    /// matched nothing and the county-years without pupils.
    fn checked(&self) -> Result<&DataFrame> {
        cached(&self.county_years, || {
            let county_years = self.wh.school_county_years(&self.selection.scope())?;
            self.unmatched(&county_years, "county_code", "--county", &self.selection.counties)?;
            let years: Vec<String> = self.selection.years.iter().map(i32::to_string).collect();
            self.unmatched(&county_years, "year", "--year", &years)?;
            let empty = crate::balance::without_pupils(county_years.clone().lazy()).collect()?;
            let (years, codes, n) = (empty.column("year")?.i32()?, empty.column("county_code")?.str()?, empty.column("schools")?.i64()?);
            for i in 0..empty.height() {
                self.note(format!(
                    "{} {}: {} school(s), none with pupils reported: no level units, so no CVs or equity measures",
                    codes.get(i).unwrap_or_default(),
                    years.get(i).unwrap_or_default(),
                    n.get(i).unwrap_or_default()
                ));
            }
            Ok(county_years)
        })
    }

    /// The level units (one per school and level) of the selected county-years, under the rules.
    pub fn units(&self) -> Result<&DataFrame> {
        cached(&self.units, || {
            self.checked()?;
            self.wh.level_units(&self.rules.balance, &self.selection.scope())
        })
    }

    /// The indicator CVs of the selected county-years, under the rules, computed in the warehouse.
    pub fn cvs(&self) -> Result<&DataFrame> {
        cached(&self.cvs, || {
            self.checked()?;
            self.wh.balance_cvs(&self.rules.balance, &self.selection.scope())
        })
    }

    /// Every county with its prefecture, province and funding region.
    pub fn areas(&self) -> Result<&DataFrame> {
        cached(&self.areas, || self.wh.county_areas())
    }

    /// Something the user should hear about (printed by the command on stderr).
    pub fn note(&self, note: String) {
        self.notes.borrow_mut().push(note);
    }

    /// The notes collected so far, taken.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut self.notes.borrow_mut())
    }

    /// Notes which of the values asked for with `flag` occur nowhere in `column` of `frame`.
    pub fn unmatched(&self, frame: &DataFrame, column: &str, flag: &str, asked: &[String]) -> Result<()> {
        if let Some(n) = unmatched(frame, column, flag, asked)? {
            self.note(n);
        }
        Ok(())
    }
}

/// The frame in `cell`, read by `read` on the first call.
fn cached(cell: &OnceCell<DataFrame>, read: impl FnOnce() -> Result<DataFrame>) -> Result<&DataFrame> {
    if let Some(frame) = cell.get() {
        return Ok(frame);
    }
    let frame = read()?;
    Ok(cell.get_or_init(|| frame))
}

/// Which of the values asked for with `flag` occur nowhere in `column` of `frame`, as a note.
pub fn unmatched(frame: &DataFrame, column: &str, flag: &str, asked: &[String]) -> Result<Option<String>> {
    if asked.is_empty() {
        return Ok(None);
    }
    let present = frame.column(column)?.cast(&DataType::String)?;
    let present: std::collections::HashSet<&str> = present.str()?.iter().flatten().collect();
    let missing: Vec<&str> = asked.iter().map(String::as_str).filter(|a| !present.contains(a)).collect();
    Ok((!missing.is_empty()).then(|| format!("{flag} {} matched no data in the warehouse", missing.join(", "))))
}

/// The result tables of an operation, each with the stored rows it replaces.
pub trait Computed {
    /// (table, frame, the stored rows it replaces); an error for a result that cannot be stored (a partial one).
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>>;

    /// Stores the tables, each row stamped with the rules, in one transaction: all of them or none.
    fn store(&self, wh: &Warehouse, rules: &Rules) -> Result<()> {
        wh.store_results(&mut self.tables()?, &rules.stamp())
    }
}
