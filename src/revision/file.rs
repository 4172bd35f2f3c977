//! One revision file: its header (`-- Revision ID:` …) and its SQL sections
//! (`-- migrate:upgrade [dialect] [transaction=false]`), parsed with the
//! positions the graph needs for its diagnostics, and written for new files.

use std::path::PathBuf;

use crate::revision::Location;
use crate::revision::plan::Direction;
use crate::url::DialectKind;

/// A revision identifier as written in a file (`ae1027a6acf0`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevisionId(pub String);

/// A header value that refers to other revisions, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    pub location: Location,
}

/// One `-- migrate:upgrade` / `-- migrate:downgrade` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub direction: Direction,
    /// `Some` when the header names a dialect: the section replaces the
    /// portable one on that dialect only.
    pub dialect: Option<DialectKind>,
    /// `false` for `transaction=false`.
    pub transaction: bool,
    /// The SQL between this header and the next one (or the end).
    pub sql: String,
    /// 1-based line of the section header.
    pub line: usize,
}

/// A parsed revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: RevisionId,
    pub down_revisions: Vec<Reference>,
    pub branch_labels: Vec<Reference>,
    pub depends_on: Vec<Reference>,
    pub message: String,
    pub create_date: Option<String>,
    pub path: PathBuf,
    /// Where the `Revision ID` value stands.
    pub id_location: Location,
    pub sections: Vec<Section>,
}

/// Why a revision file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{location}: {message}")]
    Malformed {
        location: Location,
        message: String,
        help: Option<String>,
    },
}

// TEMPORARY: replaced by the parser branch.
impl Error {
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Malformed { location, .. } => Some(location),
            Error::Io { .. } => None,
        }
    }
    pub fn help(&self) -> Option<&str> {
        match self {
            Error::Malformed { help, .. } => help.as_deref(),
            Error::Io { .. } => None,
        }
    }
}
pub fn load_dir(_dir: &std::path::Path) -> (Vec<Revision>, Vec<Error>) {
    (Vec::new(), Vec::new())
}
