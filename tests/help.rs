//! Every command's `--help` reads cleanly at 80 and 120 columns: no line wider than the terminal (Chinese
//! counted two columns wide), paragraphs wrapped by clap and nowhere else, and the text as the snapshots in
//! `tests/help/` hold it (`COUNTYEDU_BLESS=1 cargo test --test help` writes them again after a change).

use clap::CommandFactory;
use countyedu::cmd::Cli;
use unicode_width::UnicodeWidthStr;

fn render(width: usize) -> Vec<(String, String)> {
    let mut cli = Cli::command().term_width(width);
    cli.build();
    let mut out = vec![("countyedu".to_string(), cli.render_long_help().to_string())];
    for sub in cli.get_subcommands_mut() {
        let name = sub.get_name().to_string();
        if name != "help" {
            out.push((name, sub.render_long_help().to_string()));
        }
    }
    out
}

#[test]
fn help_fits_80_and_120_columns_and_matches_its_snapshot() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/help");
    let bless = std::env::var_os("COUNTYEDU_BLESS").is_some();
    let mut stale = Vec::new();
    for width in [80, 120] {
        for (name, help) in render(width) {
            for line in help.lines() {
                assert!(line.width() <= width, "countyedu {name} --help at {width} columns: {} wide:\n{line}", line.width());
            }
            // A paragraph cut short by a hard-wrapped source line leaves a line much shorter than the next one.
            let path = dir.join(format!("{name}.{width}.txt"));
            if bless {
                std::fs::write(&path, &help).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(help.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(stale.is_empty(), "help differs from its snapshot (COUNTYEDU_BLESS=1 cargo test --test help writes them): {stale:?}");
}

#[test]
fn no_paragraph_is_broken_before_the_terminal_edge() {
    // At 120 columns, a prose line that ends well before the edge while the next line of the same paragraph goes
    // on is a line break from the source, which is what made help ragged at other widths.
    for (name, help) in render(120) {
        let lines: Vec<&str> = help.lines().collect();
        for pair in lines.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let prose = |l: &str| !l.starts_with(' ') && !l.is_empty() && !l.ends_with(':');
            if prose(a) && prose(b) && !a.ends_with('.') {
                let first = b.split_whitespace().next().unwrap_or("");
                assert!(a.width() + 1 + first.width() > 110, "countyedu {name}: a paragraph breaks early:\n{a}\n{b}");
            }
        }
    }
}
