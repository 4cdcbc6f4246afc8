//! `countyedu evaluate`: score every county against an evaluation scheme, point by point, with explanations.

use std::collections::HashSet;
use std::path::PathBuf;

use polars::prelude::*;

use super::DbArgs;
use super::metric;
use crate::balance::Config;
use crate::cmd::balance::{Need, Results, compute};
use crate::equity::{self, Grouping};
use crate::error::{Error, Result};
use crate::evaluate::{self, County, Figures, Metric, Scheme};
use crate::model;
use crate::growth::{self, PerStudentSource, Standards};
use crate::output::OutputArgs;
use crate::warehouse::{self, Access, Scope, Value, Warehouse};

/// Score every county against an evaluation scheme (a TOML file, see criteria/README.md) for one year.
///
/// Per county and observation point: the value, the threshold, met / failed / partial / missing, points earned,
/// and a one-line explanation (e.g. "初中 生均教学仪器设备值 差异系数 0.52 > 0.45"). With --summary, per county: total,
/// grade, failed points, missing points (待填报), vetoes (一票否决) and the largest gaps. The metrics a scheme needs
/// (balance, equity, urban–rural, growth checks, derived indicators) are computed from the warehouse on the way,
/// so `ingest` is all that must have run. Stored as evaluation and evaluation_summary unless --no-store.
///
/// Examples:
///   countyedu evaluate --db countyedu-demo.duckdb --scheme criteria/national.toml --year 2021
///   countyedu evaluate --scheme criteria/national.toml --year 2021 --summary -o summary.csv --bom
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub run: EvaluationArgs,
    /// Print one row per county (total, grade, failed points) instead of one per point.
    #[arg(long)]
    pub summary: bool,
    /// Only these counties in the output (repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// What an evaluation needs: the scheme, the year, the warehouse, the funding floors.
#[derive(Debug, Clone, clap::Args)]
pub struct EvaluationArgs {
    /// The evaluation scheme (TOML).
    #[arg(long, value_name = "FILE")]
    pub scheme: PathBuf,
    /// The year evaluated.
    #[arg(long)]
    pub year: i32,
    /// Provincial funding floors for the 生均公用经费 checks (CSV as config/funding_standards.csv).
    #[arg(long, value_name = "FILE")]
    pub standards: Option<PathBuf>,
    /// Evaluate every county of the warehouse, not only those of the scheme's province.
    #[arg(long)]
    pub all_counties: bool,
    /// Compute and print only: store nothing (the warehouse is only ever read while computing).
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// An evaluation's results: the scheme, one row per county and point, one summary per county.
pub struct Evaluation {
    pub scheme: Scheme,
    pub rows: DataFrame,
    pub summary: DataFrame,
}

impl EvaluationArgs {
    /// Loads the scheme, computes the figures it needs with the warehouse opened read-only, scores every county,
    /// and stores the results in one short write transaction afterwards (unless --no-store).
    pub fn evaluate(&self) -> Result<Evaluation> {
        let scheme = Scheme::load(&self.scheme).map_err(|e| Error::Usage(format!("the scheme is refused:\n{e}")))?;
        if !(scheme.years[0]..=scheme.years[1]).contains(&self.year) {
            return Err(Error::Usage(format!(
                "{} applies to {}–{}, not {}",
                self.scheme.display(),
                scheme.years[0],
                scheme.years[1],
                self.year
            )));
        }
        let standards = super::growth::load_standards(self.standards.as_ref())?;
        let (rows, summary) = {
            let wh = self.db.open(Access::ReadOnly)?;
            evaluate_in(&wh, &scheme, &self.scheme, self.year, &standards, self.all_counties)?
        };
        if !self.no_store {
            store(&self.db.open(Access::ReadWrite)?, &scheme, self.year, &rows, &summary)?;
        }
        Ok(Evaluation { scheme, rows, summary })
    }
}

/// Stores an evaluation, replacing the stored one of the same scheme (name and version) and year.
pub fn store(wh: &Warehouse, scheme: &Scheme, year: i32, rows: &DataFrame, summary: &DataFrame) -> Result<()> {
    let scope = Scope::all().text("scheme", &[scheme.name.clone()]).text("scheme_version", &[scheme.version.clone()]).int("year", &[year]);
    wh.store_results(&mut [("evaluation", rows.clone()), ("evaluation_summary", summary.clone())], &scope)
}

/// Computes the figures a scheme needs from the warehouse and scores the counties for `year`: those of the
/// scheme's province (all with `all_counties`, or for a national scheme). A year without any data is refused.
pub fn evaluate_in(
    wh: &Warehouse,
    scheme: &Scheme,
    scheme_path: &std::path::Path,
    year: i32,
    standards: &Standards,
    all_counties: bool,
) -> Result<(DataFrame, DataFrame)> {
    let with_data = wh.query_df_with(
        "SELECT DISTINCT county_code FROM schools WHERE year = ? UNION SELECT DISTINCT county_code FROM county_indicators WHERE year = ?",
        &[Value::Int(year), Value::Int(year)],
    )?;
    let with_data: HashSet<String> = strings(&with_data, "county_code")?.into_iter().collect();
    if with_data.is_empty() {
        let years = wh.query_df("SELECT min(year) AS lo, max(year) AS hi FROM (SELECT year FROM schools UNION ALL SELECT year FROM county_indicators)")?;
        let held = match (years.column("lo")?.i32()?.get(0), years.column("hi")?.i32()?.get(0)) {
            (Some(lo), Some(hi)) => format!("it holds {lo}–{hi}"),
            _ => "it holds no data yet".into(),
        };
        return Err(Error::Usage(format!("the warehouse has no school or county indicator for {year} ({held}); nothing to evaluate")));
    }
    let areas = wh.county_areas()?;
    let mut counties = counties(&areas, &with_data)?;
    if let (Some(prefix), false) = (scheme.province_prefix(), all_counties) {
        counties.retain(|c| c.code.starts_with(prefix));
        if counties.is_empty() {
            return Err(Error::Usage(format!(
                "the scheme is for province {} and the warehouse holds none of its counties (--all-counties evaluates every county)",
                scheme.province.as_deref().unwrap_or_default()
            )));
        }
    }
    let figures = figures(wh, scheme, year, standards, &areas)?;
    warn_unknown_indicators(scheme, scheme_path, year, &figures);
    let (rows, summary) = evaluate::evaluate(scheme, year, &counties, &figures)?;
    Ok((rows, summary))
}

/// Warns about points over indicators that are neither catalogued nor reported by any county this year: most
/// likely a typo, which would otherwise only show as every county "missing".
fn warn_unknown_indicators(scheme: &Scheme, path: &std::path::Path, year: i32, figures: &Figures) {
    let reported: HashSet<&str> = figures
        .values
        .keys()
        .filter_map(|(_, m)| match m {
            Metric::Indicator(id) | Metric::Reported(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    for p in &scheme.points {
        let (Metric::Indicator(id) | Metric::Reported(id)) = &p.metric else { continue };
        if model::indicator(id).is_none() && !reported.contains(id.as_str()) {
            let near = model::INDICATORS.iter().min_by_key(|i| edit_distance(i.id, id)).map(|i| i.id).unwrap_or_default();
            eprintln!(
                "warning: {}:{}: point {}: indicator {id:?} is not in the catalogue and no county reports it for {year}; \
                 every county scores it missing (did you mean {near}?)",
                path.display(),
                p.line,
                p.id
            );
        }
    }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(df.column(name)?.str()?.iter().map(|s| s.unwrap_or_default().to_string()).collect())
}

fn counties(df: &DataFrame, with_data: &HashSet<String>) -> Result<Vec<County>> {
    let cols: Vec<Vec<String>> = ["county_code", "county_name", "prefecture_code", "prefecture_name", "province_code", "province_name", "region"]
        .iter()
        .map(|c| strings(df, c))
        .collect::<Result<_>>()?;
    Ok((0..df.height())
        .map(|i| County {
            code: cols[0][i].clone(),
            name: cols[1][i].clone(),
            prefecture_code: cols[2][i].clone(),
            prefecture_name: cols[3][i].clone(),
            province_code: cols[4][i].clone(),
            province_name: cols[5][i].clone(),
            region: cols[6][i].clone(),
            has_data: with_data.contains(&cols[0][i]),
        })
        .collect())
}

/// Adds `value` of each row of `df` (keyed by county_code) under the metric `key` picks for that row.
fn add(figures: &mut Figures, df: &DataFrame, value: &str, key: impl Fn(usize) -> Option<Metric>) -> Result<()> {
    let codes = strings(df, "county_code")?;
    let values = df.column(value)?.cast(&DataType::Float64)?;
    let values = values.f64()?;
    for (i, code) in codes.into_iter().enumerate() {
        if let (Some(m), Some(v)) = (key(i), values.get(i)) {
            figures.values.insert((code, m), v);
        }
    }
    Ok(())
}

/// Computes every metric family the scheme refers to, for one year.
fn figures(wh: &Warehouse, scheme: &Scheme, year: i32, standards: &Standards, counties: &DataFrame) -> Result<Figures> {
    let uses = |f: &dyn Fn(&Metric) -> bool| scheme.points.iter().any(|p| f(&p.metric));
    let mut figures = Figures::default();
    let indicators = wh.query_df(&format!("SELECT county_code, indicator, value, note FROM county_indicators WHERE year = {year}"))?;
    let ids = strings(&indicators, "indicator")?;
    let notes = indicators.column("note")?.str()?.clone();
    add(&mut figures, &indicators, "value", |i| Some(Metric::Indicator(ids[i].clone())))?;
    add(&mut figures, &indicators, "value", |i| Some(Metric::Reported(ids[i].clone())))?;
    for (i, code) in strings(&indicators, "county_code")?.into_iter().enumerate() {
        if let Some(n) = notes.get(i) {
            figures.notes.insert((code, ids[i].clone()), n.to_string());
        }
    }
    if uses(&|m| matches!(m, Metric::Check(_))) {
        let values = wh.query_df(&format!(
            "SELECT year, county_code, indicator, value FROM county_indicators WHERE year IN ({}, {year})",
            year - 1
        ))?;
        let (series, _) = growth::derive_per_student(&values)?;
        let checks = growth::checks(&series, counties, standards, PerStudentSource::Reported)?
            .lazy()
            .filter(col("year").eq(lit(year)))
            .with_column(col("passed").cast(DataType::Float64).alias("passed"))
            .collect()?;
        let names = strings(&checks, "check")?;
        add(&mut figures, &checks, "passed", |i| Some(Metric::Check(names[i].clone())))?;
    }
    let balance_used = uses(&|m| matches!(m, Metric::BalanceMet { .. } | Metric::CompositeCv { .. } | Metric::Cv { .. } | Metric::SchoolPassRate { .. }));
    let sizes_used = uses(&|m| matches!(m, Metric::SizeRate(_)));
    let units_used = uses(&|m| matches!(m, Metric::Equity { .. } | Metric::UrbanRural { .. } | Metric::DerivedSchool { .. }));
    let cfg = Config::default();
    if balance_used || units_used || sizes_used {
        let schools = wh.read_schools(crate::balance::SCHOOL_COLUMNS, &[], &[year])?;
        if sizes_used {
            let rates = crate::balance::size_rates(schools.clone().lazy(), &cfg).collect()?;
            for rule in ["class_size", "school_size"] {
                add(&mut figures, &rates, &format!("{rule}_rate"), |_| Some(Metric::SizeRate(rule.to_string())))?;
                let unknown = rates.column(&format!("{rule}_unknown"))?.i64()?.clone();
                let what = if rule == "class_size" { "最大班额" } else { "在校生数" };
                for (i, code) in strings(&rates, "county_code")?.into_iter().enumerate() {
                    if let Some(n) = unknown.get(i).filter(|n| *n > 0) {
                        figures.notes.insert((code, format!("school_rate:{rule}")), format!("{n} 所学校未报{what}，未计入"));
                    }
                }
            }
        }
        if balance_used {
            let Results { cv, verdicts, .. } = compute(schools.clone(), &cfg, Need::All)?;
            let verdicts = verdicts.expect("computed").lazy().with_column(col("met").cast(DataType::Float64)).collect()?;
            let (std, lvl) = (strings(&verdicts, "standard")?, strings(&verdicts, "level")?);
            add(&mut figures, &verdicts, "met", |i| Some(Metric::BalanceMet { standard: std[i].clone(), level: lvl[i].clone() }))?;
            add(&mut figures, &verdicts, "composite_cv", |i| (std[i] == "basic").then(|| Metric::CompositeCv { level: lvl[i].clone() }))?;
            let rate = verdicts
                .clone()
                .lazy()
                .filter(col("standard").eq(lit("quality")).and(col("schools").gt(lit(0))))
                .with_column((col("schools_passing").cast(DataType::Float64) * lit(100.0) / col("schools").cast(DataType::Float64)).alias("rate"))
                .collect()?;
            let rl = strings(&rate, "level")?;
            add(&mut figures, &rate, "rate", |i| Some(Metric::SchoolPassRate { level: rl[i].clone() }))?;
            let (s, l, ind) = (strings(&cv, "standard")?, strings(&cv, "level")?, strings(&cv, "indicator")?);
            add(&mut figures, &cv, "cv", |i| Some(Metric::Cv { standard: s[i].clone(), level: l[i].clone(), indicator: ind[i].clone() }))?;
        }
        if units_used {
            let units = crate::balance::level_units(schools.lazy(), &cfg).collect()?;
            if uses(&|m| matches!(m, Metric::Equity { .. })) {
                let e = equity::equity_table(&units, &cfg)?;
                let (s, l, ind) = (strings(&e, "standard")?, strings(&e, "level")?, strings(&e, "indicator")?);
                for measure in evaluate::scheme::EQUITY_MEASURES {
                    add(&mut figures, &e, measure, |i| {
                        Some(Metric::Equity { measure: measure.to_string(), standard: s[i].clone(), level: l[i].clone(), indicator: ind[i].clone() })
                    })?;
                }
            }
            for d in scheme.derived.iter().filter(|d| d.school) {
                let mut frame = units.clone();
                let values = warehouse::engine::frame_expression(&mut frame, &d.sql).map_err(|e| Error::Usage(format!("derived indicator {}: {e}", d.id)))?;
                let in_scope = frame
                    .clone()
                    .lazy()
                    .select([crate::balance::scope(&d.scope, &cfg).alias("in")])
                    .collect()?
                    .column("in")?
                    .bool()?
                    .iter()
                    .map(|b| b.unwrap_or(false))
                    .collect();
                let series = vec![equity::UnitSeries { standard: d.scope.clone(), indicator: d.id.clone(), values, in_scope }];
                let e = equity::series_table(&frame, series)?;
                let l = strings(&e, "level")?;
                for measure in evaluate::scheme::EQUITY_MEASURES {
                    add(&mut figures, &e, measure, |i| {
                        Some(Metric::DerivedSchool { measure: measure.to_string(), id: d.id.clone(), level: l[i].clone() })
                    })?;
                }
            }
            if uses(&|m| matches!(m, Metric::UrbanRural { .. })) {
                let u = equity::urban_rural_table(&units, &cfg, Grouping::Three)?;
                let (s, l, ind) = (strings(&u, "standard")?, strings(&u, "level")?, strings(&u, "indicator")?);
                for column in evaluate::scheme::URBAN_RURAL_COLUMNS {
                    add(&mut figures, &u, column, |i| {
                        Some(Metric::UrbanRural { column: column.to_string(), standard: s[i].clone(), level: l[i].clone(), indicator: ind[i].clone() })
                    })?;
                }
            }
        }
    }
    if scheme.derived.iter().any(|d| !d.school) {
        let mut wide = indicator_columns(&indicators, counties)?;
        for d in scheme.derived.iter().filter(|d| !d.school) {
            let values = warehouse::engine::frame_expression(&mut wide, &d.sql).map_err(|e| Error::Usage(format!("derived indicator {}: {e}", d.id)))?;
            let df = DataFrame::new_infer_height(vec![wide.column("county_code")?.clone(), Column::new("value".into(), values)])?;
            add(&mut figures, &df, "value", |_| Some(Metric::Derived(d.id.clone())))?;
        }
    }
    Ok(figures)
}

pub fn run(args: Args) -> Result<()> {
    super::metric::check_counties(&args.county)?;
    let plan = args.out.plan()?;
    let Evaluation { rows, summary, .. } = args.run.evaluate()?;
    let mut shown = if args.summary { summary.lazy() } else { rows.lazy() };
    if !args.county.is_empty() {
        let list = Series::new("c".into(), args.county.clone());
        shown = shown.filter(col("county_code").is_in(lit(list).implode(false), false));
    }
    metric::print(&plan, shown)
}

/// The county indicators of one year side by side: `county_code`, then one column per catalogued indicator and
/// per other indicator the warehouse holds that year (NULL where a county did not report it), every county of
/// `counties` a row. The frame a scheme's county-level expressions see.
fn indicator_columns(indicators: &DataFrame, counties: &DataFrame) -> Result<DataFrame> {
    let codes = strings(counties, "county_code")?;
    let row_of: std::collections::HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let mut ids: Vec<String> = model::INDICATORS.iter().map(|i| i.id.to_string()).collect();
    for id in strings(indicators, "indicator")? {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; codes.len()]; ids.len()];
    let column_of: std::collections::HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let (county, id, value) = (indicators.column("county_code")?.str()?, indicators.column("indicator")?.str()?, indicators.column("value")?.f64()?);
    for i in 0..indicators.height() {
        if let (Some(c), Some(k)) = (county.get(i).and_then(|c| row_of.get(c)), id.get(i).and_then(|k| column_of.get(k))) {
            values[*k][*c] = value.get(i);
        }
    }
    let mut columns = vec![Column::new("county_code".into(), codes)];
    columns.extend(ids.iter().zip(values).map(|(id, v)| Column::new(id.as_str().into(), v)));
    Ok(DataFrame::new_infer_height(columns)?)
}
