//! Thresholds as a scheme writes them: a number, a range, a table by region and year, or the rules' own limit.

use std::collections::BTreeMap;

/// A threshold: one number, a range for `between`, or a table with a `default`, numbers by funding region
/// (`east`, `central`, `west`) and numbers from a year on (`from_2022`).
#[derive(Clone, Debug, PartialEq)]
pub enum Threshold {
    Value(f64),
    Range([f64; 2]),
    ByRegion(BTreeMap<String, f64>),
    /// The limit the rules in force give the metric (a CV limit, every school): no number copied into the scheme.
    Rules,
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
            Threshold::Rules => None,
        }
    }

    /// Reads a threshold as written in a scheme; the error is a plain sentence.
    pub(super) fn from_value(v: &toml::Value) -> Result<Threshold, String> {
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
    pub(super) fn unknown_keys(&self) -> Vec<String> {
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
