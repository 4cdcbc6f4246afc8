//! The school-level items of 优质均衡 政府保障程度 (domain reference §4.2, §6): class sizes per level, school size
//! in compulsory-stage pupils, music and art rooms per 12 classes, and public funds received against the floors
//! (schools under 100 pupils funded as 100, boarders funded more). One row per compulsory school, each check true,
//! false, or NULL when the school does not report what it needs; and the county rates over the schools that could
//! be judged, with the count of those that could not.

use polars::prelude::*;

use super::Config;

/// The funding rules a public-funds check needs, with the floors (元 per pupil) by county-year:
/// `year, county_code, floor_primary, floor_junior`.
pub struct FundingInputs<'a> {
    pub floors: &'a DataFrame,
    pub small_school_pupils: f64,
    pub boarder_supplement_yuan: f64,
}

fn f(name: &str) -> Expr {
    col(name).cast(DataType::Float64)
}

fn is_one_of(column: &str, values: &[&str]) -> Expr {
    col(column).is_in(lit(Series::new("t".into(), values)).implode(false), false)
}

fn null_bool() -> Expr {
    lit(NULL).cast(DataType::Boolean)
}

/// One row per compulsory school (special-education schools left out) with every check.
pub fn school_checks(schools: LazyFrame, cfg: &Config, funding: &FundingInputs<'_>) -> LazyFrame {
    let s = cfg.size;
    let (pmax, jmax) = (lit(s.class_max_primary), lit(s.class_max_junior));
    let primary_only = is_one_of("school_type", &["primary", "teaching_point"]);
    let junior_only = is_one_of("school_type", &["junior", "complete_secondary"]);
    let combined = is_one_of("school_type", &["nine_year", "twelve_year"]);
    let has = |c: &str| f(c).fill_null(lit(0.0)).gt(lit(0.0));

    // Class size: each level's largest class against its limit; a combined school reporting only its
    // school-wide largest class is judged at the stricter primary limit.
    let wide = f("max_class_size");
    let primary_ok = f("primary_max_class_size").lt_eq(pmax.clone()).fill_null(wide.clone().lt_eq(pmax.clone()));
    let combined_junior_ok = f("junior_max_class_size").lt_eq(jmax.clone()).fill_null(wide.clone().lt_eq(pmax.clone()));
    let combined_ok = when(has("primary_students").not()).then(lit(true)).otherwise(primary_ok.clone()).and(
        when(has("junior_students").not()).then(lit(true)).otherwise(combined_junior_ok),
    );
    let class_ok = when(primary_only.clone())
        .then(primary_ok)
        .when(junior_only.clone())
        .then(f("junior_max_class_size").lt_eq(jmax.clone()).fill_null(wide.clone().lt_eq(jmax)))
        .when(combined.clone())
        .then(combined_ok)
        .otherwise(null_bool());
    let per_level = |level: &str| col(&format!("{level}_max_class_size")).is_not_null();
    let class_basis = when(class_ok.clone().is_null())
        .then(lit(NULL).cast(DataType::String))
        .when(combined.clone().and(
            (has("primary_students").and(per_level("primary").not())).or(has("junior_students").and(per_level("junior").not())),
        ))
        .then(lit("school-wide, judged at the primary limit"))
        .when(per_level("primary").or(per_level("junior")))
        .then(lit("per level"))
        .otherwise(lit("school-wide"));

    // School size: compulsory-stage pupils only; unknown when neither level is reported.
    let known = col("primary_students").is_not_null().or(col("junior_students").is_not_null());
    let pupils = f("primary_students").fill_null(lit(0.0)) + f("junior_students").fill_null(lit(0.0));
    let size_limit = when(combined.clone()).then(lit(s.school_max_combined)).otherwise(lit(s.school_max));

    // Music and art rooms: at least one of each for every `classes_per_music_art_room` classes.
    let classes_known = col("primary_classes").is_not_null().or(col("junior_classes").is_not_null());
    let classes = f("primary_classes").fill_null(lit(0.0)) + f("junior_classes").fill_null(lit(0.0));
    let rooms_required = (classes.clone() / lit(s.classes_per_music_art_room)).ceil();
    let rooms_ok = f("music_rooms").gt_eq(col("rooms_required")).and(f("art_rooms").gt_eq(col("rooms_required")));

    // Public funds: the floors times the pupils (a small school counted as `small_school_pupils`), plus boarders.
    let small = lit(funding.small_school_pupils);
    let scale = when(pupils.clone().gt(lit(0.0)).and(pupils.clone().lt(small.clone()))).then(small / pupils.clone()).otherwise(lit(1.0));
    let required = (col("floor_primary") * f("primary_students").fill_null(lit(0.0)) + col("floor_junior") * f("junior_students").fill_null(lit(0.0)))
        * scale
        + f("boarders").fill_null(lit(0.0)) * lit(funding.boarder_supplement_yuan);

    let keys = [col("year"), col("county_code")];
    schools
        .filter(col("school_type").neq(lit("special")))
        .join(funding.floors.clone().lazy(), keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .with_columns([
            when(known).then(pupils.clone()).otherwise(lit(NULL).cast(DataType::Float64)).alias("compulsory_pupils"),
            size_limit.alias("school_size_limit"),
            class_ok.alias("class_size_ok"),
            class_basis.alias("class_size_basis"),
            when(classes_known).then(rooms_required).otherwise(lit(NULL).cast(DataType::Float64)).alias("rooms_required"),
            required.round(2, RoundMode::HalfToEven).alias("public_funds_required"),
        ])
        .with_columns([
            col("compulsory_pupils").lt_eq(col("school_size_limit")).alias("school_size_ok"),
            rooms_ok.alias("music_art_rooms_ok"),
            f("public_funds_received_yuan").gt_eq(col("public_funds_required")).alias("public_funds_ok"),
        ])
        .select(
            [
                "year", "county_code", "school_id", "school_name", "school_type", "compulsory_pupils", "school_size_limit",
                "school_size_ok", "max_class_size", "primary_max_class_size", "junior_max_class_size", "class_size_basis",
                "class_size_ok", "primary_classes", "junior_classes", "rooms_required", "music_rooms", "art_rooms",
                "music_art_rooms_ok", "boarders", "public_funds_required", "public_funds_received_yuan", "public_funds_ok",
            ]
            .map(col),
        )
        .sort(["year", "county_code", "school_id"], SortMultipleOptions::default())
}

/// The checks a county rate is made of, with the column that holds each.
pub const CHECKS: [(&str, &str); 4] = [
    ("class_size", "class_size_ok"),
    ("school_size", "school_size_ok"),
    ("music_art_rooms", "music_art_rooms_ok"),
    ("public_funds", "public_funds_ok"),
];

/// Per (year, county_code): the number of schools; for each check the percent of the schools that could be
/// judged which pass (`{check}_rate`) and how many could not be judged (`{check}_unknown`); and how many schools'
/// class sizes were judged on a school-wide figure (`class_size_school_wide`).
pub fn check_rates(checks: LazyFrame) -> LazyFrame {
    let mut aggs = vec![len().cast(DataType::Int64).alias("schools")];
    for (name, column) in CHECKS {
        aggs.push((col(column).cast(DataType::Float64).mean() * lit(100.0)).alias(format!("{name}_rate")));
        aggs.push(col(column).null_count().cast(DataType::Int64).alias(format!("{name}_unknown")));
    }
    aggs.push(
        col("class_size_basis")
            .eq(lit("school-wide, judged at the primary limit"))
            .cast(DataType::Int64)
            .sum()
            .alias("class_size_school_wide"),
    );
    checks.group_by([col("year"), col("county_code")]).agg(aggs).sort(["year", "county_code"], SortMultipleOptions::default())
}
