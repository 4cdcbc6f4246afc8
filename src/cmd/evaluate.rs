//! `countyedu evaluate`: score every county against an evaluation scheme, point by point, with explanations.

use std::path::PathBuf;

use polars::prelude::*;

use super::DbArgs;
use super::metric;
use crate::balance::Config;
use crate::cmd::balance::{Need, Results, compute};
use crate::equity::{self, Grouping};
use crate::error::{Error, Result};
use crate::evaluate::{self, County, Figures, Metric, Scheme};
use crate::growth::{self, PerStudentSource, Standards};
use crate::output::OutputArgs;
use crate::warehouse::{Access, Warehouse};

/// Score every county against an evaluation scheme (a TOML file, see criteria/README.md) for one year.
///
/// Per county and observation point: the value, the threshold, met / failed / partial / missing, points earned,
/// and a one-line explanation (e.g. "初中 生均教学仪器设备值 差异系数 0.52 > 0.45"). With --summary, per county: total,
/// grade, failed points, missing points (待填报), vetoes (一票否决) and the largest gaps. The metrics a scheme needs
/// (balance, equity, urban–rural, growth checks, derived indicators) are computed from the warehouse on the way,
/// so `ingest` is all that must have run. Stored as evaluation and evaluation_summary unless --no-store.
///
/// Examples:
///   countyedu evaluate --db countyedu-demo.duckdb --scheme criteria/national.toml --year 2021 --county 140121
///   countyedu evaluate --scheme criteria/national.toml --year 2021 --summary --output summary.csv --bom
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
    /// Compute and print only: open the warehouse read-only and store nothing.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

impl EvaluationArgs {
    /// Loads the scheme, computes the figures it needs and scores every county: (point rows, summaries).
    pub fn evaluate(&self) -> Result<(Scheme, DataFrame, DataFrame, Warehouse)> {
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
        let wh = self.db.open(if self.no_store { Access::ReadOnly } else { Access::ReadWrite })?;
        let (rows, summary) = evaluate_in(&wh, &scheme, self.year, &standards, !self.no_store)?;
        Ok((scheme, rows, summary, wh))
    }
}

/// Computes the figures a scheme needs from the warehouse, scores every county for `year`, and stores the
/// results when asked: (point rows, summaries).
pub fn evaluate_in(wh: &Warehouse, scheme: &Scheme, year: i32, standards: &Standards, store: bool) -> Result<(DataFrame, DataFrame)> {
    let areas = wh.county_areas()?;
    let figures = figures(wh, scheme, year, standards, &areas)?;
    let counties = counties(&areas)?;
    let (rows, summary) = evaluate::evaluate(scheme, year, &counties, &figures)?;
    if store {
        wh.store_results(&mut [("evaluation", rows.clone()), ("evaluation_summary", summary.clone())], Some(&["year"]))?;
    }
    Ok((rows, summary))
}

fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(df.column(name)?.str()?.iter().map(|s| s.unwrap_or_default().to_string()).collect())
}

fn counties(df: &DataFrame) -> Result<Vec<County>> {
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
                let values = Warehouse::unit_values(&mut frame, &d.sql).map_err(|e| Error::Usage(format!("derived indicator {}: {e}", d.id)))?;
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
    let known = strings(&wh.query_df("SELECT DISTINCT indicator FROM county_indicators ORDER BY 1")?, "indicator")?;
    for d in scheme.derived.iter().filter(|d| !d.school) {
        let df = wh
            .derived_county_values(year, &d.sql, &known)
            .map_err(|e| Error::Usage(format!("derived indicator {}: {e}", d.id)))?;
        add(&mut figures, &df, "value", |_| Some(Metric::Derived(d.id.clone())))?;
    }
    Ok(figures)
}

pub fn run(args: Args) -> Result<()> {
    let (_, rows, summary, _) = args.run.evaluate()?;
    let mut shown = if args.summary { summary.lazy() } else { rows.lazy() };
    if !args.county.is_empty() {
        let list = Series::new("c".into(), args.county.clone());
        shown = shown.filter(col("county_code").is_in(lit(list).implode(false), false));
    }
    metric::print(&args.out, shown)
}
