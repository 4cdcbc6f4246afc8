//! Flags and steps shared by the metric commands (`balance`, `equity`, `urban-rural`): which county-years, which
//! rules, whether to store, and how a result frame is filtered and printed.

use arrow::record_batch::RecordBatch;
use polars::prelude::*;

use super::{DbArgs, RulesArgs};
use crate::bridge;
use crate::error::{Error, Result};
use crate::ops::compute::concat_frames;
use crate::ops::{Computed, Inputs, Parts, Selection};
use crate::output::Plan;
use crate::rules::Rules;
use crate::warehouse::QueryResult;

/// Which data a metric command computes from, and under which rules.
#[derive(Debug, Clone, clap::Args)]
pub struct MetricArgs {
    /// Only these counties (6-digit codes; repeat the flag for several).
    #[arg(long, value_name = "CODE")]
    pub county: Vec<String>,
    /// Only these years (repeat the flag for several).
    #[arg(long, value_name = "YEAR")]
    pub year: Vec<i32>,
    /// Only this level in the output.
    #[arg(long, value_parser = ["primary", "junior"])]
    pub level: Option<String>,
    /// Only this standard (and its scope of schools) in the output.
    #[arg(long, value_parser = ["basic", "quality"])]
    pub standard: Option<String>,
    /// Compute and print only: open the warehouse read-only and store nothing.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Refuses county codes that cannot be codes, before anything is opened.
pub fn check_counties(codes: &[String]) -> Result<()> {
    match codes.iter().find(|c| c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit())) {
        Some(bad) => Err(Error::usage(format!("--county {bad:?}: expected a 6-digit county code"))),
        None => Ok(()),
    }
}

impl MetricArgs {
    /// The county-years asked for.
    pub fn selection(&self) -> Selection {
        Selection { counties: self.county.clone(), years: self.year.clone() }
    }

    /// Checks the flags and reads the rules, before anything is opened.
    fn checked_rules(&self) -> Result<Rules> {
        check_counties(&self.county)?;
        self.rules.load()
    }

    /// Runs a computation of each year by itself in parts of whole years ([`Inputs::by_years`]), so that memory
    /// holds one part's inputs and results, and prints what the command keeps of each part's result (`keep`),
    /// shaped by `shape` (a filter, or a reshaping that keeps each year's rows together, as every part holds whole
    /// years): with --no-store each part is printed as soon as it is computed ([`MetricArgs::print_by_parts`]);
    /// otherwise each part is stored as it is computed, in one transaction, and what was kept is printed once
    /// the transaction has committed. The output is the same either way.
    pub fn run_by_years<T: Computed>(
        &self,
        plan: &Plan,
        compute: impl Fn(&Inputs) -> Result<T>,
        keep: impl Fn(&T) -> Result<DataFrame>,
        shape: impl Fn(&Rules, DataFrame) -> Result<DataFrame>,
    ) -> Result<()> {
        if self.no_store {
            return self.print_by_parts(plan, |inputs, each| {
                inputs.by_years(crate::ops::PART_SCHOOLS, |part| each(shape(inputs.rules, keep(&compute(part)?)?)?))?;
                Ok(())
            });
        }
        let rules = self.checked_rules()?;
        let kept = super::compute_storing(&self.db, &rules, self.selection(), |inputs, sink| {
            let mut parts = Parts::new(sink, &inputs.selection);
            let kept = inputs.by_years(crate::ops::PART_SCHOOLS, |part| {
                let result = compute(part)?;
                let kept = keep(&result)?;
                parts.table(result)?;
                Ok(kept)
            })?;
            concat_frames(kept)
        })?;
        print(plan, shape(&rules, kept)?.lazy())
    }

    /// Checks the flags, reads the rules and prints, with the warehouse opened read-only, the frames `parts` hands
    /// to the function it is given, a part at a time in output order: a thread writes each part while the next
    /// is computed ([`print_parts`]).
    pub fn print_by_parts(&self, plan: &Plan, parts: impl FnOnce(&Inputs, &mut dyn FnMut(DataFrame) -> Result<()>) -> Result<()>) -> Result<()> {
        let rules = self.checked_rules()?;
        super::compute_reading(&self.db, &rules, self.selection(), |inputs| print_parts(plan, |each| parts(inputs, each)))
    }

    /// Applies --level and --standard (when the frame has a `standard` column).
    pub fn filter(&self, mut frame: LazyFrame, has_standard: bool) -> LazyFrame {
        if let Some(level) = &self.level {
            frame = frame.filter(col("level").eq(lit(level.as_str())));
        }
        if let (Some(standard), true) = (&self.standard, has_standard) {
            frame = frame.filter(col("standard").eq(lit(standard.as_str())));
        }
        frame
    }
}

/// Keeps the rows whose text `column` is one of `values` (all rows when none are given).
pub fn keep_text(frame: LazyFrame, column: &str, values: &[String]) -> LazyFrame {
    if values.is_empty() {
        return frame;
    }
    let list = Series::new("values".into(), values.to_vec());
    frame.filter(col(column).is_in(lit(list).implode(false), false))
}

/// Keeps the rows whose integer `column` is one of `values` (all rows when none are given).
pub fn keep_int(frame: LazyFrame, column: &str, values: &[i32]) -> LazyFrame {
    if values.is_empty() {
        return frame;
    }
    let list = Series::new("values".into(), values.to_vec());
    frame.filter(col(column).is_in(lit(list).implode(false), false))
}

/// Prints a result frame where the plan says.
pub fn print(plan: &Plan, frame: LazyFrame) -> Result<()> {
    plan.write(&result(frame.collect()?)?)
}

/// Prints the frames `produce` hands over, one after the other, as one result: a thread of its own writes each
/// frame while `produce` computes the next. `produce` must hand over at least one frame (the first gives the
/// columns). An error of either side stops both; a file output is then not written ([`Plan::stream`]).
pub fn print_parts(plan: &Plan, produce: impl FnOnce(&mut dyn FnMut(DataFrame) -> Result<()>) -> Result<()>) -> Result<()> {
    // A frame is handed over whole, when the writer has written the one before: memory holds the frame being
    // written and the next, and `produce` computes the next while the one before is written. (Handed over batch by
    // batch through a queue of one, `produce` waited until all but the last batch of a frame were written:
    // national `balance --no-store`, both DuckDB threads idle for 0.1–0.15 s at every part.)
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<RecordBatch>>>(0);
    std::thread::scope(|s| {
        let mut rx = Some(rx);
        let mut writer = None;
        let mut stopped = false;
        let produced = produce(&mut |frame| {
            let QueryResult { schema, batches } = result(frame)?;
            if let Some(rx) = rx.take() {
                let batches = rx.into_iter().flat_map(|part: Result<Vec<RecordBatch>>| match part {
                    Ok(batches) => batches.into_iter().map(Ok).collect::<Vec<_>>(),
                    Err(e) => vec![Err(e)],
                });
                writer = Some(s.spawn(move || plan.stream(schema, batches)));
            }
            // A send fails only when the writer has stopped on an error, which is the one to report.
            if tx.send(Ok(batches)).is_err() {
                stopped = true;
                return Err(Error::other("the output stopped"));
            }
            Ok(())
        });
        if let (Err(e), Some(_)) = (&produced, &writer) {
            // The writer must not complete the output: it stops at this error (or has stopped already). Without a
            // writer (the first part failed) nobody would take the message off the rendezvous channel: no send.
            let _ = tx.send(Err(Error::other(e.to_string())));
        }
        drop(tx);
        let written = match writer {
            Some(w) => w.join().map_err(|_| Error::other("the output thread panicked"))?,
            None => Err(Error::other("nothing was computed to print")),
        };
        match (produced, written) {
            (Err(_), Err(w)) if stopped => Err(w),
            (Err(e), _) => Err(e),
            (Ok(()), written) => written,
        }
    })
}

/// A frame as an Arrow result.
pub fn result(mut df: DataFrame) -> Result<QueryResult> {
    let batches = bridge::df_to_batches(&mut df)?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => bridge::arrow_schema(&df)?,
    };
    Ok(QueryResult { schema, batches })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;

    fn frame(from: i64, to: i64) -> DataFrame {
        df!("n" => (from..to).collect::<Vec<i64>>(), "half" => (from..to).map(|n| n as f64 / 2.0).collect::<Vec<f64>>()).unwrap()
    }

    /// The parts are written one after the other as one result, in the order given.
    #[test]
    fn parts_are_printed_in_order_as_one_result() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let plan = Plan::new(Some(Format::Csv), Some(path.clone()), false).unwrap();
        print_parts(&plan, |each| (0..4).try_for_each(|i| each(frame(i * 3, i * 3 + 3)))).unwrap();
        let expected: String = std::iter::once("n,half\n".to_string()).chain((0..12).map(|n| format!("{n},{:.1}\n", n as f64 / 2.0))).collect();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    }

    /// An error of the computation after a first part has been handed over is the error returned, and the output
    /// file is not written; an error of the output (its folder gone) is the one returned, not the computation's
    /// stop.
    #[test]
    fn an_error_on_either_side_writes_no_file_and_is_the_one_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let plan = Plan::new(Some(Format::Csv), Some(path.clone()), false).unwrap();
        let err = print_parts(&plan, |each| {
            each(frame(0, 3))?;
            Err(Error::other("the second part failed"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("the second part failed"), "{err}");
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file is left");

        let gone = dir.path().join("gone");
        std::fs::create_dir(&gone).unwrap();
        let plan = Plan::new(Some(Format::Csv), Some(gone.join("out.csv")), false).unwrap();
        std::fs::remove_dir(&gone).unwrap();
        let mut handed = 0;
        let err = print_parts(&plan, |each| {
            (0..50).try_for_each(|i| {
                handed += 1;
                each(frame(i, i + 1))
            })
        })
        .unwrap_err();
        assert!(!err.to_string().contains("the output stopped"), "the output's own error: {err}");
        assert!(handed < 50, "the computation stopped when the output did ({handed} parts)");
    }

    /// Issue 34, item 5: a computation that fails before its first part is handed over returns its error; it
    /// waited forever on a writer that was never started.
    #[test]
    fn an_error_before_the_first_part_is_returned_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan::new(Some(Format::Csv), Some(dir.path().join("out.csv")), false).unwrap();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let r = print_parts(&plan, |_| Err(Error::other("the first part failed")));
            let _ = done.send(r.map_err(|e| e.to_string()));
        });
        let r = finished.recv_timeout(std::time::Duration::from_secs(60)).expect("print_parts returns");
        assert!(r.unwrap_err().contains("the first part failed"));
    }
}
