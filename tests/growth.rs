//! `countyedu growth` through the real binary: the reference report's figures, stored tables, crosswalks.

mod workdir;

use workdir::Workdir;

fn loaded() -> Workdir {
    Workdir::loaded(&["sample", "gaoping"])
}

#[test]
fn gaoping_passes_both_rules_with_the_reported_growth_rates() {
    let wd = loaded();
    let out = wd.ok(&["growth", "--checks", "--county", "140581", "--year", "2021", "--format", "csv"]);
    let line = |check: &str| out.lines().find(|l| l.contains(check)).unwrap_or_else(|| panic!("{check} in {out}")).to_string();
    assert!(line("budget_not_decreasing").contains(",true,education budget spending 670000000 → 720000000 (+7.5%)"), "{out}");
    assert!(line("per_student_not_decreasing").contains(",reported,12175.0,11293.0,"), "the basis is named: {out}");
    assert!(line("per_student_not_decreasing").contains(",true,per-student budget spending (reported) 11293 → 12175 (+7.8%)"), "{out}");
    // Judged against Shanxi's own floor by default (issue 31), as its self-evaluation is.
    assert!(line("public_funds_primary").contains(",true,primary standard 930 元 against the floor 930 元"), "{out}");
    assert!(line("public_funds_junior").contains(",true,junior standard 1180 元 against the floor 1180 元"), "{out}");
    assert!(line("matching_funds").contains(",true,"), "{out}");
    // A province's floor above Gaoping's standard turns the check red.
    std::fs::create_dir(wd.path("strict")).unwrap();
    std::fs::write(wd.path("strict/funding_standards.csv"), "scope,region,level,from_year,amount,source\n140000,all,primary,2021,1000,test floor\n").unwrap();
    let out = wd.ok(&["growth", "--checks", "--county", "140581", "--year", "2021", "--rules", "strict", "--format", "csv", "--no-store"]);
    assert!(out.lines().any(|l| l.contains("public_funds_primary") && l.contains(",false,primary standard 930 元 against the floor 1000 元 (test floor)")), "{out}");
}

#[test]
fn year_on_year_rows_cover_indicators_derived_series_and_balance_cvs() {
    let wd = loaded();
    wd.ok(&["growth", "--format", "csv"]);
    let n = |q: &str| wd.count(q);
    // Every indicator value of a county-year after the first has its previous year in the sample.
    assert_eq!(n("SELECT count(*) FROM growth WHERE county_code = '140121' AND year > 2019 AND indicator = 'edu_budget_expenditure' AND pct_change IS NULL"), 0);
    assert_eq!(n("SELECT count(DISTINCT county_code) FROM growth WHERE indicator = 'basic_composite_cv_primary'"), 24);
    assert_eq!(n("SELECT count(*) FROM growth WHERE indicator = 'edu_expenditure_per_student_computed'"), 24 * 8);
    // The reported per-student series is as reported: never filled with computed values.
    assert_eq!(
        n("SELECT count(*) FROM growth WHERE indicator = 'edu_expenditure_per_student'"),
        n("SELECT count(*) FROM county_indicators WHERE indicator = 'edu_expenditure_per_student'")
    );
    // Ranks within a province never exceed its counties (山西 has 8 sample counties and 高平).
    assert_eq!(n("SELECT max(rank_in_province) FROM growth"), 9);
    assert_eq!(n("SELECT max(rank_in_province) FROM growth g JOIN counties c USING (county_code) WHERE c.province_code <> '140000'"), 8);
    assert!(n("SELECT count(*) FROM growth_checks WHERE passed = false") > 0, "the sample breaks some rules on purpose");
    let window = wd.ok(&["growth", "--window", "--from", "2019", "--to", "2023", "--indicator", "edu_budget_expenditure", "--format", "csv"]);
    assert_eq!(window.lines().count() as i64, 1 + n("SELECT count(DISTINCT county_code) FROM county_indicators WHERE indicator = 'edu_budget_expenditure' AND year = 2019"), "{window}");
    // The stored window holds every series with a value in both years; its CAGR follows from them.
    assert_eq!(n("SELECT count(*) FROM growth_window WHERE indicator = 'edu_budget_expenditure'"), 24);
    assert_eq!(
        n("SELECT count(*) FROM growth_window WHERE abs(cagr_pct - (power(value_to / value_from, 1.0 / 4) - 1) * 100) > 1e-9"),
        0
    );
}

#[test]
fn a_crosswalk_moves_a_series_onto_the_new_code() {
    let wd = loaded();
    // Pretend 140121 was 140199 before 2021: rename its early rows, then undo it with a crosswalk.
    wd.ok(&["sql", "--write", "UPDATE county_indicators SET county_code = '140199' WHERE county_code = '140121' AND year < 2021"]);
    let broken = wd.run(&["growth", "--no-store", "--county", "140121", "--indicator", "edu_budget_expenditure", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&broken.stderr).contains("140199"), "the stopping code is named");
    let broken = String::from_utf8(broken.stdout).unwrap();
    assert!(broken.lines().nth(1).unwrap().starts_with("2021,140121,edu_budget_expenditure"), "{broken}");
    std::fs::write(wd.path("cw.csv"), "old_code,new_code,year\n140199,140121,2021\n").unwrap();
    let fixed = wd.ok(&["growth", "--no-store", "--county", "140121", "--indicator", "edu_budget_expenditure", "--crosswalk", "cw.csv", "--format", "csv"]);
    assert_eq!(fixed.lines().count(), 9, "the header and 2016–2023: {fixed}");
    assert!(fixed.lines().nth(6).unwrap().starts_with("2021,140121,edu_budget_expenditure"));
    std::fs::write(wd.path("bad.csv"), "old,new\n1,2\n").unwrap();
    wd.fails(2, &["growth", "--crosswalk", "bad.csv"]);
}
