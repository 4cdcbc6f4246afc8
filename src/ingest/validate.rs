//! Validation: a [`RawFrame`] of text cells becomes a typed frame in the canonical layout, or a list of problems
//! each naming the file, line, column, value and what was expected.
//!
//! Checks that need one cell at a time live here (numbers, signs, codes, ranges, units); checks that need the
//! whole load (duplicate keys, county codes known to `counties`) are run by the warehouse on the staged rows.

use std::collections::{BTreeSet, HashMap};

use polars::prelude::*;
use rayon::prelude::*;

use super::read::{Locator, RawFrame};
use crate::error::{InputProblem, InputProblems, Location};
use crate::model::{self, ColumnSpec, Kind, Table};

/// A file that passed validation, in canonical columns plus `_row` (the 0-based record index).
pub struct Validated {
    pub table: Table,
    pub df: DataFrame,
    /// For each canonical column present in the file: its 1-based position and its header as written.
    pub column_of: HashMap<&'static str, (usize, String)>,
    pub warnings: Vec<String>,
}

/// A cell that failed a check.
struct BadCell {
    row: u64,
    value: String,
    expected: String,
}

/// Problems collected for one file. Header problems are kept as found; cell problems are gathered from every
/// column, then the earliest `limit` (by row, then column) are located in the file in one pass.
struct Collector<'a> {
    raw: &'a RawFrame,
    limit: usize,
    problems: Vec<InputProblem>,
    /// (row, 1-based column, header, cell)
    cells: Vec<(u64, usize, String, BadCell)>,
    more: usize,
}

impl<'a> Collector<'a> {
    fn new(raw: &'a RawFrame, limit: usize) -> Self {
        Collector { raw, limit, problems: Vec::new(), cells: Vec::new(), more: 0 }
    }

    fn header(&mut self, column: Option<(usize, &str)>, value: Option<String>, expected: String) {
        let location = match &self.raw.locator {
            Locator::Text { .. } => Location::Line(1),
            Locator::Sheet { sheet, first_data_row } => Location::SheetRow { sheet: sheet.clone(), row: first_data_row - 1 },
            Locator::Records => Location::File,
        };
        self.problems.push(InputProblem {
            file: self.raw.path.clone(),
            location,
            column_index: column.map(|c| c.0),
            column: column.map(|c| c.1.to_string()),
            value,
            expected,
        });
    }

    /// Adds the bad cells of one column (each column already capped at `limit`, `uncounted` beyond that).
    fn cells(&mut self, column_index: usize, header: &str, bad: Vec<BadCell>, uncounted: usize) {
        self.more += uncounted;
        self.cells.extend(bad.into_iter().map(|b| (b.row, column_index, header.to_string(), b)));
    }

    fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.cells.is_empty() && self.more == 0
    }

    fn finish(mut self) -> InputProblems {
        self.cells.sort_by_key(|c| (c.0, c.1));
        let room = self.limit.saturating_sub(self.problems.len());
        if self.cells.len() > room {
            self.more += self.cells.len() - room;
            self.cells.truncate(room);
        }
        let rows: Vec<u64> = self.cells.iter().map(|c| c.0).collect();
        for ((_, column_index, header, cell), location) in self.cells.into_iter().zip(self.raw.locator.locate(&rows)) {
            self.problems.push(InputProblem {
                file: self.raw.path.clone(),
                location,
                column_index: Some(column_index),
                column: Some(header),
                value: Some(cell.value),
                expected: cell.expected,
            });
        }
        self.problems.sort();
        InputProblems { problems: self.problems, more: self.more }
    }
}

/// Validates a raw frame; which table it holds is detected from its header.
pub fn validate(raw: &RawFrame, limit: usize) -> Result<Validated, InputProblems> {
    let mut out = Collector::new(raw, limit);
    let Some(table) = model::detect_table(&raw.headers) else {
        out.header(
            None,
            Some(raw.headers.join(",")),
            "a header of counties (county_code, county_name, region …), schools (year, county_code, school_id …) \
             or county_indicators (year, county_code, indicator, value); see datasets/README.md"
                .into(),
        );
        return Err(out.finish());
    };

    // Header: which raw column feeds each canonical column, and with what unit factor.
    let mut column_of: HashMap<&'static str, (usize, String)> = HashMap::new();
    let mut factors: HashMap<&'static str, f64> = HashMap::new();
    let mut ignored = Vec::new();
    for (i, h) in raw.headers.iter().enumerate() {
        let Some((spec, unit)) = model::match_header(table, h) else {
            if !h.is_empty() {
                ignored.push(h.clone());
            }
            continue;
        };
        if let Some((j, first)) = column_of.get(spec.name) {
            out.header(Some((i + 1, h)), None, format!("column {:?} only once (it is also column {j}, {first:?})", spec.name));
            continue;
        }
        if let (Some(to), Some(from)) = (spec.unit, unit.as_deref()) {
            match model::unit_factor(from, to) {
                Some(f) => {
                    factors.insert(spec.name, f);
                }
                None => out.header(Some((i + 1, h)), Some(from.to_string()), format!("values in {to} (or 万{to})")),
            }
        }
        column_of.insert(spec.name, (i + 1, h.clone()));
    }
    for spec in table.columns().iter().filter(|c| c.required && !column_of.contains_key(c.name)) {
        out.header(None, None, format!("a column {:?} ({}); it is missing", spec.name, spec.zh[0]));
    }
    if !out.problems.is_empty() {
        return Err(out.finish());
    }

    // Cells, one column at a time, in parallel.
    let height = raw.df.height();
    let parsed: Vec<(&ColumnSpec, Column, Vec<BadCell>, usize)> = table
        .columns()
        .par_iter()
        .map(|spec| {
            let Some((i, _)) = column_of.get(spec.name) else {
                return (spec, Column::full_null(spec.name.into(), height, &dtype(spec.kind)), Vec::new(), 0);
            };
            let cells = raw.df.columns()[i - 1].str().expect("raw columns are text");
            let (col, bad, uncounted) = parse_column(spec, cells, factors.get(spec.name).copied().unwrap_or(1.0), limit);
            (spec, col, bad, uncounted)
        })
        .collect();
    let mut columns = Vec::with_capacity(parsed.len() + 1);
    for (spec, col, bad, uncounted) in parsed {
        if !bad.is_empty() || uncounted > 0 {
            let (i, h) = &column_of[spec.name];
            out.cells(*i, h, bad, uncounted);
        }
        columns.push(col);
    }
    let mut warnings = Vec::new();
    if table == Table::CountyIndicators {
        indicator_rules(&mut columns, &column_of, &mut out, &mut warnings);
    }
    if !ignored.is_empty() {
        warnings.push(format!("{}: ignored columns not in the {} format: {}", raw.path.display(), table.name(), ignored.join(", ")));
    }
    if !out.is_clean() {
        return Err(out.finish());
    }
    columns.push(Column::new("_row".into(), (0..height as i64).collect::<Vec<i64>>()));
    let df = DataFrame::new(height, columns).map_err(|e| {
        let mut c = Collector::new(raw, limit);
        c.header(None, None, format!("a consistent table ({e})"));
        c.finish()
    })?;
    Ok(Validated { table, df, column_of, warnings })
}

fn dtype(kind: Kind) -> DataType {
    match kind {
        Kind::Year | Kind::UrbanRural => DataType::Int32,
        Kind::Count => DataType::Int64,
        Kind::Amount | Kind::Number => DataType::Float64,
        Kind::Text | Kind::CountyCode | Kind::AreaCode | Kind::SchoolType | Kind::Region => DataType::String,
    }
}

/// Parses a number as people and spreadsheets write it; `None` for anything that is not a finite number.
fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Converts a value into the canonical unit. A converted value is rounded to a hundredth of the canonical unit
/// (分 for money), so that 6.7 亿元 is stored as 670000000 and not as 669999999.99999994.
fn convert(x: f64, factor: f64) -> f64 {
    if factor == 1.0 { x } else { (x * factor * 100.0).round() / 100.0 }
}

/// Bad cells of one column, capped at a limit.
struct ColumnProblems<'a> {
    spec: &'a ColumnSpec,
    limit: usize,
    bad: Vec<BadCell>,
    uncounted: usize,
}

impl ColumnProblems<'_> {
    /// Runs `parse` over the trimmed non-empty cells. An empty cell is NULL, flagged when the column needs a value;
    /// a cell that `parse` refuses is NULL and flagged.
    fn each<'c, T>(&mut self, cells: &'c StringChunked, parse: impl Fn(&'c str) -> Option<T>) -> Vec<Option<T>> {
        let mut out = Vec::with_capacity(cells.len());
        for (row, cell) in cells.iter().enumerate() {
            let cell = cell.map(str::trim).filter(|s| !s.is_empty());
            let value = cell.and_then(&parse);
            if value.is_none() && (cell.is_some() || !self.spec.nullable) {
                if self.bad.len() < self.limit {
                    let value = cell.unwrap_or("").to_string();
                    self.bad.push(BadCell { row: row as u64, value, expected: self.spec.kind.expected() });
                } else {
                    self.uncounted += 1;
                }
            }
            out.push(value);
        }
        out
    }
}

fn digits(s: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses and checks one column. Returns the typed column, the bad cells (up to `limit`) and how many more.
fn parse_column(spec: &ColumnSpec, cells: &StringChunked, factor: f64, limit: usize) -> (Column, Vec<BadCell>, usize) {
    let mut p = ColumnProblems { spec, limit, bad: Vec::new(), uncounted: 0 };
    let number = |s: &str| parse_number(s).map(|x| convert(x, factor));
    let whole = |s: &str| number(s).filter(|x| x.fract() == 0.0).map(|x| x as i64);
    let year = |s: &str| whole(s).filter(|y| (model::YEAR_RANGE.0..=model::YEAR_RANGE.1).contains(y)).map(|y| y as i32);
    let name: PlSmallStr = spec.name.into();
    let col = match spec.kind {
        Kind::Text => Column::new(name, p.each(cells, Some)),
        Kind::CountyCode => Column::new(name, p.each(cells, |s| digits(s, 6..=6).then_some(s))),
        Kind::AreaCode => Column::new(name, p.each(cells, |s| digits(s, 2..=6).then_some(s))),
        Kind::SchoolType => Column::new(name, p.each(cells, model::school_type_id)),
        Kind::Region => Column::new(name, p.each(cells, model::region_id)),
        Kind::Year => Column::new(name, p.each(cells, year)),
        Kind::UrbanRural => {
            Column::new(name, p.each(cells, |s| whole(s).filter(|c| model::URBAN_RURAL_CODES.contains(c)).map(|c| c as i32)))
        }
        Kind::Count => Column::new(name, p.each(cells, |s| whole(s).filter(|c| *c >= 0))),
        Kind::Amount => Column::new(name, p.each(cells, |s| number(s).filter(|x| *x >= 0.0))),
        Kind::Number => Column::new(name, p.each(cells, number)),
    };
    (col, p.bad, p.uncounted)
}

/// County indicators: ids may be written as their Chinese names; a unit cell converts the value into the
/// catalogue's unit; catalogued indicators are never negative. Unknown ids load, with a warning.
fn indicator_rules(
    columns: &mut [Column],
    column_of: &HashMap<&'static str, (usize, String)>,
    out: &mut Collector<'_>,
    warnings: &mut Vec<String>,
) {
    let pos = |name: &str| Table::CountyIndicators.columns().iter().position(|c| c.name == name).expect("canonical");
    let (ind_i, val_i, unit_i) = (pos("indicator"), pos("value"), pos("unit"));
    let ids: Vec<Option<String>> = columns[ind_i].str().expect("text").iter().map(|s| s.map(str::to_string)).collect();
    let values: Vec<Option<f64>> = columns[val_i].f64().expect("number").iter().collect();
    let units: Vec<Option<String>> = columns[unit_i].str().expect("text").iter().map(|s| s.map(str::to_string)).collect();
    let (mut new_ids, mut new_values, mut new_units) = (Vec::new(), Vec::new(), Vec::new());
    let mut unknown = BTreeSet::new();
    let mut bad_unit = Vec::new();
    let mut bad_value = Vec::new();
    for (row, ((id, value), unit)) in ids.into_iter().zip(values).zip(units).enumerate() {
        let Some(spec) = id.as_deref().and_then(model::indicator) else {
            if let Some(id) = &id {
                unknown.insert(id.clone());
            }
            new_ids.push(id);
            new_values.push(value);
            new_units.push(unit);
            continue;
        };
        let factor = match unit.as_deref() {
            None => Some(1.0),
            Some(u) => model::unit_factor(u, spec.unit),
        };
        let converted = match (factor, value) {
            (None, _) => {
                bad_unit.push(BadCell { row: row as u64, value: unit.clone().unwrap_or_default(), expected: format!("the unit of {}: {}", spec.id, spec.unit) });
                value
            }
            (Some(f), Some(v)) => Some(convert(v, f)),
            (Some(_), None) => None,
        };
        if let Some(v) = converted.filter(|v| *v < 0.0) {
            bad_value.push(BadCell { row: row as u64, value: v.to_string(), expected: format!("a non-negative value for {}", spec.id) });
        }
        new_ids.push(Some(spec.id.to_string()));
        new_values.push(converted);
        new_units.push(Some(spec.unit.to_string()));
    }
    for (name, bad) in [("unit", bad_unit), ("value", bad_value)] {
        if !bad.is_empty() {
            let (i, h) = &column_of[name];
            out.cells(*i, h, bad, 0);
        }
    }
    if !unknown.is_empty() {
        warnings.push(format!(
            "{}: indicator ids not in the catalogue (loaded as they are): {}",
            out.raw.path.display(),
            unknown.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    columns[ind_i] = Column::new("indicator".into(), new_ids);
    columns[val_i] = Column::new("value".into(), new_values);
    columns[unit_i] = Column::new("unit".into(), new_units);
}
