//! The `retort` binary: parse the command line, run it, and turn the
//! outcome into an exit code (the table in README.md, chosen in `cli::exit`).

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = match cli::args::Cli::try_parse() {
        Ok(args) => args,
        Err(error) if !error.use_stderr() => error.exit(),
        Err(error) => {
            anstream::eprint!("{}", scrub(&error.render().to_string()));
            return ExitCode::from(cli::exit::USAGE);
        }
    };
    match cli::run(args) {
        Ok(()) => ExitCode::from(cli::exit::OK),
        Err(error) => {
            anstream::eprint!("{}", scrub(&error.render()));
            ExitCode::from(cli::exit::code(&error))
        }
    }
}

/// An error quotes arguments as typed (`unrecognized subcommand '…'`,
/// `invalid revision identifier …`), in whole or in part; a URL given in
/// the wrong place would show its password there. Whatever could be the
/// password of an argument that looks like a URL is replaced wherever the
/// message holds it; a secret of one or two characters only where the whole
/// argument is quoted, so that ordinary words survive.
fn scrub(message: &str) -> String {
    let mut message = message.to_owned();
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy();
        if !(arg.contains(':') && (arg.contains('@') || arg.contains("://"))) {
            continue;
        }
        message = message.replace(&*arg, &retort::url::redact(&arg));
        for secret in retort::url::secrets(&arg) {
            if secret.chars().count() >= 3 {
                message = message.replace(secret, "***");
            }
        }
    }
    message
}
