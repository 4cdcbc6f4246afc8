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

/// What went wrong, for a person: the message, what to do about it, and the error that caused it.
#[derive(Debug)]
pub struct Problem {
    message: String,
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Problem {
        Problem { message: message.into(), hint: None, source: None }
    }

    /// What the user can do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    /// The error that caused it, printed as its cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Problem {
        self.source = Some(Box::new(source));
        self
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::ops::Deref for Problem {
    type Target = str;
    fn deref(&self) -> &str {
        &self.message
    }
}

impl std::error::Error for Problem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem::new(message)
    }
}

impl From<&str> for Problem {
    fn from(message: &str) -> Problem {
        Problem::new(message)
    }
}

/// The exit codes, as README.md's table gives them (a test keeps the two in step).
pub const EXIT_CODES: &[(i32, &str)] = &[
    (0, "success (also when a reader closes the pipe early, e.g. `| head`)"),
    (1, "unexpected failure: I/O error, internal DuckDB error, a bug"),
    (2, "usage error: unknown flag, missing argument, bad flag value"),
    (3, "input data rejected: every problem is listed on stderr; the warehouse is unchanged"),
    (4, "SQL error in a user query (DuckDB's message on stderr, nothing on stdout)"),
    (5, "the warehouse cannot be opened: missing (for reading), locked by another process, not a countyedu warehouse"),
];

/// The top-level error. Each variant is one exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Flags or arguments that cannot be acted on (clap's own usage errors also exit 2).
    #[error("{0}")]
    Usage(Problem),
    /// Input data was rejected; nothing was written.
    #[error("{0}")]
    Input(InputProblems),
    /// The user's SQL failed (DuckDB's message).
    #[error("SQL error: {0}")]
    Sql(Problem),
    /// The warehouse could not be opened (missing, locked, not a DuckDB file).
    #[error("warehouse {path}: {message}")]
    Warehouse { path: PathBuf, message: Problem },
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

    /// A usage error (exit 2).
    pub fn usage(problem: impl Into<Problem>) -> Self {
        Error::Usage(problem.into())
    }

    /// An error of the user's SQL (exit 4).
    pub fn sql(problem: impl Into<Problem>) -> Self {
        Error::Sql(problem.into())
    }

    /// What the user can do about it, if the error says.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Usage(p) | Error::Sql(p) | Error::Warehouse { message: p, .. } => p.hint(),
            _ => None,
        }
    }

    /// The errors that caused this one, outermost first.
    pub fn causes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> = match self {
            Error::Usage(p) | Error::Sql(p) | Error::Warehouse { message: p, .. } => std::error::Error::source(p),
            Error::Other(e) => return e.chain().skip(1).map(|c| c.to_string()).collect(),
            Error::Input(_) => None,
        };
        while let Some(e) = next {
            out.push(e.to_string());
            next = e.source();
        }
        out
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

    /// README.md's table of exit codes, row by row.
    #[test]
    fn the_readme_exit_code_table_is_the_one_errors_use() {
        let readme = include_str!("../README.md");
        let section = readme.split("## Exit codes").nth(1).expect("README has exit codes").split("\n## ").next().unwrap_or("");
        let rows: Vec<(i32, String)> = section
            .lines()
            .filter_map(|l| {
                let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").map(str::trim).collect();
                Some((cells.first()?.parse().ok()?, cells.get(1)?.to_string()))
            })
            .collect();
        let expected: Vec<(i32, String)> = EXIT_CODES.iter().map(|(c, m)| (*c, m.to_string())).collect();
        assert_eq!(rows, expected);
        let errors = [
            Error::other("x"),
            Error::usage("x"),
            Error::Input(InputProblems::default()),
            Error::sql("x"),
            Error::Warehouse { path: "x".into(), message: "x".into() },
        ];
        let mut used: Vec<i32> = errors.iter().map(Error::exit_code).collect();
        used.push(0);
        used.sort();
        assert_eq!(used, EXIT_CODES.iter().map(|(c, _)| *c).collect::<Vec<_>>(), "every code is one kind of error, and each kind has a code");
    }

    #[test]
    fn hints_and_causes_are_kept() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = Error::usage(Problem::new("the scheme is refused").with_hint("check the path").with_source(io));
        assert_eq!((e.to_string(), e.hint()), ("the scheme is refused".to_string(), Some("check the path")));
        assert_eq!(e.causes(), vec!["no such file".to_string()]);
    }

    #[test]
    fn exit_codes_are_distinct() {
        let codes = [
            Error::other("x").exit_code(),
            Error::usage("x").exit_code(),
            Error::Input(InputProblems::default()).exit_code(),
            Error::sql("x").exit_code(),
            Error::Warehouse { path: "x".into(), message: "x".into() }.exit_code(),
        ];
        let mut sorted = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }
}
