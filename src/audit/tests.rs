//! Each rule of the audit, with a value just inside its bound and one just outside; the Hidiroglou–Berthelot and
//! MAD screens against a plain computation of their own formulas.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::*;
use screens::READS;

/// The columns of a school, with the values of an ordinary primary school of `pupils` pupils (resources in
/// proportion, varied a little by `k` so that no stratum is flat).
fn school(k: usize, pupils: f64) -> BTreeMap<&'static str, Option<f64>> {
    let v = 1.0 + 0.013 * (k % 11) as f64;
    let mut m = BTreeMap::new();
    for (c, x) in [
        ("primary_students", pupils),
        ("junior_students", 0.0),
        ("senior_students", 0.0),
        ("primary_classes", (pupils / 42.0).ceil()),
        ("junior_classes", 0.0),
        ("max_class_size", 45.0),
        ("teaching_area_m2", 5.0 * pupils * v),
        ("sports_area_m2", 8.0 * pupils * v),
        ("equipment_value_yuan", 2500.0 * pupils * v),
        ("computers", (0.12 * pupils * v).round()),
        ("books", (30.0 * pupils * v).round()),
        ("multimedia_rooms", (0.025 * pupils * v).round().max(1.0)),
        ("music_rooms", 1.0),
        ("art_rooms", 1.0),
        ("primary_teachers", (pupils / 17.0 * v).round()),
        ("primary_degree_teachers", (pupils / 20.0 * v).round()),
        ("primary_titled_teachers", (pupils / 40.0 * v).round()),
        ("primary_backbone_teachers", (pupils / 80.0 * v).round()),
        ("primary_pe_art_teachers", (pupils / 90.0 * v).round()),
        ("junior_teachers", 0.0),
        ("junior_degree_teachers", 0.0),
        ("junior_titled_teachers", 0.0),
        ("junior_backbone_teachers", 0.0),
        ("junior_pe_art_teachers", 0.0),
        ("primary_max_class_size", 45.0),
        ("boarders", 0.0),
        ("public_funds_received_yuan", 700.0 * pupils),
    ] {
        m.insert(c, Some(x));
    }
    m.insert("indoor_sports_area_m2", None);
    m.insert("junior_max_class_size", None);
    m
}

/// A county of 30 ordinary schools (`S00`…`S29`) in one year; `change` alters schools before the frame is made.
fn year(y: i32, change: impl Fn(usize, &mut BTreeMap<&'static str, Option<f64>>)) -> DataFrame {
    let n = 30;
    let mut rows: Vec<BTreeMap<&'static str, Option<f64>>> = (0..n).map(|k| school(k, 300.0 + 20.0 * k as f64)).collect();
    for (k, r) in rows.iter_mut().enumerate() {
        change(k, r);
    }
    let mut columns = vec![
        Column::new("year".into(), vec![y; n]),
        Column::new("county_code".into(), vec!["140121"; n]),
        Column::new("school_id".into(), (0..n).map(|k| format!("S{k:02}")).collect::<Vec<_>>()),
        Column::new("school_name".into(), (0..n).map(|k| format!("第{k}小学")).collect::<Vec<_>>()),
        Column::new("school_type".into(), vec!["primary"; n]),
        Column::new("urban_rural_code".into(), vec![220i32; n]),
    ];
    for c in READS.iter().filter(|c| !["year", "county_code", "school_id", "school_name", "school_type", "urban_rural_code"].contains(c)) {
        let values: Vec<Option<f64>> = rows.iter().map(|r| r.get(c).copied().flatten()).collect();
        columns.push(Column::new((*c).into(), values));
    }
    DataFrame::new(n, columns).unwrap()
}

/// The flags of 2023 over the two years given, and county indicators.
fn run(before: DataFrame, now: DataFrame, indicators: DataFrame) -> DataFrame {
    let after = now.clear();
    let inputs = YearInputs {
        year: 2023,
        now: screens::prepare(now.lazy(), false),
        before: screens::prepare(before.lazy(), false),
        after: screens::prepare(after.lazy(), false),
        indicators: indicators.lazy(),
    };
    flags(&inputs, &AuditRules::default(), &[], crate::lang::Lang::Zh).unwrap()
}

fn no_indicators() -> DataFrame {
    df!("year" => Vec::<i32>::new(), "county_code" => Vec::<String>::new(), "indicator" => Vec::<String>::new(), "value" => Vec::<f64>::new()).unwrap()
}

/// The (school, column) pairs a rule flagged.
fn flagged(f: &DataFrame, rule: &str) -> Vec<(String, String)> {
    let (r, s, c) = (f.column("rule").unwrap().str().unwrap(), f.column("school_id").unwrap().str().unwrap(), f.column("column").unwrap().str().unwrap());
    (0..f.height()).filter(|&i| r.get(i) == Some(rule)).map(|i| (s.get(i).unwrap_or("").to_string(), c.get(i).unwrap().to_string())).collect()
}

fn pair(s: &str, c: &str) -> (String, String) {
    (s.to_string(), c.to_string())
}

#[test]
fn ordinary_schools_raise_no_flag() {
    let f = run(year(2022, |_, _| {}), year(2023, |_, _| {}), no_indicators());
    assert_eq!(f.height(), 0, "{f}");
}

#[test]
fn impossible_values_at_their_bounds() {
    let now = year(2023, |k, s| match k {
        // A part equal to its whole is possible; one more is not.
        0 => s.insert("primary_degree_teachers", s["primary_teachers"]).map(|_| ()).unwrap(),
        1 => s.insert("primary_backbone_teachers", Some(s["primary_teachers"].unwrap() + 1.0)).map(|_| ()).unwrap(),
        2 => s.insert("primary_classes", Some(0.0)).map(|_| ()).unwrap(),
        3 => {
            s.insert("primary_students", Some(0.0));
            s.insert("primary_classes", Some(3.0));
        }
        // 99 pupils a class on average is possible; 99.25 is not; 1 is, 0.5 is not.
        4 => {
            s.insert("primary_students", Some(396.0));
            s.insert("primary_classes", Some(4.0));
            s.insert("primary_max_class_size", Some(99.0));
            s.insert("max_class_size", Some(99.0));
        }
        5 => {
            s.insert("primary_students", Some(397.0));
            s.insert("primary_classes", Some(4.0));
            s.insert("primary_max_class_size", Some(100.0));
            s.insert("max_class_size", Some(100.0));
        }
        6 => {
            s.insert("primary_students", Some(20.0));
            s.insert("primary_classes", Some(20.0));
            s.insert("primary_max_class_size", Some(1.0));
            s.insert("max_class_size", Some(1.0));
        }
        7 => {
            s.insert("primary_students", Some(10.0));
            s.insert("primary_classes", Some(20.0));
            s.insert("primary_max_class_size", Some(1.0));
            s.insert("max_class_size", Some(1.0));
        }
        // A largest class of the average class (rounded up) is possible, one below it is not.
        8 => {
            s.insert("primary_students", Some(410.0));
            s.insert("primary_classes", Some(10.0));
            s.insert("primary_max_class_size", Some(41.0));
        }
        9 => {
            s.insert("primary_students", Some(410.0));
            s.insert("primary_classes", Some(10.0));
            s.insert("primary_max_class_size", Some(40.0));
        }
        _ => {}
    });
    let f = run(year(2022, |_, _| {}), now, no_indicators());
    assert_eq!(flagged(&f, "part_above_whole"), [pair("S01", "primary_backbone_teachers")]);
    assert_eq!(flagged(&f, "pupils_without_classes"), [pair("S02", "primary_classes")]);
    assert_eq!(flagged(&f, "classes_without_pupils"), [pair("S03", "primary_students")]);
    let mut outside = flagged(&f, "average_class_outside");
    outside.sort();
    assert_eq!(outside, [pair("S05", "primary_classes"), pair("S07", "primary_classes")]);
    assert_eq!(flagged(&f, "largest_below_average"), [pair("S09", "primary_max_class_size")]);
    let sev = f.column("severity").unwrap().str().unwrap();
    let rule = f.column("rule").unwrap().str().unwrap();
    for i in 0..f.height() {
        let strong = ["part_above_whole", "pupils_without_classes", "classes_without_pupils", "average_class_outside", "largest_below_average"].contains(&rule.get(i).unwrap());
        assert_eq!(sev.get(i) == Some(STRONG), strong, "{:?}", rule.get(i));
    }
    // 强制 flags come first.
    let first_hint = (0..f.height()).find(|&i| sev.get(i) == Some(HINT)).unwrap_or(f.height());
    assert!((first_hint..f.height()).all(|i| sev.get(i) == Some(HINT)));
}

#[test]
fn the_impossible_rules_ingest_refuses_are_the_audits() {
    let mut now = year(2023, |k, s| {
        if k == 1 {
            s.insert("primary_backbone_teachers", Some(s["primary_teachers"].unwrap() + 1.0));
        }
    });
    now.with_column(Column::new("_row".into(), (0..now.height() as i64).collect::<Vec<_>>())).unwrap();
    let found = impossible(now.lazy(), &AuditRules::default()).unwrap();
    assert_eq!(found.height(), 1);
    assert_eq!(found.column("_row").unwrap().i64().unwrap().get(0), Some(1));
    assert!(found.column("message").unwrap().str().unwrap().get(0).unwrap().starts_with("at most primary_teachers"));
}

#[test]
fn a_unit_slip_year_on_year_at_its_bound() {
    // 10^2.5 = 316.2: a value 316 times smaller is within the bound, 317 times smaller is not.
    let before = year(2022, |_, _| {});
    let equipment = |k: usize| before.column("equipment_value_yuan").unwrap().f64().unwrap().get(k).unwrap();
    let (e3, e4) = (equipment(3), equipment(4));
    let now = year(2023, |k, s| match k {
        3 => s.insert("equipment_value_yuan", Some(e3 / 316.0)).map(|_| ()).unwrap(),
        4 => s.insert("equipment_value_yuan", Some(e4 / 317.0)).map(|_| ()).unwrap(),
        _ => {}
    });
    let f = run(before, now, no_indicators());
    assert_eq!(flagged(&f, "unit_slip_year_on_year"), [pair("S04", "equipment_value_yuan")]);
    // The same slip is seen by the other screens too, each in its own terms.
    assert!(flagged(&f, "hidiroglou_berthelot").contains(&pair("S04", "equipment_value_yuan")));
}

#[test]
fn a_unit_slip_across_schools_at_its_bound() {
    // Per pupil, 10^2.5 times the stratum's median is the bound: the median school of 30 is S14/S15.
    let now = year(2023, |k, s| match k {
        3 => s.insert("books", Some((s["books"].unwrap() * 300.0).round())).map(|_| ()).unwrap(),
        4 => s.insert("books", Some((s["books"].unwrap() * 400.0).round())).map(|_| ()).unwrap(),
        _ => {}
    });
    let f = run(year(2022, |_, _| {}), now, no_indicators());
    assert_eq!(flagged(&f, "unit_slip_stratum"), [pair("S04", "books")]);
}

/// The Hidiroglou–Berthelot bounds computed plainly: which schools' ratios fall outside.
fn hb_outside(before: &[f64], now: &[f64], u: f64, a: f64, c: f64) -> Vec<usize> {
    let r: Vec<f64> = now.iter().zip(before).map(|(n, b)| n / b).collect();
    let median = |v: &[f64]| quantile(v, 0.5);
    let rm = median(&r);
    let e: Vec<f64> = r
        .iter()
        .zip(now.iter().zip(before))
        .map(|(&r, (&n, &b))| (if r < rm { 1.0 - rm / r } else { r / rm - 1.0 }) * n.max(b).powf(u))
        .collect();
    let (q1, em, q3) = (quantile(&e, 0.25), quantile(&e, 0.5), quantile(&e, 0.75));
    let (d1, d3) = ((em - q1).max((a * em).abs()), (q3 - em).max((a * em).abs()));
    (0..e.len()).filter(|&i| e[i] < em - c * d1 || e[i] > em + c * d3).collect()
}

/// Linear-interpolated quantile.
fn quantile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let pos = q * (s.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
}

#[test]
fn hidiroglou_berthelot_agrees_with_its_formula_and_catches_a_trebling() {
    let before = year(2022, |_, _| {});
    let grow = |k: usize| 1.0 + 0.01 * ((k * 7) % 9) as f64;
    let now = year(2023, |k, s| {
        let b = before.column("books").unwrap().f64().unwrap().get(k).unwrap();
        s.insert("books", Some((b * if k == 12 { 3.0 } else { grow(k) }).round()));
    });
    let b: Vec<f64> = before.column("books").unwrap().f64().unwrap().into_no_null_iter().collect();
    let n: Vec<f64> = now.column("books").unwrap().f64().unwrap().into_no_null_iter().collect();
    let expected: Vec<(String, String)> = hb_outside(&b, &n, 0.0, 0.05, 10.0).into_iter().map(|i| pair(&format!("S{i:02}"), "books")).collect();
    let f = run(before, now, no_indicators());
    let mut got: Vec<(String, String)> = flagged(&f, "hidiroglou_berthelot").into_iter().filter(|p| p.1 == "books").collect();
    got.sort();
    assert!(expected.contains(&pair("S12", "books")), "books trebled while nothing else moved: {expected:?}");
    assert_eq!(got, expected);
}

#[test]
fn robust_outliers_agree_with_their_formula_where_there_is_no_other_year() {
    let now = year(2023, |k, s| {
        if k == 20 {
            s.insert("sports_area_m2", Some(s["sports_area_m2"].unwrap() * 8.0));
        }
    });
    let (x, p) = (now.column("sports_area_m2").unwrap().f64().unwrap(), now.column("primary_students").unwrap().f64().unwrap());
    let y: Vec<f64> = (0..now.height()).map(|i| (x.get(i).unwrap() / p.get(i).unwrap()).ln_1p()).collect();
    let m = quantile(&y, 0.5);
    let dev: Vec<f64> = y.iter().map(|v| (v - m).abs()).collect();
    let mad = quantile(&dev, 0.5);
    let expected: Vec<(String, String)> = (0..y.len()).filter(|&i| dev[i] / (1.4826 * mad) > 3.0).map(|i| pair(&format!("S{i:02}"), "sports_area_m2")).collect();
    assert!(expected.contains(&pair("S20", "sports_area_m2")));
    // The screen judges values without a year before or after: a school of one year.
    let f = run(now.clear(), now, no_indicators());
    let got: Vec<(String, String)> = flagged(&f, "robust_outlier").into_iter().filter(|p| p.1 == "sports_area_m2").collect();
    assert_eq!(got, expected);
}

#[test]
fn shell_schools_missing_values_and_large_classes() {
    let now = year(2023, |k, s| match k {
        0 => {
            for c in ["primary_students", "primary_teachers", "primary_degree_teachers", "primary_titled_teachers", "primary_backbone_teachers", "primary_pe_art_teachers", "primary_classes"] {
                s.insert(c, Some(0.0));
            }
        }
        1 => {
            for c in ["teaching_area_m2", "sports_area_m2", "equipment_value_yuan", "computers", "books"] {
                s.insert(c, None);
            }
        }
        2 => s.insert("computers", None).map(|_| ()).unwrap(),
        3 => s.insert("primary_max_class_size", Some(55.0)).map(|_| ()).unwrap(),
        4 => s.insert("primary_max_class_size", Some(56.0)).map(|_| ()).unwrap(),
        5 => s.insert("primary_max_class_size", Some(65.0)).map(|_| ()).unwrap(),
        6 => s.insert("primary_max_class_size", Some(66.0)).map(|_| ()).unwrap(),
        _ => {}
    });
    let f = run(year(2022, |_, _| {}), now, no_indicators());
    assert_eq!(flagged(&f, "shell_school_empty"), [pair("S00", "pupils")]);
    assert_eq!(flagged(&f, "shell_school_no_resources"), [pair("S01", "pupils")]);
    let missing = flagged(&f, "missing_key_value");
    assert!(missing.contains(&pair("S02", "computers")) && missing.iter().filter(|p| p.0 == "S01").count() == 5, "{missing:?}");
    let mut large = flagged(&f, "large_class");
    large.sort();
    assert_eq!(large, [pair("S04", "primary_max_class_size"), pair("S05", "primary_max_class_size")]);
    assert_eq!(flagged(&f, "very_large_class"), [pair("S06", "primary_max_class_size")]);
}

#[test]
fn county_figures_that_disagree_with_what_they_are_made_of() {
    // The schools hold 30 × 590 = 17,700 pupils.
    let ind = |rows: &[(i32, &str, f64)]| {
        df!(
            "year" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            "county_code" => vec!["140121"; rows.len()],
            "indicator" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            "value" => rows.iter().map(|r| r.2).collect::<Vec<_>>()
        )
        .unwrap()
    };
    let pupils: f64 = (0..30).map(|k| 300.0 + 20.0 * k as f64).sum();
    let run_with = |students: f64, per: f64, spending: f64| {
        let f = run(
            year(2022, |_, _| {}),
            year(2023, |_, _| {}),
            ind(&[(2022, "edu_budget_expenditure", 100e6), (2023, "edu_budget_expenditure", spending), (2023, "edu_budget_students", students), (2023, "edu_expenditure_per_student", per)]),
        );
        ["county_pupils_below_schools", "county_per_student_mismatch", "county_spending_jump"].map(|r| !flagged(&f, r).is_empty())
    };
    // Just within every bound (0.5% fewer pupils, a per-student figure 0.5% off, spending up 30%), then just outside.
    assert_eq!(run_with(pupils * 0.9951, 129.9e6 / (pupils * 0.9951) * 1.0049, 129.9e6), [false, false, false]);
    assert_eq!(run_with(pupils * 0.9949, 130.1e6 / (pupils * 0.9949) * 1.0051, 130.1e6), [true, true, true]);
}
