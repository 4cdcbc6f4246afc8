//! Evaluation of counties against a scheme: each observation point's value, threshold, verdict, points earned and a
//! one-line explanation in plain words; per county the total, grade, failed points, vetoes, missing data and the
//! list of everything not met (差距清单); and the ranking. Pure: the metric values come in as [`Figures`], the
//! limits the rules give (CV limits) as the balance [`Config`].

pub mod scheme;

use std::collections::HashMap;

use polars::prelude::*;

pub use scheme::{Kind, Metric, Op, Point, Scheme, SchemeError, Scoring, Threshold};

use crate::balance::{self, Config};
use crate::lang::Lang;
use crate::model;

/// Metric values by (county, metric); the evidence notes of reported verdicts by (county, indicator id); notes
/// that belong to a county's metric value (schools left out of a rate, a CV the county reported), which end the
/// point's explanation; and details that say, better than the value, what is not met (the CVs over their limits,
/// the schools failing the school rule and what each lacks), which are the point's line in the 差距清单. The
/// notes, details, explanations and gap lists are worded in `lang` (Chinese, as stored, by default).
#[derive(Debug, Default, Clone)]
pub struct Figures {
    pub lang: Lang,
    pub values: HashMap<(String, Metric), f64>,
    pub notes: HashMap<(String, String), String>,
    pub metric_notes: HashMap<(String, Metric), String>,
    pub details: HashMap<(String, Metric), String>,
}

impl Figures {
    pub fn get(&self, county: &str, metric: &Metric) -> Option<f64> {
        self.values.get(&(county.to_string(), metric.clone())).copied()
    }

    fn note(&self, county: &str, metric: &Metric) -> Option<&String> {
        self.metric_notes.get(&(county.to_string(), metric.clone()))
    }

    fn detail(&self, county: &str, metric: &Metric) -> Option<&String> {
        self.details.get(&(county.to_string(), metric.clone()))
    }
}

/// A county as the evaluation needs it.
#[derive(Clone, Debug)]
pub struct County {
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    pub prefecture_name: String,
    pub province_code: String,
    pub province_name: String,
    pub region: String,
    /// Whether the warehouse holds any school or county indicator of the county for the year evaluated; a county
    /// without data is listed but not graded (无数据).
    pub has_data: bool,
}

pub fn level_zh(level: &str) -> &'static str {
    if level == "primary" { "小学" } else { "初中" }
}

pub fn indicator_zh(id: &str) -> String {
    balance::INDICATORS.iter().find(|i| i.id == id).map(|i| i.name_zh.to_string()).unwrap_or_else(|| id.to_string())
}

/// The name of a point in an explanation: its metric's Chinese label, or in English the point's own English title
/// (its metric in English words where the scheme gives none).
pub fn point_name(point: &Point, scheme: &Scheme, lang: Lang) -> String {
    match lang {
        Lang::Zh => label(&point.metric, scheme),
        Lang::En if !point.title.is_empty() => point.title.clone(),
        Lang::En => label_en(&point.metric),
    }
}

/// The metric in English words: an indicator by its id in words, the engine's metrics described.
pub fn label_en(metric: &Metric) -> String {
    let words = |id: &str| id.replace('_', " ");
    match metric {
        Metric::Indicator(id) | Metric::Reported(id) | Metric::Derived(id) => words(id),
        Metric::Check(id) => match id.as_str() {
            "budget_not_decreasing" => "public education spending not decreasing".into(),
            "per_student_not_decreasing" => "public education spending per pupil not decreasing".into(),
            "public_funds_primary" => "primary public funds per pupil at least the floor".into(),
            "public_funds_junior" => "junior public funds per pupil at least the floor".into(),
            "public_funds_special" => "special-education public funds per pupil at least the standard".into(),
            "matching_funds" => "county matching funds paid in full".into(),
            _ => "teachers' pay at least local civil servants'".into(),
        },
        Metric::BalanceMet { standard, level } => format!("{level} {}", if standard == "basic" { "basic balance" } else { "quality balance (resources)" }),
        Metric::CompositeCv { level } => format!("{level} composite CV"),
        Metric::Cv { level, indicator, .. } => format!("{level} CV of {indicator}"),
        Metric::QualityCvs { level } => format!("{level} largest of the 7 quality CVs"),
        Metric::SchoolsFailing { level } => format!("{level} schools failing the 7 standards"),
        Metric::SchoolPassRate { level } => format!("{level} schools passing the 7 standards (%)"),
        Metric::SizeRate(rule) => match rule.as_str() {
            "class_size" => "schools within the class-size limit (%)".into(),
            "school_size" => "schools within the school-size limit (%)".into(),
            "music_art_rooms" => "schools with their music and art rooms (%)".into(),
            _ => "schools paid their public funds in full (%)".into(),
        },
        Metric::Equity { measure, level, indicator, .. } => format!("{level} {indicator} {measure}"),
        Metric::UrbanRural { column, level, indicator, .. } => format!("{level} {indicator} {column}"),
        Metric::DerivedSchool { measure, id, level } => format!("{level} {} {measure}", words(id)),
    }
}

/// The metric in the words of a report.
pub fn label(metric: &Metric, scheme: &Scheme) -> String {
    match metric {
        Metric::Indicator(id) | Metric::Reported(id) => model::indicator(id).map(|i| i.name_zh.to_string()).unwrap_or_else(|| id.clone()),
        Metric::Check(id) => match id.as_str() {
            "budget_not_decreasing" => "一般公共预算教育支出逐年只增不减".into(),
            "per_student_not_decreasing" => "按在校学生人数平均的一般公共预算教育支出逐年只增不减".into(),
            "public_funds_primary" => "小学生均公用经费达到基准定额".into(),
            "public_funds_junior" => "初中生均公用经费达到基准定额".into(),
            "public_funds_special" => "特殊教育生均公用经费达到标准".into(),
            "matching_funds" => "县级配套资金足额到位".into(),
            _ => "教师平均工资收入不低于当地公务员".into(),
        },
        Metric::BalanceMet { standard, level } => {
            format!("{}{}", level_zh(level), if standard == "basic" { "基本均衡" } else { "优质均衡资源配置" })
        }
        Metric::CompositeCv { level } => format!("{} 综合差异系数", level_zh(level)),
        Metric::Cv { level, indicator, .. } => format!("{} {} 差异系数", level_zh(level), indicator_zh(indicator)),
        Metric::QualityCvs { level } => format!("{} 优质均衡资源配置 7 项指标差异系数（最大）", level_zh(level)),
        Metric::SchoolsFailing { level } => format!("{} 未达到 7 项标准的学校数", level_zh(level)),
        Metric::SchoolPassRate { level } => format!("{} 学校达标率（%）", level_zh(level)),
        Metric::SizeRate(rule) => match rule.as_str() {
            "class_size" => "班额达标学校比例（%）".into(),
            "school_size" => "学校规模达标比例（%）".into(),
            "music_art_rooms" => "音乐美术专用教室达标学校比例（%）".into(),
            _ => "公用经费足额拨付学校比例（%）".into(),
        },
        Metric::Equity { measure, level, indicator, .. } => format!("{} {} {measure}", level_zh(level), indicator_zh(indicator)),
        Metric::UrbanRural { column, level, indicator, .. } => format!("{} {} {column}", level_zh(level), indicator_zh(indicator)),
        Metric::Derived(id) => scheme.derived.iter().find(|d| &d.id == id).map(|d| d.title_zh.clone()).unwrap_or_else(|| id.clone()),
        Metric::DerivedSchool { measure, id, level } => {
            let title = scheme.derived.iter().find(|d| &d.id == id).map(|d| d.title_zh.clone()).unwrap_or_else(|| id.clone());
            if measure == "cv" { format!("{} {title} 差异系数", level_zh(level)) } else { format!("{} {title} {measure}", level_zh(level)) }
        }
    }
}

/// A distance from a limit: to the hundredth, or to four places when it is smaller than that (a CV of 0.5004 is
/// not "0.00" over its limit).
pub fn distance(d: f64) -> String {
    if d != 0.0 && d.abs() < 0.01 { format!("{d:.4}") } else { num(d) }
}

/// A value beside its limit: as [`num`] writes it, or to four places when it is that close to the limit.
pub fn near(v: f64, limit: f64) -> String {
    if (v - limit).abs() < 0.01 && v.fract() != 0.0 { format!("{v:.4}") } else { num(v) }
}

/// A number as a report writes it.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e12 {
        format!("{}", x as i64)
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// The outcome of one point for one county.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub value: Option<f64>,
    /// The threshold as written in the explanation.
    pub threshold: Option<String>,
    /// met, failed, missing (待填报) or partial (linear and share scoring between none and all).
    pub status: &'static str,
    pub earned: Option<f64>,
    pub explanation: String,
    /// For the 差距清单: what is not met and by how much.
    pub gap: Option<String>,
}

/// Scores one point for one county; a note the figures carry for the metric (schools left out of a rate, a CV
/// the county reported) ends the explanation.
pub fn score(point: &Point, county: &County, year: i32, figures: &Figures, scheme: &Scheme, cfg: &Config) -> Outcome {
    let mut o = score_value(point, county, year, figures, scheme, cfg);
    let lang = figures.lang;
    let name = point_name(point, scheme, lang);
    let note = figures.note(&county.code, &point.metric).filter(|_| o.value.is_some());
    if let Some(n) = note {
        o.explanation.push_str(&lang.aside(n));
    }
    if o.status == "met" {
        o.gap = None;
    } else {
        let gap = match (o.status, figures.detail(&county.code, &point.metric), &o.gap, note) {
            ("missing", _, _, _) => format!("{name}{}", lang.t("：待填报", ": not reported")),
            (_, Some(detail), _, _) => detail.clone(),
            (_, None, Some(g), Some(n)) => format!("{g}{}", lang.aside(n)),
            (_, None, Some(g), None) => g.clone(),
            (_, None, None, _) => o.explanation.clone(),
        };
        o.gap = Some(gap);
    }
    o
}

fn score_value(point: &Point, county: &County, year: i32, figures: &Figures, scheme: &Scheme, cfg: &Config) -> Outcome {
    let lang = figures.lang;
    let name = point_name(point, scheme, lang);
    let value = figures.get(&county.code, &point.metric);
    let Some(v) = value else {
        let explanation = format!("{name}{}", lang.t("：缺少数据（待填报）", ": no data (not reported)"));
        return Outcome { value: None, threshold: None, status: "missing", earned: None, explanation, gap: None };
    };
    let boolean = matches!(point.metric, Metric::Check(_) | Metric::BalanceMet { .. } | Metric::Reported(_));
    match &point.scoring {
        Scoring::Reported => {
            let met = v >= 1.0;
            let note = match &point.metric {
                Metric::Reported(id) => figures.notes.get(&(county.code.clone(), id.clone())).map(|n| lang.aside(n)).unwrap_or_default(),
                _ => String::new(),
            };
            let (explanation, gap) = match (lang, met) {
                (Lang::Zh, _) => (format!("{name}：县报{}{note}", if met { "已达到" } else { "未达到" }), format!("{name}：县报未达到{note}")),
                (Lang::En, _) => (format!("{name}: the county reports it {}{note}", if met { "met" } else { "not met" }), format!("{name}: the county reports it not met{note}")),
            };
            Outcome {
                value,
                threshold: Some("1".into()),
                status: if met { "met" } else { "failed" },
                earned: Some(if met { point.points } else { 0.0 }),
                explanation,
                gap: Some(gap),
            }
        }
        Scoring::PassFail { op, threshold } => pass_fail(point, county, year, (v, value), (&name, lang), (*op, threshold), boolean, cfg),
        Scoring::Linear { zero_at, full_at } => {
            let share = ((v - zero_at) / (full_at - zero_at)).clamp(0.0, 1.0);
            let earned = point.points * share;
            Outcome {
                value,
                threshold: Some(format!("{} → {}", num(*zero_at), num(*full_at))),
                status: if share >= 1.0 { "met" } else if share <= 0.0 { "failed" } else { "partial" },
                earned: Some(earned),
                explanation: match lang {
                    Lang::Zh => format!("{name} {}：{} 至 {} 之间按比例得 {} 分", num(v), num(*zero_at), num(*full_at), num(earned)),
                    Lang::En => format!("{name} {}: {} points, in proportion between {} and {}", num(v), num(earned), num(*zero_at), num(*full_at)),
                },
                gap: Some(match lang {
                    Lang::Zh => format!("{name} {}，满分需达到 {}", num(v), num(*full_at)),
                    Lang::En => format!("{name} {}; full points need {}", num(v), num(*full_at)),
                }),
            }
        }
        Scoring::Share => {
            let share = (v / 100.0).clamp(0.0, 1.0);
            let earned = point.points * share;
            Outcome {
                value,
                threshold: Some("100%".into()),
                status: if share >= 1.0 { "met" } else if share <= 0.0 { "failed" } else { "partial" },
                earned: Some(earned),
                explanation: match lang {
                    Lang::Zh => format!("{name} {}%，按比例得 {} 分", num(v), num(earned)),
                    Lang::En => format!("{name} {}%: {} points, in proportion", num(v), num(earned)),
                },
                gap: Some(match lang {
                    Lang::Zh => format!("{name} {}%，未达到 100%", num(v)),
                    Lang::En => format!("{name} {}%, short of 100%", num(v)),
                }),
            }
        }
    }
}

/// A pass/fail point: the value against the threshold (the scheme's, or the rules' limit), in words either way.
#[allow(clippy::too_many_arguments)]
fn pass_fail(
    point: &Point,
    county: &County,
    year: i32,
    (v, value): (f64, Option<f64>),
    (name, lang): (&str, Lang),
    (op, threshold): (Op, &Threshold),
    boolean: bool,
    cfg: &Config,
) -> Outcome {
    let resolved = match threshold {
        Threshold::Rules => point.metric.rule_limit(cfg).map(|(_, l)| (l, l)),
        t => t.resolve(&county.region, year),
    };
    let Some((low, high)) = resolved else {
        return Outcome {
            value,
            threshold: None,
            status: "missing",
            earned: None,
            explanation: match lang {
                Lang::Zh => format!("{name}：方案没有适用于 {} 的阈值", county.region),
                Lang::En => format!("{name}: the scheme has no threshold for {}", county.region),
            },
            gap: None,
        };
    };
    let met = match op {
        Op::Ge => v >= low,
        Op::Le => v <= low,
        Op::Lt => v < low,
        Op::Gt => v > low,
        Op::Eq => (v - low).abs() < 1e-9,
        Op::Between => v >= low && v <= high,
    };
    let shown = if op == Op::Between { format!("[{}, {}]", num(low), num(high)) } else { num(low) };
    let explanation = match (boolean, lang) {
        (true, _) => format!("{name}{}{}", lang.t("：", ": "), lang.word(if met { "达到" } else { "未达到" })),
        (false, _) => format!("{name} {} {} {shown}", num(v), relation(op, met, lang)),
    };
    let gap = match (boolean, op, lang) {
        (true, ..) => format!("{name}{}", lang.t("：未达到", ": not met")),
        (false, Op::Ge, Lang::Zh) => format!("{name} {}，低于 {shown}，差 {}", near(v, low), distance(low - v)),
        (false, Op::Le, Lang::Zh) => format!("{name} {}，超出 {shown} 限值 {}", near(v, low), distance(v - low)),
        (false, Op::Gt, Lang::Zh) => format!("{name} {}，须高于 {shown}", num(v)),
        (false, Op::Lt, Lang::Zh) => format!("{name} {}，须低于 {shown}", num(v)),
        (false, Op::Eq, Lang::Zh) => format!("{name} {}，应为 {shown}", num(v)),
        (false, Op::Between, Lang::Zh) => format!("{name} {}，不在 {shown}", num(v)),
        (false, Op::Ge, Lang::En) => format!("{name} {}, below {shown} by {}", near(v, low), distance(low - v)),
        (false, Op::Le, Lang::En) => format!("{name} {}, over the limit {shown} by {}", near(v, low), distance(v - low)),
        (false, Op::Gt, Lang::En) => format!("{name} {}, must be above {shown}", num(v)),
        (false, Op::Lt, Lang::En) => format!("{name} {}, must be below {shown}", num(v)),
        (false, Op::Eq, Lang::En) => format!("{name} {}, should be {shown}", num(v)),
        (false, Op::Between, Lang::En) => format!("{name} {}, outside {shown}", num(v)),
    };
    Outcome {
        value,
        threshold: Some(format!("{} {shown}", op.symbol())),
        status: if met { "met" } else { "failed" },
        earned: Some(if met { point.points } else { 0.0 }),
        explanation,
        gap: Some(gap),
    }
}

/// How a value relates to its threshold, as the explanation says it.
fn relation(op: Op, met: bool, lang: Lang) -> &'static str {
    match (op, met) {
        (Op::Between, true) => lang.t("在", "within"),
        (Op::Between, false) => lang.t("不在", "outside"),
        (Op::Ge, true) | (Op::Lt, false) => "≥",
        (Op::Ge, false) | (Op::Lt, true) => "<",
        (Op::Le, true) | (Op::Gt, false) => "≤",
        (Op::Le, false) | (Op::Gt, true) => ">",
        (Op::Eq, true) => "=",
        (Op::Eq, false) => "≠",
    }
}

/// Rounds points to the hundredth a ranking shows. Every earned value is rounded once, and totals are sums of
/// the rounded values, so that the points shown add up to the total shown and ties are judged on it.
pub fn round_points(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Per (county, point) rows and per county summaries for one year. Counties without data for the year get no
/// point rows and an ungraded summary (total and grade empty, 无数据). A recognition grades 达到 only when every
/// item applicable that year is met; every item not met, or without data (待填报), is in the 差距清单.
pub fn evaluate(scheme: &Scheme, year: i32, counties: &[County], figures: &Figures, cfg: &Config) -> PolarsResult<(DataFrame, DataFrame)> {
    let applies = |p: &Point| p.years.is_none_or(|[a, b]| (a..=b).contains(&year));
    let points: Vec<&Point> = scheme.points.iter().filter(|p| applies(p)).collect();
    let max = round_points(points.iter().map(|p| round_points(p.points)).sum());
    let lang = figures.lang;
    let mut rows = RowColumns::default();
    let mut summary = SummaryColumns::default();
    for county in counties {
        summary.county(year, scheme, county, max);
        if !county.has_data {
            summary.no_data(year, points.len(), lang);
            continue;
        }
        let (mut total, mut judged, mut failed, mut missing) = (0.0, 0.0, 0i64, 0i64);
        let mut missing_veto = false;
        let mut vetoes = Vec::new();
        let mut gaps: Vec<(f64, String)> = Vec::new();
        let mut all_gaps: Vec<(u8, f64, String)> = Vec::new();
        for p in &points {
            let mut o = score(p, county, year, figures, scheme, cfg);
            o.earned = o.earned.map(round_points);
            total += o.earned.unwrap_or(0.0);
            if o.status != "missing" {
                judged += round_points(p.points);
            }
            let lost = round_points(p.points - o.earned.unwrap_or(0.0));
            match o.status {
                "failed" | "partial" => {
                    failed += i64::from(o.status == "failed");
                    gaps.push((lost, format!("{} {}", p.id, o.explanation)));
                    if p.veto && o.status == "failed" {
                        vetoes.push(p.id.clone());
                    }
                }
                "missing" => {
                    missing += 1;
                    missing_veto |= p.veto;
                }
                _ => {}
            }
            if let Some(g) = &o.gap {
                // Failed 一票否决 items first, named so; then failed items (largest loss first), partial ones, and
                // those without data.
                let (order, named) = match o.status {
                    "failed" if p.veto => (0, format!("{} {} {g}", lang.t("一票否决", "veto:"), p.id)),
                    "failed" => (1, format!("{} {g}", p.id)),
                    "partial" => (2, format!("{} {g}", p.id)),
                    _ => (3, format!("{} {g}", p.id)),
                };
                all_gaps.push((order, lost, named));
            }
            rows.push(year, county, p, scheme, &o);
        }
        gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
        all_gaps.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        let largest: Vec<String> = gaps.iter().take(3).filter(|g| g.0 > 0.0).map(|g| format!("{}{}", g.1, lang.aside(&format!("−{}", num(g.0))))).collect();
        let total = round_points(total);
        let judged = round_points(judged);
        // A point without data is never a failed point: a grade that would rest on it is withheld (待补报), and
        // the grade the points with data earn is given beside it, said as such. A failed veto or a failed item of
        // a recognition settles the verdict whatever is missing.
        let vetoed = !vetoes.is_empty();
        let (grade, on_data, graded_on_data) = match scheme.kind {
            Kind::Recognition if all_gaps.is_empty() => (scheme::MET.to_string(), Some(total), Some(scheme::MET.to_string())),
            Kind::Recognition if failed > 0 || vetoed => (scheme::NOT_MET.to_string(), Some(total), Some(scheme::NOT_MET.to_string())),
            Kind::Recognition => (scheme::PENDING.to_string(), None, None),
            Kind::Points => {
                let on_data = (judged > 0.0).then(|| round_points(total / judged * max));
                // A grade on the points with data needs at least half of them judged.
                let graded = on_data.filter(|_| judged >= max / 2.0).map(|s| scheme.grade(s, vetoed));
                // Settled when the points without data cannot change it: the grade of the total is that of the
                // total with every such point earned, and none of them is a veto.
                let best = total + (max - judged);
                let settled = !missing_veto && scheme.grade(total, vetoed) == scheme.grade(best, vetoed);
                let grade = if settled { scheme.grade(total, vetoed) } else { scheme::PENDING.to_string() };
                (grade, on_data, graded)
            }
        };
        summary.total.push(Some(total));
        summary.points_with_data.push(judged);
        summary.grade.push(Some(grade));
        summary.score_on_data.push(on_data);
        summary.grade_on_data.push(graded_on_data);
        summary.failed.push(failed);
        summary.missing.push(missing);
        summary.vetoes.push(vetoes.join(", "));
        summary.gaps.push(largest.join(lang.t("；", "; ")));
        summary.gap_list.push(all_gaps.into_iter().map(|g| g.2).collect::<Vec<_>>().join(lang.t("；", "; ")));
    }
    Ok((rows.frame()?, summary.frame()?))
}

/// Orders the summaries by the score on the points with data (`score_on_data`: the total itself where every
/// point has data; equal scores, as shown to the hundredth, share a rank: 1, 2, 2, 4), overall or within each
/// province or prefecture, so that a county is never ranked down for data it has not reported; counties without a
/// grade on their data (no data, or fewer than half the points judged) get no rank and come last.
pub fn rank(summary: &DataFrame, within: Option<&str>) -> PolarsResult<DataFrame> {
    let score = when(col("grade_on_data").is_not_null()).then(col("score_on_data")).otherwise(lit(NULL).cast(DataType::Float64));
    let rank = score.rank(RankOptions { method: RankMethod::Min, descending: true }, None);
    let rank = match within {
        Some(area) => rank.over([col(area)])?,
        None => rank,
    };
    let mut order = Vec::new();
    if let Some(area) = within {
        order.push(col(area));
    }
    order.extend([col("rank"), col("county_code")]);
    let n = order.len();
    summary
        .clone()
        .lazy()
        .with_column(rank.cast(DataType::Int64).alias("rank"))
        .sort_by_exprs(order, SortMultipleOptions::default().with_order_descending_multi(vec![false; n]).with_nulls_last(true))
        .select([col("rank"), all().exclude_cols(["rank"]).as_expr()])
        .collect()
}

#[derive(Default)]
struct RowColumns {
    year: Vec<i32>,
    scheme: Vec<String>,
    scheme_version: Vec<String>,
    county_code: Vec<String>,
    county_name: Vec<String>,
    area: Vec<String>,
    key_point: Vec<String>,
    point_id: Vec<String>,
    title_zh: Vec<String>,
    title_en: Vec<String>,
    value: Vec<Option<f64>>,
    threshold: Vec<Option<String>>,
    status: Vec<&'static str>,
    points: Vec<f64>,
    earned: Vec<Option<f64>>,
    veto: Vec<bool>,
    explanation: Vec<String>,
}

impl RowColumns {
    fn push(&mut self, year: i32, county: &County, p: &Point, scheme: &Scheme, o: &Outcome) {
        self.year.push(year);
        self.scheme.push(scheme.name.clone());
        self.scheme_version.push(scheme.version.clone());
        self.county_code.push(county.code.clone());
        self.county_name.push(county.name.clone());
        let title = |id: &String| scheme.titles.get(id).map(|t| t.0.clone()).unwrap_or_else(|| id.clone());
        self.area.push(title(&p.area));
        self.key_point.push(title(&p.key_point));
        self.point_id.push(p.id.clone());
        self.title_zh.push(p.title_zh.clone());
        self.title_en.push(point_name(p, scheme, Lang::En));
        self.value.push(o.value);
        self.threshold.push(o.threshold.clone());
        self.status.push(o.status);
        self.points.push(p.points);
        self.earned.push(o.earned);
        self.veto.push(p.veto);
        self.explanation.push(o.explanation.clone());
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        DataFrame::new_infer_height(vec![
            Column::new("year".into(), self.year),
            Column::new("scheme".into(), self.scheme),
            Column::new("scheme_version".into(), self.scheme_version),
            Column::new("county_code".into(), self.county_code),
            Column::new("county_name".into(), self.county_name),
            Column::new("area".into(), self.area),
            Column::new("key_point".into(), self.key_point),
            Column::new("point_id".into(), self.point_id),
            Column::new("point".into(), self.title_zh),
            Column::new("point_en".into(), self.title_en),
            Column::new("value".into(), self.value),
            Column::new("threshold".into(), self.threshold),
            Column::new("status".into(), self.status),
            Column::new("points".into(), self.points),
            Column::new("earned".into(), self.earned),
            Column::new("veto".into(), self.veto),
            Column::new("explanation".into(), self.explanation),
        ])
    }
}

#[derive(Default)]
struct SummaryColumns {
    year: Vec<i32>,
    scheme: Vec<String>,
    scheme_version: Vec<String>,
    county_code: Vec<String>,
    county_name: Vec<String>,
    prefecture_code: Vec<String>,
    prefecture_name: Vec<String>,
    province_code: Vec<String>,
    province_name: Vec<String>,
    total: Vec<Option<f64>>,
    max_points: Vec<f64>,
    points_with_data: Vec<f64>,
    grade: Vec<Option<String>>,
    score_on_data: Vec<Option<f64>>,
    grade_on_data: Vec<Option<String>>,
    failed: Vec<i64>,
    missing: Vec<i64>,
    vetoes: Vec<String>,
    gaps: Vec<String>,
    gap_list: Vec<String>,
}

impl SummaryColumns {
    /// The columns that say which county, scheme and year a summary is of.
    fn county(&mut self, year: i32, scheme: &Scheme, county: &County, max: f64) {
        self.year.push(year);
        self.scheme.push(scheme.name.clone());
        self.scheme_version.push(scheme.version.clone());
        self.county_code.push(county.code.clone());
        self.county_name.push(county.name.clone());
        self.prefecture_code.push(county.prefecture_code.clone());
        self.prefecture_name.push(county.prefecture_name.clone());
        self.province_code.push(county.province_code.clone());
        self.province_name.push(county.province_name.clone());
        self.max_points.push(max);
    }

    /// The rest of a summary of a county without data for the year: not graded, every point missing.
    fn no_data(&mut self, year: i32, points: usize, lang: Lang) {
        self.total.push(None);
        self.points_with_data.push(0.0);
        self.grade.push(None);
        self.score_on_data.push(None);
        self.grade_on_data.push(None);
        self.failed.push(0);
        self.missing.push(points as i64);
        self.vetoes.push(String::new());
        let no_data = match lang {
            Lang::Zh => format!("无数据：{year} 年没有该县的学校或县级指标数据，未评定"),
            Lang::En => format!("no data: no school or county indicator of the county for {year}; not graded"),
        };
        self.gaps.push(no_data.clone());
        self.gap_list.push(no_data);
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        DataFrame::new_infer_height(vec![
            Column::new("year".into(), self.year),
            Column::new("scheme".into(), self.scheme),
            Column::new("scheme_version".into(), self.scheme_version),
            Column::new("county_code".into(), self.county_code),
            Column::new("county_name".into(), self.county_name),
            Column::new("prefecture_code".into(), self.prefecture_code),
            Column::new("prefecture_name".into(), self.prefecture_name),
            Column::new("province_code".into(), self.province_code),
            Column::new("province_name".into(), self.province_name),
            Column::new("total".into(), self.total),
            Column::new("max_points".into(), self.max_points),
            Column::new("points_with_data".into(), self.points_with_data),
            Column::new("grade".into(), self.grade),
            Column::new("score_on_data".into(), self.score_on_data),
            Column::new("grade_on_data".into(), self.grade_on_data),
            Column::new("failed_points".into(), self.failed),
            Column::new("missing_points".into(), self.missing),
            Column::new("vetoes".into(), self.vetoes),
            Column::new("largest_gaps".into(), self.gaps),
            Column::new("gap_list".into(), self.gap_list),
        ])
    }
}

#[cfg(test)]
mod tests;
