//! Progress on stderr, for a terminal only: a bar over the files of `ingest`, and for the other commands that can
//! run for seconds on a national warehouse a spinner naming the step and the time it has taken. When stderr is
//! not a terminal (a pipe, a log file, a test) nothing is drawn.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ingest::Progress;

fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() }
}

/// A bar over the files of a load.
pub struct Files(ProgressBar);

impl Files {
    pub fn new() -> Files {
        let bar = ProgressBar::with_draw_target(None, target());
        bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} files {elapsed} {msg}").expect("valid template"));
        Files(bar)
    }
}

impl Progress for Files {
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

/// A spinner naming the current step, cleared when dropped.
pub struct Spinner(ProgressBar);

impl Spinner {
    pub fn new(step: &str) -> Spinner {
        let bar = ProgressBar::with_draw_target(None, target());
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"));
        bar.set_message(step.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(bar)
    }

    /// Prints a line on stderr without tearing the spinner.
    pub fn say(&self, line: &str) {
        self.0.suspend(|| crate::say!("{line}"));
    }

    /// Names the next step.
    pub fn step(&self, step: &str) {
        self.0.set_message(step.to_string());
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
