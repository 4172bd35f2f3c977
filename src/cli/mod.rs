//! The commands. Each file holds one group of them; `run` dispatches and
//! loads the project only for the commands that need it.

pub mod args;
mod connect;
mod create;
mod database;
mod drawing;
pub mod error;
pub mod exit;
mod import;
mod init;
mod inspect;
mod lint;
pub mod output;
mod progress;
mod schema;
mod session;
mod shell;
mod status;
mod stopped;

use std::path::PathBuf;

use retort::Config;
use retort::config::PYPROJECT_FILE;
use retort::revision::RevisionGraph;

use args::{Cli, Command};
use error::CliError;
use output::Output;

/// What every command may use: the parsed flags and the project, loaded on demand.
pub struct Context {
    pub output: Output,
    config_flag: Option<PathBuf>,
    url_flag: Option<String>,
}

impl Context {
    /// The project's configuration: `-c PATH`, or `retort.toml` (else
    /// `[tool.retort]` in `pyproject.toml`) found from the current directory up.
    pub fn config(&self) -> Result<Config, CliError> {
        let config = match &self.config_flag {
            Some(path) => Config::load(path)?,
            None => {
                let cwd = std::env::current_dir().map_err(|e| {
                    CliError::usage(format!("cannot read the current directory: {e}"), None)
                })?;
                Config::discover(&cwd)?
            }
        };
        if self.output.verbose {
            // With both files about, which one counts is worth saying.
            let table = if config.path.file_name() == Some(PYPROJECT_FILE.as_ref()) {
                "[tool.retort] in "
            } else {
                ""
            };
            self.output.progress(&format!(
                "Settings: {table}{}",
                output::display_path(&config.path)
            ));
        }
        Ok(config)
    }

    /// The configuration and the checked revision graph.
    pub fn project(&self) -> Result<(Config, RevisionGraph), CliError> {
        let config = self.config()?;
        let graph = RevisionGraph::load(&config.versions_dir())?;
        Ok((config, graph))
    }
}

/// Runs a parsed command line; `cli::exit` turns an error into its exit code.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let context = Context {
        output: Output {
            format: cli.format,
            quiet: cli.quiet,
            verbose: cli.verbose,
        },
        config_flag: cli.config,
        url_flag: cli.url,
    };
    match cli.command {
        Command::Init { dir, pyproject } => init::run(&context, dir, pyproject),
        Command::TestConnection { wait } => connect::test_connection(&context, wait),
        Command::Current => status::current(&context),
        Command::Status => status::status(&context),
        Command::Upgrade(args) => database::migrate_command(&context, args, false),
        Command::Downgrade(args) => database::migrate_command(&context, args, true),
        Command::Stamp {
            target,
            purge,
            offline,
        } => database::stamp(&context, target, purge, offline),
        Command::Heads { check } => inspect::heads(&context, check),
        Command::Branches => inspect::branches(&context),
        Command::Show { rev } => inspect::show(&context, &rev),
        Command::History { range, graph } => inspect::history(&context, range.as_deref(), graph),
        Command::Create(args) if args.autogenerate => schema::autogenerate(
            &context,
            args::AutogenerateArgs {
                message: args.message,
                no_renames: args.no_renames,
                empty: false,
                from_empty: args.from_empty,
                rev_id: args.rev_id,
            },
        ),
        Command::Create(args) => create::create(&context, args),
        Command::Autogenerate(args) => schema::autogenerate(&context, args),
        Command::Check { no_renames } => schema::check(&context, no_renames),
        Command::Lint(args) => lint::lint(&context, args),
        Command::Dump => schema::dump(&context),
        Command::Import(args::ImportSource::Alembic(args)) => import::alembic(&context, args),
        Command::Merge {
            revs,
            message,
            branch_label,
            rev_id,
        } => create::merge(&context, &revs, message, branch_label, rev_id),
        Command::Completions { shell: target } => shell::completions(target),
        Command::Man { dir } => shell::man(dir.as_deref()),
    }
}
