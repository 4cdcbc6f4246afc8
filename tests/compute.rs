//! `countyedu compute` through the real binary: one run stores exactly what the single commands store.

mod workdir;

use workdir::Workdir;

/// Every metric table `compute` stores, with the rows each single command stores.
const TABLES: [&str; 9] = [
    "balance_cv", "balance_verdicts", "balance_schools", "school_checks", "equity", "equity_across", "urban_rural", "growth",
    "growth_checks",
];

/// Row count and an order-independent content hash of each metric table.
fn contents(wd: &Workdir) -> Vec<Vec<String>> {
    let parts: Vec<String> = TABLES.iter().map(|t| format!("SELECT '{t}', count(*), coalesce(sum(hash(x)), 0) FROM {t} x")).collect();
    wd.sql(&format!("{} ORDER BY 1", parts.join(" UNION ALL ")))
}

#[test]
fn compute_stores_what_the_single_commands_store() {
    let rules = ["--rules", "config/provinces/140000"];
    let one = Workdir::loaded(&["sample", "gaoping"]);
    let printed = one.ok(&["compute", "--format", "csv", rules[0], &workdir::repo(rules[1]).to_string_lossy()]);
    let each = Workdir::loaded(&["sample", "gaoping"]);
    let r = workdir::repo(rules[1]).to_string_lossy().to_string();
    for args in [
        vec!["balance"],
        vec!["equity"],
        vec!["equity", "--across", "prefecture"],
        vec!["equity", "--across", "province"],
        vec!["urban-rural"],
        vec!["growth"],
    ] {
        let mut a = args.clone();
        a.extend(["--format", "csv", "--rules", &r]);
        each.ok(&a);
    }
    let (a, b) = (contents(&one), contents(&each));
    assert_eq!(a, b);
    assert!(a.iter().all(|row| row[1] != "0"), "every table has rows: {a:?}");
    // Stored year by year, each table holds the rows of every year: those of one computation over all of them.
    for (table, args) in [("balance_cv", vec!["balance"]), ("balance_verdicts", vec!["balance", "--verdicts"]), ("equity", vec!["equity"]), ("urban_rural", vec!["urban-rural"])] {
        let mut a = args.clone();
        a.extend(["--no-store", "--format", "csv", "--rules", &r]);
        let printed = one.ok(&a).lines().count() as i64 - 1;
        assert_eq!(one.count(&format!("SELECT count(*) FROM {table}")), printed, "{table}");
        assert!(one.count(&format!("SELECT count(DISTINCT year) FROM {table}")) > 1, "{table}");
    }
    // The summary names each table stored with its rows (stdout carries only the table).
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "table,rows,replaces");
    let balance_cv = a.iter().find(|r| r[0] == "balance_cv").unwrap();
    assert!(lines.contains(&format!("balance_cv,{},all rows", balance_cv[1]).as_str()), "{printed}");
}

#[test]
fn compute_with_a_selection_replaces_only_those_rows() {
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["compute", "--format", "csv"]);
    let before = contents(&wd);
    let other = wd.sql("SELECT count(*), sum(hash(x)) FROM balance_cv x WHERE NOT (county_code = '140121' AND year = 2023)");
    let printed = wd.ok(&["compute", "--county", "140121", "--year", "2023", "--format", "csv"]);
    assert!(printed.contains("balance_cv,30,county_code in 140121; year in 2023"), "{printed}");
    // The rows of the other county-years are untouched, and the recomputed ones equal those of before.
    assert_eq!(wd.sql("SELECT count(*), sum(hash(x)) FROM balance_cv x WHERE NOT (county_code = '140121' AND year = 2023)"), other);
    assert_eq!(contents(&wd), before);
    wd.fails(2, &["compute", "--county", "14012"]);
}

/// Computing in parts of whole years (how every storing run computes) gives the frames of one computation over every year
/// (how `--no-store` computes): the tables that are a function of each year alone do not depend on the split.
#[test]
fn year_by_year_equals_every_year_at_once() {
    use countyedu::ops::{self, Inputs, Selection, balance::Need};
    use countyedu::warehouse::{Access, Warehouse};
    use polars::prelude::DataFrame;

    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let wh = Warehouse::open(&wd.db(), Access::ReadOnly).unwrap();
    let rules = countyedu::rules::Rules::load(&workdir::repo("config/provinces/140000")).unwrap();
    let tables = |inputs: &Inputs| -> Vec<(&'static str, DataFrame)> {
        let mut out = Vec::new();
        let computed: Vec<Box<dyn ops::Computed>> = vec![
            Box::new(ops::balance::balance(inputs, Need::All, true).unwrap()),
            Box::new(ops::equity::equity(inputs).unwrap()),
            Box::new(ops::equity::across(inputs, countyedu::equity::Across::Province).unwrap()),
            Box::new(ops::equity::urban_rural(inputs, countyedu::equity::Grouping::Three).unwrap()),
        ];
        for c in computed {
            out.extend(c.tables().unwrap().into_iter().map(|(t, f, _)| (t, f)));
        }
        out
    };
    let whole = tables(&Inputs::new(&wh, &rules, Selection::all()));
    let inputs = Inputs::new(&wh, &rules, Selection::all());
    // Parts of one year each (the sample's years would all fit in one part of the commands' size).
    let parts = inputs.by_years(1, |part| Ok(tables(part))).unwrap();
    assert!(parts.len() > 1, "the sample has several years");
    assert_eq!(inputs.by_years(countyedu::ops::PART_SCHOOLS, |part| Ok(part.selection.years.len())).unwrap(), [8]);
    // A part knows its own years only (its CVs are computed in parts of its years, never of the others).
    for (years, known) in inputs.by_years(1, |part| Ok((part.selection.years.clone(), part.years()?))).unwrap() {
        assert_eq!(years, known);
    }
    // The CVs a command prints as they come, in parts of one year, are those of one computation.
    let mut printed = Vec::new();
    inputs.cvs_each(1, |part| Ok(printed.push(part))).unwrap();
    assert_eq!(printed.len(), 8, "a part for each year");
    assert!(inputs.cvs().unwrap().equals_missing(&ops::compute::concat_frames(printed).unwrap()));
    for (i, (name, frame)) in whole.iter().enumerate() {
        let joined = ops::compute::concat_frames(parts.iter().map(|p| p[i].1.clone()).collect()).unwrap();
        assert!(frame.height() > 0, "{name} has rows");
        assert!(frame.equals_missing(&joined), "{name}: one computation\n{frame}\nyear by year\n{joined}");
    }
}
