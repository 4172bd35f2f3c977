//! One revision file: its header (`-- Revision ID:` …) and its SQL sections
//! (`-- migrate:upgrade [dialect] [transaction=false]`), parsed with the
//! positions the graph needs for its diagnostics, and written for new files.
//!
//! This is the front of the flow: [`load_dir`] turns `migrations/versions/`
//! into [`Revision`]s (plus every file's error, not just the first), which
//! the graph then orders. [`render`] and [`file_name`] write the files that
//! `revision` and autogenerate create.
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

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::dialect::DialectKind;
use crate::revision::Location;
use crate::revision::direction::Direction;
pub use crate::revision::name::{
    InvalidName, MAX_ID_LEN, RevisionId, check_parents, validate_id, validate_label,
};

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
pub enum Error {
    /// The file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_SIZE`].
    #[error(
        "{} is {len} bytes, more than the {} MiB a revision file may have",
        path.display(),
        MAX_FILE_SIZE / (1024 * 1024)
    )]
    TooLarge { path: PathBuf, len: u64 },
    /// The file does not follow the format; `location` points at the cause.
    #[error("{location}: {message}")]
    Malformed {
        location: Location,
        message: String,
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

/// Reads and parses one revision file.
///
/// Refuses files above [`MAX_FILE_SIZE`] (checked before reading), files
/// with a NUL byte ("binary file") and files that are not UTF-8 (pointing at
/// the first invalid byte). A leading byte-order mark and CRLF line endings
/// are accepted.
pub fn read(path: &Path) -> Result<Revision, Error> {
    let mut buf = Vec::new();
    read_into(path, &mut buf)?;
    parse_bytes(path, &buf)
}

/// Reads `path` into `buf` (cleared first), refusing oversized files.
fn read_into(path: &Path, buf: &mut Vec<u8>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = crate::regular_file::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_SIZE {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            len,
        });
    }
    buf.clear();
    // The length from the metadata sizes the buffer, so one `read` usually
    // fetches the file; this is the hot path of `load_dir`. Reading stops at
    // that length: a file that grows meanwhile is read as it was when
    // measured, which also keeps the size bound.
    let len = len as usize;
    buf.resize(len, 0);
    let mut filled = 0;
    while filled < len {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(io(error)),
        }
    }
    buf.truncate(filled);
    Ok(())
}

/// Checks the bytes of a file and parses them.
fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<Revision, Error> {
    // A NUL byte is checked first: a binary file is better reported as such
    // than as "invalid UTF-8".
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(binary_file(path, bytes, offset));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Parser::new(path, text).run(),
        Err(error) => {
            let offset = error.valid_up_to();
            let (line, column) = position(bytes, offset);
            Err(Error::Malformed {
                location: Location {
                    path: path.to_path_buf(),
                    line,
                    column,
                    offset,
                    len: error.error_len().unwrap_or(bytes.len() - offset),
                },
                message: "the file is not valid UTF-8".to_owned(),
                help: Some("save the file as UTF-8".to_owned()),
            })
        }
    }
}

fn binary_file(path: &Path, bytes: &[u8], offset: usize) -> Error {
    let (line, column) = position(bytes, offset);
    Error::Malformed {
        location: Location {
            path: path.to_path_buf(),
            line,
            column,
            offset,
            len: 1,
        },
        message: "binary file: it contains a NUL byte".to_owned(),
        help: Some("revision files are UTF-8 SQL text".to_owned()),
    }
}

/// 1-based line and column of a byte offset. Columns count UTF-8 sequence
/// starts, which is characters for valid text and a fair guess otherwise.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let mut line_bytes = &before[line_start..];
    if line_start == 0 {
        // Like the parser, do not count an invisible byte-order mark.
        line_bytes = line_bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(line_bytes);
    }
    let column = 1 + line_bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count();
    (line, column)
}

/// Parses the text of a revision file; `path` is only recorded, never read.
///
/// Never panics, whatever `text` holds. Returns the first problem found.
pub fn parse(path: &Path, text: &str) -> Result<Revision, Error> {
    if let Some(offset) = text.bytes().position(|b| b == 0) {
        return Err(binary_file(path, text.as_bytes(), offset));
    }
    Parser::new(path, text).run()
}

/// Parses every `*.sql` file directly in `dir`, in file-name order.
///
/// Hidden files, editor backups and other extensions are skipped, and
/// subdirectories are not entered. Every file's error is collected, so a
/// user sees all broken files at once. A missing or unreadable directory
/// gives a single [`Error::Io`]. Large directories are read on a few threads;
/// the result does not depend on it.
pub fn load_dir(dir: &Path) -> (Vec<Revision>, Vec<Error>) {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => return (Vec::new(), vec![io(source)]),
    };
    let mut errors = Vec::new();
    let mut names = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(source) => {
                errors.push(io(source));
                continue;
            }
        };
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        // Hidden files include editors' lock files (`.#x.sql`); backups
        // (`x.sql~`, `#x.sql#`) fail the extension test.
        if bytes.starts_with(b".") || !bytes.ends_with(b".sql") {
            continue;
        }
        // `file_type` comes from the directory entry on most systems, so this
        // costs no extra system call.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        names.push(name);
    }
    names.sort_unstable();

    // Opening and reading costs more than parsing, so a large directory is
    // split into contiguous chunks read on a few threads; joining the chunks
    // in order keeps the result independent of scheduling.
    let workers = if names.len() < PARALLEL_THRESHOLD {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS))
    };
    let chunk = names.len().div_ceil(workers).max(1);
    let results: Vec<Vec<Result<Revision, Error>>> = if workers == 1 {
        vec![load_files(dir, &names)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = names
                .chunks(chunk)
                .map(|part| {
                    std::thread::Builder::new()
                        .spawn_scoped(scope, move || load_files(dir, part))
                        .map_err(|_| part)
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| match handle {
                    Ok(handle) => handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: do this chunk here.
                    Err(part) => load_files(dir, part),
                })
                .collect()
        })
    };

    let mut revisions = Vec::with_capacity(names.len());
    for result in results.into_iter().flatten() {
        match result {
            Ok(revision) => revisions.push(revision),
            Err(error) => errors.push(error),
        }
    }
    (revisions, errors)
}

/// Below this many files, starting threads costs more than it saves.
const PARALLEL_THRESHOLD: usize = 256;
/// Past a few threads the disk, not the CPU, is the limit.
const MAX_WORKERS: usize = 8;

/// Reads and parses `names` in `dir`, reusing one buffer.
fn load_files(dir: &Path, names: &[std::ffi::OsString]) -> Vec<Result<Revision, Error>> {
    let mut buf = Vec::new();
    let mut path = dir.to_path_buf();
    names
        .iter()
        .map(|name| {
            path.push(name);
            let result = read_into(&path, &mut buf).and_then(|()| parse_bytes(&path, &buf));
            path.pop();
            result
        })
        .collect()
}

/// What `retort revision` and autogenerate write into a new file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRevision {
    /// Usually [`RevisionId::generate`].
    pub id: RevisionId,
    /// The parents: empty for a base, several for a merge.
    pub down_revisions: Vec<RevisionId>,
    /// One line; line breaks are written as spaces.
    pub message: String,
    /// Written in UTC as `2026-11-26 11:00:00+00:00` (seconds precision).
    pub create_date: jiff::Timestamp,
    /// Each must pass [`validate_label`].
    pub branch_labels: Vec<String>,
    /// Each must pass [`validate_label`].
    pub depends_on: Vec<String>,
    /// Portable SQL; an empty body is written as a placeholder comment.
    pub upgrade_sql: String,
    /// Portable SQL; empty means irreversible.
    pub downgrade_sql: String,
}

/// The body written for an empty upgrade, so the user sees where SQL goes.
const UPGRADE_PLACEHOLDER: &str = "-- write the upgrade SQL here";

/// Writes a new revision file in the format [`parse`] reads.
///
/// ```
/// use retort::revision::file::{NewRevision, render};
/// let text = render(&NewRevision {
///     id: "ae1027a6acf0".parse().unwrap(),
///     down_revisions: vec![],
///     message: "create account".into(),
///     create_date: "2026-11-26T11:00:00Z".parse().unwrap(),
///     branch_labels: vec![],
///     depends_on: vec![],
///     upgrade_sql: "CREATE TABLE account (id INTEGER PRIMARY KEY);".into(),
///     downgrade_sql: "DROP TABLE account;".into(),
/// });
/// assert!(text.starts_with("-- Revision ID: ae1027a6acf0\n-- Revises:\n"));
/// ```
pub fn render(new: &NewRevision) -> String {
    let mut out = String::with_capacity(256 + new.upgrade_sql.len() + new.downgrade_sql.len());
    out.push_str("-- Revision ID: ");
    out.push_str(new.id.as_str());
    out.push_str("\n-- Revises:");
    for (i, parent) in new.down_revisions.iter().enumerate() {
        out.push_str(if i == 0 { " " } else { ", " });
        out.push_str(parent.as_str());
    }
    out.push_str("\n-- Create Date: ");
    out.push_str(
        &new.create_date
            .strftime("%Y-%m-%d %H:%M:%S+00:00")
            .to_string(),
    );
    out.push_str("\n-- Message:");
    let message = one_line(&new.message);
    if !message.is_empty() {
        out.push(' ');
        out.push_str(&message);
    }
    out.push('\n');
    if !new.branch_labels.is_empty() {
        out.push_str("-- Branch Labels: ");
        out.push_str(&new.branch_labels.join(", "));
        out.push('\n');
    }
    if !new.depends_on.is_empty() {
        out.push_str("-- Depends On: ");
        out.push_str(&new.depends_on.join(", "));
        out.push('\n');
    }
    out.push_str("\n-- migrate:upgrade\n");
    let upgrade = normalize_sql(&new.upgrade_sql);
    out.push_str(if upgrade.is_empty() {
        UPGRADE_PLACEHOLDER
    } else {
        &upgrade
    });
    out.push_str("\n\n-- migrate:downgrade\n");
    let downgrade = normalize_sql(&new.downgrade_sql);
    if !downgrade.is_empty() {
        out.push_str(&downgrade);
        out.push('\n');
    }
    out
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file name for a new revision: `<id>_<slug>.sql`, where the slug is the
/// message lowercased with runs of other characters than letters and digits
/// turned into one `_`, cut to 40 characters; `<id>.sql` when that is empty.
///
/// ```
/// use retort::revision::file::file_name;
/// let id = "ae1027a6acf0".parse().unwrap();
/// assert_eq!(file_name(&id, "Add account table!"), "ae1027a6acf0_add_account_table.sql");
/// assert_eq!(file_name(&id, "--"), "ae1027a6acf0.sql");
/// ```
pub fn file_name(id: &RevisionId, message: &str) -> String {
    const MAX_SLUG_CHARS: usize = 40;
    let mut slug = String::new();
    let mut chars = 0;
    let mut gap = false;
    'outer: for c in message.chars() {
        if !c.is_alphanumeric() {
            gap = true;
            continue;
        }
        if gap && !slug.is_empty() {
            if chars == MAX_SLUG_CHARS {
                break;
            }
            slug.push('_');
            chars += 1;
        }
        gap = false;
        // Some characters lowercase to several (`İ` → `i̇`); each counts.
        for lower in c.to_lowercase() {
            if chars == MAX_SLUG_CHARS {
                break 'outer;
            }
            slug.push(lower);
            chars += 1;
        }
    }
    let slug = slug.trim_end_matches('_');
    if slug.is_empty() {
        format!("{id}.sql")
    } else {
        format!("{id}_{slug}.sql")
    }
}

// ---------------------------------------------------------------------------
// Parsing.

/// The header keys, in the order they are written and listed in help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    RevisionId,
    Revises,
    CreateDate,
    Message,
    BranchLabels,
    DependsOn,
}

/// Accepted spellings, compared after lowercasing and dropping spaces, `_`
/// and `-`: `Revision ID`, `revision_id` and `RevisionID` are all one key.
const KEYS: &[(&str, Key)] = &[
    ("revisionid", Key::RevisionId),
    ("revises", Key::Revises),
    ("downrevision", Key::Revises),
    ("createdate", Key::CreateDate),
    ("message", Key::Message),
    ("branchlabels", Key::BranchLabels),
    ("dependson", Key::DependsOn),
];

/// How keys are shown to users, matching `KEYS`.
const KEY_NAMES: &[&str] = &[
    "Revision ID",
    "Revises",
    "Down Revision",
    "Create Date",
    "Message",
    "Branch Labels",
    "Depends On",
];

const DIALECTS: &str = "`postgresql` (or `postgres`), `mysql` (or `mariadb`), `sqlite`";

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}

/// One line of the file: its text without `\n` or `\r`, where it starts, and
/// its 1-based number.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
    number: usize,
}

/// A section whose end is not known yet.
struct OpenSection {
    direction: Direction,
    dialect: Option<DialectKind>,
    transaction: bool,
    line: usize,
    body_start: usize,
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    id: Option<(RevisionId, Location)>,
    down_revisions: Vec<Reference>,
    branch_labels: Vec<Reference>,
    depends_on: Vec<Reference>,
    message: String,
    create_date: Option<String>,
    /// For each `Key`, the line it was first given on, to report duplicates.
    seen: [Option<usize>; 6],
    sections: Vec<Section>,
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path, text: &'a str) -> Self {
        Parser {
            path,
            text,
            id: None,
            down_revisions: Vec::new(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            message: String::new(),
            create_date: None,
            seen: [None; 6],
            sections: Vec::new(),
        }
    }

    fn run(mut self) -> Result<Revision, Error> {
        let text = self.text;
        // A byte-order mark is invisible in editors; skipping it keeps
        // offsets relative to the real file.
        let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut number = 0;
        let mut open: Option<OpenSection> = None;
        while start < text.len() || (start == text.len() && number == 0) {
            number += 1;
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let raw = &text[start..end];
            let line = Line {
                text: raw.strip_suffix('\r').unwrap_or(raw),
                start,
                number,
            };
            if let Some(head) = self.section_header(line)? {
                if let Some(previous) = open.take() {
                    self.close(previous, line.start);
                }
                self.check_duplicate_section(&head, line)?;
                open = Some(OpenSection {
                    body_start: (end + 1).min(text.len()),
                    ..head
                });
            } else if open.is_none() {
                self.header_line(line)?;
            }
            start = end + 1;
        }
        if let Some(previous) = open.take() {
            self.close(previous, text.len());
        }
        self.finish()
    }

    fn finish(self) -> Result<Revision, Error> {
        let start = self.start_location();
        let Some((id, id_location)) = self.id else {
            return Err(malformed(
                start,
                "missing `-- Revision ID:` header".to_owned(),
                Some(
                    "start the file with `-- Revision ID: <id>`, e.g. `-- Revision ID: ae1027a6acf0`",
                ),
            ));
        };
        if !self.sections.iter().any(|s| s.direction == Direction::Up) {
            return Err(malformed(
                start,
                "no `-- migrate:upgrade` section".to_owned(),
                Some(
                    "put the upgrade SQL after a line `-- migrate:upgrade`, and optionally the downgrade SQL after `-- migrate:downgrade`",
                ),
            ));
        }
        Ok(Revision {
            id,
            down_revisions: self.down_revisions,
            branch_labels: self.branch_labels,
            depends_on: self.depends_on,
            message: self.message,
            create_date: self.create_date,
            path: self.path.to_path_buf(),
            id_location,
            sections: self.sections,
        })
    }

    fn close(&mut self, open: OpenSection, end: usize) {
        let body = self.text.get(open.body_start..end).unwrap_or("");
        self.sections.push(Section {
            direction: open.direction,
            dialect: open.dialect,
            transaction: open.transaction,
            sql: section_sql(body),
            line: open.line,
            sql_line: open.line + 1 + body.split('\n').take_while(|l| l.trim().is_empty()).count(),
        });
    }

    fn check_duplicate_section(&self, head: &OpenSection, line: Line) -> Result<(), Error> {
        let Some(first) = self
            .sections
            .iter()
            .find(|s| s.direction == head.direction && s.dialect == head.dialect)
        else {
            return Ok(());
        };
        let which = match head.dialect {
            Some(d) => format!(
                "{} {}",
                direction_word(head.direction),
                DialectKind::as_str(d)
            ),
            None => direction_word(head.direction).to_owned(),
        };
        let (offset, len) = trimmed_span(line.text);
        Err(malformed(
            self.location(line, offset, len),
            format!("second `-- migrate:{which}` section"),
            Some(&format!(
                "the first one is on line {}; merge the two",
                first.line
            )),
        ))
    }

    /// Recognises `-- migrate:<direction> [dialect] [transaction=…]`.
    /// `Ok(None)` for any other line.
    fn section_header(&self, line: Line) -> Result<Option<OpenSection>, Error> {
        let indent = line.text.len() - line.text.trim_start().len();
        let Some(rest) = line.text[indent..].strip_prefix("--") else {
            return Ok(None);
        };
        let directive_at = line.text.len() - rest.trim_start().len();
        let directive = &line.text[directive_at..];
        match directive.get(..8) {
            Some(prefix) if prefix.eq_ignore_ascii_case("migrate:") => {}
            _ => return Ok(None),
        }
        let mut words = words(line.text, directive_at);
        let Some((_, first)) = words.next() else {
            return Ok(None);
        };
        let name = &first[8..];
        let direction = if name.eq_ignore_ascii_case("upgrade") {
            Direction::Up
        } else if name.eq_ignore_ascii_case("downgrade") {
            Direction::Down
        } else {
            return Err(malformed(
                self.location(line, directive_at, first.len()),
                format!("unknown section `{first}`"),
                Some("sections are `-- migrate:upgrade` and `-- migrate:downgrade`"),
            ));
        };
        let mut dialect = None;
        let mut transaction = None;
        for (at, word) in words {
            let here = self.location(line, at, word.len());
            if let Some((option, value)) = word.split_once('=') {
                if !option.eq_ignore_ascii_case("transaction") {
                    return Err(malformed(
                        here,
                        format!("unknown section option `{option}`"),
                        Some("the only option is `transaction=false` (or `transaction=true`)"),
                    ));
                }
                let value = if value.eq_ignore_ascii_case("false") {
                    false
                } else if value.eq_ignore_ascii_case("true") {
                    true
                } else {
                    return Err(malformed(
                        here,
                        format!("`{word}` is neither `transaction=false` nor `transaction=true`"),
                        Some("write `transaction=false` to run this section outside a transaction"),
                    ));
                };
                if transaction.replace(value).is_some() {
                    return Err(malformed(
                        here,
                        "`transaction=` is given twice".to_owned(),
                        Some("keep one"),
                    ));
                }
            } else if let Some(kind) = DialectKind::from_name(word) {
                if dialect.replace(kind).is_some() {
                    return Err(malformed(
                        here,
                        format!("a second dialect `{word}` in one section header"),
                        Some("a section applies to one dialect; write one section per dialect"),
                    ));
                }
            } else {
                return Err(malformed(
                    here,
                    format!("unknown dialect `{word}`"),
                    Some(&format!("dialects are {DIALECTS}")),
                ));
            }
        }
        Ok(Some(OpenSection {
            direction,
            dialect,
            transaction: transaction.unwrap_or(true),
            line: line.number,
            body_start: 0,
        }))
    }

    /// A line before the first section: blank, a `-- Key: value` field, or
    /// another comment.
    fn header_line(&mut self, line: Line) -> Result<(), Error> {
        let trimmed = line.text.trim_start();
        if trimmed.is_empty() {
            return Ok(());
        }
        let indent = line.text.len() - trimmed.len();
        let Some(comment) = trimmed.strip_prefix("--") else {
            let (offset, len) = trimmed_span(line.text);
            return Err(malformed(
                self.location(line, offset, len),
                "SQL before the first `-- migrate:upgrade` section".to_owned(),
                Some("put a line `-- migrate:upgrade` before the SQL, after the header comments"),
            ));
        };
        let key_at = indent + 2 + (comment.len() - comment.trim_start().len());
        let Some((key, value_at)) = header_key(line.text, key_at) else {
            return Ok(()); // A free comment.
        };
        let Some(&(_, kind)) = KEYS.iter().find(|(k, _)| normalized_key(key).eq(k.bytes())) else {
            let key_location = self.location(line, key_at, key.len());
            let known = KEY_NAMES.join(", ");
            let normalized: String = normalized_key(key).map(char::from).collect();
            let help = match closest_key(&normalized) {
                Some(name) => format!("did you mean `{name}`?"),
                None => "a free comment in the header must not look like `-- Key: value`; \
                         drop the colon"
                    .to_owned(),
            };
            return Err(malformed(
                key_location,
                format!("unknown header key `{key}` (known keys: {known})"),
                Some(&help),
            ));
        };
        let slot = kind as usize;
        if let Some(first) = self.seen[slot] {
            return Err(malformed(
                self.location(line, key_at, key.len()),
                format!("header key `{key}` is given twice"),
                Some(&format!("it is first given on line {first}; keep one")),
            ));
        }
        self.seen[slot] = Some(line.number);

        let value = &line.text[value_at..];
        let value_at = value_at + (value.len() - value.trim_start().len());
        let value_text = value.trim();
        match kind {
            Key::RevisionId => {
                let location = self.location(line, value_at, value_text.len());
                if let Err(why) = validate_id(value_text) {
                    return Err(self.invalid_name(location, "revision id", value_text, &why));
                }
                self.id = Some((RevisionId(value_text.to_owned()), location));
            }
            Key::Revises => {
                self.down_revisions =
                    self.list(line, value_at, value_text, "revision id", validate_id)?;
                let ids: Vec<&str> = self
                    .down_revisions
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect();
                if let Err(message) = check_parents(&ids) {
                    let location = self.location(line, value_at, value_text.len());
                    return Err(malformed(location, message, Some("merge in two steps")));
                }
            }
            Key::BranchLabels => {
                self.branch_labels =
                    self.list(line, value_at, value_text, "branch label", validate_label)?;
            }
            Key::DependsOn => {
                self.depends_on =
                    self.list(line, value_at, value_text, "dependency", validate_label)?;
            }
            Key::Message => self.message = value_text.to_owned(),
            Key::CreateDate => {
                self.create_date = (!value_text.is_empty()).then(|| value_text.to_owned());
            }
        }
        Ok(())
    }

    /// A comma-separated list; empty or `None` (as Alembic writes for a base)
    /// is no items. Empty items, as from a trailing comma, are skipped.
    fn list(
        &self,
        line: Line,
        value_at: usize,
        value: &str,
        what: &str,
        validate: fn(&str) -> Result<(), InvalidName>,
    ) -> Result<Vec<Reference>, Error> {
        if value == "None" {
            return Ok(Vec::new());
        }
        let mut items = Vec::new();
        let mut at = value_at;
        for raw in value.split(',') {
            let item = raw.trim();
            let item_at = at + (raw.len() - raw.trim_start().len());
            at += raw.len() + 1;
            if item.is_empty() {
                continue;
            }
            let location = self.location(line, item_at, item.len());
            if let Err(why) = validate(item) {
                return Err(self.invalid_name(location, what, item, &why));
            }
            items.push(Reference {
                name: item.to_owned(),
                location,
            });
        }
        Ok(items)
    }

    fn invalid_name(&self, location: Location, what: &str, name: &str, why: &InvalidName) -> Error {
        let help = match why {
            InvalidName::Empty => format!("write the {what} after the colon"),
            InvalidName::Character { allowed, .. } => {
                format!("a {what} is made of {allowed}; separate several with commas")
            }
            InvalidName::Reserved(_) => {
                "`head`, `heads` and `base` are target keywords; pick another name".to_owned()
            }
            InvalidName::TooLong { .. } => format!(
                "shorten it to {MAX_ID_LEN} characters or fewer (new ids are 12 hex characters), \
                 and the references to it"
            ),
        };
        let shown = if name.is_empty() {
            format!("empty {what}")
        } else {
            format!("invalid {what} `{name}`")
        };
        malformed(location, format!("{shown}: {why}"), Some(&help))
    }

    fn location(&self, line: Line, at: usize, len: usize) -> Location {
        let before = line.text.get(..at).unwrap_or(line.text);
        Location {
            path: self.path.to_path_buf(),
            line: line.number,
            column: before.chars().count() + 1,
            offset: line.start + at,
            len,
        }
    }

    fn start_location(&self) -> Location {
        Location {
            path: self.path.to_path_buf(),
            line: 1,
            column: 1,
            offset: 0,
            len: 0,
        }
    }
}

fn malformed(location: Location, message: String, help: Option<&str>) -> Error {
    Error::Malformed {
        location,
        message,
        help: help.map(str::to_owned),
    }
}

/// If the text at `key_at` is a header key (one to three words of ASCII
/// letters, digits, `_` or `-`, starting with a letter, separated by single
/// spaces, then `:` followed by whitespace or the end), the key and the byte
/// index just after the colon.
fn header_key(line: &str, key_at: usize) -> Option<(&str, usize)> {
    let rest = line.get(key_at..)?;
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) || key.len() > 40 {
        return None;
    }
    let mut count = 0;
    for word in key.split(' ') {
        count += 1;
        let ok = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok || count > 3 {
            return None;
        }
    }
    Some((key, key_at + colon + 1))
}

/// A key lowercased without spaces, `_` and `-`, for comparison with `KEYS`.
fn normalized_key(key: &str) -> impl Iterator<Item = u8> + '_ {
    key.bytes()
        .filter(|b| !matches!(b, b' ' | b'_' | b'-'))
        .map(|b| b.to_ascii_lowercase())
}

/// The known key nearest to a mistyped one, if near enough to be a typo.
fn closest_key(normalized: &str) -> Option<&'static str> {
    KEYS.iter()
        .enumerate()
        .map(|(i, (k, _))| (strsim::levenshtein(normalized, k), i))
        .filter(|&(d, i)| d <= 1 + KEYS[i].0.len() / 4)
        .min()
        .map(|(_, i)| KEY_NAMES[i])
}

/// The whitespace-separated words of `line` from byte `from`, with their byte
/// indices in `line`.
fn words(line: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = line.get(from..).unwrap_or("");
    let mut at = line.len() - rest.len();
    std::iter::from_fn(move || {
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.is_empty() {
            return None;
        }
        let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let word = (at, &trimmed[..len]);
        rest = &trimmed[len..];
        at += len;
        Some(word)
    })
}

/// Byte index and length of the line without surrounding whitespace, for
/// errors about a whole line.
fn trimmed_span(line: &str) -> (usize, usize) {
    let trimmed = line.trim_start();
    (line.len() - trimmed.len(), trimmed.trim_end().len())
}

/// A section body without leading and trailing blank lines, with `\n` line
/// endings. Other whitespace is kept as written; the checksum normalises more.
fn section_sql(body: &str) -> String {
    let mut first = None;
    let mut last = 0;
    let mut at = 0;
    for line in body.split('\n') {
        let end = at + line.len();
        if !line.trim().is_empty() {
            first.get_or_insert(at);
            last = end - usize::from(line.ends_with('\r'));
        }
        at = end + 1;
    }
    let Some(first) = first else {
        return String::new();
    };
    let sql = &body[first..last];
    if sql.contains('\r') {
        sql.replace("\r\n", "\n")
    } else {
        sql.to_owned()
    }
}

fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xf)]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    const EXAMPLE: &str = "\
-- Revision ID: ae1027a6acf0
-- Revises: 1975ea83b712
-- Create Date: 2026-11-26 11:00:00+00:00
-- Message: add account table
-- Branch Labels: billing
-- Depends On: 3c2f01a9b7d2

-- migrate:upgrade
CREATE TABLE account (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE account;
";

    fn path() -> &'static Path {
        Path::new("versions/ae1027a6acf0_add_account.sql")
    }

    fn ok(text: &str) -> Revision {
        match parse(path(), text) {
            Ok(revision) => revision,
            Err(error) => panic!("{error}\nhelp: {:?}\n{text}", error.help()),
        }
    }

    /// The error's line, column, message and help.
    fn err(text: &str) -> (usize, usize, String, String) {
        match parse(path(), text) {
            Ok(revision) => panic!("parsed: {revision:?}"),
            Err(error) => {
                let location = error.location().expect("a location");
                (
                    location.line,
                    location.column,
                    error.message(),
                    error.help().unwrap_or_default().to_owned(),
                )
            }
        }
    }

    /// The text a location's span covers.
    fn spanned<'t>(text: &'t str, location: &Location) -> &'t str {
        &text[location.offset..location.offset + location.len]
    }

    fn with_header(rest: &str) -> String {
        format!("-- Revision ID: abc\n{rest}")
    }

    #[test]
    fn parses_the_spec_example() {
        let r = ok(EXAMPLE);
        assert_eq!(r.id.as_str(), "ae1027a6acf0");
        assert_eq!(r.message, "add account table");
        assert_eq!(r.create_date.as_deref(), Some("2026-11-26 11:00:00+00:00"));
        assert_eq!(r.path, path());
        assert!(!r.is_base() && !r.is_merge());
        let names = |refs: &[Reference]| refs.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&r.down_revisions), ["1975ea83b712"]);
        assert_eq!(names(&r.branch_labels), ["billing"]);
        assert_eq!(names(&r.depends_on), ["3c2f01a9b7d2"]);
        assert_eq!(r.sections.len(), 2);
        assert_eq!(
            r.sections[0],
            Section {
                direction: Direction::Up,
                dialect: None,
                transaction: true,
                sql: "CREATE TABLE account (id INTEGER PRIMARY KEY);".into(),
                line: 8,
                sql_line: 9,
            }
        );
        assert_eq!(r.sections[1].direction, Direction::Down);
        assert_eq!(r.sections[1].sql, "DROP TABLE account;");
        assert_eq!(r.sections[1].line, 11);
    }

    #[test]
    fn references_point_at_their_text() {
        let r = ok(EXAMPLE);
        let parent = &r.down_revisions[0].location;
        assert_eq!((parent.line, parent.column), (2, 13));
        assert_eq!(parent.offset, 29 + 12);
        assert_eq!(spanned(EXAMPLE, parent), "1975ea83b712");
        assert_eq!(parent.to_string(), format!("{}:2:13", path().display()));
        assert_eq!((r.id_location.line, r.id_location.column), (1, 17));
        assert_eq!(spanned(EXAMPLE, &r.id_location), "ae1027a6acf0");
        assert_eq!(spanned(EXAMPLE, &r.branch_labels[0].location), "billing");
        assert_eq!(spanned(EXAMPLE, &r.depends_on[0].location), "3c2f01a9b7d2");

        let text = with_header("-- Revises:  aaa ,bbb,  ccc\n-- migrate:upgrade\n");
        let r = ok(&text);
        assert!(r.is_merge());
        let columns: Vec<_> = r.down_revisions.iter().map(|p| p.location.column).collect();
        assert_eq!(columns, [14, 19, 25]);
        for parent in &r.down_revisions {
            assert_eq!(spanned(&text, &parent.location), parent.name);
        }
    }

    #[test]
    fn columns_count_characters() {
        let text = "-- Message: é\n-- Revision ID:  ünicode\n-- migrate:upgrade\n";
        let (line, column, message, _) = err(text);
        assert_eq!((line, column), (2, 18));
        assert!(
            message.contains("invalid revision id `ünicode`"),
            "{message}"
        );
    }

    #[test]
    fn bases_and_key_spellings() {
        for revises in [
            "-- Revises:",
            "-- Revises: ",
            "-- Revises: None",
            "-- down_revision:",
        ] {
            let r = ok(&with_header(&format!(
                "{revises}\n-- migrate:upgrade\nSELECT 1;"
            )));
            assert!(r.is_base(), "{revises}");
        }
        let r = ok(
            "-- revision_id: a1\n-- DOWN REVISION: b2\n-- createdate: x\n\
                    -- branch_labels: a.b-c, d\n-- DependsOn: e\n-- migrate:upgrade\n",
        );
        assert_eq!(r.id.as_str(), "a1");
        assert_eq!(r.down_revisions[0].name, "b2");
        assert_eq!(r.create_date.as_deref(), Some("x"));
        assert_eq!(r.branch_labels.len(), 2);
        assert_eq!(r.depends_on[0].name, "e");
        assert_eq!(r.message, "");
        // No header at all but the id: every optional field defaults.
        let r = ok(&with_header(
            "-- Message:\n-- Create Date:\n-- migrate:upgrade\n",
        ));
        assert_eq!((r.message.as_str(), r.create_date), ("", None));
    }

    #[test]
    fn comments_and_blank_lines_in_the_header() {
        let r = ok(
            "\n-- A note about this file\n-- Revision ID: a1\n\n-- see https://x.org/a:b\n\
                    --\n-- migrate:upgrade\n",
        );
        assert_eq!(r.id.as_str(), "a1");
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let (line, column, message, help) = err(&with_header("-- Revison ID: x\n"));
        assert_eq!((line, column), (2, 4));
        assert!(
            message.starts_with("unknown header key `Revison ID`"),
            "{message}"
        );
        assert!(
            message.contains("Revision ID, Revises, Down Revision"),
            "{message}"
        );
        assert_eq!(help, "did you mean `Revision ID`?");

        let (_, _, _, help) = err(&with_header("-- Depend On: x\n"));
        assert_eq!(help, "did you mean `Depends On`?");
        let (_, _, message, help) = err(&with_header("-- Author: me\n"));
        assert!(message.contains("`Author`"), "{message}");
        assert!(help.contains("drop the colon"), "{help}");
    }

    #[test]
    fn duplicate_key() {
        let (line, column, message, help) = err(&with_header(
            "-- Revises: a\n-- Down Revision: b\n-- migrate:upgrade\n",
        ));
        assert_eq!((line, column), (3, 4));
        assert_eq!(message, "header key `Down Revision` is given twice");
        assert!(help.contains("line 2"), "{help}");
    }

    #[test]
    fn missing_or_invalid_id() {
        let (line, column, message, _) = err("-- Message: x\n-- migrate:upgrade\nSELECT 1;\n");
        assert_eq!((line, column), (1, 1));
        assert_eq!(message, "missing `-- Revision ID:` header");
        // An id after the first section is SQL, not a header.
        assert_eq!(
            err("-- migrate:upgrade\n-- Revision ID: a\n").2,
            "missing `-- Revision ID:` header"
        );

        let (line, column, message, _) = err("-- Revision ID: ae10-27\n-- migrate:upgrade\n");
        assert_eq!((line, column), (1, 17));
        assert!(
            message.starts_with("invalid revision id `ae10-27`: '-'"),
            "{message}"
        );
        let (_, column, message, _) = err("-- Revision ID:\n-- migrate:upgrade\n");
        assert_eq!(column, 16);
        assert!(message.starts_with("empty revision id"), "{message}");
        assert!(
            err("-- Revision ID: head\n-- migrate:upgrade\n")
                .2
                .contains("reserved")
        );

        let (line, column, message, _) = err(&with_header("-- Revises: a, b c\n"));
        assert_eq!((line, column), (2, 16));
        assert!(
            message.starts_with("invalid revision id `b c`"),
            "{message}"
        );
    }

    #[test]
    fn label_rules() {
        for bad in ["a@b", "head", "heads", "base", "BASE", "a b"] {
            let text = with_header(&format!("-- Branch Labels: x, {bad}\n-- migrate:upgrade\n"));
            let (line, column, message, _) = err(&text);
            assert_eq!((line, column), (2, 22), "{bad}");
            assert!(message.contains("branch label"), "{message}");
        }
        let r = ok(&with_header(
            "-- Branch Labels: v1.2-rc_3, headless,\n-- migrate:upgrade\n",
        ));
        assert_eq!(r.branch_labels.len(), 2);
        assert!("a.b".parse::<RevisionId>().is_err());
        assert_eq!(validate_label("a.b"), Ok(()));
        assert_eq!(validate_id(""), Err(InvalidName::Empty));
    }

    #[test]
    fn section_options() {
        let text = with_header(
            "-- migrate:upgrade\nA;\n-- migrate:upgrade postgresql transaction=false\nB;\n\
             --migrate:UPGRADE  transaction=TRUE\tmariadb \n C;\n-- migrate:downgrade sqlite\nD;\n",
        );
        let r = ok(&text);
        let shape: Vec<_> = r
            .sections
            .iter()
            .map(|s| {
                (
                    s.direction,
                    s.dialect,
                    s.transaction,
                    s.sql.as_str(),
                    s.line,
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                (Direction::Up, None, true, "A;", 2),
                (Direction::Up, Some(DialectKind::Postgres), false, "B;", 4),
                (Direction::Up, Some(DialectKind::Mysql), true, " C;", 6),
                (Direction::Down, Some(DialectKind::Sqlite), true, "D;", 8),
            ]
        );
        let sql = |d, k| r.section(d, k).map(|s| s.sql.as_str());
        assert_eq!(sql(Direction::Up, DialectKind::Postgres), Some("B;"));
        assert_eq!(sql(Direction::Up, DialectKind::Sqlite), Some("A;"));
        assert_eq!(sql(Direction::Down, DialectKind::Sqlite), Some("D;"));
        assert_eq!(sql(Direction::Down, DialectKind::Mysql), None);
        assert!(
            ok(&with_header("-- migrate:upgrade postgres\n")).sections[0].dialect
                == Some(DialectKind::Postgres)
        );
    }

    #[test]
    fn section_header_errors() {
        let (line, column, message, help) = err(&with_header("-- migrate:upgrade oracle\n"));
        assert_eq!((line, column), (2, 20));
        assert_eq!(message, "unknown dialect `oracle`");
        assert!(
            help.contains("`postgresql`") && help.contains("`sqlite`"),
            "{help}"
        );

        let (_, column, message, _) = err(&with_header(
            "-- migrate:upgrade  sqlite transaction=maybe\n",
        ));
        assert_eq!(column, 28);
        assert!(message.contains("`transaction=maybe`"), "{message}");
        assert!(
            err(&with_header("-- migrate:upgrade sqlite mysql\n"))
                .2
                .contains("second dialect")
        );
        assert!(
            err(&with_header(
                "-- migrate:upgrade transaction=false transaction=true\n"
            ))
            .2
            .contains("twice")
        );
        assert!(
            err(&with_header("-- migrate:upgrade tx=false\n"))
                .2
                .contains("unknown section option `tx`")
        );
        let (_, column, message, _) = err(&with_header("-- migrate:up\n"));
        assert_eq!(
            (column, message.as_str()),
            (4, "unknown section `migrate:up`")
        );
        assert!(
            err(&with_header("-- migrate:\n"))
                .2
                .contains("unknown section")
        );
    }

    #[test]
    fn duplicate_section_points_at_the_second() {
        let text =
            with_header("-- migrate:upgrade\nA;\n-- migrate:downgrade\n-- migrate:upgrade\nB;\n");
        let (line, column, message, help) = err(&text);
        assert_eq!((line, column), (5, 1));
        assert_eq!(message, "second `-- migrate:upgrade` section");
        assert!(help.contains("line 2"), "{help}");
        let text = with_header(
            "-- migrate:upgrade\n-- migrate:downgrade mysql\n  -- migrate:downgrade mariadb\n",
        );
        let (line, column, message, _) = err(&text);
        assert_eq!((line, column), (4, 3));
        assert_eq!(message, "second `-- migrate:downgrade mysql` section");
    }

    #[test]
    fn structure_errors() {
        let (line, _, message, help) = err(&with_header("-- migrate:downgrade\nDROP TABLE a;\n"));
        assert_eq!(line, 1);
        assert_eq!(message, "no `-- migrate:upgrade` section");
        assert!(help.contains("-- migrate:upgrade"));

        let (line, column, message, _) =
            err(&with_header("\n  CREATE TABLE a ();\n-- migrate:upgrade\n"));
        assert_eq!((line, column), (3, 3));
        assert_eq!(message, "SQL before the first `-- migrate:upgrade` section");
        assert!(err("").2.contains("Revision ID"));
    }

    #[test]
    fn section_bodies() {
        let r = ok(&with_header("-- migrate:upgrade\n"));
        assert_eq!(r.sections[0].sql, "");
        let r = ok(&with_header("-- migrate:upgrade"));
        assert_eq!(r.sections[0].sql, "");
        let r = ok(&with_header(
            "-- migrate:upgrade\n\n  \n  A;  \n\n  B;\n \n\n-- migrate:downgrade\n\n",
        ));
        assert_eq!(r.sections[0].sql, "  A;  \n\n  B;");
        assert_eq!(r.sections[1].sql, "");
        // Downgrade is optional: an irreversible revision.
        let r = ok(&with_header("-- migrate:upgrade\nA;"));
        assert_eq!(r.sections.len(), 1);
        assert_eq!(r.section(Direction::Down, DialectKind::Sqlite), None);
    }

    #[test]
    fn crlf_and_bom() {
        let crlf = EXAMPLE.replace('\n', "\r\n");
        let r = ok(&crlf);
        let lf = ok(EXAMPLE);
        assert_eq!(r.sections, lf.sections);
        assert_eq!(r.message, lf.message);
        assert_eq!(
            spanned(&crlf, &r.down_revisions[0].location),
            "1975ea83b712"
        );
        assert_eq!(r.checksum(), lf.checksum());
        let r = ok(&with_header("-- migrate:upgrade\r\nA;\r\nB;\r\n\r\n"));
        assert_eq!(r.sections[0].sql, "A;\nB;");

        let bom = format!("\u{feff}{EXAMPLE}");
        let r = ok(&bom);
        // Editors do not show the mark, so columns do not count it.
        assert_eq!((r.id_location.line, r.id_location.column), (1, 17));
        assert_eq!(spanned(&bom, &r.id_location), "ae1027a6acf0");
    }

    #[test]
    fn normalize() {
        assert_eq!(normalize_sql(""), "");
        assert_eq!(normalize_sql(" \n\t\n"), "");
        assert_eq!(
            normalize_sql("\n\nA; \t\r\n\r\n\r\n  B;\r\n\n"),
            "A;\n\n\n  B;"
        );
        assert_eq!(normalize_sql("A;"), "A;");
    }

    #[test]
    fn checksum_covers_sql_and_sections_only() {
        let base = ok(EXAMPLE);
        assert_eq!(base.checksum().len(), 64);
        assert!(
            base.checksum()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let same = ok(&EXAMPLE
            .replace("add account table", "another message")
            .replace("-- Branch Labels: billing\n", "")
            .replace("PRIMARY KEY);", "PRIMARY KEY);   \n\n"));
        assert_eq!(base.checksum(), same.checksum());

        let changed = [
            EXAMPLE.replace("INTEGER", "BIGINT"),
            EXAMPLE.replace("-- migrate:downgrade", "-- migrate:downgrade sqlite"),
            EXAMPLE.replace("-- migrate:upgrade", "-- migrate:upgrade transaction=false"),
            // The same SQL moved from one section to the other.
            with_header("-- migrate:upgrade\nA;\nB;\n-- migrate:downgrade\n"),
        ];
        let moved = ok(&with_header(
            "-- migrate:upgrade\nA;\n-- migrate:downgrade\nB;\n",
        ));
        assert_ne!(ok(&changed[3]).checksum(), moved.checksum());
        for text in &changed[..3] {
            assert_ne!(ok(text).checksum(), base.checksum(), "{text}");
        }
        // Reordering sections is not a change.
        let reordered = with_header("-- migrate:downgrade\nB;\n-- migrate:upgrade\nA;\n");
        assert_eq!(ok(&reordered).checksum(), moved.checksum());
    }

    #[test]
    fn ids() {
        let id = RevisionId::generate().expect("random source");
        assert_eq!(id.as_str().len(), 12);
        assert!(
            id.as_str()
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_ne!(id, RevisionId::generate().expect("random source"));
        assert_eq!(id.to_string(), id.as_str());
        assert_eq!(id.as_str().parse::<RevisionId>(), Ok(id.clone()));
        assert!(matches!(
            "ab c".parse::<RevisionId>(),
            Err(InvalidName::Character {
                found: ' ',
                index: 2,
                ..
            })
        ));
    }

    fn new_revision() -> NewRevision {
        NewRevision {
            id: RevisionId("ae1027a6acf0".into()),
            down_revisions: vec![RevisionId("1975ea83b712".into())],
            message: "add account table".into(),
            create_date: "2026-11-26T11:00:00.123Z".parse().expect("a timestamp"),
            branch_labels: vec!["billing".into()],
            depends_on: vec!["3c2f01a9b7d2".into()],
            upgrade_sql: "CREATE TABLE account (id INTEGER PRIMARY KEY);".into(),
            downgrade_sql: "DROP TABLE account;\n".into(),
        }
    }

    #[test]
    fn render_writes_the_spec_format() {
        assert_eq!(render(&new_revision()), EXAMPLE);
    }

    #[test]
    fn render_round_trips() {
        let mut new = new_revision();
        new.down_revisions.push(RevisionId("0000aaaa1111".into()));
        new.branch_labels.push("v2.0".into());
        new.upgrade_sql =
            "CREATE TABLE a (\n    id INTEGER\n);\n\nCREATE INDEX i ON a (id);".into();
        let r = ok(&render(&new));
        assert_eq!(r.id, new.id);
        let names = |refs: &[Reference]| refs.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        let ids: Vec<_> = new.down_revisions.iter().map(|id| id.0.clone()).collect();
        assert_eq!(names(&r.down_revisions), ids);
        assert_eq!(names(&r.branch_labels), new.branch_labels);
        assert_eq!(names(&r.depends_on), new.depends_on);
        assert_eq!(r.message, new.message);
        assert_eq!(r.create_date.as_deref(), Some("2026-11-26 11:00:00+00:00"));
        assert_eq!(r.sections[0].sql, new.upgrade_sql);
        assert_eq!(r.sections[1].sql, "DROP TABLE account;");
    }

    #[test]
    fn render_a_bare_base() {
        let new = NewRevision {
            down_revisions: vec![],
            message: "  two\nlines ".into(),
            branch_labels: vec![],
            depends_on: vec![],
            upgrade_sql: " \n".into(),
            downgrade_sql: String::new(),
            ..new_revision()
        };
        let text = render(&new);
        assert_eq!(
            text,
            "-- Revision ID: ae1027a6acf0\n-- Revises:\n-- Create Date: 2026-11-26 11:00:00+00:00\n\
             -- Message: two lines\n\n-- migrate:upgrade\n-- write the upgrade SQL here\n\n\
             -- migrate:downgrade\n"
        );
        let r = ok(&text);
        assert!(r.is_base());
        assert_eq!(r.message, "two lines");
        assert_eq!(r.sections[0].sql, UPGRADE_PLACEHOLDER);
        assert_eq!(r.sections[1].sql, "");
        let r = ok(&render(&NewRevision {
            message: String::new(),
            ..new
        }));
        assert_eq!(r.message, "");
    }

    #[test]
    fn file_names() {
        let id = RevisionId("ae1027a6acf0".into());
        assert_eq!(
            file_name(&id, "Add account table"),
            "ae1027a6acf0_add_account_table.sql"
        );
        assert_eq!(
            file_name(&id, "  --Add   'account'--table!! "),
            "ae1027a6acf0_add_account_table.sql"
        );
        assert_eq!(file_name(&id, ""), "ae1027a6acf0.sql");
        assert_eq!(file_name(&id, "!!!"), "ae1027a6acf0.sql");
        assert_eq!(
            file_name(&id, "Ünïcödé Tàble"),
            "ae1027a6acf0_ünïcödé_tàble.sql"
        );
        let long = file_name(&id, &"é".repeat(50));
        assert_eq!(long, format!("ae1027a6acf0_{}.sql", "é".repeat(40)));
        // A separator falling on the cut is not left dangling.
        let cut = file_name(&id, &format!("{} b", "a".repeat(40)));
        assert_eq!(cut, format!("ae1027a6acf0_{}.sql", "a".repeat(40)));
        let cut = file_name(&id, &format!("{} bcd", "a".repeat(38)));
        assert_eq!(cut, format!("ae1027a6acf0_{}_b.sql", "a".repeat(38)));
    }

    #[test]
    fn read_checks_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.sql");

        std::fs::write(&file, EXAMPLE.replace('\n', "\r\n")).expect("write");
        assert_eq!(read(&file).expect("parses").path, file);

        let mut bytes = b"-- Revision ID: a\n-- Message: ok\xC3\xA9 \xFF\xFE\n".to_vec();
        std::fs::write(&file, &bytes).expect("write");
        let error = read(&file).expect_err("not UTF-8");
        let location = error.location().expect("a location");
        assert_eq!(
            (location.line, location.column, location.offset),
            (2, 17, 35)
        );
        assert!(error.message().contains("UTF-8"));

        bytes.truncate(20);
        bytes.extend_from_slice(b"\0\0");
        std::fs::write(&file, &bytes).expect("write");
        let error = read(&file).expect_err("binary");
        assert_eq!(error.help(), Some("revision files are UTF-8 SQL text"));
        let location = error.location().expect("a location");
        assert_eq!((location.line, location.column), (2, 3));
        assert!(error.message().starts_with("binary file"));
        assert!(parse(&file, "a\0").is_err());

        let big = File::create(&file).expect("create");
        big.set_len(MAX_FILE_SIZE + 1).expect("set_len");
        let error = read(&file).expect_err("too large");
        assert!(matches!(error, Error::TooLarge { len, .. } if len == MAX_FILE_SIZE + 1));
        assert!(error.to_string().contains("16 MiB"), "{error}");
        assert_eq!(error.path(), file);

        let error = read(&dir.path().join("missing.sql")).expect_err("missing");
        assert!(matches!(error, Error::Io { .. }));
        assert!(error.location().is_none() && error.help().is_none());
    }

    #[test]
    fn load_dir_reads_sql_files_in_name_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let write =
            |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect("write");
        let revision = |id: &str| format!("-- Revision ID: {id}\n-- migrate:upgrade\nSELECT 1;\n");
        write("b_second.sql", &revision("b"));
        write("a_first.sql", &revision("a"));
        write("c_broken.sql", "-- Revision ID: c\n");
        write("d_broken.sql", "SELECT 1;\n");
        write(".hidden.sql", "junk");
        write(".#a_first.sql", "junk");
        write("a_first.sql~", "junk");
        write("#a_first.sql#", "junk");
        write("README.md", "junk");
        std::fs::create_dir(dir.path().join("nested.sql")).expect("mkdir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("sub/e.sql"), revision("e")).expect("write");

        let (revisions, errors) = load_dir(dir.path());
        let ids: Vec<_> = revisions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(revisions[0].path, dir.path().join("a_first.sql"));
        let paths: Vec<_> = errors.iter().map(|e| e.path().to_path_buf()).collect();
        assert_eq!(
            paths,
            [
                dir.path().join("c_broken.sql"),
                dir.path().join("d_broken.sql")
            ]
        );

        let missing = dir.path().join("nope");
        let (revisions, errors) = load_dir(&missing);
        assert!(revisions.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(matches!(&errors[0], Error::Io { path, .. } if *path == missing));
        assert!(errors[0].to_string().contains("nope"));
    }

    #[test]
    fn load_dir_in_parallel_keeps_order_and_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        let count = PARALLEL_THRESHOLD + 45;
        for i in 0..count {
            let text = if i % 100 == 7 {
                format!("-- Revision ID: r{i:04}\n")
            } else {
                format!("-- Revision ID: r{i:04}\n-- migrate:upgrade\nSELECT {i};\n")
            };
            std::fs::write(dir.path().join(format!("r{i:04}.sql")), text).expect("write");
        }
        let (revisions, errors) = load_dir(dir.path());
        let expected: Vec<_> = (0..count)
            .filter(|i| i % 100 != 7)
            .map(|i| format!("r{i:04}"))
            .collect();
        let ids: Vec<_> = revisions.iter().map(|r| r.id.0.clone()).collect();
        assert_eq!(ids, expected);
        let broken: Vec<_> = errors.iter().map(|e| e.path().to_path_buf()).collect();
        assert_eq!(
            broken,
            [7, 107, 207].map(|i| dir.path().join(format!("r{i:04}.sql")))
        );
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        const FRAGMENTS: &[&str] = &[
            "-- Revision ID:",
            "-- Revision ID: ae1027a6acf0",
            "-- Revises:",
            "-- Revises: a, b,",
            "-- Down Revision: None",
            "-- Branch Labels: x",
            "-- Depends On:",
            "-- Message: é",
            "-- Create Date:",
            "-- Revison ID: x",
            "-- migrate:upgrade",
            "-- migrate:downgrade",
            "-- migrate:",
            "--migrate:UPGRADE",
            " postgresql",
            " transaction=false",
            " transaction=",
            " oracle",
            "SELECT 1;",
            "--",
            ":",
            ",",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "\u{feff}",
            "\u{3000}",
            "é",
            "🦀",
            "\0",
        ];

        fn fragment() -> impl Strategy<Value = String> {
            prop_oneof![
                3 => proptest::sample::select(FRAGMENTS).prop_map(str::to_owned),
                1 => any::<String>(),
            ]
        }

        fn check(text: &str) {
            match parse(Path::new("f.sql"), text) {
                Ok(revision) => {
                    let _ = revision.checksum();
                    assert_eq!(spanned(text, &revision.id_location), revision.id.as_str());
                    for reference in revision.down_revisions.iter().chain(&revision.depends_on) {
                        assert_eq!(spanned(text, &reference.location), reference.name);
                    }
                }
                Err(error) => {
                    let location = error.location().expect("parse errors have a location");
                    // The span must lie inside the text, on char boundaries.
                    assert!(
                        text.get(location.offset..location.offset + location.len)
                            .is_some()
                    );
                    assert!(location.line >= 1 && location.column >= 1);
                }
            }
        }

        proptest! {
            #[test]
            fn on_fragments(parts in proptest::collection::vec(fragment(), 0..40)) {
                check(&parts.concat());
            }

            #[test]
            fn on_any_string(text in any::<String>()) {
                check(&text);
            }

            #[test]
            fn on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
                let _ = parse_bytes(Path::new("f.sql"), &bytes);
            }
        }
    }
}
