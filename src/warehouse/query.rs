//! Reading and writing through the warehouse connection: user SQL (read-only unless asked, with the canonical
//! tables kept whole and stale metrics removed on write), named queries, the engine's own reads, storing metric
//! tables by declared scope, and writing tables out as files.

use std::collections::BTreeMap;
use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::Connection;
use duckdb::types::Value;
use duckdb::vtab::arrow::ArrowBatchRegistration;
use polars::prelude::DataFrame;

use super::load::{self, Removed};
use super::{QueryResult, Warehouse, arrow_result, ident, lit, schema, sqltext};
use crate::{balance, bridge, results};
use crate::error::{Error, Problem, Result};
use crate::model::Table;

/// Which stored rows a computation replaces: the rows whose value in each named column is one of the given
/// values. No columns means the whole table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope(Vec<(&'static str, Vec<Value>)>);

impl Scope {
    /// The whole table.
    pub fn all() -> Scope {
        Scope::default()
    }

    /// Restricts the scope to rows whose text column is one of `values` (no restriction when empty).
    pub fn text(mut self, column: &'static str, values: &[String]) -> Scope {
        if !values.is_empty() {
            self.0.push((column, values.iter().map(|v| Value::Text(v.clone())).collect()));
        }
        self
    }

    /// Whether the scope restricts `column`.
    pub fn restricts(&self, column: &str) -> bool {
        self.0.iter().any(|(c, _)| *c == column)
    }

    /// The scope with the restriction on `column` replaced by `values` (none when empty).
    pub fn with_int(mut self, column: &'static str, values: &[i32]) -> Scope {
        self.0.retain(|(c, _)| *c != column);
        self.int(column, values)
    }

    /// Restricts the scope to rows whose integer column is one of `values` (no restriction when empty).
    pub fn int(mut self, column: &'static str, values: &[i32]) -> Scope {
        if !values.is_empty() {
            self.0.push((column, values.iter().map(|v| Value::Int(*v)).collect()));
        }
        self
    }

    pub fn is_all(&self) -> bool {
        self.0.is_empty()
    }

    /// The scope in words: `all rows`, or `county_code in 140121, 140122; year in 2023`.
    pub fn describe(&self) -> String {
        if self.is_all() {
            return "all rows".into();
        }
        let value = |v: &Value| match v {
            Value::Text(t) => t.clone(),
            Value::Int(i) => i.to_string(),
            other => format!("{other:?}"),
        };
        self.0.iter().map(|(c, vs)| format!("{c} in {}", vs.iter().map(value).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join("; ")
    }

    fn where_clause(&self) -> (String, Vec<Value>) {
        if self.0.is_empty() {
            return ("true".into(), Vec::new());
        }
        let clause = self
            .0
            .iter()
            .map(|(c, v)| format!("{} IN ({})", ident(c), vec!["?"; v.len()].join(", ")))
            .collect::<Vec<_>>()
            .join(" AND ");
        (clause, self.0.iter().flat_map(|(_, v)| v.iter().cloned()).collect())
    }
}

/// A user's SQL error, with a hint where the error names a metric table not computed yet.
fn sql_error(e: duckdb::Error) -> Error {
    let msg = e.to_string();
    match crate::results::missing_table_hint(&msg) {
        Some(hint) => Error::Sql(Problem::new(msg.lines().next().unwrap_or(&msg)).with_hint(hint)),
        None => Error::sql(msg),
    }
}

/// An error of SQL run read-only, with the hint to pass --write when it tried to write.
fn read_error(e: duckdb::Error) -> Error {
    let msg = e.to_string();
    if msg.contains("read-only") {
        Error::Sql(Problem::new(msg).with_hint("the warehouse opens read-only; pass --write to change it"))
    } else {
        sql_error(e)
    }
}

/// A named query's parameters as DuckDB values, by name.
fn bind(params: &BTreeMap<String, crate::queries::Value>) -> std::collections::HashMap<String, Value> {
    use crate::queries::Value as Q;
    params
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Q::Int(i) => Value::BigInt(*i),
                Q::Float(f) => Value::Double(*f),
                Q::Text(t) => Value::Text(t.clone()),
            };
            (k.clone(), v)
        })
        .collect()
}

/// Runs a statement and hands its result to `sink` batch by batch, as DuckDB streams it.
fn stream(
    conn: &Connection,
    sql: &str,
    params: impl duckdb::Params,
    error: fn(duckdb::Error) -> Error,
    sink: impl FnOnce(SchemaRef, &mut dyn Iterator<Item = Result<RecordBatch>>) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(sql).map_err(error)?;
    let mut batches = stmt.stream_arrow(params).map_err(error)?;
    let schema = batches.get_schema();
    sink(schema, &mut batches.by_ref().map(|b| b.map_err(error)))
}

/// The names of the tables of the main schema.
pub(crate) fn table_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' ORDER BY 1",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?.collect::<duckdb::Result<_>>()?;
    Ok(names)
}

/// Whether a stored table's columns (names and types, in order) differ from its declaration.
fn layout_differs(stored: &[(String, String)], decl: &results::ResultTable) -> bool {
    let declared = decl.columns();
    stored.len() != declared.len() || stored.iter().zip(&declared).any(|((n, t), (dn, dt))| n != dn || t != dt)
}

/// Column names and types of a table of the warehouse (`main`) or a temporary one (`temp`), in order.
fn columns_of(conn: &Connection, database: &str, table: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT column_name, data_type FROM duckdb_columns()
         WHERE database_name = (CASE WHEN ? = 'temp' THEN 'temp' ELSE current_database() END)
           AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
    )?;
    let cols = stmt.query_map([database, table], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<duckdb::Result<_>>()?;
    Ok(cols)
}

impl Warehouse {
    /// Runs SQL written by a user (one or more statements; the last one's result is returned). Statements that
    /// install or load extensions are refused before anything runs. With `write`, the statements run in one
    /// transaction that is committed only if every canonical table is still there with its columns and its key
    /// unique; the stored metrics of every county-year the statements changed are removed in it and returned.
    pub fn user_sql(&self, sql: &str, write: bool) -> Result<(QueryResult, Vec<Removed>)> {
        if let Some(statement) = sqltext::extension_statement(sql) {
            return Err(Error::sql(format!(
                "{:?} is refused: countyedu never installs or loads DuckDB extensions (parquet and json are built in, \
                 and nothing reaches the network)",
                statement.lines().last().unwrap_or(statement).trim()
            )));
        }
        if !write {
            let result = arrow_result(&self.conn, sql, []).map_err(read_error)?;
            return Ok((result, Vec::new()));
        }
        let outcome = self.in_transaction(|conn| {
            load::fingerprint_before(conn)?;
            let result = arrow_result(conn, sql, []).map_err(sql_error)?;
            schema::check_intact(conn)?;
            load::changed_since_fingerprint(conn)?;
            let removed = load::invalidate(conn, "temp.areas_before")?;
            load::drop_fingerprints(conn);
            Ok((result, removed))
        });
        if outcome.is_err() {
            load::drop_fingerprints(&self.conn);
        }
        outcome
    }

    /// Runs SQL written by a user like [`Warehouse::user_sql`], handing the result to `sink` batch by batch as
    /// DuckDB gives it when read-only (so that a result larger than memory can be written out), whole with `write`.
    pub fn user_sql_streamed(&self, sql: &str, write: bool, sink: impl FnOnce(SchemaRef, &mut dyn Iterator<Item = Result<RecordBatch>>) -> Result<()>) -> Result<Vec<Removed>> {
        if write {
            let (result, removed) = self.user_sql(sql, true)?;
            sink(result.schema, &mut result.batches.into_iter().map(Ok))?;
            return Ok(removed);
        }
        if let Some(statement) = sqltext::extension_statement(sql) {
            return Err(Error::sql(format!(
                "{:?} is refused: countyedu never installs or loads DuckDB extensions (parquet and json are built in, \
                 and nothing reaches the network)",
                statement.lines().last().unwrap_or(statement).trim()
            )));
        }
        stream(&self.conn, sql, [], read_error, sink)?;
        Ok(Vec::new())
    }

    /// Runs a named query like [`Warehouse::named_query`], handing the result to `sink` batch by batch.
    pub fn named_query_streamed(
        &self,
        sql: &str,
        params: &BTreeMap<String, crate::queries::Value>,
        sink: impl FnOnce(SchemaRef, &mut dyn Iterator<Item = Result<RecordBatch>>) -> Result<()>,
    ) -> Result<()> {
        self.conn.execute_batch("SET enable_external_access = false; SET lock_configuration = true")?;
        stream(&self.conn, sql, &bind(params), sql_error, sink)
    }

    /// Runs a named query read-only with its parameters bound by name (`$name` in the text). A query file is text
    /// that came from a file: before it runs, this connection loses every access outside the warehouse (no file
    /// is read or written, nothing is attached) and its configuration is locked, for as long as it is open.
    pub fn named_query(&self, sql: &str, params: &BTreeMap<String, crate::queries::Value>) -> Result<QueryResult> {
        self.conn.execute_batch("SET enable_external_access = false; SET lock_configuration = true")?;
        arrow_result(&self.conn, sql, &bind(params)).map_err(sql_error)
    }

    /// Runs one of the engine's own queries (not user text).
    pub fn query(&self, sql: &str) -> Result<QueryResult> {
        Ok(arrow_result(&self.conn, sql, [])?)
    }

    /// One of the engine's own queries, handed to `sink` batch by batch as DuckDB streams it.
    pub fn query_streamed(&self, sql: &str, sink: impl FnOnce(SchemaRef, &mut dyn Iterator<Item = Result<RecordBatch>>) -> Result<()>) -> Result<()> {
        stream(&self.conn, sql, [], Error::from, sink)
    }

    /// One of the engine's own queries, with bound parameters, as a Polars frame.
    pub fn query_df_with(&self, sql: &str, params: &[Value]) -> Result<DataFrame> {
        let r = arrow_result(&self.conn, sql, duckdb::params_from_iter(params.iter().cloned()))?;
        bridge::batches_to_df(&r.schema, &r.batches)
    }

    /// One of the engine's own queries kept in `queries/` (compiled in, not read from a file at run time), its
    /// `$name` parameters bound, as a Polars frame.
    pub fn shipped_query_df(&self, sql: &str, params: &BTreeMap<String, crate::queries::Value>) -> Result<DataFrame> {
        let r = arrow_result(&self.conn, sql, &bind(params))?;
        bridge::batches_to_df(&r.schema, &r.batches)
    }

    /// One of the engine's own queries as a Polars frame.
    pub fn query_df(&self, sql: &str) -> Result<DataFrame> {
        self.query_df_with(sql, &[])
    }

    /// Whether a table of that name exists in the warehouse.
    pub fn has_table(&self, name: &str) -> Result<bool> {
        Ok(table_names(&self.conn)?.iter().any(|t| t == name))
    }

    /// Each county with the areas it belongs to and its funding region, for ranks, floors and rankings.
    pub fn county_areas(&self) -> Result<DataFrame> {
        self.query_df(
            "SELECT county_code, county_name, prefecture_code, prefecture_name, province_code, province_name, region
             FROM counties ORDER BY county_code",
        )
    }

    /// The given columns of the schools within `scope` (a selection of counties and years).
    pub fn read_schools(&self, columns: &[&str], scope: &Scope) -> Result<DataFrame> {
        let (clause, params) = scope.where_clause();
        self.query_df_with(&format!("SELECT {} FROM schools WHERE {clause}", columns.join(", ")), &params)
    }

    /// Each county-year of the schools within `scope`, with its schools and compulsory-stage pupils
    /// (`year, county_code, schools, pupils`).
    pub fn school_county_years(&self, scope: &Scope) -> Result<DataFrame> {
        let (clause, params) = scope.where_clause();
        self.query_df_with(
            &format!(
                "SELECT year, county_code, CAST(count(*) AS BIGINT) AS schools,
                        CAST(sum(coalesce(primary_students, 0) + coalesce(junior_students, 0)) AS DOUBLE) AS pupils
                 FROM schools WHERE {clause} GROUP BY year, county_code ORDER BY year, county_code"
            ),
            &params,
        )
    }

    /// The level units of the schools within `scope` under the balance rules: [`balance::sql::units`] run where
    /// the schools are.
    pub fn level_units(&self, cfg: &balance::Config, scope: &Scope) -> Result<DataFrame> {
        let (clause, params) = scope.where_clause();
        self.query_df_with(&balance::sql::units("schools", &clause, cfg), &params)
    }

    /// The indicator CVs of the schools within each of `scopes` (a selection, or its parts of whole years), one
    /// after the other: [`balance::sql::cvs`] over [`balance::sql::units`], one query in the warehouse per scope;
    /// scopes of one shape (the same columns and number of values) share one prepared query, planned once.
    pub fn balance_cvs(&self, cfg: &balance::Config, scopes: &[Scope]) -> Result<Vec<DataFrame>> {
        let mut out = Vec::with_capacity(scopes.len());
        self.balance_cvs_each(cfg, scopes, |cvs| {
            out.push(cvs);
            Ok(())
        })?;
        Ok(out)
    }

    /// As [`Warehouse::balance_cvs`], handing each scope's CVs to `each` as soon as they are computed.
    pub fn balance_cvs_each(&self, cfg: &balance::Config, scopes: &[Scope], mut each: impl FnMut(DataFrame) -> Result<()>) -> Result<()> {
        let mut prepared: Option<(String, duckdb::Statement<'_>)> = None;
        for scope in scopes {
            let (clause, params) = scope.where_clause();
            let sql = balance::sql::cvs(&balance::sql::units("schools", &clause, cfg), cfg);
            if prepared.as_ref().is_none_or(|(text, _)| *text != sql) {
                prepared = Some((sql.clone(), self.conn.prepare(&sql)?));
            }
            let stmt = &mut prepared.as_mut().expect("prepared above").1;
            let arrow = stmt.query_arrow(duckdb::params_from_iter(params))?;
            let schema = arrow.get_schema();
            let batches: Vec<RecordBatch> = arrow.collect();
            each(bridge::batches_to_df(&schema, &batches)?)?;
        }
        Ok(())
    }

    /// Stores computed result tables in one transaction ([`Warehouse::begin_storing`], then
    /// [`Storing::put`] for each table): all of them or none.
    pub fn store_results(&self, tables: &mut [(&str, DataFrame, Scope)], constants: &[(&str, &str)]) -> Result<()> {
        let mut storing = self.begin_storing(constants)?;
        for (name, df, scope) in tables.iter_mut() {
            storing.put(name, df, scope)?;
        }
        storing.commit()
    }

    /// Opens the write transaction of [`Storing`]: result tables are stored one at a time as they are computed
    /// (and their frames dropped), and the warehouse holds all of them once [`Storing::commit`] returns, none
    /// if it is never called (an error, a kill). `constants` are columns with one value for every row (the rules
    /// a result was computed under), written by the INSERT rather than carried in every row of the frames.
    /// Reads through the same warehouse in the meantime see the schools and indicators as they were.
    /// A table may be put in parts: a put with the table and scope of an earlier put of the same transaction adds
    /// its rows to those.
    pub fn begin_storing(&self, constants: &[(&str, &str)]) -> Result<Storing<'_>> {
        // What is stored is written to the file as it goes; without a limit DuckDB keeps every block written
        // cached as well (national scale: 0.8 GB more at the peak of `compute`, for 10 % less time).
        self.conn.execute_batch(&format!("SET memory_limit = '{STORING_MEMORY_LIMIT}'; BEGIN TRANSACTION"))?;
        let mut storing = Storing { wh: self, existing: Vec::new(), constants: constants.iter().map(|(c, v)| (c.to_string(), v.to_string())).collect(), cleared: Vec::new(), open: true, one_thread: false };
        storing.existing = table_names(&self.conn)?;
        Ok(storing)
    }

    /// The metric tables of this warehouse whose layout is not the one this build declares (stored by another
    /// version of countyedu), each with what to do about it.
    pub fn stale_result_tables(&self) -> Result<Vec<String>> {
        let existing = table_names(&self.conn)?;
        let mut out = Vec::new();
        for decl in results::RESULT_TABLES.iter().filter(|d| existing.iter().any(|e| e == d.name)) {
            if layout_differs(&columns_of(&self.conn, "main", decl.name)?, decl) {
                out.push(results::stale_layout_message(decl, false));
            }
        }
        Ok(out)
    }

    /// Every table of the warehouse with its row count and whether it has a `year` column, in name order.
    /// A table's columns and their DuckDB types, in order.
    pub fn column_types(&self, table: &str) -> Result<Vec<(String, String)>> {
        columns_of(&self.conn, "main", table)
    }

    pub fn tables(&self) -> Result<Vec<(String, i64, bool)>> {
        let mut out = Vec::new();
        for name in table_names(&self.conn)? {
            let has_year = columns_of(&self.conn, "main", &name)?.iter().any(|(c, _)| c == "year");
            let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM {}", ident(&name)), [], |r| r.get(0))?;
            out.push((name, n, has_year));
        }
        Ok(out)
    }

    /// Writes a table as Parquet (zstd) into `target` (a folder that does not exist yet): hive-partitioned by year
    /// (`year=2021/…`) when it has a year column, else one file `target/TABLE.parquet`.
    pub fn write_table_parquet(&self, table: &str, has_year: bool, target: &Path) -> Result<()> {
        std::fs::create_dir_all(target)?;
        let sql = if has_year {
            format!(
                "COPY (SELECT * FROM {}) TO {} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year), OVERWRITE_OR_IGNORE true)",
                ident(table),
                lit(&target.to_string_lossy())
            )
        } else {
            format!("COPY {} TO {} (FORMAT parquet, COMPRESSION zstd)", ident(table), lit(&target.join(format!("{table}.parquet")).to_string_lossy()))
        };
        // A partitioned COPY buffers every partition's rows up to DuckDB's memory limit (80 % of the machine):
        // 1.5 GB for a national `balance_schools`; within 1 GB it takes 10 % longer.
        self.conn.execute_batch(&format!("SET memory_limit = '{EXPORT_MEMORY_LIMIT}'"))?;
        let written = self.conn.execute_batch(&sql);
        self.conn.execute_batch("RESET memory_limit")?;
        written?;
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
}

/// How many computed tables [`Background`] lets wait for its writer before a put waits: about one part of
/// [`crate::ops::compute`] (its eight tables), so memory holds at most the part being written and the next.
const BACKGROUND_QUEUE: usize = 8;

/// A table handed to the writer of [`Background`], or the word to commit.
enum Message {
    Put(&'static str, DataFrame, Scope),
    Commit,
}

/// A [`Storing`] transaction run by a thread of its own, on a second connection to the same warehouse
/// ([`Warehouse::store_in_background`]): [`Background::put`] hands a table over and returns, so that the next
/// part is computed while the last one is written (on two cores, each side mostly uses one). The same one
/// transaction as [`Storing`]: committed by [`Background::commit`]; rolled back when dropped uncommitted, or
/// when a put fails (whose error the next put or the commit returns).
pub struct Background {
    queue: Option<std::sync::mpsc::SyncSender<Message>>,
    writer: Option<std::thread::JoinHandle<Result<()>>>,
}

impl Warehouse {
    /// Opens a [`Background`] storing transaction, as [`Warehouse::begin_storing`] does on this connection.
    pub fn store_in_background(&self, constants: &[(&str, &str)]) -> Result<Background> {
        let writer = Warehouse { conn: self.conn.try_clone()?, path: self.path.clone() };
        let constants: Vec<(String, String)> = constants.iter().map(|(c, v)| (c.to_string(), v.to_string())).collect();
        let (queue, tables) = std::sync::mpsc::sync_channel::<Message>(BACKGROUND_QUEUE);
        let (begun, began) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new().name("countyedu-store".into()).spawn(move || -> Result<()> {
            let constants: Vec<(&str, &str)> = constants.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect();
            // A failure to begin ends the thread with its error, unsaid: `began` then hears nothing.
            let mut storing = writer.begin_storing(&constants)?;
            let _ = begun.send(());
            for message in tables {
                match message {
                    Message::Put(table, mut frame, scope) => storing.put(table, &mut frame, &scope)?,
                    Message::Commit => return storing.commit(),
                }
            }
            // The queue closed without the word to commit: dropping `storing` rolls back.
            Ok(())
        })?;
        let mut background = Background { queue: Some(queue), writer: Some(thread) };
        if began.recv().is_err() {
            return Err(background.failure("the storing thread stopped before it began"));
        }
        Ok(background)
    }
}

impl Background {
    /// Hands one computed table to the writer (waiting while the queue is full).
    pub fn put(&mut self, table: &'static str, frame: DataFrame, scope: Scope) -> Result<()> {
        let queue = self.queue.as_ref().ok_or_else(|| Error::other("storing has ended"))?;
        if queue.send(Message::Put(table, frame, scope)).is_err() {
            // The writer stopped: a put failed; its error is the one to report.
            return Err(self.failure("the storing thread stopped"));
        }
        Ok(())
    }

    /// Waits until every table handed over is stored, then commits them all.
    pub fn commit(mut self) -> Result<()> {
        if let Some(queue) = &self.queue {
            // A failed send means the writer already stopped with an error, which `finish` returns.
            let _ = queue.send(Message::Commit);
        }
        self.finish()
    }

    /// The error the writer stopped with (`otherwise` when it stopped without one).
    fn failure(&mut self, otherwise: &str) -> Error {
        self.finish().err().unwrap_or_else(|| Error::other(otherwise.to_string()))
    }

    /// Closes the queue and waits for the writer: its outcome (a rollback unless the word to commit was sent).
    fn finish(&mut self) -> Result<()> {
        self.queue = None;
        match self.writer.take() {
            Some(writer) => writer.join().map_err(|_| Error::other("the storing thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// A write transaction storing metric tables ([`Warehouse::begin_storing`]); rolled back when dropped
/// uncommitted.
pub struct Storing<'w> {
    wh: &'w Warehouse,
    existing: Vec<String>,
    constants: Vec<(String, String)>,
    /// The tables and scopes whose stored rows this transaction has deleted.
    cleared: Vec<(String, Scope)>,
    open: bool,
    /// Whether DuckDB was set to one thread (at the first put).
    one_thread: bool,
}

impl Storing<'_> {
    /// Stores one computed result table: it is created from its declaration ([`crate::results`]) where missing,
    /// the rows within `scope` are replaced by the new rows (added to those of an earlier put of the table and
    /// scope in this transaction), and values are inserted by column name, cast to the declared types. A table
    /// stored by another version of countyedu with another layout is recreated when the whole table is replaced,
    /// and refused (with what to do) otherwise: its columns are never matched by position.
    pub fn put(&mut self, name: &str, df: &mut DataFrame, scope: &Scope) -> Result<()> {
        let decl = results::result_table(name).ok_or_else(|| Error::other(format!("{name} is not a declared result table")))?;
        if !self.one_thread {
            // One DuckDB thread from the first put on: an INSERT from a frame is one task, and when DuckDB's
            // second thread takes it the thread that asked waits by spinning, a core's work lost while the next
            // part is computed beside it (national `compute`: 12 % of all CPU time, in perf). Queries before the
            // first put (the CVs of every year, in `compute`) keep both threads.
            self.wh.conn.execute_batch("SET threads = 1")?;
            self.one_thread = true;
        }
        let declared = decl.columns();
        let mut given: Vec<String> = df.get_column_names().iter().map(|c| c.to_string()).collect();
        given.extend(self.constants.iter().map(|(c, _)| c.to_string()));
        if given.len() != declared.len() || declared.iter().any(|(c, _)| !given.iter().any(|g| g == c)) {
            return Err(Error::other(format!("the computed {name} has the columns {given:?}, its declaration {:?}", decl.column_names())));
        }
        let table = ident(name);
        let create = format!(
            "CREATE TABLE {table} ({}); {}",
            declared.iter().map(|(c, t)| format!("{} {t}", ident(c))).collect::<Vec<_>>().join(", "),
            crate::meanings::comments_sql(name)
        );
        if self.existing.iter().any(|e| e == name) {
            if layout_differs(&columns_of(&self.wh.conn, "main", name)?, decl) {
                if !scope.is_all() {
                    return Err(Error::Warehouse { path: self.wh.path.clone(), message: results::stale_layout_message(decl, true).into() });
                }
                self.wh.conn.execute_batch(&format!("DROP TABLE {table}; {create}"))?;
            }
        } else {
            self.wh.conn.execute_batch(&create)?;
            self.existing.push(name.to_string());
        }
        if !self.cleared.iter().any(|(t, s)| t == name && s == scope) {
            let (clause, params) = scope.where_clause();
            self.wh.conn.execute(&format!("DELETE FROM {table} WHERE {clause}"), duckdb::params_from_iter(params))?;
            self.cleared.push((name.to_string(), scope.clone()));
        }
        let cols = declared.iter().map(|(c, _)| ident(c)).collect::<Vec<_>>().join(", ");
        let value = |c: &str, t: &str| match self.constants.iter().find(|(k, _)| *k == c) {
            Some((_, v)) => format!("CAST({} AS {t})", lit(v)),
            None => format!("CAST({} AS {t})", ident(c)),
        };
        let values = declared.iter().map(|(c, t)| value(c, t)).collect::<Vec<_>>().join(", ");
        // A frame read from DuckDB comes in chunks of 2,048 rows: one INSERT per chunk would be hundreds.
        df.rechunk_mut_par();
        for batch in bridge::df_to_batches(df)? {
            let reg = ArrowBatchRegistration::new(batch);
            self.wh.conn.execute(&format!("INSERT INTO {table} ({cols}) SELECT {values} FROM arrow(?)"), [&reg])?;
        }
        Ok(())
    }

    /// Commits every table put.
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.wh.conn.execute_batch("COMMIT; RESET memory_limit; RESET threads")?;
        Ok(())
    }
}

impl Drop for Storing<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.wh.conn.execute_batch("ROLLBACK; RESET memory_limit; RESET threads");
        }
    }
}

/// DuckDB's memory limit while a table is written out as Parquet.
const EXPORT_MEMORY_LIMIT: &str = "1GB";

/// DuckDB's memory limit while a [`Storing`] transaction is open.
const STORING_MEMORY_LIMIT: &str = "256MB";
