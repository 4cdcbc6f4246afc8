//! `countyedu demo`: load the shipped sample data into a fresh warehouse and show what it holds.

use std::path::PathBuf;

use polars::prelude::*;

use super::{shipped, thousands};
use crate::error::{Error, Result};
use super::report::Wanted;
use crate::equity::Across;
use crate::evaluate::Scheme;
use crate::report::Lang;
use crate::ingest::{self, Options};
use crate::ops::rank::ranking;
use crate::ops::{self, Computed, Inputs, Selection};
use crate::output::{Format, OutputArgs, Plan};
use crate::rules::Rules;
use crate::warehouse::{Access, Warehouse};

/// Load the shipped sample data into a fresh warehouse and show what it holds.
///
/// Reads datasets/sample (24 synthetic counties in 3 provinces, 2016–2023) and datasets/gaoping (the figures of 高平市's 2021 self-evaluation report) into a new warehouse file, then prints table sizes and an overview per province and year, computes every metric, evaluates and ranks the counties (out/ranking.csv, out/ranking.xlsx) and writes three reports to out/: a sample county's (report-140121-2023.html), 高平市's 2021 report (report-140581-2021.html) and Shanxi's league (league-140000-2023.html). Query it afterwards with `countyedu sql --db countyedu-demo.duckdb "…"`.
///
/// The demo replaces only a warehouse it created itself (marked in countyedu_meta): any other file at --db (or COUNTYEDU_DB) is refused with exit 2 and left as it is.
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
    /// Where the ranking files and the reports go.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out_dir: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn dataset(name: &str) -> PathBuf {
    shipped("datasets", name)
}

/// What the demo prints: SQL kept in queries/ with the other named queries.
const SCHOOLS_OVERVIEW: &str = include_str!("../../queries/schools_overview.sql");
const BALANCE_OVERVIEW: &str = include_str!("../../queries/balance_overview.sql");

pub fn run(args: Args) -> Result<()> {
    let data = if args.data.is_empty() { vec![dataset("sample"), dataset("gaoping")] } else { args.data.clone() };
    if let Some(d) = data.iter().find(|d| !d.is_dir()) {
        return Err(Error::usage(format!("{}: no such folder (run from the repository root or pass --data)", d.display())));
    }
    // The demo's tables are small and meant to be read whole: every row unless --max-rows says otherwise.
    let out = Plan::new(Some(args.out.format.unwrap_or(Format::Table)), args.out.output.clone(), args.out.bom)?
        .with_max_rows(args.out.max_rows.unwrap_or(0));
    Warehouse::remove_demo(&args.db, args.wait.duration()?)?;
    let wh = Warehouse::open_waiting(&args.db, Access::Create, args.wait.duration()?)?;
    wh.mark_demo()?;
    let summary = ingest::ingest(&wh, &data, &Options::default(), &mut ())?;
    summary.warnings.iter().for_each(|w| crate::say!("warning: {w}"));
    crate::say!("demo warehouse {} loaded from {} file(s):", args.db.display(), summary.files.len());
    for (table, n) in wh.table_counts()? {
        crate::say!("  {table:<18} {:>10} rows", thousands(n));
    }
    out.write(&wh.query(SCHOOLS_OVERVIEW)?)?;

    // Every metric table, as `countyedu compute` stores them, under the rules every command applies by default
    // (the national ones, each county judged against its own province's shipped floors).
    let rules = Rules::default_rules();
    let mut inputs = Inputs::new(&wh, &rules, Selection::all());
    let mut storing = wh.begin_storing(&rules.stamp())?;
    ops::compute::compute(&mut inputs, &ops::growth::Options::default(), &mut storing)?;
    storing.commit()?;
    crate::say!("balance verdicts (countyedu balance --verdicts for each county):");
    out.write(&wh.query(BALANCE_OVERVIEW)?)?;

    // The reference report's funding figures, checked under Shanxi's floors (2021: P 930, J 1180), which apply to
    // 高平市 2021 by default, as `countyedu growth --checks` does.
    let gaoping = Selection { counties: vec!["140581".into()], years: vec![2021] };
    let checks = ops::growth::growth(&Inputs::new(&wh, &rules, gaoping), &ops::growth::Options { no_cv: true, ..Default::default() })?
        .checks
        .lazy()
        .filter(col("county_code").eq(lit("140581")).and(col("year").eq(lit(2021))).and(col("passed").is_not_null()))
        .select([col("check"), col("passed"), col("detail")]);
    crate::say!("高平市 (140581) 2021 funding rules under Shanxi's rules, from its self-evaluation report:");
    super::metric::print(&out, checks)?;

    // Evaluation and ranking under the national scheme, written where a supervision office would pick them up.
    let year = 2023;
    let (scheme_path, scheme) = load_scheme("national.toml")?;
    let evaluated = ops::evaluate::evaluate(&wh, &scheme, &scheme_path, &rules, year, false)?;
    evaluated.store(&wh, &rules)?;
    std::fs::create_dir_all(&args.out_dir)?;
    crate::say!("ranking {year} under {} (first 10):", scheme_path.display());
    super::metric::print(&out, ranking(&scheme, &evaluated.summary, None, false)?.limit(10))?;
    let csv = args.out_dir.join("ranking.csv");
    super::metric::print(&Plan::file(csv.clone(), true)?, ranking(&scheme, &evaluated.summary, None, true)?)?;
    let xlsx = args.out_dir.join("ranking.xlsx");
    super::rank::write_workbook(&Plan::file(xlsx.clone(), false)?, ranking(&scheme, &evaluated.summary, None, true)?, &evaluated.rows, true)?;
    crate::say!("wrote {} and {} (sheets 排名 and 观测点得分)", csv.display(), xlsx.display());

    // 优质均衡: who reaches it, and who misses it by a single item (the 差距清单 says which).
    let (quality_path, quality) = load_scheme("quality_balance_2017.toml")?;
    let verdicts = ops::evaluate::evaluate(&wh, &quality, &quality_path, &rules, year, false)?;
    verdicts.store(&wh, &rules)?;
    let close = verdicts
        .summary
        .lazy()
        .filter(col("grade").eq(lit("达到")).or((col("failed_points") + col("missing_points")).eq(lit(1))))
        .select([col("county_code"), col("county_name"), col("grade"), col("gap_list").alias("差距清单")]);
    crate::say!("优质均衡 {year} ({}): the counties that reach it, and those that miss it by a single item:", quality_path.display());
    super::metric::print(&out, close)?;

    // Reports people read: a sample county's, 高平市's (its 2021 self-evaluation's figures) and a province's league.
    let no_rules = super::RulesArgs { rules: None, config: None, standards: None };
    for (name, wanted) in [
        ("report-140121-2023.html", Wanted { county: Some("140121".into()), across: None, year, lang: Lang::Zh, scheme: None }),
        ("report-140581-2021.html", Wanted { county: Some("140581".into()), across: None, year: 2021, lang: Lang::Zh, scheme: None }),
        ("league-140000-2023.html", Wanted { county: None, across: Some((Across::Province, "140000".into())), year, lang: Lang::Zh, scheme: None }),
    ] {
        let path = args.out_dir.join(name);
        super::report::write(&super::report::build(&wh, &wanted, &no_rules)?, "html", Some(&path))?;
        crate::say!("wrote {}", path.display());
    }
    crate::say!("next: countyedu sql --db {} \"SELECT * FROM county_indicators WHERE county_code = '140581'\"", args.db.display());
    Ok(())
}

/// A shipped scheme of `criteria/`, loaded.
fn load_scheme(name: &str) -> Result<(PathBuf, Scheme)> {
    let path = shipped("criteria", name);
    let scheme = ops::evaluate::load_scheme(&path).map_err(|e| Error::usage(e.to_string()))?;
    Ok((path, scheme))
}
