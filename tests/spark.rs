//! Past one machine: the portable metric SQL (`countyedu sql-for`) is what the engine runs, follows a province's
//! rules, parses as Trino SQL, and Spark (local mode, spark/countyedu_job.py) computes from `countyedu export`'s
//! Parquet the same CVs as the engine.

mod workdir;

use std::path::Path;
use std::process::Command;

use workdir::{Workdir, repo};

/// Python with the packages of spark/requirements.txt (CI installs them and sets COUNTYEDU_SPARK_TESTS=1, which
/// makes their absence a failure); `None` here when they are missing.
fn python_with(module: &str) -> Option<()> {
    let ok = Command::new("python3").args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("COUNTYEDU_SPARK_TESTS").is_none(), "COUNTYEDU_SPARK_TESTS is set and python3 cannot import {module}");
        eprintln!("skipped: python3 has no {module} (pip install -r spark/requirements.txt; COUNTYEDU_SPARK_TESTS=1 requires it)");
    }
    ok.then_some(())
}

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3").arg("-c").arg(script).args(args).output().expect("python3 runs");
    assert!(out.status.success(), "python failed:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_portable_sql_is_the_sql_the_engine_runs_and_is_shipped_as_generated() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    wd.ok(&["balance"]);
    // Each metric's DuckDB text, run over the warehouse, gives the engine's stored rows.
    wd.ok(&["urban-rural"]);
    wd.ok(&["growth"]);
    let texts = [
        portable_matches(
            &wd,
            "balance-cv",
            "balance_cv",
            &["year", "county_code", "level", "standard", "indicator"],
            &["n_schools", "n_missing", "students", "mean", "sd", "cv", "min", "max", "threshold"],
            &["met", "note", "rules_hash"],
            "true",
        ),
        portable_matches(
            &wd,
            "urban-rural",
            "urban_rural",
            &["year", "county_code", "level", "standard", "indicator", "grouping"],
            &["schools_urban", "students_urban", "mean_urban", "schools_town", "students_town", "mean_town", "schools_rural", "students_rural", "mean_rural", "rural_urban_ratio", "town_urban_ratio", "gap_urban_rural"],
            &["rules_hash"],
            "grouping = 'three'",
        ),
        portable_matches(
            &wd,
            "growth",
            "growth",
            &["year", "county_code", "indicator"],
            &["value", "previous_value", "change", "pct_change", "rank_in_prefecture", "rank_in_province"],
            &["rules_hash"],
            "indicator IN (SELECT indicator FROM county_indicators) AND indicator <> 'edu_expenditure_per_student'",
        ),
        wd.ok(&["sql-for", "units", "--dialect", "duckdb"]),
    ];
    // spark/sql/ holds exactly what sql-for writes for the national rules.
    let out = wd.path("sql");
    wd.ok(&["sql-for", "--dialect", "spark", "--out-dir", &out.to_string_lossy()]);
    for f in ["units.sql", "balance_cv.sql", "urban_rural.sql", "growth.sql"] {
        let shipped = std::fs::read_to_string(repo(&format!("spark/sql/{f}"))).unwrap();
        let now = std::fs::read_to_string(out.join(f)).unwrap();
        let strip = |t: &str| t.lines().filter(|l| !l.starts_with("-- title")).collect::<Vec<_>>().join("\n");
        assert_eq!(strip(&shipped), strip(&now), "spark/sql/{f} is stale: run `countyedu sql-for --dialect spark --out-dir spark/sql`");
    }
    // Nothing of DuckDB's own dialect.
    for (text, banned) in texts.iter().flat_map(|t| ["GROUP BY ALL", "UNPIVOT", "EXCLUDE", "QUALIFY", "::", " ^ "].map(|b| (t, b))) {
        assert!(!text.contains(banned), "the portable SQL uses {banned}");
    }
}

/// Runs `countyedu sql-for METRIC --dialect duckdb` over the warehouse and compares its rows with the stored
/// `table` (its rows where `stored_where`): the same rows on `keys`, `numbers` within 1e-9 (relative above 1),
/// `others` equal. Returns the SQL.
fn portable_matches(wd: &Workdir, metric: &str, table: &str, keys: &[&str], numbers: &[&str], others: &[&str], stored_where: &str) -> String {
    let text = wd.ok(&["sql-for", metric, "--dialect", "duckdb"]);
    let body: String = text.lines().filter(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n");
    let mut differs: Vec<String> = numbers.iter().map(|c| format!("(p.{c} IS NULL) <> (b.{c} IS NULL) OR abs(p.{c} - b.{c}) > 1e-9 * greatest(1, abs(b.{c}))")).collect();
    differs.extend(others.iter().map(|c| format!("p.{c} IS DISTINCT FROM b.{c}")));
    let diff = wd.sql(&format!(
        "WITH p AS ({body}) SELECT count(*), (SELECT count(*) FROM {table} WHERE {stored_where}), (SELECT count(*) FROM p), \
         count(*) FILTER (WHERE {}) FROM p JOIN {table} b USING ({})",
        differs.join(" OR "),
        keys.join(", ")
    ));
    assert!(diff[0][0] == diff[0][1] && diff[0][1] == diff[0][2] && diff[0][0] != "0", "{metric}: every stored row has its portable twin: {diff:?}");
    assert_eq!(diff[0][3], "0", "{metric}: rows that differ: {diff:?}");
    text
}

#[test]
fn a_provinces_rules_folder_changes_the_generated_sql() {
    let wd = Workdir::new();
    let rules = wd.path("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("balance.toml"), "[quality.cv_max]\nprimary = 0.4\n\n[split.nine_year]\nprimary = 1.0\njunior = 1.3\nsenior = 0.0\n").unwrap();
    let national = wd.ok(&["sql-for", "balance-cv"]);
    let province = wd.ok(&["sql-for", "balance-cv", "--rules", &rules.to_string_lossy()]);
    assert!(national.contains("5e-1") && !province.contains("THEN 5e-1 ELSE"), "the primary limit 0.5 becomes 0.4");
    assert!(province.contains("4e-1") && province.contains("1.3e0"), "the limit and the nine-year split follow the rules");
}

#[test]
fn the_sql_parses_as_trino_spark_and_duckdb_sql() {
    if python_with("sqlglot").is_none() {
        return;
    }
    let wd = Workdir::new();
    for dialect in ["trino", "spark", "duckdb"] {
        let dir = wd.path(dialect);
        wd.ok(&["sql-for", "--dialect", dialect, "--out-dir", &dir.to_string_lossy()]);
        let out = python(
            "import sqlglot, sys, pathlib\nfor f in sorted(pathlib.Path(sys.argv[1]).glob('*.sql')):\n    sqlglot.parse_one(f.read_text(), read=sys.argv[2], error_level=sqlglot.ErrorLevel.RAISE)\n    print(f.name)",
            &[&dir.to_string_lossy(), dialect],
        );
        assert_eq!(out.lines().count(), 4, "{dialect}: {out}");
    }
}

#[test]
fn spark_computes_the_engines_cvs_urban_rural_means_and_growth_from_the_export() {
    if python_with("pyspark").is_none() || python_with("duckdb").is_none() {
        return;
    }
    let java = Command::new("java").arg("-version").output();
    assert!(java.is_ok_and(|o| o.status.success()), "Java 17 or later is needed for Spark (apt-get install openjdk-17-jre-headless)");
    let wd = Workdir::new();
    let db = wd.path("demo.duckdb");
    wd.ok(&["demo", "--db", &db.to_string_lossy(), "--out-dir", &wd.path("out").to_string_lossy(), "--format", "csv"]);
    let export = wd.path("export");
    wd.ok(&["export", "--db", &db.to_string_lossy(), "--to", &export.to_string_lossy()]);
    let out = wd.path("spark-out");
    // The job's temporary files go here, so that the test sees what it leaves behind.
    let tmp = wd.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let job = Command::new("python3")
        .arg(repo("spark/countyedu_job.py"))
        // Shanxi's rules folder: its SQL generated through the binary (the shipped national SQL is checked above to
        // be what the generator writes); its balance rules are the national ones, so the CVs are the warehouse's.
        .args(["--input", &export.to_string_lossy(), "--output", &out.to_string_lossy(), "--rules", &repo("config/provinces/140000").to_string_lossy()])
        .env("COUNTYEDU_BIN", env!("CARGO_BIN_EXE_countyedu"))
        .env("COUNTYEDU_SHUFFLE_PARTITIONS", "2")
        .env("TMPDIR", &tmp)
        .output()
        .expect("the job runs");
    assert!(job.status.success(), "the Spark job failed:\n{}", String::from_utf8_lossy(&job.stderr));
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().starts_with("countyedu-sql-")).collect();
    assert!(left.is_empty(), "the generated SQL's temporary folder is removed: {left:?}");
    compare(&db, &out, "balance_cv", &["year", "county_code", "level", "standard", "indicator"]);
    compare(&db, &out, "urban_rural", &["year", "county_code", "level", "standard", "indicator", "grouping"]);
    compare(&db, &out, "growth", &["year", "county_code", "indicator"]);
}

/// A table Spark wrote against the warehouse's, row by row and column by column (every column Spark wrote; the
/// rules' stamp aside), to 1e-9.
fn compare(db: &Path, out: &Path, table: &str, keys: &[&str]) {
    let report = python(
        r#"
import duckdb, sys
con = duckdb.connect()
con.execute(f"ATTACH '{sys.argv[1]}' AS w (READ_ONLY)")
table, keys = sys.argv[3], sys.argv[4].split(",")
con.execute(f"CREATE VIEW s AS SELECT * FROM read_parquet('{sys.argv[2]}/{table}/*/*.parquet', hive_partitioning = true)")
spark_cols = [r[0] for r in con.execute("DESCRIBE s").fetchall()]
ware = [r[0] for r in con.execute(f"SELECT column_name FROM duckdb_columns() WHERE database_name = 'w' AND table_name = '{table}' ORDER BY column_index").fetchall()]
assert set(spark_cols) <= set(ware), (spark_cols, ware)
if table == "balance_cv":
    assert set(spark_cols) == set(ware), "balance_cv has every column of the warehouse's"
cols = spark_cols
assert con.execute("SELECT DISTINCT rules FROM s").fetchall() == [("140000",)], "stamped with the rules it ran under"
diffs = []
for c in cols:
    if c in keys or c in ("rules", "rules_hash"): continue
    num = con.execute(f"SELECT data_type FROM duckdb_columns() WHERE database_name = 'w' AND table_name = '{table}' AND column_name = '{c}'").fetchone()[0] in ("DOUBLE", "BIGINT")
    cond = f"(a.{c} IS NULL) <> (b.{c} IS NULL) OR abs(a.{c} - b.{c}) > 1e-9 * greatest(1, abs(b.{c}))" if num else f"a.{c} IS DISTINCT FROM b.{c}"
    diffs.append(f"count(*) FILTER (WHERE {cond})")
on = " AND ".join(f"a.{k} = b.{k}" for k in keys)
where = {"urban_rural": " WHERE grouping = 'three'",
         "growth": " WHERE indicator IN (SELECT indicator FROM w.county_indicators) AND indicator <> 'edu_expenditure_per_student'"}.get(table, "")
row = con.execute(f"SELECT count(*), (SELECT count(*) FROM s), (SELECT count(*) FROM w.{table}{where}), {', '.join(diffs)} FROM s a JOIN w.{table} b ON {on}").fetchone()
print(row[0], row[1], row[2], sum(row[3:]))
"#,
        &[&db.to_string_lossy(), &out.to_string_lossy(), table, &keys.join(",")],
    );
    let n: Vec<i64> = report.split_whitespace().map(|x| x.parse().unwrap()).collect();
    assert!(n[0] > 1000 && n[0] == n[1] && n[1] == n[2], "{table}: every row matched: {report}");
    assert_eq!(n[3], 0, "{table}: values that differ: {report}");
}
