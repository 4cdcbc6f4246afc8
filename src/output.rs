//! Formatting of results: every result is Arrow record batches, written here as a terminal table, CSV, TSV, JSON,
//! Parquet or an Excel workbook, chosen by `--format` or by the extension of `--output`.
//!
//! Flags are resolved into a [`Plan`] before a command does any work (an unknown extension or a folder that does
//! not exist is a usage error before anything is computed or stored). Data goes to stdout (or the output file)
//! and nothing else does; a result is checked to be printable before its first byte is written, so an error never
//! leaves half a table behind. Numbers stay numbers in every format (HUGEINT and DECIMAL included).

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Field, Float32Type, Float64Type, Schema, SchemaRef};
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
    /// Tab-separated values with a header row.
    Tsv,
    /// A JSON array of objects, one per row, keys in column order.
    Json,
    /// Apache Parquet (zstd); needs --output or a redirected stdout.
    Parquet,
    /// An Excel workbook (one sheet, header row, column widths fitted); needs --output.
    Xlsx,
}

impl Format {
    /// The format an output file's extension implies; an extension countyedu does not write is an error.
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        match ext.as_str() {
            "csv" => Ok(Format::Csv),
            "tsv" | "tab" => Ok(Format::Tsv),
            "json" => Ok(Format::Json),
            "parquet" | "pq" => Ok(Format::Parquet),
            "xlsx" => Ok(Format::Xlsx),
            "txt" => Ok(Format::Table),
            "xls" => Err(Error::Usage(format!("{}: countyedu writes .xlsx workbooks, not the old .xls format", path.display()))),
            _ => Err(Error::Usage(format!(
                "{}: cannot tell the format from the extension; use .csv, .tsv, .json, .parquet, .xlsx or .txt, or give --format",
                path.display()
            ))),
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
    /// Resolves the flags into a plan, or says why they cannot be acted on.
    pub fn plan(&self) -> Result<Plan> {
        Plan::new(self.format, self.output.clone(), self.bom)
    }
}

/// Resolved output flags: the format and the destination, checked before any work.
#[derive(Clone, Debug)]
pub struct Plan {
    pub format: Format,
    pub output: Option<PathBuf>,
    pub bom: bool,
}

impl Plan {
    pub fn new(format: Option<Format>, output: Option<PathBuf>, bom: bool) -> Result<Plan> {
        let format = match (format, &output) {
            (Some(f), _) => f,
            (None, Some(path)) => Format::from_path(path)?,
            (None, None) => Format::Table,
        };
        match (&output, format) {
            (None, Format::Xlsx) => return Err(Error::Usage("an Excel workbook needs --output FILE.xlsx".into())),
            (None, Format::Parquet) if io::IsTerminal::is_terminal(&io::stdout()) => {
                return Err(Error::Usage("Parquet is binary: give --output FILE or redirect stdout".into()));
            }
            (Some(path), _) => check_destination(path)?,
            _ => {}
        }
        Ok(Plan { format, output, bom })
    }

    /// A plan for a file, its format from the extension.
    pub fn file(path: PathBuf, bom: bool) -> Result<Plan> {
        Plan::new(None, Some(path), bom)
    }

    /// Writes a result where the plan says.
    pub fn write(&self, result: &QueryResult) -> Result<()> {
        let result = printable(result)?;
        match (self.format, &self.output) {
            (Format::Xlsx, Some(path)) => write_xlsx(&result, path),
            (Format::Parquet, Some(path)) => warehouse::write_parquet(&result.schema, &result.batches, path),
            (Format::Parquet, None) => {
                let tmp = tempfile::Builder::new().suffix(".parquet").tempfile()?;
                warehouse::write_parquet(&result.schema, &result.batches, tmp.path())?;
                io::copy(&mut std::fs::File::open(tmp.path())?, &mut io::stdout().lock())?;
                Ok(())
            }
            (format, Some(path)) => {
                let file = std::fs::File::create(path).map_err(|e| Error::other(format!("{}: {e}", path.display())))?;
                let mut w = BufWriter::new(file);
                write(&result, format, self.bom, &mut w)?;
                w.flush()?;
                Ok(())
            }
            (format, None) => {
                let mut w = BufWriter::new(io::stdout().lock());
                write(&result, format, self.bom, &mut w)?;
                w.flush()?;
                Ok(())
            }
        }
    }
}

/// An output file's folder must exist and the path must not be a folder.
fn check_destination(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Usage(format!("--output {}: is a folder; give a file name", path.display())));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Error::Usage(format!("--output {}: the folder {} does not exist", path.display(), parent.display())));
    }
    Ok(())
}

/// Writes a result in a text format.
pub fn write(result: &QueryResult, format: Format, bom: bool, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Table => write_table(&result.schema, &result.batches, w),
        Format::Csv => write_delimited(&result.schema, &result.batches, b',', bom, w),
        Format::Tsv => write_delimited(&result.schema, &result.batches, b'\t', bom, w),
        Format::Json => write_json(&result.schema, &result.batches, w),
        Format::Parquet | Format::Xlsx => Err(Error::other("Parquet and Excel are written to a file, not a text stream")),
    }
}

/// A result ready to print: column names made unique the way DuckDB does (`value`, `value_1`), time-zone-aware
/// timestamps shown in UTC (`2021-06-01T00:00:00Z`; they are stored as UTC instants), and every column checked to have a text
/// form, so that nothing is written before a failure.
fn printable(result: &QueryResult) -> Result<QueryResult> {
    let mut seen = std::collections::HashSet::new();
    let fields: Vec<Field> = result
        .schema
        .fields()
        .iter()
        .map(|f| {
            let mut name = f.name().clone();
            let mut n = 0;
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{}_{n}", f.name());
            }
            Field::new(name, utc(f.data_type()), true)
        })
        .collect();
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let mut batches = Vec::with_capacity(result.batches.len());
    for batch in &result.batches {
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .map(|c| match c.data_type() {
                // The same instants under another zone name: only the type changes, never a value.
                DataType::Timestamp(_, Some(_)) => {
                    c.to_data().into_builder().data_type(utc(c.data_type())).build().map(arrow::array::make_array)
                }
                _ => Ok(c.clone()),
            })
            .collect::<Result<_, _>>()?;
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        let opts = options();
        for (c, field) in batch.columns().iter().zip(schema.fields()) {
            ArrayFormatter::try_new(c.as_ref(), &opts)
                .map_err(|e| Error::other(format!("column {:?} of type {} cannot be printed: {e}", field.name(), field.data_type())))?;
        }
        batches.push(batch);
    }
    Ok(QueryResult { schema, batches })
}

/// A timestamp type with its time zone replaced by UTC's fixed offset (the values are UTC instants either way).
fn utc(t: &DataType) -> DataType {
    match t {
        DataType::Timestamp(unit, Some(_)) => DataType::Timestamp(*unit, Some("+00:00".into())),
        other => other.clone(),
    }
}

fn options() -> FormatOptions<'static> {
    FormatOptions::default().with_null("")
}

/// Whether a column holds numbers (right-aligned in tables, numbers in JSON and workbooks).
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

fn write_delimited(schema: &SchemaRef, batches: &[RecordBatch], delimiter: u8, bom: bool, w: &mut dyn Write) -> Result<()> {
    if bom {
        w.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut out = csv::WriterBuilder::new().delimiter(delimiter).from_writer(w);
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

/// JSON, written by hand so that keys keep the column order and integers and decimals of any size keep every
/// digit (they are written as the number literal DuckDB gives).
fn write_json(schema: &SchemaRef, batches: &[RecordBatch], w: &mut dyn Write) -> Result<()> {
    let keys: Vec<String> = schema.fields().iter().map(|f| serde_json::to_string(f.name()).expect("a string")).collect();
    let mut first = true;
    let mut line = String::new();
    write!(w, "[")?;
    each_row(batches, |batch, r, texts| {
        line.clear();
        line.push('{');
        for (c, key) in keys.iter().enumerate() {
            if c > 0 {
                line.push(',');
            }
            line.push_str(key);
            line.push(':');
            line.push_str(&json_value(batch.column(c).as_ref(), r, &texts[c]));
        }
        line.push('}');
        write!(w, "{}\n{line}", if first { "" } else { "," })?;
        first = false;
        Ok(())
    })?;
    writeln!(w, "]")?;
    Ok(())
}

/// A cell as a JSON literal: integers and decimals as their digits, floats as numbers (non-finite ones null),
/// booleans, null, and everything else as its display text in a string.
fn json_value(array: &dyn Array, row: usize, text: &str) -> String {
    if array.is_null(row) {
        return "null".into();
    }
    match number(array, row, text) {
        Some(Cell::Float(x)) if x.is_finite() => serde_json::Number::from_f64(x).map_or("null".into(), |n| n.to_string()),
        Some(Cell::Float(_)) => "null".into(),
        Some(Cell::Exact) => text.to_string(),
        None if matches!(array.data_type(), DataType::Boolean) => array.as_boolean().value(row).to_string(),
        None => serde_json::to_string(text).expect("a string"),
    }
}

/// How a numeric cell is written.
enum Cell {
    /// A binary float.
    Float(f64),
    /// An integer or decimal whose display text is its exact value.
    Exact,
}

fn number(array: &dyn Array, row: usize, text: &str) -> Option<Cell> {
    match array.data_type() {
        DataType::Float32 => Some(Cell::Float(array.as_primitive::<Float32Type>().value(row) as f64)),
        DataType::Float64 => Some(Cell::Float(array.as_primitive::<Float64Type>().value(row))),
        t if t.is_integer() || matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..)) => {
            // A decimal's text may have no digit before the point in some writers; DuckDB's never does.
            (!text.is_empty()).then_some(Cell::Exact)
        }
        _ => None,
    }
}

/// Writes a result as an Excel workbook: a bold, frozen header row, numbers as numbers, column widths fitted
/// to the content's display width (at most 60).
fn write_xlsx(result: &QueryResult, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::other(format!("{}: {e}", path.display()));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Style::new().set_bold();
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
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0).map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save(path).map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Decimal128Array, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray};

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

    fn render_result(result: &QueryResult, format: Format, bom: bool) -> String {
        let mut out = Vec::new();
        write(&printable(result).unwrap(), format, bom, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn render(format: Format, bom: bool) -> String {
        render_result(&sample(), format, bom)
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
        assert_eq!(render(Format::Tsv, false), "county_name\tschools\tcv\n高平市\t12\t0.5\nx\t\tNaN\n\t3\t\n");
    }

    #[test]
    fn json_keeps_types_and_nulls() {
        let v: serde_json::Value = serde_json::from_str(&render(Format::Json, false)).unwrap();
        assert_eq!(v[0]["county_name"], "高平市");
        assert_eq!(v[0]["schools"], 12);
        assert_eq!(v[0]["cv"], 0.5);
        assert!(v[1]["schools"].is_null() && v[1]["cv"].is_null() && v[2]["county_name"].is_null());
    }

    fn one_row(fields: Vec<(&str, ArrayRef)>) -> QueryResult {
        let schema = Arc::new(Schema::new(fields.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect::<Vec<_>>()));
        let batch = RecordBatch::try_new(schema.clone(), fields.into_iter().map(|(_, a)| a).collect()).unwrap();
        QueryResult { schema, batches: vec![batch] }
    }

    #[test]
    fn json_keeps_duplicate_columns_in_order_and_every_digit() {
        let r = one_row(vec![
            ("value", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
            ("value", Arc::new(Int64Array::from(vec![2])) as ArrayRef),
            ("big", Arc::new(Decimal128Array::from(vec![123456789012345678901234567i128]).with_precision_and_scale(38, 0).unwrap()) as ArrayRef),
            ("a", Arc::new(Decimal128Array::from(vec![12345i128]).with_precision_and_scale(10, 2).unwrap()) as ArrayRef),
        ]);
        assert_eq!(render_result(&r, Format::Json, false), "[\n{\"value\":1,\"value_1\":2,\"big\":123456789012345678901234567,\"a\":123.45}]\n");
    }

    #[test]
    fn time_zone_aware_timestamps_print_in_utc() {
        let ts = TimestampMicrosecondArray::from(vec![1_600_000_000_000_000i64]).with_timezone("Asia/Shanghai");
        let r = one_row(vec![("t", Arc::new(ts) as ArrayRef)]);
        assert_eq!(render_result(&r, Format::Csv, false), "t\n2020-09-13T12:26:40Z\n");
    }

    #[test]
    fn unknown_output_extensions_are_usage_errors() {
        for bad in ["x.xls", "x.foo", "x"] {
            assert!(matches!(Format::from_path(Path::new(bad)), Err(Error::Usage(_))), "{bad}");
        }
        assert_eq!(Format::from_path(Path::new("x.TSV")).unwrap(), Format::Tsv);
        assert!(matches!(Plan::file(PathBuf::from("/no/such/folder/x.csv"), false), Err(Error::Usage(m)) if m.contains("does not exist")));
    }
}
