//! The warehouse schema: DDL generated from [`crate::model`], the version mark, and the checks that keep the
//! canonical tables whole (keys unique, tables present with their columns) whoever writes.

use duckdb::Connection;

use super::{ident, lit};
use crate::error::{Error, Result};
use crate::model::{self, INDICATORS, Kind, Table};

/// Bumped when the schema of the input tables changes. Version 2 added the optional school columns
/// `primary_max_class_size`, `junior_max_class_size`, `boarders`, `public_funds_received_yuan`, and
/// `ingest_log.note`.
pub const SCHEMA_VERSION: &str = "2";

/// Versions a warehouse can be brought up to this one from, by adding the columns it lacks.
const MIGRATABLE: &[&str] = &["1"];

/// The tables countyedu keeps besides the canonical input tables.
pub const BOOKKEEPING: &[&str] = &["ingest_log", "indicator_catalogue", "countyedu_meta"];

/// What a connection holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A countyedu warehouse of this version.
    Current,
    /// A countyedu warehouse of an earlier version that [`migrate`] brings up to this one.
    Older(String),
}

/// Checks that a connection holds a countyedu warehouse this build can use; the error is the message to show.
pub fn check_version(conn: &Connection) -> std::result::Result<Found, String> {
    let version: Option<String> =
        conn.query_row("SELECT value FROM countyedu_meta WHERE key = 'schema_version'", [], |r| r.get(0)).ok();
    match version {
        Some(v) if v == SCHEMA_VERSION => Ok(Found::Current),
        Some(v) if MIGRATABLE.contains(&v.as_str()) => Ok(Found::Older(v)),
        Some(v) => Err(format!("schema version {v}; this countyedu reads version {SCHEMA_VERSION} (a newer countyedu wrote it)")),
        None => Err("not a countyedu warehouse (it has no countyedu_meta table); countyedu creates a warehouse only \
                     where no file exists: name another --db"
            .into()),
    }
}

/// The series `growth` derives, added to `indicator_catalogue` where missing.
fn derived_catalogue() -> String {
    crate::growth::derived_series().iter().map(|(id, zh, unit)| format!("INSERT OR IGNORE INTO indicator_catalogue VALUES ({}, {}, {});\n", lit(id), lit(zh), lit(unit))).collect()
}

/// Brings a warehouse of an earlier version up to this one, in one transaction: the canonical columns it lacks
/// are added (NULL, "not reported", in every existing row), and the version is set.
pub fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch("BEGIN TRANSACTION")?;
    let outcome = (|| -> Result<()> {
        for table in Table::ALL {
            let mut stmt = conn.prepare(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?",
            )?;
            let present: Vec<String> = stmt.query_map([table.name()], |r| r.get(0))?.collect::<duckdb::Result<_>>()?;
            for c in table.columns().iter().filter(|c| !present.iter().any(|p| p == c.name)) {
                conn.execute_batch(&format!("ALTER TABLE {} ADD COLUMN {} {}", table.name(), c.name, c.kind.sql_type()))?;
            }
        }
        let mut stmt = conn.prepare(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND table_name = 'ingest_log' AND column_name = 'note'",
        )?;
        if stmt.query_row([], |r| r.get::<_, i64>(0))? == 0 {
            conn.execute_batch("ALTER TABLE ingest_log ADD COLUMN note VARCHAR")?;
        }
        for table in Table::ALL.iter().map(|t| t.name()).chain(BOOKKEEPING.iter().copied()) {
            conn.execute_batch(&crate::meanings::comments_sql(table))?;
        }
        conn.execute_batch(&derived_catalogue())?;
        conn.execute("UPDATE countyedu_meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION])?;
        Ok(())
    })();
    match outcome {
        Ok(()) => Ok(conn.execute_batch("COMMIT")?),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Creates the schema of a new warehouse, in one transaction.
pub fn create(conn: &Connection) -> Result<()> {
    let mut ddl = String::from("BEGIN TRANSACTION;\n");
    for table in Table::ALL {
        ddl.push_str(&table_ddl(table));
        ddl.push_str(";\n");
    }
    ddl.push_str(
        "CREATE TABLE ingest_log (load_id INTEGER NOT NULL, file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, \
         table_name VARCHAR NOT NULL, rows BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp, \
         note VARCHAR);\n\
         CREATE TABLE indicator_catalogue (indicator VARCHAR PRIMARY KEY, name_zh VARCHAR NOT NULL, unit VARCHAR NOT NULL);\n\
         CREATE TABLE countyedu_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);\n",
    );
    for i in INDICATORS {
        ddl.push_str(&format!("INSERT INTO indicator_catalogue VALUES ({}, {}, {});\n", lit(i.id), lit(i.name_zh), lit(i.unit)));
    }
    ddl.push_str(&derived_catalogue());
    // Every column explains itself (DESCRIBE, duckdb_columns()).
    for table in Table::ALL.iter().map(|t| t.name()).chain(BOOKKEEPING.iter().copied()) {
        ddl.push_str(&crate::meanings::comments_sql(table));
    }
    ddl.push_str(&format!("INSERT INTO countyedu_meta VALUES ('schema_version', {});\nCOMMIT;", lit(SCHEMA_VERSION)));
    conn.execute_batch(&ddl)?;
    Ok(())
}

fn in_list<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values.map(lit).collect::<Vec<_>>().join(", ")
}

/// `CREATE TABLE` for a canonical table, with types, NOT NULL and CHECK constraints.
///
/// The key is not declared as a DuckDB PRIMARY KEY: its ART index made a national-scale load 2.7 s slower (an
/// index maintained on insert and serialised on commit, measured with bench/ingest.sh) and adds nothing the load
/// checks do not already do with line numbers. Keys are enforced by every writer in this module instead: the load
/// checks and `user_sql` with `write` refuse duplicates (see [`duplicate_keys_sql`]).
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

/// A query that counts the key values held more than once in `relation` (a table of the same columns). Rows
/// whose key is incomplete (a cell that failed its check is staged as NULL) are not compared.
pub fn duplicate_keys_sql(table: Table, relation: &str) -> String {
    let complete = table.key().iter().map(|k| format!("{k} IS NOT NULL")).collect::<Vec<_>>().join(" AND ");
    format!(
        "SELECT count(*) FROM (SELECT 1 FROM {relation} WHERE {complete} GROUP BY {} HAVING count(*) > 1)",
        table.key().join(", ")
    )
}

/// Checks, inside a write transaction, that every canonical and bookkeeping table is still there with its
/// columns, and that every canonical key is unique. The error says what would break; the caller rolls back.
pub fn check_intact(conn: &Connection) -> Result<()> {
    let mut expected: Vec<(&str, Vec<String>)> =
        Table::ALL.iter().map(|t| (t.name(), t.columns().iter().map(|c| c.name.to_string()).collect())).collect();
    expected.push(("ingest_log", ["load_id", "file", "sha256", "table_name", "rows", "loaded_at", "note"].map(String::from).to_vec()));
    expected.push(("indicator_catalogue", ["indicator", "name_zh", "unit"].map(String::from).to_vec()));
    expected.push(("countyedu_meta", ["key", "value"].map(String::from).to_vec()));
    for (table, columns) in &expected {
        let mut stmt = conn.prepare(
            "SELECT column_name FROM duckdb_columns()
             WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        )?;
        let found: Vec<String> = stmt.query_map([table], |r| r.get(0))?.collect::<duckdb::Result<_>>()?;
        if &found != columns {
            return Err(Error::sql(format!(
                "the change would {} {table}: countyedu's own tables ({}, {}) cannot be dropped, renamed or altered; \
                 nothing was changed",
                if found.is_empty() { "drop" } else { "alter" },
                Table::ALL.map(|t| t.name()).join(", "),
                BOOKKEEPING.join(", ")
            )));
        }
    }
    check_values(conn)?;
    for table in Table::ALL {
        let n: i64 = conn.query_row(&duplicate_keys_sql(table, &ident(table.name())), [], |row| row.get(0))?;
        if n > 0 {
            return Err(Error::sql(format!(
                "the change would leave {n} duplicate key value(s) ({}) in {}; nothing was changed",
                table.key().join(", "),
                table.name()
            )));
        }
    }
    Ok(())
}

/// Checks that every number of the input tables is one each computation takes: finite (a NaN passes DuckDB's
/// `>= 0` checks, and a computation over it never ended) and, in `schools`, at most [`model::CEILING_FACTOR`] times
/// its documented bound, as `ingest --allow-out-of-bounds` allows. The error names the first such value.
fn check_values(conn: &Connection) -> Result<()> {
    let mut checks = Vec::new();
    for table in [Table::Schools, Table::CountyIndicators] {
        for c in table.columns().iter().filter(|c| matches!(c.kind, Kind::Count | Kind::Amount | Kind::Number)) {
            let name = ident(c.name);
            let mut bad = Vec::new();
            if c.kind != Kind::Count {
                bad.push(format!("isnan({name}) OR isinf({name})"));
            }
            if let Some(max) = c.max {
                bad.push(format!("{name} > {}", max * model::CEILING_FACTOR));
            }
            let key = table.key().iter().map(|k| format!("CAST({} AS VARCHAR)", ident(k))).collect::<Vec<_>>().join(" || ' ' || ");
            checks.push(format!(
                "(SELECT {} AS t, {} AS c, {key} AS at, CAST({name} AS VARCHAR) AS v FROM {} WHERE {} LIMIT 1)",
                lit(table.name()),
                lit(c.name),
                ident(table.name()),
                bad.join(" OR ")
            ));
        }
    }
    let found: duckdb::Result<(String, String, String, String)> =
        conn.query_row(&format!("SELECT * FROM ({}) LIMIT 1", checks.join(" UNION ALL ")), [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)));
    match found {
        Err(duckdb::Error::QueryReturnedNoRows) => Ok(()),
        Err(e) => Err(e.into()),
        Ok((table, column, at, value)) => {
            let spec = model::Table::ALL.iter().find(|t| t.name() == table).and_then(|t| t.column(&column));
            let limit = spec.and_then(|s| s.max).map_or(String::new(), |m| format!(" and at most {}", model::bound_text(m * model::CEILING_FACTOR)));
            Err(Error::sql(format!(
                "the change would leave {table}.{column} = {value} (at {at}); a value must be a finite number{limit}, \
                 which every computation takes; nothing was changed"
            )))
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
}
