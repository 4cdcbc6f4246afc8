//! Formatting of results: every result is Arrow record batches, written here as a terminal table, CSV, JSON
//! or Parquet, chosen by `--format` or by the extension of `--output`.
//!
//! Data goes to stdout (or the output file) and nothing else does; a table is sized by display width so that
//! Chinese text lines up in a terminal.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, SchemaRef, UInt8Type, UInt16Type, UInt32Type, UInt64Type};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use unicode_width::UnicodeWidthStr;

use crate::error::{Error, Result};
use crate::warehouse::{self, QueryResult};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A boxed table for reading in a terminal.
    Table,
    /// CSV with a header row (add --bom for Excel).
    Csv,
    /// A JSON array of objects, one per row.
    Json,
    /// Apache Parquet (zstd); needs --output or a redirected stdout.
    Parquet,
    /// An Excel workbook (one sheet, header row, column widths fitted); needs --output.
    Xlsx,
}

impl Format {
    /// The format an output file's extension implies.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "parquet" | "pq" => Some(Format::Parquet),
            "xlsx" => Some(Format::Xlsx),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }
}

/// Where and how a command writes its data.
#[derive(Clone, Debug, clap::Args)]
pub struct OutputArgs {
    /// Output format [default: from --output's extension, else table].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start CSV output with a UTF-8 byte-order mark, so Excel reads Chinese text correctly.
    #[arg(long)]
    pub bom: bool,
}

impl OutputArgs {
    pub fn resolved_format(&self) -> Format {
        self.format.or_else(|| self.output.as_deref().and_then(Format::from_path)).unwrap_or(Format::Table)
    }

    /// Writes a result where the user asked.
    pub fn write(&self, result: &QueryResult) -> Result<()> {
        let format = self.resolved_format();
        if format == Format::Xlsx {
            let path = self.output.as_deref().ok_or_else(|| Error::Usage("an Excel workbook needs --output FILE.xlsx".into()))?;
            return write_xlsx(result, path);
        }
        if format == Format::Parquet {
            return match &self.output {
                Some(path) => warehouse::write_parquet(&result.schema, &result.batches, path),
                None => {
                    if io::IsTerminal::is_terminal(&io::stdout()) {
                        return Err(Error::Usage("Parquet is binary: give --output FILE or redirect stdout".into()));
                    }
                    let tmp = tempfile::Builder::new().suffix(".parquet").tempfile()?;
                    warehouse::write_parquet(&result.schema, &result.batches, tmp.path())?;
                    io::copy(&mut std::fs::File::open(tmp.path())?, &mut io::stdout().lock())?;
                    Ok(())
                }
            };
        }
        match &self.output {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| Error::other(format!("{}: {e}", path.display())))?;
                let mut w = BufWriter::new(file);
                write(result, format, self.bom, &mut w)?;
                w.flush()?;
            }
            None => {
                let mut w = BufWriter::new(io::stdout().lock());
                write(result, format, self.bom, &mut w)?;
                w.flush()?;
            }
        }
        Ok(())
    }
}

/// Writes a result in a text format.
pub fn write(result: &QueryResult, format: Format, bom: bool, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Table => write_table(&result.schema, &result.batches, w),
        Format::Csv => write_csv(&result.schema, &result.batches, bom, w),
        Format::Json => write_json(&result.schema, &result.batches, w),
        Format::Parquet | Format::Xlsx => Err(Error::other("Parquet and Excel are written to a file, not a text stream")),
    }
}

fn options() -> FormatOptions<'static> {
    FormatOptions::default().with_null("")
}

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric()
}

/// Calls `row` with the cell texts of every row, batch by batch, reusing one buffer.
fn each_row(batches: &[RecordBatch], mut row: impl FnMut(&RecordBatch, usize, &[String]) -> Result<()>) -> Result<()> {
    let opts = options();
    let mut texts: Vec<String> = Vec::new();
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts))
            .collect::<Result<Vec<_>, _>>()?;
        texts.resize(formatters.len(), String::new());
        for r in 0..batch.num_rows() {
            for (text, f) in texts.iter_mut().zip(&formatters) {
                text.clear();
                std::fmt::Write::write_fmt(text, format_args!("{}", f.value(r))).expect("writing to a String");
            }
            row(batch, r, &texts)?;
        }
    }
    Ok(())
}

/// Cell texts of every column, row by row (for the table format, which needs all widths first).
fn cells(batches: &[RecordBatch]) -> Result<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    each_row(batches, |_, _, texts| {
        rows.push(texts.to_vec());
        Ok(())
    })?;
    Ok(rows)
}

fn write_table(schema: &SchemaRef, batches: &[RecordBatch], w: &mut dyn Write) -> Result<()> {
    let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let numeric: Vec<bool> = schema.fields().iter().map(|f| is_numeric(f.data_type())).collect();
    let rows: Vec<Vec<String>> =
        cells(batches)?.into_iter().map(|r| r.into_iter().map(|c| c.replace(['\n', '\r'], " ")).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let rule = |l: &str, m: &str, r: &str| -> String {
        format!("{l}{}{r}", widths.iter().map(|w| "─".repeat(w + 2)).collect::<Vec<_>>().join(m))
    };
    let line = |cells: &[String], right: &[bool]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(right)
            .map(|((c, w), r)| {
                let pad = " ".repeat(w - c.width());
                if *r { format!(" {pad}{c} ") } else { format!(" {c}{pad} ") }
            })
            .collect();
        format!("│{}│", parts.join("│"))
    };
    writeln!(w, "{}", rule("┌", "┬", "┐"))?;
    writeln!(w, "{}", line(&headers, &vec![false; headers.len()]))?;
    writeln!(w, "{}", rule("├", "┼", "┤"))?;
    for row in &rows {
        writeln!(w, "{}", line(row, &numeric))?;
    }
    writeln!(w, "{}", rule("└", "┴", "┘"))?;
    Ok(())
}

fn write_csv(schema: &SchemaRef, batches: &[RecordBatch], bom: bool, w: &mut dyn Write) -> Result<()> {
    if bom {
        w.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut out = csv::Writer::from_writer(w);
    out.write_record(schema.fields().iter().map(|f| f.name())).map_err(csv_error)?;
    each_row(batches, |_, _, texts| out.write_record(texts).map_err(csv_error))?;
    out.flush()?;
    Ok(())
}

/// A CSV writer's error, keeping an I/O error as one (a closed pipe must stay recognisable).
fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => Error::other(format!("writing CSV: {other:?}")),
    }
}

fn write_json(schema: &SchemaRef, batches: &[RecordBatch], w: &mut dyn Write) -> Result<()> {
    let names: Vec<&String> = schema.fields().iter().map(|f| f.name()).collect();
    let mut first = true;
    write!(w, "[")?;
    each_row(batches, |batch, r, texts| {
        let mut obj = serde_json::Map::new();
        for (c, name) in names.iter().enumerate() {
            obj.insert((*name).clone(), json_value(batch.column(c).as_ref(), r, &texts[c]));
        }
        write!(w, "{}\n{}", if first { "" } else { "," }, serde_json::Value::Object(obj))?;
        first = false;
        Ok(())
    })?;
    writeln!(w, "]")?;
    Ok(())
}

/// Writes a result as an Excel workbook: a bold, frozen header row, numbers as numbers, column widths fitted
/// to the content's display width (at most 60).
fn write_xlsx(result: &QueryResult, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{Format as Cell, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::other(format!("{}: {e}", path.display()));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Cell::new().set_bold();
    let mut widths: Vec<usize> = Vec::new();
    for (c, field) in result.schema.fields().iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, field.name(), &bold).map_err(fail)?;
        widths.push(field.name().width());
    }
    let mut r = 0u32;
    each_row(&result.batches, |batch, i, texts| {
        r += 1;
        for (c, text) in texts.iter().enumerate() {
            let array = batch.column(c);
            if array.is_null(i) {
                continue;
            }
            match json_value(array.as_ref(), i, text) {
                serde_json::Value::Number(n) => sheet.write_number(r, c as u16, n.as_f64().unwrap_or(f64::NAN)).map(|_| ()),
                serde_json::Value::Bool(b) => sheet.write_boolean(r, c as u16, b).map(|_| ()),
                _ => sheet.write_string(r, c as u16, text).map(|_| ()),
            }
            .map_err(fail)?;
            widths[c] = widths[c].max(text.width());
        }
        Ok(())
    })?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0).map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save(path).map_err(fail)?;
    Ok(())
}

/// A cell as JSON: numbers and booleans keep their type, non-finite floats and nulls become null,
/// everything else is its display text.
fn json_value(array: &dyn Array, row: usize, text: &str) -> serde_json::Value {
    use serde_json::Value;
    if array.is_null(row) {
        return Value::Null;
    }
    let float = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
    match array.data_type() {
        DataType::Int8 => array.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).into(),
        DataType::Float32 => float(array.as_primitive::<Float32Type>().value(row) as f64),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Boolean => array.as_boolean().value(row).into(),
        _ => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};
    use std::sync::Arc;

    fn sample() -> QueryResult {
        let schema = Arc::new(Schema::new(vec![
            Field::new("county_name", DataType::Utf8, true),
            Field::new("schools", DataType::Int64, true),
            Field::new("cv", DataType::Float64, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec![Some("高平市"), Some("x"), None])),
                Arc::new(Int64Array::from(vec![Some(12), None, Some(3)])),
                Arc::new(Float64Array::from(vec![Some(0.5), Some(f64::NAN), None])),
            ],
        )
        .unwrap();
        QueryResult { schema, batches: vec![batch] }
    }

    fn render(format: Format, bom: bool) -> String {
        let mut out = Vec::new();
        write(&sample(), format, bom, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tables_align_chinese_text_by_display_width() {
        let t = render(Format::Table, false);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[1], "│ county_name │ schools │ cv  │");
        assert_eq!(lines[3], "│ 高平市      │      12 │ 0.5 │");
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{t}");
    }

    #[test]
    fn csv_has_header_empty_nulls_and_optional_bom() {
        assert_eq!(render(Format::Csv, false), "county_name,schools,cv\n高平市,12,0.5\nx,,NaN\n,3,\n");
        assert!(render(Format::Csv, true).starts_with('\u{feff}'));
    }

    #[test]
    fn json_keeps_types_and_nulls() {
        let v: serde_json::Value = serde_json::from_str(&render(Format::Json, false)).unwrap();
        assert_eq!(v[0]["county_name"], "高平市");
        assert_eq!(v[0]["schools"], 12);
        assert_eq!(v[0]["cv"], 0.5);
        assert!(v[1]["schools"].is_null() && v[1]["cv"].is_null() && v[2]["county_name"].is_null());
    }
}
