//! The scan itself: one linear pass over the bytes that skips strings,
//! quoted identifiers and comments as the [`SplitRules`] say, hands every
//! significant token to [`Body`], and cuts a statement at each delimiter
//! that ends one.

use super::Statement;
use super::body::{Body, Token};
use super::error::{DelimiterProblem, SplitError, Unclosed};
use super::rules::SplitRules;
use super::text::{LineCounter, find_byte, find_subslice, line_and_column};

/// What is known about the statement being scanned.
#[derive(Debug, Default)]
struct Current<'a> {
    /// Byte offset of the first significant token.
    first: Option<usize>,
    /// Byte offset just after the last significant token.
    last_end: usize,
    body: Body<'a>,
}

pub(super) struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    rules: &'a SplitRules,
    pos: usize,
    /// The current delimiter: `;` unless a `DELIMITER` directive changed it.
    delimiter: String,
    current: Current<'a>,
    lines: LineCounter,
    statements: Vec<Statement>,
}

impl<'a> Splitter<'a> {
    pub(super) fn new(text: &'a str, rules: &'a SplitRules) -> Self {
        Splitter {
            text,
            bytes: text.as_bytes(),
            rules,
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

    pub(super) fn run(mut self) -> Result<Vec<Statement>, SplitError> {
        let rules = self.rules;
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte.is_ascii_whitespace() {
                self.pos += 1;
                continue;
            }
            // The mysql client reads `DELIMITER` only where a statement
            // would start; it never reaches the server.
            if rules.delimiter_directive
                && self.current.first.is_none()
                && self.at_delimiter_directive()
            {
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
                b'-' if self.peek(1) == Some(b'-')
                    && (!rules.dash_comment_needs_space || self.dash_comment_has_space()) =>
                {
                    self.skip_line();
                }
                b'#' if rules.hash_comments => self.skip_line(),
                b'/' if self.peek(1) == Some(b'*') => {
                    // MySQL runs `/*! … */` (versioned SQL, as in dumps) and
                    // reads `/*+ … */` as optimizer hints: they are SQL.
                    let executable =
                        rules.executable_comments && matches!(self.peek(2), Some(b'!' | b'+'));
                    self.block_comment(rules.nested_block_comments)?;
                    if executable {
                        self.token(start, Token::Literal);
                    }
                }
                b'\'' => {
                    // MySQL reads backslash escapes unless
                    // NO_BACKSLASH_ESCAPES is set; PostgreSQL only in E'…'.
                    self.quoted(b'\'', rules.backslash_escapes, Unclosed::String)?;
                    self.token(start, Token::Literal);
                }
                b'"' => {
                    // Without ANSI_QUOTES, MySQL's "…" is a string, with
                    // backslash escapes.
                    let (what, backslash) = if rules.double_quoted_strings {
                        (Unclosed::String, rules.backslash_escapes)
                    } else {
                        (Unclosed::QuotedIdentifier('"'), false)
                    };
                    self.quoted(b'"', backslash, what)?;
                    self.token(start, Token::Literal);
                }
                b'`' if rules.backtick_identifiers => {
                    self.quoted(b'`', false, Unclosed::QuotedIdentifier('`'))?;
                    self.token(start, Token::Literal);
                }
                // SQLite accepts MS Access/SQL Server style [identifiers],
                // which end at the first `]` with no escape.
                b'[' if rules.bracket_identifiers => {
                    self.pos = find_byte(self.bytes, self.pos + 1, b']')
                        .ok_or_else(|| self.unterminated(start, Unclosed::QuotedIdentifier('[')))?
                        + 1;
                    self.token(start, Token::Literal);
                }
                b'$' if rules.dollar_quotes => self.dollar()?,
                b';' if !self.custom_delimiter() => {
                    self.pos += 1;
                    if self.current.body.semicolon_ends_statement(rules) {
                        self.finish_statement();
                    } else {
                        self.token(start, Token::Punct(b';'));
                    }
                }
                _ if is_word_start(byte, rules) => self.word(start)?,
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

    /// Whether `--` is followed by whitespace or a control character, which
    /// MySQL needs for a comment; `1--1` is arithmetic there.
    /// <https://dev.mysql.com/doc/refman/8.4/en/ansi-diff-comments.html>
    fn dash_comment_has_space(&self) -> bool {
        self.peek(2).is_none_or(|b| b <= b' ' || b == 0x7f)
    }

    fn skip_line(&mut self) {
        self.pos = find_byte(self.bytes, self.pos, b'\n').unwrap_or(self.bytes.len());
    }

    /// Skips a `/* */` comment, nested or ending at the first `*/`.
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

    /// At `$`, with dollar quotes: a dollar quote (`$$`, `$tag$`), a parameter (`$1`)
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

    /// A keyword, identifier or number; where the rules have them, an
    /// escape string `E'…'` too.
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
        if self.rules.escape_strings
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

    /// Records a significant token that ended at `pos`.
    fn token(&mut self, start: usize, token: Token<'a>) {
        if self.current.first.is_none() {
            self.current.first = Some(start);
        }
        self.current.last_end = self.pos;
        self.current.body.see(token, self.rules);
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

/// The first byte of an unquoted word. `$` starts one unless the rules have
/// dollar quotes (`$x` is a valid name on MySQL, `$name` a parameter on
/// SQLite; on PostgreSQL `$` starts a dollar quote or a parameter).
fn is_word_start(b: u8, rules: &SplitRules) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || (b == b'$' && !rules.dollar_quotes)
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Later bytes of a word: `$` is allowed inside identifiers on all three.
/// Non-ASCII bytes always belong to words, so words end on char boundaries.
fn is_word_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}
