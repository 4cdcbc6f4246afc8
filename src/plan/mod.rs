//! The investment planner (优质均衡): the cheapest whole additions of teachers, floor space, sports ground,
//! equipment and multimedia rooms, school by school, that make every school of a county's level pass the school
//! rule (≥ 6 of the 7 standards met, the other ≥ 85%) and bring each of the 7 inter-school CVs within its limit.
//!
//! Pure: level units in, additions out. The method, in three steps per county and level:
//! 1. **School rule, exact per school**: for each school, every choice of the indicators allowed to stay below
//!    (one of 7 at ≥ 85%, or none) is priced (the whole units each indicator needs, at its unit cost) and the
//!    cheapest is taken. The schools do not interact here, so the step is optimal.
//! 2. **CVs**: for each indicator whose CV is still over its limit. Adding to a school changes `CV = sd / mean` by
//!    `per/(P·mean)·((x − mean)/sd − sd/mean)` per unit of resource, whatever the school's size: in continuous
//!    terms the school furthest below the mean is always the best buy, so for floor space and equipment (㎡, 元)
//!    the schools below a floor `f` are raised to `f`, `f` the lowest floor that brings the CV within the limit
//!    (bisection; water-filling is optimal for the continuous problem with linear costs, by its KKT
//!    conditions). Teachers and rooms come in coarse whole units, where a small school's one room moves its value
//!    far: they are added one at a time where the CV falls most per 元, and what the limit does not need is taken
//!    back at the end.
//! 3. **Final pass** ([`prune`]): every addition, dearest first, lowered to the fewest whole units (or dropped)
//!    that keep every school passing and every CV within its limit with the rest of the plan: a school raised
//!    for a CV may no longer need what step 1 bought it. `countyedu plan` runs the pass again over a county's
//!    levels together (a combined school's whole-school addition reaches both) and has the engine re-check it.
//!
//! The gap to the true optimum: ㎡ and 元 are rounded up (under one unit per school, resource and step); the
//! one-at-a-time choice for teachers and rooms is greedy; and step 2 starts from step 1's choice, which a joint
//! optimum could make differently (the final pass takes back what is unnecessary, but does not swap one
//! addition for another). Tests compare with exhaustive search on small counties.

pub mod costs;

pub use costs::Costs;

/// The 7 quality indicators, in [`crate::balance::QUALITY_INDICATORS`] order.
pub const K: usize = 7;

/// One school unit of a county's level, as the planner sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub school_id: String,
    pub students: f64,
    /// The level's resource of each indicator (its numerator: teachers, ㎡, 元, rooms), `None` when not reported.
    pub resource: [Option<f64>; K],
    /// The part of one whole-school unit added that reaches the level (1 for teachers; the level's share of a
    /// combined school's split resources).
    pub share: [f64; K],
    /// Teachers of the level who are not backbone teachers (who may be designated).
    pub designable: f64,
}

/// What every school and the county must reach at this level.
#[derive(Clone, Debug)]
pub struct Targets {
    pub standard: [f64; K],
    /// 1 or 100 (per student, per 100 students).
    pub per: [f64; K],
    pub min_met: usize,
    pub min_ratio: f64,
    pub cv_max: f64,
}

/// The cost of `add` whole units of resource `k` at a unit (`designable` matters for backbone teachers).
pub type Price<'c> = &'c dyn Fn(usize, f64, &Unit) -> f64;

/// The additions of a plan, per unit and resource (whole units of the whole-school column), and what needed them.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub adds: Vec<[f64; K]>,
    /// Per unit and resource: needed by the school rule (step 1), by a CV (step 2).
    pub for_school: Vec<[bool; K]>,
    pub for_cv: Vec<[bool; K]>,
    /// Units that no addition can make pass (a value not reported).
    pub unplannable: Vec<usize>,
    /// What the final pass took back (元): the plan cost this much more before it.
    pub taken_back: f64,
}

impl Plan {
    pub fn cost(&self, units: &[Unit], price: Price) -> f64 {
        self.adds.iter().zip(units).map(|(a, u)| (0..K).map(|k| price(k, a[k], u)).sum::<f64>()).sum()
    }
}

/// A unit's value of indicator `k` after adding `add` whole units.
pub fn value(u: &Unit, k: usize, per: f64, add: f64) -> Option<f64> {
    u.resource[k].map(|r| per * (r + u.share[k] * add) / u.students)
}

/// A count within this of a whole number is that number (what floating-point division leaves over).
const MARGIN: f64 = 1e-7;

/// The whole units (beyond `already`) that bring unit `u`'s indicator `k` to at least `target`; `None` when the
/// value is not reported.
pub fn need(u: &Unit, k: usize, per: f64, target: f64, already: f64) -> Option<f64> {
    let r = u.resource[k]?;
    let missing = target * u.students / per - r - u.share[k] * already;
    if missing <= 0.0 {
        return Some(0.0);
    }
    let mut a = (missing / u.share[k] - MARGIN).ceil().max(0.0);
    while value(u, k, per, already + a).is_some_and(|x| x < target) {
        a += 1.0;
    }
    Some(a)
}

/// The weighted CV of values `x` with weights `w` (units without a value left out), as the domain reference
/// defines it; `None` when the mean is not positive.
pub fn cv(x: &[Option<f64>], w: &[f64]) -> Option<f64> {
    let (mut sw, mut swx) = (0.0, 0.0);
    for (x, w) in x.iter().zip(w) {
        if let Some(x) = x {
            sw += w;
            swx += w * x;
        }
    }
    if sw <= 0.0 || swx <= 0.0 {
        return None;
    }
    let mean = swx / sw;
    let var = x.iter().zip(w).filter_map(|(x, w)| x.map(|x| w * (x - mean) * (x - mean))).sum::<f64>() / sw;
    Some(var.sqrt() / mean)
}

/// Step 1 for one unit: the cheapest additions that make it pass the school rule (`None`: a value is missing).
fn school_rule(u: &Unit, t: &Targets, price: Price) -> Option<[f64; K]> {
    let allowed = K - t.min_met;
    let mut best: Option<(f64, [f64; K])> = None;
    for mask in 0u32..(1 << K) {
        if mask.count_ones() as usize > allowed {
            continue;
        }
        let mut adds = [0.0; K];
        let mut cost = 0.0;
        for k in 0..K {
            let target = if mask & (1 << k) != 0 { t.standard[k] * t.min_ratio } else { t.standard[k] };
            adds[k] = need(u, k, t.per[k], target, 0.0)?;
            cost += price(k, adds[k], u);
        }
        if best.as_ref().is_none_or(|b| cost < b.0 - 1e-9) {
            best = Some((cost, adds));
        }
    }
    best.map(|b| b.1)
}

/// The values of indicator `k` over the units after `adds`.
fn values(units: &[Unit], adds: &[[f64; K]], k: usize, per: f64) -> Vec<Option<f64>> {
    units.iter().zip(adds).map(|(u, a)| value(u, k, per, a[k])).collect()
}

/// Step 2 for indicator `k`: the lowest floor whose water-filling brings the CV within the limit, and the
/// additions it takes (beyond `adds`); `budget` caps the cost (then the floor is the highest affordable).
fn fill(units: &[Unit], adds: &[[f64; K]], k: usize, t: &Targets, price: Price, budget: Option<f64>) -> Option<Vec<f64>> {
    let w: Vec<f64> = units.iter().map(|u| u.students).collect();
    let x = values(units, adds, k, t.per[k]);
    let limit = t.cv_max * (1.0 - 1e-7);
    if cv(&x, &w).is_none_or(|c| c <= limit) {
        return None;
    }
    let extra = |f: f64| -> Vec<f64> {
        units.iter().zip(adds).map(|(u, a)| if u.resource[k].is_some() { need(u, k, t.per[k], f, a[k]).unwrap_or(0.0) } else { 0.0 }).collect()
    };
    let after = |e: &[f64]| -> Vec<Option<f64>> { units.iter().zip(adds).zip(e).map(|((u, a), e)| value(u, k, t.per[k], a[k] + e)).collect() };
    let cost = |e: &[f64]| units.iter().zip(adds).zip(e).map(|((u, a), e)| price(k, a[k] + e, u) - price(k, a[k], u)).sum::<f64>();
    let ok = |f: f64| {
        let e = extra(f);
        let within = cv(&after(&e), &w).is_some_and(|c| c <= limit);
        let affordable = budget.is_none_or(|b| cost(&e) <= b);
        (within, affordable, e)
    };
    let (mut lo, mut hi) = (x.iter().flatten().copied().fold(f64::INFINITY, f64::min), x.iter().flatten().copied().fold(0.0, f64::max));
    if !lo.is_finite() {
        return None;
    }
    let (within, affordable, e) = ok(hi);
    if within && affordable {
        // Bisect the lowest floor within the limit (the CV falls as the floor rises).
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if ok(mid).0 { hi = mid } else { lo = mid }
        }
        return Some(extra(hi));
    }
    if !within {
        // Every school raised to the highest value and the CV is still over (rounding to whole units): no floor helps.
        return Some(e).filter(|_| affordable);
    }
    // The budget binds: the highest affordable floor.
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if ok(mid).1 { lo = mid } else { hi = mid }
    }
    Some(extra(lo))
}

/// Whether resource `k` comes in coarse whole units (teachers, rooms), planned one unit at a time; floor space
/// and equipment come in ㎡ and 元, fine enough to plan as continuous and round up.
pub fn coarse(k: usize) -> bool {
    matches!(k, 0 | 1 | 2 | 6)
}

/// Step 2 for a coarse resource: one whole unit at a time where it lowers the CV most per 元, until the CV is
/// within the limit (or the budget is spent); then every unit that is not needed is taken back.
fn fill_whole(units: &[Unit], adds: &[[f64; K]], k: usize, t: &Targets, price: Price, budget: Option<f64>) -> Option<Vec<f64>> {
    let w: Vec<f64> = units.iter().map(|u| u.students).collect();
    let limit = t.cv_max * (1.0 - 1e-7);
    let mut e = vec![0.0; units.len()];
    let cv_with = |e: &[f64]| cv(&units.iter().zip(adds).zip(e).map(|((u, a), e)| value(u, k, t.per[k], a[k] + e)).collect::<Vec<_>>(), &w);
    let step_cost = |i: usize, e: &[f64]| price(k, adds[i][k] + e[i] + 1.0, &units[i]) - price(k, adds[i][k] + e[i], &units[i]);
    let mut now = cv_with(&e)?;
    if now <= limit {
        return None;
    }
    let mut spent = 0.0;
    for _ in 0..100_000 {
        if now <= limit {
            break;
        }
        let mut best: Option<(f64, usize, f64)> = None;
        for i in 0..units.len() {
            if units[i].resource[k].is_none() || units[i].students <= 0.0 {
                continue;
            }
            e[i] += 1.0;
            let after = cv_with(&e).unwrap_or(now);
            e[i] -= 1.0;
            let c = step_cost(i, &e).max(1e-9);
            let gain = (now - after) / c;
            if best.is_none_or(|b| gain > b.0) {
                best = Some((gain, i, after));
            }
        }
        let Some((gain, mut i, mut after)) = best else { break };
        if gain <= 0.0 {
            // No single unit lowers the CV: raise the lowest value (it catches up over several steps).
            let x: Vec<f64> = units.iter().zip(adds).zip(&e).map(|((u, a), e)| value(u, k, t.per[k], a[k] + e).unwrap_or(f64::INFINITY)).collect();
            i = (0..units.len()).min_by(|a, b| x[*a].total_cmp(&x[*b])).unwrap_or(0);
            e[i] += 1.0;
            after = cv_with(&e).unwrap_or(now);
            e[i] -= 1.0;
        }
        let c = step_cost(i, &e);
        if budget.is_some_and(|b| spent + c > b + 1e-6) {
            break;
        }
        spent += c;
        e[i] += 1.0;
        now = after;
    }
    // Take back what the limit does not need, dearest first.
    if now <= limit {
        let mut order: Vec<usize> = (0..units.len()).filter(|&i| e[i] > 0.0).collect();
        order.sort_by(|a, b| step_cost(*b, &e).total_cmp(&step_cost(*a, &e)));
        for i in order {
            while e[i] > 0.0 {
                e[i] -= 1.0;
                if cv_with(&e).is_some_and(|c| c <= limit) {
                    continue;
                }
                e[i] += 1.0;
                break;
            }
        }
    }
    Some(e)
}

/// The plan for one county's level: step 1 for every unit, then step 2 for every CV over its limit (an addition
/// for one indicator never moves another, so one pass each). With `budget`, the schools cheapest to
/// bring to the rule come first (the most schools passing within the money), then the CVs furthest over their
/// limits get what is left.
pub fn solve(units: &[Unit], t: &Targets, price: Price, budget: Option<f64>) -> Plan {
    let n = units.len();
    let mut plan = Plan { adds: vec![[0.0; K]; n], for_school: vec![[false; K]; n], for_cv: vec![[false; K]; n], unplannable: Vec::new(), taken_back: 0.0 };
    let mut school: Vec<(usize, [f64; K], f64)> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        match school_rule(u, t, price) {
            Some(a) => school.push((i, a, (0..K).map(|k| price(k, a[k], u)).sum())),
            None => plan.unplannable.push(i),
        }
    }
    let mut left = budget;
    school.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
    for (i, a, c) in school {
        if left.is_some_and(|l| c > l + 1e-6) {
            continue;
        }
        left = left.map(|l| l - c);
        for k in 0..K {
            if a[k] > 0.0 {
                plan.adds[i][k] = a[k];
                plan.for_school[i][k] = true;
            }
        }
    }
    let w: Vec<f64> = units.iter().map(|u| u.students).collect();
    let mut order: Vec<usize> = (0..K).collect();
    order.sort_by(|a, b| {
        let over = |k: usize| cv(&values(units, &plan.adds, k, t.per[k]), &w).unwrap_or(0.0) / t.cv_max;
        over(*b).total_cmp(&over(*a))
    });
    for k in order {
        let filled = if coarse(k) { fill_whole(units, &plan.adds, k, t, price, left) } else { fill(units, &plan.adds, k, t, price, left) };
        if let Some(e) = filled {
            let spent: f64 = (0..n).map(|i| price(k, plan.adds[i][k] + e[i], &units[i]) - price(k, plan.adds[i][k], &units[i])).sum();
            left = left.map(|l| l - spent);
            for i in 0..n {
                if e[i] > 0.0 {
                    plan.adds[i][k] += e[i];
                    plan.for_cv[i][k] = true;
                }
            }
        }
    }
    // The final pass: what the rest of the plan makes unnecessary is taken back (a school raised for a CV may no
    // longer need what step 1 bought it).
    let after: Vec<Unit> = units
        .iter()
        .zip(&plan.adds)
        .map(|(u, a)| {
            let mut u = u.clone();
            for k in 0..K {
                let share = u.share[k];
                if let Some(r) = u.resource[k].as_mut() {
                    *r += share * a[k];
                }
            }
            u
        })
        .collect();
    let rows: Vec<Row> = (0..n).flat_map(|i| (0..K).map(move |k| (i, k))).filter(|&(i, k)| plan.adds[i][k] > 0.0).map(|(i, k)| Row { k, add: plan.adds[i][k], reach: vec![(0, i)] }).collect();
    let kept = prune(&[(after.as_slice(), t)], &rows, &|r, x| price(rows[r].k, x, &units[rows[r].reach[0].1]));
    let before = plan.cost(units, price);
    for (row, x) in rows.iter().zip(kept) {
        let i = row.reach[0].1;
        plan.adds[i][row.k] = x;
        if x <= 0.0 {
            plan.for_school[i][row.k] = false;
            plan.for_cv[i][row.k] = false;
        }
    }
    plan.taken_back = before - plan.cost(units, price);
    plan
}

/// One addition of a plan as the final pass sees it: `add` whole units of resource `k`, reaching unit `.1` of
/// level `.0` for each entry of `reach` (a combined school's whole-school addition reaches both its levels).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub k: usize,
    pub add: f64,
    pub reach: Vec<(usize, usize)>,
}

/// The final pass over a county's plan: every row, dearest first, lowered to the fewest whole units (none: the row
/// is dropped) that keep what the whole plan reaches: each school that passes the school rule still passes, each
/// CV within its limit stays within it, and a CV still over its limit does not rise. `levels` are the county's
/// levels **after** the plan (the rows' additions are in their units' resources); `price(r, x)` is row `r`'s cost
/// at `x` units. Returns each row's units after the pass.
///
/// Step 1 and step 2 each choose with what the other has not yet added, and the rounds of a combined school add
/// for one level what the other then also uses, so a plan can hold additions that the rest of it makes
/// unnecessary; this pass takes them back. A row is lowered by bisection over its whole units (the conditions hold
/// at the row's full amount and are checked at the amount kept).
pub fn prune(levels: &[(&[Unit], &Targets)], rows: &[Row], price: &dyn Fn(usize, f64) -> f64) -> Vec<f64> {
    // The additions taken back so far, per level, unit and resource (whole units of the row's column, as negative).
    let mut back: Vec<Vec<[f64; K]>> = levels.iter().map(|(u, _)| vec![[0.0; K]; u.len()]).collect();
    let weights: Vec<Vec<f64>> = levels.iter().map(|(u, _)| u.iter().map(|u| u.students).collect()).collect();
    let cv_of = |back: &[Vec<[f64; K]>], l: usize, k: usize| {
        let (units, t) = levels[l];
        cv(&units.iter().zip(&back[l]).map(|(u, b)| value(u, k, t.per[k], b[k])).collect::<Vec<_>>(), &weights[l])
    };
    // What the plan reaches, which the pass keeps.
    let passed: Vec<Vec<bool>> = levels.iter().zip(&back).map(|((units, t), b)| units.iter().zip(b).map(|(u, b)| passes(u, t, b)).collect()).collect();
    let cv0: Vec<[Option<f64>; K]> = (0..levels.len()).map(|l| std::array::from_fn(|k| cv_of(&back, l, k))).collect();
    let keeps = |back: &[Vec<[f64; K]>], row: &Row| {
        row.reach.iter().all(|&(l, i)| {
            let (units, t) = levels[l];
            let school = !passed[l][i] || passes(&units[i], t, &back[l][i]);
            let limit = t.cv_max * (1.0 - 1e-7);
            let cv = match (cv0[l][row.k], cv_of(back, l, row.k)) {
                (Some(c0), Some(c)) if c0 <= limit => c <= limit,
                (Some(c0), Some(c)) => c <= c0 * (1.0 + 1e-12),
                (Some(_), None) => false,
                (None, _) => true,
            };
            school && cv
        })
    };
    let mut order: Vec<usize> = (0..rows.len()).filter(|&r| rows[r].add > 0.0).collect();
    order.sort_by(|a, b| price(*b, rows[*b].add).total_cmp(&price(*a, rows[*a].add)).then(a.cmp(b)));
    let mut kept: Vec<f64> = rows.iter().map(|r| r.add).collect();
    for r in order {
        let row = &rows[r];
        let set = |back: &mut Vec<Vec<[f64; K]>>, x: f64| {
            for &(l, i) in &row.reach {
                back[l][i][row.k] = x - row.add;
            }
        };
        // The fewest units in (lo, hi] that keep the plan's reach; `hi` always does.
        let mut hi = row.add;
        set(&mut back, 0.0);
        if keeps(&back, row) {
            hi = 0.0;
        } else {
            let mut lo = 0.0;
            while hi - lo > 1.0 {
                let mid = ((lo + hi) / 2.0).floor();
                set(&mut back, mid);
                if keeps(&back, row) { hi = mid } else { lo = mid }
            }
        }
        set(&mut back, hi);
        kept[r] = hi;
    }
    kept
}

/// Whether unit `u` passes the school rule after `adds`.
pub fn passes(u: &Unit, t: &Targets, adds: &[f64; K]) -> bool {
    let mut misses = 0;
    for k in 0..K {
        match value(u, k, t.per[k], adds[k]) {
            Some(x) if x >= t.standard[k] => {}
            Some(x) if x >= t.standard[k] * t.min_ratio => misses += 1,
            _ => return false,
        }
    }
    misses <= K - t.min_met
}

#[cfg(test)]
mod tests;
