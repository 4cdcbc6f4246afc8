//! The warehouse: the one module that opens DuckDB. It owns the schema, the all-or-nothing load transaction,
//! and turns SQL into Arrow record batches.
//!
//! Invariants kept here:
//! - the schema is generated from [`crate::model`], so the DDL and the validator agree by construction;
//! - a load is one transaction: staged rows are checked as a whole (duplicate keys, unknown counties, schools
//!   that would collide with another county's rows) before anything replaces the warehouse's rows, and any
//!   error rolls everything back;
//! - nothing here reaches the network: extension auto-install is off (parquet and json are compiled in).

use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::vtab::arrow::{ArrowBatchRegistration, ArrowVTab};
use duckdb::{AccessMode, Config, Connection};
use polars::prelude::{Column, DataFrame};

use crate::bridge;
use crate::error::{Error, Result};
use crate::model::{self, INDICATORS, Kind, Table};

/// The warehouse file used when neither `--db` nor `COUNTYEDU_DB` names one.
pub const DEFAULT_PATH: &str = "countyedu.duckdb";

/// Bumped when the schema changes incompatibly.
const SCHEMA_VERSION: &str = "1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// An open warehouse.
pub struct Warehouse {
    conn: Connection,
    path: PathBuf,
}

/// A query's result: its schema (known even with no rows) and its batches.
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl QueryResult {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

fn config(mode: AccessMode) -> duckdb::Result<Config> {
    Config::default().access_mode(mode)?.with("autoinstall_known_extensions", "false")
}

impl Warehouse {
    /// Opens the warehouse at `path`. Read-write access creates the file and its schema if needed;
    /// read-only access requires an existing countyedu warehouse.
    pub fn open(path: &Path, access: Access) -> Result<Self> {
        let fail = |message: String| Error::Warehouse { path: path.to_path_buf(), message };
        if access == Access::ReadOnly && !path.exists() {
            return Err(fail("no warehouse here; load data first with `countyedu ingest PATH…` or choose one with --db".into()));
        }
        let mode = if access == Access::ReadOnly { AccessMode::ReadOnly } else { AccessMode::ReadWrite };
        let conn = Connection::open_with_flags(path, config(mode)?).map_err(|e| fail(e.to_string()))?;
        conn.register_table_function::<ArrowVTab>("arrow")?;
        let wh = Warehouse { conn, path: path.to_path_buf() };
        match access {
            Access::ReadWrite => wh.ensure_schema()?,
            Access::ReadOnly => wh.check_version()?,
        }
        Ok(wh)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn version(&self) -> Option<String> {
        self.conn
            .query_row("SELECT value FROM countyedu_meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .ok()
    }

    fn check_version(&self) -> Result<()> {
        match self.version() {
            Some(v) if v == SCHEMA_VERSION => Ok(()),
            Some(v) => Err(Error::Warehouse {
                path: self.path.clone(),
                message: format!("schema version {v}; this countyedu reads version {SCHEMA_VERSION}"),
            }),
            None => Err(Error::Warehouse {
                path: self.path.clone(),
                message: "not a countyedu warehouse (no countyedu_meta table)".into(),
            }),
        }
    }

    fn ensure_schema(&self) -> Result<()> {
        if self.version().is_some() {
            return self.check_version();
        }
        let mut ddl = String::from("BEGIN TRANSACTION;\n");
        for table in Table::ALL {
            ddl.push_str(&table_ddl(table));
            ddl.push_str(";\n");
        }
        ddl.push_str(
            "CREATE TABLE ingest_log (load_id INTEGER NOT NULL, file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, \
             table_name VARCHAR NOT NULL, rows BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp);\n\
             CREATE TABLE indicator_catalogue (indicator VARCHAR PRIMARY KEY, name_zh VARCHAR NOT NULL, unit VARCHAR NOT NULL);\n\
             CREATE TABLE countyedu_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);\n",
        );
        for i in INDICATORS {
            ddl.push_str(&format!("INSERT INTO indicator_catalogue VALUES ({}, {}, {});\n", lit(i.id), lit(i.name_zh), lit(i.unit)));
        }
        ddl.push_str(&format!("INSERT INTO countyedu_meta VALUES ('schema_version', {});\nCOMMIT;", lit(SCHEMA_VERSION)));
        self.conn.execute_batch(&ddl)?;
        Ok(())
    }

    /// Runs SQL written by a user (one or more statements; the last one's result is returned).
    /// With `write`, the statements run in one transaction that is committed only if all succeed and every
    /// canonical table's key is still unique.
    pub fn user_sql(&self, sql: &str, write: bool) -> Result<QueryResult> {
        let run = || arrow_result(&self.conn, sql, []);
        if !write {
            return run().map_err(|e| {
                let msg = e.to_string();
                if msg.contains("read-only") {
                    Error::Sql(format!("{msg}\nhint: the warehouse opens read-only; pass --write to change it"))
                } else {
                    Error::Sql(msg)
                }
            });
        }
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        let outcome = run().map_err(|e| Error::Sql(e.to_string())).and_then(|r| {
            for table in Table::ALL {
                let n: i64 = self.conn.query_row(&duplicate_keys_sql(table, table.name()), [], |row| row.get(0))?;
                if n > 0 {
                    return Err(Error::Sql(format!(
                        "the change would leave {n} duplicate key value(s) ({}) in {}; nothing was changed",
                        table.key().join(", "),
                        table.name()
                    )));
                }
            }
            Ok(r)
        });
        match outcome {
            Ok(r) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(r)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Runs a named query read-only with its parameters bound by name (`$name` in the text).
    pub fn named_query(&self, sql: &str, params: &std::collections::BTreeMap<String, crate::queries::Value>) -> Result<QueryResult> {
        use crate::queries::Value;
        use duckdb::types::Value as V;
        let bound: std::collections::HashMap<String, V> = params
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::Int(i) => V::BigInt(*i),
                    Value::Float(f) => V::Double(*f),
                    Value::Text(t) => V::Text(t.clone()),
                };
                (k.clone(), v)
            })
            .collect();
        arrow_result(&self.conn, sql, &bound).map_err(|e| Error::Sql(e.to_string()))
    }

    /// Runs one of the engine's own queries (not user text).
    pub fn query(&self, sql: &str) -> Result<QueryResult> {
        Ok(arrow_result(&self.conn, sql, [])?)
    }

    /// Each county with the areas it belongs to and its funding region, for ranks, floors and rankings.
    pub fn county_areas(&self) -> Result<DataFrame> {
        self.query_df(
            "SELECT county_code, county_name, prefecture_code, prefecture_name, province_code, province_name, region
             FROM counties ORDER BY county_code",
        )
    }

    /// The given columns of the schools of the given counties and years (all when a list is empty).
    pub fn read_schools(&self, columns: &[&str], counties: &[String], years: &[i32]) -> Result<DataFrame> {
        let mut sql = format!("SELECT {} FROM schools WHERE true", columns.join(", "));
        let mut params: Vec<duckdb::types::Value> = Vec::new();
        if !counties.is_empty() {
            sql.push_str(&format!(" AND county_code IN ({})", vec!["?"; counties.len()].join(", ")));
            params.extend(counties.iter().map(|c| duckdb::types::Value::Text(c.clone())));
        }
        if !years.is_empty() {
            sql.push_str(&format!(" AND year IN ({})", vec!["?"; years.len()].join(", ")));
            params.extend(years.iter().map(|y| duckdb::types::Value::Int(*y)));
        }
        let r = arrow_result(&self.conn, &sql, duckdb::params_from_iter(params))?;
        bridge::batches_to_df(&r.schema, &r.batches)
    }

    /// Stores computed result tables in one transaction. With `replace_by` = None each table is replaced entirely;
    /// otherwise only the rows whose values in those columns occur in the new rows (e.g. `year, county_code`).
    pub fn store_results(&self, tables: &mut [(&str, DataFrame)], replace_by: Option<&[&str]>) -> Result<()> {
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        let outcome = (|| -> Result<()> {
            for (name, df) in tables.iter_mut() {
                let batches = bridge::df_to_batches(df)?;
                let schema = batches.first().map(|b| b.schema()).ok_or_else(|| Error::other("no result schema"))?;
                let empty = ArrowBatchRegistration::new(RecordBatch::new_empty(schema));
                match replace_by {
                    None => {
                        self.conn.execute(&format!("CREATE OR REPLACE TABLE {name} AS SELECT * FROM arrow(?)"), [&empty])?;
                    }
                    Some(cols) => {
                        self.conn.execute(&format!("CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM arrow(?)"), [&empty])?;
                        let cols = cols.join(", ");
                        for batch in &batches {
                            let reg = ArrowBatchRegistration::new(batch.clone());
                            self.conn.execute(
                                &format!("DELETE FROM {name} WHERE ({cols}) IN (SELECT DISTINCT {cols} FROM arrow(?))"),
                                [&reg],
                            )?;
                        }
                    }
                }
                for batch in batches {
                    let reg = ArrowBatchRegistration::new(batch);
                    self.conn.execute(&format!("INSERT INTO {name} SELECT * FROM arrow(?)"), [&reg])?;
                }
            }
            Ok(())
        })();
        match outcome {
            Ok(()) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(())
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// One of the engine's own queries as a Polars frame.
    pub fn query_df(&self, sql: &str) -> Result<DataFrame> {
        let r = self.query(sql)?;
        bridge::batches_to_df(&r.schema, &r.batches)
    }

    /// A scheme's derived county indicator for one year: `expression` is DuckDB SQL over the county indicators of
    /// that year, each a column named by its id (missing ones are NULL). Returns county_code, value.
    pub fn derived_county_values(&self, year: i32, expression: &str, ids: &[String]) -> Result<DataFrame> {
        let columns: Vec<String> =
            ids.iter().map(|id| format!("max(value) FILTER (WHERE indicator = {}) AS \"{}\"", lit(id), id.replace('"', ""))).collect();
        let sql = format!(
            "SELECT county_code, CAST(({expression}) AS DOUBLE) AS value FROM (
               SELECT c.county_code, {cols} FROM counties c
               LEFT JOIN county_indicators i ON i.county_code = c.county_code AND i.year = {year}
               GROUP BY c.county_code)",
            cols = if columns.is_empty() { "NULL AS none".to_string() } else { columns.join(", ") }
        );
        let r = self.user_sql(&sql, false)?;
        bridge::batches_to_df(&r.schema, &r.batches)
    }

    /// Evaluates a scheme's school-level expression (DuckDB SQL over the columns of `units`) on every row, in an
    /// in-memory DuckDB; the warehouse is not touched. Values come back in row order.
    pub fn unit_values(units: &mut DataFrame, expression: &str) -> Result<Vec<Option<f64>>> {
        let batches = bridge::df_to_batches(units)?;
        let schema = batches.first().map(|b| b.schema()).ok_or_else(|| Error::other("no units"))?;
        let batch = arrow::compute::concat_batches(&schema, &batches)?;
        let conn = Connection::open_in_memory_with_flags(config(AccessMode::Automatic)?)?;
        conn.register_table_function::<ArrowVTab>("arrow")?;
        let reg = ArrowBatchRegistration::new(batch);
        let run = || -> duckdb::Result<Vec<RecordBatch>> {
            let mut stmt = conn.prepare(&format!("SELECT CAST(({expression}) AS DOUBLE) AS v FROM arrow(?)"))?;
            Ok(stmt.query_arrow([&reg])?.collect())
        };
        let out = run().map_err(|e| Error::Sql(e.to_string()))?;
        let mut values = Vec::with_capacity(units.height());
        for b in &out {
            let a = b.column(0).as_any().downcast_ref::<arrow::array::Float64Array>().ok_or_else(|| Error::other("not a number"))?;
            values.extend((0..a.len()).map(|i| (!arrow::array::Array::is_null(a, i)).then(|| a.value(i))));
        }
        Ok(values)
    }

    /// Every table of the warehouse with its row count and whether it has a `year` column, in name order.
    pub fn tables(&self) -> Result<Vec<(String, i64, bool)>> {
        let mut stmt = self.conn.prepare(
            "SELECT t.table_name, t.estimated_size,
                    EXISTS (SELECT 1 FROM duckdb_columns() c
                            WHERE c.table_name = t.table_name AND c.schema_name = t.schema_name AND c.column_name = 'year')
             FROM duckdb_tables() t WHERE t.schema_name = 'main' AND NOT t.temporary ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (name, has_year) = row?;
            let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| r.get(0))?;
            out.push((name, n, has_year));
        }
        Ok(out)
    }

    /// Writes a table as Parquet (zstd) under `dir/TABLE/`: hive-partitioned by year (`year=2021/…`) when it has a
    /// year column, else one file `dir/TABLE/TABLE.parquet`.
    pub fn export_parquet(&self, table: &str, has_year: bool, dir: &Path) -> Result<()> {
        let target = dir.join(table);
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        std::fs::create_dir_all(&target)?;
        let sql = if has_year {
            format!(
                "COPY (SELECT * FROM \"{table}\") TO {} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year), OVERWRITE_OR_IGNORE true)",
                lit(&target.to_string_lossy())
            )
        } else {
            format!("COPY \"{table}\" TO {} (FORMAT parquet, COMPRESSION zstd)", lit(&target.join(format!("{table}.parquet")).to_string_lossy()))
        };
        self.conn.execute_batch(&sql)?;
        Ok(())
    }

    /// Row count of each canonical table, in a fixed order.
    pub fn table_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut out = Vec::new();
        for t in Table::ALL.iter().map(|t| t.name()).chain(["ingest_log"]) {
            let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
            out.push((t, n));
        }
        Ok(out)
    }

    /// Starts an all-or-nothing load.
    pub fn begin_load(&self) -> Result<Load<'_>> {
        let mut ddl = String::from("BEGIN TRANSACTION;\n");
        for t in Table::ALL {
            let cols: Vec<String> = t.columns().iter().map(|c| format!("{} {}", c.name, c.kind.sql_type())).collect();
            ddl.push_str(&format!(
                "CREATE OR REPLACE TEMP TABLE stage_{} ({}, _row BIGINT, _file INTEGER);\n",
                t.name(),
                cols.join(", ")
            ));
        }
        self.conn.execute_batch(&ddl)?;
        Ok(Load { wh: self, open: true })
    }
}

/// Runs a prepared statement and collects its Arrow result (the schema is known even without rows).
fn arrow_result(conn: &Connection, sql: &str, params: impl duckdb::Params) -> duckdb::Result<QueryResult> {
    let mut stmt = conn.prepare(sql)?;
    let arrow = stmt.query_arrow(params)?;
    let schema = arrow.get_schema();
    Ok(QueryResult { schema, batches: arrow.collect() })
}

/// SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn in_list<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values.map(lit).collect::<Vec<_>>().join(", ")
}

/// `CREATE TABLE` for a canonical table, with types, NOT NULL and CHECK constraints.
///
/// The key is not declared as a DuckDB PRIMARY KEY: its ART index made a national-scale load 2.7 s slower (an
/// index maintained on insert and serialised on commit, measured with bench/ingest.sh) and adds nothing the load
/// checks do not already do with line numbers. Keys are enforced by every writer in this module instead: the load
/// checks and [`Warehouse::user_sql`] with `write` refuse duplicates (see [`duplicate_keys_sql`]).
pub fn table_ddl(table: Table) -> String {
    let cols: Vec<String> = table
        .columns()
        .iter()
        .map(|c| {
            let mut s = format!("{} {}", c.name, c.kind.sql_type());
            if !c.nullable {
                s.push_str(" NOT NULL");
            }
            let check = match c.kind {
                Kind::Count | Kind::Amount => Some(format!("{} >= 0", c.name)),
                Kind::SchoolType => Some(format!("{} IN ({})", c.name, in_list(model::SCHOOL_TYPES.iter().map(|t| t.0)))),
                Kind::Region => Some(format!("{} IN ({})", c.name, in_list(model::REGIONS.iter().map(|t| t.0)))),
                Kind::UrbanRural => Some(format!(
                    "{} IN ({})",
                    c.name,
                    model::URBAN_RURAL_CODES.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
                )),
                Kind::Year => Some(format!("{} BETWEEN {} AND {}", c.name, model::YEAR_RANGE.0, model::YEAR_RANGE.1)),
                Kind::CountyCode => Some(format!("length({}) = 6", c.name)),
                _ => None,
            };
            if let Some(check) = check {
                s.push_str(&format!(" CHECK ({check})"));
            }
            s
        })
        .collect();
    format!("CREATE TABLE {} ({})", table.name(), cols.join(", "))
}

/// A query that counts the key values held more than once in `relation` (a table of the same columns).
fn duplicate_keys_sql(table: Table, relation: &str) -> String {
    format!(
        "SELECT count(*) FROM (SELECT 1 FROM {relation} GROUP BY {} HAVING count(*) > 1)",
        table.key().join(", ")
    )
}

/// Reads a Parquet file with DuckDB's reader (an in-memory connection; nothing touches the warehouse).
pub fn read_parquet(path: &Path) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let conn = Connection::open_in_memory_with_flags(config(AccessMode::Automatic)?)?;
    let r = arrow_result(&conn, "SELECT * FROM read_parquet(?)", [path.to_string_lossy().as_ref()])?;
    Ok((r.schema, r.batches))
}

/// Writes record batches as a Parquet file (zstd), through an in-memory DuckDB.
pub fn write_parquet(schema: &SchemaRef, batches: &[RecordBatch], path: &Path) -> Result<()> {
    let conn = Connection::open_in_memory_with_flags(config(AccessMode::Automatic)?)?;
    conn.register_table_function::<ArrowVTab>("arrow")?;
    let empty = RecordBatch::new_empty(schema.clone());
    let first = ArrowBatchRegistration::new(batches.first().cloned().unwrap_or(empty));
    conn.execute("CREATE TABLE result AS SELECT * FROM arrow(?)", [&first])?;
    for batch in batches.iter().skip(1) {
        let reg = ArrowBatchRegistration::new(batch.clone());
        conn.execute("INSERT INTO result SELECT * FROM arrow(?)", [&reg])?;
    }
    conn.execute(&format!("COPY result TO {} (FORMAT parquet, COMPRESSION zstd)", lit(&path.to_string_lossy())), [])?;
    Ok(())
}

/// A problem found by a whole-load check, at a staged row.
#[derive(Debug)]
pub struct RowIssue {
    pub table: Table,
    pub file_id: i32,
    pub row: i64,
    pub column: &'static str,
    pub value: String,
    pub expected: String,
    /// Another staged row the problem refers to (the first row with the same key).
    pub other: Option<(i32, i64)>,
}

/// What a committed load changed in one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableChange {
    pub table: &'static str,
    pub inserted: i64,
    /// Rows that were in the warehouse and were replaced by the load.
    pub replaced: i64,
}

/// One loaded file, for `ingest_log`.
pub struct LogEntry {
    pub file: String,
    pub sha256: String,
    pub table: Table,
    pub rows: i64,
}

/// An open load transaction. Dropping it without [`Load::commit`] rolls everything back.
pub struct Load<'w> {
    wh: &'w Warehouse,
    open: bool,
}

impl Load<'_> {
    /// Stages a validated frame (canonical columns, then `_row`) from file number `file_id`.
    pub fn append(&self, table: Table, file_id: i32, df: &mut DataFrame) -> Result<()> {
        let height = df.height();
        df.with_column(Column::new("_file".into(), vec![file_id; height]))?;
        let mut app = self.wh.conn.appender_to_catalog_and_db(&format!("stage_{}", table.name()), "temp", "main")?;
        for batch in bridge::df_to_batches(df)? {
            app.append_record_batch(batch)?;
        }
        app.flush()?;
        Ok(())
    }

    /// Checks the staged rows as a whole. Returns up to `limit` issues per check, and how many more were found.
    pub fn problems(&self, limit: usize) -> Result<(Vec<RowIssue>, usize)> {
        let mut issues = Vec::new();
        let mut unlisted = 0;
        for t in Table::ALL {
            let stage = format!("temp.stage_{}", t.name());
            let any: i64 = self.wh.conn.query_row(&duplicate_keys_sql(t, &stage), [], |r| r.get(0))?;
            if any == 0 {
                continue; // the common case, answered by one hash aggregate
            }
            let key = t.key().join(", ");
            let shown = t.key().iter().map(|k| format!("CAST({k} AS VARCHAR)")).collect::<Vec<_>>().join(" || ' / ' || ");
            let sql = format!(
                "SELECT _file, _row, {shown}, f0, r0, count(*) OVER () FROM (
                   SELECT *, row_number() OVER w AS k, first_value(_file) OVER w AS f0, first_value(_row) OVER w AS r0
                   FROM temp.stage_{name} WINDOW w AS (PARTITION BY {key} ORDER BY _file, _row))
                 WHERE k > 1 ORDER BY _file, _row LIMIT {limit}",
                name = t.name()
            );
            let key_cols = t.key();
            let column = key_cols[key_cols.len() - 1];
            unlisted += self.collect(&sql, &mut issues, |f, r, v, f0, r0| RowIssue {
                table: t,
                file_id: f,
                row: r,
                column,
                value: v,
                expected: format!("a unique ({}) within the load; the same key is also", key_cols.join(", ")),
                other: Some((f0, r0)),
            })?;
        }
        for t in [Table::Schools, Table::CountyIndicators] {
            let sql = format!(
                "SELECT _file, _row, county_code, 0, 0, count(*) OVER () FROM temp.stage_{} s
                 WHERE NOT EXISTS (SELECT 1 FROM counties c WHERE c.county_code = s.county_code)
                   AND NOT EXISTS (SELECT 1 FROM temp.stage_counties c WHERE c.county_code = s.county_code)
                 ORDER BY _file, _row LIMIT {limit}",
                t.name()
            );
            unlisted += self.collect(&sql, &mut issues, |f, r, v, _, _| RowIssue {
                table: t,
                file_id: f,
                row: r,
                column: "county_code",
                value: v,
                expected: "a county code listed in counties (load a counties file in the same call or before)".into(),
                other: None,
            })?;
        }
        // A school id that the warehouse already holds for that year under a county this load does not replace.
        let sql = format!(
            "SELECT s._file, s._row, s.school_id, 0, 0, count(*) OVER (), w.county_code, s.year
             FROM temp.stage_schools s JOIN schools w ON w.year = s.year AND w.school_id = s.school_id
             WHERE w.county_code <> s.county_code
               AND NOT EXISTS (SELECT 1 FROM temp.stage_schools r WHERE r.county_code = w.county_code AND r.year = w.year)
             ORDER BY s._file, s._row LIMIT {limit}"
        );
        let mut stmt = self.wh.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let (mut listed, mut total) = (0usize, 0i64);
        while let Some(row) = rows.next()? {
            total = row.get(5)?;
            listed += 1;
            let county: String = row.get(6)?;
            let year: i32 = row.get(7)?;
            issues.push(RowIssue {
                table: Table::Schools,
                file_id: row.get(0)?,
                row: row.get(1)?,
                column: "school_id",
                value: row.get(2)?,
                expected: format!(
                    "a school_id not already held for {year} by another county (the warehouse has it under {county}, \
                     whose {year} data this load does not replace)"
                ),
                other: None,
            });
        }
        unlisted += (total as usize).saturating_sub(listed);
        Ok((issues, unlisted))
    }

    /// Runs one check whose rows are (_file, _row, value, other file, other row, total found);
    /// returns how many it found beyond those listed.
    fn collect(&self, sql: &str, issues: &mut Vec<RowIssue>, make: impl Fn(i32, i64, String, i32, i64) -> RowIssue) -> Result<usize> {
        let mut stmt = self.wh.conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        let (mut listed, mut total) = (0usize, 0i64);
        while let Some(row) = rows.next()? {
            issues.push(make(row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?));
            total = row.get(5)?;
            listed += 1;
        }
        Ok((total as usize).saturating_sub(listed))
    }

    /// Replaces the warehouse rows that the staged rows supersede, inserts the staged rows, logs the files,
    /// and commits.
    pub fn commit(mut self, log: &[LogEntry]) -> Result<Vec<TableChange>> {
        let conn = &self.wh.conn;
        let mut changes = Vec::new();
        for t in Table::ALL {
            let name = t.name();
            let scope = t.replace_scope().iter().map(|c| format!("s.{c} = w.{c}")).collect::<Vec<_>>().join(" AND ");
            let replaced = conn.execute(
                &format!("DELETE FROM {name} w WHERE EXISTS (SELECT 1 FROM temp.stage_{name} s WHERE {scope})"),
                [],
            )? as i64;
            let cols = t.columns().iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
            let inserted =
                conn.execute(&format!("INSERT INTO {name} ({cols}) SELECT {cols} FROM temp.stage_{name}"), [])?
                    as i64;
            changes.push(TableChange { table: name, inserted, replaced });
        }
        let load_id: i32 = conn.query_row("SELECT coalesce(max(load_id), 0) + 1 FROM ingest_log", [], |r| r.get(0))?;
        let mut stmt = conn.prepare("INSERT INTO ingest_log (load_id, file, sha256, table_name, rows) VALUES (?, ?, ?, ?, ?)")?;
        for e in log {
            stmt.execute(duckdb::params![load_id, e.file, e.sha256, e.table.name(), e.rows])?;
        }
        let mut drop_stage = String::new();
        for t in Table::ALL {
            drop_stage.push_str(&format!("DROP TABLE temp.stage_{};\n", t.name()));
        }
        drop_stage.push_str("COMMIT;");
        conn.execute_batch(&drop_stage)?;
        self.open = false;
        Ok(changes)
    }
}

impl Drop for Load<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.wh.conn.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_ddl_carries_keys_and_checks() {
        let ddl = table_ddl(Table::Schools);
        assert!(!ddl.contains("PRIMARY KEY"), "{ddl}");
        assert!(ddl.contains("books BIGINT CHECK (books >= 0)"), "{ddl}");
        assert!(ddl.contains("urban_rural_code INTEGER NOT NULL CHECK (urban_rural_code IN (111, 112, 121, 122, 123, 210, 220))"));
    }

    #[test]
    fn a_new_warehouse_gets_its_schema_and_reopens_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.duckdb");
        assert!(matches!(Warehouse::open(&path, Access::ReadOnly), Err(Error::Warehouse { .. })));
        drop(Warehouse::open(&path, Access::ReadWrite).unwrap());
        let wh = Warehouse::open(&path, Access::ReadOnly).unwrap();
        let counts = wh.table_counts().unwrap();
        assert_eq!(counts, vec![("counties", 0), ("schools", 0), ("county_indicators", 0), ("ingest_log", 0)]);
        assert!(matches!(wh.user_sql("CREATE TABLE x (a INT)", false), Err(Error::Sql(m)) if m.contains("--write")));
    }
}
