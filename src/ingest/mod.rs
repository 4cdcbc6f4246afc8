//! Ingest: files in any supported format → validated canonical frames → one all-or-nothing warehouse load.
//!
//! The pipeline per call: expand folders into files; read each file ([`read`]); validate it ([`validate`]);
//! stage it in the open load transaction; after the last file, run the whole-load checks; commit only if no
//! file and no check found a problem. Files keep being read after the first bad one, so that a user sees every
//! problem of a batch in one run (up to a limit per file).

pub mod read;
pub mod validate;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{self, Error, InputProblem, InputProblems, Location, Result};
use crate::model::Table;
use crate::warehouse::{LogEntry, RowIssue, TableChange, Warehouse};
use read::{Format, Locator, TextEncoding};

/// How to read the files of one ingest call.
#[derive(Clone, Debug)]
pub struct Options {
    /// Force a text encoding instead of detecting it.
    pub encoding: Option<TextEncoding>,
    /// The worksheet to read from workbooks (default: the first).
    pub sheet: Option<String>,
    /// How many problems to list per file (and per whole-load check).
    pub max_problems: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { encoding: None, sheet: None, max_problems: 50 }
    }
}

/// What a successful ingest did.
#[derive(Debug)]
pub struct Summary {
    pub files: Vec<FileSummary>,
    pub changes: Vec<TableChange>,
    pub warnings: Vec<String>,
}

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

/// Expands the given paths into the list of files to load: folders are searched recursively for supported
/// files (in name order); a named file must exist and have a supported extension.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            found.sort();
            if found.is_empty() {
                problems.push(InputProblem::whole_file(p, "a folder holding .csv, .xlsx or .parquet files; it has none"));
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            problems.push(InputProblem::whole_file(p, "an existing file or folder"));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(InputProblems { problems, more: 0 }));
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if Format::of(&path).is_some() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            out.push(path);
        }
    }
    Ok(())
}


/// What is kept of a staged file to report whole-load problems against it.
struct Staged {
    path: PathBuf,
    locator: Locator,
    column_of: HashMap<&'static str, (usize, String)>,
}

/// Loads `paths` into the warehouse as one transaction.
pub fn ingest(wh: &Warehouse, paths: &[PathBuf], opts: &Options, progress: &mut dyn Progress) -> Result<Summary> {
    let files = expand(paths)?;
    progress.start(files.len());
    let load = wh.begin_load()?;
    let mut problems = InputProblems::default();
    let mut staged: Vec<Staged> = Vec::new();
    let mut summaries = Vec::new();
    let mut log = Vec::new();
    let mut warnings = Vec::new();
    for path in &files {
        let raw = match read::read(path, opts.encoding, opts.sheet.as_deref())? {
            Ok(raw) => raw,
            Err(p) => {
                problems.problems.push(p);
                progress.file_done(path, 0);
                continue;
            }
        };
        let rows = raw.df.height();
        match validate::validate(&raw, opts.max_problems) {
            Err(mut found) => {
                problems.problems.append(&mut found.problems);
                problems.more += found.more;
            }
            Ok(mut v) => {
                warnings.append(&mut v.warnings);
                if problems.problems.is_empty() {
                    load.append(v.table, staged.len() as i32, &mut v.df)?;
                }
                log.push(LogEntry { file: display(path), sha256: raw.sha256.clone(), table: v.table, rows: rows as i64 });
                summaries.push(FileSummary { path: path.clone(), table: v.table, rows, detected: raw.detected.clone() });
                staged.push(Staged { path: path.clone(), locator: raw.locator, column_of: v.column_of });
            }
        }
        progress.file_done(path, rows);
    }
    if problems.problems.is_empty() {
        let (issues, unlisted) = load.problems(opts.max_problems)?;
        problems.more += unlisted;
        problems.problems.extend(locate_issues(&staged, issues));
    }
    progress.finish();
    if !problems.problems.is_empty() {
        problems.problems.sort();
        drop(load);
        return Err(Error::Input(problems));
    }
    let changes = load.commit(&log)?;
    Ok(Summary { files: summaries, changes, warnings })
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
