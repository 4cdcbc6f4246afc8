//! `countyedu demo`: load the shipped sample data into a fresh warehouse and show what it holds.

use std::path::{Path, PathBuf};

use super::thousands;
use crate::error::{Error, Result};
use crate::ingest::{self, Options};
use crate::output::{Format, OutputArgs};
use crate::warehouse::{Access, Warehouse};

/// Load the shipped sample data into a fresh warehouse and show what it holds.
///
/// Reads datasets/sample (24 synthetic counties in 3 provinces, 2019–2023) and datasets/gaoping
/// (the figures of 高平市's 2021 self-evaluation report) into a new warehouse file, replacing an
/// earlier demo warehouse, then prints table sizes and an overview per province and year. Query it
/// afterwards with `countyedu sql --db countyedu-demo.duckdb "…"`.
///
/// Examples:
///   countyedu demo
///   countyedu demo --db /tmp/demo.duckdb --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The demo warehouse (recreated on every run).
    #[arg(long, default_value = "countyedu-demo.duckdb", value_name = "PATH")]
    pub db: PathBuf,
    /// Folders to load [default: datasets/sample and datasets/gaoping].
    #[arg(long, value_name = "DIR")]
    pub data: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The shipped datasets: next to the working directory when run from the repository, else where it was built.
fn dataset(name: &str) -> PathBuf {
    let local = Path::new("datasets").join(name);
    if local.is_dir() { local } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets").join(name) }
}

const OVERVIEW: &str = "
SELECT c.province_name AS province, s.year,
       count(DISTINCT s.county_code) AS counties,
       count(*) AS schools,
       sum(coalesce(s.primary_students, 0)) AS primary_students,
       sum(coalesce(s.junior_students, 0)) AS junior_students,
       count(*) FILTER (WHERE s.school_type = 'teaching_point') AS teaching_points,
       round(100.0 * count(*) FILTER (WHERE s.urban_rural_code >= 200) / count(*), 1) AS rural_school_pct
FROM schools s JOIN counties c USING (county_code)
GROUP BY ALL ORDER BY province, year";

pub fn run(args: Args) -> Result<()> {
    let data = if args.data.is_empty() { vec![dataset("sample"), dataset("gaoping")] } else { args.data.clone() };
    for d in &data {
        if !d.is_dir() {
            return Err(Error::Usage(format!("{}: no such folder (run from the repository root or pass --data)", d.display())));
        }
    }
    for path in [args.db.clone(), PathBuf::from(format!("{}.wal", args.db.display()))] {
        if path.exists() {
            std::fs::remove_file(&path)?;
        }
    }
    let wh = Warehouse::open(&args.db, Access::ReadWrite)?;
    let summary = ingest::ingest(&wh, &data, &Options::default(), &mut ())?;
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("demo warehouse {} loaded from {} file(s):", args.db.display(), summary.files.len());
    for (table, n) in wh.table_counts()? {
        eprintln!("  {table:<18} {:>10} rows", thousands(n));
    }
    let out = OutputArgs { format: Some(args.out.format.unwrap_or(Format::Table)), ..args.out.clone() };
    out.write(&wh.query(OVERVIEW)?)?;
    eprintln!("next: countyedu sql --db {} \"SELECT * FROM county_indicators WHERE county_code = '140581'\"", args.db.display());
    Ok(())
}
