//! `countyedu balance` through the real binary, checked against the independent SQL of queries/balance_cv.sql and
//! bench/expert_cv.sql.

mod workdir;

use workdir::{Workdir, repo};

fn loaded() -> Workdir {
    Workdir::loaded(&["sample"])
}

fn csv(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

fn close(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

/// The engine against two independent SQL texts: queries/balance_cv.sql (UNPIVOT, two passes) and the
/// benchmark's baseline bench/expert_cv.sql (one grouped pass of Σw, Σw·x, Σw·x² per standard).
#[test]
fn the_engine_agrees_with_the_independent_sql_to_1e_9_on_the_sample() {
    let wd = loaded();
    wd.ok(&["balance", "--format", "csv"]);
    for file in ["queries/balance_cv.sql", "bench/expert_cv.sql"] {
        agrees_with(&wd, file);
    }
}

fn agrees_with(wd: &Workdir, file: &str) {
    let sql = wd.ok(&["sql", "--format", "csv", "--max-rows", "0", "--file", &repo(file).to_string_lossy()]);
    let engine = wd.ok(&[
        "sql", "--format", "csv",
        "SELECT year, county_code, level, standard, indicator, n_schools, students, mean, sd, cv FROM balance_cv
         WHERE n_schools > 0 ORDER BY year, county_code, level, standard, indicator",
    ]);
    let (sql, engine) = (csv(&sql), csv(&engine));
    assert_eq!(sql.len(), 24 * 8 * 2 * 15, "{file}: every county, year, level and indicator");
    assert_eq!(sql.len(), engine.len());
    for (s, e) in sql.iter().zip(&engine) {
        assert!(s.iter().zip(e).all(|(a, b)| close(a, b)), "{file} {s:?}\nengine {e:?}");
    }
}

#[test]
fn verdicts_schools_and_shortfalls_are_stored_and_a_filtered_run_replaces_only_its_county_years() {
    let wd = loaded();
    wd.ok(&["balance", "--verdicts", "--format", "csv"]);
    let count = |t: &str| wd.count(&format!("SELECT count(*) FROM {t}"));
    let (cv, verdicts, schools) = (count("balance_cv"), count("balance_verdicts"), count("balance_schools"));
    assert_eq!(verdicts, 24 * 8 * 2 * 2);
    assert_eq!(cv, 24 * 8 * 2 * 15);
    // A run for one county-year replaces its rows and keeps the others.
    let out = wd.ok(&["balance", "--county", "140121", "--year", "2023", "--verdicts", "--format", "csv"]);
    assert_eq!(csv(&out).len(), 4, "{out}");
    assert_eq!((count("balance_cv"), count("balance_verdicts"), count("balance_schools")), (cv, verdicts, schools));
    // A quality verdict is met only when every school passes: it agrees with the stored school rows.
    let mismatches = wd.count(
        "SELECT count(*) FROM balance_verdicts v
         JOIN (SELECT year, county_code, level, bool_and(school_pass) AS all_pass FROM balance_schools GROUP BY ALL) s
           USING (year, county_code, level)
         WHERE v.standard = 'quality' AND v.met AND NOT s.all_pass",
    );
    assert_eq!(mismatches, 0);
    // Shortfalls sum the school rows.
    let short = csv(&wd.ok(&["balance", "--shortfall", "--county", "140124", "--year", "2023", "--format", "csv"]));
    let direct = wd.sql(
        "SELECT round(sum(equipment_value_per_student_shortfall), 2) FROM balance_schools
         WHERE county_code = '140124' AND year = 2023 AND level = 'primary' AND NOT equipment_value_per_student_met",
    );
    let row = short.iter().find(|r| r[2] == "primary" && r[3] == "equipment_value_per_student").expect("a shortfall row");
    assert!(close(&row[6], &direct[0][0]), "{row:?} vs {direct:?}");
}

#[test]
fn a_province_rules_folder_changes_the_verdicts_and_a_broken_one_is_refused() {
    let wd = loaded();
    std::fs::create_dir(wd.path("strict")).unwrap();
    std::fs::write(wd.path("strict/balance.toml"), "[basic.composite_cv_max]\nprimary = 0.01\njunior = 0.01\n").unwrap();
    let met = |args: &[&str]| {
        let mut all = vec!["balance", "--verdicts", "--standard", "basic", "--format", "csv"];
        all.extend_from_slice(args);
        csv(&wd.ok(&all)).iter().filter(|r| r[10] == "true").count()
    };
    assert!(met(&[]) > 0);
    assert_eq!(met(&["--rules", "strict"]), 0);
    std::fs::create_dir(wd.path("broken")).unwrap();
    std::fs::write(wd.path("broken/balance.toml"), "exclude_indoor_sports_from_teaching_area = 3\n").unwrap();
    let err = wd.fails(2, &["balance", "--rules", "broken"]);
    assert!(err.contains("broken/balance.toml"), "{err}");
    // The flag of earlier versions says what replaced it.
    let err = wd.fails(2, &["balance", "--config", "broken/balance.toml"]);
    assert!(err.contains("replaced by --rules DIR"), "{err}");
    wd.fails(2, &["balance", "--county", "14012"]);
}

#[test]
fn an_empty_warehouse_gives_empty_tables_not_an_error() {
    let wd = Workdir::new();
    wd.ok(&["ingest", &repo("datasets/gaoping").to_string_lossy()]);
    let out = wd.ok(&["balance", "--format", "csv"]);
    assert!(out.starts_with("year,county_code,level,standard,indicator,"), "{out}");
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn no_store_computes_from_a_read_only_warehouse_and_writes_nothing() {
    let wd = loaded();
    let before = wd.checksum();
    let out = wd.ok(&["balance", "--no-store", "--year", "2019", "--format", "csv"]);
    assert_eq!(csv(&out).len(), 24 * 2 * 15);
    let err = wd.fails(4, &["sql", "SELECT count(*) FROM balance_cv"]);
    assert!(err.contains("balance_cv"), "no result table was created: {err}");
    assert_eq!(wd.checksum(), before);
    // What it prints (each part as it is computed) equals what a storing run prints, for every output of
    // balance and of the other metric commands computed by years.
    let runs: [&[&str]; 9] = [
        &["balance"],
        &["balance", "--verdicts"],
        &["balance", "--level", "junior", "--standard", "quality"],
        &["balance", "--checks"],
        &["balance", "--shortfall"],
        &["balance", "--schools", "--county", "140121"],
        &["equity"],
        &["equity", "--across", "province"],
        &["urban-rural", "--level", "primary"],
    ];
    for run in runs {
        let printed = wd.ok(&[run, &["--no-store", "--format", "csv"]].concat());
        assert_eq!(printed, wd.ok(&[run, &["--format", "csv"]].concat()), "{run:?}");
        assert!(csv(&printed).len() > 20, "{run:?}: {printed}");
    }
}

/// The school table (Polars) and the CVs (generated SQL) write an indicator's value from the same definition: each
/// school's share of its county's weighted variance, computed from its own value and the SQL's mean and SD, adds up
/// to 1 over the schools of every county-level with a spread, for each of the 7 quality indicators.
#[test]
fn the_school_shares_of_the_variance_add_up_to_one_under_the_sql_cvs() {
    let wd = loaded();
    wd.ok(&["balance", "--format", "csv"]);
    for id in [
        "degree_teachers_per_100", "backbone_teachers_per_100", "pe_art_teachers_per_100", "teach_area_per_student",
        "sports_area_per_student", "equipment_value_per_student", "multimedia_rooms_per_100",
    ] {
        let checked = wd.count(&format!(
            "SELECT count(*) FROM balance_cv WHERE standard = 'quality' AND indicator = '{id}' AND cv > 0.001"
        ));
        let off = wd.count(&format!(
            "SELECT count(*) FROM (SELECT year, county_code, level, sum({id}_share) AS total FROM balance_schools GROUP BY ALL) s
             JOIN balance_cv c USING (year, county_code, level)
             WHERE c.standard = 'quality' AND c.indicator = '{id}' AND c.cv > 0.001 AND abs(s.total - 1) > 1e-9"
        ));
        assert!(checked > 300, "{id}: {checked} county-levels with a spread");
        assert_eq!(off, 0, "{id}: shares that do not add up to 1");
    }
}
