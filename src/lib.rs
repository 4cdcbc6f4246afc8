//! countyedu: an analytics engine for county education evaluation in China.
//!
//! Code map (see ARCHITECTURE.md for the pipeline and invariants):
//! - [`model`]: the data contract: canonical tables, columns, Chinese aliases, codes, the indicator catalogue.
//! - [`ingest`]: reading files (CSV in UTF-8/GBK, Excel, Parquet), validating them, loading them all-or-nothing.
//! - [`warehouse`]: the only module that opens DuckDB: schema, load transaction, queries as Arrow, and an
//!   in-memory engine for files and scheme expressions.
//! - [`bridge`]: zero-copy Arrow hand-over between Polars and DuckDB.
//! - [`output`]: formatting Arrow results as table, CSV, JSON, Parquet or xlsx.
//! - [`audit`]: 数据核查: impossible values (refused at ingest) and suspicious ones, flagged and weighed.
//! - [`balance`]: level units, weighted inter-school CVs (差异系数), verdicts, the school rule and shortfalls.
//! - [`equity`]: Gini, Theil, MLD, McLoone, Verstegen, percentile ranges, urban–rural decompositions.
//! - [`growth`]: year-on-year and window growth, ranks, crosswalks, funding rule checks.
//! - [`evaluate`]: evaluation schemes as data, scoring, grades, ranking.
//! - [`export`]: every table as Parquet or CSV files, replacing only what an earlier export wrote.
//! - [`queries`]: the named queries of `queries/` and their parameters.
//! - [`results`]: the stored metric tables, declared once, and what each row depends on.
//! - [`meanings`]: what every column of every table means (its unit and values): column comments and RESULTS.md.
//! - [`plan`]: the investment planner: the cheapest additions school by school that bring a county to 优质均衡.
//! - [`portable`]: the metric definitions as SQL for Spark SQL and Trino (`countyedu sql-for`, `spark/`).
//! - [`report`]: reports people read: a county's report and a province's league as self-contained HTML with
//!   charts (plotters, SVG), or Markdown.
//! - [`rules`]: the national rules and a province's rules folder laid over them.
//! - [`generate`]: deterministic synthetic data at any scale.
//! - [`ops`]: operations as library calls (what a command does), over the warehouse and the pure modules.
//! - [`cmd`]: one module per subcommand; thin wrappers over the above.
//! - [`error`]: input problems with file/line/column/value, and the exit-code table.

/// Writes a line to stderr, and goes on when stderr is closed (`2>&1 | head`): a message that cannot be read is no
/// reason to fail a command whose work is done (`eprintln!` would panic, exit 101).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod audit;
pub mod balance;
pub mod bridge;
pub mod equity;
pub mod cmd;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod generate;
pub mod meanings;
pub mod growth;
pub mod ingest;
pub mod lang;
pub mod model;
pub mod ops;
pub mod output;
pub mod plan;
pub mod portable;
pub mod queries;
pub mod report;
pub mod results;
pub mod rules;
pub mod warehouse;
