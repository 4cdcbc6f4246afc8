//! The on-site sample (实地核查): the schools a supervision visit should see, per county and year. National
//! supervision visits 8–12 schools a county; which ones should not be left to chance alone, nor to choice alone:
//! every school with a 强制 flag or a flag a county verdict hangs on is visited first, then schools are drawn at
//! random, with a seed that is printed (the same seed draws the same schools), so that 城区, 镇区 and 乡村 schools
//! and primary schools, junior schools and teaching points are each visited where the county has them.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One school of a county-year, as the sample sees it.
#[derive(Clone, Debug)]
struct School {
    id: String,
    name: String,
    school_type: String,
    urban: &'static str,
    /// 小学, 初中, 教学点: what it teaches (a nine-year school is both 小学 and 初中).
    kinds: Vec<&'static str>,
}

fn urban(code: i32) -> &'static str {
    if code < 120 {
        "城区"
    } else if code < 200 {
        "镇区"
    } else {
        "乡村"
    }
}

/// A county's own random stream: the seed mixed with its code and year, so that a county's sample does not depend
/// on which other counties are drawn.
fn stream(seed: u64, county: &str, year: i32) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in county.bytes().chain(year.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(seed ^ h)
}

/// The sample of every county-year of `schools` (`year, county_code, school_id, school_name, school_type,
/// urban_rural_code, primary_students, junior_students`): the schools that `must` visit (`county_code,
/// school_id, reason`: a 强制 flag or a sensitive verdict's), then `per_county` in all, drawn with `seed`. One row
/// per school: `year, county_code, school_id, school_name, school_type, urban, reason, seed`.
pub fn sample(schools: &DataFrame, must: &DataFrame, per_county: usize, seed: u64) -> PolarsResult<DataFrame> {
    let s = |df: &DataFrame, c: &str| -> PolarsResult<Vec<String>> {
        Ok(df.column(c)?.cast(&DataType::String)?.str()?.iter().map(|v| v.unwrap_or_default().to_string()).collect())
    };
    let n = |c: &str| -> PolarsResult<Vec<f64>> { Ok(schools.column(c)?.cast(&DataType::Float64)?.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect()) };
    let (years, counties, ids, names, types) = (s(schools, "year")?, s(schools, "county_code")?, s(schools, "school_id")?, s(schools, "school_name")?, s(schools, "school_type")?);
    let codes: Vec<i32> = schools.column("urban_rural_code")?.cast(&DataType::Int32)?.i32()?.iter().map(|v| v.unwrap_or(220)).collect();
    let (primary, junior) = (n("primary_students")?, n("junior_students")?);
    let mut by_county: BTreeMap<(String, String), Vec<School>> = BTreeMap::new();
    for i in 0..schools.height() {
        let mut kinds = Vec::new();
        if types[i] == "teaching_point" {
            kinds.push("教学点");
        } else {
            if primary[i] > 0.0 {
                kinds.push("小学");
            }
            if junior[i] > 0.0 {
                kinds.push("初中");
            }
        }
        let school = School { id: ids[i].clone(), name: names[i].clone(), school_type: types[i].clone(), urban: urban(codes[i]), kinds };
        by_county.entry((years[i].clone(), counties[i].clone())).or_default().push(school);
    }
    let mut reasons: BTreeMap<(String, String), String> = BTreeMap::new();
    let (m_county, m_id, m_reason) = (s(must, "county_code")?, s(must, "school_id")?, s(must, "reason")?);
    for i in 0..must.height() {
        reasons.entry((m_county[i].clone(), m_id[i].clone())).or_insert_with(|| m_reason[i].clone());
    }
    let mut rows: Vec<(String, String, School, String)> = Vec::new();
    for ((year, county), mut pool) in by_county {
        pool.sort_by(|a, b| a.id.cmp(&b.id));
        let mut rng = stream(seed, &county, year.parse().unwrap_or(0));
        let mut chosen: Vec<(School, String)> = Vec::new();
        let mut left: Vec<School> = Vec::new();
        for school in pool {
            match reasons.get(&(county.clone(), school.id.clone())) {
                Some(reason) => chosen.push((school, reason.clone())),
                None => left.push(school),
            }
        }
        left.shuffle(&mut rng);
        // Every urban–rural group and every kind the county has, covered by a school drawn from it.
        let wanted: BTreeSet<&'static str> = left.iter().chain(chosen.iter().map(|(s, _)| s)).flat_map(|s| s.kinds.iter().copied().chain([s.urban])).collect();
        for group in wanted {
            let covered = chosen.iter().any(|(s, _)| s.urban == group || s.kinds.contains(&group));
            if covered || chosen.len() >= per_county.max(1) {
                continue;
            }
            if let Some(at) = left.iter().position(|s| s.urban == group || s.kinds.contains(&group)) {
                chosen.push((left.remove(at), format!("随机抽取（覆盖{group}）")));
            }
        }
        while chosen.len() < per_county && !left.is_empty() {
            let at = rng.random_range(0..left.len());
            chosen.push((left.remove(at), "随机抽取".to_string()));
        }
        rows.extend(chosen.into_iter().map(|(s, r)| (year.clone(), county.clone(), s, r)));
    }
    let year: Vec<i32> = rows.iter().map(|r| r.0.parse().unwrap_or(0)).collect();
    DataFrame::new_infer_height(vec![
        Column::new("year".into(), year),
        Column::new("county_code".into(), rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>()),
        Column::new("school_id".into(), rows.iter().map(|r| r.2.id.clone()).collect::<Vec<_>>()),
        Column::new("school_name".into(), rows.iter().map(|r| r.2.name.clone()).collect::<Vec<_>>()),
        Column::new("school_type".into(), rows.iter().map(|r| r.2.school_type.clone()).collect::<Vec<_>>()),
        Column::new("urban".into(), rows.iter().map(|r| r.2.urban.to_string()).collect::<Vec<_>>()),
        Column::new("teaches".into(), rows.iter().map(|r| r.2.kinds.join("、")).collect::<Vec<_>>()),
        Column::new("reason".into(), rows.iter().map(|r| r.3.clone()).collect::<Vec<_>>()),
        Column::new("seed".into(), vec![seed as i64; rows.len()]),
    ])
}
