//! `countyedu ingest`: load files into the warehouse, all or nothing.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{DbArgs, thousands};
use crate::error::Result;
use crate::ingest::{self, Options, Progress, Summary, read::TextEncoding};
use crate::warehouse::Access;

/// Load counties, schools and county indicators into the warehouse.
///
/// PATHS are files or folders (searched recursively). Which table a file holds is read from its
/// header; Chinese headers (县区代码, 学校标识码, 图书册数 …) are accepted. Formats: CSV in UTF-8
/// (with or without BOM) or GBK/GB18030 (detected; --encoding overrides), TSV, Excel (.xlsx,
/// --sheet), Parquet.
///
/// One call is one transaction: every file is checked (numbers, codes, years, duplicate keys,
/// county codes known to `counties`), every problem is listed with file, line, column and value,
/// and if there is any problem nothing is written (exit code 3). Loading a county-year again
/// replaces its schools; an indicator replaces the same indicator of that county-year; a county
/// replaces its row.
///
/// Examples:
///   countyedu ingest datasets/sample
///   countyedu ingest --db prov.duckdb counties.csv schools_2021.xlsx --sheet 学校
///   countyedu ingest --encoding gbk 县级指标.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files or folders to load.
    #[arg(required = true, value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
    /// Text encoding of CSV files, instead of detecting it.
    #[arg(long, value_enum)]
    pub encoding: Option<TextEncoding>,
    /// Worksheet to read from workbooks [default: the first sheet].
    #[arg(long)]
    pub sheet: Option<String>,
    /// How many problems to list per file before summarising.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub max_errors: usize,
    /// Print no summary (errors and warnings are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

/// A progress bar on a terminal; nothing otherwise.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&mut self, files: usize) {
        self.0.set_length(files as u64);
    }
    fn file_done(&mut self, path: &Path, _rows: usize) {
        self.0.set_message(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        self.0.inc(1);
    }
    fn finish(&mut self) {
        self.0.finish_and_clear();
    }
}

pub fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let wh = args.db.open(Access::ReadWrite)?;
    let opts = Options { encoding: args.encoding, sheet: args.sheet.clone(), max_problems: args.max_errors.max(1) };
    let target = if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(None, target);
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} files {elapsed} {msg}").expect("valid template"));
    let summary = ingest::ingest(&wh, &args.paths, &opts, &mut Bar(bar))?;
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    if !args.quiet {
        report(&summary, wh.path(), started.elapsed().as_secs_f64());
    }
    Ok(())
}

fn report(summary: &Summary, db: &Path, seconds: f64) {
    eprintln!("loaded {} file(s) into {} in {seconds:.2} s", summary.files.len(), db.display());
    for f in &summary.files {
        eprintln!("  {} ({}, {}): {} rows", f.path.display(), f.table.name(), f.detected, thousands(f.rows as i64));
    }
    for c in summary.changes.iter().filter(|c| c.inserted > 0 || c.replaced > 0) {
        eprintln!("  {:<18} {:>10} rows written, {:>10} existing rows replaced", c.table, thousands(c.inserted), thousands(c.replaced));
    }
}
