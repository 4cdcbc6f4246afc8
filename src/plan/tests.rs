//! The planner against plans worked by hand and against exhaustive search.

use super::*;

/// National primary targets (domain reference §4.1): 4.2, 1.0, 0.9 per 100; 4.5 ㎡, 7.5 ㎡, 2000 元; 2.3 rooms per 100.
fn primary() -> Targets {
    Targets { standard: [4.2, 1.0, 0.9, 4.5, 7.5, 2000.0, 2.3], per: [100.0, 100.0, 100.0, 1.0, 1.0, 1.0, 100.0], min_met: 6, min_ratio: 0.85, cv_max: 0.5 }
}

/// A unit with every indicator comfortably met at the same value as every other unit (CV 0), but for `over`
/// (index, value per student or per 100).
fn unit(id: &str, students: f64, over: &[(usize, f64)]) -> Unit {
    let t = primary();
    let mut resource = [None; K];
    for k in 0..K {
        let x = over.iter().find(|o| o.0 == k).map_or(t.standard[k] * 1.5, |o| o.1);
        resource[k] = Some(x * students / t.per[k]);
    }
    Unit { school_id: id.into(), students, resource, share: [1.0; K], designable: 0.0 }
}

fn costs() -> Costs {
    Costs::national()
}

fn price(c: &Costs) -> impl Fn(usize, f64, &Unit) -> f64 + '_ {
    move |k, a, u| c.price(k, a, u)
}

#[test]
fn a_school_leaves_below_the_indicator_dearest_to_raise() {
    // 100 pupils at 3.0 ㎡ of teaching space (standard 4.5, 85 % = 3.825) and 1,800 元 of equipment (2,000;
    // 85 % = 1,700). Raising both to the standard: 150 ㎡ × 3,000 + 20,000 元 = 470,000 元. Leaving equipment
    // below (it is ≥ 85 %): 150 ㎡ = 450,000 元. Leaving teaching space below: it must still reach 85 %: 82.5 →
    // 83 ㎡ = 249,000 元, plus 20,000 元 of equipment = 269,000 元: the cheapest.
    let c = costs();
    let units = vec![unit("A", 100.0, &[(3, 3.0), (5, 1800.0)])];
    let plan = solve(&units, &primary(), &price(&c), None);
    assert_eq!(plan.adds[0], [0.0, 0.0, 0.0, 83.0, 0.0, 20_000.0, 0.0]);
    assert_eq!(plan.cost(&units, &price(&c)), 269_000.0);
    assert!(passes(&units[0], &primary(), &plan.adds[0]));
}

#[test]
fn raising_the_smallest_school_is_cheaper_than_raising_the_one_furthest_below_the_standard() {
    // Multimedia rooms (standard 2.3 per 100 pupils, 85 % = 1.955); every other indicator met everywhere.
    //   A: 300 pupils, 6 rooms → 2.0: below the standard by 0.9 rooms, the furthest, but ≥ 85 %: passes.
    //   B: 400 pupils, 10 rooms → 2.5.   C: 30 pupils, 0 rooms → 0: fails.   D: 150 pupils, 6 rooms → 4.0.
    // C needs 1 room (→ 3.33 per 100, 40,000 元), and then the CV of rooms is 0.265 (limit 0.5): nothing else.
    // Bringing every school below the standard to it would also give A a room: 80,000 元.
    let c = costs();
    let rooms = |id: &str, p: f64, r: f64| unit(id, p, &[(6, 100.0 * r / p)]);
    let units = vec![rooms("A", 300.0, 6.0), rooms("B", 400.0, 10.0), rooms("C", 30.0, 0.0), rooms("D", 150.0, 6.0)];
    let t = primary();
    let plan = solve(&units, &t, &price(&c), None);
    let added: Vec<f64> = plan.adds.iter().map(|a| a[6]).collect();
    assert_eq!(added, [0.0, 0.0, 1.0, 0.0]);
    assert_eq!(plan.cost(&units, &price(&c)), 40_000.0);
    let x: Vec<Option<f64>> = units.iter().zip(&plan.adds).map(|(u, a)| value(u, 6, 100.0, a[6])).collect();
    let w: Vec<f64> = units.iter().map(|u| u.students).collect();
    assert!((cv(&x, &w).unwrap() - 0.2649).abs() < 1e-3, "{:?}", cv(&x, &w));
    assert!(units.iter().zip(&plan.adds).all(|(u, a)| passes(u, &t, a)));
}

#[test]
fn a_cv_over_its_limit_is_brought_within_it_by_raising_the_lowest_schools() {
    // Equipment per pupil (standard 2,000, 85 % = 1,700), every school passing the rule, CV 0.561 > 0.5:
    //   A 1,000 pupils at 1,750; B 1,000 at 2,100; C 100 at 1,700; D 300 at 6,000.
    // Bringing A (the furthest below the standard, 250,000 元 short) to 2,000 leaves the CV at 0.520: not enough.
    // The plan raises the lowest (C, then C and A together) to one floor: check it against the formula, and
    // that no lower floor would do.
    let c = costs();
    let eq = |id: &str, p: f64, x: f64| unit(id, p, &[(5, x)]);
    let units = vec![eq("A", 1000.0, 1750.0), eq("B", 1000.0, 2100.0), eq("C", 100.0, 1700.0), eq("D", 300.0, 6000.0)];
    let t = primary();
    let w: Vec<f64> = units.iter().map(|u| u.students).collect();
    let cv_of = |adds: &[f64]| cv(&units.iter().zip(adds).map(|(u, a)| value(u, 5, 1.0, *a)).collect::<Vec<_>>(), &w).unwrap();
    assert!((cv_of(&[0.0; 4]) - 0.5613).abs() < 1e-3);
    assert!(cv_of(&[250_000.0, 0.0, 0.0, 0.0]) > 0.5, "the naive plan is not enough");
    let plan = solve(&units, &t, &price(&c), None);
    let adds: Vec<f64> = plan.adds.iter().map(|a| a[5]).collect();
    assert!(cv_of(&adds) <= 0.5);
    assert_eq!((adds[1], adds[3]), (0.0, 0.0), "only the schools below the floor are raised: {adds:?}");
    let floor = value(&units[0], 5, 1.0, adds[0]).unwrap();
    assert!((value(&units[2], 5, 1.0, adds[2]).unwrap() - floor).abs() < 11.0, "A and C end at one floor: {adds:?}");
    // A floor 1 元 per pupil lower is over the limit.
    let lower = [adds[0] - 1000.0, 0.0, adds[2] - 100.0, 0.0];
    assert!(cv_of(&lower) > 0.5);
}

/// The cheapest plan by exhaustive search over 0..=max whole rooms per school (rooms only vary).
fn exhaustive(units: &[Unit], t: &Targets, c: &Costs, max: usize) -> Option<f64> {
    let n = units.len();
    let w: Vec<f64> = units.iter().map(|u| u.students).collect();
    let mut best: Option<f64> = None;
    let mut adds = vec![0usize; n];
    loop {
        let plan: Vec<[f64; K]> = adds.iter().map(|a| {
            let mut r = [0.0; K];
            r[6] = *a as f64;
            r
        }).collect();
        let x: Vec<Option<f64>> = units.iter().zip(&plan).map(|(u, a)| value(u, 6, 100.0, a[6])).collect();
        if units.iter().zip(&plan).all(|(u, a)| passes(u, t, a)) && cv(&x, &w).is_some_and(|v| v <= t.cv_max) {
            let cost: f64 = units.iter().zip(&plan).map(|(u, a)| c.price(6, a[6], u)).sum();
            best = Some(best.map_or(cost, |b: f64| b.min(cost)));
        }
        let mut i = 0;
        while i < n && adds[i] == max {
            adds[i] = 0;
            i += 1;
        }
        if i == n {
            return best;
        }
        adds[i] += 1;
    }
}

#[test]
fn on_small_counties_the_plan_always_meets_the_targets_and_is_near_the_exhaustive_optimum() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let (c, t) = (costs(), primary());
    let (mut cases, mut optimal, mut worst) = (0, 0, 0.0f64);
    while cases < 300 {
        let n = rng.random_range(2..=4);
        let units: Vec<Unit> = (0..n)
            .map(|i| {
                let p = [20.0, 45.0, 120.0, 300.0, 800.0][rng.random_range(0..5)];
                let r = rng.random_range(0..=(p * 0.06) as usize) as f64;
                unit(&i.to_string(), p, &[(6, 100.0 * r / p)])
            })
            .collect();
        let Some(best) = exhaustive(&units, &t, &c, 7) else { continue };
        cases += 1;
        let plan = solve(&units, &t, &c_price(&c), None);
        let x: Vec<Option<f64>> = units.iter().zip(&plan.adds).map(|(u, a)| value(u, 6, 100.0, a[6])).collect();
        let w: Vec<f64> = units.iter().map(|u| u.students).collect();
        assert!(units.iter().zip(&plan.adds).all(|(u, a)| passes(u, &t, a)), "case {cases}: a school still fails: {units:?} {plan:?}");
        assert!(cv(&x, &w).is_some_and(|v| v <= t.cv_max), "case {cases}: the CV is over: {units:?} {plan:?}");
        let cost = plan.cost(&units, &c_price(&c));
        assert!(cost >= best - 1e-6, "cheaper than the optimum? {cost} < {best}");
        if cost <= best + 1e-6 {
            optimal += 1;
        }
        worst = worst.max((cost - best) / c.building.multimedia_room_yuan);
    }
    eprintln!("exhaustive search: {optimal} of {cases} plans optimal; the worst costs {worst} rooms more");
    assert!(optimal * 100 >= cases * 90, "{optimal} of {cases} optimal");
    assert!(worst <= 2.0, "the worst plan costs {worst} rooms more than the optimum");
}

fn c_price(c: &Costs) -> impl Fn(usize, f64, &Unit) -> f64 + '_ {
    price(c)
}

#[test]
fn a_budget_buys_the_schools_cheapest_to_bring_to_the_rule_first() {
    let c = costs();
    // Two schools failing on rooms only: the small one needs 1 room, the large one 7.
    let rooms = |id: &str, p: f64, r: f64| unit(id, p, &[(6, 100.0 * r / p)]);
    let units = vec![rooms("big", 400.0, 1.0), rooms("small", 40.0, 0.0), rooms("ok", 400.0, 10.0)];
    let t = primary();
    let plan = solve(&units, &t, &price(&c), Some(100_000.0));
    assert_eq!(plan.adds[1][6], 1.0);
    assert!(plan.for_school[1][6] && !plan.for_school[0][6], "the large school's 7 rooms do not fit the budget: {plan:?}");
    assert!(!passes(&units[0], &t, &plan.adds[0]));
    assert!(plan.cost(&units, &price(&c)) <= 100_000.0);
}

#[test]
fn backbone_teachers_are_designated_before_they_are_hired() {
    let c = costs();
    let mut u = unit("A", 100.0, &[]);
    u.designable = 2.0;
    assert_eq!(c.price(1, 2.0, &u), 2.0 * 6000.0);
    assert_eq!(c.price(1, 3.0, &u), 2.0 * 6000.0 + 6000.0 + 108_000.0);
    assert!(Costs::from_toml(&NATIONAL.replace("basis = \"one_year_pay\"", "basis = \"forever\"")).unwrap_err().contains("teachers.basis"));
    assert!(Costs::from_toml(&NATIONAL.replace("annual_pay_yuan = 100000", "annual_pay_yuan = -1")).unwrap_err().contains("annual_pay_yuan"));
}

const NATIONAL: &str = costs::NATIONAL_TOML;

#[test]
fn the_final_pass_takes_back_what_a_cv_addition_made_unnecessary() {
    // S (100 pupils) has 3.9 ㎡ of teaching space (standard 4.5, 85 % = 3.825) and 1,800 元 of equipment (2,000;
    // 85 % = 1,700): two indicators below the standard, one allowed. Step 1 buys the cheaper: 20,000 元 of
    // equipment. T (100 pupils) has 16 ㎡, so the CV of teaching space is (16 − 3.9) / (16 + 3.9) = 0.608 > 0.5,
    // and the lowest floor within the limit is 16 / 3 = 5.33 ㎡: S gets 144 ㎡ (5.34 ㎡; 143 gives 0.5002). At 5.34 ㎡
    // S meets teaching space, so its equipment may stay below: the minimal plan is the 144 ㎡ alone, 432,000 元
    // (not 452,000).
    let c = costs();
    let units = vec![unit("S", 100.0, &[(3, 3.9), (5, 1800.0)]), unit("T", 100.0, &[(3, 16.0)])];
    let plan = solve(&units, &primary(), &price(&c), None);
    assert_eq!(plan.adds[0], [0.0, 0.0, 0.0, 144.0, 0.0, 0.0, 0.0], "{plan:?}");
    assert_eq!(plan.adds[1], [0.0; K]);
    assert_eq!(plan.cost(&units, &price(&c)), 432_000.0);
    assert!(!plan.for_school[0][5], "the dropped row needs nothing");
    assert!(units.iter().zip(&plan.adds).all(|(u, a)| passes(u, &primary(), a)));
    // 143 ㎡ would leave the CV over its limit: the plan is minimal.
    let x = [value(&units[0], 3, 1.0, 143.0), value(&units[1], 3, 1.0, 0.0)];
    assert!(cv(&x, &[100.0, 100.0]).unwrap() > 0.5);
}

#[test]
fn the_final_pass_lowers_a_combined_schools_addition_to_what_both_levels_need() {
    // One whole-school column reaching a primary unit (share 0.6) and a junior unit (share 0.4) of the same school,
    // after a plan that added 100 units. The primary unit needs its value ≥ 4.5 ㎡ per pupil (100 pupils: 450 ㎡,
    // it holds 390 + 0.6 × 100 = 450 with the addition); the junior unit needs ≥ 5.4 (50 pupils: 270 ㎡; it holds
    // 250 + 0.4 × 100 = 290). Alone the junior level would keep 50 of the 100; the primary level needs all 100.
    let t_p = primary();
    let mut t_j = primary();
    t_j.standard[3] = 5.4;
    let mut p = unit("S", 100.0, &[(3, 4.5)]);
    p.share[3] = 0.6;
    let mut j = unit("S", 50.0, &[(3, 290.0 / 50.0)]);
    j.share[3] = 0.4;
    // Equipment at 1,800 元 (below 2,000, above 85 %) is each unit's one indicator allowed below: teaching space
    // must meet its standard.
    for u in [&mut p, &mut j] {
        u.resource[5] = Some(1800.0 * u.students);
    }
    let rows = vec![Row { k: 3, add: 100.0, reach: vec![(0, 0), (1, 0)] }];
    let (pu, ju) = (vec![p], vec![j]);
    let kept = prune(&[(pu.as_slice(), &t_p), (ju.as_slice(), &t_j)], &rows, &|_, x| x * 3000.0);
    assert_eq!(kept, vec![100.0]);
    // Junior alone: 50 units suffice (250 + 0.4 × 50 = 270 = 5.4 × 50).
    let kept = prune(&[(ju.as_slice(), &t_j)], &[Row { k: 3, add: 100.0, reach: vec![(0, 0)] }], &|_, x| x * 3000.0);
    assert_eq!(kept, vec![50.0]);
}

/// A small county of two levels for the search below: rooms only vary (every other indicator met at 1.5× its
/// standard), each school teaching one level or both (a combined school: its rooms split by `share`).
struct County {
    /// Per school: pupils at each level (0: not taught) and the rooms it holds.
    schools: Vec<([f64; 2], f64)>,
}

impl County {
    /// The level units of the county after `adds` rooms per school (`share`: the level's part of the pupils).
    fn units(&self, level: usize) -> (Vec<Unit>, Vec<usize>) {
        let mut units = Vec::new();
        let mut of = Vec::new();
        for (s, (pupils, rooms)) in self.schools.iter().enumerate() {
            if pupils[level] <= 0.0 {
                continue;
            }
            let share = pupils[level] / (pupils[0] + pupils[1]);
            let mut u = unit(&s.to_string(), pupils[level], &[]);
            u.resource[6] = Some(rooms * share);
            u.share[6] = share;
            units.push(u);
            of.push(s);
        }
        (units, of)
    }

    /// Whether both levels reach the targets with `adds` rooms per school.
    fn reaches(&self, adds: &[f64], t: &Targets) -> bool {
        (0..2).all(|level| {
            let (units, of) = self.units(level);
            let a: Vec<[f64; K]> = of.iter().map(|&s| std::array::from_fn(|k| if k == 6 { adds[s] } else { 0.0 })).collect();
            let x: Vec<Option<f64>> = units.iter().zip(&a).map(|(u, a)| value(u, 6, 100.0, a[6])).collect();
            let w: Vec<f64> = units.iter().map(|u| u.students).collect();
            units.iter().zip(&a).all(|(u, a)| passes(u, t, a)) && cv(&x, &w).is_none_or(|v| v <= t.cv_max * (1.0 - 1e-7))
        })
    }

    /// `countyedu plan`'s method in the planner's model: each level solved, a school's rooms the larger of its
    /// levels' needs, rounds until nothing is added, then the final pass over both levels together.
    fn plan(&self, t: &Targets, c: &Costs) -> Vec<f64> {
        let mut adds = vec![0.0; self.schools.len()];
        for _ in 0..4 {
            let mut round = vec![0.0f64; self.schools.len()];
            for level in 0..2 {
                let (units, of) = self.units(level);
                let units: Vec<Unit> = units.into_iter().zip(&of).map(|(mut u, &s)| {
                    u.resource[6] = u.resource[6].map(|r| r + u.share[6] * adds[s]);
                    u
                }).collect();
                let p = solve(&units, t, &price(c), None);
                for (i, &s) in of.iter().enumerate() {
                    round[s] = round[s].max(p.adds[i][6]);
                }
            }
            if round.iter().all(|r| *r == 0.0) {
                break;
            }
            adds.iter_mut().zip(&round).for_each(|(a, r)| *a += r);
        }
        // The final pass over both levels, the units holding the plan's rooms.
        let levels: Vec<(Vec<Unit>, Vec<usize>)> = (0..2).map(|l| {
            let (units, of) = self.units(l);
            let units = units.into_iter().zip(&of).map(|(mut u, &s)| {
                u.resource[6] = u.resource[6].map(|r| r + u.share[6] * adds[s]);
                u
            }).collect();
            (units, of)
        }).collect();
        let planned: Vec<usize> = (0..self.schools.len()).filter(|&s| adds[s] > 0.0).collect();
        let rows: Vec<Row> = planned
            .iter()
            .map(|&s| Row { k: 6, add: adds[s], reach: (0..2).filter_map(|l| levels[l].1.iter().position(|&x| x == s).map(|i| (l, i))).collect() })
            .collect();
        let refs: Vec<(&[Unit], &Targets)> = levels.iter().map(|(u, _)| (u.as_slice(), t)).collect();
        let kept = prune(&refs, &rows, &|_, x| x * c.building.multimedia_room_yuan);
        let mut out = vec![0.0; self.schools.len()];
        for (&s, x) in planned.iter().zip(kept) {
            out[s] = x;
        }
        out
    }
}

#[test]
fn on_small_counties_with_combined_schools_the_county_plan_is_near_the_exhaustive_optimum() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(32);
    let (c, t) = (costs(), primary());
    let (mut cases, mut optimal, mut worst, mut over) = (0, 0, 0.0f64, 0.0f64);
    while cases < 300 {
        let n = rng.random_range(2..=4);
        let schools: Vec<([f64; 2], f64)> = (0..n)
            .map(|i| {
                let pick = |rng: &mut rand_chacha::ChaCha8Rng| [20.0, 45.0, 120.0, 300.0][rng.random_range(0..4)];
                // The first school teaches both levels; the others one or both.
                let kind = if i == 0 { 2 } else { rng.random_range(0..3) };
                let pupils = match kind { 0 => [pick(&mut rng), 0.0], 1 => [0.0, pick(&mut rng)], _ => [pick(&mut rng), pick(&mut rng)] };
                (pupils, rng.random_range(0..=((pupils[0] + pupils[1]) * 0.05) as usize) as f64)
            })
            .collect();
        let county = County { schools };
        // Exhaustive search over 0..=6 rooms per school.
        let mut best: Option<f64> = None;
        let mut adds = vec![0usize; n];
        loop {
            let a: Vec<f64> = adds.iter().map(|x| *x as f64).collect();
            if county.reaches(&a, &t) {
                let cost = a.iter().sum::<f64>() * c.building.multimedia_room_yuan;
                best = Some(best.map_or(cost, |b: f64| b.min(cost)));
            }
            let mut i = 0;
            while i < n && adds[i] == 6 {
                adds[i] = 0;
                i += 1;
            }
            if i == n {
                break;
            }
            adds[i] += 1;
        }
        let Some(best) = best else { continue };
        cases += 1;
        let plan = county.plan(&t, &c);
        assert!(county.reaches(&plan, &t), "case {cases}: the plan does not reach the targets: {:?} {plan:?}", county.schools);
        let cost = plan.iter().sum::<f64>() * c.building.multimedia_room_yuan;
        assert!(cost >= best - 1e-6, "cheaper than the optimum? {cost} < {best}");
        if cost <= best + 1e-6 {
            optimal += 1;
        }
        worst = worst.max((cost - best) / c.building.multimedia_room_yuan);
        over += cost - best;
    }
    eprintln!("combined schools, exhaustive search: {optimal} of {cases} county plans optimal; the worst costs {worst} rooms more; {over} 元 over in all");
    assert!(optimal * 100 >= cases * 90, "{optimal} of {cases} optimal");
    assert!(worst <= 2.0, "the worst plan costs {worst} rooms more than the optimum");
}
