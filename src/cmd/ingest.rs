//! `countyedu ingest`: load files into the warehouse, all or nothing.

use std::path::PathBuf;
use std::time::Instant;

use super::DbArgs;
use crate::error::Result;
use crate::ingest::{self, Options, TextEncoding};
use crate::warehouse::Access;

/// Load counties, schools and county indicators into the warehouse.
///
/// PATHS are files or folders (searched recursively; hidden files, Office lock files ~$… and files of other kinds are skipped with a warning, and so are .txt files whose first line is not a countyedu header). Which table a file holds is read from its header; Chinese headers (县区代码, 学校标识码, 图书册数 …) are accepted. The header is the first of the first 10 rows that names known columns: title rows above it are skipped and named in the summary (--skip-rows N says where it is instead). Formats: CSV in UTF-8 (with or without BOM), UTF-16 with BOM or GBK/GB18030 (detected; a UTF-8 file with stray bytes, or text that does not read as simplified Chinese, is refused: --encoding names the encoding instead, also big5 and shift-jis), TSV, Excel (.xlsx, .xlsm, .xlsb, .xls, .ods: every visible sheet with a countyedu header, each its own table; merged header cells are read as one header row; hidden sheets are skipped with a warning; --sheet picks sheets), Parquet (any column types; folder names such as year=2021/ fill columns the file lacks and must agree with the ones it has).
///
/// Cells are read as people write them: 1,234 and full-width １２３４ are numbers, "-", "—", "/" and 无 mean not reported (refused where a value is required), 140581.0 is the code 140581. Numbers beyond the bounds in datasets/README.md are refused (--allow-out-of-bounds).
///
/// One call is one transaction: every file is checked (numbers, codes, years, duplicate keys, county codes known to `counties`), every problem is listed with file, line, column and value, and if there is any problem nothing is written (exit code 3). Loading a county-year again replaces its schools; an indicator replaces the same indicator of that county-year; a county replaces its row. The stored metrics of every county-year a load replaces (balance, equity, growth, evaluations, …) are removed in the same transaction, and the summary says which.
///
/// The warehouse (--db) is created when no file exists there; an existing file must be a countyedu warehouse (exit 5 otherwise: ingest never writes into another DuckDB file).
///
/// Examples:
///   countyedu ingest datasets/sample datasets/gaoping
///   countyedu ingest --db prov.duckdb datasets/sample/counties.csv \
///     datasets/gaoping
///   countyedu ingest --encoding gbk tests/data/good/gbk_schools.csv
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
    pub encoding: Option<Encoding>,
    /// Worksheets to read from workbooks (repeat for several) [default: every visible sheet with a countyedu
    /// header].
    #[arg(long, value_name = "NAME")]
    pub sheet: Vec<String>,
    /// Skip the first N lines (sheet rows) and take the next non-blank row as the header [default: the
    /// header is found among the first 10 rows].
    #[arg(long, value_name = "N")]
    pub skip_rows: Option<u64>,
    /// Accept values beyond the documented per-column bounds (datasets/README.md, "Bounds"); ingest_log notes
    /// the load.
    #[arg(long)]
    pub allow_out_of_bounds: bool,
    /// How many problems to list per file before summarising.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub max_errors: usize,
    /// Print no summary (errors and warnings are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Encodings `--encoding` names: every one the detector reports, and two more it refuses to guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    Utf8,
    Utf16le,
    Utf16be,
    Gbk,
    Gb18030,
    Big5,
    ShiftJis,
}

impl From<Encoding> for TextEncoding {
    fn from(e: Encoding) -> TextEncoding {
        match e {
            Encoding::Utf8 => TextEncoding::Utf8,
            Encoding::Utf16le => TextEncoding::Utf16le,
            Encoding::Utf16be => TextEncoding::Utf16be,
            Encoding::Gbk => TextEncoding::Gbk,
            Encoding::Gb18030 => TextEncoding::Gb18030,
            Encoding::Big5 => TextEncoding::Big5,
            Encoding::ShiftJis => TextEncoding::ShiftJis,
        }
    }
}

pub fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    // A refused first load leaves no file behind: an empty warehouse would let later commands run on nothing.
    let created = !args.db.db.exists();
    let wh = args.db.open(Access::Create)?;
    let opts = Options {
        encoding: args.encoding.map(Into::into),
        sheets: args.sheet.clone(),
        max_problems: args.max_errors.max(1),
        allow_out_of_bounds: args.allow_out_of_bounds,
        skip_rows: args.skip_rows,
    };
    let summary = match ingest::ingest(&wh, &args.paths, &opts, &mut super::progress::Files::new()) {
        Ok(summary) => summary,
        Err(e) => {
            if created {
                let path = wh.path().to_path_buf();
                drop(wh);
                let _ = std::fs::remove_file(crate::warehouse::wal_path(&path));
                std::fs::remove_file(&path)?;
            }
            return Err(e);
        }
    };
    for w in &summary.warnings {
        crate::say!("warning: {w}");
    }
    if !args.quiet {
        super::summary::loaded(&summary, wh.path(), started.elapsed().as_secs_f64());
    }
    Ok(())
}
