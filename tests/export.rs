//! `countyedu export`: Parquet files that read back to the same rows, and CSV for Excel.

mod workdir;

use workdir::Workdir;

#[test]
fn the_parquet_export_round_trips_every_table() {
    let wd = Workdir::new();
    wd.ok(&["demo", "--db", "demo.duckdb", "--out-dir", "out"]);
    wd.ok(&["export", "--db", "demo.duckdb", "--to", "export"]);
    let tables = wd.sql_on("demo.duckdb", "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1");
    assert!(tables.len() >= 14, "{tables:?}");
    assert!(wd.path("export/balance_cv/year=2021").is_dir(), "hive partitions by year");
    for t in tables.iter().map(|r| r[0].clone()) {
        let cols = wd.sql_on("demo.duckdb", &format!("SELECT column_name FROM duckdb_columns() WHERE table_name = '{t}' ORDER BY column_index"));
        let hashed = cols.iter().map(|c| format!("CAST(\"{}\" AS VARCHAR)", c[0])).collect::<Vec<_>>().join(", ");
        let sum = |from: &str| wd.sql_on("demo.duckdb", &format!("SELECT count(*), coalesce(sum(hash({hashed})), 0) FROM {from}"));
        let files = wd.path(&format!("export/{t}")).to_string_lossy().into_owned();
        let back = sum(&format!("read_parquet('{files}/**/*.parquet', hive_partitioning = true)"));
        assert_eq!(sum(&format!("\"{t}\"")), back, "{t}");
    }
}

#[test]
fn csv_exports_are_one_file_per_table_with_an_optional_bom() {
    let wd = Workdir::new();
    wd.ok(&["demo", "--db", "demo.duckdb", "--out-dir", "out"]);
    wd.ok(&["export", "--db", "demo.duckdb", "--to", "csv", "--format", "csv", "--bom"]);
    let text = std::fs::read(wd.path("csv/counties.csv")).unwrap();
    assert!(text.starts_with(b"\xEF\xBB\xBFcounty_code,county_name"));
    let rows = csv::Reader::from_path(wd.path("csv/schools.csv")).unwrap().records().count();
    assert_eq!(rows as i64, wd.sql_on("demo.duckdb", "SELECT count(*) FROM schools")[0][0].parse::<i64>().unwrap());
}
