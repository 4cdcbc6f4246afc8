//! A report as data (sections of paragraphs, tables and charts) and its two renderings: one self-contained HTML
//! page (inline CSS and SVG, print CSS for A4) and Markdown with the charts as SVG files beside it.
//!
//! Every number in a table is a [`Cell`] that keeps the value it shows and, when it was read from a stored
//! table, where it came from (`data-src="table?key=value&…#column"` in the HTML), so a test can check each one
//! against the warehouse.

use std::fmt::Write as _;

/// One table cell: the text shown, and for a figure its value and its source row.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub text: String,
    pub value: Option<f64>,
    pub src: Option<String>,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), ..Default::default() }
    }

    /// A figure written by `write`, or 待填报 / "not reported" when there is none.
    pub fn figure(value: Option<f64>, write: impl Fn(f64) -> String, missing: &str) -> Cell {
        match value {
            Some(v) => Cell { text: write(v), value: Some(v), src: None },
            None => Cell::text(missing),
        }
    }

    pub fn from(mut self, src: Option<String>) -> Cell {
        if self.value.is_some() {
            self.src = src;
        }
        self
    }
}

/// A table with a caption; `numeric` columns are right-aligned.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A chart: its SVG and the table of its data (printed under it).
#[derive(Clone, Debug)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub svg: String,
    pub data: Table,
}

#[derive(Clone, Debug)]
pub enum Block {
    Paragraph(String),
    /// Data that is not there: said as such (待填报), never left blank.
    Missing(String),
    Table(Table),
    Chart(Chart),
    Subheading(String),
}

#[derive(Clone, Debug)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// A whole report.
#[derive(Clone, Debug)]
pub struct Document {
    pub lang: &'static str,
    pub title: String,
    pub subtitle: Vec<String>,
    pub sections: Vec<Section>,
    pub footer: Vec<String>,
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style: a font stack with Chinese glyphs on Windows, macOS and Linux; A4 print rules.
const CSS: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --rule: #bbb; }
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
       color: var(--ink); max-width: 190mm; margin: 12mm auto; padding: 0 6mm; line-height: 1.6; font-size: 11pt; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; border-bottom: 1.5pt solid var(--ink); padding-bottom: 2pt; margin-top: 18pt; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; }
.subtitle { color: var(--muted); margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; padding: 2pt 0; caption-side: top; }
th, td { border: 0.75pt solid var(--rule); padding: 2pt 5pt; vertical-align: top; }
th { background: #eee; text-align: center; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.missing { color: #8a3b00; font-weight: bold; }
figure { margin: 8pt 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 170mm; }
figure svg text { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
figcaption { font-weight: bold; }
footer { margin-top: 18pt; color: var(--muted); font-size: 8.5pt; border-top: 0.75pt solid var(--rule); }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; max-width: none; }
  /* Sections follow one another on the page (a new page for each left pages nearly empty); a heading stays with
     what follows it, and a row, a chart or a short table is never split. */
  h2, h3, caption, p.subtitle { break-after: avoid; page-break-after: avoid; }
  section > p:first-of-type { break-before: avoid; }
  /* A table's caption and header never stand alone at the foot of a page: its first rows go with them. */
  tbody tr:nth-child(-n+2) { break-before: avoid; page-break-before: avoid; }
  /* The footer's notes stay with the last section rather than fill a page of their own. */
  footer { break-before: avoid; page-break-before: avoid; break-inside: avoid; margin-top: 10pt; }
}
"#;

fn table_html(out: &mut String, t: &Table) {
    out.push_str("<table>");
    if !t.caption.is_empty() {
        let _ = write!(out, "<caption>{}</caption>", escape(&t.caption));
    }
    out.push_str("<thead><tr>");
    for h in &t.headers {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for c in row {
            match c.value {
                Some(v) => {
                    let _ = write!(out, "<td class=\"n\" data-value=\"{v:?}\"");
                    if let Some(src) = &c.src {
                        let _ = write!(out, " data-src=\"{}\"", escape(src));
                    }
                    let _ = write!(out, ">{}</td>", escape(&c.text));
                }
                None => {
                    let _ = write!(out, "<td>{}</td>", escape(&c.text));
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// The report as one self-contained HTML page.
pub fn html(doc: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        if doc.lang == "zh" { "zh-CN" } else { "en" },
        escape(&doc.title),
        escape(&doc.title)
    );
    for s in &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(s));
    }
    out.push_str("</header>\n");
    for section in &doc.sections {
        let _ = write!(out, "<section>\n<h2>{}</h2>\n", escape(&section.title));
        for block in &section.blocks {
            match block {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "<p>{}</p>", escape(p));
                }
                Block::Missing(p) => {
                    let _ = writeln!(out, "<p class=\"missing\">{}</p>", escape(p));
                }
                Block::Subheading(h) => {
                    let _ = writeln!(out, "<h3>{}</h3>", escape(h));
                }
                Block::Table(t) => table_html(&mut out, t),
                Block::Chart(c) => {
                    let _ = write!(out, "<figure class=\"chart\" id=\"{}\">\n<figcaption>{}</figcaption>\n", escape(&c.id), escape(&c.title));
                    out.push_str(&c.svg);
                    out.push('\n');
                    table_html(&mut out, &c.data);
                    out.push_str("</figure>\n");
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("<footer>\n");
    for f in &doc.footer {
        let _ = writeln!(out, "<p>{}</p>", escape(f));
    }
    out.push_str("</footer>\n</body>\n</html>\n");
    out
}

/// Text that Markdown shows as written: HTML's `&`, `<` and `>` as entities (no tag, comment or raw HTML of a
/// name survives), Markdown's own punctuation behind a backslash (a name opens no link, image, emphasis, code span
/// or table cell), and line breaks as spaces (a name starts no heading or list). Every text of a report passes
/// through here, as every text of the HTML page passes through [`escape`].
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn table_md(out: &mut String, t: &Table) {
    if !t.caption.is_empty() {
        let _ = writeln!(out, "**{}**\n", md_escape(&t.caption));
    }
    let _ = writeln!(out, "| {} |", t.headers.iter().map(|h| md_escape(h)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|{}|", t.headers.iter().map(|_| "---").collect::<Vec<_>>().join("|"));
    for row in &t.rows {
        let _ = writeln!(out, "| {} |", row.iter().map(|c| md_escape(&c.text)).collect::<Vec<_>>().join(" | "));
    }
    out.push('\n');
}

/// The report as Markdown; each chart is returned as (file name, SVG) to be written beside it, `prefix` naming
/// the files.
pub fn markdown(doc: &Document, prefix: &str) -> (String, Vec<(String, String)>) {
    let mut out = String::new();
    let mut files = Vec::new();
    let _ = writeln!(out, "# {}\n", md_escape(&doc.title));
    for s in &doc.subtitle {
        let _ = writeln!(out, "{}  ", md_escape(s));
    }
    out.push('\n');
    for section in &doc.sections {
        let _ = writeln!(out, "## {}\n", md_escape(&section.title));
        for block in &section.blocks {
            match block {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "{}\n", md_escape(p));
                }
                Block::Missing(p) => {
                    let _ = writeln!(out, "**{}**\n", md_escape(p));
                }
                Block::Subheading(h) => {
                    let _ = writeln!(out, "### {}\n", md_escape(h));
                }
                Block::Table(t) => table_md(&mut out, t),
                Block::Chart(c) => {
                    let name = format!("{prefix}-{}.svg", c.id);
                    let _ = writeln!(out, "![{}]({name})\n", md_escape(&c.title));
                    files.push((name, standalone_svg(&c.svg)));
                    table_md(&mut out, &c.data);
                }
            }
        }
    }
    for f in &doc.footer {
        let _ = writeln!(out, "_{}_  ", md_escape(f));
    }
    (out, files)
}

/// A chart's SVG as a file of its own: the page's fonts named inside it.
fn standalone_svg(svg: &str) -> String {
    let style = "<style>text { font-family: \"Microsoft YaHei\", \"PingFang SC\", \"Noto Sans CJK SC\", sans-serif; }</style>";
    match svg.find('>') {
        Some(i) => format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}{style}{}", &svg[..=i], &svg[i + 1..]),
        None => svg.to_string(),
    }
}
