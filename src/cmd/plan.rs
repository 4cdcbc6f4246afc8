//! `countyedu plan`: the cheapest school-by-school additions that bring a county to 优质均衡, checked by the
//! engine's own balance verdict.

use std::path::PathBuf;

use polars::prelude::*;

use super::metric;
use super::{DbArgs, RulesArgs};
use crate::balance::Level;
use crate::error::{Error, Result};
use crate::ops::{Inputs, Selection, plan::Planned};
use crate::output::OutputArgs;
use crate::plan::Costs;

/// Plan the cheapest additions (teachers, floor space, sports ground, equipment, multimedia rooms) that bring a county's schools to 优质均衡 in one year.
///
/// Targets (教督〔2017〕6号, under the rules in force): every school in the 优质均衡 scope passes the school rule (at least 6 of the 7 standards met, the other at least 85%), and each of the 7 inter-school CVs of a level is within its limit. Levers: a school's degree-holding, backbone (designated from its other teachers first, then hired) and PE/art teachers, teaching space (㎡ built), sports ground (㎡), equipment (元) and multimedia rooms, priced by a costs file (config/costs.toml, national assumptions stated there; --costs for a province's or county's own). Whole units stay whole; a combined school's space, equipment and rooms are added to the whole school once, sized for the level that needs most (both levels share the one addition: one row, its level naming both, its cost counted half to each in --summary), and the land check compares new sports ground with the school's whole ground. A hired teacher (a degree-holding, PE/art or backbone teacher beyond those designated from the school's own) is counted in the level's teachers too: a row of its own for {level}_teachers, at no cost beyond its category's, so that applying the plan leaves no category above the teachers. One hire is not taken to serve two categories (a degree-holding PE teacher counted in both): each category's hires are counted apart, which may overstate teachers and cost where one person would do.
///
/// Method, per level: (1) for each school, every choice of the indicator allowed to stay below (at ≥ 85%) is priced and the cheapest taken, which is exact because schools do not interact there; (2) for each CV still over its limit, floor space and equipment are water-filled (the schools below a floor raised to it, the lowest floor that meets the limit: optimal for the continuous problem, since a unit of resource lowers the CV most at the school furthest below the mean, whatever its size), and teachers and rooms are added one whole unit at a time where the CV falls most per 元, then what the limit does not need is taken back; (3) a final pass lowers every addition, dearest first, to the fewest whole units (or drops it) that keep every school passing and every CV within its limit with the rest of the plan (a school raised for a CV may no longer need what step (1) bought it), first per level and then over the county's levels together, since a combined school's addition reaches both; the engine re-checks the whole plan after it, and a county it would leave worse keeps its plan from before the pass. Optimality gap: ㎡ and 元 rounded up (under one unit per school and resource), the greedy choice of whole teachers and rooms (on 300 random small counties it matched exhaustive search every time, and on 300 more of two levels with combined schools whose rooms both levels share, the county's plan after the final pass did too), and step (2) taking step (1)'s choice as given.
///
/// The plan is then applied to a copy of the county's school rows and the engine's own balance verdict computed again (the same SQL and rules as `countyedu balance`); a combined school's addition reaches both levels, so planning and checking repeat until the verdict is 达到 or nothing more can be planned. The check is printed on stderr. --budget gives the best state within the money: the schools cheapest to bring to the rule first (the most schools passing), then the CVs furthest over their limits; the summary says what remains unmet.
///
/// Output: one row per school unit and resource (year, county_code, level, school_id, school_name, resource = the `schools` column to add to, add in that column's unit, unit, cost, indicator, purpose); adding each `add` to a copy of the schools file and loading it again gives the planned state. --summary: one row per level with the schools passing, the CVs over their limits and the largest CV before and after, the cost by category, cost_taken_back (what the final pass (3) saved: the plan cost that much more before it), the 7 CVs before and after (cvs_before, cvs_after: in the order degree, backbone and PE/art teachers, teaching space, sports ground, equipment, multimedia rooms), the verdicts before and after, notes (schools whose sports ground would more than double: land, not money, binds; schools with a value not reported), and the further items of 优质均衡 that these levers do not settle, for the county's schools where data exists: music and art rooms short (one each per 12 classes), schools over the class-size limit, schools over the school-size limit. Stored as `plan` (unless --no-store).
///
/// Examples:
///   countyedu plan --county 140121 --year 2023
///   countyedu plan --county 140121 --year 2023 --summary
///   countyedu plan --county 140121 --year 2023 --level junior --budget 2000000 -o plan.xlsx
///   countyedu plan --year 2023 --summary --no-store
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The county (6-digit code) [default: every county of the year].
    #[arg(long, value_name = "CODE")]
    pub county: Option<String>,
    /// The year planned for.
    #[arg(long)]
    pub year: i32,
    /// Only this level.
    #[arg(long, value_parser = ["primary", "junior"])]
    pub level: Option<String>,
    /// The unit costs (TOML, as config/costs.toml) [default: config/costs.toml's national assumptions].
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// Spend at most this many 元: the most schools passing, then the lowest CVs.
    #[arg(long, value_name = "YUAN")]
    pub budget: Option<f64>,
    /// Print one row per level (before and after, costs by category, verdicts) instead of the additions.
    #[arg(long)]
    pub summary: bool,
    /// Compute and print only: store nothing.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<()> {
    let counties: Vec<String> = args.county.iter().cloned().collect();
    metric::check_counties(&counties)?;
    if args.budget.is_some_and(|b| !b.is_finite() || b < 0.0) {
        return Err(Error::usage("--budget: expected an amount of 元 ≥ 0"));
    }
    let plan = args.out.plan()?;
    let costs = match &args.costs {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| Error::usage(format!("{}: {e}", p.display())))?;
            // Each problem as `FILE:LINE: …` where it names its line.
            let located = |e: String| {
                let lines = e.lines().map(|l| match l.split_once(": ") {
                    Some((n, _)) if n.parse::<usize>().is_ok() => format!("{}:{l}", p.display()),
                    _ => format!("{}: {l}", p.display()),
                });
                lines.collect::<Vec<_>>().join("\n")
            };
            Costs::from_toml(&text).map_err(|e| Error::usage(located(e)))?
        }
        None => Costs::national(),
    };
    let levels: Vec<Level> = match args.level.as_deref() {
        Some("primary") => vec![Level::Primary],
        Some(_) => vec![Level::Junior],
        None => Vec::new(),
    };
    let rules = args.rules.load()?;
    let selection = Selection { counties, years: vec![args.year] };
    let planned: Planned = super::compute_then_store(&args.db, &rules, selection, args.no_store, |inputs: &Inputs| crate::ops::plan::plan(inputs, &costs, &levels, args.budget))?;
    // The check, on stderr: the engine's verdict on the planned schools.
    let s = &planned.summary;
    let (cc, lv, before, after, cost) = (
        s.column("county_code")?.str()?.clone(),
        s.column("level")?.str()?.clone(),
        s.column("verdict_before")?.str()?.clone(),
        s.column("verdict_after")?.str()?.clone(),
        s.column("cost")?.f64()?.clone(),
    );
    let missed: Vec<usize> = (0..s.height()).filter(|&i| before.get(i) != Some("达到")).collect();
    for &i in missed.iter().take(10) {
        crate::say!(
            "check: {} {} {}: the engine's 优质均衡 verdict {} before, {} with the plan applied to a copy of the schools (cost {} 元)",
            cc.get(i).unwrap_or_default(),
            args.year,
            lv.get(i).unwrap_or_default(),
            before.get(i).unwrap_or_default(),
            after.get(i).unwrap_or_default(),
            super::thousands(cost.get(i).unwrap_or(0.0).round() as i64)
        );
    }
    let reached = missed.iter().filter(|&&i| after.get(i) == Some("达到")).count();
    let total: f64 = missed.iter().map(|&i| cost.get(i).unwrap_or(0.0)).sum();
    crate::say!(
        "check: {} of {} county-levels missing 优质均衡 reach it with the plan applied (the engine's verdict); cost {} 元",
        reached,
        missed.len(),
        super::thousands(total.round() as i64)
    );
    let shown = if args.summary { planned.summary.clone() } else { planned.rows.clone() };
    metric::print(&plan, shown.lazy())
}
