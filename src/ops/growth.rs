//! Growth as one call: every county series (reported indicators, per-student spending, the balance CVs) year on
//! year and over a window, re-coded counties followed through a crosswalk, and the funding rule checks.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use polars::prelude::*;

use super::{Computed, Inputs};
use crate::error::{Error, Result};
use crate::growth::{self, Recoding};
use crate::model;
use crate::warehouse::Scope;

/// What a growth computation covers.
#[derive(Clone, Debug, Default)]
pub struct Options<'p> {
    /// County code changes (CSV: old_code,new_code,year).
    pub crosswalk: Option<&'p Path>,
    /// Leave out the balance CV series.
    pub no_cv: bool,
    /// Compound growth over the window from..to (each defaulting to the first and last year with data).
    pub window: Option<(Option<i32>, Option<i32>)>,
}

/// Year-on-year rows, funding checks, and the window when asked for; `series` is every series computed.
pub struct Growth {
    pub yoy: DataFrame,
    pub checks: DataFrame,
    /// The window's years and rows.
    pub window: Option<((i32, i32), DataFrame)>,
    pub series: DataFrame,
}

impl Computed for Growth {
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>> {
        let mut out = vec![("growth", self.yoy.clone(), Scope::all()), ("growth_checks", self.checks.clone(), Scope::all())];
        if let Some(((from, to), w)) = &self.window {
            out.push(("growth_window", w.clone(), Scope::all().int("from_year", &[*from]).int("to_year", &[*to])));
        }
        Ok(out)
    }
}

/// Computes growth over every county and year of the warehouse (a selection filters what is shown, not what is
/// computed: a year's change needs the year before).
pub fn growth(inputs: &Inputs, opts: &Options) -> Result<Growth> {
    let (wh, rules) = (inputs.wh, inputs.rules);
    let indicators = wh.query_df("SELECT year, county_code, indicator, value FROM county_indicators")?;
    let mut values = indicators.clone();
    if !opts.no_cv {
        values = concat([values.lazy(), cv_series(inputs)?.lazy()], UnionArgs::default())?.collect()?;
    }
    let counties = inputs.areas()?;
    let units: HashMap<String, String> = model::INDICATORS.iter().map(|i| (i.id.to_string(), i.unit.to_string())).collect();
    let recodings = match opts.crosswalk {
        Some(p) => read_crosswalk(p, counties)?,
        None => Vec::new(),
    };
    let (values, notes) = growth::apply_crosswalk(values, &recodings, &units)?;
    notes.into_iter().for_each(|n| inputs.note(n));
    let (series, both) = growth::derive_per_student(&values)?;
    let yoy = growth::year_on_year(&series, counties, &both)?;
    let (reported, _) = growth::apply_crosswalk(indicators, &recodings, &units)?;
    let checks = growth::checks(&reported, counties, &rules.standards, rules.funding.per_student_basis)?;
    stopped_reporting(inputs, &yoy)?;
    let window = match opts.window {
        None => None,
        Some((from, to)) => {
            let year = |f: fn(&Int32Chunked) -> Option<i32>| series.column("year").ok().and_then(|c| f(c.i32().ok()?)).unwrap_or(0);
            let years = (from.unwrap_or_else(|| year(|c| c.min())), to.unwrap_or_else(|| year(|c| c.max())));
            Some((years, growth::window(&series, counties, years.0, years.1)?))
        }
    };
    Ok(Growth { yoy, checks, window, series })
}

/// Notes the county codes whose series stop before the last year (re-coded counties, most likely).
fn stopped_reporting(inputs: &Inputs, yoy: &DataFrame) -> Result<()> {
    let stopped = yoy
        .clone()
        .lazy()
        .filter(col("note").str().starts_with(lit("the county reports nothing after")))
        .select([col("county_code").unique().sort(Default::default())])
        .collect()?;
    if stopped.height() > 0 {
        let codes: Vec<String> = stopped.column("county_code")?.str()?.iter().flatten().take(10).map(String::from).collect();
        inputs.note(format!(
            "{} county code(s) stop reporting before the last year: {}{} (re-coded? pass --crosswalk FILE)",
            stopped.height(),
            codes.join(", "),
            if stopped.height() > 10 { ", …" } else { "" }
        ));
    }
    Ok(())
}

/// Reads and checks a crosswalk file; every problem is refused with its line.
fn read_crosswalk(path: &Path, areas: &DataFrame) -> Result<Vec<Recoding>> {
    #[derive(serde::Deserialize)]
    struct Row {
        old_code: String,
        new_code: String,
        year: i32,
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (i, row) in csv::Reader::from_reader(text.as_bytes()).deserialize::<Row>().enumerate() {
        let row = row.map_err(|e| Error::usage(format!("{}:{}: {e} (expected old_code,new_code,year)", path.display(), i + 2)))?;
        out.push(Recoding { old_code: row.old_code.trim().into(), new_code: row.new_code.trim().into(), year: row.year });
    }
    let counties: HashSet<String> = areas.column("county_code")?.str()?.iter().flatten().map(String::from).collect();
    let problems = growth::check_crosswalk(&out, &counties);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|(i, m)| format!("{}:{}: {m}", path.display(), i + 2)).collect();
        return Err(Error::usage(format!("the crosswalk is refused:\n{}", lines.join("\n"))));
    }
    Ok(out)
}

/// The balance CVs of every county-year as series (`cv_STANDARD_LEVEL_INDICATOR`, `basic_composite_cv_LEVEL`).
fn cv_series(inputs: &Inputs) -> Result<DataFrame> {
    let cv = inputs.cvs()?.clone().lazy();
    let composite = crate::balance::cv_summary(&cv)
        .filter(col("standard").eq(lit("basic")).and(col("composite_cv").is_not_null()))
        .select([
            col("year"),
            col("county_code"),
            format_str("basic_composite_cv_{}", &[col("level")])?.alias("indicator"),
            col("composite_cv").alias("value"),
        ]);
    let each = cv.filter(col("cv").is_not_null()).select([
        col("year"),
        col("county_code"),
        format_str("cv_{}_{}_{}", &[col("standard"), col("level"), col("indicator")])?.alias("indicator"),
        col("cv").alias("value"),
    ]);
    Ok(concat([composite, each], UnionArgs::default())?.collect()?)
}
