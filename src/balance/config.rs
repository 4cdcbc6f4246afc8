//! Balance rules as configuration: split ratios, scopes, CV limits, school standards, size limits. The national
//! values are `config/national/balance.toml`; a province's rules folder changes some of them (see
//! [`crate::rules`]).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Level, QUALITY_INDICATORS};

/// Weights of enrolment by level, for splitting whole-school resources.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SplitWeights {
    pub primary: f64,
    pub junior: f64,
    pub senior: f64,
}

/// A value per level.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PerLevel {
    pub primary: f64,
    pub junior: f64,
}

impl PerLevel {
    pub fn get(&self, level: Level) -> f64 {
        match level {
            Level::Primary => self.primary,
            Level::Junior => self.junior,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Basic {
    pub composite_cv_max: PerLevel,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SchoolRule {
    pub min_met: u32,
    pub min_ratio: f64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    pub cv_max: PerLevel,
    pub school_rule: SchoolRule,
    /// Per level, indicator id → standard.
    pub standards: BTreeMap<String, BTreeMap<String, f64>>,
}

/// School and class size limits, and the special rooms per class.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub class_max_primary: f64,
    pub class_max_junior: f64,
    pub school_max: f64,
    pub school_max_combined: f64,
    /// At least one music room and one art room for every this many classes.
    pub classes_per_music_art_room: f64,
}

/// All balance rules.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Indoor sports rooms count as sports space: subtracted from the teaching area and added to the sports area.
    /// (`exclude_indoor_sports_from_teaching_area`, the name of the earlier key that only subtracted, is read as
    /// this one.)
    #[serde(alias = "exclude_indoor_sports_from_teaching_area")]
    pub indoor_sports_rooms_are_sports_space: bool,
    pub quality_min_teaching_point_students: f64,
    pub size: Size,
    /// School type → weights; `default` for types not listed.
    pub split: BTreeMap<String, SplitWeights>,
    pub basic: Basic,
    pub quality: Quality,
}

/// The national rules, as shipped in config/national/balance.toml.
pub const NATIONAL_TOML: &str = include_str!("../../config/national/balance.toml");

impl Default for Config {
    fn default() -> Self {
        Config::from_toml(NATIONAL_TOML).expect("the shipped config/national/balance.toml is valid")
    }
}

impl Config {
    /// Parses and checks a configuration; the message names what is wrong.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        Config::from_value(toml::from_str(text).map_err(|e| e.to_string())?)
    }

    /// Reads and checks a configuration from a parsed TOML table (the national one with a province's keys laid
    /// over it): its layout, then every value against its domain (the first value outside it is the error).
    pub fn from_value(value: toml::Table) -> Result<Config, String> {
        let cfg = Config::parse(value)?;
        match cfg.out_of_domain().first() {
            Some(p) => Err(p.to_string()),
            None => Ok(cfg),
        }
    }

    /// Every value outside its domain: a CV limit, a standard, a split weight or a size limit that is not a
    /// positive number, a school rule that is not 1–7 standards and a share in (0, 1]. Such values load, and give
    /// nonsense verdicts (a negative weight gave CVs of 18).
    pub fn out_of_domain(&self) -> Vec<crate::rules::OutOfDomain> {
        use crate::rules::OutOfDomain;
        let mut out = Vec::new();
        let mut check = |key: String, value: f64, ok: bool, expected: &'static str| {
            if !ok || !value.is_finite() {
                out.push(OutOfDomain { key, value, expected });
            }
        };
        let t = self.quality_min_teaching_point_students;
        check("quality_min_teaching_point_students".into(), t, t >= 0.0, "a number of pupils ≥ 0");
        let s = &self.size;
        for (k, v) in [
            ("class_max_primary", s.class_max_primary),
            ("class_max_junior", s.class_max_junior),
            ("school_max", s.school_max),
            ("school_max_combined", s.school_max_combined),
            ("classes_per_music_art_room", s.classes_per_music_art_room),
        ] {
            check(format!("size.{k}"), v, v > 0.0, "a number of pupils or classes > 0");
        }
        // A senior weight of 0 leaves senior pupils out of the split; a compulsory level must have a weight.
        for (school_type, w) in &self.split {
            for (level, v) in [("primary", w.primary), ("junior", w.junior)] {
                check(format!("split.{school_type}.{level}"), v, v > 0.0, "a weight > 0");
            }
            check(format!("split.{school_type}.senior"), w.senior, w.senior >= 0.0, "a weight ≥ 0");
        }
        for (key, limits) in [("basic.composite_cv_max", self.basic.composite_cv_max), ("quality.cv_max", self.quality.cv_max)] {
            for (level, v) in [("primary", limits.primary), ("junior", limits.junior)] {
                check(format!("{key}.{level}"), v, v > 0.0, "a CV limit > 0");
            }
        }
        let rule = self.quality.school_rule;
        check("quality.school_rule.min_met".into(), rule.min_met.into(), (1..=QUALITY_INDICATORS.len() as u32).contains(&rule.min_met), "a number of standards from 1 to 7");
        check("quality.school_rule.min_ratio".into(), rule.min_ratio, rule.min_ratio > 0.0 && rule.min_ratio <= 1.0, "a share of the standard > 0 and ≤ 1");
        for (level, standards) in &self.quality.standards {
            for (id, v) in standards {
                check(format!("quality.standards.{level}.{id}"), *v, *v > 0.0, "a standard > 0");
            }
        }
        out
    }

    /// Reads a configuration and checks its layout (every level's 7 standards, a default split).
    pub(crate) fn parse(value: toml::Table) -> Result<Config, String> {
        let cfg: Config = value.try_into().map_err(|e: toml::de::Error| e.to_string())?;
        if !cfg.split.contains_key("default") {
            return Err("[split.default] is missing: it gives the weights of types not listed".into());
        }
        for level in [Level::Primary, Level::Junior] {
            let Some(standards) = cfg.quality.standards.get(level.id()) else {
                return Err(format!("[quality.standards.{}] is missing", level.id()));
            };
            for id in QUALITY_INDICATORS {
                if !standards.contains_key(*id) {
                    return Err(format!("[quality.standards.{}] has no standard for {id}", level.id()));
                }
            }
            if let Some(extra) = standards.keys().find(|k| !QUALITY_INDICATORS.contains(&k.as_str())) {
                return Err(format!("[quality.standards.{}]: {extra} is not one of the 7 quality indicators", level.id()));
            }
        }
        Ok(cfg)
    }

    pub fn weights(&self, school_type: &str) -> SplitWeights {
        self.split.get(school_type).copied().unwrap_or(self.split["default"])
    }

    pub fn standard(&self, level: Level, indicator: &str) -> f64 {
        self.quality.standards[level.id()][indicator]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_holds_the_national_values() {
        let c = Config::default();
        assert_eq!(c.weights("nine_year"), SplitWeights { primary: 1.0, junior: 1.1, senior: 1.32 });
        assert_eq!(c.weights("complete_secondary").senior, 1.2);
        assert_eq!(c.weights("primary"), c.split["default"]);
        assert_eq!(c.basic.composite_cv_max, PerLevel { primary: 0.65, junior: 0.55 });
        assert_eq!(c.quality.cv_max, PerLevel { primary: 0.50, junior: 0.45 });
        assert_eq!(c.standard(Level::Junior, "sports_area_per_student"), 10.2);
        assert_eq!(c.standard(Level::Primary, "equipment_value_per_student"), 2000.0);
        assert_eq!(c.quality.school_rule, SchoolRule { min_met: 6, min_ratio: 0.85 });
        assert!(!c.indoor_sports_rooms_are_sports_space, "the national rules give the plain formulas of 2017");
        assert_eq!(
            c.size,
            Size { class_max_primary: 45.0, class_max_junior: 50.0, school_max: 2000.0, school_max_combined: 2500.0, classes_per_music_art_room: 12.0 }
        );
    }

    #[test]
    fn a_broken_config_is_refused_with_a_reason() {
        let missing = NATIONAL_TOML.replace("multimedia_rooms_per_100 = 2.4", "");
        assert!(Config::from_toml(&missing).unwrap_err().contains("junior] has no standard for multimedia_rooms_per_100"));
        let unknown = NATIONAL_TOML.replace("quality_min_teaching_point_students", "quality_min_students");
        assert!(Config::from_toml(&unknown).is_err());
    }
}
