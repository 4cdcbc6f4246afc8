//! What an observation point measures: the metric references of a scheme (`cv:quality:junior:…`), parsed and
//! checked, and the limit the rules give each.

use std::collections::HashSet;

use super::Op;
use crate::balance::{BASIC_INDICATORS, Config, QUALITY_INDICATORS};
use crate::model;

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
    /// Percent of the compulsory schools that pass a school check of 政府保障程度 (`school_rate:class_size`,
    /// `school_rate:school_size`, `school_rate:music_art_rooms`, `school_rate:public_funds`).
    SizeRate(String),
    /// The largest of the 7 quality CVs of a level (`quality_cvs:LEVEL`): all 7 are within the limit when it is.
    QualityCvs { level: String },
    /// The number of school units of a level failing the quality school rule (`schools_failing:LEVEL`).
    SchoolsFailing { level: String },
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
pub const SCHOOL_RATES: &[&str] = &["class_size", "school_size", "music_art_rooms", "public_funds"];
pub const URBAN_RURAL_COLUMNS: &[&str] =
    &["rural_urban_ratio", "town_urban_ratio", "gap_urban_rural", "between_cv", "between_share", "theil_t", "theil_between", "theil_within"];

impl Metric {
    /// Parses a metric reference; the error says what was expected.
    pub(super) fn parse(text: &str, derived: &HashSet<String>, school_derived: &HashSet<String>) -> Result<Metric, String> {
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
            ["school_rate", r] => Ok(Metric::SizeRate(one_of("school rate", r, SCHOOL_RATES)?)),
            ["quality_cvs", l] => Ok(Metric::QualityCvs { level: level(l)? }),
            ["schools_failing", l] => Ok(Metric::SchoolsFailing { level: level(l)? }),
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
                 balance:basic:LEVEL:composite_cv, cv:STANDARD:LEVEL:INDICATOR, quality_cvs:LEVEL, schools_failing:LEVEL, \
                 school_pass_rate:LEVEL, school_rate:CHECK, \
                 equity:MEASURE:STANDARD:LEVEL:INDICATOR, urban_rural:COLUMN:STANDARD:LEVEL:INDICATOR, derived:ID, \
                 derived_cv:ID:LEVEL or derived_equity:MEASURE:ID:LEVEL"
            )),
        }
    }

    /// How a value compares with the limit the rules give this metric; `None` for metrics the rules set no limit
    /// on.
    pub fn rule_op(&self) -> Option<Op> {
        match self {
            Metric::Cv { standard, .. } if standard == "quality" => Some(Op::Le),
            Metric::QualityCvs { .. } | Metric::CompositeCv { .. } | Metric::SchoolsFailing { .. } => Some(Op::Le),
            Metric::SizeRate(_) => Some(Op::Ge),
            _ => None,
        }
    }

    /// The limit the rules give this metric, and how a value compares with it: a CV at most its limit, no school
    /// failing, every school passing a check. `None` for metrics the rules set no limit on.
    pub fn rule_limit(&self, cfg: &Config) -> Option<(Op, f64)> {
        let per_level = |l: &str, v: &crate::balance::config::PerLevel| if l == "primary" { v.primary } else { v.junior };
        match self {
            Metric::Cv { standard, level, .. } if standard == "quality" => Some((Op::Le, per_level(level, &cfg.quality.cv_max))),
            Metric::QualityCvs { level } => Some((Op::Le, per_level(level, &cfg.quality.cv_max))),
            Metric::CompositeCv { level } => Some((Op::Le, per_level(level, &cfg.basic.composite_cv_max))),
            Metric::SchoolsFailing { .. } => Some((Op::Le, 0.0)),
            Metric::SizeRate(_) => Some((Op::Ge, 100.0)),
            _ => None,
        }
    }
}
