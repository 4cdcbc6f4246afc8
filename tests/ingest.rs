//! Ingest, end to end through the real binary: formats, encodings, idempotence, and the bad-input corpus.

mod workdir;

use workdir::{Workdir, csv_rows, repo};

fn sample() -> String {
    repo("datasets/sample").to_string_lossy().into_owned()
}

/// A work folder whose warehouse holds the shipped sample.
fn loaded() -> Workdir {
    Workdir::loaded(&["sample"])
}

#[test]
fn the_sample_loads_with_every_row_and_nothing_doubles_on_reload() {
    let wd = Workdir::new();
    let first = wd.run(&["ingest", &sample()]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(first.stdout.is_empty(), "ingest prints nothing on stdout");

    // Expected counts from an independent CSV parser over the shipped files.
    let dir = repo("datasets/sample");
    let mut schools = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with("schools_") {
            schools += csv_rows(&p);
        }
    }
    let counties = csv_rows(&dir.join("counties.csv"));
    let indicators = csv_rows(&dir.join("county_indicators.csv"));
    assert_eq!(counties, 24);
    assert!(schools > 5000, "the sample has {schools} school-years");
    assert_eq!(wd.count("SELECT count(*) FROM counties"), counties as i64);
    assert_eq!(wd.count("SELECT count(*) FROM schools"), schools as i64);
    assert_eq!(wd.count("SELECT count(*) FROM county_indicators"), indicators as i64);
    assert_eq!(wd.count("SELECT count(DISTINCT province_code) FROM counties"), 3);
    assert_eq!(wd.count("SELECT count(DISTINCT year) FROM schools"), 8);
    let before = wd.checksum();

    let again = wd.run(&["ingest", &sample()]);
    assert!(again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("existing rows replaced") && stderr.contains(&workdir_thousands(schools)),
        "the summary says what was replaced: {stderr}"
    );
    let after = wd.checksum();
    // Data tables are identical; only the ingest log grew by one load.
    let data = |sums: &[Vec<String>]| sums.iter().filter(|r| r[0] != "ingest_log").cloned().collect::<Vec<_>>();
    assert_eq!(data(&before), data(&after), "counties, county_indicators, schools unchanged");
    assert_eq!(wd.count("SELECT count(DISTINCT load_id) FROM ingest_log"), 2);
    assert_eq!(wd.count("SELECT count(*) FROM schools"), schools as i64);
}

fn workdir_thousands(n: usize) -> String {
    countyedu::cmd::thousands(n as i64)
}

#[test]
fn a_reload_of_a_county_year_replaces_its_schools_even_when_fewer() {
    let wd = loaded();
    let county = "140121";
    let before = wd.count(&format!("SELECT count(*) FROM schools WHERE county_code = '{county}' AND year = 2021"));
    assert!(before > 2);
    // Keep only two of the county's 2021 schools in a new file: the others must disappear.
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2021.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let kept: Vec<&str> = lines.filter(|l| l.split(',').nth(1) == Some(county)).take(2).collect();
    std::fs::write(wd.path("partial.csv"), format!("{header}\n{}\n", kept.join("\n"))).unwrap();
    let others = wd.count(&format!("SELECT count(*) FROM schools WHERE NOT (county_code = '{county}' AND year = 2021)"));
    wd.ok(&["ingest", "partial.csv"]);
    assert_eq!(wd.count(&format!("SELECT count(*) FROM schools WHERE county_code = '{county}' AND year = 2021")), 2);
    assert_eq!(wd.count(&format!("SELECT count(*) FROM schools WHERE NOT (county_code = '{county}' AND year = 2021)")), others);
}

/// A county-year may come in several files of one load: the first replaces the warehouse's rows, the others add
/// to it (a load never deletes its own rows); a failure in a later file undoes the replacement too.
#[test]
fn a_county_year_split_over_files_of_one_load_replaces_its_rows_once() {
    let wd = loaded();
    let county = "140121";
    let scope = format!("county_code = '{county}' AND year = 2021");
    let before = wd.count(&format!("SELECT count(*) FROM schools WHERE {scope}"));
    assert!(before > 4);
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2021.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.filter(|l| l.split(',').nth(1) == Some(county)).collect();
    let (first, second) = (&rows[..2], &rows[2..4]);
    std::fs::write(wd.path("a.csv"), format!("{header}\n{}\n", first.join("\n"))).unwrap();
    std::fs::write(wd.path("b.csv"), format!("{header}\n{}\n", second.join("\n"))).unwrap();
    std::fs::write(wd.path("header_only.csv"), format!("{header}\n")).unwrap();
    let others = wd.count(&format!("SELECT count(*) FROM schools WHERE NOT ({scope})"));
    let checksum = wd.checksum();

    let bad = repo("tests/data/bad/negative.csv").to_string_lossy().into_owned();
    wd.fails(3, &["ingest", "a.csv", "b.csv", &bad]);
    assert_eq!(wd.checksum(), checksum, "the failed load replaced nothing");

    let out = wd.run(&["ingest", "a.csv", "header_only.csv", "b.csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(wd.count(&format!("SELECT count(*) FROM schools WHERE {scope}")), 4, "both files' rows, and only them");
    let ids: Vec<String> = [first, second].concat().iter().map(|l| l.split(',').nth(2).unwrap().to_string()).collect();
    assert_eq!(
        wd.count(&format!("SELECT count(*) FROM schools WHERE {scope} AND school_id IN ('{}')", ids.join("', '"))),
        4
    );
    assert_eq!(wd.count(&format!("SELECT count(*) FROM schools WHERE NOT ({scope})")), others);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().find(|l| l.trim_start().starts_with("schools ")).unwrap_or_default();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words, ["schools", "4", "rows", "written,", &before.to_string(), "existing", "rows", "replaced"], "{stderr}");
}

/// Indicators are replaced per county, year and indicator: a file of one indicator changes that one and leaves
/// the county-year's others.
#[test]
fn a_file_of_one_indicator_replaces_only_that_indicator() {
    let wd = loaded();
    let scope = "county_code = '140121' AND year = 2016";
    let others = wd.count(&format!("SELECT count(*) FROM county_indicators WHERE {scope} AND indicator <> 'edu_budget_students'"));
    assert!(others > 3);
    let all = wd.count("SELECT count(*) FROM county_indicators");
    std::fs::write(wd.path("one.csv"), "year,county_code,indicator,value,unit\n2016,140121,edu_budget_students,30000,人\n").unwrap();
    let out = wd.run(&["ingest", "one.csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(wd.count(&format!("SELECT value::BIGINT FROM county_indicators WHERE {scope} AND indicator = 'edu_budget_students'")), 30000);
    assert_eq!(wd.count(&format!("SELECT count(*) FROM county_indicators WHERE {scope} AND indicator <> 'edu_budget_students'")), others);
    assert_eq!(wd.count("SELECT count(*) FROM county_indicators"), all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().find(|l| l.trim_start().starts_with("county_indicators ")).unwrap_or_default();
    assert_eq!(line.split_whitespace().collect::<Vec<_>>(), ["county_indicators", "1", "rows", "written,", "1", "existing", "rows", "replaced"], "{stderr}");
}

#[test]
fn gbk_files_with_chinese_headers_load_like_utf8_ones() {
    let wd = Workdir::new();
    wd.ok(&["generate", "en", "--counties", "3", "--years", "2021-2022"]);
    wd.ok(&["generate", "zh", "--counties", "3", "--years", "2021-2022", "--lang", "zh", "--encoding", "gbk"]);
    let gbk = std::fs::read(wd.path("zh/schools_2021.csv")).unwrap();
    assert!(std::str::from_utf8(&gbk).is_err(), "the zh files really are GBK");
    assert!(String::from_utf8_lossy(&std::fs::read(wd.path("zh/counties.csv")).unwrap()).contains('\u{fffd}'));

    wd.ok(&["ingest", "--db", "en.duckdb", "en"]);
    let out = wd.run(&["ingest", "--db", "zh.duckdb", "zh"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GB18030"), "the detected encoding is reported");
    let sums = |db: &str| {
        wd.ok(&[
            "sql", "--db", db, "--format", "csv",
            "SELECT (SELECT sum(hash(t)) FROM schools t), (SELECT sum(hash(t)) FROM counties t), (SELECT sum(hash(t)) FROM county_indicators t)",
        ])
    };
    assert_eq!(sums("en.duckdb"), sums("zh.duckdb"));
    // Chinese text survived the decoding.
    let names = wd.ok(&["sql", "--db", "zh.duckdb", "--format", "csv", "SELECT province_name FROM counties ORDER BY county_code LIMIT 1"]);
    assert_eq!(names, "province_name\n山西省\n");
}

#[test]
fn a_committed_gbk_fixture_with_a_quoted_newline_loads_exactly() {
    let wd = loaded();
    wd.ok(&["ingest", &repo("tests/data/good/gbk_schools.csv").to_string_lossy()]);
    let rows = wd.sql("SELECT school_id, school_name, school_type, junior_students, junior_teachers FROM schools WHERE year = 2024 ORDER BY school_id");
    assert_eq!(
        rows,
        vec![
            vec!["G0001", "测试第一小学", "primary", "0", "0"],
            vec!["G0002", "测试\n第二小学", "nine_year", "300", "20"],
        ]
    );
}

#[test]
fn excel_workbooks_load_like_the_same_rows_in_csv() {
    let wd = Workdir::new();
    wd.ok(&["generate", "src", "--counties", "2", "--years", "2021-2021"]);
    // The same rows as a workbook: numbers as numeric cells, text as text, Chinese headers, data on sheet 学校.
    let mut book = rust_xlsxwriter::Workbook::new();
    for (file, sheet) in [("counties.csv", "县区"), ("schools_2021.csv", "学校")] {
        let ws = book.add_worksheet();
        ws.set_name(sheet).unwrap();
        let mut rdr = csv::Reader::from_path(wd.path("src").join(file)).unwrap();
        let table = if file.starts_with("counties") { countyedu::model::Table::Counties } else { countyedu::model::Table::Schools };
        for (c, h) in rdr.headers().unwrap().iter().enumerate() {
            ws.write_string(0, c as u16, table.column(h).unwrap().zh[0]).unwrap();
        }
        for (r, rec) in rdr.records().enumerate() {
            for (c, v) in rec.unwrap().iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match v.parse::<f64>() {
                    Ok(x) => ws.write_number(r, c, x).map(|_| ()),
                    Err(_) if v.is_empty() => Ok(()),
                    Err(_) => ws.write_string(r, c, v).map(|_| ()),
                }
                .unwrap();
            }
        }
    }
    book.save(wd.path("data.xlsx")).unwrap();

    wd.ok(&["ingest", "--db", "csv.duckdb", "src"]);
    wd.ok(&["ingest", "--db", "xlsx.duckdb", "data.xlsx", "--sheet", "县区"]);
    wd.ok(&["ingest", "--db", "xlsx.duckdb", "data.xlsx", "--sheet", "学校"]);
    let sum = |db: &str| wd.ok(&["sql", "--db", db, "--format", "csv", "SELECT count(*), sum(hash(t)) FROM schools t"]);
    assert_eq!(sum("csv.duckdb"), sum("xlsx.duckdb"));

    // Errors in a workbook name the sheet row as Excel numbers it.
    let mut bad = rust_xlsxwriter::Workbook::new();
    let ws = bad.add_worksheet();
    for (c, h) in ["年份", "县区代码", "指标", "数值"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 2021.0).unwrap();
    ws.write_string(1, 1, "140121").unwrap();
    ws.write_string(1, 2, "teacher_avg_salary").unwrap();
    ws.write_string(1, 3, "很多").unwrap();
    bad.save(wd.path("bad.xlsx")).unwrap();
    let err = wd.fails(3, &["ingest", "--db", "xlsx.duckdb", "bad.xlsx"]);
    assert!(err.contains("bad.xlsx: sheet \"Sheet1\" row 2 column 4: column \"数值\" value \"很多\": expected a number"), "{err}");
}

#[test]
fn parquet_files_load_and_round_trip() {
    let wd = loaded();
    wd.ok(&["sql", "--output", "counties.parquet", "SELECT * FROM counties"]);
    wd.ok(&["sql", "--output", "schools.parquet", "SELECT * FROM schools WHERE year = 2021"]);
    let original = wd.ok(&["sql", "--format", "csv", "SELECT count(*), sum(hash(t)) FROM schools t WHERE year = 2021"]);
    wd.ok(&["ingest", "--db", "copy.duckdb", "counties.parquet", "schools.parquet"]);
    let copy = wd.ok(&["sql", "--db", "copy.duckdb", "--format", "csv", "SELECT count(*), sum(hash(t)) FROM schools t"]);
    assert_eq!(original, copy);
}

/// The bad-input corpus: each file, the place its first problem must be reported at, and what must be said.
const BAD: &[(&str, &str, &str)] = &[
    ("missing_required_column.csv", ":1:", "expected a column \"school_type\" (办学类型); it is missing"),
    ("non_numeric.csv", ":3:17: column \"books\" value \"12k\"", "expected a non-negative whole number"),
    ("negative.csv", ":4:13: column \"teaching_area_m2\" value \"-5\"", "expected a non-negative number"),
    ("fractional_count.csv", ":3:7: column \"primary_students\" value \"420.5\"", "expected a non-negative whole number"),
    ("unknown_school_type.csv", ":3:5: column \"school_type\" value \"大学\"", "expected a school type: primary (小学)"),
    ("unknown_urban_rural.csv", ":3:6: column \"urban_rural_code\" value \"130\"", "expected an urban-rural code: 111, 112"),
    ("bad_county_code.csv", ":3:2: column \"county_code\" value \"14012\"", "expected a 6-digit county code"),
    ("unknown_county.csv", ":3:2: column \"county_code\" value \"999921\"", "expected a county code listed in counties"),
    ("duplicate_school.csv", ":4:3: column \"school_id\" value \"2024 / T0001\"", "duplicate_school.csv:2"),
    ("year_out_of_range.csv", ":3:1: column \"year\" value \"1899\"", "expected a year from 1990 to 2100"),
    ("ragged_row.csv", ":3: value \"32 fields\"", "expected 31 fields, as many as the header has"),
    ("empty_required.csv", ":3:3: column \"school_id\" value \"\"", "expected a non-empty text"),
    ("school_in_two_counties.csv", ":2:3: column \"school_id\" value \"14012100001\"", "under 140121"),
    ("indicator_bad_unit.csv", ":3:5: column \"unit\" value \"%\"", "expected the unit of edu_budget_expenditure: 元"),
    ("indicator_negative.csv", ":2:4: column \"value\" value \"-1\"", "expected a non-negative value for teacher_avg_salary"),
    ("indicator_duplicate.csv", ":4:3: column \"indicator\"", "indicator_duplicate.csv:2"),
    ("indicator_not_a_number.csv", ":2:4: column \"value\" value \"八万\"", "expected a number"),
    ("county_bad_region.csv", ":2:7: column \"区域\" value \"北方\"", "expected a region"),
    ("not_a_table.csv", ":1: value \"a,b,c\"", "expected a header of counties"),
    ("not_text.csv", ": expected", "expected UTF-8 or GBK text"),
    ("gbk_quoted_newline.csv", ":5:17: column \"图书册数\" value \"-1\"", "expected a non-negative whole number"),
];

/// Issue 33: a column that may be empty may also be left out: it loads as not reported, and the load says which.
#[test]
fn a_usual_column_left_out_loads_as_not_reported_and_is_named() {
    let wd = loaded();
    let path = repo("tests/data/good/schools_without_books.csv");
    let out = wd.run(&["ingest", &path.to_string_lossy()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("columns not in the file, loaded as not reported (empty): books"), "{stderr}");
    assert_eq!(wd.count("SELECT count(*) FROM schools WHERE school_id = 'T0001' AND books IS NULL"), 1);
}

#[test]
fn every_bad_file_is_refused_with_its_place_and_the_warehouse_is_unchanged() {
    let wd = loaded();
    let before = wd.checksum();
    for (file, place, says) in BAD {
        let path = repo("tests/data/bad").join(file);
        let err = wd.fails(3, &["ingest", &path.to_string_lossy()]);
        let first = err.lines().nth(1).unwrap_or_default();
        assert!(first.contains(&format!("{file}{place}")), "{file}: first problem should be at {place}, got:\n{err}");
        assert!(first.contains(says), "{file}: should say {says:?}, got:\n{err}");
        assert!(err.contains("the warehouse is unchanged"), "{file}: {err}");
        assert_eq!(wd.checksum(), before, "{file} changed the warehouse");
    }
}

#[test]
fn every_problem_of_a_file_is_listed_up_to_the_limit() {
    let wd = loaded();
    let header = std::fs::read_to_string(repo("tests/data/bad/non_numeric.csv")).unwrap().lines().next().unwrap().to_string();
    let good = std::fs::read_to_string(repo("tests/data/bad/non_numeric.csv")).unwrap().lines().nth(1).unwrap().to_string();
    let rows: Vec<String> = (0..120).map(|i| good.replace("T0001", &format!("T{i:04}")).replace(",13000,", ",x,")).collect();
    std::fs::write(wd.path("many.csv"), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let err = wd.fails(3, &["ingest", "many.csv"]);
    assert!(err.starts_with("error: input rejected: 120 problems"), "{err}");
    assert_eq!(err.lines().filter(|l| l.contains("value \"x\"")).count(), 50, "the default limit lists 50");
    assert!(err.contains("... and 70 more"));
    let err = wd.fails(3, &["ingest", "many.csv", "--max-errors", "5"]);
    assert_eq!(err.lines().filter(|l| l.contains("value \"x\"")).count(), 5);
}

#[test]
fn a_failure_in_a_later_file_leaves_no_trace_of_the_earlier_ones() {
    let wd = loaded();
    let before = wd.checksum();
    let good = |f: &str| repo("tests/data/good").join(f).to_string_lossy().into_owned();
    let bad = |f: &str| repo("tests/data/bad").join(f).to_string_lossy().into_owned();
    // A cell problem in the third file.
    wd.fails(3, &["ingest", &good("new_county.csv"), &good("new_county_schools.csv"), &bad("negative.csv")]);
    assert_eq!(wd.checksum(), before);
    // A whole-load problem (unknown county) found after all files were staged.
    wd.fails(3, &["ingest", &good("new_county.csv"), &good("new_county_schools.csv"), &bad("unknown_county.csv")]);
    assert_eq!(wd.checksum(), before);
    assert_eq!(wd.count("SELECT count(*) FROM counties WHERE county_code = '140199'"), 0);
    // The same good files on their own load.
    wd.ok(&["ingest", &good("new_county.csv"), &good("new_county_schools.csv")]);
    assert_eq!(wd.count("SELECT count(*) FROM schools WHERE county_code = '140199'"), 2);
}

#[test]
fn units_in_headers_and_cells_are_converted() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("datasets/gaoping").to_string_lossy()]);
    let rows = wd.sql(
        "SELECT year, indicator, value, unit FROM county_indicators
         WHERE indicator IN ('edu_budget_expenditure', 'county_matching_paid') ORDER BY indicator, year",
    );
    assert_eq!(
        rows,
        vec![
            vec!["2021", "county_matching_paid", "15459000.0", "元"],
            vec!["2020", "edu_budget_expenditure", "670000000.0", "元"],
            vec!["2021", "edu_budget_expenditure", "720000000.0", "元"],
        ]
    );
    // A school file whose equipment value is in 万元.
    let text = std::fs::read_to_string(repo("tests/data/good/new_county_schools.csv")).unwrap();
    let text = text.replacen("equipment_value_yuan", "equipment_value_yuan（万元）", 1);
    // 900000 万元 is nine billion yuan: beyond the bound, refused with it.
    std::fs::write(wd.path("wan.csv"), &text).unwrap();
    let county = repo("tests/data/good/new_county.csv").to_string_lossy().into_owned();
    let err = wd.fails(3, &["ingest", &county, "wan.csv"]);
    assert!(err.contains("wan.csv:2:15") && err.contains("at most 1,000,000,000 元"), "{err}");
    std::fs::write(wd.path("wan.csv"), text.replace(",900000,", ",90.5,")).unwrap();
    wd.ok(&["ingest", &county, "wan.csv"]);
    assert_eq!(wd.sql("SELECT DISTINCT equipment_value_yuan FROM schools"), vec![vec!["905000.0"]]);
}

#[test]
fn unknown_indicators_load_with_a_warning() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("datasets/gaoping/counties.csv").to_string_lossy()]);
    std::fs::write(wd.path("ind.csv"), "年份,县区代码,指标,数值\n2021,140581,school_closures,29\n2021,140581,学前三年毛入园率,98.03\n").unwrap();
    let out = wd.run(&["ingest", "ind.csv"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in the catalogue (loaded as they are): school_closures"));
    assert_eq!(
        wd.sql("SELECT indicator, value FROM county_indicators ORDER BY 1"),
        vec![vec!["preschool_gross_enrolment_rate", "98.03"], vec!["school_closures", "29.0"]]
    );
}

#[test]
fn missing_paths_and_unknown_formats_are_input_errors() {
    let wd = Workdir::new();
    let err = wd.fails(3, &["ingest", "nowhere.csv"]);
    assert!(err.contains("nowhere.csv: expected an existing file or folder"), "{err}");
    std::fs::write(wd.path("x.doc"), "x").unwrap();
    let err = wd.fails(3, &["ingest", "x.doc"]);
    assert!(err.contains("x.doc: expected a .csv"), "{err}");
}
