//! Balance metrics against hand computations and the public worked example.

use std::collections::HashMap;

use polars::prelude::*;

use super::*;
use crate::model::{Kind, SCHOOLS};

/// A schools frame in the canonical layout. Each school is a list of (column, value) overrides on top of a
/// plain primary school of county 140581 in 2021.
fn schools(rows: &[&[(&str, f64)]], types: &[&str]) -> LazyFrame {
    let mut columns = Vec::new();
    for spec in SCHOOLS {
        let name: PlSmallStr = spec.name.into();
        let cell = |i: usize| -> Option<f64> {
            let o: HashMap<&str, f64> = rows[i].iter().copied().collect();
            match o.get(spec.name) {
                Some(v) if v.is_nan() => None,
                Some(v) => Some(*v),
                None => match spec.name {
                    "year" => Some(2021.0),
                    "urban_rural_code" => Some(121.0),
                    // Optional columns a file may leave out: not reported unless a test gives them.
                    "indoor_sports_area_m2" | "primary_max_class_size" | "junior_max_class_size" | "boarders"
                    | "public_funds_received_yuan" => None,
                    _ => Some(0.0),
                },
            }
        };
        let n = rows.len();
        let column = match (spec.name, spec.kind) {
            ("county_code", _) => Column::new(name, vec!["140581"; n]),
            ("school_id", _) => Column::new(name, (0..n).map(|i| format!("S{i}")).collect::<Vec<_>>()),
            ("school_name", _) => Column::new(name, (0..n).map(|i| format!("学校{i}")).collect::<Vec<_>>()),
            ("school_type", _) => Column::new(name, types.to_vec()),
            (_, Kind::Year | Kind::UrbanRural) => Column::new(name, (0..n).map(|i| cell(i).map(|v| v as i32)).collect::<Vec<_>>()),
            (_, Kind::Count) => Column::new(name, (0..n).map(|i| cell(i).map(|v| v as i64)).collect::<Vec<_>>()),
            _ => Column::new(name, (0..n).map(cell).collect::<Vec<_>>()),
        };
        columns.push(column);
    }
    DataFrame::new_infer_height(columns).unwrap().lazy()
}

/// The CV row of one indicator for one level and standard.
fn cv_of(units: &LazyFrame, level: &str, standard: &str, indicator: &str) -> (Option<f64>, DataFrame) {
    let cfg = Config::default();
    let t = cv_table(units, &cfg)
        .unwrap()
        .filter(col("level").eq(lit(level)).and(col("standard").eq(lit(standard))).and(col("indicator").eq(lit(indicator))))
        .collect()
        .unwrap();
    assert_eq!(t.height(), 1, "{t}");
    (t.column("cv").unwrap().f64().unwrap().get(0), t)
}

fn units_of(s: LazyFrame) -> LazyFrame {
    level_units(s, &Config::default())
}

/// The level units of a schools frame: [`sql::units`] run in the sandbox, as the warehouse runs it.
fn level_units(s: LazyFrame, cfg: &Config) -> LazyFrame {
    let mut schools = s.collect().unwrap();
    crate::warehouse::engine::frames_query(&mut [("schools", &mut schools)], &sql::units("schools", "true", cfg)).unwrap().lazy()
}

/// The CV table of level units: [`sql::cvs`] run in the sandbox.
fn cv_table(u: &LazyFrame, cfg: &Config) -> crate::error::Result<LazyFrame> {
    let mut units = u.clone().collect()?;
    Ok(crate::warehouse::engine::frames_query(&mut [("units", &mut units)], &sql::cvs("units", cfg))?.lazy())
}

/// Independent weighted CV over slices, written from the formula in the domain reference.
fn weighted_cv(students: &[f64], x: &[f64]) -> f64 {
    let p: f64 = students.iter().sum();
    let mean: f64 = students.iter().zip(x).map(|(w, x)| w / p * x).sum();
    let var: f64 = students.iter().zip(x).map(|(w, x)| w / p * (x - mean).powi(2)).sum();
    var.sqrt() / mean
}

const EXAMPLE: [(f64, f64); 5] = [(45.0, 279.0), (37.0, 137.0), (89.0, 935.0), (76.0, 160.0), (55.0, 402.0)];

#[test]
fn the_public_worked_example_gives_0_5153_not_the_unweighted_0_4888() {
    let rows: Vec<Vec<(&str, f64)>> = EXAMPLE.iter().map(|(p, b)| vec![("primary_students", *p), ("books", *b)]).collect();
    let refs: Vec<&[(&str, f64)]> = rows.iter().map(|r| r.as_slice()).collect();
    let (cv, t) = cv_of(&units_of(schools(&refs, &["primary"; 5])), "primary", "basic", "books_per_student");
    let cv = cv.unwrap();
    // X̄ = 1913/302 = 6.3344, Σ(Pᵢ/P)(Xᵢ−X̄)² = 10.653, S = 3.2639, CV = 0.5153 (published 0.52)
    assert!((cv - 0.515256629884).abs() < 1e-9, "{cv}");
    assert_eq!(format!("{cv:.2}"), "0.52");
    assert!((t.column("mean").unwrap().f64().unwrap().get(0).unwrap() - 1913.0 / 302.0).abs() < 1e-12);
    assert!((cv - 0.4888).abs() > 0.02, "weights must be applied");
    assert_eq!(t.column("students").unwrap().f64().unwrap().get(0), Some(302.0));
    assert_eq!(t.column("n_schools").unwrap().i64().unwrap().get(0), Some(5));
}

#[test]
fn a_nine_year_school_splits_its_resources_by_weighted_enrolment() {
    // 300 primary and 200 junior pupils, weights 1 : 1.1.
    // primary share = 300 / (300 + 1.1·200) = 300/520; junior share = 220/520.
    // teaching area 5200 ㎡ → primary 3000 ㎡ (10 ㎡ per pupil), junior 2200 ㎡ (11 ㎡ per pupil).
    // books 10400 → primary 6000 (20 per pupil), junior 4400 (22 per pupil).
    let s = schools(
        &[&[("primary_students", 300.0), ("junior_students", 200.0), ("teaching_area_m2", 5200.0), ("books", 10400.0), ("primary_teachers", 18.0), ("junior_teachers", 16.0)]],
        &["nine_year"],
    );
    let u = units_of(s).sort(["level"], Default::default()).collect().unwrap();
    let get = |c: &str| u.column(c).unwrap().f64().unwrap().into_no_null_iter().collect::<Vec<_>>();
    assert_eq!(u.column("level").unwrap().str().unwrap().iter().map(Option::unwrap).collect::<Vec<_>>(), ["junior", "primary"]);
    assert_eq!(get("students"), [200.0, 300.0]);
    let area = get("teach_area");
    assert!((area[0] - 2200.0).abs() < 1e-9 && (area[1] - 3000.0).abs() < 1e-9, "{area:?}");
    let books = get("books");
    assert!((books[0] - 4400.0).abs() < 1e-9 && (books[1] - 6000.0).abs() < 1e-9);
    // Teachers are reported per level and not split.
    assert_eq!(get("teachers"), [16.0, 18.0]);
}

#[test]
fn indoor_sports_rooms_move_from_teaching_to_sports_area_only_when_the_rules_say_so() {
    let s = schools(
        &[&[("primary_students", 100.0), ("teaching_area_m2", 600.0), ("sports_area_m2", 700.0), ("indoor_sports_area_m2", 100.0)]],
        &["primary"],
    );
    let areas = |cfg: &Config| {
        let u = level_units(s.clone(), cfg).collect().unwrap();
        let get = |c: &str| u.column(c).unwrap().f64().unwrap().get(0).unwrap();
        (get("teach_area"), get("sports_area"))
    };
    // The national rules: the plain formulas of 2017, the indoor rooms column unused.
    assert_eq!(areas(&Config::default()), (600.0, 700.0));
    // Counted as sports space: subtracted from teaching and added to sports, never lost or counted twice.
    let cfg = Config { indoor_sports_rooms_are_sports_space: true, ..Config::default() };
    assert_eq!(areas(&cfg), (500.0, 800.0));
}

#[test]
fn scaling_all_values_leaves_the_cv_unchanged_and_equal_values_give_zero() {
    let base: Vec<Vec<(&str, f64)>> = EXAMPLE.iter().map(|(p, b)| vec![("primary_students", *p), ("books", *b)]).collect();
    let scaled: Vec<Vec<(&str, f64)>> = EXAMPLE.iter().map(|(p, b)| vec![("primary_students", *p), ("books", b * 7.0)]).collect();
    let equal: Vec<Vec<(&str, f64)>> = EXAMPLE.iter().map(|(p, _)| vec![("primary_students", *p), ("books", p * 3.0)]).collect();
    let cv = |rows: &Vec<Vec<(&str, f64)>>| {
        let refs: Vec<&[(&str, f64)]> = rows.iter().map(|r| r.as_slice()).collect();
        cv_of(&units_of(schools(&refs, &["primary"; 5])), "primary", "basic", "books_per_student").0.unwrap()
    };
    assert!((cv(&base) - cv(&scaled)).abs() < 1e-12);
    assert!(cv(&equal).abs() < 1e-12);
}

#[test]
fn doubling_a_schools_enrolment_changes_the_cv_as_the_formula_says() {
    // School 3 doubles its pupils and its books: its books per pupil stay, its weight doubles.
    let mut p: Vec<f64> = EXAMPLE.iter().map(|e| e.0).collect();
    let mut b: Vec<f64> = EXAMPLE.iter().map(|e| e.1).collect();
    p[2] *= 2.0;
    b[2] *= 2.0;
    let rows: Vec<Vec<(&str, f64)>> = p.iter().zip(&b).map(|(p, b)| vec![("primary_students", *p), ("books", *b)]).collect();
    let refs: Vec<&[(&str, f64)]> = rows.iter().map(|r| r.as_slice()).collect();
    let cv = cv_of(&units_of(schools(&refs, &["primary"; 5])), "primary", "basic", "books_per_student").0.unwrap();
    let x: Vec<f64> = p.iter().zip(&b).map(|(p, b)| b / p).collect();
    assert!((cv - weighted_cv(&p, &x)).abs() < 1e-12);
    assert!((cv - 0.515256629884).abs() > 1e-3, "the weight matters");
}

#[test]
fn primary_and_junior_never_pool() {
    // Two primary schools with equal books per pupil, one junior school: primary CV 0, junior CV 0 (one school),
    // although pooling all three would give a positive CV.
    let s = schools(
        &[
            &[("primary_students", 100.0), ("books", 2000.0)],
            &[("primary_students", 300.0), ("books", 6000.0)],
            &[("junior_students", 200.0), ("books", 9000.0)],
        ],
        &["primary", "primary", "junior"],
    );
    let u = units_of(s);
    assert_eq!(cv_of(&u, "primary", "basic", "books_per_student").0, Some(0.0));
    let (cv, t) = cv_of(&u, "junior", "basic", "books_per_student");
    assert_eq!(cv, Some(0.0));
    assert_eq!(t.column("note").unwrap().str().unwrap().get(0), Some("one school: CV is 0 by definition"));
}

#[test]
fn missing_values_exclude_a_school_from_that_indicator_only_and_zero_means_have_no_cv() {
    let s = schools(
        &[
            &[("primary_students", 100.0), ("books", 2000.0), ("computers", f64::NAN)],
            &[("primary_students", 300.0), ("books", 3000.0), ("computers", 0.0)],
        ],
        &["primary", "primary"],
    );
    let u = units_of(s);
    let (_, books) = cv_of(&u, "primary", "basic", "books_per_student");
    assert_eq!(books.column("n_missing").unwrap().i64().unwrap().get(0), Some(0));
    let (cv, comp) = cv_of(&u, "primary", "basic", "computers_per_100");
    assert_eq!(cv, None);
    assert_eq!(comp.column("n_schools").unwrap().i64().unwrap().get(0), Some(1));
    assert_eq!(comp.column("n_missing").unwrap().i64().unwrap().get(0), Some(1));
    assert_eq!(comp.column("note").unwrap().str().unwrap().get(0), Some("mean is zero: CV undefined"));
}

#[test]
fn quality_scope_leaves_out_special_schools_and_small_teaching_points() {
    let s = schools(
        &[
            &[("primary_students", 100.0), ("books", 2000.0)],
            &[("primary_students", 49.0), ("books", 10.0)],
            &[("primary_students", 60.0), ("books", 10.0)],
            &[("primary_students", 80.0), ("books", 10.0)],
        ],
        &["primary", "teaching_point", "teaching_point", "special"],
    );
    let u = units_of(s);
    let n = |standard: &str, ind: &str| cv_of(&u, "primary", standard, ind).1.column("n_schools").unwrap().i64().unwrap().get(0);
    assert_eq!(n("basic", "books_per_student"), Some(3)); // special school left out
    assert_eq!(n("quality", "teach_area_per_student"), Some(2)); // and the teaching point under 50
}

/// A primary school meeting every quality standard with 100 pupils, with overrides.
fn good_primary(over: &[(&'static str, f64)]) -> Vec<(&'static str, f64)> {
    let mut v = vec![
        ("primary_students", 100.0),
        ("primary_degree_teachers", 5.0),   // 5.0 per 100 ≥ 4.2
        ("primary_backbone_teachers", 1.0), // 1.0 ≥ 1.0
        ("primary_pe_art_teachers", 1.0),   // 1.0 ≥ 0.9
        ("teaching_area_m2", 500.0),        // 5.0 ≥ 4.5
        ("sports_area_m2", 800.0),          // 8.0 ≥ 7.5
        ("equipment_value_yuan", 250000.0), // 2500 ≥ 2000
        ("multimedia_rooms", 3.0),          // 3 per 100 ≥ 2.3
    ];
    v.retain(|(k, _)| !over.iter().any(|(o, _)| o == k));
    v.extend_from_slice(over);
    v
}

#[test]
fn the_school_rule_allows_one_miss_at_85_percent_and_reports_the_shortfall() {
    let rows = [
        good_primary(&[]),
        good_primary(&[("sports_area_m2", 660.0)]), // 6.6 ㎡ = 88% of 7.5: one miss at ≥ 85% → passes
        good_primary(&[("sports_area_m2", 600.0)]), // 6.0 ㎡ = 80%: fails
        good_primary(&[("sports_area_m2", 700.0), ("multimedia_rooms", 2.0)]), // two misses: fails
    ];
    let refs: Vec<&[(&str, f64)]> = rows.iter().map(|r| r.as_slice()).collect();
    let u = units_of(schools(&refs, &["primary"; 4]));
    let cfg = Config::default();
    let t = school_rows(school_table(&u, &cv_table(&u, &cfg).unwrap(), &cfg), &cfg)
        .sort(["school_id", "indicator"], Default::default())
        .collect()
        .unwrap();
    let pass: HashMap<String, bool> = t
        .column("school_id").unwrap().str().unwrap().iter().map(Option::unwrap)
        .zip(t.column("school_pass").unwrap().bool().unwrap().iter().map(Option::unwrap))
        .map(|(s, p)| (s.to_string(), p))
        .collect();
    assert_eq!((pass["S0"], pass["S1"], pass["S2"], pass["S3"]), (true, true, false, false));
    let row = |school: &str, ind: &str| {
        let m = t.clone().lazy().filter(col("school_id").eq(lit(school)).and(col("indicator").eq(lit(ind)))).collect().unwrap();
        (m.column("shortfall").unwrap().f64().unwrap().get(0).unwrap(), m.column("indicators_met").unwrap().i64().unwrap().get(0).unwrap())
    };
    // S2 lacks 1.5 ㎡ per pupil × 100 pupils = 150 ㎡ of sports ground.
    assert_eq!(row("S2", "sports_area_per_student"), (150.0, 6));
    // S3 lacks 0.3 rooms per 100 pupils × 100 pupils = 0.3 room → 1 room (rooms come whole).
    assert_eq!(row("S3", "multimedia_rooms_per_100"), (1.0, 5));
    assert_eq!(row("S0", "teach_area_per_student"), (0.0, 7));
}

#[test]
fn county_verdicts_follow_the_composite_and_every_quality_cv() {
    let rows = [good_primary(&[]), good_primary(&[("books", 100.0)]), good_primary(&[("primary_teachers", 6.0)])];
    let refs: Vec<&[(&str, f64)]> = rows.iter().map(|r| r.as_slice()).collect();
    let cfg = Config::default();
    let u = units_of(schools(&refs, &["primary"; 3]));
    let cvs = cv_table(&u, &cfg).unwrap();
    let v = verdict_table(&cvs, &school_table(&u, &cvs, &cfg), &cfg).collect().unwrap();
    assert_eq!(v.height(), 2, "{v}");
    let met: Vec<bool> = v.column("met").unwrap().bool().unwrap().iter().map(Option::unwrap).collect();
    // basic: books and teachers CVs are large and several indicators are all zero (no CV) → composite undefined;
    // quality: all schools identical on the 7 → every CV 0 and every school passes.
    assert_eq!(v.column("standard").unwrap().str().unwrap().iter().map(Option::unwrap).collect::<Vec<_>>(), ["basic", "quality"]);
    assert_eq!(met, [false, true]);
    assert_eq!(v.column("schools_passing").unwrap().i64().unwrap().get(1), Some(3));
}

/// The school checks and county rates of some schools, with floors P 600 / J 800 for every county-year.
fn checks_of(s: LazyFrame) -> (DataFrame, DataFrame) {
    let floors = df!["year" => [2021], "county_code" => ["140581"], "floor_primary" => [600.0], "floor_junior" => [800.0]].unwrap();
    let funding = checks::FundingInputs { floors: &floors, small_school_pupils: 100.0, boarder_supplement_yuan: 200.0 };
    let rows = checks::school_checks(s, &Config::default(), &funding).collect().unwrap();
    let rates = checks::check_rates(rows.clone().lazy()).collect().unwrap();
    (rows, rates)
}

fn bools(df: &DataFrame, column: &str) -> Vec<Option<bool>> {
    df.column(column).unwrap().bool().unwrap().iter().collect()
}

fn rate(df: &DataFrame, column: &str) -> Option<f64> {
    df.column(column).unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().get(0)
}

#[test]
fn class_and_school_sizes_against_their_limits() {
    let nan = f64::NAN;
    let s = schools(
        &[
            &[("primary_students", 900.0), ("max_class_size", 45.0)],  // within 45
            &[("primary_students", 2100.0), ("max_class_size", 46.0)], // class over 45, school over 2000
            &[("primary_students", 1200.0), ("junior_students", 1200.0), ("primary_max_class_size", 45.0), ("junior_max_class_size", 50.0)], // nine-year: 45 and 50, 2500 allowed
            &[("junior_students", 300.0), ("max_class_size", nan)], // no class size reported
            &[("primary_students", 80.0), ("max_class_size", 60.0)],   // special school: left out
        ],
        &["primary", "primary", "nine_year", "junior", "special"],
    );
    let (rows, rates) = checks_of(s);
    assert_eq!(rows.height(), 4);
    assert_eq!(bools(&rows, "class_size_ok"), [Some(true), Some(false), Some(true), None]);
    assert!((rate(&rates, "class_size_rate").unwrap() - 200.0 / 3.0).abs() < 1e-9, "2 of the 3 reporting schools");
    assert_eq!(rate(&rates, "class_size_unknown"), Some(1.0));
    assert_eq!(rate(&rates, "school_size_rate"), Some(75.0));
}

#[test]
fn a_combined_school_reporting_one_largest_class_is_judged_at_the_primary_limit() {
    // 48 pupils in the largest class: within the junior limit (50), but which level's class it is, is unknown.
    let s = schools(
        &[
            &[("primary_students", 600.0), ("junior_students", 400.0), ("max_class_size", 48.0)],
            &[("primary_students", 600.0), ("junior_students", 400.0), ("primary_max_class_size", 44.0), ("junior_max_class_size", 48.0)],
            &[("primary_students", 600.0), ("junior_students", 400.0), ("primary_max_class_size", 46.0), ("junior_max_class_size", 48.0)],
            &[("junior_students", 900.0), ("max_class_size", 48.0)],
        ],
        &["nine_year", "nine_year", "nine_year", "junior"],
    );
    let (rows, rates) = checks_of(s);
    assert_eq!(bools(&rows, "class_size_ok"), [Some(false), Some(true), Some(false), Some(true)]);
    let basis: Vec<Option<&str>> = rows.column("class_size_basis").unwrap().str().unwrap().iter().collect();
    assert_eq!(basis[0], Some("school-wide, judged at the primary limit"));
    assert_eq!(basis[1], Some("per level"));
    assert_eq!(rate(&rates, "class_size_school_wide"), Some(1.0));
}

#[test]
fn music_and_art_rooms_one_each_per_twelve_classes() {
    let s = schools(
        &[
            &[("primary_students", 500.0), ("primary_classes", 12.0), ("music_rooms", 1.0), ("art_rooms", 1.0)],
            &[("primary_students", 500.0), ("primary_classes", 13.0), ("music_rooms", 1.0), ("art_rooms", 2.0)],
            &[("primary_students", 500.0), ("primary_classes", 18.0), ("junior_classes", 6.0), ("music_rooms", 2.0), ("art_rooms", 2.0)],
            &[("primary_students", 500.0), ("primary_classes", f64::NAN), ("junior_classes", f64::NAN), ("music_rooms", 1.0), ("art_rooms", 1.0)],
        ],
        &["primary", "primary", "nine_year", "primary"],
    );
    let (rows, rates) = checks_of(s);
    assert_eq!(bools(&rows, "music_art_rooms_ok"), [Some(true), Some(false), Some(true), None]);
    assert!((rate(&rates, "music_art_rooms_rate").unwrap() - 200.0 / 3.0).abs() < 1e-9);
}

#[test]
fn small_schools_are_funded_as_100_pupils_and_boarders_at_200_more() {
    let s = schools(
        &[
            // 40 primary pupils funded as 100: 600 × 100 = 60,000 required.
            &[("primary_students", 40.0), ("public_funds_received_yuan", 60_000.0)],
            &[("primary_students", 40.0), ("public_funds_received_yuan", 59_999.0)],
            // 300 primary, 200 junior, 50 boarders: 600·300 + 800·200 + 200·50 = 350,000.
            &[("primary_students", 300.0), ("junior_students", 200.0), ("boarders", 50.0), ("public_funds_received_yuan", 350_000.0)],
            &[("primary_students", 300.0)],
        ],
        &["teaching_point", "teaching_point", "nine_year", "primary"],
    );
    let (rows, _) = checks_of(s);
    let required: Vec<Option<f64>> = rows.column("public_funds_required").unwrap().f64().unwrap().iter().collect();
    assert_eq!(required, [Some(60_000.0), Some(60_000.0), Some(350_000.0), Some(180_000.0)]);
    assert_eq!(bools(&rows, "public_funds_ok"), [Some(true), Some(false), Some(true), None]);
}

#[test]
fn schools_of_unknown_size_are_not_counted_as_within_the_limit() {
    // 3000 pupils, and two schools that report no pupils at all: 0 of the 1 known school is within 2000.
    let nan = f64::NAN;
    let s = schools(
        &[
            &[("primary_students", 3000.0)],
            &[("primary_students", nan), ("junior_students", nan), ("senior_students", nan)],
            &[("primary_students", nan), ("junior_students", nan), ("senior_students", nan)],
        ],
        &["primary"; 3],
    );
    let (_, rates) = checks_of(s);
    assert_eq!(rate(&rates, "school_size_rate"), Some(0.0));
    assert_eq!(rate(&rates, "school_size_unknown"), Some(2.0));
}

#[test]
fn school_size_counts_compulsory_pupils_only() {
    // A complete secondary school of 1,900 junior and 1,500 senior pupils is within 2000: seniors do not count.
    let s = schools(&[&[("junior_students", 1900.0), ("senior_students", 1500.0)]], &["complete_secondary"]);
    let (_, rates) = checks_of(s);
    assert_eq!(rate(&rates, "school_size_rate"), Some(100.0));
}
