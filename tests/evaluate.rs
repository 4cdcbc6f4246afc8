//! `countyedu evaluate` and `countyedu rank` through the real binary: files a supervision office can read.

mod workdir;

use workdir::{Workdir, repo};

fn loaded() -> Workdir {
    Workdir::loaded(&["sample", "gaoping"])
}

fn national() -> String {
    repo("criteria/national.toml").to_string_lossy().into_owned()
}

#[test]
fn the_ranking_csv_and_xlsx_hold_the_same_rows() {
    let wd = loaded();
    wd.ok(&["rank", "--scheme", &national(), "--year", "2021", "--lang", "zh", "--output", "r.csv"]);
    wd.ok(&["rank", "--scheme", &national(), "--year", "2021", "--lang", "zh", "--output", "r.xlsx", "--no-store"]);
    let bytes = std::fs::read(wd.path("r.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let csv_rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(csv_rows.len(), 25, "24 sample counties and 高平市");
    assert!(text.starts_with("排名,年度,评价方案,县区代码,县区名称"), "{}", &text[..60]);

    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(wd.path("r.xlsx")).unwrap();
    let sheet = book.worksheet_range(&book.sheet_names()[0]).unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .skip(1)
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::String(s) => s.clone(),
                    Data::Bool(b) => b.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    let normalise = |v: &Vec<String>| v.iter().map(|c| c.trim_end_matches(".0").to_string()).collect::<Vec<_>>();
    assert_eq!(rows.iter().map(normalise).collect::<Vec<_>>(), csv_rows.iter().map(normalise).collect::<Vec<_>>());
    // Ranks are ordered, and ties share a rank; a county not graded on its data (高平市: fewer than half the points
    // have data) has none, and comes last.
    let ranks: Vec<Option<i64>> = csv_rows.iter().map(|r| r[0].parse().ok()).collect();
    let ranked: Vec<i64> = ranks.iter().map_while(|r| *r).collect();
    assert!(ranked.windows(2).all(|w| w[0] <= w[1]) && ranked[0] == 1);
    assert!(ranks[ranked.len()..].iter().all(Option::is_none), "{ranks:?}");
}

#[test]
fn within_a_province_ranks_start_again() {
    let wd = loaded();
    let out = wd.ok(&["rank", "--scheme", &national(), "--year", "2021", "--within", "province", "--format", "csv", "--no-store"]);
    let firsts = out.lines().skip(1).filter(|l| l.starts_with("1,")).count();
    assert!(firsts >= 3, "one first place per province: {out}");
}

#[test]
fn evaluation_rows_explain_and_reported_verdicts_carry_their_evidence() {
    let wd = loaded();
    let out = wd.ok(&["evaluate", "--scheme", &national(), "--year", "2021", "--county", "140581", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let point = |id: &str| rows.as_array().unwrap().iter().find(|r| r["point_id"] == id).unwrap().clone();
    assert_eq!(point("A1.1")["status"], "met");
    assert_eq!(point("A1.1")["earned"], 6.0);
    assert!(point("D2.2")["explanation"].as_str().unwrap().contains("县报已达到（《高平市义务教育阶段学校布局优化方案（2021-2023）》"));
    assert_eq!(point("A3.1")["status"], "missing", "高平 reported no pay figures");
    assert!(point("A3.1")["explanation"].as_str().unwrap().ends_with("缺少数据（待填报）"));
    assert_eq!(wd.count("SELECT count(*) FROM evaluation_summary WHERE year = 2021"), 25);
}

#[test]
fn a_derived_indicator_is_evaluated_by_duckdb() {
    let wd = loaded();
    let template = repo("criteria/template.toml").to_string_lossy().into_owned();
    let out = wd.ok(&["evaluate", "--scheme", &template, "--year", "2021", "--county", "140121", "--format", "json", "--no-store"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let derived = rows.as_array().unwrap().iter().find(|r| r["point_id"] == "1.1.2").unwrap();
    let expected = wd.sql(
        "SELECT max(value) FILTER (WHERE indicator = 'edu_budget_expenditure') / max(value) FILTER (WHERE indicator = 'edu_budget_students')
         FROM county_indicators WHERE county_code = '140121' AND year = 2021",
    )[0][0]
        .parse::<f64>()
        .unwrap();
    assert!((derived["value"].as_f64().unwrap() - expected).abs() < 1e-9 * expected);
}

#[test]
fn broken_schemes_and_wrong_years_are_usage_errors() {
    let wd = loaded();
    let text = std::fs::read_to_string(repo("criteria/national.toml")).unwrap().replace("metric = \"check:teacher_pay\"", "metric = \"check:teacher_bonus\"");
    std::fs::write(wd.path("broken.toml"), &text).unwrap();
    let line = text.lines().position(|l| l.contains("teacher_bonus")).unwrap() + 1;
    let err = wd.fails(2, &["evaluate", "--scheme", "broken.toml", "--year", "2021"]);
    assert!(err.contains(&format!("broken.toml:{line}: point A3.1: check \"teacher_bonus\"")), "{err}");
    let err = wd.fails(2, &["rank", "--scheme", &national(), "--year", "2040"]);
    assert!(err.contains("applies to 2015–2030, not 2040"), "{err}");
}

#[test]
fn a_school_level_derived_indicator_gets_the_same_cv_as_its_built_in_twin() {
    let wd = loaded();
    let scheme = r#"
[scheme]
name = "twin"
version = "1"
years = [2019, 2023]
total_points = 2
grades = [{ name = "合格", min = 0 }]

[[derived]]
id = "computers_again"
title_zh = "每百名学生拥有计算机台数（方案自定义）"
level = "school"
sql = "100 * computers / students"

[[area]]
id = "A"
title_zh = "甲"
[[area.key_point]]
id = "A1"
title_zh = "甲一"
[[area.key_point.point]]
id = "built_in"
title_zh = "内置"
points = 1
metric = "cv:basic:junior:computers_per_100"
op = "<="
threshold = 1
[[area.key_point.point]]
id = "derived"
title_zh = "自定义"
points = 1
metric = "derived_cv:computers_again:junior"
op = "<="
threshold = 1
"#;
    std::fs::write(wd.path("twin.toml"), scheme).unwrap();
    let out = wd.ok(&["evaluate", "--scheme", "twin.toml", "--year", "2022", "--format", "json", "--no-store"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = rows.as_array().unwrap();
    let mut compared = 0;
    for county in rows.iter().filter(|r| r["point_id"] == "built_in") {
        let twin = rows.iter().find(|r| r["point_id"] == "derived" && r["county_code"] == county["county_code"]).unwrap();
        match (county["value"].as_f64(), twin["value"].as_f64()) {
            (Some(a), Some(b)) => {
                assert!((a - b).abs() < 1e-9, "{county} vs {twin}");
                compared += 1;
            }
            (a, b) => assert_eq!(a, b),
        }
    }
    assert_eq!(compared, 24);
    assert!(rows.iter().any(|r| r["explanation"].as_str().unwrap().starts_with("初中 每百名学生拥有计算机台数（方案自定义） 差异系数")));
}
