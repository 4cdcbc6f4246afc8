//! Reading one input file into frames of raw text cells, whatever its format and encoding.
//!
//! Every format ends as the same [`RawFrame`]: the headers as written and one String column per header, so that
//! validation is one code path. Text is decoded and split by [`super::text`] (exact positions, blank lines
//! skipped, ragged rows refused); workbooks by [`super::workbook`] (one frame per sheet); Parquet by DuckDB, every
//! column read as text, so that any column type (DECIMAL, LIST, INTERVAL, TIMESTAMPTZ) reads without failing and a
//! wrong type in a known column is reported like any other bad cell. A [`Locator`] turns a record index back into
//! the line, sheet row or record a person sees.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::Options;
use super::text::{self, HeaderAt, TextEncoding};
use super::workbook;
use crate::error::{InputProblem, Location, Result};
use crate::{bridge, model, warehouse};

/// A file's cells as text, before validation.
pub struct RawFrame {
    pub path: PathBuf,
    /// Headers as written in the file, in file order.
    pub headers: Vec<String>,
    /// One String column per header, in the same order (named `c0`, `c1`, … to survive duplicate headers).
    pub df: DataFrame,
    pub locator: Locator,
    /// What was detected about the file (encoding, sheet, blank lines), for the summary.
    pub detected: String,
    /// SHA-256 of the file's bytes, for `ingest_log`.
    pub sha256: String,
    /// `name=value` folder names above a Parquet file (hive partitioning), applied to the columns the file lacks.
    pub partitions: Vec<(String, String)>,
}

/// Maps a record index (0-based, header excluded) to the position a person sees.
#[derive(Clone, Debug)]
pub enum Locator {
    /// A text file: the line each record starts on, and the header's line.
    Lines { header: u64, lines: Vec<u64> },
    /// A worksheet: the sheet row (1-based, as Excel numbers them) of each record and of the header.
    Sheet { sheet: String, header_row: u64, rows: Vec<u64> },
    /// No lines: records are counted from 1.
    Records,
}

impl Locator {
    /// Locations for the given record indexes, in the same order.
    pub fn locate(&self, records: &[u64]) -> Vec<Location> {
        records
            .iter()
            .map(|&r| match self {
                Locator::Lines { lines, .. } => Location::Line(lines[r as usize]),
                Locator::Sheet { sheet, rows, .. } => Location::SheetRow { sheet: sheet.clone(), row: rows[r as usize] },
                Locator::Records => Location::Record(r + 1),
            })
            .collect()
    }

    /// Where the header is.
    pub fn header(&self) -> Location {
        match self {
            Locator::Lines { header, .. } => Location::Line(*header),
            Locator::Sheet { sheet, header_row, .. } => Location::SheetRow { sheet: sheet.clone(), row: *header_row },
            Locator::Records => Location::File,
        }
    }
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

/// What reading one file gave: its frames (several for a workbook), the problems that make parts of it
/// unreadable, and warnings (sheets skipped).
#[derive(Default)]
pub struct ReadOutcome {
    pub frames: Vec<RawFrame>,
    pub problems: Vec<InputProblem>,
    pub warnings: Vec<String>,
}

impl ReadOutcome {
    fn problem(p: InputProblem) -> ReadOutcome {
        ReadOutcome { problems: vec![p], ..Default::default() }
    }

    fn frame(f: RawFrame) -> ReadOutcome {
        ReadOutcome { frames: vec![f], ..Default::default() }
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    Ok(std::fs::read(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?)
}

/// Reads a file of any supported format. Problems with the file's content come back in the outcome; failures of
/// the machine itself (I/O) as the error.
pub fn read(path: &Path, opts: &Options) -> Result<ReadOutcome> {
    let is_header = |h: &[String]| model::detect_table(h).is_some();
    let at = match opts.skip_rows {
        Some(n) => HeaderAt::After(n),
        None => HeaderAt::Find { within: text::HEADER_SEARCH, is_header: &is_header },
    };
    match Format::of(path) {
        Some(Format::Csv) => read_text(path, opts.encoding, &at),
        Some(Format::Workbook) => Ok(workbook::read(path, sha256(&read_bytes(path)?), &opts.sheets, &at)),
        Some(Format::Parquet) => read_parquet(path),
        None => Ok(ReadOutcome::problem(InputProblem::whole_file(path, "a .csv, .tsv, .txt, .xlsx, .xls, .ods or .parquet file"))),
    }
}

fn read_text(path: &Path, forced: Option<TextEncoding>, at: &HeaderAt<'_>) -> Result<ReadOutcome> {
    let bytes = read_bytes(path)?;
    let sha = sha256(&bytes);
    let (text, encoding) = match text::decode(bytes, forced) {
        Ok(t) => t,
        Err(p) => {
            let (location, column_index) = match p.at {
                Some((line, col)) => (Location::Line(line), Some(col as usize)),
                None => (Location::File, None),
            };
            return Ok(ReadOutcome::problem(InputProblem { location, column_index, ..InputProblem::whole_file(path, p.expected) }));
        }
    };
    let delimiter = delimiter_of(&text);
    let mut builders: Vec<StringChunkedBuilder> = Vec::new();
    let layout = text::split(&text, delimiter, at, |fields| {
        if builders.is_empty() {
            builders = (0..fields.len()).map(|i| StringChunkedBuilder::new(format!("c{i}").into(), 0)).collect();
        }
        for (b, f) in builders.iter_mut().zip(fields) {
            b.append_option(Some(f.as_ref()).filter(|f| !f.is_empty()));
        }
    });
    if layout.header.is_empty() {
        return Ok(ReadOutcome::problem(InputProblem::whole_file(path, "a header line; the file is empty")));
    }
    // Rows of another width under a row that is no countyedu header say nothing more: validation refuses the header.
    let known = model::detect_table(&layout.header).is_some();
    let mut problems: Vec<InputProblem> = layout
        .ragged
        .iter()
        .filter(|_| known)
        .map(|&(line, n)| InputProblem {
            location: Location::Line(line),
            value: Some(format!("{n} fields")),
            ..InputProblem::whole_file(path, format!("{} fields, as many as the header has", layout.width))
        })
        .collect();
    if let Some(line) = layout.unterminated {
        problems.push(InputProblem {
            location: Location::Line(line),
            ..InputProblem::whole_file(path, "a closing quote (\") for the quoted field that starts on this line")
        });
    }
    if !problems.is_empty() {
        return Ok(ReadOutcome { problems, ..Default::default() });
    }
    if builders.is_empty() {
        builders = (0..layout.width).map(|i| StringChunkedBuilder::new(format!("c{i}").into(), 0)).collect();
    }
    let df = DataFrame::new_infer_height(builders.into_iter().map(|b| b.finish().into_column()).collect())?;
    let mut detected = match layout.blank {
        0 => encoding.to_string(),
        n => format!("{encoding}, {n} blank line(s) skipped"),
    };
    detected.push_str(&skipped_text("line", &layout.skipped));
    Ok(ReadOutcome::frame(RawFrame {
        path: path.to_path_buf(),
        headers: layout.header,
        df,
        locator: Locator::Lines { header: layout.header_line, lines: layout.lines },
        detected,
        sha256: sha,
        partitions: Vec::new(),
    }))
}

/// The separator the first rows hold most of on one line: a tab, a semicolon (as spreadsheets set to a decimal comma
/// write CSV) or a comma (the default; a title row may hold none). A comma between two digits is part of a number
/// (1,234 or 1234,5), not a separator.
fn delimiter_of(text: &str) -> u8 {
    let rows: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(text::HEADER_SEARCH).collect();
    let most = |sep: u8| {
        rows.iter()
            .map(|l| {
                let b = l.as_bytes();
                memchr::memchr_iter(sep, b).filter(|&i| sep != b',' || !(i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit())).count()
            })
            .max()
            .unwrap_or(0)
    };
    let (commas, tabs, semicolons) = (most(b','), most(b'\t'), most(b';'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// The rows skipped above a header, for the summary: `, title line(s) 1 "…", 2 "…" skipped`.
pub fn skipped_text(what: &str, skipped: &[(u64, String)]) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let rows: Vec<String> = skipped.iter().take(3).map(|(n, t)| if t.is_empty() { n.to_string() } else { format!("{n} {t:?}") }).collect();
    let more = if skipped.len() > 3 { format!(" and {} more", skipped.len() - 3) } else { String::new() };
    format!(", {what}(s) above the header skipped: {}{more}", rows.join(", "))
}

/// `name=value` folder names above a file (hive partitioning), nearest last.
fn partitions(path: &Path) -> Vec<(String, String)> {
    path.parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| {
            let c = c.as_os_str().to_str()?;
            let (name, value) = c.split_once('=')?;
            (!name.is_empty()).then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

fn read_parquet(path: &Path) -> Result<ReadOutcome> {
    let (schema, batches) = match warehouse::read_parquet(path) {
        Ok(b) => b,
        Err(e) => return Ok(ReadOutcome::problem(InputProblem::whole_file(path, format!("a readable Parquet file ({e})")))),
    };
    let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let typed = bridge::batches_to_df(&schema, &batches)?;
    let columns = typed
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| Ok(c.cast(&DataType::String)?.with_name(format!("c{i}").into())))
        .collect::<PolarsResult<Vec<Column>>>()?;
    let df = DataFrame::new_infer_height(columns)?;
    let raw = RawFrame {
        path: path.to_path_buf(),
        headers,
        df,
        locator: Locator::Records,
        detected: "Parquet".into(),
        sha256: sha256(&read_bytes(path)?),
        partitions: partitions(path),
    };
    Ok(apply_partitions(raw))
}

/// Adds the folder values of a Parquet file as columns where the file lacks them; where the file has the column,
/// every row must agree with its folder (a file whose rows say 110121 under `county_code=110126/` is refused).
fn apply_partitions(mut raw: RawFrame) -> ReadOutcome {
    let mut problems = Vec::new();
    for (name, value) in std::mem::take(&mut raw.partitions) {
        let same = |h: &String| crate::model::normalize_header(h) == crate::model::normalize_header(&name);
        match raw.headers.iter().position(same) {
            Some(i) => {
                let column = raw.df.columns()[i].str().expect("text columns");
                if let Some((r, found)) = column.iter().enumerate().find(|(_, v)| v.map(str::trim) != Some(value.trim())) {
                    problems.push(InputProblem {
                        file: raw.path.clone(),
                        location: Location::Record(r as u64 + 1),
                        column_index: Some(i + 1),
                        column: Some(raw.headers[i].clone()),
                        value: Some(found.unwrap_or("").to_string()),
                        expected: format!("{value}, as its folder {name}={value} says: the file's rows and its folder disagree"),
                    });
                }
            }
            None => {
                let n = raw.df.height();
                let i = raw.headers.len();
                raw.headers.push(name.clone());
                let column = Column::new(format!("c{i}").into(), vec![value.as_str(); n]);
                raw.df.with_column(column).expect("same height");
            }
        }
    }
    if problems.is_empty() { ReadOutcome::frame(raw) } else { ReadOutcome { problems, ..Default::default() } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_give_partitions_nearest_last() {
        assert_eq!(
            partitions(Path::new("/data/year=2021/county_code=110126/x.parquet")),
            vec![("year".into(), "2021".into()), ("county_code".into(), "110126".into())]
        );
        assert!(partitions(Path::new("data/x.parquet")).is_empty());
    }
}
