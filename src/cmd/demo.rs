//! `countyedu demo`: load the shipped sample data into a fresh warehouse and show what it holds.

use std::path::PathBuf;

use crate::ops::balance::{self, Need, Results};
use super::{shipped, thousands};
use crate::evaluate::Scheme;
use crate::growth;
use crate::rules::Rules;
use polars::prelude::*;
use crate::error::{Error, Result};
use crate::ingest::{self, Options};
use crate::output::{Format, OutputArgs, Plan};
use crate::warehouse::{self, Access, Scope, Warehouse};

/// The `countyedu_meta` key that marks who created a warehouse, and the mark of the demo.
const CREATED_BY: &str = "created_by";
const DEMO: &str = "demo";

/// Removes an earlier demo warehouse at `path` so that the demo can start afresh; anything else there (a user's
/// warehouse, another DuckDB file, any file) is refused and left untouched.
fn replace_demo_warehouse(path: &std::path::Path, wait: std::time::Duration) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let refuse = |why: String| {
        Error::Usage(format!(
            "{}: {why}; the demo replaces only a warehouse it created itself. Name another file with --db \
             (or unset COUNTYEDU_DB)",
            path.display()
        ))
    };
    let created_by = match Warehouse::open_waiting(path, Access::ReadOnly, wait) {
        Ok(wh) => wh.meta(CREATED_BY),
        Err(e @ Error::Warehouse { .. }) if warehouse::is_locked(&e.to_string()) => return Err(e),
        Err(e) => return Err(refuse(format!("exists and is not a demo warehouse ({e})"))),
    };
    if created_by.as_deref() != Some(DEMO) {
        return Err(refuse("is a countyedu warehouse the demo did not create".into()));
    }
    std::fs::remove_file(path)?;
    let wal = warehouse::wal_path(path);
    if wal.exists() {
        std::fs::remove_file(wal)?;
    }
    Ok(())
}

/// Load the shipped sample data into a fresh warehouse and show what it holds.
///
/// Reads datasets/sample (24 synthetic counties in 3 provinces, 2016–2023) and datasets/gaoping
/// (the figures of 高平市's 2021 self-evaluation report) into a new warehouse file, then prints
/// table sizes and an overview per province and year. Query it afterwards with
/// `countyedu sql --db countyedu-demo.duckdb "…"`.
///
/// The demo replaces only a warehouse it created itself (marked in countyedu_meta): any other
/// file at --db (or COUNTYEDU_DB) is refused with exit 2 and left as it is.
///
/// Examples:
///   countyedu demo
///   countyedu demo --db demo2.duckdb --out-dir out2 --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The demo warehouse (recreated on every run; only a demo warehouse is ever replaced).
    #[arg(long, env = "COUNTYEDU_DB", default_value = "countyedu-demo.duckdb", value_name = "PATH")]
    pub db: PathBuf,
    #[command(flatten)]
    pub wait: super::WaitArgs,
    /// Folders to load [default: datasets/sample and datasets/gaoping].
    #[arg(long, value_name = "DIR")]
    pub data: Vec<PathBuf>,
    /// Where the ranking files go.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out_dir: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn dataset(name: &str) -> PathBuf {
    shipped("datasets", name)
}

fn criteria(name: &str) -> PathBuf {
    shipped("criteria", name)
}

/// What the demo prints: SQL kept in queries/ with the other named queries.
const SCHOOLS_OVERVIEW: &str = include_str!("../../queries/schools_overview.sql");
const BALANCE_OVERVIEW: &str = include_str!("../../queries/balance_overview.sql");

pub fn run(args: Args) -> Result<()> {
    let data = if args.data.is_empty() { vec![dataset("sample"), dataset("gaoping")] } else { args.data.clone() };
    for d in &data {
        if !d.is_dir() {
            return Err(Error::Usage(format!("{}: no such folder (run from the repository root or pass --data)", d.display())));
        }
    }
    let out = Plan::new(Some(args.out.format.unwrap_or(Format::Table)), args.out.output.clone(), args.out.bom)?;
    replace_demo_warehouse(&args.db, args.wait.duration()?)?;
    let wh = Warehouse::open_waiting(&args.db, Access::Create, args.wait.duration()?)?;
    wh.set_meta(CREATED_BY, DEMO)?;
    let summary = ingest::ingest(&wh, &data, &Options::default(), &mut ())?;
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("demo warehouse {} loaded from {} file(s):", args.db.display(), summary.files.len());
    for (table, n) in wh.table_counts()? {
        eprintln!("  {table:<18} {:>10} rows", thousands(n));
    }
    out.write(&wh.query(SCHOOLS_OVERVIEW)?)?;
    // The metric tables, as `balance`, `equity`, `urban-rural` and `growth` store them, under the national rules.
    let rules = Rules::national();
    let cfg = &rules.balance;
    let school_rows = wh.read_schools(crate::balance::SCHOOL_COLUMNS, &[], &[])?;
    let counties = wh.county_areas()?;
    let checks = balance::school_checks(&school_rows, &rules, &counties)?;
    let units = crate::balance::level_units(school_rows.clone().lazy(), cfg).collect()?;
    let Results { cv, schools, verdicts } = balance::compute(school_rows, cfg, Need::All)?;
    let (schools, verdicts) = (schools.expect("computed"), verdicts.expect("computed"));
    let equity = crate::equity::equity_table(&units, cfg)?;
    let urban_rural = crate::equity::urban_rural_table(&units, cfg, crate::equity::Grouping::Three)?;
    let all_values = wh.query_df("SELECT year, county_code, indicator, value FROM county_indicators")?;
    let (series, both) = growth::derive_per_student(&all_values)?;
    let yoy = growth::year_on_year(&series, &counties, &both)?.collect()?;
    let growth_checks = growth::checks(&all_values, &counties, &rules.standards, rules.funding.per_student_basis)?;
    wh.store_results(
        &mut [
            ("balance_cv", rules.stamp(cv)?),
            ("balance_verdicts", rules.stamp(verdicts)?),
            ("balance_schools", rules.stamp(schools)?),
            ("school_checks", rules.stamp(checks)?),
            ("equity", rules.stamp(equity)?),
            ("urban_rural", rules.stamp(urban_rural)?),
            ("growth", rules.stamp(yoy)?),
            ("growth_checks", rules.stamp(growth_checks)?),
        ],
        &Scope::all(),
    )?;
    eprintln!("balance verdicts (countyedu balance --verdicts for each county):");
    out.write(&wh.query(BALANCE_OVERVIEW)?)?;

    // The reference report's funding figures, checked under Shanxi's rules (its 2021 floors P 930, J 1180):
    // 高平市 2021, as `countyedu growth --checks --rules config/provinces/140000` does.
    let shanxi = Rules::load(&shipped("config", "provinces/140000")).map_err(Error::Usage)?;
    let values = wh.query_df("SELECT year, county_code, indicator, value FROM county_indicators WHERE county_code = '140581'")?;
    let checks = growth::checks(&values, &counties, &shanxi.standards, shanxi.funding.per_student_basis)?
        .lazy()
        .filter(col("year").eq(lit(2021)).and(col("passed").is_not_null()))
        .select([col("check"), col("passed"), col("detail")]);
    eprintln!("高平市 (140581) 2021 funding rules under Shanxi's rules, from its self-evaluation report:");
    super::metric::print(&out, checks)?;

    // Evaluation and ranking under the national scheme, written where a supervision office would pick them up.
    let scheme_path = criteria("national.toml");
    let scheme = Scheme::load(&scheme_path).map_err(Error::Usage)?;
    let year = 2023;
    let evaluated = crate::ops::evaluate::evaluate(&wh, &scheme, &scheme_path, &rules, year, false)?;
    crate::ops::evaluate::store(&wh, &scheme, &rules, year, &evaluated.rows, &evaluated.summary)?;
    let summary = evaluated.summary;
    std::fs::create_dir_all(&args.out_dir)?;
    let top = super::rank::ranking(&scheme, &summary, None, false)?.limit(10);
    eprintln!("ranking {year} under {} (first 10):", scheme_path.display());
    super::metric::print(&out, top)?;
    for file in ["ranking.csv", "ranking.xlsx"] {
        let path = args.out_dir.join(file);
        super::metric::print(&Plan::file(path.clone(), true)?, super::rank::ranking(&scheme, &summary, None, true)?)?;
        eprintln!("wrote {}", path.display());
    }

    // 优质均衡: who reaches it, and who misses it by a single item (the 差距清单 says which).
    let quality_path = criteria("quality_balance_2017.toml");
    let quality = Scheme::load(&quality_path).map_err(Error::Usage)?;
    let verdicts = crate::ops::evaluate::evaluate(&wh, &quality, &quality_path, &rules, year, false)?;
    crate::ops::evaluate::store(&wh, &quality, &rules, year, &verdicts.rows, &verdicts.summary)?;
    let close = verdicts
        .summary
        .lazy()
        .filter(col("grade").eq(lit("达到")).or((col("failed_points") + col("missing_points")).eq(lit(1))))
        .select([col("county_code"), col("county_name"), col("grade"), col("gap_list").alias("差距清单")]);
    eprintln!("优质均衡 {year} ({}): the counties that reach it, and those that miss it by a single item:", quality_path.display());
    super::metric::print(&out, close)?;
    eprintln!("next: countyedu sql --db {} \"SELECT * FROM county_indicators WHERE county_code = '140581'\"", args.db.display());
    Ok(())
}
