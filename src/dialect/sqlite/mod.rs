//! SQLite: transactional DDL; writers are serialised by the database lock
//! that `BEGIN IMMEDIATE` takes, which is also retort's migration lock there.
//! Changes its `ALTER TABLE` cannot make rebuild the table (`render.rs`
//! explains which, and how); [`needs_foreign_keys_off`] tells the runner when.

pub(crate) mod introspect;
mod render;

pub use render::needs_foreign_keys_off;

use super::{Dialect, ForeignKeyPause, RenderError, Rendered, log_table, quote_with};
use crate::dialect::DialectKind;
use crate::op::Op;
use crate::schema::{Schema, Type};
use crate::sql::split::{Bodies, SplitRules};

/// `sqlite3_complete`'s rules: <https://sqlite.org/c3ref/complete.html>.
const SPLIT_RULES: SplitRules = SplitRules {
    backslash_escapes: false,
    double_quoted_strings: false,
    escape_strings: false,
    backtick_identifiers: true,
    bracket_identifiers: true,
    dollar_quotes: false,
    hash_comments: false,
    dash_comment_needs_space: false,
    nested_block_comments: false,
    executable_comments: false,
    delimiter_directive: false,
    parentheses_hold_semicolons: false,
    bodies: Bodies::TriggerEnd,
};

/// The SQLite dialect.
pub struct Sqlite;

impl Dialect for Sqlite {
    fn parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::SQLiteDialect {}
    }

    fn rebuilds_table(&self, ops: &[Op], before: &Schema) -> bool {
        needs_foreign_keys_off(ops, before)
    }

    fn kind(&self) -> DialectKind {
        DialectKind::Sqlite
    }

    fn split_rules(&self) -> &'static SplitRules {
        &SPLIT_RULES
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn quote_ident(&self, name: &str) -> String {
        quote_with(name, '"')
    }

    /// <https://www.sqlite.org/lang_transaction.html#deferred_immediate_and_exclusive_transactions>
    fn begin(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn create_log_table(&self, table: &str) -> String {
        log_table(
            self,
            table,
            "INTEGER PRIMARY KEY AUTOINCREMENT",
            "TEXT",
            "TEXT",
            "BOOLEAN",
        )
    }

    fn bool_literal(&self, value: bool) -> &'static str {
        if value { "1" } else { "0" }
    }

    fn normalize(&self, schema: &mut Schema) {
        introspect::normalize(schema);
    }

    fn render_type(&self, ty: &Type) -> String {
        render::render_type(ty)
    }

    fn render(&self, op: &Op, before: &Schema) -> Result<Vec<String>, RenderError> {
        render::render(op, before)
    }

    /// Renders like the default, except that several changes to one table
    /// that each need a rebuild make one rebuild.
    fn render_all(&self, ops: &[Op], before: &Schema) -> Result<Vec<Rendered>, RenderError> {
        render::render_all(ops, before)
    }

    fn needs_foreign_keys_off(&self, ops: &[Op], before: &Schema) -> bool {
        needs_foreign_keys_off(ops, before)
    }

    /// <https://www.sqlite.org/lang_altertable.html#otheralter>: foreign keys
    /// off outside the transaction, checked before it commits.
    fn foreign_key_pause(&self) -> Option<ForeignKeyPause> {
        Some(ForeignKeyPause {
            off: "PRAGMA foreign_keys = OFF",
            check: "PRAGMA foreign_key_check",
            on: "PRAGMA foreign_keys = ON",
        })
    }

    fn has_comments(&self) -> bool {
        false
    }

    fn display_name(&self) -> &'static str {
        "SQLite"
    }

    fn server_version_query(&self) -> &'static str {
        "SELECT sqlite_version()"
    }

    fn table_exists_query(&self) -> &'static str {
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
    }

    fn column_exists_query(&self) -> &'static str {
        "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?"
    }

    /// The path SQLite opened, made absolute by its VFS; empty in memory.
    /// <https://www.sqlite.org/pragma.html#pragma_database_list>
    fn identity_query(&self) -> &'static str {
        "SELECT file FROM pragma_database_list WHERE name = 'main'"
    }

    fn url_names_a_file(&self) -> bool {
        true
    }
}
