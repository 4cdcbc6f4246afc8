//! `countyedu generate`: write deterministic synthetic data in the canonical format.

use std::path::PathBuf;

use super::thousands;
use crate::error::{Error, Result};
use crate::generate::{self, Spec};

/// Write synthetic counties, schools and county indicators in the canonical format.
///
/// The same --seed gives the same files byte for byte. Output: OUT_DIR/counties.csv, one schools_YEAR.csv per year and county_indicators.csv. A national-scale set (2,850 counties, ten years) is about two million school-years.
///
/// Examples:
///   countyedu generate generated/sample --counties 24 --years 2016-2023
///   countyedu generate generated/one-year --counties 2850 --years 2024
///   countyedu generate generated/gbk --counties 3 --years 2021-2021 \
///     --lang zh --encoding gbk
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Folder to write into (created if missing).
    #[arg(value_name = "OUT_DIR")]
    pub out_dir: PathBuf,
    /// Number of counties.
    #[arg(long, default_value_t = 24)]
    pub counties: usize,
    /// Years, as FIRST-LAST (or one year).
    #[arg(long, default_value = "2016-2023")]
    pub years: String,
    /// Random seed.
    #[arg(long, default_value_t = 20211)]
    pub seed: u64,
    /// Header language: en (canonical names) or zh (Chinese headers).
    #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
    pub lang: String,
    /// Text encoding of the files.
    #[arg(long, default_value = "utf8", value_parser = ["utf8", "gbk"])]
    pub encoding: String,
}

fn parse_years(s: &str) -> Result<(i32, i32)> {
    let bad = || Error::usage(format!("--years {s:?}: expected FIRST-LAST, e.g. 2019-2023"));
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    Ok((a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?))
}

pub fn run(args: Args) -> Result<()> {
    let (first_year, last_year) = parse_years(&args.years)?;
    let spec = Spec {
        counties: args.counties,
        first_year,
        last_year,
        seed: args.seed,
        chinese_headers: args.lang == "zh",
        gbk: args.encoding == "gbk",
    };
    let written = generate::generate(&args.out_dir, &spec)?;
    crate::say!(
        "wrote {} files to {}: {} counties, {} school-years, {} county indicator values",
        written.files.len(),
        args.out_dir.display(),
        thousands(written.counties as i64),
        thousands(written.schools as i64),
        thousands(written.indicators as i64)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn years_parse_as_ranges_or_single_years() {
        assert_eq!(super::parse_years("2015-2024").unwrap(), (2015, 2024));
        assert_eq!(super::parse_years("2021").unwrap(), (2021, 2021));
        assert!(super::parse_years("2015..2024").is_err());
    }
}
