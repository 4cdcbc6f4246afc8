//! Rankings: counties ordered by their evaluation scores (on the points with data), as the file a supervision
//! office sends around.

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
    ("prefecture_code", "市代码"),
    ("prefecture_name", "市名称"),
    ("province_code", "省代码"),
    ("province_name", "省名称"),
    ("total", "总分"),
    ("max_points", "满分"),
    ("points_with_data", "有数据观测点分值"),
    ("score_on_data", "有数据观测点得分率"),
    ("grade", "等级"),
    ("grade_on_data", "按有数据观测点评定等级"),
    ("data_check_points", "数据待核实观测点数"),
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

/// Chinese headers of the point-by-point sheet.
const POINTS_ZH: &[(&str, &str)] = &[
    ("county_code", "县区代码"),
    ("county_name", "县区名称"),
    ("area", "评价内容"),
    ("key_point", "评价重点"),
    ("point_id", "观测点编号"),
    ("point", "观测点"),
    ("value", "数值"),
    ("threshold", "标准"),
    ("status", "结果"),
    ("points", "分值"),
    ("earned", "得分"),
    ("veto", "一票否决"),
    ("explanation", "说明"),
];

/// The sheet names of a ranking workbook: the ranking, and every county's results point by point.
pub const SHEETS: [&str; 2] = ["排名", "观测点得分"];

/// Every county's results point by point, in the order of the ranking's counties (`ranked`: county codes in rank
/// order), headers in English or Chinese.
pub fn points(rows: &DataFrame, ranked: &[String], chinese: bool) -> Result<LazyFrame> {
    let order = DataFrame::new_infer_height(vec![
        Column::new("county_code".into(), ranked.to_vec()),
        Column::new("_order".into(), (0..ranked.len() as u32).collect::<Vec<_>>()),
    ])?;
    let mut frame = rows
        .clone()
        .lazy()
        .with_row_index("_point", None)
        .join(order.lazy(), [col("county_code")], [col("county_code")], JoinArgs::new(JoinType::Left))
        .sort(["_order", "_point"], SortMultipleOptions::default().with_nulls_last(true))
        .select(POINTS_ZH.iter().map(|(en, _)| col(*en)).collect::<Vec<_>>());
    if chinese {
        let (en, zh): (Vec<&str>, Vec<&str>) = POINTS_ZH.iter().copied().unzip();
        frame = frame.rename(en, zh, true);
    }
    Ok(frame)
}
