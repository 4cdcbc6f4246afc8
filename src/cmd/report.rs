//! `countyedu report`: a county's report, or a province's or prefecture's league, as one self-contained HTML file
//! (or Markdown with the charts beside it).

use std::path::{Path, PathBuf};

use super::{DbArgs, RulesArgs, shipped};
use crate::equity::Across;
use crate::error::{Error, Result};
use crate::evaluate::Scheme;
use crate::report::county::{self, SchemeRun};
use crate::report::{Lang, doc, league};
use crate::rules::Rules;
use crate::output::write_whole;
use crate::warehouse::Access;

/// Write a county's report, or a province's or prefecture's league, for one year.
///
/// A county's report (--county) follows a self-evaluation: 基本情况 (schools, pupils and teachers by level and by 城区 / 镇区 / 乡村), 经费投入 (spending and per-student spending over every year held with year-on-year growth; 两个只增不减, 生均公用经费 against its floor, matching funds, teacher pay), 义务教育均衡 (each CV against its limit, the composite CV and its trend, the schools failing the 6-of-7 rule with what they lack, the schools that raise the CVs most, the CVs the county reported), 城乡差距, 学前教育 and the other reported indicators, 评价结果 (score, grade and rank in the province under --scheme; the 优质均衡 verdict and 差距清单) and 存在问题 (every point not met or without data, largest loss first). A league (--province or --prefecture) ranks the counties, shows how each quality CV spreads across them against its limit, the counties failing each standard, the spread across counties, the spending-growth league and the counties with missing data.
///
/// Figures are read from the stored metric tables when they hold the county's rows under the rules in force, and computed now otherwise (the warehouse is only read; the footer says what was computed). Missing data is said as 待填报, never left blank. The HTML has its CSS and SVG charts inline, no scripts, fonts or network, and prints on A4.
///
/// Examples:
///   countyedu report --county 140581 --year 2021 -o gaoping-2021.html
///   countyedu report --county 140121 --year 2023 --lang en -o county.html
///   countyedu report --province 140000 --year 2023 -o shanxi-2023.html
///   countyedu report --county 140121 --year 2023 --format md -o report/county.md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The county (6-digit code).
    #[arg(long, value_name = "CODE", required_unless_present_any = ["province", "prefecture"], conflicts_with_all = ["province", "prefecture"])]
    pub county: Option<String>,
    /// A province's league (its 6-digit code, e.g. 140000).
    #[arg(long, value_name = "CODE", conflicts_with = "prefecture")]
    pub province: Option<String>,
    /// A prefecture's league (its 6-digit code, e.g. 140500).
    #[arg(long, value_name = "CODE")]
    pub prefecture: Option<String>,
    /// The year reported on.
    #[arg(long)]
    pub year: i32,
    /// The evaluation scheme of 评价结果 and the ranking [default: criteria/national.toml].
    #[arg(long, value_name = "FILE")]
    pub scheme: Option<PathBuf>,
    /// The language of the report. en: every sentence, explanation, gap list and audit message in English (the names of schools, counties and schemes as the data gives them); the stored evaluation and audit, which hold Chinese words, are worded anew under the same rules.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// html: one self-contained page; md: Markdown with the charts as SVG files beside it (needs --output) [default: from --output's extension (.html, .htm, .md), else html].
    #[arg(long, value_parser = ["html", "md"])]
    pub format: Option<String>,
    /// Where to write the report (stdout when not given, HTML only).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

fn code(flag: &str, c: &str) -> Result<()> {
    if c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::usage(format!("--{flag} {c:?}: expected a 6-digit code")));
    }
    Ok(())
}

/// A scheme and the rules it is evaluated under, or `None` (with why) when it does not cover the year.
fn scheme(path: &Path, year: i32, rules: &RulesArgs, explicit: bool) -> Result<Option<(PathBuf, Scheme, Rules)>> {
    let scheme = crate::ops::evaluate::load_scheme(path).map_err(|e| Error::usage(format!("the scheme is refused:\n{e}")))?;
    if !(scheme.years[0]..=scheme.years[1]).contains(&year) {
        if explicit {
            return Err(Error::usage(format!("{} applies to {}–{}, not {year}", path.display(), scheme.years[0], scheme.years[1])));
        }
        return Ok(None);
    }
    let rules = super::scheme::rules_for(path, &scheme, rules)?;
    Ok(Some((path.to_path_buf(), scheme, rules)))
}

fn scheme_run(s: &Option<(PathBuf, Scheme, Rules)>) -> Option<SchemeRun<'_>> {
    s.as_ref().map(|(p, s, r)| SchemeRun { path: p.as_path(), scheme: s, rules: r })
}

/// What `report` and `demo` ask for.
pub struct Wanted {
    pub county: Option<String>,
    pub across: Option<(Across, String)>,
    pub year: i32,
    pub lang: Lang,
    pub scheme: Option<PathBuf>,
}

/// Builds the report asked for, the warehouse opened read-only by the caller.
pub fn build(wh: &crate::warehouse::Warehouse, w: &Wanted, rules_args: &RulesArgs) -> Result<doc::Document> {
    let rules = rules_args.load()?;
    let main = scheme(&w.scheme.clone().unwrap_or_else(|| shipped("criteria", "national.toml")), w.year, rules_args, w.scheme.is_some())?;
    let quality_path = shipped("criteria", "quality_balance_2017.toml");
    let quality = if quality_path.exists() { scheme(&quality_path, w.year, rules_args, false)? } else { None };
    if let Some(c) = &w.county {
        let req = county::Request { county: c.clone(), year: w.year, lang: w.lang, rules: &rules, scheme: scheme_run(&main), quality: scheme_run(&quality) };
        return county::report(wh, &req);
    }
    let (across, code) = w.across.clone().ok_or_else(|| Error::usage("give --county, --province or --prefecture"))?;
    league::report(wh, &league::Request { across, code, year: w.year, lang: w.lang, rules: &rules, scheme: scheme_run(&main), quality: scheme_run(&quality) })
}

/// Writes a report: HTML, or Markdown with its charts beside it; through a temporary file renamed into place, so
/// a failed run leaves no half-written report.
pub fn write(document: &doc::Document, format: &str, output: Option<&Path>) -> Result<()> {
    if let Some(dir) = output.and_then(Path::parent).filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    match (format, output) {
        ("md", None) => Err(Error::usage("--format md writes its charts beside the Markdown: give --output FILE.md")),
        ("md", Some(path)) => {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let stem = path.file_stem().map_or("report".into(), |s| s.to_string_lossy().to_string());
            let (text, charts) = doc::markdown(document, &stem);
            for (name, svg) in charts {
                write_whole(Some(&dir.join(name)), svg.as_bytes())?;
            }
            write_whole(Some(path), text.as_bytes())
        }
        (_, path) => write_whole(path, doc::html(document).as_bytes()),
    }
}

/// The report's format: --format, else the extension of --output (as every output of countyedu), else HTML.
fn format(flag: Option<&str>, output: Option<&Path>) -> Result<&'static str> {
    match (flag, output) {
        (Some("md"), _) => Ok("md"),
        (Some(_), _) | (None, None) => Ok("html"),
        (None, Some(path)) => match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("html" | "htm") => Ok("html"),
            Some("md" | "markdown") => Ok("md"),
            _ => Err(Error::usage(format!(
                "{}: cannot tell the report's format from the extension; use .html or .md, or give --format",
                path.display()
            ))),
        },
    }
}

pub fn run(args: Args) -> Result<()> {
    let across = match (&args.province, &args.prefecture) {
        (Some(p), _) => Some((Across::Province, p.clone())),
        (None, Some(p)) => Some((Across::Prefecture, p.clone())),
        _ => None,
    };
    if let Some(c) = &args.county {
        code("county", c)?;
    }
    if let Some((a, c)) = &across {
        // An area's own digits (14, 1405) name it as well as its whole code.
        let own = match a {
            Across::Province => 2,
            Across::Prefecture => 4,
        };
        if !(c.len() == own && c.bytes().all(|b| b.is_ascii_digit())) {
            code(a.id(), c)?;
        }
    }
    let format = format(args.format.as_deref(), args.output.as_deref())?;
    if format == "md" && args.output.is_none() {
        return Err(Error::usage("--format md writes its charts beside the Markdown: give --output FILE.md"));
    }
    let wh = args.db.open(Access::ReadOnly)?;
    let wanted = Wanted { county: args.county.clone(), across, year: args.year, lang: args.lang, scheme: args.scheme.clone() };
    let document = build(&wh, &wanted, &args.rules)?;
    write(&document, format, args.output.as_deref())?;
    if let Some(p) = &args.output {
        crate::say!("wrote {}", p.display());
    }
    Ok(())
}
