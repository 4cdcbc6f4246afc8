//! Operations: what a command does, as library calls that take a warehouse, the rules and typed options, compute
//! what they need and return typed results. Commands parse flags, call one operation and print; the metric modules
//! they call stay pure.
//!
//! Every operation reads through [`Inputs`], which reads each input from the warehouse at most once per call and
//! collects notes for the user (filters that matched nothing, counties without pupils) instead of printing them.
//! Storing is separate from computing: an operation returns its tables ([`Computed::store`] stores them in one
//! transaction), or puts each into a [`Sink`] as it is computed ([`compute::compute`], and [`Inputs::by_years`] with
//! [`Parts`]), so that a transaction can take a computation's tables a part of the years at a time.

pub mod audit;
pub mod balance;
pub mod compute;
pub mod equity;
pub mod evaluate;
pub mod growth;
pub mod plan;
pub mod rank;

use std::cell::{OnceCell, RefCell};

use polars::prelude::*;

use crate::error::Result;
use crate::rules::Rules;
use crate::warehouse::{Background, Scope, Storing, Warehouse};

/// The school-years of a part of a computation by years ([`Inputs::by_years`]): a national year (about 170,000
/// school-years) is a part by itself; a province's years go together while they fit. Planning the generated
/// queries and the frames' plans costs the same for a part of a county as of a nation.
pub const PART_SCHOOLS: i64 = 250_000;

/// The school-years of a part of the CVs' query ([`Inputs::cvs`]): three national years. Each query has a fixed
/// cost (planning, and both threads idle at the steps between its pipelines), so that small parts are slow;
/// larger parts hold more units, and a command that prints writes a part while the next is computed, which the
/// largest parts leave no room for (national scale, `balance --no-store`, medians of 3: parts of 350,000
/// school-years 2.14 s and 394 MiB, 600,000 1.98 s and 471 MiB, 900,000 2.04 s and 636 MiB, all ten years at once
/// 2.14 s and 875 MiB).
pub const CV_PART_SCHOOLS: i64 = 600_000;

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

    /// The indicator CVs of the selected county-years, under the rules, computed in the warehouse: in parts of
    /// whole years ([`CV_PART_SCHOOLS`]) when the selection is larger, so that the query holds one part's units
    /// (national scale, `balance --no-store`: 471 MiB instead of 875 MiB).
    pub fn cvs(&self) -> Result<&DataFrame> {
        cached(&self.cvs, || compute::concat_frames(self.wh.balance_cvs(&self.rules.balance, &self.cv_scopes(CV_PART_SCHOOLS)?)?))
    }

    /// The CVs of [`Inputs::cvs`], handed to `each` in parts of whole years of at most `max_schools` school-years
    /// ([`CV_PART_SCHOOLS`] for the commands; a larger year is a part by itself), in order, as each part is
    /// computed (and not kept): for a command that prints them as they come. `each` is called at least once.
    pub fn cvs_each(&self, max_schools: i64, each: impl FnMut(DataFrame) -> Result<()>) -> Result<()> {
        self.wh.balance_cvs_each(&self.rules.balance, &self.cv_scopes(max_schools)?, each)
    }

    /// The scopes of the CVs' queries: the selection, or its parts of whole years.
    fn cv_scopes(&self, max_schools: i64) -> Result<Vec<Scope>> {
        let scope = self.selection.scope();
        let parts = self.year_parts(max_schools)?;
        Ok(if parts.len() <= 1 { vec![scope] } else { parts.iter().map(|years| scope.clone().with_int("year", years)).collect() })
    }

    /// Every county with its prefecture, province and funding region.
    pub fn areas(&self) -> Result<&DataFrame> {
        cached(&self.areas, || self.wh.county_areas())
    }

    /// The years of the selection that have schools, ascending.
    pub fn years(&self) -> Result<Vec<i32>> {
        Ok(self.year_parts(1)?.concat())
    }

    /// The years of the selection that have schools, ascending, in parts of at most `max_schools` school-years
    /// each (a larger year is a part by itself).
    fn year_parts(&self, max_schools: i64) -> Result<Vec<Vec<i32>>> {
        let per_year = self.checked()?.clone().lazy().group_by([col("year")]).agg([col("schools").sum()]).sort(["year"], Default::default()).collect()?;
        let (years, schools) = (per_year.column("year")?.i32()?, per_year.column("schools")?.i64()?);
        let mut parts: Vec<(Vec<i32>, i64)> = Vec::new();
        for (year, n) in years.into_no_null_iter().zip(schools.into_no_null_iter()) {
            match parts.last_mut() {
                Some((years, size)) if *size + n <= max_schools => {
                    years.push(year);
                    *size += n;
                }
                _ => parts.push((vec![year], n)),
            }
        }
        Ok(parts.into_iter().map(|(years, _)| years).collect())
    }

    /// The same computation over some years of the selection (all of them when `years` is empty): what the
    /// selection matched was checked here (the notes are this call's), so the part does not check it again; the
    /// part knows the county-years of its own years only, and their CVs when these inputs have computed them.
    pub fn part(&self, years: Vec<i32>) -> Result<Inputs<'a>> {
        let years = if years.is_empty() { self.selection.years.clone() } else { years };
        let of_years = |frame: &DataFrame| -> Result<DataFrame> {
            if years.is_empty() {
                return Ok(frame.clone());
            }
            Ok(frame.clone().lazy().filter(col("year").is_in(lit(Series::new("years".into(), years.clone())).implode(false), false)).collect()?)
        };
        let checked = of_years(self.checked()?)?;
        let cvs = self.cvs.get().map(of_years).transpose()?;
        let mut part = Inputs::new(self.wh, self.rules, Selection { counties: self.selection.counties.clone(), years });
        let _ = part.county_years.set(checked);
        let _ = part.areas.set(self.areas()?.clone());
        if let Some(cvs) = cvs {
            part.set_cvs(cvs);
        }
        Ok(part)
    }

    /// Takes the CVs computed elsewhere (those of the years' parts of this selection, concatenated) as this
    /// call's.
    pub fn set_cvs(&mut self, cvs: DataFrame) {
        self.cvs = OnceCell::from(cvs);
    }

    /// Runs `f` over the selection in parts of whole years, each of at most `max_schools` school-years (a larger
    /// year is a part by itself; [`PART_SCHOOLS`] for the commands), each part with inputs of its own
    /// ([`Inputs::part`]), so memory holds one part's schools, units and results at a time; one part of nothing
    /// when the selection has no schools (so that a store still replaces its rows). The parts' notes become this
    /// call's.
    pub fn by_years<T>(&self, max_schools: i64, mut f: impl FnMut(&mut Inputs<'a>) -> Result<T>) -> Result<Vec<T>> {
        let mut parts = self.year_parts(max_schools)?;
        if parts.is_empty() {
            parts.push(Vec::new());
        }
        let mut out = Vec::with_capacity(parts.len());
        for years in parts {
            let mut part = self.part(years)?;
            out.push(f(&mut part)?);
            part.take_notes().into_iter().for_each(|n| self.note(n));
        }
        Ok(out)
    }

    /// Drops the schools read (a caller that needs them no more, when memory counts: [`compute::compute`]).
    pub fn release_schools(&mut self) {
        self.schools.take();
    }

    /// Drops the level units derived.
    pub fn release_units(&mut self) {
        self.units.take();
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

/// Where an operation that hands its result tables on as it computes them ([`compute::compute`]) puts each one:
/// a write transaction of the warehouse ([`Storing`]), for one.
pub trait Sink {
    /// Takes one result table and the stored rows it replaces.
    fn put(&mut self, table: &'static str, frame: DataFrame, scope: Scope) -> Result<()>;
}

impl Sink for Storing<'_> {
    fn put(&mut self, table: &'static str, mut frame: DataFrame, scope: Scope) -> Result<()> {
        Storing::put(self, table, &mut frame, &scope)
    }
}

impl Sink for Background {
    fn put(&mut self, table: &'static str, frame: DataFrame, scope: Scope) -> Result<()> {
        Background::put(self, table, frame, scope)
    }
}

/// A sink for a computation in parts ([`Inputs::by_years`]): each part's scope is widened to the selection's
/// years, so every part of a table replaces the same stored rows (the first part replaces them, the others add
/// to it), and the rows of each table are counted.
pub struct Parts<'s> {
    sink: &'s mut dyn Sink,
    tables: Vec<(&'static str, i64, String)>,
    /// The years of the selection (none: every year).
    years: Vec<i32>,
}

impl<'s> Parts<'s> {
    pub fn new(sink: &'s mut dyn Sink, selection: &Selection) -> Parts<'s> {
        Parts { sink, tables: Vec::new(), years: selection.years.clone() }
    }

    /// Every table of a result, which is dropped after (so its frames go once stored).
    pub fn table(&mut self, result: impl Computed) -> Result<()> {
        let tables = result.tables()?;
        drop(result);
        for (table, frame, scope) in tables {
            self.put(table, frame, scope)?;
        }
        Ok(())
    }

    /// One row per table put: `table`, `rows` and `replaces` (the stored rows it replaces).
    pub fn summary(&self) -> Result<DataFrame> {
        let names: Vec<&str> = self.tables.iter().map(|(n, _, _)| *n).collect();
        let rows: Vec<i64> = self.tables.iter().map(|(_, r, _)| *r).collect();
        let parts: Vec<String> = self.tables.iter().map(|(_, _, s)| s.clone()).collect();
        Ok(DataFrame::new_infer_height(vec![
            Column::new("table".into(), names),
            Column::new("rows".into(), rows),
            Column::new("replaces".into(), parts),
        ])?)
    }
}

impl Sink for Parts<'_> {
    fn put(&mut self, table: &'static str, frame: DataFrame, scope: Scope) -> Result<()> {
        let scope = if scope.restricts("year") { scope.with_int("year", &self.years) } else { scope };
        let described = scope.describe();
        match self.tables.iter_mut().find(|(t, _, s)| *t == table && *s == described) {
            Some((_, rows, _)) => *rows += frame.height() as i64,
            None => self.tables.push((table, frame.height() as i64, described)),
        }
        self.sink.put(table, frame, scope)
    }
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

/// A column as numbers (cast to f64), NULL as `None`.
pub fn f64s(df: &DataFrame, column: &str) -> Result<Vec<Option<f64>>> {
    Ok(df.column(column)?.cast(&DataType::Float64)?.f64()?.iter().collect())
}

/// A column as text (cast), NULL as "".
pub fn strings(df: &DataFrame, column: &str) -> Result<Vec<String>> {
    Ok(df.column(column)?.cast(&DataType::String)?.str()?.iter().map(|s| s.unwrap_or_default().to_string()).collect())
}
