//! `countyedu growth`: year-on-year change, compound growth, ranks, and the funding rule checks.

use std::collections::HashMap;
use std::path::PathBuf;

use polars::prelude::*;

use super::{DbArgs, RulesArgs};
use super::metric;
use crate::balance::{self, Config};
use crate::ops::balance::{Need, Results, compute};
use crate::error::{Error, Result};
use crate::growth::{self, Recoding};
use crate::model;
use crate::output::OutputArgs;
use crate::warehouse::{Access, Scope, Warehouse};

/// Growth of county series: year-on-year change, compound annual growth, ranks, and the funding rules.
///
/// Series: every county indicator as reported; edu_expenditure_per_student_computed = edu_budget_expenditure /
/// edu_budget_students (a series of its own: the reported edu_expenditure_per_student is never filled with it;
/// where both exist a note flags a disagreement beyond 0.5%); the balance CVs (basic_composite_cv_{level} and
/// cv_{standard}_{level}_{indicator}: is the gap between schools shrinking?) unless --no-cv.
///
/// Rows: value, previous_value, change, pct_change (percent), rank_in_prefecture and rank_in_province of
/// pct_change (1 = largest increase; ties share the lower rank: 1, 2, 2, 4). A year missing from a series breaks
/// the chain: no change is computed across the gap and the note says so; a county that stops reporting before
/// the last year is named on stderr and in the note of its last rows (counties re-coded after merging: --crosswalk FILE with columns old_code,new_code,year
/// moves the old code's values onto the new one before that year; merged counties' money and head counts add up,
/// their rates are left out).
///
/// --window: compound annual growth from --from to --to (default: first and last year of the data), ranked.
/// --checks: 两个只增不减 (budget spending and per-student spending not below the year before, with growth
/// rates; per-student spending on one basis in every year, per_student_basis of the rules: reported or
/// computed, named in the basis column), 生均公用经费 standards against the floor for the county's region and year
/// (the floors of the rules: national ones, a province's added with --rules DIR), county matching funds paid ≥
/// required, teachers' average pay ≥ civil servants'. A check without data has passed empty.
///
/// Stored as growth, growth_checks (and growth_window with --window) unless --no-store.
///
/// Examples:
///   countyedu growth --db countyedu-demo.duckdb --county 140581 --indicator edu_budget_expenditure
///   countyedu growth --checks --county 140581 --year 2021 --rules config/provinces/140000
///   countyedu growth --window --from 2019 --to 2023 --indicator edu_expenditure_per_student
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only these series (repeat the flag for several) [default: all].
    #[arg(long, value_name = "ID")]
    pub indicator: Vec<String>,
    /// Only these counties (repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    /// Only this year in the output (repeat the flag for several).
    #[arg(long, value_name = "YEAR")]
    pub year: Vec<i32>,
    /// First year of the window (and of the output).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last year of the window (and of the output).
    #[arg(long, value_name = "YEAR")]
    pub to: Option<i32>,
    /// Print compound annual growth over the window instead of year-on-year rows.
    #[arg(long, conflicts_with = "checks")]
    pub window: bool,
    /// Print the funding rule checks instead of year-on-year rows.
    #[arg(long)]
    pub checks: bool,
    /// County code changes (CSV: old_code,new_code,year).
    #[arg(long, value_name = "FILE")]
    pub crosswalk: Option<PathBuf>,
    /// Replaced by per_student_basis in the rules' funding.toml.
    #[arg(long, hide = true, value_name = "BASIS")]
    pub per_student: Option<String>,
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Leave out the balance CV series (faster when only money matters).
    #[arg(long)]
    pub no_cv: bool,
    /// Compute and print only: open the warehouse read-only and store nothing.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

fn read_file(path: &PathBuf) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}

/// Reads a crosswalk file and checks it against the counties of the warehouse; every problem is listed with
/// its line.
fn read_crosswalk(path: &PathBuf, wh: &Warehouse) -> Result<Vec<Recoding>> {
    #[derive(serde::Deserialize)]
    struct Row {
        old_code: String,
        new_code: String,
        year: i32,
    }
    let text = read_file(path)?;
    let mut out = Vec::new();
    for (i, row) in csv::Reader::from_reader(text.as_bytes()).deserialize::<Row>().enumerate() {
        let row = row.map_err(|e| Error::Usage(format!("{}:{}: {e} (expected old_code,new_code,year)", path.display(), i + 2)))?;
        out.push(Recoding { old_code: row.old_code.trim().into(), new_code: row.new_code.trim().into(), year: row.year });
    }
    let counties: std::collections::HashSet<String> =
        wh.county_areas()?.column("county_code")?.str()?.iter().flatten().map(String::from).collect();
    let problems = growth::check_crosswalk(&out, &counties);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|(i, m)| format!("{}:{}: {m}", path.display(), i + 2)).collect();
        return Err(Error::Usage(format!("the crosswalk is refused:\n{}", lines.join("\n"))));
    }
    Ok(out)
}

/// The balance CVs as series: basic composite per level, and every indicator CV.
fn cv_series(wh: &Warehouse, cfg: &Config) -> Result<DataFrame> {
    let Results { cv, verdicts, .. } = compute(wh.read_schools(balance::SCHOOL_COLUMNS, &[], &[])?, cfg, Need::All)?;
    let composite = verdicts
        .expect("computed")
        .lazy()
        .filter(col("standard").eq(lit("basic")).and(col("composite_cv").is_not_null()))
        .select([
            col("year"),
            col("county_code"),
            format_str("basic_composite_cv_{}", &[col("level")])?.alias("indicator"),
            col("composite_cv").alias("value"),
        ]);
    let each = cv.lazy().filter(col("cv").is_not_null()).select([
        col("year"),
        col("county_code"),
        format_str("cv_{}_{}_{}", &[col("standard"), col("level"), col("indicator")])?.alias("indicator"),
        col("cv").alias("value"),
    ]);
    Ok(concat([composite, each], UnionArgs::default())?.collect()?)
}

pub fn run(args: Args) -> Result<()> {
    if let (Some(f), Some(t)) = (args.from, args.to)
        && f >= t
    {
        return Err(Error::Usage(format!("--from {f} must be before --to {t}")));
    }
    super::metric::check_counties(&args.county)?;
    if let Some(b) = &args.per_student {
        return Err(Error::Usage(format!(
            "--per-student {b} is a rule now: set per_student_basis in funding.toml of a rules folder and pass --rules DIR \
             (see config/README.md)"
        )));
    }
    let rules = args.rules.load()?;
    let plan = args.out.plan()?;
    let wh = args.db.open(if args.no_store { Access::ReadOnly } else { Access::ReadWrite })?;
    let indicators = wh.query_df("SELECT year, county_code, indicator, value FROM county_indicators")?;
    let mut values = indicators.clone();
    if !args.no_cv {
        values = concat([values.lazy(), cv_series(&wh, &rules.balance)?.lazy()], UnionArgs::default())?.collect()?;
    }
    let counties = wh.county_areas()?;
    let units: HashMap<String, String> = model::INDICATORS.iter().map(|i| (i.id.to_string(), i.unit.to_string())).collect();
    let recodings = match &args.crosswalk {
        Some(p) => read_crosswalk(p, &wh)?,
        None => Vec::new(),
    };
    let (values, notes) = growth::apply_crosswalk(values, &recodings, &units)?;
    for n in notes {
        eprintln!("note: {n}");
    }
    let (series, both) = growth::derive_per_student(&values)?;
    let yoy = growth::year_on_year(&series, &counties, &both)?.collect()?;
    let (reported, _) = growth::apply_crosswalk(indicators, &recodings, &units)?;
    let checks = growth::checks(&reported, &counties, &rules.standards, rules.funding.per_student_basis)?;
    let stopped = yoy
        .clone()
        .lazy()
        .filter(col("note").str().starts_with(lit("the county reports nothing after")))
        .select([col("county_code").unique().sort(Default::default())])
        .collect()?;
    if stopped.height() > 0 {
        let codes: Vec<String> = stopped.column("county_code")?.str()?.iter().flatten().take(10).map(String::from).collect();
        eprintln!(
            "warning: {} county code(s) stop reporting before the last year: {}{} (re-coded? pass --crosswalk FILE)",
            stopped.height(),
            codes.join(", "),
            if stopped.height() > 10 { ", …" } else { "" }
        );
    }
    let years = (
        args.from.unwrap_or_else(|| series.column("year").ok().and_then(|c| c.i32().ok()?.min()).unwrap_or(0)),
        args.to.unwrap_or_else(|| series.column("year").ok().and_then(|c| c.i32().ok()?.max()).unwrap_or(0)),
    );
    let window = if args.window { Some(growth::window(&series, &counties, years.0, years.1)?.collect()?) } else { None };
    if !args.no_store {
        wh.store_results(&mut [("growth", rules.stamp(yoy.clone())?), ("growth_checks", rules.stamp(checks.clone())?)], &Scope::all())?;
        if let Some(w) = &window {
            let scope = Scope::all().int("from_year", &[years.0]).int("to_year", &[years.1]);
            wh.store_results(&mut [("growth_window", rules.stamp(w.clone())?)], &scope)?;
        }
    }
    metric::unmatched(&series, "county_code", "--county", &args.county)?;
    metric::unmatched(&series, "year", "--year", &args.year.iter().map(i32::to_string).collect::<Vec<_>>())?;
    if !args.checks {
        metric::unmatched(&series, "indicator", "--indicator", &args.indicator)?;
    }

    let mut shown = match (window, args.checks) {
        (Some(w), _) => w.lazy(),
        (None, true) => checks.lazy(),
        (None, false) => yoy.lazy(),
    };
    if !args.county.is_empty() {
        let list = Series::new("c".into(), args.county.clone());
        shown = shown.filter(col("county_code").is_in(lit(list).implode(false), false));
    }
    if !args.indicator.is_empty() && !args.checks {
        let list = Series::new("i".into(), args.indicator.clone());
        shown = shown.filter(col("indicator").is_in(lit(list).implode(false), false));
    }
    if !args.window {
        if !args.year.is_empty() {
            let list = Series::new("y".into(), args.year.clone());
            shown = shown.filter(col("year").is_in(lit(list).implode(false), false));
        }
        if let Some(f) = args.from {
            shown = shown.filter(col("year").gt_eq(lit(f)));
        }
        if let Some(t) = args.to {
            shown = shown.filter(col("year").lt_eq(lit(t)));
        }
    }
    metric::print(&plan, shown)
}
