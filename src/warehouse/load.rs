//! The all-or-nothing load: staged rows checked as a whole, then the warehouse rows they supersede replaced, the
//! stored metrics computed from those rows removed, and the files logged, in one transaction.
//!
//! Metric invalidation is shared with `sql --write`, which finds what it changed by comparing fingerprints of
//! every county-year before and after the user's statements.

use duckdb::Connection;
use polars::prelude::{Column, DataFrame};

use super::schema::duplicate_keys_sql;
use super::{Warehouse, ident};
use crate::bridge;
use crate::error::Result;
use crate::model::Table;
use crate::results::{Depends, RESULT_TABLES};

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

/// Stored metric rows removed because the rows they were computed from changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub table: &'static str,
    pub rows: i64,
    /// The command that computes the table again.
    pub written_by: &'static str,
}

/// One loaded file, for `ingest_log`.
pub struct LogEntry {
    pub file: String,
    pub sha256: String,
    pub table: Table,
    pub rows: i64,
    /// How the file was loaded, when not the usual way (bounds widened).
    pub note: Option<String>,
}

/// An open load transaction. Dropping it without [`Load::commit`] rolls everything back.
///
/// Counties are staged whole and copied at the commit (the areas of the counties they replace are needed until
/// then). Schools and county indicators, the large tables, are staged only in the columns the whole-load checks
/// read (key, replace scope, `_file`, `_row`); their rows go straight into the warehouse's tables, inside the
/// transaction, while no problem has been found: the warehouse's rows of a county-year (and indicator) are
/// deleted when a file first brings that scope, so a load never deletes its own rows. Once a problem is found
/// the load cannot commit, and later files are staged for the checks only.
pub struct Load {
    /// A connection of its own (the load's transaction), so that the load can be written by another thread.
    conn: Connection,
    open: bool,
    /// What went straight into each large table, by [`direct_slot`].
    direct: [Direct; 2],
}

/// What a load wrote straight into one of the large tables.
#[derive(Default)]
struct Direct {
    /// Whether the table held rows when the load began (else there is nothing to replace).
    had_rows: bool,
    inserted: i64,
    replaced: i64,
}

impl Warehouse {
    /// Starts an all-or-nothing load.
    pub fn begin_load(&self) -> Result<Load> {
        // DuckDB's buffers spill to its temporary files past the limit instead of holding memory beside the frames
        // being read, validated and written (national scale, 12 files: a peak of 1,063 MiB under a limit of 1 GB,
        // 902 MiB under 512 MB, at the same speed). One DuckDB thread while the files are written: an INSERT from a
        // frame is one task, and when DuckDB's other thread takes it the writer spins until it is done, taking a
        // core from reading and validation (national scale, 3 pairs: 5.62 → 5.43 s, 8.0 → 7.4 s of CPU); every
        // thread again for the whole-load checks ([`Load::problems`]).
        let mut ddl = format!("SET memory_limit = '{LOAD_MEMORY_LIMIT}';\nSET threads = 1;\nBEGIN TRANSACTION;\n");
        for t in Table::ALL {
            let cols: Vec<String> =
                staged_columns(t).iter().map(|c| format!("{} {}", c, t.column(c).expect("a staged column is canonical").kind.sql_type())).collect();
            ddl.push_str(&format!(
                "CREATE OR REPLACE TEMP TABLE stage_{} ({}, _row BIGINT, _file INTEGER);\n",
                t.name(),
                cols.join(", ")
            ));
        }
        let conn = self.conn.try_clone()?;
        conn.execute_batch(&ddl)?;
        let mut load = Load { conn, open: true, direct: Default::default() };
        for t in Table::ALL {
            if let Some(slot) = direct_slot(t) {
                load.direct[slot].had_rows = load.conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {})", t.name()), [], |r| r.get(0))?;
            }
        }
        Ok(load)
    }
}

/// Where a table's rows go straight into the warehouse: its slot in [`Load::direct`] (counties are staged whole
/// and copied at the commit).
fn direct_slot(t: Table) -> Option<usize> {
    match t {
        Table::Counties => None,
        Table::Schools => Some(0),
        Table::CountyIndicators => Some(1),
    }
}

/// SQL that a row `alias` of the load has the replace scope of the warehouse's row `w`.
fn same_scope(t: Table, alias: &str) -> String {
    t.replace_scope().iter().map(|c| format!("{alias}.{c} = w.{c}")).collect::<Vec<_>>().join(" AND ")
}

/// The columns a table is staged in: every column for counties, the key and replace scope for the others.
fn staged_columns(t: Table) -> Vec<&'static str> {
    match t {
        Table::Counties => t.columns().iter().map(|c| c.name).collect(),
        _ => {
            let mut cols: Vec<&'static str> = Vec::new();
            for c in t.columns().iter().map(|c| c.name) {
                if t.key().contains(&c) || t.replace_scope().contains(&c) {
                    cols.push(c);
                }
            }
            cols
        }
    }
}

impl Load {
    /// Stages a validated frame (canonical columns, then `_row`) from file number `file_id`. `whole` says that no
    /// problem has been found in this load so far (this frame included): only then do a large table's rows go
    /// into the warehouse's table.
    pub fn append(&mut self, table: Table, file_id: i32, df: &DataFrame, whole: bool) -> Result<()> {
        let conn = &self.conn;
        let height = df.height();
        let mut cols: Vec<Column> = Vec::new();
        for c in staged_columns(table).into_iter().chain(["_row"]) {
            cols.push(df.column(c)?.clone());
        }
        cols.push(Column::new("_file".into(), vec![file_id; height]));
        let mut staged = DataFrame::new(height, cols)?;
        let mut app = conn.appender_to_catalog_and_db(&format!("stage_{}", table.name()), "temp", "main")?;
        for batch in bridge::df_to_batches(&mut staged)? {
            app.append_record_batch(batch)?;
        }
        app.flush()?;
        drop(app);
        let Some(slot) = direct_slot(table) else { return Ok(()) };
        if !whole {
            return Ok(());
        }
        let name = table.name();
        if self.direct[slot].had_rows && height > 0 {
            // The scopes this file is the first of the load to bring: the warehouse's rows there are replaced.
            let (this, earlier) = (same_scope(table, "s"), same_scope(table, "e"));
            // The file's years as constants, so that DuckDB reads only the row groups of those years.
            let mut years: Vec<i32> = df.column("year")?.i32()?.iter().flatten().collect();
            years.sort_unstable();
            years.dedup();
            let years = years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ");
            self.direct[slot].replaced += conn.execute(
                &format!(
                    "DELETE FROM {name} w WHERE w.year IN ({years})
                       AND EXISTS (SELECT 1 FROM temp.stage_{name} s WHERE s._file = {file_id} AND s.year IN ({years}) AND {this})
                       AND NOT EXISTS (SELECT 1 FROM temp.stage_{name} e WHERE e._file < {file_id} AND e.year IN ({years}) AND {earlier})"
                ),
                [],
            )? as i64;
        }
        let canonical: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
        let mut rows = df.select(canonical.iter().copied())?;
        // By name, as every write of a canonical table: never matched by position.
        let cols = canonical.join(", ");
        for batch in bridge::df_to_batches(&mut rows)? {
            let reg = duckdb::vtab::arrow::ArrowBatchRegistration::new(batch);
            conn.execute(&format!("INSERT INTO {name} ({cols}) SELECT {cols} FROM arrow(?)"), [&reg])?;
        }
        self.direct[slot].inserted += height as i64;
        Ok(())
    }

    /// Checks the staged rows as a whole. Returns up to `limit` issues per check, and how many more were found.
    /// Cells that failed their own check are staged as NULL and take part in no comparison.
    pub fn problems(&self, limit: usize) -> Result<(Vec<RowIssue>, usize)> {
        self.conn.execute_batch("RESET threads")?;
        let mut issues = Vec::new();
        let unlisted = self.duplicate_keys(limit, &mut issues)? + self.unknown_counties(limit, &mut issues)? + self.school_ids_elsewhere(limit, &mut issues)?;
        Ok((issues, unlisted))
    }

    /// The same key twice within the load.
    fn duplicate_keys(&self, limit: usize, issues: &mut Vec<RowIssue>) -> Result<usize> {
        let mut unlisted = 0;
        for t in Table::ALL {
            let stage = format!("temp.stage_{}", t.name());
            let any: i64 = self.conn.query_row(&duplicate_keys_sql(t, &stage), [], |r| r.get(0))?;
            if any == 0 {
                continue; // the common case, answered by one hash aggregate
            }
            let key = t.key().join(", ");
            let complete = t.key().iter().map(|k| format!("{k} IS NOT NULL")).collect::<Vec<_>>().join(" AND ");
            let shown = t.key().iter().map(|k| format!("CAST({k} AS VARCHAR)")).collect::<Vec<_>>().join(" || ' / ' || ");
            let sql = format!(
                "SELECT _file, _row, {shown}, f0, r0, count(*) OVER () FROM (
                   SELECT *, row_number() OVER w AS k, first_value(_file) OVER w AS f0, first_value(_row) OVER w AS r0
                   FROM temp.stage_{name} WHERE {complete} WINDOW w AS (PARTITION BY {key} ORDER BY _file, _row))
                 WHERE k > 1 ORDER BY _file, _row LIMIT {limit}",
                name = t.name()
            );
            let key_cols = t.key();
            let column = key_cols[key_cols.len() - 1];
            unlisted += self.collect(&sql, issues, |f, r, v, f0, r0| RowIssue {
                table: t,
                file_id: f,
                row: r,
                column,
                value: v,
                expected: format!("a unique ({}) within the load; the same key is also", key_cols.join(", ")),
                other: Some((f0, r0)),
            })?;
        }
        Ok(unlisted)
    }

    /// County codes neither in `counties` nor in the counties of the load.
    fn unknown_counties(&self, limit: usize, issues: &mut Vec<RowIssue>) -> Result<usize> {
        let mut unlisted = 0;
        for t in [Table::Schools, Table::CountyIndicators] {
            let sql = format!(
                "SELECT _file, _row, county_code, 0, 0, count(*) OVER () FROM temp.stage_{} s
                 WHERE s.county_code IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM counties c WHERE c.county_code = s.county_code)
                   AND NOT EXISTS (SELECT 1 FROM temp.stage_counties c WHERE c.county_code = s.county_code)
                 ORDER BY _file, _row LIMIT {limit}",
                t.name()
            );
            unlisted += self.collect(&sql, issues, |f, r, v, _, _| RowIssue {
                table: t,
                file_id: f,
                row: r,
                column: "county_code",
                value: v,
                expected: "a county code listed in counties (load a counties file in the same call or before)".into(),
                other: None,
            })?;
        }
        Ok(unlisted)
    }

    /// A school id the warehouse already holds for that year under a county this load does not replace.
    fn school_ids_elsewhere(&self, limit: usize, issues: &mut Vec<RowIssue>) -> Result<usize> {
        if !self.direct[0].had_rows {
            return Ok(0); // the warehouse held no school before this load
        }
        let sql = format!(
            "SELECT s._file, s._row, s.school_id, 0, 0, count(*) OVER (), w.county_code, s.year
             FROM temp.stage_schools s JOIN schools w ON w.year = s.year AND w.school_id = s.school_id
             WHERE w.county_code <> s.county_code
               AND NOT EXISTS (SELECT 1 FROM temp.stage_schools r WHERE r.county_code = w.county_code AND r.year = w.year)
             ORDER BY s._file, s._row LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
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
        Ok((total as usize).saturating_sub(listed))
    }

    /// Runs one check whose rows are (_file, _row, value, other file, other row, total found);
    /// returns how many it found beyond those listed.
    fn collect(&self, sql: &str, issues: &mut Vec<RowIssue>, make: impl Fn(i32, i64, String, i32, i64) -> RowIssue) -> Result<usize> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        let (mut listed, mut total) = (0usize, 0i64);
        while let Some(row) = rows.next()? {
            issues.push(make(row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?));
            total = row.get(5)?;
            listed += 1;
        }
        Ok((total as usize).saturating_sub(listed))
    }

    /// Removes the stored metrics of every county-year (and county) the staged rows replace, replaces the
    /// warehouse's counties by the staged ones (schools and indicators are in place already), logs the files, and
    /// commits.
    pub fn commit(mut self, log: &[LogEntry]) -> Result<(Vec<TableChange>, Vec<Removed>)> {
        let conn = &self.conn;
        conn.execute_batch(
            "CREATE OR REPLACE TEMP TABLE changed AS
               SELECT DISTINCT county_code, year FROM temp.stage_schools
               UNION SELECT DISTINCT county_code, year FROM temp.stage_county_indicators
               UNION SELECT county_code, NULL::INTEGER FROM temp.stage_counties",
        )?;
        let removed = invalidate(conn, "temp.stage_counties")?;
        let mut changes = Vec::new();
        for t in Table::ALL {
            let name = t.name();
            let change = match direct_slot(t) {
                Some(slot) => TableChange { table: name, inserted: self.direct[slot].inserted, replaced: self.direct[slot].replaced },
                None => {
                    let scope = same_scope(t, "s");
                    let replaced = conn.execute(
                        &format!("DELETE FROM {name} w WHERE EXISTS (SELECT 1 FROM temp.stage_{name} s WHERE {scope})"),
                        [],
                    )? as i64;
                    let cols = t.columns().iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
                    let inserted =
                        conn.execute(&format!("INSERT INTO {name} ({cols}) SELECT {cols} FROM temp.stage_{name}"), [])? as i64;
                    TableChange { table: name, inserted, replaced }
                }
            };
            changes.push(change);
        }
        let load_id: i32 = conn.query_row("SELECT coalesce(max(load_id), 0) + 1 FROM ingest_log", [], |r| r.get(0))?;
        let mut stmt = conn.prepare("INSERT INTO ingest_log (load_id, file, sha256, table_name, rows, note) VALUES (?, ?, ?, ?, ?, ?)")?;
        for e in log {
            stmt.execute(duckdb::params![load_id, e.file, e.sha256, e.table.name(), e.rows, e.note])?;
        }
        let mut drop_stage = String::from("DROP TABLE temp.changed;\n");
        for t in Table::ALL {
            drop_stage.push_str(&format!("DROP TABLE temp.stage_{};\n", t.name()));
        }
        drop_stage.push_str("COMMIT; RESET memory_limit; RESET threads;");
        conn.execute_batch(&drop_stage)?;
        self.open = false;
        Ok((changes, removed))
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK; RESET memory_limit; RESET threads");
        }
    }
}

/// DuckDB's memory limit while a load is open.
const LOAD_MEMORY_LIMIT: &str = "512MB";

/// Deletes, from every stored metric table, the rows computed from the county-years in `temp.changed`
/// (`county_code`, `year`; a NULL year means every year of the county), and the rows that compare other counties
/// with them (ranks and areas). Areas (for `equity_across`) and provinces are looked up in `counties` and in
/// `also` (the staged counties while a load is open, the counties as they were before a user's statements), so
/// that a county moved to another province invalidates both.
pub(crate) fn invalidate(conn: &Connection, also: &str) -> Result<Vec<Removed>> {
    let existing = super::query::table_names(conn)?;
    let areas = format!("(SELECT county_code, prefecture_code, province_code FROM counties UNION SELECT county_code, prefecture_code, province_code FROM {also})");
    // The county-years of every county of a changed county's province.
    conn.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE changed_province AS
           SELECT county_code, year FROM temp.changed
           UNION SELECT b.county_code, c.year FROM temp.changed c JOIN {areas} a USING (county_code)
             JOIN {areas} b ON b.province_code = a.province_code"
    ))?;
    let mut removed = Vec::new();
    for t in RESULT_TABLES.iter().filter(|t| existing.iter().any(|e| e == t.name)) {
        let name = ident(t.name);
        let year = match t.depends {
            Depends::CountyYear | Depends::AreaYear => "c.year = m.year",
            Depends::CountyYearAndPrevious | Depends::ProvinceYearAndPrevious => "m.year IN (c.year, c.year + 1)",
            Depends::CountyWindow | Depends::ProvinceWindow => "c.year BETWEEN m.from_year AND m.to_year",
            Depends::ProvinceYearAround => "m.year BETWEEN c.year - 1 AND c.year + 1",
        };
        let changed = match t.depends {
            Depends::ProvinceYearAndPrevious | Depends::ProvinceWindow | Depends::ProvinceYearAround => "temp.changed_province",
            _ => "temp.changed",
        };
        let sql = match t.depends {
            Depends::AreaYear => format!(
                "DELETE FROM {name} m WHERE EXISTS (SELECT 1 FROM temp.changed c JOIN {areas} a USING (county_code)
                  WHERE (c.year IS NULL OR {year}) AND m.area_code IN (a.prefecture_code, a.province_code))"
            ),
            _ => format!(
                "DELETE FROM {name} m WHERE EXISTS (SELECT 1 FROM {changed} c
                  WHERE c.county_code = m.county_code AND (c.year IS NULL OR {year}))"
            ),
        };
        let rows = conn.execute(&sql, [])? as i64;
        if rows > 0 {
            removed.push(Removed { table: t.name, rows, written_by: t.written_by });
        }
    }
    conn.execute_batch("DROP TABLE temp.changed_province")?;
    Ok(removed)
}

/// A fingerprint of every county-year of the input tables (and of every county row), to find what a user's
/// statements changed.
const FINGERPRINT: &str = "
    SELECT 's' AS part, county_code, year, sum(hash(t)) AS h, count(*) AS n FROM schools t GROUP BY ALL
    UNION ALL SELECT 'i', county_code, year, sum(hash(t)), count(*) FROM county_indicators t GROUP BY ALL
    UNION ALL SELECT 'c', county_code, NULL::INTEGER, hash(t), 1 FROM counties t";

/// Takes the fingerprint before a user's statements run (`temp.fp_before`), and the counties' areas as they are
/// (`temp.areas_before`: a county moved to another province invalidates the ranks of both).
pub(crate) fn fingerprint_before(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE fp_before AS {FINGERPRINT};
         CREATE OR REPLACE TEMP TABLE areas_before AS SELECT county_code, prefecture_code, province_code FROM counties;"
    ))?;
    Ok(())
}

/// Fills `temp.changed` with the county-years whose fingerprint differs between `temp.fp_before` and now.
pub(crate) fn changed_since_fingerprint(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE fp_after AS {FINGERPRINT};
         CREATE OR REPLACE TEMP TABLE changed AS
           SELECT DISTINCT coalesce(b.county_code, a.county_code) AS county_code, coalesce(b.year, a.year) AS year
           FROM temp.fp_before b FULL JOIN temp.fp_after a
             ON a.part = b.part AND a.county_code = b.county_code AND a.year IS NOT DISTINCT FROM b.year
           WHERE a.h IS DISTINCT FROM b.h OR a.n IS DISTINCT FROM b.n;"
    ))?;
    Ok(())
}

/// Drops the temp tables of a fingerprint comparison.
pub(crate) fn drop_fingerprints(conn: &Connection) {
    let _ = conn.execute_batch(
        "DROP TABLE IF EXISTS temp.fp_before; DROP TABLE IF EXISTS temp.fp_after; DROP TABLE IF EXISTS temp.changed;
         DROP TABLE IF EXISTS temp.areas_before; DROP TABLE IF EXISTS temp.changed_province;",
    );
}
