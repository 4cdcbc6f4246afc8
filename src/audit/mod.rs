//! 数据核查 (the data audit): impossible and suspicious values found before any verdict rests on them.
//!
//! Statistics offices check school data in two passes: 逻辑校验, values that cannot be true of one school (a part
//! larger than its whole, pupils without classes), which must be corrected, and 经验校验, values that are possible
//! but unlikely (a value 10⁴ times last year's, a school far from every school like it), which are corrected or
//! explained. The audit does both, and says how much each flag weighs on its county's figures. The impossible
//! rules are the ones `ingest` refuses ([`impossible`], the same definition); everything else is a flag.
//!
//! Pure: frames in, frames out. The screens are in [`screens`], the thresholds in [`config`] (the rules folder's
//! `audit.toml`), the on-site sample in [`sample`]. `ops::audit` reads the warehouse and asks whether each county
//! verdict would change without the flagged values.

pub mod config;
pub mod sample;
pub mod screens;

use polars::prelude::*;

pub use config::AuditRules;
pub use screens::{HINT, STRONG};

use crate::lang::Lang;
use crate::model::{self, Table};

/// The columns of the `audit` table, in order (before the rules' stamp).
pub const COLUMNS: [&str; 14] = [
    "year", "county_code", "school_id", "school_name", "level", "column", "value", "rule", "severity", "compared_with", "bound", "message", "weight", "sensitive",
];

/// The rules whose flags are suspected slips: the verdicts they could change are checked without them. Findings
/// about real schools (large classes) and empty cells (left out of every CV already) are not.
pub const SUSPECTED: &[&str] = &[
    "part_above_whole",
    "pupils_without_classes",
    "classes_without_pupils",
    "average_class_outside",
    "largest_below_average",
    "unit_slip_year_on_year",
    "unit_slip_stratum",
    "hidiroglou_berthelot",
    "robust_outlier",
    "shell_school_no_resources",
];

/// A rule as a reader names it: in Chinese, or in English words.
pub fn rule_name(zh: bool, rule: &str) -> &str {
    let (cn, en) = match rule {
        "part_above_whole" => ("部分大于整体", "a part above its whole"),
        "pupils_without_classes" => ("有学生无班级", "pupils without classes"),
        "classes_without_pupils" => ("有班级无学生", "classes without pupils"),
        "average_class_outside" => ("平均班额不可能", "an impossible average class"),
        "largest_below_average" => ("最大班额小于平均班额", "a largest class below the average"),
        "unit_slip_year_on_year" => ("与上年相差数量级", "orders of magnitude from the year before"),
        "unit_slip_stratum" => ("与同类学校相差数量级", "orders of magnitude from like schools"),
        "hidiroglou_berthelot" => ("年度变化异常（HB 法）", "an unusual change on the year (Hidiroglou–Berthelot)"),
        "robust_outlier" => ("偏离同类学校（稳健 z）", "far from like schools (robust z)"),
        "shell_school_empty" | "shell_school_no_resources" => ("疑似空壳学校", "a shell school?"),
        "missing_key_value" => ("关键指标未填报", "a key value not reported"),
        "large_class" => ("大班额", "a large class"),
        "very_large_class" => ("超大班额", "a very large class"),
        "county_pupils_below_schools" => ("县报学生数少于学校合计", "county pupils below its schools'"),
        "county_per_student_mismatch" => ("县报生均支出与计算不符", "county spending per pupil disagrees"),
        "county_spending_jump" => ("教育支出变化过大", "a large change in education spending"),
        other => (other, other),
    };
    if zh { cn } else { en }
}

/// The impossible values of one school-year (逻辑校验), for `ingest`: `schools` with the canonical columns and
/// `_row` (the record); one row per violation with `_row`, `rule`, `column`, `value`, `compared_with` and
/// `message`, in English as ingest's other problems are.
pub fn impossible(schools: LazyFrame, rules: &AuditRules) -> PolarsResult<DataFrame> {
    let prepared = screens::prepare(schools, true);
    let found = concat(screens::impossible(&prepared, rules), UnionArgs::default())?.collect()?;
    let (rule, column, value, compared) =
        (found.column("rule")?.str()?.clone(), found.column("column")?.str()?.clone(), found.column("value")?.f64()?.clone(), found.column("compared_with")?.f64()?.clone());
    let i = rules.impossible;
    let messages: Vec<String> = (0..found.height())
        .map(|r| {
            let (c, v, w) = (column.get(r).unwrap_or_default(), value.get(r), compared.get(r));
            let n = |x: Option<f64>| x.map_or("empty".to_string(), number);
            match rule.get(r).unwrap_or_default() {
                "part_above_whole" => format!("at most {} ({}): a part cannot exceed its whole", whole_of(c), n(w)),
                "pupils_without_classes" => format!("more than 0 classes: the level has {} pupils", n(w)),
                "classes_without_pupils" => format!("pupils: the level has {} classes", n(w)),
                "average_class_outside" => format!(
                    "classes that give an average class of {} to {} pupils ({} pupils in {} classes is {})",
                    number(i.average_class_min),
                    number(i.average_class_max),
                    n(w),
                    n(v),
                    w.zip(v).map_or("—".into(), |(s, c)| number((s / c * 10.0).round() / 10.0))
                ),
                _ => format!("a largest class of at least the average class ({} pupils)", w.map_or("—".into(), |a| number((a * 10.0).round() / 10.0))),
            }
        })
        .collect();
    let mut out = found.select(["_row", "rule", "column", "value", "compared_with"])?;
    out.with_column(Column::new("message".into(), messages))?;
    Ok(out)
}

/// The whole a part of a level's teachers belongs to: `primary_degree_teachers` → `primary_teachers`.
fn whole_of(part: &str) -> String {
    let level = part.split('_').next().unwrap_or("");
    format!("{level}_teachers")
}

/// A number as a message writes it: whole numbers grouped (12,175), others to two decimals.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { crate::output::thousands(x as i64) } else { crate::report::fmt::grouped(x, 2) }
}

/// What the flags of a year are computed from: the schools of the year, of the year before and of the year after
/// (a school's first year is checked against what follows) — every school of the provinces concerned: strata and
/// medians take them all — as [`screens::prepare`] gives them, and the county indicators of the year and the year
/// before (`year, county_code, indicator, value`).
pub struct YearInputs {
    pub year: i32,
    pub now: LazyFrame,
    pub before: LazyFrame,
    pub after: LazyFrame,
    pub indicators: LazyFrame,
}

/// Every flag of the year, worded (in `lang`) and weighed, for the counties `counties` (every county when empty), in the
/// order a county reads them: 强制 first, then by weight, largest first. The `sensitive` column is left empty
/// (`ops::audit` fills it).
pub fn flags(inputs: &YearInputs, rules: &AuditRules, counties: &[String], lang: Lang) -> PolarsResult<DataFrame> {
    // The year and its neighbours, collected once: every screen reads them.
    let (now_df, before, after) = (inputs.now.clone().collect()?, inputs.before.clone().collect()?, inputs.after.clone().collect()?);
    let now = &now_df.clone().lazy();
    let mut parts = screens::impossible(now, rules);
    let (paired, rows) = (screens::paired(&now_df, &before, &after)?, screens::Rows::of(&now_df)?);
    parts.push(screens::year_on_year(&paired, &rows, rules)?);
    parts.push(screens::hidiroglou_berthelot(&paired, &rows, rules)?);
    parts.push(screens::stratum_slip(&paired, &rows, rules)?);
    parts.push(screens::robust(&paired, &rows, rules)?);
    drop(paired);
    parts.extend(screens::shells(now));
    parts.extend(screens::class_sizes(now, rules));
    let pupils = now.clone().group_by([col("year"), col("county_code")]).agg([col("pupils").sum()]);
    parts.extend(screens::county(&inputs.indicators, &pupils, inputs.year, rules));
    let mut found = concat(parts, UnionArgs::default())?;
    if !counties.is_empty() {
        found = found.filter(col("county_code").is_in(lit(Series::new("c".into(), counties.to_vec())).implode(false), false));
    }
    // The weight: the deviation over the county's total of the column it is in (a share of the county's figure);
    // a county-level flag's, its own relative deviation.
    let totals = totals(now)?;
    let found = found
        .join(totals, [col("year"), col("county_code"), col("base")], [col("year"), col("county_code"), col("base")], JoinArgs::new(JoinType::Left))
        .with_column(
            when(col("school_id").is_null().and(col("compared_with").gt(lit(0.0))))
                .then((col("value") - col("compared_with")).abs() / col("compared_with"))
                .when(col("total").gt(lit(0.0)))
                .then(col("deviation") / col("total"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("weight"),
        )
        .with_column(when(col("severity").eq(lit(STRONG))).then(lit(0)).otherwise(lit(1)).alias("_order"))
        .sort_by_exprs(
            [col("year"), col("county_code"), col("_order"), col("weight"), col("school_id"), col("column"), col("rule")],
            SortMultipleOptions::default().with_order_descending_multi([false, false, false, true, false, false, false]).with_nulls_last(true),
        )
        .collect()?;
    word(&found, rules, lang)
}

/// The county totals of every column a flag can weigh on: `year, county_code, base, total`. Added up here, school
/// by school in the order of their ids, so that a weight is the same bits in every run (a parallel group sum adds
/// in the order its threads happen to take the rows).
fn totals(now: &LazyFrame) -> PolarsResult<LazyFrame> {
    let mut columns: Vec<String> = screens::RESOURCES.iter().map(|c| c.to_string()).collect();
    columns.push("pupils".into());
    for l in screens::LEVELS {
        for c in ["students", "classes", "teachers", "degree_teachers", "titled_teachers", "backbone_teachers", "pe_art_teachers"] {
            columns.push(format!("{l}_{c}"));
        }
    }
    let mut select = vec![col("year").cast(DataType::Int32), col("county_code"), col("school_id")];
    select.extend(columns.iter().map(|c| col(c.as_str()).cast(DataType::Float64)));
    let df = now.clone().select(select).sort(["county_code", "year", "school_id"], SortMultipleOptions::default()).collect()?;
    let (years, counties) = (df.column("year")?.i32()?.clone(), df.column("county_code")?.str()?.clone());
    let values: Vec<Float64Chunked> = columns.iter().map(|c| Ok(df.column(c)?.f64()?.clone())).collect::<PolarsResult<_>>()?;
    let mut sums: std::collections::BTreeMap<(i32, String), Vec<f64>> = std::collections::BTreeMap::new();
    for i in 0..df.height() {
        let (Some(y), Some(c)) = (years.get(i), counties.get(i)) else { continue };
        let acc = sums.entry((y, c.to_string())).or_insert_with(|| vec![0.0; columns.len()]);
        for (a, v) in acc.iter_mut().zip(&values) {
            *a += v.get(i).unwrap_or(0.0);
        }
    }
    let (mut y, mut c, mut b, mut t) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((year, county), acc) in sums {
        for (column, total) in columns.iter().zip(acc) {
            y.push(year);
            c.push(county.clone());
            b.push(column.clone());
            t.push(total);
        }
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("year".into(), y),
        Column::new("county_code".into(), c),
        Column::new("base".into(), b),
        Column::new("total".into(), t),
    ])?
    .lazy())
}

/// A column's name as a reader of `lang` knows it: the Chinese header offices write, or the column's id in words
/// (`primary_degree_teachers` → "primary degree teachers", `equipment_value_yuan` → "equipment value (yuan)").
pub fn column_name(column: &str, lang: Lang) -> String {
    if lang == Lang::En {
        let words = column.strip_suffix("_yuan").map(|c| format!("{c} (yuan)")).or_else(|| column.strip_suffix("_m2").map(|c| format!("{c} (m²)")));
        return words.unwrap_or_else(|| column.to_string()).replace('_', " ");
    }
    if column == "pupils" {
        return "在校生数".into();
    }
    if let Some(spec) = Table::Schools.column(column) {
        return spec.zh[0].to_string();
    }
    model::indicator(column).map_or(column.to_string(), |i| i.name_zh.to_string())
}

/// The flags with their bound and message (in `lang`), in the columns of [`COLUMNS`].
fn word(found: &DataFrame, rules: &AuditRules, lang: Lang) -> PolarsResult<DataFrame> {
    let s = |c: &str| -> PolarsResult<StringChunked> { Ok(found.column(c)?.str()?.clone()) };
    let n = |c: &str| -> PolarsResult<Float64Chunked> { Ok(found.column(c)?.f64()?.clone()) };
    let (rule, column, value, compared, detail, neighbour) = (s("rule")?, s("column")?, n("value")?, n("compared_with")?, n("detail")?, s("neighbour")?);
    let (mut bounds, mut messages) = (Vec::with_capacity(found.height()), Vec::with_capacity(found.height()));
    for row in 0..found.height() {
        let c = column.get(row).unwrap_or_default();
        let flag = Flag { rule: rule.get(row).unwrap_or_default(), column: c, value: value.get(row), compared: compared.get(row), detail: detail.get(row), neighbour: neighbour.get(row) };
        let (bound, message) = flag.words(rules, lang);
        bounds.push(bound);
        messages.push(message);
    }
    let mut out = found.select(["year", "county_code", "school_id", "school_name", "level", "column", "value", "rule", "severity", "compared_with"])?;
    out.with_column(Column::new("bound".into(), bounds))?;
    out.with_column(Column::new("message".into(), messages))?;
    out.with_column(found.column("weight")?.clone())?;
    out.with_column(Column::full_null("sensitive".into(), found.height(), &DataType::String))?;
    Ok(out)
}

/// One flag's fields before it is worded.
struct Flag<'a> {
    rule: &'a str,
    column: &'a str,
    value: Option<f64>,
    compared: Option<f64>,
    detail: Option<f64>,
    /// The year compared with: 上年 (the year before) or 下年 (the year after, for a school's first year).
    neighbour: Option<&'a str>,
}

impl Flag<'_> {
    /// The flag's bound and message in `lang`: the same facts in either language.
    fn words(&self, rules: &AuditRules, lang: Lang) -> (String, String) {
        let (i, u, h, r, c, k) = (rules.impossible, rules.unit_slip, rules.hidiroglou_berthelot, rules.robust, rules.class_size, rules.county);
        let (v, w, d) = (self.value, self.compared, self.detail);
        let en = lang == Lang::En;
        let name = column_name(self.column, lang);
        let num = |x: Option<f64>| x.map_or(lang.t("未填报", "not reported").to_string(), |x| number(if x.fract() == 0.0 { x } else { (x * 100.0).round() / 100.0 }));
        let times = |d: Option<f64>| d.map_or("—".into(), |d| number(10f64.powf(d.abs()).round()));
        let other = match (self.neighbour, en) {
            (Some("下年"), true) => "the year after",
            (_, true) => "the year before",
            (n, false) => n.unwrap_or("上年"),
        };
        let pair = |zh: (String, String), english: (String, String)| if en { english } else { zh };
        match self.rule {
            "part_above_whole" => {
                let whole = column_name(&whole_of(self.column), lang);
                pair(
                    (format!("≤ {whole}"), format!("{name} {} 人，多于{whole} {} 人：部分不能大于整体", num(v), num(w))),
                    (format!("≤ {whole}"), format!("{name} {}, more than the {whole} ({}): a part cannot exceed its whole", num(v), num(w))),
                )
            }
            "pupils_without_classes" => pair(
                ("> 0".into(), format!("有在校生 {} 人，{name}却为 0", num(w))),
                ("> 0".into(), format!("{} pupils, but {name} is 0", num(w))),
            ),
            "classes_without_pupils" => pair(
                ("> 0".into(), format!("有 {} 个班，{name}却为 0", num(w))),
                ("> 0".into(), format!("{} classes, but {name} is 0", num(w))),
            ),
            "average_class_outside" => {
                let (lo, hi) = (number(i.average_class_min), number(i.average_class_max));
                pair(
                    (format!("平均班额 {lo}–{hi} 人"), format!("在校生 {} 人、{} 个班，平均班额 {} 人，不可能", num(w), num(v), num(d))),
                    (format!("an average class of {lo}–{hi}"), format!("{} pupils in {} classes: an average class of {}, impossible", num(w), num(v), num(d))),
                )
            }
            "largest_below_average" => pair(
                ("≥ 平均班额".into(), format!("{name} {} 人，小于平均班额 {} 人，不可能", num(v), num(w))),
                ("≥ the average class".into(), format!("{name} {}, below the average class of {}: impossible", num(v), num(w))),
            ),
            "unit_slip_year_on_year" => pair(
                (
                    format!("|log10(本年/{other})| ≤ {}", u.year_on_year_decades),
                    format!("{name} {}，{other} {}，相差约 {} 倍：疑似单位错误（万元填作元）或小数点错位", num(v), num(w), times(d)),
                ),
                (
                    format!("|log10(this year / {other})| ≤ {}", u.year_on_year_decades),
                    format!("{name} {}, {other} {}: about {} times apart, a unit slip (万元 typed as 元) or a shifted decimal point?", num(v), num(w), times(d)),
                ),
            ),
            "unit_slip_stratum" => pair(
                (
                    format!("|log10(生均/同层中位数)| ≤ {}", u.stratum_decades),
                    format!("{name} {}，按同层学校（省·类型·城乡）的生均中位数约应为 {}，相差约 {} 倍：疑似单位错误", num(v), num(w), times(d)),
                ),
                (
                    format!("|log10(per pupil / the stratum's median)| ≤ {}", u.stratum_decades),
                    format!(
                        "{name} {}; at the per-pupil median of like schools (province, type, urban/rural) it would be about {}: about {} times apart, a unit slip?",
                        num(v),
                        num(w),
                        times(d)
                    ),
                ),
            ),
            "hidiroglou_berthelot" => pair(
                (format!("HB 法 U={} A={} C={}", h.u, h.a, h.c), format!("{name} {}，为{other}的 {} 倍；按同省学校的中位变化约应为 {}：年度变化异常", num(v), num(d), num(w))),
                (
                    format!("Hidiroglou–Berthelot U={} A={} C={}", h.u, h.a, h.c),
                    format!("{name} {}, {} times {other}'s; at the median change of the province's schools it would be about {}: an unusual change", num(v), num(d), num(w)),
                ),
            ),
            "robust_outlier" => pair(
                (format!("稳健 z ≤ {}", r.mad_z), format!("{name} {}，生均值偏离同层学校（稳健 z = {}），按同层中位数约为 {}", num(v), num(d), num(w))),
                (format!("robust z ≤ {}", r.mad_z), format!("{name} {}: per pupil far from like schools (robust z = {}); at their median it would be about {}", num(v), num(d), num(w))),
            ),
            "shell_school_empty" => pair(
                ("在校生或教师 > 0".into(), "无在校生、无专任教师：疑似空壳学校".into()),
                ("pupils or teachers > 0".into(), "no pupils and no teachers: a shell school?".into()),
            ),
            "shell_school_no_resources" => pair(
                ("校舍、场地、设备、图书、计算机至少一项 > 0".into(), format!("有在校生 {} 人，但校舍、场地、设备、图书、计算机均为 0 或未填报：疑似空壳学校", num(v))),
                (
                    "building, grounds, equipment, books or computers > 0".into(),
                    format!("{} pupils, but no building, grounds, equipment, books or computers reported: a shell school?", num(v)),
                ),
            ),
            "missing_key_value" => pair(
                ("有在校生时应填报".into(), format!("有在校生，却未填报{name}")),
                ("reported where there are pupils".into(), format!("pupils, but no {name} reported")),
            ),
            "large_class" | "very_large_class" => {
                let (limit, zh, english) = if self.rule == "large_class" { (c.large, "大班额", "a large class") } else { (c.very_large, "超大班额", "a very large class") };
                let limit = number(limit);
                pair(
                    (format!("< {limit} 人"), format!("{name} {} 人：{zh}（{limit} 人及以上）", num(v))),
                    (format!("< {limit}"), format!("{name} {}: {english} ({limit} or more)", num(v))),
                )
            }
            "county_pupils_below_schools" => pair(
                (format!("≥ 学校在校生合计 − {}%", k.tolerance_pct), format!("县报{name} {} 人，少于本县学校在校生合计 {} 人：整体不能小于部分", num(v), num(w))),
                (
                    format!("≥ the schools' pupils − {}%", k.tolerance_pct),
                    format!("the county reports {name} {}, fewer than its schools' pupils ({}): a whole cannot be less than its parts", num(v), num(w)),
                ),
            ),
            "county_per_student_mismatch" => pair(
                (format!("与支出 ÷ 学生数相差 ≤ {}%", k.tolerance_pct), format!("县报{name} {} 元，一般公共预算教育支出 ÷ 在校学生数为 {} 元，两者不符", num(v), num(w))),
                (
                    format!("within {}% of spending ÷ pupils", k.tolerance_pct),
                    format!("the county reports {name} {} yuan; its public education spending ÷ its pupils is {} yuan: they disagree", num(v), num(w)),
                ),
            ),
            "county_spending_jump" => {
                let change = d.map_or("—".into(), |d| crate::report::fmt::grouped(d, 1));
                pair(
                    (format!("变化 ≤ ±{}%", k.spending_change_pct), format!("{name} {}，上年 {}，变化 {change}%：判定“两个只增不减”前请核实", num(v), num(w))),
                    (
                        format!("a change within ±{}%", k.spending_change_pct),
                        format!("{name} {}, the year before {}: a change of {change}%; to be checked before the 只增不减 rules are judged", num(v), num(w)),
                    ),
                )
            }
            other => (String::new(), other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
