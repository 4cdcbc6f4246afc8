//! The group driver against the slice functions, on small frames of level units.

use polars::prelude::*;

use super::*;

/// Level units of one county-year-level: (school type, urban–rural code, pupils, books).
fn units(rows: &[(&str, i32, f64, f64)]) -> DataFrame {
    let n = rows.len();
    let zeros = || Column::new("z".into(), vec![0.0; n]);
    let mut df = df![
        "year" => vec![2021i32; n],
        "county_code" => vec!["140581"; n],
        "school_id" => (0..n).map(|i| format!("S{i}")).collect::<Vec<_>>(),
        "school_type" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "urban_rural_code" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "level" => vec!["primary"; n],
        "students" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "books" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        // No special school, and the one teaching point has 55 ≥ 50 pupils: every unit is in both standards.
        "in_basic" => vec![true; n],
        "in_quality" => vec![true; n],
    ]
    .unwrap();
    for name in [
        "teach_area", "sports_area", "equipment_value", "computers", "multimedia_rooms", "teachers", "degree_teachers",
        "titled_teachers", "backbone_teachers", "pe_art_teachers",
    ] {
        df.with_column(zeros().with_name(name.into())).unwrap();
    }
    df
}

fn books_row(t: &DataFrame) -> DataFrame {
    t.clone()
        .lazy()
        .filter(col("indicator").eq(lit("books_per_student")).and(col("standard").eq(lit("basic"))))
        .collect()
        .unwrap()
}

fn get(t: &DataFrame, c: &str) -> Option<f64> {
    t.column(c).unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().get(0)
}

const ROWS: [(&str, i32, f64, f64); 5] = [
    ("primary", 111, 45.0, 279.0),
    ("primary", 112, 37.0, 137.0),
    ("primary", 121, 89.0, 935.0),
    ("primary", 210, 76.0, 160.0),
    ("teaching_point", 220, 55.0, 402.0),
];

#[test]
fn the_driver_hands_each_group_its_sorted_values() {
    let t = books_row(&equity_table(&units(&ROWS)).unwrap());
    assert_eq!(t.height(), 1);
    let mut pairs: Vec<(f64, f64)> = ROWS.iter().map(|r| (r.3 / r.2, r.2)).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (x, w): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    let m = measures::measures(&x, &w);
    assert_eq!(get(&t, "gini"), m.gini);
    assert_eq!(get(&t, "theil_t"), m.theil_t);
    assert_eq!(get(&t, "median"), Some(m.median));
    // The CV is the official one: the public worked example's 0.5153.
    assert!((get(&t, "cv").unwrap() - 0.515256629884).abs() < 1e-9);
}

#[test]
fn urban_rural_groups_follow_the_codes_and_decompose() {
    let t = books_row(&urban_rural_table(&units(&ROWS), Grouping::Three).unwrap());
    // Urban = 111 + 112: books (279 + 137) / pupils (45 + 37); town = 121; rural = 210 + 220.
    assert_eq!(get(&t, "schools_urban"), Some(2.0));
    assert!((get(&t, "mean_urban").unwrap() - 416.0 / 82.0).abs() < 1e-12);
    assert!((get(&t, "mean_town").unwrap() - 935.0 / 89.0).abs() < 1e-12);
    assert!((get(&t, "mean_rural").unwrap() - 562.0 / 131.0).abs() < 1e-12);
    assert!((get(&t, "rural_urban_ratio").unwrap() - (562.0 / 131.0) / (416.0 / 82.0)).abs() < 1e-12);
    let total = get(&t, "theil_t").unwrap();
    assert!((get(&t, "theil_between").unwrap() + get(&t, "theil_within").unwrap() - total).abs() < 1e-12);
    // Two-way: 城镇 = 111, 112, 121 against 乡村.
    let two = books_row(&urban_rural_table(&units(&ROWS), Grouping::Two).unwrap());
    assert!((get(&two, "mean_urban").unwrap() - (416.0 + 935.0) / (82.0 + 89.0)).abs() < 1e-12);
    assert_eq!(get(&two, "mean_town"), None);
}

/// The one walk `compute` takes for both tables gives each exactly as its own walk does, with nonzero values in
/// more than one indicator and county.
#[test]
fn one_walk_for_equity_and_urban_rural_equals_two() {
    let mut all = units(&ROWS);
    all.with_column(Column::new("teachers".into(), [3.0, 2.0, 6.0, 4.0, 5.0])).unwrap();
    let mut other = all.clone();
    other.with_column(Column::new("county_code".into(), vec!["140521"; ROWS.len()])).unwrap();
    other.with_column(Column::new("books".into(), [100.0, 300.0, 200.0, 500.0, 50.0])).unwrap();
    all.vstack_mut(&other).unwrap();
    for grouping in [Grouping::Three, Grouping::Two] {
        let (equity, urban_rural) = equity_and_urban_rural_tables(&all, grouping).unwrap();
        assert!(equity.height() > 2, "{equity}");
        assert!(equity.equals_missing(&equity_table(&all).unwrap()));
        assert!(urban_rural.equals_missing(&urban_rural_table(&all, grouping).unwrap()));
    }
}

#[test]
fn across_counties_uses_county_means_weighted_by_pupils() {
    let cv = df![
        "year" => [2021i32, 2021, 2021],
        "county_code" => ["140521", "140522", "140581"],
        "level" => ["primary"; 3],
        "standard" => ["basic"; 3],
        "indicator" => ["books_per_student"; 3],
        "students" => [100.0, 300.0, 600.0],
        "mean" => [10.0, 20.0, 30.0],
    ]
    .unwrap();
    let counties = df![
        "county_code" => ["140521", "140522", "140581"],
        "prefecture_code" => ["140500"; 3],
        "prefecture_name" => ["晋城市"; 3],
        "province_code" => ["140000"; 3],
        "province_name" => ["山西省"; 3],
    ]
    .unwrap();
    let t = across_table(&cv, &counties, Across::Prefecture).unwrap();
    assert_eq!(t.height(), 1);
    // Weighted mean (1000 + 6000 + 18000) / 1000 = 25.
    assert_eq!(get(&t, "mean"), Some(25.0));
    assert_eq!(get(&t, "n_counties"), Some(3.0));
    let m = measures::measures(&[10.0, 20.0, 30.0], &[100.0, 300.0, 600.0]);
    assert_eq!(get(&t, "gini"), m.gini);
}
