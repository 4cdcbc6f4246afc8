//! Validation: a [`RawFrame`] of text cells becomes a typed frame in the canonical layout, or a list of problems
//! each naming the file, line, column, value and what was expected.
//!
//! Checks that need one cell at a time live here (numbers, signs, codes, ranges, units); checks that need the
//! whole load (duplicate keys, county codes known to `counties`) are run by the warehouse on the staged rows.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use polars::prelude::*;
use rayon::prelude::*;

use super::read::RawFrame;
use crate::error::{InputProblem, InputProblems};
use crate::model::{self, ColumnSpec, Kind, Table};

/// A file whose header was understood, in canonical columns plus `_row` (the 0-based record index). Cells that
/// failed their check are NULL in `df` and listed in `problems`: the rows are still staged, so that the
/// whole-load checks (keys, counties) run over every row that parsed and a user sees every kind of problem at once.
pub struct Validated {
    pub table: Table,
    pub df: DataFrame,
    /// For each canonical column present in the file: its 1-based position and its header as written.
    pub column_of: HashMap<&'static str, (usize, String)>,
    pub warnings: Vec<String>,
    pub problems: InputProblems,
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
        let location = self.raw.locator.header();
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
pub fn validate(raw: &RawFrame, limit: usize, bounds: Bounds) -> Result<Validated, InputProblems> {
    let mut out = Collector::new(raw, limit);
    let Some(table) = model::detect_table(&raw.headers) else {
        let hint = match raw.locator {
            super::read::Locator::Sheet { .. } => "; a sheet of notes is left out by naming the data sheets with --sheet",
            _ => "",
        };
        out.header(
            None,
            Some(raw.headers.join(",")),
            format!(
                "a header of counties (county_code, county_name, region …), schools (year, county_code, school_id …) \
                 or county_indicators (year, county_code, indicator, value); see datasets/README.md{hint}"
            ),
        );
        return Err(out.finish());
    };

    let Header { column_of, factors, value_unit, ignored } = header(raw, table, &mut out);
    let mut out_warnings_of_totals = Vec::new();
    // The usual columns a file leaves out load as not reported, and the load says which.
    let absent: Vec<&str> = table.columns().iter().filter(|c| c.usual && !c.required && !column_of.contains_key(c.name)).map(|c| c.name).collect();
    if !out.problems.is_empty() {
        return Err(out.finish());
    }

    // A totals row (合计, 总计, 小计) under the table is a sum of the rows above, not a school or a county: left out,
    // and said with its place, rather than refused cell by cell.
    let totals = totals_rows(raw, table, &column_of);
    if !totals.is_empty() {
        let rows: Vec<u64> = totals.iter().copied().collect();
        let places: Vec<String> = raw.locator.locate(&rows).iter().map(|l| crate::error::place(&raw.path, l)).collect();
        out_warnings_of_totals.push(format!("{}: a totals row (合计), left out: the warehouse sums schools itself", places.join(", ")));
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
            let (col, bad, uncounted) = parse_column(spec, cells, factors.get(spec.name), limit, bounds);
            (spec, col, bad, uncounted)
        })
        .collect();
    let mut columns = Vec::with_capacity(parsed.len() + 1);
    for (spec, col, mut bad, uncounted) in parsed {
        bad.retain(|b| !totals.contains(&b.row));
        if !bad.is_empty() || uncounted > 0 {
            let (i, h) = &column_of[spec.name];
            out.cells(*i, h, bad, uncounted);
        }
        columns.push(col);
    }
    let mut warnings = out_warnings_of_totals;
    if table == Table::CountyIndicators {
        indicator_rules(&mut columns, &column_of, value_unit.as_deref(), &mut out, &mut warnings);
    }
    if !ignored.is_empty() {
        warnings.push(format!("{}: ignored columns not in the {} format: {}", raw.path.display(), table.name(), ignored.join(", ")));
    }
    if !absent.is_empty() {
        warnings.push(format!("{}: columns not in the file, loaded as not reported (empty): {}", raw.path.display(), absent.join(", ")));
    }
    columns.push(Column::new("_row".into(), (0..height as i64).collect::<Vec<i64>>()));
    let mut df = DataFrame::new(height, columns).map_err(|e| {
        let mut c = Collector::new(raw, limit);
        c.header(None, None, format!("a consistent table ({e})"));
        c.finish()
    })?;
    if !totals.is_empty() {
        let keep: BooleanChunked = (0..height as u64).map(|r| !totals.contains(&r)).collect();
        df = df.filter(&keep).map_err(|e| {
            let mut c = Collector::new(raw, limit);
            c.header(None, None, format!("a consistent table ({e})"));
            c.finish()
        })?;
    }
    if table == Table::Schools && bounds.rows {
        impossible_rows(&df, &column_of, limit, &mut out);
    }
    Ok(Validated { table, df, column_of, warnings, problems: out.finish() })
}

/// The rows of a schools file that cannot be true (逻辑校验, the audit's impossible rules: a part above its whole,
/// pupils without classes, an impossible average or largest class), each refused at the cell of the column it
/// names, with the values it compares; `ingest --allow-out-of-bounds` loads them (and `audit` lists them).
fn impossible_rows(df: &DataFrame, column_of: &HashMap<&'static str, (usize, String)>, limit: usize, out: &mut Collector) {
    let Ok(found) = crate::audit::impossible(df.clone().lazy(), &crate::audit::AuditRules::default()) else { return };
    let (Ok(rows), Ok(columns), Ok(values), Ok(messages)) =
        (found.column("_row").and_then(|c| c.i64()), found.column("column").and_then(|c| c.str()), found.column("value").and_then(|c| c.f64()), found.column("message").and_then(|c| c.str()))
    else {
        return;
    };
    let mut by_column: HashMap<&str, Vec<BadCell>> = HashMap::new();
    for i in 0..found.height() {
        let (Some(row), Some(column)) = (rows.get(i), columns.get(i)) else { continue };
        let expected = format!("{} (ingest --allow-out-of-bounds loads it; `countyedu audit` then lists it)", messages.get(i).unwrap_or_default());
        let value = values.get(i).map_or(String::new(), |v| if v.fract() == 0.0 { format!("{v:.0}") } else { v.to_string() });
        by_column.entry(column).or_default().push(BadCell { row: row as u64, value, expected });
    }
    for (column, mut bad) in by_column {
        let Some((i, header)) = column_of.get(column) else { continue };
        bad.sort_by_key(|b| b.row);
        let uncounted = bad.len().saturating_sub(limit);
        bad.truncate(limit);
        out.cells(*i, header, bad, uncounted);
    }
}

/// The records (0-based) that are a table's totals: a key text cell (the school's id or name, the county's code
/// or name, the year) that says 合计, 总计 or 小计 (or Total).
fn totals_rows(raw: &RawFrame, table: Table, column_of: &HashMap<&'static str, (usize, String)>) -> BTreeSet<u64> {
    let keys: &[&str] = match table {
        Table::Schools => &["year", "county_code", "school_id", "school_name"],
        Table::Counties => &["county_code", "county_name"],
        Table::CountyIndicators => &["year", "county_code"],
    };
    let mut out = BTreeSet::new();
    for k in keys {
        let Some((i, _)) = column_of.get(k) else { continue };
        let Ok(cells) = raw.df.columns()[i - 1].str() else { continue };
        for (r, cell) in cells.iter().enumerate() {
            let Some(c) = cell else { continue };
            let c = c.trim();
            if ["合计", "总计", "小计"].iter().any(|t| c.starts_with(t) || c.ends_with(t)) || c.eq_ignore_ascii_case("total") {
                out.insert(r as u64);
            }
        }
    }
    out
}

/// Which raw column feeds each canonical column, with what unit; the columns not in the format.
struct Header {
    column_of: HashMap<&'static str, (usize, String)>,
    factors: HashMap<&'static str, (f64, String)>,
    value_unit: Option<String>,
    ignored: Vec<String>,
}

/// Reads the header against the table's columns; problems (a column twice, a unit that does not convert, a
/// required column missing) go to `out`.
fn header(raw: &RawFrame, table: Table, out: &mut Collector) -> Header {
    let mut column_of: HashMap<&'static str, (usize, String)> = HashMap::new();
    let mut factors: HashMap<&'static str, (f64, String)> = HashMap::new();
    let mut value_unit: Option<String> = None;
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
        if let Some(from) = unit.as_deref() {
            match header_unit(spec, from) {
                Ok(HeaderUnit::Factor(f)) => {
                    factors.insert(spec.name, (f, from.to_string()));
                }
                Ok(HeaderUnit::Values) => value_unit = Some(from.to_string()),
                Ok(HeaderUnit::Remark) => {}
                Err(expected) => out.header(Some((i + 1, h)), Some(from.to_string()), expected),
            }
        }
        column_of.insert(spec.name, (i + 1, h.clone()));
    }
    for spec in table.columns().iter().filter(|c| c.required && !column_of.contains_key(c.name)) {
        out.header(None, None, format!("a column {:?} ({}); it is missing", spec.name, spec.zh[0]));
    }
    Header { column_of, factors, value_unit, ignored }
}

/// What a unit in a header means for its column.
enum HeaderUnit {
    /// Values are converted into the column's unit by this factor.
    Factor(f64),
    /// The `value` column of county indicators: the unit of every row without a unit cell.
    Values,
    /// A bracketed remark on a text column (`学校名称（全称）`), not a unit.
    Remark,
}

/// Reads the unit a header names for its column; the error is what was expected instead.
fn header_unit(spec: &ColumnSpec, unit: &str) -> Result<HeaderUnit, String> {
    match (spec.kind, spec.unit) {
        (_, Some(to)) => model::unit_factor(unit, to)
            .map(HeaderUnit::Factor)
            .ok_or_else(|| format!("a unit that converts into {to}: {}", model::unit_spellings(to))),
        (Kind::Number, None) if model::is_unit(unit) => Ok(HeaderUnit::Values),
        (Kind::Number, None) => Err("a unit countyedu knows (元, 万元, 亿元, 人, 万人, %, …)".into()),
        (_, None) if model::is_unit(unit) => Err(format!("no unit: {} is {}", spec.name, spec.kind.expected())),
        (_, None) => Ok(HeaderUnit::Remark),
    }
}

fn dtype(kind: Kind) -> DataType {
    match kind {
        Kind::Year | Kind::UrbanRural => DataType::Int32,
        Kind::Count => DataType::Int64,
        Kind::Amount | Kind::Number => DataType::Float64,
        Kind::Text | Kind::CountyCode | Kind::AreaCode | Kind::SchoolType | Kind::Region => DataType::String,
    }
}

/// Cells that mean "not reported" in the returns offices exchange: a dash or a slash (half- or full-width) or 无.
const NOT_REPORTED: &[&str] = &["-", "--", "—", "——", "－", "/", "／", "无"];

/// The longest of [`NOT_REPORTED`] in bytes (`——`), so that longer cells skip the comparison.
const MARKER_BYTES: usize = 6;

/// Whether a cell may be one of [`NOT_REPORTED`]: each begins with `-`, `/` or the first byte of `—`, `－`, `／`
/// or `无` in UTF-8 (a digit, the start of most cells, never does).
fn may_be_marker(c: &str) -> bool {
    matches!(c.as_bytes().first(), Some(b'-' | b'/' | 0xE2 | 0xEF | 0xE6))
}

/// A cell without the whitespace around it (Unicode's, as `str::trim`); a cell that begins and ends with a
/// visible ASCII character, as nearly all do, is returned as it is without decoding its characters.
fn trim(c: &str) -> &str {
    match (c.as_bytes().first(), c.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => c,
        _ => c.trim(),
    }
}

/// Whether a cell holds a control character other than tab and line ends (checked byte by byte for ASCII text).
fn has_control(c: &str) -> bool {
    let control = |ch: char| ch.is_control() && !matches!(ch, '\t' | '\n' | '\r');
    if c.is_ascii() { c.bytes().any(|b| control(b as char)) } else { c.chars().any(control) }
}

/// A cell as people and spreadsheets write a number, made plain: full-width digits, signs and points as ASCII,
/// and thousands separators removed where they group the digits exactly (`1,234`, `1,234.5`, `１２３４`).
fn plain_number(s: &str) -> Cow<'_, str> {
    let s: Cow<'_, str> = if s.is_ascii() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| match c {
                    '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                    '．' => '.',
                    '－' | '−' => '-',
                    '＋' => '+',
                    '，' => ',',
                    'ｅ' | 'Ｅ' => 'e',
                    c => c,
                })
                .collect(),
        )
    };
    if !s.contains(',') {
        return s;
    }
    let (sign, rest) = match s.strip_prefix(['-', '+']) {
        Some(r) => (&s[..1], r),
        None => ("", s.as_ref()),
    };
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !grouped {
        return s;
    }
    Cow::Owned(format!("{sign}{}{}", groups.concat(), frac.map(|f| format!(".{f}")).unwrap_or_default()))
}

/// Parses a number as people and spreadsheets write it; `None` for anything that is not a finite number
/// (NaN and infinity included).
fn parse_number(s: &str) -> Option<f64> {
    // The common case, plain ASCII digits, goes straight to the parser.
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-')) {
        return s.parse::<f64>().ok();
    }
    let plain = plain_number(s.trim());
    // Only digits, one point, a sign and an exponent: Rust would also read "inf" and "NaN".
    if !plain.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
        return None;
    }
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Converts a value into the canonical unit. A converted value is rounded to a hundredth of the canonical unit
/// (分 for money), so that 6.7 亿元 is stored as 670000000 and not as 669999999.99999994.
fn convert(x: f64, factor: f64) -> f64 {
    if factor == 1.0 { x } else { (x * factor * 100.0).round() / 100.0 }
}

/// A parse result: the value, or why the cell is refused (None: the column's usual expectation).
type Parsed<T> = Result<T, Option<String>>;

/// Bad cells of one column, capped at a limit.
struct ColumnProblems<'a> {
    spec: &'a ColumnSpec,
    expected: String,
    limit: usize,
    bad: Vec<BadCell>,
    uncounted: usize,
}

impl ColumnProblems<'_> {
    fn flag(&mut self, row: usize, value: &str, expected: String) {
        if self.bad.len() < self.limit {
            self.bad.push(BadCell { row: row as u64, value: value.to_string(), expected });
        } else {
            self.uncounted += 1;
        }
    }

    /// Runs `parse` over the trimmed non-empty cells. An empty cell (or one that says "not reported": `—`, `/`,
    /// `无` …) is NULL, flagged when the column needs a value; a cell holding a control character, or one that
    /// `parse` refuses, is NULL and flagged.
    fn each<'c, T>(&mut self, cells: &'c StringChunked, parse: impl Fn(&'c str) -> Parsed<T>) -> Vec<Option<T>> {
        let mut out = Vec::with_capacity(cells.len());
        for (row, cell) in cells.iter().enumerate() {
            let cell = cell.map(trim).filter(|s| !s.is_empty());
            let value = match cell {
                None if self.spec.nullable => None,
                None => {
                    self.flag(row, "", self.expected.clone());
                    None
                }
                Some(c) if c.len() <= MARKER_BYTES && may_be_marker(c) && NOT_REPORTED.contains(&c) => {
                    if !self.spec.nullable {
                        self.flag(row, c, format!("{} ({c:?} means not reported, and this column needs a value)", self.expected));
                    }
                    None
                }
                Some(c) if has_control(c) => {
                    let code = c.chars().find(|ch| ch.is_control() && !matches!(ch, '\t' | '\n' | '\r')).map(|ch| ch as u32).unwrap_or(0);
                    self.flag(row, c, format!("text without control characters (this cell holds U+{code:04X})"));
                    None
                }
                Some(c) => match parse(c) {
                    Ok(v) => Some(v),
                    Err(why) => {
                        let expected = why.unwrap_or_else(|| self.expected.clone());
                        self.flag(row, c, expected);
                        None
                    }
                },
            };
            out.push(value);
        }
        out
    }
}

/// A code of `lengths` digits, also when a spreadsheet wrote it as a whole number with a fraction (`140581.0`) or
/// in full-width digits.
fn code(s: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<String> {
    let plain = plain_number(s);
    let digits = match plain.split_once('.') {
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int,
        Some(_) => return None,
        None => plain.as_ref(),
    };
    (lengths.contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_string())
}

/// How a column's values are checked beyond their kind.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// Refuse values beyond the documented per-column bounds (`ingest --allow-out-of-bounds` turns it off).
    pub enforce: bool,
    /// Refuse the rows that cannot be true (the audit's 强制 rules; off with `--allow-out-of-bounds` too).
    pub rows: bool,
}

/// Parses and checks one column. Returns the typed column, the bad cells (up to `limit`) and how many more.
fn parse_column(spec: &ColumnSpec, cells: &StringChunked, unit: Option<&(f64, String)>, limit: usize, bounds: Bounds) -> (Column, Vec<BadCell>, usize) {
    let factor = unit.map_or(1.0, |u| u.0);
    let expected = match (unit, spec.unit) {
        (Some((f, from)), Some(to)) if *f != 1.0 => format!("{} (in {to} after converting from {from})", spec.kind.expected()),
        _ => spec.kind.expected(),
    };
    let mut p = ColumnProblems { spec, expected, limit, bad: Vec::new(), uncounted: 0 };
    let bounded = |x: f64| -> Parsed<f64> {
        match spec.max {
            Some(max) if bounds.enforce && x > max => Err(Some(format!(
                "at most {} {} (the bound datasets/README.md gives {}; ingest --allow-out-of-bounds accepts larger values)",
                model::bound_text(max),
                spec.unit.unwrap_or(""),
                spec.name
            ))),
            Some(max) if x > max * model::CEILING_FACTOR => Err(Some(format!(
                "at most {} {} even with --allow-out-of-bounds ({}× the bound datasets/README.md gives {}: the largest \
                 value every computation takes)",
                model::bound_text(max * model::CEILING_FACTOR),
                spec.unit.unwrap_or(""),
                model::CEILING_FACTOR,
                spec.name
            ))),
            _ => Ok(x),
        }
    };
    let number = |s: &str| parse_number(s).map(|x| convert(x, factor)).ok_or(None);
    let whole = |s: &str| number(s).and_then(|x| if x.fract() == 0.0 { Ok(x as i64) } else { Err(None) });
    let year = |s: &str| whole(s).and_then(|y| if (model::YEAR_RANGE.0..=model::YEAR_RANGE.1).contains(&y) { Ok(y as i32) } else { Err(None) });
    let name: PlSmallStr = spec.name.into();
    let col = match spec.kind {
        Kind::Text => Column::new(name, p.each(cells, Ok)),
        Kind::CountyCode => Column::new(name, p.each(cells, |s| code(s, 6..=6).ok_or(None))),
        Kind::AreaCode => Column::new(name, p.each(cells, |s| code(s, 2..=6).ok_or(None))),
        Kind::SchoolType => Column::new(name, p.each(cells, |s| model::school_type_id(s).ok_or(None))),
        Kind::Region => Column::new(name, p.each(cells, |s| model::region_id(s).ok_or(None))),
        Kind::Year => {
            let column = Column::new(name, p.each(cells, year));
            for bad in &mut p.bad {
                if let Some(hint) = date_hint(&bad.value) {
                    bad.expected = format!("{} ({hint})", bad.expected);
                }
            }
            column
        }
        Kind::UrbanRural => Column::new(
            name,
            p.each(cells, |s| whole(s).and_then(|c| if model::URBAN_RURAL_CODES.contains(&c) { Ok(c as i32) } else { Err(None) })),
        ),
        Kind::Count => Column::new(
            name,
            p.each(cells, |s| whole(s).and_then(|c| if c >= 0 { bounded(c as f64).map(|_| c) } else { Err(None) })),
        ),
        Kind::Amount => Column::new(name, p.each(cells, |s| number(s).and_then(|x| if x >= 0.0 { bounded(x) } else { Err(None) }))),
        Kind::Number => Column::new(name, p.each(cells, number)),
    };
    if matches!(spec.kind, Kind::Count | Kind::Amount | Kind::Number) {
        for bad in &mut p.bad {
            if let Some(hint) = number_hint(&bad.value, spec) {
                bad.expected = format!("{} ({hint})", bad.expected);
            }
        }
    }
    (col, p.bad, p.uncounted)
}

/// Why a number cell may have been refused, when the cell says: a unit or a percent sign after the number, or
/// not-a-number and infinity as some programs write them.
fn number_hint(value: &str, spec: &ColumnSpec) -> Option<String> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if ["nan", "inf", "+inf", "-inf", "infinity", "-infinity", "#num!", "#div/0!"].contains(&lower.as_str()) {
        return Some("not-a-number and infinity are not values".into());
    }
    let digits_end = v.char_indices().take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+') || ('０'..='９').contains(c)).last()?.0;
    let rest = v[digits_end..].chars().skip(1).collect::<String>();
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    if rest == "%" || rest == "％" {
        return Some(match spec.kind {
            Kind::Number => "a percentage is written as its number alone: 35% as 35".into(),
            _ => "a percentage is not a count or an amount".into(),
        });
    }
    let unit = if rest == "万" && spec.unit == Some("元") { "万元" } else { rest };
    if !model::is_unit(unit) {
        return Some("write the number alone".into());
    }
    let name = spec.zh.first().copied().unwrap_or(spec.name);
    Some(format!("write the number alone; a unit belongs in the header, e.g. {name}（{unit}）"))
}

/// Why a cell in a year column may hold a date: a date as a spreadsheet shows it (`2021-01-01`), or the serial
/// number Excel keeps for it (`44197`).
fn date_hint(value: &str) -> Option<String> {
    let b = value.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && value[..4].bytes().all(|c| c.is_ascii_digit()) {
        return Some(format!("the cell holds a date; write the year {} as a number", &value[..4]));
    }
    let serial = value.trim().parse::<f64>().ok().filter(|v| v.fract() == 0.0 && (20_000.0..80_000.0).contains(v))?;
    // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in): count days forward.
    let date = excel_date(serial as i64);
    Some(format!("{value} looks like the Excel serial number of the date {date}; write the year {} as a number", &date[..4]))
}

/// The calendar date of an Excel serial day number (1900 date system).
fn excel_date(serial: i64) -> String {
    // Days from 1970-01-01, then the civil-from-days algorithm (Howard Hinnant's).
    let z = serial - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// County indicators: ids may be written as their Chinese names; a unit (in the row's unit cell, else in the value
/// column's header) converts the value into the catalogue's unit; a catalogued value must be plausible (a rate in
/// percent, a verdict 0 or 1, an amount within its range). Unknown ids load, with a warning.
fn indicator_rules(
    columns: &mut [Column],
    column_of: &HashMap<&'static str, (usize, String)>,
    header_unit: Option<&str>,
    out: &mut Collector<'_>,
    warnings: &mut Vec<String>,
) {
    let pos = |name: &str| Table::CountyIndicators.columns().iter().position(|c| c.name == name).expect("canonical");
    let (ind_i, val_i, unit_i) = (pos("indicator"), pos("value"), pos("unit"));
    // The cells are borrowed from these columns, and each distinct id and unit text is looked up once (a file
    // holds a few dozen indicators and units in a million rows).
    let (id_column, unit_column) = (columns[ind_i].clone(), columns[unit_i].clone());
    let values = columns[val_i].f64().expect("number").clone();
    let (ids, units) = (id_column.str().expect("text"), unit_column.str().expect("text"));
    let mut specs: PlHashMap<&str, Option<&'static model::IndicatorSpec>> = PlHashMap::new();
    let mut factors: PlHashMap<(&str, &'static str), Option<f64>> = PlHashMap::new();
    let mut contradicts: PlHashMap<&str, bool> = PlHashMap::new();
    let (mut new_ids, mut new_values, mut new_units): (Vec<Option<&str>>, Vec<Option<f64>>, Vec<Option<&str>>) =
        (Vec::with_capacity(ids.len()), Vec::with_capacity(ids.len()), Vec::with_capacity(ids.len()));
    let mut unknown = BTreeSet::new();
    let mut bad_unit = Vec::new();
    let mut bad_value = Vec::new();
    // Whether every row keeps its cells: then the column stays as it was, instead of being built again.
    let (mut ids_kept, mut values_kept, mut units_kept) = (true, true, true);
    for (row, ((id, value), cell_unit)) in ids.iter().zip(values.iter()).zip(units.iter()).enumerate() {
        let row = row as u64;
        // The unit of this row: its own cell, else the header's; both given and different is a contradiction.
        let unit = match (cell_unit, header_unit) {
            (Some(u), Some(h)) if *contradicts.entry(u).or_insert_with(|| model::canonical_unit(u) != model::canonical_unit(h)) => {
                bad_unit.push(BadCell { row, value: u.to_string(), expected: format!("the unit the value header names ({h}), or an empty cell") });
                Some(u)
            }
            (Some(u), _) => Some(u),
            (None, h) => h,
        };
        let Some(spec) = id.and_then(|id| *specs.entry(id).or_insert_with(|| model::indicator(id))) else {
            if let Some(id) = id {
                unknown.insert(id.to_string());
            }
            new_ids.push(id);
            new_values.push(value);
            new_units.push(unit);
            units_kept &= unit == cell_unit;
            continue;
        };
        let converted = match unit.map(|u| (u, *factors.entry((u, spec.unit)).or_insert_with(|| model::unit_factor(u, spec.unit)))) {
            Some((u, None)) => {
                let shown = if header_unit == Some(u) { format!("{u} (from the header)") } else { u.to_string() };
                bad_unit.push(BadCell { row, value: shown, expected: format!("the unit of {}: {}", spec.id, spec.unit) });
                None
            }
            Some((_, Some(f))) => value.map(|v| convert(v, f)),
            None => value,
        };
        if let Some(v) = converted
            && let Some(expected) = spec.implausible(v)
        {
            bad_value.push(BadCell { row, value: num_text(v), expected });
        }
        new_ids.push(Some(spec.id));
        new_values.push(converted);
        new_units.push(Some(spec.unit));
        ids_kept &= id == Some(spec.id);
        values_kept &= converted == value;
        units_kept &= cell_unit == Some(spec.unit);
    }
    for (name, bad) in [("unit", bad_unit), ("value", bad_value)] {
        if !bad.is_empty() {
            // A unit taken from the header is reported at the value column.
            let (i, h) = column_of.get(name).or_else(|| column_of.get("value")).expect("value is required");
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
    if !ids_kept {
        columns[ind_i] = Column::new("indicator".into(), new_ids);
    }
    if !values_kept {
        columns[val_i] = Column::new("value".into(), new_values);
    }
    if !units_kept {
        columns[unit_i] = Column::new("unit".into(), new_units);
    }
}

/// A number as a message shows it: whole numbers without a fraction.
fn num_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { v.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts of the cell loop decide as the plain rules do: every marker may be one, and the quick trim
    /// is `str::trim` (ASCII and Unicode spaces, tabs, the ideographic space of Chinese spreadsheets).
    #[test]
    fn the_cell_shortcuts_agree_with_the_plain_rules() {
        assert!(NOT_REPORTED.iter().all(|m| may_be_marker(m) && m.len() <= MARKER_BYTES));
        for c in ["12", " 12", "12 ", "\t3.5\n", "\u{3000}无\u{3000}", "\u{a0}7", "7\u{a0}", "高平", " ", "", "-", "x y", "１２"] {
            assert_eq!(trim(c), c.trim(), "{c:?}");
        }
    }

    #[test]
    fn dates_in_a_year_column_are_recognised() {
        assert_eq!(excel_date(44197), "2021-01-01");
        assert_eq!(excel_date(45943), "2025-10-13");
        assert!(date_hint("2021-01-01").unwrap().contains("holds a date; write the year 2021"));
        assert!(date_hint("44197").unwrap().contains("date 2021-01-01; write the year 2021"));
        assert_eq!(date_hint("2021"), None);
        assert_eq!(date_hint("1899"), None);
    }
}

#[cfg(test)]
mod forms {
    use super::*;

    #[test]
    fn numbers_are_read_as_offices_write_them() {
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("-12,345,678"), Some(-12345678.0));
        assert_eq!(parse_number("１２３４"), Some(1234.0));
        assert_eq!(parse_number("１，２３４．５"), Some(1234.5));
        assert_eq!(parse_number("－５"), Some(-5.0));
        for bad in ["12,34", "1,2345", "12万", "35%", "NaN", "inf", "-inf", "1e999", ",123", "1,234,"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    /// The backticked texts of a Markdown table cell.
    fn ticked(cell: &str) -> Vec<String> {
        cell.split('`').skip(1).step_by(2).map(String::from).collect()
    }

    /// datasets/README.md, "How cells are read": every example reads as the table says.
    #[test]
    fn the_forms_datasets_readme_lists_read_as_it_says() {
        let text = include_str!("../../datasets/README.md");
        let section = text.split("## How cells are read").nth(1).expect("the section").split("\n## ").next().unwrap_or("");
        let rows: Vec<(Vec<String>, &str)> = section
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| written"))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
                (ticked(cells[0]), cells[1].trim())
            })
            .collect();
        assert_eq!(rows.len(), 6, "{section}");
        for (examples, values) in &rows[..2] {
            let values: Vec<f64> = values.split(", ").map(|v| v.parse().unwrap()).collect();
            assert_eq!(examples.len(), values.len(), "{examples:?}");
            for (e, v) in examples.iter().zip(values) {
                assert_eq!(parse_number(e), Some(v), "{e:?}");
            }
        }
        for e in &rows[2].0 {
            assert_eq!(code(e, 6..=6).as_deref(), Some("140581"), "{e:?}");
        }
        assert_eq!(rows[3].0, NOT_REPORTED);
        assert!(rows[3].1.contains("refused in a column that needs a value"));
        for e in &rows[4].0 {
            assert_eq!(parse_number(e), None, "{e:?}");
        }
    }

    #[test]
    fn codes_written_as_whole_numbers_are_codes() {
        assert_eq!(code("140581.0", 6..=6).as_deref(), Some("140581"));
        assert_eq!(code("１４０５８１", 6..=6).as_deref(), Some("140581"));
        assert_eq!(code("140581.5", 6..=6), None);
        assert_eq!(code("14058", 6..=6), None);
    }
}
