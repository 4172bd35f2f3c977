//! The lexical rules a splitter follows, as data: each dialect gives its own
//! client's ([`crate::dialect::Dialect::split_rules`]), portable SQL uses
//! [`PORTABLE`]. Only what the three clients really do differently is a
//! rule; everything else (`'…'` strings with `''`, `--` and `/* */`
//! comments, `$` inside words) is the same everywhere.

/// How a database's own client finds statement boundaries (see the module
/// documentation of [`crate::sql::split`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitRules {
    /// `\` escapes the next character in `'…'` (and in `"…"` where that is a
    /// string): MySQL without `NO_BACKSLASH_ESCAPES`.
    pub backslash_escapes: bool,
    /// `"…"` is a string rather than a quoted identifier: MySQL without
    /// `ANSI_QUOTES`.
    pub double_quoted_strings: bool,
    /// `E'…'` is a string with backslash escapes: PostgreSQL's escape string
    /// constants.
    pub escape_strings: bool,
    /// `` `…` `` quotes an identifier.
    pub backtick_identifiers: bool,
    /// `[…]` quotes an identifier, ending at the first `]`.
    pub bracket_identifiers: bool,
    /// `$` opens a dollar quote (`$$ … $$`, `$tag$ … $tag$`) or a parameter
    /// (`$1`), or is an operator character; otherwise it starts a word (`$x`
    /// names and `$name` parameters).
    pub dollar_quotes: bool,
    /// `#` starts a comment to the end of the line.
    pub hash_comments: bool,
    /// `--` starts a comment only when a space or control character
    /// follows, so `1--1` is arithmetic.
    pub dash_comment_needs_space: bool,
    /// `/* */` comments nest.
    pub nested_block_comments: bool,
    /// `/*! … */` and `/*+ … */` are SQL (versioned code, optimizer hints),
    /// not comments.
    pub executable_comments: bool,
    /// The client's `DELIMITER xx` directive, where a statement would start,
    /// changes the delimiter and is not a statement itself.
    pub delimiter_directive: bool,
    /// A `;` inside parentheses does not end a statement (psql: `CREATE
    /// RULE … DO (a; b)`).
    pub parentheses_hold_semicolons: bool,
    /// Which bodies keep the semicolons inside them.
    pub bodies: Bodies,
}

/// The statements whose bodies hold semicolons that do not end them, and
/// how the end of the body is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// `CREATE [TEMP] TRIGGER` ends only at a `;` that follows `; END`, as
    /// in SQLite's `sqlite3_complete`.
    TriggerEnd,
    /// `CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC … END`: outside
    /// parentheses `BEGIN` opens, `CASE` opens inside a `BEGIN`, `END`
    /// closes, as psql counts them.
    BeginAtomic,
    /// The `BEGIN … END` bodies of `CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT`
    /// and the `BEGIN NOT ATOMIC` block: MySQL's compound statements, with
    /// `BEGIN`, `CASE`, `IF`, `LOOP`, `WHILE` and `REPEAT` counted against
    /// their `END`s.
    CompoundStatements,
}

/// The rules for portable SQL: PostgreSQL's, since portable SQL is written
/// closest to PostgreSQL's syntax (docs/portable-sql.md).
pub const PORTABLE: SplitRules = SplitRules {
    backslash_escapes: false,
    double_quoted_strings: false,
    escape_strings: true,
    backtick_identifiers: false,
    bracket_identifiers: false,
    dollar_quotes: true,
    hash_comments: false,
    dash_comment_needs_space: false,
    nested_block_comments: true,
    executable_comments: false,
    delimiter_directive: false,
    parentheses_hold_semicolons: true,
    bodies: Bodies::BeginAtomic,
};
