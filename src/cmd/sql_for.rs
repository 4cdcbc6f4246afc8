//! `countyedu sql-for`: the metric definitions as SQL for Spark SQL, Trino or DuckDB.

use std::path::PathBuf;

use super::RulesArgs;
use crate::error::Result;
use crate::portable::{self, Dialect, Metric};

/// Print a metric's definition as SQL that Spark SQL, Trino and DuckDB all run, generated from the engine's own definitions and the rules in force.
///
/// The level units (the combined-school split, the scopes of the standards) and the balance CVs are the very SQL the engine runs in its warehouse, in the subset the three engines share; the urban–rural group means (schools, pupils and weighted mean of 城区, 镇区 and 乡村, their ratios and gap) are generated from the same indicator definitions, and year-on-year growth of the reported county indicators (change, percent, ranks within prefecture and province) reads `county_indicators` and `counties`. A province's rules folder (--rules) changes the split ratios, scopes and limits in the text. The SQL reads a table or view named `schools` with the canonical columns, as `countyedu export` writes them (Parquet, hive-partitioned by year). spark/countyedu_job.py runs it on Spark; README's "Past one machine" says how.
///
/// Examples:
///   countyedu sql-for balance-cv --dialect spark
///   countyedu sql-for units --dialect trino --rules config/provinces/140000
///   countyedu sql-for balance-cv --dialect spark --out-dir sql
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The metric.
    #[arg(value_enum)]
    pub metric: Option<Metric>,
    /// The engine the SQL is for.
    #[arg(long, value_enum, default_value = "spark")]
    pub dialect: Dialect,
    /// Write every metric's SQL into this folder instead of printing one: units.sql, balance_cv.sql, urban_rural.sql and growth.sql (the names of the warehouse's tables), which spark/countyedu_job.py --sql reads.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: Args) -> Result<()> {
    let rules = args.rules.load()?;
    match (&args.out_dir, args.metric) {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir)?;
            for m in portable::METRICS {
                let path = dir.join(format!("{}.sql", m.id()));
                std::fs::write(&path, portable::sql(m, args.dialect, &rules))?;
                crate::say!("wrote {}", path.display());
            }
            Ok(())
        }
        (None, Some(m)) => {
            std::io::Write::write_all(&mut std::io::stdout().lock(), portable::sql(m, args.dialect, &rules).as_bytes())?;
            Ok(())
        }
        (None, None) => Err(crate::error::Error::usage("name a metric (units, balance-cv, urban-rural, growth) or give --out-dir DIR for all of them")),
    }
}
