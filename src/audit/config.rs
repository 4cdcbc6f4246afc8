//! The audit's rules as configuration (`config/national/audit.toml`, a province's `audit.toml` laid over it):
//! the bounds of the impossible, and the thresholds of every suspicious-value screen.

use serde::Deserialize;

use crate::rules::OutOfDomain;

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Impossible {
    pub average_class_min: f64,
    pub average_class_max: f64,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UnitSlip {
    pub year_on_year_decades: f64,
    pub stratum_decades: f64,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HidiroglouBerthelot {
    pub u: f64,
    pub a: f64,
    pub c: f64,
    pub min_schools: u32,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Robust {
    pub mad_z: f64,
    pub min_schools: u32,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClassSize {
    pub large: f64,
    pub very_large: f64,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct County {
    pub tolerance_pct: f64,
    pub spending_change_pct: f64,
}

/// Every audit rule.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuditRules {
    pub impossible: Impossible,
    pub unit_slip: UnitSlip,
    pub hidiroglou_berthelot: HidiroglouBerthelot,
    pub robust: Robust,
    pub class_size: ClassSize,
    pub county: County,
}

/// The national rules, as shipped in config/national/audit.toml.
pub const NATIONAL_TOML: &str = include_str!("../../config/national/audit.toml");

impl Default for AuditRules {
    fn default() -> Self {
        let rules: AuditRules = toml::from_str(NATIONAL_TOML).expect("the shipped config/national/audit.toml is valid");
        debug_assert!(rules.out_of_domain().is_empty());
        rules
    }
}

impl AuditRules {
    /// Every value outside its domain.
    pub fn out_of_domain(&self) -> Vec<OutOfDomain> {
        let mut out = Vec::new();
        let mut check = |key: &str, value: f64, ok: bool, expected: &'static str| {
            if !ok || !value.is_finite() {
                out.push(OutOfDomain { key: key.to_string(), value, expected });
            }
        };
        let i = self.impossible;
        check("impossible.average_class_min", i.average_class_min, i.average_class_min >= 0.0, "a number of pupils ≥ 0");
        check("impossible.average_class_max", i.average_class_max, i.average_class_max > i.average_class_min, "a number of pupils above average_class_min");
        let s = self.unit_slip;
        check("unit_slip.year_on_year_decades", s.year_on_year_decades, s.year_on_year_decades > 0.0, "a number of decades > 0");
        check("unit_slip.stratum_decades", s.stratum_decades, s.stratum_decades > 0.0, "a number of decades > 0");
        let h = self.hidiroglou_berthelot;
        check("hidiroglou_berthelot.u", h.u, (0.0..=1.0).contains(&h.u), "an exponent from 0 to 1");
        check("hidiroglou_berthelot.a", h.a, h.a >= 0.0 && h.a < 1.0, "a share ≥ 0 and < 1");
        check("hidiroglou_berthelot.c", h.c, h.c > 0.0, "a multiple > 0");
        check("hidiroglou_berthelot.min_schools", h.min_schools.into(), h.min_schools >= 4, "a number of schools ≥ 4 (quartiles need four)");
        let r = self.robust;
        check("robust.mad_z", r.mad_z, r.mad_z > 0.0, "a number of deviations > 0");
        check("robust.min_schools", r.min_schools.into(), r.min_schools >= 3, "a number of schools ≥ 3");
        let c = self.class_size;
        check("class_size.large", c.large, c.large > 0.0, "a number of pupils > 0");
        check("class_size.very_large", c.very_large, c.very_large >= c.large, "a number of pupils ≥ class_size.large");
        let k = self.county;
        check("county.tolerance_pct", k.tolerance_pct, k.tolerance_pct >= 0.0, "a percent ≥ 0");
        check("county.spending_change_pct", k.spending_change_pct, k.spending_change_pct > 0.0, "a percent > 0");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_holds_the_values_of_the_sources() {
        let r = AuditRules::default();
        assert_eq!(r.hidiroglou_berthelot, HidiroglouBerthelot { u: 0.0, a: 0.05, c: 10.0, min_schools: 20 });
        assert_eq!(r.unit_slip.year_on_year_decades, 2.5);
        assert_eq!(r.robust.mad_z, 3.0);
        assert_eq!(r.class_size, ClassSize { large: 56.0, very_large: 66.0 });
        assert_eq!(r.impossible, Impossible { average_class_min: 1.0, average_class_max: 99.0 });
        assert!(r.out_of_domain().is_empty());
    }
}
