//! The screens of the audit, each over the schools (or the county indicators) of a year, with the year before and
//! the year after where a value is compared with the school's own history, giving flags in one shape
//! ([`FLAG_FIELDS`]); [`super::flags`] puts them together and words them. The statistical screens share one compact
//! frame of the year's values ([`Paired`]).

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

/// The teacher columns of each level the statistical screens read.
const TEACHER_KINDS: [&str; 5] = ["teachers", "degree_teachers", "titled_teachers", "backbone_teachers", "pe_art_teachers"];

/// Every value the statistical screens read (resources, pupils, each level's teachers), one row per school and
/// column, in compact form: `i` (the school's row in the year's frame), `c` (the column, an index into
/// `columns`), `level` (0 whole school, 1 primary, 2 junior), `x`, `students` (the level's pupils for a level's
/// column, the school's otherwise), `x_other` (the same school's positive value of the year before, or of the year
/// after where there is none the year before, `next` then; empty where neither exists), and the stratum as small
/// integers (`province`, `kind`: the school type for a whole-school column, the level for a level's, `urban`).
/// Built once a year in one pass over the schools and shared by the screens: as Polars frames of text keys,
/// joined and windowed per screen, a national audit took a minute and 3.6 GB.
pub struct Paired {
    pub frame: DataFrame,
    pub columns: Vec<String>,
}

/// The year's schools as the screens name them: their keys by row.
pub struct Rows {
    year: Vec<Option<i32>>,
    county: Vec<Option<String>>,
    id: Vec<Option<String>>,
    name: Vec<Option<String>>,
    row: Vec<Option<i64>>,
}

impl Rows {
    pub fn of(now: &DataFrame) -> PolarsResult<Rows> {
        let text = |c: &str| -> PolarsResult<Vec<Option<String>>> { Ok(now.column(c)?.cast(&DataType::String)?.str()?.iter().map(|v| v.map(str::to_string)).collect()) };
        Ok(Rows {
            year: now.column("year")?.cast(&DataType::Int32)?.i32()?.iter().collect(),
            county: text("county_code")?,
            id: text("school_id")?,
            name: text("school_name")?,
            row: now.column("_row")?.cast(&DataType::Int64)?.i64()?.iter().collect(),
        })
    }
}

fn numbers(df: &DataFrame, c: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(df.column(c)?.cast(&DataType::Float64)?.f64()?.iter().collect())
}

pub fn paired(now: &DataFrame, before: &DataFrame, after: &DataFrame) -> PolarsResult<Paired> {
    let mut columns: Vec<(String, u8)> = RESOURCES.iter().map(|c| (c.to_string(), 0)).collect();
    columns.extend([("primary_students".to_string(), 0), ("junior_students".to_string(), 0)]);
    for (l, level) in LEVELS.iter().zip([1u8, 2]) {
        columns.extend(TEACHER_KINDS.iter().map(|t| (format!("{l}_{t}"), level)));
    }
    let ids = |df: &DataFrame| -> PolarsResult<Vec<Option<String>>> { Ok(df.column("school_id")?.cast(&DataType::String)?.str()?.iter().map(|v| v.map(str::to_string)).collect()) };
    let (now_ids, before_ids, after_ids) = (ids(now)?, ids(before)?, ids(after)?);
    let index = |v: &[Option<String>]| -> std::collections::HashMap<String, usize> { v.iter().enumerate().filter_map(|(i, id)| Some((id.clone()?, i))).collect() };
    let (in_before, in_after) = (index(&before_ids), index(&after_ids));
    let before_row: Vec<Option<usize>> = now_ids.iter().map(|id| id.as_ref().and_then(|id| in_before.get(id).copied())).collect();
    let after_row: Vec<Option<usize>> = now_ids.iter().map(|id| id.as_ref().and_then(|id| in_after.get(id).copied())).collect();
    // The stratum of each school as small integers.
    let province: Vec<u16> = now.column("county_code")?.str()?.iter().map(|c| c.and_then(|c| c.get(..2)?.parse().ok()).unwrap_or(0)).collect();
    let mut types: Vec<String> = Vec::new();
    let kind: Vec<u16> = now
        .column("school_type")?
        .str()?
        .iter()
        .map(|t| {
            let t = t.unwrap_or("").to_string();
            match types.iter().position(|x| *x == t) {
                Some(k) => k as u16,
                None => {
                    types.push(t);
                    (types.len() - 1) as u16
                }
            }
        })
        .collect();
    let urban: Vec<u8> = now.column("urban_rural_code")?.cast(&DataType::Int32)?.i32()?.iter().map(|c| match c.unwrap_or(220) {
        c if c < 120 => 0,
        c if c < 200 => 1,
        _ => 2,
    }).collect();
    let pupils = numbers(now, "pupils")?;
    let level_pupils = [numbers(now, "primary_students")?, numbers(now, "junior_students")?];
    let n = now.height();
    let cap = n * columns.len();
    let (mut i_, mut c_, mut level_, mut x_, mut students_, mut other_, mut next_, mut province_, mut kind_, mut urban_) =
        (Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap));
    for (c, (name, level)) in columns.iter().enumerate() {
        let (x, b, a) = (numbers(now, name)?, numbers(before, name)?, numbers(after, name)?);
        let positive = |v: Option<f64>| v.filter(|v| *v > 0.0);
        for r in 0..n {
            let prior = before_row[r].and_then(|j| positive(b[j]));
            let next = if prior.is_none() { after_row[r].and_then(|j| positive(a[j])) } else { None };
            i_.push(r as u32);
            c_.push(c as u32);
            level_.push(u32::from(*level));
            x_.push(x[r]);
            students_.push(if *level == 0 { pupils[r].unwrap_or(0.0) } else { level_pupils[usize::from(*level) - 1][r].unwrap_or(0.0) });
            other_.push(prior.or(next));
            next_.push(next.is_some());
            province_.push(u32::from(province[r]));
            kind_.push(if *level == 0 { u32::from(kind[r]) } else { 1000 + u32::from(*level) });
            urban_.push(u32::from(urban[r]));
        }
    }
    let frame = DataFrame::new_infer_height(vec![
        Column::new("i".into(), i_),
        Column::new("c".into(), c_),
        Column::new("level".into(), level_),
        Column::new("x".into(), x_),
        Column::new("students".into(), students_),
        Column::new("x_other".into(), other_),
        Column::new("next".into(), next_),
        Column::new("province".into(), province_),
        Column::new("kind".into(), kind_),
        Column::new("urban".into(), urban_),
    ])?;
    Ok(Paired { frame, columns: columns.into_iter().map(|(c, _)| c).collect() })
}

impl Paired {
    /// The rows of the given columns (whole-school ones by name, a level's teacher kinds as `teachers`, …).
    fn of(&self, columns: &[&str], teachers: &[&str]) -> LazyFrame {
        let mut names: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        for l in LEVELS {
            names.extend(teachers.iter().map(|t| format!("{l}_{t}")));
        }
        let wanted: Vec<u32> = self.columns.iter().enumerate().filter(|(_, c)| names.contains(c)).map(|(k, _)| k as u32).collect();
        self.frame.clone().lazy().filter(col("c").is_in(lit(Series::new("w".into(), wanted)).implode(false), false))
    }

    /// The flags of the screened rows `hits` (`i`, `c`, `level`, `x`, `compared`, `deviation`, `detail`, `next`),
    /// with the school's keys, in the shape of [`FLAG_FIELDS`].
    fn flags(&self, hits: LazyFrame, rows: &Rows, rule: &str) -> PolarsResult<LazyFrame> {
        let h = hits.select(["i", "c", "level", "x", "compared", "deviation", "detail", "next"].map(col)).collect()?;
        let (i, c, level) = (h.column("i")?.u32()?, h.column("c")?.u32()?, h.column("level")?.u32()?);
        let (x, compared, deviation, detail) = (h.column("x")?.f64()?, h.column("compared")?.f64()?, h.column("deviation")?.f64()?, h.column("detail")?.f64()?);
        let next = h.column("next")?.bool()?;
        let at = |k: usize| i.get(k).unwrap_or(0) as usize;
        let n = h.height();
        let level_name = |l: Option<u32>| match l {
            Some(1) => Some("primary".to_string()),
            Some(2) => Some("junior".to_string()),
            _ => None,
        };
        let column_of = |k: usize| c.get(k).map(|c| self.columns[c as usize].clone());
        Ok(DataFrame::new_infer_height(vec![
            Column::new("year".into(), (0..n).map(|k| rows.year[at(k)]).collect::<Vec<_>>()),
            Column::new("county_code".into(), (0..n).map(|k| rows.county[at(k)].clone()).collect::<Vec<_>>()),
            Column::new("school_id".into(), (0..n).map(|k| rows.id[at(k)].clone()).collect::<Vec<_>>()),
            Column::new("school_name".into(), (0..n).map(|k| rows.name[at(k)].clone()).collect::<Vec<_>>()),
            Column::new("level".into(), (0..n).map(|k| level_name(level.get(k))).collect::<Vec<_>>()),
            Column::new("column".into(), (0..n).map(column_of).collect::<Vec<_>>()),
            Column::new("value".into(), x.iter().collect::<Vec<_>>()),
            Column::new("compared_with".into(), compared.iter().collect::<Vec<_>>()),
            Column::new("rule".into(), vec![rule.to_string(); n]),
            Column::new("severity".into(), vec![HINT.to_string(); n]),
            Column::new("deviation".into(), deviation.iter().collect::<Vec<_>>()),
            Column::new("base".into(), (0..n).map(column_of).collect::<Vec<_>>()),
            Column::new("detail".into(), detail.iter().collect::<Vec<_>>()),
            Column::new("_row".into(), (0..n).map(|k| rows.row[at(k)]).collect::<Vec<_>>()),
            Column::new("neighbour".into(), (0..n).map(|k| next.get(k).map(|n| if n { "下年" } else { "上年" }.to_string())).collect::<Vec<_>>()),
        ])?
        .lazy())
    }
}

/// Statistics of each stratum joined onto its rows.
fn per_stratum(rows: LazyFrame, stratum: &[&str], stats: Vec<Expr>) -> LazyFrame {
    let keys: Vec<Expr> = stratum.iter().map(|c| col(*c)).collect();
    let by = rows.clone().group_by(keys.clone()).agg(stats);
    rows.join(by, keys.clone(), keys, JoinArgs::new(JoinType::Left))
}

/// Unit slips year over year: a value more than the configured decades from the same school's value the year
/// before (the year after, where the school has no value the year before: its first year), both positive.
pub fn year_on_year(p: &Paired, rows: &Rows, rules: &AuditRules) -> PolarsResult<LazyFrame> {
    let d = rules.unit_slip.year_on_year_decades;
    let ratio = (col("x") / col("x_other")).log(lit(10.0));
    let hits = p
        .of(&RESOURCES, &[])
        .filter(col("x").gt(lit(0.0)).and(col("x_other").is_not_null()).and(ratio.clone().abs().gt(lit(d))))
        .with_columns([col("x_other").alias("compared"), (col("x") - col("x_other")).abs().alias("deviation"), ratio.alias("detail")]);
    p.flags(hits, rows, "unit_slip_year_on_year")
}

/// Period-to-period outliers by the method of Hidiroglou and Berthelot over pupils, teachers and each resource,
/// within a province's schools of the year (a school's first year against the year after, a stratum of its own);
/// zeros and gaps left out.
pub fn hidiroglou_berthelot(p: &Paired, rows: &Rows, rules: &AuditRules) -> PolarsResult<LazyFrame> {
    let h = rules.hidiroglou_berthelot;
    // Rooms are left out: a ratio of a handful (1 → 2 music rooms) is a new room, not an outlier.
    let columns = ["primary_students", "junior_students", "teaching_area_m2", "sports_area_m2", "equipment_value_yuan", "computers", "books", "public_funds_received_yuan"];
    let stratum = ["province", "c", "next"];
    let t = p.of(&columns, &["teachers"]).filter(col("x").gt(lit(0.0)).and(col("x_other").is_not_null()));
    let t = t.with_column((col("x") / col("x_other")).alias("r"));
    let t = per_stratum(t, &stratum, vec![col("r").median().alias("r_m"), col("r").count().alias("n")]);
    let centred = when(col("r").lt(col("r_m"))).then(lit(1.0) - col("r_m") / col("r")).otherwise(col("r") / col("r_m") - lit(1.0));
    let size = when(col("x").gt(col("x_other"))).then(col("x")).otherwise(col("x_other")).pow(lit(h.u));
    let t = t.with_column((centred * size).alias("e"));
    let q = |at: f64| col("e").quantile(lit(at), QuantileMethod::Linear);
    let t = per_stratum(t, &stratum, vec![q(0.25).alias("e_q1"), q(0.5).alias("e_m"), q(0.75).alias("e_q3")]);
    let floor = (lit(h.a) * col("e_m")).abs();
    let below = col("e_m") - col("e_q1");
    let above = col("e_q3") - col("e_m");
    let d_q1 = when(below.clone().gt(floor.clone())).then(below).otherwise(floor.clone());
    let d_q3 = when(above.clone().gt(floor.clone())).then(above).otherwise(floor);
    let outside = col("e").lt(col("e_m") - lit(h.c) * d_q1).or(col("e").gt(col("e_m") + lit(h.c) * d_q3));
    let expected = col("x_other") * col("r_m");
    let hits = t
        .filter(col("n").gt_eq(lit(h.min_schools)).and(outside))
        .with_columns([expected.clone().alias("compared"), (col("x") - expected).abs().alias("deviation"), col("r").alias("detail")]);
    p.flags(hits, rows, "hidiroglou_berthelot")
}

/// Per-pupil values of the balance indicators' resources and of each level's teachers: `v` = x / students.
fn per_pupil(p: &Paired) -> LazyFrame {
    p.of(&BALANCE_RESOURCES, &TEACHER_KINDS).filter(col("students").gt(lit(0.0)).and(col("x").is_not_null())).with_column((col("x") / col("students")).alias("v"))
}

/// The stratum of the per-pupil screens: province × school type or level × 城区/镇区/乡村 (the year is one).
const STRATUM: [&str; 4] = ["province", "kind", "urban", "c"];

/// Unit slips across schools: a school's per-pupil value more than the configured decades from the median of its
/// stratum (both positive).
pub fn stratum_slip(p: &Paired, rows: &Rows, rules: &AuditRules) -> PolarsResult<LazyFrame> {
    let d = rules.unit_slip.stratum_decades;
    let t = per_stratum(per_pupil(p).filter(col("v").gt(lit(0.0))), &STRATUM, vec![col("v").median().alias("v_m")]);
    let decades = (col("v") / col("v_m")).log(lit(10.0));
    let expected = col("v_m") * col("students");
    let hits = t
        .filter(col("v_m").gt(lit(0.0)).and(decades.clone().abs().gt(lit(d))))
        .with_columns([expected.clone().alias("compared"), (col("x") - expected).abs().alias("deviation"), decades.alias("detail")]);
    p.flags(hits, rows, "unit_slip_stratum")
}

/// Robust outliers within a stratum: |log(v + 1) − median| / (1.4826 · MAD) above the configured z, for the
/// values the year-over-year screens cannot judge: a school-column with no positive value the year before or
/// after (a school of one year, or data of one year). Where a year before or after exists, the unit slips and the
/// Hidiroglou–Berthelot screen judge the value against the school's own history, which the stratum (a mixture of
/// counties rich and poor, schools large and small) cannot: on the generated sample, the same screen over every
/// value flagged 14 % of clean school-years at z > 3 and 4 % at z > 5.
pub fn robust(p: &Paired, rows: &Rows, rules: &AuditRules) -> PolarsResult<LazyFrame> {
    let r = rules.robust;
    // Only the strata that hold a value without a year before or after are screened (most hold none).
    let candidates = per_pupil(p).filter(col("x_other").is_null()).select(STRATUM.map(col)).unique(None, UniqueKeepStrategy::Any).collect()?;
    if candidates.height() == 0 {
        return p.flags(per_pupil(p).filter(lit(false)).with_columns([lit(NULL).cast(DataType::Float64).alias("compared"), lit(NULL).cast(DataType::Float64).alias("deviation"), lit(NULL).cast(DataType::Float64).alias("detail")]), rows, "robust_outlier");
    }
    let keys = STRATUM.map(col);
    let t = per_pupil(p).join(candidates.lazy(), keys.clone(), keys, JoinArgs::new(JoinType::Inner)).with_column(col("v").log1p().alias("y"));
    let t = per_stratum(t, &STRATUM, vec![col("y").median().alias("y_m"), col("y").count().alias("n")]);
    let t = t.with_column((col("y") - col("y_m")).abs().alias("dev"));
    let t = per_stratum(t, &STRATUM, vec![col("dev").median().alias("mad")]);
    let z = col("dev") / (lit(1.4826) * col("mad"));
    let expected = (col("y_m").exp() - lit(1.0)) * col("students");
    let hits = t
        .filter(col("x_other").is_null().and(col("n").gt_eq(lit(r.min_schools))).and(col("mad").gt(lit(0.0))).and(z.clone().gt(lit(r.mad_z))))
        .with_columns([expected.clone().alias("compared"), (col("x") - expected).abs().alias("deviation"), z.alias("detail")]);
    p.flags(hits, rows, "robust_outlier")
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
