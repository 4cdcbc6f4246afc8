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
    /// Every county of the county's province, in the year and the year before: rows ranked among the counties of
    /// their prefecture and province (growth), or read together to rank them (evaluations, whose ranks the reports
    /// and leagues give within the province).
    ProvinceYearAndPrevious,
    /// Every county of the county's province, over the window (growth windows, ranked within prefecture and
    /// province).
    ProvinceWindow,
    /// Every county of the county's province, in the year before, the year and the year after (the audit: its
    /// strata take the province's schools, and a value is checked against the year before or after).
    ProvinceYearAround,
}

/// A stored metric table, declared once: the warehouse creates it from this declaration, inserts by column name
/// and replaces rows by scope; `datasets/RESULTS.md` is generated from it (and a test keeps the two in step).
#[derive(Clone, Copy, Debug)]
pub struct ResultTable {
    pub name: &'static str,
    /// The command that computes and stores it.
    pub written_by: &'static str,
    pub depends: Depends,
    /// The columns that identify a row.
    pub key: &'static [&'static str],
    /// What a row is, in a sentence.
    pub about: &'static str,
    /// The columns and their DuckDB types, in order: `name TYPE, name TYPE, …`.
    pub columns: &'static str,
}

impl ResultTable {
    /// The columns as (name, DuckDB type), in order.
    pub fn columns(&self) -> Vec<(&'static str, &'static str)> {
        self.columns
            .split(", ")
            .map(|c| c.split_once(' ').expect("a column is declared as `name TYPE`"))
            .collect()
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns().into_iter().map(|(n, _)| n).collect()
    }
}

/// Every metric table, in the order a reader meets them.
pub const RESULT_TABLES: &[ResultTable] = &[
    ResultTable {
        name: "balance_cv",
        written_by: "balance",
        depends: Depends::CountyYear,
        key: &["year", "county_code", "level", "standard", "indicator"],
        about: "One inter-school coefficient of variation (差异系数) per county, year, level, standard and indicator, with its limit and whether it is met.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, level VARCHAR, standard VARCHAR, indicator VARCHAR, ",
            "n_schools BIGINT, n_missing BIGINT, students DOUBLE, mean DOUBLE, sd DOUBLE, cv DOUBLE, min DOUBLE, ",
            "max DOUBLE, threshold DOUBLE, met BOOLEAN, note VARCHAR, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "balance_verdicts",
        written_by: "balance",
        depends: Depends::CountyYear,
        key: &["year", "county_code", "level", "standard"],
        about: "The county verdict per level and standard: indicators within their limits, the composite CV (basic), the school rule (quality) and the reason.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, level VARCHAR, standard VARCHAR, indicators BIGINT, ",
            "indicators_met BIGINT, composite_cv DOUBLE, cv_threshold DOUBLE, schools BIGINT, ",
            "schools_passing BIGINT, met BOOLEAN, reason VARCHAR, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "balance_schools",
        written_by: "balance",
        depends: Depends::CountyYear,
        key: &["year", "county_code", "school_id", "level"],
        about: "One row per school unit (a school at one level): the 7 quality indicators side by side with whether each meets its standard, the shortfall and the school's share of the county's variance.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, school_id VARCHAR, school_name VARCHAR, school_type VARCHAR, ",
            "level VARCHAR, students DOUBLE, degree_teachers_per_100 DOUBLE, ",
            "degree_teachers_per_100_met BOOLEAN, degree_teachers_per_100_shortfall DOUBLE, ",
            "degree_teachers_per_100_share DOUBLE, backbone_teachers_per_100 DOUBLE, ",
            "backbone_teachers_per_100_met BOOLEAN, backbone_teachers_per_100_shortfall DOUBLE, ",
            "backbone_teachers_per_100_share DOUBLE, pe_art_teachers_per_100 DOUBLE, ",
            "pe_art_teachers_per_100_met BOOLEAN, pe_art_teachers_per_100_shortfall DOUBLE, ",
            "pe_art_teachers_per_100_share DOUBLE, teach_area_per_student DOUBLE, ",
            "teach_area_per_student_met BOOLEAN, teach_area_per_student_shortfall DOUBLE, ",
            "teach_area_per_student_share DOUBLE, sports_area_per_student DOUBLE, ",
            "sports_area_per_student_met BOOLEAN, sports_area_per_student_shortfall DOUBLE, ",
            "sports_area_per_student_share DOUBLE, equipment_value_per_student DOUBLE, ",
            "equipment_value_per_student_met BOOLEAN, equipment_value_per_student_shortfall DOUBLE, ",
            "equipment_value_per_student_share DOUBLE, multimedia_rooms_per_100 DOUBLE, ",
            "multimedia_rooms_per_100_met BOOLEAN, multimedia_rooms_per_100_shortfall DOUBLE, ",
            "multimedia_rooms_per_100_share DOUBLE, indicators_met BIGINT, school_pass BOOLEAN, cv_drag DOUBLE, ",
            "rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "school_checks",
        written_by: "balance",
        depends: Depends::CountyYear,
        key: &["year", "county_code", "school_id"],
        about: "The school items of 政府保障程度 per compulsory school: class sizes per level, school size, music and art rooms, public funds received against the floors.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, school_id VARCHAR, school_name VARCHAR, school_type VARCHAR, ",
            "compulsory_pupils DOUBLE, school_size_limit DOUBLE, school_size_ok BOOLEAN, max_class_size BIGINT, ",
            "primary_max_class_size BIGINT, junior_max_class_size BIGINT, class_size_basis VARCHAR, ",
            "class_size_ok BOOLEAN, primary_classes BIGINT, junior_classes BIGINT, rooms_required DOUBLE, ",
            "music_rooms BIGINT, art_rooms BIGINT, music_art_rooms_ok BOOLEAN, boarders BIGINT, ",
            "public_funds_required DOUBLE, public_funds_received_yuan DOUBLE, public_funds_ok BOOLEAN, ",
            "rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "equity",
        written_by: "equity",
        depends: Depends::CountyYear,
        key: &["year", "county_code", "level", "standard", "indicator"],
        about: "Equity measures across a county's schools (Gini, Theil T, MLD, McLoone, Verstegen, percentile ranges) per level, standard and indicator.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, level VARCHAR, standard VARCHAR, indicator VARCHAR, ",
            "n_schools BIGINT, n_nonpositive BIGINT, students DOUBLE, mean DOUBLE, cv DOUBLE, gini DOUBLE, ",
            "theil_t DOUBLE, mld DOUBLE, mcloone DOUBLE, verstegen DOUBLE, p5 DOUBLE, median DOUBLE, p95 DOUBLE, ",
            "restricted_range DOUBLE, federal_range_ratio DOUBLE, max_min_ratio DOUBLE, rules VARCHAR, ",
            "rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "equity_across",
        written_by: "equity --across",
        depends: Depends::AreaYear,
        key: &["year", "across", "area_code", "level", "standard", "indicator"],
        about: "The same measures across the counties of a prefecture or province (county means as units).",
        columns: concat!(
            "year INTEGER, area_code VARCHAR, area_name VARCHAR, level VARCHAR, standard VARCHAR, ",
            "indicator VARCHAR, across VARCHAR, n_counties BIGINT, n_nonpositive BIGINT, students DOUBLE, ",
            "mean DOUBLE, cv DOUBLE, gini DOUBLE, theil_t DOUBLE, mld DOUBLE, mcloone DOUBLE, verstegen DOUBLE, ",
            "p5 DOUBLE, median DOUBLE, p95 DOUBLE, restricted_range DOUBLE, federal_range_ratio DOUBLE, ",
            "max_min_ratio DOUBLE, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "urban_rural",
        written_by: "urban-rural",
        depends: Depends::CountyYear,
        key: &["year", "county_code", "grouping", "level", "standard", "indicator"],
        about: "城区 / 镇区 / 乡村 group means, ratios, gaps, between-group CV, variance share and Theil decomposition.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, level VARCHAR, standard VARCHAR, indicator VARCHAR, ",
            "grouping VARCHAR, schools_urban BIGINT, students_urban DOUBLE, mean_urban DOUBLE, ",
            "schools_town BIGINT, students_town DOUBLE, mean_town DOUBLE, schools_rural BIGINT, ",
            "students_rural DOUBLE, mean_rural DOUBLE, rural_urban_ratio DOUBLE, town_urban_ratio DOUBLE, ",
            "gap_urban_rural DOUBLE, between_cv DOUBLE, between_share DOUBLE, theil_t DOUBLE, ",
            "theil_between DOUBLE, theil_within DOUBLE, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "growth",
        written_by: "growth",
        depends: Depends::ProvinceYearAndPrevious,
        key: &["year", "county_code", "indicator"],
        about: "Year-on-year change of every county series, with ranks within prefecture and province.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, indicator VARCHAR, value DOUBLE, previous_value DOUBLE, ",
            "change DOUBLE, pct_change DOUBLE, rank_in_prefecture BIGINT, rank_in_province BIGINT, note VARCHAR, ",
            "rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "growth_checks",
        written_by: "growth",
        depends: Depends::CountyYearAndPrevious,
        key: &["year", "county_code", "check"],
        about: "两个只增不减, the 生均公用经费 floors, matching funds and teacher pay, per county and year.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, check VARCHAR, basis VARCHAR, value DOUBLE, reference DOUBLE, ",
            "pct DOUBLE, passed BOOLEAN, detail VARCHAR, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "growth_window",
        written_by: "growth --window",
        depends: Depends::ProvinceWindow,
        key: &["from_year", "to_year", "county_code", "indicator"],
        about: "Compound annual growth between two years, with ranks.",
        columns: concat!(
            "from_year INTEGER, to_year INTEGER, county_code VARCHAR, indicator VARCHAR, value_from DOUBLE, ",
            "value_to DOUBLE, cagr_pct DOUBLE, rank_in_prefecture BIGINT, rank_in_province BIGINT, ",
            "rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "plan",
        written_by: "plan",
        depends: Depends::CountyYear,
        key: &["year", "county_code", "level", "school_id", "resource"],
        about: "The investment plan to 优质均衡: per school unit, the whole addition to a `schools` column (`resource`, in that column's unit; a combined school's whole-school column) and its cost under the costs file, with the indicator and the target (school rule, CV) it serves.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, level VARCHAR, school_id VARCHAR, school_name VARCHAR, ",
            "resource VARCHAR, add DOUBLE, unit VARCHAR, cost DOUBLE, indicator VARCHAR, purpose VARCHAR, ",
            "rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "audit",
        written_by: "audit",
        depends: Depends::ProvinceYearAround,
        key: &["year", "county_code", "school_id", "column", "rule"],
        about: "数据核查: one row per flag, an impossible value (强制) or a suspicious one (提示), with the value, what it was compared with (last year's value, the stratum median, the whole it is part of), the bound, the message, its weight on the county's figures and the verdicts it could change (`sensitive`); a county-level flag has no school_id.",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, school_id VARCHAR, school_name VARCHAR, level VARCHAR, column VARCHAR, ",
            "value DOUBLE, rule VARCHAR, severity VARCHAR, compared_with DOUBLE, bound VARCHAR, message VARCHAR, ",
            "weight DOUBLE, sensitive VARCHAR, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "audit_verdicts",
        written_by: "audit",
        depends: Depends::ProvinceYearAround,
        key: &["year", "county_code", "level", "standard"],
        about: "For every county verdict (level, standard) of a county with suspected school flags: the verdict, the verdict with the flagged school-years left out and with their expected values, and whether it is sensitive (数据待核实).",
        columns: concat!(
            "year INTEGER, county_code VARCHAR, level VARCHAR, standard VARCHAR, met BOOLEAN, met_without_flagged BOOLEAN, ",
            "met_with_expected BOOLEAN, sensitive BOOLEAN, flags VARCHAR, message VARCHAR, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "evaluation",
        written_by: "evaluate",
        depends: Depends::ProvinceYearAndPrevious,
        key: &["scheme", "scheme_version", "year", "county_code", "point_id"],
        about: "One row per county and observation point of a scheme: value, threshold, status, points earned and the explanation.",
        columns: concat!(
            "year INTEGER, scheme VARCHAR, scheme_version VARCHAR, county_code VARCHAR, county_name VARCHAR, ",
            "area VARCHAR, key_point VARCHAR, point_id VARCHAR, point VARCHAR, point_en VARCHAR, value DOUBLE, ",
            "threshold VARCHAR, status VARCHAR, points DOUBLE, earned DOUBLE, veto BOOLEAN, explanation VARCHAR, ",
            "data_check VARCHAR, rules VARCHAR, rules_hash VARCHAR",
        ),
    },
    ResultTable {
        name: "evaluation_summary",
        written_by: "evaluate",
        depends: Depends::ProvinceYearAndPrevious,
        key: &["scheme", "scheme_version", "year", "county_code"],
        about: "One row per county under a scheme: total, grade, failed and missing points, vetoes and the 差距清单.",
        columns: concat!(
            "year INTEGER, scheme VARCHAR, scheme_version VARCHAR, county_code VARCHAR, county_name VARCHAR, ",
            "prefecture_code VARCHAR, prefecture_name VARCHAR, province_code VARCHAR, province_name VARCHAR, ",
            "total DOUBLE, max_points DOUBLE, points_with_data DOUBLE, grade VARCHAR, score_on_data DOUBLE, ",
            "grade_on_data VARCHAR, failed_points BIGINT, ",
            "missing_points BIGINT, vetoes VARCHAR, largest_gaps VARCHAR, gap_list VARCHAR, data_check_points BIGINT, ",
            "rules VARCHAR, rules_hash VARCHAR",
        ),
    },
];

/// The declaration of a metric table, by name.
pub fn result_table(name: &str) -> Option<&'static ResultTable> {
    RESULT_TABLES.iter().find(|t| t.name == name)
}

/// What to say of a stored metric table whose layout differs from its declaration: it was stored by another
/// version, and running its command again (for every county and year, when `storing` a subset) brings it up to date.
pub fn stale_layout_message(table: &ResultTable, storing: bool) -> String {
    let whole = if storing { " for every county and year (without --county/--year)" } else { "" };
    format!(
        "table {} was stored by another version of countyedu, with other columns; compute it again{whole}: \
         countyedu {} (its rows are kept as they are until then)",
        table.name, table.written_by
    )
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

impl Depends {
    /// What a load that replaces input data removes of a table that depends so, in words.
    pub fn words(self) -> &'static str {
        match self {
            Depends::CountyYear => "the rows of every county-year whose schools or indicators are replaced",
            Depends::CountyYearAndPrevious => "the rows of every replaced county-year and of the year after it",
            Depends::CountyWindow => "the windows that span a replaced county-year",
            Depends::AreaYear => "the rows of the prefecture and province of every replaced county, that year",
            Depends::ProvinceYearAndPrevious => {
                "the rows of every county of a replaced county's province, that year and the year after (their ranks compare them)"
            }
            Depends::ProvinceWindow => "the windows that span a replaced county-year, for every county of its province (their ranks compare them)",
            Depends::ProvinceYearAround => {
                "the rows of every county of a replaced county's province, the year before, that year and the year after (strata and neighbouring years)"
            }
        }
    }
}

/// `datasets/RESULTS.md`: every metric table as declared, for readers of the warehouse.
pub fn markdown() -> String {
    let mut out = String::from(
        "# The metric tables of the warehouse\n\n\
         Generated from `src/results.rs` (a test keeps this file in step: `COUNTYEDU_BLESS=1 cargo test results` writes \
         it again). Each table is created from its declaration, filled by the command named, and replaced by scope: a \
         run with `--county`/`--year` replaces exactly those rows. Every row records the rules it was computed under \
         (`rules`, `rules_hash`). A table stored by another version of countyedu with other columns is named when the \
         warehouse is opened, with the command that computes it again; its columns are never matched by position. \
         Each column's meaning, unit and values below are also its DuckDB column comment (`DESCRIBE`, \
         `duckdb_columns()`), from `src/meanings.rs`.\n",
    );
    for t in RESULT_TABLES {
        out.push_str(&format!("\n## `{}`\n\n{}\n\n", t.name, t.about));
        out.push_str(&format!("Written by `countyedu {}`. Key: {}. An `ingest` removes {}.\n\n", t.written_by, t.key.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "), t.depends.words()));
        out.push_str("| column | type | meaning | unit | values |\n|---|---|---|---|---|\n");
        for (c, ty) in t.columns() {
            let m = crate::meanings::meaning(t.name, c);
            let cell = |s: Option<&str>| s.unwrap_or("").replace('|', "\\|");
            out.push_str(&format!("| `{c}` | {ty} | {} | {} | {} |\n", cell(m.map(|m| m.meaning)), cell(m.map(|m| m.unit)), cell(m.map(|m| m.values))));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_results_md_is_generated_from_the_declarations() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/RESULTS.md");
        let expected = markdown();
        if std::env::var_os("COUNTYEDU_BLESS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let found = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(found == expected, "datasets/RESULTS.md is out of date: run COUNTYEDU_BLESS=1 cargo test results");
    }

    #[test]
    fn every_declaration_keys_on_its_own_columns_and_names_each_column_once() {
        for t in RESULT_TABLES {
            let names = t.column_names();
            assert!(t.key.iter().all(|k| names.contains(k)), "{}", t.name);
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{}", t.name);
            assert!(names.ends_with(&["rules", "rules_hash"]), "{}", t.name);
        }
    }

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
