//! countyedu as a library, without the command line: load the shipped sample into a new warehouse, compute one
//! county's inter-school CVs, and evaluate every county under the national scheme.
//!
//!     cargo run --example library            # prints 140121's 2023 quality CVs and its evaluation
//!
//! `tests/library.rs` runs the same code and checks its figures.

use std::path::Path;

use countyedu::error::Result;
use countyedu::ingest::{self, Options};
use countyedu::ops::{self, Computed, Inputs, Selection};
use countyedu::rules::Rules;
use countyedu::warehouse::{Access, Warehouse};
use polars::prelude::*;

/// What the example finds for one county and year.
pub struct Found {
    /// The county's quality-standard CVs (level, indicator, cv).
    pub cvs: DataFrame,
    /// Its evaluation summary under the national scheme (total, grade, …).
    pub summary: DataFrame,
}

/// Loads `repo`'s sample into a warehouse at `db`, and computes and evaluates `county` in `year`.
pub fn run(repo: &Path, db: &Path, county: &str, year: i32) -> Result<Found> {
    let wh = Warehouse::open(db, Access::Create)?;
    ingest::ingest(&wh, &[repo.join("datasets/sample")], &Options::default(), &mut ())?;

    // The balance CVs of one county-year, under the rules the commands apply by default (the national ones, each
    // county judged against its own province's shipped floors); stored like `countyedu balance` stores them.
    let rules = Rules::default_rules();
    let inputs = Inputs::new(&wh, &rules, Selection { counties: vec![county.into()], years: vec![year] });
    let balance = ops::balance::balance(&inputs, ops::balance::Need::All, true)?;
    balance.store(&wh, &rules)?;
    let cvs = balance
        .cv
        .lazy()
        .filter(col("standard").eq(lit("quality")))
        .select([col("level"), col("indicator"), col("cv")])
        .sort(["level", "indicator"], Default::default())
        .collect()?;

    // Every county scored under the national scheme; the summary of the one we asked about.
    let path = repo.join("criteria/national.toml");
    let scheme = ops::evaluate::load_scheme(&path).map_err(|e| countyedu::error::Error::usage(e.to_string()))?;
    let evaluated = ops::evaluate::evaluate(&wh, &scheme, &path, &rules, year, false)?;
    let summary = evaluated.summary.lazy().filter(col("county_code").eq(lit(county))).collect()?;
    Ok(Found { cvs, summary })
}

#[allow(dead_code)]
fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let found = run(Path::new(env!("CARGO_MANIFEST_DIR")), &dir.path().join("w.duckdb"), "140121", 2023)?;
    println!("{}", found.cvs);
    println!("{}", found.summary.select(["county_code", "county_name", "total", "grade"])?);
    Ok(())
}
