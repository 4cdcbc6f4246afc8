//! The level units and the indicator CVs as SQL text, generated from [`INDICATORS`](super::INDICATORS) and the
//! rules: the one definition of both, run by DuckDB where the schools are (the warehouse, or an in-memory copy of
//! a frame in tests). Pure: these functions build text and run nothing.
//!
//! The formulas are those of `../shared/domain/README.md` §1–§4: a unit per school and level taught, whole-school
//! resources split by weighted enrolment, `x = per × resource / students`, and per (year, county, level)
//! `CV = sqrt(Σ w (x − x̄)² / Σ w) / x̄` with `x̄ = Σ w x / Σ w`, `w` the unit's pupils. The deviations are
//! summed in a second pass from the group means, as `Σ w ((x − x̄)/x̄)²`, never as `E[x²] − x̄²`, which loses
//! digits when schools are nearly equal.
//!
//! Sums of fractional terms do not depend on how the threads split the rows: each term is split once into a whole
//! part and a fraction in units of 1e-15, both integers, which DuckDB adds exactly (see [`exact_sum`]).
//! Floating-point sums would differ in the last digits from run to run.

use super::{Config, GROUP, Indicator, Level, STANDARDS, indicator};

/// A number as a DuckDB DOUBLE literal: scientific notation (`1.1e0`), which DuckDB reads as a DOUBLE (a plain
/// `1.1` would be a DECIMAL), in the shortest digits that read back as the same double.
fn num(x: f64) -> String {
    format!("{x:e}")
}

/// A text as a SQL literal.
pub(crate) fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The weight of `level` for the school's type, as a CASE over the configured types.
fn weight(cfg: &Config, pick: fn(&super::config::SplitWeights) -> f64) -> String {
    let default = num(pick(&cfg.weights("default")));
    let arms: Vec<String> = cfg
        .split
        .iter()
        .filter(|(t, _)| t.as_str() != "default")
        .map(|(t, w)| format!("WHEN {} THEN {}", text(t), num(pick(w))))
        .collect();
    if arms.is_empty() { default } else { format!("CASE school_type {} ELSE {default} END", arms.join(" ")) }
}

/// The columns of one level unit (besides `level`), in output order.
pub const UNIT_COLUMNS: &[&str] = &[
    "year", "county_code", "school_id", "school_name", "school_type", "urban_rural_code", "level", "students",
    "teach_area", "sports_area", "equipment_value", "computers", "books", "multimedia_rooms",
    "teachers", "degree_teachers", "titled_teachers", "backbone_teachers", "pe_art_teachers", "in_basic", "in_quality",
];

/// The split whole-school resources, each multiplied by the level's share.
const SPLIT: [&str; 6] = ["teach_area", "sports_area", "equipment_value", "computers", "books", "multimedia_rooms"];

/// The teacher counts each level reports for itself (`{level}_{name}` in `schools`).
const OWN: [&str; 5] = ["teachers", "degree_teachers", "titled_teachers", "backbone_teachers", "pe_art_teachers"];

/// One row per school-year and level taught (pupils > 0 at that level), with the columns [`UNIT_COLUMNS`]:
/// the level's pupils, its share of the whole-school resources (`weight × pupils / Σ weight × pupils`) and its
/// own teacher counts, and whether each standard covers it (`in_basic`, `in_quality`). `source` is a relation with the columns of `schools` (`schools` itself, or a subquery);
/// `filter` a condition on the units' columns (`true` for every row), which engines push down to the scan of
/// `source`. Each level reads `source` by itself rather than sharing a CTE, which DuckDB would materialise (its
/// two scans and the arithmetic done twice are cheaper: national `balance --no-store` 2.5 → 2.35 s, 470 → 400 MB).
pub fn units(source: &str, filter: &str, cfg: &Config) -> String {
    let d = |c: &str| format!("CAST({c} AS DOUBLE)");
    let pupils = |c: &str| format!("coalesce({}, 0)", d(c));
    let (teach, sports) = if cfg.indoor_sports_rooms_are_sports_space {
        let indoor = pupils("indoor_sports_area_m2");
        (format!("{} - {indoor}", d("teaching_area_m2")), format!("{} + {indoor}", d("sports_area_m2")))
    } else {
        (d("teaching_area_m2"), d("sports_area_m2"))
    };
    let mut base: Vec<String> = ["year", "county_code", "school_id", "school_name", "school_type", "urban_rural_code"].map(String::from).to_vec();
    base.extend([
        format!("{} AS n_primary", pupils("primary_students")),
        format!("{} AS n_junior", pupils("junior_students")),
        format!("{} AS n_senior", pupils("senior_students")),
        format!("{} AS w_primary", weight(cfg, |w| w.primary)),
        format!("{} AS w_junior", weight(cfg, |w| w.junior)),
        format!("{} AS w_senior", weight(cfg, |w| w.senior)),
        format!("{teach} AS teach_area"),
        format!("{sports} AS sports_area"),
        format!("{} AS equipment_value", d("equipment_value_yuan")),
        format!("{} AS computers", d("computers")),
        format!("{} AS books", d("books")),
        format!("{} AS multimedia_rooms", d("multimedia_rooms")),
    ]);
    for level in Level::ALL {
        let l = level.id();
        base.extend(OWN.iter().map(|c| format!("{} AS {l}_{c}", d(&format!("{l}_{c}")))));
    }
    let unit = |level: Level| {
        let l = level.id();
        let share = format!("(w_{l} * n_{l} / (w_primary * n_primary + w_junior * n_junior + w_senior * n_senior))");
        let mut cols: Vec<String> = ["year", "county_code", "school_id", "school_name", "school_type", "urban_rural_code"].map(String::from).to_vec();
        cols.extend([format!("'{l}' AS level"), format!("n_{l} AS students")]);
        cols.extend(SPLIT.iter().map(|c| format!("{c} * {share} AS {c}")));
        cols.extend(OWN.iter().map(|c| format!("{l}_{c} AS {c}")));
        let students = format!("n_{l}");
        cols.extend(["basic", "quality"].map(|st| format!("{} AS in_{st}", scope(st, &students, cfg))));
        format!("SELECT\n    {}\n  FROM (SELECT\n      {}\n    FROM {source}) base\n  WHERE n_{l} > 0", cols.join(",\n    "), base.join(",\n      "))
    };
    format!("SELECT * FROM (\n{}\nUNION ALL\n{}\n) units WHERE {filter}", unit(Level::Primary), unit(Level::Junior))
}

/// Which units a standard covers, as a condition on a school row whose pupils at the level are `students`:
/// special-education schools never; for quality also not teaching points under the configured size.
fn scope(standard: &str, students: &str, cfg: &Config) -> String {
    match standard {
        "basic" => "school_type <> 'special'".into(),
        _ => format!(
            "school_type <> 'special' AND NOT (school_type = 'teaching_point' AND {students} < {})",
            num(cfg.quality_min_teaching_point_students)
        ),
    }
}

/// An indicator's value per unit.
pub fn value(i: &Indicator) -> String {
    format!("{} * {} / students", num(i.per), i.numerator)
}

/// The sum of non-negative terms, independent of the order in which threads add them: each term is split once
/// into its whole part and its fraction in units of 1e-15, both as integers, which DuckDB adds exactly (as
/// HUGEINT); the sum is their total, to within 1e-15 per term. NULL terms are left out (all NULL: NULL).
fn exact_sum(term: &str) -> String {
    format!("(CAST(sum(CAST(floor({term}) AS BIGINT)) AS DOUBLE)\n      + CAST(sum(CAST(({term} - floor({term})) * 1e15 AS BIGINT)) AS DOUBLE) * 1e-15)")
}

/// The name of an indicator's column in the CV query: `b_` (basic) or `q_` (quality) and its id.
fn column(standard: &str, id: &str) -> String {
    format!("{}_{id}", if standard == "basic" { "b" } else { "q" })
}

/// One row per (year, county_code, level, standard, indicator) of the units in relation `units` (the columns
/// [`UNIT_COLUMNS`]): n_schools, n_missing, students, the weighted mean, the weighted population sd, cv, min, max,
/// the CV limit of the standard (quality indicators have one per level; basic ones are judged only through the
/// composite), whether it is met, and why a CV is missing or zero. Sorted by year, county, level, standard, then
/// the indicators in the order of [`STANDARDS`].
pub fn cvs(units: &str, cfg: &Config) -> String {
    let pairs: Vec<(&str, &str)> = STANDARDS.iter().flat_map(|(s, ids)| ids.iter().map(move |id| (*s, *id))).collect();
    let keys = GROUP.join(", ");
    // Units outside a standard's scope, or missing the value, get no value there (NULL); a unit in scope without
    // the value is counted as missing. Each indicator's columns are named after it: b_… basic, q_… quality.
    let (mut values, mut pass1, mut means, mut devs, mut pass2, mut long) = (
        vec![keys.clone(), "students".into(), "CAST(in_quality AS BIGINT) AS in_quality".into()],
        vec![keys.clone()],
        vec![],
        vec![keys.clone()],
        vec![keys.clone()],
        vec![],
    );
    for (k, (standard, id)) in pairs.iter().enumerate() {
        let x = column(standard, id);
        let v = value(indicator(id));
        values.push(format!("CASE WHEN in_{standard} THEN {v} END AS {x}"));
        let n_in = if *standard == "basic" { "count(*)" } else { "sum(in_quality)" };
        pass1.extend([
            format!("count({x}) AS n_{x}"),
            format!("CAST({n_in} - count({x}) AS BIGINT) AS miss_{x}"),
            format!("CAST(sum(CASE WHEN {x} IS NOT NULL THEN students ELSE 0 END) AS DOUBLE) AS w_{x}"),
            format!("{} AS wx_{x}", exact_sum(&format!("students * {x}"))),
            format!("min({x}) AS min_{x}"),
            format!("max({x}) AS max_{x}"),
        ]);
        means.push(format!("CASE WHEN n_{x} > 0 THEN wx_{x} / w_{x} END AS mean_{x}"));
        let d = format!("(({x} - mean_{x}) / mean_{x})");
        devs.push(format!("CASE WHEN mean_{x} > 0\n      THEN students * {d}\n        * {d} END AS dev_{x}"));
        pass2.push(format!("{} AS rs_{x}", exact_sum(&format!("dev_{x}"))));
        long.push(format!(
            "SELECT {keys}, {} AS standard, {} AS indicator, {k} AS k,\n    n_{x} AS n_schools, miss_{x} AS n_missing, w_{x} AS students, mean_{x} AS mean,\n    CASE WHEN w_{x} > 0 THEN rs_{x} / w_{x} END AS rv,\n    min_{x} AS min, max_{x} AS max\n  FROM grouped",
            text(standard),
            text(id)
        ));
    }
    let means_only: Vec<String> = pairs.iter().map(|(s, id)| format!("mean_{}", column(s, id))).collect();
    let threshold = format!(
        "CASE WHEN standard = 'quality' THEN (CASE WHEN level = 'primary' THEN {} ELSE {} END) END",
        num(cfg.quality.cv_max.primary),
        num(cfg.quality.cv_max.junior)
    );
    // rv = Σ w ((x − x̄)/x̄)² / Σ w, the squared CV. Equal schools have a spread of rounding noise: below 1e-12 of the
    // mean it is none. A mean of 0 (every value 0, values being non-negative) has no spread and no CV.
    let rel = "CASE WHEN rv <= 1e-24 THEN 0.0 ELSE sqrt(rv) END";
    format!(
        "-- Exact sums: each sum of non-negative terms (wx_…, rs_…) adds the terms' whole parts and their fractions in units
-- of 1e-15 as integers, which every engine adds exactly, so that the CVs do not depend on the order in which
-- threads add the rows (plain floating-point sums differ in their last digits from run to run).
-- Two passes: the pupil-weighted means first, then the squared relative deviations from them (dev_…), never
-- E[x^2] - mean^2, which loses digits when schools are nearly equal.
WITH x AS (
  SELECT
    {values}
  FROM ({units}) u
  WHERE in_basic),
pass1 AS (
  SELECT *,
    {means}
  FROM (SELECT
    {pass1}
  FROM x
  GROUP BY {keys}) g),
dev AS (
  SELECT
    {devs}
  FROM x
  JOIN (SELECT {keys},
    {means_only}
  FROM pass1) m USING ({keys})),
pass2 AS (
  SELECT
    {pass2}
  FROM dev
  GROUP BY {keys}),
grouped AS (SELECT * FROM pass1 JOIN pass2 USING ({keys})),
long AS (
  {long}),
cv AS (
  SELECT *,
    CASE WHEN n_schools = 0 THEN NULL WHEN mean <= 0 THEN 0.0 ELSE mean * {rel} END AS sd,
    CASE WHEN n_schools > 0 AND mean > 0 THEN {rel} END AS cv,
    {threshold} AS threshold
  FROM long)
SELECT year, county_code, level, standard, indicator, n_schools, n_missing, students, mean, sd, cv, min, max, threshold,
  cv <= threshold AS met,
  CASE WHEN n_schools = 0 THEN 'no school reported this indicator'
       WHEN mean <= 0 THEN 'mean is zero: CV undefined'
       WHEN n_schools = 1 THEN 'one school: CV is 0 by definition' END AS note
FROM cv ORDER BY year, county_code, level, k",
        values = values.join(",\n    "),
        means = means.join(",\n    "),
        pass1 = pass1.join(",\n    "),
        devs = devs.join(",\n    "),
        pass2 = pass2.join(",\n    "),
        means_only = means_only.join(",\n    "),
        long = long.join("\n  UNION ALL\n  "),
    )
}
