//! Regression tests of issue 33's defects (an analyst's ordinary files), each failing on the main of before: a
//! semicolon-separated schools file in a folder skipped with exit 0, the usual columns required to exist, a totals
//! row refused cell by cell, rank without area codes. (A closed pipe: `tests/issue34.rs`.)

mod workdir;

use workdir::{Workdir, repo};

/// The sample's counties and one county's 2021 schools, in a folder of their own, the schools written with
/// `delimiter` (decimal commas where the delimiter is a semicolon, as such spreadsheets write numbers).
fn folder(wd: &Workdir, delimiter: char) -> String {
    let dir = wd.path("data");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo("datasets/sample/counties.csv"), dir.join("counties.csv")).unwrap();
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2021.csv")).unwrap();
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(1) == Some("140121"))
        .map(|(_, l)| l.split(',').collect::<Vec<_>>().join(&delimiter.to_string()))
        .collect();
    std::fs::write(dir.join("schools.csv"), lines.join("\n") + "\n").unwrap();
    dir.to_string_lossy().into_owned()
}

#[test]
fn issue33_03_a_semicolon_separated_schools_file_in_a_folder_is_read() {
    let wd = Workdir::new();
    let dir = folder(&wd, ';');
    let out = wd.run(&["ingest", &dir]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("skipped"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(wd.count("SELECT count(*) FROM schools WHERE county_code = '140121'") > 20);
    // A file named like a table that is no table is refused (exit 3), never skipped.
    std::fs::write(wd.path("data/schools_2022.csv"), "这是一个说明文件\n没有表头\n").unwrap();
    let err = wd.fails(3, &["ingest", &dir]);
    assert!(err.contains("schools_2022.csv") && err.contains("expected a header"), "{err}");
    // A note of another name is still a note.
    std::fs::remove_file(wd.path("data/schools_2022.csv")).unwrap();
    std::fs::write(wd.path("data/说明.txt"), "这是一个说明文件\n").unwrap();
    let out = wd.run(&["ingest", &dir]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("说明.txt: skipped"));
}

#[test]
fn issue33_04_the_usual_columns_may_be_left_out_and_a_totals_row_is_left_out_with_its_place() {
    let wd = Workdir::loaded(&["sample"]);
    // A sheet of the CV indicators only: no rooms, no class sizes, no senior pupils.
    let text = std::fs::read_to_string(repo("datasets/sample/schools_2021.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let drop = ["art_rooms", "music_rooms", "max_class_size", "senior_students"];
    let keep: Vec<usize> = (0..header.len()).filter(|&i| !drop.contains(&header[i])).collect();
    let pick = |l: &str| -> String {
        let cells: Vec<&str> = l.split(',').collect();
        keep.iter().map(|&i| cells[i]).collect::<Vec<_>>().join(",")
    };
    let mut lines: Vec<String> = text.lines().enumerate().filter(|(i, l)| *i == 0 || l.split(',').nth(1) == Some("140122")).map(|(_, l)| pick(l)).collect();
    // A totals row at the bottom, as offices' sheets end.
    let n = header.len() - drop.len();
    let mut total = vec![String::new(); n];
    total[0] = "2021".into();
    total[1] = "合计".into();
    lines.push(total.join(","));
    std::fs::write(wd.path("cv_only.csv"), lines.join("\n") + "\n").unwrap();
    let out = wd.run(&["ingest", "cv_only.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("columns not in the file, loaded as not reported (empty): senior_students, max_class_size, music_rooms, art_rooms"), "{stderr}");
    assert!(stderr.contains(&format!("cv_only.csv:{}: a totals row (合计), left out", lines.len())), "{stderr}");
    assert_eq!(wd.count("SELECT count(*) FROM schools WHERE county_code = '140122' AND year = 2021 AND music_rooms IS NULL"), (lines.len() - 2) as i64);
    // The checks that need them say 待填报; the CVs are computed.
    let checks = wd.ok(&["balance", "--checks", "--county", "140122", "--year", "2021", "--format", "csv", "--no-store"]);
    assert!(checks.lines().skip(1).all(|l| !l.contains(",true,") || l.contains(",,")), "{checks}");
    assert!(wd.ok(&["balance", "--county", "140122", "--year", "2021", "--format", "csv", "--no-store"]).lines().count() > 20);
}

#[test]
fn issue33_05_rank_carries_the_area_codes() {
    let wd = Workdir::loaded(&["sample"]);
    let national = repo("criteria/national.toml").to_string_lossy().into_owned();
    let out = wd.ok(&["rank", "--scheme", &national, "--year", "2021", "--format", "csv", "--no-store"]);
    let header = out.lines().next().unwrap();
    assert!(header.contains("prefecture_code") && header.contains("province_code"), "{header}");
    let zh = wd.ok(&["rank", "--scheme", &national, "--year", "2021", "--format", "csv", "--no-store", "--lang", "zh"]);
    assert!(zh.lines().next().unwrap().contains("市代码") && zh.contains("省代码"));
}

#[test]
fn issue33_02_a_notebook_says_what_to_run_when_the_export_lacks_a_table() {
    // ingest → compute → export, as documented: no evaluation (it needs a scheme).
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["compute"]);
    wd.ok(&["export", "--to", "ex"]);
    assert!(!wd.path("ex/evaluation_summary").exists());
    // The ranking notebook's code, run as nbmake runs it, up to the cell that reads the evaluation.
    let nb: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(repo("notebooks/ranking_explorer.ipynb")).unwrap()).unwrap();
    let code: Vec<String> = nb["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| c["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect::<String>())
        .take_while(|_| true)
        .collect();
    let upto = code.iter().position(|c| c.contains("table(\"evaluation")).expect("a cell reads the evaluation") + 1;
    std::fs::write(wd.path("nb.py"), code[..upto].join("\n\n")).unwrap();
    let out = std::process::Command::new("python3").arg("nb.py").current_dir(wd.dir.path()).env("COUNTYEDU_EXPORT", wd.path("ex")).env("MPLBACKEND", "Agg").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("has no table evaluation") && stderr.contains("countyedu evaluate --scheme"), "{stderr}");
    assert!(!stderr.contains("Traceback"), "a message, not a traceback: {stderr}");
}
