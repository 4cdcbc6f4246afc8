//! `countyedu rank`: counties ordered by their evaluation totals, as the file a supervision office sends around.

use std::path::PathBuf;

use polars::prelude::{DataFrame, LazyFrame};

use super::metric;
use super::scheme::{Evaluation, EvaluationArgs};
use crate::error::Result;
use crate::ops::rank::ranking;
use crate::output::{Format, Plan};

/// Rank counties by their total points under an evaluation scheme (ties share a rank: 1, 2, 2, 4).
///
/// Totals are the sums of the points earned as shown, each rounded to 0.01, and ties are judged on these totals. A county without any data for the year is listed last, without rank or grade (无数据). A scheme with a `province` ranks that province's counties (--all-counties: every county).
///
/// Each row: rank, year, scheme, county, prefecture and province (codes and names), total, maximum, the points that had data to be judged, the score on those points (score_on_data, on the scheme's scale), grade (待补报 while points without data could still change it), the grade on the points with data, the points whose verdict rests on data the audit suspects (数据待核实), failed points, points with missing data (待填报, earning nothing and never counted as failed), vetoes (一票否决) and the largest gaps in words, so the file can be read without the tool. Counties are ranked by the score on the points with data (the total where every point has data); a county with fewer than half the points judged is listed last, without a rank. --within province|prefecture ranks inside each area. --output ranking.csv writes UTF-8 with a BOM so Excel shows Chinese correctly (--no-bom to drop it); --output ranking.xlsx writes an Excel workbook with two sheets, 排名 (the ranking) and 观测点得分 (every county's results point by point, in rank order); --lang zh writes Chinese column headers. Metrics are computed from the warehouse as `evaluate` does.
///
/// Examples:
///   countyedu rank --scheme criteria/national.toml --year 2021
///   countyedu rank --scheme criteria/national.toml --year 2021 \
///     --within province -o ranking.xlsx
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

pub fn run(args: Args) -> Result<()> {
    let plan = Plan::new(args.format, args.output.clone(), !args.no_bom && args.output.is_some())?;
    let Evaluation { scheme, summary, rows, .. } = args.run.evaluate()?;
    let frame = ranking(&scheme, &summary, args.within.as_deref(), args.lang == "zh")?;
    if plan.format == Format::Xlsx {
        return write_workbook(&plan, frame, &rows, args.lang == "zh");
    }
    metric::print(&plan, frame)
}

/// A ranking workbook: the ranking (排名) and every county's results point by point (观测点得分), counties in rank
/// order.
pub fn write_workbook(plan: &Plan, ranking: LazyFrame, rows: &DataFrame, chinese: bool) -> Result<()> {
    let ranking = ranking.collect()?;
    let code = if chinese { "县区代码" } else { "county_code" };
    let ranked: Vec<String> = ranking.column(code)?.str()?.iter().flatten().map(String::from).collect();
    let points = crate::ops::rank::points(rows, &ranked, chinese)?.collect()?;
    let [first, second] = crate::ops::rank::SHEETS;
    plan.write_sheets(&[(first, &metric::result(ranking)?), (second, &metric::result(points)?)])
}
