//! The CLI's one error type. Every library error lands here, each other
//! failure has a variant named for what happened, and `render` shows it
//! with miette (the offending line of a revision file included); which exit
//! code each means is decided in `cli::exit` alone.

mod help;
mod render;

pub(crate) use render::handler as report_handler;

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::output::display_path;
use retort::autogen;
use retort::config::ConfigError;
use retort::connection;
use retort::lint;
use retort::migrate;
use retort::revision::file;
use retort::revision::graph;
use retort::revision::target;

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line or the project asks for something impossible.
    #[error("{message}")]
    Usage {
        message: String,
        help: Option<String>,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Revisions(#[from] graph::Error),
    #[error(transparent)]
    Target(#[from] target::Error),
    /// Connecting failed, or the server did not answer a first query.
    #[error(transparent)]
    Connect(#[from] connection::Error),
    /// `test-connection --wait`: the server did not come up in time.
    #[error(
        "{error}; gave up after {attempts} attempt{} in {:.1} s (--wait {})",
        if *attempts == 1 { "" } else { "s" },
        elapsed.as_secs_f64(),
        wait.as_secs()
    )]
    GaveUp {
        error: connection::Error,
        attempts: u32,
        elapsed: Duration,
        wait: Duration,
    },
    #[error(transparent)]
    Migrate(#[from] migrate::Error),
    #[error(transparent)]
    Autogen(#[from] autogen::Error),
    /// `autogenerate --from-empty` in a project that has revisions.
    #[error(
        "--from-empty writes a first revision, but {} already holds {count} revision(s)",
        dir.display()
    )]
    FromEmptyOnRevisions { dir: PathBuf, count: usize },
    /// `check`: the database and the models differ.
    #[error("the database and the models differ: {count} operation(s)")]
    ModelsDiffer { count: usize },
    /// `heads --check`: the revision files have more than one head.
    #[error("the revision files have {} heads: {}", heads.len(), heads.join(", "))]
    SeveralHeads { heads: Vec<String> },
    /// A file or directory could not be created or written.
    #[error("cannot {action} {}: {error}", display_path(path))]
    Io {
        /// `create` or `write`.
        action: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot draw a random revision id: {0}")]
    RandomId(getrandom::Error),
    /// `import alembic`: the project could not be read.
    #[error(transparent)]
    Import(#[from] retort::alembic::Error),
    /// `import alembic`: revisions got placeholders instead of SQL.
    #[error("{} revision function(s) need a hand: {}", revisions.len(), revisions.join(", "))]
    NeedsAHand { revisions: Vec<String> },
    /// A bug: a new revision file must read back as what was written.
    #[error("the new revision does not parse back: {0}")]
    NotParsedBack(file::Error),
    /// Lint could not read its input: a revision file, a suppression, a setting.
    #[error(transparent)]
    Lint(#[from] lint::Error),
    /// Lint found error-level problems (they are printed as results).
    #[error("lint found {count} error(s)")]
    LintFailed { count: usize },
}

impl CliError {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, help: impl Into<Option<String>>) -> Self {
        CliError::Usage {
            message: message.into(),
            help: help.into(),
        }
    }

    /// `path` could not be created.
    pub fn create(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        CliError::Io {
            action: "create",
            path: path.into(),
            error,
        }
    }

    /// `path` could not be written.
    pub fn write(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        CliError::Io {
            action: "write",
            path: path.into(),
            error,
        }
    }

    /// The message as shown.
    pub fn message(&self) -> String {
        match self {
            // Paths in these errors are absolute; people read them relative
            // to here.
            CliError::Migrate(_) | CliError::Lint(_) => {
                let mut message = self.to_string();
                if let Ok(cwd) = std::env::current_dir() {
                    message = message.replace(&format!("{}/", cwd.display()), "");
                }
                message
            }
            other => other.to_string(),
        }
    }

    /// What the user can do about it, where there is something to say.
    pub fn help(&self) -> Option<String> {
        match self {
            CliError::Usage { help, .. } => help.clone(),
            CliError::Migrate(error) => help::migrate(error),
            CliError::Autogen(error) => help::autogen(error),
            CliError::FromEmptyOnRevisions { .. } => Some(help::FROM_EMPTY.to_owned()),
            CliError::ModelsDiffer { .. } => {
                Some("`retort autogenerate -m MSG` writes them into a revision".to_owned())
            }
            CliError::SeveralHeads { .. } => {
                Some("merge them into one: `retort merge heads -m \"merge heads\"`".to_owned())
            }
            CliError::NeedsAHand { .. } => Some(
                "write their SQL by hand where the files say NEEDS A HAND \
                 (docs/adopting-from-alembic.md); --allow-incomplete exits 0"
                    .to_owned(),
            ),
            CliError::Config(_)
            | CliError::Revisions(_)
            | CliError::Target(_)
            | CliError::Connect(_)
            | CliError::GaveUp { .. }
            | CliError::Io { .. }
            | CliError::Runtime(_)
            | CliError::RandomId(_)
            | CliError::NotParsedBack(_)
            | CliError::LintFailed { .. }
            | CliError::Import(_) => None,
            CliError::Lint(error) => error.help().map(str::to_owned),
        }
    }
}
