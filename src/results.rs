//! The metric tables the commands store, declared once: name, the command that writes them, and which input
//! rows each row was computed from, so that a load that replaces a county-year removes exactly the stored rows
//! that depended on it.
//!
//! A stored metric row is never older than the data it describes: `ingest` and `sql --write` remove, in the same
//! transaction, every row whose inputs they replace (see `warehouse::load`), and a command that computes a subset
//! (`--county`, `--year`) replaces exactly that subset.

/// Which input rows a metric row depends on, given its `county_code` and `year` (or its window, or its area).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depends {
    /// The county-year's schools and indicators only (balance, equity, urban–rural).
    CountyYear,
    /// The county-year and the year before it (year-on-year growth, funding checks, evaluations that use them).
    CountyYearAndPrevious,
    /// Every year from `from_year` to `to_year` of the county (growth windows).
    CountyWindow,
    /// Every county of the area (`area_code`: a prefecture or province code) in the year (equity across counties).
    AreaYear,
}

/// A stored metric table.
#[derive(Clone, Copy, Debug)]
pub struct ResultTable {
    pub name: &'static str,
    /// The command that computes and stores it.
    pub written_by: &'static str,
    pub depends: Depends,
}

const fn table(name: &'static str, written_by: &'static str, depends: Depends) -> ResultTable {
    ResultTable { name, written_by, depends }
}

/// Every metric table, in the order a reader meets them.
pub const RESULT_TABLES: &[ResultTable] = &[
    table("balance_cv", "balance", Depends::CountyYear),
    table("balance_verdicts", "balance", Depends::CountyYear),
    table("balance_schools", "balance", Depends::CountyYear),
    table("school_checks", "balance", Depends::CountyYear),
    table("equity", "equity", Depends::CountyYear),
    table("equity_across", "equity --across", Depends::AreaYear),
    table("urban_rural", "urban-rural", Depends::CountyYear),
    table("growth", "growth", Depends::CountyYearAndPrevious),
    table("growth_checks", "growth", Depends::CountyYearAndPrevious),
    table("growth_window", "growth --window", Depends::CountyWindow),
    table("evaluation", "evaluate", Depends::CountyYearAndPrevious),
    table("evaluation_summary", "evaluate", Depends::CountyYearAndPrevious),
];

/// The declaration of a metric table, by name.
pub fn result_table(name: &str) -> Option<&'static ResultTable> {
    RESULT_TABLES.iter().find(|t| t.name == name)
}

/// A hint for a DuckDB error that names a metric table that has not been computed yet ("Table with name
/// balance_cv does not exist"): which command computes it.
pub fn missing_table_hint(message: &str) -> Option<String> {
    let rest = message.split("Table with name ").nth(1)?;
    let name = rest.split(" does not exist").next()?.trim();
    let table = result_table(name)?;
    Some(format!(
        "{name} is a metric table that has not been computed in this warehouse yet: run `countyedu {}` first",
        table.written_by
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_metric_table_names_the_command_that_computes_it() {
        let msg = "Catalog Error: Table with name balance_verdicts does not exist!\nDid you mean \"duckdb_views\"?";
        assert_eq!(
            missing_table_hint(msg).unwrap(),
            "balance_verdicts is a metric table that has not been computed in this warehouse yet: run `countyedu balance` first"
        );
        assert_eq!(missing_table_hint("Catalog Error: Table with name nope does not exist!"), None);
    }
}
