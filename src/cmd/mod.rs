//! The command line: one file per subcommand, each a clap `Args` (whose doc comment is its `--help`) and a `run`.
//!
//! Commands are thin: they resolve flags into a plan, call library code and print. Data goes to stdout;
//! progress, summaries and warnings go to stderr.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::{Error, Problem, Result};
use crate::rules::Rules;
use crate::ops::{Computed, Inputs, Selection};
use crate::warehouse::{self, Access, Warehouse};

pub mod balance;
pub mod completions;
pub mod demo;
pub mod equity;
pub mod export;
pub mod evaluate;
pub mod generate;
pub mod growth;
pub mod ingest;
pub mod metric;
pub mod progress;
pub mod query;
pub mod rank;
pub mod sql;
pub mod urban_rural;

/// countyedu: county education evaluation analytics.
///
/// Loads school-level and county-level data of many counties and years into a DuckDB warehouse, validates it,
/// and answers questions about it in SQL. See README.md for the data format and exit codes.
#[derive(Debug, Parser)]
#[command(name = "countyedu", version, propagate_version = true, max_term_width = 110)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Ingest(ingest::Args),
    Sql(sql::Args),
    Query(query::Args),
    Export(export::Args),
    Balance(balance::Args),
    Equity(equity::Args),
    UrbanRural(urban_rural::Args),
    Growth(growth::Args),
    Evaluate(evaluate::Args),
    Rank(rank::Args),
    Generate(generate::Args),
    Demo(demo::Args),
    Completions(completions::Args),
    Man(completions::ManArgs),
}

/// The warehouse to use; shared by every command that reads or writes one.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// The warehouse file (DuckDB).
    #[arg(long, env = "COUNTYEDU_DB", default_value = warehouse::DEFAULT_PATH, value_name = "PATH")]
    pub db: PathBuf,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl DbArgs {
    /// Opens the warehouse, and says on stderr which stored metric tables another version of countyedu wrote.
    pub fn open(&self, access: Access) -> Result<Warehouse> {
        let wh = Warehouse::open_waiting(&self.db, access, self.wait.duration()?)?;
        for note in wh.stale_result_tables()? {
            eprintln!("note: {note}");
        }
        Ok(wh)
    }
}

/// The run every computing command shares: compute with the warehouse opened read-only (the notes of the
/// computation go to stderr), then, unless `no_store`, store the results in one short write transaction.
pub fn compute_then_store<T: Computed>(
    db: &DbArgs,
    rules: &Rules,
    selection: Selection,
    no_store: bool,
    compute: impl FnOnce(&Inputs) -> Result<T>,
) -> Result<T> {
    let spinner = progress::Spinner::new("computing");
    let result = {
        let wh = db.open(Access::ReadOnly)?;
        let inputs = Inputs::new(&wh, rules, selection);
        let result = compute(&inputs);
        for note in inputs.take_notes() {
            spinner.say(&format!("note: {note}"));
        }
        result?
    };
    if !no_store {
        spinner.step("storing");
        result.store(&db.open(Access::ReadWrite)?, rules)?;
    }
    Ok(result)
}

/// How long to wait for a warehouse another process holds.
#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// While another process writes the warehouse (or reads it, when this command writes), retry for up to
    /// SECONDS before failing (exit 5).
    #[arg(long, env = "COUNTYEDU_WAIT", default_value_t = 0.0, value_name = "SECONDS")]
    pub wait: f64,
}

impl WaitArgs {
    pub fn duration(&self) -> Result<std::time::Duration> {
        std::time::Duration::try_from_secs_f64(self.wait)
            .map_err(|_| Error::usage(format!("--wait {}: expected a number of seconds, 0 or more", self.wait)))
    }
}

/// The rules to compute under; shared by every command that computes.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArgs {
    /// A rules folder (config/README.md): a province's rules laid over the national ones, e.g.
    /// config/provinces/140000 [default: the national rules built in]
    #[arg(long, env = "COUNTYEDU_RULES", value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Replaced by --rules DIR.
    #[arg(long, hide = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Replaced by --rules DIR.
    #[arg(long, hide = true, value_name = "FILE")]
    pub standards: Option<PathBuf>,
}

impl RulesArgs {
    /// The rules asked for; the flags of earlier versions are refused with what to do instead.
    pub fn load(&self) -> Result<Rules> {
        if let Some(p) = &self.config {
            return Err(Error::usage(format!(
                "--config {} is replaced by --rules DIR: put the file, with only the keys it changes, as balance.toml in a \
                 folder (see config/README.md and config/provinces/140000)",
                p.display()
            )));
        }
        if let Some(p) = &self.standards {
            return Err(Error::usage(format!(
                "--standards {} is replaced by --rules DIR: put the file as funding_standards.csv in a folder (see \
                 config/provinces/140000)",
                p.display()
            )));
        }
        match &self.rules {
            None => Ok(Rules::national()),
            Some(dir) => Rules::load(dir).map_err(|e| Error::Usage(Problem::new("the rules are refused").with_source(e))),
        }
    }

    /// Whether the user named rules (a flag or COUNTYEDU_RULES).
    pub fn given(&self) -> bool {
        self.rules.is_some()
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Ingest(args) => ingest::run(args),
        Command::Sql(args) => sql::run(args),
        Command::Query(args) => query::run(args),
        Command::Export(args) => export::run(args),
        Command::Balance(args) => balance::run(args),
        Command::Equity(args) => equity::run(args),
        Command::UrbanRural(args) => urban_rural::run(args),
        Command::Growth(args) => growth::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Rank(args) => rank::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => completions::man(args),
    }
}

/// A file or folder shipped with the repository: relative to the working directory when run from the
/// repository, else where the binary was built.
pub fn shipped(folder: &str, name: &str) -> PathBuf {
    let local = std::path::Path::new(folder).join(name);
    if local.exists() { local } else { std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder).join(name) }
}

/// A number with thousands separators, for summaries people read.
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(1234567), "1,234,567");
        assert_eq!(super::thousands(-1000), "-1,000");
    }
}
