//! The national measures exactly and a province's rules everywhere (issue 10), through the real binary: rules
//! folders, the school items of 政府保障程度, county-reported CVs, and the recognitions held as data.

mod workdir;

use workdir::{Workdir, repo};

fn loaded() -> Workdir {
    Workdir::loaded(&["sample", "gaoping"])
}

fn criteria(name: &str) -> String {
    repo("criteria").join(name).to_string_lossy().into_owned()
}

fn shanxi() -> String {
    repo("config/provinces/140000").to_string_lossy().into_owned()
}

fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    rdr.records().map(|r| headers.iter().map(String::from).zip(r.unwrap().iter().map(String::from)).collect()).collect()
}

#[test]
fn gaoping_2021_meets_shanxis_floors_under_shanxis_rules() {
    let wd = loaded();
    let out = wd.ok(&["growth", "--checks", "--county", "140581", "--year", "2021", "--rules", &shanxi(), "--format", "csv", "--no-store"]);
    let rows = csv_rows(&out);
    let check = |id: &str| rows.iter().find(|r| r["check"] == id).unwrap_or_else(|| panic!("{id}: {out}")).clone();
    for (id, floor) in [("public_funds_primary", "930.0"), ("public_funds_junior", "1180.0"), ("public_funds_special", "6000.0")] {
        let r = check(id);
        assert_eq!((r["value"].as_str(), r["reference"].as_str(), r["passed"].as_str()), (floor, floor, "true"), "{id}: {r:?}");
        assert!(r["detail"].contains("山西省 2021"), "{r:?}");
    }
    // By default too (issue 31: a county is judged by its own province's floors); under the national rules alone the
    // floors are the national ones.
    let default = csv_rows(&wd.ok(&["growth", "--checks", "--county", "140581", "--year", "2021", "--format", "csv", "--no-store"]));
    assert_eq!(default.iter().find(|r| r["check"] == "public_funds_primary").unwrap()["reference"], "930.0");
    let national = csv_rows(&wd.ok(&["growth", "--checks", "--county", "140581", "--year", "2021", "--format", "csv", "--no-store", "--rules", &repo("config/national").to_string_lossy()]));
    assert_eq!(national.iter().find(|r| r["check"] == "public_funds_primary").unwrap()["reference"], "650.0");
}

#[test]
fn gaoping_2020_reported_quality_cvs_give_not_met_with_both_in_the_gap_list() {
    let wd = loaded();
    let out = wd.ok(&[
        "evaluate", "--scheme", &criteria("quality_balance_2017.toml"), "--year", "2020", "--county", "140581", "--summary",
        "--format", "json", "--no-store",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let s = &rows[0];
    assert_eq!(s["grade"], "未达到");
    let gaps = s["gap_list"].as_str().unwrap();
    assert!(gaps.contains("R1.1 小学") && gaps.contains("0.69，超出 0.50 限值 0.19（县报）"), "{gaps}");
    assert!(gaps.contains("R2.1 初中") && gaps.contains("0.51，超出 0.45 限值 0.06（县报）"), "{gaps}");
    assert!(gaps.contains("待填报"), "items without data are listed as 待填报: {gaps}");
}

/// The 优质均衡 summaries of one year, and the balance verdicts of the same warehouse.
fn quality_and_verdicts(wd: &Workdir, year: &str) -> (Vec<std::collections::HashMap<String, String>>, Vec<std::collections::HashMap<String, String>>) {
    let rows = csv_rows(&wd.ok(&["evaluate", "--scheme", &criteria("quality_balance_2017.toml"), "--year", year, "--format", "csv", "--no-store"]));
    let verdicts = csv_rows(&wd.ok(&["balance", "--verdicts", "--standard", "quality", "--year", year, "--format", "csv", "--no-store"]));
    (rows, verdicts)
}

#[test]
fn the_resource_allocation_verdicts_of_the_recognition_agree_with_balance_on_the_sample() {
    let wd = loaded();
    for year in ["2019", "2023"] {
        let (rows, verdicts) = quality_and_verdicts(&wd, year);
        let mut compared = 0;
        for v in &verdicts {
            let prefix = if v["level"] == "primary" { "R1" } else { "R2" };
            let items: Vec<&std::collections::HashMap<String, String>> =
                rows.iter().filter(|r| r["county_code"] == v["county_code"] && r["point_id"].starts_with(prefix)).collect();
            assert_eq!(items.len(), 2, "{v:?}");
            let met = items.iter().all(|r| r["status"] == "met");
            assert_eq!(met, v["met"] == "true", "{year} {} {}: scheme {items:?} vs balance {v:?}", v["county_code"], v["level"]);
            compared += 1;
        }
        assert_eq!(compared, 24 * 2);
    }
    // The count of counties that reach 优质均衡 in 2023: the two model counties of the sample; the two near misses
    // fail one item each.
    let summary = csv_rows(&wd.ok(&[
        "evaluate", "--scheme", &criteria("quality_balance_2017.toml"), "--year", "2023", "--summary", "--format", "csv", "--no-store",
    ]));
    let met: Vec<&str> = summary.iter().filter(|r| r["grade"] == "达到").map(|r| r["county_code"].as_str()).collect();
    assert_eq!(met, ["140122", "140126"]);
    let near: Vec<&str> = summary
        .iter()
        .filter(|r| r["grade"] == "未达到" && r["failed_points"] == "1" && r["missing_points"] == "0")
        .map(|r| r["county_code"].as_str())
        .collect();
    assert_eq!(near, ["330123", "330127"]);
    assert!(summary.iter().find(|r| r["county_code"] == "330123").unwrap()["gap_list"].starts_with("S1.1 社会认可度 84.20，低于 85"));
}

#[test]
fn every_recognition_verdict_occurs_both_ways_on_the_sample() {
    let wd = loaded();
    for scheme in ["quality_balance_2017.toml", "basic_balance_2012.toml", "preschool_2020.toml"] {
        let summary = csv_rows(&wd.ok(&["evaluate", "--scheme", &criteria(scheme), "--year", "2023", "--summary", "--format", "csv", "--no-store"]));
        for grade in ["达到", "未达到"] {
            assert!(summary.iter().any(|r| r["grade"] == grade), "{scheme}: no county {grade}");
        }
    }
    // Each item of 优质均衡 is met somewhere and missed somewhere across the years of the sample.
    let mut status: std::collections::HashMap<String, std::collections::HashSet<String>> = Default::default();
    for year in ["2017", "2019", "2021", "2023"] {
        for r in csv_rows(&wd.ok(&["evaluate", "--scheme", &criteria("quality_balance_2017.toml"), "--year", year, "--format", "csv", "--no-store"])) {
            status.entry(r["point_id"].clone()).or_default().insert(r["status"].clone());
        }
    }
    for (point, seen) in &status {
        assert!(seen.contains("met") && (seen.contains("failed") || seen.contains("missing")), "{point}: {seen:?}");
    }
}

#[test]
fn one_value_in_a_province_folder_changes_balance_evaluate_and_rank_alike() {
    let wd = loaded();
    std::fs::create_dir(wd.path("strict")).unwrap();
    std::fs::write(wd.path("strict/balance.toml"), "[quality.cv_max]\nprimary = 0.05\n").unwrap();
    let quality_met = |extra: &[&str]| {
        let mut args = vec!["balance", "--verdicts", "--standard", "quality", "--level", "primary", "--year", "2023", "--format", "csv", "--no-store"];
        args.extend_from_slice(extra);
        csv_rows(&wd.ok(&args)).iter().filter(|r| r["met"] == "true").count()
    };
    assert_eq!(quality_met(&[]), 4);
    assert_eq!(quality_met(&["--rules", "strict"]), 0);
    let quality = criteria("quality_balance_2017.toml");
    let reached = |extra: &[&str]| {
        let mut args = vec!["evaluate", "--scheme", quality.as_str(), "--year", "2023", "--summary", "--format", "csv", "--no-store"];
        args.extend_from_slice(extra);
        csv_rows(&wd.ok(&args)).iter().filter(|r| r["grade"] == "达到").count()
    };
    assert_eq!(reached(&[]), 2);
    assert_eq!(reached(&["--rules", "strict"]), 0);
    let national = criteria("national.toml");
    let total = |extra: &[&str]| {
        let mut args = vec!["rank", "--scheme", national.as_str(), "--year", "2023", "--format", "csv", "--no-store"];
        args.extend_from_slice(extra);
        csv_rows(&wd.ok(&args)).iter().find(|r| r["county_code"] == "140122").unwrap()["total"].clone()
    };
    assert_ne!(total(&[]), total(&["--rules", "strict"]), "the national scheme takes its CV limits from the rules");
    // Every stored row records the rules it was computed under.
    wd.ok(&["balance", "--rules", "strict", "--format", "csv"]);
    assert_eq!(wd.sql("SELECT DISTINCT rules FROM balance_cv"), vec![vec!["strict"]]);
    wd.ok(&["balance", "--format", "csv"]);
    assert_eq!(wd.sql("SELECT DISTINCT rules FROM balance_verdicts"), vec![vec!["national+provinces"]]);
    assert_eq!(wd.count("SELECT count(DISTINCT rules_hash) FROM school_checks"), 1);
}

#[test]
fn a_scheme_names_its_rules_and_other_rules_are_refused_not_mixed() {
    let wd = loaded();
    let text = std::fs::read_to_string(criteria("national.toml")).unwrap();
    let named = text.replacen("province = \"national\"", "province = \"140000\"\nrules = \"provinces/140000\"", 1);
    std::fs::write(wd.path("shanxi.toml"), named).unwrap();
    let out = wd.ok(&["evaluate", "--scheme", "shanxi.toml", "--year", "2021", "--county", "140581", "--format", "csv", "--no-store"]);
    let a21 = csv_rows(&out).into_iter().find(|r| r["point_id"] == "A2.1").unwrap();
    assert!(a21["explanation"].contains("达到"), "930 ≥ 930 under the scheme's own rules: {a21:?}");
    std::fs::create_dir(wd.path("other")).unwrap();
    std::fs::write(wd.path("other/funding.toml"), "per_student_basis = \"computed\"\n").unwrap();
    let err = wd.fails(2, &["evaluate", "--scheme", "shanxi.toml", "--year", "2021", "--rules", "other"]);
    assert!(err.contains("is written for the rules \"provinces/140000\""), "{err}");
}

#[test]
fn the_per_student_basis_is_one_rule_for_growth_and_evaluate() {
    let wd = loaded();
    std::fs::create_dir(wd.path("computed")).unwrap();
    std::fs::write(wd.path("computed/funding.toml"), "per_student_basis = \"computed\"\n").unwrap();
    for rules in [None, Some("computed")] {
        let mut args = vec!["growth", "--checks", "--year", "2021", "--format", "csv", "--no-store"];
        if let Some(r) = rules {
            args.extend(["--rules", r]);
        }
        let rows = csv_rows(&wd.ok(&args));
        // Under the reported basis a county-year without reported figures is judged on spending ÷ pupils in both
        // years, and says so; a reported figure is never compared with a computed one.
        for r in rows.iter().filter(|r| r["check"] == "per_student_not_decreasing") {
            match rules {
                Some(_) => assert_eq!(r["basis"], "computed"),
                None => assert!(r["basis"] == "reported" || (r["basis"] == "computed" && r["detail"].contains("as the county does not report it")), "{r:?}"),
            }
        }
    }
    let err = wd.fails(2, &["growth", "--per-student", "computed"]);
    assert!(err.contains("per_student_basis"), "{err}");
}

/// A schools file of the test county with the per-level class sizes and the funding columns, Chinese headers.
fn checks_file(wd: &Workdir) {
    let text = std::fs::read_to_string(repo("tests/data/good/new_county_schools.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let mut out = vec![format!("{header},小学最大班额,初中最大班额,寄宿生数,公用经费实际拨付额")];
    // A nine-year school with per-level figures within 45 / 50, one with only a school-wide 48 (judged at 45),
    // and a 40-pupil teaching point funded for 100 pupils (60,000 元 at 600 元... and 650 from 2017: 65,000).
    // (The nine-year schools' 300 junior pupils sit in 7 classes.)
    let nine_year = |id: &str| row.replacen("N0001", id, 1).replacen(",primary,", ",nine_year,", 1).replacen(",420,0,0,11,0,", ",420,300,0,11,7,", 1);
    out.push(nine_year("C1") + ",44,49,0,800000");
    out.push(nine_year("C2").replacen(",44,", ",48,", 1) + ",,,0,800000");
    out.push(row.replacen("N0001", "C3", 1).replacen(",primary,", ",teaching_point,", 1).replacen(",420,0,0,", ",40,0,0,", 1) + ",,,0,64999");
    std::fs::write(wd.path("checks.csv"), out.join("\n") + "\n").unwrap();
}

#[test]
fn school_checks_judge_class_size_per_level_and_fund_small_schools_as_100() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("tests/data/good/new_county.csv").to_string_lossy()]);
    checks_file(&wd);
    wd.ok(&["ingest", "checks.csv"]);
    let rows = csv_rows(&wd.ok(&["balance", "--checks", "--format", "csv"]));
    let get = |id: &str, c: &str| rows.iter().find(|r| r["school_id"] == id).unwrap()[c].clone();
    assert_eq!((get("C1", "class_size_ok").as_str(), get("C1", "class_size_basis").as_str()), ("true", "per level"));
    assert_eq!(
        (get("C2", "class_size_ok").as_str(), get("C2", "class_size_basis").as_str()),
        ("false", "school-wide, judged at the primary limit")
    );
    assert_eq!(get("C3", "public_funds_required"), "93000.0", "40 pupils funded as 100 at Shanxi's 2024 floor of 930 元 (140199 is a Shanxi county)");
    assert_eq!(get("C3", "public_funds_ok"), "false");
    assert_eq!(wd.count("SELECT count(*) FROM school_checks"), 3, "stored with the other balance tables");
}

#[test]
fn indoor_sports_rooms_move_to_the_sports_area_under_a_provinces_switch() {
    let wd = loaded();
    std::fs::create_dir(wd.path("platform")).unwrap();
    std::fs::write(wd.path("platform/balance.toml"), "indoor_sports_rooms_are_sports_space = true\n").unwrap();
    let mean = |rules: &[&str], indicator: &str| {
        let mut args = vec!["balance", "--county", "140121", "--year", "2023", "--level", "primary", "--standard", "quality", "--format", "csv", "--no-store"];
        args.extend_from_slice(rules);
        let rows = csv_rows(&wd.ok(&args));
        rows.iter().find(|r| r["indicator"] == indicator).unwrap()["mean"].parse::<f64>().unwrap()
    };
    let indoor = wd.sql(
        "SELECT sum(indoor_sports_area_m2) / sum(primary_students) FROM schools
         WHERE county_code = '140121' AND year = 2023 AND school_type = 'primary' AND indoor_sports_area_m2 IS NOT NULL",
    );
    assert!(indoor[0][0].parse::<f64>().unwrap() > 0.0, "the sample has indoor sports rooms there");
    let (t0, t1) = (mean(&[], "teach_area_per_student"), mean(&["--rules", "platform"], "teach_area_per_student"));
    let (s0, s1) = (mean(&[], "sports_area_per_student"), mean(&["--rules", "platform"], "sports_area_per_student"));
    assert!(t1 < t0 && s1 > s0, "teaching {t0} → {t1}, sports {s0} → {s1}");
    // Nothing is lost or counted twice: the county's total area per pupil is the same either way.
    assert!(((t0 + s0) - (t1 + s1)).abs() < 1e-9 * (t0 + s0), "{t0}+{s0} vs {t1}+{s1}");
}

#[test]
fn a_warehouse_of_schema_version_1_is_brought_up_to_date() {
    let wd = Workdir::loaded(&["gaoping"]);
    {
        let conn = duckdb::Connection::open(wd.db()).unwrap();
        conn.execute_batch(
            "ALTER TABLE schools DROP COLUMN primary_max_class_size; ALTER TABLE schools DROP COLUMN junior_max_class_size;
             ALTER TABLE schools DROP COLUMN boarders; ALTER TABLE schools DROP COLUMN public_funds_received_yuan;
             UPDATE countyedu_meta SET value = '1' WHERE key = 'schema_version';",
        )
        .unwrap();
    }
    let out = wd.run(&["sql", "--format", "csv", "SELECT count(*) FROM schools"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("from schema version 1 to 2"));
    assert_eq!(wd.sql("SELECT value FROM countyedu_meta WHERE key = 'schema_version'"), vec![vec!["2"]]);
    assert_eq!(wd.count("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'schools' AND column_name = 'boarders'"), 1);
    // A load into the brought-up warehouse fills the added columns as a load into a new one does.
    wd.ok(&["ingest", &repo("datasets/sample").to_string_lossy()]);
    let columns = countyedu::model::Table::Schools.columns().iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
    let all = format!("SELECT {columns} FROM schools ORDER BY year, school_id");
    let fresh = Workdir::loaded(&["gaoping", "sample"]);
    assert_eq!(wd.sql(&all), fresh.sql(&all));
    assert!(wd.count("SELECT count(*) FROM schools WHERE boarders IS NOT NULL AND primary_max_class_size IS NOT NULL") > 0);
}

#[test]
fn the_demo_shows_a_county_reaching_quality_balance_and_one_missing_it_by_one_item() {
    let wd = Workdir::new();
    let out = wd.ok(&["demo", "--out-dir", "out", "--format", "csv"]);
    let quality = out.split("county_code,county_name,grade,差距清单\n").nth(1).expect("the 优质均衡 table");
    assert!(quality.lines().any(|l| l.contains(",达到,")), "{quality}");
    assert!(quality.lines().any(|l| l.contains(",未达到,S1.1 社会认可度 84.20，低于 85，差 0.80")), "{quality}");
}

#[test]
fn the_sample_is_as_datasets_readme_says() {
    let wd = loaded();
    let doc = std::fs::read_to_string(repo("datasets/README.md")).unwrap();
    let n = wd.count("SELECT count(*) FROM schools");
    assert!(doc.contains(&format!("2016–2023 ({} school-years", countyedu::cmd::thousands(n))), "datasets/README.md states {n}");
    // 2016 is judged against the regional floors of that year: 600 元 for a central province's primary schools.
    let rows = csv_rows(&wd.ok(&["growth", "--checks", "--county", "140121", "--year", "2016", "--format", "csv", "--no-store"]));
    assert_eq!(rows.iter().find(|r| r["check"] == "public_funds_primary").unwrap()["reference"], "600.0");
    let rows = csv_rows(&wd.ok(&["growth", "--checks", "--county", "330121", "--year", "2016", "--format", "csv", "--no-store"]));
    assert_eq!(rows.iter().find(|r| r["check"] == "public_funds_primary").unwrap()["reference"], "650.0", "east");
}
