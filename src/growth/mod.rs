//! Growth of county series year on year and over a window, ranks within prefecture and province, and the funding
//! rules: 两个只增不减, 生均公用经费 floors, county matching funds, teacher pay (domain reference §6).
//!
//! Pure functions of Polars frames. A series is (year, county_code, indicator, value); `counties` supplies the
//! prefecture and province of each county for ranks and the region for funding floors.

pub mod standards;

use std::collections::HashMap;

use polars::prelude::*;

pub use standards::{Floor, Standards};

use crate::rules::Basis;

/// A county code change: from `year` on, `old_code` is reported as `new_code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recoding {
    pub old_code: String,
    pub new_code: String,
    pub year: i32,
}

/// Checks a crosswalk before it is applied; problems come as (index of the recoding, message). Refused: a code
/// that is not 6 digits, a code mapped onto itself, an old code mapped twice (to one code or to two), a cycle
/// (A → B → A, however long), and a new code that is not a county of the warehouse.
pub fn check_crosswalk(recodings: &[Recoding], counties: &std::collections::HashSet<String>) -> Vec<(usize, String)> {
    let mut problems = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::new();
    let code = |c: &str| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit());
    for (i, r) in recodings.iter().enumerate() {
        if !code(&r.old_code) || !code(&r.new_code) {
            problems.push((i, format!("{} → {}: county codes have 6 digits", r.old_code, r.new_code)));
            continue;
        }
        if r.old_code == r.new_code {
            problems.push((i, format!("{} is mapped onto itself", r.old_code)));
            continue;
        }
        if let Some(&j) = first.get(r.old_code.as_str()) {
            let other = &recodings[j];
            problems.push((
                i,
                format!(
                    "{} is already re-coded on line {} (to {} from {}); one old code has one new code",
                    r.old_code,
                    j + 2,
                    other.new_code,
                    other.year
                ),
            ));
            continue;
        }
        first.insert(&r.old_code, i);
        if !counties.contains(&r.new_code) {
            problems.push((i, format!("new code {} is not a county of the warehouse (load it in counties first)", r.new_code)));
        }
    }
    // A cycle: following old → new from a code comes back to it.
    let next: HashMap<&str, &str> = recodings.iter().map(|r| (r.old_code.as_str(), r.new_code.as_str())).collect();
    let mut reported = std::collections::HashSet::new();
    for (i, r) in recodings.iter().enumerate() {
        let mut path = vec![r.old_code.as_str()];
        let mut at = r.new_code.as_str();
        while let Some(n) = next.get(at) {
            if path.contains(&at) {
                break;
            }
            path.push(at);
            at = n;
        }
        if at == r.old_code && reported.insert(r.old_code.as_str()) {
            path.push(at);
            path.iter().skip(1).for_each(|c| {
                reported.insert(c);
            });
            problems.push((i, format!("the re-codings form a cycle: {}", path.join(" → "))));
        }
    }
    problems.sort();
    problems
}

/// Ids of the derived per-student spending series.
pub const PER_STUDENT: &str = "edu_expenditure_per_student";
pub const PER_STUDENT_COMPUTED: &str = "edu_expenditure_per_student_computed";

/// Disagreement between reported and computed per-student spending beyond which a row is flagged.
pub const PER_STUDENT_TOLERANCE: f64 = 0.005;

/// Indicators whose values add up when counties merge (money and head counts); rates, standards and CVs do not.
fn additive(unit: &str) -> bool {
    matches!(unit, "元" | "人")
}

/// Moves the series of re-coded counties onto their new codes, so that a county's series continues across a
/// re-coding. When several old codes merge into one, additive indicators (元, 人) are summed and the others are
/// dropped for the merged years, with a note. `units` maps indicator ids to their catalogue unit.
pub fn apply_crosswalk(
    values: DataFrame,
    recodings: &[Recoding],
    units: &HashMap<String, String>,
) -> PolarsResult<(DataFrame, Vec<String>)> {
    if recodings.is_empty() {
        return Ok((values, Vec::new()));
    }
    // Applied in order of year, each step on the previous one's result, so that chains (A → B, then B → C) end
    // on the last code.
    let mut sorted = recodings.to_vec();
    sorted.sort_by_key(|r| r.year);
    let mut frame = values.lazy().with_column(col("county_code").alias("county_code_now"));
    for r in &sorted {
        frame = frame.with_column(
            when(col("county_code_now").eq(lit(r.old_code.as_str())).and(col("year").lt(lit(r.year))))
                .then(lit(r.new_code.as_str()))
                .otherwise(col("county_code_now"))
                .alias("county_code_now"),
        );
    }
    let is_additive: Vec<String> = units.iter().filter(|(_, u)| additive(u)).map(|(id, _)| id.clone()).collect();
    let merged = frame
        .group_by([col("year"), col("county_code_now"), col("indicator")])
        .agg([col("value").sum().alias("sum"), len().alias("n"), col("value").first().alias("first")])
        .with_column(col("indicator").is_in(lit(Series::new("a".into(), is_additive)).implode(false), false).alias("additive"))
        .collect()?;
    let dropped = merged
        .clone()
        .lazy()
        .filter(col("n").gt(lit(1)).and(col("additive").not()))
        .select([col("year"), col("county_code_now"), col("indicator")])
        .collect()?;
    let mut notes = Vec::new();
    if dropped.height() > 0 {
        notes.push(format!(
            "{} value(s) of merged counties left out: not additive across counties (e.g. {} {} {})",
            dropped.height(),
            dropped.column("year")?.get(0)?,
            dropped.column("county_code_now")?.get(0)?.str_value(),
            dropped.column("indicator")?.get(0)?.str_value(),
        ));
    }
    let out = merged
        .lazy()
        .filter(col("n").eq(lit(1)).or(col("additive")))
        .select([
            col("year"),
            col("county_code_now").alias("county_code"),
            col("indicator"),
            when(col("n").gt(lit(1))).then(col("sum")).otherwise(col("first")).alias("value"),
        ])
        .collect()?;
    Ok((out, notes))
}

/// Adds the computed per-student spending (budget spending / students, `edu_expenditure_per_student_computed`)
/// wherever both are reported. The reported series (`edu_expenditure_per_student`) is left as reported, never
/// filled with computed values: a series that mixed the two would compare a reported year with a computed one.
/// Returns the series and, for each county-year with both, the reported and computed values (to flag
/// disagreement).
pub fn derive_per_student(values: &DataFrame) -> PolarsResult<(DataFrame, DataFrame)> {
    let keys = [col("year"), col("county_code")];
    let pick = |id: &str| col("value").filter(col("indicator").eq(lit(id))).first().alias(id);
    let wide = values
        .clone()
        .lazy()
        .group_by(keys.clone())
        .agg([pick("edu_budget_expenditure"), pick("edu_budget_students"), pick(PER_STUDENT)])
        .with_column(
            when(col("edu_budget_students").gt(lit(0.0)))
                .then(col("edu_budget_expenditure") / col("edu_budget_students"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("computed"),
        );
    let computed = wide
        .clone()
        .filter(col("computed").is_not_null())
        .select([col("year"), col("county_code"), lit(PER_STUDENT_COMPUTED).alias("indicator"), col("computed").alias("value")]);
    let both = wide
        .filter(col(PER_STUDENT).is_not_null().and(col("computed").is_not_null()))
        .select([col("year"), col("county_code"), col(PER_STUDENT).alias("reported"), col("computed")])
        .collect()?;
    let series = concat([values.clone().lazy(), computed], UnionArgs::default())?.collect()?;
    Ok((series, both))
}

/// A left join that keeps the left frame's row order.
fn left_in_order() -> JoinArgs {
    JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) }
}

/// The rank of `pct_change` within its year, indicator and `area` (1 = largest; ties share the lower rank: 1, 2,
/// 2, 4; a row without a change has no rank), named `name`.
///
/// Written out rather than as Polars' `rank().over(…)`, which ranks each of the 100,000 small groups of a
/// national run as a series of its own (0.85 s of year-on-year's 2.1 s): the groups are numbered in one pass
/// (indicators and areas by dictionary, remembered from the row before, as rows come sorted by county and
/// indicator), the rows placed group by group with a counting sort, and each group sorted in place.
fn rank_within(df: &DataFrame, area: &str, name: &str) -> PolarsResult<Column> {
    let height = df.height();
    let pct: Vec<Option<f64>> = df.column("pct_change")?.f64()?.iter().collect();
    let number = |column: &str| -> PolarsResult<(Vec<u32>, u32)> {
        let mut ids: PlHashMap<Option<&str>, u32> = PlHashMap::new();
        let mut out = Vec::with_capacity(height);
        let mut last: Option<(Option<&str>, u32)> = None;
        for v in df.column(column)?.str()?.iter() {
            let id = match last {
                Some((l, id)) if l == v => id,
                _ => {
                    let next = ids.len() as u32;
                    *ids.entry(v).or_insert(next)
                }
            };
            last = Some((v, id));
            out.push(id);
        }
        Ok((out, ids.len() as u32))
    };
    let (indicator, indicators) = number("indicator")?;
    let (areas_of, areas) = number(area)?;
    let years: Vec<Option<i32>> = df.column("year")?.i32()?.iter().collect();
    let first_year = years.iter().flatten().min().copied().unwrap_or(0);
    // Dense group numbers in order of first appearance.
    let mut groups: PlHashMap<u64, u32> = PlHashMap::new();
    let mut group = Vec::with_capacity(height);
    for i in 0..height {
        let y = years[i].map_or(0, |y| (y - first_year) as u64 + 1);
        let key = (y * indicators as u64 + indicator[i] as u64) * areas as u64 + areas_of[i] as u64;
        let next = groups.len() as u32;
        group.push(*groups.entry(key).or_insert(next));
    }
    // A counting sort: the rows of each group together.
    let mut start = vec![0usize; groups.len() + 1];
    for &g in &group {
        start[g as usize + 1] += 1;
    }
    for g in 0..groups.len() {
        start[g + 1] += start[g];
    }
    let mut fill = start.clone();
    let mut rows = vec![0u32; height];
    for (i, &g) in group.iter().enumerate() {
        rows[fill[g as usize]] = i as u32;
        fill[g as usize] += 1;
    }
    let mut rank: Vec<Option<i64>> = vec![None; height];
    let mut members: Vec<(f64, u32)> = Vec::new();
    for g in 0..groups.len() {
        members.clear();
        members.extend(rows[start[g]..start[g + 1]].iter().filter_map(|&i| pct[i as usize].map(|v| (v, i))));
        // Largest first; NaN, should one arrive, above every number as Polars orders it.
        members.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let mut current = 0;
        for k in 0..members.len() {
            if k == 0 || members[k].0.total_cmp(&members[k - 1].0).is_ne() {
                current = k as i64 + 1;
            }
            rank[members[k].1 as usize] = Some(current);
        }
    }
    Ok(Column::new(name.into(), rank))
}

/// Adds `rank_in_prefecture` and `rank_in_province` of `pct_change` ([`rank_within`]).
fn add_ranks(df: &mut DataFrame) -> PolarsResult<()> {
    let ranks = [rank_within(df, "prefecture_code", "rank_in_prefecture")?, rank_within(df, "province_code", "rank_in_province")?];
    for rank in ranks {
        df.with_column(rank)?;
    }
    Ok(())
}

/// Year-on-year rows: value, previous_value, change, pct_change (percent), ranks of pct_change within the
/// prefecture and province (1 = largest increase; ties share the lower rank: 1, 2, 2, 4), and a note where the
/// chain breaks. `both` comes from [`derive_per_student`].
pub fn year_on_year(series: &DataFrame, counties: &DataFrame, both: &DataFrame) -> PolarsResult<DataFrame> {
    // Each series sorted by year: the previous value is the row before when it is the same series and the year
    // before; the first and last years of a series are its first and last rows.
    let same_as = |n: i64| col("county_code").eq(col("county_code").shift(lit(n))).and(col("indicator").eq(col("indicator").shift(lit(n)))).fill_null(lit(false));
    // The last year in which the county reported anything: a county that vanishes was perhaps re-coded.
    let county_last = series.clone().lazy().group_by([col("county_code")]).agg([col("year").max().alias("county_last")]);
    let data_last = series.column("year")?.i32()?.max().unwrap_or(0);
    let flags = both.clone().lazy().select([
        col("year"),
        col("county_code"),
        lit(PER_STUDENT).alias("indicator"),
        ((col("reported") - col("computed")).abs() / col("computed")).gt(lit(PER_STUDENT_TOLERANCE)).alias("disagrees"),
        col("computed"),
    ]);
    let keys = [col("county_code"), col("indicator"), col("year")];
    // Every county of the series, with its prefecture and province: one small frame, one join.
    let area = county_last.join(
        counties.clone().lazy().select([col("county_code"), col("prefecture_code"), col("province_code")]),
        [col("county_code")],
        [col("county_code")],
        JoinArgs::new(JoinType::Left),
    );
    let mut df = series
        .clone()
        .lazy()
        .sort(["county_code", "indicator", "year"], SortMultipleOptions::default())
        .with_columns([
            when(same_as(1).and(col("year").eq(col("year").shift(lit(1)) + lit(1))))
                .then(col("value").shift(lit(1)))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("previous_value"),
            same_as(1).not().alias("first_of_series"),
            same_as(-1).not().alias("last_of_series"),
        ])
        .join(flags, keys.clone(), keys, left_in_order())
        .join(area, [col("county_code")], [col("county_code")], left_in_order())
        .with_columns([
            (col("value") - col("previous_value")).alias("change"),
            when(col("previous_value").neq(lit(0.0)))
                .then((col("value") - col("previous_value")) / col("previous_value") * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("pct_change"),
        ])
        .with_row_index("_i", None)
        .collect()?;
    add_ranks(&mut df)?;
    // The notes, written for the tenth of the rows that have one and placed by row index.
    let first_without_previous = col("first_of_series").not().and(col("previous_value").is_null());
    let disagrees = col("disagrees").fill_null(lit(false));
    let stops = col("last_of_series").and(col("county_last").eq(col("year"))).and(col("year").lt(lit(data_last)));
    let noted = df
        .clone()
        .lazy()
        .filter(col("first_of_series").or(first_without_previous.clone()).or(disagrees.clone()).or(stops.clone()))
        .select([col("_i"), {
            let null = || lit(NULL).cast(DataType::String);
            let notes = [
                when(col("first_of_series")).then(lit("first year of the series")).otherwise(null()),
                when(first_without_previous)
                    .then(format_str("no value for {}: the chain breaks here", &[col("year") - lit(1)])?)
                    .otherwise(null()),
                when(disagrees)
                    .then(format_str(
                        "reported differs from spending / students ({}) by more than 0.5%",
                        &[col("computed").round(2, RoundMode::HalfToEven)],
                    )?)
                    .otherwise(null()),
                when(stops).then(lit("the county reports nothing after this year (re-coded? see --crosswalk)")).otherwise(null()),
            ];
            concat_str(notes, "; ", true).alias("note")
        }])
        .collect()?;
    let mut note: Vec<Option<&str>> = vec![None; df.height()];
    for (i, text) in noted.column("_i")?.idx()?.iter().zip(noted.column("note")?.str()?.iter()) {
        if let (Some(i), Some(text)) = (i, text) {
            note[i as usize] = Some(text);
        }
    }
    df.with_column(Column::new("note".into(), note))?;
    df.select(["year", "county_code", "indicator", "value", "previous_value", "change", "pct_change", "rank_in_prefecture", "rank_in_province", "note"])
}

/// Compound annual growth from `from` to `to` for every series with a value in both years, with ranks.
pub fn window(series: &DataFrame, counties: &DataFrame, from: i32, to: i32) -> PolarsResult<DataFrame> {
    let at = |y: i32, name: &str| {
        series
            .clone()
            .lazy()
            .filter(col("year").eq(lit(y)))
            .select([col("county_code"), col("indicator"), col("value").alias(name)])
    };
    let keys = [col("county_code"), col("indicator")];
    let area = counties.clone().lazy().select([col("county_code"), col("prefecture_code"), col("province_code")]);
    let years = (to - from) as f64;
    let mut df = at(from, "value_from")
        .join(at(to, "value_to"), keys.clone(), keys, JoinArgs::new(JoinType::Inner))
        .join(area, [col("county_code")], [col("county_code")], JoinArgs::new(JoinType::Left))
        .with_columns([
            lit(from).alias("from_year"),
            lit(to).alias("to_year"),
            lit(to).alias("year"),
            when(col("value_from").gt(lit(0.0)).and(col("value_to").gt_eq(lit(0.0))))
                .then(((col("value_to") / col("value_from")).pow(lit(1.0 / years)) - lit(1.0)) * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("pct_change"),
        ])
        .collect()?;
    add_ranks(&mut df)?;
    df.select(["from_year", "to_year", "county_code", "indicator", "value_from", "value_to", "pct_change", "rank_in_prefecture", "rank_in_province"])?
        .lazy()
        .rename(["pct_change"], ["cagr_pct"], true)
        .sort(["indicator", "county_code"], SortMultipleOptions::default())
        .collect()
}

/// One county-year's figures used by the rule checks.
#[derive(Clone, Debug, Default)]
struct Figures {
    values: HashMap<String, f64>,
}

impl Figures {
    fn get(&self, id: &str) -> Option<f64> {
        self.values.get(id).copied()
    }
}

/// The rule checks, one row per (year, county_code, check): value, reference, ratio or growth (percent),
/// passed (null when data is missing), the per-student spending basis the check used (for
/// `per_student_not_decreasing`), detail. `values` are the county indicators as reported.
pub fn checks(values: &DataFrame, counties: &DataFrame, standards: &Standards, basis: Basis) -> PolarsResult<DataFrame> {
    let figures = by_county_year(values)?;
    let region = regions(counties)?;
    let mut keys: Vec<&(String, i32)> = figures.keys().collect();
    keys.sort();
    let mut out = CheckRows::default();
    for key in keys {
        let (county, year) = (&key.0, key.1);
        let now = &figures[key];
        let before = figures.get(&(county.clone(), year - 1));
        // One basis for every year: a reported figure is never compared with a computed one.
        let per_student = |f: &Figures| -> Option<f64> {
            match basis {
                Basis::Reported => f.get(PER_STUDENT),
                Basis::Computed => match (f.get("edu_budget_expenditure"), f.get("edu_budget_students")) {
                    (Some(e), Some(s)) if s > 0.0 => Some(e / s),
                    _ => None,
                },
            }
        };
        let mut not_decreasing = |check: &'static str, what: &str, now_v: Option<f64>, before_v: Option<Option<f64>>| {
            match (now_v, before_v) {
                (Some(v), Some(Some(p))) => {
                    let growth = if p != 0.0 { Some((v - p) / p * 100.0) } else { None };
                    let detail = format!("{what} {} → {} ({:+.1}%)", fmt(p), fmt(v), growth.unwrap_or(f64::NAN));
                    out.push(year, county, check, Some(v), Some(p), growth, Some(v >= p), detail);
                }
                (Some(v), _) => out.push(year, county, check, Some(v), None, None, None, format!("no {what} for {}", year - 1)),
                (None, _) => out.push(year, county, check, None, None, None, None, format!("no {what} for {year}")),
            }
        };
        not_decreasing("budget_not_decreasing", "education budget spending", now.get("edu_budget_expenditure"), before.map(|b| b.get("edu_budget_expenditure")));
        // Under the reported basis, a county that does not report its per-student spending in one of the two years
        // is judged on spending ÷ pupils in both (said in the detail and the basis): a fall hidden behind a
        // missing figure is still a fall.
        let computed = |f: &Figures| match (f.get("edu_budget_expenditure"), f.get("edu_budget_students")) {
            (Some(e), Some(s)) if s > 0.0 => Some(e / s),
            _ => None,
        };
        let reported_both = per_student(now).is_some() && before.map(per_student).flatten().is_some();
        let derive = basis == Basis::Reported && !reported_both && computed(now).is_some() && before.map(computed).flatten().is_some();
        if derive {
            let what = "per-student budget spending (computed: spending ÷ pupils, as the county does not report it)";
            not_decreasing("per_student_not_decreasing", what, computed(now), before.map(computed));
            out.basis_for_last(Basis::Computed);
        } else {
            let what = format!("per-student budget spending ({})", basis.id());
            not_decreasing("per_student_not_decreasing", &what, per_student(now), before.map(per_student));
            out.basis_for_last(basis);
        }
        let (reg, province) = region.get(county).cloned().unwrap_or_default();
        funding_floors(&mut out, (year, county), now, standards, (&reg, &province));
        paid_against(&mut out, (year, county), now);
    }
    out.frame()
}

/// The reported figures of every county and year.
fn by_county_year(values: &DataFrame) -> PolarsResult<HashMap<(String, i32), Figures>> {
    let mut figures: HashMap<(String, i32), Figures> = HashMap::new();
    let years = values.column("year")?.i32()?;
    let codes = values.column("county_code")?.str()?;
    let ids = values.column("indicator")?.str()?;
    let vals = values.column("value")?.f64()?;
    // Iterators, not `get(i)`: a frame read from the warehouse has a chunk per batch, and `get` finds its chunk
    // from the first one each time.
    for (((y, c), id), v) in years.iter().zip(codes.iter()).zip(ids.iter()).zip(vals.iter()) {
        if let (Some(y), Some(c), Some(id), Some(v)) = (y, c, id, v) {
            figures.entry((c.to_string(), y)).or_default().values.insert(id.to_string(), v);
        }
    }
    Ok(figures)
}

/// Each county's funding region and province.
fn regions(counties: &DataFrame) -> PolarsResult<HashMap<String, (String, String)>> {
    let c = counties.column("county_code")?.str()?;
    let r = counties.column("region")?.str()?;
    Ok((0..counties.height())
        .filter_map(|i| Some((c.get(i)?.to_string(), (r.get(i)?.to_string(), crate::model::province_of(c.get(i)?)))))
        .collect())
}

/// The 生均公用经费 standards a county reports against the floors of its region and province for the year.
fn funding_floors(out: &mut CheckRows, (year, county): (i32, &str), now: &Figures, standards: &Standards, (reg, province): (&str, &str)) {
    for (level, id, check) in [
        ("primary", "public_funds_standard_primary", "public_funds_primary"),
        ("junior", "public_funds_standard_junior", "public_funds_junior"),
        ("special", "public_funds_standard_special", "public_funds_special"),
    ] {
        let floor = standards.floor(province, reg, level, year);
        match (now.get(id), floor.clone()) {
            (Some(v), Some(f)) => {
                let detail = format!("{level} standard {} 元 against the floor {} 元 ({})", fmt(v), fmt(f.amount), f.source);
                out.push(year, county, check, Some(v), Some(f.amount), Some(v / f.amount * 100.0), Some(v >= f.amount), detail)
            }
            (None, _) => out.push(year, county, check, None, floor.map(|f| f.amount), None, None, format!("no {id} reported")),
            (Some(v), None) => out.push(year, county, check, Some(v), None, None, None, format!("no floor known for {level} in {year}")),
        }
    }
}

/// Matching funds paid against those required, and teachers' pay against civil servants'.
fn paid_against(out: &mut CheckRows, (year, county): (i32, &str), now: &Figures) {
    match (now.get("county_matching_paid"), now.get("county_matching_required")) {
        (Some(p), Some(r)) => out.push(
            year,
            county,
            "matching_funds",
            Some(p),
            Some(r),
            (r != 0.0).then(|| p / r * 100.0),
            Some(p >= r),
            format!("county matching funds paid {} of {} 元 required", fmt(p), fmt(r)),
        ),
        _ => out.push(year, county, "matching_funds", now.get("county_matching_paid"), now.get("county_matching_required"), None, None, "matching funds paid or required not reported".into()),
    }
    match (now.get("teacher_avg_salary"), now.get("civil_servant_avg_salary")) {
        (Some(t), Some(c)) => out.push(
            year,
            county,
            "teacher_pay",
            Some(t),
            Some(c),
            (c != 0.0).then(|| t / c * 100.0),
            Some(t >= c),
            format!("teachers' average pay {} 元 is {:.1}% of civil servants' {} 元", fmt(t), t / c * 100.0, fmt(c)),
        ),
        _ => out.push(year, county, "teacher_pay", now.get("teacher_avg_salary"), now.get("civil_servant_avg_salary"), None, None, "teacher or civil-servant pay not reported".into()),
    }
}

/// A number as a report writes it: whole numbers without decimals, others with two.
fn fmt(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x:.2}") }
}

#[derive(Default)]
struct CheckRows {
    year: Vec<i32>,
    county: Vec<String>,
    check: Vec<&'static str>,
    basis: Vec<Option<&'static str>>,
    value: Vec<Option<f64>>,
    reference: Vec<Option<f64>>,
    pct: Vec<Option<f64>>,
    passed: Vec<Option<bool>>,
    detail: Vec<String>,
}

impl CheckRows {
    #[allow(clippy::too_many_arguments)]
    fn push(&mut self, year: i32, county: &str, check: &'static str, value: Option<f64>, reference: Option<f64>, pct: Option<f64>, passed: Option<bool>, detail: String) {
        self.year.push(year);
        self.county.push(county.to_string());
        self.check.push(check);
        self.basis.push(None);
        self.value.push(value);
        self.reference.push(reference);
        self.pct.push(pct.filter(|p| p.is_finite()));
        self.passed.push(passed);
        self.detail.push(detail);
    }

    /// Records the per-student spending basis on the row pushed last.
    fn basis_for_last(&mut self, basis: Basis) {
        if let Some(b) = self.basis.last_mut() {
            *b = Some(basis.id());
        }
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        DataFrame::new_infer_height(vec![
            Column::new("year".into(), self.year),
            Column::new("county_code".into(), self.county),
            Column::new("check".into(), self.check),
            Column::new("basis".into(), self.basis),
            Column::new("value".into(), self.value),
            Column::new("reference".into(), self.reference),
            Column::new("pct".into(), self.pct),
            Column::new("passed".into(), self.passed),
            Column::new("detail".into(), self.detail),
        ])
    }
}

#[cfg(test)]
mod tests;

/// The series `growth` derives, beside the county indicators as reported: (id, Chinese name, unit). The
/// warehouse's `indicator_catalogue` lists them with the reported indicators.
pub fn derived_series() -> Vec<(String, String, String)> {
    use crate::balance::{STANDARDS, indicator};
    let mut out = vec![("edu_expenditure_per_student_computed".to_string(), "生均一般公共预算教育支出（一般公共预算教育支出 ÷ 在校学生数，派生）".to_string(), "元".to_string())];
    for (level, zh) in [("primary", "小学"), ("junior", "初中")] {
        out.push((format!("basic_composite_cv_{level}"), format!("{zh}基本均衡综合差异系数（派生）"), "1".to_string()));
    }
    for (standard, ids) in STANDARDS {
        let s = if standard == "basic" { "基本均衡" } else { "优质均衡" };
        for (level, zh) in [("primary", "小学"), ("junior", "初中")] {
            for id in ids {
                out.push((format!("cv_{standard}_{level}_{id}"), format!("{zh}{s}差异系数：{}（派生）", indicator(id).name_zh), "1".to_string()));
            }
        }
    }
    out
}
