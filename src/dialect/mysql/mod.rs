//! MySQL and MariaDB: DDL commits implicitly, backquoted identifiers, and
//! string literals in which a backslash escapes unless
//! `NO_BACKSLASH_ESCAPES` is set.

pub(crate) mod introspect;
mod render;

use super::{Dialect, RenderError, log_table, quote_with};
use crate::diff::Op;
use crate::schema::{Schema, Type};
use crate::url::DialectKind;

pub struct Mysql;

impl Dialect for Mysql {
    fn kind(&self) -> DialectKind {
        DialectKind::Mysql
    }

    /// <https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html>
    fn transactional_ddl(&self) -> bool {
        false
    }

    fn quote_ident(&self, name: &str) -> String {
        quote_with(name, '`')
    }

    // 64 characters; retort's own names are ASCII, so bytes are characters.
    // https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html
    fn identifier_limit(&self) -> Option<usize> {
        Some(64)
    }

    fn quote_literal(&self, value: &str) -> String {
        // Doubling backslashes is right in the default SQL mode and harmless
        // to read back under NO_BACKSLASH_ESCAPES only for the log's text.
        format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
    }

    fn begin(&self) -> &'static str {
        "START TRANSACTION"
    }

    fn create_log_table(&self, table: &str) -> String {
        log_table(
            self,
            table,
            "BIGINT AUTO_INCREMENT PRIMARY KEY",
            "DATETIME(6)",
            "LONGTEXT",
            "BOOLEAN",
        )
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
}
