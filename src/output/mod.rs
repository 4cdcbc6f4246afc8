//! Formatting of results: every result is Arrow record batches, written here as a terminal table, CSV, TSV, JSON,
//! Parquet or an Excel workbook, chosen by `--format` or by the extension of `--output`.
//!
//! Flags are resolved into a [`Plan`] before a command does any work (an unknown extension or a folder that does
//! not exist is a usage error before anything is computed or stored). Data goes to stdout (or the output file)
//! and nothing else does. Results stream: CSV, TSV, JSON and Parquet are written batch by batch as the query
//! gives them, and the table keeps only the rows it shows (the first and last of `--max-rows`), so memory does
//! not follow the size of the result. A file is written under a temporary name and renamed when complete, so an
//! error never leaves part of a file; on stdout the first [`HOLD`] bytes are held back, so an error in a result
//! of that size leaves nothing behind (a larger one has begun to stream). Every column is checked to have a text
//! form before the first byte is written, and numbers stay numbers in every format (HUGEINT and DECIMAL included).

mod table;
mod text;
mod workbook;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, new_empty_array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::error::{Error, Result};
use crate::warehouse::QueryResult;

/// Rows a table shows by default: the first and last 20.
pub const DEFAULT_MAX_ROWS: usize = 40;

/// Bytes of stdout output held back before streaming begins.
pub const HOLD: usize = 64 << 20;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A boxed table for reading in a terminal (the first and last rows of --max-rows, fitted to the terminal).
    Table,
    /// CSV with a header row (add --bom for Excel).
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// A JSON array of objects, one per row, keys in column order.
    Json,
    /// Apache Parquet (zstd); needs --output or a redirected stdout.
    Parquet,
    /// An Excel workbook (header row, column widths fitted); needs --output.
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
            "xls" => Err(Error::usage(format!("{}: countyedu writes .xlsx workbooks, not the old .xls format", path.display()))),
            _ => Err(Error::usage(format!(
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
    /// Rows a table shows: the first and the last half of N, with the count of all (0: every row) [default: 40;
    /// the demo shows every row].
    #[arg(long, value_name = "N")]
    pub max_rows: Option<usize>,
}

impl OutputArgs {
    /// Resolves the flags into a plan, or says why they cannot be acted on.
    pub fn plan(&self) -> Result<Plan> {
        Ok(Plan::new(self.format, self.output.clone(), self.bom)?.with_max_rows(self.max_rows.unwrap_or(DEFAULT_MAX_ROWS)))
    }
}

/// Resolved output flags: the format and the destination, checked before any work.
#[derive(Clone, Debug)]
pub struct Plan {
    pub format: Format,
    pub output: Option<PathBuf>,
    pub bom: bool,
    /// Rows a table shows (0: all).
    pub max_rows: usize,
}

impl Plan {
    pub fn new(format: Option<Format>, output: Option<PathBuf>, bom: bool) -> Result<Plan> {
        let format = match (format, &output) {
            (Some(f), _) => f,
            (None, Some(path)) => Format::from_path(path)?,
            (None, None) => Format::Table,
        };
        match (&output, format) {
            (None, Format::Xlsx) => return Err(Error::usage("an Excel workbook needs --output FILE.xlsx")),
            (None, Format::Parquet) if io::IsTerminal::is_terminal(&io::stdout()) => {
                return Err(Error::usage("Parquet is binary: give --output FILE or redirect stdout"));
            }
            (Some(path), _) => check_destination(path)?,
            _ => {}
        }
        Ok(Plan { format, output, bom, max_rows: DEFAULT_MAX_ROWS })
    }

    /// A plan for a file, its format from the extension.
    pub fn file(path: PathBuf, bom: bool) -> Result<Plan> {
        Plan::new(None, Some(path), bom)
    }

    /// The same plan showing at most `n` rows in a table (0: all).
    pub fn with_max_rows(mut self, n: usize) -> Plan {
        self.max_rows = n;
        self
    }

    /// Writes a result where the plan says.
    pub fn write(&self, result: &QueryResult) -> Result<()> {
        self.stream(result.schema.clone(), result.batches.iter().cloned().map(Ok))
    }

    /// Writes a result given batch by batch where the plan says, holding only what the format needs.
    pub fn stream(&self, schema: SchemaRef, batches: impl Iterator<Item = Result<RecordBatch>>) -> Result<()> {
        let printable = Printable::new(&schema)?;
        let mut batches = batches.map(|b| b.and_then(|b| printable.batch(b)));
        let schema = printable.schema.clone();
        if self.format == Format::Xlsx {
            let batches = batches.collect::<Result<Vec<_>>>()?;
            let path = self.output.as_deref().ok_or_else(|| Error::usage("an Excel workbook needs --output FILE.xlsx"))?;
            return workbook::write(path, &[(workbook::SHEET, &QueryResult { schema, batches })]);
        }
        let mut dest = Destination::new(self.output.as_deref())?;
        match self.format {
            Format::Table => {
                let mut t = table::Table::new(&schema, self.max_rows);
                for b in batches.by_ref() {
                    t.batch(b?);
                }
                let width = if self.output.is_none() { terminal_width() } else { None };
                dest.write_all(t.render(width)?.as_bytes())?;
            }
            Format::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
                    .build();
                let mut w = parquet::arrow::ArrowWriter::try_new(&mut dest, schema.clone(), Some(props)).map_err(parquet_error)?;
                for b in batches.by_ref() {
                    w.write(&b?).map_err(parquet_error)?;
                }
                w.close().map_err(parquet_error)?;
            }
            format => {
                let mut w = text::Writer::new(format, &schema, self.bom, &mut dest)?;
                for b in batches.by_ref() {
                    w.batch(&b?)?;
                }
                w.finish()?;
            }
        }
        dest.finish()
    }

    /// Writes several results as the named sheets of one workbook (the plan must be for an .xlsx file).
    pub fn write_sheets(&self, sheets: &[(&str, &QueryResult)]) -> Result<()> {
        let (Format::Xlsx, Some(path)) = (self.format, &self.output) else {
            return Err(Error::other("named sheets are written to an .xlsx file"));
        };
        let printable: Vec<(&str, QueryResult)> = sheets
            .iter()
            .map(|(name, r)| {
                let p = Printable::new(&r.schema)?;
                let batches = r.batches.iter().map(|b| p.batch(b.clone())).collect::<Result<Vec<_>>>()?;
                Ok((*name, QueryResult { schema: p.schema.clone(), batches }))
            })
            .collect::<Result<_>>()?;
        let refs: Vec<(&str, &QueryResult)> = printable.iter().map(|(n, r)| (*n, r)).collect();
        workbook::write(path, &refs)
    }
}

/// A number with thousands separators, for summaries people read.
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The permissions of a file the user asked for (the umask applies), not those of a private temporary file.
fn readable() -> std::fs::Permissions {
    std::os::unix::fs::PermissionsExt::from_mode(0o666)
}

/// The width of the terminal stdout writes to, if it is one.
fn terminal_width() -> Option<usize> {
    if !io::IsTerminal::is_terminal(&io::stdout()) {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
}

fn parquet_error(e: parquet::errors::ParquetError) -> Error {
    match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => Error::from(*io),
            Err(other) => Error::other(format!("writing Parquet: {other}")),
        },
        other => Error::other(format!("writing Parquet: {other}")),
    }
}

/// An output file's folder must exist and the path must not be a folder.
fn check_destination(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::usage(format!("--output {}: is a folder; give a file name", path.display())));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Error::usage(format!("--output {}: the folder {} does not exist", path.display(), parent.display())));
    }
    Ok(())
}

/// Writes `bytes` whole to `path` (a temporary file beside it, renamed over it when complete) or to stdout: what
/// is not text a [`Plan`] formats (a report's page, a chart's SVG) goes out the same way.
pub fn write_whole(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let mut d = Destination::new(path)?;
    d.write_all(bytes)?;
    d.finish()
}

/// Where bytes go: a temporary file beside the output, renamed over it when complete, or stdout, the first
/// [`HOLD`] bytes held back.
enum Destination {
    File { file: BufWriter<tempfile::NamedTempFile>, path: PathBuf },
    Stdout { held: Vec<u8>, out: Option<BufWriter<io::Stdout>> },
}

impl Destination {
    fn new(output: Option<&Path>) -> Result<Destination> {
        Ok(match output {
            Some(path) => {
                let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                let file = tempfile::Builder::new().prefix(".countyedu-").permissions(readable()).tempfile_in(dir)?;
                Destination::File { file: BufWriter::new(file), path: path.to_path_buf() }
            }
            None => Destination::Stdout { held: Vec::new(), out: None },
        })
    }

    /// Completes the output: the file takes its name, held bytes go out.
    fn finish(self) -> Result<()> {
        match self {
            Destination::File { file, path } => {
                let file = file.into_inner().map_err(|e| Error::from(e.into_error()))?;
                file.persist(&path).map_err(|e| Error::other(format!("{}: {}", path.display(), e.error)))?;
            }
            Destination::Stdout { held, out } => {
                let mut out = out.unwrap_or_else(|| BufWriter::new(io::stdout()));
                out.write_all(&held)?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Destination::File { file, .. } => file.write(buf),
            Destination::Stdout { held, out: Some(out) } => {
                debug_assert!(held.is_empty());
                out.write(buf)
            }
            Destination::Stdout { held, out } => {
                held.extend_from_slice(buf);
                if held.len() > HOLD {
                    let mut w = BufWriter::new(io::stdout());
                    w.write_all(held)?;
                    held.clear();
                    *out = Some(w);
                }
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::File { file, .. } => file.flush(),
            Destination::Stdout { out: Some(out), .. } => out.flush(),
            Destination::Stdout { .. } => Ok(()),
        }
    }
}

/// Makes batches ready to print: column names made unique the way DuckDB does (`value`, `value_1`), time-zone-aware
/// timestamps shown in UTC (`2021-06-01T00:00:00Z`; they are stored as UTC instants), every column checked to have
/// a text form before anything is written.
struct Printable {
    schema: SchemaRef,
}

impl Printable {
    fn new(schema: &SchemaRef) -> Result<Printable> {
        let mut seen = std::collections::HashSet::new();
        let fields: Vec<Field> = schema
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
        let opts = options();
        for field in &fields {
            let empty = new_empty_array(field.data_type());
            ArrayFormatter::try_new(empty.as_ref(), &opts)
                .map_err(|e| Error::other(format!("column {:?} of type {} cannot be printed: {e}", field.name(), field.data_type())))?;
        }
        Ok(Printable { schema: Arc::new(Schema::new(fields)) })
    }

    fn batch(&self, batch: RecordBatch) -> Result<RecordBatch> {
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
        Ok(RecordBatch::try_new(self.schema.clone(), columns)?)
    }
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

/// The cell texts of one batch, row by row, into `texts` (reused).
fn each_row(batch: &RecordBatch, mut row: impl FnMut(usize, &[String]) -> Result<()>) -> Result<()> {
    let opts = options();
    let cells = batch.columns().iter().map(|c| Cells::new(c.as_ref(), &opts)).collect::<Result<Vec<_>>>()?;
    let mut texts = vec![String::new(); cells.len()];
    for r in 0..batch.num_rows() {
        for (text, c) in texts.iter_mut().zip(&cells) {
            text.clear();
            c.write(r, text);
        }
        row(r, &texts)?;
    }
    Ok(())
}

/// The text of a column's cells: Arrow's display text ([`ArrayFormatter`], nulls empty), written directly for
/// the common types (the same digits: Arrow formats floats with `ryu` and integers in decimal) and through the
/// formatter for the others. National results have millions of cells, and the formatter's dynamic dispatch
/// and `fmt` machinery cost more than the digits.
enum Cells<'a> {
    F64(&'a arrow::array::Float64Array),
    I64(&'a arrow::array::Int64Array),
    I32(&'a arrow::array::Int32Array),
    Text(&'a arrow::array::StringArray),
    View(&'a arrow::array::StringViewArray),
    Bool(&'a arrow::array::BooleanArray),
    Other(ArrayFormatter<'a>),
}

impl<'a> Cells<'a> {
    fn new(array: &'a dyn arrow::array::Array, opts: &'a FormatOptions<'a>) -> Result<Cells<'a>> {
        use arrow::array::AsArray;
        use arrow::datatypes::{Float64Type, Int32Type, Int64Type};
        Ok(match array.data_type() {
            DataType::Float64 => Cells::F64(array.as_primitive::<Float64Type>()),
            DataType::Int64 => Cells::I64(array.as_primitive::<Int64Type>()),
            DataType::Int32 => Cells::I32(array.as_primitive::<Int32Type>()),
            DataType::Utf8 => Cells::Text(array.as_string::<i32>()),
            DataType::Utf8View => Cells::View(array.as_string_view()),
            DataType::Boolean => Cells::Bool(array.as_boolean()),
            _ => Cells::Other(ArrayFormatter::try_new(array, opts)?),
        })
    }

    /// The column, for the types written directly (the formatter writes its own nulls).
    fn array(&self) -> Option<&dyn arrow::array::Array> {
        match self {
            Cells::F64(a) => Some(*a),
            Cells::I64(a) => Some(*a),
            Cells::I32(a) => Some(*a),
            Cells::Text(a) => Some(*a),
            Cells::View(a) => Some(*a),
            Cells::Bool(a) => Some(*a),
            Cells::Other(_) => None,
        }
    }

    /// Appends row `r`'s text (nothing for a null).
    fn write(&self, r: usize, text: &mut String) {
        if self.array().is_some_and(|a| a.is_null(r)) {
            return;
        }
        match self {
            Cells::F64(a) => text.push_str(ryu::Buffer::new().format(a.value(r))),
            Cells::I64(a) => text.push_str(itoa::Buffer::new().format(a.value(r))),
            Cells::I32(a) => text.push_str(itoa::Buffer::new().format(a.value(r))),
            Cells::Text(a) => text.push_str(a.value(r)),
            Cells::View(a) => text.push_str(a.value(r)),
            Cells::Bool(a) => text.push_str(if a.value(r) { "true" } else { "false" }),
            Cells::Other(f) => std::fmt::Write::write_fmt(text, format_args!("{}", f.value(r))).expect("writing to a String"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;
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

    /// A result as a format writes it (the table without a width limit).
    fn render_result(result: &QueryResult, format: Format, bom: bool) -> String {
        let p = Printable::new(&result.schema).unwrap();
        let batches: Vec<RecordBatch> = result.batches.iter().map(|b| p.batch(b.clone()).unwrap()).collect();
        if format == Format::Table {
            let mut t = table::Table::new(&p.schema, DEFAULT_MAX_ROWS);
            batches.into_iter().for_each(|b| t.batch(b));
            return t.render(None).unwrap();
        }
        let mut out = Vec::new();
        let mut w = text::Writer::new(format, &p.schema, bom, &mut out).unwrap();
        for b in &batches {
            w.batch(b).unwrap();
        }
        w.finish().unwrap();
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
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1000), "-1,000");
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

#[cfg(test)]
mod streaming {
    use super::*;
    use arrow::array::Int64Array;
    use unicode_width::UnicodeWidthStr;

    fn numbers(from: i64, n: i64) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, true), Field::new("text", DataType::Utf8, true)]));
        let texts: Vec<String> = (from..from + n).map(|i| format!("row {i}")).collect();
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from((from..from + n).collect::<Vec<_>>())), Arc::new(arrow::array::StringArray::from(texts))]).unwrap()
    }

    #[test]
    fn a_table_shows_the_first_and_last_rows_with_the_count_of_all() {
        let first = numbers(0, 7);
        let mut t = table::Table::new(&first.schema(), 6);
        for b in [first, numbers(7, 1), numbers(8, 10), numbers(18, 2)] {
            t.batch(b);
        }
        let out = t.render(None).unwrap();
        let shown: Vec<&str> = out.lines().filter(|l| l.contains("row ")).collect();
        assert_eq!(shown.len(), 6, "{out}");
        for (line, n) in shown.iter().zip([0, 1, 2, 17, 18, 19]) {
            assert!(line.contains(&format!("row {n} ")), "{out}");
        }
        assert!(out.contains("│ · │") || out.contains("·"), "{out}");
        assert!(out.ends_with("20 rows, 6 shown (--max-rows N shows more, 0 all)\n"), "{out}");
        // 0 shows every row and no count.
        let mut all = table::Table::new(&numbers(0, 1).schema(), 0);
        all.batch(numbers(0, 50));
        let out = all.render(None).unwrap();
        assert_eq!(out.lines().filter(|l| l.contains("row ")).count(), 50);
        assert!(!out.contains("shown"));
    }

    #[test]
    fn a_table_wider_than_the_terminal_shortens_cells_and_names_the_columns_left_out() {
        let fields: Vec<Field> = (0..12).map(|i| Field::new(format!("column_{i}"), DataType::Utf8, true)).collect();
        let schema = Arc::new(Schema::new(fields));
        let long = "长".repeat(60);
        let columns: Vec<ArrayRef> = (0..12).map(|_| Arc::new(arrow::array::StringArray::from(vec![long.as_str()])) as ArrayRef).collect();
        let mut t = table::Table::new(&schema, 40);
        t.batch(RecordBatch::try_new(schema, columns).unwrap());
        let out = t.render(Some(100)).unwrap();
        let table_lines: Vec<&str> = out.lines().filter(|l| l.starts_with(['┌', '│', '├', '└'])).collect();
        assert!(table_lines.iter().all(|l| l.width() <= 100), "{out}");
        assert!(out.contains('…'), "{out}");
        assert!(out.contains("columns shown; not shown: column_"), "{out}");
        assert!(out.contains("column_11"), "{out}");
    }

    /// The direct texts of the common types are Arrow's own display texts, cell for cell: the edge values of
    /// each type, nulls, and random values (the test fails if a fast path formats a digit differently).
    #[test]
    fn cell_texts_are_arrows_display_texts() {
        use arrow::array::{BooleanArray, Float64Array, Int32Array, Int64Array, StringArray, StringViewArray};
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut floats = vec![
            Some(0.0), Some(-0.0), Some(1.0), Some(9125.0), Some(0.1), Some(1e-7), Some(1e16), Some(1e22), Some(123456789.125),
            Some(f64::MAX), Some(f64::MIN_POSITIVE), Some(5e-324), Some(f64::NAN), Some(f64::INFINITY), Some(f64::NEG_INFINITY), None,
        ];
        floats.extend((0..2000).map(|_| Some(f64::from_bits(rng.random::<u64>()))));
        floats.extend((0..2000).map(|_| Some(rng.random::<f64>() * 10f64.powi(rng.random_range(-12..16)))));
        let mut ints = vec![Some(0), Some(-1), Some(i64::MIN), Some(i64::MAX), None];
        ints.extend((0..1000).map(|_| Some(rng.random::<i64>() >> rng.random_range(0..63))));
        let texts = vec![Some("高平市"), Some(""), Some("a,b \"c\"\n"), None, Some("x")];
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Float64Array::from(floats)),
            Arc::new(Int64Array::from(ints.clone())),
            Arc::new(Int32Array::from(ints.iter().map(|v| v.map(|v| v as i32)).collect::<Vec<_>>())),
            Arc::new(StringArray::from(texts.clone())),
            Arc::new(StringViewArray::from(texts)),
            Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
        ];
        let opts = options();
        for column in &columns {
            let (cells, reference) = (Cells::new(column.as_ref(), &opts).unwrap(), ArrayFormatter::try_new(column.as_ref(), &opts).unwrap());
            assert!(!matches!(cells, Cells::Other(_)), "{} has a direct path", column.data_type());
            for r in 0..column.len() {
                let mut text = String::new();
                cells.write(r, &mut text);
                assert_eq!(text, reference.value(r).to_string(), "{} row {r}", column.data_type());
            }
        }
    }
}
