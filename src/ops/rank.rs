//! Rankings: counties ordered by their evaluation totals, as the file a supervision office sends around.

use polars::prelude::*;

use crate::error::Result;
use crate::evaluate::{self, Scheme};

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
