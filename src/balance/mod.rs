//! Balance metrics (义务教育均衡): level units, the 8 basic and 7 quality indicators, inter-school coefficients of
//! variation weighted by enrolment, county verdicts, the school rule and each school's shortfall.
//!
//! Pure functions of Polars frames; no I/O. The formulas are those of `../shared/domain/README.md` §1–§4:
//! `CV = sqrt(Σ (Pᵢ/P)(Xᵢ − X̄)²) / X̄` with `X̄ = Σ (Pᵢ/P) Xᵢ`, levels never pooled.

pub mod checks;
pub mod config;
pub mod sql;

use polars::prelude::*;

pub use config::Config;

/// School levels of compulsory education.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Primary,
    Junior,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::Primary, Level::Junior];

    pub fn id(self) -> &'static str {
        match self {
            Level::Primary => "primary",
            Level::Junior => "junior",
        }
    }
}

/// One per-school indicator.
#[derive(Clone, Copy, Debug)]
pub struct Indicator {
    pub id: &'static str,
    pub name_zh: &'static str,
    /// The level-unit column it divides by students.
    pub numerator: &'static str,
    /// 1 for per student, 100 for per 100 students.
    pub per: f64,
    /// The unit of a shortfall (what is missing, in the indicator's own terms).
    pub shortfall_unit: &'static str,
}

const fn ind(id: &'static str, name_zh: &'static str, numerator: &'static str, per: f64, shortfall_unit: &'static str) -> Indicator {
    Indicator { id, name_zh, numerator, per, shortfall_unit }
}

/// Every indicator of either standard.
pub const INDICATORS: &[Indicator] = &[
    ind("teach_area_per_student", "生均教学及辅助用房面积", "teach_area", 1.0, "㎡"),
    ind("sports_area_per_student", "生均体育运动场馆面积", "sports_area", 1.0, "㎡"),
    ind("equipment_value_per_student", "生均教学仪器设备值", "equipment_value", 1.0, "元"),
    ind("computers_per_100", "每百名学生拥有计算机台数", "computers", 100.0, "台"),
    ind("books_per_student", "生均图书册数", "books", 1.0, "册"),
    ind("teachers_per_student", "师生比", "teachers", 1.0, "人"),
    ind("degree_teachers_per_student", "生均高于规定学历教师数", "degree_teachers", 1.0, "人"),
    ind("titled_teachers_per_student", "生均中级及以上专业技术职务教师数", "titled_teachers", 1.0, "人"),
    ind("degree_teachers_per_100", "每百名学生拥有高于规定学历教师数", "degree_teachers", 100.0, "人"),
    ind("backbone_teachers_per_100", "每百名学生拥有县级以上骨干教师数", "backbone_teachers", 100.0, "人"),
    ind("pe_art_teachers_per_100", "每百名学生拥有体育、艺术专任教师数", "pe_art_teachers", 100.0, "人"),
    ind("multimedia_rooms_per_100", "每百名学生拥有网络多媒体教室数", "multimedia_rooms", 100.0, "间"),
];

/// 基本均衡 (教督〔2012〕3号): the 8 indicators whose CVs are averaged into the composite.
pub const BASIC_INDICATORS: &[&str] = &[
    "teach_area_per_student",
    "sports_area_per_student",
    "equipment_value_per_student",
    "computers_per_100",
    "books_per_student",
    "teachers_per_student",
    "degree_teachers_per_student",
    "titled_teachers_per_student",
];

/// 优质均衡 (教督〔2017〕6号) resource allocation: 7 indicators, each CV limited, each school held to a standard.
pub const QUALITY_INDICATORS: &[&str] = &[
    "degree_teachers_per_100",
    "backbone_teachers_per_100",
    "pe_art_teachers_per_100",
    "teach_area_per_student",
    "sports_area_per_student",
    "equipment_value_per_student",
    "multimedia_rooms_per_100",
];

/// What a school lacks of an indicator's resource, `amount` already written: 缺高于规定学历教师 2 人, or in English
/// "2 teachers above the required degree short".
pub fn shortfall_words(id: &str, amount: &str, lang: crate::lang::Lang) -> String {
    if lang == crate::lang::Lang::Zh {
        return format!("缺{} {amount} {}", resource_zh(id), indicator(id).shortfall_unit);
    }
    let what = match id {
        "degree_teachers_per_100" | "degree_teachers_per_student" => "teachers above the required degree",
        "backbone_teachers_per_100" => "backbone teachers (county level or above)",
        "pe_art_teachers_per_100" => "PE and art teachers",
        "teach_area_per_student" => "m² of teaching rooms",
        "sports_area_per_student" => "m² of sports grounds",
        "equipment_value_per_student" => "yuan of teaching equipment",
        "multimedia_rooms_per_100" => "multimedia rooms",
        "computers_per_100" => "computers",
        "books_per_student" => "books",
        "teachers_per_student" => "teachers",
        "titled_teachers_per_student" => "teachers of intermediate title or above",
        other => other,
    };
    format!("{amount} {what} short")
}

/// What a quality indicator counts, as a shortfall names it: a school short of 1 teacher lacks "高于规定学历教师 1
/// 人", not "每百名学生拥有高于规定学历教师数 1 人" (which reads as one per hundred pupils).
pub fn resource_zh(id: &str) -> &'static str {
    match id {
        "degree_teachers_per_100" | "degree_teachers_per_student" => "高于规定学历教师",
        "backbone_teachers_per_100" => "县级以上骨干教师",
        "pe_art_teachers_per_100" => "体育、艺术专任教师",
        "teach_area_per_student" => "教学及辅助用房",
        "sports_area_per_student" => "体育运动场馆",
        "equipment_value_per_student" => "教学仪器设备",
        "multimedia_rooms_per_100" => "网络多媒体教室",
        "computers_per_100" => "计算机",
        "books_per_student" => "图书",
        "teachers_per_student" => "专任教师",
        "titled_teachers_per_student" => "中级及以上职称教师",
        _ => "",
    }
}

pub fn indicator(id: &str) -> &'static Indicator {
    INDICATORS.iter().find(|i| i.id == id).expect("a known indicator id")
}

/// The standards, in output order.
pub const STANDARDS: [(&str, &[&str]); 2] = [("basic", BASIC_INDICATORS), ("quality", QUALITY_INDICATORS)];

/// The keys every per-county metric is grouped by.
pub const GROUP: [&str; 3] = ["year", "county_code", "level"];

/// The columns of `schools` the school checks read.
pub const SCHOOL_COLUMNS: &[&str] = &[
    "year", "county_code", "school_id", "school_name", "school_type", "urban_rural_code",
    "primary_students", "junior_students", "senior_students",
    "teaching_area_m2", "indoor_sports_area_m2", "sports_area_m2", "equipment_value_yuan", "computers", "books", "multimedia_rooms",
    "primary_teachers", "primary_degree_teachers", "primary_titled_teachers", "primary_backbone_teachers", "primary_pe_art_teachers",
    "junior_teachers", "junior_degree_teachers", "junior_titled_teachers", "junior_backbone_teachers", "junior_pe_art_teachers",
    "max_class_size", "primary_max_class_size", "junior_max_class_size", "primary_classes", "junior_classes",
    "music_rooms", "art_rooms", "boarders", "public_funds_received_yuan",
];

/// The county-years whose schools report no compulsory-stage pupils at all (every school 0 or empty): they have
/// no level units, hence no CVs, and the commands say so rather than leave them out silently. Input: one row per
/// county-year with `schools` and `pupils` (the warehouse's `school_county_years`).
pub fn without_pupils(county_years: LazyFrame) -> LazyFrame {
    county_years.filter(col("pupils").eq(lit(0.0))).select([col("year"), col("county_code"), col("schools")])
}

/// An indicator's value per unit.
pub fn value(i: &Indicator) -> Expr {
    lit(i.per) * col(i.numerator) / col("students")
}

/// Which units a standard covers: the `in_basic` / `in_quality` column of the level units ([`sql::units`]).
pub fn scope(standard: &str) -> Expr {
    col(if standard == "basic" { "in_basic" } else { "in_quality" })
}

/// The per-school columns kept for each quality indicator in the wide school table.
const SCHOOL_FIELDS: [&str; 4] = ["", "_met", "_shortfall", "_share"];

/// One row per school unit under `quality`: for each of the 7 indicators its value (`{id}`), whether it meets the
/// standard of its level (`{id}_met`), what is missing in the indicator's own terms
/// (`{id}_shortfall`: ㎡ and 元 to the cent, teachers and rooms whole) and the school's share of the county's
/// weighted variance of that indicator (`{id}_share`); then `indicators_met`, `school_pass` under the school rule,
/// and `cv_drag`, the mean of the 7 shares (the schools that raise the CVs most have the largest).
/// `cv` is the CV table ([`sql::cvs`]), whose weighted means and variances the shares use.
pub fn school_table(units: &LazyFrame, cv: &LazyFrame, cfg: &Config) -> LazyFrame {
    let keys: Vec<Expr> = GROUP.iter().map(|k| col(*k)).collect();
    let rule = cfg.quality.school_rule;
    // The county statistics of the 7 indicators side by side: one small join per indicator, then one large join.
    let stats = QUALITY_INDICATORS
        .iter()
        .map(|id| {
            let mut cols = keys.clone();
            cols.extend([
                col("mean").alias(format!("{id}|mean")),
                (col("sd").pow(2) * col("students")).alias(format!("{id}|ss")),
            ]);
            cv.clone().filter(col("standard").eq(lit("quality")).and(col("indicator").eq(lit(*id)))).select(cols)
        })
        .reduce(|a, b| a.join(b, keys.clone(), keys.clone(), JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns)))
        .expect("seven indicators");
    let mut columns: Vec<Expr> =
        ["year", "county_code", "school_id", "school_name", "school_type", "level", "students"].map(col).to_vec();
    let mut met_count = lit(0i64);
    let mut all_near = lit(true);
    let mut share_sum = lit(0.0);
    for id in QUALITY_INDICATORS {
        let i = indicator(id);
        let required = required(cfg, id);
        let x = value(i);
        let met = x.clone().gt_eq(required.clone()).fill_null(lit(false));
        let near = x.clone().gt_eq(required.clone() * lit(rule.min_ratio)).fill_null(lit(false));
        let gap = (required.clone() - x.clone()) * col("students") / lit(i.per);
        let shortfall = if i.per == 1.0 { gap.round(2, RoundMode::HalfToEven) } else { gap.ceil() };
        let share = (col("students") * (x.clone() - col(format!("{id}|mean"))).pow(2) / col(format!("{id}|ss")))
            .fill_nan(lit(0.0));
        columns.extend([
            x.alias(*id),
            met.clone().alias(format!("{id}_met")),
            when(met.clone()).then(lit(0.0)).otherwise(shortfall).alias(format!("{id}_shortfall")),
            share.clone().alias(format!("{id}_share")),
        ]);
        met_count = met_count + met.clone().cast(DataType::Int64);
        all_near = all_near.and(near.or(met));
        share_sum = share_sum + share.fill_null(lit(0.0));
    }
    let allowed_misses = (QUALITY_INDICATORS.len() as i64) - rule.min_met as i64;
    columns.extend([
        met_count.clone().alias("indicators_met"),
        (lit(QUALITY_INDICATORS.len() as i64) - met_count).lt_eq(lit(allowed_misses)).and(all_near).alias("school_pass"),
        (share_sum / lit(QUALITY_INDICATORS.len() as f64)).alias("cv_drag"),
    ]);
    units
        .clone()
        .filter(scope("quality"))
        .join(stats, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .select(columns)
        .sort_by_exprs(
            [col("year"), col("county_code"), col("level"), col("cv_drag"), col("school_id")],
            SortMultipleOptions::default().with_order_descending_multi([false, false, false, true, false]).with_nulls_last(true),
        )
}

/// The standard an indicator must reach at the unit's level.
fn required(cfg: &Config, id: &str) -> Expr {
    when(col("level").eq(lit("primary")))
        .then(lit(cfg.standard(Level::Primary, id)))
        .otherwise(lit(cfg.standard(Level::Junior, id)))
}

/// The wide school table in long form, one row per school unit and indicator, with the standard each value must
/// reach (`required`).
pub fn school_rows(schools: LazyFrame, cfg: &Config) -> LazyFrame {
    let parts: Vec<LazyFrame> = QUALITY_INDICATORS
        .iter()
        .map(|id| {
            let mut cols: Vec<Expr> =
                ["year", "county_code", "school_id", "school_name", "school_type", "level", "students"].map(col).to_vec();
            cols.push(lit(*id).alias("indicator"));
            cols.extend(SCHOOL_FIELDS.iter().map(|suffix| {
                let name = if suffix.is_empty() { "value".to_string() } else { suffix[1..].to_string() };
                col(format!("{id}{suffix}")).alias(name)
            }));
            cols.insert(cols.len() - 3, required(cfg, id).alias("required"));
            cols.push(lit(indicator(id).shortfall_unit).alias("shortfall_unit"));
            cols.extend(["indicators_met", "school_pass", "cv_drag"].map(col));
            schools.clone().with_row_index("order", None).select(cols.into_iter().chain([col("order")]).collect::<Vec<_>>())
        })
        .collect();
    concat(parts, UnionArgs::default())
        .expect("same schema")
        .sort(["order"], SortMultipleOptions::default().with_maintain_order(true))
        .drop(Selector::ByName { names: Arc::new(["order".into()]), strict: true })
        .rename(["share"], ["variance_share"], true)
}

/// Per (year, county_code, level, standard): the indicators, those with a CV, the quality CVs within their limits,
/// the mean and the largest CV, and the basic composite CV (the mean of the 8 basic CVs, when all 8 have one).
pub fn cv_summary(cvs: &LazyFrame) -> LazyFrame {
    let n_basic = BASIC_INDICATORS.len() as i64;
    cvs.clone()
        .group_by(["year", "county_code", "level", "standard"].map(col))
        .agg([
            col("indicator").count().cast(DataType::Int64).alias("indicators"),
            col("cv").count().cast(DataType::Int64).alias("indicators_with_cv"),
            col("met").cast(DataType::Int64).sum().alias("quality_met"),
            col("cv").mean().alias("cv_mean"),
            col("cv").max().alias("cv_max_seen"),
        ])
        .with_column(
            when(col("standard").eq(lit("basic")).and(col("indicators_with_cv").eq(lit(n_basic))))
                .then(col("cv_mean"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("composite_cv"),
        )
}

/// One row per (year, county_code, level, standard): the county verdict and why.
pub fn verdict_table(cvs: &LazyFrame, schools: &LazyFrame, cfg: &Config) -> LazyFrame {
    let keys = ["year", "county_code", "level", "standard"].map(col);
    let composite_max = when(col("level").eq(lit("primary")))
        .then(lit(cfg.basic.composite_cv_max.primary))
        .otherwise(lit(cfg.basic.composite_cv_max.junior));
    let cv_max = when(col("level").eq(lit("primary")))
        .then(lit(cfg.quality.cv_max.primary))
        .otherwise(lit(cfg.quality.cv_max.junior));
    let per_school = schools
        .clone()
        .group_by(["year", "county_code", "level"].map(col))
        .agg([
            col("school_pass").count().cast(DataType::Int64).alias("schools"),
            col("school_pass").cast(DataType::Int64).sum().alias("schools_passing"),
        ])
        .with_column(lit("quality").alias("standard"));
    cv_summary(cvs)
        .join(per_school, keys.clone(), keys.clone(), JoinArgs::new(JoinType::Left))
        .with_columns([
            // Basic indicators are judged only through the composite, so "how many met" applies to quality.
            when(col("standard").eq(lit("quality")))
                .then(col("quality_met"))
                .otherwise(lit(NULL).cast(DataType::Int64))
                .alias("indicators_met"),
            when(col("standard").eq(lit("basic"))).then(composite_max).otherwise(cv_max).alias("cv_threshold"),
        ])
        .with_column(
            when(col("standard").eq(lit("basic")))
                .then(col("composite_cv").lt_eq(col("cv_threshold")).fill_null(lit(false)))
                .otherwise(
                    col("indicators_met")
                        .eq(col("indicators"))
                        .and(col("schools_passing").eq(col("schools")).fill_null(lit(false))),
                )
                .alias("met"),
        )
        .with_column(
            when(col("standard").eq(lit("basic")).and(col("composite_cv").is_null()))
                .then(lit("composite CV undefined: an indicator has no CV"))
                .when(col("standard").eq(lit("basic")))
                .then(format_str("composite CV {} against {}", &[col("composite_cv").round(4, RoundMode::HalfToEven), col("cv_threshold")]).expect("format"))
                .otherwise(
                    format_str(
                        "{} of {} indicator CVs within {} (highest {}); {} of {} schools pass the school rule",
                        &[
                            col("indicators_met"),
                            col("indicators"),
                            col("cv_threshold"),
                            col("cv_max_seen").round(4, RoundMode::HalfToEven),
                            col("schools_passing").fill_null(lit(0)),
                            col("schools").fill_null(lit(0)),
                        ],
                    )
                    .expect("format"),
                )
                .alias("reason"),
        )
        .select(
            ["year", "county_code", "level", "standard", "indicators", "indicators_met", "composite_cv", "cv_threshold", "schools", "schools_passing", "met", "reason"]
                .map(col),
        )
        .sort(["year", "county_code", "level", "standard"], SortMultipleOptions::default())
}

#[cfg(test)]
mod tests;
