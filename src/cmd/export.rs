//! `countyedu export`: every warehouse table as files for notebooks, Spark, Trino or Excel.

use std::path::PathBuf;

use super::{DbArgs, thousands};
use crate::error::Result;
use crate::export::{self, ExportFormat};
use crate::warehouse::Access;

/// Export every table of the warehouse (data and metric tables) as Parquet or CSV files.
///
/// Parquet (default): DIR/TABLE/year=YYYY/data_0.parquet for tables with a year column (hive partitioning, read unchanged by Python polars `pl.scan_parquet("DIR/balance_cv/**/*.parquet", hive_partitioning=True)`, duckdb `read_parquet('DIR/balance_cv/**/*.parquet', hive_partitioning = true)`, Spark and Trino), DIR/TABLE/TABLE.parquet for the others. CSV: DIR/TABLE.csv, one file per table, for Excel (--bom adds the UTF-8 byte-order mark).
///
/// DIR/schema.json describes the export: every table's files, columns, DuckDB types and meanings (unit, values); how each reader types the hive year (duckdb BIGINT, polars Int64, pandas Categorical, pyarrow dictionary<int32>, Spark int) with the one-line cast back to an integer; and the code columns a CSV reader must read as text (county_code, prefecture_code, province_code, school_id, area_code, urban_rural_code), e.g. pandas dtype={"county_code": str}, polars schema_overrides={"county_code": pl.String}.
///
/// DIR must be new, empty, or an earlier export: the files an export writes are listed in DIR/countyedu-export.json, and exporting again replaces exactly those files. A folder holding anything else is refused (exit 2) and left untouched.
///
/// Examples:
///   countyedu export --db countyedu-demo.duckdb --to out/export
///   countyedu export --db countyedu-demo.duckdb --to out/csv --format csv --bom
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
    let format = if args.format == "csv" { ExportFormat::Csv { bom: args.bom } } else { ExportFormat::Parquet };
    let spinner = super::progress::Spinner::new("exporting");
    let tables = export::export(&wh, &args.to, format)?;
    drop(spinner);
    for (name, rows) in &tables {
        crate::say!("  {name:<22} {:>12} rows", thousands(*rows));
    }
    crate::say!("exported {} tables to {} as {}", tables.len(), args.to.display(), args.format);
    Ok(())
}
