//! The Python package (`python/`): its shipped SQL is the engine's own (`sql-for --dialect duckdb`), and its
//! metrics over a demo warehouse's schools equal the engine's stored rows (python/tests, run with pytest).

mod workdir;

use workdir::{Workdir, repo};

#[test]
fn the_packages_sql_is_what_sql_for_generates() {
    let wd = Workdir::new();
    wd.ok(&["sql-for", "--dialect", "duckdb", "--out-dir", "sql"]);
    let shipped = repo("python/countyedu/sql");
    let bless = std::env::var_os("COUNTYEDU_BLESS").is_some();
    for entry in std::fs::read_dir(wd.path("sql")).unwrap() {
        let entry = entry.unwrap();
        let generated = std::fs::read_to_string(entry.path()).unwrap();
        let target = shipped.join(entry.file_name());
        if bless {
            std::fs::write(&target, &generated).unwrap();
        }
        let found = std::fs::read_to_string(&target).unwrap_or_default();
        assert!(found == generated, "python/countyedu/sql/{:?} is out of date: run COUNTYEDU_BLESS=1 cargo test --test python", entry.file_name());
    }
}

#[test]
fn the_packages_metrics_equal_the_engines_stored_rows() {
    let wd = Workdir::new();
    wd.ok(&["demo", "--db", "demo.duckdb", "--out-dir", "out"]);
    let out = std::process::Command::new("python3")
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(repo("python/tests"))
        .env("PYTHONPATH", repo("python"))
        .env("COUNTYEDU_DB", wd.path("demo.duckdb"))
        .output()
        .expect("python3 runs (pip install -r notebooks/requirements.txt)");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("6 passed"), "every test ran, none skipped: {text}");
}
