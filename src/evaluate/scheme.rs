//! Evaluation schemes as data: a TOML file with metadata, grade cut points, derived county indicators and the
//! tree area → key point (评价重点) → observation point (观测点). Loading checks the whole file and refuses it with
//! the file, line and a message for each problem (unknown metric, missing threshold, duplicate id, points that do
//! not add up to the declared total).

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::balance::{BASIC_INDICATORS, QUALITY_INDICATORS};
use crate::model;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    scheme: RawMeta,
    #[serde(default)]
    derived: Vec<RawDerived>,
    #[serde(default)]
    area: Vec<RawArea>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
    version: String,
    #[serde(default)]
    province: Option<Spanned<String>>,
    years: Spanned<[i32; 2]>,
    total_points: Spanned<f64>,
    grades: Vec<Grade>,
    /// The grade a county gets at best when it fails a veto point (default: the lowest grade).
    #[serde(default)]
    veto_grade: Option<String>,
}

/// A grade and the lowest total that earns it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub name: String,
    pub min: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    id: Spanned<String>,
    title_zh: String,
    /// `county` (default): over county indicators; `school`: over level-unit columns, per school and level.
    #[serde(default)]
    level: Option<Spanned<String>>,
    /// For school-level indicators: which schools count, `basic` (default) or `quality`.
    #[serde(default)]
    scope: Option<String>,
    /// A DuckDB SQL expression.
    sql: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    title_zh: String,
    #[serde(default)]
    title: String,
    key_point: Vec<RawKeyPoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyPoint {
    id: Spanned<String>,
    title_zh: String,
    #[serde(default)]
    title: String,
    point: Vec<RawPoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    id: Spanned<String>,
    title_zh: String,
    #[serde(default)]
    title: String,
    points: f64,
    metric: Spanned<String>,
    #[serde(default = "default_scoring")]
    scoring: Spanned<String>,
    #[serde(default)]
    op: Option<Spanned<String>>,
    #[serde(default)]
    threshold: Option<Spanned<toml::Value>>,
    /// For `linear`: the value that earns nothing and the value that earns every point.
    #[serde(default)]
    zero_at: Option<f64>,
    #[serde(default)]
    full_at: Option<f64>,
    #[serde(default)]
    veto: bool,
    /// Years the point applies to (default: all the scheme's years).
    #[serde(default)]
    years: Option<Spanned<[i32; 2]>>,
}

fn default_scoring() -> Spanned<String> {
    Spanned::new(0..0, "pass_fail".to_string())
}

/// A threshold: one number, a range for `between`, or a table with a `default`, numbers by funding region
/// (`east`, `central`, `west`) and numbers from a year on (`from_2022`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Threshold {
    Value(f64),
    Range([f64; 2]),
    ByRegion(BTreeMap<String, f64>),
}

impl Threshold {
    /// The threshold that applies in `region` in `year` (`[low, high]`; a single value has low = high): the
    /// region's own number, else the latest `from_YYYY` not after `year`, else `default`.
    pub fn resolve(&self, region: &str, year: i32) -> Option<(f64, f64)> {
        match self {
            Threshold::Value(v) => Some((*v, *v)),
            Threshold::Range([a, b]) => Some((*a, *b)),
            Threshold::ByRegion(m) => {
                let from_year = m
                    .iter()
                    .filter_map(|(k, v)| Some((k.strip_prefix("from_")?.parse::<i32>().ok()?, *v)))
                    .filter(|(y, _)| *y <= year)
                    .max_by_key(|(y, _)| *y)
                    .map(|(_, v)| v);
                m.get(region).copied().or(from_year).or_else(|| m.get("default").copied()).map(|v| (v, v))
            }
        }
    }

    /// Reads a threshold as written in a scheme; the error is a plain sentence.
    fn from_value(v: &toml::Value) -> Result<Threshold, String> {
        use toml::Value as V;
        let number = |v: &V| match v {
            V::Integer(i) => Some(*i as f64),
            V::Float(f) => Some(*f),
            _ => None,
        };
        let shapes = "a number (85), a range for between ([80, 90]) or a table ({ default = 85, east = 90 })";
        match v {
            V::Integer(_) | V::Float(_) => Ok(Threshold::Value(number(v).expect("a number"))),
            V::Array(a) => match a.as_slice() {
                [lo, hi] => match (number(lo), number(hi)) {
                    (Some(lo), Some(hi)) if lo <= hi => Ok(Threshold::Range([lo, hi])),
                    (Some(lo), Some(hi)) => Err(format!("the range [{lo}, {hi}] is reversed: write [{hi}, {lo}]")),
                    _ => Err("a range holds two numbers: [low, high]".into()),
                },
                _ => Err("a range holds two numbers: [low, high]".into()),
            },
            V::Table(t) => {
                let mut m = BTreeMap::new();
                for (k, v) in t {
                    let v = number(v).ok_or_else(|| format!("threshold key {k:?} needs a number"))?;
                    m.insert(k.clone(), v);
                }
                let all_regions = ["east", "central", "west"].iter().all(|r| m.contains_key(*r));
                if !m.contains_key("default") && !all_regions {
                    return Err("a threshold table needs a `default` (or a number for each of east, central and west): \
                                a county of another region would have no threshold"
                        .into());
                }
                Ok(Threshold::ByRegion(m))
            }
            V::String(s) if s.trim().parse::<f64>().is_ok() => {
                Err(format!("the threshold is the text \"{s}\": write the number without quotes (threshold = {})", s.trim()))
            }
            _ => Err(format!("a threshold is {shapes}")),
        }
    }

    /// Keys a threshold table may not hold.
    fn unknown_keys(&self) -> Vec<String> {
        match self {
            Threshold::ByRegion(m) => m
                .keys()
                .filter(|k| {
                    !matches!(k.as_str(), "default" | "east" | "central" | "west")
                        && k.strip_prefix("from_").and_then(|y| y.parse::<i32>().ok()).is_none()
                })
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// What a point measures.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// A county indicator as reported (`indicator:ID`).
    Indicator(String),
    /// A qualitative verdict the county reports as 1 or 0 (`reported:ID`), shown as reported.
    Reported(String),
    /// A growth rule check, 1 when passed (`check:ID`).
    Check(String),
    /// A balance verdict, 1 when met (`balance:STANDARD:LEVEL:met`).
    BalanceMet { standard: String, level: String },
    /// The basic composite CV (`balance:basic:LEVEL:composite_cv`).
    CompositeCv { level: String },
    /// One indicator's CV (`cv:STANDARD:LEVEL:INDICATOR`).
    Cv { standard: String, level: String, indicator: String },
    /// Share of schools passing the quality school rule, in percent (`school_pass_rate:LEVEL`).
    SchoolPassRate { level: String },
    /// Percent of schools within the class-size or school-size limit (`school_rate:class_size`, `school_rate:school_size`).
    SizeRate(String),
    /// An equity measure (`equity:MEASURE:STANDARD:LEVEL:INDICATOR`).
    Equity { measure: String, standard: String, level: String, indicator: String },
    /// An urban–rural column, three-way grouping (`urban_rural:COLUMN:STANDARD:LEVEL:INDICATOR`).
    UrbanRural { column: String, standard: String, level: String, indicator: String },
    /// A derived county indicator of the scheme (`derived:ID`).
    Derived(String),
    /// A measure across schools of a school-level derived indicator (`derived_cv:ID:LEVEL`,
    /// `derived_equity:MEASURE:ID:LEVEL`).
    DerivedSchool { measure: String, id: String, level: String },
}

pub const CHECKS: &[&str] = &[
    "budget_not_decreasing",
    "per_student_not_decreasing",
    "public_funds_primary",
    "public_funds_junior",
    "public_funds_special",
    "matching_funds",
    "teacher_pay",
];
pub const EQUITY_MEASURES: &[&str] =
    &["cv", "gini", "theil_t", "mld", "mcloone", "verstegen", "restricted_range", "federal_range_ratio", "max_min_ratio"];
pub const URBAN_RURAL_COLUMNS: &[&str] =
    &["rural_urban_ratio", "town_urban_ratio", "gap_urban_rural", "between_cv", "between_share", "theil_t", "theil_between", "theil_within"];

impl Metric {
    /// Parses a metric reference; the error says what was expected.
    fn parse(text: &str, derived: &HashSet<String>, school_derived: &HashSet<String>) -> Result<Metric, String> {
        let parts: Vec<&str> = text.split(':').collect();
        let level = |l: &str| -> Result<String, String> {
            if matches!(l, "primary" | "junior") { Ok(l.into()) } else { Err(format!("level {l:?}: expected primary or junior")) }
        };
        let standard_indicator = |s: &str, i: &str| -> Result<(String, String), String> {
            let ids = match s {
                "basic" => BASIC_INDICATORS,
                "quality" => QUALITY_INDICATORS,
                _ => return Err(format!("standard {s:?}: expected basic or quality")),
            };
            if ids.contains(&i) { Ok((s.into(), i.into())) } else { Err(format!("{i:?} is not a {s} indicator; expected one of {}", ids.join(", "))) }
        };
        let one_of = |what: &str, v: &str, list: &[&str]| -> Result<String, String> {
            if list.contains(&v) { Ok(v.into()) } else { Err(format!("{what} {v:?}: expected one of {}", list.join(", "))) }
        };
        match parts.as_slice() {
            ["indicator", id] | ["reported", id] => {
                if model::indicator(id).is_none() && !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(format!("indicator id {id:?} is not an id"));
                }
                Ok(if parts[0] == "indicator" { Metric::Indicator(id.to_string()) } else { Metric::Reported(id.to_string()) })
            }
            ["check", id] => Ok(Metric::Check(one_of("check", id, CHECKS)?)),
            ["balance", s, l, "met"] => {
                one_of("standard", s, &["basic", "quality"])?;
                Ok(Metric::BalanceMet { standard: s.to_string(), level: level(l)? })
            }
            ["balance", "basic", l, "composite_cv"] => Ok(Metric::CompositeCv { level: level(l)? }),
            ["cv", s, l, i] => {
                let (standard, indicator) = standard_indicator(s, i)?;
                Ok(Metric::Cv { standard, level: level(l)?, indicator })
            }
            ["school_pass_rate", l] => Ok(Metric::SchoolPassRate { level: level(l)? }),
            ["school_rate", r] => Ok(Metric::SizeRate(one_of("school rate", r, &["class_size", "school_size"])?)),
            ["equity", m, s, l, i] => {
                let measure = one_of("equity measure", m, EQUITY_MEASURES)?;
                let (standard, indicator) = standard_indicator(s, i)?;
                Ok(Metric::Equity { measure, standard, level: level(l)?, indicator })
            }
            ["urban_rural", c, s, l, i] => {
                let column = one_of("urban-rural column", c, URBAN_RURAL_COLUMNS)?;
                let (standard, indicator) = standard_indicator(s, i)?;
                Ok(Metric::UrbanRural { column, standard, level: level(l)?, indicator })
            }
            ["derived", id] if derived.contains(*id) => Ok(Metric::Derived(id.to_string())),
            ["derived", id] => Err(format!("no county-level derived indicator {id:?} is defined in this scheme")),
            ["derived_cv", id, l] | ["derived_equity", _, id, l] if !school_derived.contains(*id) => {
                let _ = l;
                Err(format!("no school-level derived indicator {id:?} is defined in this scheme"))
            }
            ["derived_cv", id, l] => Ok(Metric::DerivedSchool { measure: "cv".into(), id: id.to_string(), level: level(l)? }),
            ["derived_equity", m, id, l] => {
                Ok(Metric::DerivedSchool { measure: one_of("equity measure", m, EQUITY_MEASURES)?, id: id.to_string(), level: level(l)? })
            }
            _ => Err(format!(
                "unknown metric {text:?}; expected indicator:ID, reported:ID, check:ID, balance:STANDARD:LEVEL:met, \
                 balance:basic:LEVEL:composite_cv, cv:STANDARD:LEVEL:INDICATOR, school_pass_rate:LEVEL, school_rate:class_size, \
                 school_rate:school_size, \
                 equity:MEASURE:STANDARD:LEVEL:INDICATOR, urban_rural:COLUMN:STANDARD:LEVEL:INDICATOR, derived:ID, \
                 derived_cv:ID:LEVEL or derived_equity:MEASURE:ID:LEVEL"
            )),
        }
    }
}

/// How a point turns a value into points.
#[derive(Clone, Debug, PartialEq)]
pub enum Scoring {
    /// Every point when the comparison holds, none otherwise.
    PassFail { op: Op, threshold: Threshold },
    /// Points in proportion between `zero_at` (none) and `full_at` (all), clamped.
    Linear { zero_at: f64, full_at: f64 },
    /// Points in proportion to a share (0–100%).
    Share,
    /// A reported verdict: 1 earns every point, 0 none.
    Reported,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Ge,
    Le,
    Eq,
    Between,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Le => "≤",
            Op::Eq => "=",
            Op::Between => "between",
        }
    }
}

/// One observation point.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub id: String,
    pub area: String,
    pub key_point: String,
    pub title_zh: String,
    pub title: String,
    pub points: f64,
    pub metric: Metric,
    pub scoring: Scoring,
    pub veto: bool,
    pub years: Option<[i32; 2]>,
    /// The line of the point's `id` in the scheme file.
    pub line: usize,
}

/// A derived indicator: a DuckDB expression over county indicators, or (school level) over level-unit columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub id: String,
    pub title_zh: String,
    pub sql: String,
    /// School level: computed per level unit, measured across schools like the built-in indicators.
    pub school: bool,
    /// For school level: `basic` or `quality` scope.
    pub scope: String,
}

/// A checked scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheme {
    pub name: String,
    pub version: String,
    pub province: Option<String>,
    pub years: [i32; 2],
    pub total_points: f64,
    /// Highest first.
    pub grades: Vec<Grade>,
    pub veto_grade: String,
    pub derived: Vec<Derived>,
    pub points: Vec<Point>,
    /// Area and key-point titles by id: (Chinese, English).
    pub titles: BTreeMap<String, (String, String)>,
}

/// The two digits a province's county codes start with, for a scheme's `province` (`140000` or `14`); `None` for
/// text that is not a province code. `national` has no prefix and is handled by the caller.
fn province_prefix(province: &str) -> Option<&str> {
    if province == "national" {
        return Some("");
    }
    let digits = province.bytes().all(|b| b.is_ascii_digit());
    let code = digits && (province.len() == 2 || (province.len() == 6 && province.ends_with("0000")));
    (code && ("11".."66").contains(&&province[..2])).then(|| &province[..2])
}

/// Line (1-based) of a byte offset.
fn line_of(text: &str, span: &Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}

impl Scheme {
    /// Loads a scheme file; the error lists every problem as `file:line: message`.
    pub fn load(path: &Path) -> Result<Scheme, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Scheme::parse(&text).map_err(|problems| {
            problems.iter().map(|(line, m)| format!("{}:{line}: {m}", path.display())).collect::<Vec<_>>().join("\n")
        })
    }

    /// Parses and checks scheme text; problems come as (line, message).
    pub fn parse(text: &str) -> Result<Scheme, Vec<(usize, String)>> {
        let raw: RawScheme = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, &s)).unwrap_or(1);
            vec![(line, e.message().to_string())]
        })?;
        let mut problems = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut check_id = |id: &Spanned<String>, problems: &mut Vec<(usize, String)>| {
            if !seen.insert(id.get_ref().clone()) {
                problems.push((line_of(text, &id.span()), format!("duplicate id {:?}", id.get_ref())));
            }
        };
        let is_school = |d: &RawDerived| d.level.as_ref().is_some_and(|l| l.get_ref() == "school");
        let derived_ids: HashSet<String> = raw.derived.iter().filter(|d| !is_school(d)).map(|d| d.id.get_ref().clone()).collect();
        let school_ids: HashSet<String> = raw.derived.iter().filter(|d| is_school(d)).map(|d| d.id.get_ref().clone()).collect();
        for d in &raw.derived {
            check_id(&d.id, &mut problems);
            if let Some(l) = &d.level
                && !matches!(l.get_ref().as_str(), "county" | "school")
            {
                problems.push((line_of(text, &l.span()), format!("derived {}: level {:?}: expected county or school", d.id.get_ref(), l.get_ref())));
            }
            if let Some(s) = &d.scope
                && !matches!(s.as_str(), "basic" | "quality")
            {
                problems.push((line_of(text, &d.id.span()), format!("derived {}: scope {s:?}: expected basic or quality", d.id.get_ref())));
            }
        }
        let [first, last] = *raw.scheme.years.get_ref();
        if first > last {
            problems.push((line_of(text, &raw.scheme.years.span()), format!("years [{first}, {last}] are reversed: write [{last}, {first}]")));
        }
        if let Some(p) = &raw.scheme.province
            && province_prefix(p.get_ref()).is_none()
        {
            problems.push((
                line_of(text, &p.span()),
                format!("province {:?}: expected \"national\" or a province code such as 140000 (山西)", p.get_ref()),
            ));
        }
        let mut grades = raw.scheme.grades.clone();
        grades.sort_by(|a, b| b.min.total_cmp(&a.min));
        if grades.is_empty() {
            problems.push((1, "[scheme] needs at least one grade".into()));
        }
        let veto_grade = raw.scheme.veto_grade.clone().or_else(|| grades.last().map(|g| g.name.clone())).unwrap_or_default();
        if !grades.iter().any(|g| g.name == veto_grade) {
            problems.push((1, format!("veto_grade {veto_grade:?} is not one of the grades")));
        }
        let mut points = Vec::new();
        let mut titles = BTreeMap::new();
        for area in &raw.area {
            check_id(&area.id, &mut problems);
            titles.insert(area.id.get_ref().clone(), (area.title_zh.clone(), area.title.clone()));
            for kp in &area.key_point {
                check_id(&kp.id, &mut problems);
                titles.insert(kp.id.get_ref().clone(), (kp.title_zh.clone(), kp.title.clone()));
                for p in &kp.point {
                    check_id(&p.id, &mut problems);
                    let at = |s: &Spanned<String>| line_of(text, &s.span());
                    let line = at(&p.id);
                    let metric = match Metric::parse(p.metric.get_ref(), &derived_ids, &school_ids) {
                        Ok(m) => m,
                        Err(e) => {
                            problems.push((at(&p.metric), format!("point {}: {e}", p.id.get_ref())));
                            continue;
                        }
                    };
                    let scoring = match (p.scoring.get_ref().as_str(), &metric) {
                        (_, Metric::Reported(_)) => Scoring::Reported,
                        ("pass_fail", _) => {
                            let op = match p.op.as_ref().map(|o| o.get_ref().as_str()) {
                                Some(">=") | None => Op::Ge,
                                Some("<=") => Op::Le,
                                Some("=") => Op::Eq,
                                Some("between") => Op::Between,
                                Some(other) => {
                                    problems.push((line, format!("point {}: op {other:?}: expected >=, <=, = or between", p.id.get_ref())));
                                    continue;
                                }
                            };
                            let implicit = matches!(metric, Metric::Check(_) | Metric::BalanceMet { .. }).then_some(Threshold::Value(1.0));
                            let written = match p.threshold.as_ref().map(|t| (Threshold::from_value(t.get_ref()), line_of(text, &t.span()))) {
                                Some((Ok(t), _)) => Some(t),
                                Some((Err(e), at_line)) => {
                                    problems.push((at_line, format!("point {}: {e}", p.id.get_ref())));
                                    continue;
                                }
                                None => None,
                            };
                            match (written.or(implicit), op) {
                                (None, _) => {
                                    problems.push((line, format!("point {}: a pass_fail point needs a threshold", p.id.get_ref())));
                                    continue;
                                }
                                (Some(Threshold::Range(_)), o) if o != Op::Between => {
                                    problems.push((line, format!("point {}: a [low, high] threshold needs op = \"between\"", p.id.get_ref())));
                                    continue;
                                }
                                (Some(t @ Threshold::Range(_)), _) => Scoring::PassFail { op, threshold: t },
                                (Some(_), Op::Between) => {
                                    problems.push((line, format!("point {}: op \"between\" needs threshold = [low, high]", p.id.get_ref())));
                                    continue;
                                }
                                (Some(t), _) => {
                                    if let Some(k) = t.unknown_keys().first() {
                                        problems.push((line, format!("point {}: threshold key {k:?}: expected default, east, central, west or from_YYYY", p.id.get_ref())));
                                        continue;
                                    }
                                    Scoring::PassFail { op, threshold: t }
                                }
                            }
                        }
                        ("linear", _) => match (p.zero_at, p.full_at) {
                            (Some(z), Some(f)) if z != f => Scoring::Linear { zero_at: z, full_at: f },
                            _ => {
                                problems.push((line, format!("point {}: linear scoring needs zero_at and full_at, different", p.id.get_ref())));
                                continue;
                            }
                        },
                        ("share", _) => Scoring::Share,
                        (other, _) => {
                            problems.push((
                                at(&p.scoring),
                                format!("point {}: scoring {other:?}: expected pass_fail, linear or share", p.id.get_ref()),
                            ));
                            continue;
                        }
                    };
                    if p.points < 0.0 {
                        problems.push((line, format!("point {}: points must not be negative", p.id.get_ref())));
                    }
                    if let Some(y) = &p.years
                        && y.get_ref()[0] > y.get_ref()[1]
                    {
                        let [a, b] = *y.get_ref();
                        problems.push((line_of(text, &y.span()), format!("point {}: years [{a}, {b}] are reversed: write [{b}, {a}]", p.id.get_ref())));
                    }
                    points.push(Point {
                        id: p.id.get_ref().clone(),
                        area: area.id.get_ref().clone(),
                        key_point: kp.id.get_ref().clone(),
                        title_zh: p.title_zh.clone(),
                        title: p.title.clone(),
                        points: p.points,
                        metric,
                        scoring,
                        veto: p.veto,
                        years: p.years.as_ref().map(|y| *y.get_ref()),
                        line,
                    });
                }
            }
        }
        let sum: f64 = raw.area.iter().flat_map(|a| &a.key_point).flat_map(|k| &k.point).map(|p| p.points).sum();
        let total = *raw.scheme.total_points.get_ref();
        if (sum - total).abs() > 1e-9 {
            problems.push((
                line_of(text, &raw.scheme.total_points.span()),
                format!("the points of the observation points add up to {sum}, not the declared total_points = {total}"),
            ));
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(problems);
        }
        Ok(Scheme {
            name: raw.scheme.name,
            version: raw.scheme.version,
            province: raw.scheme.province.map(Spanned::into_inner).filter(|p| p != "national"),
            years: raw.scheme.years.into_inner(),
            total_points: total,
            grades,
            veto_grade,
            derived: raw
                .derived
                .into_iter()
                .map(|d| Derived {
                    school: d.level.as_ref().is_some_and(|l| l.get_ref() == "school"),
                    scope: d.scope.unwrap_or_else(|| "basic".into()),
                    id: d.id.into_inner(),
                    title_zh: d.title_zh,
                    sql: d.sql,
                })
                .collect(),
            points,
            titles,
        })
    }

    /// The two digits the county codes of the scheme's province start with (`None` for a national scheme).
    pub fn province_prefix(&self) -> Option<&str> {
        self.province.as_deref().and_then(province_prefix).filter(|p| !p.is_empty())
    }

    /// The grade of a total, capped at the veto grade when a veto point failed.
    pub fn grade(&self, total: f64, vetoed: bool) -> String {
        let by_total = self.grades.iter().find(|g| total >= g.min - 1e-9).or(self.grades.last()).map(|g| g.name.clone()).unwrap_or_default();
        if !vetoed {
            return by_total;
        }
        let rank = |name: &str| self.grades.iter().position(|g| g.name == name).unwrap_or(usize::MAX);
        if rank(&by_total) < rank(&self.veto_grade) { self.veto_grade.clone() } else { by_total }
    }
}
