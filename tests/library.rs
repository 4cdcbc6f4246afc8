//! The library-use example (`examples/library.rs`) runs and its figures agree with the command line's.

#[path = "../examples/library.rs"]
mod example;
mod workdir;

use workdir::{Workdir, repo};

#[test]
fn the_library_example_computes_what_the_commands_compute() {
    let dir = tempfile::tempdir().unwrap();
    let found = example::run(&repo(""), &dir.path().join("lib.duckdb"), "140121", 2023).unwrap();
    assert_eq!(found.cvs.height(), 14, "7 quality indicators at 2 levels");
    assert_eq!(found.summary.height(), 1);
    // The same figures through the binary, on a warehouse of its own.
    let wd = Workdir::loaded(&["sample"]);
    let out = wd.ok(&["balance", "--county", "140121", "--year", "2023", "--standard", "quality", "--format", "csv"]);
    let mut rows: Vec<(String, String, f64)> = csv::Reader::from_reader(out.as_bytes())
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|r| {
            let r = r.unwrap();
            (r["level"].clone(), r["indicator"].clone(), r["cv"].parse().unwrap())
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let cvs = &found.cvs;
    let (levels, indicators, values) = (cvs.column("level").unwrap().str().unwrap(), cvs.column("indicator").unwrap().str().unwrap(), cvs.column("cv").unwrap().f64().unwrap());
    for (i, (level, indicator, cv)) in rows.iter().enumerate() {
        assert_eq!((levels.get(i).unwrap(), indicators.get(i).unwrap()), (level.as_str(), indicator.as_str()));
        assert!((values.get(i).unwrap() - cv).abs() < 1e-9, "{level} {indicator}");
    }
    let national = repo("criteria/national.toml").to_string_lossy().into_owned();
    let summary = wd.ok(&["evaluate", "--scheme", &national, "--year", "2023", "--county", "140121", "--summary", "--format", "csv", "--no-store"]);
    let total: f64 = csv::Reader::from_reader(summary.as_bytes()).deserialize::<std::collections::HashMap<String, String>>().next().unwrap().unwrap()["total"].parse().unwrap();
    assert_eq!(found.summary.column("total").unwrap().f64().unwrap().get(0), Some(total));
}
