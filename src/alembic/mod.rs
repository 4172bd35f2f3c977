//! `retort import alembic`: an Alembic project read into retort revision
//! files with the same ids, parents, labels and dependencies
//! (docs/adopting-from-alembic.md).
//!
//! Alembic itself reads the project: `read_alembic.py`, compiled in, runs
//! once with the user's python and prints the graph and, per dialect, the
//! offline SQL of every revision's upgrade and downgrade as JSON
//! ([`read`]). [`convert`] turns that into file texts; writing them is the
//! caller's. The import never connects to a database.

mod convert;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::dialect::DialectKind;
use crate::printable::printable;

pub use convert::{Imported, ImportedFile, NeedsAHand, convert};

/// The script, passed to `python -c`, so nothing is left behind in a
/// temporary directory.
const SCRIPT: &str = include_str!("read_alembic.py");

/// Why an import could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The python could not be started, or Alembic is not installed for it.
    #[error("cannot run `{python}`: {message}")]
    Python {
        /// The python as given (`--python`).
        python: String,
        /// What went wrong.
        message: String,
    },
    /// A revision file (or the ini) that cannot be read as an Alembic revision.
    #[error("{}:{line}: {message}", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// Its line, from 1.
        line: usize,
        /// What is wrong there.
        message: String,
    },
    /// The script printed something that is not its JSON document.
    #[error("the Alembic reader printed no result: {0}")]
    Output(String),
}

/// One Alembic revision as the script reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct AlembicRevision {
    /// `revision`, kept exactly.
    pub id: String,
    /// `down_revision`: none, one, or several for a merge.
    pub down_revisions: Vec<String>,
    /// `branch_labels`.
    pub branch_labels: Vec<String>,
    /// `depends_on`.
    pub depends_on: Vec<String>,
    /// The docstring's first paragraph.
    pub message: String,
    /// The docstring's `Create Date:` value as written.
    pub create_date: Option<String>,
    /// The revision's file.
    pub path: PathBuf,
    /// The line of its `revision = …` assignment.
    #[serde(default)]
    pub line: usize,
    /// Per dialect name (`postgresql`, `mysql`, `sqlite`): `upgrade` and
    /// `downgrade`.
    pub sql: std::collections::BTreeMap<String, Functions>,
}

/// A revision's two functions for one dialect.
#[derive(Debug, Clone, Deserialize)]
pub struct Functions {
    /// What `upgrade()` wrote.
    pub upgrade: Outcome,
    /// What `downgrade()` wrote.
    pub downgrade: Outcome,
}

/// The SQL a function wrote offline, or why it could not.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// SQL, as Alembic wrote it offline.
    Sql(String),
    /// SQL that must run outside a transaction (the script says why in a
    /// comment of its own: SQLite's batch rebuilds).
    #[serde(rename = "sql_outside_transaction")]
    SqlOutsideTransaction(String),
    /// The error Alembic raised: the function needs a hand.
    Error(String),
}

/// What the script read: the dialects rendered and the revisions, parents
/// first.
#[derive(Debug, Clone)]
pub struct Export {
    /// The dialects asked for.
    pub dialects: Vec<DialectKind>,
    /// The revisions, parents first.
    pub revisions: Vec<AlembicRevision>,
    /// The version table env.py configures.
    pub version_table: VersionTable,
}

/// The version table env.py passes to `context.configure`, read as text
/// (env.py is never run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionTable {
    /// env.py passes none: Alembic's `alembic_version`.
    Default,
    /// Every `version_table=` in env.py is this string literal (or a
    /// module-level constant holding it).
    Named {
        /// The table.
        name: String,
        /// env.py.
        path: PathBuf,
        /// The line of the literal.
        line: usize,
    },
    /// A value only running env.py would tell (a variable, a call,
    /// `**options`, different literals): the user names the table.
    Computed {
        /// env.py.
        path: PathBuf,
        /// The line of the value.
        line: usize,
    },
}

#[derive(Deserialize)]
struct VersionTableDocument {
    path: PathBuf,
    name: Option<String>,
    #[serde(default)]
    line: usize,
    computed: Option<usize>,
}

impl From<VersionTableDocument> for VersionTable {
    fn from(document: VersionTableDocument) -> VersionTable {
        match (document.name, document.computed) {
            (_, Some(line)) => VersionTable::Computed {
                path: document.path,
                line,
            },
            (Some(name), None) if document.line > 0 => VersionTable::Named {
                name,
                path: document.path,
                line: document.line,
            },
            _ => VersionTable::Default,
        }
    }
}

#[derive(Deserialize)]
struct Document {
    dialects: Option<Vec<String>>,
    revisions: Option<Vec<AlembicRevision>>,
    error: Option<InputError>,
    version_table: Option<VersionTableDocument>,
    /// Alembic (or SQLAlchemy) could not be imported.
    missing: Option<String>,
}

#[derive(Deserialize)]
struct InputError {
    path: PathBuf,
    line: usize,
    message: String,
}

/// Runs the script with `python` on the project of `ini`, for `dialects`
/// (none: the dialect of the ini's `sqlalchemy.url`).
pub fn read(python: &str, ini: &Path, dialects: &[DialectKind]) -> Result<Export, Error> {
    let mut names: Vec<&str> = dialects.iter().map(|d| d.as_str()).collect();
    if names.is_empty() {
        names.push("auto");
    }
    let dir = ini.parent().filter(|d| !d.as_os_str().is_empty());
    let mut command = Command::new(python);
    command
        .arg("-c")
        .arg(SCRIPT)
        .arg(ini)
        .arg(names.join(","))
        // Alembic's deprecation warnings would only clutter the output.
        .env("PYTHONWARNINGS", "ignore");
    if let Some(dir) = dir {
        // `prepend_sys_path = .` in alembic.ini means the ini's directory.
        command.current_dir(dir);
    }
    let output = command.output().map_err(|e| Error::Python {
        python: python.to_owned(),
        message: e.to_string(),
    })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let document: Document = match stdout.lines().last().map(serde_json::from_str) {
        Some(Ok(document)) => document,
        _ => {
            let why = if output.status.success() {
                stdout.trim().to_owned()
            } else {
                format!("{}: {}", output.status, stderr.trim())
            };
            return Err(Error::Output(printable(&why).into_owned()));
        }
    };
    if let Some(missing) = document.missing {
        return Err(Error::Python {
            python: python.to_owned(),
            message: format!(
                "{}; pass the project's python (its virtualenv's) with --python",
                printable(&missing)
            ),
        });
    }
    if let Some(error) = document.error {
        let path = match dir {
            Some(dir) if error.path.is_relative() => dir.join(error.path),
            _ => error.path,
        };
        return Err(Error::Input {
            path,
            line: error.line,
            message: printable(&error.message).into_owned(),
        });
    }
    let mut kinds = Vec::new();
    for name in document.dialects.unwrap_or_default() {
        match DialectKind::from_name(&name) {
            Some(kind) => kinds.push(kind),
            None => {
                return Err(Error::Input {
                    path: ini.to_path_buf(),
                    line: 1,
                    message: format!(
                        "sqlalchemy.url is a {} URL, which retort does not support: name the databases with --dialect",
                        printable(&name)
                    ),
                });
            }
        }
    }
    Ok(Export {
        dialects: kinds,
        revisions: document.revisions.unwrap_or_default(),
        version_table: document
            .version_table
            .map_or(VersionTable::Default, VersionTable::from),
    })
}
