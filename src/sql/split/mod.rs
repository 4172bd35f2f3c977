//! Splitting a section's SQL text into statements, the way each database's
//! own client would.
//!
//! retort runs a section statement by statement (see the multi-statement
//! trap in docs/architecture.md), so it must find the statement boundaries itself: a
//! `;` ends a statement only outside strings, quoted identifiers, comments,
//! PostgreSQL dollar quotes and the bodies of triggers and stored programs.
//! The rules follow each database's client; they are data ([`SplitRules`]),
//! which each dialect supplies and [`PORTABLE`] gives for portable SQL, so
//! the scanner asks what a rule says and never which database it is on:
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
//! use retort::DialectKind;
//! use retort::dialect::dialect;
//! use retort::sql::split::split;
//!
//! let sql = "-- add the table\nCREATE TABLE t (a TEXT DEFAULT ';');\nINSERT INTO t VALUES ('x')";
//! let statements = split(sql, dialect(DialectKind::Sqlite).split_rules()).unwrap();
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
//! offsets, and allocates a `String` per token. The scanner (`scanner.rs`) is one
//! linear pass over the bytes that slices the original text, so statements
//! come back exactly as written.

mod body;
mod error;
mod rules;
mod scanner;
mod text;
mod transaction;

pub use error::{DelimiterProblem, SplitError, Unclosed};
pub use rules::{Bodies, PORTABLE, SplitRules};
pub use transaction::is_transaction_control;

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

/// Splits `sql` into its statements, by `rules` (a dialect's
/// [`split_rules`](crate::dialect::Dialect::split_rules), or [`PORTABLE`];
/// see the module documentation). Empty and comment-only pieces are dropped;
/// a last statement without `;` is kept.
///
/// Runs in linear time and never panics; the only errors are constructs left
/// open at the end of the text and malformed `DELIMITER` directives.
pub fn split(sql: &str, rules: &SplitRules) -> Result<Vec<Statement>, SplitError> {
    scanner::Splitter::new(sql, rules).run()
}

#[cfg(test)]
mod tests;
