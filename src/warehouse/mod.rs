//! The warehouse: the one module that opens DuckDB. It owns the schema, the all-or-nothing load transaction,
//! and turns SQL into Arrow record batches.
//!
//! Invariants kept here:
//! - the schema is generated from [`crate::model`], so the DDL and the validator agree by construction;
//! - only `ingest` and `demo` create a warehouse ([`Access::Create`]), and only where no file exists: a file that
//!   is not a countyedu warehouse is opened read-only to find that out and never written;
//! - a load is one transaction: staged rows are checked as a whole before anything replaces the warehouse's rows,
//!   the stored metrics of the county-years it replaces are removed in the same transaction, and any error rolls
//!   everything back;
//! - nothing here reaches the network: extension auto-install and auto-load are off (parquet and json are
//!   compiled in), and `INSTALL` / `LOAD` in user SQL are refused.
//!
//! Parts: [`schema`] (DDL and the shape checks), [`load`] (the load transaction and metric invalidation),
//! [`query`] (user SQL, engine reads, storing metric tables, export), [`engine`] (in-memory DuckDB for Parquet
//! files and scheme expressions, never the warehouse connection), [`sqltext`] (statement splitting, pure).

pub mod engine;
pub mod load;
pub mod query;
pub mod schema;
pub mod sqltext;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::vtab::arrow::ArrowVTab;
use duckdb::{AccessMode, Config, Connection};

use crate::error::{Error, Problem, Result};

pub use engine::{read_parquet, write_parquet};
pub use load::{Load, LogEntry, Removed, RowIssue, TableChange};
pub use query::{Background, Scope, Storing};
/// A value bound to a query parameter.
pub use duckdb::types::Value;

/// The warehouse file used when neither `--db` nor `COUNTYEDU_DB` names one.
pub const DEFAULT_PATH: &str = "countyedu.duckdb";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read an existing warehouse.
    ReadOnly,
    /// Read and write an existing warehouse.
    ReadWrite,
    /// Read and write a warehouse, creating it where no file exists (`ingest`, `demo`).
    Create,
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

/// Settings of every DuckDB connection countyedu opens: no extension is installed or loaded behind the user's
/// back, and an explicit `INSTALL` finds no repository to download from.
fn config(mode: AccessMode) -> duckdb::Result<Config> {
    Config::default()
        .access_mode(mode)?
        .enable_autoload_extension(false)?
        .with("autoinstall_known_extensions", "false")?
        .with("autoload_known_extensions", "false")?
        .with("allow_community_extensions", "false")
}

impl Warehouse {
    /// Opens the warehouse at `path`. [`Access::Create`] creates the file and its schema where no file exists;
    /// every access requires an existing file to be a countyedu warehouse of this version (exit 5 otherwise).
    pub fn open(path: &Path, access: Access) -> Result<Self> {
        let fail = |message: Problem| Error::Warehouse { path: path.to_path_buf(), message };
        if path.is_dir() {
            return Err(fail("is a folder; --db names the warehouse file".into()));
        }
        if path.exists() {
            // Probe read-only first: a file that is not ours is never opened for writing.
            let probe = Self::connect(path, AccessMode::ReadOnly).map_err(|e| fail(opening_failed(&e, true)))?;
            let found = schema::check_version(&probe.conn).map_err(|m| fail(m.into()))?;
            if access == Access::ReadOnly && found == schema::Found::Current {
                return Ok(probe);
            }
            drop(probe);
            let wh = Self::connect(path, AccessMode::ReadWrite).map_err(|e| fail(opening_failed(&e, false)))?;
            if let schema::Found::Older(v) = found {
                schema::migrate(&wh.conn).map_err(|e| fail(format!("written by an older countyedu (schema version {v}); bringing it up to date failed: {e}").into()))?;
                crate::say!("note: {}: brought the warehouse from schema version {v} to {} (new optional columns)", path.display(), schema::SCHEMA_VERSION);
            }
            if access == Access::ReadOnly {
                drop(wh);
                return Self::connect(path, AccessMode::ReadOnly).map_err(|e| fail(e.to_string().into()));
            }
            return Ok(wh);
        }
        if access != Access::Create {
            return Err(fail(
                "no warehouse here; load data first with `countyedu ingest PATH…` or name an existing one with --db \
                 (or COUNTYEDU_DB)"
                    .into(),
            ));
        }
        let wh = Self::connect(path, AccessMode::ReadWrite).map_err(|e| fail(e.to_string().into()))?;
        if let Err(e) = schema::create(&wh.conn) {
            drop(wh);
            let _ = std::fs::remove_file(path);
            let _ = std::fs::remove_file(wal_path(path));
            return Err(e);
        }
        Ok(wh)
    }

    /// Opens like [`Warehouse::open`], retrying for up to `wait` while another process holds the file's lock
    /// (DuckDB lets one process write, or several read); the error after that says how long it waited.
    pub fn open_waiting(path: &Path, access: Access, wait: Duration) -> Result<Self> {
        let start = Instant::now();
        let mut said = false;
        loop {
            match Self::open(path, access) {
                Err(Error::Warehouse { message, .. }) if is_locked(&message) && start.elapsed() < wait => {
                    if !said {
                        crate::say!("waiting up to {} s for another process to release {}", wait.as_secs_f64(), path.display());
                        said = true;
                    }
                    std::thread::sleep(Duration::from_millis(100).min(wait.saturating_sub(start.elapsed())));
                }
                Err(Error::Warehouse { path, message }) if is_locked(&message) && !wait.is_zero() => {
                    let waited = Problem::new(format!("{message} (waited {:.1} s)", start.elapsed().as_secs_f64()));
                    let message = match message.hint() {
                        Some(h) => waited.with_hint(h),
                        None => waited,
                    };
                    return Err(Error::Warehouse { path, message });
                }
                other => return other,
            }
        }
    }

    fn connect(path: &Path, mode: AccessMode) -> duckdb::Result<Self> {
        let conn = Connection::open_with_flags(path, config(mode)?)?;
        conn.register_table_function::<ArrowVTab>("arrow")?;
        Ok(Warehouse { conn, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Marks this warehouse as the demo's own, so that a later `demo` may replace it.
    pub fn mark_demo(&self) -> Result<()> {
        self.set_meta(CREATED_BY, DEMO)
    }

    /// Removes an earlier demo warehouse at `path` so that the demo can start afresh; anything else there (a
    /// user's warehouse, another DuckDB file, any file) is refused (a usage error) and left untouched.
    pub fn remove_demo(path: &Path, wait: Duration) -> Result<()> {
        if !path.exists() {
            return Ok(());
        }
        let refuse = |why: String| {
            Error::usage(format!(
                "{}: {why}; the demo replaces only a warehouse it created itself. Name another file with --db \
                 (or unset COUNTYEDU_DB)",
                path.display()
            ))
        };
        let created_by = match Warehouse::open_waiting(path, Access::ReadOnly, wait) {
            Ok(wh) => wh.meta(CREATED_BY),
            Err(e @ Error::Warehouse { .. }) if is_locked(&e.to_string()) => return Err(e),
            Err(e) => return Err(refuse(format!("exists and is not a demo warehouse ({e})"))),
        };
        if created_by.as_deref() != Some(DEMO) {
            return Err(refuse("is a countyedu warehouse the demo did not create".into()));
        }
        std::fs::remove_file(path)?;
        let wal = wal_path(path);
        if wal.exists() {
            std::fs::remove_file(wal)?;
        }
        Ok(())
    }

    /// A value of `countyedu_meta`.
    pub fn meta(&self, key: &str) -> Option<String> {
        self.conn.query_row("SELECT value FROM countyedu_meta WHERE key = ?", [key], |r| r.get(0)).ok()
    }

    /// Sets a value of `countyedu_meta`.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.in_transaction(|conn| {
            conn.execute("DELETE FROM countyedu_meta WHERE key = ?", [key])?;
            conn.execute("INSERT INTO countyedu_meta VALUES (?, ?)", [key, value])?;
            Ok(())
        })
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise. Every write of the
    /// warehouse but the load (which stays open across files, see [`Load`]) goes through here.
    fn in_transaction<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        match f(&self.conn) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// The `countyedu_meta` key that marks who created a warehouse, and the mark of the demo.
const CREATED_BY: &str = "created_by";
const DEMO: &str = "demo";

/// The write-ahead log DuckDB keeps beside a database file.
pub fn wal_path(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.wal", path.display()))
}

/// Why DuckDB could not open a file, in words for someone who passed the wrong `--db` (`first`: the first,
/// read-only look at a file, where anything but a lock means the file is not a DuckDB database).
fn opening_failed(e: &duckdb::Error, first: bool) -> Problem {
    let msg = e.to_string();
    if is_locked(&msg) {
        Problem::new(locked_message(&msg)).with_hint("wait for that process to finish, or pass --wait SECONDS (COUNTYEDU_WAIT) to retry for that long")
    } else if first {
        Problem::new(format!("not a countyedu warehouse (DuckDB cannot open it: {msg})"))
    } else {
        Problem::new(msg)
    }
}

/// DuckDB's words for a file another process holds, or ours ([`locked_message`]).
pub fn is_locked(message: &str) -> bool {
    message.contains("Could not set lock") || message.contains("Conflicting lock") || message.contains(LOCKED)
}

const LOCKED: &str = "is locked by another process";

/// What to say of a file another process holds, from DuckDB's message: the process it names (program and PID),
/// without DuckDB's advice for its own command-line shell (`-readonly`), which is not ours to give.
fn locked_message(duckdb: &str) -> String {
    let holder = duckdb.split("is held in ").nth(1).and_then(|rest| {
        let program = rest.split(" (PID ").next()?.trim();
        let pid = rest.split("(PID ").nth(1)?.split(')').next()?.trim();
        Some(format!(" ({program}, PID {pid})"))
    });
    format!("{LOCKED}{}: DuckDB lets one process write a warehouse, or several read it", holder.unwrap_or_default())
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

/// SQL identifier, quoted.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 34, item 8: a lock is said in our words, naming the process, without DuckDB's advice for its shell.
    #[test]
    fn a_lock_names_the_process_without_duckdbs_shell_advice() {
        let duckdb = "IO Error: Could not set lock on file \"/tmp/w.duckdb\": Conflicting lock is held in /usr/bin/countyedu (PID 4242) by user root. However, you would be able to open this database in read-only mode, e.g. by using the -readonly parameter in the CLI. See also https://duckdb.org/docs/stable/connect/concurrency";
        let said = locked_message(duckdb);
        assert_eq!(said, "is locked by another process (/usr/bin/countyedu, PID 4242): DuckDB lets one process write a warehouse, or several read it");
        assert!(is_locked(&said));
        assert!(!said.contains("-readonly") && !said.contains("CLI"));
        assert_eq!(locked_message("Conflicting lock"), "is locked by another process: DuckDB lets one process write a warehouse, or several read it");
    }

    #[test]
    fn a_new_warehouse_gets_its_schema_and_reopens_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.duckdb");
        assert!(matches!(Warehouse::open(&path, Access::ReadOnly), Err(Error::Warehouse { .. })));
        assert!(matches!(Warehouse::open(&path, Access::ReadWrite), Err(Error::Warehouse { .. })));
        assert!(!path.exists(), "only Create creates");
        drop(Warehouse::open(&path, Access::Create).unwrap());
        let wh = Warehouse::open(&path, Access::ReadOnly).unwrap();
        let counts = wh.table_counts().unwrap();
        assert_eq!(counts, vec![("counties", 0), ("schools", 0), ("county_indicators", 0), ("ingest_log", 0)]);
        assert!(matches!(wh.user_sql("CREATE TABLE x (a INT)", false), Err(e @ Error::Sql(_)) if e.hint().is_some_and(|h| h.contains("--write"))));
    }

    /// Storing, loading and exporting limit DuckDB's memory (storing and loading its threads too) while they run,
    /// and give the database its own settings back when they end (a store or a load committed or not).
    #[test]
    fn a_store_or_a_load_limits_memory_and_threads_only_while_it_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let wh = Warehouse::open(&dir.path().join("w.duckdb"), Access::Create).unwrap();
        let limit = || -> String { wh.conn.query_row("SELECT current_setting('memory_limit')", [], |r| r.get(0)).unwrap() };
        let threads = || -> i64 { wh.conn.query_row("SELECT current_setting('threads')", [], |r| r.get(0)).unwrap() };
        let (before, threads_before) = (limit(), threads());
        let checks = |year: i32| {
            use polars::prelude::*;
            df!("year" => [year], "county_code" => ["140121"], "check" => ["teacher_pay"], "basis" => [None::<&str>],
                "value" => [1.0], "reference" => [2.0], "pct" => [50.0], "passed" => [false], "detail" => ["x"])
            .unwrap()
        };
        let stamp = [("rules", "national"), ("rules_hash", "0")];
        let mut storing = wh.begin_storing(&stamp).unwrap();
        assert_eq!(limit(), "244.1 MiB", "256 MB while storing");
        assert_eq!(threads(), threads_before, "every DuckDB thread until the first put");
        storing.put("growth_checks", &mut checks(2022), &Scope::all()).unwrap();
        assert_eq!(threads(), 1, "one DuckDB thread while storing");
        drop(storing);
        assert_eq!((limit(), threads()), (before.clone(), threads_before));
        wh.begin_storing(&[]).unwrap().commit().unwrap();
        assert_eq!((limit(), threads()), (before.clone(), threads_before));
        let mut background = wh.store_in_background(&stamp).unwrap();
        background.put("growth_checks", checks(2022), Scope::all()).unwrap();
        // The writer takes the frame before it sets the thread: wait until it has.
        let start = std::time::Instant::now();
        while threads() != 1 && start.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(threads(), 1, "one DuckDB thread while storing in the background");
        background.commit().unwrap();
        assert_eq!((limit(), threads()), (before.clone(), threads_before));
        let load = wh.begin_load().unwrap();
        assert_eq!((limit().as_str(), threads()), ("488.2 MiB", 1), "512 MB and one DuckDB thread while the files are written");
        drop(load);
        assert_eq!((limit(), threads()), (before.clone(), threads_before));
        let load = wh.begin_load().unwrap();
        load.problems(10).unwrap();
        assert_eq!(threads(), threads_before, "every thread for the whole-load checks");
        load.commit(&[]).unwrap();
        assert_eq!((limit(), threads()), (before.clone(), threads_before));
        wh.write_table_parquet("counties", false, &dir.path().join("export")).unwrap();
        assert_eq!(limit(), before, "an export sets its limit back");
    }

    /// Storing in the background is one transaction like [`Storing`]: its rows are stored once committed, and none
    /// are when it is dropped uncommitted or a put failed (the failure reported by a later put or the commit).
    #[test]
    fn a_background_store_is_all_or_nothing() {
        use polars::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let wh = Warehouse::open(&dir.path().join("w.duckdb"), Access::Create).unwrap();
        let stamp = [("rules", "national"), ("rules_hash", "0")];
        let checks = |year: i32| {
            df!("year" => [year], "county_code" => ["140121"], "check" => ["teacher_pay"], "basis" => [None::<&str>],
                "value" => [1.0], "reference" => [2.0], "pct" => [50.0], "passed" => [false], "detail" => ["x"])
            .unwrap()
        };
        let rows = || -> i64 {
            let names = query::table_names(&wh.conn).unwrap();
            if !names.iter().any(|n| n == "growth_checks") {
                return 0;
            }
            wh.conn.query_row("SELECT count(*) FROM growth_checks", [], |r| r.get(0)).unwrap()
        };
        let mut store = wh.store_in_background(&stamp).unwrap();
        store.put("growth_checks", checks(2022), Scope::all()).unwrap();
        store.put("growth_checks", checks(2023), Scope::all()).unwrap();
        drop(store);
        assert_eq!(rows(), 0, "dropped uncommitted: nothing stored");

        let mut store = wh.store_in_background(&stamp).unwrap();
        store.put("growth_checks", checks(2022), Scope::all()).unwrap();
        store.put("growth_checks", checks(2023), Scope::all()).unwrap();
        store.commit().unwrap();
        assert_eq!(rows(), 2);

        // A frame without the declared columns fails in the writer; the store replacing every row is undone.
        let mut store = wh.store_in_background(&stamp).unwrap();
        store.put("growth_checks", checks(2024), Scope::all()).unwrap();
        let failed = store.put("growth_checks", df!("year" => [2024]).unwrap(), Scope::all()).and_then(|()| {
            // The queue may have taken the bad frame before the writer reached it: the commit says so then.
            store.put("growth_checks", checks(2025), Scope::all())
        });
        let outcome = failed.and_then(|()| store.commit());
        let message = outcome.expect_err("a bad frame fails the store").to_string();
        assert!(message.contains("growth_checks has the columns"), "{message}");
        assert_eq!(rows(), 2, "the failed store left the rows as they were");
    }

    #[test]
    fn a_duckdb_file_of_someone_else_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.duckdb");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE mine (a INT); INSERT INTO mine VALUES (1)").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        for access in [Access::ReadOnly, Access::ReadWrite, Access::Create] {
            match Warehouse::open(&path, access) {
                Err(Error::Warehouse { message, .. }) => assert!(message.contains("not a countyedu warehouse"), "{message}"),
                other => panic!("{access:?}: {:?}", other.err()),
            }
        }
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
}
