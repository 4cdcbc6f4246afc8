//! Regression tests of issue 31 (verdicts a supervision office can sign), each failing on the main of before:
//! missing data never graded as failure, a county's own province's floors by default, vetoes first, the
//! per-student 只增不减 rule derived where the county does not report it, and the text and charts of the reports.

mod workdir;

use workdir::{Workdir, repo};

fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn national() -> String {
    repo("criteria/national.toml").to_string_lossy().into_owned()
}

#[test]
fn issue31_01_a_point_without_data_is_never_a_failed_point() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    // 高平市 2021: 40 points judged, all earned, 25 points without data: not 不合格 and not ranked last.
    let html = wd.ok(&["report", "--county", "140581", "--year", "2021"]);
    let text = text_of(&html);
    assert!(!text.contains("不合格"), "{text}");
    assert!(text.contains("等级待补报") && text.contains("已有数据的观测点共 40 分"), "{text}");
    assert!(!text.contains("排第 9 位"), "{text}");
    // The same in evaluate, rank and the league.
    let summary = wd.ok(&["evaluate", "--scheme", &national(), "--year", "2021", "--summary", "--county", "140581", "--format", "csv", "--no-store"]);
    assert!(summary.contains("待补报") && !summary.contains("不合格"), "{summary}");
    let ranked = wd.ok(&["rank", "--scheme", &national(), "--year", "2021", "--format", "csv", "--no-store"]);
    let gaoping = ranked.lines().find(|l| l.contains("140581")).unwrap();
    assert!(gaoping.starts_with(",") && gaoping.contains("待补报"), "not ranked, grade pending: {gaoping}");
    let league = text_of(&wd.ok(&["report", "--province", "140000", "--year", "2021"]));
    assert!(!league.contains("高平市 40 —") && league.contains("待补报"), "{league}");
}

#[test]
fn issue31_02_a_county_is_judged_by_its_own_provinces_floors_by_default() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    // 长华县 2023 is judged against Shanxi's 930 元 a primary pupil without --rules (against 650 only when the
    // national rules alone are asked for).
    let html = wd.ok(&["report", "--county", "140121", "--year", "2023"]);
    let text = text_of(&html);
    assert!(text.contains("评价标准: 全国标准；山西省生均公用经费标准（2021 年起）"), "the header names the rules as a reader does");
    assert!(text.contains("930 元") && !text.contains("650 元"), "{text}");
    let national_only = text_of(&wd.ok(&["report", "--county", "140121", "--year", "2023", "--rules", &repo("config/national").to_string_lossy()]));
    assert!(national_only.contains("650 元") && national_only.contains("评价标准: 全国标准") && !national_only.contains("山西省生均公用经费标准"), "{national_only}");
    // 高平市 2021's checks against 930 / 1,180 by default, in the growth checks and its report.
    let checks = wd.ok(&["growth", "--checks", "--county", "140581", "--year", "2021", "--format", "csv", "--no-store"]);
    assert!(checks.contains("930") && checks.contains("1180"), "{checks}");
    let report = text_of(&wd.ok(&["report", "--county", "140581", "--year", "2021"]));
    assert!(report.contains("930 元") && report.contains("1,180 元"), "{report}");
    // --rules still overrides: the national rules alone judge against 650.
    std::fs::create_dir(wd.path("national")).unwrap();
    let national = wd.ok(&["growth", "--checks", "--county", "140121", "--year", "2023", "--format", "csv", "--no-store", "--rules", "national"]);
    assert!(national.contains("650"), "{national}");
    // A county of another province keeps the national floor.
    let zhejiang = wd.ok(&["growth", "--checks", "--county", "330121", "--year", "2023", "--format", "csv", "--no-store"]);
    assert!(!zhejiang.contains("930"), "{zhejiang}");
}

#[test]
fn issue31_03_a_failed_veto_comes_first_named_as_such() {
    let wd = Workdir::loaded(&["sample"]);
    // 长华县 admits pupils by examination in 2023: the 优质均衡 gap list opens with it.
    let quality = repo("criteria/quality_balance_2017.toml").to_string_lossy().into_owned();
    let summary = wd.ok(&["evaluate", "--scheme", &quality, "--year", "2023", "--county", "140121", "--summary", "--format", "json", "--no-store"]);
    let rows: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let gaps = rows[0]["gap_list"].as_str().unwrap();
    assert!(gaps.starts_with("一票否决 V1.1"), "{gaps}");
    let text = text_of(&wd.ok(&["report", "--county", "140121", "--year", "2023"]));
    assert!(text.contains("差距清单：一票否决 V1.1"), "{text}");
    // The league says which counties a veto caps.
    let league = text_of(&wd.ok(&["report", "--province", "140000", "--year", "2023", "--scheme", &quality]));
    assert!(league.contains("一票否决 V1.1"), "{league}");
}

#[test]
fn issue31_04_the_per_student_rule_is_derived_where_the_county_does_not_report_it() {
    let wd = Workdir::loaded(&["sample"]);
    // 长华县 2022: 14,301.7 → 13,903.5 元 a pupil, from spending ÷ pupils (not reported that year): a fall.
    let checks = wd.ok(&["growth", "--checks", "--county", "140121", "--year", "2022", "--format", "csv", "--no-store"]);
    let row = checks.lines().find(|l| l.contains("per_student_not_decreasing")).unwrap();
    assert!(row.contains(",computed,") && row.contains(",false,") && row.contains("as the county does not report it") && row.contains("-2.8%"), "{row}");
    // The report says how the figure was made, and gives 只增不减's totals in 万元, where a change shows.
    let html = wd.ok(&["report", "--county", "140121", "--year", "2022"]);
    let rows: Vec<&str> = html.split("<tr>").collect();
    let per_student = rows.iter().find(|r| r.contains("生均一般公共预算教育支出只增不减")).unwrap();
    assert!(per_student.contains("县未报生均数") && per_student.contains("未达到") && per_student.contains("13,903 元"), "{per_student}");
    let budget = rows.iter().find(|r| r.contains("<td>一般公共预算教育支出只增不减</td>")).unwrap();
    assert!(budget.contains("万元") && !budget.contains("亿元"), "{budget}");
}

#[test]
fn issue31_05_years_are_years_and_names_do_not_run_into_numbers() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    wd.ok(&["sql", "--write", "INSERT INTO county_indicators VALUES (2021, '140581', 'basic_balance_recognised_year', 2014, '年', NULL)"]);
    let text = text_of(&wd.ok(&["report", "--county", "140581", "--year", "2021"]));
    assert!(text.contains("2014 年") && !text.contains("2,014"), "{text}");
    // A county named with digits keeps them apart from the year.
    wd.ok(&["sql", "--write", "UPDATE counties SET county_name = '县140121' WHERE county_code = '140121'"]);
    let text = text_of(&wd.ok(&["report", "--county", "140121", "--year", "2023"]));
    assert!(text.contains("县140121 2023 年") && !text.contains("县1401212023"), "{text}");
    // A school's shortfall names what it lacks (one more teacher), not the per-hundred indicator.
    assert!(!text.contains("每百名学生拥有高于规定学历教师数差") && !text.contains("生均教学及辅助用房面积差"), "{text}");
    assert!(text.contains("缺") && (text.contains("缺高于规定学历教师") || text.contains("缺体育、艺术专任教师") || text.contains("缺网络多媒体教室")), "{text}");
}

#[test]
fn issue31_06_the_trend_chart_draws_each_levels_limit_and_sections_share_pages() {
    let wd = Workdir::loaded(&["sample"]);
    let html = wd.ok(&["report", "--county", "140121", "--year", "2023"]);
    assert!(html.contains("小学限值 0.650") && html.contains("初中限值 0.550"), "both limits drawn");
    assert!(!html.contains("年份 / year"));
    assert!(!html.contains("section { break-before: page"), "a section does not force a new page");
}

#[test]
fn issue31_07_a_league_takes_a_provinces_own_digits() {
    let wd = Workdir::loaded(&["sample"]);
    let whole = wd.ok(&["report", "--province", "140000", "--year", "2023"]);
    let short = wd.ok(&["report", "--province", "14", "--year", "2023"]);
    assert_eq!(text_of(&whole).matches("县").count(), text_of(&short).matches("县").count());
    // Data whose province codes are written with their two digits, as datasets/README.md allows.
    wd.ok(&["sql", "--write", "UPDATE counties SET province_code = '14' WHERE province_code = '140000'"]);
    let two = text_of(&wd.ok(&["report", "--province", "140000", "--year", "2023"]));
    assert!(two.contains("长华县"), "{two}");
}

#[test]
fn issue31_07_a_league_names_who_reaches_quality_balance_and_shows_the_spread_not_only_medians() {
    let wd = Workdir::loaded(&["sample"]);
    let html = wd.ok(&["report", "--province", "140000", "--year", "2023"]);
    let rows: Vec<&str> = html.split("<tr>").collect();
    // The ranking names each county's 优质均衡 verdict: the model county 宁江县 reaches it.
    assert!(html.contains("<th>优质均衡</th>"), "a column of its own");
    let ningjiang = rows.iter().find(|r| r.contains("<td>宁江县</td>")).unwrap();
    assert!(ningjiang.contains("<td>达到</td>"), "{ningjiang}");
    // The CV chart draws each indicator's range across the counties, and the counties over a limit are named.
    assert!(html.contains("最小至最大"), "the range's legend");
    assert!(html.contains("超过限值的县："), "{}", &html[..2000.min(html.len())]);
}

#[test]
fn issue31_05_an_expected_figure_says_so_and_the_investment_reads_as_an_office_would() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    let html = wd.ok(&["report", "--county", "140581", "--year", "2021"]);
    let text = text_of(&html);
    // 高平市 reports its 2021 spending as expected (预计达到7.2亿元): the report says so, in the sentence and the table.
    assert!(text.contains("一般公共预算教育支出预计 7.2 亿元"), "{text}");
    assert!(html.contains("7.2 亿元（预计）"), "the table marks the figure");
    // The investment section: 小学 before 初中, a table of additions counted as it holds, recurring pay said.
    let text = text_of(&wd.ok(&["report", "--county", "140121", "--year", "2023"]));
    let invest = &text[text.find("达到优质均衡的投入测算").expect("section 8")..];
    if let (Some(p), Some(j)) = (invest.find("小学需投入"), invest.find("初中需投入")) {
        assert!(p < j, "小学 before 初中: {invest}");
    }
    // "投入最大的 15 项" only when 15 are shown; otherwise "全部 N 项投入".
    assert!(invest.contains("投入最大的 15 项") || invest.contains("项投入（按费用从大到小）"), "{invest}");
    if invest.contains("新招聘教师") {
        assert!(invest.contains("工资此后每年发生") && invest.contains("一次性投入"), "{invest}");
    }
    assert!(invest.contains("教师（含首年工资）"), "{invest}");
}

#[test]
fn issue31_07_a_league_shows_each_countys_rank_change_and_explains_vetoes() {
    let wd = Workdir::loaded(&["sample"]);
    let html = wd.ok(&["report", "--province", "140000", "--year", "2023"]);
    let text = text_of(&html);
    assert!(html.contains("<th>名次（较上年）</th>"), "the trend column");
    assert!(text.contains("括号内为较上年名次的变化"), "{text}");
    assert!(html.contains("（↑") || html.contains("（↓") || html.contains("（持平）"), "a change against 2022");
}

#[test]
fn issue31_08_an_english_report_says_grades_and_verdicts_in_english() {
    let wd = Workdir::loaded(&["sample"]);
    let html = wd.ok(&["report", "--province", "140000", "--year", "2023", "--lang", "en"]);
    let table = &html[html.find("<table").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    for word in ["优秀", "良好", "合格", "达到", "待补报"] {
        assert!(!table.contains(&format!("<td>{word}</td>")), "{word} in the English ranking: {table}");
    }
    // A county's English report: its grade, yes/no answers and units in English.
    let html = wd.ok(&["report", "--county", "140121", "--year", "2023", "--lang", "en"]);
    for cell in [">优秀<", ">良好<", ">合格<", ">是<", ">否<", ">小学<", ">城区<"] {
        assert!(!html.contains(cell), "{cell} in the English report");
    }
    assert!(html.contains(">yes<") || html.contains(">no<"), "yes/no answers");
}

/// The Chinese an English report still carries: every run of Chinese characters in its text that is neither (part
/// of) a name the data or the schemes give (schools, counties, prefectures, provinces, schemes) nor one of the
/// domain's terms an English reader is given beside their English words; Chinese punctuation counts.
fn chinese_left(wd: &Workdir, html: &str) -> Vec<String> {
    let mut names: Vec<String> = wd
        .sql(
            "SELECT DISTINCT school_name FROM schools UNION SELECT county_name FROM counties UNION SELECT prefecture_name FROM counties \
             UNION SELECT province_name FROM counties",
        )
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    for scheme in ["national", "quality_balance_2017", "basic_balance_2012", "preschool_2020"] {
        let text = std::fs::read_to_string(repo(&format!("criteria/{scheme}.toml"))).unwrap();
        let line = text.lines().find(|l| l.starts_with("name = ")).unwrap();
        names.push(line.trim_start_matches("name = ").trim_matches('"').to_string());
    }
    // Terms kept beside their English: the vetoed grade's 一票否决, the standards' names, the units a slip is about.
    let terms = ["一票否决", "优质均衡", "基本均衡", "只增不减", "万元", "元", "预计"];
    // Chinese characters and the Chinese punctuation an English sentence has no use for.
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || "（）：；、，。".contains(c);
    let mut text = text_of(&html[html.find("<body").unwrap_or(0)..]);
    // The names taken out whole, the longest first (a county's name is part of its schools').
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    for n in names.iter().filter(|n| !n.is_empty()) {
        text = text.replace(n.as_str(), " ");
    }
    let mut left = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain([' ']) {
        if han(c) {
            run.push(c);
        } else if !run.is_empty() {
            if !terms.contains(&run.as_str()) {
                left.push(run.clone());
            }
            run.clear();
        }
    }
    left
}

#[test]
fn issue31_08_an_english_county_report_words_its_explanations_gaps_and_audit_in_english() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    // Words anew both what is computed for the report and what is stored (in Chinese) by `compute`.
    let (national, quality) = (national(), repo("criteria/quality_balance_2017.toml").to_string_lossy().into_owned());
    for stored in [false, true] {
        if stored {
            wd.ok(&["compute"]);
            for year in ["2021", "2023"] {
                for scheme in [&national, &quality] {
                    wd.ok(&["evaluate", "--scheme", scheme, "--year", year, "--all-counties"]);
                }
            }
        }
        for (county, year) in [("140121", "2023"), ("140581", "2021"), ("140124", "2021")] {
            let html = wd.ok(&["report", "--county", county, "--year", year, "--lang", "en"]);
            let left = chinese_left(&wd, &html);
            assert!(left.is_empty(), "Chinese in the English report of {county} {year} (stored: {stored}): {left:?}");
            assert!(!html.contains("差距清单") && !html.contains("数据待核实"), "{county} {year}");
            // The stored evaluation is read (its cells name their rows) and only its words are made anew.
            assert_eq!(html.contains("the stored evaluation, its explanations worded in English now"), stored, "{county} {year}");
            // The same rank among the same counties as the Chinese report gives.
            let zh = text_of(&wd.ok(&["report", "--county", county, "--year", year]));
            if let Some(at) = zh.find("已评定的 ") {
                let rest = &zh[at + "已评定的 ".len()..];
                let m = &rest[..rest.find(' ').unwrap()];
                let n = &rest[rest.find("排第 ").unwrap() + "排第 ".len()..];
                let n = &n[..n.find(' ').unwrap()];
                assert!(html.contains(&format!("rank {n} of the {m} graded counties")), "{county} {year}: rank {n} of {m}");
            }
        }
    }
    // The league too.
    let html = wd.ok(&["report", "--province", "140000", "--year", "2023", "--lang", "en"]);
    let left = chinese_left(&wd, &html);
    assert!(left.is_empty(), "Chinese in the English league: {left:?}");
    // The Chinese report keeps the Chinese words the warehouse stores.
    let html = wd.ok(&["report", "--county", "140121", "--year", "2023"]);
    assert!(html.contains("差距清单：") && !html.contains("Gap list"), "the Chinese report's gap list");
}

/// The cells of the row of `name` in the table whose caption holds `caption`.
fn row_of(html: &str, caption: &str, name: &str) -> Vec<String> {
    let table = &html[html.find(caption).unwrap_or_else(|| panic!("no table {caption}"))..];
    let table = &table[..table.find("</table>").unwrap()];
    let row = table.split("<tr").find(|r| r.contains(&format!(">{name}<"))).unwrap_or_else(|| panic!("no row {name}"));
    row.split("<td").skip(1).map(|c| text_of(&format!("<td{c}")).trim().to_string()).collect()
}

#[test]
fn issue31_07_a_league_shows_each_countys_composite_cvs_over_the_years() {
    let wd = Workdir::loaded(&["sample"]);
    let caption = "2021–2023 年各县基本均衡综合差异系数的变化";
    let computed = row_of(&wd.ok(&["report", "--province", "140000", "--year", "2023"]), caption, "长华县");
    wd.ok(&["compute"]);
    let html = wd.ok(&["report", "--province", "140000", "--year", "2023"]);
    let stored = row_of(&html, caption, "长华县");
    assert_eq!(computed, stored, "computed now and read from the stored rows alike");
    // The engine's composite CVs, primary then junior, 2021 to 2023, to three decimals.
    let expected: Vec<String> = wd
        .sql(
            "SELECT printf('%.3f', composite_cv) FROM balance_verdicts WHERE county_code = '140121' AND standard = 'basic' \
             AND year BETWEEN 2021 AND 2023 ORDER BY level = 'junior', year",
        )
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(expected.len(), 6);
    assert_eq!(stored[1..].to_vec(), expected, "{stored:?}");
    assert!(html.contains("balance_verdicts?year=2021&amp;county_code=140121&amp;level=primary&amp;standard=basic#composite_cv"), "the cells name their rows");
    // A league of the first year of school data (2016) draws no trend.
    assert!(!wd.ok(&["report", "--province", "140000", "--year", "2016"]).contains("综合差异系数的变化"));
}
