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

use std::collections::HashMap;

use calamine::{Data, Dimensions, Reader, SheetVisible, Sheets};
use polars::prelude::*;

use super::read::{Locator, RawFrame, ReadOutcome};
use super::text::{self, HeaderAt};
use crate::error::{InputProblem, Location};
use crate::model::{self, Kind, Table};

/// One used cell: its text, or why it has none.
enum Cell {
    Text(String),
    /// A formula whose result the file does not hold.
    FormulaWithoutValue,
}

/// The used cells of a sheet, row by row (0-based row, then (0-based column, cell) in column order).
type Rows = Vec<(u32, Vec<(u32, Cell)>)>;

/// Reads the sheets of a workbook: those named in `sheets`, or else every visible sheet with a countyedu header.
pub fn read(path: &Path, sha256: String, sheets: &[String], at: &HeaderAt<'_>) -> ReadOutcome {
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
        let merges = merged_regions(&mut book, &name);
        // Only the xlsx reader sees blank cells the file holds, and so where a row ends.
        let row_ends = matches!(book, Sheets::Xlsx(_));
        match frame(path, &sha256, &name, rows, &merges, at, row_ends) {
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

/// The merged cell regions of a sheet (xlsx and xls keep them; other formats give none).
fn merged_regions<RS: Read + Seek>(book: &mut Sheets<RS>, name: &str) -> Vec<Dimensions> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
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
            let cell = match (text(Data::from(c.value)), c.formula.is_some()) {
                (Some(t), _) => Cell::Text(t),
                (None, true) => Cell::FormulaWithoutValue,
                // A blank cell the file holds (formatted, or written empty): present, so the row reaches it.
                (None, false) => Cell::Text(String::new()),
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
        if let Some(t) = text(value.clone()) {
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
fn text(cell: Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(float_text(f)),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) => Some(date_text(&d)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s),
        Data::Error(e) => Some(format!("#{e:?}")),
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

/// Turns a sheet's used cells into a frame: the header is found as `at` says (title rows above it are skipped
/// and named), a header spread over merged cells is read as one row of names, and every later non-blank row is
/// a record. Validation refuses a header that is not a countyedu table, naming the sheet; `--sheet` is how a
/// user leaves out sheets of notes.
fn frame(
    path: &Path,
    sha256: &str,
    sheet: &str,
    rows: Rows,
    merges: &[Dimensions],
    at: &HeaderAt<'_>,
    row_ends: bool,
) -> Result<RawFrame, Vec<InputProblem>> {
    let rows: Rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|(_, c)| !matches!(c, Cell::Text(t) if t.trim().is_empty()))).collect();
    let Some((h, skipped)) = header_row(&rows, merges, at) else {
        return Err(vec![InputProblem::whole_file(path, format!("data in sheet {sheet:?}; it is empty"))]);
    };
    let header_row = rows[h].0;
    let (headers, band_end) = header_band(&rows, h, merges);
    let width = headers.iter().rposition(|n| !n.is_empty()).map_or(0, |i| i + 1);
    let headers = headers[..width].to_vec();
    let at_row = |row: u32| Location::SheetRow { sheet: sheet.to_string(), row: row as u64 + 1 };
    let problem = |row: u32, c: u32, expected: String, value: Option<String>| InputProblem {
        file: path.to_path_buf(),
        location: at_row(row),
        column_index: Some(c as usize + 1),
        column: headers.get(c as usize).cloned().filter(|h| !h.is_empty()),
        value,
        expected,
    };
    let (fills, mut problems) = merged_fills(&rows, merges, band_end, &headers, &problem);
    let short = if row_ends { short_rows(&rows, merges, band_end, &headers) } else { Vec::new() };
    for (row, end) in short {
        let expected = format!(
            "a cell in every column up to the header's last: this row ends at column {} while the header goes on to {} (a row cut short?); write — or 无 where a value is not reported",
            cell_name((row, end)).trim_end_matches(char::is_numeric),
            cell_name((row, width as u32 - 1)).trim_end_matches(char::is_numeric),
        );
        problems.push(problem(row, end + 1, expected, None));
    }
    let mut builders: Vec<StringChunkedBuilder> = (0..width).map(|i| StringChunkedBuilder::new(format!("c{i}").into(), 0)).collect();
    let mut sheet_rows = Vec::new();
    let mut blank = 0u64;
    let mut previous = band_end;
    for (row, cells) in rows.into_iter().filter(|(r, _)| *r > band_end) {
        blank += (row - previous - 1) as u64;
        previous = row;
        let mut values: Vec<Option<String>> = (0..width as u32).map(|c| fills.get(&(row, c)).cloned()).collect();
        for (c, cell) in cells {
            match cell {
                Cell::FormulaWithoutValue => problems.push(problem(
                    row,
                    c,
                    "a value: this cell is a formula without a computed value; open and save the file in Excel or WPS so that its values are stored".into(),
                    None,
                )),
                Cell::Text(t) if (c as usize) < width => values[c as usize] = Some(t),
                Cell::Text(t) if t.trim().is_empty() => {}
                Cell::Text(t) => problems.push(problem(row, c, format!("no value beyond the header's {width} columns"), Some(t))),
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
    let mut detected = if blank > 0 { format!("sheet {sheet}, {blank} blank row(s) skipped") } else { format!("sheet {sheet}") };
    detected.push_str(&super::read::skipped_text("row", &skipped));
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

/// The texts of one row by column, `width` wide at least; a merged cell gives its text to every column it spans.
fn row_texts(rows: &Rows, i: usize, merges: &[Dimensions]) -> Vec<String> {
    let (row, cells) = &rows[i];
    let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
    let mut out = vec![String::new(); width];
    for (c, cell) in cells {
        if let Cell::Text(t) = cell {
            out[*c as usize] = t.trim().to_string();
        }
    }
    for m in merges.iter().filter(|m| m.start.0 <= *row && *row <= m.end.0) {
        let top_left = text_at(rows, m.start).unwrap_or_default();
        for c in m.start.1..=m.end.1 {
            let c = c as usize;
            if c >= out.len() {
                out.resize(c + 1, String::new());
            }
            if out[c].is_empty() {
                out[c] = top_left.clone();
            }
        }
    }
    out
}

/// The text of the cell at (row, column), if it has one.
fn text_at(rows: &Rows, (row, col): (u32, u32)) -> Option<String> {
    let i = rows.binary_search_by_key(&row, |r| r.0).ok()?;
    rows[i].1.iter().find(|(c, _)| *c == col).and_then(|(_, cell)| match cell {
        Cell::Text(t) => Some(t.trim().to_string()),
        Cell::FormulaWithoutValue => None,
    })
}

/// Which non-blank row is the header, and the rows above it that are skipped (sheet row, first text).
fn header_row(rows: &Rows, merges: &[Dimensions], at: &HeaderAt<'_>) -> Option<(usize, Vec<(u64, String)>)> {
    let h = match at {
        HeaderAt::After(n) => rows.iter().position(|(r, _)| *r as u64 >= *n)?,
        HeaderAt::Find { within, is_header } => {
            let searched = rows.len().min(*within);
            (0..searched).find(|&i| is_header(&row_texts(rows, i, merges))).unwrap_or(0)
        }
    };
    if h >= rows.len() {
        return None;
    }
    let skipped = (0..h).map(|i| (rows[i].0 as u64 + 1, text::row_preview(&row_texts(rows, i, merges)))).collect();
    Some((h, skipped))
}

/// The header's names and the last sheet row of the header: a header cell merged down over several rows makes
/// the rows below it part of the header, and a column's name is then read from its texts top to bottom
/// (在校生数 over 小学 → 小学在校生数, the name a known column has; 教学仪器设备值 over 万元 → 教学仪器设备值（万元）).
fn header_band(rows: &Rows, h: usize, merges: &[Dimensions]) -> (Vec<String>, u32) {
    let top = rows[h].0;
    let bottom = merges.iter().filter(|m| m.start.0 <= top && top <= m.end.0).map(|m| m.end.0).max().unwrap_or(top);
    let band: Vec<Vec<String>> = (h..rows.len()).take_while(|&i| rows[i].0 <= bottom).map(|i| row_texts(rows, i, merges)).collect();
    if band.len() == 1 {
        return (text::header_names(&band[0]), bottom);
    }
    let width = band.iter().map(Vec::len).max().unwrap_or(0);
    let names = (0..width)
        .map(|c| {
            let mut parts: Vec<&str> = band.iter().filter_map(|r| r.get(c).map(String::as_str)).filter(|t| !t.is_empty()).collect();
            parts.dedup();
            band_name(&parts)
        })
        .collect();
    (names, bottom)
}

/// A column's name from the texts of a header band, top to bottom: the first spelling a known column has.
fn band_name(parts: &[&str]) -> String {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else { return String::new() };
    if parts.len() == 1 {
        return first.to_string();
    }
    let parent = parts[..parts.len() - 1].concat();
    let candidates = [format!("{last}{parent}"), format!("{parent}{last}"), format!("{parent}（{last}）"), last.to_string()];
    let known = |name: &str| Table::ALL.iter().any(|t| model::match_header(*t, name).is_some());
    candidates.into_iter().find(|n| known(n)).unwrap_or_else(|| parts.join("/"))
}

/// Data rows that end (no cell at all, not even a blank one) before two or more of the header's known columns:
/// (row, the column of the row's last cell). A blank cell written in the file counts; a merged region covering a
/// cell counts as that cell.
fn short_rows(rows: &Rows, merges: &[Dimensions], band_end: u32, headers: &[String]) -> Vec<(u32, u32)> {
    let Some(table) = model::detect_table(headers) else { return Vec::new() };
    let known: Vec<u32> = (0..headers.len() as u32).filter(|&c| model::match_header(table, &headers[c as usize]).is_some()).collect();
    rows.iter()
        .filter(|(r, _)| *r > band_end)
        .filter_map(|(r, cells)| {
            let merged_end = merges.iter().filter(|m| m.start.0 <= *r && *r <= m.end.0).map(|m| m.end.1).max();
            let end = cells.iter().map(|(c, _)| *c).max()?.max(merged_end.unwrap_or(0));
            (known.iter().filter(|&&c| c > end).count() >= 2).then_some((*r, end))
        })
        .collect()
}

/// Values for the cells that merged regions below the header cover: a merged text or code (a county written once
/// for several schools) fills every row it spans; a merged number is refused, since it would count once for
/// every row.
fn merged_fills(
    rows: &Rows,
    merges: &[Dimensions],
    band_end: u32,
    headers: &[String],
    problem: &dyn Fn(u32, u32, String, Option<String>) -> InputProblem,
) -> (HashMap<(u32, u32), String>, Vec<InputProblem>) {
    let table = model::detect_table(headers);
    let mut fills = HashMap::new();
    let mut problems = Vec::new();
    for m in merges.iter().filter(|m| m.start.0 > band_end) {
        let Some(value) = text_at(rows, m.start) else { continue };
        let numeric = (m.start.1..=m.end.1).any(|c| {
            let spec = table.zip(headers.get(c as usize)).and_then(|(t, h)| model::match_header(t, h));
            spec.is_some_and(|(s, _)| matches!(s.kind, Kind::Count | Kind::Amount | Kind::Number))
        });
        if numeric {
            let cells = format!("{}:{}", cell_name(m.start), cell_name(m.end));
            problems.push(problem(m.start.0, m.start.1, format!("one number per row; the cells {cells} are merged, so this number would count once for every row: unmerge them and write each row's value"), Some(value)));
            continue;
        }
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                fills.insert((r, c), value.clone());
            }
        }
    }
    (fills, problems)
}

/// A cell's name as Excel writes it: (0, 0) → A1, (4, 27) → AB5.
fn cell_name((row, col): (u32, u32)) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        letters.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8(letters).unwrap_or_default(), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name((0, 0)), "A1");
        assert_eq!(cell_name((4, 27)), "AB5");
        assert_eq!(cell_name((9, 25)), "Z10");
    }

    #[test]
    fn a_header_band_reads_parent_and_child_as_one_known_name() {
        assert_eq!(band_name(&["在校生数", "小学"]), "小学在校生数");
        assert_eq!(band_name(&["教学仪器设备值", "万元"]), "教学仪器设备值（万元）");
        assert_eq!(band_name(&["学校标识码"]), "学校标识码");
        assert_eq!(band_name(&["校长", "姓名"]), "校长/姓名");
    }

    #[test]
    fn cells_read_as_people_type_them() {
        assert_eq!(text(Data::Float(140581.0)).as_deref(), Some("140581"));
        assert_eq!(text(Data::Float(2.5)).as_deref(), Some("2.5"));
        assert_eq!(text(Data::Empty), None);
        let date = calamine::ExcelDateTime::new(44197.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(text(Data::DateTime(date)).as_deref(), Some("2021-01-01"));
    }
}
