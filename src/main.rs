//! The `countyedu` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use countyedu::cmd::{self, Cli};
use countyedu::error::Error;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let text = e.to_string();
            countyedu::say!("error: {}", text.trim_end());
            for cause in e.causes() {
                countyedu::say!("caused by: {cause}");
            }
            if let Some(hint) = e.hint() {
                countyedu::say!("hint: {hint}");
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// A reader that closed our stdout (e.g. `| head`) is not an error.
fn is_broken_pipe(e: &Error) -> bool {
    match e {
        Error::Other(inner) => inner
            .chain()
            .any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)),
        _ => false,
    }
}
