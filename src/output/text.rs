//! CSV, TSV and JSON, written batch by batch.

use std::io::Write;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float32Type, Float64Type, SchemaRef};
use arrow::record_batch::RecordBatch;

use super::{Format, each_row};
use crate::error::{Error, Result};

/// A text writer that has written its header and takes batches.
pub enum Writer<'w> {
    Delimited(csv::Writer<&'w mut dyn Write>),
    Json { w: &'w mut dyn Write, keys: Vec<String>, first: bool, line: String },
}

impl<'w> Writer<'w> {
    /// Starts the output: the BOM if asked for and the header row (CSV, TSV), or the opening bracket (JSON).
    pub fn new(format: Format, schema: &SchemaRef, bom: bool, w: &'w mut dyn Write) -> Result<Writer<'w>> {
        match format {
            Format::Csv | Format::Tsv => {
                if bom {
                    w.write_all(b"\xEF\xBB\xBF")?;
                }
                let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
                let mut out = csv::WriterBuilder::new().delimiter(delimiter).from_writer(w);
                out.write_record(schema.fields().iter().map(|f| f.name())).map_err(csv_error)?;
                Ok(Writer::Delimited(out))
            }
            Format::Json => {
                write!(w, "[")?;
                let keys = schema.fields().iter().map(|f| serde_json::to_string(f.name()).expect("a string")).collect();
                Ok(Writer::Json { w, keys, first: true, line: String::new() })
            }
            other => Err(Error::other(format!("{other:?} is not a text format"))),
        }
    }

    pub fn batch(&mut self, batch: &RecordBatch) -> Result<()> {
        match self {
            Writer::Delimited(out) => each_row(batch, |_, texts| out.write_record(texts).map_err(csv_error)),
            Writer::Json { w, keys, first, line } => each_row(batch, |r, texts| {
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
                write!(w, "{}\n{line}", if *first { "" } else { "," })?;
                *first = false;
                Ok(())
            }),
        }
    }

    pub fn finish(self) -> Result<()> {
        match self {
            Writer::Delimited(mut out) => out.flush()?,
            Writer::Json { w, .. } => writeln!(w, "]")?,
        }
        Ok(())
    }
}

/// A CSV writer's error, keeping an I/O error as one (a closed pipe must stay recognisable).
fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => Error::other(format!("writing CSV: {other:?}")),
    }
}

/// A cell as a JSON literal: integers and decimals as their digits, floats as numbers (non-finite ones null),
/// booleans, null, and everything else as its display text in a string. JSON is written by hand so that keys keep
/// the column order and integers and decimals of any size keep every digit.
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
pub enum Cell {
    /// A binary float.
    Float(f64),
    /// An integer or decimal whose display text is its exact value.
    Exact,
}

/// How a cell is written when it is a number.
pub fn number(array: &dyn Array, row: usize, text: &str) -> Option<Cell> {
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
