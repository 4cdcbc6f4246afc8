//! Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods): every visible sheet whose header is a countyedu table becomes one
//! frame, read cell by cell so that memory follows the cells present (a stray cell at the far corner of a sheet
//! costs one cell, not the rectangle up to it).
//!
//! Positions are sheet rows as Excel numbers them; blank rows are skipped and counted and never move a position.
//! A formula whose value was never computed (files written by openpyxl and other libraries) is refused, never
//! read as an empty cell; a date in a cell is kept as a date (`2021-01-01`), so that a date where a number belongs
//! is reported as one.

use std::io::{Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Reader, SheetVisible, Sheets};
use polars::prelude::*;

use super::read::{Locator, RawFrame, ReadOutcome};
use crate::error::{InputProblem, Location};

/// One used cell: its text, or why it has none.
enum Cell {
    Text(String),
    /// A formula whose result the file does not hold.
    FormulaWithoutValue,
}

/// The used cells of a sheet, row by row (0-based row, then (0-based column, cell) in column order).
type Rows = Vec<(u32, Vec<(u32, Cell)>)>;

/// Reads the sheets of a workbook: those named in `sheets`, or else every visible sheet with a countyedu header.
pub fn read(path: &Path, sha256: String, sheets: &[String]) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    let mut book = match calamine::open_workbook_auto(path) {
        Ok(b) => b,
        Err(e) => {
            out.problems.push(InputProblem::whole_file(path, not_a_workbook(path, &e.to_string())));
            return out;
        }
    };
    let metadata: Vec<(String, SheetVisible)> = book.sheets_metadata().iter().map(|s| (s.name.clone(), s.visible)).collect();
    let names: Vec<&str> = metadata.iter().map(|(n, _)| n.as_str()).collect();
    let picked: Vec<String> = if sheets.is_empty() {
        metadata
            .iter()
            .filter(|(name, visible)| {
                let hidden = *visible != SheetVisible::Visible;
                if hidden {
                    out.warnings.push(format!("{}: skipped hidden sheet {name:?} (pass --sheet {name:?} to read it)", path.display()));
                }
                !hidden
            })
            .map(|(n, _)| n.clone())
            .collect()
    } else {
        for s in sheets.iter().filter(|s| !names.contains(&s.as_str())) {
            out.problems.push(InputProblem::whole_file(path, format!("a sheet named {s:?}; the workbook has {names:?}")));
        }
        sheets.iter().filter(|s| names.contains(&s.as_str())).cloned().collect()
    };
    for name in picked {
        let rows = match used_cells(&mut book, &name) {
            Ok(rows) => rows,
            Err(e) => {
                out.problems.push(InputProblem::whole_file(path, format!("a readable sheet {name:?} ({e})")));
                continue;
            }
        };
        if rows.is_empty() {
            if !sheets.is_empty() {
                out.problems.push(InputProblem::whole_file(path, format!("data in sheet {name:?}; it is empty")));
            }
            continue;
        }
        match frame(path, &sha256, &name, rows) {
            Ok(f) => out.frames.push(f),
            Err(mut problems) => out.problems.append(&mut problems),
        }
    }
    if out.frames.is_empty() && out.problems.is_empty() {
        out.problems.push(InputProblem::whole_file(path, format!("a sheet with data; the sheets {names:?} are empty or hidden")));
    }
    out
}

/// Why a file that should be a workbook could not be opened, in words: a CSV renamed .xlsx says so.
fn not_a_workbook(path: &Path, error: &str) -> String {
    let head: Vec<u8> = std::fs::read(path).map(|b| b.into_iter().take(4096).collect()).unwrap_or_default();
    let printable = !head.is_empty() && head.iter().all(|&b| b >= 0x20 || b == b'\n' || b == b'\r' || b == b'\t' || b >= 0x80);
    if printable && head.contains(&b',') {
        "an Excel workbook; this file is text and looks like CSV: rename it to .csv".into()
    } else {
        format!("a readable workbook ({error})")
    }
}

/// The used cells of one sheet, read without building the sheet's whole rectangle where the format allows it.
fn used_cells<RS: Read + Seek>(book: &mut Sheets<RS>, name: &str) -> Result<Rows, String> {
    let mut rows: Rows = Vec::new();
    let mut push = |row: u32, col: u32, cell: Cell| match rows.last_mut() {
        Some((r, cells)) if *r == row => cells.push((col, cell)),
        _ => rows.push((row, vec![(col, cell)])),
    };
    if let Sheets::Xlsx(x) = book {
        let mut reader = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
        let mut cells = Vec::new();
        while let Some(c) = reader.next_cell_with_formula_metadata().map_err(|e| e.to_string())? {
            let cell = match (text_ref(&c.value), c.formula.is_some()) {
                (Some(t), _) => Cell::Text(t),
                (None, true) => Cell::FormulaWithoutValue,
                (None, false) => continue,
            };
            cells.push((c.pos.0, c.pos.1, cell));
        }
        // Cells come in sheet order; sorting guards against writers that do not keep it.
        cells.sort_by_key(|c| (c.0, c.1));
        for (r, c, cell) in cells {
            push(r, c, cell);
        }
        return Ok(rows);
    }
    let range = book.worksheet_range(name).map_err(|e| e.to_string())?;
    let formulas = book.worksheet_formula(name).unwrap_or_default();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, value) in range.used_cells() {
        let (row, col) = (r0 + r as u32, c0 + c as u32);
        if let Some(t) = text(value) {
            push(row, col, Cell::Text(t));
        }
    }
    // Formula cells without a value are not "used" in the value range: find them in the formula range.
    if let Some((fr0, fc0)) = formulas.start() {
        for (r, c, f) in formulas.used_cells() {
            let (row, col) = (fr0 + r as u32, fc0 + c as u32);
            let empty = range.get_value((row, col)).is_none_or(|v| matches!(v, Data::Empty));
            if !f.is_empty() && empty {
                push(row, col, Cell::FormulaWithoutValue);
            }
        }
        rows.sort_by_key(|r| r.0);
        for (_, cells) in rows.iter_mut() {
            cells.sort_by_key(|c| c.0);
        }
        // Rows split by the second pass are merged again.
        rows.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1.append(&mut b.1);
                a.1.sort_by_key(|c| c.0);
                true
            } else {
                false
            }
        });
    }
    Ok(rows)
}

/// A cell as the text a person would type; whole numbers lose Excel's trailing `.0`, dates are ISO dates.
fn text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(float_text(*f)),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) => Some(date_text(d)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(format!("#{e:?}")),
    }
}

fn text_ref(cell: &DataRef<'_>) -> Option<String> {
    match cell {
        DataRef::Empty => None,
        DataRef::String(s) => Some(s.clone()),
        DataRef::SharedString(s) => Some(s.to_string()),
        DataRef::Int(i) => Some(i.to_string()),
        DataRef::Float(f) => Some(float_text(*f)),
        DataRef::Bool(b) => Some(b.to_string()),
        DataRef::DateTime(d) => Some(date_text(d)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.clone()),
        DataRef::Error(e) => Some(format!("#{e:?}")),
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

/// An Excel date as a person reads it: `2021-01-01`, with the time when it has one.
fn date_text(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return format!("{} days", d.as_f64());
    }
    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
    if (h, min, s) == (0, 0, 0) { format!("{y:04}-{m:02}-{day:02}") } else { format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}") }
}

/// Turns a sheet's used cells into a frame: the first used row is the header, every later non-blank row a
/// record. Validation refuses a header that is not a countyedu table, naming the sheet; `--sheet` is how a user
/// leaves out sheets of notes.
fn frame(path: &Path, sha256: &str, sheet: &str, rows: Rows) -> Result<RawFrame, Vec<InputProblem>> {
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|(_, c)| !matches!(c, Cell::Text(t) if t.trim().is_empty())));
    let Some((header_row, header_cells)) = rows.next() else {
        return Err(vec![InputProblem::whole_file(path, format!("data in sheet {sheet:?}; it is empty"))]);
    };
    let width = header_cells.iter().map(|(c, _)| *c + 1).max().unwrap_or(0) as usize;
    let mut headers = vec![String::new(); width];
    for (c, cell) in header_cells {
        if let Cell::Text(t) = cell {
            headers[c as usize] = t.trim().to_string();
        }
    }
    let at = |row: u32| Location::SheetRow { sheet: sheet.to_string(), row: row as u64 + 1 };
    let mut problems = Vec::new();
    let mut builders: Vec<StringChunkedBuilder> = (0..width).map(|i| StringChunkedBuilder::new(format!("c{i}").into(), 0)).collect();
    let mut sheet_rows = Vec::new();
    let mut blank = 0u64;
    let mut previous = header_row;
    for (row, cells) in rows {
        blank += (row - previous - 1) as u64;
        previous = row;
        let mut values: Vec<Option<String>> = vec![None; width];
        for (c, cell) in cells {
            let problem = |expected: String, value: Option<String>| InputProblem {
                file: path.to_path_buf(),
                location: at(row),
                column_index: Some(c as usize + 1),
                column: headers.get(c as usize).cloned().filter(|h| !h.is_empty()),
                value,
                expected,
            };
            match cell {
                Cell::FormulaWithoutValue => problems.push(problem(
                    "a value: this cell is a formula without a computed value; open and save the file in Excel or WPS so that its values are stored".into(),
                    None,
                )),
                Cell::Text(t) if (c as usize) < width => values[c as usize] = Some(t),
                Cell::Text(t) if t.trim().is_empty() => {}
                Cell::Text(t) => problems.push(problem(format!("no value beyond the header's {width} columns"), Some(t))),
            }
        }
        for (b, v) in builders.iter_mut().zip(values) {
            b.append_option(v.filter(|v| !v.trim().is_empty()));
        }
        sheet_rows.push(row as u64 + 1);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let df = DataFrame::new_infer_height(builders.into_iter().map(|b| b.finish().into_column()).collect())
        .map_err(|e| vec![InputProblem::whole_file(path, format!("a rectangular sheet ({e})"))])?;
    let detected = if blank > 0 { format!("sheet {sheet}, {blank} blank row(s) skipped") } else { format!("sheet {sheet}") };
    Ok(RawFrame {
        path: path.to_path_buf(),
        headers,
        df,
        locator: Locator::Sheet { sheet: sheet.to_string(), header_row: header_row as u64 + 1, rows: sheet_rows },
        detected,
        sha256: sha256.to_string(),
        partitions: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_people_type_them() {
        assert_eq!(text(&Data::Float(140581.0)).as_deref(), Some("140581"));
        assert_eq!(text(&Data::Float(2.5)).as_deref(), Some("2.5"));
        assert_eq!(text(&Data::Empty), None);
        let date = calamine::ExcelDateTime::new(44197.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(date)).as_deref(), Some("2021-01-01"));
    }
}
