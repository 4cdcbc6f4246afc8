//! Funding floors (生均公用经费 基准定额) as data: national floors by region and year, provincial overrides.
//! The floor that applies is the largest of the national one for the county's region and its province's own,
//! each taken at the latest `from_year` not after the year in question.

use serde::Deserialize;

/// One row of a standards table (CSV: scope, region, level, from_year, amount, source).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct StandardRow {
    /// `national`, or a 6-digit province code (e.g. 140000 for 山西).
    pub scope: String,
    /// `east`, `central`, `west`, or `all`.
    pub region: String,
    /// `primary`, `junior` or `special`.
    pub level: String,
    pub from_year: i32,
    /// 元 per pupil per year.
    pub amount: f64,
    #[serde(default)]
    pub source: String,
}

/// The floor that applies, and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Floor {
    pub amount: f64,
    pub source: String,
}

#[derive(Clone, Debug, Default)]
pub struct Standards {
    rows: Vec<StandardRow>,
}

/// The national floors shipped in config/national/funding_standards.csv.
pub const NATIONAL_CSV: &str = include_str!("../../config/national/funding_standards.csv");

impl Standards {
    /// Parses a standards CSV; errors name the line.
    pub fn from_csv(text: &str) -> Result<Standards, String> {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for (i, rec) in rdr.deserialize::<StandardRow>().enumerate() {
            let line = i + 2;
            let row = rec.map_err(|e| format!("{line}: {e}"))?;
            if !matches!(row.level.as_str(), "primary" | "junior" | "special") {
                return Err(format!("{line}: level {:?}: expected primary, junior or special", row.level));
            }
            if !matches!(row.region.as_str(), "east" | "central" | "west" | "all") {
                return Err(format!("{line}: region {:?}: expected east, central, west or all", row.region));
            }
            if row.scope != "national" && !(row.scope.len() == 6 && row.scope.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!("{line}: scope {:?}: expected national or a province's 6-digit code (140000)", row.scope));
            }
            if !row.amount.is_finite() || row.amount < 0.0 {
                return Err(format!("{line}: amount {}: expected an amount of 元 per pupil ≥ 0", row.amount));
            }
            let years = crate::model::YEAR_RANGE;
            if !(years.0..=years.1).contains(&i64::from(row.from_year)) {
                return Err(format!("{line}: from_year {}: expected a year from {} to {}", row.from_year, years.0, years.1));
            }
            rows.push(row);
        }
        Ok(Standards { rows })
    }

    /// The national floors.
    pub fn national() -> Standards {
        Standards::from_csv(NATIONAL_CSV).expect("the shipped config/national/funding_standards.csv is valid")
    }

    /// Every row, national and provincial.
    pub fn rows(&self) -> &[StandardRow] {
        &self.rows
    }

    /// Adds rows (a provincial file) to these; a row already held is not added twice.
    pub fn extend(&mut self, other: Standards) {
        for row in other.rows {
            if !self.rows.contains(&row) {
                self.rows.push(row);
            }
        }
    }

    /// The primary and junior floors of every (year, county) of `county_years` (`year`, `county_code`), with
    /// `counties` (`county_code`, `province_code`, `region`): `year, county_code, floor_primary, floor_junior`.
    pub fn floors_frame(&self, county_years: &polars::prelude::DataFrame, counties: &polars::prelude::DataFrame) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
        use polars::prelude::*;
        let areas: std::collections::HashMap<&str, (String, &str)> = {
            let (c, r) = (counties.column("county_code")?.str()?, counties.column("region")?.str()?);
            (0..counties.height()).filter_map(|i| Some((c.get(i)?, (crate::model::province_of(c.get(i)?), r.get(i)?)))).collect()
        };
        let (years, codes) = (county_years.column("year")?.i32()?, county_years.column("county_code")?.str()?);
        let (mut y, mut c, mut fp, mut fj) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..county_years.height() {
            let (Some(year), Some(code)) = (years.get(i), codes.get(i)) else { continue };
            let (province, region) = areas.get(code).map(|(p, r)| (p.as_str(), *r)).unwrap_or(("", ""));
            y.push(year);
            c.push(code.to_string());
            fp.push(self.floor(province, region, "primary", year).map(|f| f.amount));
            fj.push(self.floor(province, region, "junior", year).map(|f| f.amount));
        }
        DataFrame::new_infer_height(vec![
            Column::new("year".into(), y),
            Column::new("county_code".into(), c),
            Column::new("floor_primary".into(), fp),
            Column::new("floor_junior".into(), fj),
        ])
    }

    /// The floor for a county of `province` in `region`, at `level`, in `year`.
    pub fn floor(&self, province: &str, region: &str, level: &str, year: i32) -> Option<Floor> {
        let latest = |scope_ok: &dyn Fn(&StandardRow) -> bool| {
            self.rows
                .iter()
                .filter(|r| scope_ok(r) && r.level == level && r.from_year <= year && (r.region == "all" || r.region == region))
                .max_by_key(|r| r.from_year)
        };
        let national = latest(&|r| r.scope == "national");
        let provincial = latest(&|r| r.scope == province);
        [national, provincial]
            .into_iter()
            .flatten()
            .max_by(|a, b| a.amount.total_cmp(&b.amount))
            .map(|r| Floor { amount: r.amount, source: if r.source.is_empty() { r.scope.clone() } else { r.source.clone() } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_floors_follow_region_and_year() {
        let s = Standards::national();
        assert_eq!(s.floor("140000", "central", "primary", 2016).unwrap().amount, 600.0);
        assert_eq!(s.floor("330000", "east", "junior", 2016).unwrap().amount, 850.0);
        assert_eq!(s.floor("140000", "central", "primary", 2017).unwrap().amount, 650.0);
        assert_eq!(s.floor("140000", "central", "special", 2021).unwrap().amount, 6000.0);
        assert_eq!(s.floor("140000", "central", "primary", 2015), None);
    }

    #[test]
    fn a_provincial_floor_raises_the_national_one() {
        let mut s = Standards::national();
        s.extend(Standards::from_csv("scope,region,level,from_year,amount,source\n140000,all,primary,2021,930,晋 2021\n").unwrap());
        assert_eq!(s.floor("140000", "central", "primary", 2021).unwrap(), Floor { amount: 930.0, source: "晋 2021".into() });
        assert_eq!(s.floor("140000", "central", "primary", 2020).unwrap().amount, 650.0);
        assert_eq!(s.floor("410000", "central", "primary", 2021).unwrap().amount, 650.0);
        assert!(Standards::from_csv("scope,region,level,from_year,amount\nnational,north,primary,2016,1\n").unwrap_err().starts_with("2: region"));
        assert!(Standards::from_csv("scope,region,level,from_year,amount\n140000,all,primary,2021,-930\n").unwrap_err().starts_with("2: amount -930"));
    }
}
