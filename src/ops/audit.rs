//! The data audit as one call: every flag of the selected county-years ([`crate::audit`]), and whether each county
//! verdict would change if the flagged school-years were left out or took their expected values (the engine's own
//! verdicts, computed again in the sandbox, as the planner checks its plans).

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::{Computed, Inputs};
use crate::audit::{self, YearInputs, screens};
use crate::balance::{self, sql};
use crate::error::Result;
use crate::lang::Lang;
use crate::warehouse::{Scope, engine};

/// The flags and the verdicts they could change.
pub struct Audited {
    /// One row per flag ([`audit::COLUMNS`]); `sensitive` names the verdicts a flag could change.
    pub flags: DataFrame,
    /// One row per county verdict (year, county, level, standard) that has suspected flags: the verdict, the
    /// verdict without the flagged school-years and with their expected values, and whether it is sensitive.
    pub verdicts: DataFrame,
    scope: Scope,
}

impl Computed for Audited {
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, Scope)>> {
        Ok(vec![("audit", self.flags.clone(), self.scope.clone()), ("audit_verdicts", self.verdicts.clone(), self.scope.clone())])
    }
}

/// The columns of `audit_verdicts`, in order (before the rules' stamp).
pub const VERDICT_COLUMNS: [&str; 10] =
    ["year", "county_code", "level", "standard", "met", "met_without_flagged", "met_with_expected", "sensitive", "flags", "message"];

/// Audits the selection, a year at a time (the year before is read beside it; strata take every school of the
/// provinces of the selected counties), in the stored tables' Chinese words.
pub fn audit(inputs: &Inputs) -> Result<Audited> {
    audit_in(inputs, Lang::Zh)
}

/// [`audit`], its messages and the verdicts' names worded in `lang` (an English report's).
pub fn audit_in(inputs: &Inputs, lang: Lang) -> Result<Audited> {
    let (wh, rules) = (inputs.wh, inputs.rules);
    let selection = &inputs.selection;
    let areas = inputs.areas()?;
    let codes = crate::ops::strings(areas, "county_code")?;
    // The counties whose schools the strata take: every county of the selected counties' provinces.
    let provinces: BTreeSet<String> = selection.counties.iter().map(|c| c[..2.min(c.len())].to_string()).collect();
    let strata: Vec<String> = if selection.counties.is_empty() { Vec::new() } else { codes.iter().filter(|c| provinces.contains(&c[..2.min(c.len())])).cloned().collect() };
    let mut years: BTreeSet<i32> = inputs.years()?.into_iter().collect();
    let indicator_years = wh.query_df("SELECT DISTINCT year FROM county_indicators")?;
    let with_indicators: Vec<i32> = crate::ops::f64s(&indicator_years, "year")?.into_iter().flatten().map(|y| y as i32).collect();
    years.extend(with_indicators.into_iter().filter(|y| selection.years.is_empty() || selection.years.contains(y)));
    // Each year is read once: a year is the year after of one part and the year before of the next.
    let mut held: BTreeMap<i32, DataFrame> = BTreeMap::new();
    let mut read = |year: i32| -> Result<LazyFrame> {
        if let Some(df) = held.get(&year) {
            return Ok(df.clone().lazy());
        }
        let scope = Scope::all().text("county_code", &strata).int("year", &[year]);
        let df = screens::prepare(wh.read_schools(screens::READS, &scope)?.lazy(), false).collect()?;
        held.retain(|y, _| *y >= year - 2);
        held.insert(year, df.clone());
        Ok(df.lazy())
    };
    let (mut all_flags, mut all_verdicts) = (Vec::new(), Vec::new());
    for year in years {
        let counties_filter = if selection.counties.is_empty() { "true".to_string() } else { format!("county_code IN ({})", selection.counties.iter().map(|c| sql::text(c)).collect::<Vec<_>>().join(", ")) };
        let indicators = wh.query_df(&format!(
            "SELECT year, county_code, indicator, value FROM county_indicators WHERE year IN ({}, {}) AND {counties_filter}",
            year - 1,
            year
        ))?;
        let (before, now, after) = (read(year - 1)?, read(year)?, read(year + 1)?);
        let year_inputs = YearInputs { year, now, before, after, indicators: indicators.lazy() };
        let flags = audit::flags(&year_inputs, &rules.audit, &selection.counties, lang)?;
        let schools = year_inputs.now.clone().collect()?;
        let (flags, verdicts) = sensitivity(year, flags, &schools, &rules.balance, lang)?;
        all_flags.push(flags.lazy());
        all_verdicts.push(unaffected(year, verdicts, &schools, &selection.counties, lang)?.lazy());
    }
    let concat_or_empty = |parts: Vec<LazyFrame>, empty: DataFrame| -> Result<DataFrame> {
        if parts.is_empty() {
            return Ok(empty);
        }
        Ok(concat(parts, UnionArgs::default())?.collect()?)
    };
    Ok(Audited {
        flags: concat_or_empty(all_flags, empty_flags()?)?,
        verdicts: concat_or_empty(all_verdicts, empty_verdicts()?)?,
        scope: selection.scope(),
    })
}

fn empty_flags() -> Result<DataFrame> {
    let types = [
        DataType::Int32,
        DataType::String,
        DataType::String,
        DataType::String,
        DataType::String,
        DataType::String,
        DataType::Float64,
        DataType::String,
        DataType::String,
        DataType::Float64,
        DataType::String,
        DataType::String,
        DataType::Float64,
        DataType::String,
    ];
    Ok(DataFrame::new(0, audit::COLUMNS.iter().zip(types).map(|(c, t)| Column::new_empty((*c).into(), &t)).collect())?)
}

fn empty_verdicts() -> Result<DataFrame> {
    let types = [DataType::Int32, DataType::String, DataType::String, DataType::String, DataType::Boolean, DataType::Boolean, DataType::Boolean, DataType::Boolean, DataType::String, DataType::String];
    Ok(DataFrame::new(0, VERDICT_COLUMNS.iter().zip(types).map(|(c, t)| Column::new_empty((*c).into(), &t)).collect())?)
}

/// The verdicts with a row for every other level taught in each audited county (sensitive false, the verdict
/// itself not restated): every audited county-year has rows, so that a reader tells "checked, nothing suspect"
/// from "not checked".
fn unaffected(year: i32, verdicts: DataFrame, schools: &DataFrame, counties: &[String], lang: Lang) -> Result<DataFrame> {
    let held: BTreeSet<(String, String, String)> = {
        let (c, l, s) = (crate::ops::strings(&verdicts, "county_code")?, crate::ops::strings(&verdicts, "level")?, crate::ops::strings(&verdicts, "standard")?);
        (0..verdicts.height()).map(|i| (c[i].clone(), l[i].clone(), s[i].clone())).collect()
    };
    let codes = crate::ops::strings(schools, "county_code")?;
    let (p, j) = (crate::ops::f64s(schools, "primary_students")?, crate::ops::f64s(schools, "junior_students")?);
    let mut taught: BTreeSet<(String, &str)> = BTreeSet::new();
    for i in 0..schools.height() {
        if !counties.is_empty() && !counties.contains(&codes[i]) {
            continue;
        }
        if p[i].unwrap_or(0.0) > 0.0 {
            taught.insert((codes[i].clone(), "primary"));
        }
        if j[i].unwrap_or(0.0) > 0.0 {
            taught.insert((codes[i].clone(), "junior"));
        }
    }
    let mut extra: Vec<(String, &str, &str)> = Vec::new();
    for (county, level) in &taught {
        for standard in ["basic", "quality"] {
            if !held.contains(&(county.clone(), level.to_string(), standard.to_string())) {
                extra.push((county.clone(), level, standard));
            }
        }
    }
    let n = extra.len();
    let rows = DataFrame::new_infer_height(vec![
        Column::new("year".into(), vec![year; n]),
        Column::new("county_code".into(), extra.iter().map(|e| e.0.clone()).collect::<Vec<_>>()),
        Column::new("level".into(), extra.iter().map(|e| e.1).collect::<Vec<_>>()),
        Column::new("standard".into(), extra.iter().map(|e| e.2).collect::<Vec<_>>()),
        Column::new("met".into(), vec![None::<bool>; n]),
        Column::new("met_without_flagged".into(), vec![None::<bool>; n]),
        Column::new("met_with_expected".into(), vec![None::<bool>; n]),
        Column::new("sensitive".into(), vec![false; n]),
        Column::new("flags".into(), vec![String::new(); n]),
        Column::new("message".into(), vec![lang.t("未发现可能改变该结论的疑似数据", "no suspect value that could change the verdict").to_string(); n]),
    ])?;
    Ok(concat([verdicts.lazy(), rows.lazy()], UnionArgs::default())?.sort(["county_code", "level", "standard"], Default::default()).collect()?)
}

/// A county verdict's key: county, level, standard.
type Key = (String, String, String);

/// The engine's verdict (met) of every county, level and standard of several schools frames at once (the data as
/// it is, and its variants), computed in one sandbox run by the SQL and functions `balance` uses: each frame's
/// counties are told apart by a tag put before their code (`tag|code`), which the verdicts are keyed by again.
fn verdicts(frames: &[(String, DataFrame)], cfg: &balance::Config) -> Result<BTreeMap<(String, Key), Option<bool>>> {
    let mut out = BTreeMap::new();
    let tagged: Vec<LazyFrame> = frames
        .iter()
        .filter(|(_, f)| f.height() > 0)
        .map(|(tag, f)| f.clone().lazy().with_column((lit(format!("{tag}|")) + col("county_code")).alias("county_code")))
        .collect();
    if tagged.is_empty() {
        return Ok(out);
    }
    let mut s = concat(tagged, UnionArgs::default())?.collect()?;
    let mut units = engine::frames_query(&mut [("schools", &mut s)], &sql::units("schools", "true", cfg))?;
    if units.height() == 0 {
        return Ok(out);
    }
    let cv = engine::frames_query(&mut [("units", &mut units)], &sql::cvs("units", cfg))?;
    let table = balance::school_table(&units.lazy(), &cv.clone().lazy(), cfg);
    let v = balance::verdict_table(&cv.lazy(), &table, cfg).collect()?;
    let (c, l, st, met) = (crate::ops::strings(&v, "county_code")?, crate::ops::strings(&v, "level")?, crate::ops::strings(&v, "standard")?, v.column("met")?.bool()?.clone());
    for i in 0..v.height() {
        let (tag, code) = c[i].split_once('|').unwrap_or(("", &c[i]));
        out.insert((tag.to_string(), (code.to_string(), l[i].clone(), st[i].clone())), met.get(i));
    }
    Ok(out)
}

/// The school columns that enter a balance verdict (a flag on another column, public funds or classes, cannot
/// change one).
const VERDICT_COLUMNS_OF_SCHOOLS: &[&str] = &[
    "primary_students", "junior_students", "senior_students", "teaching_area_m2", "sports_area_m2", "equipment_value_yuan", "computers", "books",
    "multimedia_rooms", "indoor_sports_area_m2", "primary_teachers", "primary_degree_teachers", "primary_titled_teachers", "primary_backbone_teachers",
    "primary_pe_art_teachers", "junior_teachers", "junior_degree_teachers", "junior_titled_teachers", "junior_backbone_teachers", "junior_pe_art_teachers",
    "pupils",
];

/// The verdicts of the counties with suspected school flags, as they are, without the flagged school-years and
/// with the flagged values at their expected values; each flag's `sensitive` names the verdicts it could change.
fn sensitivity(year: i32, flags: DataFrame, schools: &DataFrame, cfg: &balance::Config, lang: Lang) -> Result<(DataFrame, DataFrame)> {
    let suspected = Series::new("s".into(), audit::SUSPECTED.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let flagged = flags
        .clone()
        .lazy()
        .filter(
            col("school_id")
                .is_not_null()
                .and(col("rule").is_in(lit(suspected).implode(false), false))
                .and(col("column").is_in(lit(Series::new("v".into(), VERDICT_COLUMNS_OF_SCHOOLS.iter().map(|c| c.to_string()).collect::<Vec<_>>())).implode(false), false)),
        )
        .select([col("county_code"), col("school_id"), col("column"), col("rule"), col("compared_with")])
        .collect()?;
    if flagged.height() == 0 {
        return Ok((flags, empty_verdicts()?));
    }
    let (fc, fs, fcol, frule, fexp) =
        (crate::ops::strings(&flagged, "county_code")?, crate::ops::strings(&flagged, "school_id")?, crate::ops::strings(&flagged, "column")?, crate::ops::strings(&flagged, "rule")?, flagged.column("compared_with")?.f64()?.clone());
    let counties: BTreeSet<String> = fc.iter().cloned().collect();
    let ours = schools
        .clone()
        .lazy()
        .filter(col("county_code").is_in(lit(Series::new("c".into(), counties.iter().cloned().collect::<Vec<_>>())).implode(false), false))
        .select(screens::READS.iter().map(|c| col(*c)).collect::<Vec<_>>())
        .collect()?;
    let flagged_schools: BTreeSet<(String, String)> = fc.iter().cloned().zip(fs.iter().cloned()).collect();
    let keep_schools = |df: &DataFrame, drop: &BTreeSet<(String, String)>| -> Result<DataFrame> {
        let (c, s) = (crate::ops::strings(df, "county_code")?, crate::ops::strings(df, "school_id")?);
        let mask: BooleanChunked = (0..df.height()).map(|i| !drop.contains(&(c[i].clone(), s[i].clone()))).collect();
        Ok(df.filter(&mask)?)
    };
    let without = keep_schools(&ours, &flagged_schools)?;
    // Expected values: where a screen says what the value should be near (a slip's or an outlier's), and a part
    // above its whole at its whole.
    let mut expected = ours.clone();
    let mut replace: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
    {
        let (c, s) = (crate::ops::strings(&ours, "county_code")?, crate::ops::strings(&ours, "school_id")?);
        let row_of: BTreeMap<(String, String), usize> = (0..ours.height()).map(|i| ((c[i].clone(), s[i].clone()), i)).collect();
        for i in 0..flagged.height() {
            let replaceable = matches!(frule[i].as_str(), "unit_slip_year_on_year" | "unit_slip_stratum" | "hidiroglou_berthelot" | "robust_outlier" | "part_above_whole");
            if let (true, Some(v), Some(&row)) = (replaceable, fexp.get(i), row_of.get(&(fc[i].clone(), fs[i].clone()))) {
                if expected.column(&fcol[i]).is_ok() {
                    replace.entry(fcol[i].clone()).or_default().push((row, v));
                }
            }
        }
    }
    for (column, values) in &replace {
        let old = expected.column(column)?.cast(&DataType::Float64)?;
        let mut new: Vec<Option<f64>> = old.f64()?.iter().collect();
        for (row, v) in values {
            new[*row] = Some(v.round().max(0.0));
        }
        let dtype = expected.column(column)?.dtype().clone();
        let series = Series::new(column.as_str().into(), new).cast(&dtype)?;
        expected.with_column(series.into_column())?;
    }
    let all = verdicts(&[("as_is".into(), ours.clone()), ("without".into(), without), ("expected".into(), expected)], cfg)?;
    let of = |tag: &str| -> BTreeMap<Key, Option<bool>> { all.iter().filter(|((t, _), _)| t == tag).map(|((_, k), m)| (k.clone(), *m)).collect() };
    let (as_is, left_out, at_expected) = (of("as_is"), of("without"), of("expected"));
    let by_county: BTreeMap<&String, Vec<&String>> = flagged_schools.iter().fold(BTreeMap::new(), |mut m, (c, s)| {
        m.entry(c).or_default().push(s);
        m
    });
    let sensitive_keys: Vec<(&Key, &Option<bool>)> = as_is
        .iter()
        .filter(|(key, met)| {
            by_county.contains_key(&key.0)
                && (**met != left_out.get(*key).copied().flatten() || (!replace.is_empty() && **met != at_expected.get(*key).copied().flatten()))
        })
        .collect();
    // Which of the flagged schools a sensitive verdict hangs on: each school left out alone (up to 10 a county),
    // all in one more sandbox run.
    let mut alone_frames = Vec::new();
    for county in sensitive_keys.iter().map(|(k, _)| &k.0).collect::<BTreeSet<_>>() {
        let schools_of = &by_county[county];
        if schools_of.len() > 1 && schools_of.len() <= 10 {
            let theirs = keep_schools(&ours, &BTreeSet::new())?.lazy().filter(col("county_code").eq(lit(county.as_str()))).collect()?;
            for s in schools_of {
                let one: BTreeSet<(String, String)> = [(county.to_string(), s.to_string())].into();
                alone_frames.push((format!("alone {s}"), keep_schools(&theirs, &one)?));
            }
        }
    }
    let alone = verdicts(&alone_frames, cfg)?;
    let mut rows: Vec<(Key, Option<bool>, Option<bool>, Option<bool>, bool, Vec<String>)> = Vec::new();
    let mut sensitive_of: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (key, met) in &as_is {
        let Some(schools_of) = by_county.get(&key.0) else { continue };
        let (a, b) = (left_out.get(key).copied().flatten(), at_expected.get(key).copied().flatten());
        let sensitive = sensitive_keys.iter().any(|(k, _)| *k == key);
        let mut hangs: Vec<String> = schools_of.iter().map(|s| s.to_string()).collect();
        let flips: Vec<String> =
            schools_of.iter().filter(|s| alone.get(&(format!("alone {s}"), key.clone())).is_some_and(|m| m != met)).map(|s| s.to_string()).collect();
        if sensitive && !flips.is_empty() {
            hangs = flips;
        }
        if sensitive {
            for s in &hangs {
                sensitive_of.entry((key.0.clone(), s.clone())).or_default().push(verdict_name(&key.1, &key.2, lang));
            }
        }
        rows.push((key.clone(), *met, a, b, sensitive, hangs));
    }
    let word = |m: Option<bool>| lang.word(m.map_or("无结论", |m| if m { "达到" } else { "未达到" }));
    let frame = DataFrame::new_infer_height(vec![
        Column::new("year".into(), vec![year; rows.len()]),
        Column::new("county_code".into(), rows.iter().map(|r| r.0.0.clone()).collect::<Vec<_>>()),
        Column::new("level".into(), rows.iter().map(|r| r.0.1.clone()).collect::<Vec<_>>()),
        Column::new("standard".into(), rows.iter().map(|r| r.0.2.clone()).collect::<Vec<_>>()),
        Column::new("met".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new("met_without_flagged".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        Column::new("met_with_expected".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        Column::new("sensitive".into(), rows.iter().map(|r| r.4).collect::<Vec<_>>()),
        Column::new("flags".into(), rows.iter().map(|r| r.5.join(", ")).collect::<Vec<_>>()),
        Column::new(
            "message".into(),
            rows.iter()
                .map(|r| {
                    let name = verdict_name(&r.0.1, &r.0.2, lang);
                    match (r.4, lang) {
                        (true, Lang::Zh) => format!("数据待核实：{name}现为{}，去掉疑似有误的学校后为{}，按预计值为{}（学校 {}）", word(r.1), word(r.2), word(r.3), r.5.join("、")),
                        (true, Lang::En) => format!(
                            "to be checked: {name} is now {}, {} without the suspect schools, {} with their expected values (schools {})",
                            word(r.1),
                            word(r.2),
                            word(r.3),
                            r.5.join(", ")
                        ),
                        (false, Lang::Zh) => format!("{name}{}，去掉或修正疑似有误的数据后不变", word(r.1)),
                        (false, Lang::En) => format!("{name}: {}, the same without or with corrected suspect values", word(r.1)),
                    }
                })
                .collect::<Vec<_>>(),
        ),
    ])?;
    // Each flag of a school a verdict hangs on names that verdict.
    let (c, s) = (crate::ops::strings(&flags, "county_code")?, crate::ops::strings(&flags, "school_id")?);
    let rule = crate::ops::strings(&flags, "rule")?;
    let sensitive: Vec<Option<String>> = (0..flags.height())
        .map(|i| {
            if !audit::SUSPECTED.contains(&rule[i].as_str()) {
                return None;
            }
            sensitive_of.get(&(c[i].clone(), s[i].clone())).map(|v| v.join("; "))
        })
        .collect();
    let mut flags = flags;
    flags.with_column(Column::new("sensitive".into(), sensitive))?;
    Ok((flags, frame))
}

/// A verdict in words: 小学基本均衡, 初中优质均衡.
pub fn verdict_name(level: &str, standard: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}{}", if level == "primary" { "小学" } else { "初中" }, if standard == "basic" { "基本均衡" } else { "优质均衡（资源配置）" }),
        Lang::En => format!("{} {}", if level == "primary" { "primary" } else { "junior" }, if standard == "basic" { "basic balance" } else { "quality balance (resources)" }),
    }
}
