//! Reports people read: a county's evaluation report ([`county`]) and a province's or prefecture's league
//! ([`league`]), as self-contained HTML (or Markdown) with charts, built from the warehouse alone.
//!
//! Each figure is read from the stored metric table when that table holds the county's rows under the rules in
//! force, and computed now (by the same `ops` calls the commands use, the warehouse opened read-only) when it
//! does not; the report says which. Gathering reads; [`doc`] renders; [`charts`] draws; [`fmt`] writes numbers.

pub mod charts;
pub mod county;
pub mod doc;
pub mod fmt;
pub mod league;

use polars::prelude::*;

use crate::error::Result;
use crate::rules::Rules;
use crate::warehouse::{Value, Warehouse};

pub use crate::lang::Lang;

/// A frame of a metric table for a report, and whether it was read from the stored table (its cells then
/// name their rows) or computed now.
pub struct Got {
    pub df: DataFrame,
    pub stored: Option<&'static str>,
}

impl Got {
    pub fn computed(df: DataFrame) -> Got {
        Got { df, stored: None }
    }

    /// The source of a cell of row `i`, column `column`, keyed by `keys` (columns of the frame), when stored.
    pub fn src(&self, i: usize, keys: &[&str], column: &str) -> Option<String> {
        let table = self.stored?;
        let mut parts = Vec::new();
        for k in keys {
            let c = self.df.column(k).ok()?;
            let v = c.get(i).ok()?;
            let text = match v {
                AnyValue::String(s) => s.to_string(),
                AnyValue::StringOwned(s) => s.to_string(),
                v => v.to_string(),
            };
            parts.push(format!("{k}={}", encode(&text)));
        }
        Some(format!("{table}?{}#{column}", parts.join("&")))
    }

    /// The rows `f` keeps (filtered, sorted) from the same source: a cell's source is read from its own row's keys.
    pub fn select(&self, f: impl FnOnce(LazyFrame) -> LazyFrame) -> Result<Got> {
        Ok(Got { df: f(self.df.clone().lazy()).collect()?, stored: self.stored })
    }

    pub fn f64s(&self, column: &str) -> Result<Vec<Option<f64>>> {
        f64s(&self.df, column)
    }

    pub fn strs(&self, column: &str) -> Result<Vec<Option<String>>> {
        strs(&self.df, column)
    }
}

/// `%`, `&`, `=`, `#` and `?` percent-encoded (the separators of a cell's source).
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '%' | '&' | '=' | '#' | '?' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The reverse of [`encode`].
pub fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let hex: String = chars.by_ref().take(2).collect();
            if let Ok(b) = u8::from_str_radix(&hex, 16) {
                out.push(b as char);
                continue;
            }
            out.push('%');
            out.push_str(&hex);
        } else {
            out.push(c);
        }
    }
    out
}

pub use crate::ops::f64s;

pub fn strs(df: &DataFrame, column: &str) -> Result<Vec<Option<String>>> {
    Ok(df.column(column)?.cast(&DataType::String)?.str()?.iter().map(|s| s.map(str::to_string)).collect())
}

/// The rows of a stored metric table about `where_sql` (with `params`) computed under `rules`, or `None` when
/// the table is missing or holds none (then the caller computes them).
pub fn stored(wh: &Warehouse, table: &'static str, where_sql: &str, params: &[Value], rules: &Rules) -> Result<Option<Got>> {
    if !wh.has_table(table)? {
        return Ok(None);
    }
    let mut p = params.to_vec();
    p.push(Value::Text(rules.hash.clone()));
    let df = wh.query_df_with(&format!("SELECT * EXCLUDE (rules, rules_hash) FROM \"{table}\" WHERE {where_sql} AND rules_hash = ?"), &p)?;
    Ok((df.height() > 0).then_some(Got { df, stored: Some(table) }))
}

/// A named query of `queries/` (its text compiled in) with its parameters, as a frame.
pub fn named(wh: &Warehouse, sql: &str, params: &[(&str, crate::queries::Value)]) -> Result<DataFrame> {
    let params = params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    wh.shipped_query_df(sql, &params)
}

/// "市" for a county-level city, "区" for a district, else "县": 全市 / 全区 / 全县.
pub fn whole(county_name: &str) -> &'static str {
    if county_name.ends_with('市') {
        "全市"
    } else if county_name.ends_with('区') {
        "全区"
    } else {
        "全县"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_source_key_survives_encoding() {
        let s = "县域义务教育优质均衡发展（教督〔2017〕6号）&a=b#c?d%";
        assert_eq!(super::decode(&super::encode(s)), s);
        assert!(!super::encode(s).contains(['&', '=', '#', '?']));
        assert_eq!(super::whole("高平市"), "全市");
        assert_eq!(super::whole("长华县"), "全县");
    }
}
