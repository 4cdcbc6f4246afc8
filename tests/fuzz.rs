//! Fuzzing on stable Rust: seeded, reproducible property tests of the file reader and validator and of the scheme
//! parser.
//!
//! - `round_trip`: random valid school files, written in the forms offices use (Chinese or English headers in any
//!   order, title rows, thousands separators, full-width digits, "—" for not reported, codes as 140581.0, quoted
//!   cells with commas, quotes and line ends, blank lines, CRLF or CR, UTF-8 with or without BOM, GB18030 or
//!   UTF-16), must load with every value exactly as generated (the expected values are computed here, not by the
//!   engine).
//! - `mutations`: the same files with random bytes flipped, inserted, deleted or cut off must never panic, and
//!   every problem must name a line that exists.
//! - `schemes`: the shipped schemes with random lines removed, repeated or swapped, values replaced and bytes
//!   changed must never panic, and every problem must name a line that exists.
//!
//! `cargo test` runs a short run of each. The long run: `FUZZ_CASES=100000 cargo test --test fuzz -- --ignored
//! --nocapture` (`FUZZ_SEED` changes the seed; a failing case prints the seed and case number that repeat it,
//! `FUZZ_CASE=N` runs that case alone).

mod workdir;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

use countyedu::error::Location;
use countyedu::evaluate::Scheme;
use countyedu::ingest::{self, read, validate};
use countyedu::model::{self, ColumnSpec, Kind};
use polars::prelude::*;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use workdir::repo;

/// The generated value of one cell, as the warehouse must hold it.
#[derive(Clone, Debug, PartialEq)]
enum Expected {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// A generated file: its bytes, and the expected value of every (row, canonical column).
struct Case {
    bytes: Vec<u8>,
    columns: Vec<&'static ColumnSpec>,
    rows: Vec<Vec<Expected>>,
}

const NOT_REPORTED: &[&str] = &["", "-", "--", "—", "——", "－", "/", "／", "无"];
const SCHOOL_TYPES: &[(&str, &str)] = &[("primary", "小学"), ("junior", "初中"), ("nine_year", "九年一贯制学校"), ("teaching_point", "教学点")];
const NAME_PARTS: &[&str] = &["第一", "实验", "中心", "小学", "中学", ", 分校", "\"明德\"", "东区\n校区", "希望", "县城"];

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('０' as u32 + (c as u32 - '0' as u32)).unwrap(),
            '.' => '．',
            '+' => '＋',
            _ => c,
        })
        .collect()
}

fn grouped(int: u64) -> String {
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as a person may type it: plain, with spaces, grouped in thousands, full-width, with a plus sign.
fn number_text(rng: &mut ChaCha8Rng, int: u64, decimals: &str) -> String {
    let plain = format!("{int}{decimals}");
    match rng.random_range(0..6) {
        0 => format!(" {plain} "),
        1 => format!("{}{decimals}", grouped(int)),
        2 => full_width(&plain),
        3 => format!("+{plain}"),
        4 => full_width(&format!("{}{decimals}", grouped(int))),
        _ => plain,
    }
}

/// One cell of a column: its text and the value it must load as.
fn cell(rng: &mut ChaCha8Rng, spec: &ColumnSpec, row: usize) -> (String, Expected) {
    if spec.nullable && rng.random_bool(0.08) {
        return (NOT_REPORTED.choose(rng).unwrap().to_string(), Expected::Null);
    }
    let max = spec.max.unwrap_or(1e6);
    match spec.kind {
        Kind::Year => {
            let y = rng.random_range(2015..=2024);
            let text = match rng.random_range(0..3) {
                0 => format!("{y}.0"),
                1 => full_width(&y.to_string()),
                _ => y.to_string(),
            };
            (text, Expected::Int(y))
        }
        Kind::CountyCode => {
            let code = format!("14{:04}", rng.random_range(100..9999));
            let text = match rng.random_range(0..3) {
                0 => format!("{code}.0"),
                1 => full_width(&code),
                _ => code.clone(),
            };
            (text, Expected::Text(code))
        }
        Kind::Text if spec.name == "school_id" => (format!("S{row:05}"), Expected::Text(format!("S{row:05}"))),
        Kind::Text => {
            let n = rng.random_range(1..4);
            let name: String = (0..n).map(|_| *NAME_PARTS.choose(rng).unwrap()).collect();
            (name.clone(), Expected::Text(name))
        }
        Kind::SchoolType => {
            let (en, zh) = SCHOOL_TYPES.choose(rng).unwrap();
            (if rng.random_bool(0.5) { en } else { zh }.to_string(), Expected::Text(en.to_string()))
        }
        Kind::UrbanRural => {
            let c = *[111, 112, 121, 122, 123, 210, 220].choose(rng).unwrap();
            (c.to_string(), Expected::Int(c))
        }
        Kind::Count => {
            let v = rng.random_range(0..=max as u64);
            (number_text(rng, v, ""), Expected::Int(v as i64))
        }
        Kind::Amount | Kind::Number => {
            let decimals = rng.random_range(0..3u32);
            let scale = 10u64.pow(decimals);
            let m = rng.random_range(0..=(max as u64) * scale);
            let (int, frac) = (m / scale, m % scale);
            let tail = if decimals == 0 { String::new() } else { format!(".{frac:0w$}", w = decimals as usize) };
            (number_text(rng, int, &tail), Expected::Real(m as f64 / scale as f64))
        }
        Kind::AreaCode | Kind::Region => unreachable!("not a school column"),
    }
}

/// A CSV field, quoted when it must be (or at random).
fn field(rng: &mut ChaCha8Rng, text: &str, delimiter: char) -> String {
    let needs = text.contains(delimiter) || text.contains('"') || text.contains('\n') || text.contains('\r');
    if needs || rng.random_bool(0.1) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// A random valid school file in one of the forms offices send.
fn school_file(rng: &mut ChaCha8Rng) -> Case {
    let mut columns: Vec<&'static ColumnSpec> = model::SCHOOLS.iter().filter(|c| c.required || rng.random_bool(0.5)).collect();
    columns.shuffle(rng);
    let delimiter = if rng.random_bool(0.2) { '\t' } else { ',' };
    let newline = *["\n", "\r\n", "\r"].choose(rng).unwrap();
    let header: Vec<String> = columns.iter().map(|c| if rng.random_bool(0.5) { c.zh[0].to_string() } else { c.name.to_string() }).collect();
    let mut lines = Vec::new();
    for t in 0..rng.random_range(0..3) {
        let title = if t == 0 { "2021年中小学基本情况统计表" } else { "填报单位：某县教育局（盖章）" };
        let pad = if rng.random_bool(0.5) { delimiter.to_string().repeat(columns.len() - 1) } else { String::new() };
        lines.push(format!("{title}{pad}"));
    }
    lines.push(header.join(&delimiter.to_string()));
    let mut rows = Vec::new();
    for r in 0..rng.random_range(1..8) {
        if rng.random_bool(0.1) {
            lines.push(String::new());
        }
        let mut texts = Vec::new();
        let mut expected = Vec::new();
        for c in &columns {
            let (text, value) = cell(rng, c, r);
            texts.push(field(rng, &text, delimiter));
            expected.push(value);
        }
        lines.push(texts.join(&delimiter.to_string()));
        rows.push(expected);
    }
    let mut text = lines.join(newline);
    if rng.random_bool(0.7) {
        text.push_str(newline);
    }
    let bytes = match rng.random_range(0..5) {
        0 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        1 => encoding_rs::GB18030.encode(&text).0.into_owned(),
        2 => {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }
        _ => text.into_bytes(),
    };
    Case { bytes, columns, rows }
}

/// Reads and validates a file as `ingest` does, without a warehouse.
fn load(path: &Path) -> (read::ReadOutcome, Vec<Result<validate::Validated, countyedu::error::InputProblems>>) {
    let mut outcome = read::read(path, &ingest::Options::default()).expect("reading a local file");
    // Cells are drawn column by column, so a row's parts may exceed its whole: the forms of cells are what is
    // tested here; the impossible rows are tested in src/audit/tests.rs and tests/audit.rs.
    let validated = outcome.frames.iter().map(|f| validate::validate(f, 50, validate::Bounds { enforce: true, rows: false })).collect();
    outcome.frames.clear();
    (outcome, validated)
}

/// The value a validated frame holds at (row, column), in the terms of [`Expected`].
fn stored(df: &DataFrame, spec: &ColumnSpec, row: usize) -> Expected {
    let c = df.column(spec.name).unwrap();
    let v = c.get(row).unwrap();
    match v {
        AnyValue::Null => Expected::Null,
        AnyValue::Int32(i) => Expected::Int(i as i64),
        AnyValue::Int64(i) => Expected::Int(i),
        AnyValue::Float64(f) => Expected::Real(f),
        AnyValue::String(s) => Expected::Text(s.to_string()),
        AnyValue::StringOwned(s) => Expected::Text(s.to_string()),
        other => panic!("unexpected stored value {other:?} in {}", spec.name),
    }
}

/// How many lines a file has, counted on its bytes (UTF-16 decoded first): every \n, \r\n and lone \r ends one.
fn line_count(bytes: &[u8]) -> u64 {
    let text: Vec<u16> = if bytes.starts_with(&[0xFF, 0xFE]) {
        bytes[2..].chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect()
    } else {
        bytes.iter().map(|&b| b as u16).collect()
    };
    let mut lines = 1;
    for (i, &c) in text.iter().enumerate() {
        if c == b'\n' as u16 || (c == b'\r' as u16 && text.get(i + 1) != Some(&(b'\n' as u16))) {
            lines += 1;
        }
    }
    lines
}

/// Runs `cases` cases of `property`, each in its own seeded generator, catching panics; returns the failures.
/// A property returns whether the input was accepted (`Ok(true)`) or refused as it should be (`Ok(false)`).
fn run_cases(name: &str, cases: usize, mut property: impl FnMut(&mut ChaCha8Rng) -> Result<bool, String>) -> usize {
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261128);
    let only: Option<usize> = std::env::var("FUZZ_CASE").ok().and_then(|s| s.parse().ok());
    let started = Instant::now();
    let mut failures = 0;
    let mut ran = 0;
    let mut accepted = 0;
    for case in 0..cases {
        if only.is_some_and(|o| o != case) {
            continue;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (case as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        ran += 1;
        let outcome = catch_unwind(AssertUnwindSafe(|| property(&mut rng)));
        let failed = match outcome {
            Ok(Ok(ok)) => {
                accepted += usize::from(ok);
                None
            }
            Ok(Err(e)) => Some(e),
            Err(_) => Some("panicked".to_string()),
        };
        if let Some(why) = failed {
            failures += 1;
            eprintln!("{name}: case {case} (FUZZ_SEED={seed} FUZZ_CASE={case}) failed: {why}");
            if failures >= 10 {
                break;
            }
        }
    }
    println!("{name}: {ran} cases ({accepted} accepted, {} refused with their lines), {failures} failures, {:.1} s", ran - accepted - failures, started.elapsed().as_secs_f64());
    failures
}

fn round_trip(cases: usize) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schools.csv");
    run_cases("round_trip", cases, |rng| {
        let case = school_file(rng);
        std::fs::write(&path, &case.bytes).unwrap();
        let (outcome, validated) = load(&path);
        if !outcome.problems.is_empty() {
            return Err(format!("refused: {:?}", outcome.problems));
        }
        let [Ok(v)] = validated.as_slice() else {
            return Err(format!("not one valid frame: {:?}", validated.iter().map(|v| v.as_ref().err().map(|e| e.to_string())).collect::<Vec<_>>()));
        };
        if !v.problems.problems.is_empty() {
            return Err(format!("cells refused: {}", v.problems));
        }
        if v.df.height() != case.rows.len() {
            return Err(format!("{} rows loaded of {}", v.df.height(), case.rows.len()));
        }
        for (r, row) in case.rows.iter().enumerate() {
            for (spec, want) in case.columns.iter().zip(row) {
                let got = stored(&v.df, spec, r);
                if &got != want {
                    return Err(format!("row {r} column {}: stored {got:?}, generated {want:?}", spec.name));
                }
            }
        }
        Ok(true)
    })
}

/// Bytes that matter to a CSV reader or a decoder.
const SPECIAL: &[u8] = &[b',', b'"', b'\n', b'\r', b'\t', 0, 0x80, 0xA3, 0xE4, 0xFF, 0xFE, b' ', b'-', b'.', b'1'];

fn mutate(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>) {
    for _ in 0..rng.random_range(1..7) {
        if bytes.is_empty() {
            bytes.push(*SPECIAL.choose(rng).unwrap());
        }
        let at = rng.random_range(0..bytes.len());
        match rng.random_range(0..6) {
            0 => bytes[at] = *SPECIAL.choose(rng).unwrap(),
            1 => bytes[at] = rng.random(),
            2 => {
                let n = rng.random_range(1..20).min(bytes.len() - at);
                bytes.drain(at..at + n);
            }
            3 => bytes.insert(at, *SPECIAL.choose(rng).unwrap()),
            4 => bytes.truncate(at),
            _ => {
                // A line repeated elsewhere.
                let end = bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| at + p + 1);
                let line: Vec<u8> = bytes[at..end].to_vec();
                let to = rng.random_range(0..=bytes.len());
                bytes.splice(to..to, line);
            }
        }
    }
}

fn mutations(cases: usize) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schools.csv");
    run_cases("mutations", cases, |rng| {
        let mut bytes = school_file(rng).bytes;
        mutate(rng, &mut bytes);
        std::fs::write(&path, &bytes).unwrap();
        let lines = line_count(&bytes);
        let (outcome, validated) = load(&path);
        let mut problems = outcome.problems;
        for v in validated {
            match v {
                Ok(v) => problems.extend(v.problems.problems),
                Err(e) => problems.extend(e.problems),
            }
        }
        for p in &problems {
            let shown = p.to_string();
            if !shown.contains("schools.csv") {
                return Err(format!("a problem without its file: {shown}"));
            }
            if let Location::Line(n) = p.location
                && (n == 0 || n > lines)
            {
                return Err(format!("line {n} of a file of {lines} lines: {shown}"));
            }
        }
        Ok(problems.is_empty())
    })
}

/// Values a mutated scheme may hold.
const TOKENS: &[&str] = &[
    "\"\"", "-1", "1e309", "nan", "inf", "\"x\"", "[", "{", "'''", "0", "\"indicator:nope\"", "\"balance_cv:quality:primary\"",
    "\"; DELETE FROM schools;\"", "\"1) AS v FROM t; SELECT (1\"", "[{ name = \"x\", min = 5 }]", "true", "\"school\"", "\"derived:x\"",
];

fn schemes(cases: usize) -> usize {
    let texts: Vec<String> = std::fs::read_dir(repo("criteria"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    run_cases("schemes", cases, |rng| {
        let mut lines: Vec<String> = texts.choose(rng).unwrap().lines().map(String::from).collect();
        for _ in 0..rng.random_range(1..5) {
            let at = rng.random_range(0..lines.len().max(1));
            match rng.random_range(0..6) {
                0 if !lines.is_empty() => {
                    lines.remove(at);
                }
                1 if !lines.is_empty() => {
                    let l = lines[at].clone();
                    lines.insert(rng.random_range(0..=lines.len()), l);
                }
                2 if lines.len() > 1 => {
                    let b = rng.random_range(0..lines.len());
                    lines.swap(at, b);
                }
                3 if !lines.is_empty() => {
                    if let Some(eq) = lines[at].find(" = ") {
                        lines[at] = format!("{} = {}", &lines[at][..eq], TOKENS.choose(rng).unwrap());
                    }
                }
                4 if !lines.is_empty() => {
                    let mut b = lines[at].clone().into_bytes();
                    if !b.is_empty() {
                        let i = rng.random_range(0..b.len());
                        b[i] = *b"\"'[]{}=,.#\n 0123456789".choose(rng).unwrap();
                    }
                    lines[at] = String::from_utf8_lossy(&b).into_owned();
                }
                _ => lines.insert(at.min(lines.len()), format!("x{} = {}", rng.random_range(0..9), TOKENS.choose(rng).unwrap())),
            }
        }
        let text = lines.join("\n");
        let count = text.lines().count().max(1) + 1;
        match Scheme::parse(&text) {
            Ok(_) => Ok(true),
            Err(problems) => {
                if problems.is_empty() {
                    return Err("refused without a problem".into());
                }
                match problems.iter().find(|(line, m)| *line == 0 || *line > count || m.is_empty()) {
                    Some((line, m)) => Err(format!("problem at line {line} of {count}: {m:?}")),
                    None => Ok(false),
                }
            }
        }
    })
}

fn cases(default: usize) -> usize {
    std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default)
}

#[test]
fn short_run() {
    assert_eq!(round_trip(300) + mutations(600) + schemes(300), 0);
}

#[test]
#[ignore]
fn long_run() {
    let n = cases(100_000);
    assert_eq!(round_trip(n) + mutations(n) + schemes(n), 0);
}
