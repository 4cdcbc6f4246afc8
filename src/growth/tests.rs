//! Growth and rule checks against the figures of the reference report and hand-made cases.

use std::collections::HashMap;

use polars::prelude::*;

use super::*;
use crate::rules::Basis;

/// A series frame from (year, county, indicator, value) rows.
fn series(rows: &[(i32, &str, &str, f64)]) -> DataFrame {
    df![
        "year" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "county_code" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
    ]
    .unwrap()
}

/// Counties: codes in one prefecture 140500 of province 140000, region central.
fn counties(codes: &[&str]) -> DataFrame {
    df![
        "county_code" => codes.to_vec(),
        "prefecture_code" => vec!["140500"; codes.len()],
        "province_code" => vec!["140000"; codes.len()],
        "region" => vec!["central"; codes.len()],
    ]
    .unwrap()
}

fn yoy(rows: &[(i32, &str, &str, f64)], codes: &[&str]) -> DataFrame {
    let (s, both) = derive_per_student(&series(rows)).unwrap();
    year_on_year(&s, &counties(codes), &both).unwrap()
}

/// The check rows of one county-year as check → (passed, pct).
fn checks_of(rows: &[(i32, &str, &str, f64)], county: &str, year: i32) -> HashMap<String, (Option<bool>, Option<f64>)> {
    checks_with(rows, county, year, Basis::Reported)
}

fn checks_with(rows: &[(i32, &str, &str, f64)], county: &str, year: i32, basis: Basis) -> HashMap<String, (Option<bool>, Option<f64>)> {
    let t = checks(&series(rows), &counties(&[county]), &Standards::national(), basis).unwrap();
    let t = t.lazy().filter(col("county_code").eq(lit(county)).and(col("year").eq(lit(year)))).collect().unwrap();
    let names = t.column("check").unwrap().str().unwrap();
    let passed = t.column("passed").unwrap().bool().unwrap();
    let pct = t.column("pct").unwrap().f64().unwrap();
    (0..t.height()).map(|i| (names.get(i).unwrap().to_string(), (passed.get(i), pct.get(i)))).collect()
}

fn row(t: &DataFrame, year: i32, county: &str, indicator: &str) -> DataFrame {
    t.clone()
        .lazy()
        .filter(col("year").eq(lit(year)).and(col("county_code").eq(lit(county))).and(col("indicator").eq(lit(indicator))))
        .collect()
        .unwrap()
}

fn f(t: &DataFrame, c: &str) -> Option<f64> {
    t.column(c).unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().get(0)
}

const GAOPING: [(i32, &str, &str, f64); 4] = [
    (2020, "140581", "edu_budget_expenditure", 6.7e8),
    (2021, "140581", "edu_budget_expenditure", 7.2e8),
    (2020, "140581", "edu_expenditure_per_student", 11293.0),
    (2021, "140581", "edu_expenditure_per_student", 12175.0),
];

#[test]
fn gaoping_2021_spending_grows_7_5_percent_and_per_student_7_8_percent() {
    let t = yoy(&GAOPING, &["140581"]);
    let e = row(&t, 2021, "140581", "edu_budget_expenditure");
    // (7.2 − 6.7) / 6.7 = 7.46% (reported 7.5%)
    assert!((f(&e, "pct_change").unwrap() - 7.462686567).abs() < 1e-8);
    assert_eq!(format!("{:.1}", f(&e, "pct_change").unwrap()), "7.5");
    let p = row(&t, 2021, "140581", "edu_expenditure_per_student");
    // 12175 − 11293 = 882 元, +7.81% (reported 7.8%)
    assert_eq!(f(&p, "change"), Some(882.0));
    assert_eq!(format!("{:.1}", f(&p, "pct_change").unwrap()), "7.8");
    let c = checks_of(&GAOPING, "140581", 2021);
    assert_eq!(c["budget_not_decreasing"].0, Some(true));
    assert_eq!(c["per_student_not_decreasing"].0, Some(true));
    assert_eq!(format!("{:.1}", c["per_student_not_decreasing"].1.unwrap()), "7.8");
}

#[test]
fn falling_spending_fails_the_first_rule_and_faster_enrolment_fails_the_second() {
    let rows = [
        // A: spending falls.
        (2020, "140521", "edu_budget_expenditure", 5.0e8),
        (2021, "140521", "edu_budget_expenditure", 4.9e8),
        (2020, "140521", "edu_budget_students", 50000.0),
        (2021, "140521", "edu_budget_students", 50000.0),
        // B: spending +2%, pupils +5%: per-student spending falls (computed, nothing reported).
        (2020, "140522", "edu_budget_expenditure", 5.0e8),
        (2021, "140522", "edu_budget_expenditure", 5.1e8),
        (2020, "140522", "edu_budget_students", 50000.0),
        (2021, "140522", "edu_budget_students", 52500.0),
    ];
    let a = checks_with(&rows, "140521", 2021, Basis::Computed);
    assert_eq!((a["budget_not_decreasing"].0, a["per_student_not_decreasing"].0), (Some(false), Some(false)));
    assert!((a["budget_not_decreasing"].1.unwrap() + 2.0).abs() < 1e-9);
    let b = checks_with(&rows, "140522", 2021, Basis::Computed);
    assert_eq!((b["budget_not_decreasing"].0, b["per_student_not_decreasing"].0), (Some(true), Some(false)));
    // 10000 → 9714.29 元 per pupil: −2.857%
    assert!((b["per_student_not_decreasing"].1.unwrap() - (5.1e8 / 52500.0 / 1.0e4 - 1.0) * 100.0).abs() < 1e-9);
}

#[test]
fn a_gap_year_breaks_the_chain() {
    let rows = [
        (2019, "140521", "teacher_avg_salary", 70000.0),
        (2021, "140521", "teacher_avg_salary", 77000.0),
        (2022, "140521", "teacher_avg_salary", 80000.0),
    ];
    let t = yoy(&rows, &["140521"]);
    let gap = row(&t, 2021, "140521", "teacher_avg_salary");
    assert_eq!(f(&gap, "pct_change"), None);
    assert_eq!(gap.column("note").unwrap().str().unwrap().get(0), Some("no value for 2020: the chain breaks here"));
    assert_eq!(f(&row(&t, 2022, "140521", "teacher_avg_salary"), "change"), Some(3000.0));
    assert_eq!(row(&t, 2019, "140521", "teacher_avg_salary").column("note").unwrap().str().unwrap().get(0), Some("first year of the series"));
}

/// The written-out ranks equal Polars' own `rank(min, descending).over(year, indicator, area)` and a count of the
/// larger values in the group, on rows in no particular order with ties, missing changes and a missing area.
#[test]
fn ranks_within_groups_equal_polars_rank_over_groups() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let n = 5_000;
    let year: Vec<i32> = (0..n).map(|_| rng.random_range(2019..2023)).collect();
    let indicator: Vec<String> = (0..n).map(|_| format!("indicator_with_a_long_name_{}", rng.random_range(0..4))).collect();
    let area: Vec<Option<String>> = (0..n).map(|_| (rng.random_range(0..20) > 0).then(|| format!("14{:02}00", rng.random_range(0..6)))).collect();
    let pct: Vec<Option<f64>> = (0..n).map(|_| (rng.random_range(0..10) > 0).then(|| rng.random_range(-5..6) as f64 / 2.0)).collect();
    let df = df!("year" => &year, "indicator" => &indicator, "prefecture_code" => &area, "pct_change" => &pct).unwrap();
    let ours = rank_within(&df, "prefecture_code", "r").unwrap();
    let polars = df
        .clone()
        .lazy()
        .select([col("pct_change")
            .rank(RankOptions { method: RankMethod::Min, descending: true }, None)
            .over([col("year"), col("indicator"), col("prefecture_code")])
            .unwrap()
            .cast(DataType::Int64)])
        .collect()
        .unwrap();
    let ours: Vec<Option<i64>> = ours.i64().unwrap().iter().collect();
    let theirs: Vec<Option<i64>> = polars.column("pct_change").unwrap().i64().unwrap().iter().collect();
    assert_eq!(ours, theirs);
    for i in 0..n {
        let larger = (0..n)
            .filter(|&j| year[j] == year[i] && indicator[j] == indicator[i] && area[j] == area[i])
            .filter(|&j| matches!((pct[j], pct[i]), (Some(a), Some(b)) if a > b))
            .count() as i64;
        assert_eq!(ours[i], pct[i].map(|_| larger + 1), "row {i}");
    }
    assert!(ours.iter().flatten().any(|&r| r > 1) && ours.iter().any(Option::is_none));
}

#[test]
fn ties_share_the_lower_rank() {
    // Growth 10%, 5%, 5%, 1% → ranks 1, 2, 2, 4.
    let mut rows = Vec::new();
    for (code, now) in [("140521", 110.0), ("140522", 105.0), ("140523", 105.0), ("140524", 101.0)] {
        rows.push((2020, code, "teacher_avg_salary", 100.0));
        rows.push((2021, code, "teacher_avg_salary", now));
    }
    let t = yoy(&rows, &["140521", "140522", "140523", "140524"]);
    let ranks: Vec<Option<f64>> = ["140521", "140522", "140523", "140524"]
        .iter()
        .map(|c| f(&row(&t, 2021, c, "teacher_avg_salary"), "rank_in_province"))
        .collect();
    assert_eq!(ranks, [Some(1.0), Some(2.0), Some(2.0), Some(4.0)]);
}

#[test]
fn a_recoded_county_continues_with_a_crosswalk_and_is_reported_without_one() {
    // 140521 became 140581 in 2021; its neighbour 140522 keeps reporting.
    let rows = [
        (2020, "140521", "edu_budget_expenditure", 4.0e8),
        (2021, "140581", "edu_budget_expenditure", 4.4e8),
        (2020, "140522", "edu_budget_expenditure", 3.0e8),
        (2021, "140522", "edu_budget_expenditure", 3.1e8),
    ];
    let codes = ["140521", "140522", "140581"];
    let without = yoy(&rows, &codes);
    let old = row(&without, 2020, "140521", "edu_budget_expenditure");
    assert_eq!(
        old.column("note").unwrap().str().unwrap().get(0),
        Some("first year of the series; the county reports nothing after this year (re-coded? see --crosswalk)")
    );
    assert_eq!(f(&row(&without, 2021, "140581", "edu_budget_expenditure"), "pct_change"), None);

    let units: HashMap<String, String> = [("edu_budget_expenditure".to_string(), "元".to_string())].into();
    let recode = [Recoding { old_code: "140521".into(), new_code: "140581".into(), year: 2021 }];
    let (moved, notes) = apply_crosswalk(series(&rows), &recode, &units).unwrap();
    assert!(notes.is_empty());
    let (s, both) = derive_per_student(&moved).unwrap();
    let with = year_on_year(&s, &counties(&codes), &both).unwrap();
    assert!((f(&row(&with, 2021, "140581", "edu_budget_expenditure"), "pct_change").unwrap() - 10.0).abs() < 1e-9);
}

#[test]
fn merged_counties_add_money_and_leave_out_rates() {
    let rows = [
        (2020, "140521", "edu_budget_expenditure", 1.0e8),
        (2020, "140522", "edu_budget_expenditure", 2.0e8),
        (2020, "140521", "junior_retention_rate", 97.0),
        (2020, "140522", "junior_retention_rate", 99.0),
        (2021, "140581", "edu_budget_expenditure", 3.3e8),
    ];
    let units: HashMap<String, String> =
        [("edu_budget_expenditure".to_string(), "元".to_string()), ("junior_retention_rate".to_string(), "%".to_string())].into();
    let recode = [
        Recoding { old_code: "140521".into(), new_code: "140581".into(), year: 2021 },
        Recoding { old_code: "140522".into(), new_code: "140581".into(), year: 2021 },
    ];
    let (moved, notes) = apply_crosswalk(series(&rows), &recode, &units).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    let m = row(&moved, 2020, "140581", "edu_budget_expenditure");
    assert_eq!(f(&m, "value"), Some(3.0e8));
    assert_eq!(row(&moved, 2020, "140581", "junior_retention_rate").height(), 0);
}

#[test]
fn per_student_spending_is_derived_and_disagreement_is_flagged() {
    let rows = [
        (2020, "140521", "edu_budget_expenditure", 6.0e8),
        (2020, "140521", "edu_budget_students", 50000.0),
        (2020, "140521", "edu_expenditure_per_student", 12500.0), // computed 12000: 4.2% apart
        (2021, "140521", "edu_budget_expenditure", 6.3e8),
        (2021, "140521", "edu_budget_students", 50000.0),
    ];
    let t = yoy(&rows, &["140521"]);
    assert_eq!(row(&t, 2021, "140521", PER_STUDENT).height(), 0, "never filled from spending / students");
    assert_eq!(f(&row(&t, 2021, "140521", PER_STUDENT_COMPUTED), "value"), Some(12600.0));
    assert_eq!(f(&row(&t, 2020, "140521", PER_STUDENT_COMPUTED), "value"), Some(12000.0));
    let flagged = row(&t, 2020, "140521", PER_STUDENT);
    assert_eq!(
        flagged.column("note").unwrap().str().unwrap().get(0),
        Some("first year of the series; reported differs from spending / students (12000.0) by more than 0.5%")
    );
    let t2 = yoy(&[rows[0], rows[1], rows[2], rows[3], rows[4], (2021, "140521", PER_STUDENT, 13000.0)], &["140521"]);
    let note = row(&t2, 2021, "140521", PER_STUDENT).column("note").unwrap().str().unwrap().get(0).map(String::from);
    assert_eq!(note.as_deref(), Some("reported differs from spending / students (12600.0) by more than 0.5%"));
}

#[test]
fn compound_growth_over_a_window() {
    let rows = [(2019, "140521", "teacher_avg_salary", 100.0), (2021, "140521", "teacher_avg_salary", 121.0)];
    let w = window(&series(&rows), &counties(&["140521"]), 2019, 2021).unwrap();
    // (121/100)^(1/2) − 1 = 10%
    assert!((f(&w, "cagr_pct").unwrap() - 10.0).abs() < 1e-9);
}

#[test]
fn funding_floors_matching_funds_and_teacher_pay() {
    let rows = [
        (2021, "140521", "public_funds_standard_primary", 640.0),
        (2021, "140521", "public_funds_standard_junior", 900.0),
        (2021, "140521", "county_matching_required", 1.0e7),
        (2021, "140521", "county_matching_paid", 0.9e7),
        (2021, "140521", "teacher_avg_salary", 80000.0),
        (2021, "140521", "civil_servant_avg_salary", 82000.0),
    ];
    let c = checks_of(&rows, "140521", 2021);
    assert_eq!(c["public_funds_primary"].0, Some(false)); // 640 < 650
    assert_eq!(c["public_funds_junior"].0, Some(true));
    assert_eq!(c["public_funds_special"].0, None); // not reported
    assert_eq!(c["matching_funds"], (Some(false), Some(90.0)));
    assert_eq!(c["teacher_pay"].0, Some(false));
    assert!((c["teacher_pay"].1.unwrap() - 80000.0 / 82000.0 * 100.0).abs() < 1e-9);
}

#[test]
fn crosswalks_with_cycles_forks_or_unknown_targets_are_refused() {
    let r = |o: &str, n: &str, y: i32| Recoding { old_code: o.into(), new_code: n.into(), year: y };
    let known: std::collections::HashSet<String> = ["140121", "140122", "140123"].map(String::from).into();
    assert!(check_crosswalk(&[r("140199", "140121", 2021)], &known).is_empty());
    // A chain is fine: A → B, then B → C.
    assert!(check_crosswalk(&[r("140198", "140122", 2019), r("140122", "140121", 2021)], &known).is_empty());
    let two = check_crosswalk(&[r("140121", "140122", 2020), r("140122", "140121", 2021)], &known);
    assert_eq!(two.len(), 1, "{two:?}");
    assert!(two[0].1.contains("cycle: 140121 → 140122 → 140121"), "{two:?}");
    let three = check_crosswalk(&[r("140121", "140122", 2020), r("140122", "140123", 2021), r("140123", "140121", 2022)], &known);
    assert!(three.iter().any(|p| p.1.contains("cycle")), "{three:?}");
    let fork = check_crosswalk(&[r("140199", "140121", 2020), r("140199", "140122", 2021)], &known);
    assert_eq!(fork, vec![(1, "140199 is already re-coded on line 2 (to 140121 from 2020); one old code has one new code".to_string())]);
    let unknown = check_crosswalk(&[r("140199", "149999", 2020)], &known);
    assert!(unknown[0].1.contains("149999 is not a county of the warehouse"), "{unknown:?}");
    assert!(!check_crosswalk(&[r("140121", "140121", 2020)], &known).is_empty());
}

#[test]
fn the_per_student_basis_is_one_for_every_year_never_reported_then_computed() {
    // 2020 reported 12500; 2021 not reported, computed 12600. Reported basis: 2021 is judged on spending ÷ pupils
    // in both years, 12000 → 12600 (never 12500 reported against 12600 computed), and says so (issue 31: a fall
    // hidden behind a missing figure is still a fall). Computed basis: the same.
    let rows = [
        (2020, "140521", "edu_budget_expenditure", 6.0e8),
        (2020, "140521", "edu_budget_students", 50000.0),
        (2020, "140521", "edu_expenditure_per_student", 12500.0),
        (2021, "140521", "edu_budget_expenditure", 6.3e8),
        (2021, "140521", "edu_budget_students", 50000.0),
    ];
    for basis in [Basis::Reported, Basis::Computed] {
        let c = checks_with(&rows, "140521", 2021, basis)["per_student_not_decreasing"];
        assert_eq!(c.0, Some(true));
        assert!((c.1.unwrap() - 5.0).abs() < 1e-9, "12000 → 12600, both computed");
        let t = checks(&series(&rows), &counties(&["140521"]), &Standards::national(), basis).unwrap();
        let row = t.lazy().filter(col("check").eq(lit("per_student_not_decreasing")).and(col("year").eq(lit(2021)))).collect().unwrap();
        assert_eq!(row.column("basis").unwrap().str().unwrap().get(0), Some("computed"));
        if basis == Basis::Reported {
            assert!(row.column("detail").unwrap().str().unwrap().get(0).unwrap().contains("as the county does not report it"));
        }
    }
    // A fall: the county reports per-student spending in neither year, and spends less per pupil.
    let falling = [
        (2021, "140121", "edu_budget_expenditure", 4.1e8),
        (2021, "140121", "edu_budget_students", 28670.0),
        (2022, "140121", "edu_budget_expenditure", 4.04e8),
        (2022, "140121", "edu_budget_students", 29059.0),
    ];
    assert_eq!(checks_with(&falling, "140121", 2022, Basis::Reported)["per_student_not_decreasing"].0, Some(false));
}
