//! Errors: typed problems with input data (file, line, column, value, expectation) and the one top-level
//! error type whose kind decides the process exit code.
//!
//! Library code returns [`Error`]; `main` prints its whole cause chain on stderr and exits with
//! [`Error::exit_code`]. The table of exit codes is repeated in README.md and must stay in step with it.

use std::fmt;
use std::path::PathBuf;

/// Where in an input file a problem sits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// The whole file (it could not be read, or has no recognisable header).
    File,
    /// A physical line of a text file (1-based; the header is line 1).
    Line(u64),
    /// A sheet row of a workbook (1-based, as Excel numbers them).
    SheetRow { sheet: String, row: u64 },
    /// A record of a file without lines (Parquet), 1-based.
    Record(u64),
}

/// One problem found in an input file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputProblem {
    pub file: PathBuf,
    pub location: Location,
    /// 1-based column position in the file, when the problem is in one column.
    pub column_index: Option<usize>,
    /// The column's header as written in the file.
    pub column: Option<String>,
    pub value: Option<String>,
    /// What was expected instead, in plain words.
    pub expected: String,
}

/// A place in a file as people write it: `file:line`, `file: sheet "S" row N`, `file: record N`.
pub fn place(file: &std::path::Path, location: &Location) -> String {
    let file = file.display();
    match location {
        Location::File => format!("{file}"),
        Location::Line(n) => format!("{file}:{n}"),
        Location::SheetRow { sheet, row } => format!("{file}: sheet {sheet:?} row {row}"),
        Location::Record(n) => format!("{file}: record {n}"),
    }
}

impl InputProblem {
    /// A problem with a whole file (unreadable, wrong kind, not found).
    pub fn whole_file(file: &std::path::Path, expected: impl Into<String>) -> Self {
        InputProblem {
            file: file.to_path_buf(),
            location: Location::File,
            column_index: None,
            column: None,
            value: None,
            expected: expected.into(),
        }
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", place(&self.file, &self.location))?;
        if let Some(i) = self.column_index {
            match &self.location {
                Location::Line(_) => write!(f, ":{i}")?,
                _ => write!(f, " column {i}")?,
            }
        }
        write!(f, ":")?;
        if let Some(c) = &self.column {
            write!(f, " column {c:?}")?;
        }
        if let Some(v) = &self.value {
            write!(f, " value {v:?}")?;
        }
        if self.column.is_some() || self.value.is_some() {
            write!(f, ":")?;
        }
        write!(f, " expected {}", self.expected)
    }
}

/// The whole set of problems of one load, sorted by file and position.
#[derive(Debug, Default)]
pub struct InputProblems {
    pub problems: Vec<InputProblem>,
    /// Problems found beyond the reporting limit, not listed.
    pub more: usize,
}

impl fmt::Display for InputProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len() + self.more;
        writeln!(f, "input rejected: {n} problem{}; the warehouse is unchanged", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        if self.more > 0 {
            writeln!(f, "  ... and {} more (not listed)", self.more)?;
        }
        Ok(())
    }
}

/// The top-level error. Each variant is one exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Flags or arguments that cannot be acted on (clap's own usage errors also exit 2).
    #[error("{0}")]
    Usage(String),
    /// Input data was rejected; nothing was written.
    #[error("{0}")]
    Input(InputProblems),
    /// The user's SQL failed (DuckDB's message).
    #[error("SQL error: {0}")]
    Sql(String),
    /// The warehouse could not be opened (missing, locked, not a DuckDB file).
    #[error("warehouse {path}: {message}")]
    Warehouse { path: PathBuf, message: String },
    /// Anything else: I/O, an internal DuckDB failure, a bug.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    /// The process exit code for this error; see README.md, "Exit codes".
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Other(_) => 1,
            Error::Usage(_) => 2,
            Error::Input(_) => 3,
            Error::Sql(_) => 4,
            Error::Warehouse { .. } => 5,
        }
    }

    pub fn other(message: impl fmt::Display) -> Self {
        Error::Other(anyhow::anyhow!("{message}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Other(e.into())
    }
}

impl From<duckdb::Error> for Error {
    fn from(e: duckdb::Error) -> Self {
        Error::Other(anyhow::anyhow!("DuckDB: {e}"))
    }
}

impl From<polars::prelude::PolarsError> for Error {
    fn from(e: polars::prelude::PolarsError) -> Self {
        Error::Other(anyhow::anyhow!("Polars: {e}"))
    }
}

impl From<arrow::error::ArrowError> for Error {
    fn from(e: arrow::error::ArrowError) -> Self {
        Error::Other(anyhow::anyhow!("Arrow: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_file_line_column_value_and_expectation() {
        let p = InputProblem {
            file: "data/schools.csv".into(),
            location: Location::Line(17),
            column_index: Some(9),
            column: Some("图书册数".into()),
            value: Some("-3".into()),
            expected: "a non-negative whole number".into(),
        };
        assert_eq!(
            p.to_string(),
            "data/schools.csv:17:9: column \"图书册数\" value \"-3\": expected a non-negative whole number"
        );
    }

    #[test]
    fn exit_codes_are_distinct() {
        let codes = [
            Error::other("x").exit_code(),
            Error::Usage("x".into()).exit_code(),
            Error::Input(InputProblems::default()).exit_code(),
            Error::Sql("x".into()).exit_code(),
            Error::Warehouse { path: "x".into(), message: "x".into() }.exit_code(),
        ];
        let mut sorted = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }
}
