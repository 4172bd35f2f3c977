//! The `retort` binary: parse the command line, run it, and turn the
//! outcome into an exit code (SPEC §1) in one place.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            anstream::eprint!("{}", error.render());
            ExitCode::from(error.exit_code())
        }
    }
}
