//! `countyedu equity` and `countyedu urban-rural` through the real binary, checked against `balance` and SQL.

mod workdir;

use workdir::Workdir;

fn loaded() -> Workdir {
    Workdir::loaded(&["sample"])
}

#[test]
fn the_equity_cv_agrees_with_balance_on_every_row() {
    let wd = loaded();
    wd.ok(&["balance", "--format", "csv"]);
    wd.ok(&["equity", "--format", "csv"]);
    let keys = "USING (year, county_code, level, standard, indicator)";
    assert_eq!(wd.count("SELECT count(*) FROM equity"), wd.count("SELECT count(*) FROM balance_cv WHERE n_schools > 0"));
    assert_eq!(wd.count(&format!("SELECT count(*) FROM equity e JOIN balance_cv b {keys} WHERE abs(e.cv - b.cv) > 1e-9")), 0);
    assert_eq!(wd.count(&format!("SELECT count(*) FROM equity e JOIN balance_cv b {keys} WHERE abs(e.mean - b.mean) > 1e-9 * b.mean")), 0);
    // Measures stay in their ranges; p5 ≤ median ≤ p95; McLoone ≤ 1 ≤ Verstegen.
    assert_eq!(
        wd.count(
            "SELECT count(*) FROM equity WHERE NOT (gini BETWEEN 0 AND 1 AND theil_t >= 0 AND mld >= 0
               AND p5 <= median AND median <= p95 AND mcloone <= 1 + 1e-12 AND verstegen >= 1 - 1e-12)"
        ),
        0
    );
}

#[test]
fn urban_rural_groups_add_up_and_both_groupings_are_kept() {
    let wd = loaded();
    wd.ok(&["balance", "--format", "csv"]);
    wd.ok(&["urban-rural", "--format", "csv"]);
    wd.ok(&["urban-rural", "--group", "two", "--format", "csv"]);
    assert_eq!(wd.count("SELECT count(DISTINCT grouping) FROM urban_rural"), 2);
    // Every school is in exactly one group.
    assert_eq!(
        wd.count(
            "SELECT count(*) FROM urban_rural u JOIN balance_cv b USING (year, county_code, level, standard, indicator)
             WHERE coalesce(u.schools_urban, 0) + coalesce(u.schools_town, 0) + coalesce(u.schools_rural, 0) <> b.n_schools"
        ),
        0
    );
    // Decompositions add up and shares are shares.
    assert_eq!(
        wd.count(
            "SELECT count(*) FROM urban_rural
             WHERE abs(theil_between + theil_within - theil_t) > 1e-12 OR NOT between_share BETWEEN 0 AND 1"
        ),
        0
    );
    // The rural/urban ratio is the ratio of the group means, which are pupil-weighted means over the schools.
    let wrong = wd.count(
        "SELECT count(*) FROM urban_rural WHERE grouping = 'three' AND mean_rural IS NOT NULL AND mean_urban > 0
           AND abs(rural_urban_ratio - mean_rural / mean_urban) > 1e-12",
    );
    assert_eq!(wrong, 0);
    // A second run of one grouping replaces its rows, not the other grouping's.
    let n = wd.count("SELECT count(*) FROM urban_rural");
    wd.ok(&["urban-rural", "--group", "two", "--county", "140121", "--format", "csv"]);
    assert_eq!(wd.count("SELECT count(*) FROM urban_rural"), n);
}

#[test]
fn measures_across_counties_use_county_means_weighted_by_pupils() {
    let wd = loaded();
    wd.ok(&["balance", "--format", "csv"]);
    wd.ok(&["equity", "--across", "province", "--format", "csv"]);
    assert_eq!(wd.count("SELECT max(n_counties) FROM equity_across"), 8);
    let off = wd.count(
        "SELECT count(*) FROM equity_across a JOIN (
            SELECT b.year, c.province_code AS area_code, b.level, b.standard, b.indicator,
                   sum(b.mean * b.students) / sum(b.students) AS m
            FROM balance_cv b JOIN counties c USING (county_code) WHERE b.mean IS NOT NULL GROUP BY ALL) s
         USING (year, area_code, level, standard, indicator)
         WHERE abs(a.mean - s.m) > 1e-9 * s.m",
    );
    assert_eq!(off, 0);
    assert_eq!(wd.count("SELECT count(*) FROM equity_across"), 3 * 8 * 2 * 15);
    wd.fails(2, &["equity", "--across", "province", "--county", "140121"]);
}
