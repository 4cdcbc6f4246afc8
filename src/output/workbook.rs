//! Excel workbooks: one sheet per result, a bold frozen header row, numbers as numbers, column widths fitted to the
//! content's display width (at most 60).

use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;
use unicode_width::UnicodeWidthStr;

use super::each_row;
use super::text::{Cell, number};
use crate::error::{Error, Result};
use crate::warehouse::QueryResult;

/// The sheet name of a workbook holding one result.
pub const SHEET: &str = "Sheet1";

/// The most rows a sheet holds (Excel's limit, header included).
const MAX_ROWS: usize = 1_048_576;

/// Writes results as the named sheets of a workbook, under a temporary name renamed when complete.
pub fn write(path: &Path, sheets: &[(&str, &QueryResult)]) -> Result<()> {
    use rust_xlsxwriter::Workbook;
    let fail = |e: rust_xlsxwriter::XlsxError| Error::other(format!("{}: {e}", path.display()));
    let mut book = Workbook::new();
    for (name, result) in sheets {
        if result.num_rows() >= MAX_ROWS {
            return Err(Error::usage(format!(
                "{}: {} rows do not fit an Excel sheet (at most {}); write CSV or Parquet instead",
                path.display(),
                result.num_rows(),
                MAX_ROWS - 1
            )));
        }
        let sheet = book.add_worksheet();
        sheet.set_name(*name).map_err(fail)?;
        fill(sheet, result).map_err(|e| match e {
            Error::Other(m) => Error::other(format!("{}: {m}", path.display())),
            e => e,
        })?;
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new().prefix(".countyedu-").suffix(".xlsx").permissions(super::readable()).tempfile_in(dir)?;
    book.save(tmp.path()).map_err(fail)?;
    tmp.persist(path).map_err(|e| Error::other(format!("{}: {}", path.display(), e.error)))?;
    Ok(())
}

fn fill(sheet: &mut rust_xlsxwriter::Worksheet, result: &QueryResult) -> Result<()> {
    use rust_xlsxwriter::Format as Style;
    let fail = |e: rust_xlsxwriter::XlsxError| Error::other(e.to_string());
    let bold = Style::new().set_bold();
    let mut widths: Vec<usize> = Vec::new();
    for (c, field) in result.schema.fields().iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, field.name(), &bold).map_err(fail)?;
        widths.push(field.name().width());
    }
    let mut r = 0u32;
    for batch in &result.batches {
        each_row(batch, |i, texts| {
            r += 1;
            for (c, text) in texts.iter().enumerate() {
                let array = batch.column(c);
                if array.is_null(i) {
                    continue;
                }
                let written = match (number(array.as_ref(), i, text), array.data_type()) {
                    (Some(Cell::Float(x)), _) if x.is_finite() => sheet.write_number(r, c as u16, x).map(|_| ()),
                    (Some(Cell::Float(_)), _) => Ok(()),
                    (Some(Cell::Exact), _) => match text.parse::<f64>() {
                        Ok(x) => sheet.write_number(r, c as u16, x).map(|_| ()),
                        Err(_) => sheet.write_string(r, c as u16, text).map(|_| ()),
                    },
                    (None, DataType::Boolean) => sheet.write_boolean(r, c as u16, array.as_boolean().value(i)).map(|_| ()),
                    (None, _) => sheet.write_string(r, c as u16, text).map(|_| ()),
                };
                written.map_err(fail)?;
                widths[c] = widths[c].max(text.width());
            }
            Ok(())
        })?;
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0).map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    Ok(())
}
