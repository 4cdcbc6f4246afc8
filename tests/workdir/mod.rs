//! Test helper: runs the real `countyedu` binary in a temporary folder with its own warehouse.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    pub dir: tempfile::TempDir,
}

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A work folder whose warehouse holds the shipped datasets named (`sample`, `gaoping`).
    pub fn loaded(datasets: &[&str]) -> Workdir {
        let wd = Workdir::new();
        let paths: Vec<String> = datasets.iter().map(|d| repo(&format!("datasets/{d}")).to_string_lossy().into_owned()).collect();
        let mut args = vec!["ingest"];
        args.extend(paths.iter().map(String::as_str));
        wd.ok(&args);
        wd
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> PathBuf {
        self.path("w.duckdb")
    }

    /// Runs the binary with the work folder as working directory and its warehouse as COUNTYEDU_DB.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_countyedu"))
            .args(args)
            .current_dir(self.dir.path())
            .env("COUNTYEDU_DB", self.db())
            .output()
            .expect("the binary runs")
    }

    /// Runs the binary, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "countyedu {args:?} failed with {:?}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs the binary, asserts the exit code, returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "countyedu {args:?}: stderr:\n{stderr}");
        assert!(out.stdout.is_empty(), "stdout must stay empty on error, got {:?}", String::from_utf8_lossy(&out.stdout));
        stderr
    }

    /// A query's result as CSV rows (header dropped), each row split into fields.
    pub fn sql(&self, query: &str) -> Vec<Vec<String>> {
        let text = self.ok(&["sql", "--format", "csv", query]);
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        rdr.records().map(|r| r.expect("csv").iter().map(String::from).collect()).collect()
    }

    /// A query's result on another warehouse of the work folder, as CSV rows (header dropped).
    pub fn sql_on(&self, db: &str, query: &str) -> Vec<Vec<String>> {
        let text = self.ok(&["sql", "--db", db, "--format", "csv", query]);
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        rdr.records().map(|r| r.expect("csv").iter().map(String::from).collect()).collect()
    }

    /// One number from a query.
    pub fn count(&self, query: &str) -> i64 {
        self.sql(query)[0][0].parse().expect("a number")
    }

    /// Row count and an order-independent content hash of every warehouse table.
    pub fn checksum(&self) -> Vec<Vec<String>> {
        self.sql(
            "SELECT 'counties', count(*), coalesce(sum(hash(t)), 0) FROM counties t
             UNION ALL SELECT 'schools', count(*), coalesce(sum(hash(t)), 0) FROM schools t
             UNION ALL SELECT 'county_indicators', count(*), coalesce(sum(hash(t)), 0) FROM county_indicators t
             UNION ALL SELECT 'ingest_log', count(*), coalesce(sum(hash(t)), 0) FROM ingest_log t
             ORDER BY 1",
        )
    }
}

/// Data rows of a CSV file, counted by an independent parser.
pub fn csv_rows(path: &Path) -> usize {
    csv::Reader::from_path(path).expect("readable csv").records().count()
}
