//! The flags every command that uses a warehouse or rules shares: `--db` and `--wait`, and `--rules`.

use std::path::PathBuf;

use crate::error::{Error, Problem, Result};
use crate::rules::Rules;
use crate::warehouse::{self, Access, Warehouse};

/// The warehouse to use; shared by every command that reads or writes one.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// The warehouse file (DuckDB).
    #[arg(long, env = "COUNTYEDU_DB", default_value = warehouse::DEFAULT_PATH, value_name = "PATH")]
    pub db: PathBuf,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl DbArgs {
    /// Opens the warehouse, and says on stderr which stored metric tables another version of countyedu wrote.
    pub fn open(&self, access: Access) -> Result<Warehouse> {
        let wh = Warehouse::open_waiting(&self.db, access, self.wait.duration()?)?;
        for note in wh.stale_result_tables()? {
            crate::say!("note: {note}");
        }
        Ok(wh)
    }
}

/// How long to wait for a warehouse another process holds.
#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// While another process writes the warehouse (or reads it, when this command writes), retry for up to
    /// SECONDS before failing (exit 5).
    #[arg(long, env = "COUNTYEDU_WAIT", default_value_t = 0.0, value_name = "SECONDS")]
    pub wait: f64,
}

impl WaitArgs {
    pub fn duration(&self) -> Result<std::time::Duration> {
        std::time::Duration::try_from_secs_f64(self.wait)
            .map_err(|_| Error::usage(format!("--wait {}: expected a number of seconds, 0 or more", self.wait)))
    }
}

/// The rules to compute under; shared by every command that computes.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArgs {
    /// A rules folder (config/README.md): a province's rules laid over the national ones, e.g.
    /// config/provinces/140000 [default: the national rules built in, each county judged against its own
    /// province's shipped floors where they are higher]
    #[arg(long, env = "COUNTYEDU_RULES", value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Replaced by --rules DIR.
    #[arg(long, hide = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Replaced by --rules DIR.
    #[arg(long, hide = true, value_name = "FILE")]
    pub standards: Option<PathBuf>,
}

impl RulesArgs {
    /// The rules asked for; the flags of earlier versions are refused with what to do instead.
    pub fn load(&self) -> Result<Rules> {
        if let Some(p) = &self.config {
            return Err(Error::usage(format!(
                "--config {} is replaced by --rules DIR: put the file, with only the keys it changes, as balance.toml in a \
                 folder (see config/README.md and config/provinces/140000)",
                p.display()
            )));
        }
        if let Some(p) = &self.standards {
            return Err(Error::usage(format!(
                "--standards {} is replaced by --rules DIR: put the file as funding_standards.csv in a folder (see \
                 config/provinces/140000)",
                p.display()
            )));
        }
        match &self.rules {
            None => Ok(Rules::default_rules()),
            Some(dir) => Rules::load(dir).map_err(|e| Error::Usage(Problem::new("the rules are refused").with_source(e))),
        }
    }

    /// Whether the user named rules (a flag or COUNTYEDU_RULES).
    pub fn given(&self) -> bool {
        self.rules.is_some()
    }
}
