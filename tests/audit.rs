//! 数据核查 through the binary (issue 30): an impossible row refused at ingest with its place, and listed by the
//! audit when loaded anyway; a 万元 slip in one school that turns a county's verdict, caught, marked 数据待核实 in
//! `audit --verdicts`, `balance --verdicts`, `evaluate` and the report; the on-site sample's coverage and seed.
//! Each rule at its bounds is tested in `src/audit/tests.rs`; the share of slips caught is measured by
//! `bench/audit_slips.py`.

mod workdir;

use workdir::{Workdir, repo};

/// The sample's 2023 schools of one county, header first, with `change` applied to each row (index, cells).
fn county_file(wd: &Workdir, name: &str, county: &str, change: impl Fn(usize, &mut Vec<String>, &[String])) {
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2023.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut out = vec![header.join(",")];
    for (i, l) in lines.filter(|l| l.split(',').nth(1) == Some(county)).enumerate() {
        let mut cells: Vec<String> = l.split(',').map(String::from).collect();
        change(i, &mut cells, &header);
        out.push(cells.join(","));
    }
    std::fs::write(wd.path(name), out.join("\n") + "\n").unwrap();
}

fn at(header: &[String], column: &str) -> usize {
    header.iter().position(|h| h == column).unwrap()
}

#[test]
fn an_impossible_row_is_refused_with_its_place_and_listed_by_the_audit_when_loaded_anyway() {
    let wd = Workdir::loaded(&["sample"]);
    county_file(&wd, "bad.csv", "140121", |i, cells, header| {
        if i == 2 {
            let teachers: i64 = cells[at(header, "primary_teachers")].parse().unwrap();
            cells[at(header, "primary_degree_teachers")] = (teachers + 3).to_string();
        }
    });
    let err = wd.fails(3, &["ingest", "bad.csv"]);
    assert!(err.contains("bad.csv:4:") && err.contains("column \"primary_degree_teachers\"") && err.contains("a part cannot exceed its whole"), "{err}");
    wd.ok(&["ingest", "--allow-out-of-bounds", "bad.csv"]);
    let note = wd.sql("SELECT note FROM ingest_log WHERE file LIKE '%bad.csv'");
    assert!(note[0][0].contains("impossible rows"), "{note:?}");
    let flags = wd.ok(&["audit", "--county", "140121", "--year", "2023", "--severity", "强制", "--format", "csv"]);
    let rows: Vec<&str> = flags.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{flags}");
    assert!(rows[0].contains("part_above_whole") && rows[0].contains("primary_degree_teachers") && rows[0].contains("部分不能大于整体"), "{flags}");
    // Stored, and printed in every format.
    assert!(wd.count("SELECT count(*) FROM audit WHERE severity = '强制'") >= 1);
    for format in ["json", "tsv", "table"] {
        assert!(wd.ok(&["audit", "--county", "140121", "--year", "2023", "--no-store", "--format", format]).contains("part_above_whole"), "{format}");
    }
}

#[test]
fn a_wan_for_yuan_slip_that_turns_a_verdict_is_caught_and_the_verdict_said_to_need_checking() {
    let wd = Workdir::loaded(&["sample"]);
    // 宁江县 (140122) reaches 优质均衡 in 2023; one school's equipment typed in 万元 makes its CV miss the limit.
    let (county, year) = ("140122", "2023");
    let quality_met = |wd: &Workdir| {
        let out = wd.ok(&["balance", "--verdicts", "--no-store", "--county", county, "--year", year, "--standard", "quality", "--level", "primary", "--format", "csv"]);
        out.lines().nth(1).unwrap().to_string()
    };
    assert!(quality_met(&wd).contains(",true,"), "{}", quality_met(&wd));
    county_file(&wd, "slip.csv", county, |i, cells, header| {
        let e = at(header, "equipment_value_yuan");
        let primary: f64 = cells[at(header, "primary_students")].parse().unwrap_or(0.0);
        if i == 0 && primary > 0.0 {
            let v: f64 = cells[e].parse().unwrap();
            cells[e] = format!("{:.2}", v / 10000.0);
        }
    });
    wd.ok(&["ingest", "slip.csv"]);
    let verdict = quality_met(&wd);
    assert!(verdict.contains(",false,") && verdict.contains("数据待核实"), "the verdict turns, and says it rests on a suspect value: {verdict}");
    let flags = wd.ok(&["audit", "--county", county, "--year", year, "--format", "csv"]);
    let slip: Vec<&str> = flags.lines().filter(|l| l.contains("equipment_value_yuan") && l.contains("unit_slip")).collect();
    assert!(!slip.is_empty(), "{flags}");
    assert!(slip[0].contains("小学优质均衡"), "the flag names the verdict it could change: {}", slip[0]);
    let verdicts = wd.ok(&["audit", "--county", county, "--year", year, "--verdicts", "--format", "csv"]);
    let line = verdicts.lines().find(|l| l.contains(",primary,quality,")).unwrap();
    assert!(line.contains(",false,true,") && line.contains("数据待核实"), "{line}");
    // The report marks it where the verdict is given, and lists the flag in its data-quality section.
    let html = wd.ok(&["report", "--county", county, "--year", year]);
    assert!(html.contains("数据待核实") && html.contains("九、数据质量（数据核查）") && html.contains("教学仪器设备值"), "report");
    // The evaluation's points that rest on the verdict say so.
    let quality = repo("criteria/quality_balance_2017.toml").to_string_lossy().into_owned();
    let rows = wd.ok(&["evaluate", "--scheme", &quality, "--year", year, "--county", county, "--format", "csv"]);
    assert!(rows.lines().any(|l| l.contains("quality_cvs") || l.contains("数据待核实")), "{rows}");
    assert!(rows.contains("数据待核实"), "{rows}");
}

#[test]
fn the_on_site_sample_covers_every_kind_of_school_and_its_seed_draws_the_same_schools() {
    let wd = Workdir::loaded(&["sample"]);
    let sample = |seed: &str| wd.ok(&["audit", "--county", "140121", "--year", "2023", "--sample", "10", "--seed", seed, "--no-store", "--format", "csv"]);
    let a = sample("7");
    assert_eq!(a, sample("7"), "the same seed draws the same schools");
    assert_ne!(a, sample("8"), "another seed draws others");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(a.as_bytes()).records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows.len(), 10);
    // Every urban–rural group and every kind the county has is visited.
    let kinds = wd.sql(
        "SELECT DISTINCT CASE WHEN urban_rural_code < 120 THEN '城区' WHEN urban_rural_code < 200 THEN '镇区' ELSE '乡村' END FROM schools
         WHERE county_code = '140121' AND year = 2023",
    );
    let header = a.lines().next().unwrap();
    let col = |n: &str| header.split(',').position(|h| h == n).unwrap();
    for k in kinds {
        assert!(rows.iter().any(|r| r[col("urban")] == k[0]), "{} visited: {a}", k[0]);
    }
    for kind in ["小学", "初中", "教学点"] {
        let has = wd.count(&format!(
            "SELECT count(*) FROM schools WHERE county_code = '140121' AND year = 2023 AND {}",
            match kind {
                "小学" => "primary_students > 0 AND school_type <> 'teaching_point'",
                "初中" => "junior_students > 0",
                _ => "school_type = 'teaching_point'",
            }
        ));
        if has > 0 {
            assert!(rows.iter().any(|r| r[col("teaches")].contains(kind)), "{kind} visited: {a}");
        }
    }
    assert!(rows.iter().all(|r| r[col("seed")] == "7"));
    // A school with a 强制 flag is always visited.
    county_file(&wd, "bad.csv", "140121", |_, cells, header| {
        let primary: f64 = cells[at(header, "primary_students")].parse().unwrap_or(0.0);
        if cells[at(header, "school_id")].ends_with("05") && primary > 0.0 {
            cells[at(header, "primary_classes")] = "0".into();
        }
    });
    wd.ok(&["ingest", "--allow-out-of-bounds", "bad.csv"]);
    let bad = wd.sql("SELECT school_id FROM schools WHERE county_code = '140121' AND year = 2023 AND primary_classes = 0 AND primary_students > 0");
    assert!(!bad.is_empty());
    for seed in ["7", "8", "9"] {
        let s = sample(seed);
        assert!(s.lines().any(|l| l.contains(&bad[0][0]) && l.contains("强制")), "{s}");
    }
}
