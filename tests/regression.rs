//! Regression tests, one per defect a new user found, named after the issue and item (issue 17: nothing lost,
//! nothing silently wrong). Each reproduces the defect through the real binary and fails without its fix.

mod workdir;

use workdir::{Workdir, repo};

fn sample() -> String {
    repo("datasets/sample").to_string_lossy().into_owned()
}

fn national() -> String {
    repo("criteria/national.toml").to_string_lossy().into_owned()
}

/// The bytes of a file, to show it was not touched.
fn bytes(wd: &Workdir, name: &str) -> Vec<u8> {
    std::fs::read(wd.path(name)).unwrap()
}

/// A DuckDB file that is not a countyedu warehouse.
fn foreign_duckdb(wd: &Workdir, name: &str, with_schools: bool) {
    let conn = duckdb::Connection::open(wd.path(name)).unwrap();
    conn.execute_batch("CREATE TABLE mine (a INTEGER); INSERT INTO mine VALUES (42);").unwrap();
    if with_schools {
        conn.execute_batch("CREATE TABLE schools (x VARCHAR);").unwrap();
    }
}

#[test]
fn issue17_01_demo_replaces_only_a_warehouse_it_created() {
    let wd = Workdir::loaded(&["sample"]);
    let before = wd.checksum();
    let err = wd.fails(2, &["demo", "--db", "w.duckdb", "--out-dir", "out"]);
    assert!(err.contains("the demo replaces only a warehouse it created itself"), "{err}");
    assert_eq!(wd.checksum(), before, "the user's warehouse is untouched");
    std::fs::write(wd.path("notes.duckdb"), "my notes").unwrap();
    wd.fails(2, &["demo", "--db", "notes.duckdb", "--out-dir", "out"]);
    assert_eq!(bytes(&wd, "notes.duckdb"), b"my notes");
    // A demo warehouse is replaced by the next demo.
    wd.ok(&["demo", "--db", "demo.duckdb", "--out-dir", "out"]);
    wd.ok(&["demo", "--db", "demo.duckdb", "--out-dir", "out"]);
}

#[test]
fn issue17_02_export_never_deletes_files_it_did_not_write() {
    let wd = Workdir::loaded(&["sample"]);
    std::fs::create_dir_all(wd.path("dir/schools")).unwrap();
    std::fs::write(wd.path("dir/schools/my_input.csv"), "mine").unwrap();
    let err = wd.fails(2, &["export", "--to", "dir"]);
    assert!(err.contains("not empty and holds no earlier export"), "{err}");
    assert_eq!(bytes(&wd, "dir/schools/my_input.csv"), b"mine");
    // `--to .` beside the input folder is refused the same way.
    wd.fails(2, &["export", "--to", "."]);
    assert!(wd.path("dir/schools/my_input.csv").exists());
    // An earlier export is replaced file by file; a file the user added to it stays.
    wd.ok(&["export", "--to", "ex"]);
    std::fs::write(wd.path("ex/my_notes.txt"), "notes").unwrap();
    std::fs::write(wd.path("ex/schools/mine.txt"), "mine").unwrap();
    wd.ok(&["export", "--to", "ex"]);
    assert_eq!(bytes(&wd, "ex/my_notes.txt"), b"notes");
    assert_eq!(bytes(&wd, "ex/schools/mine.txt"), b"mine");
    assert!(wd.path("ex/schools/year=2021").is_dir());
    assert!(wd.path("ex/countyedu-export.json").is_file());
}

#[test]
fn issue17_03_ingest_never_writes_into_another_duckdb_file() {
    let wd = Workdir::new();
    foreign_duckdb(&wd, "other.duckdb", false);
    foreign_duckdb(&wd, "with_schools.duckdb", true);
    for db in ["other.duckdb", "with_schools.duckdb"] {
        let before = bytes(&wd, db);
        let err = wd.fails(5, &["ingest", "--db", db, &sample()]);
        assert!(err.contains("not a countyedu warehouse"), "{db}: {err}");
        assert_eq!(bytes(&wd, db), before, "{db} is unchanged");
    }
}

#[test]
fn issue17_04_only_ingest_and_demo_create_a_warehouse() {
    let wd = Workdir::loaded(&["sample"]);
    let scheme = national();
    let commands: &[&[&str]] = &[
        &["balance"],
        &["equity"],
        &["urban-rural"],
        &["growth"],
        &["rank", "--scheme", &scheme, "--year", "2021"],
        &["evaluate", "--scheme", &scheme, "--year", "2021"],
        &["sql", "--write", "SELECT 1"],
        &["sql", "SELECT 1"],
        &["query", "schools_per_year"],
        &["export", "--to", "ex"],
    ];
    for args in commands {
        let mut with_db = args.to_vec();
        with_db.extend(["--db", "typo.duckdb"]);
        let err = wd.fails(5, &with_db);
        assert!(err.contains("typo.duckdb") && err.contains("no warehouse here"), "{args:?}: {err}");
        assert!(!wd.path("typo.duckdb").exists(), "{args:?} created a warehouse");
    }
}

#[test]
fn issue17_05_a_unit_in_the_value_header_of_county_indicators_converts_or_is_refused() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("datasets/gaoping/counties.csv").to_string_lossy()]);
    std::fs::write(wd.path("wan.csv"), "年份,县区代码,指标,数值（万元）\n2021,140581,edu_budget_expenditure,70000\n").unwrap();
    wd.ok(&["ingest", "wan.csv"]);
    assert_eq!(wd.sql("SELECT value, unit FROM county_indicators"), vec![vec!["700000000.0", "元"]]);
    // An indicator named in Chinese, its unit in the cell, beside rows already in the canonical form: each row is
    // stored with the id, its value in the canonical unit and that unit.
    std::fs::write(
        wd.path("named.csv"),
        "年份,县区代码,指标,数值,单位\n2022,140581,一般公共预算教育支出,7,万元\n2022,140581,edu_budget_students,100,人\n",
    )
    .unwrap();
    wd.ok(&["ingest", "named.csv"]);
    assert_eq!(
        wd.sql("SELECT indicator, value, unit FROM county_indicators WHERE year = 2022 ORDER BY indicator"),
        vec![vec!["edu_budget_expenditure", "70000.0", "元"], vec!["edu_budget_students", "100.0", "人"]]
    );
    std::fs::write(wd.path("jin.csv"), "year,county_code,indicator,value (斤)\n2021,140581,edu_budget_expenditure,7\n").unwrap();
    let err = wd.fails(3, &["ingest", "jin.csv"]);
    assert!(err.contains("jin.csv:1:4: column \"value (斤)\" value \"斤\": expected a unit countyedu knows"), "{err}");
    // A unit cell that contradicts the header is refused with its line.
    std::fs::write(wd.path("both.csv"), "年份,县区代码,指标,数值（万元）,单位\n2021,140581,edu_budget_expenditure,7,元\n").unwrap();
    let err = wd.fails(3, &["ingest", "both.csv"]);
    assert!(err.contains("both.csv:2:5: column \"单位\" value \"元\": expected the unit the value header names (万元)"), "{err}");
}

/// A school file of one county-year, built from the first sample school's columns.
fn school_file(wd: &Workdir, name: &str, rows: &[(&str, &str, &str)]) {
    let text = std::fs::read_to_string(repo("tests/data/good/new_county_schools.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let template: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut out = vec![header.to_string()];
    for (id, primary, junior) in rows {
        let mut cells: Vec<String> = template.iter().map(|s| s.to_string()).collect();
        cells[2] = id.to_string();
        cells[6] = primary.to_string();
        cells[7] = junior.to_string();
        // Classes in step with the pupils (at most 40 a class): a school of 3,000 pupils in the template's 11
        // classes is refused as impossible.
        for (at, pupils) in [(9, primary), (10, junior)] {
            if let Ok(n) = pupils.parse::<f64>() {
                cells[at] = format!("{}", (n / 40.0).ceil());
            }
        }
        out.push(cells.join(","));
    }
    std::fs::write(wd.path(name), out.join("\n") + "\n").unwrap();
}

#[test]
fn issue17_06_a_school_of_unknown_size_is_not_within_the_size_limit() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("tests/data/good/new_county.csv").to_string_lossy()]);
    school_file(&wd, "s.csv", &[("N1", "3000", "0"), ("N2", "", ""), ("N3", "", "")]);
    wd.ok(&["ingest", "s.csv"]);
    let scheme = "[scheme]\nname = \"size\"\nversion = \"1\"\nyears = [2024, 2024]\ntotal_points = 1\ngrades = [{ name = \"合格\", min = 0 }]\n\
                  [[area]]\nid = \"A\"\ntitle_zh = \"甲\"\n[[area.key_point]]\nid = \"A1\"\ntitle_zh = \"甲一\"\n\
                  [[area.key_point.point]]\nid = \"size\"\ntitle_zh = \"规模\"\npoints = 1\nmetric = \"school_rate:school_size\"\nthreshold = 100\n";
    std::fs::write(wd.path("size.toml"), scheme).unwrap();
    let out = wd.ok(&["evaluate", "--scheme", "size.toml", "--year", "2024", "--format", "json", "--no-store"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["value"], 0.0, "{out}");
    assert!(rows[0]["explanation"].as_str().unwrap().contains("2 所学校未报在校生数，未计入"), "{out}");
}

#[test]
fn issue17_07_json_keeps_columns_with_the_same_name_in_order() {
    let wd = Workdir::loaded(&["gaoping"]);
    let out = wd.ok(&["sql", "--format", "json", "SELECT 1 AS value, 2 AS value, 'x' AS a"]);
    assert_eq!(out, "[\n{\"value\":1,\"value_1\":2,\"a\":\"x\"}]\n");
}

#[test]
fn issue17_08_replacing_a_county_year_removes_its_stored_metrics() {
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["balance", "--format", "csv"]);
    let county = "140121";
    let top_args = ["query", "cv_top_schools", "--param", "county_code=140121", "--param", "year=2021", "--param", "level=primary", "--format", "csv"];
    let top = wd.ok(&top_args);
    let school = top.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    // Re-load the county-year without that school.
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2021.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let kept: Vec<&str> = lines.filter(|l| l.split(',').nth(1) == Some(county) && l.split(',').nth(2) != Some(school.as_str())).collect();
    std::fs::write(wd.path("again.csv"), format!("{header}\n{}\n", kept.join("\n"))).unwrap();
    let out = wd.run(&["ingest", "again.csv"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stored metric row(s) computed from the replaced data") && stderr.contains("countyedu balance"), "{stderr}");
    assert_eq!(wd.count(&format!("SELECT count(*) FROM balance_schools WHERE county_code = '{county}' AND year = 2021")), 0);
    assert_eq!(wd.count(&format!("SELECT count(*) FROM balance_cv WHERE county_code = '{county}' AND year = 2021")), 0);
    assert!(wd.count(&format!("SELECT count(*) FROM balance_cv WHERE county_code = '{county}' AND year = 2022")) > 0, "other years stay");
    let top = wd.ok(&top_args);
    assert!(!top.contains(&school), "{top}");
    // A county-year deleted with sql --write leaves no stored rows behind, and balance --county recomputes only it.
    wd.ok(&["balance", "--county", county, "--format", "csv"]);
    wd.ok(&["sql", "--write", &format!("DELETE FROM schools WHERE county_code = '{county}' AND year = 2023")]);
    assert_eq!(wd.count(&format!("SELECT count(*) FROM balance_cv WHERE county_code = '{county}' AND year = 2023")), 0);
    wd.ok(&["balance", "--county", county, "--format", "csv"]);
    assert_eq!(wd.count(&format!("SELECT count(*) FROM balance_verdicts WHERE county_code = '{county}' AND year = 2023")), 0);
    assert!(wd.count(&format!("SELECT count(*) FROM balance_verdicts WHERE county_code = '{county}' AND year = 2021")) > 0);
}

#[test]
fn issue17_09_two_schemes_keep_their_own_stored_evaluations() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let other = std::fs::read_to_string(national()).unwrap().replacen("name = \"国家标准观测点（countyedu）\"", "name = \"另一方案\"", 1);
    std::fs::write(wd.path("other.toml"), other).unwrap();
    wd.ok(&["evaluate", "--scheme", &national(), "--year", "2021", "--format", "csv"]);
    wd.ok(&["evaluate", "--scheme", "other.toml", "--year", "2021", "--format", "csv"]);
    assert_eq!(wd.count("SELECT count(DISTINCT scheme) FROM evaluation_summary WHERE year = 2021"), 2);
    assert_eq!(wd.count("SELECT count(*) FROM evaluation_summary WHERE year = 2021"), 50);
}

#[test]
fn issue17_10_a_year_without_data_is_refused_and_a_county_without_data_is_not_graded() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let err = wd.fails(2, &["rank", "--scheme", &national(), "--year", "2027"]);
    assert!(err.contains("no school or county indicator for 2027"), "{err}");
    // 高平市 has indicators for 2020 and 2021 only; the sample has data for 2022: 高平 is listed, not graded.
    let out = wd.ok(&["rank", "--scheme", &national(), "--year", "2022", "--format", "csv", "--no-store"]);
    let gaoping = out.lines().find(|l| l.contains("140581")).unwrap();
    assert!(gaoping.starts_with(",2022,"), "no rank: {gaoping}");
    assert!(gaoping.contains("无数据"), "{gaoping}");
    assert!(!gaoping.contains("不合格"), "{gaoping}");
    assert_eq!(out.lines().last().unwrap(), gaoping, "listed last");
}

#[test]
fn issue17_11_crosswalks_with_cycles_forks_or_unknown_codes_are_refused_with_their_line() {
    let wd = Workdir::loaded(&["sample"]);
    for (text, line, says) in [
        ("old_code,new_code,year\n140121,140122,2020\n140122,140121,2021\n", 2, "cycle: 140121 → 140122 → 140121"),
        ("old_code,new_code,year\n140199,140121,2020\n140199,140122,2021\n", 3, "already re-coded on line 2"),
        ("old_code,new_code,year\n140199,149999,2020\n", 2, "149999 is not a county of the warehouse"),
    ] {
        std::fs::write(wd.path("cw.csv"), text).unwrap();
        let err = wd.fails(2, &["growth", "--no-store", "--crosswalk", "cw.csv"]);
        assert!(err.contains(&format!("cw.csv:{line}: ")) && err.contains(says), "{err}");
    }
}

#[test]
fn issue17_12_implausible_county_indicators_are_refused() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("datasets/gaoping/counties.csv").to_string_lossy()]);
    std::fs::write(
        wd.path("ind.csv"),
        "year,county_code,indicator,value\n2021,140581,social_recognition_rate,0.98\n2021,140581,public_kindergarten_share,980\n2021,140581,school_charter,7\n",
    )
    .unwrap();
    let err = wd.fails(3, &["ingest", "ind.csv"]);
    assert!(err.contains("ind.csv:2:4: column \"value\" value \"0.98\": expected a percent for social_recognition_rate") && err.contains("looks like a fraction"), "{err}");
    assert!(err.contains("ind.csv:3:4: column \"value\" value \"980\": expected a value from 0 to 100 % for public_kindergarten_share"), "{err}");
    assert!(err.contains("ind.csv:4:4: column \"value\" value \"7\": expected 1 (yes) or 0 (no) for school_charter"), "{err}");
}

#[test]
fn issue17_13_generate_refuses_counts_that_need_seven_digit_codes() {
    let wd = Workdir::new();
    let err = wd.fails(2, &["generate", "big", "--counties", "30700"]);
    assert!(err.contains("at most 30690"), "{err}");
    assert!(!wd.path("big").exists());
}

#[test]
fn issue17_14_time_zone_aware_timestamps_print_in_every_format() {
    let wd = Workdir::loaded(&["gaoping"]);
    let q = "SELECT TIMESTAMPTZ '2021-06-01 08:00:00+08' AS t, now() IS NOT NULL AS ok";
    assert!(wd.ok(&["sql", q]).contains("2021-06-01T00:00:00Z"));
    assert_eq!(wd.ok(&["sql", "--format", "csv", q]), "t,ok\n2021-06-01T00:00:00Z,true\n");
    assert_eq!(wd.ok(&["sql", "--format", "json", q]), "[\n{\"t\":\"2021-06-01T00:00:00Z\",\"ok\":true}]\n");
    wd.ok(&["sql", "--output", "t.xlsx", q]);
    wd.ok(&["sql", "--output", "t.parquet", q]);
}

/// A one-point scheme over a metric, with optional derived indicators.
fn one_point_scheme(metric: &str, derived: &str, threshold: &str) -> String {
    format!(
        "[scheme]\nname = \"one\"\nversion = \"1\"\nyears = [2019, 2023]\ntotal_points = 1\ngrades = [{{ name = \"合格\", min = 0 }}]\n{derived}\n\
         [[area]]\nid = \"A\"\ntitle_zh = \"甲\"\n[[area.key_point]]\nid = \"A1\"\ntitle_zh = \"甲一\"\n\
         [[area.key_point.point]]\nid = \"p\"\ntitle_zh = \"点\"\npoints = 1\nmetric = \"{metric}\"\n{threshold}\n"
    )
}

#[test]
fn issue17_15_a_derived_indicator_over_an_unreported_catalogued_indicator_is_missing_not_an_error() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let derived = "[[derived]]\nid = \"share\"\ntitle_zh = \"普惠园占比\"\nsql = \"puhui_kindergarten_share / 100\"\n";
    std::fs::write(wd.path("d.toml"), one_point_scheme("derived:share", derived, "threshold = 0.5")).unwrap();
    assert_eq!(
        wd.count("SELECT count(*) FROM county_indicators WHERE indicator = 'puhui_kindergarten_share' AND year = 2022"),
        0,
        "catalogued, reported by none that year"
    );
    let out = wd.ok(&["evaluate", "--scheme", "d.toml", "--year", "2022", "--format", "json", "--no-store"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(rows.as_array().unwrap().iter().all(|r| r["status"] == "missing"), "{out}");
}

#[test]
fn issue17_16_a_typo_in_an_indicator_id_is_warned_about_with_its_line() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let text = one_point_scheme("indicator:preschool_gross_enrolmnt_rate", "", "threshold = 85");
    std::fs::write(wd.path("typo.toml"), &text).unwrap();
    let out = wd.run(&["evaluate", "--scheme", "typo.toml", "--year", "2021", "--no-store", "--format", "csv"]);
    assert!(out.status.success());
    let line = text.lines().position(|l| l == "id = \"p\"").unwrap() + 1;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("typo.toml:{line}: point p: indicator \"preschool_gross_enrolmnt_rate\" is not in the catalogue")), "{stderr}");
    assert!(stderr.contains("did you mean preschool_gross_enrolment_rate?"), "{stderr}");
    // A threshold written as text is refused with its line, in plain words.
    std::fs::write(wd.path("text.toml"), one_point_scheme("indicator:preschool_gross_enrolment_rate", "", "threshold = \"85\"")).unwrap();
    let err = wd.fails(2, &["evaluate", "--scheme", "text.toml", "--year", "2021"]);
    assert!(err.contains("write the number without quotes"), "{err}");
}

#[test]
fn issue17_17_filters_that_match_nothing_and_other_messages_say_what_happened() {
    let wd = Workdir::loaded(&["sample"]);
    let out = wd.run(&["balance", "--no-store", "--county", "999999", "--format", "csv"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: --county 999999 matched no data"));
    let out = wd.run(&["balance", "--no-store", "--year", "2030", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: --year 2030 matched no data"));
    let out = wd.run(&["growth", "--no-store", "--indicator", "nope", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: --indicator nope matched no data"));
    let err = wd.fails(4, &["query", "balance_failing"]);
    assert!(err.contains("run `countyedu balance` first"), "{err}");
    let before = wd.checksum();
    let err = wd.fails(4, &["sql", "--write", "DROP TABLE schools"]);
    assert!(err.contains("countyedu's own tables") && err.contains("cannot be dropped"), "{err}");
    assert_eq!(wd.checksum(), before);
    for bad in ["x.xls", "x.foo"] {
        wd.fails(2, &["sql", "--output", bad, "SELECT 1"]);
        assert!(!wd.path(bad).exists());
    }
    wd.ok(&["sql", "--output", "x.tsv", "SELECT 1 AS a, 2 AS b"]);
    assert_eq!(std::fs::read_to_string(wd.path("x.tsv")).unwrap(), "a\tb\n1\t2\n");
}

#[test]
fn issue17_18_shown_points_add_up_to_the_shown_total() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    wd.ok(&["evaluate", "--scheme", &national(), "--year", "2021", "--format", "csv"]);
    assert_eq!(
        wd.count(
            "SELECT count(*) FROM evaluation_summary s
             JOIN (SELECT county_code, sum(earned) AS earned FROM evaluation WHERE year = 2021 GROUP BY ALL) e USING (county_code)
             WHERE s.year = 2021 AND abs(s.total - round(e.earned, 2)) > 1e-9"
        ),
        0
    );
    let text = wd.ok(&["evaluate", "--scheme", &national(), "--year", "2021", "--summary", "--format", "csv", "--no-store"]);
    assert!(!text.contains("00000000"), "no float noise in shown numbers: {text}");
}

#[test]
fn issue17_19_units_in_the_headers_of_count_columns_convert_or_are_refused() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("tests/data/good/new_county.csv").to_string_lossy()]);
    let text = std::fs::read_to_string(repo("tests/data/good/new_county_schools.csv")).unwrap();
    let with = |from: &str, to: &str| text.replacen(from, to, 1);
    std::fs::write(wd.path("wan.csv"), with("books,", "图书册数（万册）,").replacen(",13000,", ",1.3,", 2)).unwrap();
    wd.ok(&["ingest", "wan.csv"]);
    assert_eq!(wd.sql("SELECT DISTINCT books FROM schools"), vec![vec!["13000"]]);
    for (from, to, says) in [
        ("books,", "图书册数（美元）,", "value \"美元\": expected a unit that converts into 册"),
        ("county_code,", "county_code (万元),", "value \"万元\": expected no unit"),
        ("primary_students,", "小学在校生数（万人）,", "value \"0.04205\": expected a non-negative whole number (in 人 after converting from 万人)"),
    ] {
        // 0.04205 万人 is 420.5 pupils: not whole once converted.
        std::fs::write(wd.path("bad.csv"), with(from, to).replacen(",420,", ",0.04205,", 1)).unwrap();
        let err = wd.fails(3, &["ingest", "bad.csv"]);
        assert!(err.contains(says), "{to}: {err}");
    }
}

#[test]
fn issue17_20_one_run_lists_every_kind_of_problem() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("tests/data/good/new_county.csv").to_string_lossy()]);
    let text = std::fs::read_to_string(repo("tests/data/good/new_county_schools.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[1] = lines[1].replacen(",13000,", ",12k,", 1); // a bad number
    lines[2] = lines[2].replacen("N0002", "N0001", 1); // a duplicate key
    let mut unknown = lines[1].replacen("N0001", "N0003", 1).replacen(",12k,", ",13000,", 1);
    unknown = unknown.replacen("140199", "149999", 1); // an unknown county
    lines.push(unknown);
    std::fs::write(wd.path("three.csv"), lines.join("\n") + "\n").unwrap();
    let err = wd.fails(3, &["ingest", "three.csv"]);
    assert!(err.starts_with("error: input rejected: 3 problems"), "{err}");
    assert!(err.contains("three.csv:2:17: column \"books\" value \"12k\""), "{err}");
    assert!(err.contains("three.csv:3:3: column \"school_id\" value \"2024 / N0001\""), "{err}");
    assert!(err.contains("three.csv:4:2: column \"county_code\" value \"149999\""), "{err}");
}

#[test]
fn issue17_21_nothing_reaches_the_network_install_and_load_are_refused() {
    let wd = Workdir::loaded(&["gaoping"]);
    for sql in ["INSTALL httpfs", "SELECT 1; LOAD httpfs", "FORCE INSTALL spatial"] {
        let err = wd.fails(4, &["sql", sql]);
        assert!(err.contains("is refused: countyedu never installs or loads DuckDB extensions"), "{sql}: {err}");
    }
    let settings = wd.sql(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions') ORDER BY 1",
    );
    assert_eq!(settings, vec![vec!["autoinstall_known_extensions", "false"], vec!["autoload_known_extensions", "false"]]);
}

#[test]
fn issue17_22_demo_takes_its_warehouse_from_countyedu_db() {
    let wd = Workdir::new();
    // The work folder's runs set COUNTYEDU_DB to its warehouse.
    wd.ok(&["demo", "--out-dir", "out"]);
    assert!(wd.db().exists(), "the demo wrote COUNTYEDU_DB");
    assert!(!wd.path("countyedu-demo.duckdb").exists());
}

#[test]
fn issue17_24_a_schemes_province_is_checked_and_limits_the_counties_evaluated() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let shanxi = std::fs::read_to_string(national()).unwrap().replacen("province = \"national\"", "province = \"140000\"", 1);
    std::fs::write(wd.path("shanxi.toml"), &shanxi).unwrap();
    let out = wd.ok(&["rank", "--scheme", "shanxi.toml", "--year", "2021", "--format", "csv", "--no-store"]);
    let codes: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').nth(3).unwrap()).collect();
    assert_eq!(codes.len(), 9, "8 sample counties of 山西 and 高平市: {out}");
    assert!(codes.iter().all(|c| c.starts_with("14")), "{codes:?}");
    let all = wd.ok(&["rank", "--scheme", "shanxi.toml", "--year", "2021", "--format", "csv", "--no-store", "--all-counties"]);
    assert_eq!(all.lines().count() - 1, 25);
    std::fs::write(wd.path("abc.toml"), shanxi.replacen("province = \"140000\"", "province = \"abc\"", 1)).unwrap();
    let err = wd.fails(2, &["rank", "--scheme", "abc.toml", "--year", "2021"]);
    assert!(err.contains("province \"abc\""), "{err}");
    // balance --help names the indicator ids that criteria/README.md sends readers to.
    let help = wd.ok(&["balance", "--help"]);
    for id in countyedu::balance::BASIC_INDICATORS.iter().chain(countyedu::balance::QUALITY_INDICATORS) {
        assert!(help.contains(id), "balance --help lacks {id}");
    }
}

// Issue 18: every file read exactly as written, or refused with the reason.

fn fixture(name: &str) -> String {
    repo("tests/data/files").join(name).to_string_lossy().into_owned()
}

/// A work folder holding the test county 140199 (tests/data/good/new_county.csv).
fn with_test_county() -> Workdir {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("tests/data/good/new_county.csv").to_string_lossy()]);
    wd
}

#[test]
fn issue18_01_a_stray_byte_or_a_foreign_encoding_is_refused_not_read_as_gbk() {
    let wd = with_test_county();
    let before = wd.checksum();
    let err = wd.fails(3, &["ingest", &fixture("utf8_stray_byte.csv")]);
    assert!(err.contains("utf8_stray_byte.csv:2:12: expected UTF-8 text: the file is UTF-8"), "{err}");
    for file in ["big5_counties.csv", "shift_jis_counties.csv"] {
        let err = wd.fails(3, &["ingest", &fixture(file)]);
        assert!(err.contains("rare ones") && err.contains("--encoding"), "{file}: {err}");
    }
    assert_eq!(wd.checksum(), before);
    // Named, the encodings load exactly; UTF-16 with a BOM is detected.
    wd.ok(&["ingest", "--encoding", "big5", &fixture("big5_counties.csv")]);
    assert_eq!(wd.sql("SELECT county_name FROM counties WHERE county_code = '140198'"), vec![vec!["臺北縣"]]);
    wd.ok(&["ingest", &fixture("utf16_counties.csv")]);
    assert_eq!(wd.sql("SELECT county_name FROM counties WHERE county_code = '140198'"), vec![vec!["高平测试县"]]);
    // A forced encoding that does not fit the bytes is refused, not loaded.
    let err = wd.fails(3, &["ingest", "--encoding", "utf8", &fixture("big5_counties.csv")]);
    assert!(err.contains("big5_counties.csv:2:8: expected UTF-8 text (--encoding utf8)"), "{err}");
}

#[test]
fn issue18_02_a_formula_without_a_computed_value_is_refused() {
    let wd = with_test_county();
    let err = wd.fails(3, &["ingest", &fixture("openpyxl_formula.xlsx")]);
    assert!(
        err.contains("openpyxl_formula.xlsx: sheet \"学校\" row 2 column 17: column \"books\": expected a value: this cell is a formula without a computed value"),
        "{err}"
    );
}

#[test]
fn issue18_03_folder_names_never_overwrite_a_parquet_files_own_columns() {
    let wd = with_test_county();
    let err = wd.fails(3, &["ingest", &fixture("duckdb_hive/county_code=110126/x.parquet")]);
    assert!(err.contains("x.parquet: record 1 column 2: column \"county_code\" value \"140199\": expected 110126, as its folder county_code=110126 says"), "{err}");
    // A folder value fills the column a file lacks.
    wd.ok(&["ingest", &fixture("duckdb_hive_year/year=2024/x.parquet")]);
    assert_eq!(wd.sql("SELECT DISTINCT year FROM schools"), vec![vec!["2024"]]);
}

#[test]
fn issue18_04_every_visible_sheet_loads_hidden_ones_are_skipped_and_notes_are_refused() {
    let wd = with_test_county();
    let out = wd.run(&["ingest", &fixture("xlsxwriter_sheets.xlsx")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped hidden sheet \"旧数据\""), "{stderr}");
    assert!(stderr.contains("sheet 学校 2021") && stderr.contains("sheet 指标") && stderr.contains("sheet 县"), "{stderr}");
    assert_eq!(wd.sql("SELECT DISTINCT year FROM schools"), vec![vec!["2021"]], "nothing of the hidden 2020 sheet");
    assert_eq!(wd.sql("SELECT value FROM county_indicators WHERE indicator = 'edu_budget_expenditure'"), vec![vec!["150000000.0"]]);
    let err = wd.fails(3, &["ingest", &fixture("openpyxl_notes_sheet.xlsx")]);
    assert!(err.contains("sheet \"说明\" row 1") && err.contains("--sheet"), "{err}");
    wd.ok(&["ingest", "--sheet", "学校", &fixture("openpyxl_notes_sheet.xlsx")]);
}

#[test]
fn issue18_05_decimal_columns_in_parquet_are_read_as_numbers() {
    let wd = with_test_county();
    wd.ok(&["ingest", &fixture("polars_decimal.parquet")]);
    assert_eq!(wd.sql("SELECT DISTINCT equipment_value_yuan FROM schools"), vec![vec!["900000.0"]]);
}

#[test]
fn issue18_06_a_cell_at_the_far_corner_of_a_sheet_is_refused_with_its_place_not_a_crash() {
    let wd = with_test_county();
    let err = wd.fails(3, &["ingest", &fixture("openpyxl_far_corner.xlsx")]);
    assert!(err.contains("sheet \"学校\" row 1048576 column 16384") && err.contains("no value beyond the header's 31 columns"), "{err}");
}

#[test]
fn issue18_07_columns_of_any_type_are_ignored_or_reported_per_file() {
    let wd = with_test_county();
    for file in ["pyarrow_extra_types.parquet", "duckdb_interval.parquet"] {
        let out = wd.run(&["ingest", &fixture(file)]);
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("ignored columns not in the schools format"), "{file}");
    }
    assert_eq!(wd.count("SELECT count(*) FROM schools"), 2);
}

#[test]
fn issue18_08_notes_and_lock_files_in_a_data_folder_are_skipped_with_a_warning() {
    let wd = Workdir::new();
    let out = wd.run(&["ingest", &fixture("folder_with_notes")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for skipped in ["说明.txt: skipped", "~$schools.xlsx: skipped: an Office lock file", "报告.docx: skipped: not a data file"] {
        assert!(stderr.contains(skipped), "{skipped}: {stderr}");
    }
    assert_eq!(wd.count("SELECT count(*) FROM schools"), 2);
}

#[test]
fn issue18_09_positions_are_exact_in_crlf_and_cr_only_files() {
    let wd = with_test_county();
    for file in ["crlf_bad_cells.csv", "cr_only_bad_cells.csv"] {
        let err = wd.fails(3, &["ingest", &fixture(file)]);
        let lines: Vec<&str> = err.lines().filter(|l| l.contains("value \"x\"")).collect();
        assert_eq!(lines.len(), 4, "{err}");
        for (l, line) in lines.iter().zip([2, 3, 30, 59]) {
            assert!(l.contains(&format!("{file}:{line}:17: column \"books\"")), "{file}: {l}");
        }
    }
}

#[test]
fn issue18_10_blank_rows_and_lines_are_skipped_and_never_move_a_position() {
    let wd = with_test_county();
    let err = wd.fails(3, &["ingest", &fixture("blank_lines.csv")]);
    assert!(err.starts_with("error: input rejected: 1 problem"), "{err}");
    assert!(err.contains("blank_lines.csv:6:17: column \"books\" value \"x\""), "{err}");
    let err = wd.fails(3, &["ingest", &fixture("openpyxl_blank_rows.xlsx")]);
    assert!(err.contains("sheet \"学校\" row 5 column 17: column \"books\" value \"很多\""), "{err}");
}

#[test]
fn issue18_11_flags_and_the_output_path_are_checked_before_anything_is_stored() {
    let wd = Workdir::loaded(&["sample"]);
    let err = wd.fails(2, &["equity", "--format", "xlsx"]);
    assert!(err.contains("needs --output"), "{err}");
    wd.fails(2, &["balance", "-o", "/missing/dir/x.csv"]);
    let tables = wd.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('equity', 'balance_cv')");
    assert_eq!(tables, vec![vec!["0"]], "nothing was stored");
}

#[test]
fn issue18_12_sums_stay_numbers_in_json_and_workbooks() {
    let wd = Workdir::loaded(&["sample"]);
    let json: serde_json::Value = serde_json::from_str(&wd.ok(&["query", "schools_per_year", "--format", "json"])).unwrap();
    let row = &json.as_array().unwrap()[0];
    for sum in ["schools", "primary_students", "junior_students"] {
        assert!(row[sum].is_number(), "{sum} is a number: {row}");
    }
    wd.ok(&["sql", "--output", "sums.xlsx", "SELECT sum(primary_students) AS pupils, CAST(12.50 AS DECIMAL(10, 2)) AS d FROM schools"]);
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(wd.path("sums.xlsx")).unwrap();
    let sheet = book.worksheet_range(&book.sheet_names()[0]).unwrap();
    assert!(matches!(sheet.get((1, 0)), Some(Data::Float(_))), "{:?}", sheet.get((1, 0)));
    assert_eq!(sheet.get((1, 1)), Some(&Data::Float(12.5)));
}

#[test]
fn issue18_13_parameters_are_bound_by_their_declared_type() {
    let wd = Workdir::new();
    wd.ok(&["demo", "--out-dir", "out"]);
    // A code with leading zeros stays text: it matches nothing, and is not 12.
    let out = wd.ok(&["query", "cv_top_schools", "--param", "county_code=0012", "--format", "csv"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let err = wd.fails(2, &["query", "balance_failing", "--param", "year=abc"]);
    assert!(err.contains("parameter year (integer): \"abc\" is not a whole number"), "{err}");
    let err = wd.fails(2, &["query", "balance_failing", "--param", "year=2021", "--param", "year=2022"]);
    assert!(err.contains("given twice"), "{err}");
}

#[test]
fn issue18_14_prefecture_and_province_results_live_side_by_side() {
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["equity", "--across", "prefecture", "--format", "csv"]);
    wd.ok(&["equity", "--across", "province", "--format", "csv"]);
    assert_eq!(wd.sql("SELECT DISTINCT across FROM equity_across ORDER BY 1"), vec![vec!["prefecture"], vec!["province"]]);
}

#[test]
fn issue18_15_a_county_without_pupils_is_named_and_equal_schools_measure_zero() {
    let wd = with_test_county();
    school_file(&wd, "empty.csv", &[("E1", "0", "0"), ("E2", "", "")]);
    wd.ok(&["ingest", "empty.csv"]);
    let out = wd.run(&["balance", "--no-store", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: 140199 2024: 2 school(s), none with pupils reported"));
    // Two identical schools: every CV and Gini is exactly zero, not rounding noise.
    school_file(&wd, "same.csv", &[("S1", "420", "0"), ("S2", "420", "0")]);
    wd.ok(&["ingest", "same.csv"]);
    wd.ok(&["equity", "--format", "csv"]);
    assert_eq!(wd.count("SELECT count(*) FROM equity WHERE gini <> 0 OR cv <> 0"), 0);
    wd.ok(&["balance", "--format", "csv"]);
    assert_eq!(wd.count("SELECT count(*) FROM balance_cv WHERE cv <> 0"), 0);
}

#[test]
fn issue18_16_a_date_in_a_year_column_and_a_csv_renamed_xlsx_say_what_they_are() {
    let wd = with_test_county();
    let err = wd.fails(3, &["ingest", &fixture("openpyxl_date_year.xlsx")]);
    assert!(err.contains("value \"2021-01-01\"") && err.contains("the cell holds a date; write the year 2021 as a number"), "{err}");
    let err = wd.fails(3, &["ingest", &fixture("csv_renamed.xlsx")]);
    assert!(err.contains("looks like CSV: rename it to .csv"), "{err}");
    std::fs::write(wd.path("serial.csv"), "year,county_code,indicator,value\n44197,140199,teacher_avg_salary,98000\n").unwrap();
    let err = wd.fails(3, &["ingest", "serial.csv"]);
    assert!(err.contains("44197 looks like the Excel serial number of the date 2021-01-01"), "{err}");
}

// Issue 11: no file can write where it should not, no row is silently wrong, and the files offices send load.

#[test]
fn issue11_01_numbers_and_codes_load_as_offices_write_them() {
    let wd = with_test_county();
    let out = wd.run(&["ingest", &fixture("form_title_rows_gbk.csv")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The two title lines above the header are skipped and named.
    assert!(stderr.contains("line(s) above the header skipped: 1 \"2024年新增测试县中小学基本情况统计表\", 2 \"填报单位"), "{stderr}");
    let q = "SELECT school_id, county_code, primary_students, teaching_area_m2, books, sports_area_m2,
                    coalesce(indoor_sports_area_m2::VARCHAR, 'NULL'), equipment_value_yuan,
                    coalesce(multimedia_rooms::VARCHAR, 'NULL'), coalesce(music_rooms::VARCHAR, 'NULL'),
                    coalesce(art_rooms::VARCHAR, 'NULL'), coalesce(computers::VARCHAR, 'NULL'), primary_teachers
             FROM schools ORDER BY school_id";
    assert_eq!(
        wd.sql(q),
        vec![
            // "1,234", "2,100.5", "１３０００", " 3600 ", "—", "９０００００．５", county code "140199.0"
            vec!["N0001", "140199", "1234", "2100.5", "13000", "3600.0", "NULL", "900000.5", "11", "1", "1", "60", "25"],
            // "-", "／", "无", "－" are not reported; "＋25" is 25
            vec!["N0002", "140199", "30", "2100.5", "13000", "3600.0", "NULL", "900000.0", "NULL", "NULL", "NULL", "NULL", "25"],
        ]
    );
}

#[test]
fn issue11_02_a_workbook_with_a_title_a_merged_two_row_header_and_a_merged_county_loads() {
    let wd = with_test_county();
    let out = wd.run(&["ingest", &fixture("form_office.xlsx")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("sheet 基本情况, row(s) above the header skipped: 1 \"2024年新增测试县中小学基本情况统计表\", 2"), "{stderr}");
    // 在校生数 over 小学 is primary_students; 教学仪器设备值 over 万元 converts; the county code, a number merged
    // down over both schools, is the code of both.
    assert_eq!(
        wd.sql("SELECT school_id, county_code, primary_students, junior_students, equipment_value_yuan, books FROM schools ORDER BY 1"),
        vec![vec!["N0001", "140199", "420", "0", "905000.0", "13000"], vec!["N0002", "140199", "30", "0", "905000.0", "13000"]]
    );
    // A number merged over two rows would count twice: refused with its cells.
    let before = wd.checksum();
    let err = wd.fails(3, &["ingest", &fixture("form_merged_number.xlsx")]);
    assert!(err.contains("sheet \"基本情况\" row 5 column 17: column \"图书册数\" value \"13000\": expected one number per row; the cells Q5:Q6 are merged"), "{err}");
    assert_eq!(wd.checksum(), before);
}

#[test]
fn issue11_03_skip_rows_says_where_the_header_is() {
    let wd = with_test_county();
    // Told the header is on line 2 (one line skipped), the title line 2 is read as the header and refused.
    let err = wd.fails(3, &["ingest", "--skip-rows", "1", &fixture("form_title_rows_gbk.csv")]);
    assert!(err.contains("form_title_rows_gbk.csv:2: value \"填报单位：新增测试县教育局（盖章）\": expected a header of counties"), "{err}");
    wd.ok(&["ingest", "--skip-rows", "2", &fixture("form_title_rows_gbk.csv")]);
    assert_eq!(wd.count("SELECT count(*) FROM schools"), 2);
    wd.ok(&["ingest", "--skip-rows", "2", &fixture("form_office.xlsx")]);
    assert_eq!(wd.count("SELECT sum(primary_students) FROM schools"), 450);
}

#[test]
fn issue11_04_cut_rows_control_characters_nan_and_values_beyond_bounds_are_refused_with_line_and_column() {
    let wd = with_test_county();
    let before = wd.checksum();
    let cases = [
        // The last line of a file cut 40 bytes short, without its final newline.
        ("form_truncated.csv", vec!["form_truncated.csv:3: value \"16 fields\": expected 31 fields, as many as the header has"]),
        // A workbook row cut short: its cells stop 15 columns before the header's last.
        (
            "form_short_row.xlsx",
            vec!["form_short_row.xlsx: sheet \"学校\" row 3 column 17: column \"books\": expected a cell in every column up to the header's last: this row ends at column P while the header goes on to AE"],
        ),
        ("form_nul.csv", vec!["form_nul.csv:2:4: column \"school_name\" value \"测试\\0小学\": expected text without control characters"]),
        (
            "form_nan_inf.csv",
            vec![
                "form_nan_inf.csv:2:13: column \"teaching_area_m2\" value \"NaN\": expected a non-negative number",
                "form_nan_inf.csv:3:14: column \"sports_area_m2\" value \"inf\": expected a non-negative number",
            ],
        ),
        (
            "form_out_of_bounds.csv",
            vec!["form_out_of_bounds.csv:2:7: column \"primary_students\" value \"250000\": expected at most 20,000 人"],
        ),
        ("form_required_dash.csv", vec!["form_required_dash.csv:2:5: column \"school_type\" value \"—\"", "(\"—\" means not reported, and this column needs a value)"]),
        (
            "form_ambiguous.csv",
            vec![
                "form_ambiguous.csv:2:15: column \"equipment_value_yuan\" value \"12万\": expected a non-negative number (write the number alone; a unit belongs in the header, e.g. 教学仪器设备值（万元）)",
                "form_ambiguous.csv:3:16: column \"computers\" value \"35%\": expected a non-negative whole number (a percentage is not a count or an amount)",
            ],
        ),
    ];
    for (file, expected) in cases {
        let err = wd.fails(3, &["ingest", &fixture(file)]);
        for e in expected {
            assert!(err.contains(e), "{file}: {e}\n{err}");
        }
        assert_eq!(wd.checksum(), before, "{file}");
    }
    // A load may widen the bounds, and the log says so.
    wd.ok(&["ingest", "--allow-out-of-bounds", &fixture("form_out_of_bounds.csv")]);
    assert_eq!(wd.count("SELECT primary_students FROM schools"), 250_000);
    assert_eq!(
        wd.sql("SELECT note FROM ingest_log WHERE file LIKE '%form_out_of_bounds.csv'"),
        vec![vec!["loaded with --allow-out-of-bounds: values beyond the documented bounds, and impossible rows (逻辑校验), accepted; countyedu audit lists them"]]
    );
}

/// Every table of the warehouse: its rows and an order-independent hash of them.
fn full_checksum(wd: &Workdir) -> Vec<Vec<String>> {
    let tables = wd.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1");
    tables
        .iter()
        .flat_map(|t| wd.sql(&format!("SELECT '{0}', count(*), coalesce(sum(hash(t)), 0) FROM \"{0}\" t", t[0])))
        .collect()
}

#[test]
fn issue11_05_a_scheme_expression_that_is_not_one_expression_is_refused_with_its_line() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    wd.ok(&["balance"]);
    let before = full_checksum(&wd);
    assert!(before.iter().any(|r| r[0] == "schools" && r[1] != "0"));
    let cases = [
        // The expression closed and a statement added, county level and school level.
        ("county", "1) AS v FROM arrow(?); DELETE FROM schools; SELECT (1", "closes the expression and adds a statement"),
        ("school", "1) AS v FROM arrow(?); DELETE FROM schools; SELECT (1", "closes the expression and adds a statement"),
        ("county", "(SELECT count(*) FROM read_csv('/etc/passwd'))", "without a subquery"),
        ("county", "1); COPY schools TO 'leak.csv'; SELECT (1", "adds a statement"),
        ("school", "1); ATTACH 'other.duckdb' AS o; CREATE TABLE o.t AS SELECT 1; SELECT (1", "adds a statement"),
    ];
    for (level, sql, why) in cases {
        let derived = format!("[[derived]]\nid = \"x\"\ntitle_zh = \"x\"\nlevel = \"{level}\"\nsql = '''{sql}'''\n");
        let metric = if level == "school" { "derived_cv:x:primary" } else { "derived:x" };
        let text = one_point_scheme(metric, &derived, "threshold = 0.5");
        std::fs::write(wd.path("evil.toml"), &text).unwrap();
        let line = text.lines().position(|l| l.starts_with("sql = ")).unwrap() + 1;
        let err = wd.fails(2, &["evaluate", "--scheme", "evil.toml", "--year", "2021"]);
        assert!(err.contains(&format!("evil.toml:{line}: derived x: sql")) && err.contains(why), "{sql}\n{err}");
        assert_eq!(full_checksum(&wd), before, "{sql}");
        assert!(!wd.path("leak.csv").exists() && !wd.path("other.duckdb").exists());
    }
}

#[test]
fn issue11_06_a_warehouse_another_process_holds_is_waited_for_or_refused_with_exit_5() {
    let wd = with_test_county();
    // A write in progress: this process holds the warehouse read-write.
    let writer = duckdb::Connection::open(wd.db()).unwrap();
    let err = wd.fails(5, &["sql", "SELECT count(*) FROM counties"]);
    assert!(err.contains("is locked by another process") && err.contains("--wait SECONDS"), "{err}");
    let err = wd.fails(5, &["sql", "--wait", "0.5", "SELECT count(*) FROM counties"]);
    assert!(err.contains("waiting up to 0.5 s") && err.contains("(waited 0."), "{err}");
    // Released while a reader waits: the reader goes on (here through COUNTYEDU_WAIT).
    let db = wd.db();
    let dir = wd.dir.path().to_path_buf();
    let reader = std::thread::spawn(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_countyedu"))
            .args(["sql", "--format", "csv", "SELECT count(*) AS n FROM counties"])
            .current_dir(dir)
            .env("COUNTYEDU_DB", db)
            .env("COUNTYEDU_WAIT", "30")
            .output()
            .unwrap()
    });
    std::thread::sleep(std::time::Duration::from_millis(700));
    drop(writer);
    let out = reader.join().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\n1\n");
    // Readers share the file; a writer waits for them.
    let reading = duckdb::Connection::open_with_flags(wd.db(), duckdb::Config::default().access_mode(duckdb::AccessMode::ReadOnly).unwrap()).unwrap();
    assert_eq!(wd.sql("SELECT count(*) FROM counties"), vec![vec!["1"]]);
    let before = wd.checksum();
    let err = wd.fails(5, &["ingest", &repo("tests/data/good/new_county_schools.csv").to_string_lossy()]);
    assert!(err.contains("is locked by another process"), "{err}");
    drop(reading);
    assert_eq!(wd.checksum(), before);
}

#[test]
fn issue11_07_a_query_file_reads_the_warehouse_and_nothing_else() {
    let wd = with_test_county();
    let dir = wd.path("q");
    std::fs::create_dir(&dir).unwrap();
    let header = "-- title: t\n-- answers: a test.\n-- parameters: none\n";
    std::fs::write(dir.join("ok.sql"), format!("{header}SELECT county_name FROM counties")).unwrap();
    std::fs::write(dir.join("leak.sql"), format!("{header}COPY (SELECT * FROM counties) TO 'leak.csv'")).unwrap();
    std::fs::write(dir.join("peek.sql"), format!("{header}SELECT * FROM read_csv('{}')", repo("Cargo.toml").display())).unwrap();
    std::fs::write(dir.join("attach.sql"), format!("{header}ATTACH 'other.duckdb' AS o")).unwrap();
    let before = wd.checksum();
    assert_eq!(wd.ok(&["query", "--dir", "q", "ok", "--format", "csv"]), "county_name\n新增测试县\n");
    for name in ["leak", "peek", "attach"] {
        let err = wd.fails(4, &["query", "--dir", "q", name]);
        assert!(err.contains("disabled by configuration"), "{name}: {err}");
    }
    assert!(!wd.path("leak.csv").exists() && !wd.path("other.duckdb").exists());
    assert_eq!(wd.checksum(), before);
}

// Issue 16: one pipeline in the library, declared result tables.

#[test]
fn issue16_01_a_metric_table_of_another_layout_is_named_and_recomputed_never_matched_by_position() {
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["balance", "--county", "140121", "--year", "2023"]);
    let cv = "SELECT indicator, round(cv, 6), met FROM balance_cv WHERE standard = 'quality' AND level = 'primary' ORDER BY 1";
    let before = wd.sql(cv);
    // The layout an older countyedu might have written: columns in another order, `note` missing.
    {
        let conn = duckdb::Connection::open(wd.db()).unwrap();
        conn.execute_batch(
            "CREATE TABLE old AS SELECT rules_hash, rules, met, threshold, max, min, cv, sd, mean, students, n_missing,
                    n_schools, indicator, standard, level, county_code, year FROM balance_cv;
             DROP TABLE balance_cv; ALTER TABLE old RENAME TO balance_cv;",
        )
        .unwrap();
    }
    // Every command that opens the warehouse says so, and what to do.
    let out = wd.run(&["sql", "SELECT count(*) FROM balance_cv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    assert!(stderr.contains("note: table balance_cv was stored by another version of countyedu, with other columns; compute it again: countyedu balance"), "{stderr}");
    // A run over a subset cannot replace part of a table of another layout: refused, nothing changed.
    let err = wd.fails(5, &["balance", "--county", "140121", "--year", "2023"]);
    assert!(err.contains("compute it again for every county and year (without --county/--year): countyedu balance"), "{err}");
    // The whole run recreates it from the declaration; values land in their own columns.
    wd.ok(&["balance"]);
    let out = wd.run(&["sql", "SELECT count(*) FROM balance_cv"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("note:"));
    let cols = wd.sql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'balance_cv'");
    assert!(cols[0][0].starts_with("year,county_code,level,standard,indicator,n_schools,n_missing,students,mean,sd,cv"), "{cols:?}");
    assert_eq!(wd.sql(&cv.replace("ORDER BY 1", "AND county_code = '140121' AND year = 2023 ORDER BY 1")), before);
}

#[test]
fn issue16_02_every_metric_table_is_unique_on_its_declared_key() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    for args in [
        &["balance", "--checks"][..],
        &["equity"],
        &["equity", "--across", "prefecture"],
        &["equity", "--across", "province"],
        &["urban-rural"],
        &["urban-rural", "--group", "two"],
        &["growth", "--checks"],
        &["growth", "--window"],
        &["plan", "--year", "2023"],
        &["plan", "--year", "2022", "--county", "140124", "--level", "junior"],
        &["audit"],
    ] {
        wd.ok(args);
    }
    let national = national();
    wd.ok(&["evaluate", "--scheme", &national, "--year", "2021"]);
    wd.ok(&["evaluate", "--scheme", &repo("criteria/quality_balance_2017.toml").to_string_lossy(), "--year", "2022"]);
    for t in countyedu::results::RESULT_TABLES {
        let key = t.key.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
        let rows = wd.count(&format!("SELECT count(*) FROM {}", t.name));
        assert!(rows > 0, "{} is empty", t.name);
        let dup = wd.count(&format!("SELECT count(*) FROM (SELECT {key} FROM {} GROUP BY ALL HAVING count(*) > 1)", t.name));
        assert_eq!(dup, 0, "{} repeats its key ({key})", t.name);
    }
}

#[test]
fn issue16_03_completions_and_manual_pages_cover_every_command() {
    let wd = Workdir::new();
    let commands = ["ingest", "sql", "query", "export", "balance", "equity", "urban-rural", "growth", "evaluate", "rank", "generate", "demo"];
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = wd.ok(&["completions", shell]);
        for c in commands {
            assert!(script.contains(c), "{shell} completions lack {c}");
        }
        assert!(script.contains("allow-out-of-bounds") && script.contains("skip-rows"), "{shell}: flags of ingest");
    }
    let page = wd.ok(&["man"]);
    // roff writes a hyphen as `\-`.
    assert!(page.contains(".TH countyedu 1") && commands.iter().all(|c| page.contains(&c.replace('-', "\\-"))), "{page}");
    wd.ok(&["man", "--out-dir", "man1"]);
    for c in commands {
        let page = std::fs::read_to_string(wd.path(&format!("man1/countyedu-{c}.1"))).unwrap();
        assert!(page.contains(&format!(".TH countyedu-{c} 1")), "{c}: {page}");
    }
    // An unknown shell is a usage error; a reader that stops early ends the command quietly (exit 0).
    wd.fails(2, &["completions", "cmd.exe"]);
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("{} completions bash | head -1", env!("CARGO_BIN_EXE_countyedu"))])
        .output()
        .unwrap();
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn issue16_04_results_stream_tables_show_first_and_last_rows_and_a_failed_write_leaves_no_file() {
    let wd = with_test_county();
    let table = wd.ok(&["sql", "SELECT range AS n FROM range(100)"]);
    let shown: Vec<&str> = table.lines().filter(|l| l.starts_with("│") && l.trim_matches(|c| c == '│' || c == ' ').parse::<i64>().is_ok()).collect();
    assert_eq!(shown.len(), 40, "{table}");
    assert!(shown[0].contains(" 0 ") && shown[19].contains(" 19 ") && shown[20].contains(" 80 ") && shown[39].contains(" 99 "), "{table}");
    assert!(table.contains("100 rows, 40 shown (--max-rows N shows more, 0 all)"), "{table}");
    let all = wd.ok(&["sql", "--max-rows", "0", "SELECT range AS n FROM range(100)"]);
    assert!(!all.contains("shown") && all.contains("│ 50 │"), "{all}");
    // CSV of a result bigger than one batch, row for row as DuckDB has it.
    let csv = wd.ok(&["sql", "--format", "csv", "SELECT range AS n, 'x' || range AS t FROM range(300000)"]);
    assert_eq!(csv.lines().count(), 300_001);
    assert_eq!(csv.lines().nth(300_000), Some("299999,x299999"));
    // An error while the result is computed leaves no output file, not even an empty one.
    let err = wd.fails(4, &["sql", "-o", "out.csv", "SELECT CASE WHEN range < 250000 THEN range ELSE error('boom') END FROM range(300000)"]);
    assert!(err.contains("boom"), "{err}");
    assert!(!wd.path("out.csv").exists());
    assert!(std::fs::read_dir(wd.dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".countyedu-")));
    // A file the command completes replaces the old one whole.
    std::fs::write(wd.path("out.csv"), "old").unwrap();
    wd.ok(&["sql", "-o", "out.csv", "SELECT 1 AS a"]);
    assert_eq!(std::fs::read_to_string(wd.path("out.csv")).unwrap(), "a\n1\n");
}

#[test]
fn issue16_05_a_ranking_workbook_has_the_ranking_and_every_point_on_named_sheets() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let national = national();
    wd.ok(&["rank", "--scheme", &national, "--year", "2021", "--lang", "zh", "-o", "ranking.xlsx", "--no-store"]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(wd.path("ranking.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), vec!["排名".to_string(), "观测点得分".to_string()]);
    use calamine::Reader;
    let ranking = book.worksheet_range("排名").unwrap();
    let points = book.worksheet_range("观测点得分").unwrap();
    let counties = ranking.height() - 1;
    let per_county = (points.height() - 1) / counties;
    assert_eq!((points.height() - 1) % counties, 0, "every county has every point");
    assert!(per_county > 10, "{per_county}");
    assert_eq!(ranking.get((0, 0)).unwrap().to_string(), "排名");
    assert_eq!(points.get((0, 0)).unwrap().to_string(), "县区代码");
    // Points follow the ranking's county order.
    let first_ranked = ranking.get((1, 3)).unwrap().to_string();
    assert_eq!(points.get((1, 0)).unwrap().to_string(), first_ranked);
    let last_ranked = ranking.get((counties, 3)).unwrap().to_string();
    assert_eq!(points.get((points.height() - 1, 0)).unwrap().to_string(), last_ranked);
}

#[test]
fn issue16_06_the_demo_shows_its_tables_whole_unless_max_rows_is_given() {
    let wd = Workdir::new();
    let out = wd.ok(&["demo", "--db", "d.duckdb", "--out-dir", "out"]);
    assert!(!out.contains(" shown (--max-rows"), "{out}");
    let out = wd.ok(&["demo", "--db", "d.duckdb", "--out-dir", "out", "--max-rows", "10"]);
    assert!(out.contains("rows, 10 shown (--max-rows N shows more, 0 all)"), "{out}");
}
