//! Ingest: files in any supported format → validated canonical frames → one all-or-nothing warehouse load.
//!
//! The pipeline per call: expand folders into files (skipping lock files and files that are not data, with a
//! warning); read each file ([`read`]: text through [`text`], workbooks through [`workbook`], one frame per
//! sheet); validate each frame ([`validate`]); hand it to the open load transaction, written by a thread of its
//! own (its key columns staged for the whole-load checks, rows with bad cells too, their bad cells NULL; its rows
//! written into the warehouse's table while no problem has been found); after the last file, run the whole-load
//! checks over every staged row; commit only if no file and no check found a problem. Files keep being read after the first bad one, so that a user sees
//! every problem of a batch in one run (up to a limit per file).

pub mod read;
pub mod text;
pub mod validate;
pub mod workbook;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{self, Error, InputProblem, InputProblems, Location, Result};
use crate::model::{self, Table};
use crate::warehouse::{Load, LogEntry, Removed, RowIssue, TableChange, Warehouse};
use read::{Format, Locator};
pub use text::TextEncoding;

/// How to read the files of one ingest call.
#[derive(Clone, Debug)]
pub struct Options {
    /// Force a text encoding instead of detecting it.
    pub encoding: Option<TextEncoding>,
    /// The worksheets to read from workbooks (default: every visible sheet with a countyedu header).
    pub sheets: Vec<String>,
    /// How many problems to list per file (and per whole-load check).
    pub max_problems: usize,
    /// Accept values beyond the documented per-column bounds (the load says so in `ingest_log`).
    pub allow_out_of_bounds: bool,
    /// Skip this many lines (sheet rows) before the header, instead of finding the header among the first rows.
    pub skip_rows: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options { encoding: None, sheets: Vec::new(), max_problems: 50, allow_out_of_bounds: false, skip_rows: None }
    }
}

/// What a successful ingest did.
#[derive(Debug)]
pub struct Summary {
    pub files: Vec<FileSummary>,
    pub changes: Vec<TableChange>,
    /// Stored metric rows removed because the county-years they were computed from were replaced.
    pub removed: Vec<Removed>,
    pub warnings: Vec<String>,
}

/// One frame loaded: a file, or a sheet of a workbook.
#[derive(Debug)]
pub struct FileSummary {
    pub path: PathBuf,
    pub table: Table,
    pub rows: usize,
    pub detected: String,
}

/// Receives progress events; the CLI draws a bar, tests ignore them.
pub trait Progress {
    fn start(&mut self, _files: usize) {}
    fn file_done(&mut self, _path: &Path, _rows: usize) {}
    fn finish(&mut self) {}
}

impl Progress for () {}

/// A file to load, and whether the user named it (a file found in a folder may be skipped when it is not data).
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub path: PathBuf,
    pub named: bool,
}

/// Expands the given paths into the files to load: folders are searched recursively (in name order), skipping
/// hidden files, Office lock files (`~$…`) and files of other kinds with a warning; a named file must exist.
pub fn expand(paths: &[PathBuf], warnings: &mut Vec<String>) -> Result<Vec<Input>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, warnings)?;
            found.sort();
            if found.is_empty() {
                problems.push(InputProblem::whole_file(p, "a folder holding .csv, .xlsx or .parquet files; it has none"));
            }
            files.extend(found.into_iter().map(|path| Input { path, named: false }));
        } else if p.is_file() {
            files.push(Input { path: p.clone(), named: true });
        } else {
            problems.push(InputProblem::whole_file(p, "an existing file or folder"));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(InputProblems { problems, more: 0 }));
    }
    Ok(files)
}

/// Whether a file's name says it holds a table: it begins with a table's name, in English or Chinese.
fn named_like_a_table(path: &Path) -> bool {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
    ["schools", "school", "counties", "county_indicators", "indicators", "学校", "县区", "县级指标", "指标"].iter().any(|t| stem.starts_with(t))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, warnings: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, out, warnings)?;
        } else if name.starts_with("~$") {
            warnings.push(format!("{}: skipped: an Office lock file, not data", path.display()));
        } else if Format::of(&path).is_none() {
            warnings.push(format!("{}: skipped: not a data file (.csv, .tsv, .txt, .xlsx, .xls, .ods, .parquet)", path.display()));
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// What is kept of a staged frame to report whole-load problems against it.
struct Staged {
    path: PathBuf,
    locator: Locator,
    column_of: HashMap<&'static str, (usize, String)>,
}

/// Loads `paths` into the warehouse as one transaction.
pub fn ingest(wh: &Warehouse, paths: &[PathBuf], opts: &Options, progress: &mut dyn Progress) -> Result<Summary> {
    let mut warnings = Vec::new();
    let files = expand(paths, &mut warnings)?;
    progress.start(files.len());
    let load = wh.begin_load()?;
    let mut problems = InputProblems::default();
    let mut staged: Vec<Staged> = Vec::new();
    let mut summaries = Vec::new();
    let mut log = Vec::new();
    // Three stages run side by side, each handing its work to the next as soon as that one is free (memory holds
    // a file in each): the next file is read (decoded and split into cells) on a thread of its own, this one is
    // validated here (its columns in parallel, on threads of the load's own), and the last one is written into the
    // load on a third thread. The writer is the longest stage (DuckDB compresses the rows it stores, on one
    // thread) and the others together want more than the cores left: reading and validating run at a lower
    // scheduling priority, so that the writer is never kept waiting for a core by them (national scale, medians of
    // 3 alternating runs: 4.70 → 4.23 s).
    let validating = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("load-validate-{i}"))
        .start_handler(|_| behind_writer())
        .build()
        .map_err(|e| Error::other(format!("could not start the threads that validate: {e}")))?;
    let (read_tx, outcomes) = std::sync::mpsc::sync_channel(0);
    let (frame_tx, frames) = std::sync::mpsc::sync_channel::<(Table, i32, polars::prelude::DataFrame, bool)>(0);
    let load = std::thread::scope(|scope| -> Result<Load> {
        let files = &files;
        std::thread::Builder::new().name("load-read".into()).spawn_scoped(scope, move || {
            behind_writer();
            for input in files {
                // The loop below has stopped at an error when nobody receives: stop reading.
                if read_tx.send(read::read(&input.path, opts)).is_err() {
                    break;
                }
            }
        })?;
        let writer = std::thread::Builder::new().name("load-write".into()).spawn_scoped(scope, move || -> Result<Load> {
            let mut load = load;
            for (table, file_id, df, whole) in frames {
                load.append(table, file_id, &df, whole)?;
            }
            Ok(load)
        })?;
        let validated = (|| -> Result<()> {
            for (input, outcome) in files.iter().zip(outcomes) {
                let path = &input.path;
                let outcome = outcome?;
                warnings.extend(outcome.warnings);
                problems.problems.extend(outcome.problems);
                let mut rows_read = 0;
                for raw in outcome.frames {
                    // A text file found in a folder that is not a table (说明.txt) is a note, not data; one named
                    // like a table (schools_2021.csv, 学校.csv) is data, read or refused, never skipped.
                    if !input.named && !named_like_a_table(path) && Format::of(path) == Some(Format::Csv) && model::detect_table(&raw.headers).is_none() {
                        warnings.push(format!("{}: skipped: its first line is not a countyedu header", path.display()));
                        continue;
                    }
                    let rows = raw.df.height();
                    rows_read += rows;
                    match validating.install(|| validate::validate(&raw, opts.max_problems, validate::Bounds { enforce: !opts.allow_out_of_bounds, rows: !opts.allow_out_of_bounds })) {
                        Err(mut found) => {
                            problems.problems.append(&mut found.problems);
                            problems.more += found.more;
                        }
                        Ok(mut v) => {
                            warnings.append(&mut v.warnings);
                            problems.problems.append(&mut v.problems.problems);
                            problems.more += v.problems.more;
                            let whole = problems.problems.is_empty() && problems.more == 0;
                            if frame_tx.send((v.table, staged.len() as i32, v.df, whole)).is_err() {
                                return Ok(()); // the writer stopped at an error, which joining it returns
                            }
                            let note = opts.allow_out_of_bounds.then(|| "loaded with --allow-out-of-bounds: values beyond the documented bounds, and impossible rows (逻辑校验), accepted; countyedu audit lists them".to_string());
                            log.push(LogEntry { file: display(path), sha256: raw.sha256.clone(), table: v.table, rows: rows as i64, note });
                            summaries.push(FileSummary { path: path.clone(), table: v.table, rows, detected: raw.detected.clone() });
                            staged.push(Staged { path: path.clone(), locator: raw.locator, column_of: v.column_of });
                        }
                    }
                }
                progress.file_done(path, rows_read);
            }
            Ok(())
        })();
        drop(frame_tx);
        let load = writer.join().expect("the load's writer does not panic");
        validated?;
        load
    })?;
    // The whole-load checks run over every row that parsed, whatever else was found, so that one run lists
    // every kind of problem.
    let (issues, unlisted) = load.problems(opts.max_problems)?;
    problems.more += unlisted;
    problems.problems.extend(locate_issues(&staged, issues));
    progress.finish();
    if !problems.problems.is_empty() || problems.more > 0 {
        problems.problems.sort();
        drop(load);
        return Err(Error::Input(problems));
    }
    let (changes, removed) = load.commit(&log)?;
    Ok(Summary { files: summaries, changes, removed, warnings })
}

/// Lowers the calling thread's scheduling priority (nice 10), for the threads of a load that must not take a core
/// from its writer. Linux sets it per thread (elsewhere it would apply to the whole process, so it is not done).
fn behind_writer() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; on Linux, PRIO_PROCESS with 0 names the calling thread. A failure
    // (not expected when lowering) leaves the priority as it was, which is harmless.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, libc::getpriority(libc::PRIO_PROCESS, 0).saturating_add(10).min(19));
    }
}

/// Turns whole-load issues (file number, record index) into problems with file, line and column,
/// re-reading each file at most twice (once for the issues' rows, once for the rows they refer to).
fn locate_issues(staged: &[Staged], issues: Vec<RowIssue>) -> Vec<InputProblem> {
    let mut rows: HashMap<i32, BTreeSet<u64>> = HashMap::new();
    for issue in &issues {
        rows.entry(issue.file_id).or_default().insert(issue.row as u64);
        if let Some((f, r)) = issue.other {
            rows.entry(f).or_default().insert(r as u64);
        }
    }
    let located: HashMap<(i32, u64), Location> = rows
        .into_iter()
        .flat_map(|(f, rows)| {
            let rows: Vec<u64> = rows.into_iter().collect();
            let locations = staged[f as usize].locator.locate(&rows);
            rows.into_iter().zip(locations).map(move |(r, l)| ((f, r), l))
        })
        .collect();
    let at = |f: i32, r: i64| located.get(&(f, r as u64)).cloned().unwrap_or(Location::File);
    issues
        .into_iter()
        .map(|issue| {
            let s = &staged[issue.file_id as usize];
            let expected = match issue.other {
                Some((f, r)) => format!("{} at {}", issue.expected, error::place(&staged[f as usize].path, &at(f, r))),
                None => issue.expected,
            };
            let (column_index, column) = s.column_of.get(issue.column).cloned().map_or((None, None), |(i, h)| (Some(i), Some(h)));
            InputProblem {
                file: s.path.clone(),
                location: at(issue.file_id, issue.row),
                column_index,
                column,
                value: Some(issue.value),
                expected,
            }
        })
        .collect()
}

/// The file as recorded in `ingest_log`: its absolute path, so that the log says which file it was.
fn display(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).to_string_lossy().into_owned()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::warehouse::Access;
    use std::collections::BTreeMap;

    /// The nice value of each thread of this process, by the thread's name (`/proc`, Linux).
    fn nice_by_thread() -> BTreeMap<String, i32> {
        let mut out = BTreeMap::new();
        for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue }; // it ended
            let name = stat[stat.find('(').unwrap() + 1..stat.rfind(')').unwrap()].to_string();
            // Fields after the name begin with the third (state); the nice value is the 19th.
            let nice = stat[stat.rfind(')').unwrap() + 1..].split_whitespace().nth(16).unwrap().parse().unwrap();
            out.insert(name, nice);
        }
        out
    }

    /// Records the threads' nice values each time a file has been validated (on the calling thread).
    struct Watch(Vec<BTreeMap<String, i32>>);

    impl Progress for Watch {
        fn file_done(&mut self, _path: &Path, _rows: usize) {
            self.0.push(nice_by_thread());
        }
    }

    /// Reading and validating yield the cores to the load's writer: their threads run at a lower priority while
    /// the writer and the caller keep theirs, and the validating threads end with the load.
    #[test]
    fn reading_and_validating_run_behind_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let wh = Warehouse::open(&dir.path().join("w.duckdb"), Access::Create).unwrap();
        let own = || nice_by_thread().into_iter().filter(|(n, _)| n.starts_with("load-")).collect::<Vec<_>>();
        let caller = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let lowered = (caller + 10).min(19);
        let mut watch = Watch(Vec::new());
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/sample");
        let summary = ingest(&wh, &[sample], &Options::default(), &mut watch).unwrap();
        assert!(summary.files.len() >= 3, "the sample has several files");
        // While the first file is done, the next ones are still to be read and written.
        let first = &watch.0[0];
        assert_eq!(first.get("load-read"), Some(&lowered), "the reading thread, lowered: {first:?}");
        assert_eq!(first.get("load-write"), Some(&caller), "the writer keeps the caller's priority: {first:?}");
        // A validating thread lowers itself when it starts, which may be later than the first file's validation.
        let last = watch.0.last().unwrap();
        let validating: Vec<i32> = last.iter().filter(|(n, _)| n.starts_with("load-validate-")).map(|(_, v)| *v).collect();
        assert!(!validating.is_empty() && validating.iter().all(|v| *v == lowered), "the validating threads, lowered: {last:?}");
        assert_eq!(unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }, caller, "the caller's own priority is unchanged");
        let start = std::time::Instant::now();
        while !own().is_empty() && start.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(own(), vec![], "no thread of the load outlives it");
    }
}
