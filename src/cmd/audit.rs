//! `countyedu audit`: 数据核查, the impossible and suspicious values of the schools and county indicators, the
//! verdicts they could change, and the schools to visit.

use polars::prelude::*;

use super::metric::{self, MetricArgs};
use crate::audit::sample;
use crate::error::{Error, Result};
use crate::ops::audit::{self, Audited};
use crate::output::OutputArgs;

/// Check the data before any verdict rests on it (数据核查): impossible values (强制) and suspicious ones (提示), the county verdicts they could change, and an on-site sample.
///
/// 强制 (逻辑校验, the rules ingest refuses unless --allow-out-of-bounds): degree, titled, backbone or PE/art teachers above the level's teachers; pupils without classes or classes without pupils; a largest class below the average class; an average class outside 1–99 pupils. 提示 (经验校验): a value more than 2.5 decades from the same school's last year (万元 typed for 元, a shifted decimal point) or a school's per-pupil value more than 2.5 decades from the median of its stratum (province × school type or level × 城区/镇区/乡村 × year); period-to-period outliers by the Hidiroglou–Berthelot method (U 0, A 0.05, C 10; a school's first year against the year after) on pupils, teachers and each resource; robust outliers of the per-pupil ratios within a stratum (|log(x+1) − median| / (1.4826·MAD) > 3) for values without a year before or after; shell schools and schools with pupils that leave a key value empty; classes of 56 pupils or more (大班额) and 66 or more (超大班额), as findings; a county's reported pupils below its schools' sum, reported per-pupil spending that disagrees with spending ÷ pupils by more than 0.5%, spending that changed by more than 30% before 两个只增不减 judges it. Every threshold is in the rules folder's audit.toml (config/national/audit.toml says where each comes from).
///
/// Rows: year, county_code, school_id and school_name (empty for a county-level flag), level, column, value, rule, severity, compared_with (last year's value, the stratum's expected value or the whole a part belongs to), bound, message, weight (|value − expected| over the county's total of the column: how much the flag moves the county's figure; flags are ordered 强制 first, then by weight) and sensitive (the county verdicts the flag could change).
///
/// Sensitivity: for every county verdict (basic composite CV, the 7 quality CVs and the school rule, per level) of a county with suspected school flags, the engine computes the verdict again with the flagged school-years left out and with the flagged values at their expected values; a verdict that changes is 数据待核实 (--verdicts lists them all; balance --verdicts, evaluate and the report say so).
///
/// --sample N proposes the schools to visit on site (实地核查), N per county (default 10; national supervision visits 8–12): every school with a 强制 flag or a flag a verdict hangs on first, then schools drawn at random with --seed (printed; the same seed draws the same schools), so that 城区, 镇区 and 乡村 schools and primary schools, junior schools and teaching points are all visited where the county has them.
///
/// Stored as audit and audit_verdicts unless --no-store (compute and demo run the audit too).
///
/// Examples:
///   countyedu audit --county 140121 --year 2023
///   countyedu audit --year 2023 --verdicts
///   countyedu audit --county 140121 --year 2023 --sample 10 -o visit.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Print the county verdicts with suspected flags (sensitive or not) instead of the flags.
    #[arg(long, conflicts_with = "sample")]
    pub verdicts: bool,
    /// Print the on-site sample, N schools per county (every school with a 强制 or verdict-sensitive flag, then drawn at random) instead of the flags.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "10")]
    pub sample: Option<usize>,
    /// The seed of the sample's random draw [default: the first year asked for, or 2024].
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
    /// Only flags of this severity in the output.
    #[arg(long, value_parser = ["强制", "提示"])]
    pub severity: Option<String>,
    #[command(flatten)]
    pub metric: MetricArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<()> {
    let m = &args.metric;
    metric::check_counties(&m.county)?;
    if args.sample == Some(0) {
        return Err(Error::usage("--sample 0: expected a number of schools per county, 1 or more"));
    }
    let plan = args.out.plan()?;
    let rules = m.rules.load()?;
    let audited: Audited = super::compute_then_store(&m.db, &rules, m.selection(), m.no_store, audit::audit)?;
    let flags = audited.flags.clone().lazy();
    let flags = match &args.severity {
        Some(s) => flags.filter(col("severity").eq(lit(s.as_str()))),
        None => flags,
    };
    let shown = if args.verdicts {
        m.filter(audited.verdicts.clone().lazy(), true)
    } else if let Some(n) = args.sample {
        let seed = args.seed.unwrap_or_else(|| m.year.first().map_or(2024, |y| *y as u64));
        let s = sample_of(&m.db, &rules, &m.selection(), &audited, n, seed)?;
        crate::say!("sample: {} school(s), {n} per county, drawn with seed {seed} (--seed {seed} draws the same)", s.height());
        s.lazy()
    } else {
        m.filter(flags, false)
    };
    metric::print(&plan, shown)
}

/// The on-site sample of the audited county-years.
pub fn sample_of(db: &super::DbArgs, rules: &crate::rules::Rules, selection: &crate::ops::Selection, audited: &Audited, n: usize, seed: u64) -> Result<DataFrame> {
    let schools = super::compute_reading(db, rules, selection.clone(), |inputs| {
        Ok(inputs.schools()?.select(["year", "county_code", "school_id", "school_name", "school_type", "urban_rural_code", "primary_students", "junior_students"])?)
    })?;
    let must = audited
        .flags
        .clone()
        .lazy()
        .filter(col("school_id").is_not_null().and(col("severity").eq(lit("强制")).or(col("sensitive").is_not_null())))
        .select([
            col("year"),
            col("county_code"),
            col("school_id"),
            when(col("severity").eq(lit("强制"))).then(lit("强制标记")).otherwise(lit("结论依赖的疑似数据")).alias("reason"),
        ])
        .collect()?;
    let mut out = Vec::new();
    for part in schools.partition_by(["year"], true)? {
        let year = part.column("year")?.i32()?.get(0);
        let must = must.clone().lazy().filter(col("year").eq(lit(year.unwrap_or(0)))).collect()?;
        out.push(sample::sample(&part, &must, n, seed)?.lazy());
    }
    if out.is_empty() {
        return Ok(sample::sample(&schools, &must, n, seed)?);
    }
    Ok(concat(out, UnionArgs::default())?.sort(["year", "county_code"], SortMultipleOptions::default().with_maintain_order(true)).collect()?)
}
