//! The investment plan of a county-year as one call: its schools read, the level units and the engine's own
//! verdict derived from a working copy, [`crate::plan::solve`] for each level that misses 优质均衡, the additions
//! applied to the copy, and the engine's verdict again, until it says 达到 (or nothing more can be planned).

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::{Computed, Inputs, f64s, strings as strs};
use crate::balance::{self, Level, QUALITY_INDICATORS, sql};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::plan::{self, Costs, K, Targets, Unit};
use crate::warehouse::{Scope, engine};

/// Each planned resource: the `schools` column it adds to (`{level}_` for teacher counts), its unit, its category.
pub const RESOURCES: [(&str, &str, &str); K] = [
    ("{level}_degree_teachers", "人", "teachers"),
    ("{level}_backbone_teachers", "人", "teachers"),
    ("{level}_pe_art_teachers", "人", "teachers"),
    ("teaching_area_m2", "㎡", "building"),
    ("sports_area_m2", "㎡", "grounds"),
    ("equipment_value_yuan", "元", "equipment"),
    ("multimedia_rooms", "间", "rooms"),
];

/// The level-unit column holding each indicator's resource.
const UNIT_RESOURCE: [&str; K] = ["degree_teachers", "backbone_teachers", "pe_art_teachers", "teach_area", "sports_area", "equipment_value", "multimedia_rooms"];

/// The rounds of planning and checking with the engine (a combined school's whole-school additions reach both
/// levels, which a next round takes into account).
const ROUNDS: usize = 4;

/// The most schools planned together (whole provinces): 40,000 schools hold about 0.4 GB of verdict frames.
const PART_SCHOOLS: usize = 40_000;

/// A plan and its check.
pub struct Planned {
    /// One row per school unit and resource added.
    pub rows: DataFrame,
    /// One row per level: before and after, costs by category, the verdicts of the engine.
    pub summary: DataFrame,
    scope: Scope,
}

impl Computed for Planned {
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>> {
        Ok(vec![("plan", self.rows.clone(), self.scope.clone())])
    }
}

/// The engine's verdicts of a schools frame: the level units, CVs, school table and quality verdicts, computed in
/// the sandbox by the same SQL and functions as `balance`.
pub struct Verdicts {
    pub units: DataFrame,
    pub cv: DataFrame,
    pub schools: DataFrame,
    pub verdicts: DataFrame,
}

pub fn verdicts(schools: &DataFrame, cfg: &balance::Config) -> Result<Verdicts> {
    let mut s = schools.clone();
    let mut units = engine::frames_query(&mut [("schools", &mut s)], &sql::units("schools", "true", cfg))?;
    let cv = engine::frames_query(&mut [("units", &mut units)], &sql::cvs("units", cfg))?;
    let school_table = balance::school_table(&units.clone().lazy(), &cv.clone().lazy(), cfg).collect()?;
    let verdicts = balance::verdict_table(&cv.clone().lazy(), &school_table.clone().lazy(), cfg).filter(col("standard").eq(lit("quality"))).collect()?;
    Ok(Verdicts { units, cv, schools: school_table, verdicts })
}

/// A frame's rows by county (and level where it has one).
type ByKey = HashMap<(String, String), DataFrame>;

fn by_county_level(df: &DataFrame) -> Result<ByKey> {
    let mut out = HashMap::new();
    for part in df.partition_by(["county_code", "level"], true)? {
        if part.height() == 0 {
            continue;
        }
        let key = (strs(&part, "county_code")?[0].clone(), strs(&part, "level")?[0].clone());
        out.insert(key, part);
    }
    Ok(out)
}

/// The verdicts split by county and level.
struct Split {
    units: ByKey,
    cv: ByKey,
    schools: ByKey,
    verdicts: ByKey,
}

fn split(v: &Verdicts) -> Result<Split> {
    let cv = v.cv.clone().lazy().filter(col("standard").eq(lit("quality"))).collect()?;
    Ok(Split { units: by_county_level(&v.units)?, cv: by_county_level(&cv)?, schools: by_county_level(&v.schools)?, verdicts: by_county_level(&v.verdicts)? })
}

/// The quality verdict of a county's level (true: 达到), its schools passing, its CVs over their limits and its
/// largest CV.
fn level_state(s: &Split, key: &(String, String)) -> Result<(Option<bool>, usize, usize, Option<f64>)> {
    let met = match s.verdicts.get(key) {
        Some(v) => v.column("met")?.bool()?.get(0),
        None => None,
    };
    let passing = match s.schools.get(key) {
        Some(d) => d.column("school_pass")?.bool()?.iter().filter(|p| *p == Some(true)).count(),
        None => 0,
    };
    let (over, max) = match s.cv.get(key) {
        Some(c) => (
            c.column("met")?.bool()?.iter().filter(|m| *m == Some(false)).count(),
            f64s(c, "cv")?.into_iter().flatten().fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x)))),
        ),
        None => (0, None),
    };
    Ok((met, passing, over, max))
}

/// The 7 quality CVs of a county's level, in indicator order, written to three decimals ("—" for none).
fn cv_list(s: &Split, key: &(String, String)) -> Result<String> {
    let Some(c) = s.cv.get(key) else { return Ok(String::new()) };
    let (ids, cvs) = (strs(c, "indicator")?, f64s(c, "cv")?);
    Ok(QUALITY_INDICATORS
        .iter()
        .map(|id| ids.iter().position(|x| x == id).and_then(|i| cvs[i]).map_or("—".to_string(), |v| format!("{v:.3}")))
        .collect::<Vec<_>>()
        .join(" / "))
}

/// A school's type and pupils per level (primary, junior, senior), for the shares of its split resources.
pub type Pupils = HashMap<String, (String, [f64; 3])>;

pub fn pupils(schools: &DataFrame) -> Result<Pupils> {
    let (sid, stype) = (strs(schools, "school_id")?, strs(schools, "school_type")?);
    let n: Vec<Vec<f64>> = ["primary_students", "junior_students", "senior_students"].iter().map(|c| Ok(f64s(schools, c)?.into_iter().map(|x| x.unwrap_or(0.0)).collect())).collect::<Result<_>>()?;
    Ok((0..schools.height()).map(|i| (sid[i].clone(), (stype[i].clone(), [n[0][i], n[1][i], n[2][i]]))).collect())
}

/// The planner's units of one county's level: the engine's level units in the quality scope, with each split
/// resource's share computed as the SQL splits it (weight × pupils / Σ weight × pupils).
pub fn units_of(units: &DataFrame, pupils: &Pupils, level: Level, cfg: &balance::Config) -> Result<Vec<(Unit, String)>> {
    let u = units.clone().lazy().filter(col("in_quality")).collect()?;
    let ids = strs(&u, "school_id")?;
    let names = strs(&u, "school_name")?;
    let students = f64s(&u, "students")?;
    let res: Vec<Vec<Option<f64>>> = UNIT_RESOURCE.iter().map(|c| f64s(&u, c)).collect::<Result<_>>()?;
    let teachers = f64s(&u, "teachers")?;
    let mut out = Vec::new();
    for i in 0..u.height() {
        let share = pupils.get(&ids[i]).map_or(1.0, |(t, n)| {
            let w = cfg.weights(t);
            let total = w.primary * n[0] + w.junior * n[1] + w.senior * n[2];
            let mine = if level == Level::Primary { w.primary * n[0] } else { w.junior * n[1] };
            if total > 0.0 { mine / total } else { 1.0 }
        });
        let mut unit = Unit { school_id: ids[i].clone(), students: students[i].unwrap_or(0.0), resource: [None; K], share: [1.0; K], designable: 0.0 };
        for k in 0..K {
            unit.resource[k] = res[k][i];
            if k >= 3 {
                unit.share[k] = share;
            }
        }
        unit.designable = (teachers[i].unwrap_or(0.0) - res[1][i].unwrap_or(0.0)).max(0.0);
        out.push((unit, names[i].clone()));
    }
    Ok(out)
}

pub fn targets(cfg: &balance::Config, level: Level) -> Targets {
    let mut t = Targets { standard: [0.0; K], per: [1.0; K], min_met: cfg.quality.school_rule.min_met as usize, min_ratio: cfg.quality.school_rule.min_ratio, cv_max: cfg.quality.cv_max.get(level) };
    for (k, id) in QUALITY_INDICATORS.iter().enumerate() {
        t.standard[k] = cfg.standard(level, id);
        t.per[k] = balance::indicator(id).per;
    }
    t
}

/// Adds the additions (`(school_id, column)` → whole units) to the school rows, one pass per column (a count
/// column stays a count).
pub fn apply(schools: &mut DataFrame, adds: &HashMap<(String, String), f64>) -> Result<()> {
    let ids = strs(schools, "school_id")?;
    let columns: std::collections::BTreeSet<&String> = adds.keys().map(|(_, c)| c).collect();
    for column in columns {
        let dtype = schools.column(column)?.dtype().clone();
        let mut values = f64s(schools, column)?;
        for (i, id) in ids.iter().enumerate() {
            if let Some(a) = adds.get(&(id.clone(), column.clone())) {
                values[i] = Some(values[i].unwrap_or(0.0) + a);
            }
        }
        schools.with_column(Series::new(column.as_str().into(), values).cast(&dtype)?.into_column())?;
    }
    Ok(())
}

/// One planned addition, accumulated over the rounds.
#[derive(Default)]
struct Addition {
    school_name: String,
    add: f64,
    cost: f64,
    for_school: bool,
    for_cv: bool,
    /// What the whole school holds of a whole-school resource (its sports ground, for the land check).
    held: Option<f64>,
}

/// The first resource (in quality indicator order) that belongs to the whole school, not to a level: teaching
/// space, sports ground, equipment and multimedia rooms (a level's teachers come before).
const WHOLE_SCHOOL: usize = 3;

/// A whole-school addition of one round, asked for by one level or both.
#[derive(Default)]
struct WholeAddition {
    name: String,
    add: f64,
    levels: std::collections::BTreeSet<String>,
    for_school: bool,
    for_cv: bool,
    held: Option<f64>,
}

/// Plans every county of the selection (one year; every county of the year when none is named) for `levels`
/// (both when empty), within `budget` per county when given. The engine's verdicts of all the counties are
/// computed together once per round.
pub fn plan(inputs: &Inputs, costs: &Costs, levels: &[Level], budget: Option<f64>) -> Result<Planned> {
    plan_in(inputs, costs, levels, budget, Lang::Zh)
}

/// [`plan`], its notes (schools no addition can make pass, land that limits sports grounds) worded in `lang`.
pub fn plan_in(inputs: &Inputs, costs: &Costs, levels: &[Level], budget: Option<f64>, lang: Lang) -> Result<Planned> {
    let year = match inputs.selection.years.as_slice() {
        [y] => *y,
        _ => return Err(Error::usage("a plan is of one year (--year Y)")),
    };
    let cfg = &inputs.rules.balance;
    let schools = inputs.schools()?;
    if schools.height() == 0 {
        return Err(Error::usage(format!("{} {year}: no schools in the warehouse to plan for", inputs.selection.counties.join(", "))));
    }
    let levels: Vec<Level> = if levels.is_empty() { Level::ALL.to_vec() } else { levels.to_vec() };
    // Whole provinces at a time, up to PART_SCHOOLS schools: memory holds one part's units and verdicts (a
    // national year at once: 1.8 GB).
    let provinces = schools
        .clone()
        .lazy()
        .with_column(col("county_code").str().slice(lit(0), lit(2)).alias("_province"))
        .collect()?
        .partition_by_stable(["_province"], false)?;
    let mut parts: Vec<DataFrame> = Vec::new();
    for p in provinces {
        match parts.last_mut() {
            Some(last) if last.height() + p.height() <= PART_SCHOOLS => {
                last.vstack_mut(&p)?;
            }
            _ => parts.push(p),
        }
    }
    let (mut rows, mut summaries) = (Vec::new(), Vec::new());
    for part in parts {
        let (r, s) = plan_part(part, year, cfg, costs, (&levels, budget), lang)?;
        rows.push(r);
        summaries.push(s);
    }
    let mut scope = inputs.selection.scope();
    if levels.len() == 1 {
        scope = scope.text("level", &[levels[0].id().to_string()]);
    }
    // Further items of 优质均衡 that money for the 7 indicators does not settle, per county, where data exists:
    // music and art rooms (one each per 12 classes), class sizes, school sizes (the school checks of `balance`).
    let checks = super::balance::school_checks(schools, inputs.rules, inputs.areas()?)?;
    let short = |have: &str| (col("rooms_required").ceil() - col(have).cast(DataType::Float64)).clip_min(lit(0.0)).fill_null(lit(0.0));
    let further = checks
        .lazy()
        .group_by([col("county_code")])
        .agg([
            (short("music_rooms") + short("art_rooms")).sum().alias("music_art_rooms_short"),
            col("class_size_ok").eq(lit(false)).sum().cast(DataType::Int64).alias("schools_over_class_size"),
            col("school_size_ok").eq(lit(false)).sum().cast(DataType::Int64).alias("schools_over_size"),
        ]);
    let summary = super::compute::concat_frames(summaries)?
        .lazy()
        .join(further, [col("county_code")], [col("county_code")], JoinArgs::new(JoinType::Left))
        .collect()?;
    Ok(Planned { rows: super::compute::concat_frames(rows)?, summary, scope })
}

type Adds = BTreeMap<(String, String, String, usize), Addition>;
type Hired = BTreeMap<(String, String, String), (String, f64)>;

/// A county-level's state as the engine sees it, compared for "no worse": (met, schools passing, CVs over).
fn no_worse(after: &Split, before: &Split, key: &(String, String)) -> Result<bool> {
    let (m1, p1, o1, _) = level_state(after, key)?;
    let (m0, p0, o0, _) = level_state(before, key)?;
    Ok((m0 != Some(true) || m1 == Some(true)) && p1 >= p0 && o1 <= o0)
}

/// The planner's final pass over every county of the part ([`plan::prune`]), checked by the engine: the rows
/// lowered, the hires and `state` updated, and the verdicts after it (`None` when nothing was lowered).
#[allow(clippy::too_many_arguments)]
fn prune_plan(
    state: &mut DataFrame,
    before: &Split,
    current: &Split,
    pupils: &Pupils,
    cfg: &balance::Config,
    costs: &Costs,
    keys: &[(String, String)],
    adds: &mut Adds,
    hired: &mut Hired,
    taken_back: &mut HashMap<(String, String), f64>,
) -> Result<Option<Split>> {
    let counties: std::collections::BTreeSet<&String> = keys.iter().map(|k| &k.0).collect();
    // Per county: the rows lowered (key, old add, old cost) and the state's changes ((school, column) → units).
    let mut changed: BTreeMap<String, (Vec<((String, String, String, usize), f64, f64)>, HashMap<(String, String), f64>)> = BTreeMap::new();
    for county in counties {
        let mine: Vec<&(String, String)> = keys.iter().filter(|k| &k.0 == county).collect();
        // The county's levels after the plan (and before it, for a backbone teacher's price).
        let mut after_units = Vec::new();
        let mut before_units = Vec::new();
        let mut level_targets = Vec::new();
        for key in &mine {
            let level = if key.1 == "primary" { Level::Primary } else { Level::Junior };
            let units = |s: &Split| -> Result<Vec<(Unit, String)>> { s.units.get(*key).map_or(Ok(Vec::new()), |f| units_of(f, pupils, level, cfg)) };
            after_units.push(units(current)?.into_iter().map(|u| u.0).collect::<Vec<_>>());
            before_units.push(units(before)?.into_iter().map(|u| u.0).collect::<Vec<_>>());
            level_targets.push(targets(cfg, level));
        }
        let find = |l: usize, school: &str| after_units[l].iter().position(|u| u.school_id == school);
        let mut rows = Vec::new();
        let mut row_keys = Vec::new();
        for (key, a) in adds.iter().filter(|(k, _)| &k.0 == county) {
            let reach: Vec<(usize, usize)> = key.1.split(',').filter_map(|lv| mine.iter().position(|m| m.1 == lv)).filter_map(|l| find(l, &key.2).map(|i| (l, i))).collect();
            // A row reaching no unit of the planned levels is kept as it is.
            if reach.is_empty() || a.add <= 0.0 {
                continue;
            }
            rows.push(plan::Row { k: key.3, add: a.add, reach });
            row_keys.push(key.clone());
        }
        if rows.is_empty() {
            continue;
        }
        let whole = Unit { school_id: String::new(), students: 0.0, resource: [None; K], share: [1.0; K], designable: 0.0 };
        // A row's price: a backbone teacher's depends on the school's teachers who could be designated (before the plan).
        let price = |r: usize, x: f64| {
            let (l, _) = rows[r].reach[0];
            let unit = if rows[r].k >= WHOLE_SCHOOL { &whole } else { before_units[l].iter().find(|u| u.school_id == row_keys[r].2).unwrap_or(&whole) };
            costs.price(rows[r].k, x, unit)
        };
        let levels: Vec<(&[Unit], &Targets)> = after_units.iter().map(|u| u.as_slice()).zip(level_targets.iter()).collect();
        let kept = plan::prune(&levels, &rows, &price);
        let mut lowered = Vec::new();
        let mut delta: HashMap<(String, String), f64> = HashMap::new();
        // Per school unit of a level: the teacher rows' (old, new) units, for the hires.
        let mut teacher_rows: HashMap<(String, String), [(f64, f64); 3]> = HashMap::new();
        for (r, key) in row_keys.iter().enumerate() {
            if kept[r] >= rows[r].add {
                continue;
            }
            let a = adds.get_mut(key).expect("a row of the plan");
            lowered.push((key.clone(), a.add, a.cost));
            let column = RESOURCES[key.3].0.replace("{level}", &key.1);
            *delta.entry((key.2.clone(), column)).or_default() += kept[r] - a.add;
            if key.3 < WHOLE_SCHOOL {
                teacher_rows.entry((key.1.clone(), key.2.clone())).or_default()[key.3] = (a.add, kept[r]);
            }
            a.cost = price(r, kept[r]);
            a.add = kept[r];
        }
        // The hires fall with the teacher rows: degree-holding and PE/art teachers one for one, backbone teachers
        // beyond those who could be designated.
        for ((level, school), t) in &teacher_rows {
            let l = mine.iter().position(|m| &m.1 == level).expect("a planned level");
            let designable = before_units[l].iter().find(|u| &u.school_id == school).map_or(0.0, |u| u.designable);
            let hires = |x: [f64; 3]| x[0] + x[2] + (x[1] - designable).max(0.0);
            let (mut old, mut new) = ([0.0; 3], [0.0; 3]);
            for k in 0..3 {
                let unchanged = adds.get(&(county.clone(), level.clone(), school.clone(), k)).map_or(0.0, |a| a.add);
                (old[k], new[k]) = if t[k] != (0.0, 0.0) { t[k] } else { (unchanged, unchanged) };
            }
            let fewer = hires(old) - hires(new);
            if fewer > 0.0
                && let Some(h) = hired.get_mut(&(county.clone(), level.clone(), school.clone()))
            {
                let fewer = fewer.min(h.1);
                h.1 -= fewer;
                *delta.entry((school.clone(), format!("{level}_teachers"))).or_default() -= fewer;
            }
        }
        if !lowered.is_empty() {
            changed.insert(county.clone(), (lowered, delta));
        }
    }
    if changed.is_empty() {
        return Ok(None);
    }
    let all: HashMap<(String, String), f64> = changed.values().flat_map(|c| c.1.iter().map(|(k, v)| (k.clone(), *v))).collect();
    apply(state, &all)?;
    let mut pruned = split(&verdicts(state, cfg)?)?;
    // The engine's check: a county any of whose levels would be worse keeps its plan as it was.
    let mut back: HashMap<(String, String), f64> = HashMap::new();
    for (county, (lowered, delta)) in &changed {
        let mut worse = false;
        for key in keys.iter().filter(|k| &k.0 == county) {
            worse |= !no_worse(&pruned, current, key)?;
        }
        if !worse {
            continue;
        }
        for (key, add, cost) in lowered {
            let a = adds.get_mut(key).expect("a row of the plan");
            (a.add, a.cost) = (*add, *cost);
        }
        for ((school, column), d) in delta {
            *back.entry((school.clone(), column.clone())).or_default() -= d;
            if let Some(level) = column.strip_suffix("_teachers").filter(|l| !l.contains('_'))
                && let Some(h) = hired.get_mut(&(county.clone(), level.to_string(), school.clone()))
            {
                h.1 -= d;
            }
        }
    }
    if !back.is_empty() {
        apply(state, &back)?;
        pruned = split(&verdicts(state, cfg)?)?;
    }
    // What the pass saved, per county-level (a row serving both levels half to each, as its cost).
    for (lowered, _) in changed.values() {
        for (key, _, old_cost) in lowered {
            let now = adds.get(key).map_or(0.0, |a| a.cost);
            let levels: Vec<&str> = key.1.split(',').collect();
            for l in &levels {
                *taken_back.entry((key.0.clone(), l.to_string())).or_default() += (old_cost - now) / levels.len() as f64;
            }
        }
    }
    adds.retain(|_, a| a.add > 0.0);
    hired.retain(|_, h| h.1 > 0.0);
    Ok(Some(pruned))
}

/// [`plan`] over the schools of one part (whole counties): the additions and the summary.
fn plan_part(mut state: DataFrame, year: i32, cfg: &balance::Config, costs: &Costs, (levels, budget): (&[Level], Option<f64>), lang: Lang) -> Result<(DataFrame, DataFrame)> {
    let price = |k: usize, a: f64, u: &Unit| costs.price(k, a, u);
    let pupils = pupils(&state)?;
    let before = split(&verdicts(&state, cfg)?)?;
    let mut keys: Vec<(String, String)> = before.units.keys().filter(|(_, l)| levels.iter().any(|x| x.id() == l)).cloned().collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0).then((a.1 != "primary").cmp(&(b.1 != "primary"))));
    let mut adds: BTreeMap<(String, String, String, usize), Addition> = BTreeMap::new();
    // The teachers hired per school unit (county, level, school): the level's teachers grow by them.
    let mut hired: BTreeMap<(String, String, String), (String, f64)> = BTreeMap::new();
    let mut notes: HashMap<(String, String), Vec<String>> = HashMap::new();
    // What the final passes took back per county-level (within each level's plan, then over the county's levels).
    let mut taken_back: HashMap<(String, String), f64> = HashMap::new();
    let mut left: HashMap<String, Option<f64>> = HashMap::new();
    let mut after: Option<Split> = None;
    for _round in 0..ROUNDS {
        let current = after.as_ref().unwrap_or(&before);
        let mut round: HashMap<(String, String), f64> = HashMap::new();
        let mut whole: HashMap<(String, String, usize), WholeAddition> = HashMap::new();
        for key in &keys {
            if level_state(current, key)?.0 != Some(false) {
                continue;
            }
            let level = if key.1 == "primary" { Level::Primary } else { Level::Junior };
            let Some(frame) = current.units.get(key) else { continue };
            let units = units_of(frame, &pupils, level, cfg)?;
            let just: Vec<Unit> = units.iter().map(|u| u.0.clone()).collect();
            let budget_left = left.entry(key.0.clone()).or_insert(budget);
            let p = plan::solve(&just, &targets(cfg, level), &price, *budget_left);
            *taken_back.entry(key.clone()).or_default() += p.taken_back;
            *budget_left = budget_left.map(|l| l - p.cost(&just, &price));
            for &i in &p.unplannable {
                let (name, id) = (&units[i].1, &units[i].0.school_id);
                notes.entry(key.clone()).or_default().push(match lang {
                    Lang::Zh => format!("{name}（{id}）：7 项指标有未填报的数值，增加资源无法使其达标"),
                    Lang::En => format!("{name} ({id}): some of the 7 indicators are not reported, so no addition makes the school pass"),
                });
            }
            for (i, (unit, name)) in units.iter().enumerate() {
                // A hired degree-holding, PE/art or backbone teacher (beyond those designated among the school's
                // own teachers) is a teacher of the level too: the level's teachers grow with the hires, or the
                // plan would leave more degree-holding teachers than teachers.
                let hires = p.adds[i][0].max(0.0) + p.adds[i][2].max(0.0) + (p.adds[i][1] - unit.designable.max(0.0)).max(0.0);
                if hires > 0.0 {
                    let teachers = format!("{}_teachers", level.id());
                    *round.entry((unit.school_id.clone(), teachers)).or_default() += hires;
                    let h = hired.entry((key.0.clone(), key.1.clone(), unit.school_id.clone())).or_insert_with(|| (name.clone(), 0.0));
                    h.1 += hires;
                }
                for k in 0..K {
                    let a = p.adds[i][k];
                    if a <= 0.0 {
                        continue;
                    }
                    if k >= WHOLE_SCHOOL {
                        // A whole-school resource: each level's plan sizes the school's addition so that its own
                        // share is what it needs; one addition serves both levels of a combined school, so the
                        // round adds the larger of the two, once.
                        let w = whole.entry((key.0.clone(), unit.school_id.clone(), k)).or_insert_with(|| WholeAddition { name: name.clone(), ..Default::default() });
                        if a > w.add {
                            w.add = a;
                        }
                        w.levels.insert(key.1.clone());
                        w.for_school |= p.for_school[i][k];
                        w.for_cv |= p.for_cv[i][k];
                        if unit.share[k] > 0.0 {
                            w.held = unit.resource[k].map(|r| r / unit.share[k]);
                        }
                        continue;
                    }
                    let column = RESOURCES[k].0.replace("{level}", level.id());
                    *round.entry((unit.school_id.clone(), column)).or_default() += a;
                    let e = adds.entry((key.0.clone(), key.1.clone(), unit.school_id.clone(), k)).or_default();
                    e.school_name = name.clone();
                    // The cost of the whole addition so far (a backbone teacher's price depends on how many).
                    e.cost += costs.price(k, e.add + a, unit) - costs.price(k, e.add, unit);
                    e.add += a;
                    e.for_school |= p.for_school[i][k];
                    e.for_cv |= p.for_cv[i][k];
                }
            }
        }
        // The round's whole-school additions, each once per school and column (the larger level's need).
        for ((county, school, k), w) in whole.drain() {
            let column = RESOURCES[k].0.to_string();
            *round.entry((school.clone(), column)).or_default() += w.add;
            let levels: Vec<&str> = ["primary", "junior"].into_iter().filter(|l| w.levels.contains(*l)).collect();
            let e = adds.entry((county, levels.join(","), school, k)).or_default();
            e.school_name = w.name;
            e.cost += costs.price(k, w.add, &Unit { school_id: String::new(), students: 0.0, resource: [None; K], share: [1.0; K], designable: 0.0 });
            e.add += w.add;
            e.for_school |= w.for_school;
            e.for_cv |= w.for_cv;
            if w.held.is_some() {
                e.held = w.held;
            }
        }
        if round.is_empty() {
            break;
        }
        apply(&mut state, &round)?;
        after = Some(split(&verdicts(&state, cfg)?)?);
    }
    let current = after.as_ref().unwrap_or(&before);
    // A whole-school addition over the rounds, for one level or both, is one row per school and column; the land
    // it needs is checked against the school's whole ground.
    let mut merged: BTreeMap<(String, String, String, usize), Addition> = BTreeMap::new();
    for ((county, level, school, k), a) in std::mem::take(&mut adds) {
        if k < WHOLE_SCHOOL {
            merged.insert((county, level, school, k), a);
            continue;
        }
        let same = merged.keys().find(|(c, _, s, kk)| *c == county && *s == school && *kk == k).cloned();
        match same {
            Some(old) => {
                let mut e = merged.remove(&old).expect("found");
                let mut levels: Vec<&str> = old.1.split(',').chain(level.split(',')).collect();
                levels.sort_by_key(|l| *l != "primary");
                levels.dedup();
                e.add += a.add;
                e.cost += a.cost;
                e.for_school |= a.for_school;
                e.for_cv |= a.for_cv;
                e.held = e.held.or(a.held);
                merged.insert((county, levels.join(","), school, k), e);
            }
            None => {
                merged.insert((county, level, school, k), a);
            }
        }
    }
    let mut adds = merged;
    // The final pass: each row lowered, or dropped, where the rest of the plan makes it unnecessary (plan::prune, in
    // the planner's model), then the whole plan re-checked by the engine; a county whose verdicts the engine would
    // see worse keeps its plan as it was.
    if let Some(pruned) = prune_plan(&mut state, &before, current, &pupils, cfg, costs, &keys, &mut adds, &mut hired, &mut taken_back)? {
        after = Some(pruned);
    }
    let current = after.as_ref().unwrap_or(&before);
    for ((county, level, school, k), a) in &adds {
        if *k == 4
            && let Some(ground) = a.held
            && a.add > costs.grounds.land_flag_ratio * ground
        {
            for l in level.split(',') {
                notes.entry((county.clone(), l.to_string())).or_default().push(match lang {
                    Lang::Zh => format!(
                        "{}（{school}）：需新增体育运动场地 {} ㎡，超过全校现有面积的 {} 倍，制约因素是用地而非资金",
                        a.school_name, a.add, costs.grounds.land_flag_ratio
                    ),
                    Lang::En => format!(
                        "{} ({school}): {} m² more sports grounds, over {} times the school's grounds today: land, not money, is what limits it",
                        a.school_name, a.add, costs.grounds.land_flag_ratio
                    ),
                });
            }
        }
    }

    // The rows, in the canonical columns' terms.
    let (mut c_county, mut c_level, mut c_id, mut c_name, mut c_res, mut c_add, mut c_unit, mut c_cost, mut c_ind, mut c_for) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for ((county, level, id, k), a) in &adds {
        c_county.push(county.clone());
        c_level.push(level.clone());
        c_id.push(id.clone());
        c_name.push(a.school_name.clone());
        c_res.push(RESOURCES[*k].0.replace("{level}", level));
        c_add.push(a.add);
        c_unit.push(RESOURCES[*k].1.to_string());
        c_cost.push(a.cost);
        c_ind.push(QUALITY_INDICATORS[*k].to_string());
        c_for.push(
            match (a.for_school, a.for_cv) {
                (true, true) => "school rule, CV",
                (true, false) => "school rule",
                _ => "CV",
            }
            .to_string(),
        );
    }
    // The hires counted in the level's teachers: no cost of their own (it is in the rows above).
    for ((county, level, id), (name, add)) in &hired {
        c_county.push(county.clone());
        c_level.push(level.clone());
        c_id.push(id.clone());
        c_name.push(name.clone());
        c_res.push(format!("{level}_teachers"));
        c_add.push(*add);
        c_unit.push("人".to_string());
        c_cost.push(0.0);
        c_ind.push(String::new());
        c_for.push("hired teachers counted in the level's teachers".to_string());
    }
    let n = c_county.len();
    let rows = DataFrame::new_infer_height(vec![
        Column::new("year".into(), vec![year; n]),
        Column::new("county_code".into(), c_county),
        Column::new("level".into(), c_level),
        Column::new("school_id".into(), c_id),
        Column::new("school_name".into(), c_name),
        Column::new("resource".into(), c_res),
        Column::new("add".into(), c_add),
        Column::new("unit".into(), c_unit),
        Column::new("cost".into(), c_cost),
        Column::new("indicator".into(), c_ind),
        Column::new("purpose".into(), c_for),
    ])?;

    // The summary: one row per county and level.
    let word = |m: Option<bool>| match m {
        Some(true) => "达到",
        Some(false) => "未达到",
        None => "待填报",
    };
    let cats = ["teachers", "building", "grounds", "equipment", "rooms"];
    let (mut counties, mut lvls, mut ints, mut floats, mut texts) = (vec![], vec![], vec![vec![]; 5], vec![vec![]; 2], vec![vec![]; 3]);
    let mut costs_by: Vec<Vec<f64>> = vec![vec![]; 1 + cats.len()];
    let mut cv_texts: Vec<Vec<String>> = vec![vec![]; 2];
    // Each county-level's cost, in all and by category, in one pass over the additions.
    let mut spent: HashMap<(&str, &str), [f64; 6]> = HashMap::new();
    // A whole-school addition that serves both levels of a combined school counts half to each.
    for ((c, l, _, k), a) in &adds {
        let levels: Vec<&str> = l.split(',').collect();
        for level in &levels {
            let e = spent.entry((c.as_str(), level)).or_default();
            let part = a.cost / levels.len() as f64;
            e[0] += part;
            e[1 + cats.iter().position(|x| *x == RESOURCES[*k].2).unwrap_or(0)] += part;
        }
    }
    for key in &keys {
        let (met0, pass0, over0, max0) = level_state(&before, key)?;
        let (met1, pass1, over1, max1) = level_state(current, key)?;
        let schools = before.schools.get(key).map_or(0, |d| d.height());
        counties.push(key.0.clone());
        lvls.push(key.1.clone());
        for (j, v) in [schools, pass0, pass1, over0, over1].into_iter().enumerate() {
            ints[j].push(v as i64);
        }
        floats[0].push(max0);
        floats[1].push(max1);
        let mine = spent.get(&(key.0.as_str(), key.1.as_str())).copied().unwrap_or_default();
        for (j, v) in mine.into_iter().enumerate() {
            costs_by[j].push(v);
        }
        cv_texts[0].push(cv_list(&before, key)?);
        cv_texts[1].push(cv_list(current, key)?);
        texts[0].push(word(met0).to_string());
        texts[1].push(word(met1).to_string());
        // A round that plans a school again says its note again: each note once, in the order first said.
        let said: Vec<&String> = notes.get(key).map(|n| n.iter().enumerate().filter(|(i, x)| !n[..*i].contains(x)).map(|(_, x)| x).collect()).unwrap_or_default();
        texts[2].push(said.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(lang.t("；", "; ")));
    }
    let m = keys.len();
    let mut columns = vec![Column::new("year".into(), vec![year; m]), Column::new("county_code".into(), counties), Column::new("level".into(), lvls)];
    for (j, name) in ["schools", "schools_passing_before", "schools_passing_after", "cvs_over_before", "cvs_over_after"].iter().enumerate() {
        columns.push(Column::new((*name).into(), std::mem::take(&mut ints[j])));
    }
    for (j, name) in ["max_cv_before", "max_cv_after"].iter().enumerate() {
        columns.push(Column::new((*name).into(), std::mem::take(&mut floats[j])));
    }
    for (j, name) in ["cost", "cost_teachers", "cost_building", "cost_grounds", "cost_equipment", "cost_rooms"].iter().enumerate() {
        columns.push(Column::new((*name).into(), std::mem::take(&mut costs_by[j])));
    }
    // What the final pass took back: the plan cost this much more before it.
    let back: Vec<f64> = keys.iter().map(|k| taken_back.get(k).copied().unwrap_or(0.0)).collect();
    columns.push(Column::new("cost_taken_back".into(), back));
    for (j, name) in ["cvs_before", "cvs_after"].iter().enumerate() {
        columns.push(Column::new((*name).into(), std::mem::take(&mut cv_texts[j])));
    }
    for (j, name) in ["verdict_before", "verdict_after", "note"].iter().enumerate() {
        columns.push(Column::new((*name).into(), std::mem::take(&mut texts[j])));
    }
    Ok((rows, DataFrame::new_infer_height(columns)?))
}
