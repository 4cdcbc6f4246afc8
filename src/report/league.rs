//! A province's or prefecture's league for one year: the ranking with grades, how each quality CV spreads across
//! the counties against its limit, the counties failing each standard, each county's composite CVs over the last
//! years, the spread across counties (equity across counties), the spending-growth league and the counties with
//! missing data.

use crate::warehouse::Value;
use polars::prelude::*;

use super::county::{SchemeRun, evaluation_frames};
use super::doc::{Block, Cell, Chart, Document, Section, Table};
use super::{Got, Lang, charts, f64s, fmt, stored, strs};
use crate::balance::{self, QUALITY_INDICATORS};
use crate::equity::Across;
use crate::error::{Error, Result};
use crate::ops::{self, Inputs, Selection, balance::Need};
use crate::queries::Value as QValue;
use crate::rules::Rules;
use crate::warehouse::Warehouse;

/// What a league is about.
pub struct Request<'a> {
    pub across: Across,
    /// The province or prefecture code.
    pub code: String,
    pub year: i32,
    pub lang: Lang,
    pub rules: &'a Rules,
    pub scheme: Option<SchemeRun<'a>>,
    /// The 优质均衡 recognition, whose verdict each county's row names.
    pub quality: Option<SchemeRun<'a>>,
}

/// Whether the warehouse holds schools or county indicators of any of `codes` in `year`.
fn holds_data(wh: &Warehouse, codes: &[String], year: i32) -> Result<bool> {
    let n = wh.query_df_with(
        &format!(
            "SELECT count(*) AS n FROM (SELECT county_code FROM schools WHERE year = ? UNION ALL \
             SELECT county_code FROM county_indicators WHERE year = ?) WHERE county_code IN ({})",
            list(codes)
        ),
        &[Value::Int(year), Value::Int(year)],
    )?;
    Ok(f64s(&n, "n")?[0].unwrap_or(0.0) > 0.0)
}

fn list(codes: &[String]) -> String {
    codes.iter().map(|c| crate::balance::sql::text(c)).collect::<Vec<_>>().join(", ")
}

pub fn report(wh: &Warehouse, req: &Request) -> Result<Document> {
    let lang = req.lang;
    let (code_col, name_col) = match req.across {
        Across::Province => ("province_code", "province_name"),
        Across::Prefecture => ("prefecture_code", "prefecture_name"),
    };
    // datasets/README.md lets an area code be written whole (140000, 140500) or by its own digits (14, 1405): a
    // league finds its counties either way.
    let digits = match req.across {
        Across::Province => 2,
        Across::Prefecture => 4,
    };
    let short = req.code.get(..digits).unwrap_or(&req.code).to_string();
    let whole = format!("{short:0<6}");
    let counties = wh.query_df_with(
        &format!("SELECT county_code, county_name, prefecture_name, {name_col} AS area_name, {code_col} AS area_code FROM counties WHERE {code_col} IN (?, ?) ORDER BY county_code"),
        &[Value::Text(whole), Value::Text(short)],
    )?;
    if counties.height() == 0 {
        return Err(Error::usage(format!("--{} {}: no county of the warehouse belongs to it", req.across.id(), req.code)));
    }
    let codes: Vec<String> = strs(&counties, "county_code")?.into_iter().flatten().collect();
    // The area's code as the warehouse writes it (the metric tables key areas by it).
    let area_code = strs(&counties, "area_code")?[0].clone().unwrap_or_else(|| req.code.clone());
    if !holds_data(wh, &codes, req.year)? {
        return Err(Error::usage(format!("--{} {} --year {}: the warehouse holds no data of its counties for {}", req.across.id(), req.code, req.year, req.year)));
    }
    let names: Vec<String> = strs(&counties, "county_name")?.into_iter().map(Option::unwrap_or_default).collect();
    let name_of = |c: &str| codes.iter().position(|x| x == c).map_or(c.to_string(), |i| names[i].clone());
    let area_name = strs(&counties, "area_name")?[0].clone().unwrap_or_default();
    let mut notes = Vec::new();
    let mut sections = Vec::new();

    // 1. Ranking.
    let mut blocks = Vec::new();
    if let Some(run) = &req.scheme {
        let (summary, _) = evaluation_frames(wh, run, req.year, &mut notes, lang)?;
        // Ranked by the score on the points with data (the total where every point has data), among the counties
        // graded on their data: the same order as `rank` and the county report.
        let score = when(col("grade_on_data").is_not_null()).then(col("score_on_data")).otherwise(lit(NULL).cast(DataType::Float64));
        let summary = summary.select(|d| {
            d.filter(col("county_code").is_in(lit(Series::new("c".into(), codes.clone())).implode(false), false))
                .with_column(score.alias("_score"))
                .sort(["_score", "total"], SortMultipleOptions::default().with_order_descending(true).with_nulls_last(true))
        })?;
        let df = &summary.df;
        let (cc, totals, grades, failed, missing) = (strs(df, "county_code")?, f64s(df, "total")?, strs(df, "grade")?, f64s(df, "failed_points")?, f64s(df, "missing_points")?);
        let (scores, on_data, vetoes) = (f64s(df, "_score")?, strs(df, "grade_on_data")?, strs(df, "vetoes")?);
        let keys = ["scheme", "scheme_version", "year", "county_code"];
        // Each county's 优质均衡 verdict (the recognition's), beside its rank.
        let quality: std::collections::HashMap<String, String> = match &req.quality {
            Some(q) => {
                let (qs, _) = evaluation_frames(wh, q, req.year, &mut notes, lang)?;
                let (c, g) = (qs.strs("county_code")?, qs.strs("grade")?);
                (0..qs.df.height()).filter_map(|i| Some((c[i].clone()?, g[i].clone()?))).collect()
            }
            None => Default::default(),
        };
        // Each county's rank the year before among the same counties, by the same order: the trend beside the rank.
        let before: std::collections::HashMap<String, usize> = {
            let y = req.year - 1;
            if run.scheme.years[0] <= y && y <= run.scheme.years[1] && holds_data(wh, &codes, y)? {
                let (prev, _) = evaluation_frames(wh, run, y, &mut notes, lang)?;
                let (c, on_data, s) = (prev.strs("county_code")?, prev.strs("grade_on_data")?, prev.f64s("score_on_data")?);
                let scores: Vec<(String, f64)> =
                    (0..prev.df.height()).filter(|&i| on_data[i].is_some() && c[i].as_ref().is_some_and(|c| codes.contains(c))).filter_map(|i| Some((c[i].clone()?, s[i]?))).collect();
                scores.iter().map(|(c, v)| (c.clone(), 1 + scores.iter().filter(|x| x.1 > *v).count())).collect()
            } else {
                Default::default()
            }
        };
        let mut t = Table {
            caption: format!("{} {} {}{}", req.year, area_name, lang.t("县级政府履行教育职责评价排名", "ranking"), lang.aside(&run.scheme.name)),
            headers: [
                lang.t("名次（较上年）", "rank (on the year before)"),
                lang.t("县（市、区）", "county"),
                lang.t("得分", "score"),
                lang.t("有数据观测点得分率", "score on the data"),
                lang.t("等级", "grade"),
                lang.t("一票否决", "veto"),
                lang.t("优质均衡", "quality balance"),
                lang.t("未达到", "failed"),
                lang.t("待填报", "no data"),
            ]
            .map(String::from)
            .to_vec(),
            rows: Vec::new(),
        };
        let mut grade_counts: Vec<(String, f64)> = run.scheme.grades.iter().map(|g| (g.name.clone(), 0.0)).collect();
        for i in 0..df.height() {
            let c = cc[i].clone().unwrap_or_default();
            let rank = match scores[i] {
                Some(t) => {
                    let r = 1 + (0..df.height()).filter(|&j| scores[j].is_some_and(|x| x > t)).count();
                    match before.get(&c) {
                        Some(&b) if b > r => format!("{r}{}", lang.aside(&format!("↑{}", b - r))),
                        Some(&b) if b < r => format!("{r}{}", lang.aside(&format!("↓{}", r - b))),
                        Some(_) => format!("{r}{}", lang.aside(lang.t("持平", "same"))),
                        None => r.to_string(),
                    }
                }
                None => "—".to_string(),
            };
            let g = grades[i].clone().filter(|g| !g.is_empty()).unwrap_or_else(|| lang.t("无数据", "no data").to_string());
            match grade_counts.iter_mut().find(|x| x.0 == g) {
                Some(x) => x.1 += 1.0,
                None => grade_counts.push((g.clone(), 1.0)),
            }
            // A grade withheld for missing data says the grade its data earns beside it.
            let g = match (&on_data[i], g == crate::evaluate::scheme::PENDING) {
                (Some(d), true) => format!("{}{}", lang.word(&g), lang.aside(&format!("{}{}", lang.t("按有数据观测点：", "on the data: "), lang.word(d)))),
                _ => lang.word(&g),
            };
            t.rows.push(vec![
                Cell::text(rank),
                Cell::text(name_of(&c)),
                Cell::figure(totals[i], |v| fmt::trimmed(v, 2), "").from(summary.src(i, &keys, "total")),
                Cell::figure(scores[i], |v| fmt::trimmed(v, 2), "—"),
                Cell::text(g),
                Cell::text(vetoes[i].clone().filter(|v| !v.is_empty()).map_or("—".to_string(), |v| format!("{}{v}", lang.t("一票否决 ", "veto ")))),
                Cell::text(quality.get(&c).map_or_else(|| "—".into(), |q| lang.word(q))),
                Cell::figure(failed[i], fmt::count, "0").from(summary.src(i, &keys, "failed_points")),
                Cell::figure(missing[i], fmt::count, "0").from(summary.src(i, &keys, "missing_points")),
            ]);
        }
        if t.rows.is_empty() {
            blocks.push(Block::Missing(format!("{}{}{}", lang.missing(), lang.t("：", ": "), lang.t("该年无评价结果", "no verdicts for the year"))));
        } else {
            let (labels, values): (Vec<String>, Vec<f64>) = grade_counts.into_iter().map(|(g, n)| (lang.word(&g), n)).unzip();
            let svg = charts::columns(&labels, &values, lang.t("县数", "counties"), &fmt::count).map_err(Error::other)?;
            let data = Table {
                caption: String::new(),
                headers: vec![lang.t("等级", "grade").into(), lang.t("县数", "counties").into()],
                rows: labels.iter().zip(&values).map(|(l, v)| vec![Cell::text(l.clone()), Cell::figure(Some(*v), fmt::count, "")]).collect(),
            };
            blocks.push(Block::Paragraph(match lang {
                Lang::Zh => format!("{area_name}共 {} 个县（市、区）参加评价。", df.height()),
                Lang::En => format!("{} counties of {area_name} are evaluated.", df.height()),
            }));
            blocks.push(Block::Chart(Chart { id: "grades".into(), title: lang.t("等级分布", "Grades").into(), svg, data }));
            blocks.push(Block::Table(t));
            // Why a county with a higher score can hold a lower grade: its failed 一票否决 items, named.
            let vetoed: Vec<String> = (0..df.height())
                .filter_map(|i| Some((cc[i].clone()?, vetoes[i].clone().filter(|v| !v.is_empty())?)))
                .map(|(c, v)| format!("{}{}", name_of(&c), lang.aside(&v)))
                .collect();
            let mut said = match lang {
                Lang::Zh => "名次按有数据观测点的得分率排列，括号内为较上年名次的变化。".to_string(),
                Lang::En => "Ranked by the score on the points with data; in brackets, the change of rank on the year before.".to_string(),
            };
            if !vetoed.is_empty() {
                said.push_str(&match lang {
                    Lang::Zh => format!("{} 个县未达到一票否决项，不论得分高低，等级均定为{}：{}。", vetoed.len(), run.scheme.veto_grade, vetoed.join("、")),
                    Lang::En => format!(" {} failed a veto item and are graded {} whatever their score: {}.", vetoed.len(), lang.word(&run.scheme.veto_grade), vetoed.join("; ")),
                });
            }
            blocks.push(Block::Paragraph(said));
        }
    } else {
        let why = match lang {
            Lang::Zh => format!("默认评价方案不适用于 {} 年（可用 --scheme 指定适用的方案）", req.year),
            Lang::En => format!("the default scheme does not apply to {} (name one with --scheme)", req.year),
        };
        blocks.push(Block::Missing(format!("{}{}{why}", lang.missing(), lang.t("：", ": "))));
    }
    sections.push(Section { title: lang.t("一、评价排名", "1. Ranking").into(), blocks });

    // 2. CVs across the counties, and the counties failing each standard.
    let balance = balance_of(wh, req, &codes, &mut notes)?;
    let mut blocks = Vec::new();
    match &balance {
        None => blocks.push(Block::Missing(format!("{}{}{} {}", lang.missing(), lang.t("：", ": "), req.year, lang.t("年无学校数据", "has no school data")))),
        Some((cv, verdicts)) => {
            for (level, zh, en) in [("primary", "小学", "primary"), ("junior", "初中", "junior")] {
                let q = cv.df.clone().lazy().filter(col("level").eq(lit(level)).and(col("standard").eq(lit("quality")))).collect()?;
                if q.height() == 0 {
                    continue;
                }
                let (ids, cvs, limits) = (strs(&q, "indicator")?, f64s(&q, "cv")?, f64s(&q, "threshold")?);
                let mut t = Table {
                    caption: format!("{} {} {}", req.year, lang.t(zh, en), lang.t("优质均衡 7 项指标差异系数在各县的分布", "quality CVs across the counties")),
                    headers: [lang.t("指标", "indicator"), lang.t("县数", "counties"), lang.t("最小", "min"), lang.t("中位数", "median"), lang.t("最大", "max"), lang.t("限值", "limit"), lang.t("超限县数", "counties over")]
                        .map(String::from)
                        .to_vec(),
                    rows: Vec::new(),
                };
                let (mut labels, mut medians, mut lims, mut ranges) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                for id in QUALITY_INDICATORS {
                    let mut v: Vec<f64> = (0..q.height()).filter(|&i| ids[i].as_deref() == Some(*id)).filter_map(|i| cvs[i]).collect();
                    let limit = (0..q.height()).find(|&i| ids[i].as_deref() == Some(*id)).and_then(|i| limits[i]);
                    v.sort_by(|a, b| a.total_cmp(b));
                    let median = (!v.is_empty()).then(|| if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 });
                    let over = limit.map(|l| v.iter().filter(|x| **x > l).count() as f64);
                    let name = balance::indicator(id).name_zh;
                    t.rows.push(vec![
                        Cell::text(if lang == Lang::Zh { name.to_string() } else { id.to_string() }),
                        Cell::figure(Some(v.len() as f64), fmt::count, ""),
                        Cell::figure(v.first().copied(), fmt::ratio, "—"),
                        Cell::figure(median, fmt::ratio, "—"),
                        Cell::figure(v.last().copied(), fmt::ratio, "—"),
                        Cell::figure(limit, fmt::ratio, "—"),
                        Cell::figure(over, fmt::count, "—"),
                    ]);
                    labels.push(if lang == Lang::Zh { super::county::short_name(id).to_string() } else { id.replace("_per_", "/").replace('_', " ") });
                    medians.push(median);
                    lims.push(limit);
                    ranges.push(v.first().copied().zip(v.last().copied()));
                }
                // The bars are medians; the line across each runs from the least to the largest county, so that the
                // counties over the limit show (a median under it can hide them), and the table counts them.
                let svg = charts::bars_with_ranges(
                    &labels,
                    &medians,
                    &ranges,
                    &lims,
                    (
                        lang.t("各县差异系数：柱为中位数，横线为最小至最大，虚线为限值", "the counties' CVs: bar median, line least to largest, dashed limit"),
                        lang.t("限值", "limit"),
                    ),
                    lang,
                )
                .map_err(Error::other)?;
                let over: Vec<String> = QUALITY_INDICATORS
                    .iter()
                    .filter_map(|id| {
                        let limit = (0..q.height()).find(|&i| ids[i].as_deref() == Some(*id)).and_then(|i| limits[i])?;
                        let counties: Vec<String> = (0..q.height())
                            .filter(|&i| ids[i].as_deref() == Some(*id) && cvs[i].is_some_and(|c| c > limit))
                            .filter_map(|i| q.column("county_code").ok()?.str().ok()?.get(i).map(&name_of))
                            .collect();
                        (!counties.is_empty()).then(|| format!("{}{}{}", if lang == Lang::Zh { super::county::short_name(id).to_string() } else { id.to_string() }, lang.t("：", ": "), counties.join(lang.list())))
                    })
                    .collect();
                blocks.push(Block::Chart(Chart { id: format!("cv-spread-{level}"), title: format!("{} {}", lang.t(zh, en), lang.t("各县优质均衡差异系数的分布与限值", "the quality CVs across the counties against the limits")), svg, data: t }));
                if !over.is_empty() {
                    blocks.push(Block::Paragraph(format!("{}{}", lang.t("超过限值的县：", "Counties over the limit: "), over.join(lang.t("；", "; ")))));
                }
            }
            // The basic standard: each county's composite CV against its limit.
            let b = verdicts.df.clone().lazy().filter(col("standard").eq(lit("basic"))).collect()?;
            let (bl, bc, bt) = (strs(&b, "level")?, f64s(&b, "composite_cv")?, f64s(&b, "cv_threshold")?);
            let mut t = Table {
                caption: format!("{} {}", req.year, lang.t("基本均衡综合差异系数在各县的分布", "the basic composite CV across the counties")),
                headers: [lang.t("学段", "level"), lang.t("县数", "counties"), lang.t("最小", "min"), lang.t("中位数", "median"), lang.t("最大", "max"), lang.t("限值", "limit"), lang.t("超限县数", "counties over")]
                    .map(String::from)
                    .to_vec(),
                rows: Vec::new(),
            };
            for (level, zh, en) in [("primary", "小学", "primary"), ("junior", "初中", "junior")] {
                let rows: Vec<usize> = (0..b.height()).filter(|&i| bl[i].as_deref() == Some(level)).collect();
                let mut v: Vec<f64> = rows.iter().filter_map(|&i| bc[i]).collect();
                if v.is_empty() {
                    continue;
                }
                v.sort_by(|a, b| a.total_cmp(b));
                let median = if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 };
                let limit = rows.iter().find_map(|&i| bt[i]);
                t.rows.push(vec![
                    Cell::text(lang.t(zh, en)),
                    Cell::figure(Some(v.len() as f64), fmt::count, ""),
                    Cell::figure(v.first().copied(), fmt::ratio, "—"),
                    Cell::figure(Some(median), fmt::ratio, "—"),
                    Cell::figure(v.last().copied(), fmt::ratio, "—"),
                    Cell::figure(limit, fmt::ratio, "—"),
                    Cell::figure(limit.map(|l| v.iter().filter(|x| **x > l).count() as f64), fmt::count, "—"),
                ]);
            }
            if !t.rows.is_empty() {
                blocks.push(Block::Table(t));
            }
            // Counties failing each standard.
            let v = verdicts.df.clone().lazy().filter(col("met").eq(lit(false))).collect()?;
            let (vc, vl, vs) = (strs(&v, "county_code")?, strs(&v, "level")?, strs(&v, "standard")?);
            let mut t = Table { caption: lang.t("未达到均衡标准的县", "Counties failing a standard").into(), headers: [lang.t("标准", "standard"), lang.t("学段", "level"), lang.t("县数", "counties"), lang.t("县（市、区）", "counties")].map(String::from).to_vec(), rows: Vec::new() };
            for (standard, szh) in [("basic", "基本均衡"), ("quality", "优质均衡")] {
                for (level, lzh) in [("primary", "小学"), ("junior", "初中")] {
                    let failing: Vec<String> = (0..v.height()).filter(|&i| vs[i].as_deref() == Some(standard) && vl[i].as_deref() == Some(level)).filter_map(|i| vc[i].as_deref().map(&name_of)).collect();
                    t.rows.push(vec![Cell::text(lang.t(szh, standard)), Cell::text(lang.t(lzh, level)), Cell::figure(Some(failing.len() as f64), fmt::count, ""), Cell::text(failing.join(lang.list()))]);
                }
            }
            blocks.push(Block::Table(t));
        }
    }
    if let Some(t) = composite_trend(wh, req, &codes, &name_of, &mut notes)? {
        blocks.push(Block::Table(t));
    }
    sections.push(Section { title: lang.t("二、义务教育均衡：各县差异系数", "2. Balance: the counties' CVs").into(), blocks });

    // 3. Spread across counties.
    let mut blocks = Vec::new();
    let across = match stored(wh, "equity_across", "across = ? AND area_code = ? AND year = ?", &[Value::Text(req.across.id().into()), Value::Text(area_code.clone()), Value::Int(req.year)], req.rules)? {
        Some(g) => Some(g),
        None if balance.is_some() => {
            notes.push(lang.t("县际差异为本次计算（仓库未存）。", "The spread across counties was computed now (not stored).").into());
            let inputs = Inputs::new(wh, req.rules, Selection { counties: codes.clone(), years: vec![req.year] });
            let t = ops::equity::across(&inputs, req.across)?;
            Some(Got::computed(t.frame.lazy().filter(col("area_code").eq(lit(area_code.clone()))).collect()?))
        }
        None => None,
    };
    if let Some(a) = across {
        let a = a.select(|d| d.filter(col("standard").eq(lit("quality"))))?;
        let df = &a.df;
        let (levels, ids) = (strs(df, "level")?, strs(df, "indicator")?);
        let cols = ["n_counties", "cv", "gini", "mcloone", "max_min_ratio"];
        let values: Vec<Vec<Option<f64>>> = cols.iter().map(|c| f64s(df, c)).collect::<Result<_>>()?;
        let keys = ["year", "across", "area_code", "level", "standard", "indicator"];
        let mut t = Table {
            caption: format!("{} {}", req.year, lang.t("县际差异（各县均值之间，按学生数加权）", "spread across counties (county means, weighted by pupils)")),
            headers: [lang.t("学段", "level"), lang.t("指标", "indicator"), lang.t("县数", "counties"), lang.t("差异系数", "CV"), "Gini", "McLoone", lang.t("最大/最小", "max/min")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        for i in 0..df.height() {
            let id = ids[i].clone().unwrap_or_default();
            let mut row = vec![Cell::text(lang.t(if levels[i].as_deref() == Some("primary") { "小学" } else { "初中" }, levels[i].as_deref().unwrap_or(""))), Cell::text(if lang == Lang::Zh { balance::indicator(&id).name_zh.to_string() } else { id.clone() })];
            for (k, c) in cols.iter().enumerate() {
                let write: fn(f64) -> String = if k == 0 { fmt::count } else { fmt::ratio };
                row.push(Cell::figure(values[k][i], write, "—").from(a.src(i, &keys, c)));
            }
            t.rows.push(row);
        }
        blocks.push(Block::Table(t));
    } else {
        blocks.push(Block::Missing(format!("{}{}{}", lang.missing(), lang.t("：", ": "), lang.t("无县际差异数据", "no spread across counties"))));
    }
    sections.push(Section { title: lang.t("三、县际差异", "3. Spread across counties").into(), blocks });

    // 4. Spending-growth league.
    let mut blocks = Vec::new();
    let area_params = [("area_code", QValue::Text(area_code.clone())), ("year", QValue::Int(req.year.into()))];
    let spend = super::named(wh, include_str!("../../queries/per_student_spending_league.sql"), &area_params)?;
    let spend = Got { df: spend, stored: Some("county_indicators") };
    if spend.df.height() == 0 {
        blocks.push(Block::Missing(format!("{}{}{}", lang.missing(), lang.t("：", ": "), lang.t("生均一般公共预算教育支出未填报", "per-student spending not reported"))));
    } else {
        let (cc, val, prev, pct) = (spend.strs("county_code")?, spend.f64s("value")?, spend.f64s("previous")?, spend.f64s("pct")?);
        let mut t = Table {
            caption: format!("{} {}", req.year, lang.t("生均一般公共预算教育支出增长排名", "per-student spending growth league")),
            headers: [lang.t("名次", "rank"), lang.t("县（市、区）", "county"), lang.t("本年", "this year"), lang.t("上年", "year before"), lang.t("增长", "growth")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        for i in 0..spend.df.height() {
            let c = cc[i].clone().unwrap_or_default();
            let mut row = vec![Cell::text(if pct[i].is_some() { (i + 1).to_string() } else { "—".into() }), Cell::text(name_of(&c))];
            row.push(Cell::figure(val[i], super::county::yuan(lang), "").from(Some(format!("county_indicators?year={}&county_code={c}&indicator=edu_expenditure_per_student#value", req.year))));
            row.push(Cell::figure(prev[i], super::county::yuan(lang), lang.missing()).from(Some(format!("county_indicators?year={}&county_code={c}&indicator=edu_expenditure_per_student#value", req.year - 1))));
            row.push(Cell::figure(pct[i], super::county::change(lang), "—"));
            t.rows.push(row);
        }
        let falling: Vec<String> = (0..spend.df.height()).filter(|&i| pct[i].is_some_and(|p| p < 0.0)).filter_map(|i| cc[i].as_deref().map(&name_of)).collect();
        blocks.push(Block::Paragraph(match (lang, falling.is_empty()) {
            (Lang::Zh, true) => "各县生均一般公共预算教育支出均未下降。".into(),
            (Lang::Zh, false) => format!("生均一般公共预算教育支出较上年下降的县：{}。", falling.join("、")),
            (Lang::En, true) => "No county's per-student spending fell.".into(),
            (Lang::En, false) => format!("Per-student spending fell in: {}.", falling.join(", ")),
        }));
        blocks.push(Block::Table(t));
    }
    sections.push(Section { title: lang.t("四、经费增长", "4. Spending growth").into(), blocks });

    // 5. Missing data.
    let held = super::named(wh, include_str!("../../queries/missing_data.sql"), &area_params)?;
    let (hc, hs, hi) = (strs(&held, "county_code")?, f64s(&held, "school_rows")?, f64s(&held, "indicator_rows")?);
    let mut t = Table { caption: format!("{} {}", req.year, lang.t("数据缺失的县", "counties with missing data")), headers: [lang.t("县（市、区）", "county"), lang.t("学校数据", "school rows"), lang.t("县级指标", "county indicators")].map(String::from).to_vec(), rows: Vec::new() };
    for i in 0..held.height() {
        let c = hc[i].clone().unwrap_or_default();
        let says = |n: Option<f64>| if n.unwrap_or(0.0) > 0.0 { Cell::figure(n, fmt::count, "") } else { Cell::text(lang.missing()) };
        t.rows.push(vec![Cell::text(name_of(&c)), says(hs[i]), says(hi[i])]);
    }
    let blocks = if t.rows.is_empty() { vec![Block::Paragraph(lang.t("各县学校数据与县级指标均已填报。", "Every county has school data and county indicators.").into())] } else { vec![Block::Table(t)] };
    sections.push(Section { title: lang.t("五、数据缺失", "5. Missing data").into(), blocks });

    let title = match lang {
        Lang::Zh => format!("{area_name}{} 年县级教育评价汇总报告", req.year),
        Lang::En => format!("{area_name} ({}): the counties' league, {}", req.code, req.year),
    };
    notes.sort();
    notes.dedup();
    let mut footer = vec![lang.t("本报告由 countyedu 依据数据仓库中的数据自动生成。", "Generated by countyedu from the warehouse alone.").to_string()];
    footer.extend(notes);
    Ok(Document {
        lang: lang.code(),
        title,
        subtitle: vec![
            format!("{} {} · {} {}", lang.t("代码", "code"), req.code, codes.len(), lang.t("个县（市、区）", "counties")),
            format!("{}: {}", lang.t("评价标准", "rules"), req.rules.title(lang == Lang::Zh, &crate::model::province_of(&req.code), &area_name)),
        ],
        sections,
        footer,
    })
}

/// Each county's trend: its composite CVs (基本均衡) of each level in the year and the two before, those years that
/// have school data (at least two), with the limits; stored under the rules when the stored rows hold every one of
/// those years, else computed now.
fn composite_trend(wh: &Warehouse, req: &Request, codes: &[String], name_of: &dyn Fn(&str) -> String, notes: &mut Vec<String>) -> Result<Option<Table>> {
    let lang = req.lang;
    let held = wh.query_df_with(
        &format!("SELECT DISTINCT year FROM schools WHERE year BETWEEN ? AND ? AND county_code IN ({}) ORDER BY year", list(codes)),
        &[Value::Int(req.year - 2), Value::Int(req.year)],
    )?;
    let years: Vec<i32> = f64s(&held, "year")?.into_iter().flatten().map(|y| y as i32).collect();
    if years.len() < 2 {
        return Ok(None);
    }
    let in_years = years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    let w = format!("standard = 'basic' AND year IN ({in_years}) AND county_code IN ({})", list(codes));
    let stored_rows = stored(wh, "balance_verdicts", &w, &[], req.rules)?;
    let covers = |g: &Got| -> Result<bool> {
        let got: std::collections::BTreeSet<i64> = f64s(&g.df, "year")?.into_iter().flatten().map(|y| y as i64).collect();
        Ok(got.len() == years.len())
    };
    let v = match stored_rows {
        Some(g) if covers(&g)? => g,
        _ => {
            notes.push(lang.t("各县综合差异系数的变化为本次计算（仓库未存各年当前规则下的结果）。", "The counties' composite CVs over the years were computed now.").into());
            let inputs = Inputs::new(wh, req.rules, Selection { counties: codes.to_vec(), years: years.clone() });
            let b = ops::balance::balance(&inputs, Need::All, false)?;
            Got::computed(b.verdicts.unwrap_or_default().lazy().filter(col("standard").eq(lit("basic"))).collect()?)
        }
    };
    let (vy, vc, vl, cv, limit) = (f64s(&v.df, "year")?, strs(&v.df, "county_code")?, strs(&v.df, "level")?, f64s(&v.df, "composite_cv")?, f64s(&v.df, "cv_threshold")?);
    let find = |code: &str, level: &str, year: i32| (0..v.df.height()).find(|&i| vc[i].as_deref() == Some(code) && vl[i].as_deref() == Some(level) && vy[i] == Some(year as f64));
    let levels: Vec<(&str, &str, &str)> =
        [("primary", "小学", "primary"), ("junior", "初中", "junior")].into_iter().filter(|(l, ..)| (0..v.df.height()).any(|i| vl[i].as_deref() == Some(*l))).collect();
    let limits: Vec<String> = levels
        .iter()
        .filter_map(|(l, zh, en)| (0..v.df.height()).find(|&i| vl[i].as_deref() == Some(*l)).and_then(|i| limit[i]).map(|x| format!("{} {}", lang.t(zh, en), fmt::ratio(x))))
        .collect();
    let span = format!("{}–{}", years[0], years[years.len() - 1]);
    let mut headers = vec![lang.t("县（市、区）", "county").to_string()];
    for (_, zh, en) in &levels {
        headers.extend(years.iter().map(|y| format!("{} {y}", lang.t(zh, en))));
    }
    let mut t = Table {
        caption: match lang {
            Lang::Zh => format!("{span} 年各县基本均衡综合差异系数的变化（限值：{}）", limits.join("，")),
            Lang::En => format!("The counties' composite CVs (basic balance), {span} (limits: {})", limits.join(", ")),
        },
        headers,
        rows: Vec::new(),
    };
    let keys = ["year", "county_code", "level", "standard"];
    for code in codes {
        let mut row = vec![Cell::text(name_of(code))];
        for (level, ..) in &levels {
            for &y in &years {
                row.push(match find(code, level, y) {
                    Some(i) => Cell::figure(cv[i], fmt::ratio, "—").from(v.src(i, &keys, "composite_cv")),
                    None => Cell::text("—"),
                });
            }
        }
        t.rows.push(row);
    }
    Ok(Some(t))
}

/// The quality CVs and verdicts of the counties for the year: stored under the rules, or computed now.
fn balance_of(wh: &Warehouse, req: &Request, codes: &[String], notes: &mut Vec<String>) -> Result<Option<(Got, Got)>> {
    let w = format!("year = ? AND county_code IN ({})", list(codes));
    let y = [Value::Int(req.year)];
    if let (Some(cv), Some(v)) = (stored(wh, "balance_cv", &w, &y, req.rules)?, stored(wh, "balance_verdicts", &w, &y, req.rules)?) {
        return Ok(Some((cv, v)));
    }
    let inputs = Inputs::new(wh, req.rules, Selection { counties: codes.to_vec(), years: vec![req.year] });
    if inputs.years()?.is_empty() {
        return Ok(None);
    }
    notes.push(req.lang.t("均衡指标为本次计算（仓库未存当前规则下的结果）。", "The balance figures were computed now.").into());
    let b = ops::balance::balance(&inputs, Need::All, false)?;
    Ok(Some((Got::computed(b.cv), Got::computed(b.verdicts.unwrap_or_default()))))
}
