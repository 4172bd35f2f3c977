//! Parsing a revision file's text: the header fields, then the sections,
//! with the positions the graph's diagnostics point at.

use std::path::Path;

use crate::dialect::DialectKind;
use crate::revision::Location;
use crate::revision::direction::Direction;
use crate::revision::file::header::{
    KEY_NAMES, KEYS, Key, closest_key, header_key, normalized_key,
};
use crate::revision::file::{
    Error, InvalidName, MAX_ID_LEN, Reference, Revision, RevisionId, Section, check_parents,
    direction_word, validate_id, validate_label,
};

/// Checks the bytes of a file and parses them.
pub(super) fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<Revision, Error> {
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

const DIALECTS: &str = "`postgresql` (or `postgres`), `mysql` (or `mariadb`), `sqlite`";

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
