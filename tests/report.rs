//! `countyedu report` through the real binary: the reference report's own figures, every figure of a report
//! against the warehouse row it names, missing data said as such, self-contained HTML, Markdown with its charts,
//! and a real browser (headless Chromium) rendering and printing the demo's reports.

mod workdir;

use std::path::{Path, PathBuf};
use std::process::Command;

use workdir::Workdir;

/// The demo run once per test binary: its folder, warehouse and reports.
fn demo() -> &'static (Workdir, PathBuf) {
    static DEMO: std::sync::OnceLock<(Workdir, PathBuf)> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| {
        let wd = Workdir::new();
        let out = wd.path("out");
        let db = wd.db();
        let stderr = {
            let o = wd.run(&["demo", "--db", &db.to_string_lossy(), "--out-dir", &out.to_string_lossy(), "--format", "csv"]);
            assert!(o.status.success(), "demo failed: {}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8_lossy(&o.stderr).into_owned()
        };
        for name in REPORTS {
            assert!(stderr.contains(&format!("wrote {}", out.join(name).display())), "the demo says where {name} is:\n{stderr}");
        }
        (wd, out)
    })
}

const REPORTS: [&str; 3] = ["report-140121-2023.html", "report-140581-2021.html", "league-140000-2023.html"];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The text of the page without tags (for looking for sentences).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// Every numeric cell: (data-value, data-src, shown text).
fn figures(html: &str) -> Vec<(f64, Option<String>, String)> {
    let mut out = Vec::new();
    for part in html.split("<td class=\"n\" ").skip(1) {
        let end = part.find('>').expect("a closed td");
        let attrs = &part[..end];
        let shown = &part[end + 1..part.find("</td>").expect("td end")];
        let attr = |name: &str| attrs.split(&format!("{name}=\"")).nth(1).map(|r| unescape(&r[..r.find('"').expect("quoted")]));
        let value: f64 = attr("data-value").expect("data-value").parse().expect("a number");
        out.push((value, attr("data-src"), unescape(shown)));
    }
    out
}

/// A cell's source (`table?key=value&…#column`) as a query of its value.
fn source_query(src: &str) -> String {
    let (table, rest) = src.split_once('?').expect("table?keys#column");
    let (keys, column) = rest.split_once('#').expect("#column");
    let conds: Vec<String> = keys
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("key=value");
            format!("CAST(\"{k}\" AS VARCHAR) = '{}'", countyedu::report::decode(v).replace('\'', "''"))
        })
        .collect();
    format!("SELECT CAST(\"{column}\" AS DOUBLE), count(*) OVER () FROM \"{table}\" WHERE {}", conds.join(" AND "))
}

#[test]
fn gaopings_report_shows_the_reference_reports_own_figures() {
    let (_, out) = demo();
    let html = read(&out.join("report-140581-2021.html"));
    let text = text_of(&html);
    // The sentence of the reference report, generated from the warehouse: 7.2 亿元 (+7.5%), 12,175 元 (+7.8%), both
    // expected (预计) as the county reports them.
    assert!(text.contains("2021 年全市一般公共预算教育支出预计 7.2 亿元，较上年增长 7.5%；生均一般公共预算教育支出预计 12,175 元，较上年增长 7.8%。"), "{text}");
    for figure in ["6.7 亿元", "11,293 元", "930 元", "1,180 元", "6,000 元", "1,545.9 万元", "98.03%", "94.14%", "92.75%", "0.56", "0.43", "0.73", "0.67", "0.69", "0.51"] {
        assert!(text.contains(figure), "高平市's report shows {figure}");
    }
    // No school data: the sections that need it say so instead of a blank.
    assert!(text.contains("待填报：2021 年无学校数据"), "{text}");
    assert!(!text.contains("NaN") && !text.contains("null"));
}

#[test]
fn every_figure_of_the_demo_reports_equals_the_warehouse_value_it_names() {
    let (wd, out) = demo();
    let db = wd.db().to_string_lossy().to_string();
    for name in REPORTS {
        let html = read(&out.join(name));
        let cells = figures(&html);
        let sourced: Vec<_> = cells.iter().filter(|c| c.1.is_some()).collect();
        assert!(sourced.len() >= 20, "{name}: only {} figures name their row", sourced.len());
        // What each cell shows is its value, rounded as written.
        for (value, _, shown) in &cells {
            if let Some((v, half)) = countyedu::report::fmt::parse(shown) {
                assert!((v - value).abs() <= half * 1.0001 + 1e-9, "{name}: {shown:?} does not write {value}");
            }
        }
        // Each sourced value is the warehouse's, read by a query of its own (one query for all cells).
        let queries: Vec<String> = sourced.iter().enumerate().map(|(i, c)| format!("SELECT {i} AS i, * FROM ({})", source_query(c.1.as_ref().unwrap()))).collect();
        for chunk in queries.chunks(200) {
            let rows = wd.sql_on(&db, &format!("{} ORDER BY i", chunk.join(" UNION ALL ")));
            let first: usize = chunk[0].split_whitespace().nth(1).unwrap().parse().unwrap();
            assert_eq!(rows.len(), chunk.len(), "{name}: every source names exactly one row");
            for row in rows {
                let i: usize = row[0].parse().unwrap();
                assert!(i >= first);
                assert_eq!(row[2], "1", "{name}: {} names one row", sourced[i].1.as_ref().unwrap());
                let stored: f64 = row[1].parse().unwrap_or_else(|_| panic!("{name}: {} is {:?}", sourced[i].1.as_ref().unwrap(), row[1]));
                let shown = sourced[i].0;
                assert!((stored - shown).abs() <= 1e-9 * stored.abs().max(1.0), "{name}: {} is {stored} in the warehouse, {shown} in the report", sourced[i].1.as_ref().unwrap());
            }
        }
    }
}

#[test]
fn the_reports_are_self_contained_pages_with_charts() {
    let (_, out) = demo();
    for name in REPORTS {
        let html = read(&out.join(name));
        for banned in ["<script", "<link", "@import", "url(", "src=\"http", "href=\"http", "<img", "<iframe", "<object"] {
            assert!(!html.contains(banned), "{name} holds {banned}");
        }
        assert!(html.contains("Noto Sans CJK SC") && html.contains("@page") && html.contains("@media print"));
        let charts = html.matches("<figure class=\"chart\"").count();
        assert!(charts >= 2, "{name}: {charts} charts");
        // Every chart has its data table under it.
        assert_eq!(charts, html.split("<figure class=\"chart\"").skip(1).filter(|f| f.contains("<svg") && f.contains("<table>")).count());
    }
    let county = text_of(&read(&out.join(REPORTS[0])));
    for section in ["一、基本情况", "二、经费投入", "三、义务教育均衡发展", "四、城乡差距", "五、学前教育及其他指标", "六、评价结果", "七、存在问题", "差距清单", "八、达到优质均衡的投入测算", "复核结论"] {
        assert!(county.contains(section), "the county report has {section}");
    }
    assert!(county.contains("在山西省已评定的 8 个县（市、区）中排第"), "its rank in the province, among the counties graded on their data: {county}");
}

#[test]
fn a_county_year_without_data_is_refused_and_a_year_with_some_says_what_is_missing() {
    let wd = Workdir::loaded(&["sample", "gaoping"]);
    // 高平市 has county indicators for 2019–2021 and no schools: 2016 is refused, whatever the scheme's years.
    let err = wd.fails(2, &["report", "--county", "140581", "--year", "2016"]);
    assert!(err.contains("no data of 高平市 for 2016 (its schools: none; its county indicators: 2019–2021)"), "{err}");
    let html = wd.ok(&["report", "--county", "140581", "--year", "2020"]);
    let text = text_of(&html);
    assert!(text.matches("待填报").count() >= 3, "{text}");
    for section in ["一、基本情况", "二、经费投入", "三、义务教育均衡发展", "四、城乡差距", "五、学前教育及其他指标"] {
        assert!(text.contains(section));
    }
    assert!(!html.contains("<svg") || html.contains("<polyline"), "no empty chart");
    // A county the warehouse does not have, a bad code, and a scheme that does not cover the year are refused.
    assert!(wd.fails(2, &["report", "--county", "999999", "--year", "2021"]).contains("999999"));
    assert!(wd.fails(2, &["report", "--county", "1405", "--year", "2021"]).contains("6-digit"));
    let scheme = workdir::repo("criteria/national.toml");
    assert!(wd.fails(2, &["report", "--county", "140581", "--year", "2099", "--scheme", &scheme.to_string_lossy()]).contains("2099"));
    // English, and Markdown with its charts beside it (which needs --output).
    let en = wd.ok(&["report", "--county", "140121", "--year", "2023", "--lang", "en"]);
    assert!(en.contains("lang=\"en\"") && text_of(&en).contains("2. Funding"));
    wd.fails(2, &["report", "--county", "140121", "--year", "2023", "--format", "md"]);
    let md = wd.path("md/county.md");
    wd.ok(&["report", "--county", "140121", "--year", "2023", "--format", "md", "-o", &md.to_string_lossy()]);
    let text = read(&md);
    assert!(text.contains("## 二、经费投入") && text.contains("| 年份 |"));
    let svgs: Vec<String> = text.lines().filter_map(|l| l.strip_prefix("![").and_then(|r| r.split("](").nth(1)).map(|r| r.trim_end_matches(')').to_string())).collect();
    assert!(svgs.len() >= 3, "{text}");
    for s in svgs {
        assert!(read(&wd.path("md").join(&s)).contains("<svg"), "{s} is beside the Markdown");
    }
}

#[test]
fn a_province_and_a_prefecture_league() {
    let (wd, _) = demo();
    let db = wd.db().to_string_lossy().to_string();
    let html = wd.ok(&["report", "--db", &db, "--prefecture", "140100", "--year", "2023"]);
    let text = text_of(&html);
    for section in ["一、评价排名", "二、义务教育均衡：各县差异系数", "三、县际差异", "四、经费增长", "五、数据缺失"] {
        assert!(text.contains(section), "{section}");
    }
    // The ranking lists every county of the prefecture once.
    let table = html.split("<caption>").find(|t| t.starts_with("2023 ") && t.contains("评价排名")).expect("the ranking table");
    let table = &table[..table.find("</table>").unwrap()];
    let counties = wd.sql_on(&db, "SELECT county_name FROM counties WHERE prefecture_code = '140100'");
    assert_eq!(table.matches("<tr>").count() - 1, counties.len());
    assert!(counties.iter().all(|c| table.contains(&c[0])));
    // The spread of the basic composite CV across the prefecture's counties, as DuckDB computes it.
    let table = html.split("<caption>").find(|t| t.contains("基本均衡综合差异系数在各县的分布")).expect("the composite CV table");
    let table = text_of(&table[..table.find("</table>").unwrap()]);
    let expected = wd.sql_on(
        &db,
        "SELECT CASE level WHEN 'primary' THEN '小学' ELSE '初中' END, count(*), printf('%.3f', min(composite_cv)), \
         printf('%.3f', median(composite_cv)), printf('%.3f', max(composite_cv)), printf('%.3f', any_value(cv_threshold)), \
         count(*) FILTER (WHERE composite_cv > cv_threshold) \
         FROM balance_verdicts JOIN counties USING (county_code) \
         WHERE prefecture_code = '140100' AND year = 2023 AND standard = 'basic' AND composite_cv IS NOT NULL \
         GROUP BY level ORDER BY level DESC",
    );
    assert!(!expected.is_empty());
    for row in expected {
        let line = row.join("");
        assert!(table.replace(char::is_whitespace, "").contains(&line), "{line} in {table}");
    }
    assert!(wd.fails(2, &["report", "--db", &db, "--province", "990000", "--year", "2023"]).contains("990000"));
}

/// Headless Chromium, when the machine has it (CI installs it and sets COUNTYEDU_BROWSER_TESTS=1, which makes a
/// missing browser a failure).
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|b| {
        let ok = Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success());
        ok.then(|| PathBuf::from(b))
    });
    if found.is_none() {
        assert!(std::env::var_os("COUNTYEDU_BROWSER_TESTS").is_none(), "COUNTYEDU_BROWSER_TESTS is set and no Chromium is installed");
        eprintln!("skipped: no Chromium on this machine (set COUNTYEDU_BROWSER_TESTS=1 to require it)");
    }
    found
}

fn headless(browser: &Path, args: &[&str]) -> std::process::Output {
    Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND"])
        .args(args)
        .output()
        .expect("chromium runs")
}

/// What the browser measured, written into the DOM by a script added to a copy of the report (the report
/// itself has no script): per chart its box and its drawn elements, text outside its chart, resources loaded.
const PROBE: &str = r#"<script>
window.addEventListener('load', () => {
  const out = { charts: [], overflow: [], resources: performance.getEntriesByType('resource').map(r => r.name), width: document.documentElement.scrollWidth, viewport: window.innerWidth };
  for (const fig of document.querySelectorAll('figure.chart')) {
    const svg = fig.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const shapes = [...svg.querySelectorAll('rect, polyline, path, circle, line')].filter(e => { const b = e.getBoundingClientRect(); return b.width > 0 || b.height > 0; });
    out.charts.push({ id: fig.id, width: box.width, height: box.height, shapes: shapes.length, texts: svg.querySelectorAll('text').length });
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      if (t.textContent.trim() && (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1)) out.overflow.push(fig.id + ': ' + t.textContent);
    }
  }
  // Tables wider than the page's text (at the A4 width the probe window has) would run past the right margin.
  out.wide = [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1).map(t => (t.caption ? t.caption.textContent : '') + ' ' + t.getBoundingClientRect().width);
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});
</script>"#;

/// The text of each page of a PDF, by pdftotext (poppler-utils; required with COUNTYEDU_BROWSER_TESTS).
fn pdf_pages(pdf: &Path) -> Option<Vec<String>> {
    let out = Command::new("pdftotext").args(["-layout"]).arg(pdf).arg("-").output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout).to_string();
            let mut pages: Vec<String> = text.split('\u{c}').map(String::from).collect();
            if pages.last().is_some_and(|p| p.trim().is_empty()) {
                pages.pop();
            }
            Some(pages)
        }
        _ => {
            assert!(std::env::var_os("COUNTYEDU_BROWSER_TESTS").is_none(), "COUNTYEDU_BROWSER_TESTS is set and pdftotext (poppler-utils) is missing");
            None
        }
    }
}

#[test]
fn a_real_browser_renders_and_prints_the_demo_reports() {
    let Some(browser) = chromium() else { return };
    let (wd, out) = demo();
    // Beside the demo's three, the report of a county with a failed 一票否决 item (景龙县 2021: spending fell).
    let veto = "report-140124-2021.html";
    wd.ok(&["report", "--county", "140124", "--year", "2021", "-o", &out.join(veto).to_string_lossy()]);
    assert!(read(&out.join(veto)).contains("一票否决"), "{veto} names its veto");
    // And the English county report and league (issue 31: an English table ran past the right margin).
    let english = ["report-140121-2023-en.html", "league-140000-2023-en.html"];
    wd.ok(&["report", "--county", "140121", "--year", "2023", "--lang", "en", "-o", &out.join(english[0]).to_string_lossy()]);
    wd.ok(&["report", "--province", "140000", "--year", "2023", "--lang", "en", "-o", &out.join(english[1]).to_string_lossy()]);
    let mut pages_of = Vec::new();
    for name in REPORTS.iter().copied().chain([veto]).chain(english) {
        let html = read(&out.join(name));
        let probe_page = wd.path(&format!("probe-{name}"));
        std::fs::write(&probe_page, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
        let url = format!("file://{}", probe_page.display());
        // The window is as wide as an A4 page at 96 dpi (210 mm: 794 px).
        let dom = headless(&browser, &["--virtual-time-budget=10000", "--window-size=794,1123", "--dump-dom", &url]);
        let dom = String::from_utf8_lossy(&dom.stdout).to_string();
        let json = dom.split("<pre id=\"probe\">").nth(1).and_then(|r| r.split("</pre>").next()).unwrap_or_else(|| panic!("{name}: the probe did not run:\n{}", &dom[..dom.len().min(500)]));
        let probe: serde_json::Value = serde_json::from_str(&unescape(json)).expect("probe json");
        let charts = probe["charts"].as_array().unwrap();
        assert!(charts.len() >= 2, "{name}: {probe}");
        for c in charts {
            assert!(c["width"].as_f64().unwrap() > 100.0 && c["height"].as_f64().unwrap() > 100.0, "{name}: an empty chart box {c}");
            assert!(c["shapes"].as_u64().unwrap() >= 3 && c["texts"].as_u64().unwrap() >= 3, "{name}: a chart drew nothing {c}");
        }
        assert_eq!(probe["overflow"].as_array().unwrap().len(), 0, "{name}: text overflows its chart: {}", probe["overflow"]);
        assert_eq!(probe["resources"].as_array().unwrap().len(), 0, "{name}: the page loaded {}", probe["resources"]);
        assert_eq!(probe["wide"].as_array().unwrap().len(), 0, "{name}: a table wider than the page: {}", probe["wide"]);
        assert!(probe["width"].as_f64().unwrap() <= probe["viewport"].as_f64().unwrap() + 1.0, "{name}: the page is wider than the window: {probe}");

        // A screenshot that is not blank, and a PDF of a plausible number of A4 pages.
        let url = format!("file://{}", out.join(name).display());
        let png = wd.path(&format!("{name}.png"));
        headless(&browser, &[&format!("--screenshot={}", png.display()), "--window-size=1000,3000", &url]);
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{name}: no screenshot: {e}"));
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 30_000, "{name}: a blank screenshot ({} bytes)", bytes.len());
        let pdf = wd.path(&format!("{name}.pdf"));
        headless(&browser, &[&format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer", &url]);
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{name}: no PDF: {e}"));
        let text = String::from_utf8_lossy(&bytes);
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert!((3..=60).contains(&pages), "{name}: {pages} pages");
        // No page left (nearly) empty: sections share pages (issue 31: 高平市 filled 9 pages, 3 nearly empty).
        if let Some(texts) = pdf_pages(&pdf) {
            assert_eq!(texts.len(), pages);
            for (i, t) in texts.iter().enumerate() {
                assert!(t.trim().chars().count() >= 40, "{name}: page {} is (nearly) empty: {t:?}", i + 1);
            }
        }
        pages_of.push(format!("{name}: {pages} pages"));
    }
    eprintln!("{}", pages_of.join("; "));
}
