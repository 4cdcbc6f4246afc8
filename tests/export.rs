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

/// Issue 33: every column explains itself in the warehouse (DuckDB column comments) and in the export's schema
/// file, and the schema file's account of how each reader types the hive `year` is what the readers do.
#[test]
fn every_column_has_a_comment_and_the_export_a_schema_whose_year_casts_hold() {
    let wd = Workdir::new();
    wd.ok(&["demo", "--db", "demo.duckdb", "--out-dir", "out"]);
    let bare = wd.sql_on(
        "demo.duckdb",
        "SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '') ORDER BY 1",
    );
    assert!(bare.is_empty(), "columns without a comment: {bare:?}");
    let cv = wd.sql_on("demo.duckdb", "SELECT comment FROM duckdb_columns() WHERE table_name = 'balance_cv' AND column_name = 'cv'");
    assert!(cv[0][0].contains("差异系数"), "{cv:?}");
    wd.ok(&["export", "--db", "demo.duckdb", "--to", "export"]);
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(wd.path("export/schema.json")).unwrap()).unwrap();
    let tables = schema["tables"].as_array().unwrap();
    let n_tables = wd.sql_on("demo.duckdb", "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'")[0][0].parse::<usize>().unwrap();
    assert_eq!(tables.len(), n_tables);
    for t in tables {
        for c in t["columns"].as_array().unwrap() {
            assert!(!c["meaning"].as_str().unwrap().is_empty(), "{}.{}", t["name"], c["name"]);
        }
    }
    let cv = tables.iter().find(|t| t["name"] == "balance_cv").unwrap();
    assert_eq!(cv["partitioned_by"], "year");
    // Each code column a CSV reader is told to read as text is a column of the export.
    for c in schema["csv_text_columns"].as_array().unwrap() {
        assert!(tables.iter().any(|t| t["columns"].as_array().unwrap().iter().any(|x| x["name"] == *c)), "{c}");
    }
    // The casts of the schema file, run by each reader over the export (the readers of notebooks/requirements.txt).
    let script = r#"
import json, sys
import duckdb, polars as pl, pandas as pd, pyarrow.parquet as pq
d = sys.argv[1]
s = json.load(open(f"{d}/schema.json"))
hive = dict(s["hive_year"])
t = f"{d}/balance_cv"
assert "BIGINT" in hive["duckdb"] and duckdb.sql(f"SELECT typeof(year) FROM read_parquet('{t}/**/*.parquet', hive_partitioning = true) LIMIT 1").fetchall()[0][0] == "BIGINT"
assert "Int64" in hive["polars"] and pl.scan_parquet(f"{t}/**/*.parquet", hive_partitioning=True).collect().schema["year"] == pl.Int64
assert pl.scan_parquet(f"{t}/**/*.parquet", hive_partitioning=True).with_columns(pl.col('year').cast(pl.Int32)).collect().schema["year"] == pl.Int32
df = pd.read_parquet(t)
assert "Categorical" in hive["pandas"] and isinstance(df["year"].dtype, pd.CategoricalDtype)
df['year'] = df['year'].astype('int32'); assert str(df["year"].dtype) == "int32"
a = pq.read_table(t)
assert "dictionary" in hive["pyarrow"] and str(a.schema.field("year").type).startswith("dictionary<values=int32")
a = a.set_column(a.schema.get_field_index('year'), 'year', a['year'].cast('int32')); assert str(a.schema.field("year").type) == "int32"
print("ok")
"#;
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(wd.path("export")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
