//! `countyedu completions` and `countyedu man`: shell completions and manual pages, generated from the same
//! definitions as `--help`.

use std::path::PathBuf;

use clap::CommandFactory;

use super::Cli;
use crate::error::{Error, Result};

/// Print a shell completion script.
///
/// Load it in the current shell, or install it where the shell looks for completions.
///
/// Examples:
///   countyedu completions bash > countyedu.bash
///   countyedu completions zsh > _countyedu
///   countyedu completions fish > countyedu.fish
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args) -> Result<()> {
    let mut cli = visible(&Cli::command());
    // Written whole, so that a reader that closes the pipe early (`| head`) ends the command quietly.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "countyedu", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(())
}

/// The command line as completions offer it: without hidden flags (those of earlier versions, kept to say what
/// replaced them), which clap_complete would offer like any other. Clap cannot remove an argument, so this is a copy
/// of every command with its visible arguments.
fn visible(cmd: &clap::Command) -> clap::Command {
    // The copy outlives nothing but this command's run; clap takes its names as 'static.
    let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    let mut out = clap::Command::new(leak(cmd.get_name()))
        .args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned())
        .subcommands(cmd.get_subcommands().map(visible))
        .visible_aliases(cmd.get_visible_aliases().map(leak).collect::<Vec<_>>());
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(leak(version)).propagate_version(true);
    }
    out
}

/// Print the manual page (roff), or write one per command into a folder.
///
/// Without --out-dir the page of countyedu itself goes to stdout (`countyedu man | man -l -`); with it, countyedu.1
/// and countyedu-COMMAND.1 for every command are written into the folder (created if missing), ready for a man path.
///
/// Examples:
///   countyedu man > countyedu.1
///   countyedu man --out-dir man/man1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {
    /// Write every page into this folder.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub fn man(args: ManArgs) -> Result<()> {
    let cli = Cli::command();
    let Some(dir) = args.out_dir else {
        clap_mangen::Man::new(cli).render(&mut std::io::stdout().lock())?;
        return Ok(());
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::usage(format!("{}: {e}", dir.display())))?;
    clap_mangen::generate_to(cli, &dir)?;
    crate::say!("wrote the manual pages into {}", dir.display());
    Ok(())
}
