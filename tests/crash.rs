//! Crash safety, measured: a load (`ingest`) and a metric store (`compute`: every metric table in one transaction) are killed with SIGKILL at random
//! moments; the warehouse must then hold exactly the data of before or exactly the data of after, and the next
//! run must succeed.
//!
//! A short run on the shipped sample is part of `cargo test`. The long run, at national scale, is
//! `bench/crash.sh` (or `CRASH_DATA=DIR CRASH_TRIALS=20 cargo test --test crash -- --ignored --nocapture`).

mod workdir;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use workdir::repo;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_countyedu"))
}

/// Runs the binary to completion; panics with its stderr on failure.
fn run(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.success(), "countyedu {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every table of a warehouse: name, rows and an order-independent hash of its rows, read as a user would.
fn checksum(db: &Path) -> String {
    let db = db.to_string_lossy();
    let tables = run(&["sql", "--db", &db, "--format", "csv", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"]);
    let parts: Vec<String> = tables
        .lines()
        .skip(1)
        .filter(|t| *t != "countyedu_meta")
        .map(|t| {
            // A load's log row carries its id and time: what it records is which files were loaded.
            let from = if t == "ingest_log" { "(SELECT DISTINCT file, sha256, table_name, rows, note FROM ingest_log)".to_string() } else { format!("\"{t}\"") };
            format!("SELECT '{t}' AS t, count(*) AS n, coalesce(sum(hash(x)), 0) AS h FROM {from} x")
        })
        .collect();
    run(&["sql", "--db", &db, "--format", "csv", &format!("{} ORDER BY 1", parts.join(" UNION ALL "))])
}

/// Copies a warehouse file (and its write-ahead log, if any).
fn copy_warehouse(from: &Path, to: &Path) {
    let _ = std::fs::remove_file(to);
    let _ = std::fs::remove_file(format!("{}.wal", to.display()));
    std::fs::copy(from, to).unwrap();
    let wal = PathBuf::from(format!("{}.wal", from.display()));
    if wal.exists() {
        std::fs::copy(wal, format!("{}.wal", to.display())).unwrap();
    }
}

/// What the trials of one operation found.
#[derive(Debug, Default)]
struct Tally {
    trials: usize,
    killed: usize,
    before: usize,
    after: usize,
    lost: usize,
}

/// Runs kill trials (until `trials` of them killed a running process) of the command `args` (with `{db}` standing for the warehouse) over copies of the
/// warehouse `start`, and checks each against the states before and after an uninterrupted run.
fn kill_trials(name: &str, start: &Path, args: &[&str], trials: usize, seed: u64, scratch: &Path) -> Tally {
    let with_db = |db: &Path| -> Vec<String> { args.iter().map(|a| a.replace("{db}", &db.to_string_lossy())).collect() };
    let before = checksum(start);
    // Uninterrupted runs give the state after and the time a run takes (the shorter of two, so that the kill
    // moments fall inside a run).
    let full = scratch.join(format!("{name}-full.duckdb"));
    let mut duration = Duration::MAX;
    for _ in 0..2 {
        copy_warehouse(start, &full);
        let t0 = Instant::now();
        let a = with_db(&full);
        run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        duration = duration.min(t0.elapsed());
    }
    let after = checksum(&full);
    assert_ne!(before, after, "{name}: the run must change the warehouse for the trial to mean anything");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tally = Tally::default();
    // Trials go on until `trials` of them killed a running process (a run may finish before its moment).
    for trial in 0..trials * 3 {
        if tally.killed >= trials {
            break;
        }
        tally.trials += 1;
        let db = scratch.join(format!("{name}-{trial}.duckdb"));
        copy_warehouse(start, &db);
        // Half the moments anywhere in the run, half in its last 30 % (where the commit is).
        let share = if trial % 2 == 0 { rng.random_range(0.0..0.98) } else { rng.random_range(0.7..0.98) };
        let at = duration.mul_f64(share);
        let a = with_db(&db);
        let mut child = bin().args(&a).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(at);
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap(); // SIGKILL
            tally.killed += 1;
        }
        child.wait().unwrap();
        let found = checksum(&db);
        let verdict = if found == before {
            tally.before += 1;
            "before"
        } else if found == after {
            tally.after += 1;
            "after"
        } else {
            tally.lost += 1;
            "NEITHER"
        };
        eprintln!("{name} trial {trial}: killed at {:.2} s of {:.2} s ({}) → {verdict}", at.as_secs_f64(), duration.as_secs_f64(), if finished { "had finished" } else { "SIGKILL" });
        // The next run succeeds and gives the state after.
        run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(checksum(&db), after, "{name} trial {trial}: the run after the crash must give the state after");
        let _ = std::fs::remove_file(&db);
        let _ = std::fs::remove_file(format!("{}.wal", db.display()));
    }
    eprintln!("{name}: {tally:?}");
    tally
}

/// Kill trials of an ingest of `data` into a warehouse holding `base`, and of a `compute` store over the result.
fn trials(base: &[PathBuf], data: &Path, trials: usize, seed: u64) -> (Tally, Tally) {
    let dir = tempfile::tempdir().unwrap();
    let start = dir.path().join("start.duckdb");
    let mut args = vec!["ingest".to_string(), "--quiet".into(), "--db".into(), start.to_string_lossy().into_owned()];
    args.extend(base.iter().map(|p| p.to_string_lossy().into_owned()));
    run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let data = data.to_string_lossy();
    let ingest = kill_trials("ingest", &start, &["ingest", "--quiet", "--db", "{db}", &data], trials, seed, dir.path());
    // The store of a metric command, over the warehouse after the load.
    let loaded = dir.path().join("loaded.duckdb");
    copy_warehouse(&start, &loaded);
    run(&["ingest", "--quiet", "--db", &loaded.to_string_lossy(), &data]);
    let store = kill_trials("compute", &loaded, &["compute", "--db", "{db}", "--format", "csv"], trials, seed + 1, dir.path());
    (ingest, store)
}

#[test]
fn a_killed_load_or_store_leaves_the_data_of_before_or_after() {
    // The sample's 2023 schools loaded again over the sample (every row replaced), and the compute store.
    let sample = repo("datasets/sample");
    let dir = tempfile::tempdir().unwrap();
    let again = dir.path().join("schools_2023.csv");
    let text = std::fs::read_to_string(sample.join("schools_2023.csv")).unwrap();
    // Every school one book richer, so that the load changes the warehouse.
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let books = header.split(',').position(|h| h == "books").unwrap();
    let mut out = vec![header.to_string()];
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(String::from).collect();
        if let Ok(n) = cells[books].parse::<i64>() {
            cells[books] = (n + 1).to_string();
        }
        out.push(cells.join(","));
    }
    std::fs::write(&again, out.join("\n") + "\n").unwrap();
    let (ingest, store) = trials(&[sample], &again, 4, 11);
    for t in [ingest, store] {
        assert_eq!(t.lost, 0, "{t:?}");
        assert_eq!(t.before + t.after, t.trials);
        assert!(t.killed >= 4, "{t:?}");
    }
}

/// The long run: `bench/crash.sh`, or `CRASH_DATA=DIR cargo test --test crash -- --ignored --nocapture` with DIR
/// a folder of `countyedu generate` (counties.csv, schools_*.csv, county_indicators.csv).
#[test]
#[ignore]
fn national_scale_kill_trials() {
    let data = PathBuf::from(std::env::var("CRASH_DATA").expect("CRASH_DATA names a folder of `countyedu generate`"));
    let trials_n: usize = std::env::var("CRASH_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("CRASH_SEED").ok().and_then(|t| t.parse().ok()).unwrap_or(2026);
    // The warehouse starts with the counties and the first year; the load adds every other file.
    let first_year = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("schools_")))
        .min()
        .unwrap();
    let (ingest, store) = trials(&[data.join("counties.csv"), first_year], &data, trials_n, seed);
    println!("ingest: {} trials, {} killed, {} before, {} after, {} lost", ingest.trials, ingest.killed, ingest.before, ingest.after, ingest.lost);
    println!("compute store: {} trials, {} killed, {} before, {} after, {} lost", store.trials, store.killed, store.before, store.after, store.lost);
    assert_eq!(ingest.lost + store.lost, 0);
}
