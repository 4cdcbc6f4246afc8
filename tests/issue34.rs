//! Regression tests of issue 34, one per defect a new user found (each failed on the main of before): a report of a
//! year without data, stale ranks, rules that accepted nonsense, an unsafe Markdown report, a hang and a panic on
//! values no computation takes, a crash on a closed pipe, an empty warehouse left behind, and the lesser ones. The
//! property that no stored row is older than its inputs is checked in `tests/stale.rs`.

mod workdir;

use std::process::Command;

use workdir::{Workdir, repo};

fn national() -> String {
    repo("criteria/national.toml").to_string_lossy().into_owned()
}

/// A work folder whose warehouse holds the sample, and a file of one county's 2021 schools, header first.
fn one_county_schools(wd: &Workdir, county: &str) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2021.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let rows = lines.filter(|l| l.split(',').nth(1) == Some(county)).map(String::from).collect();
    let _ = wd;
    (header, rows)
}

/// Sets `column` of the row `row` (a CSV line) to `value`.
fn set(header: &str, row: &str, column: &str, value: &str) -> String {
    let at = header.split(',').position(|c| c == column).unwrap();
    let mut cells: Vec<&str> = row.split(',').collect();
    cells[at] = value;
    cells.join(",")
}

#[test]
fn issue34_01_a_year_without_data_is_refused_whatever_the_year() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    for year in ["2010", "2015", "2030"] {
        let err = wd.fails(2, &["report", "--county", "140121", "--year", year]);
        assert!(err.contains(&format!("no data of 长华县 for {year}")) && err.contains("its schools: 2016–2023"), "{year}: {err}");
        let err = wd.fails(2, &["report", "--province", "140000", "--year", year]);
        assert!(err.contains(&format!("no data of its counties for {year}")), "{year}: {err}");
    }
    // A year with data still gives a report, and 高平市 (county indicators only) its 2021 report.
    assert!(wd.ok(&["report", "--county", "140121", "--year", "2023"]).contains("<html"));
    assert!(wd.ok(&["report", "--county", "140581", "--year", "2021"]).contains("高平市"));
}

#[test]
fn issue34_02_replacing_one_county_removes_the_ranks_that_compared_others_with_it() {
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["growth", "--format", "csv"]);
    wd.ok(&["growth", "--window", "--from", "2019", "--to", "2022", "--format", "csv"]);
    wd.ok(&["evaluate", "--scheme", &national(), "--year", "2021", "--format", "csv"]);
    let count = |table: &str, filter: &str| wd.count(&format!("SELECT count(*) FROM {table} WHERE {filter}"));
    let other = "county_code = '140122' AND year IN (2021, 2022)";
    assert!(count("growth", other) > 0 && count("evaluation_summary", "county_code = '140122' AND year = 2021") > 0);
    // 长华县's 2021 schools loaded again, with twice the books: 140122's ranks compared it with the old ones.
    let (header, rows) = one_county_schools(&wd, "140121");
    let at = header.split(',').position(|c| c == "books").unwrap();
    let doubled: Vec<String> = rows
        .iter()
        .map(|r| {
            let v: f64 = r.split(',').nth(at).unwrap().parse().unwrap();
            set(&header, r, "books", &format!("{}", v * 2.0))
        })
        .collect();
    std::fs::write(wd.path("again.csv"), format!("{header}\n{}\n", doubled.join("\n"))).unwrap();
    wd.ok(&["ingest", "again.csv"]);
    assert_eq!(count("growth", other), 0, "the growth ranks of the province's other counties went with it");
    assert_eq!(count("growth_window", "county_code = '140122'"), 0);
    assert_eq!(count("evaluation_summary", "county_code = '140122' AND year = 2021"), 0, "the evaluation the reports rank");
    assert!(count("growth", "county_code = '330121' AND year = 2021") > 0, "another province's rows stay");
    assert!(count("growth", "county_code = '140122' AND year = 2019") > 0, "other years stay");
    // The same through sql --write.
    wd.ok(&["growth", "--format", "csv"]);
    wd.ok(&["sql", "--write", "UPDATE county_indicators SET value = value * 2 WHERE county_code = '330121' AND year = 2020"]);
    assert_eq!(count("growth", "county_code = '330122' AND year IN (2020, 2021)"), 0);
    assert!(count("growth", "county_code = '140122' AND year = 2020") > 0);
}

/// A rules folder holding one file.
fn rules(wd: &Workdir, name: &str, file: &str, text: &str) -> String {
    std::fs::create_dir_all(wd.path(name)).unwrap();
    std::fs::write(wd.path(name).join(file), text).unwrap();
    name.to_string()
}

#[test]
fn issue34_03_every_rule_value_is_checked_against_its_domain_with_its_line() {
    let wd = Workdir::loaded(&["sample"]);
    let cases = [
        ("cv", "balance.toml", "# limits\n[quality.cv_max]\nprimary = -0.5\n", "cv/balance.toml:3: quality.cv_max.primary = -0.5: expected a CV limit > 0"),
        ("split", "balance.toml", "[split.nine_year]\njunior = -1.1\n", "split/balance.toml:2: split.nine_year.junior = -1.1: expected a weight > 0"),
        ("ratio", "balance.toml", "[quality.school_rule]\nmin_met = 6\nmin_ratio = 1.5\n", "ratio/balance.toml:3: quality.school_rule.min_ratio = 1.5: expected a share of the standard > 0 and ≤ 1"),
        ("met", "balance.toml", "quality.school_rule.min_met = 0\n", "met/balance.toml:1: quality.school_rule.min_met = 0: expected a number of standards from 1 to 7"),
        ("std", "balance.toml", "[quality.standards.junior]\nsports_area_per_student = 0\n", "std/balance.toml:2: quality.standards.junior.sports_area_per_student = 0: expected a standard > 0"),
        ("size", "balance.toml", "[size]\nclass_max_primary = -45\n", "size/balance.toml:2: size.class_max_primary = -45: expected a number of pupils or classes > 0"),
        ("fund", "funding.toml", "boarder_supplement_yuan = -200\n", "fund/funding.toml:1: boarder_supplement_yuan = -200: expected an amount of 元 ≥ 0"),
        (
            "floor",
            "funding_standards.csv",
            "scope,region,level,from_year,amount,source\n140000,all,primary,2021,-930,晋\n",
            "floor/funding_standards.csv:2: amount -930: expected an amount of 元 per pupil ≥ 0",
        ),
    ];
    for (dir, file, text, said) in cases {
        let dir = rules(&wd, dir, file, text);
        let err = wd.fails(2, &["balance", "--no-store", "--rules", &dir]);
        assert!(err.contains(said), "{dir}: {err}");
        wd.fails(2, &["evaluate", "--scheme", &national(), "--year", "2021", "--rules", &dir]);
    }
    // Two problems in one file are both named.
    let dir = rules(&wd, "two", "balance.toml", "[quality.cv_max]\nprimary = -0.5\njunior = 0\n");
    let err = wd.fails(2, &["balance", "--no-store", "--rules", &dir]);
    assert!(err.contains("balance.toml:2:") && err.contains("balance.toml:3:"), "{err}");
    // The costs file is held to the same: a price beyond any real one is refused with its line.
    let costs = std::fs::read_to_string(repo("config/costs.toml")).unwrap().replace("multimedia_room_yuan = 40000", "multimedia_room_yuan = 1e300");
    std::fs::write(wd.path("costs.toml"), &costs).unwrap();
    let line = costs.lines().position(|l| l.starts_with("multimedia_room_yuan")).unwrap() + 1;
    let err = wd.fails(2, &["plan", "--year", "2021", "--costs", "costs.toml", "--no-store"]);
    assert!(err.contains(&format!("costs.toml:{line}: building.multimedia_room_yuan = 1e300: expected a number ≥ 0 and at most 1,000,000,000")), "{err}");
    // The planner's costs stay within what a sum can hold: the national plan's total is printed as a number.
    let out = wd.run(&["plan", "--year", "2021", "--no-store", "--summary", "--format", "csv"]);
    assert!(out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("9,223,372,036,854,775,807"));
}

#[test]
fn issue34_04_a_markdown_report_escapes_every_name_and_the_extension_chooses_the_format() {
    let wd = Workdir::new();
    let counties = std::fs::read_to_string(repo("datasets/sample/counties.csv"))
        .unwrap()
        .replace("长华县", "<script>alert(1)</script>县");
    std::fs::write(wd.path("counties.csv"), counties).unwrap();
    let (header, rows) = one_county_schools(&wd, "140121");
    let name_at = header.split(',').position(|c| c == "school_name").unwrap();
    let named: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| if i == 0 { set(&header, r, "school_name", "![img](http://example.com/x.png)*小学*") } else { r.clone() })
        .collect();
    assert_eq!(named[0].split(',').nth(name_at), Some("![img](http://example.com/x.png)*小学*"));
    std::fs::write(wd.path("schools.csv"), format!("{header}\n{}\n", named.join("\n"))).unwrap();
    wd.ok(&["ingest", "counties.csv", "schools.csv"]);
    wd.ok(&["report", "--county", "140121", "--year", "2021", "-o", "r.md"]);
    let md = std::fs::read_to_string(wd.path("r.md")).unwrap();
    assert!(md.starts_with("# "), "the .md file holds Markdown: {}", &md[..80.min(md.len())]);
    assert!(!md.contains("<script") && md.contains("&lt;script&gt;"), "{md}");
    assert!(!md.contains("![img](http"), "no live remote image");
    assert!(!md.contains("<html"));
    // --format still wins over the extension; an extension a report is not written as is refused.
    wd.ok(&["report", "--county", "140121", "--year", "2021", "--format", "html", "-o", "r2.md"]);
    assert!(std::fs::read_to_string(wd.path("r2.md")).unwrap().contains("<html"));
    let err = wd.fails(2, &["report", "--county", "140121", "--year", "2021", "-o", "r.txt"]);
    assert!(err.contains("use .html or .md"), "{err}");
}

#[test]
fn issue34_05_values_no_computation_takes_are_refused_and_nothing_waits_on_a_dead_worker() {
    let wd = Workdir::loaded(&["sample"]);
    let (header, rows) = one_county_schools(&wd, "140121");
    // Beyond BIGINT: refused even with --allow-out-of-bounds, with the ceiling named.
    let huge = set(&header, &rows[0], "books", "10000000000000000000");
    std::fs::write(wd.path("huge.csv"), format!("{header}\n{huge}\n")).unwrap();
    let err = wd.fails(3, &["ingest", "--allow-out-of-bounds", "huge.csv"]);
    assert!(err.contains("at most 10,000,000,000 册 even with --allow-out-of-bounds"), "{err}");
    // Beyond the bound but within the ceiling: loaded with the flag, and every computation completes.
    let large: Vec<String> = rows.iter().enumerate().map(|(i, r)| if i == 0 { set(&header, r, "books", "9000000000") } else { r.clone() }).collect();
    std::fs::write(wd.path("large.csv"), format!("{header}\n{}\n", large.join("\n"))).unwrap();
    wd.fails(3, &["ingest", "large.csv"]);
    wd.ok(&["ingest", "--allow-out-of-bounds", "large.csv"]);
    for args in [
        vec!["balance", "--no-store", "--format", "csv"],
        vec!["equity", "--no-store", "--format", "csv"],
        vec!["urban-rural", "--no-store", "--format", "csv"],
        vec!["compute"],
        vec!["plan", "--year", "2021", "--county", "140121", "--no-store", "--format", "csv"],
    ] {
        wd.ok(&args);
    }
    // NaN and infinity written by a user's SQL are refused, and the warehouse is unchanged.
    let before = wd.checksum();
    for value in ["'NaN'::DOUBLE", "'Infinity'::DOUBLE", "1e300"] {
        let err = wd.fails(4, &["sql", "--write", &format!("UPDATE schools SET equipment_value_yuan = {value} WHERE school_id = '14012100001' AND year = 2021")]);
        assert!(err.contains("schools.equipment_value_yuan") && err.contains("nothing was changed"), "{value}: {err}");
    }
    let err = wd.fails(4, &["sql", "--write", "UPDATE county_indicators SET value = 'NaN'::DOUBLE WHERE county_code = '140121' AND year = 2021"]);
    assert!(err.contains("county_indicators.value = nan"), "{err}");
    assert_eq!(wd.checksum(), before);
}

/// Runs the binary with stdout and stderr on a pipe whose reader is gone (`2>&1 | true`); the exit code.
fn closed_pipe(wd: &Workdir, args: &[&str]) -> Option<i32> {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_countyedu"))
        .args(args)
        .current_dir(wd.dir.path())
        .env("COUNTYEDU_DB", wd.db())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .status()
        .unwrap();
    status.code()
}

#[test]
fn issue34_06_a_closed_pipe_never_crashes_a_command_and_keeps_its_exit_code() {
    let wd = Workdir::loaded(&["sample"]);
    // About 120 KB of problems (every school of a year with a bad cell) into a closed pipe: exit 3, not 101.
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2021.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let bad: Vec<String> = lines.map(|l| set(header, l, "books", "many")).collect();
    std::fs::write(wd.path("bad.csv"), format!("{header}\n{}\n", bad.join("\n"))).unwrap();
    assert_eq!(closed_pipe(&wd, &["ingest", "--max-errors", "5000", "bad.csv"]), Some(3));
    // Every command, its stdout and stderr both closed: the code it exits with when they are open (0 here).
    let sample = repo("datasets/sample").to_string_lossy().into_owned();
    let scheme = national();
    let commands: Vec<Vec<&str>> = vec![
        vec!["ingest", &sample],
        vec!["sql", "SELECT * FROM schools"],
        vec!["sql-for", "balance-cv"],
        vec!["query", "list"],
        vec!["export", "--to", "ex"],
        vec!["balance"],
        vec!["balance", "--no-store"],
        vec!["query", "balance_failing", "--param", "year=2021"],
        vec!["equity"],
        vec!["urban-rural"],
        vec!["growth"],
        vec!["compute"],
        vec!["evaluate", "--scheme", &scheme, "--year", "2021"],
        vec!["rank", "--scheme", &scheme, "--year", "2021"],
        vec!["plan", "--year", "2021", "--county", "140121"],
        vec!["report", "--county", "140121", "--year", "2021"],
        vec!["generate", "gen", "--counties", "2"],
        vec!["demo", "--db", "demo.duckdb", "--out-dir", "out"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["help"],
        vec!["--help"],
        vec!["--version"],
    ];
    for args in commands {
        assert_eq!(closed_pipe(&wd, &args), Some(0), "countyedu {args:?}");
    }
    // A failing command keeps its own code.
    assert_eq!(closed_pipe(&wd, &["sql", "SELEC 1"]), Some(4));
    assert_eq!(closed_pipe(&wd, &["balance", "--db", "none.duckdb"]), Some(5));
}

#[test]
fn issue34_07_a_refused_first_load_leaves_no_file() {
    let wd = Workdir::new();
    std::fs::write(wd.path("bad.csv"), "year,county_code\n2021,x\n").unwrap();
    wd.fails(3, &["ingest", "--db", "new.duckdb", "bad.csv"]);
    assert!(!wd.path("new.duckdb").exists() && !wd.path("new.duckdb.wal").exists(), "no warehouse is left behind");
    let err = wd.fails(5, &["balance", "--db", "new.duckdb"]);
    assert!(err.contains("no warehouse here"), "{err}");
    // A refused load into an existing warehouse leaves it there, as it was.
    let wd = Workdir::loaded(&["sample"]);
    let before = wd.checksum();
    std::fs::write(wd.path("bad.csv"), "year,county_code\n2021,x\n").unwrap();
    wd.fails(3, &["ingest", "bad.csv"]);
    assert_eq!(wd.checksum(), before);
}

#[test]
fn issue34_08_lesser_defects() {
    let wd = Workdir::loaded(&["sample"]);
    // A plan priced beyond any real price is refused, not printed as 9,223,372,036,854,775,807 元 (issue34_03).
    // sql-for --out-dir writes the files its help names.
    let help = wd.ok(&["sql-for", "--help"]);
    wd.ok(&["sql-for", "--out-dir", "sql"]);
    let mut written: Vec<String> = std::fs::read_dir(wd.path("sql")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, ["balance_cv.sql", "growth.sql", "units.sql", "urban_rural.sql"]);
    for file in &written {
        assert!(help.contains(file.as_str()), "--help names {file}: {help}");
    }
    // Completions offer no removed flag.
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = wd.ok(&["completions", shell]);
        for removed in ["--config", "--standards", "-l config", "-l standards", "--per-student", "-l per-student"] {
            assert!(!script.contains(removed), "{shell} offers {removed}");
        }
        assert!(script.contains("rules") && script.contains("wait"), "{shell}");
    }
    // The removed flags still say what replaced them.
    let err = wd.fails(2, &["balance", "--config", "x.toml"]);
    assert!(err.contains("replaced by --rules DIR"), "{err}");
    // A CV every school's reported 0 leaves undefined is said as such, not as 待填报 (not reported).
    wd.ok(&["sql", "--write", "UPDATE schools SET multimedia_rooms = 0 WHERE county_code = '140121' AND year = 2021"]);
    let html = wd.ok(&["report", "--county", "140121", "--year", "2021"]);
    // (The CV tables' rows: the indicator, its schools, its CV, its limit 0.500 or 0.450, the verdict.)
    let rows: Vec<&str> = html
        .split("<tr>")
        .filter(|r| r.starts_with("<td>每百名学生拥有网络多媒体教室数</td>") && (r.contains(">0.500<") || r.contains(">0.450<")))
        .collect();
    assert_eq!(rows.len(), 2, "{html}");
    assert!(rows.iter().all(|r| r.contains("均为 0，无差异系数") && !r.contains("待填报")), "{rows:?}");
    // The Chinese report names the planner's resources in Chinese, and no configuration path.
    assert!(!html.contains("degree_teachers") && !html.contains("config/costs.toml"), "English column names in the Chinese report");
    // The planner's notes are said once, on stderr and in the summary's note.
    let summary = wd.ok(&["plan", "--year", "2021", "--no-store", "--summary", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&summary).unwrap();
    for r in rows.as_array().unwrap() {
        let notes: Vec<&str> = r["note"].as_str().unwrap_or("").split('；').filter(|n| !n.is_empty()).collect();
        let mut unique = notes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), notes.len(), "{notes:?}");
    }
    let out = wd.run(&["plan", "--year", "2021", "--no-store", "--format", "csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note:")).collect();
    let all = notes.len();
    notes.sort();
    notes.dedup();
    assert_eq!(notes.len(), all, "{stderr}");
}
