//! "A stored metric row is never older than its inputs", checked as a property (issue 34, item 2): after a seeded
//! random sequence of loads, `sql --write` changes and computing commands (whole or for one county or year), every
//! row of every stored metric table equals the row that computing everything again from the warehouse's inputs
//! gives. A row may be missing (its inputs were replaced and it was removed); it may never be stale, ranks and
//! comparisons with other counties included.

mod workdir;

use std::collections::BTreeSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use workdir::{Workdir, repo};

const COUNTIES: [&str; 4] = ["140121", "140122", "330121", "620123"];
const YEARS: [i32; 4] = [2020, 2021, 2022, 2023];

fn national() -> String {
    repo("criteria/national.toml").to_string_lossy().into_owned()
}

/// A computing command, and the same command over everything (what the fresh warehouse runs).
fn computing(rng: &mut ChaCha8Rng) -> (Vec<String>, Vec<String>) {
    let county = COUNTIES[rng.random_range(0..COUNTIES.len())].to_string();
    let year = YEARS[rng.random_range(0..YEARS.len())].to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let (mut run, whole) = match rng.random_range(0..9) {
        0 => (s(&["balance", "--county", &county]), s(&["balance"])),
        1 => (s(&["balance", "--checks", "--year", &year]), s(&["balance"])),
        2 => (s(&["equity", "--county", &county]), s(&["equity"])),
        3 => (s(&["equity", "--across", "province"]), s(&["equity", "--across", "province"])),
        4 => (s(&["urban-rural", "--year", &year]), s(&["urban-rural"])),
        5 => (s(&["growth"]), s(&["growth"])),
        6 => (s(&["growth", "--window", "--from", "2019", "--to", "2022"]), s(&["growth", "--window", "--from", "2019", "--to", "2022"])),
        7 => (s(&["evaluate", "--scheme", &national(), "--year", &year]), s(&["evaluate", "--scheme", &national(), "--year", &year])),
        _ => (s(&["plan", "--county", &county, "--year", &year]), s(&["plan", "--year", &year])),
    };
    run.extend(s(&["--format", "csv"]));
    (run, whole.into_iter().chain(s(&["--format", "csv"])).collect())
}

/// One county-year of the sample's schools, every number of one column scaled: a new load of that county-year.
fn changed_schools(wd: &Workdir, rng: &mut ChaCha8Rng, step: usize) -> String {
    let county = COUNTIES[rng.random_range(0..COUNTIES.len())];
    let year = YEARS[rng.random_range(0..YEARS.len())];
    let text = std::fs::read_to_string(repo(&format!("datasets/sample/schools_{year}.csv"))).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let column = ["books", "computers", "teaching_area_m2", "primary_teachers"][rng.random_range(0..4)];
    let at = header.split(',').position(|c| c == column).unwrap();
    let factor = [0.5, 2.0, 3.0][rng.random_range(0..3)];
    let rows: Vec<String> = lines
        .filter(|l| l.split(',').nth(1) == Some(county))
        .map(|l| {
            let mut cells: Vec<String> = l.split(',').map(String::from).collect();
            if let Ok(v) = cells[at].parse::<f64>() {
                cells[at] = format!("{}", (v * factor).round());
            }
            cells.join(",")
        })
        .collect();
    let name = format!("again_{step}.csv");
    std::fs::write(wd.path(&name), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    name
}

/// A change a user makes with `sql --write`.
fn user_change(rng: &mut ChaCha8Rng) -> String {
    let county = COUNTIES[rng.random_range(0..COUNTIES.len())];
    let year = YEARS[rng.random_range(0..YEARS.len())];
    match rng.random_range(0..3) {
        0 => format!("UPDATE schools SET books = books * 2 WHERE county_code = '{county}' AND year = {year}"),
        1 => format!("UPDATE county_indicators SET value = value * 0.9 WHERE county_code = '{county}' AND year = {year} AND indicator = 'edu_budget_expenditure'"),
        _ => format!("DELETE FROM schools WHERE county_code = '{county}' AND year = {year} AND school_id = (SELECT max(school_id) FROM schools WHERE county_code = '{county}' AND year = {year})"),
    }
}

/// The metric tables a warehouse holds.
fn metric_tables(wd: &Workdir, db: &str) -> Vec<String> {
    let declared: BTreeSet<&str> = countyedu::results::RESULT_TABLES.iter().map(|t| t.name).collect();
    wd.sql_on(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1")
        .into_iter()
        .map(|r| r[0].clone())
        .filter(|t| declared.contains(t.as_str()))
        .collect()
}

/// Rows of `w.duckdb`'s metric tables that a computation over everything, from the same inputs, does not give.
fn stale_rows(wd: &Workdir, whole: &BTreeSet<Vec<String>>) -> Vec<String> {
    std::fs::copy(wd.path("w.duckdb"), wd.path("fresh.duckdb")).unwrap();
    let wal = wd.path("w.duckdb.wal");
    let _ = std::fs::remove_file(wd.path("fresh.duckdb.wal"));
    if wal.exists() {
        std::fs::copy(wal, wd.path("fresh.duckdb.wal")).unwrap();
    }
    for args in whole {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--db", "fresh.duckdb"]);
        wd.ok(&a);
    }
    let conn = duckdb::Connection::open_in_memory().unwrap();
    let attach = |path: std::path::PathBuf, name: &str| {
        conn.execute_batch(&format!("ATTACH '{}' AS {name} (READ_ONLY)", path.display())).unwrap();
    };
    attach(wd.path("w.duckdb"), "w");
    attach(wd.path("fresh.duckdb"), "fresh");
    let mut stale = Vec::new();
    for t in metric_tables(wd, "w.duckdb") {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM (SELECT * FROM w.\"{t}\" EXCEPT ALL SELECT * FROM fresh.\"{t}\")"), [], |r| r.get(0))
            .unwrap();
        if n > 0 {
            stale.push(format!("{t}: {n} row(s)"));
        }
    }
    drop(conn);
    std::fs::remove_file(wd.path("fresh.duckdb")).unwrap();
    stale
}

#[test]
fn no_stored_metric_row_is_older_than_its_inputs_after_a_random_sequence() {
    let wd = Workdir::loaded(&["sample"]);
    let seed: u64 = std::env::var("STALE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(34);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Every metric table stored first, so that each change has rows to leave stale.
    let mut whole: BTreeSet<Vec<String>> = BTreeSet::new();
    for args in [
        vec!["compute"],
        vec!["equity", "--across", "province", "--format", "csv"],
        vec!["growth", "--window", "--from", "2019", "--to", "2022", "--format", "csv"],
        vec!["evaluate", "--scheme", &national(), "--year", "2022", "--format", "csv"],
        vec!["plan", "--year", "2022", "--format", "csv"],
    ] {
        wd.ok(&args);
        whole.insert(args.iter().map(|x| x.to_string()).collect());
    }
    let mut log = Vec::new();
    for step in 0..6 {
        let did = match rng.random_range(0..4) {
            0 => {
                let file = changed_schools(&wd, &mut rng, step);
                wd.ok(&["ingest", &file]);
                format!("ingest {file}")
            }
            1 => {
                let sql = user_change(&mut rng);
                wd.ok(&["sql", "--write", &sql]);
                format!("sql --write {sql}")
            }
            _ => {
                let (run, full) = computing(&mut rng);
                wd.ok(&run.iter().map(String::as_str).collect::<Vec<_>>());
                whole.insert(full);
                run.join(" ")
            }
        };
        log.push(did);
        let stale = stale_rows(&wd, &whole);
        assert!(stale.is_empty(), "seed {seed}, after {log:#?}: stale rows in {stale:?}");
    }
    eprintln!("seed {seed}: no stale row after {log:#?}");
}
