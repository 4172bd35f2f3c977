//! Why a section's SQL could not be split.

use std::fmt;

/// Why a section's SQL could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// 1-based line of the problem, relative to the text given to
    /// [`split`](super::split()).
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
#[non_exhaustive]
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
#[non_exhaustive]
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
