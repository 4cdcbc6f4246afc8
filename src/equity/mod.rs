//! Equity measures beyond the official CV, and urban–rural variation, over the same level units and scopes as
//! [`crate::balance`]; also across counties of a prefecture or province (county means weighted by enrolment).
//!
//! The arithmetic is in [`measures`] (pure functions of sorted slices). This module arranges the units into
//! groups: one hash group-by finds each group's rows, and within a group the values of one indicator are sorted,
//! so each measure needs one pass.

pub mod measures;

use polars::prelude::*;
use rayon::prelude::*;

use crate::balance::{self, STANDARDS};
use measures::{Decomposition, Measures, decompose};

/// How schools are split for urban–rural variation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// 城区 (111, 112), 镇区 (121–123), 乡村 (210, 220).
    Three,
    /// 城镇 (城区 + 镇区) against 乡村; reported in the urban and rural columns, town left empty.
    Two,
}

impl Grouping {
    pub fn id(self) -> &'static str {
        match self {
            Grouping::Three => "three",
            Grouping::Two => "two",
        }
    }

    fn parts(self) -> usize {
        match self {
            Grouping::Three => 3,
            Grouping::Two => 2,
        }
    }

    /// The part of an urban–rural code: 0 urban, 1 town, 2 rural (three-way); 0 城镇, 1 乡村 (two-way).
    fn part(self, code: i32) -> usize {
        match (self, code) {
            (_, 111 | 112) => 0,
            (Grouping::Three, 121..=123) => 1,
            (Grouping::Two, 121..=123) => 0,
            (Grouping::Three, _) => 2,
            (Grouping::Two, _) => 1,
        }
    }
}

/// The rows of each group of equal `keys`: the key values of each group (in order of first appearance) and the
/// row numbers belonging to it. One hash group-by; the frame need not be sorted.
fn groups(frame: &DataFrame, keys: &[&str]) -> PolarsResult<(DataFrame, Vec<Vec<usize>>)> {
    let grouped = frame
        .clone()
        .lazy()
        .with_row_index("row", None)
        .group_by_stable(keys.iter().map(|k| col(*k)).collect::<Vec<_>>())
        .agg([col("row")])
        .collect()?;
    let lists = grouped.column("row")?.list()?;
    let mut rows = Vec::with_capacity(lists.len());
    for i in 0..lists.len() {
        let list = lists.get_as_series(i).expect("a group has rows");
        rows.push(list.cast(&DataType::UInt64)?.u64()?.into_no_null_iter().map(|r| r as usize).collect());
    }
    Ok((grouped.select(keys.iter().copied())?, rows))
}

fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.iter().collect())
}

fn column<T>(name: &str, values: Vec<T>) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(name.into(), values)
}

/// One computed row: the group it belongs to, the standard and indicator, and what was computed.
struct Row<T> {
    group: IdxSize,
    /// The position of its series among those walked.
    series: u32,
    value: T,
}

/// One value per unit for one indicator, and which units the standard covers.
#[derive(Clone)]
pub struct UnitSeries {
    pub standard: String,
    pub indicator: String,
    pub values: Vec<Option<f64>>,
    pub in_scope: Vec<bool>,
}

/// The series a walk goes over: given, or the built-in indicators of both standards over the units, each made
/// only when it is walked (fifteen at once would hold 0.4 GB at national scale).
enum Sources<'a> {
    Given(Vec<UnitSeries>),
    Builtin(&'a DataFrame, Vec<(&'static str, &'static str)>),
}

impl Sources<'_> {
    fn builtin(units: &DataFrame) -> Sources<'_> {
        Sources::Builtin(units, STANDARDS.iter().flat_map(|(standard, ids)| ids.iter().map(move |id| (*standard, *id))).collect())
    }

    fn len(&self) -> usize {
        match self {
            Sources::Given(s) => s.len(),
            Sources::Builtin(_, pairs) => pairs.len(),
        }
    }

    /// The standard and indicator of series `k`.
    fn name(&self, k: usize) -> (String, String) {
        match self {
            Sources::Given(s) => (s[k].standard.clone(), s[k].indicator.clone()),
            Sources::Builtin(_, pairs) => (pairs[k].0.to_string(), pairs[k].1.to_string()),
        }
    }

    fn get(&self, k: usize) -> PolarsResult<std::borrow::Cow<'_, UnitSeries>> {
        use std::borrow::Cow;
        match self {
            Sources::Given(s) => Ok(Cow::Borrowed(&s[k])),
            Sources::Builtin(units, pairs) => {
                let (standard, id) = pairs[k];
                let frame = (*units)
                    .clone()
                    .lazy()
                    .select([balance::scope(standard).alias("in"), balance::value(balance::indicator(id)).alias("x")])
                    .collect()?;
                let in_scope = frame.column("in")?.bool()?.iter().map(|b| b.unwrap_or(false)).collect();
                Ok(Cow::Owned(UnitSeries { standard: standard.into(), indicator: id.into(), values: floats(&frame, "x")?, in_scope }))
            }
        }
    }
}

/// Walks every series over every group of `units` by `keys`, handing the group's in-scope non-missing values,
/// sorted ascending with their weights and urban–rural codes, to `f`. The series are walked in parallel.
fn each_group<T: Send>(
    units: &DataFrame,
    keys: &[&str],
    series: Sources,
    f: impl Fn(&[f64], &[f64], &[i32]) -> Option<T> + Sync,
) -> PolarsResult<Walked<T>> {
    let (group_keys, ranges) = groups(units, keys)?;
    let students = floats(units, "students")?;
    let codes: Vec<i32> = units.column("urban_rural_code")?.cast(&DataType::Int32)?.i32()?.iter().map(|c| c.unwrap_or(0)).collect();
    let walk = |k: usize| -> PolarsResult<Vec<Row<T>>> {
        let one = series.get(k)?;
        let mut rows = Vec::new();
        let mut buf: Vec<(f64, f64, i32)> = Vec::new();
        let (mut x, mut w, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for (g, members) in ranges.iter().enumerate() {
            buf.clear();
            for &i in members {
                if let (true, Some(v), Some(s)) = (one.in_scope[i], one.values[i], students[i]) {
                    buf.push((v, s, codes[i]));
                }
            }
            if buf.is_empty() {
                continue;
            }
            buf.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            x.clear();
            w.clear();
            c.clear();
            for (v, s, code) in &buf {
                x.push(*v);
                w.push(*s);
                c.push(*code);
            }
            if let Some(value) = f(&x, &w, &c) {
                rows.push(Row { group: g as IdxSize, series: k as u32, value });
            }
        }
        Ok(rows)
    };
    let rows = (0..series.len()).into_par_iter().map(walk).collect::<PolarsResult<Vec<Vec<Row<T>>>>>()?;
    let names = (0..series.len()).map(|k| series.name(k)).collect();
    Ok(Walked { group_keys, names, rows })
}

/// What [`each_group`] computed: the groups' keys, each series' standard and indicator, and each series' rows.
struct Walked<T> {
    group_keys: DataFrame,
    names: Vec<(String, String)>,
    rows: Vec<Vec<Row<T>>>,
}

impl<T> Walked<T> {
    /// Every row, series after series (the rows stay where they are).
    fn rows(&self) -> Vec<&Row<T>> {
        self.rows.iter().flatten().collect()
    }

    /// Joins the rows to their group keys: keys, standard, indicator, then `columns` (one value per row of
    /// [`Walked::rows`]); sorted by the keys, then in the order of the series (whatever the order of the units).
    fn assemble(&self, columns: Vec<Column>) -> PolarsResult<DataFrame> {
        let rows = self.rows();
        let idx = IdxCa::from_vec("idx".into(), rows.iter().map(|r| r.group).collect());
        let mut out = self.group_keys.take(&idx)?;
        let mut order: Vec<PlSmallStr> = out.get_column_names_owned();
        let names = |r: &&Row<T>| &self.names[r.series as usize];
        out.with_column(column("standard", rows.iter().map(|r| names(r).0.as_str()).collect::<Vec<_>>()))?;
        out.with_column(column("indicator", rows.iter().map(|r| names(r).1.as_str()).collect::<Vec<_>>()))?;
        for c in columns {
            out.with_column(c)?;
        }
        out.with_column(column("series", rows.iter().map(|r| r.series).collect::<Vec<_>>()))?;
        order.push("series".into());
        let out = out.sort(order, SortMultipleOptions::default().with_multithreaded(true))?;
        out.drop("series")
    }
}

/// The measure columns of a [`Measures`] list, in output order.
fn measure_columns(ms: &[&Measures]) -> Vec<Column> {
    let opt = |name: &str, f: &dyn Fn(&Measures) -> Option<f64>| column(name, ms.iter().map(|m| f(m)).collect::<Vec<_>>());
    let val = |name: &str, f: &dyn Fn(&Measures) -> f64| column(name, ms.iter().map(|m| f(m)).collect::<Vec<_>>());
    vec![
        column("n_units", ms.iter().map(|m| m.n as i64).collect::<Vec<_>>()),
        column("n_nonpositive", ms.iter().map(|m| m.n_nonpositive as i64).collect::<Vec<_>>()),
        val("students", &|m| m.weight),
        val("mean", &|m| m.mean),
        opt("cv", &|m| m.cv),
        opt("gini", &|m| m.gini),
        opt("theil_t", &|m| m.theil_t),
        opt("mld", &|m| m.mld),
        opt("mcloone", &|m| m.mcloone),
        opt("verstegen", &|m| m.verstegen),
        val("p5", &|m| m.p5),
        val("median", &|m| m.median),
        val("p95", &|m| m.p95),
        val("restricted_range", &|m| m.restricted_range),
        opt("federal_range_ratio", &|m| m.federal_range_ratio),
        opt("max_min_ratio", &|m| m.max_min_ratio),
    ]
}

const KEYS: [&str; 3] = balance::GROUP;

/// Equity measures per (year, county_code, level, standard, indicator), schools as units weighted by pupils.
pub fn equity_table(units: &DataFrame) -> PolarsResult<DataFrame> {
    series_table_of(units, Sources::builtin(units))
}

/// Equity measures (the CV among them) of any unit series, e.g. a scheme's school-level derived indicator.
pub fn series_table(units: &DataFrame, series: Vec<UnitSeries>) -> PolarsResult<DataFrame> {
    series_table_of(units, Sources::Given(series))
}

fn series_table_of(units: &DataFrame, series: Sources) -> PolarsResult<DataFrame> {
    let walked = each_group(units, &KEYS, series, |x, w, _| Some(measures::measures(x, w)))?;
    let ms: Vec<&Measures> = walked.rows().into_iter().map(|r| &r.value).collect();
    equity_frame(&walked, &ms)
}

/// The equity table of the measures of a walk, one per row of the walk.
fn equity_frame<T>(walked: &Walked<T>, ms: &[&Measures]) -> PolarsResult<DataFrame> {
    let mut out = walked.assemble(measure_columns(ms))?;
    out.rename("n_units", "n_schools".into())?;
    Ok(out)
}

/// Urban–rural variation per (year, county_code, level, standard, indicator).
pub fn urban_rural_table(units: &DataFrame, grouping: Grouping) -> PolarsResult<DataFrame> {
    let walked = each_group(units, &KEYS, Sources::builtin(units), |x, w, codes| Some(decompose_by(grouping, x, w, codes)))?;
    let ds: Vec<&Decomposition> = walked.rows().into_iter().map(|r| &r.value).collect();
    urban_rural_frame(&walked, &ds, grouping)
}

/// [`equity_table`] and [`urban_rural_table`] of the same units in one walk over their groups (each group's
/// values gathered and sorted once for both).
pub fn equity_and_urban_rural_tables(units: &DataFrame, grouping: Grouping) -> PolarsResult<(DataFrame, DataFrame)> {
    let walked = each_group(units, &KEYS, Sources::builtin(units), |x, w, codes| {
        Some((measures::measures(x, w), decompose_by(grouping, x, w, codes)))
    })?;
    let rows = walked.rows();
    let ms: Vec<&Measures> = rows.iter().map(|r| &r.value.0).collect();
    let ds: Vec<&Decomposition> = rows.iter().map(|r| &r.value.1).collect();
    Ok((equity_frame(&walked, &ms)?, urban_rural_frame(&walked, &ds, grouping)?))
}

/// The urban–rural decomposition of one group's values, the parts given by the units' urban–rural codes.
fn decompose_by(grouping: Grouping, x: &[f64], w: &[f64], codes: &[i32]) -> Decomposition {
    let part: Vec<usize> = codes.iter().map(|c| grouping.part(*c)).collect();
    decompose(x, w, &part, grouping.parts())
}

/// The urban–rural table of the decompositions of a walk, one per row of the walk.
fn urban_rural_frame<T>(walked: &Walked<T>, ds: &[&Decomposition], grouping: Grouping) -> PolarsResult<DataFrame> {
    // Column slot of urban, town, rural in the parts.
    let slot = |name: &str| match (grouping, name) {
        (_, "urban") => Some(0),
        (Grouping::Three, "town") => Some(1),
        (Grouping::Three, "rural") => Some(2),
        (Grouping::Two, "rural") => Some(1),
        _ => None,
    };
    let mut columns = vec![column("grouping", vec![grouping.id(); ds.len()])];
    for name in ["urban", "town", "rural"] {
        let part = |d: &Decomposition| slot(name).map(|s| d.parts[s].clone());
        columns.push(column(&format!("schools_{name}"), ds.iter().map(|d| part(d).map(|p| p.n as i64)).collect::<Vec<_>>()));
        columns.push(column(&format!("students_{name}"), ds.iter().map(|d| part(d).map(|p| p.weight)).collect::<Vec<_>>()));
        columns.push(column(&format!("mean_{name}"), ds.iter().map(|d| part(d).and_then(|p| p.mean)).collect::<Vec<_>>()));
    }
    let mean = |d: &Decomposition, name: &str| slot(name).and_then(|s| d.parts[s].mean);
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(a / b),
        _ => None,
    };
    columns.extend([
        column("rural_urban_ratio", ds.iter().map(|d| ratio(mean(d, "rural"), mean(d, "urban"))).collect::<Vec<_>>()),
        column("town_urban_ratio", ds.iter().map(|d| ratio(mean(d, "town"), mean(d, "urban"))).collect::<Vec<_>>()),
        column(
            "gap_urban_rural",
            ds.iter().map(|d| mean(d, "urban").zip(mean(d, "rural")).map(|(u, r)| u - r)).collect::<Vec<_>>(),
        ),
        column("between_cv", ds.iter().map(|d| d.between_cv).collect::<Vec<_>>()),
        column("between_share", ds.iter().map(|d| d.between_share).collect::<Vec<_>>()),
        column("theil_t", ds.iter().map(|d| d.theil_t).collect::<Vec<_>>()),
        column("theil_between", ds.iter().map(|d| d.theil_between).collect::<Vec<_>>()),
        column("theil_within", ds.iter().map(|d| d.theil_within).collect::<Vec<_>>()),
    ]);
    walked.assemble(columns)
}

/// Where counties are grouped for measures across counties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Across {
    Prefecture,
    Province,
}

impl Across {
    pub fn id(self) -> &'static str {
        match self {
            Across::Prefecture => "prefecture",
            Across::Province => "province",
        }
    }
}

/// Equity measures across the counties of each prefecture or province: the units are counties, their values
/// the county means of [`balance::cv_table`], their weights the county pupils of that indicator.
/// `counties` is the counties table.
pub fn across_table(cv: &DataFrame, counties: &DataFrame, across: Across) -> PolarsResult<DataFrame> {
    let (code, name) = match across {
        Across::Prefecture => ("prefecture_code", "prefecture_name"),
        Across::Province => ("province_code", "province_name"),
    };
    let keys = ["year", "area_code", "area_name", "level", "standard", "indicator"];
    let frame = cv
        .clone()
        .lazy()
        .filter(col("mean").is_not_null().and(col("students").gt(lit(0.0))))
        .join(
            counties.clone().lazy().select([col("county_code"), col(code).alias("area_code"), col(name).alias("area_name")]),
            [col("county_code")],
            [col("county_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .collect()?;
    let (group_keys, ranges) = groups(&frame, &keys)?;
    let (mean, students) = (floats(&frame, "mean")?, floats(&frame, "students")?);
    let mut ms = Vec::with_capacity(ranges.len());
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for members in &ranges {
        pairs.clear();
        pairs.extend(members.iter().map(|&i| (mean[i].unwrap_or(0.0), students[i].unwrap_or(0.0))));
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let (x, w): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
        ms.push(measures::measures(&x, &w));
    }
    let refs: Vec<&Measures> = ms.iter().collect();
    let mut out = group_keys;
    out.with_column(column("across", vec![across.id(); refs.len()]))?;
    for c in measure_columns(&refs) {
        out.with_column(c)?;
    }
    out.rename("n_units", "n_counties".into())?;
    Ok(out)
}

#[cfg(test)]
mod tests;
