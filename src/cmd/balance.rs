//! `countyedu balance`: inter-school coefficients of variation, county verdicts, school compliance.

use polars::prelude::*;

use super::metric::MetricArgs;
use crate::balance;
use crate::ops::{self, balance::{Balance, Need}};
use crate::error::{Error, Result};
use crate::rules::Rules;
use crate::output::OutputArgs;

/// Compute inter-school coefficients of variation (差异系数) and balance verdicts.
///
/// Each school-year becomes one unit per level it teaches; combined schools split their whole-school resources by weighted enrolment (nine-year 1:1.1, complete secondary junior:senior 1:1.2, twelve-year 1:1.1:1.32). CV = weighted population SD / weighted mean, weights = pupils of the level; primary and junior never pool.
///
/// basic (基本均衡): 8 indicators, all schools but special-education ones; the county meets it when the composite CV (mean of the 8) is ≤ 0.65 (primary) / 0.55 (junior). quality (优质均衡): 7 indicators, also without teaching points under 50 pupils; met when every CV is ≤ 0.50 / 0.45 and every school meets 6 of 7 standards with the 7th at ≥ 85%. These are the national rules (config/national/balance.toml); --rules DIR gives a province's (config/README.md), and every stored row records the rules that produced it (rules, rules_hash).
///
/// Output: one row per (year, county, level, standard, indicator) by default; --verdicts one row per county verdict; --schools one row per school unit and quality indicator with value, required standard, shortfall and the school's share of the county's variance (schools that raise the CVs most first); --shortfall the shortfalls summed per county; --checks one row per compulsory school with the school items of 政府保障程度: largest class per level (45 primary, 50 junior; a combined school that reports only a school-wide figure is judged at 45), compulsory-stage pupils (2000, 2500 for nine- and twelve-year schools), music and art rooms (one each per 12 classes), public funds received against the floors (a school under 100 pupils funded as 100, boarders 200 元 more); a check without the data it needs is empty, never passed. Results are also stored in the warehouse: balance_cv, balance_verdicts, balance_schools (one row per school unit, the 7 indicators side by side) and school_checks; a run with --county/--year replaces exactly the stored rows of those counties and years; --no-store leaves the warehouse untouched (read-only access is enough).
///
/// Indicator ids (the `indicator` column, and INDICATOR in scheme metrics such as cv:STANDARD:LEVEL:INDICATOR):
///   basic (8): teach_area_per_student, sports_area_per_student,
///     equipment_value_per_student, computers_per_100, books_per_student,
///     teachers_per_student, degree_teachers_per_student,
///     titled_teachers_per_student
///   quality (7): degree_teachers_per_100, backbone_teachers_per_100,
///     pe_art_teachers_per_100, teach_area_per_student, sports_area_per_student,
///     equipment_value_per_student, multimedia_rooms_per_100
///
/// Examples:
///   countyedu balance --db countyedu-demo.duckdb --year 2023 --county 140121
///   countyedu balance --verdicts --standard quality --output verdicts.csv --bom
///   countyedu balance --schools --county 140121 --year 2023 --level junior
///   countyedu balance --rules config/provinces/140000 --shortfall
///   countyedu balance --checks --county 140121 --year 2023
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Print county verdicts instead of indicator CVs.
    #[arg(long, conflicts_with_all = ["schools", "shortfall"])]
    pub verdicts: bool,
    /// Print school units under the quality standard (value, standard, shortfall per indicator).
    #[arg(long, conflicts_with = "shortfall")]
    pub schools: bool,
    /// Print what each county lacks to bring every school up to the quality standards.
    #[arg(long, conflicts_with = "checks")]
    pub shortfall: bool,
    /// Print the school checks of 政府保障程度: class sizes per level, school size, music and art rooms, public
    /// funds received against the floors.
    #[arg(long, conflicts_with_all = ["verdicts", "schools"])]
    pub checks: bool,
    #[command(flatten)]
    pub metric: MetricArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<()> {
    let m = &args.metric;
    let plan = args.out.plan()?;
    let per_school = args.schools || args.shortfall;
    if per_school && m.standard.as_deref() == Some("basic") {
        return Err(Error::usage("--schools and --shortfall are about the quality standard's school rule"));
    }
    // Storing keeps the four tables in step, so a run that stores computes them all.
    let need = match (m.no_store, args.verdicts, per_school) {
        (false, _, _) | (true, true, _) => Need::All,
        (true, false, true) => Need::Schools,
        (true, false, false) => Need::Cvs,
    };
    let checks = args.checks || !m.no_store;
    let missing = || Error::other("not computed");
    let keep = |b: &Balance| -> Result<DataFrame> {
        let shown = if args.checks {
            &b.checks
        } else if args.verdicts {
            &b.verdicts
        } else if per_school {
            &b.schools
        } else {
            return Ok(b.cv.clone());
        };
        shown.clone().ok_or_else(missing)
    };
    // Every part holds whole years, and each reshaping keeps a year's rows together.
    let shape = |rules: &Rules, frame: DataFrame| -> Result<DataFrame> {
        let mut shown = m.filter(frame.lazy(), !per_school && !args.checks);
        if args.schools {
            shown = balance::school_rows(shown, &rules.balance);
        } else if args.shortfall {
            shown = shortfall(balance::school_rows(shown, &rules.balance));
        }
        Ok(shown.collect()?)
    };
    if m.no_store && need == Need::Cvs && !checks {
        // The CVs alone, computed in the warehouse in parts of their own size, each printed as it comes.
        return m.print_by_parts(&plan, |inputs, each| inputs.cvs_each(ops::CV_PART_SCHOOLS, |cvs| each(shape(inputs.rules, cvs)?)));
    }
    if args.verdicts {
        // The verdicts with what the data audit says of them: 数据待核实 where a suspected value could change one.
        let compute = |inputs: &ops::Inputs| Ok(Checked { balance: ops::balance::balance(inputs, need, checks)?, audit: ops::audit::audit(inputs)? });
        let keep = |c: &Checked| -> Result<DataFrame> { data_check(keep(&c.balance)?, &c.audit.verdicts) };
        return m.run_by_years(&plan, compute, keep, shape);
    }
    m.run_by_years(&plan, |inputs| ops::balance::balance(inputs, need, checks), keep, shape)
}

/// A balance computation and the data audit of the same county-years, stored together.
struct Checked {
    balance: Balance,
    audit: ops::audit::Audited,
}

impl ops::Computed for Checked {
    fn tables(&self) -> Result<Vec<(&'static str, DataFrame, crate::warehouse::Scope)>> {
        let mut tables = self.balance.tables()?;
        tables.extend(self.audit.tables()?);
        Ok(tables)
    }
}

/// The verdicts with `data_check` (数据待核实 where the audit found the verdict would change without the values it
/// suspects, else 已核查) and `data_check_detail` (what changes, and on which schools).
fn data_check(verdicts: DataFrame, audited: &DataFrame) -> Result<DataFrame> {
    let keys = ["year", "county_code", "level", "standard"].map(col);
    let checked = audited.clone().lazy().select([
        col("year"),
        col("county_code"),
        col("level"),
        col("standard"),
        col("sensitive"),
        when(col("sensitive")).then(col("message")).otherwise(lit(NULL).cast(DataType::String)).alias("data_check_detail"),
    ]);
    Ok(verdicts
        .lazy()
        .join(checked, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .with_column(when(col("sensitive").fill_null(lit(false))).then(lit("数据待核实")).otherwise(lit("已核查")).alias("data_check"))
        .select([all().exclude_cols(["sensitive", "data_check_detail"]).as_expr(), col("data_check_detail")])
        .collect()?)
}

/// What each county lacks, per level and indicator: schools below the standard and the summed shortfall.
fn shortfall(schools: LazyFrame) -> LazyFrame {
    schools
        .filter(col("met").not())
        .group_by(["year", "county_code", "level", "indicator", "shortfall_unit"].map(col))
        .agg([
            col("school_id").n_unique().cast(DataType::Int64).alias("schools_below"),
            col("shortfall").sum().round(2, RoundMode::HalfToEven).alias("shortfall"),
        ])
        .sort(["year", "county_code", "level", "indicator"], SortMultipleOptions::default())
}
