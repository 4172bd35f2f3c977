//! One revision file: its header (`-- Revision ID:` …) and its SQL sections
//! (`-- migrate:upgrade [dialect] [transaction=false]`), parsed with the
//! positions the graph needs for its diagnostics, and written for new files.
//!
//! This is the front of the flow: [`load_dir`] turns `migrations/versions/`
//! into [`Revision`]s (plus every file's error, not just the first), which
//! the graph then orders. [`render`] and [`file_name`] write the files that
//! `revision` and autogenerate create.
//!
//! This module holds the types; `parse` reads a file's text (`header` knows
//! the keys), `load` reads files and directories, `write` renders new files.
//!
//! The format, in short:
//!
//! ```sql
//! -- Revision ID: ae1027a6acf0
//! -- Revises: 1975ea83b712
//! -- Create Date: 2026-11-26 11:00:00+00:00
//! -- Message: add account table
//!
//! -- migrate:upgrade
//! CREATE TABLE account (id INTEGER PRIMARY KEY);
//!
//! -- migrate:downgrade
//! DROP TABLE account;
//! ```
//!
//! Before the first section, a comment line that looks like `-- Key: value`
//! (a key of one to three words, then a colon followed by a space or the end
//! of the line) is a header field, and an unknown key is an error — a typo in
//! `Revises` must not silently make a base. Other comments and blank lines are
//! allowed there; anything else is an error.
//!
//! Columns in [`Location`]s count characters, not bytes; offsets and lengths
//! are in bytes.

mod header;
mod load;
mod parse;
mod write;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::dialect::DialectKind;
use crate::revision::Location;
use crate::revision::direction::Direction;
pub(crate) use crate::revision::name::check_parents;
pub use crate::revision::name::{InvalidName, MAX_ID_LEN, RevisionId, validate_id, validate_label};
pub use load::{load_dir, read};
pub use parse::parse;
pub use write::{NewRevision, file_name, render};

/// Files above this size are refused: a revision is hand-written SQL, so a
/// bigger file is almost surely a mistake (a dump copied into the directory),
/// and refusing it keeps memory bounded.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A header value that refers to other revisions, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The id or label as written.
    pub name: String,
    /// Exactly where: the span covers `name`.
    pub location: Location,
}

/// One `-- migrate:upgrade` / `-- migrate:downgrade` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Which way this SQL goes.
    pub direction: Direction,
    /// `Some` when the header names a dialect: the section replaces the
    /// portable one on that dialect only.
    pub dialect: Option<DialectKind>,
    /// `false` for `transaction=false`.
    pub transaction: bool,
    /// The SQL between this header and the next one (or the end), without
    /// leading and trailing blank lines, with `\n` line endings.
    pub sql: String,
    /// 1-based line of the section header.
    pub line: usize,
    /// 1-based line of the file where `sql` starts, so a statement's line in
    /// `sql` maps back to the file.
    pub sql_line: usize,
}

/// A parsed revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// `-- Revision ID:`.
    pub id: RevisionId,
    /// `-- Revises:` (or `-- Down Revision:`): empty for a base, several for
    /// a merge.
    pub down_revisions: Vec<Reference>,
    /// `-- Branch Labels:`.
    pub branch_labels: Vec<Reference>,
    /// `-- Depends On:`: ids or labels that must be applied first without
    /// being parents.
    pub depends_on: Vec<Reference>,
    /// `-- Message:`, possibly empty.
    pub message: String,
    /// `-- Create Date:` as written (Alembic's and ours differ slightly, and
    /// nothing depends on it), `None` when absent or empty.
    pub create_date: Option<String>,
    /// The file it was read from.
    pub path: PathBuf,
    /// Where the `Revision ID` value stands.
    pub id_location: Location,
    /// The sections in file order.
    pub sections: Vec<Section>,
}

impl Revision {
    /// The SQL to run for `direction` on `dialect`: the section written for
    /// that dialect if there is one, else the portable one.
    pub fn section(&self, direction: Direction, dialect: DialectKind) -> Option<&Section> {
        let mut portable = None;
        for section in &self.sections {
            if section.direction != direction {
                continue;
            }
            match section.dialect {
                Some(d) if d == dialect => return Some(section),
                None => portable = Some(section),
                Some(_) => {}
            }
        }
        portable
    }

    /// Whether this revision joins several parents.
    pub fn is_merge(&self) -> bool {
        self.down_revisions.len() > 1
    }

    /// Whether this revision has no parent.
    pub fn is_base(&self) -> bool {
        self.down_revisions.is_empty()
    }

    /// SHA-256 (lowercase hex) of the SQL of every section, normalised with
    /// [`normalize_sql`], so the database can tell when an applied file was
    /// edited. Header fields (message, date, labels) do not count; each
    /// section's direction, dialect and transaction mode do, so moving SQL
    /// from one section to another changes the checksum. Sections are hashed
    /// in a fixed order, so reordering them in the file does not.
    pub fn checksum(&self) -> String {
        let mut sections: Vec<&Section> = self.sections.iter().collect();
        sections.sort_by_key(|s| (s.direction, s.dialect));
        let mut hasher = Sha256::new();
        for section in sections {
            let sql = normalize_sql(&section.sql);
            // The length prefix keeps the framing unambiguous whatever the SQL holds.
            let head = format!(
                "{} {} transaction={} {}\n",
                direction_word(section.direction),
                section.dialect.map_or("portable", DialectKind::as_str),
                section.transaction,
                sql.len()
            );
            hasher.update(head.as_bytes());
            hasher.update(sql.as_bytes());
            hasher.update(b"\n");
        }
        let mut hex = String::with_capacity(64);
        for byte in hasher.finalize() {
            push_hex(&mut hex, byte);
        }
        hex
    }
}

/// Normalises SQL for comparison and checksums: line endings become `\n`,
/// trailing whitespace is stripped from every line, and leading and trailing
/// blank lines are dropped. The result has no final newline.
///
/// ```
/// use retort::revision::file::normalize_sql;
/// assert_eq!(normalize_sql("\r\nSELECT 1;  \r\n\r\n"), "SELECT 1;");
/// ```
pub fn normalize_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut pending_blank = 0usize;
    for line in sql.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            pending_blank += 1;
            continue;
        }
        if !out.is_empty() {
            for _ in 0..=pending_blank {
                out.push('\n');
            }
        }
        pending_blank = 0;
        out.push_str(line);
    }
    out
}

/// Why a revision file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_SIZE`].
    #[error(
        "{} is {len} bytes, more than the {} MiB a revision file may have",
        path.display(),
        MAX_FILE_SIZE / (1024 * 1024)
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        len: u64,
    },
    /// The file does not follow the format; `location` points at the cause.
    #[error("{location}: {message}")]
    Malformed {
        /// Where in the file.
        location: Location,
        /// What is wrong.
        message: String,
        /// How to fix it, where there is a known fix.
        help: Option<String>,
    },
}

impl Error {
    /// Where in the file the problem is, when it is about the content.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Malformed { location, .. } => Some(location),
            Error::Io { .. } | Error::TooLarge { .. } => None,
        }
    }

    /// A hint on how to fix it.
    pub fn help(&self) -> Option<&str> {
        match self {
            Error::Malformed { help, .. } => help.as_deref(),
            Error::Io { .. } | Error::TooLarge { .. } => None,
        }
    }

    /// The file (or directory) the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Error::Io { path, .. } | Error::TooLarge { path, .. } => path,
            Error::Malformed { location, .. } => &location.path,
        }
    }

    /// The message without the location prefix, for renderers that show the
    /// location separately.
    pub fn message(&self) -> String {
        match self {
            Error::Malformed { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}

fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xf)]));
}

#[cfg(test)]
mod tests;
