//! Scheme loading and scoring on a tiny scheme whose results are worked out by hand.

use super::*;
use crate::balance::Config;

const TINY: &str = r#"
[scheme]
name = "tiny"
version = "1"
years = [2020, 2022]
total_points = 20
grades = [{ name = "优秀", min = 15 }, { name = "合格", min = 8 }, { name = "不合格", min = 0 }]

[[derived]]
id = "spend_per_pupil"
title_zh = "生均支出"
sql = "edu_budget_expenditure / edu_budget_students"

[[area]]
id = "A"
title_zh = "甲"
[[area.key_point]]
id = "A1"
title_zh = "甲一"

[[area.key_point.point]]
id = "P1"
title_zh = "支出只增不减"
points = 5
metric = "check:budget_not_decreasing"
veto = true

[[area.key_point.point]]
id = "P2"
title_zh = "毛入园率 ≥ 85（东部 90）"
points = 5
metric = "indicator:preschool_gross_enrolment_rate"
threshold = { default = 85, east = 90 }

[[area.key_point.point]]
id = "P3"
title_zh = "认可度 70→90 线性"
points = 4
metric = "indicator:social_recognition_rate"
scoring = "linear"
zero_at = 70
full_at = 90

[[area.key_point.point]]
id = "P4"
title_zh = "学校达标率"
points = 4
metric = "school_pass_rate:primary"
scoring = "share"

[[area.key_point.point]]
id = "P5"
title_zh = "布局规划（县报）"
points = 2
metric = "reported:school_layout_plan"
"#;

fn county(code: &str, region: &str) -> County {
    County {
        code: code.into(),
        name: format!("县{code}"),
        prefecture_code: "140500".into(),
        prefecture_name: "市".into(),
        province_code: "140000".into(),
        province_name: "省".into(),
        region: region.into(),
        has_data: true,
    }
}

fn figures(rows: &[(&str, Metric, f64)]) -> Figures {
    let mut f = Figures::default();
    for (c, m, v) in rows {
        f.values.insert((c.to_string(), m.clone()), *v);
    }
    f
}

fn totals(summary: &DataFrame) -> Vec<(String, f64, String)> {
    let codes = summary.column("county_code").unwrap().str().unwrap();
    let totals = summary.column("total").unwrap().f64().unwrap();
    let grades = summary.column("grade").unwrap().str().unwrap();
    (0..summary.height()).map(|i| (codes.get(i).unwrap().into(), totals.get(i).unwrap(), grades.get(i).unwrap().into())).collect()
}

#[test]
fn three_counties_worked_out_by_hand() {
    let s = Scheme::parse(TINY).unwrap();
    let check = Metric::Check("budget_not_decreasing".into());
    let gross = Metric::Indicator("preschool_gross_enrolment_rate".into());
    let social = Metric::Indicator("social_recognition_rate".into());
    let pass = Metric::SchoolPassRate { level: "primary".into() };
    let plan = Metric::Reported("school_layout_plan".into());
    let f = figures(&[
        // A (central): P1 5 + P2 5 (86 ≥ 85) + P3 4·(80−70)/20 = 2 + P4 4·50% = 2 + P5 2 = 16 → 优秀.
        ("A", check.clone(), 1.0),
        ("A", gross.clone(), 86.0),
        ("A", social.clone(), 80.0),
        ("A", pass.clone(), 50.0),
        ("A", plan.clone(), 1.0),
        // B (east): P2 fails (86 < 90); P3 full (95 clamps to 1) 4; P4 4·100% = 4; P5 0 → 5 + 0 + 4 + 4 + 0 = 13 → 合格.
        ("B", check.clone(), 1.0),
        ("B", gross.clone(), 86.0),
        ("B", social.clone(), 95.0),
        ("B", pass.clone(), 100.0),
        ("B", plan.clone(), 0.0),
        // C (central): veto P1 fails; P2 5, P3 4, P4 4, P5 2 = 15 would be 优秀 but the veto caps it at 不合格.
        ("C", check.clone(), 0.0),
        ("C", gross.clone(), 99.0),
        ("C", social.clone(), 90.0),
        ("C", pass.clone(), 100.0),
        ("C", plan.clone(), 1.0),
    ]);
    let counties = [county("A", "central"), county("B", "east"), county("C", "central")];
    let (rows, summary) = evaluate(&s, 2021, &counties, &f, &Config::default()).unwrap();
    assert_eq!(rows.height(), 15);
    assert_eq!(
        totals(&summary),
        vec![("A".into(), 16.0, "优秀".into()), ("B".into(), 13.0, "合格".into()), ("C".into(), 15.0, "不合格".into())]
    );
    assert_eq!(summary.column("vetoes").unwrap().str().unwrap().get(2), Some("P1"));
    let ranked = rank(&summary, None).unwrap();
    let order: Vec<&str> = ranked.column("county_code").unwrap().str().unwrap().iter().map(Option::unwrap).collect();
    assert_eq!(order, ["A", "C", "B"], "ranked by points; the veto shows in the grade");
}

#[test]
fn missing_data_scores_as_missing_and_ties_share_a_rank() {
    let s = Scheme::parse(TINY).unwrap();
    let check = Metric::Check("budget_not_decreasing".into());
    let f = figures(&[("A", check.clone(), 1.0), ("B", check.clone(), 1.0), ("C", check, 0.0)]);
    let counties = [county("A", "central"), county("B", "central"), county("C", "central")];
    let (rows, summary) = evaluate(&s, 2021, &counties, &f, &Config::default()).unwrap();
    let missing = rows.clone().lazy().filter(col("status").eq(lit("missing"))).collect().unwrap();
    assert_eq!(missing.height(), 12, "4 points without data × 3 counties");
    assert!(missing.column("earned").unwrap().f64().unwrap().iter().all(|e| e.is_none()), "missing is not zero");
    assert_eq!(missing.column("explanation").unwrap().str().unwrap().get(0), Some("学前三年毛入园率：缺少数据（待填报）"));
    assert_eq!(summary.column("missing_points").unwrap().i64().unwrap().get(0), Some(4));
    assert_eq!(summary.column("points_with_data").unwrap().f64().unwrap().get(0), Some(5.0), "only P1 had data");
    // 4 points without data: the grade is withheld (待补报), never failed; with fewer than half the points judged
    // there is no grade on the data either, and no rank.
    // C failed the veto point: its grade is settled at the veto grade, whatever the missing points bring.
    let grades: Vec<Option<&str>> = summary.column("grade").unwrap().str().unwrap().iter().collect();
    assert_eq!(grades, [Some("待补报"), Some("待补报"), Some("不合格")]);
    assert!(summary.column("grade_on_data").unwrap().str().unwrap().iter().all(|g| g.is_none()));
    let ranked = rank(&summary, None).unwrap();
    assert!(ranked.column("rank").unwrap().i64().unwrap().iter().all(|r| r.is_none()));
    // Graded on their data, equal scores share a rank.
    let graded = summary.clone().lazy().with_column(lit("合格").alias("grade_on_data")).collect().unwrap();
    let ranked = rank(&graded, None).unwrap();
    let ranks: Vec<i64> = ranked.column("rank").unwrap().i64().unwrap().iter().map(Option::unwrap).collect();
    assert_eq!(ranks, [1, 1, 3]);
}

#[test]
fn a_grade_is_given_on_the_points_with_data_and_settled_only_when_the_missing_ones_cannot_change_it() {
    let s = Scheme::parse(TINY).unwrap();
    let max: f64 = s.points.iter().map(|p| p.points).sum();
    let every: Vec<(&str, Metric, f64)> = s.points.iter().map(|p| ("A", p.metric.clone(), 100.0)).collect();
    let f = figures(&every);
    let (_, summary) = evaluate(&s, 2021, &[county("A", "central")], &f, &Config::default()).unwrap();
    let total = summary.column("total").unwrap().f64().unwrap().get(0).unwrap();
    assert_eq!(summary.column("score_on_data").unwrap().f64().unwrap().get(0), Some(total), "every point judged: the score is the total");
    assert_eq!(summary.column("grade").unwrap().str().unwrap().get(0), summary.column("grade_on_data").unwrap().str().unwrap().get(0));
    assert_eq!(summary.column("points_with_data").unwrap().f64().unwrap().get(0), Some(max));
}

#[test]
fn thresholds_follow_region_and_year() {
    let t = Threshold::ByRegion([("default".to_string(), 85.0), ("from_2022".to_string(), 88.0), ("east".to_string(), 90.0)].into());
    assert_eq!(t.resolve("central", 2021), Some((85.0, 85.0)));
    assert_eq!(t.resolve("central", 2023), Some((88.0, 88.0)));
    assert_eq!(t.resolve("east", 2023), Some((90.0, 90.0)));
    let broken = TINY.replace("threshold = { default = 85, east = 90 }", "threshold = { default = 85, north = 90 }");
    assert!(Scheme::parse(&broken).unwrap_err()[0].1.contains("threshold key \"north\""));
}

#[test]
fn explanations_say_the_value_and_the_threshold() {
    let s = Scheme::parse(&TINY.replace("metric = \"school_pass_rate:primary\"\nscoring = \"share\"", "metric = \"cv:quality:junior:equipment_value_per_student\"\nop = \"<=\"\nthreshold = 0.45")).unwrap();
    let cv = Metric::Cv { standard: "quality".into(), level: "junior".into(), indicator: "equipment_value_per_student".into() };
    let f = figures(&[("A", cv, 0.52)]);
    let (rows, _) = evaluate(&s, 2021, &[county("A", "central")], &f, &Config::default()).unwrap();
    let p4 = rows.lazy().filter(col("point_id").eq(lit("P4"))).collect().unwrap();
    assert_eq!(p4.column("explanation").unwrap().str().unwrap().get(0), Some("初中 生均教学仪器设备值 差异系数 0.52 > 0.45"));
    assert_eq!(p4.column("status").unwrap().str().unwrap().get(0), Some("failed"));
}

#[test]
fn each_kind_of_broken_scheme_is_refused_with_its_line() {
    let cases: [(&str, &str, &str); 7] = [
        ("metric = \"school_pass_rate:primary\"", "metric = \"derived_cv:nope:primary\"", "no school-level derived indicator \"nope\""),
        ("metric = \"check:budget_not_decreasing\"", "metric = \"check:budget_up\"", "check \"budget_up\": expected one of"),
        ("metric = \"indicator:preschool_gross_enrolment_rate\"", "metric = \"balance:basic:senior:met\"", "level \"senior\""),
        ("threshold = { default = 85, east = 90 }", "", "a pass_fail point needs a threshold"),
        ("id = \"P3\"", "id = \"P2\"", "duplicate id \"P2\""),
        ("points = 4\nmetric = \"indicator:social", "points = 3\nmetric = \"indicator:social", "add up to 19, not the declared total_points = 20"),
        ("scoring = \"linear\"", "scoring = \"curve\"", "scoring \"curve\": expected pass_fail, linear or share"),
    ];
    for (from, to, says) in cases {
        let text = TINY.replacen(from, to, 1);
        assert_ne!(text, TINY, "the case {from:?} must change the scheme");
        let problems = Scheme::parse(&text).expect_err(says);
        let (line, message) = &problems[0];
        assert!(message.contains(says), "{says:?} not in {problems:?}");
        assert!(*line > 1, "{problems:?} must name a line");
    }
    let problems = Scheme::parse("[scheme]\nname = 1\n").unwrap_err();
    assert_eq!(problems[0].0, 2, "{problems:?}");
}

#[test]
fn scheme_checks_refuse_reversed_ranges_text_thresholds_tables_without_default_and_unknown_provinces() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "threshold = { default = 85, east = 90 }",
            "op = \"between\"\nthreshold = [90, 80]",
            "the range [90, 80] is reversed: write [80, 90]",
        ),
        ("years = [2020, 2022]", "years = [2022, 2020]", "years [2022, 2020] are reversed"),
        ("veto = true", "veto = true\nyears = [2023, 2021]", "point P1: years [2023, 2021] are reversed"),
        ("threshold = { default = 85, east = 90 }", "threshold = \"85\"", "the threshold is the text \"85\": write the number without quotes"),
        ("threshold = { default = 85, east = 90 }", "threshold = { east = 90 }", "a threshold table needs a `default`"),
        ("version = \"1\"", "version = \"1\"\nprovince = \"abc\"", "province \"abc\": expected \"national\" or a province code"),
    ];
    for (from, to, says) in cases {
        let text = TINY.replacen(from, to, 1);
        assert_ne!(text, TINY, "the case {from:?} must change the scheme");
        let problems = Scheme::parse(&text).expect_err(says);
        let (line, message) = &problems[0];
        assert!(message.contains(says), "{says:?} not in {problems:?}");
        let expected_line = text.lines().position(|l| to.lines().last().is_some_and(|t| l == t)).unwrap() + 1;
        assert_eq!(*line, expected_line, "{says}: {problems:?}");
    }
    let all_regions = TINY.replace("threshold = { default = 85, east = 90 }", "threshold = { east = 90, central = 85, west = 80 }");
    assert!(Scheme::parse(&all_regions).is_ok(), "a table naming every region needs no default");
    let shanxi = Scheme::parse(&TINY.replace("version = \"1\"", "version = \"1\"\nprovince = \"140000\"")).unwrap();
    assert_eq!(shanxi.province_prefix(), Some("14"));
    let national = Scheme::parse(&TINY.replace("version = \"1\"", "version = \"1\"\nprovince = \"national\"")).unwrap();
    assert_eq!(national.province_prefix(), None);
}

#[test]
fn shown_points_add_up_to_the_shown_total_and_max_points_is_round() {
    // Three linear points of 0.2 each earning a third: 0.0667 each, unrounded sum 0.2 but rounded parts 0.07 × 3.
    let text = r#"
[scheme]
name = "thirds"
version = "1"
years = [2020, 2022]
total_points = 0.6
grades = [{ name = "合格", min = 0 }]
[[area]]
id = "A"
title_zh = "甲"
[[area.key_point]]
id = "A1"
title_zh = "甲一"
[[area.key_point.point]]
id = "P1"
title_zh = "一"
points = 0.2
metric = "indicator:social_recognition_rate"
scoring = "linear"
zero_at = 0
full_at = 90
[[area.key_point.point]]
id = "P2"
title_zh = "二"
points = 0.2
metric = "indicator:social_recognition_rate"
scoring = "linear"
zero_at = 0
full_at = 90
[[area.key_point.point]]
id = "P3"
title_zh = "三"
points = 0.2
metric = "indicator:social_recognition_rate"
scoring = "linear"
zero_at = 0
full_at = 90
"#;
    let s = Scheme::parse(text).unwrap();
    let f = figures(&[("A", Metric::Indicator("social_recognition_rate".into()), 30.0)]);
    let (rows, summary) = evaluate(&s, 2021, &[county("A", "central")], &f, &Config::default()).unwrap();
    let earned: f64 = rows.column("earned").unwrap().f64().unwrap().iter().flatten().sum();
    let total = summary.column("total").unwrap().f64().unwrap().get(0).unwrap();
    assert_eq!(format!("{earned:.2}"), format!("{total:.2}"));
    assert_eq!(total, 0.21, "0.07 + 0.07 + 0.07, not 0.2");
    assert_eq!(summary.column("max_points").unwrap().f64().unwrap().get(0), Some(0.6), "not 0.6000000000000001");
}

#[test]
fn a_county_without_data_is_listed_but_not_graded_or_ranked() {
    let s = Scheme::parse(TINY).unwrap();
    let check = Metric::Check("budget_not_decreasing".into());
    let f = figures(&[("A", check, 1.0)]);
    let mut empty = county("B", "central");
    empty.has_data = false;
    let (rows, summary) = evaluate(&s, 2021, &[county("A", "central"), empty], &f, &Config::default()).unwrap();
    assert_eq!(rows.height(), 5, "no point rows for B");
    assert_eq!(summary.column("grade").unwrap().str().unwrap().get(1), None);
    assert_eq!(summary.column("total").unwrap().f64().unwrap().get(1), None);
    assert!(summary.column("largest_gaps").unwrap().str().unwrap().get(1).unwrap().starts_with("无数据"));
    let ranked = rank(&summary, None).unwrap();
    assert_eq!(ranked.column("rank").unwrap().i64().unwrap().get(1), None);
    assert_eq!(ranked.column("county_code").unwrap().str().unwrap().get(1), Some("B"));
}
