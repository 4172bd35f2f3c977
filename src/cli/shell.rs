//! `retort completions SHELL` and `retort man`: generated from the clap
//! definition in `args.rs`, so they never drift from the real flags.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::error::CliError;

/// Writes the completion script for `shell` to standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "retort", &mut script);
    write_stdout(&script)
}

/// Writes the manual page (roff, section 1) to standard output, or, with
/// `dir`, every page (the subcommands' too, which the main page lists as
/// `retort-upgrade(1)` …) into that directory, for packagers.
pub fn man(dir: Option<&Path>) -> Result<(), CliError> {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(|e| CliError::create(dir, e))?;
        return clap_mangen::generate_to(Cli::command(), dir).map_err(|e| CliError::write(dir, e));
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| CliError::usage(format!("cannot render the manual page: {e}"), None))?;
    write_stdout(&page)
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        // `retort man | head`: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other
            .map_err(|e| CliError::usage(format!("cannot write to standard output: {e}"), None)),
    }
}
