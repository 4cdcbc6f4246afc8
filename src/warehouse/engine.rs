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
    let out = run().map_err(|e| Error::Sql(e.to_string()))?;
    let mut values = Vec::with_capacity(rows);
    for b in &out {
        let a = b.column(0).as_any().downcast_ref::<arrow::array::Float64Array>().ok_or_else(|| Error::other("not a number"))?;
        values.extend((0..a.len()).map(|i| (!arrow::array::Array::is_null(a, i)).then(|| a.value(i))));
    }
    Ok(values)
}
