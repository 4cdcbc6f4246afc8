//! `countyedu rank`: counties ordered by their evaluation totals, as the file a supervision office sends around.

use std::path::PathBuf;

use polars::prelude::*;

use super::evaluate::{Evaluation, EvaluationArgs};
use super::metric;
use crate::error::Result;
use crate::evaluate::{self, Scheme};
use crate::output::{Format, Plan};

/// Rank counties by their total points under an evaluation scheme (ties share a rank: 1, 2, 2, 4).
///
/// Totals are the sums of the points earned as shown, each rounded to 0.01, and ties are judged on these
/// totals. A county without any data for the year is listed last, without rank or grade (无数据). A scheme
/// with a `province` ranks that province's counties (--all-counties: every county).
///
/// Each row: rank, year, scheme, county, prefecture, province, total, maximum, the points that had data to be
/// judged, grade, failed points, points with missing data (待填报, earning nothing), vetoes (一票否决) and the
/// largest gaps in words, so the file can be read without the tool.
/// --within province|prefecture ranks inside each area. --output ranking.csv writes UTF-8 with a BOM so Excel
/// shows Chinese correctly (--no-bom to drop it); --output ranking.xlsx writes an Excel workbook; --lang zh
/// writes Chinese column headers. Metrics are computed from the warehouse as `evaluate` does.
///
/// Examples:
///   countyedu rank --db countyedu-demo.duckdb --scheme criteria/national.toml --year 2021
///   countyedu rank --scheme criteria/national.toml --year 2021 --within province -o ranking.xlsx
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub run: EvaluationArgs,
    /// Rank within each province or prefecture instead of overall.
    #[arg(long, value_parser = ["province", "prefecture"])]
    pub within: Option<String>,
    /// Column headers in English (canonical) or Chinese.
    #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
    pub lang: String,
    /// Output format [default: from --output's extension, else table].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to this file instead of stdout (.csv, .xlsx, .json, .parquet).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write CSV without the UTF-8 byte-order mark.
    #[arg(long)]
    pub no_bom: bool,
}

/// Chinese headers of the ranking.
const ZH: &[(&str, &str)] = &[
    ("rank", "排名"),
    ("year", "年度"),
    ("scheme", "评价方案"),
    ("county_code", "县区代码"),
    ("county_name", "县区名称"),
    ("prefecture_name", "市名称"),
    ("province_name", "省名称"),
    ("total", "总分"),
    ("max_points", "满分"),
    ("points_with_data", "有数据观测点分值"),
    ("grade", "等级"),
    ("failed_points", "未达标观测点数"),
    ("missing_points", "待填报观测点数"),
    ("vetoes", "一票否决项"),
    ("largest_gaps", "主要差距"),
];

/// The ranking as it is written: summaries ranked (overall or within `within`: province or prefecture), with
/// the scheme's name, in the ranking's column order, headers in English or Chinese.
pub fn ranking(scheme: &Scheme, summary: &DataFrame, within: Option<&str>, chinese: bool) -> Result<LazyFrame> {
    let within = within.map(|w| if w == "province" { "province_code" } else { "prefecture_code" });
    let mut frame = evaluate::rank(summary, within)?
        .lazy()
        .with_column(lit(format!("{} {}", scheme.name, scheme.version)).alias("scheme"))
        .select(ZH.iter().map(|(en, _)| col(*en)).collect::<Vec<_>>());
    if chinese {
        let (en, zh): (Vec<&str>, Vec<&str>) = ZH.iter().copied().unzip();
        frame = frame.rename(en, zh, true);
    }
    Ok(frame)
}

pub fn run(args: Args) -> Result<()> {
    let plan = Plan::new(args.format, args.output.clone(), !args.no_bom && args.output.is_some())?;
    let Evaluation { scheme, summary, .. } = args.run.evaluate()?;
    let frame = ranking(&scheme, &summary, args.within.as_deref(), args.lang == "zh")?;
    metric::print(&plan, frame)
}
