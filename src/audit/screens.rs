//! The screens of the audit, each a Polars computation over the schools (or the county indicators) of a year and
//! the year before, giving flags in one shape ([`FLAG_FIELDS`]); [`super::flags`] puts them together and words them.

use polars::prelude::*;

use super::config::AuditRules;

/// The fields of a flag before it is worded: where, which cell, its value and what it was compared with, the rule,
/// and its weight: `deviation` (|value − expected|, in the unit of `base`) over the county's total of `base`.
pub const FLAG_FIELDS: [&str; 15] =
    ["year", "county_code", "school_id", "school_name", "level", "column", "value", "compared_with", "rule", "severity", "deviation", "base", "detail", "_row", "neighbour"];

pub const STRONG: &str = "强制";
pub const HINT: &str = "提示";

/// The levels of compulsory education, as the columns name them.
pub const LEVELS: [&str; 2] = ["primary", "junior"];

/// The parts of a level's teachers that cannot exceed them.
const TEACHER_PARTS: [&str; 4] = ["degree_teachers", "titled_teachers", "backbone_teachers", "pe_art_teachers"];

/// Whole-school resources: money, areas, books, computers and rooms, whose unit a slip changes.
pub const RESOURCES: [&str; 9] = [
    "teaching_area_m2",
    "sports_area_m2",
    "equipment_value_yuan",
    "computers",
    "books",
    "multimedia_rooms",
    "music_rooms",
    "art_rooms",
    "public_funds_received_yuan",
];

/// The whole-school resources of the balance indicators (per pupil of the school).
const BALANCE_RESOURCES: [&str; 6] = ["teaching_area_m2", "sports_area_m2", "equipment_value_yuan", "computers", "books", "multimedia_rooms"];

/// Key resources a school with pupils must report.
const KEY: [&str; 5] = ["teaching_area_m2", "sports_area_m2", "equipment_value_yuan", "computers", "books"];

/// The school columns the screens read (besides the derived ones).
pub const READS: &[&str] = crate::balance::SCHOOL_COLUMNS;

/// Derived columns every screen may use: `pupils` (all levels), `province`, `urban` (城区 / 镇区 / 乡村), and `_row`
/// (the record of a file being loaded, which `ingest` names; empty for the warehouse's schools, which have none).
pub fn prepare(schools: LazyFrame, has_row: bool) -> LazyFrame {
    let n = |c: &str| col(c).cast(DataType::Float64).fill_null(lit(0.0));
    let schools = if has_row { schools } else { schools.with_column(lit(NULL).cast(DataType::Int64).alias("_row")) };
    schools.with_columns([
        lit(NULL).cast(DataType::String).alias("neighbour"),
        (n("primary_students") + n("junior_students") + n("senior_students")).alias("pupils"),
        col("county_code").str().slice(lit(0), lit(2)).alias("province"),
        when(col("urban_rural_code").lt(lit(120)))
            .then(lit("城区"))
            .when(col("urban_rural_code").lt(lit(200)))
            .then(lit("镇区"))
            .otherwise(lit("乡村"))
            .alias("urban"),
    ])
}

/// A number column of the schools as f64.
fn f(c: &str) -> Expr {
    col(c).cast(DataType::Float64)
}

/// The flags of the rows `lf` keeps, in the shape of [`FLAG_FIELDS`].
#[allow(clippy::too_many_arguments)]
fn shape(lf: LazyFrame, level: Expr, column: Expr, value: Expr, compared: Expr, rule: &str, severity: &str, deviation: Expr, base: Expr, detail: Expr) -> LazyFrame {
    lf.select([
        col("year").cast(DataType::Int32),
        col("county_code"),
        col("school_id").cast(DataType::String),
        col("school_name").cast(DataType::String),
        level.cast(DataType::String).alias("level"),
        column.cast(DataType::String).alias("column"),
        value.cast(DataType::Float64).alias("value"),
        compared.cast(DataType::Float64).alias("compared_with"),
        lit(rule.to_string()).alias("rule"),
        lit(severity.to_string()).alias("severity"),
        deviation.cast(DataType::Float64).alias("deviation"),
        base.cast(DataType::String).alias("base"),
        detail.cast(DataType::Float64).alias("detail"),
        col("_row").cast(DataType::Int64),
        col("neighbour").cast(DataType::String),
    ])
}

fn none() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

fn text(s: &str) -> Expr {
    lit(s.to_string())
}

/// 逻辑校验: values that cannot be true of one school-year. `schools` as [`prepare`] gives it.
pub fn impossible(schools: &LazyFrame, rules: &AuditRules) -> Vec<LazyFrame> {
    let i = rules.impossible;
    let mut out = Vec::new();
    for l in LEVELS {
        let (teachers, students, classes) = (format!("{l}_teachers"), format!("{l}_students"), format!("{l}_classes"));
        for part in TEACHER_PARTS {
            let c = format!("{l}_{part}");
            out.push(shape(
                schools.clone().filter(f(&c).gt(f(&teachers))),
                text(l),
                text(&c),
                f(&c),
                f(&teachers),
                "part_above_whole",
                STRONG,
                f(&c) - f(&teachers),
                text(&c),
                none(),
            ));
        }
        out.push(shape(
            schools.clone().filter(f(&students).gt(lit(0.0)).and(f(&classes).eq(lit(0.0)))),
            text(l),
            text(&classes),
            f(&classes),
            f(&students),
            "pupils_without_classes",
            STRONG,
            f(&students),
            text("pupils"),
            none(),
        ));
        out.push(shape(
            schools.clone().filter(f(&classes).gt(lit(0.0)).and(f(&students).eq(lit(0.0)))),
            text(l),
            text(&students),
            f(&students),
            f(&classes),
            "classes_without_pupils",
            STRONG,
            f(&classes),
            text(&classes),
            none(),
        ));
        let average = f(&students) / f(&classes);
        out.push(shape(
            schools.clone().filter(
                f(&students).gt(lit(0.0)).and(f(&classes).gt(lit(0.0))).and(average.clone().lt(lit(i.average_class_min)).or(average.clone().gt(lit(i.average_class_max)))),
            ),
            text(l),
            text(&classes),
            f(&classes),
            f(&students),
            "average_class_outside",
            STRONG,
            f(&students),
            text("pupils"),
            average.clone(),
        ));
        let largest = format!("{l}_max_class_size");
        out.push(shape(
            schools.clone().filter(f(&students).gt(lit(0.0)).and(f(&classes).gt(lit(0.0))).and(f(&largest).lt(average.clone()))),
            text(l),
            text(&largest),
            f(&largest),
            average.clone(),
            "largest_below_average",
            STRONG,
            f(&students),
            text("pupils"),
            none(),
        ));
    }
    // The school-wide largest class against the compulsory levels' average class.
    let n = |c: &str| f(c).fill_null(lit(0.0));
    let (students, classes) = (n("primary_students") + n("junior_students"), n("primary_classes") + n("junior_classes"));
    let average = students.clone() / classes.clone();
    out.push(shape(
        schools.clone().filter(classes.clone().gt(lit(0.0)).and(students.clone().gt(lit(0.0))).and(f("max_class_size").lt(average.clone()))),
        lit(NULL).cast(DataType::String),
        text("max_class_size"),
        f("max_class_size"),
        average,
        "largest_below_average",
        STRONG,
        students,
        text("pupils"),
        none(),
    ));
    out
}

/// One column of the schools per row: `column`, `x` (its value), with the keys, `pupils`, the stratum columns
/// and, for a level's column, `level` and the level's pupils as `students` (the school's pupils otherwise).
fn long(schools: &LazyFrame, columns: &[&str], teachers: &[&str]) -> LazyFrame {
    let keys = || [col("year"), col("county_code"), col("school_id"), col("school_name"), col("school_type"), col("province"), col("urban"), col("pupils"), col("_row")];
    let keys = || {
        let mut k = keys().to_vec();
        k.push(col("neighbour"));
        k
    };
    let mut parts: Vec<LazyFrame> = columns
        .iter()
        .map(|c| {
            let mut s = keys().to_vec();
            s.extend([lit(NULL).cast(DataType::String).alias("level"), text(c).alias("column"), f(c).alias("x"), col("pupils").alias("students"), col("school_type").alias("stratum")]);
            schools.clone().select(s)
        })
        .collect();
    for l in LEVELS {
        for t in teachers {
            let c = format!("{l}_{t}");
            let mut s = keys().to_vec();
            s.extend([text(l).alias("level"), text(&c).alias("column"), f(&c).alias("x"), f(&format!("{l}_students")).alias("students"), text(l).alias("stratum")]);
            parts.push(schools.clone().select(s));
        }
    }
    concat(parts, UnionArgs::default()).expect("frames of one shape")
}

/// Unit slips year over year: a value more than the configured decades from the same school's value the year
/// before (the year after, where the school has no value the year before: its first year), both positive. `now`,
/// `before` and `after` as [`prepare`] gives them.
pub fn year_on_year(now: &LazyFrame, before: &LazyFrame, after: &LazyFrame, rules: &AuditRules) -> LazyFrame {
    let d = rules.unit_slip.year_on_year_decades;
    let pairs = pairs(now, before, after, &RESOURCES, &[]);
    let ratio = (col("x") / col("x_other")).log(lit(10.0));
    shape(
        pairs.filter(col("x").gt(lit(0.0)).and(ratio.clone().abs().gt(lit(d)))),
        col("level"),
        col("column"),
        col("x"),
        col("x_other"),
        "unit_slip_year_on_year",
        HINT,
        (col("x") - col("x_other")).abs(),
        col("column"),
        ratio,
    )
}

/// Each column of a school this year beside the same school's positive value of the year before (`x_other`,
/// `neighbour` 上年), or of the year after where there is none the year before (下年: a school's first year, or
/// the first year held, is checked against what follows).
fn pairs(now: &LazyFrame, before: &LazyFrame, after: &LazyFrame, columns: &[&str], teachers: &[&str]) -> LazyFrame {
    let other = |frame: &LazyFrame, shift: i32, name: &str| {
        long(frame, columns, teachers).filter(col("x").gt(lit(0.0))).select([col("school_id"), col("column"), (col("year") + lit(shift)).alias("year"), col("x").alias(name)])
    };
    let on = || [col("school_id"), col("column"), col("year")];
    long(now, columns, teachers)
        .join(other(before, 1, "x_prior"), on(), on(), JoinArgs::new(JoinType::Left))
        .join(other(after, -1, "x_next"), on(), on(), JoinArgs::new(JoinType::Left))
        .with_columns([
            when(col("x_prior").is_not_null()).then(col("x_prior")).otherwise(col("x_next")).alias("x_other"),
            when(col("x_prior").is_not_null()).then(lit("上年")).otherwise(lit("下年")).alias("neighbour"),
        ])
        .filter(col("x_other").is_not_null())
}

/// Period-to-period outliers by the method of Hidiroglou and Berthelot over pupils, teachers and each resource,
/// within province × year; zeros and gaps left out.
pub fn hidiroglou_berthelot(now: &LazyFrame, before: &LazyFrame, after: &LazyFrame, rules: &AuditRules) -> PolarsResult<LazyFrame> {
    let h = rules.hidiroglou_berthelot;
    // Rooms are left out: a ratio of a handful (1 → 2 music rooms) is a new room, not an outlier.
    let columns = ["primary_students", "junior_students", "teaching_area_m2", "sports_area_m2", "equipment_value_yuan", "computers", "books", "public_funds_received_yuan"];
    let stratum = [col("province"), col("year"), col("column"), col("neighbour")];
    let p = pairs(now, before, after, &columns, &["teachers"]).filter(col("x").gt(lit(0.0)));
    let p = p.with_column((col("x") / col("x_other")).alias("r"));
    let p = p.with_columns([col("r").median().over(stratum.clone())?.alias("r_m"), col("r").count().over(stratum.clone())?.alias("n")]);
    let centred = when(col("r").lt(col("r_m"))).then(lit(1.0) - col("r_m") / col("r")).otherwise(col("r") / col("r_m") - lit(1.0));
    let size = when(col("x").gt(col("x_other"))).then(col("x")).otherwise(col("x_other")).pow(lit(h.u));
    let p = p.with_column((centred * size).alias("e"));
    let q = |at: f64| col("e").quantile(lit(at), QuantileMethod::Linear).over(stratum.clone());
    let p = p.with_columns([q(0.25)?.alias("e_q1"), q(0.5)?.alias("e_m"), q(0.75)?.alias("e_q3")]);
    let floor = (lit(h.a) * col("e_m")).abs();
    let below = col("e_m") - col("e_q1");
    let above = col("e_q3") - col("e_m");
    let d_q1 = when(below.clone().gt(floor.clone())).then(below).otherwise(floor.clone());
    let d_q3 = when(above.clone().gt(floor.clone())).then(above).otherwise(floor);
    let outside = col("e").lt(col("e_m") - lit(h.c) * d_q1).or(col("e").gt(col("e_m") + lit(h.c) * d_q3));
    let expected = col("x_other") * col("r_m");
    Ok(shape(
        p.filter(col("n").gt_eq(lit(h.min_schools)).and(outside)),
        col("level"),
        col("column"),
        col("x"),
        expected.clone(),
        "hidiroglou_berthelot",
        HINT,
        (col("x") - expected).abs(),
        col("column"),
        col("r"),
    ))
}

/// Per-pupil values of the balance indicators' resources and of each level's teachers: `v` = x / students, with
/// the stratum (province × school type or level × 城区/镇区/乡村 × year).
fn per_pupil(schools: &LazyFrame) -> LazyFrame {
    long(schools, &BALANCE_RESOURCES, &["teachers", "degree_teachers", "titled_teachers", "backbone_teachers", "pe_art_teachers"])
        .filter(col("students").gt(lit(0.0)).and(col("x").is_not_null()))
        .with_column((col("x") / col("students")).alias("v"))
}

/// Unit slips across schools: a school's per-pupil value more than the configured decades from the median of its
/// stratum (both positive).
pub fn stratum_slip(schools: &LazyFrame, rules: &AuditRules) -> PolarsResult<LazyFrame> {
    let d = rules.unit_slip.stratum_decades;
    let stratum = [col("province"), col("stratum"), col("urban"), col("year"), col("column")];
    let p = per_pupil(schools).filter(col("v").gt(lit(0.0)));
    let p = p.with_column(col("v").median().over(stratum)?.alias("v_m"));
    let decades = (col("v") / col("v_m")).log(lit(10.0));
    let expected = col("v_m") * col("students");
    Ok(shape(
        p.filter(col("v_m").gt(lit(0.0)).and(decades.clone().abs().gt(lit(d)))),
        col("level"),
        col("column"),
        col("x"),
        expected.clone(),
        "unit_slip_stratum",
        HINT,
        (col("x") - expected).abs(),
        col("column"),
        decades,
    ))
}

/// Robust outliers within a stratum: |log(v + 1) − median| / (1.4826 · MAD) above the configured z, for the
/// values the year-over-year screens cannot judge: a school-column with no positive value the year before or
/// after (a school of one year, or data of one year). Where a year before or after exists, the unit slips and the
/// Hidiroglou–Berthelot screen judge the value against the school's own history, which the stratum (a mixture of
/// counties rich and poor, schools large and small) cannot: on the generated sample, the same screen over every
/// value flagged 14 % of clean school-years at z > 3 and 4 % at z > 5.
pub fn robust(now: &LazyFrame, before: &LazyFrame, after: &LazyFrame, rules: &AuditRules) -> PolarsResult<LazyFrame> {
    let r = rules.robust;
    let stratum = [col("province"), col("stratum"), col("urban"), col("year"), col("column")];
    let p = per_pupil(now).with_column(col("v").log1p().alias("y"));
    let p = p.with_columns([col("y").median().over(stratum.clone())?.alias("y_m"), col("y").count().over(stratum.clone())?.alias("n")]);
    let p = p.with_column((col("y") - col("y_m")).abs().alias("dev"));
    let p = p.with_column(col("dev").median().over(stratum)?.alias("mad"));
    let teachers = ["teachers", "degree_teachers", "titled_teachers", "backbone_teachers", "pe_art_teachers"];
    let held = |frame: &LazyFrame, shift: i32| {
        long(frame, &BALANCE_RESOURCES, &teachers).filter(col("x").gt(lit(0.0))).select([col("school_id"), col("column"), (col("year") + lit(shift)).alias("year"), lit(true).alias("held")])
    };
    let on = || [col("school_id"), col("column"), col("year")];
    let neighbours = concat([held(before, 1), held(after, -1)], UnionArgs::default())?.unique(None, UniqueKeepStrategy::Any);
    let p = p.join(neighbours, on(), on(), JoinArgs::new(JoinType::Left)).filter(col("held").is_null());
    let z = col("dev") / (lit(1.4826) * col("mad"));
    let expected = (col("y_m").exp() - lit(1.0)) * col("students");
    Ok(shape(
        p.filter(col("n").gt_eq(lit(r.min_schools)).and(col("mad").gt(lit(0.0))).and(z.clone().gt(lit(r.mad_z)))),
        col("level"),
        col("column"),
        col("x"),
        expected.clone(),
        "robust_outlier",
        HINT,
        (col("x") - expected).abs(),
        col("column"),
        z,
    ))
}

/// Shell schools (no pupils and no teachers; or pupils and none of the key resources), and schools with pupils
/// that leave a key indicator empty.
pub fn shells(schools: &LazyFrame) -> Vec<LazyFrame> {
    let n = |c: &str| f(c).fill_null(lit(0.0));
    let teachers = n("primary_teachers") + n("junior_teachers");
    let mut out = vec![shape(
        schools.clone().filter(col("pupils").eq(lit(0.0)).and(teachers.clone().eq(lit(0.0)))),
        lit(NULL).cast(DataType::String),
        text("pupils"),
        col("pupils"),
        teachers,
        "shell_school_empty",
        HINT,
        lit(0.0),
        text("pupils"),
        none(),
    )];
    let no_resource = KEY.iter().map(|c| n(c).eq(lit(0.0))).reduce(|a, b| a.and(b)).expect("key resources");
    out.push(shape(
        schools.clone().filter(col("pupils").gt(lit(0.0)).and(no_resource)),
        lit(NULL).cast(DataType::String),
        text("pupils"),
        col("pupils"),
        none(),
        "shell_school_no_resources",
        HINT,
        col("pupils"),
        text("pupils"),
        none(),
    ));
    for c in KEY {
        out.push(shape(
            schools.clone().filter(col("pupils").gt(lit(0.0)).and(col(c).is_null())),
            lit(NULL).cast(DataType::String),
            text(c),
            none(),
            none(),
            "missing_key_value",
            HINT,
            col("pupils"),
            text("pupils"),
            none(),
        ));
    }
    for l in LEVELS {
        let (students, teachers) = (format!("{l}_students"), format!("{l}_teachers"));
        out.push(shape(
            schools.clone().filter(f(&students).gt(lit(0.0)).and(col(&teachers).is_null())),
            text(l),
            text(&teachers),
            none(),
            none(),
            "missing_key_value",
            HINT,
            f(&students),
            text("pupils"),
            none(),
        ));
    }
    out
}

/// Large classes, findings rather than errors: each level's largest class (the school's, where no level reports
/// its own) at or above the 大班额 and 超大班额 sizes.
pub fn class_sizes(schools: &LazyFrame, rules: &AuditRules) -> Vec<LazyFrame> {
    let c = rules.class_size;
    let mut out = Vec::new();
    let columns = [("primary", "primary_max_class_size"), ("junior", "junior_max_class_size"), ("", "max_class_size")];
    for (level, column) in columns {
        let own = if level.is_empty() {
            schools.clone().filter(col("primary_max_class_size").is_null().and(col("junior_max_class_size").is_null()))
        } else {
            schools.clone()
        };
        let level = if level.is_empty() { lit(NULL).cast(DataType::String) } else { text(level) };
        for (rule, from, to) in [("large_class", c.large, c.very_large), ("very_large_class", c.very_large, f64::INFINITY)] {
            out.push(shape(
                own.clone().filter(f(column).gt_eq(lit(from)).and(f(column).lt(lit(to)))),
                level.clone(),
                text(column),
                f(column),
                lit(from),
                rule,
                HINT,
                col("pupils"),
                text("pupils"),
                none(),
            ));
        }
    }
    out
}

/// County-level screens over the county indicators (`year, county_code, indicator, value`, this year and the year
/// before) and the schools' pupils per county-year (`year, county_code, pupils`).
pub fn county(indicators: &LazyFrame, pupils: &LazyFrame, year: i32, rules: &AuditRules) -> Vec<LazyFrame> {
    let k = rules.county;
    let tol = k.tolerance_pct / 100.0;
    let value = |id: &str, y: i32| indicators.clone().filter(col("indicator").eq(text(id)).and(col("year").eq(lit(y)))).select([col("county_code"), col("value").alias(id)]);
    let join = |a: LazyFrame, b: LazyFrame| a.join(b, [col("county_code")], [col("county_code")], JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns));
    let wide = join(
        join(join(value("edu_budget_students", year), value("edu_expenditure_per_student", year)), value("edu_budget_expenditure", year)),
        value("edu_budget_expenditure", year - 1).rename(["edu_budget_expenditure"], ["spending_before"], true),
    );
    let wide = join(wide, pupils.clone().filter(col("year").eq(lit(year))).select([col("county_code"), col("pupils").alias("school_pupils")]))
        .with_columns([
            lit(year).alias("year"),
            lit(NULL).cast(DataType::String).alias("school_id"),
            lit(NULL).cast(DataType::String).alias("school_name"),
            lit(NULL).cast(DataType::Int64).alias("_row"),
            lit(NULL).cast(DataType::String).alias("neighbour"),
        ]);
    let computed = col("edu_budget_expenditure") / col("edu_budget_students");
    let change = col("edu_budget_expenditure") / col("spending_before") - lit(1.0);
    let county = |filter: Expr, column: &str, value: Expr, compared: Expr, rule: &str, detail: Expr| {
        shape(wide.clone().filter(filter), lit(NULL).cast(DataType::String), text(column), value, compared.clone(), rule, HINT, none(), text(column), detail)
    };
    vec![
        county(
            col("edu_budget_students").lt(col("school_pupils") * lit(1.0 - tol)),
            "edu_budget_students",
            col("edu_budget_students"),
            col("school_pupils"),
            "county_pupils_below_schools",
            none(),
        ),
        county(
            col("edu_budget_students").gt(lit(0.0)).and(((col("edu_expenditure_per_student") - computed.clone()).abs() / computed.clone()).gt(lit(tol))),
            "edu_expenditure_per_student",
            col("edu_expenditure_per_student"),
            computed,
            "county_per_student_mismatch",
            none(),
        ),
        county(
            col("spending_before").gt(lit(0.0)).and(change.clone().abs().gt(lit(k.spending_change_pct / 100.0))),
            "edu_budget_expenditure",
            col("edu_budget_expenditure"),
            col("spending_before"),
            "county_spending_jump",
            change * lit(100.0),
        ),
    ]
}
