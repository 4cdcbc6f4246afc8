//! Unit costs of the planner's resources, read from a costs file (`config/costs.toml`, or --costs FILE): every
//! key required, every value a finite number ≥ 0, and what is wrong named with its key.

use serde::Deserialize;

use super::{K, Unit};
use crate::rules::{OutOfDomain, key_line};

/// The largest unit cost or ratio the costs file may give.
const MAX_PRICE: f64 = 1e9;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Teachers {
    pub annual_pay_yuan: f64,
    pub hiring_cost_yuan: f64,
    pub basis: String,
    pub backbone_designation_yuan: f64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Building {
    pub teaching_area_yuan_per_m2: f64,
    pub multimedia_room_yuan: f64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grounds {
    pub sports_area_yuan_per_m2: f64,
    pub land_flag_ratio: f64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    pub yuan_per_yuan: f64,
}

/// The unit costs of a plan.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    pub teachers: Teachers,
    pub building: Building,
    pub grounds: Grounds,
    pub equipment: Equipment,
}

/// The national defaults, as shipped.
pub const NATIONAL_TOML: &str = include_str!("../../config/costs.toml");

impl Costs {
    pub fn national() -> Costs {
        Costs::from_toml(NATIONAL_TOML).expect("the shipped costs file is valid")
    }

    pub fn from_toml(text: &str) -> Result<Costs, String> {
        let c: Costs = toml::from_str(text).map_err(|e| e.to_string())?;
        let values = [
            ("teachers.annual_pay_yuan", c.teachers.annual_pay_yuan),
            ("teachers.hiring_cost_yuan", c.teachers.hiring_cost_yuan),
            ("teachers.backbone_designation_yuan", c.teachers.backbone_designation_yuan),
            ("building.teaching_area_yuan_per_m2", c.building.teaching_area_yuan_per_m2),
            ("building.multimedia_room_yuan", c.building.multimedia_room_yuan),
            ("grounds.sports_area_yuan_per_m2", c.grounds.sports_area_yuan_per_m2),
            ("grounds.land_flag_ratio", c.grounds.land_flag_ratio),
            ("equipment.yuan_per_yuan", c.equipment.yuan_per_yuan),
        ];
        // A price above MAX_PRICE makes a plan's cost overflow any sum a reader can check (a national plan adds
        // millions of units); no teacher, ㎡ or room costs a billion 元.
        let problems: Vec<String> = values
            .iter()
            .filter(|(_, v)| !v.is_finite() || *v < 0.0 || *v > MAX_PRICE)
            .map(|(key, value)| OutOfDomain { key: key.to_string(), value: *value, expected: "a number ≥ 0 and at most 1,000,000,000" }.located("", Some(text)))
            .collect();
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        if !["one_year_pay", "hiring_only"].contains(&c.teachers.basis.as_str()) {
            let line = key_line(text, "teachers.basis").map_or(String::new(), |l| format!("{l}: "));
            return Err(format!("{line}teachers.basis = {:?}: expected \"one_year_pay\" or \"hiring_only\"", c.teachers.basis));
        }
        Ok(c)
    }

    /// What one teacher hired costs: hiring, and the first year's pay on the "one_year_pay" basis.
    pub fn teacher(&self) -> f64 {
        self.teachers.hiring_cost_yuan + if self.teachers.basis == "one_year_pay" { self.teachers.annual_pay_yuan } else { 0.0 }
    }

    /// The cost of `add` whole units of resource `k` (quality indicator order) at `u`: backbone teachers are
    /// designated among the unit's other teachers first, then hired.
    pub fn price(&self, k: usize, add: f64, u: &Unit) -> f64 {
        debug_assert!(k < K);
        if add <= 0.0 {
            return 0.0;
        }
        match k {
            0 | 2 => add * self.teacher(),
            1 => {
                let designated = add.min(u.designable.max(0.0));
                designated * self.teachers.backbone_designation_yuan + (add - designated) * (self.teacher() + self.teachers.backbone_designation_yuan)
            }
            3 => add * self.building.teaching_area_yuan_per_m2,
            4 => add * self.grounds.sports_area_yuan_per_m2,
            5 => add * self.equipment.yuan_per_yuan,
            _ => add * self.building.multimedia_room_yuan,
        }
    }
}
