//! `countyedu query`: list and run the named queries of `queries/`.

use std::path::PathBuf;

use super::DbArgs;
use crate::error::{Error, Result};
use crate::output::OutputArgs;
use crate::queries;
use crate::warehouse::Access;

/// Run a named query from queries/ (or list them).
///
/// `countyedu query list` shows every query with its title and parameters. `countyedu query NAME` runs one read-only, with each `--param NAME=VALUE` bound as a parameter (never spliced into the SQL); parameters not given take their defaults; an unknown parameter or a missing required value is an error (exit 2). A query is a documented SQL file: see queries/ and README.md.
///
/// Examples:
///   countyedu query list
///   countyedu query --db countyedu-demo.duckdb balance_failing --param year=2022
///   countyedu query --db countyedu-demo.duckdb cv_top_schools \
///     -p county_code=140121 -o top.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The query's name (its file name without .sql), or `list`.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// A parameter value, NAME=VALUE (repeat the flag for several).
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The folder of queries [default: queries/ of the repository].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: Args) -> Result<()> {
    let plan = args.out.plan()?;
    let dir = args.dir.clone().unwrap_or_else(|| super::shipped("queries", ""));
    let all = queries::list(&dir)?;
    if args.name == "list" {
        let params = |q: &queries::Query| {
            q.params
                .iter()
                .map(|p| match &p.default {
                    Some(d) => format!("{}={d}", p.name),
                    None => format!("{} (required)", p.name),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let frame = polars::prelude::df![
            "name" => all.iter().map(|q| q.name.clone()).collect::<Vec<_>>(),
            "title" => all.iter().map(|q| q.title.clone()).collect::<Vec<_>>(),
            "parameters" => all.iter().map(params).collect::<Vec<_>>(),
        ]?;
        return super::metric::print(&plan, polars::prelude::IntoLazy::lazy(frame));
    }
    let query = all.iter().find(|q| q.name == args.name).ok_or_else(|| {
        Error::usage(format!(
            "no query {:?} in {}; there are: {}",
            args.name,
            dir.display(),
            all.iter().map(|q| q.name.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })?;
    let values = queries::bind(query, &args.params)?;
    let wh = args.db.open(Access::ReadOnly)?;
    wh.named_query_streamed(&query.sql, &values, |schema, batches| plan.stream(schema, batches))
}
