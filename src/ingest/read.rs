//! Reading one input file into a frame of raw text cells, whatever its format and encoding.
//!
//! Every format ends as the same [`RawFrame`]: the headers as written and one String column per header, so that
//! validation is one code path. CSV is decoded to UTF-8 first (Polars' reader takes UTF-8 only) and parsed by
//! Polars; workbooks by calamine; Parquet by the warehouse's engine. A [`Locator`] turns a record index back
//! into the line or sheet row a person sees, and is only consulted when something is wrong.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};
use polars::prelude::*;

use crate::error::{InputProblem, Location, Result};
use crate::{bridge, warehouse};

/// Text encodings a user may force with `--encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    Utf8,
    Gbk,
    Gb18030,
}

/// A file's cells as text, before validation.
pub struct RawFrame {
    pub path: PathBuf,
    /// Headers as written in the file, in file order.
    pub headers: Vec<String>,
    /// One String column per header, in the same order (named `c0`, `c1`, … to survive duplicate headers).
    pub df: DataFrame,
    pub locator: Locator,
    /// What was detected about the file (encoding, sheet), for the progress log.
    pub detected: String,
    /// SHA-256 of the file's bytes, for `ingest_log`.
    pub sha256: String,
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    Ok(sha256(&bytes))
}

/// Maps a record index (0-based, header excluded) to the position a person sees.
pub enum Locator {
    /// A text file: lines are found by re-reading it (only when an error needs them).
    Text { text_path: PathBuf, encoding: Option<TextEncoding>, delimiter: u8 },
    /// A worksheet: `first_data_row` is the 1-based sheet row of record 0.
    Sheet { sheet: String, first_data_row: u64 },
    /// No lines: records are counted from 1.
    Records,
}

impl Locator {
    /// Locations for the given record indexes, in the same order.
    pub fn locate(&self, records: &[u64]) -> Vec<Location> {
        match self {
            Locator::Sheet { sheet, first_data_row } => records
                .iter()
                .map(|r| Location::SheetRow { sheet: sheet.clone(), row: first_data_row + r })
                .collect(),
            Locator::Records => records.iter().map(|r| Location::Record(r + 1)).collect(),
            Locator::Text { text_path, encoding, delimiter } => {
                // Quoted fields may span lines, so the line of record i is read off a real CSV parse.
                let lines = std::fs::read(text_path)
                    .ok()
                    .and_then(|bytes| decode(bytes, *encoding).ok())
                    .map(|(text, _)| record_lines(text.as_bytes(), *delimiter))
                    .unwrap_or_default();
                records
                    .iter()
                    .map(|&r| match lines.get(r as usize) {
                        Some(&line) => Location::Line(line),
                        None => Location::Line(r + 2),
                    })
                    .collect()
            }
        }
    }
}

/// The physical line on which each data record starts.
fn record_lines(bytes: &[u8], delimiter: u8) -> Vec<u64> {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(bytes);
    let mut out = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        out.push(rec.position().map(|p| p.line()).unwrap_or(0));
    }
    out
}

/// File formats by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Workbook,
    Parquet,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Some(Format::Workbook),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }
}


/// Reads a file of any supported format. Problems that make the whole file unreadable come back as `Err(problem)`;
/// I/O failures of the machine itself as the outer error.
pub fn read(path: &Path, encoding: Option<TextEncoding>, sheet: Option<&str>) -> Result<Result<RawFrame, InputProblem>> {
    match Format::of(path) {
        Some(Format::Csv) => read_csv(path, encoding),
        Some(Format::Workbook) => {
            let sha = sha256_file(path)?;
            Ok(read_workbook(path, sheet).map(|raw| RawFrame { sha256: sha, ..raw }))
        }
        Some(Format::Parquet) => read_parquet(path),
        None => Ok(Err(InputProblem::whole_file(path, "a .csv, .tsv, .txt, .xlsx, .xls, .ods or .parquet file"))),
    }
}

/// Decodes text to UTF-8: a BOM decides, then valid UTF-8, then GB18030 (a superset of GBK and GB2312).
/// Returns the text and the name of the encoding used, or a description of why it could not be decoded.
fn decode(bytes: Vec<u8>, forced: Option<TextEncoding>) -> Result<(String, &'static str), &'static str> {
    let strict = |enc: &'static Encoding, bytes: &[u8]| {
        enc.decode_without_bom_handling_and_without_replacement(bytes).map(|c| c.into_owned())
    };
    match forced {
        Some(TextEncoding::Utf8) => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
            return String::from_utf8(body).map(|s| (s, "UTF-8")).map_err(|_| "not valid UTF-8");
        }
        Some(TextEncoding::Gbk | TextEncoding::Gb18030) => {
            return strict(GB18030, &bytes).map(|s| (s, "GB18030")).ok_or("not valid GBK/GB18030");
        }
        None => {}
    }
    if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(body).map(|s| (s.to_string(), "UTF-8 with BOM")).map_err(|_| "not valid UTF-8 after its BOM");
    }
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return strict(UTF_16LE, body).map(|s| (s, "UTF-16LE")).ok_or("not valid UTF-16LE after its BOM");
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return strict(UTF_16BE, body).map(|s| (s, "UTF-16BE")).ok_or("not valid UTF-16BE after its BOM");
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, "UTF-8")),
        Err(e) => strict(GB18030, e.as_bytes()).map(|s| (s, "GB18030")).ok_or("neither UTF-8 nor GBK/GB18030 text"),
    }
}

fn read_csv(path: &Path, forced: Option<TextEncoding>) -> Result<Result<RawFrame, InputProblem>> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let sha = sha256(&bytes);
    let (text, encoding) = match decode(bytes, forced) {
        Ok(t) => t,
        Err(why) => return Ok(Err(InputProblem::whole_file(path, format!("UTF-8 or GBK text (the file is {why}; try --encoding)")))),
    };
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if !first_line.contains(',') && first_line.contains('\t') { b'\t' } else { b',' };

    let headers: Vec<String> = {
        let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(text.as_bytes());
        match rdr.records().next() {
            Some(Ok(rec)) => rec.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect(),
            Some(Err(e)) => return Ok(Err(InputProblem::whole_file(path, format!("a CSV header line ({e})")))),
            None => return Ok(Err(InputProblem::whole_file(path, "a header line; the file is empty"))),
        }
    };

    let locator = Locator::Text { text_path: path.to_path_buf(), encoding: forced, delimiter };
    let names: Vec<PlSmallStr> = (0..headers.len()).map(|i| format!("c{i}").into()).collect();
    let schema: Schema = names.iter().map(|n| (n.clone(), DataType::String)).collect();
    let parsed = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delimiter).with_missing_is_null(true))
        .into_reader_with_file_handle(Cursor::new(text.as_bytes()))
        .finish();
    let df = match parsed {
        Ok(df) => df,
        Err(polars_err) => return Ok(Err(ragged_record(path, &text, delimiter, headers.len(), &polars_err.to_string()))),
    };
    Ok(Ok(RawFrame { path: path.to_path_buf(), headers, df, locator, detected: encoding.to_string(), sha256: sha }))
}

/// Finds the record whose field count differs from the header's, after Polars refused the file.
fn ragged_record(path: &Path, text: &str, delimiter: u8, width: usize, fallback: &str) -> InputProblem {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) if rec.len() != width => {
                return InputProblem {
                    file: path.to_path_buf(),
                    location: Location::Line(rec.position().map(|p| p.line()).unwrap_or(0)),
                    column_index: None,
                    column: None,
                    value: Some(format!("{} fields", rec.len())),
                    expected: format!("{width} fields, as many as the header has"),
                };
            }
            Ok(true) => {}
            Ok(false) => return InputProblem::whole_file(path, format!("a well-formed CSV file ({fallback})")),
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return InputProblem { location: Location::Line(line), ..InputProblem::whole_file(path, format!("well-formed CSV ({e})")) };
            }
        }
    }
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<RawFrame, InputProblem> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| InputProblem::whole_file(path, format!("a readable workbook ({e})")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => return Err(InputProblem::whole_file(path, format!("a sheet named {s:?}; the workbook has {names:?}"))),
        None => names.first().cloned().ok_or_else(|| InputProblem::whole_file(path, "at least one sheet"))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| InputProblem::whole_file(path, format!("a readable sheet {name:?} ({e})")))?;
    let (row0, _) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate().skip_while(|(_, r)| r.iter().all(|c| matches!(c, Data::Empty)));
    let (header_offset, header_row) = rows.next().ok_or_else(|| InputProblem::whole_file(path, format!("a header row in sheet {name:?}")))?;
    let headers: Vec<String> = header_row.iter().map(cell_text).map(Option::unwrap_or_default).collect();
    let width = headers.len();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); width];
    for (_, row) in rows {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        for (i, col) in columns.iter_mut().enumerate() {
            col.push(row.get(i).and_then(cell_text));
        }
    }
    let df = DataFrame::new_infer_height(
        columns.into_iter().enumerate().map(|(i, v)| Column::new(format!("c{i}").into(), v)).collect(),
    )
    .map_err(|e| InputProblem::whole_file(path, format!("a rectangular sheet ({e})")))?;
    let first_data_row = row0 as u64 + header_offset as u64 + 2;
    Ok(RawFrame {
        path: path.to_path_buf(),
        headers,
        df,
        locator: Locator::Sheet { sheet: name.clone(), first_data_row },
        detected: format!("sheet {name}"),
        sha256: String::new(),
    })
}

/// A workbook cell as the text a person would type; whole numbers lose Excel's trailing `.0`.
fn cell_text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) => Some(d.as_f64().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(format!("#{e:?}")),
    }
}

fn read_parquet(path: &Path) -> Result<Result<RawFrame, InputProblem>> {
    let (schema, batches) = match warehouse::read_parquet(path) {
        Ok(b) => b,
        Err(e) => return Ok(Err(InputProblem::whole_file(path, format!("a readable Parquet file ({e})")))),
    };
    let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let typed = bridge::batches_to_df(&schema, &batches)?;
    let columns = typed
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let c = c.cast(&DataType::String)?;
            Ok(c.with_name(format!("c{i}").into()))
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    let df = DataFrame::new_infer_height(columns)?;
    Ok(Ok(RawFrame {
        path: path.to_path_buf(),
        headers,
        df,
        locator: Locator::Records,
        detected: "Parquet".into(),
        sha256: sha256_file(path)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected_in_order_bom_utf8_gb18030() {
        let gbk = GB18030.encode("年份,县区代码\n").0.into_owned();
        assert_eq!(decode(gbk, None).unwrap(), ("年份,县区代码\n".to_string(), "GB18030"));
        let utf8 = "年份\n".as_bytes().to_vec();
        assert_eq!(decode(utf8, None).unwrap().1, "UTF-8");
        let bom = [b"\xEF\xBB\xBF".as_slice(), "年份".as_bytes()].concat();
        assert_eq!(decode(bom, None).unwrap(), ("年份".to_string(), "UTF-8 with BOM"));
        assert!(decode(vec![0xff, 0xff, 0x00, 0x81], Some(TextEncoding::Utf8)).is_err());
    }

    #[test]
    fn record_lines_follow_quoted_newlines() {
        let text = b"a,b\n1,\"x\ny\"\n2,z\n";
        assert_eq!(record_lines(text, b','), vec![2, 4]);
    }

    #[test]
    fn whole_floats_from_excel_print_as_integers() {
        assert_eq!(cell_text(&Data::Float(140581.0)).as_deref(), Some("140581"));
        assert_eq!(cell_text(&Data::Float(2.5)).as_deref(), Some("2.5"));
        assert_eq!(cell_text(&Data::Empty), None);
    }
}
