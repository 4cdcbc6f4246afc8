//! Evaluating counties against a scheme: the figures every point needs, computed from the warehouse (read-only)
//! under one set of rules, scored by the pure [`crate::evaluate`], and stored keyed by scheme.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use polars::prelude::*;

use crate::balance::{self, QUALITY_INDICATORS};
use crate::equity::{self, Grouping};
use crate::error::{Error, Result};
use crate::evaluate::{self, County, Figures, Metric, Scheme, SchemeError, distance, indicator_zh, level_zh, near, num};
use crate::growth;
use crate::lang::Lang;
use crate::model;
use crate::ops::balance::{Need, Results, compute, school_checks};
use crate::ops::strings;
use crate::rules::Rules;
use crate::warehouse::{self, Scope, Value, Warehouse};

/// Reads and checks a scheme file (the scheme module itself reads no file); the error lists every problem with its
/// line.
pub fn load_scheme(path: &Path) -> Result<Scheme, SchemeError> {
    let text = std::fs::read_to_string(path).map_err(|e| SchemeError::Unreadable { path: path.to_path_buf(), error: e })?;
    Scheme::parse(&text).map_err(|problems| SchemeError::Refused { path: path.to_path_buf(), problems })
}

/// An evaluation's results: one row per county and point, one summary per county, and warnings for the user.
pub struct Evaluated {
    pub rows: DataFrame,
    pub summary: DataFrame,
    pub warnings: Vec<String>,
    /// The stored evaluation it replaces: the same scheme (name and version) and year.
    scope: Scope,
}

impl super::Computed for Evaluated {
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>> {
        Ok(vec![("evaluation", self.rows.clone(), self.scope.clone()), ("evaluation_summary", self.summary.clone(), self.scope.clone())])
    }
}

/// Computes the figures a scheme needs from the warehouse and scores the counties for `year`: those of the
/// scheme's province (all with `all_counties`, or for a national scheme). A year without any data is refused.
/// Explanations and gap lists in Chinese, as stored.
pub fn evaluate(wh: &Warehouse, scheme: &Scheme, scheme_path: &Path, rules: &Rules, year: i32, all_counties: bool) -> Result<Evaluated> {
    evaluate_in(wh, scheme, scheme_path, rules, (year, all_counties), None, Lang::Zh)
}

/// [`evaluate`], its explanations, gap lists and data-check notes worded in `lang`, for the county `only` alone
/// when given (an English report's words for its county; its figures are its own, so the same as in the whole).
pub fn evaluate_in(wh: &Warehouse, scheme: &Scheme, scheme_path: &Path, rules: &Rules, (year, all_counties): (i32, bool), only: Option<&str>, lang: Lang) -> Result<Evaluated> {
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
        return Err(Error::usage(format!("the warehouse has no school or county indicator for {year} ({held}); nothing to evaluate")));
    }
    // One year's schools, read once, and their level units computed once for every figure that needs them (the
    // county's alone for `only`, when it has schools that year).
    let selected = match only {
        Some(code) => {
            let n = wh.query_df_with("SELECT count(*) AS n FROM schools WHERE year = ? AND county_code = ?", &[Value::Int(year), Value::Text(code.to_string())])?;
            if super::f64s(&n, "n")?[0].unwrap_or(0.0) > 0.0 { vec![code.to_string()] } else { Vec::new() }
        }
        None => Vec::new(),
    };
    let inputs = super::Inputs::new(wh, rules, super::Selection { counties: selected, years: vec![year] });
    let areas = inputs.areas()?;
    let mut counties = counties(areas, &with_data)?;
    if let Some(code) = only {
        counties.retain(|c| c.code == code);
    }
    if let (Some(prefix), false) = (scheme.province_prefix(), all_counties) {
        counties.retain(|c| c.code.starts_with(prefix));
        if counties.is_empty() {
            return Err(Error::usage(format!(
                "the scheme is for province {} and the warehouse holds none of its counties (--all-counties evaluates every county)",
                scheme.province.as_deref().unwrap_or_default()
            )));
        }
    }
    let figures = figures(&inputs, scheme, year, lang)?;
    let warnings = unknown_indicators(scheme, scheme_path, year, &figures);
    let (rows, summary) = evaluate::evaluate(scheme, year, &counties, &figures, &rules.balance)?;
    // A point whose verdict rests on values the data audit suspects says so (数据待核实).
    let audited = super::audit::audit_in(&inputs, lang)?;
    let (rows, summary) = data_checks(rows, summary, scheme, &audited.verdicts)?;
    let scope = Scope::all().text("scheme", &[scheme.name.clone()]).text("scheme_version", &[scheme.version.clone()]).int("year", &[year]);
    Ok(Evaluated { rows, summary, warnings, scope })
}

/// The county verdicts a point's figure rests on: (level, standard) of the balance metrics.
fn rests_on(metric: &Metric) -> Vec<(&str, &str)> {
    match metric {
        Metric::BalanceMet { standard, level } | Metric::Cv { standard, level, .. } => vec![(level.as_str(), standard.as_str())],
        Metric::Equity { standard, level, .. } | Metric::UrbanRural { standard, level, .. } => vec![(level.as_str(), standard.as_str())],
        Metric::CompositeCv { level } => vec![(level.as_str(), "basic")],
        Metric::SchoolPassRate { level } | Metric::QualityCvs { level } | Metric::SchoolsFailing { level } => vec![(level.as_str(), "quality")],
        Metric::DerivedSchool { level, .. } => vec![(level.as_str(), "basic"), (level.as_str(), "quality")],
        _ => Vec::new(),
    }
}

/// Marks every point whose figure rests on a county verdict the audit found sensitive (`audit_verdicts`): its
/// `data_check` says 数据待核实 and why; the summary counts such points (`data_check_points`).
fn data_checks(mut rows: DataFrame, mut summary: DataFrame, scheme: &Scheme, verdicts: &DataFrame) -> Result<(DataFrame, DataFrame)> {
    let mut sensitive: HashMap<(String, String, String), String> = HashMap::new();
    let (c, l, st, msg) = (strings(verdicts, "county_code")?, strings(verdicts, "level")?, strings(verdicts, "standard")?, strings(verdicts, "message")?);
    let flag = verdicts.column("sensitive")?.bool()?;
    for i in 0..verdicts.height() {
        if flag.get(i) == Some(true) {
            sensitive.insert((c[i].clone(), l[i].clone(), st[i].clone()), msg[i].clone());
        }
    }
    let metric_of: HashMap<&str, &Metric> = scheme.points.iter().map(|p| (p.id.as_str(), &p.metric)).collect();
    let (counties, points) = (strings(&rows, "county_code")?, strings(&rows, "point_id")?);
    let mut per_county: HashMap<String, i64> = HashMap::new();
    let checks: Vec<Option<String>> = (0..rows.height())
        .map(|i| {
            let metric = metric_of.get(points[i].as_str())?;
            let found = rests_on(metric).into_iter().find_map(|(level, standard)| sensitive.get(&(counties[i].clone(), level.to_string(), standard.to_string())))?;
            *per_county.entry(counties[i].clone()).or_default() += 1;
            Some(found.clone())
        })
        .collect();
    rows.with_column(Column::new("data_check".into(), checks))?;
    let codes = strings(&summary, "county_code")?;
    let counts: Vec<i64> = codes.iter().map(|c| per_county.get(c).copied().unwrap_or(0)).collect();
    summary.with_column(Column::new("data_check_points".into(), counts))?;
    Ok((rows, summary))
}

/// Points over indicators that are neither catalogued nor reported by any county this year: most likely a typo,
/// which would otherwise only show as every county "missing".
fn unknown_indicators(scheme: &Scheme, path: &Path, year: i32, figures: &Figures) -> Vec<String> {
    let reported: HashSet<&str> = figures
        .values
        .keys()
        .filter_map(|(_, m)| match m {
            Metric::Indicator(id) | Metric::Reported(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for p in &scheme.points {
        let (Metric::Indicator(id) | Metric::Reported(id)) = &p.metric else { continue };
        if model::indicator(id).is_none() && !reported.contains(id.as_str()) {
            let near = model::INDICATORS.iter().min_by_key(|i| edit_distance(i.id, id)).map(|i| i.id).unwrap_or_default();
            out.push(format!(
                "{}:{}: point {}: indicator {id:?} is not in the catalogue and no county reports it for {year}; every county \
                 scores it missing (did you mean {near}?)",
                path.display(),
                p.line,
                p.id
            ));
        }
    }
    out
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
fn figures(inputs: &super::Inputs, scheme: &Scheme, year: i32, lang: Lang) -> Result<Figures> {
    let (wh, rules, areas) = (inputs.wh, inputs.rules, inputs.areas()?);
    let uses = |f: &dyn Fn(&Metric) -> bool| scheme.points.iter().any(|p| f(&p.metric));
    let mut figures = Figures { lang, ..Figures::default() };
    let indicators = wh.query_df_with("SELECT county_code, indicator, value, note FROM county_indicators WHERE year = ?", &[Value::Int(year)])?;
    reported_indicators(&mut figures, &indicators)?;
    if uses(&|m| matches!(m, Metric::Check(_))) {
        funding_checks(&mut figures, wh, year, rules, areas)?;
    }
    let balance_used = uses(&|m| {
        matches!(
            m,
            Metric::BalanceMet { .. }
                | Metric::CompositeCv { .. }
                | Metric::Cv { .. }
                | Metric::SchoolPassRate { .. }
                | Metric::QualityCvs { .. }
                | Metric::SchoolsFailing { .. }
        )
    });
    let sizes_used = uses(&|m| matches!(m, Metric::SizeRate(_)));
    let units_used = uses(&|m| matches!(m, Metric::Equity { .. } | Metric::UrbanRural { .. } | Metric::DerivedSchool { .. }));
    if balance_used || units_used || sizes_used {
        if sizes_used {
            school_rates(&mut figures, inputs.schools()?, rules, areas)?;
        }
        if balance_used {
            balance_figures(&mut figures, inputs, rules)?;
        }
        if units_used {
            unit_figures(&mut figures, scheme, inputs.units()?)?;
        }
    }
    if scheme.reported_cvs {
        reported_cvs(&mut figures, &indicators, rules)?;
    }
    if scheme.derived.iter().any(|d| !d.school) {
        let mut wide = indicator_columns(&indicators, areas, year)?;
        for d in scheme.derived.iter().filter(|d| !d.school) {
            let values = warehouse::engine::frame_expression(&mut wide, &d.sql).map_err(|e| Error::usage(format!("derived indicator {}: {e}", d.id)))?;
            let df = DataFrame::new_infer_height(vec![wide.column("county_code")?.clone(), Column::new("value".into(), values)])?;
            add(&mut figures, &df, "value", |_| Some(Metric::Derived(d.id.clone())))?;
        }
    }
    Ok(figures)
}

/// County indicators as reported, with the words a county reported with each (evidence of verdicts).
fn reported_indicators(figures: &mut Figures, indicators: &DataFrame) -> Result<()> {
    let ids = strings(indicators, "indicator")?;
    let notes = indicators.column("note")?.str()?.clone();
    add(figures, indicators, "value", |i| Some(Metric::Indicator(ids[i].clone())))?;
    add(figures, indicators, "value", |i| Some(Metric::Reported(ids[i].clone())))?;
    for (i, code) in strings(indicators, "county_code")?.into_iter().enumerate() {
        if let Some(n) = notes.get(i) {
            figures.notes.insert((code, ids[i].clone()), n.to_string());
        }
    }
    Ok(())
}

/// The funding rule checks of the year (they compare with the year before), on the rules' basis and floors.
fn funding_checks(figures: &mut Figures, wh: &Warehouse, year: i32, rules: &Rules, areas: &DataFrame) -> Result<()> {
    let values = wh.query_df_with(
        "SELECT year, county_code, indicator, value FROM county_indicators WHERE year IN (?, ?)",
        &[Value::Int(year - 1), Value::Int(year)],
    )?;
    let checks = growth::checks(&values, areas, &rules.standards, rules.funding.per_student_basis)?
        .lazy()
        .filter(col("year").eq(lit(year)))
        .with_column(col("passed").cast(DataType::Float64).alias("passed"))
        .collect()?;
    let names = strings(&checks, "check")?;
    add(figures, &checks, "passed", |i| Some(Metric::Check(names[i].clone())))
}

/// The rates of the school checks of 政府保障程度, with notes for the schools that could not be judged.
fn school_rates(figures: &mut Figures, schools: &DataFrame, rules: &Rules, areas: &DataFrame) -> Result<()> {
    let rates = balance::checks::check_rates(school_checks(schools, rules, areas)?.lazy()).collect()?;
    let codes = strings(&rates, "county_code")?;
    let wide_judged = rates.column("class_size_school_wide")?.i64()?.clone();
    for (rule, _) in balance::checks::CHECKS {
        let metric = Metric::SizeRate(rule.to_string());
        add(figures, &rates, &format!("{rule}_rate"), |_| Some(metric.clone()))?;
        let unknown = rates.column(&format!("{rule}_unknown"))?.i64()?.clone();
        let lang = figures.lang;
        let what = match rule {
            "class_size" => lang.t("最大班额", "their largest class"),
            "school_size" => lang.t("在校生数", "their pupils"),
            "music_art_rooms" => lang.t("班数或音乐美术专用教室数", "their classes or music and art rooms"),
            _ => lang.t("公用经费实际拨付额", "the public funds they received"),
        };
        for (i, code) in codes.iter().enumerate() {
            let mut parts = Vec::new();
            if let Some(n) = unknown.get(i).filter(|n| *n > 0) {
                parts.push(match lang {
                    Lang::Zh => format!("{n} 所学校未报{what}，未计入"),
                    Lang::En => format!("{n} schools do not report {what}: left out"),
                });
            }
            if rule == "class_size"
                && let Some(n) = wide_judged.get(i).filter(|n| *n > 0)
            {
                parts.push(match lang {
                    Lang::Zh => format!("{n} 所一贯制学校只报全校最大班额，按小学 45 人判定"),
                    Lang::En => format!("{n} combined schools report only the whole school's largest class, judged by the primary limit of 45"),
                });
            }
            if !parts.is_empty() {
                figures.metric_notes.insert((code.clone(), metric.clone()), parts.join(lang.t("；", "; ")));
            }
        }
    }
    Ok(())
}

/// Balance verdicts, CVs, school pass rates, and for a recognition the largest quality CV of each level (with
/// the CVs over their limits) and the schools failing the school rule (with what they lack).
fn balance_figures(figures: &mut Figures, inputs: &super::Inputs, rules: &Rules) -> Result<()> {
    let Results { cv, schools: school_rows, verdicts } = compute(inputs, Need::All)?;
    let verdicts = verdicts.expect("computed").lazy().with_column(col("met").cast(DataType::Float64)).collect()?;
    let (std, lvl) = (strings(&verdicts, "standard")?, strings(&verdicts, "level")?);
    add(figures, &verdicts, "met", |i| Some(Metric::BalanceMet { standard: std[i].clone(), level: lvl[i].clone() }))?;
    add(figures, &verdicts, "composite_cv", |i| (std[i] == "basic").then(|| Metric::CompositeCv { level: lvl[i].clone() }))?;
    let rate = verdicts
        .clone()
        .lazy()
        .filter(col("standard").eq(lit("quality")).and(col("schools").gt(lit(0))))
        .with_column((col("schools_passing").cast(DataType::Float64) * lit(100.0) / col("schools").cast(DataType::Float64)).alias("rate"))
        .collect()?;
    let rl = strings(&rate, "level")?;
    add(figures, &rate, "rate", |i| Some(Metric::SchoolPassRate { level: rl[i].clone() }))?;
    let (s, l, ind) = (strings(&cv, "standard")?, strings(&cv, "level")?, strings(&cv, "indicator")?);
    add(figures, &cv, "cv", |i| Some(Metric::Cv { standard: s[i].clone(), level: l[i].clone(), indicator: ind[i].clone() }))?;
    quality_cvs(figures, &cv, rules)?;
    failing_schools(figures, &school_rows.expect("computed"))
}

/// The largest of the 7 quality CVs of each county-level (when all 7 have one), with the CVs over their limits.
fn quality_cvs(figures: &mut Figures, cv: &DataFrame, rules: &Rules) -> Result<()> {
    let q = cv.clone().lazy().filter(col("standard").eq(lit("quality"))).collect()?;
    let (codes, levels, ids) = (strings(&q, "county_code")?, strings(&q, "level")?, strings(&q, "indicator")?);
    let values: Vec<Option<f64>> = q.column("cv")?.f64()?.iter().collect();
    let mut by: HashMap<(String, String), Vec<(String, Option<f64>)>> = HashMap::new();
    for i in 0..q.height() {
        by.entry((codes[i].clone(), levels[i].clone())).or_default().push((ids[i].clone(), values[i]));
    }
    let lang = figures.lang;
    for ((code, level), cvs) in by {
        let metric = Metric::QualityCvs { level: level.clone() };
        if cvs.len() < QUALITY_INDICATORS.len() || cvs.iter().any(|c| c.1.is_none()) {
            continue; // an indicator without a CV cannot be judged: the point stays 待填报
        }
        let limit = metric.rule_limit(&rules.balance).expect("a quality CV has a limit").1;
        let largest = cvs.iter().filter_map(|c| c.1).fold(f64::MIN, f64::max);
        figures.values.insert((code.clone(), metric.clone()), largest);
        let over: Vec<String> = QUALITY_INDICATORS
            .iter()
            .filter_map(|id| cvs.iter().find(|c| c.0 == *id))
            .filter_map(|(id, v)| {
                v.filter(|v| *v > limit).map(|v| match lang {
                    Lang::Zh => format!("{} 差异系数 {}，超出 {} 限值 {}", indicator_zh(id), near(v, limit), num(limit), distance(v - limit)),
                    Lang::En => format!("the CV of {id} {}, over the limit {} by {}", near(v, limit), num(limit), distance(v - limit)),
                })
            })
            .collect();
        if !over.is_empty() {
            figures.details.insert((code, metric), format!("{} {}", lang.word(level_zh(&level)), over.join(lang.t("；", "; "))));
        }
    }
    Ok(())
}

/// The number of school units of each county-level failing the school rule, with what each lacks.
fn failing_schools(figures: &mut Figures, school_rows: &DataFrame) -> Result<()> {
    let lang = figures.lang;
    let (codes, levels, names) = (strings(school_rows, "county_code")?, strings(school_rows, "level")?, strings(school_rows, "school_name")?);
    let pass: Vec<bool> = school_rows.column("school_pass")?.bool()?.iter().map(|b| b.unwrap_or(false)).collect();
    let mut lacks: HashMap<&str, Vec<Option<f64>>> = HashMap::new();
    let mut met: HashMap<&str, Vec<bool>> = HashMap::new();
    for id in QUALITY_INDICATORS {
        lacks.insert(id, school_rows.column(&format!("{id}_shortfall"))?.cast(&DataType::Float64)?.f64()?.iter().collect());
        met.insert(id, school_rows.column(&format!("{id}_met"))?.bool()?.iter().map(|b| b.unwrap_or(false)).collect());
    }
    let mut by: HashMap<(String, String), Vec<String>> = HashMap::new();
    for i in 0..school_rows.height() {
        let list = by.entry((codes[i].clone(), levels[i].clone())).or_default();
        if pass[i] {
            continue;
        }
        let missing: Vec<String> = QUALITY_INDICATORS
            .iter()
            .filter(|id| !met[*id][i])
            .map(|id| match (lacks[*id][i], lang) {
                (Some(s), _) => balance::shortfall_words(id, &num(s), lang),
                (None, Lang::Zh) => format!("{}未报", indicator_zh(id)),
                (None, Lang::En) => format!("{id} not reported"),
            })
            .collect();
        list.push(format!("{}{}", names[i], lang.aside(&missing.join(lang.list()))));
    }
    for ((code, level), failing) in by {
        let metric = Metric::SchoolsFailing { level: level.clone() };
        figures.values.insert((code.clone(), metric.clone()), failing.len() as f64);
        if !failing.is_empty() {
            let shown: Vec<&String> = failing.iter().take(10).collect();
            let shown = shown.iter().map(|s| s.as_str()).collect::<Vec<_>>();
            let text = match lang {
                Lang::Zh => {
                    let more = if failing.len() > 10 { format!(" 等 {} 所", failing.len()) } else { String::new() };
                    format!("{} {} 所学校未达到 7 项标准：{}{more}", level_zh(&level), failing.len(), shown.join("，"))
                }
                Lang::En => {
                    let more = if failing.len() > 10 { format!(" and {} more", failing.len() - 10) } else { String::new() };
                    format!("{} {} schools fail the 7 standards: {}{more}", lang.word(level_zh(&level)), failing.len(), shown.join("; "))
                }
            };
            figures.details.insert((code, metric), text);
        }
    }
    Ok(())
}

/// Equity, urban–rural and school-level derived indicators over the level units.
fn unit_figures(figures: &mut Figures, scheme: &Scheme, units: &DataFrame) -> Result<()> {
    let uses = |f: &dyn Fn(&Metric) -> bool| scheme.points.iter().any(|p| f(&p.metric));
    if uses(&|m| matches!(m, Metric::Equity { .. })) {
        let e = equity::equity_table(units)?;
        let (s, l, ind) = (strings(&e, "standard")?, strings(&e, "level")?, strings(&e, "indicator")?);
        for measure in evaluate::scheme::EQUITY_MEASURES {
            add(figures, &e, measure, |i| {
                Some(Metric::Equity { measure: measure.to_string(), standard: s[i].clone(), level: l[i].clone(), indicator: ind[i].clone() })
            })?;
        }
    }
    for d in scheme.derived.iter().filter(|d| d.school) {
        let mut frame = units.clone();
        let values = warehouse::engine::frame_expression(&mut frame, &d.sql).map_err(|e| Error::usage(format!("derived indicator {}: {e}", d.id)))?;
        let in_scope = frame
            .clone()
            .lazy()
            .select([balance::scope(&d.scope).alias("in")])
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
            add(figures, &e, measure, |i| Some(Metric::DerivedSchool { measure: measure.to_string(), id: d.id.clone(), level: l[i].clone() }))?;
        }
    }
    if uses(&|m| matches!(m, Metric::UrbanRural { .. })) {
        let u = equity::urban_rural_table(units, Grouping::Three)?;
        let (s, l, ind) = (strings(&u, "standard")?, strings(&u, "level")?, strings(&u, "indicator")?);
        for column in evaluate::scheme::URBAN_RURAL_COLUMNS {
            add(figures, &u, column, |i| {
                Some(Metric::UrbanRural { column: column.to_string(), standard: s[i].clone(), level: l[i].clone(), indicator: ind[i].clone() })
            })?;
        }
    }
    Ok(())
}

/// For counties without school data: the CVs they reported stand in for the computed ones (marked 县报), never
/// mixed with them: a county with schools is always judged on its schools.
fn reported_cvs(figures: &mut Figures, indicators: &DataFrame, rules: &Rules) -> Result<()> {
    let computed: HashSet<String> = figures
        .values
        .keys()
        .filter(|(_, m)| matches!(m, Metric::Cv { .. } | Metric::CompositeCv { .. } | Metric::BalanceMet { .. }))
        .map(|(c, _)| c.clone())
        .collect();
    let (codes, ids) = (strings(indicators, "county_code")?, strings(indicators, "indicator")?);
    let values: Vec<Option<f64>> = indicators.column("value")?.f64()?.iter().collect();
    for i in 0..indicators.height() {
        let (code, Some(v)) = (&codes[i], values[i]) else { continue };
        if computed.contains(code) {
            continue;
        }
        let (metrics, level): (Vec<Metric>, &str) = match ids[i].as_str() {
            "reported_basic_cv_primary" => (vec![Metric::CompositeCv { level: "primary".into() }], "primary"),
            "reported_basic_cv_junior" => (vec![Metric::CompositeCv { level: "junior".into() }], "junior"),
            "reported_quality_cv_primary" => (vec![Metric::QualityCvs { level: "primary".into() }], "primary"),
            "reported_quality_cv_junior" => (vec![Metric::QualityCvs { level: "junior".into() }], "junior"),
            _ => continue,
        };
        for metric in metrics {
            let verdict = match &metric {
                Metric::CompositeCv { .. } => Some(Metric::BalanceMet { standard: "basic".into(), level: level.into() }),
                _ => None,
            };
            if let (Some(verdict), Some((_, limit))) = (verdict, metric.rule_limit(&rules.balance)) {
                figures.values.insert((code.clone(), verdict.clone()), f64::from(u8::from(v <= limit)));
                let note = match figures.lang {
                    Lang::Zh => format!("据县报综合差异系数 {}", num(v)),
                    Lang::En => format!("by the composite CV the county reports, {}", num(v)),
                };
                figures.metric_notes.insert((code.clone(), verdict), note);
            }
            figures.values.insert((code.clone(), metric.clone()), v);
            figures.metric_notes.insert((code.clone(), metric.clone()), figures.lang.t("县报", "reported by the county").into());
        }
    }
    Ok(())
}

/// The county indicators of one year side by side: `county_code`, `year`, then one column per catalogued
/// indicator and per other indicator the warehouse holds that year (NULL where a county did not report it), every
/// county of `counties` a row. The frame a scheme's county-level expressions see.
fn indicator_columns(indicators: &DataFrame, counties: &DataFrame, year: i32) -> Result<DataFrame> {
    let codes = strings(counties, "county_code")?;
    let row_of: HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let mut ids: Vec<String> = model::INDICATORS.iter().map(|i| i.id.to_string()).collect();
    for id in strings(indicators, "indicator")? {
        if !ids.contains(&id) && id != "county_code" && id != "year" {
            ids.push(id);
        }
    }
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; codes.len()]; ids.len()];
    let column_of: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let (county, id, value) = (indicators.column("county_code")?.str()?, indicators.column("indicator")?.str()?, indicators.column("value")?.f64()?);
    for ((c, k), v) in county.iter().zip(id.iter()).zip(value.iter()) {
        if let (Some(c), Some(k)) = (c.and_then(|c| row_of.get(c)), k.and_then(|k| column_of.get(k))) {
            values[*k][*c] = v;
        }
    }
    let n = codes.len();
    let mut columns = vec![Column::new("county_code".into(), codes), Column::new("year".into(), vec![year; n])];
    columns.extend(ids.iter().zip(values).map(|(id, v)| Column::new(id.as_str().into(), v)));
    Ok(DataFrame::new_infer_height(columns)?)
}
