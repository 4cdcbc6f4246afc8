//! Balance metrics (义务教育均衡): level units, the 8 basic and 7 quality indicators, inter-school coefficients of
//! variation weighted by enrolment, county verdicts, the school rule and each school's shortfall.
//!
//! Pure functions of Polars frames; no I/O. The formulas are those of `../shared/domain/README.md` §1–§4:
//! `CV = sqrt(Σ (Pᵢ/P)(Xᵢ − X̄)²) / X̄` with `X̄ = Σ (Pᵢ/P) Xᵢ`, levels never pooled.

pub mod config;

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

pub fn indicator(id: &str) -> &'static Indicator {
    INDICATORS.iter().find(|i| i.id == id).expect("a known indicator id")
}

/// The standards, in output order.
pub const STANDARDS: [(&str, &[&str]); 2] = [("basic", BASIC_INDICATORS), ("quality", QUALITY_INDICATORS)];

const GROUP: [&str; 3] = ["year", "county_code", "level"];

/// A window expression over `keys` (Polars checks the window's shape when it builds it; ours are fixed).
fn over(e: Expr, keys: &[Expr]) -> Expr {
    e.over(keys).expect("a valid window")
}

fn f(name: &str) -> Expr {
    col(name).cast(DataType::Float64)
}

/// One row per school-year and level taught (students > 0 at that level): students, the level's share of the
/// whole-school resources, and the level's own teacher counts. Input: the `schools` table.
pub fn level_units(schools: LazyFrame, cfg: &Config) -> LazyFrame {
    let students = |c: &str| f(c).fill_null(lit(0.0));
    let (a, b, c) = (students("primary_students"), students("junior_students"), students("senior_students"));
    // Per-type weights, as a chain of when/then over the configured types.
    let weight = |pick: fn(&config::SplitWeights) -> f64| {
        let default = lit(pick(&cfg.weights("default")));
        cfg.split
            .iter()
            .filter(|(t, _)| t.as_str() != "default")
            .fold(None::<Expr>, |acc, (t, w)| {
                let cond = col("school_type").eq(lit(t.as_str()));
                Some(match acc {
                    None => when(cond).then(lit(pick(w))).otherwise(default.clone()),
                    Some(e) => when(cond).then(lit(pick(w))).otherwise(e),
                })
            })
            .unwrap_or(default)
    };
    let (wp, wj, ws) = (weight(|w| w.primary), weight(|w| w.junior), weight(|w| w.senior));
    let denominator = wp.clone() * a.clone() + wj.clone() * b.clone() + ws * c;
    let teach_area = if cfg.exclude_indoor_sports_from_teaching_area {
        f("teaching_area_m2") - f("indoor_sports_area_m2").fill_null(lit(0.0))
    } else {
        f("teaching_area_m2")
    };
    let unit = |level: Level, n: Expr, w: Expr| {
        let share = w * n.clone() / denominator.clone();
        let l = level.id();
        schools.clone().select([
            col("year"),
            col("county_code"),
            col("school_id"),
            col("school_name"),
            col("school_type"),
            col("urban_rural_code"),
            lit(l).alias("level"),
            n.alias("students"),
            (teach_area.clone() * share.clone()).alias("teach_area"),
            (f("sports_area_m2") * share.clone()).alias("sports_area"),
            (f("equipment_value_yuan") * share.clone()).alias("equipment_value"),
            (f("computers") * share.clone()).alias("computers"),
            (f("books") * share.clone()).alias("books"),
            (f("multimedia_rooms") * share).alias("multimedia_rooms"),
            f(&format!("{l}_teachers")).alias("teachers"),
            f(&format!("{l}_degree_teachers")).alias("degree_teachers"),
            f(&format!("{l}_titled_teachers")).alias("titled_teachers"),
            f(&format!("{l}_backbone_teachers")).alias("backbone_teachers"),
            f(&format!("{l}_pe_art_teachers")).alias("pe_art_teachers"),
        ])
    };
    let units = [unit(Level::Primary, a, wp), unit(Level::Junior, b, wj)];
    concat(units, UnionArgs::default()).expect("same schema").filter(col("students").gt(lit(0.0)))
}

/// An indicator's value per unit.
fn value(i: &Indicator) -> Expr {
    lit(i.per) * col(i.numerator) / col("students")
}

/// Which units a standard covers.
fn scope(standard: &str, cfg: &Config) -> Expr {
    let not_special = col("school_type").neq(lit("special"));
    match standard {
        "basic" => not_special,
        _ => not_special.and(
            col("school_type")
                .eq(lit("teaching_point"))
                .and(col("students").lt(lit(cfg.quality_min_teaching_point_students)))
                .not(),
        ),
    }
}

/// The CV limit of one indicator row: quality indicators have one per level; basic ones are judged only through
/// the composite, so they have none.
fn cv_limit(standard: &str, cfg: &Config) -> Expr {
    match standard {
        "quality" => when(col("level").eq(lit("primary")))
            .then(lit(cfg.quality.cv_max.primary))
            .otherwise(lit(cfg.quality.cv_max.junior)),
        _ => lit(NULL).cast(DataType::Float64),
    }
}

/// One row per (year, county_code, level, standard, indicator): n_schools, n_missing, students, weighted mean,
/// weighted population sd, cv, min, max, threshold, met, note.
pub fn cv_table(units: &LazyFrame, cfg: &Config) -> LazyFrame {
    let mut parts = Vec::new();
    for (standard, ids) in STANDARDS {
        for id in ids {
            let i = indicator(id);
            let keys: Vec<Expr> = GROUP.iter().map(|k| col(*k)).collect();
            let x = col("x");
            let part = units
                .clone()
                .filter(scope(standard, cfg))
                .select([col("year"), col("county_code"), col("level"), col("students"), value(i).alias("x")])
                .with_column(when(x.clone().is_not_null()).then(col("students")).otherwise(lit(0.0)).alias("w"))
                .with_column((over((col("w") * x.clone()).sum(), &keys) / over(col("w").sum(), &keys)).alias("mean"))
                .group_by(keys)
                .agg([
                    x.clone().count().cast(DataType::Int64).alias("n_schools"),
                    x.clone().null_count().cast(DataType::Int64).alias("n_missing"),
                    col("w").sum().alias("students"),
                    col("mean").first().alias("mean"),
                    ((col("w") * (x.clone() - col("mean")).pow(2)).sum() / col("w").sum()).alias("var"),
                    x.clone().min().alias("min"),
                    x.max().alias("max"),
                ])
                .with_columns([lit(standard).alias("standard"), lit(*id).alias("indicator")]);
            parts.push(part);
        }
    }
    let sd = col("var").sqrt();
    concat(parts, UnionArgs::default())
        .expect("same schema")
        .with_columns([
            when(col("n_schools").gt(lit(0))).then(sd.clone()).otherwise(lit(NULL).cast(DataType::Float64)).alias("sd"),
            when(col("mean").gt(lit(0.0))).then(sd / col("mean")).otherwise(lit(NULL).cast(DataType::Float64)).alias("cv"),
        ])
        .with_column(
            when(col("standard").eq(lit("quality")))
                .then(cv_limit("quality", cfg))
                .otherwise(cv_limit("basic", cfg))
                .alias("threshold"),
        )
        .with_columns([
            col("cv").lt_eq(col("threshold")).alias("met"),
            when(col("n_schools").eq(lit(0)))
                .then(lit("no school reported this indicator"))
                .when(col("mean").lt_eq(lit(0.0)))
                .then(lit("mean is zero: CV undefined"))
                .when(col("n_schools").eq(lit(1)))
                .then(lit("one school: CV is 0 by definition"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("note"),
        ])
        .select(
            ["year", "county_code", "level", "standard", "indicator", "n_schools", "n_missing", "students", "mean", "sd", "cv", "min", "max", "threshold", "met", "note"]
                .map(col),
        )
        .sort(["year", "county_code", "level", "standard"], SortMultipleOptions::default().with_maintain_order(true))
}

/// Per school unit under `quality`, one row per indicator: value, the standard it must reach (`required`), met,
/// shortfall, and the school's
/// verdict under the school rule; `variance_share` is the school's share of the county's weighted variance of
/// that indicator, `cv_drag` the mean of those shares over the 7 (schools that raise the CVs most first).
pub fn school_table(units: &LazyFrame, cfg: &Config) -> LazyFrame {
    let keys: Vec<Expr> = GROUP.iter().map(|k| col(*k)).collect();
    let unit_keys: Vec<Expr> = ["year", "county_code", "level", "school_id"].map(col).to_vec();
    let rule = cfg.quality.school_rule;
    let mut parts = Vec::new();
    for id in QUALITY_INDICATORS {
        let i = indicator(id);
        let standard = when(col("level").eq(lit("primary")))
            .then(lit(cfg.standard(Level::Primary, id)))
            .otherwise(lit(cfg.standard(Level::Junior, id)));
        let x = col("value");
        let w = when(x.clone().is_not_null()).then(col("students")).otherwise(lit(0.0));
        let mean = over((w.clone() * x.clone()).sum(), &keys) / over(w.clone().sum(), &keys);
        let dev = w.clone() * (x.clone() - mean).pow(2);
        // What is missing in the indicator's own terms: ㎡ and 元 to the cent, teachers and rooms whole.
        let gap = (col("required") - x.clone()) * col("students") / lit(i.per);
        let shortfall = if i.per == 1.0 { gap.round(2, RoundMode::HalfToEven) } else { gap.ceil() };
        parts.push(
            units
                .clone()
                .filter(scope("quality", cfg))
                .select([
                    col("year"),
                    col("county_code"),
                    col("school_id"),
                    col("school_name"),
                    col("school_type"),
                    col("level"),
                    col("students"),
                    lit(*id).alias("indicator"),
                    value(i).alias("value"),
                    standard.alias("required"),
                ])
                .with_columns([
                    x.clone().gt_eq(col("required")).fill_null(lit(false)).alias("met"),
                    x.clone().gt_eq(col("required") * lit(rule.min_ratio)).fill_null(lit(false)).alias("near"),
                    (dev.clone() / over(dev.sum(), &keys)).alias("variance_share"),
                ])
                .with_columns([
                    when(col("met")).then(lit(0.0)).otherwise(shortfall).alias("shortfall"),
                    lit(i.shortfall_unit).alias("shortfall_unit"),
                ]),
        );
    }
    let failed = over(col("met").not().cast(DataType::UInt32).sum(), &unit_keys);
    concat(parts, UnionArgs::default())
        .expect("same schema")
        .with_columns([
            over(col("met").cast(DataType::UInt32).sum(), &unit_keys).cast(DataType::Int64).alias("indicators_met"),
            failed
                .lt_eq(lit((QUALITY_INDICATORS.len() as u32).saturating_sub(rule.min_met)))
                .and(over(col("near").or(col("met")).all(true), &unit_keys))
                .alias("school_pass"),
            over(col("variance_share").fill_nan(lit(0.0)).mean(), &unit_keys).alias("cv_drag"),
        ])
        .select(
            [
                "year", "county_code", "school_id", "school_name", "school_type", "level", "students", "indicator", "value",
                "required", "met", "shortfall", "shortfall_unit", "indicators_met", "school_pass", "variance_share", "cv_drag",
            ]
            .map(col),
        )
        .sort_by_exprs(
            [col("year"), col("county_code"), col("level"), col("cv_drag"), col("school_id")],
            SortMultipleOptions::default().with_order_descending_multi([false, false, false, true, false]).with_nulls_last(true),
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
        .group_by(["year", "county_code", "level", "school_id"].map(col))
        .agg([col("school_pass").first()])
        .group_by(["year", "county_code", "level"].map(col))
        .agg([
            col("school_pass").count().cast(DataType::Int64).alias("schools"),
            col("school_pass").cast(DataType::Int64).sum().alias("schools_passing"),
        ])
        .with_column(lit("quality").alias("standard"));
    let n_basic = BASIC_INDICATORS.len() as u32;
    cvs.clone()
        .group_by(keys.clone())
        .agg([
            col("indicator").count().cast(DataType::Int64).alias("indicators"),
            col("cv").count().cast(DataType::Int64).alias("indicators_with_cv"),
            col("met").cast(DataType::Int64).sum().alias("quality_met"),
            col("cv").mean().alias("cv_mean"),
            col("cv").max().alias("cv_max_seen"),
        ])
        .join(per_school, keys.clone(), keys.clone(), JoinArgs::new(JoinType::Left))
        .with_columns([
            // Basic indicators are judged only through the composite, so "how many met" applies to quality.
            when(col("standard").eq(lit("quality")))
                .then(col("quality_met"))
                .otherwise(lit(NULL).cast(DataType::Int64))
                .alias("indicators_met"),
            when(col("standard").eq(lit("basic")).and(col("indicators_with_cv").eq(lit(n_basic as i64))))
                .then(col("cv_mean"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("composite_cv"),
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
