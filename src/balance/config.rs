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
    /// over it).
    pub fn from_value(value: toml::Table) -> Result<Config, String> {
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
        if cfg.quality.school_rule.min_met as usize > QUALITY_INDICATORS.len() {
            return Err("quality.school_rule.min_met is more than the 7 indicators".into());
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
