//! The benchmark scripts run as README.md says, at a small scale: bench/balance.sh checks every CV of the engine
//! against the expert SQL (bench/expert_cv.sql) before it times anything, and fails on a difference.

mod workdir;

use std::process::Command;

use workdir::repo;

fn script(name: &str, data: &std::path::Path) -> (bool, String) {
    let out = Command::new("bash")
        .arg(repo(&format!("bench/{name}")))
        .env("COUNTIES", "12")
        .env("YEARS", "2022-2023")
        .env("RUNS", "1")
        .env("BENCH_DATA", data)
        // This build's binary: the script must not run cargo inside a test (a nested build with the test's
        // environment rebuilds the dependencies).
        .env("COUNTYEDU_BIN", env!("CARGO_BIN_EXE_countyedu"))
        .output()
        .expect("bash runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_balance_benchmark_checks_the_engine_against_the_expert_sql_first() {
    let data = tempfile::tempdir().unwrap();
    let (ok, out) = script("balance.sh", data.path());
    assert!(ok, "{out}");
    let check = out.lines().find(|l| l.starts_with("check: ")).unwrap_or_else(|| panic!("no check line:\n{out}"));
    assert!(check.contains("CVs of the engine against the expert SQL: 0 differ by more than 1e-9"), "{check}");
    assert!(out.contains("balance --no-store / expert SQL: "), "{out}");
    // What storing costs DuckDB itself, timed over the rows `balance` stored.
    let floor = out.lines().find(|l| l.starts_with("DuckDB's own INSERT of the ")).unwrap_or_else(|| panic!("no storing line:\n{out}"));
    let secs: f64 = floor.split_whitespace().last().unwrap().parse().unwrap();
    assert!(secs > 0.0 && !floor.contains("of the 0 rows"), "{floor}");
    assert!(out.contains("storing alone in DuckDB / expert SQL: "), "{out}");
}

#[test]
fn the_report_benchmark_times_a_county_report_read_from_the_stored_metrics() {
    let data = tempfile::tempdir().unwrap();
    let (ok, out) = script("report.sh", data.path());
    assert!(ok, "{out}");
    for row in ["countyedu report --county ", "countyedu report --province "] {
        let line = out.lines().find(|l| l.starts_with(row)).unwrap_or_else(|| panic!("no {row} row:\n{out}"));
        let secs: f64 = line.split_whitespace().rev().nth(1).unwrap().parse().unwrap();
        assert!(secs > 0.0, "{line}");
    }
}

#[test]
fn the_plan_benchmark_plans_every_county_of_a_year_and_checks_each_plan() {
    let data = tempfile::tempdir().unwrap();
    let (ok, out) = script("plan.sh", data.path());
    assert!(ok, "{out}");
    let check = out.lines().find(|l| l.contains("county-levels missing")).unwrap_or_else(|| panic!("no check line:\n{out}"));
    assert!(check.starts_with("check: "), "{check}");
    assert!(out.lines().any(|l| l.starts_with("countyedu plan --year ")), "{out}");
}
