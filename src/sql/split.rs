//! Splitting a section's SQL text into statements, the way each database's
//! own client would.
//!
//! retort runs a section statement by statement (see the multi-statement
//! trap in docs/architecture.md), so it must find the statement boundaries itself: a
//! `;` ends a statement only outside strings, quoted identifiers, comments,
//! PostgreSQL dollar quotes and the bodies of triggers and stored programs.
//! The rules follow each database's client:
//!
//! - **SQLite** (`sqlite3_complete`): `'…'`, `"…"`, `` `…` `` and `[…]`
//!   quoting, `--` and `/* */` comments; a `CREATE [TEMP] TRIGGER` ends only
//!   at a `;` that follows `; END`, so the semicolons of its body (and any
//!   `CASE … END` in it) do not split it.
//! - **PostgreSQL** (`psql`): `'…'` without backslash escapes but `E'…'`
//!   with them, `"…"`, dollar quotes (`$$ … $$`, `$tag$ … $tag$`; `$1` is a
//!   parameter), nested `/* */` comments, no split inside parentheses, and
//!   `CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC … END` counted as psql does.
//! - **MySQL/MariaDB** (`mysql`): backslash escapes in `'…'` and `"…"`
//!   (which is a string there), `` `…` ``, `#` comments, `--` comments only
//!   when a space or control character follows; `/*! … */` and `/*+ … */` are
//!   executable, so they count as SQL. The client's `DELIMITER xx` directive
//!   is honoured (the directive line is not a statement). Without it, the
//!   `BEGIN … END` body of `CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT` (and a
//!   MariaDB `BEGIN NOT ATOMIC` block) stays one statement: nested `BEGIN`,
//!   `CASE`, `IF`, `LOOP`, `WHILE` and `REPEAT` are counted against their
//!   `END`s.
//!
//! Each [`Statement`] keeps the text from its first token to its last, so
//! comments *before* a statement (and after its last token) belong to no
//! statement, and comments inside it are kept. Pieces that hold only
//! comments are dropped. Lines are 1-based and relative to the given text;
//! columns in errors count characters, like [`crate::revision::Location`].
//!
//! ```
//! use retort::sql::split::split;
//! use retort::DialectKind;
//!
//! let sql = "-- add the table\nCREATE TABLE t (a TEXT DEFAULT ';');\nINSERT INTO t VALUES ('x')";
//! let statements = split(sql, DialectKind::Sqlite).unwrap();
//! assert_eq!(statements.len(), 2);
//! assert_eq!(statements[0].sql, "CREATE TABLE t (a TEXT DEFAULT ';')");
//! assert_eq!(statements[0].line, 2);
//! assert_eq!(statements[1].line, 3);
//! ```
//!
//! Limits: server settings that change lexing are assumed at their defaults
//! (MySQL without `NO_BACKSLASH_ESCAPES` or `ANSI_QUOTES`, PostgreSQL with
//! `standard_conforming_strings = on`); mysql's `\g`/`\G` and
//! psql's backslash commands are not recognised; block tracking is keyword
//! counting, not parsing, so a MySQL body whose openers and `END`s do not
//! match (which the server would reject anyway) runs on to the end of the
//! section as one statement, and an unbalanced `(` does the same on
//! PostgreSQL. Unterminated block comments are errors everywhere, although
//! SQLite would accept one at the very end.
//!
//! Why a byte scanner and not `sqlparser`'s tokenizer: splitting needs only
//! where quotes, comments and a few keywords are, and the tokenizer cannot
//! follow a `DELIMITER` change (it lexes `END$$` as one word and `//` as two
//! operators), has no notion of trigger or routine bodies, unpacks MySQL's
//! `/*! */` comments, reports positions as line/column rather than byte
//! offsets, and allocates a `String` per token. The scanner below is one
//! linear pass over the bytes that slices the original text, so statements
//! come back exactly as written.

use std::fmt;

use crate::dialect::DialectKind;

/// One statement of a section, as written, with where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The text from the statement's first token to its last: no trailing
    /// `;` (or `DELIMITER` string), no comments before or after it (so it
    /// never ends inside a `--` comment), comments inside it kept.
    pub sql: String,
    /// 1-based line, in the text given to [`split`], of the statement's first
    /// token (comments and blank lines before it are skipped).
    pub line: usize,
}

/// Why a section's SQL could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A string, quoted identifier, dollar quote or block comment runs to the
    /// end of the text; `line` and `column` point at its opening.
    #[error("{line}:{column}: unterminated {what}: it starts here and never ends")]
    Unterminated {
        /// What was left open.
        what: Unclosed,
        /// 1-based line of the opening.
        line: usize,
        /// 1-based column (in characters) of the opening.
        column: usize,
    },
    /// A MySQL `DELIMITER` directive without a usable delimiter.
    #[error("{line}:{column}: {problem}")]
    InvalidDelimiter {
        /// What is wrong with it.
        problem: DelimiterProblem,
        /// 1-based line of the directive.
        line: usize,
        /// 1-based column (in characters) of the directive.
        column: usize,
    },
}

impl SplitError {
    /// 1-based line of the problem, relative to the text given to [`split`].
    pub fn line(&self) -> usize {
        match self {
            SplitError::Unterminated { line, .. } | SplitError::InvalidDelimiter { line, .. } => {
                *line
            }
        }
    }

    /// 1-based column (in characters) of the problem.
    pub fn column(&self) -> usize {
        match self {
            SplitError::Unterminated { column, .. }
            | SplitError::InvalidDelimiter { column, .. } => *column,
        }
    }
}

/// The construct an [`SplitError::Unterminated`] left open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unclosed {
    /// A string literal (`'…'`, `E'…'`, or `"…"` on MySQL).
    String,
    /// A quoted identifier, with its opening character (`"`, `` ` `` or `[`).
    QuotedIdentifier(char),
    /// A PostgreSQL dollar quote, with its full tag (`$$` or `$body$`).
    DollarQuote(String),
    /// A `/* */` comment.
    BlockComment,
}

impl fmt::Display for Unclosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unclosed::String => f.write_str("string literal"),
            Unclosed::QuotedIdentifier(open) => write!(f, "quoted identifier (`{open}`)"),
            Unclosed::DollarQuote(tag) => write!(f, "dollar-quoted string ({tag})"),
            Unclosed::BlockComment => f.write_str("block comment (/*)"),
        }
    }
}

/// What is wrong with a MySQL `DELIMITER` directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelimiterProblem {
    /// `DELIMITER` with nothing after it on its line.
    Missing,
    /// The delimiter contains a backslash, which the mysql client refuses.
    Backslash,
}

impl fmt::Display for DelimiterProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DelimiterProblem::Missing => {
                f.write_str("DELIMITER must be followed by the new delimiter, as in `DELIMITER //`")
            }
            DelimiterProblem::Backslash => {
                f.write_str("a DELIMITER cannot contain a backslash (the mysql client refuses it)")
            }
        }
    }
}

/// Splits `sql` into its statements, by the rules of `dialect`'s own client
/// (see the module documentation). Empty and comment-only pieces are dropped;
/// a last statement without `;` is kept.
///
/// Runs in linear time and never panics; the only errors are constructs left
/// open at the end of the text and malformed `DELIMITER` directives.
pub fn split(sql: &str, dialect: DialectKind) -> Result<Vec<Statement>, SplitError> {
    Splitter::new(sql, dialect).run()
}

/// Whether an already split statement opens or ends a transaction: `BEGIN
/// [TRANSACTION | WORK | DEFERRED | IMMEDIATE | EXCLUSIVE | ISOLATION … |
/// READ …]`, `START TRANSACTION`, `COMMIT`, `END`, `ROLLBACK` and PostgreSQL's
/// `ABORT`, in any case, after any leading comments.
///
/// retort wraps sections in its own transactions, so it rejects these with a
/// clear message rather than let a user's `COMMIT` end retort's transaction
/// early. `ROLLBACK TO [SAVEPOINT] x` and MariaDB's `BEGIN NOT ATOMIC … END`
/// block are not transaction control and return `false`. A trigger body's
/// `BEGIN` never reaches this function: [`split`] keeps it inside its
/// `CREATE TRIGGER`.
///
/// ```
/// use retort::sql::split::is_transaction_control;
///
/// assert!(is_transaction_control("begin transaction"));
/// assert!(is_transaction_control("-- done\nCOMMIT"));
/// assert!(!is_transaction_control("ROLLBACK TO SAVEPOINT before_backfill"));
/// assert!(!is_transaction_control("CREATE TABLE t (a INT)"));
/// ```
pub fn is_transaction_control(sql: &str) -> bool {
    let mut words = LeadingWords {
        bytes: sql.as_bytes(),
        text: sql,
        pos: 0,
    };
    let Some(first) = words.next() else {
        return false;
    };
    let is =
        |word: Option<&str>, keyword: &str| word.is_some_and(|w| w.eq_ignore_ascii_case(keyword));
    if first.eq_ignore_ascii_case("BEGIN") {
        let Some(second) = words.next() else {
            return true;
        };
        if second.eq_ignore_ascii_case("NOT") {
            // PostgreSQL `BEGIN NOT DEFERRABLE`, but MariaDB's anonymous
            // block `BEGIN NOT ATOMIC … END` is not a transaction.
            return !is(words.next(), "ATOMIC");
        }
        const AFTER_BEGIN: [&str; 7] = [
            "TRANSACTION",
            "WORK",
            "DEFERRED",
            "IMMEDIATE",
            "EXCLUSIVE",
            "ISOLATION",
            "READ",
        ];
        AFTER_BEGIN.iter().any(|k| second.eq_ignore_ascii_case(k))
    } else if first.eq_ignore_ascii_case("START") {
        is(words.next(), "TRANSACTION")
    } else if first.eq_ignore_ascii_case("ROLLBACK") {
        let mut next = words.next();
        if is(next, "WORK") || is(next, "TRANSACTION") {
            next = words.next();
        }
        // `ROLLBACK TO SAVEPOINT` undoes part of a transaction and keeps it
        // open: harmless inside retort's transaction.
        !is(next, "TO")
    } else {
        ["COMMIT", "END", "ABORT"]
            .iter()
            .any(|k| first.eq_ignore_ascii_case(k))
    }
}

/// The first words of a statement, skipping whitespace and comments; stops at
/// the first character that is neither (`;`, `(`, a quote …).
struct LeadingWords<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for LeadingWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let rest = self.bytes.get(self.pos..)?;
            match rest {
                [b, ..] if b.is_ascii_whitespace() => self.pos += 1,
                [b'-', b'-', ..] | [b'#', ..] => {
                    self.pos = find_byte(self.bytes, self.pos, b'\n').unwrap_or(self.bytes.len());
                }
                // `/*!` and `/*+` are executable on MySQL: not a comment to skip.
                [b'/', b'*', b'!' | b'+', ..] => return None,
                [b'/', b'*', ..] => {
                    self.pos = find_subslice(self.bytes, self.pos + 2, b"*/")
                        .map_or(self.bytes.len(), |end| end + 2);
                }
                [b, ..] if b.is_ascii_alphabetic() || *b == b'_' => {
                    let start = self.pos;
                    while self
                        .bytes
                        .get(self.pos)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    {
                        self.pos += 1;
                    }
                    // A word followed by something else than a separator
                    // (`BEGIN$x`, `COMMIT(`) ends the scan after this word.
                    let word = self.text.get(start..self.pos)?;
                    if self.bytes.get(self.pos).is_some_and(|b| {
                        !b.is_ascii_whitespace() && !matches!(b, b'-' | b'/' | b'#')
                    }) {
                        self.pos = self.bytes.len();
                    }
                    return Some(word);
                }
                _ => return None,
            }
        }
    }
}

/// A significant token, as far as statement boundaries care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    /// A keyword or unquoted identifier (or a number).
    Word(&'a str),
    /// One ASCII punctuation byte, including a `;` that does not end the
    /// statement.
    Punct(u8),
    /// A string, quoted identifier, dollar quote, parameter or executable
    /// comment: opaque.
    Literal,
}

/// The statement kinds whose bodies may hold semicolons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Routine {
    Trigger,
    Function,
    Procedure,
    Event,
    /// MariaDB's `BEGIN NOT ATOMIC … END`.
    AnonymousBlock,
}

/// Where the scan of a statement's first words is: enough of a parser to
/// find the kind in `CREATE [OR REPLACE] [DEFINER = user] [TEMP] TRIGGER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Header {
    #[default]
    Start,
    AfterCreate,
    /// `DEFINER` seen; `=` expected.
    DefinerEquals,
    /// `DEFINER =` seen; the user expected.
    DefinerUser,
    /// The user seen; `@host`, `()` (of `CURRENT_USER()`) or the kind next.
    DefinerAfterUser,
    DefinerHost,
    DefinerParen,
    /// `BEGIN` at the start of a MySQL statement.
    Begin,
    BeginNot,
    Done,
}

/// Progress towards SQLite's `; END ;`, which alone ends a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum TriggerTail {
    #[default]
    Body,
    Semicolon,
    End,
}

/// A MySQL `IF` or `REPEAT` at the start of a body statement that is followed
/// by `(`: a function call (`IF(a, b, c)`, `REPEAT('-', 3)`) or an `IF
/// (condition) THEN` statement; decided at the matching `)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Pending {
    #[default]
    None,
    /// The keyword was just seen.
    Keyword { is_if: bool },
    /// Inside its parentheses; a top-level comma means a function call.
    Parens { is_if: bool, comma: bool },
}

/// What is known about the statement being scanned.
#[derive(Debug, Default)]
struct Current<'a> {
    /// Byte offset of the first significant token.
    first: Option<usize>,
    /// Byte offset just after the last significant token.
    last_end: usize,
    header: Header,
    routine: Option<Routine>,
    paren_depth: usize,
    /// Open blocks: `BEGIN`/`CASE` (PostgreSQL), or every compound opener
    /// (MySQL).
    block_depth: usize,
    previous: Option<Token<'a>>,
    trigger_tail: TriggerTail,
    /// MySQL: the previous word was `END`, so an `IF`/`CASE`/… now closes
    /// rather than opens.
    after_end: bool,
    pending: Pending,
}

/// Counts lines up to offsets that only grow, so the whole split stays
/// linear.
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> usize {
        if offset > self.offset {
            let end = offset.min(bytes.len());
            let start = self.offset.min(end);
            self.line += bytes[start..end].iter().filter(|&&b| b == b'\n').count();
            self.offset = end;
        }
        self.line
    }
}

struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    dialect: DialectKind,
    pos: usize,
    /// The MySQL client's current delimiter; `;` everywhere else.
    delimiter: String,
    current: Current<'a>,
    lines: LineCounter,
    statements: Vec<Statement>,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a str, dialect: DialectKind) -> Self {
        Splitter {
            text,
            bytes: text.as_bytes(),
            dialect,
            pos: 0,
            delimiter: ";".to_string(),
            current: Current::default(),
            lines: LineCounter { offset: 0, line: 1 },
            statements: Vec::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn custom_delimiter(&self) -> bool {
        self.delimiter != ";"
    }

    fn at_custom_delimiter(&self) -> bool {
        self.custom_delimiter()
            && self
                .bytes
                .get(self.pos..)
                .is_some_and(|rest| rest.starts_with(self.delimiter.as_bytes()))
    }

    fn run(mut self) -> Result<Vec<Statement>, SplitError> {
        let mysql = self.dialect == DialectKind::Mysql;
        let postgres = self.dialect == DialectKind::Postgres;
        let sqlite = self.dialect == DialectKind::Sqlite;
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte.is_ascii_whitespace() {
                self.pos += 1;
                continue;
            }
            // The mysql client reads `DELIMITER` only where a statement
            // would start; it never reaches the server.
            if mysql && self.current.first.is_none() && self.at_delimiter_directive() {
                self.delimiter_directive()?;
                continue;
            }
            // The client looks for its delimiter before anything else, so
            // `//` is not a comment and `$$` not a word when either is the
            // delimiter.
            if self.at_custom_delimiter() {
                self.pos += self.delimiter.len();
                self.finish_statement();
                continue;
            }
            let start = self.pos;
            match byte {
                b'-' if self.peek(1) == Some(b'-') && (!mysql || self.mysql_dash_comment()) => {
                    self.skip_line();
                }
                b'#' if mysql => self.skip_line(),
                b'/' if self.peek(1) == Some(b'*') => {
                    // MySQL runs `/*! … */` (versioned SQL, as in dumps) and
                    // reads `/*+ … */` as optimizer hints: they are SQL.
                    let executable = mysql && matches!(self.peek(2), Some(b'!' | b'+'));
                    self.block_comment(postgres)?;
                    if executable {
                        self.token(start, Token::Literal);
                    }
                }
                b'\'' => {
                    // MySQL reads backslash escapes unless
                    // NO_BACKSLASH_ESCAPES is set; PostgreSQL only in E'…'.
                    self.quoted(b'\'', mysql, Unclosed::String)?;
                    self.token(start, Token::Literal);
                }
                b'"' => {
                    // Without ANSI_QUOTES, MySQL's "…" is a string, with
                    // backslash escapes.
                    let what = if mysql {
                        Unclosed::String
                    } else {
                        Unclosed::QuotedIdentifier('"')
                    };
                    self.quoted(b'"', mysql, what)?;
                    self.token(start, Token::Literal);
                }
                b'`' if mysql || sqlite => {
                    self.quoted(b'`', false, Unclosed::QuotedIdentifier('`'))?;
                    self.token(start, Token::Literal);
                }
                // SQLite accepts MS Access/SQL Server style [identifiers],
                // which end at the first `]` with no escape.
                b'[' if sqlite => {
                    self.pos = find_byte(self.bytes, self.pos + 1, b']')
                        .ok_or_else(|| self.unterminated(start, Unclosed::QuotedIdentifier('[')))?
                        + 1;
                    self.token(start, Token::Literal);
                }
                b'$' if postgres => self.dollar()?,
                b';' if !self.custom_delimiter() => {
                    self.pos += 1;
                    if self.semicolon_ends_statement() {
                        self.finish_statement();
                    } else {
                        self.token(start, Token::Punct(b';'));
                    }
                }
                _ if is_word_start(byte, self.dialect) => self.word(start)?,
                _ => {
                    // Everything else is one ASCII byte (non-ASCII bytes
                    // start words), so `pos` stays on a char boundary.
                    self.pos += 1;
                    self.token(start, Token::Punct(byte));
                }
            }
        }
        self.finish_statement();
        Ok(self.statements)
    }

    /// MySQL needs whitespace or a control character after `--` for a
    /// comment; `1--1` is arithmetic.
    /// <https://dev.mysql.com/doc/refman/8.4/en/ansi-diff-comments.html>
    fn mysql_dash_comment(&self) -> bool {
        self.peek(2).is_none_or(|b| b <= b' ' || b == 0x7f)
    }

    fn skip_line(&mut self) {
        self.pos = find_byte(self.bytes, self.pos, b'\n').unwrap_or(self.bytes.len());
    }

    /// Skips a `/* */` comment; PostgreSQL nests them, the others end at the
    /// first `*/`.
    fn block_comment(&mut self, nested: bool) -> Result<(), SplitError> {
        let start = self.pos;
        let mut depth = 1usize;
        let mut i = start + 2;
        while i < self.bytes.len() {
            match (self.bytes[i], self.bytes.get(i + 1)) {
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        self.pos = i;
                        return Ok(());
                    }
                }
                (b'/', Some(b'*')) if nested => {
                    depth += 1;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        // SQLite would accept a comment running to the end of the input, but
        // in a migration it has surely swallowed statements by mistake.
        Err(self.unterminated(start, Unclosed::BlockComment))
    }

    /// Skips a quoted string or identifier starting at `pos`, where doubling
    /// the quote escapes it and, if `backslash`, so does `\`.
    fn quoted(&mut self, quote: u8, backslash: bool, what: Unclosed) -> Result<(), SplitError> {
        let start = self.pos;
        let mut i = start + 1;
        while let Some(&b) = self.bytes.get(i) {
            if b == quote {
                if self.bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                    continue;
                }
                self.pos = i + 1;
                return Ok(());
            }
            // Skipping the escaped byte is enough even for a multi-byte
            // character: its continuation bytes are never quotes.
            i += if backslash && b == b'\\' { 2 } else { 1 };
        }
        Err(self.unterminated(start, what))
    }

    /// PostgreSQL at `$`: a dollar quote (`$$`, `$tag$`), a parameter (`$1`)
    /// or an operator character.
    /// <https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-DOLLAR-QUOTING>
    fn dollar(&mut self) -> Result<(), SplitError> {
        let start = self.pos;
        let mut i = start + 1;
        if self.bytes.get(i).is_some_and(u8::is_ascii_digit) {
            while self.bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            self.pos = i;
            self.token(start, Token::Literal);
            return Ok(());
        }
        // A tag is an identifier without `$`; it cannot start with a digit.
        if self.bytes.get(i).is_some_and(|&b| is_ident_start(b)) {
            while self
                .bytes
                .get(i)
                .is_some_and(|&b| is_ident_start(b) || b.is_ascii_digit())
            {
                i += 1;
            }
        }
        if self.bytes.get(i) != Some(&b'$') {
            self.pos = start + 1;
            self.token(start, Token::Punct(b'$'));
            return Ok(());
        }
        let tag = &self.bytes[start..=i];
        match find_subslice(self.bytes, i + 1, tag) {
            Some(close) => {
                self.pos = close + tag.len();
                self.token(start, Token::Literal);
                Ok(())
            }
            None => {
                let tag = String::from_utf8_lossy(tag).into_owned();
                Err(self.unterminated(start, Unclosed::DollarQuote(tag)))
            }
        }
    }

    /// A keyword, identifier or number; on PostgreSQL, `E'…'` too.
    fn word(&mut self, start: usize) -> Result<(), SplitError> {
        let stop_at_delimiter = self.custom_delimiter();
        self.pos += 1;
        while let Some(&b) = self.bytes.get(self.pos) {
            if !is_word_continue(b) || (stop_at_delimiter && self.at_custom_delimiter()) {
                break;
            }
            self.pos += 1;
        }
        let word = self.text.get(start..self.pos).unwrap_or_default();
        if self.dialect == DialectKind::Postgres
            && word.eq_ignore_ascii_case("E")
            && self.peek(0) == Some(b'\'')
        {
            // An escape string constant: backslashes escape, even `\'`.
            self.quoted(b'\'', true, Unclosed::String)
                .map_err(|_| self.unterminated(start, Unclosed::String))?;
            self.token(start, Token::Literal);
        } else {
            self.token(start, Token::Word(word));
        }
        Ok(())
    }

    fn at_delimiter_directive(&self) -> bool {
        const DIRECTIVE: &[u8] = b"DELIMITER";
        let Some(rest) = self.bytes.get(self.pos..) else {
            return false;
        };
        rest.len() >= DIRECTIVE.len()
            && rest[..DIRECTIVE.len()].eq_ignore_ascii_case(DIRECTIVE)
            && rest
                .get(DIRECTIVE.len())
                .is_none_or(|b| b.is_ascii_whitespace())
    }

    /// Reads `DELIMITER xx` up to the end of its line, as the mysql client
    /// does: the delimiter is the first word (or a quoted string) after it.
    /// <https://dev.mysql.com/doc/refman/8.4/en/stored-programs-defining.html>
    fn delimiter_directive(&mut self) -> Result<(), SplitError> {
        let start = self.pos;
        let line_end = find_byte(self.bytes, start, b'\n').unwrap_or(self.bytes.len());
        let argument = self
            .text
            .get(start + "DELIMITER".len()..line_end)
            .unwrap_or_default()
            .trim();
        let delimiter = match argument.chars().next() {
            Some(quote @ ('\'' | '"' | '`')) => {
                let inner = &argument[1..];
                inner.find(quote).map_or(inner, |end| &inner[..end])
            }
            _ => argument.split_whitespace().next().unwrap_or_default(),
        };
        let problem = if delimiter.is_empty() {
            Some(DelimiterProblem::Missing)
        } else if delimiter.contains('\\') {
            Some(DelimiterProblem::Backslash)
        } else {
            None
        };
        if let Some(problem) = problem {
            let (line, column) = line_and_column(self.text, start);
            return Err(SplitError::InvalidDelimiter {
                problem,
                line,
                column,
            });
        }
        self.delimiter = delimiter.to_string();
        self.pos = line_end;
        Ok(())
    }

    /// Whether a `;` (the delimiter) ends the statement, or is inside a
    /// body.
    fn semicolon_ends_statement(&self) -> bool {
        let current = &self.current;
        match self.dialect {
            DialectKind::Sqlite => {
                current.routine != Some(Routine::Trigger)
                    || current.trigger_tail == TriggerTail::End
            }
            // psql does not end a statement inside parentheses (`CREATE RULE
            // … DO (a; b)`) or inside a `BEGIN ATOMIC` body.
            DialectKind::Postgres => current.paren_depth == 0 && current.block_depth == 0,
            DialectKind::Mysql => current.routine.is_none() || current.block_depth == 0,
        }
    }

    /// Records a significant token that ended at `pos`.
    fn token(&mut self, start: usize, token: Token<'a>) {
        if self.current.first.is_none() {
            self.current.first = Some(start);
        }
        self.current.last_end = self.pos;
        self.advance_header(token);
        match token {
            Token::Punct(b'(') => self.current.paren_depth += 1,
            Token::Punct(b')') => {
                self.current.paren_depth = self.current.paren_depth.saturating_sub(1);
            }
            _ => {}
        }
        match self.dialect {
            DialectKind::Sqlite => self.sqlite_trigger(token),
            DialectKind::Postgres => self.postgres_atomic(token),
            DialectKind::Mysql => self.mysql_compound(token),
        }
        self.current.previous = Some(token);
    }

    fn advance_header(&mut self, token: Token<'a>) {
        use Header::*;
        let header = match (self.current.header, token) {
            (Done, _) => return,
            (Start, Token::Word(w)) if w.eq_ignore_ascii_case("CREATE") => AfterCreate,
            (Start, Token::Word(w))
                if self.dialect == DialectKind::Mysql && w.eq_ignore_ascii_case("BEGIN") =>
            {
                Begin
            }
            (Begin, Token::Word(w)) if w.eq_ignore_ascii_case("NOT") => BeginNot,
            (BeginNot, Token::Word(w)) if w.eq_ignore_ascii_case("ATOMIC") => {
                self.set_routine(Routine::AnonymousBlock);
                Done
            }
            (AfterCreate | DefinerAfterUser, Token::Word(w)) => self.after_create(w),
            (DefinerEquals, Token::Punct(b'=')) => DefinerUser,
            (DefinerUser, Token::Word(_) | Token::Literal) => DefinerAfterUser,
            (DefinerAfterUser, Token::Punct(b'@')) => DefinerHost,
            (DefinerAfterUser, Token::Punct(b'(')) => DefinerParen,
            (DefinerParen, Token::Punct(b')')) => AfterCreate,
            (DefinerHost, Token::Word(_) | Token::Literal) => AfterCreate,
            _ => Done,
        };
        self.current.header = header;
    }

    /// A word after `CREATE` and its modifiers.
    fn after_create(&mut self, word: &str) -> Header {
        const MODIFIERS: [&str; 5] = ["OR", "REPLACE", "TEMP", "TEMPORARY", "AGGREGATE"];
        const ROUTINES: [(&str, Routine); 4] = [
            ("TRIGGER", Routine::Trigger),
            ("FUNCTION", Routine::Function),
            ("PROCEDURE", Routine::Procedure),
            ("EVENT", Routine::Event),
        ];
        if MODIFIERS.iter().any(|m| word.eq_ignore_ascii_case(m)) {
            return Header::AfterCreate;
        }
        if word.eq_ignore_ascii_case("DEFINER") {
            return Header::DefinerEquals;
        }
        if let Some((_, routine)) = ROUTINES.iter().find(|(k, _)| word.eq_ignore_ascii_case(k)) {
            self.set_routine(*routine);
        }
        Header::Done
    }

    /// Notes the routine kind if its body matters on this dialect.
    fn set_routine(&mut self, routine: Routine) {
        let relevant = match self.dialect {
            DialectKind::Sqlite => routine == Routine::Trigger,
            DialectKind::Postgres => matches!(routine, Routine::Function | Routine::Procedure),
            DialectKind::Mysql => true,
        };
        if relevant {
            self.current.routine = Some(routine);
        }
    }

    /// SQLite: a trigger ends at `; END ;`, as in `sqlite3_complete`
    /// (<https://sqlite.org/c3ref/complete.html>). Matching that sequence
    /// rather than counting `BEGIN`/`CASE`/`END` also copes with columns
    /// named `end` or `begin`, which SQLite accepts unquoted.
    fn sqlite_trigger(&mut self, token: Token<'a>) {
        if self.current.routine != Some(Routine::Trigger) {
            return;
        }
        self.current.trigger_tail = match token {
            Token::Punct(b';') => TriggerTail::Semicolon,
            Token::Word(w)
                if w.eq_ignore_ascii_case("END")
                    && self.current.trigger_tail == TriggerTail::Semicolon =>
            {
                TriggerTail::End
            }
            _ => TriggerTail::Body,
        };
    }

    /// PostgreSQL: psql's heuristic for SQL-standard bodies (`CREATE
    /// FUNCTION … BEGIN ATOMIC …; END`): outside parentheses, `BEGIN` opens,
    /// `CASE` opens once inside a `BEGIN`, `END` closes. Dollar-quoted bodies
    /// are opaque literals and never get here. See `psqlscan.l` in the
    /// PostgreSQL sources.
    fn postgres_atomic(&mut self, token: Token<'a>) {
        let current = &mut self.current;
        let Token::Word(w) = token else {
            return;
        };
        if current.routine.is_none() || current.paren_depth > 0 {
            return;
        }
        if w.eq_ignore_ascii_case("BEGIN") {
            current.block_depth += 1;
        } else if w.eq_ignore_ascii_case("CASE") {
            if current.block_depth > 0 {
                current.block_depth += 1;
            }
        } else if w.eq_ignore_ascii_case("END") {
            current.block_depth = current.block_depth.saturating_sub(1);
        }
    }

    /// MySQL: counts compound-statement openers against `END`, so a stored
    /// program body stays one statement without `DELIMITER`.
    /// <https://dev.mysql.com/doc/refman/8.4/en/sql-compound-statements.html>
    ///
    /// `BEGIN` and `CASE` always open (a `CASE` expression ends with `END`
    /// too); `LOOP`, `WHILE`, `IF` and `REPEAT` open only where a body
    /// statement starts, since `IF(…)`, `REPEAT(…)` and `IF EXISTS` also
    /// exist; `END IF`, `END CASE` … close once. Words inside parentheses or
    /// after `.` (`NEW.begin`) are names or expressions, not blocks.
    fn mysql_compound(&mut self, token: Token<'a>) {
        let after_end = std::mem::take(&mut self.current.after_end);
        self.mysql_pending(token);
        let Token::Word(w) = token else {
            return;
        };
        if self.current.paren_depth > 0 || self.current.previous == Some(Token::Punct(b'.')) {
            return;
        }
        let is = |keyword: &str| w.eq_ignore_ascii_case(keyword);
        if after_end && (is("IF") || is("CASE") || is("LOOP") || is("WHILE") || is("REPEAT")) {
            return;
        }
        if is("END") {
            self.current.block_depth = self.current.block_depth.saturating_sub(1);
            self.current.after_end = true;
        } else if is("BEGIN")
            || is("CASE")
            || ((is("LOOP") || is("WHILE")) && self.at_body_statement_start())
        {
            self.current.block_depth += 1;
        } else if (is("IF") || is("REPEAT")) && self.at_body_statement_start() {
            self.current.pending = Pending::Keyword { is_if: is("IF") };
        }
    }

    /// Resolves a pending `IF`/`REPEAT` (see [`Pending`]).
    fn mysql_pending(&mut self, token: Token<'a>) {
        let current = &mut self.current;
        current.pending = match (current.pending, token) {
            (Pending::None, _) => return,
            (Pending::Keyword { is_if }, Token::Punct(b'(')) => Pending::Parens {
                is_if,
                comma: false,
            },
            (Pending::Keyword { .. }, _) => {
                current.block_depth += 1;
                Pending::None
            }
            (Pending::Parens { is_if, .. }, Token::Punct(b',')) if current.paren_depth == 1 => {
                Pending::Parens { is_if, comma: true }
            }
            (Pending::Parens { is_if, comma }, Token::Punct(b')')) if current.paren_depth == 0 => {
                // `REPEAT (` is always the function: the statement is
                // followed by a statement, never by `(`.
                if is_if && !comma {
                    current.block_depth += 1;
                }
                Pending::None
            }
            (pending, _) => pending,
        };
    }

    /// Whether the previous token leaves us where a statement of a compound
    /// body (or the body itself) starts.
    fn at_body_statement_start(&self) -> bool {
        const BEFORE_STATEMENT: [&str; 12] = [
            "BEGIN",
            "THEN",
            "ELSE",
            "DO",
            "LOOP",
            "REPEAT",
            // `FOR EACH ROW IF …` in a trigger.
            "ROW",
            // Routine characteristics before a body.
            "DETERMINISTIC",
            "SQL",
            "DATA",
            "DEFINER",
            "INVOKER",
        ];
        match self.current.previous {
            None => true,
            // `;` between body statements, `:` after a label, `)` after a
            // parameter list.
            Some(Token::Punct(b';' | b':' | b')')) => true,
            Some(Token::Word(w)) => BEFORE_STATEMENT.iter().any(|k| w.eq_ignore_ascii_case(k)),
            Some(_) => false,
        }
    }

    fn finish_statement(&mut self) {
        let current = std::mem::take(&mut self.current);
        let Some(first) = current.first else {
            return;
        };
        let sql = self.text.get(first..current.last_end).unwrap_or_default();
        let line = self.lines.line_at(self.bytes, first);
        self.statements.push(Statement {
            sql: sql.to_string(),
            line,
        });
    }

    fn unterminated(&self, offset: usize, what: Unclosed) -> SplitError {
        let (line, column) = line_and_column(self.text, offset);
        SplitError::Unterminated { what, line, column }
    }
}

/// The first byte of an unquoted word. `$` starts one on MySQL (`$x` is a
/// valid name) and SQLite (`$name` parameters), but on PostgreSQL it starts a
/// dollar quote or a parameter.
fn is_word_start(b: u8, dialect: DialectKind) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || (b == b'$' && dialect != DialectKind::Postgres)
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Later bytes of a word: `$` is allowed inside identifiers on all three.
/// Non-ASCII bytes always belong to words, so words end on char boundaries.
fn is_word_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

fn find_byte(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|i| from + i)
}

/// Finds `needle` at or after `from`. Scans for its first byte and compares,
/// which is linear for the short needles used here (`*/`, dollar tags).
fn find_subslice(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let (&head, _) = needle.split_first()?;
    let mut i = from;
    while let Some(at) = find_byte(bytes, i, head) {
        if bytes.get(at..)?.starts_with(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// 1-based line and character column of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use DialectKind::{Mysql, Postgres, Sqlite};

    /// The statements' text only.
    fn texts(sql: &str, dialect: DialectKind) -> Vec<String> {
        match split(sql, dialect) {
            Ok(statements) => statements.into_iter().map(|s| s.sql).collect(),
            Err(e) => panic!("{dialect}: {e}\n{sql}"),
        }
    }

    fn lines(sql: &str, dialect: DialectKind) -> Vec<usize> {
        match split(sql, dialect) {
            Ok(statements) => statements.into_iter().map(|s| s.line).collect(),
            Err(e) => panic!("{dialect}: {e}\n{sql}"),
        }
    }

    // --- every dialect ---

    #[test]
    fn splits_simple_statements_on_every_dialect() {
        let sql = "CREATE TABLE a (x INT);\nINSERT INTO a VALUES (1);\n\nDROP TABLE a;\n";
        for dialect in DialectKind::ALL {
            assert_eq!(
                texts(sql, dialect),
                [
                    "CREATE TABLE a (x INT)",
                    "INSERT INTO a VALUES (1)",
                    "DROP TABLE a"
                ],
                "{dialect}"
            );
            assert_eq!(lines(sql, dialect), [1, 2, 4], "{dialect}");
        }
    }

    #[test]
    fn keeps_a_last_statement_without_semicolon() {
        for dialect in DialectKind::ALL {
            assert_eq!(
                texts("SELECT 1;\n  SELECT 2  \n", dialect),
                ["SELECT 1", "SELECT 2"],
                "{dialect}"
            );
        }
    }

    #[test]
    fn drops_empty_and_comment_only_pieces() {
        for dialect in DialectKind::ALL {
            assert!(texts("-- nothing to do\n", dialect).is_empty(), "{dialect}");
            assert!(texts("", dialect).is_empty(), "{dialect}");
            assert!(texts(" ;; ;\n;", dialect).is_empty(), "{dialect}");
            assert!(
                texts("/* a; b */ ; -- c;\n", dialect).is_empty(),
                "{dialect}"
            );
            assert_eq!(
                texts("SELECT 1; -- trailing note; still a comment\n", dialect),
                ["SELECT 1"],
                "{dialect}"
            );
        }
    }

    #[test]
    fn comments_around_a_statement_are_left_out_and_inside_kept() {
        let sql =
            "-- first\n/* second */\n\n  SELECT 1 -- one;\n  + 2 /* two; */ -- end\n;\nSELECT 3";
        for dialect in DialectKind::ALL {
            assert_eq!(
                texts(sql, dialect),
                ["SELECT 1 -- one;\n  + 2", "SELECT 3"],
                "{dialect}"
            );
            assert_eq!(lines(sql, dialect), [4, 7], "{dialect}");
        }
    }

    #[test]
    fn semicolons_in_single_quoted_strings_do_not_split() {
        let sql = "INSERT INTO t VALUES ('a;b', 'it''s; fine');\nSELECT ';'";
        for dialect in DialectKind::ALL {
            assert_eq!(
                texts(sql, dialect),
                ["INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT ';'"],
                "{dialect}"
            );
        }
    }

    #[test]
    fn semicolons_in_double_quotes_do_not_split() {
        let sql = "SELECT \"a;b\"\"c;\" FROM t; SELECT 2";
        for dialect in DialectKind::ALL {
            assert_eq!(
                texts(sql, dialect),
                ["SELECT \"a;b\"\"c;\" FROM t", "SELECT 2"],
                "{dialect}"
            );
        }
    }

    #[test]
    fn line_numbers_count_from_the_first_token() {
        let sql = "\n\n-- header\nCREATE TABLE t (\n  a TEXT\n);\n\n\n/* x */ INSERT INTO t\nVALUES ('a\nb;\nc');\nSELECT 1; SELECT 2;";
        for dialect in DialectKind::ALL {
            assert_eq!(lines(sql, dialect), [4, 9, 13, 13], "{dialect}");
        }
    }

    #[test]
    fn crlf_line_endings() {
        let sql = "SELECT 1;\r\n-- c\r\nSELECT 2;\r\n";
        for dialect in DialectKind::ALL {
            assert_eq!(texts(sql, dialect), ["SELECT 1", "SELECT 2"], "{dialect}");
            assert_eq!(lines(sql, dialect), [1, 3], "{dialect}");
        }
    }

    #[test]
    fn unterminated_string_reports_where_it_starts() {
        let sql = "SELECT 1;\nINSERT INTO t VALUES ('é', 'oops);\nSELECT 2;";
        for dialect in DialectKind::ALL {
            let error = split(sql, dialect).unwrap_err();
            assert_eq!(
                error,
                SplitError::Unterminated {
                    what: Unclosed::String,
                    line: 2,
                    column: 28
                },
                "{dialect}"
            );
            assert_eq!((error.line(), error.column()), (2, 28));
            assert_eq!(
                error.to_string(),
                "2:28: unterminated string literal: it starts here and never ends"
            );
        }
    }

    #[test]
    fn unterminated_block_comment_and_identifier() {
        for dialect in DialectKind::ALL {
            assert_eq!(
                split("SELECT 1;\n  /* no end; SELECT 2;", dialect),
                Err(SplitError::Unterminated {
                    what: Unclosed::BlockComment,
                    line: 2,
                    column: 3
                }),
                "{dialect}"
            );
        }
        assert_eq!(
            split("SELECT \"a;", Postgres),
            Err(SplitError::Unterminated {
                what: Unclosed::QuotedIdentifier('"'),
                line: 1,
                column: 8
            })
        );
        assert_eq!(
            split("SELECT `a;", Sqlite),
            Err(SplitError::Unterminated {
                what: Unclosed::QuotedIdentifier('`'),
                line: 1,
                column: 8
            })
        );
    }

    // --- SQLite ---

    #[test]
    fn sqlite_quoted_identifiers() {
        let sql = "CREATE TABLE [a;b] (`c;d` INT, [e]] TEXT); SELECT `x``;y` FROM [a;b]";
        assert_eq!(
            texts(sql, Sqlite),
            [
                "CREATE TABLE [a;b] (`c;d` INT, [e]] TEXT)",
                "SELECT `x``;y` FROM [a;b]"
            ]
        );
        assert_eq!(
            split("SELECT [a;\nb", Sqlite),
            Err(SplitError::Unterminated {
                what: Unclosed::QuotedIdentifier('['),
                line: 1,
                column: 8
            })
        );
    }

    #[test]
    fn sqlite_has_no_backslash_escapes_or_hash_comments() {
        assert_eq!(
            texts("SELECT 'C:\\'; SELECT 2 # 3; SELECT 4", Sqlite),
            ["SELECT 'C:\\'", "SELECT 2 # 3", "SELECT 4"]
        );
    }

    #[test]
    fn sqlite_trigger_with_several_statements_is_one_statement() {
        let trigger = "CREATE TRIGGER account_audit AFTER UPDATE ON account\n\
                       FOR EACH ROW WHEN new.balance <> old.balance\n\
                       BEGIN\n  \
                         INSERT INTO audit (id, note) VALUES (new.id, 'balance; changed');\n  \
                         UPDATE account SET updated = CURRENT_TIMESTAMP WHERE id = new.id;\n  \
                         DELETE FROM pending WHERE account_id = new.id;\n\
                       END";
        let sql = format!("CREATE TABLE audit (id INT, note TEXT);\n{trigger};\nSELECT 1;");
        assert_eq!(
            texts(&sql, Sqlite),
            [
                "CREATE TABLE audit (id INT, note TEXT)",
                trigger,
                "SELECT 1"
            ]
        );
        assert_eq!(lines(&sql, Sqlite), [1, 2, 9]);
    }

    #[test]
    fn sqlite_trigger_with_case_end_and_columns_named_end() {
        let trigger = "create temp trigger t1 before insert on t\n\
                       when (case when new.a > 0 then 1 else 0 end) = 1\n\
                       begin\n  \
                         update t set end = case new.a when 1 then 'one' else 'many' end where begin = 1;\n  \
                         select raise(abort, 'no; way') where new.a > 9;\n\
                       end";
        let sql = format!(
            "{trigger};\ncreate temporary trigger if not exists t2 after delete on t begin delete from u; end;select 2"
        );
        assert_eq!(
            texts(&sql, Sqlite),
            [
                trigger,
                "create temporary trigger if not exists t2 after delete on t begin delete from u; end",
                "select 2"
            ]
        );
    }

    #[test]
    fn sqlite_dollar_is_a_parameter_not_a_quote() {
        assert_eq!(
            texts("SELECT $a; SELECT $$;", Sqlite),
            ["SELECT $a", "SELECT $$"]
        );
    }

    // --- PostgreSQL ---

    #[test]
    fn postgres_dollar_quoted_function_body() {
        let function = "CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$\n\
                        BEGIN\n  \
                          NEW.updated := now();\n  \
                          RETURN NEW;\n\
                        END;\n\
                        $$ LANGUAGE plpgsql";
        let sql = format!(
            "{function};\nCREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION touch();"
        );
        assert_eq!(
            texts(&sql, Postgres),
            [
                function,
                "CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION touch()"
            ]
        );
        assert_eq!(lines(&sql, Postgres), [1, 7]);
    }

    #[test]
    fn postgres_tagged_dollar_quotes_hold_other_dollars() {
        let function = "CREATE FUNCTION f(a int) RETURNS text LANGUAGE plpgsql AS $body$\n\
                        DECLARE s text := $$it's; $x$ not the end$$;\n\
                        BEGIN RETURN s || $q$;$q$; END\n\
                        $body$";
        let sql = format!("{function};\nDO $do$ BEGIN PERFORM 1; END $do$;");
        assert_eq!(
            texts(&sql, Postgres),
            [
                function.to_string(),
                "DO $do$ BEGIN PERFORM 1; END $do$".to_string()
            ]
        );
    }

    #[test]
    fn postgres_parameters_and_identifiers_with_dollars_are_not_quotes() {
        let sql =
            "PREPARE q (int) AS SELECT $1;\nEXECUTE q(1);\nSELECT a$b$, $2 FROM t$x$; SELECT 3";
        assert_eq!(
            texts(sql, Postgres),
            [
                "PREPARE q (int) AS SELECT $1",
                "EXECUTE q(1)",
                "SELECT a$b$, $2 FROM t$x$",
                "SELECT 3"
            ]
        );
        // A lone `$` is an operator character, not the start of anything.
        assert_eq!(
            texts("SELECT 1 $ 2; SELECT $", Postgres),
            ["SELECT 1 $ 2", "SELECT $"]
        );
    }

    #[test]
    fn postgres_unterminated_dollar_quote() {
        let sql = "SELECT 1;\n\nCREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $$;";
        assert_eq!(
            split(sql, Postgres),
            Err(SplitError::Unterminated {
                what: Unclosed::DollarQuote("$fn$".to_string()),
                line: 3,
                column: 36
            })
        );
    }

    #[test]
    fn postgres_nested_block_comments() {
        let sql = "/* outer /* inner; */ still comment; */ SELECT 1; /* a /* b */ c */ SELECT 2";
        assert_eq!(texts(sql, Postgres), ["SELECT 1", "SELECT 2"]);
        // Elsewhere the first `*/` ends the comment.
        assert_eq!(
            texts("/* a /* b */ SELECT 1; SELECT 2", Mysql),
            ["SELECT 1", "SELECT 2"]
        );
        assert_eq!(
            split("/* a /* b */ SELECT 1;", Postgres),
            Err(SplitError::Unterminated {
                what: Unclosed::BlockComment,
                line: 1,
                column: 1
            })
        );
    }

    #[test]
    fn postgres_escape_strings_and_standard_strings() {
        // E'…' has backslash escapes; '…' does not (standard_conforming_strings).
        let sql = "SELECT E'it\\'s; ok', e'\\\\'; SELECT 'C:\\'; SELECT 3";
        assert_eq!(
            texts(sql, Postgres),
            ["SELECT E'it\\'s; ok', e'\\\\'", "SELECT 'C:\\'", "SELECT 3"]
        );
        assert_eq!(
            split("SELECT 1;\nSELECT E'\\'", Postgres),
            Err(SplitError::Unterminated {
                what: Unclosed::String,
                line: 2,
                column: 8
            })
        );
    }

    #[test]
    fn postgres_begin_atomic_body() {
        let function = "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\n\
                        BEGIN ATOMIC\n  \
                          SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;\n  \
                          SELECT 1;\n\
                        END";
        let sql = format!("{function};\nSELECT add(1, 2);");
        assert_eq!(texts(&sql, Postgres), [function, "SELECT add(1, 2)"]);
    }

    #[test]
    fn postgres_does_not_split_inside_parentheses() {
        let rule = "CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); INSERT INTO c VALUES (2))";
        assert_eq!(
            texts(&format!("{rule}; SELECT 1"), Postgres),
            [rule, "SELECT 1"]
        );
    }

    #[test]
    fn postgres_transaction_statements_still_split() {
        assert_eq!(
            texts(
                "BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT;",
                Postgres
            ),
            ["BEGIN", "CREATE INDEX CONCURRENTLY i ON t (a)", "COMMIT"]
        );
    }

    // --- MySQL ---

    #[test]
    fn mysql_backslash_escapes_and_double_quoted_strings() {
        let sql = "INSERT INTO t VALUES ('it\\'s; ok', \"a\\\";b\", 'x\\\\');\nSELECT `a``;b`;";
        assert_eq!(
            texts(sql, Mysql),
            [
                "INSERT INTO t VALUES ('it\\'s; ok', \"a\\\";b\", 'x\\\\')",
                "SELECT `a``;b`"
            ]
        );
        assert_eq!(
            split("SELECT 1;\nSELECT \"a;", Mysql),
            Err(SplitError::Unterminated {
                what: Unclosed::String,
                line: 2,
                column: 8
            })
        );
    }

    #[test]
    fn mysql_comments() {
        let sql =
            "# a; hash comment\nSELECT 1 # b;\n; SELECT 2 -- c;\n; SELECT 3--4;\nSELECT 5 --\n;";
        assert_eq!(
            texts(sql, Mysql),
            ["SELECT 1", "SELECT 2", "SELECT 3--4", "SELECT 5"]
        );
        assert_eq!(lines(sql, Mysql), [2, 3, 4, 5]);
    }

    #[test]
    fn mysql_executable_comments_are_statements() {
        let sql = "/*!40101 SET NAMES utf8mb4 */;\n/* plain */;\nSELECT /*+ MAX_EXECUTION_TIME(1000) */ 1;";
        assert_eq!(
            texts(sql, Mysql),
            [
                "/*!40101 SET NAMES utf8mb4 */",
                "SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1"
            ]
        );
        assert_eq!(lines(sql, Mysql), [1, 3]);
    }

    #[test]
    fn mysql_procedure_with_delimiter() {
        let body = "CREATE PROCEDURE fill(IN n INT)\n\
                    BEGIN\n  \
                      DECLARE i INT DEFAULT 0;\n  \
                      WHILE i < n DO\n    \
                        INSERT INTO t VALUES (i, ';');\n    \
                        SET i = i + 1;\n  \
                      END WHILE;\n\
                    END";
        let sql = format!(
            "DROP PROCEDURE IF EXISTS fill;\nDELIMITER //\n{body} //\nDELIMITER ;\nCALL fill(3);\n"
        );
        assert_eq!(
            texts(&sql, Mysql),
            ["DROP PROCEDURE IF EXISTS fill", body, "CALL fill(3)"]
        );
        assert_eq!(lines(&sql, Mysql), [1, 3, 12]);
    }

    #[test]
    fn mysql_delimiter_glued_to_words_and_quoted() {
        let sql = "delimiter $$\nCREATE FUNCTION one() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END$$\nSELECT 'a$$b'$$\nDELIMITER ';'\nSELECT one();";
        assert_eq!(
            texts(sql, Mysql),
            [
                "CREATE FUNCTION one() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END",
                "SELECT 'a$$b'",
                "SELECT one()"
            ]
        );
    }

    #[test]
    fn mysql_delimiter_errors() {
        assert_eq!(
            split("SELECT 1;\n  DELIMITER   \nSELECT 2", Mysql),
            Err(SplitError::InvalidDelimiter {
                problem: DelimiterProblem::Missing,
                line: 2,
                column: 3
            })
        );
        assert_eq!(
            split("DELIMITER \\\\", Mysql).map_err(|e| e.to_string()),
            Err(
                "1:1: a DELIMITER cannot contain a backslash (the mysql client refuses it)"
                    .to_string()
            )
        );
    }

    #[test]
    fn delimiter_is_only_a_directive_on_mysql_and_at_a_statement_start() {
        assert_eq!(
            texts("DELIMITER //\nSELECT 1//", Postgres),
            ["DELIMITER //\nSELECT 1//"]
        );
        // Inside a statement it is just a word (a column, say).
        assert_eq!(
            texts("SELECT delimiter\nFROM t; SELECT 2", Mysql),
            ["SELECT delimiter\nFROM t", "SELECT 2"]
        );
    }

    #[test]
    fn mysql_procedure_without_delimiter() {
        let procedure = "CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)\n\
                         BEGIN\n  \
                           DECLARE done INT DEFAULT 0;\n  \
                           DROP TEMPORARY TABLE IF EXISTS tmp;\n  \
                           IF n > 0 THEN\n    \
                             SET @x = IF(n > 1, 'many', 'one');\n  \
                           ELSEIF n < 0 THEN\n    \
                             SET @x = REPEAT('-', 3);\n  \
                           ELSE IF (n = 0) THEN SET @x = 'zero'; END IF;\n  \
                           END IF;\n  \
                           lbl: LOOP\n    \
                             SET n = n - 1;\n    \
                             IF n <= 0 THEN LEAVE lbl; END IF;\n  \
                           END LOOP lbl;\n  \
                           REPEAT SET n = n + 1; UNTIL n > 3 END REPEAT;\n  \
                           CASE n WHEN 4 THEN SELECT 'four'; ELSE BEGIN END; END CASE;\n  \
                           SET @y = CASE WHEN n > 1 THEN IF(n > 2, 1, 2) ELSE REPEAT('x', 2) END;\n\
                         END";
        let sql = format!("{procedure};\nCALL p(1);");
        assert_eq!(texts(&sql, Mysql), [procedure, "CALL p(1)"]);
        assert_eq!(lines(&sql, Mysql), [1, 19]);
    }

    #[test]
    fn mysql_triggers_events_and_anonymous_blocks() {
        let one_line = "CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW SET NEW.begin = NEW.end";
        let body = "CREATE TRIGGER b BEFORE UPDATE ON t FOR EACH ROW BEGIN\n  \
                      IF NEW.a < 0 THEN SET NEW.a = 0; END IF;\n  \
                      SET NEW.note = 'x;y';\n\
                    END";
        let if_body = "CREATE TRIGGER c AFTER DELETE ON t FOR EACH ROW IF OLD.a > 0 THEN DELETE FROM u; END IF";
        let event = "CREATE EVENT IF NOT EXISTS purge ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM log; DELETE FROM tmp; END";
        let block = "BEGIN NOT ATOMIC DECLARE x INT; SET x = 1; SELECT x; END";
        let function = "CREATE FUNCTION f(a INT) RETURNS INT DETERMINISTIC RETURN IF(a > 0, a, 0)";
        let sql = [one_line, body, if_body, event, block, function, "SELECT 1"].join(";\n");
        assert_eq!(
            texts(&sql, Mysql),
            [one_line, body, if_body, event, block, function, "SELECT 1"]
        );
    }

    #[test]
    fn mysql_transaction_begin_is_not_a_block() {
        assert_eq!(
            texts("BEGIN; INSERT INTO t VALUES (1); COMMIT", Mysql),
            ["BEGIN", "INSERT INTO t VALUES (1)", "COMMIT"]
        );
    }

    // --- transaction control ---

    #[test]
    fn recognises_transaction_control() {
        for sql in [
            "BEGIN",
            "begin transaction",
            "BEGIN WORK",
            "BEGIN IMMEDIATE TRANSACTION",
            "BEGIN ISOLATION LEVEL SERIALIZABLE",
            "BEGIN NOT DEFERRABLE",
            "START TRANSACTION",
            "start transaction read only",
            "COMMIT",
            "commit work",
            "END",
            "END TRANSACTION",
            "ROLLBACK",
            "rollback work",
            "ABORT",
            "  -- done here\n/* really */ COMMIT",
            "COMMIT;",
        ] {
            assert!(is_transaction_control(sql), "{sql}");
        }
        for sql in [
            "",
            "-- only a comment",
            "SELECT 1",
            "ROLLBACK TO SAVEPOINT s",
            "rollback work to s",
            "BEGIN NOT ATOMIC SELECT 1; END",
            "START SLAVE",
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END",
            "BEGINNING",
            "COMMITTED_AT",
            "/*!40101 COMMIT */",
            "'BEGIN'",
        ] {
            assert!(!is_transaction_control(sql), "{sql}");
        }
    }

    // --- robustness and speed ---

    #[test]
    fn splits_a_megabyte_quickly() {
        let statement = "INSERT INTO t (a, b) VALUES ('x;y', 2); -- note\n";
        let sql = statement.repeat(1_000_000 / statement.len() + 1);
        for dialect in DialectKind::ALL {
            let started = std::time::Instant::now();
            let statements = split(&sql, dialect).unwrap();
            assert_eq!(statements.len(), sql.len() / statement.len());
            // Generous for unoptimised test builds; release takes a few ms.
            assert!(started.elapsed().as_secs() < 5, "{dialect}");
        }
    }

    fn dialects() -> impl Strategy<Value = DialectKind> {
        prop_oneof![Just(Sqlite), Just(Postgres), Just(Mysql)]
    }

    /// Statements that mean the same on every dialect, some with `;` in
    /// strings, identifiers and comments.
    fn safe_statement() -> impl Strategy<Value = String> {
        prop_oneof![
            "SELECT [a-z]{1,8}( [+,] [a-z0-9]{1,5}){0,3}",
            "INSERT INTO t VALUES \\('[a-z; ]{0,6}', [0-9]{1,3}\\)",
            "UPDATE \"[a-z;]{1,5}\" SET a = 1",
            "SELECT 1 /\\* [a-z; ]{0,6} \\*/ \\+ 2",
            "DELETE FROM t -- [a-z; ]{0,6}\nWHERE a = 'x'",
        ]
    }

    proptest! {
        #[test]
        fn never_panics(sql in any::<String>(), dialect in dialects()) {
            let _ = split(&sql, dialect);
            let _ = is_transaction_control(&sql);
        }

        #[test]
        fn never_panics_on_sql_like_text(
            sql in "([a-zA-Z$;'\"`#\\[\\]()/*\\\\\n -]|BEGIN |END |CASE |IF |DELIMITER |CREATE |TRIGGER |PROCEDURE ){0,40}",
            dialect in dialects(),
        ) {
            let _ = split(&sql, dialect);
        }

        #[test]
        fn joined_statements_split_back(
            statements in proptest::collection::vec(safe_statement(), 0..8),
            dialect in dialects(),
        ) {
            let sql = statements.join(";\n");
            let split = split(&sql, dialect).unwrap();
            let mut line = 1;
            let mut expected_lines = Vec::new();
            for statement in &statements {
                expected_lines.push(line);
                line += statement.matches('\n').count() + 1;
            }
            prop_assert_eq!(split.iter().map(|s| s.sql.clone()).collect::<Vec<_>>(), statements);
            prop_assert_eq!(split.iter().map(|s| s.line).collect::<Vec<_>>(), expected_lines);
        }
    }
}
