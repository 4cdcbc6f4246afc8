//! The command line: one file per subcommand, each a clap `Args` (whose doc comment is its `--help`) and a `run`.
//!
//! Commands are thin: they resolve flags into a plan, call library code and print. Data goes to stdout;
//! progress, summaries and warnings go to stderr.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use args::{DbArgs, RulesArgs, WaitArgs};
pub use crate::output::thousands;

use crate::error::Result;
use crate::ops::{Computed, Inputs, Selection, Sink};
use crate::rules::Rules;
use crate::warehouse::Access;

mod args;
pub mod audit;
pub mod balance;
pub mod completions;
pub mod compute;
pub mod demo;
pub mod equity;
pub mod export;
pub mod evaluate;
pub mod generate;
pub mod growth;
pub mod ingest;
pub mod metric;
pub mod plan;
pub mod progress;
pub mod query;
pub mod rank;
pub mod report;
pub mod scheme;
pub mod sql;
pub mod sql_for;
pub mod summary;
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
    Audit(audit::Args),
    Sql(sql::Args),
    SqlFor(sql_for::Args),
    Query(query::Args),
    Export(export::Args),
    Balance(balance::Args),
    Equity(equity::Args),
    UrbanRural(urban_rural::Args),
    Growth(growth::Args),
    Compute(compute::Args),
    Evaluate(evaluate::Args),
    Rank(rank::Args),
    Plan(plan::Args),
    Report(report::Args),
    Generate(generate::Args),
    Demo(demo::Args),
    Completions(completions::Args),
    Man(completions::ManArgs),
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
    let result = compute_reading(db, rules, selection, |inputs| compute(inputs))?;
    if !no_store {
        let _spinner = progress::Spinner::new("storing");
        result.store(&db.open(Access::ReadWrite)?, rules)?;
    }
    Ok(result)
}

/// A computation with the warehouse opened read-only; the notes of the computation go to stderr.
pub fn compute_reading<T>(db: &DbArgs, rules: &Rules, selection: Selection, f: impl FnOnce(&mut Inputs) -> Result<T>) -> Result<T> {
    let spinner = progress::Spinner::new("computing");
    let wh = db.open(Access::ReadOnly)?;
    let mut inputs = Inputs::new(&wh, rules, selection);
    let result = f(&mut inputs);
    for note in inputs.take_notes() {
        spinner.say(&format!("note: {note}"));
    }
    result
}

/// The run of a computation stored as it goes (`compute`, and the metric commands when they store): the warehouse
/// open for writing, every table `f` puts into the sink stored at once within one transaction, committed when `f`
/// has returned (an error or a kill leaves the warehouse as it was).
pub fn compute_storing<T>(db: &DbArgs, rules: &Rules, selection: Selection, f: impl FnOnce(&mut Inputs, &mut dyn Sink) -> Result<T>) -> Result<T> {
    let spinner = progress::Spinner::new("computing and storing");
    let wh = db.open(Access::ReadWrite)?;
    let mut inputs = Inputs::new(&wh, rules, selection);
    let mut storing = wh.store_in_background(&rules.stamp())?;
    let result = f(&mut inputs, &mut storing);
    for note in inputs.take_notes() {
        spinner.say(&format!("note: {note}"));
    }
    let result = result?;
    spinner.step("committing");
    storing.commit()?;
    Ok(result)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Ingest(args) => ingest::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Sql(args) => sql::run(args),
        Command::SqlFor(args) => sql_for::run(args),
        Command::Query(args) => query::run(args),
        Command::Export(args) => export::run(args),
        Command::Balance(args) => balance::run(args),
        Command::Equity(args) => equity::run(args),
        Command::UrbanRural(args) => urban_rural::run(args),
        Command::Growth(args) => growth::run(args),
        Command::Compute(args) => compute::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Rank(args) => rank::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Report(args) => report::run(args),
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
