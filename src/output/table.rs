//! The table format: a boxed table for a terminal, like DuckDB's own: the first and last rows of `--max-rows` with
//! the count of all, columns fitted to the terminal's width (long cells shortened, then columns that still do not
//! fit left out and named), Chinese text aligned by display width.

use std::collections::VecDeque;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use comfy_table::{Cell, CellAlignment, ContentArrangement};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::each_row;
use crate::error::Result;

/// The box drawing: light lines, one rule under the header, none between rows.
const STYLE: &str = "││──├─┼┤│    ┬┴┌┐└┘";

/// The widest a cell is shown when the table must be fitted to a terminal.
const CELL_WIDTH: usize = 40;

/// The rows kept of a streamed result: the first ones, the last ones, and the count of all.
pub struct Table {
    schema: SchemaRef,
    /// Rows shown from the start and from the end (all rows when `limit` is 0).
    limit: usize,
    head: Vec<RecordBatch>,
    head_rows: usize,
    tail: VecDeque<RecordBatch>,
    tail_rows: usize,
    total: usize,
}

impl Table {
    pub fn new(schema: &SchemaRef, max_rows: usize) -> Table {
        Table { schema: schema.clone(), limit: max_rows, head: Vec::new(), head_rows: 0, tail: VecDeque::new(), tail_rows: 0, total: 0 }
    }

    /// Takes a batch, keeping only what can be shown.
    pub fn batch(&mut self, batch: RecordBatch) {
        self.total += batch.num_rows();
        if self.limit == 0 {
            self.head_rows += batch.num_rows();
            self.head.push(batch);
            return;
        }
        let first = self.limit.div_ceil(2);
        let mut batch = batch;
        if self.head_rows < first {
            let take = (first - self.head_rows).min(batch.num_rows());
            self.head.push(batch.slice(0, take));
            self.head_rows += take;
            batch = batch.slice(take, batch.num_rows() - take);
        }
        let last = self.limit / 2;
        if batch.num_rows() == 0 || last == 0 {
            return;
        }
        self.tail_rows += batch.num_rows();
        self.tail.push_back(batch);
        while self.tail.front().is_some_and(|f| self.tail_rows - f.num_rows() >= last) {
            self.tail_rows -= self.tail.pop_front().map_or(0, |f| f.num_rows());
        }
    }

    /// The table as text, fitted to `width` columns when given.
    pub fn render(&self, width: Option<usize>) -> Result<String> {
        let headers: Vec<String> = self.schema.fields().iter().map(|f| f.name().clone()).collect();
        let numeric: Vec<bool> = self.schema.fields().iter().map(|f| f.data_type().is_numeric()).collect();
        let mut head = rows(&self.head)?;
        let mut tail = rows(&self.tail)?;
        let skip = self.tail_rows.saturating_sub(self.limit / 2);
        tail.drain(..skip.min(tail.len()));
        let omitted = self.total - head.len() - tail.len();
        let mut shown: Vec<usize> = (0..headers.len()).collect();
        if let Some(width) = width {
            for row in head.iter_mut().chain(tail.iter_mut()) {
                row.iter_mut().for_each(|c| shorten(c, CELL_WIDTH));
            }
            shown = fitting(&headers, head.iter().chain(tail.iter()), width);
        }
        let mut table = comfy_table::Table::new();
        table.load_preset(STYLE).set_content_arrangement(ContentArrangement::Disabled);
        table.set_header(shown.iter().map(|&c| Cell::new(&headers[c])));
        let cells = |row: &Vec<String>| -> Vec<Cell> {
            shown
                .iter()
                .map(|&c| {
                    let cell = Cell::new(&row[c]);
                    if numeric[c] { cell.set_alignment(CellAlignment::Right) } else { cell }
                })
                .collect()
        };
        for row in &head {
            table.add_row(cells(row));
        }
        if omitted > 0 {
            table.add_row(shown.iter().map(|_| Cell::new("·").set_alignment(CellAlignment::Center)));
        }
        for row in &tail {
            table.add_row(cells(row));
        }
        let mut out = table.to_string();
        out.push('\n');
        if omitted > 0 {
            out.push_str(&format!("{} rows, {} shown (--max-rows N shows more, 0 all)\n", super::thousands(self.total as i64), head.len() + tail.len()));
        }
        if shown.len() < headers.len() {
            let left: Vec<&str> = (0..headers.len()).filter(|c| !shown.contains(c)).map(|c| headers[c].as_str()).collect();
            out.push_str(&format!("{} of {} columns shown; not shown: {} (a wider terminal or --format csv shows them)\n", shown.len(), headers.len(), left.join(", ")));
        }
        Ok(out)
    }
}

/// Cell texts of the rows of some batches, line ends shown as spaces.
fn rows<'a>(batches: impl IntoIterator<Item = &'a RecordBatch>) -> Result<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for batch in batches {
        each_row(batch, |_, texts| {
            out.push(texts.iter().map(|t| t.replace(['\n', '\r'], " ")).collect());
            Ok(())
        })?;
    }
    Ok(out)
}

/// Shortens a text to `max` display columns, ending it with `…`.
fn shorten(text: &mut String, max: usize) {
    if text.width() <= max {
        return;
    }
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, ch)| {
            used += ch.width().unwrap_or(0);
            used > max - 1
        })
        .map_or(text.len(), |(i, _)| i);
    text.truncate(end);
    text.push('…');
}

/// The columns that fit `width`, from the left (at least one).
fn fitting<'a>(headers: &[String], rows: impl Iterator<Item = &'a Vec<String>>, width: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let mut used = 1;
    let mut shown = Vec::new();
    for (c, w) in widths.iter().enumerate() {
        used += w + 3;
        if used > width && !shown.is_empty() {
            break;
        }
        shown.push(c);
    }
    shown
}
