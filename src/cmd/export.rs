//! `countyedu export`: every warehouse table as files for notebooks, Spark, Trino or Excel.

use std::path::PathBuf;

use super::{DbArgs, thousands};
use crate::error::{Error, Result};
use crate::output::{Format, OutputArgs};
use crate::warehouse::Access;

/// Export every table of the warehouse (data and metric tables) as Parquet or CSV files.
///
/// Parquet (default): DIR/TABLE/year=YYYY/data_0.parquet for tables with a year column (hive partitioning, read
/// unchanged by Python polars `pl.scan_parquet("DIR/balance_cv/**/*.parquet", hive_partitioning=True)`, duckdb
/// `read_parquet('DIR/balance_cv/**/*.parquet', hive_partitioning = true)`, Spark and Trino), DIR/TABLE/TABLE.parquet
/// for the others. A table's folder is replaced on every export.
/// CSV: DIR/TABLE.csv, one file per table, for Excel (--bom adds the UTF-8 byte-order mark).
///
/// Examples:
///   countyedu export --db countyedu-demo.duckdb --to out/export
///   countyedu export --to out/csv --format csv --bom
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// parquet or csv.
    #[arg(long, default_value = "parquet", value_parser = ["parquet", "csv"])]
    pub format: String,
    /// Start CSV files with a UTF-8 byte-order mark (Excel).
    #[arg(long)]
    pub bom: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: Args) -> Result<()> {
    let wh = args.db.open(Access::ReadOnly)?;
    std::fs::create_dir_all(&args.to).map_err(|e| Error::Usage(format!("{}: {e}", args.to.display())))?;
    let tables = wh.tables()?;
    for (name, rows, has_year) in &tables {
        if args.format == "parquet" {
            wh.export_parquet(name, *has_year, &args.to)?;
        } else {
            let out = OutputArgs { format: Some(Format::Csv), output: Some(args.to.join(format!("{name}.csv"))), bom: args.bom };
            out.write(&wh.query(&format!("SELECT * FROM \"{name}\""))?)?;
        }
        eprintln!("  {name:<22} {:>12} rows", thousands(*rows));
    }
    eprintln!("exported {} tables to {} as {}", tables.len(), args.to.display(), args.format);
    Ok(())
}
