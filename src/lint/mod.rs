//! `retort lint`: the statements of revision files checked, for the
//! database they will run on, against rules that know what each database
//! does with them (the lock taken, a table rewritten or copied, data lost, a
//! running release broken), with the safe way to write each.
//!
//! It reads files only. The revisions are followed from base in the graph's
//! order with the same section selection and parsing as `upgrade`
//! (`walk`), so a rule knows whether a table existed before the revision or
//! was created in it, and what the dialect will actually run. The rules are
//! data ([`RULES`], one table, with stable ids) and small pure functions
//! grouped by database in `rules/`. Suppressions in the files (`suppress`)
//! and the `[lint]` table of `retort.toml` (`settings`) decide what is shown.
//! The rules are documented one section each in docs/lint.md.

mod downgrade;
mod error;
mod rules;
mod settings;
mod statement;
mod suppress;
mod walk;

use std::path::PathBuf;

use crate::dialect::DialectKind;

pub use error::Error;
pub use rules::{RULES, Rule};
pub use settings::{Level, Settings};
pub use walk::{lint, lint_files};

/// How serious a finding is. `retort lint` exits 1 when any finding is an
/// error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing goes wrong by itself.
    Info,
    /// Locks, rewrites, or breaks something unless the team knows it is fine
    /// (an empty table, a maintenance window).
    Warning,
    /// Fails, or loses data, or leaves the database where a downgrade
    /// cannot bring it back.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing lint found about one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id, e.g. `pg-create-index-not-concurrently`.
    pub rule: &'static str,
    /// As the rule says, or as `[lint]` in `retort.toml` changed it.
    pub severity: Severity,
    /// The database the statement was checked for.
    pub dialect: DialectKind,
    /// The revision's id.
    pub revision: String,
    /// The revision file.
    pub path: PathBuf,
    /// 1-based line of the statement's first line in the file (of the
    /// section header for a finding about a whole section).
    pub line: usize,
    /// The statement as written in the file.
    pub statement: String,
    /// What happens on that database, and why.
    pub problem: String,
    /// The safe way, with concrete SQL where there is one.
    pub safe: String,
}
