//! `countyedu sql`: run SQL against the warehouse and print the result.

use std::io::Read;
use std::path::PathBuf;

use super::DbArgs;
use crate::error::{Error, Result};
use crate::output::OutputArgs;
use crate::warehouse::Access;

/// Run SQL against the warehouse (DuckDB's dialect) and print the result.
///
/// The warehouse opens read-only unless --write is given; with --write all statements run in one transaction, which is refused as a whole if it would drop or alter countyedu's own tables or leave a duplicate key; the stored metrics of every county-year it changes are removed with it. Several statements may be given; the last one's result is printed. Tables: counties, schools, county_indicators, ingest_log, indicator_catalogue (see datasets/README.md for their columns), and the metric tables the other commands store. INSTALL and LOAD are refused: nothing reaches the network.
///
/// Output: --format table|csv|tsv|json|parquet|xlsx, or inferred from --output's extension (.csv .tsv .json .parquet .xlsx .txt; any other extension is refused). Tables size columns by display width, so Chinese text lines up. Add --bom to CSV for Excel. On an SQL error DuckDB's message goes to stderr, nothing to stdout, and the exit code is 4.
///
/// Examples:
///   countyedu sql "SELECT province_name, count(*) FROM counties GROUP BY ALL"
///   countyedu sql --file queries/schools_per_year.sql --output schools.csv --bom
///   echo "SELECT * FROM county_indicators LIMIT 5" | countyedu sql - --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The SQL text; `-` reads it from stdin.
    #[arg(value_name = "SQL", conflicts_with = "file", required_unless_present = "file")]
    pub query: Option<String>,
    /// Read the SQL from a file.
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Allow statements that change the warehouse.
    #[arg(long)]
    pub write: bool,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: Args) -> Result<()> {
    let sql = match (&args.query, &args.file) {
        (Some(q), _) if q == "-" => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
        (Some(q), _) => q.clone(),
        (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| Error::usage(format!("{}: {e}", f.display())))?,
        (None, None) => return Err(Error::usage("give SQL text or --file")),
    };
    if sql.trim().is_empty() {
        return Err(Error::usage("the SQL text is empty"));
    }
    let plan = args.out.plan()?;
    let wh = args.db.open(if args.write { Access::ReadWrite } else { Access::ReadOnly })?;
    let removed = wh.user_sql_streamed(&sql, args.write, |schema, batches| plan.stream(schema, batches))?;
    super::summary::removed(&removed);
    Ok(())
}
