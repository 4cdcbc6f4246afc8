//! A county's report for one year, in the order of a self-evaluation: 基本情况, 经费投入, 义务教育均衡, 城乡差距,
//! 学前教育及其他指标, 评价结果 and 存在问题. Every sentence is generated from the figures it states.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::warehouse::Value;
use polars::prelude::*;

use super::doc::{Block, Cell, Chart, Document, Section, Table};
use super::{Got, Lang, charts, f64s, fmt, stored, strs, whole};
use crate::balance::{self, QUALITY_INDICATORS};
use crate::error::{Error, Result};
use crate::evaluate::{Metric, Scheme};
use crate::ops::balance::Need;
use crate::ops::{self, Inputs, Selection};
use crate::queries::Value as QValue;
use crate::rules::Rules;
use crate::warehouse::Warehouse;

/// A scheme to evaluate under, with the file it came from and the rules it is evaluated under.
pub struct SchemeRun<'a> {
    pub path: &'a Path,
    pub scheme: &'a Scheme,
    pub rules: &'a Rules,
}

/// What a county report is about.
pub struct Request<'a> {
    pub county: String,
    pub year: i32,
    pub lang: Lang,
    /// The rules of the metrics (balance, urban–rural, funding checks).
    pub rules: &'a Rules,
    /// The scheme of 评价结果 (national.toml by default).
    pub scheme: Option<SchemeRun<'a>>,
    /// The 优质均衡 recognition scheme, where it exists.
    pub quality: Option<SchemeRun<'a>>,
}

/// A name as a sentence puts it before a number (a year): with a space when it ends in a digit, so that 县370121
/// and 2023 do not run together (县370121 2023 年).
pub fn name_before_number(name: &str) -> String {
    if name.chars().last().is_some_and(|c| c.is_ascii_digit()) { format!("{name} ") } else { name.to_string() }
}

/// The county's name and areas.
pub struct Area {
    pub code: String,
    pub name: String,
    pub prefecture: String,
    pub province: String,
    pub province_code: String,
}

pub fn area(wh: &Warehouse, code: &str) -> Result<Area> {
    let df = wh.query_df_with(
        "SELECT county_code, county_name, prefecture_name, province_name, province_code FROM counties WHERE county_code = ?",
        &[Value::Text(code.to_string())],
    )?;
    if df.height() == 0 {
        return Err(Error::usage(format!("--county {code}: no such county in the warehouse (its counties table)")));
    }
    let s = |c: &str| -> Result<String> { Ok(strs(&df, c)?[0].clone().unwrap_or_default()) };
    Ok(Area { code: code.to_string(), name: s("county_name")?, prefecture: s("prefecture_name")?, province: s("province_name")?, province_code: s("province_code")? })
}

const LEVELS: [(&str, &str, &str); 2] = [("primary", "小学", "primary"), ("junior", "初中", "junior")];

fn level_name(lang: Lang, level: &str) -> String {
    LEVELS.iter().find(|l| l.0 == level).map_or(level.to_string(), |l| lang.t(l.1, l.2).to_string())
}

/// Short names of the indicators for charts (the full names are in the tables).
pub fn short_name(id: &str) -> &'static str {
    match id {
        "degree_teachers_per_100" => "高学历教师/百生",
        "backbone_teachers_per_100" => "骨干教师/百生",
        "pe_art_teachers_per_100" => "体艺教师/百生",
        "teach_area_per_student" => "生均教学用房",
        "sports_area_per_student" => "生均体育场馆",
        "equipment_value_per_student" => "生均仪器设备",
        "multimedia_rooms_per_100" => "多媒体教室/百生",
        "computers_per_100" => "计算机/百生",
        "books_per_student" => "生均图书",
        "teachers_per_student" => "师生比",
        "degree_teachers_per_student" => "生均高学历教师",
        "titled_teachers_per_student" => "生均中级职称教师",
        _ => "",
    }
}

/// Builds the report.
pub fn report(wh: &Warehouse, req: &Request) -> Result<Document> {
    let area = area(wh, &req.county)?;
    let lang = req.lang;
    let mut notes = Vec::new();
    let indicators = wh.query_df_with(
        "SELECT i.year, i.county_code, i.indicator, i.value, i.unit, i.note, c.name_zh FROM county_indicators i \
         LEFT JOIN indicator_catalogue c USING (indicator) WHERE i.county_code = ? ORDER BY i.indicator, i.year",
        &[Value::Text(req.county.clone())],
    )?;
    let indicators = Got { df: indicators, stored: Some("county_indicators") };
    let school_years: Vec<i32> = {
        let df = wh.query_df_with("SELECT DISTINCT year FROM schools WHERE county_code = ? ORDER BY year", &[Value::Text(req.county.clone())])?;
        f64s(&df, "year")?.into_iter().flatten().map(|y| y as i32).collect()
    };
    let indicator_years: Vec<i32> = {
        let mut y: Vec<i32> = f64s(&indicators.df, "year")?.into_iter().flatten().map(|y| y as i32).collect();
        y.sort();
        y.dedup();
        y
    };
    let span = |ys: &[i32]| match (ys.first(), ys.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => lang.missing().to_string(),
    };
    // A year without any of the county's data is refused, whatever the year: a report of nothing but 待填报 would
    // read as a report (and its verdicts as verdicts).
    if !school_years.contains(&req.year) && !indicator_years.contains(&req.year) {
        let held = |ys: &[i32]| if ys.is_empty() { "none".to_string() } else { span(ys) };
        return Err(Error::usage(format!(
            "--county {} --year {}: the warehouse holds no data of {} for {} (its schools: {}; its county indicators: {})",
            req.county,
            req.year,
            area.name,
            req.year,
            held(&school_years),
            held(&indicator_years)
        )));
    }
    let mut sections = vec![
        basics(wh, req, &area, &school_years)?,
        funding(wh, req, &area, &indicators, &mut notes)?,
        balance_section(wh, req, &indicators, &school_years, &mut notes)?,
        urban_rural(wh, req, &school_years, &mut notes)?,
        other_indicators(req, &indicators)?,
    ];
    let (quality, sensitive) = data_quality(wh, req, &mut notes)?;
    if !sensitive.is_empty() {
        // The verdicts of 义务教育均衡 that rest on suspected values say so where they are given.
        let marked = lang.t(
            "数据待核实：以下结论所依据的学校数据存在疑似错误，去掉或修正这些数据后结论会改变（见“九、数据质量”）：",
            "To be verified: these verdicts rest on values the data audit suspects, and change without them (see 9. Data quality): ",
        );
        sections[2].blocks.insert(0, Block::Missing(format!("{marked}{}", sensitive.join(lang.t("；", "; ")))));
    }
    sections.extend(evaluation(wh, req, &area, &mut notes)?);
    sections.push(investment(wh, req, &school_years)?);
    sections.push(quality);
    let title = match lang {
        Lang::Zh => format!("{}{} 年履行教育职责自评报告（数据部分）", name_before_number(&area.name), req.year),
        Lang::En => format!("{} ({}): education duties self-evaluation, {} (the figures)", area.name, area.code, req.year),
    };
    let subtitle = vec![
        format!("{} {} · {} {}", area.province, area.prefecture, lang.t("县区代码", "county code"), area.code),
        format!(
            "{}: {}{}{}: {}",
            lang.t("学校数据年份", "school data"),
            span(&school_years),
            lang.t("；", "; "),
            lang.t("县级指标年份", "county indicators"),
            span(&indicator_years)
        ),
        format!("{}: {}", lang.t("评价标准", "rules"), req.rules.title(lang == Lang::Zh, &area.province_code, &area.province)),
    ];
    let mut footer = vec![lang
        .t(
            "本报告由 countyedu 依据数据仓库中的数据自动生成；表中数字均来自仓库，文字叙述由数据生成。",
            "Generated by countyedu from the warehouse alone; every figure comes from it and every sentence is generated from the figures.",
        )
        .to_string()];
    notes.sort();
    notes.dedup();
    footer.extend(notes);
    Ok(Document { lang: lang.code(), title, subtitle, sections, footer })
}

/// Totals of money as the language writes them.
fn money(lang: Lang) -> fn(f64) -> String {
    if lang == Lang::Zh { fmt::money } else { fmt::money_en }
}

/// A change in percent as the language writes it ("增长 7.5%", "up 7.5%").
pub fn change(lang: Lang) -> fn(f64) -> String {
    if lang == Lang::Zh { fmt::change } else { fmt::change_en }
}

/// Amounts per student as the language writes them.
pub fn yuan(lang: Lang) -> fn(f64) -> String {
    if lang == Lang::Zh { fmt::yuan } else { fmt::yuan_en }
}

fn missing_block(lang: Lang, what_zh: &str, what_en: &str) -> Block {
    Block::Missing(format!("{}{}{}", lang.missing(), lang.t("：", ": "), lang.t(what_zh, what_en)))
}

/// 基本情况: schools, pupils and teachers of the year by level and by 城区 / 镇区 / 乡村.
fn basics(wh: &Warehouse, req: &Request, area: &Area, school_years: &[i32]) -> Result<Section> {
    let lang = req.lang;
    let mut blocks = Vec::new();
    let df = super::named(
        wh,
        include_str!("../../queries/schools_by_area.sql"),
        &[("county_code", QValue::Text(req.county.clone())), ("year", QValue::Int(req.year.into()))],
    )?;
    if df.height() == 0 {
        blocks.push(missing_block(
            lang,
            &format!("{} 年学校数据未导入（仓库中该县的学校数据年份：{}）", req.year, years_list(school_years, Lang::Zh)),
            &format!("no school data for {} (school data held for: {})", req.year, years_list(school_years, Lang::En)),
        ));
    } else {
        let levels = strs(&df, "level")?;
        let groups = f64s(&df, "area_group")?;
        let (schools, pupils, teachers) = (f64s(&df, "schools")?, f64s(&df, "pupils")?, f64s(&df, "teachers")?);
        let mut t = Table {
            caption: format!("{} {} {}", req.year, area.name, lang.t("义务教育学校基本情况", "compulsory schools")),
            headers: [lang.t("学段", "level"), lang.t("城乡", "area"), lang.t("学校数（所）", "schools"), lang.t("在校生（人）", "pupils"), lang.t("专任教师（人）", "teachers")]
                .map(String::from)
                .to_vec(),
            rows: Vec::new(),
        };
        let mut pupils_total = None;
        for i in 0..df.height() {
            let level = match &levels[i] {
                Some(l) => level_name(lang, l),
                None => {
                    pupils_total = pupils[i];
                    lang.t("义务教育合计", "compulsory, all").to_string()
                }
            };
            let g = match groups[i].map(|g| g as i32) {
                Some(1) => lang.t("城区", "urban"),
                Some(2) => lang.t("镇区", "town"),
                Some(3) => lang.t("乡村", "rural"),
                Some(_) => lang.t("未分类", "unclassified"),
                None => lang.t("合计", "all"),
            };
            if levels[i].is_none() && groups[i].is_some() {
                continue;
            }
            t.rows.push(vec![
                Cell::text(level),
                Cell::text(g),
                Cell::figure(schools[i], fmt::count, lang.missing()),
                Cell::figure(pupils[i], fmt::count, lang.missing()),
                Cell::figure(teachers[i], fmt::count, lang.missing()),
            ]);
        }
        let by_level: Vec<(String, f64, f64)> = (0..df.height())
            .filter(|&i| levels[i].is_some() && groups[i].is_none())
            .map(|i| (level_name(lang, levels[i].as_deref().unwrap_or("")), schools[i].unwrap_or(0.0), pupils[i].unwrap_or(0.0)))
            .collect();
        let parts: Vec<String> = by_level
            .iter()
            .map(|(l, s, p)| match lang {
                Lang::Zh => format!("{l}{} 所、在校生 {} 人", fmt::count(*s), fmt::count(*p)),
                Lang::En => format!("{} {l} schools with {} pupils", fmt::count(*s), fmt::count(*p)),
            })
            .collect();
        blocks.push(Block::Paragraph(match lang {
            Lang::Zh => format!(
                "{} 年{}义务教育阶段共有{}，合计在校生 {} 人。",
                req.year,
                whole(&area.name),
                parts.join("，"),
                fmt::count(pupils_total.unwrap_or(0.0))
            ),
            Lang::En => format!("In {}, the county has {}; {} pupils in all.", req.year, parts.join(", "), fmt::count(pupils_total.unwrap_or(0.0))),
        }));
        blocks.push(Block::Table(t));
    }
    Ok(Section { title: lang.t("一、基本情况", "1. The county's schools").to_string(), blocks })
}

fn years_list(years: &[i32], lang: Lang) -> String {
    if years.is_empty() { lang.t("无", "none").to_string() } else { years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(lang.list()) }
}

/// The value of one indicator in one year, with its row.
fn indicator_value(ind: &Got, id: &str, year: i32) -> Result<Option<(f64, Option<String>)>> {
    let (ids, years, values) = (ind.strs("indicator")?, ind.f64s("year")?, ind.f64s("value")?);
    Ok((0..ind.df.height())
        .find(|&i| ids[i].as_deref() == Some(id) && years[i] == Some(year as f64))
        .and_then(|i| values[i].map(|v| (v, ind.src(i, &["year", "county_code", "indicator"], "value")))))
}

/// Whether the county marks its figure of `id` in `year` as expected (预计) in the note beside it: a figure reported
/// before the accounts close is said as such wherever it is shown.
fn is_expected(ind: &Got, id: &str, year: i32) -> Result<bool> {
    let (ids, years, notes) = (ind.strs("indicator")?, ind.f64s("year")?, ind.strs("note")?);
    Ok((0..ind.df.height()).any(|i| ids[i].as_deref() == Some(id) && years[i] == Some(year as f64) && notes[i].as_deref().is_some_and(expected_note)))
}

fn expected_note(note: &str) -> bool {
    note.contains("预计") || note.contains("预估")
}

/// A figure's text, marked 预计 when the county reports it as expected.
fn marked(lang: Lang, expected: bool, write: impl Fn(f64) -> String) -> impl Fn(f64) -> String {
    move |v| if expected { format!("{}{}", write(v), lang.t("（预计）", " (expected)")) } else { write(v) }
}

/// 经费投入: spending and per-student spending over every year held, year-on-year growth, and the funding checks.
fn funding(wh: &Warehouse, req: &Request, area: &Area, ind: &Got, notes: &mut Vec<String>) -> Result<Section> {
    let lang = req.lang;
    let mut blocks = Vec::new();
    let series = [("edu_budget_expenditure", "一般公共预算教育支出", "education budget spending"), ("edu_expenditure_per_student", "生均一般公共预算教育支出", "per-student budget spending")];
    let years: Vec<i32> = {
        let (ids, ys) = (ind.strs("indicator")?, ind.f64s("year")?);
        let mut y: Vec<i32> = (0..ind.df.height()).filter(|&i| series.iter().any(|s| ids[i].as_deref() == Some(s.0))).filter_map(|i| ys[i].map(|y| y as i32)).collect();
        y.sort();
        y.dedup();
        y
    };
    let growth = stored(wh, "growth", "county_code = ?", &[Value::Text(req.county.clone())], req.rules)?;
    let growth_src = |year: i32, id: &str| -> Result<Option<String>> {
        let Some(g) = &growth else { return Ok(None) };
        let (ids, ys) = (g.strs("indicator")?, g.f64s("year")?);
        Ok((0..g.df.height()).find(|&i| ids[i].as_deref() == Some(id) && ys[i] == Some(year as f64)).and_then(|i| g.src(i, &["year", "county_code", "indicator"], "pct_change")))
    };
    if years.is_empty() {
        blocks.push(missing_block(lang, "一般公共预算教育支出及生均支出未填报", "education budget spending not reported"));
    } else {
        let mut t = Table {
            caption: lang.t("教育经费投入（历年）", "Education spending by year").to_string(),
            headers: vec![
                lang.t("年份", "year").into(),
                lang.t(series[0].1, series[0].2).into(),
                lang.t("较上年", "on the year before").into(),
                lang.t(series[1].1, series[1].2).into(),
                lang.t("较上年", "on the year before").into(),
            ],
            rows: Vec::new(),
        };
        for &y in &years {
            let mut row = vec![Cell::text(y.to_string())];
            for (id, ..) in series {
                let v = indicator_value(ind, id, y)?;
                let write = marked(lang, is_expected(ind, id, y)?, if id == "edu_budget_expenditure" { money(lang) } else { yuan(lang) });
                row.push(Cell::figure(v.as_ref().map(|v| v.0), write, lang.missing()).from(v.as_ref().and_then(|v| v.1.clone())));
                let prev = indicator_value(ind, id, y - 1)?;
                let pct = match (&v, &prev) {
                    (Some(v), Some(p)) if p.0 != 0.0 => Some((v.0 / p.0 - 1.0) * 100.0),
                    _ => None,
                };
                row.push(Cell::figure(pct, change(lang), "—").from(growth_src(y, id)?));
            }
            t.rows.push(row);
        }
        // The sentence of the year: 2021 年全市一般公共预算教育支出 7.2 亿元，较上年增长 7.5%。
        let mut said = Vec::new();
        for (id, zh, en) in series {
            let Some((v, _)) = indicator_value(ind, id, req.year)? else { continue };
            let written = if id == "edu_budget_expenditure" { money(lang)(v) } else { yuan(lang)(v) };
            let prev = indicator_value(ind, id, req.year - 1)?.filter(|p| p.0 != 0.0);
            // 预计达到 7.2 亿元: an expected figure is said as the county says it.
            let (is, was) = if is_expected(ind, id, req.year)? { ("预计", "is expected to be") } else { ("", "was") };
            said.push(match (lang, prev) {
                (Lang::Zh, Some((p, _))) => format!("{zh}{is} {written}，较上年{}", fmt::change((v / p - 1.0) * 100.0)),
                (Lang::Zh, None) => format!("{zh}{is} {written}（上年未填报，无法计算增长）"),
                (Lang::En, Some((p, _))) => format!("{en} {was} {written}, {} on the year before", fmt::change_en((v / p - 1.0) * 100.0)),
                (Lang::En, None) => format!("{en} {was} {written} (the year before is not reported)"),
            });
        }
        blocks.push(if said.is_empty() {
            missing_block(lang, &format!("{} 年教育经费未填报", req.year), &format!("no spending reported for {}", req.year))
        } else {
            Block::Paragraph(match lang {
                Lang::Zh => format!("{} 年{}{}。", req.year, whole(&area.name), said.join("；")),
                Lang::En => format!("In {}, {}.", req.year, said.join("; ")),
            })
        });
        let (labels, values): (Vec<String>, Vec<f64>) =
            years.iter().filter_map(|&y| indicator_value(ind, series[0].0, y).ok().flatten().map(|v| (y.to_string(), v.0))).unzip();
        if !values.is_empty() {
            // In English the figures are in million yuan, said once on the axis: "422.4 million yuan" above each bar
            // would run into its neighbours.
            let svg = match lang {
                Lang::Zh => charts::columns(&labels, &values, "一般公共预算教育支出", &money(lang)),
                Lang::En => charts::columns(&labels, &values, "education budget spending (million yuan)", &|v| fmt::grouped(v / 1e6, 1)),
            }
            .map_err(Error::other)?;
            let mut data = Table { caption: String::new(), headers: vec![lang.t("年份", "year").into(), lang.t(series[0].1, series[0].2).into()], rows: Vec::new() };
            for (l, v) in labels.iter().zip(&values) {
                let src = indicator_value(ind, series[0].0, l.parse().unwrap_or(0))?.and_then(|v| v.1);
                let write = marked(lang, is_expected(ind, series[0].0, l.parse().unwrap_or(0))?, money(lang));
                data.rows.push(vec![Cell::text(l.clone()), Cell::figure(Some(*v), write, "").from(src)]);
            }
            blocks.push(Block::Chart(Chart { id: "spending".into(), title: lang.t("一般公共预算教育支出", "Education budget spending").into(), svg, data }));
        }
        blocks.push(t_block(t));
    }

    // The funding rule checks of the year: 两个只增不减, 生均公用经费, matching funds, teacher pay.
    blocks.push(Block::Subheading(lang.t("经费保障检查", "Funding rule checks").into()));
    let checks = match stored(wh, "growth_checks", "county_code = ? AND year = ?", &[Value::Text(req.county.clone()), Value::Int(req.year)], req.rules)? {
        Some(g) => g,
        None => {
            notes.push(lang.t("经费保障检查为本次计算（仓库未存当前规则下的结果）。", "The funding checks were computed now (none stored under these rules).").into());
            let values = wh.query_df_with(
                "SELECT year, county_code, indicator, value FROM county_indicators WHERE county_code = ? AND year IN (?, ?)",
                &[Value::Text(req.county.clone()), Value::Int(req.year - 1), Value::Int(req.year)],
            )?;
            let areas = wh.county_areas()?;
            let df = crate::growth::checks(&values, &areas, &req.rules.standards, req.rules.funding.per_student_basis)?
                .lazy()
                .filter(col("year").eq(lit(req.year)))
                .collect()?;
            Got::computed(df)
        }
    };
    let (ids, vals, refs, pcts, passed) = (checks.strs("check")?, checks.f64s("value")?, checks.f64s("reference")?, checks.f64s("pct")?, checks.df.column("passed")?.bool()?.clone());
    let bases = checks.strs("basis")?;
    let mut t = Table {
        caption: format!("{} {}", req.year, lang.t("经费保障检查", "funding rule checks")),
        headers: [lang.t("检查项", "check"), lang.t("数值", "value"), lang.t("参照", "reference"), lang.t("增长或比值", "change or ratio"), lang.t("结论", "verdict")].map(String::from).to_vec(),
        rows: Vec::new(),
    };
    for i in 0..checks.df.height() {
        let id = ids[i].clone().unwrap_or_default();
        let (name_zh, name_en, write): (&str, &str, fn(f64) -> String) = match id.as_str() {
            "budget_not_decreasing" => ("一般公共预算教育支出只增不减", "education budget spending not decreasing", if lang == Lang::Zh { fmt::wan } else { fmt::money_en }),
            "per_student_not_decreasing" => ("生均一般公共预算教育支出只增不减", "per-student spending not decreasing", yuan(lang)),
            "public_funds_primary" => ("小学生均公用经费不低于基准定额", "primary public funds per pupil at least the floor", yuan(lang)),
            "public_funds_junior" => ("初中生均公用经费不低于基准定额", "junior public funds per pupil at least the floor", yuan(lang)),
            "public_funds_special" => ("特殊教育生均公用经费不低于基准定额", "special-education public funds at least the floor", yuan(lang)),
            "matching_funds" => ("县级配套资金足额到位", "county matching funds paid in full", money(lang)),
            "teacher_pay" => ("教师平均工资不低于公务员", "teachers' pay at least civil servants'", yuan(lang)),
            _ => (id.as_str(), id.as_str(), yuan(lang)),
        };
        let src = |c: &str| checks.src(i, &["year", "county_code", "check"], c);
        let verdict = match passed.get(i) {
            Some(true) => lang.t("达到", "met"),
            Some(false) => lang.t("未达到", "not met"),
            None => lang.missing(),
        };
        // A per-student figure derived from spending ÷ pupils, because the county does not report it, says so.
        let derived = id == "per_student_not_decreasing" && bases[i].as_deref() == Some("computed") && req.rules.funding.per_student_basis == crate::rules::Basis::Reported;
        let name = match (derived, lang) {
            (true, Lang::Zh) => format!("{name_zh}（县未报生均数，按一般公共预算教育支出 ÷ 在校学生数计算）"),
            (true, Lang::En) => format!("{name_en} (not reported: computed as spending ÷ pupils)"),
            (false, _) => lang.t(name_zh, name_en).to_string(),
        };
        t.rows.push(vec![
            Cell::text(name),
            Cell::figure(vals[i], write, lang.missing()).from(src("value")),
            Cell::figure(refs[i], write, "—").from(src("reference")),
            if id.ends_with("_not_decreasing") {
                Cell::figure(pcts[i], change(lang), "—").from(src("pct"))
            } else {
                Cell::figure(pcts[i], |p| fmt::pct(p, 1), "—").from(src("pct"))
            },
            Cell::text(verdict),
        ]);
    }
    if t.rows.is_empty() {
        blocks.push(missing_block(lang, "经费保障检查无数据", "no funding checks"));
    } else {
        blocks.push(t_block(t));
    }
    Ok(Section { title: lang.t("二、经费投入", "2. Funding").to_string(), blocks })
}

fn t_block(t: Table) -> Block {
    Block::Table(t)
}

/// The balance tables of the county over every year held: stored under the rules, or computed now.
struct BalanceFrames {
    cv: Got,
    verdicts: Got,
    schools: Got,
}

fn balance_frames(wh: &Warehouse, req: &Request, notes: &mut Vec<String>) -> Result<Option<BalanceFrames>> {
    let key = [Value::Text(req.county.clone())];
    let got = (
        stored(wh, "balance_cv", "county_code = ?", &key, req.rules)?,
        stored(wh, "balance_verdicts", "county_code = ?", &key, req.rules)?,
        stored(wh, "balance_schools", "county_code = ? AND year = ?", &[key[0].clone(), Value::Int(req.year)], req.rules)?,
    );
    if let (Some(cv), Some(verdicts), Some(schools)) = got {
        return Ok(Some(BalanceFrames { cv, verdicts, schools }));
    }
    let inputs = Inputs::new(wh, req.rules, Selection { counties: vec![req.county.clone()], years: Vec::new() });
    if inputs.years()?.is_empty() {
        return Ok(None);
    }
    let b = ops::balance::balance(&inputs, Need::All, false)?;
    notes.push(req.lang.t("均衡指标为本次计算（仓库未存当前规则下的结果）。", "The balance figures were computed now (none stored under these rules).").into());
    let schools = b.schools.unwrap_or_default().lazy().filter(col("year").eq(lit(req.year))).collect()?;
    Ok(Some(BalanceFrames { cv: Got::computed(b.cv), verdicts: Got::computed(b.verdicts.unwrap_or_default()), schools: Got::computed(schools) }))
}

/// 数据质量 (数据核查): the audit's flags of the county-year, the county verdicts they could change, and the schools
/// to visit on site; read from the stored `audit` tables under the rules in force, or computed now. Returns the
/// section and the sensitive verdicts in words.
fn data_quality(wh: &Warehouse, req: &Request, notes: &mut Vec<String>) -> Result<(Section, Vec<String>)> {
    let lang = req.lang;
    let title = lang.t("九、数据质量（数据核查）", "9. Data quality (the audit)").to_string();
    let key = [Value::Text(req.county.clone()), Value::Int(req.year)];
    // The audit of the county-year is stored when its verdicts are (every audited county-year has rows there, its
    // flags perhaps none). The stored words are Chinese: an English report words the audit anew.
    let stored_audit = match lang {
        Lang::Zh => stored(wh, "audit_verdicts", "county_code = ? AND year = ?", &key, req.rules)?,
        Lang::En => None,
    };
    let (flags, verdicts) = match stored_audit {
        Some(v) => {
            let f = stored(wh, "audit", "county_code = ? AND year = ?", &key, req.rules)?;
            let empty = wh.query_df("SELECT * EXCLUDE (rules, rules_hash) FROM audit LIMIT 0")?;
            (f.unwrap_or(Got { df: empty, stored: Some("audit") }), v.df)
        }
        None => {
            let inputs = Inputs::new(wh, req.rules, Selection { counties: vec![req.county.clone()], years: vec![req.year] });
            let a = ops::audit::audit_in(&inputs, lang)?;
            notes.push(
                lang.t(
                    "数据核查为本次计算（仓库未存当前规则下的结果）。",
                    "The data audit was run now, under the same rules, to word its findings in English (the stored audit holds Chinese words).",
                )
                .into(),
            );
            (Got::computed(a.flags), a.verdicts)
        }
    };
    let mut blocks = Vec::new();
    let f = &flags.df;
    let severity = flags.strs("severity")?;
    let rule = flags.strs("rule")?;
    let strong = severity.iter().filter(|s| s.as_deref() == Some(crate::audit::STRONG)).count();
    let findings = rule.iter().filter(|r| matches!(r.as_deref(), Some("large_class" | "very_large_class"))).count();
    let hints = f.height() - strong - findings;
    blocks.push(Block::Paragraph(match lang {
        Lang::Zh => format!(
            "按逻辑校验和经验校验规则（规则文件 audit.toml）核查 {} 年学校和县级数据：强制性问题（不可能的数值）{} 项，提示性问题（疑似错误，需更正或说明）{} 项，大班额等情况 {} 项。",
            req.year, strong, hints, findings
        ),
        Lang::En => format!(
            "The {} school and county data, checked by the logical and empirical rules (audit.toml): {} impossible values, {} suspicious ones (to be corrected or explained), {} findings such as large classes.",
            req.year, strong, hints, findings
        ),
    }));
    let mut sensitive = Vec::new();
    if verdicts.height() > 0 {
        let (levels, standards, messages) = (super::strs(&verdicts, "level")?, super::strs(&verdicts, "standard")?, super::strs(&verdicts, "message")?);
        let flag = verdicts.column("sensitive")?.bool()?;
        for i in 0..verdicts.height() {
            if flag.get(i) == Some(true) {
                let name = ops::audit::verdict_name(levels[i].as_deref().unwrap_or_default(), standards[i].as_deref().unwrap_or_default(), lang);
                sensitive.push(name);
                blocks.push(Block::Missing(messages[i].clone().unwrap_or_default()));
            }
        }
        if sensitive.is_empty() {
            blocks.push(Block::Paragraph(
                lang.t("去掉或修正疑似有误的数据后，各项均衡结论均不改变。", "No balance verdict changes when the suspected values are left out or corrected.").into(),
            ));
        }
    }
    if f.height() > 0 {
        let shown = 20.min(f.height());
        let mut t = Table {
            caption: match lang {
                Lang::Zh => format!("数据核查发现的问题（按对全县数据的影响排序，前 {shown} 项，共 {} 项）", f.height()),
                Lang::En => format!("What the audit found (by weight on the county's figures, first {shown} of {})", f.height()),
            },
            headers: [lang.t("学校", "school"), lang.t("规则", "rule"), lang.t("严重程度", "severity"), lang.t("说明", "message")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        let (names, messages) = (flags.strs("school_name")?, flags.strs("message")?);
        for i in 0..shown {
            t.rows.push(vec![
                Cell::text(names[i].clone().unwrap_or_else(|| lang.t("（县级）", "(county)").into())),
                Cell::text(crate::audit::rule_name(lang == Lang::Zh, rule[i].as_deref().unwrap_or_default()).to_string()),
                Cell::text(lang.word(severity[i].as_deref().unwrap_or_default())),
                Cell::text(messages[i].clone().unwrap_or_default()),
            ]);
        }
        blocks.push(Block::Table(t));
    }
    // The on-site sample: the schools a visit should see (seed: the year).
    let schools = wh.query_df_with(
        "SELECT year, county_code, school_id, school_name, school_type, urban_rural_code, primary_students, junior_students FROM schools WHERE county_code = ? AND year = ?",
        &key,
    )?;
    if schools.height() > 0 {
        let must = f
            .clone()
            .lazy()
            .filter(col("school_id").is_not_null().and(col("severity").eq(lit(crate::audit::STRONG)).or(col("sensitive").is_not_null())))
            .select([col("county_code"), col("school_id"), lit(lang.t("强制问题或结论依赖的疑似数据", "an impossible value or one a verdict hangs on")).alias("reason")])
            .collect()?;
        let seed = req.year as u64;
        let sample = crate::audit::sample::sample(&schools, &must, 10, seed)?;
        let (names, urban, teaches, reasons) = (super::strs(&sample, "school_name")?, super::strs(&sample, "urban")?, super::strs(&sample, "teaches")?, super::strs(&sample, "reason")?);
        let mut t = Table {
            caption: match lang {
                Lang::Zh => format!("建议实地核查的学校（{} 所；随机抽取的种子 {seed}，countyedu audit --sample 10 --seed {seed} 给出同一名单）", sample.height()),
                Lang::En => format!("Schools to visit on site ({}; drawn with seed {seed}: countyedu audit --sample 10 --seed {seed} gives the same list)", sample.height()),
            },
            headers: [lang.t("学校", "school"), lang.t("城乡", "area"), lang.t("学段", "teaches"), lang.t("理由", "why")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        for i in 0..sample.height() {
            let name = Cell::text(names[i].clone().unwrap_or_default());
            t.rows.push([name].into_iter().chain([&urban[i], &teaches[i], &reasons[i]].map(|c| Cell::text(lang.word(c.as_deref().unwrap_or_default())))).collect());
        }
        blocks.push(Block::Table(t));
    }
    Ok((Section { title, blocks }, sensitive))
}

/// 义务教育均衡: each CV against its limit, composite CVs, trends, the schools failing the school rule and those
/// that raise the CVs most; the CVs the county reported where it has no school data.
fn balance_section(wh: &Warehouse, req: &Request, ind: &Got, school_years: &[i32], notes: &mut Vec<String>) -> Result<Section> {
    let lang = req.lang;
    let mut blocks = Vec::new();
    let frames = if school_years.is_empty() { None } else { balance_frames(wh, req, notes)? };
    let this_year = frames.as_ref().map(|f| f.cv.df.clone().lazy().filter(col("year").eq(lit(req.year))).collect()).transpose()?;
    match (&frames, this_year.as_ref().filter(|d| d.height() > 0)) {
        (Some(f), Some(_)) => {
            for (level, ..) in LEVELS {
                levels_block(&mut blocks, req, f, level)?;
            }
            trends(&mut blocks, req, &f.verdicts)?;
        }
        _ => blocks.push(missing_block(
            lang,
            &format!("{} 年无学校数据，无法计算校际差异系数", req.year),
            &format!("no school data for {}: no inter-school CVs", req.year),
        )),
    }
    reported_cvs(&mut blocks, req, ind)?;
    Ok(Section { title: lang.t("三、义务教育均衡发展", "3. Balanced compulsory education").to_string(), blocks })
}

fn levels_block(blocks: &mut Vec<Block>, req: &Request, f: &BalanceFrames, level: &str) -> Result<()> {
    let lang = req.lang;
    let this = |d: LazyFrame| d.filter(col("year").eq(lit(req.year)).and(col("level").eq(lit(level))));
    let cvg = f.cv.select(this)?;
    let cv = &cvg.df;
    if cv.height() == 0 {
        return Ok(());
    }
    let lname = level_name(lang, level);
    blocks.push(Block::Subheading(format!("{lname}")));
    let (stds, ids, cvs, limits, met, n) = (strs(cv, "standard")?, strs(cv, "indicator")?, f64s(cv, "cv")?, f64s(cv, "threshold")?, cv.column("met")?.bool()?.clone(), f64s(cv, "n_schools")?);
    let notes = strs(cv, "note")?;
    // A CV that is missing because every school reported 0 is not a missing figure: the zeros were reported.
    let no_cv = |i: usize| -> &str {
        match notes[i].as_deref() {
            Some(n) if n.starts_with("mean is zero") => lang.t("均为 0，无差异系数", "all 0: no CV"),
            _ => lang.missing(),
        }
    };
    // The verdicts of the level.
    let vg = f.verdicts.select(this)?;
    let v = &vg.df;
    let (vstd, reasons, composite, vmet) = (strs(v, "standard")?, strs(v, "reason")?, f64s(v, "composite_cv")?, v.column("met")?.bool()?.clone());
    for (standard, zh, en) in [("quality", "优质均衡（教督〔2017〕6号）资源配置 7 项指标", "quality balance: the 7 resource indicators"), ("basic", "基本均衡（教督〔2012〕3号）8 项指标", "basic balance: the 8 indicators")] {
        let rows: Vec<usize> = (0..cv.height()).filter(|&i| stds[i].as_deref() == Some(standard)).collect();
        if rows.is_empty() {
            continue;
        }
        let mut t = Table {
            caption: format!("{} {lname} {}", req.year, lang.t(zh, en)),
            headers: [lang.t("指标", "indicator"), lang.t("学校数", "schools"), lang.t("差异系数", "CV"), lang.t("限值", "limit"), lang.t("结论", "verdict")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        let keys = ["year", "county_code", "level", "standard", "indicator"];
        let mut labels = Vec::new();
        let (mut values, mut lims) = (Vec::new(), Vec::new());
        for &i in &rows {
            let id = ids[i].clone().unwrap_or_default();
            let name = balance::INDICATORS.iter().find(|x| x.id == id).map_or(id.clone(), |x| x.name_zh.to_string());
            let verdict = match (met.get(i), limits[i], cvs[i]) {
                (Some(true), ..) => lang.t("达标", "within"),
                (Some(false), ..) => lang.t("超出限值", "over the limit"),
                (None, None, Some(_)) => "—",
                (None, ..) => no_cv(i),
            };
            t.rows.push(vec![
                Cell::text(if lang == Lang::Zh { name.clone() } else { id.clone() }),
                Cell::figure(n[i], fmt::count, "0").from(cvg.src(i, &keys, "n_schools")),
                Cell::figure(cvs[i], fmt::ratio, no_cv(i)).from(cvg.src(i, &keys, "cv")),
                Cell::figure(limits[i], fmt::ratio, "—").from(cvg.src(i, &keys, "threshold")),
                Cell::text(verdict),
            ]);
            labels.push(if lang == Lang::Zh { short_name(&id).to_string() } else { id.replace("_per_", "/").replace('_', " ") });
            values.push(cvs[i]);
            lims.push(limits[i]);
        }
        if let Some(j) = (0..v.height()).find(|&j| vstd[j].as_deref() == Some(standard)) {
            let verdict = match vmet.get(j) {
                Some(true) => lang.t("达到", "met"),
                Some(false) => lang.t("未达到", "not met"),
                None => lang.missing(),
            };
            let s = format!("{lname}{}{}{verdict}", lang.t(if standard == "basic" { "基本均衡" } else { "优质均衡" }, if standard == "basic" { " basic balance" } else { " quality balance" }), lang.t("：", ": "));
            if let (Some(c), "basic") = (composite[j], standard) {
                t.rows.push(vec![
                    Cell::text(lang.t("综合差异系数", "composite CV")),
                    Cell::text(""),
                    Cell::figure(Some(c), fmt::ratio, "").from(vg.src(j, &["year", "county_code", "level", "standard"], "composite_cv")),
                    Cell::figure(f64s(v, "cv_threshold")?[j], fmt::ratio, "—").from(vg.src(j, &["year", "county_code", "level", "standard"], "cv_threshold")),
                    Cell::text(verdict),
                ]);
            }
            let (n_ind, n_met, n_sch, n_pass, threshold) =
                (f64s(&v, "indicators")?[j], f64s(&v, "indicators_met")?[j], f64s(&v, "schools")?[j], f64s(&v, "schools_passing")?[j], f64s(&v, "cv_threshold")?[j]);
            let mut why = Vec::new();
            if standard == "basic" {
                if let (Some(c), Some(t)) = (composite[j], threshold) {
                    why.push(match lang {
                        Lang::Zh => format!("综合差异系数 {}，限值 {}", fmt::ratio(c), fmt::ratio(t)),
                        Lang::En => format!("the composite CV {} against {}", fmt::ratio(c), fmt::ratio(t)),
                    });
                }
            } else {
                if let (Some(a), Some(b)) = (n_met, n_ind) {
                    why.push(match lang {
                        Lang::Zh => format!("{} 项指标中 {} 项差异系数在限值以内", fmt::count(b), fmt::count(a)),
                        Lang::En => format!("{} of {} CVs within their limits", fmt::count(a), fmt::count(b)),
                    });
                }
                if let (Some(a), Some(b)) = (n_pass, n_sch) {
                    why.push(match lang {
                        Lang::Zh => format!("{} 所学校中 {} 所达到学校标准", fmt::count(b), fmt::count(a)),
                        Lang::En => format!("{} of {} schools pass the school rule", fmt::count(a), fmt::count(b)),
                    });
                }
            }
            if why.is_empty()
                && let Some(r) = &reasons[j]
            {
                why.push(r.clone());
            }
            let s = if why.is_empty() { s } else { format!("{s}{}", lang.aside(&why.join(lang.t("；", "; ")))) };
            blocks.push(Block::Paragraph(format!("{s}{}", lang.t("。", "."))));
        }
        if standard == "quality" {
            let svg = charts::bars_with_limits(&labels, &values, &lims, lang.t("差异系数（限值为虚线）", "CV (limits dashed)"), lang.t("限值", "limit"), lang).map_err(Error::other)?;
            blocks.push(Block::Chart(Chart { id: format!("cv-{level}"), title: format!("{lname} {}", lang.t("优质均衡 7 项指标差异系数与限值", "quality CVs against their limits")), svg, data: t.clone() }));
        } else {
            blocks.push(Block::Table(t));
        }
    }
    failing_schools(blocks, req, &f.schools, level)?;
    Ok(())
}

/// The schools of a level failing the school rule (with what they lack), and those that raise the CVs most.
fn failing_schools(blocks: &mut Vec<Block>, req: &Request, schools: &Got, level: &str) -> Result<()> {
    let lang = req.lang;
    let schools = schools.select(|d| d.filter(col("level").eq(lit(level))))?;
    let df = &schools.df;
    if df.height() == 0 {
        return Ok(());
    }
    let (names, pass, met_n, drag) = (strs(&df, "school_name")?, df.column("school_pass")?.bool()?.clone(), f64s(&df, "indicators_met")?, f64s(&df, "cv_drag")?);
    let keys = ["year", "county_code", "school_id", "level"];
    let lname = level_name(lang, level);
    let mut failing: Vec<usize> = (0..df.height()).filter(|&i| pass.get(i) == Some(false)).collect();
    failing.sort_by(|a, b| met_n[*a].partial_cmp(&met_n[*b]).unwrap_or(std::cmp::Ordering::Equal));
    if failing.is_empty() {
        blocks.push(Block::Paragraph(match lang {
            Lang::Zh => format!("{lname}全部 {} 所学校达到优质均衡学校标准（7 项中至少 6 项达标、其余不低于 85%）。", df.height()),
            Lang::En => format!("All {} {lname} schools pass the school rule (6 of 7 met, the other at least 85%).", df.height()),
        }));
    } else {
        let mut t = Table {
            caption: format!("{lname}{}", lang.t("未达到优质均衡学校标准的学校及缺口", ": schools failing the school rule, and what they lack")),
            headers: [lang.t("学校", "school"), lang.t("达标项数", "standards met"), lang.t("缺口", "shortfalls")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        for &i in &failing {
            let mut gaps = Vec::new();
            for id in QUALITY_INDICATORS {
                let m = df.column(&format!("{id}_met"))?.bool()?.get(i);
                let short = f64s(&df, &format!("{id}_shortfall"))?[i];
                if m == Some(false)
                    && let Some(s) = short
                {
                    gaps.push(balance::shortfall_words(id, &fmt::trimmed(s, 2), lang));
                }
            }
            t.rows.push(vec![
                Cell::text(names[i].clone().unwrap_or_default()),
                Cell::figure(met_n[i], fmt::count, "—").from(schools.src(i, &keys, "indicators_met")),
                Cell::text(gaps.join(lang.t("；", "; "))),
            ]);
        }
        blocks.push(Block::Paragraph(match lang {
            Lang::Zh => format!("{lname} {} 所学校中有 {} 所未达到优质均衡学校标准，缺口见下表。", df.height(), failing.len()),
            Lang::En => format!("{} of {} {lname} schools fail the school rule; what they lack is below.", failing.len(), df.height()),
        }));
        blocks.push(Block::Table(t));
    }
    let mut by_drag: Vec<usize> = (0..df.height()).filter(|&i| drag[i].is_some()).collect();
    by_drag.sort_by(|a, b| drag[*b].partial_cmp(&drag[*a]).unwrap_or(std::cmp::Ordering::Equal));
    by_drag.truncate(5);
    if !by_drag.is_empty() {
        let students = f64s(&df, "students")?;
        let mut t = Table {
            caption: format!("{lname}{}", lang.t("对差异系数贡献最大的学校", ": the schools that raise the CVs most")),
            headers: [lang.t("学校", "school"), lang.t("在校生", "pupils"), lang.t("差异贡献", "share of the variance")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        for i in by_drag {
            t.rows.push(vec![
                Cell::text(names[i].clone().unwrap_or_default()),
                Cell::figure(students[i], fmt::count, "—").from(schools.src(i, &keys, "students")),
                Cell::figure(drag[i], fmt::ratio, "—").from(schools.src(i, &keys, "cv_drag")),
            ]);
        }
        blocks.push(Block::Table(t));
    }
    Ok(())
}

/// The basic composite CV of each level over the years held.
fn trends(blocks: &mut Vec<Block>, req: &Request, verdicts: &Got) -> Result<()> {
    let lang = req.lang;
    let verdicts = verdicts.select(|d| d.filter(col("standard").eq(lit("basic"))).sort(["year"], Default::default()))?;
    let v = &verdicts.df;
    let (years, levels, comp, lim) = (f64s(v, "year")?, strs(v, "level")?, f64s(v, "composite_cv")?, f64s(v, "cv_threshold")?);
    let mut series = Vec::new();
    let mut t = Table { caption: String::new(), headers: vec![lang.t("年份", "year").into(), lang.t("学段", "level").into(), lang.t("综合差异系数", "composite CV").into()], rows: Vec::new() };
    for (level, ..) in LEVELS {
        let pts: Vec<(i32, f64)> = (0..v.height()).filter(|&i| levels[i].as_deref() == Some(level)).filter_map(|i| Some((years[i]? as i32, comp[i]?))).collect();
        for i in (0..v.height()).filter(|&i| levels[i].as_deref() == Some(level) && comp[i].is_some()) {
            t.rows.push(vec![
                Cell::text(format!("{}", years[i].unwrap_or(0.0) as i32)),
                Cell::text(level_name(lang, level)),
                Cell::figure(comp[i], fmt::ratio, "").from(verdicts.src(i, &["year", "county_code", "level", "standard"], "composite_cv")),
            ]);
        }
        if !pts.is_empty() {
            series.push((level_name(lang, level), pts));
        }
    }
    if series.iter().map(|s| s.1.len()).sum::<usize>() < 2 {
        return Ok(());
    }
    // The limit of each level drawn (小学 0.65, 初中 0.55), not only the first one found.
    let mut limits: Vec<(f64, String)> = Vec::new();
    for (level, ..) in LEVELS {
        if let Some(l) = (0..v.height()).filter(|&i| levels[i].as_deref() == Some(level)).find_map(|i| lim[i]) {
            limits.push((l, format!("{}{} {}", level_name(lang, level), lang.t("限值", " limit"), fmt::ratio(l))));
        }
    }
    let svg = charts::lines(&series, lang.t("综合差异系数", "composite CV"), lang.t("年份", "year"), &limits).map_err(Error::other)?;
    blocks.push(Block::Chart(Chart { id: "cv-trend".into(), title: lang.t("基本均衡综合差异系数历年变化", "The basic composite CV over the years").into(), svg, data: t }));
    Ok(())
}

/// The CVs the county reported itself (reported_basic_cv_*, reported_quality_cv_*), over the years.
fn reported_cvs(blocks: &mut Vec<Block>, req: &Request, ind: &Got) -> Result<()> {
    let lang = req.lang;
    let (ids, years, values) = (ind.strs("indicator")?, ind.f64s("year")?, ind.f64s("value")?);
    let rows: Vec<usize> = (0..ind.df.height()).filter(|&i| ids[i].as_deref().is_some_and(|s| s.starts_with("reported_") && s.contains("_cv_"))).collect();
    if rows.is_empty() {
        return Ok(());
    }
    let mut t = Table {
        caption: lang.t("县级上报的差异系数", "CVs the county reported").into(),
        headers: [lang.t("年份", "year"), lang.t("标准", "standard"), lang.t("学段", "level"), lang.t("差异系数", "CV"), lang.t("限值", "limit"), lang.t("结论", "verdict")].map(String::from).to_vec(),
        rows: Vec::new(),
    };
    let mut series: BTreeMap<String, Vec<(i32, f64)>> = BTreeMap::new();
    for i in rows {
        let id = ids[i].clone().unwrap_or_default();
        let standard = if id.contains("basic") { "basic" } else { "quality" };
        let level = if id.ends_with("primary") { "primary" } else { "junior" };
        let lvl = if level == "primary" { balance::Level::Primary } else { balance::Level::Junior };
        let limit = if standard == "basic" { req.rules.balance.basic.composite_cv_max.get(lvl) } else { req.rules.balance.quality.cv_max.get(lvl) };
        let sname = lang.t(if standard == "basic" { "基本均衡综合" } else { "优质均衡资源配置" }, standard);
        t.rows.push(vec![
            Cell::text(format!("{}", years[i].unwrap_or(0.0) as i32)),
            Cell::text(sname),
            Cell::text(level_name(lang, level)),
            Cell::figure(values[i], |v| fmt::trimmed(v, 3), "").from(ind.src(i, &["year", "county_code", "indicator"], "value")),
            Cell::text(fmt::ratio(limit)),
            Cell::text(match values[i] {
                Some(v) if v <= limit => lang.t("达标", "within"),
                Some(_) => lang.t("超出限值", "over the limit"),
                None => lang.missing(),
            }),
        ]);
        if let (Some(y), Some(v)) = (years[i], values[i]) {
            series.entry(format!("{sname} {}", level_name(lang, level))).or_default().push((y as i32, v));
        }
    }
    blocks.push(Block::Subheading(lang.t("县级上报的差异系数", "The CVs the county reported").into()));
    let series: Vec<(String, Vec<(i32, f64)>)> = series.into_iter().collect();
    let svg = charts::lines(&series, lang.t("差异系数", "CV"), lang.t("年份", "year"), &[]).map_err(Error::other)?;
    blocks.push(Block::Chart(Chart { id: "reported-cv".into(), title: lang.t("县级上报的差异系数历年变化", "Reported CVs over the years").into(), svg, data: t }));
    Ok(())
}

/// 城乡差距: urban / town / rural means per quality indicator, ratios and the between-group share.
fn urban_rural(wh: &Warehouse, req: &Request, school_years: &[i32], notes: &mut Vec<String>) -> Result<Section> {
    let lang = req.lang;
    let mut blocks = Vec::new();
    let title = lang.t("四、城乡差距", "4. Urban and rural schools").to_string();
    if !school_years.contains(&req.year) {
        blocks.push(missing_block(lang, &format!("{} 年无学校数据，无法比较城乡学校", req.year), &format!("no school data for {}", req.year)));
        return Ok(Section { title, blocks });
    }
    let got = match stored(wh, "urban_rural", "county_code = ? AND year = ? AND grouping = 'three'", &[Value::Text(req.county.clone()), Value::Int(req.year)], req.rules)? {
        Some(g) => g,
        None => {
            notes.push(lang.t("城乡差距为本次计算（仓库未存当前规则下的结果）。", "The urban–rural figures were computed now.").into());
            let inputs = Inputs::new(wh, req.rules, Selection { counties: vec![req.county.clone()], years: vec![req.year] });
            Got::computed(ops::equity::urban_rural(&inputs, crate::equity::Grouping::Three)?.frame)
        }
    };
    let got = got.select(|d| d.filter(col("standard").eq(lit("quality"))))?;
    let df = &got.df;
    let (levels, ids) = (strs(df, "level")?, strs(df, "indicator")?);
    let cols = ["mean_urban", "mean_town", "mean_rural", "rural_urban_ratio", "between_share"];
    let values: Vec<Vec<Option<f64>>> = cols.iter().map(|c| f64s(df, c)).collect::<Result<_>>()?;
    let keys = ["year", "county_code", "grouping", "level", "standard", "indicator"];
    let mut lowest: Option<(f64, String)> = None;
    for (level, ..) in LEVELS {
        let rows: Vec<usize> = (0..df.height()).filter(|&i| levels[i].as_deref() == Some(level)).collect();
        if rows.is_empty() {
            continue;
        }
        let mut t = Table {
            caption: format!("{} {} {}", req.year, level_name(lang, level), lang.t("城乡学校资源配置均值比较（优质均衡 7 项指标）", "urban, town and rural means of the 7 quality indicators")),
            headers: [lang.t("指标", "indicator"), lang.t("城区", "urban"), lang.t("镇区", "town"), lang.t("乡村", "rural"), lang.t("乡村/城区", "rural/urban"), lang.t("组间差异占比", "between-group share")]
                .map(String::from)
                .to_vec(),
            rows: Vec::new(),
        };
        for i in rows {
            let id = ids[i].clone().unwrap_or_default();
            let name = balance::INDICATORS.iter().find(|x| x.id == id).map_or(id.clone(), |x| x.name_zh.to_string());
            let mut row = vec![Cell::text(if lang == Lang::Zh { name.clone() } else { id.clone() })];
            for (k, c) in cols.iter().enumerate() {
                let write: fn(f64) -> String = if k >= 3 { fmt::ratio } else { |v| fmt::trimmed(v, 2) };
                row.push(Cell::figure(values[k][i], write, "—").from(got.src(i, &keys, c)));
            }
            if let Some(r) = values[3][i]
                && lowest.as_ref().is_none_or(|l| r < l.0)
            {
                lowest = Some((r, if lang == Lang::Zh { format!("{}{}", level_name(lang, level), name) } else { format!("{} {id}", level_name(lang, level)) }));
            }
            t.rows.push(row);
        }
        blocks.push(Block::Table(t));
    }
    if let Some((r, what)) = lowest {
        blocks.insert(
            0,
            Block::Paragraph(match lang {
                Lang::Zh => format!("{} 年乡村学校与城区学校差距最大的是{}，乡村均值为城区的 {}。", req.year, what, fmt::pct(r * 100.0, 1)),
                Lang::En => format!("In {}, the widest gap is in {what}: the rural mean is {} of the urban one.", req.year, fmt::pct(r * 100.0, 1)),
            }),
        );
    }
    if blocks.is_empty() {
        blocks.push(missing_block(lang, "城乡分类不足以比较", "too few groups to compare"));
    }
    Ok(Section { title, blocks })
}

/// 学前教育 and every other indicator the county reported for the year, with the scheme's thresholds where a
/// point of the scheme judges it.
fn other_indicators(req: &Request, ind: &Got) -> Result<Section> {
    let lang = req.lang;
    let shown_elsewhere = ["edu_budget_expenditure", "edu_expenditure_per_student"];
    let (ids, years, values, units, names) = (ind.strs("indicator")?, ind.f64s("year")?, ind.f64s("value")?, ind.strs("unit")?, ind.strs("name_zh")?);
    let notes = ind.strs("note")?;
    let mut thresholds: HashMap<String, String> = HashMap::new();
    if let Some(s) = &req.scheme {
        for p in &s.scheme.points {
            if let Metric::Indicator(id) | Metric::Reported(id) = &p.metric {
                thresholds.entry(id.clone()).or_insert_with(|| match lang {
                    Lang::Zh => format!("{}（{}）", p.title_zh, p.id),
                    Lang::En => format!("{} ({})", crate::evaluate::point_name(p, &s.scheme, lang), p.id),
                });
            }
        }
    }
    let mut preschool = Table {
        caption: format!("{} {}", req.year, lang.t("学前教育", "preschool")),
        headers: [lang.t("指标", "indicator"), lang.t("数值", "value"), lang.t("评价观测点", "scheme point")].map(String::from).to_vec(),
        rows: Vec::new(),
    };
    let mut other = Table { caption: format!("{} {}", req.year, lang.t("其他上报指标", "other reported indicators")), headers: preschool.headers.clone(), rows: Vec::new() };
    for i in 0..ind.df.height() {
        let id = ids[i].clone().unwrap_or_default();
        if years[i] != Some(req.year as f64) || shown_elsewhere.contains(&id.as_str()) || (id.starts_with("reported_") && id.contains("_cv_")) {
            continue;
        }
        let unit = units[i].clone().unwrap_or_default();
        let row = vec![
            Cell::text(if lang == Lang::Zh { names[i].clone().unwrap_or(id.clone()) } else { id.clone() }),
            Cell::figure(values[i], marked(lang, notes[i].as_deref().is_some_and(expected_note), |v| fmt::in_unit_lang(v, &unit, lang == Lang::En)), lang.missing()).from(ind.src(i, &["year", "county_code", "indicator"], "value")),
            Cell::text(thresholds.get(&id).cloned().unwrap_or_else(|| "—".into())),
        ];
        let is_preschool = id.contains("preschool") || id.contains("puhui") || id.contains("kindergarten");
        if is_preschool { preschool.rows.push(row) } else { other.rows.push(row) }
    }
    let mut blocks = Vec::new();
    if preschool.rows.is_empty() {
        blocks.push(missing_block(lang, &format!("{} 年学前教育指标（毛入园率、普惠率、公办率）未填报", req.year), &format!("no preschool indicators for {}", req.year)));
    } else {
        blocks.push(Block::Table(preschool));
    }
    if !other.rows.is_empty() {
        blocks.push(Block::Table(other));
    }
    Ok(Section { title: lang.t("五、学前教育及其他指标", "5. Preschool and other indicators").to_string(), blocks })
}

/// The evaluation under a scheme: stored (same scheme, version, year and rules) or computed now (every county of
/// the scheme, worded in `lang`).
pub fn evaluation_frames(wh: &Warehouse, run: &SchemeRun, year: i32, notes: &mut Vec<String>, lang: Lang) -> Result<(Got, Got)> {
    match stored_evaluation(wh, run, year)? {
        Some(frames) => Ok(frames),
        None => computed_evaluation(wh, run, year, notes, lang),
    }
}

/// The stored evaluation (summary, rows) under a scheme for the year and the rules in force, if any.
fn stored_evaluation(wh: &Warehouse, run: &SchemeRun, year: i32) -> Result<Option<(Got, Got)>> {
    let key = [Value::Text(run.scheme.name.clone()), Value::Text(run.scheme.version.clone()), Value::Int(year)];
    let w = "scheme = ? AND scheme_version = ? AND year = ?";
    Ok(stored(wh, "evaluation_summary", w, &key, run.rules)?.zip(stored(wh, "evaluation", w, &key, run.rules)?))
}

/// The evaluation computed now: every county of the scheme (the rank among them is read from the summary).
fn computed_evaluation(wh: &Warehouse, run: &SchemeRun, year: i32, notes: &mut Vec<String>, lang: Lang) -> Result<(Got, Got)> {
    notes.push(format!("{}{}", run.scheme.name, lang.t("的评价为本次计算（仓库未存）。", ": evaluated now (not stored).")));
    let e = ops::evaluate::evaluate_in(wh, run.scheme, run.path, run.rules, (year, false), None, lang)?;
    Ok((Got::computed(e.summary), Got::computed(e.rows)))
}

/// [`evaluation_frames`] with the words a reader reads (explanations, gap lists, data-check notes) in `lang`: the
/// stored evaluation holds Chinese words, so an English report words it anew (the same rules and figures) and
/// keeps the stored figures and their sources.
pub fn evaluation_in_words(wh: &Warehouse, run: &SchemeRun, (year, county): (i32, &str), notes: &mut Vec<String>, lang: Lang) -> Result<(Got, Got)> {
    let Some((summary, rows)) = stored_evaluation(wh, run, year)? else { return computed_evaluation(wh, run, year, notes, lang) };
    if lang == Lang::Zh {
        return Ok((summary, rows));
    }
    // The figures and ranks are the stored ones; only the county's own words are made anew.
    let e = ops::evaluate::evaluate_in(wh, run.scheme, run.path, run.rules, (year, false), Some(county), lang)?;
    notes.push(format!("{}: the stored evaluation, its explanations worded in English now under the same rules.", run.scheme.name));
    let summary = with_words(summary, &e.summary, &["county_code"], &["largest_gaps", "gap_list"])?;
    let rows = with_words(rows, &e.rows, &["county_code", "point_id"], &["explanation", "data_check", "point_en"])?;
    Ok((summary, rows))
}

/// `got` with its text columns `columns` taken from `words` (the same rows worded in another language), matched by
/// `keys`; a row `words` lacks keeps its own text.
fn with_words(got: Got, words: &DataFrame, keys: &[&str], columns: &[&str]) -> Result<Got> {
    let key_of = |df: &DataFrame| -> Result<Vec<String>> {
        let parts = keys.iter().map(|k| strs(df, k)).collect::<Result<Vec<_>>>()?;
        Ok((0..df.height()).map(|i| parts.iter().map(|p| p[i].clone().unwrap_or_default()).collect::<Vec<_>>().join("\u{1}")).collect())
    };
    let (mine, theirs) = (key_of(&got.df)?, key_of(words)?);
    let at: std::collections::HashMap<&str, usize> = theirs.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let mut df = got.df;
    for c in columns {
        let (own, new) = (strs(&df, c)?, strs(words, c)?);
        let merged: Vec<Option<String>> = mine.iter().enumerate().map(|(i, k)| at.get(k.as_str()).map_or_else(|| own[i].clone(), |&j| new[j].clone())).collect();
        df.with_column(Column::new((*c).into(), merged))?;
    }
    Ok(Got { df, stored: got.stored })
}

/// 评价结果 and 存在问题, and the 优质均衡 verdict with its 差距清单.
fn evaluation(wh: &Warehouse, req: &Request, area: &Area, notes: &mut Vec<String>) -> Result<Vec<Section>> {
    let lang = req.lang;
    let mut result = Vec::new();
    let mut problems = Vec::new();
    if let Some(run) = &req.scheme {
        let (summary, rows) = evaluation_in_words(wh, run, (req.year, &area.code), notes, lang)?;
        let codes = summary.strs("county_code")?;
        let provinces = summary.strs("province_code")?;
        let totals = summary.f64s("total")?;
        match codes.iter().position(|c| c.as_deref() == Some(area.code.as_str())) {
            None => result.push(missing_block(lang, &format!("{} 未对该县作出评价（无数据）", run.scheme.name), "the scheme has no verdict on this county")),
            Some(i) => {
                // Ranked among the province's counties graded on their data, by the score on the points with
                // data (the total where every point has data): a county is never ranked down for data it has not
                // reported.
                let on_data = summary.f64s("score_on_data")?;
                let graded = summary.strs("grade_on_data")?;
                let peers: Vec<usize> = (0..summary.df.height()).filter(|&j| provinces[j] == provinces[i] && graded[j].is_some()).collect();
                let rank = graded[i].as_ref().map(|_| 1 + peers.iter().filter(|&&j| on_data[j] > on_data[i]).count());
                let keys = ["scheme", "scheme_version", "year", "county_code"];
                let grade = summary.strs("grade")?[i].clone().unwrap_or_default();
                let (failed, missing) = (summary.f64s("failed_points")?[i], summary.f64s("missing_points")?[i]);
                let (judged, max) = (summary.f64s("points_with_data")?[i].unwrap_or(0.0), summary.f64s("max_points")?[i].unwrap_or(run.scheme.total_points));
                let vetoes = summary.strs("vetoes")?[i].clone().unwrap_or_default();
                // A failed 一票否决 item comes first: it caps the grade whatever the points.
                if !vetoes.is_empty() {
                    let named: Vec<String> = vetoes
                        .split(", ")
                        .map(|id| run.scheme.points.iter().find(|p| p.id == id).map_or(id.to_string(), |p| format!("{id} {}", if lang == Lang::Zh { p.title_zh.clone() } else { crate::evaluate::point_name(p, run.scheme, lang) })))
                        .collect();
                    result.push(Block::Missing(match lang {
                        Lang::Zh => format!("一票否决：{}未达到，等级至多为{}。", named.join("、"), run.scheme.veto_grade),
                        Lang::En => format!("Veto (一票否决) not met: {}; the grade is at most {}.", named.join("; "), lang.word(&run.scheme.veto_grade)),
                    }));
                }
                let total = fmt::trimmed(totals[i].unwrap_or(0.0), 2);
                let place = |zh: bool| match rank {
                    Some(r) if zh => format!("按有数据观测点的得分率，在{}已评定的 {} 个县（市、区）中排第 {r} 位", area.province, peers.len()),
                    Some(r) => format!("rank {r} of the {} graded counties of {} by the score on the points with data", peers.len(), area.province),
                    None if zh => "有数据的观测点不足一半，不排名".to_string(),
                    None => "fewer than half the points have data: not ranked".to_string(),
                };
                let settled = grade != crate::evaluate::scheme::PENDING;
                result.push(Block::Paragraph(match (lang, settled) {
                    (Lang::Zh, true) => format!(
                        "按《{}》（{} 版）评价，{}{} 年得分 {total}（满分 {}），等级为{grade}；{}。",
                        run.scheme.name, run.scheme.version, name_before_number(&area.name), req.year, fmt::trimmed(max, 2), place(true)
                    ),
                    (Lang::Zh, false) => format!(
                        "按《{}》（{} 版）评价，{}{} 年已有数据的观测点共 {} 分，得 {total} 分，折合百分制 {}；{} 个观测点待补报数据，等级待补报（按有数据的观测点评定为{}）；{}。",
                        run.scheme.name,
                        run.scheme.version,
                        name_before_number(&area.name),
                        req.year,
                        fmt::trimmed(judged, 2),
                        on_data[i].map_or("—".to_string(), |v| fmt::trimmed(v, 2)),
                        fmt::count(missing.unwrap_or(0.0)),
                        graded[i].clone().unwrap_or_else(|| "—（有数据的观测点不足一半）".into()),
                        place(true)
                    ),
                    (Lang::En, true) => format!(
                        "Under {} (version {}), {} scores {total} of {} in {}: grade {}; {}.",
                        run.scheme.name, run.scheme.version, area.name, fmt::trimmed(max, 2), req.year, lang.word(&grade), place(false)
                    ),
                    (Lang::En, false) => format!(
                        "Under {} (version {}), {} scores {total} of the {} points with data in {} ({} on a scale of 100); {} points lack data, so the grade is pending (on the points with data: {}); {}.",
                        run.scheme.name,
                        run.scheme.version,
                        area.name,
                        fmt::trimmed(judged, 2),
                        req.year,
                        on_data[i].map_or("—".to_string(), |v| fmt::trimmed(v, 2)),
                        fmt::count(missing.unwrap_or(0.0)),
                        graded[i].as_deref().map_or_else(|| "— (fewer than half the points have data)".into(), |g| lang.word(g)),
                        place(false)
                    ),
                }));
                result.push(Block::Table(Table {
                    caption: lang.t("评价结果", "The verdict").into(),
                    headers: [
                        lang.t("得分", "score"),
                        lang.t("有数据的观测点分值", "points with data"),
                        lang.t("满分", "out of"),
                        lang.t("等级", "grade"),
                        lang.t("按有数据观测点评定", "grade on the data"),
                        lang.t("省内排名", "rank in province"),
                        lang.t("未达到观测点", "points failed"),
                        lang.t("待填报观测点", "points without data"),
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: vec![vec![
                        Cell::figure(totals[i], |v| fmt::trimmed(v, 2), "").from(summary.src(i, &keys, "total")),
                        Cell::figure(Some(judged), |v| fmt::trimmed(v, 2), "").from(summary.src(i, &keys, "points_with_data")),
                        Cell::figure(Some(max), |v| fmt::trimmed(v, 2), "").from(summary.src(i, &keys, "max_points")),
                        Cell::text(lang.word(&grade)),
                        Cell::text(graded[i].as_deref().map_or_else(|| "—".into(), |g| lang.word(g))),
                        Cell::text(rank.map_or("—".to_string(), |r| format!("{r} / {}", peers.len()))),
                        Cell::figure(failed, fmt::count, "0").from(summary.src(i, &keys, "failed_points")),
                        Cell::figure(missing, fmt::count, "0").from(summary.src(i, &keys, "missing_points")),
                    ]],
                }));
                problems = problem_sentences(&rows, &area.code, lang)?;
            }
        }
    } else {
        // Only the default scheme is left out, when its years do not cover this one (a scheme given with
        // --scheme that does not is refused).
        result.push(missing_block(
            lang,
            &format!("默认评价方案不适用于 {} 年（可用 --scheme 指定适用的方案）", req.year),
            &format!("the default scheme does not apply to {} (name one with --scheme)", req.year),
        ));
    }
    if let Some(run) = &req.quality {
        let (summary, _) = evaluation_in_words(wh, run, (req.year, &area.code), notes, lang)?;
        let codes = summary.strs("county_code")?;
        if let Some(i) = codes.iter().position(|c| c.as_deref() == Some(area.code.as_str())) {
            let grade = summary.strs("grade")?[i].clone().unwrap_or_default();
            let gaps = summary.strs("gap_list")?[i].clone().unwrap_or_default();
            result.push(Block::Subheading(lang.t("优质均衡发展县认定准备情况", "Readiness for the 优质均衡 recognition").into()));
            result.push(Block::Paragraph(match lang {
                Lang::Zh => format!("按《{}》，{} 年认定结论：{}。", run.scheme.name, req.year, grade),
                Lang::En => format!("Under {}, the {} verdict is: {}.", run.scheme.name, req.year, lang.word(&grade)),
            }));
            if !gaps.is_empty() {
                result.push(Block::Paragraph(format!("{}{gaps}", lang.t("差距清单：", "Gap list: "))));
            }
        }
    }
    let mut sections = vec![Section { title: lang.t("六、评价结果", "6. The verdict").to_string(), blocks: result }];
    let blocks = if problems.is_empty() {
        vec![Block::Paragraph(lang.t("各观测点均已达到。", "Every point is met.").into())]
    } else {
        vec![
            Block::Paragraph(
                lang.t(
                    "以下先列一票否决项，再按失分从多到少列出未达到的观测点，最后列出待补报数据的观测点（不计为失分）：",
                    "Veto items first, then the points not met, largest loss first, then the points without data (not counted as lost):",
                )
                .into(),
            ),
            Block::Table(problems_table(problems, lang)),
        ]
    };
    sections.push(Section { title: lang.t("七、存在问题", "7. Problems").to_string(), blocks });
    Ok(sections)
}

/// Every failed, partial or missing point of the county: failed 一票否决 items first, then the points lost,
/// largest first, then the points without data (none of which is a point lost): (point, loss or `None` for a
/// point without data, sentence).
fn problem_sentences(rows: &Got, code: &str, lang: Lang) -> Result<Vec<(String, Option<f64>, String)>> {
    let veto: Vec<Option<bool>> = rows.df.column("veto")?.bool()?.iter().collect();
    let (codes, status, points, earned, title, title_en, expl, ids) = (
        rows.strs("county_code")?,
        rows.strs("status")?,
        rows.f64s("points")?,
        rows.f64s("earned")?,
        rows.strs("point")?,
        rows.strs("point_en")?,
        rows.strs("explanation")?,
        rows.strs("point_id")?,
    );
    let mut out = Vec::new();
    for i in 0..rows.df.height() {
        if codes[i].as_deref() != Some(code) || status[i].as_deref() == Some("met") {
            continue;
        }
        let missing = status[i].as_deref() == Some("missing");
        let loss = (!missing).then(|| points[i].unwrap_or(0.0) - earned[i].unwrap_or(0.0));
        let name = if lang == Lang::Zh { title[i].clone() } else { title_en[i].clone().filter(|t| !t.is_empty()).or(title[i].clone()) }.unwrap_or_default();
        let explained = expl[i].clone().unwrap_or_default();
        let what = if missing { format!("{}{}", lang.missing(), lang.aside(&explained)) } else { explained };
        let vetoed = veto[i] == Some(true) && status[i].as_deref() == Some("failed");
        let label = if vetoed { format!("{}{} {name}", lang.t("【一票否决】", "[veto] "), ids[i].clone().unwrap_or_default()) } else { format!("{} {name}", ids[i].clone().unwrap_or_default()) };
        out.push((vetoed, label, loss, what));
    }
    // Vetoes first, then points lost (largest first), then points without data.
    out.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.is_some().cmp(&a.2.is_some())).then(b.2.partial_cmp(&a.2).unwrap_or(std::cmp::Ordering::Equal)).then(a.1.cmp(&b.1)));
    Ok(out.into_iter().map(|(_, l, loss, w)| (l, loss, w)).collect())
}

fn problems_table(problems: Vec<(String, Option<f64>, String)>, lang: Lang) -> Table {
    Table {
        caption: String::new(),
        headers: [lang.t("观测点", "point"), lang.t("失分", "points lost"), lang.t("情况", "what the figures say")].map(String::from).to_vec(),
        rows: problems.into_iter().map(|(p, loss, s)| vec![Cell::text(p), Cell::figure(loss, |v| fmt::trimmed(v, 2), lang.t("待补报", "pending")), Cell::text(s)]).collect(),
    }
}

/// A column of `schools` as the report's language names it (its Chinese header in a Chinese report).
fn column_name(lang: Lang, column: &str) -> String {
    match (lang, crate::model::Table::Schools.column(column)) {
        (Lang::Zh, Some(spec)) => spec.zh[0].to_string(),
        _ => column.to_string(),
    }
}

/// 达到优质均衡的投入测算: `countyedu plan` for the county-year (national unit costs), its cost by category, the
/// schools passing and the largest CV before and after, and the largest additions.
fn investment(wh: &Warehouse, req: &Request, school_years: &[i32]) -> Result<Section> {
    let lang = req.lang;
    let title = lang.t("八、达到优质均衡的投入测算", "8. What reaching 优质均衡 would cost").to_string();
    if !school_years.contains(&req.year) {
        return Ok(Section { title, blocks: vec![missing_block(lang, &format!("{} 年无学校数据，无法测算", req.year), &format!("no school data for {}", req.year))] });
    }
    let inputs = Inputs::new(wh, req.rules, Selection { counties: vec![req.county.clone()], years: vec![req.year] });
    let costs = crate::plan::Costs::national();
    let planned = ops::plan::plan_in(&inputs, &costs, &[], None, lang)?;
    let s = &planned.summary;
    let mut blocks = vec![Block::Paragraph(
        lang.t(
            "按全国默认单位成本（每项均为说明了依据的假设）测算使每所学校达到优质均衡学校标准、7 项差异系数均不超过限值所需的最少投入；规划结果已按同一规则重新计算差异系数和达标情况复核。",
            "The least investment that makes every school pass the school rule and every one of the 7 CVs fall within its limit, at the national default unit costs of config/costs.toml (stated assumptions), by countyedu plan; the engine's own verdict checks the result.",
        )
        .into(),
    )];
    let mut t = Table {
        caption: format!("{} {}", req.year, lang.t("投入测算（按学段）", "investment by level")),
        headers: [
            lang.t("学段", "level"),
            lang.t("合计", "total"),
            lang.t("教师（含首年工资）", "teachers (with the first year's pay)"),
            lang.t("校舍", "building"),
            lang.t("运动场地", "grounds"),
            lang.t("设备", "equipment"),
            lang.t("多媒体教室", "rooms"),
            lang.t("达标学校（前→后）", "schools passing (before → after)"),
            lang.t("最大差异系数（前→后）", "largest CV (before → after)"),
            lang.t("复核结论", "the engine's verdict"),
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    let levels = strs(s, "level")?;
    let col = |c: &str| f64s(s, c);
    let (total, teachers, building, grounds, equipment, rooms) = (col("cost")?, col("cost_teachers")?, col("cost_building")?, col("cost_grounds")?, col("cost_equipment")?, col("cost_rooms")?);
    let (n, p0, p1, m0, m1) = (col("schools")?, col("schools_passing_before")?, col("schools_passing_after")?, col("max_cv_before")?, col("max_cv_after")?);
    let (v0, v1) = (strs(s, "verdict_before")?, strs(s, "verdict_after")?);
    // 小学 before 初中, as every table of the report.
    let mut order: Vec<usize> = (0..s.height()).collect();
    order.sort_by_key(|&i| LEVELS.iter().position(|l| Some(l.0) == levels[i].as_deref()).unwrap_or(LEVELS.len()));
    for i in order {
        let level = levels[i].clone().unwrap_or_default();
        let lname = level_name(lang, &level);
        let money = money(lang);
        t.rows.push(vec![
            Cell::text(lname.clone()),
            Cell::figure(total[i], money, "0"),
            Cell::figure(teachers[i], money, "0"),
            Cell::figure(building[i], money, "0"),
            Cell::figure(grounds[i], money, "0"),
            Cell::figure(equipment[i], money, "0"),
            Cell::figure(rooms[i], money, "0"),
            Cell::text(format!("{} → {} / {}", fmt::count(p0[i].unwrap_or(0.0)), fmt::count(p1[i].unwrap_or(0.0)), fmt::count(n[i].unwrap_or(0.0)))),
            Cell::text(format!("{} → {}", m0[i].map_or("—".into(), fmt::ratio), m1[i].map_or("—".into(), fmt::ratio))),
            Cell::text(lang.word(v1[i].as_deref().unwrap_or_default())),
        ]);
        let sentence = match (lang, v0[i].as_deref(), total[i].unwrap_or(0.0) > 0.0) {
            (Lang::Zh, Some("达到"), _) => format!("{lname}已达到优质均衡，无需新增投入。"),
            (Lang::Zh, _, true) => format!(
                "{lname}需投入约 {}，{} 所学校中达标学校由 {} 所增至 {} 所，复核结论：{}。",
                money(total[i].unwrap_or(0.0)),
                fmt::count(n[i].unwrap_or(0.0)),
                fmt::count(p0[i].unwrap_or(0.0)),
                fmt::count(p1[i].unwrap_or(0.0)),
                v1[i].clone().unwrap_or_default()
            ),
            (Lang::Zh, _, false) => format!("{lname}未达到优质均衡，但无法仅靠增加资源达到（见注）。"),
            (Lang::En, Some("达到"), _) => format!("{lname}: already reaches 优质均衡."),
            (Lang::En, ..) => format!("{lname}: about {}; the engine's verdict with the plan: {}.", money(total[i].unwrap_or(0.0)), lang.word(v1[i].as_deref().unwrap_or_default())),
        };
        blocks.push(Block::Paragraph(sentence));
        if let Some(note) = strs(s, "note")?[i].clone().filter(|n| !n.is_empty()) {
            blocks.push(Block::Paragraph(format!("{}{note}", lang.t("注：", "Note: "))));
        }
    }
    blocks.push(Block::Table(t));
    // A hired teacher is paid every year: the plan counts the hiring and the first year's pay, the rest is one-off.
    let hires: f64 = {
        let (res, adds) = (strs(&planned.rows, "resource")?, f64s(&planned.rows, "add")?);
        (0..planned.rows.height()).filter(|&i| LEVELS.iter().any(|l| res[i].as_deref() == Some(&format!("{}_teachers", l.0)))).filter_map(|i| adds[i]).sum()
    };
    if hires > 0.0 {
        let pay = costs.teachers.annual_pay_yuan;
        blocks.push(Block::Paragraph(match lang {
            Lang::Zh => format!(
                "教师一栏为新招聘教师 {} 人的招聘费用和第一年工资；工资此后每年发生（按每人每年 {} 元计，每年约 {}），不是一次性投入。校舍、运动场地、设备和多媒体教室为一次性投入。",
                fmt::count(hires),
                fmt::count(pay),
                fmt::wan(hires * pay)
            ),
            Lang::En => format!(
                "The teachers' column is the hiring and first year's pay of {} new teachers; their pay recurs every year (at {} a teacher a year, about {} a year), unlike the one-off building, grounds, equipment and rooms.",
                fmt::count(hires),
                fmt::money_en(pay),
                fmt::money_en(hires * pay)
            ),
        }));
    }
    let rows = planned.rows.clone().lazy().filter(polars::prelude::col("cost").gt(lit(0.0))).sort(["cost"], SortMultipleOptions::default().with_order_descending(true)).limit(15).collect()?;
    if rows.height() > 0 {
        let (names, res, adds, units, costs, levels) = (strs(&rows, "school_name")?, strs(&rows, "resource")?, f64s(&rows, "add")?, strs(&rows, "unit")?, f64s(&rows, "cost")?, strs(&rows, "level")?);
        let mut t = Table {
            caption: match (lang, rows.height()) {
                (Lang::Zh, 15) => "投入最大的 15 项".to_string(),
                (Lang::Zh, n) => format!("全部 {n} 项投入（按费用从大到小）"),
                (Lang::En, 15) => "The 15 largest additions".to_string(),
                (Lang::En, n) => format!("All {n} additions, largest first"),
            },
            headers: [lang.t("学校", "school"), lang.t("学段", "level"), lang.t("资源", "resource (schools column)"), lang.t("增加", "add"), lang.t("费用", "cost")].map(String::from).to_vec(),
            rows: Vec::new(),
        };
        for i in 0..rows.height() {
            let unit = units[i].clone().unwrap_or_default();
            t.rows.push(vec![
                Cell::text(names[i].clone().unwrap_or_default()),
                Cell::text(level_name(lang, levels[i].as_deref().unwrap_or(""))),
                Cell::text(column_name(lang, res[i].as_deref().unwrap_or_default())),
                Cell::figure(adds[i], |v| if lang == Lang::Zh { format!("{} {unit}", fmt::count(v)) } else { fmt::in_unit_lang(v, &unit, true) }, ""),
                Cell::figure(costs[i], money(lang), ""),
            ]);
        }
        blocks.push(Block::Table(t));
    }
    Ok(Section { title, blocks })
}
