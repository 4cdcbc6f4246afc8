//! In-memory DuckDB for work that must not touch the warehouse: reading and writing Parquet files, and evaluating
//! a scheme's expressions over data handed in as Arrow. Nothing here opens the warehouse file.

use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::vtab::arrow::{ArrowBatchRegistration, ArrowVTab};
use duckdb::{AccessMode, Connection};

use polars::prelude::DataFrame;

use super::{arrow_result, config, lit};
use crate::bridge;
use crate::error::{Error, Result};

/// An in-memory DuckDB that may read and write the files it is told to.
fn files() -> Result<Connection> {
    let conn = Connection::open_in_memory_with_flags(config(AccessMode::Automatic)?)?;
    conn.register_table_function::<ArrowVTab>("arrow")?;
    Ok(conn)
}

/// An in-memory DuckDB that can reach no file and no network, with its configuration locked: the place where
/// text that came from files (a scheme's expressions) runs.
pub(crate) fn sandbox() -> Result<Connection> {
    let conn = Connection::open_in_memory_with_flags(config(AccessMode::Automatic)?.enable_external_access(false)?)?;
    conn.register_table_function::<ArrowVTab>("arrow")?;
    conn.execute_batch("SET lock_configuration = true")?;
    Ok(conn)
}

/// Reads a Parquet file with DuckDB's reader, every column as text (DECIMAL, LIST, INTERVAL, TIMESTAMPTZ …
/// included, so that no column type fails the read; validation judges the text). Folder names never become
/// columns here (`hive_partitioning = false`): a file's own columns are what it holds.
pub fn read_parquet(path: &Path) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let conn = files()?;
    let r = arrow_result(
        &conn,
        "SELECT COLUMNS(*)::VARCHAR FROM read_parquet(?, hive_partitioning = false)",
        [path.to_string_lossy().as_ref()],
    )?;
    Ok((r.schema, r.batches))
}

/// Writes record batches as a Parquet file (zstd).
pub fn write_parquet(schema: &SchemaRef, batches: &[RecordBatch], path: &Path) -> Result<()> {
    let conn = files()?;
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

/// Checks that texts from a scheme file are exactly one expression each: a text is parsed (never run) in the
/// sandbox, and anything else is refused with the reason: a `;` or another statement, FROM, WHERE and other
/// clauses, a subquery, a window. One checker serves every expression of a scheme.
pub struct ExpressionChecker {
    conn: Connection,
}

impl ExpressionChecker {
    pub fn new() -> Result<ExpressionChecker> {
        Ok(ExpressionChecker { conn: sandbox()? })
    }

    /// `Ok` for exactly one expression; the error is the words after "expected".
    pub fn check(&self, expression: &str) -> std::result::Result<(), String> {
        check_expression(&self.conn, expression)
    }
}

fn check_expression(conn: &Connection, expression: &str) -> std::result::Result<(), String> {
    // The line end keeps a trailing `--` comment from swallowing the closing parenthesis.
    let select = format!("SELECT ({expression}\n) AS v");
    let json: String = conn.query_row("SELECT json_serialize_sql(?::VARCHAR)", [&select], |r| r.get(0)).map_err(|e| e.to_string())?;
    let tree: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    if tree["error"].as_bool() == Some(true) {
        let message = tree["error_message"].as_str().unwrap_or("");
        return Err(if message.contains("Only SELECT") {
            "exactly one expression; this text closes the expression and adds a statement".into()
        } else {
            format!("a DuckDB expression ({message})")
        });
    }
    let statements = tree["statements"].as_array().map_or(0, Vec::len);
    let node = &tree["statements"][0]["node"];
    let empty = |v: &serde_json::Value| v.is_null() || v.as_array().is_some_and(|a| a.is_empty());
    let one = statements == 1
        && node["type"] == "SELECT_NODE"
        && node["select_list"].as_array().is_some_and(|l| l.len() == 1)
        && node["from_table"]["type"] == "EMPTY"
        && empty(&node["cte_map"]["map"])
        && empty(&node["modifiers"])
        && ["where_clause", "having", "qualify", "sample", "group_expressions", "group_sets"].iter().all(|k| empty(&node[*k]));
    if !one {
        return Err("exactly one expression; this text adds statements or clauses (a `;`, FROM, WHERE, …)".into());
    }
    let mut classes = Vec::new();
    expression_classes(&node["select_list"][0], &mut classes);
    if classes.contains(&"SUBQUERY") {
        return Err("an expression without a subquery (SELECT …): it may use the columns of the row only".into());
    }
    if classes.contains(&"WINDOW") {
        return Err("an expression of the row alone, without a window (OVER …)".into());
    }
    Ok(())
}

/// The `class` of every node of a serialized expression.
fn expression_classes<'v>(v: &'v serde_json::Value, out: &mut Vec<&'v str>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(c) = map.get("class").and_then(|c| c.as_str()) {
                out.push(c);
            }
            map.values().for_each(|x| expression_classes(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| expression_classes(x, out)),
        _ => {}
    }
}

/// Runs one of the engine's own queries (the generated metric SQL) over Polars frames given as tables, in the
/// sandbox: how tests and library callers without a warehouse compute what the warehouse computes.
pub fn frames_query(tables: &mut [(&str, &mut DataFrame)], sql: &str) -> Result<DataFrame> {
    let conn = sandbox()?;
    for (name, frame) in tables.iter_mut() {
        let batches = bridge::df_to_batches(frame)?;
        let schema = match batches.first() {
            Some(b) => b.schema(),
            None => bridge::arrow_schema(frame)?,
        };
        let batch = arrow::compute::concat_batches(&schema, &batches)?;
        let reg = ArrowBatchRegistration::new(batch);
        conn.execute(&format!("CREATE TABLE \"{name}\" AS SELECT * FROM arrow(?)"), [&reg])?;
    }
    let r = arrow_result(&conn, sql, [])?;
    bridge::batches_to_df(&r.schema, &r.batches)
}

/// Evaluates an expression over the columns of a Polars frame, row by row, in the sandbox.
pub fn frame_expression(frame: &mut DataFrame, expression: &str) -> Result<Vec<Option<f64>>> {
    let batches = bridge::df_to_batches(frame)?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => bridge::arrow_schema(frame)?,
    };
    let batch = arrow::compute::concat_batches(&schema, &batches)?;
    expression_values(batch, expression)
}

/// Evaluates an expression (DuckDB SQL over the columns of `batch`) on every row, in the sandbox; values come
/// back in row order, as numbers.
pub fn expression_values(batch: RecordBatch, expression: &str) -> Result<Vec<Option<f64>>> {
    let conn = sandbox()?;
    let rows = batch.num_rows();
    let reg = ArrowBatchRegistration::new(batch);
    let run = || -> duckdb::Result<Vec<RecordBatch>> {
        let mut stmt = conn.prepare(&format!("SELECT CAST(({expression}) AS DOUBLE) AS v FROM arrow(?)"))?;
        Ok(stmt.query_arrow([&reg])?.collect())
    };
    let out = run().map_err(|e| Error::sql(e.to_string()))?;
    let mut values = Vec::with_capacity(rows);
    for b in &out {
        let a = b.column(0).as_any().downcast_ref::<arrow::array::Float64Array>().ok_or_else(|| Error::other("not a number"))?;
        values.extend((0..a.len()).map(|i| (!arrow::array::Array::is_null(a, i)).then(|| a.value(i))));
    }
    if values.len() != rows {
        return Err(Error::sql(format!(
            "the expression gives {} value(s) for {rows} row(s): it must give one per row (an aggregate such as sum() or avg() is not allowed)",
            values.len()
        )));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_single_expression_of_the_row_passes() {
        let checker = ExpressionChecker::new().unwrap();
        let check_expression = |text: &str| checker.check(text);
        for ok in ["a + b", "edu_budget_expenditure / nullif(students, 0)", "coalesce(a, 0) * 100 -- percent", "CASE WHEN a > 0 THEN 1 ELSE 0 END"] {
            assert_eq!(check_expression(ok), Ok(()), "{ok}");
        }
        let refused = [
            ("1) AS v FROM arrow(?); DELETE FROM schools; SELECT (1", "closes the expression and adds a statement"),
            ("a); DELETE FROM schools; SELECT (1", "closes the expression and adds a statement"),
            ("a; DELETE FROM schools", "a DuckDB expression"),
            ("a) AS v FROM t WHERE (1", "a DuckDB expression"),
            ("a), (b", "adds statements or clauses"),
            ("(SELECT count(*) FROM read_csv('/etc/passwd'))", "without a subquery"),
            ("a IN (SELECT 1)", "without a subquery"),
            ("EXISTS (SELECT 1)", "without a subquery"),
            ("sum(a) OVER ()", "without a window"),
            ("1); COPY schools TO '/tmp/x.csv'; SELECT (1", "adds a statement"),
            ("1); ATTACH 'other.duckdb'; SELECT (1", "adds a statement"),
        ];
        for (text, why) in refused {
            let e = check_expression(text).expect_err(text);
            assert!(e.contains(why), "{text}: {e}");
        }
    }

    #[test]
    fn an_expression_must_give_one_value_per_row() {
        let mut df = polars::df!("a" => [1.0, 2.0, 3.0]).unwrap();
        assert_eq!(frame_expression(&mut df, "a * 2").unwrap(), vec![Some(2.0), Some(4.0), Some(6.0)]);
        let e = frame_expression(&mut df, "sum(a)").unwrap_err().to_string();
        assert!(e.contains("gives 1 value(s) for 3 row(s)"), "{e}");
        // Even a text that escaped the check can read no file in the sandbox.
        let e = frame_expression(&mut df, "(SELECT count(*) FROM read_csv('Cargo.toml'))").unwrap_err().to_string();
        assert!(e.to_lowercase().contains("disabled") || e.contains("external"), "{e}");
    }
}
