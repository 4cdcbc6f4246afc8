//! `countyedu urban-rural`: where the gap between schools lies, 城区 / 镇区 / 乡村.

use polars::prelude::*;

use super::metric::MetricArgs;
use crate::equity;
use crate::error::Result;
use crate::ops;
use crate::output::OutputArgs;

/// Urban–rural variation per county, level, standard and indicator.
///
/// Schools are grouped by their urban–rural code: 城区 urban (111, 112), 镇区 town (121, 122, 123), 乡村 rural (210, 220); --group two puts 城区 and 镇区 together as 城镇 (reported in the urban columns, town left empty). Units and scopes are those of `countyedu balance`. Columns: schools_*, students_*, mean_* (pupil-weighted) per group; rural_urban_ratio and town_urban_ratio of the means; gap_urban_rural = mean_urban − mean_rural; between_cv = the CV of the group means (groups as units, weighted by their pupils); between_share = the share of the total weighted variance that lies between the groups (total = within + between); theil_t with its between-group (Σ s_g ln(μ_g/μ)) and within-group (Σ s_g T_g) parts, s_g = the group's share of Σ pupils·x, over schools with a positive value.
///
/// No national formula exists for urban–rural variation; these definitions are countyedu's own, from the school-finance literature (see ../shared/domain/README.md §7–§8). Stored as table `urban_rural` unless --no-store.
///
/// Examples:
///   countyedu urban-rural --db countyedu-demo.duckdb --county 140121 --year 2023
///   countyedu urban-rural --group two --standard quality -o urban_rural.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Three groups (城区 / 镇区 / 乡村) or two (城镇 / 乡村).
    #[arg(long, value_enum, default_value = "three")]
    pub group: Grouping,
    #[command(flatten)]
    pub metric: MetricArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<()> {
    let m = &args.metric;
    let plan = args.out.plan()?;
    let compute = |inputs: &ops::Inputs| ops::equity::urban_rural(inputs, args.group.into());
    m.run_by_years(&plan, compute, |t| Ok(t.frame.clone()), |_, frame| Ok(m.filter(frame.lazy(), true).collect()?))
}

/// How schools are split for urban–rural variation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Grouping {
    /// 城区 (111, 112), 镇区 (121–123), 乡村 (210, 220).
    Three,
    /// 城镇 (城区 + 镇区) against 乡村; reported in the urban and rural columns, town left empty.
    Two,
}

impl From<Grouping> for equity::Grouping {
    fn from(g: Grouping) -> equity::Grouping {
        match g {
            Grouping::Three => equity::Grouping::Three,
            Grouping::Two => equity::Grouping::Two,
        }
    }
}
