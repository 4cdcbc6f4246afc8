//! Every command example of README.md, notebooks/README.md and each command's `--help` runs as written, from
//! the folder the text implies (the repository root; `cd` in an example moves it), and exits 0.
//!
//! The examples run in a scratch copy of the repository's layout (datasets, criteria, config, queries and
//! notebooks linked in), in the order a reader meets them: README first, then notebooks/README.md, then the help
//! of each command, `ingest` first.

mod workdir;

use std::path::{Path, PathBuf};
use std::process::Command;

use workdir::repo;

/// The folder holding the binary, put first on PATH so that `countyedu` in an example is this build.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_countyedu")).parent().unwrap().to_path_buf()
}

/// Commands in fenced `sh` blocks and in inline code spans of a Markdown text. A span is an example when it
/// starts with `countyedu ` (or `cargo run -- `), has arguments and holds no placeholder (FILE, DIR,
/// PATHS…): those are synopses, and a bare `countyedu ingest` in prose names a command.
fn markdown_examples(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line.trim_start_matches('`').trim() == "sh";
            continue;
        }
        if in_sh {
            let command = line.split(" #").next().unwrap_or("").trim();
            if !command.is_empty() {
                out.push(command.to_string());
            }
            continue;
        }
        // Table rows name commands and their synopses; examples are in prose and code blocks.
        if line.trim_start().starts_with('|') {
            continue;
        }
        for (i, span) in line.split('`').enumerate() {
            if i % 2 == 1 && (span.starts_with("countyedu ") || span.starts_with("cargo run -- ")) && !is_synopsis(span) {
                out.push(span.to_string());
            }
        }
    }
    out
}

fn is_synopsis(span: &str) -> bool {
    // `countyedu ingest` in prose names a command; an example gives it arguments.
    if span.split_whitespace().count() <= 2 {
        return true;
    }
    // Quoted SQL is an argument, not a placeholder.
    let unquoted: String = span.split('"').step_by(2).collect::<Vec<_>>().join(" ");
    span.contains('…')
        || unquoted.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        })
}

/// The examples at the end of a command's help: the lines after `Examples:` up to the first blank one; a line
/// that ends with ` \` goes on on the next, as in a shell.
fn help_examples(help: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in help.lines().skip_while(|l| l.trim() != "Examples:").skip(1).map(str::trim).take_while(|l| !l.is_empty()) {
        let (text, more) = match line.strip_suffix('\\') {
            Some(t) => (t.trim_end(), true),
            None => (line, false),
        };
        match (open, out.last_mut()) {
            (true, Some(last)) => {
                last.push(' ');
                last.push_str(text);
            }
            _ => out.push(text.to_string()),
        }
        open = more;
    }
    out
}

/// Runs one example with `sh` in `folder`; returns the folder the next example runs in (after a `cd`).
fn run(root: &Path, folder: &Path, source: &str, command: &str) -> PathBuf {
    let command = command.replace("cargo run -- ", "countyedu ");
    // Interactive or installing commands are not run; everything else is, as written.
    if command.starts_with("pip install") || command.contains("jupyter notebook") || command.starts_with("cargo test") {
        return folder.to_path_buf();
    }
    let path = format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("sh")
        .args(["-c", &command])
        .current_dir(folder)
        .env("PATH", path)
        .env_remove("COUNTYEDU_DB")
        .env_remove("COUNTYEDU_EXPORT")
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "{source}: `{command}` failed in {} with {:?}\nstderr:\n{}",
        folder.strip_prefix(root).unwrap_or(folder).display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    match command.strip_prefix("cd ").and_then(|c| c.split("&&").next()) {
        Some(dir) => folder.join(dir.trim()),
        None => folder.to_path_buf(),
    }
}

/// A scratch repository: the folders examples read, linked; everything they write stays in the scratch folder.
fn scratch() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    for folder in ["datasets", "criteria", "config", "queries", "tests", "spark"] {
        std::os::unix::fs::symlink(repo(folder), root.path().join(folder)).unwrap();
    }
    // Notebooks find their export relative to their own folder, so they are copied, not linked.
    std::fs::create_dir(root.path().join("notebooks")).unwrap();
    for entry in std::fs::read_dir(repo("notebooks")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, root.path().join("notebooks").join(path.file_name().unwrap())).unwrap();
        }
    }
    root
}

#[test]
fn every_documented_example_runs_as_written() {
    let python_ok = Command::new("python3").args(["-c", "import duckdb, nbmake"]).output().is_ok_and(|o| o.status.success());
    if !python_ok {
        // CI installs notebooks/requirements.txt, so there this must not be skipped.
        assert!(std::env::var("CI").is_err(), "python3 with duckdb and nbmake is required in CI");
        eprintln!("skipped: python3 with duckdb and nbmake is not installed (pip install -r notebooks/requirements.txt)");
        return;
    }
    let root = scratch();
    let mut ran = 0;
    for doc in ["README.md", "notebooks/README.md"] {
        let text = std::fs::read_to_string(repo(doc)).unwrap();
        let mut folder = root.path().to_path_buf();
        for command in markdown_examples(&text) {
            folder = run(root.path(), &folder, doc, &command);
            ran += 1;
        }
        // The Python examples of the README open the demo warehouse (the package from its source folder).
        for code in text.split("```python\n").skip(1).filter_map(|b| b.split("```").next()) {
            let out = Command::new("python3").args(["-c", code]).env("PYTHONPATH", repo("python")).current_dir(root.path()).output().unwrap();
            assert!(out.status.success(), "{doc}: the Python example failed:\n{code}\n{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let commands = ["ingest", "sql", "query", "export", "balance", "equity", "urban-rural", "growth", "evaluate", "rank", "generate", "demo", "completions", "man"];
    for name in commands {
        let help = Command::new(env!("CARGO_BIN_EXE_countyedu")).args([name, "--help"]).output().unwrap();
        let help = String::from_utf8(help.stdout).unwrap();
        let examples = help_examples(&help);
        assert!(!examples.is_empty(), "countyedu {name} --help has no examples");
        for command in examples {
            run(root.path(), root.path(), &format!("countyedu {name} --help"), &command);
            ran += 1;
        }
    }
    assert!(ran > 30, "only {ran} examples found");
}

#[test]
fn examples_are_found_in_blocks_and_spans_but_not_in_synopses() {
    let text = "Run `countyedu ingest PATHS…` or `countyedu query balance_failing --param year=2022`.\n\
                ```sh\ncargo run -- demo     # the demo\n```\n`countyedu help COMMAND`, `countyedu sql \"SELECT * FROM t\"`\n\
                | `countyedu balance` | a table row |, and `countyedu growth` names a command";
    assert_eq!(
        markdown_examples(text),
        vec!["countyedu query balance_failing --param year=2022", "cargo run -- demo", "countyedu sql \"SELECT * FROM t\""]
    );
    let help = "Usage: x\n\nExamples:\n  countyedu a --b\n  echo x | countyedu c -\n  countyedu d --e \\\n    --f g\n\nOptions:\n";
    assert_eq!(help_examples(help), vec!["countyedu a --b", "echo x | countyedu c -", "countyedu d --e --f g"]);
}
