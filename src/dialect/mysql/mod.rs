//! MySQL and MariaDB: DDL commits implicitly, backquoted identifiers, and
//! string literals in which a backslash escapes unless
//! `NO_BACKSLASH_ESCAPES` is set.

mod auto_increment;
pub(crate) mod introspect;
mod render;

use super::session::advisory_key;
use super::{
    Dialect, Identity, LockQueries, RenderError, Rendered, ServerLock, SessionSetup, TlsMode,
    UrlOption, UrlOptions, log_table, quote_with,
};
use crate::dialect::DialectKind;
use crate::op::Op;
use crate::schema::{Schema, Type};
use crate::sql::split::{Bodies, SplitRules};

/// The mysql client's rules, with the server's `sql_mode` default (no
/// `NO_BACKSLASH_ESCAPES`, no `ANSI_QUOTES`):
/// <https://dev.mysql.com/doc/refman/8.4/en/string-literals.html>,
/// <https://dev.mysql.com/doc/refman/8.4/en/comments.html>.
const SPLIT_RULES: SplitRules = SplitRules {
    backslash_escapes: true,
    double_quoted_strings: true,
    escape_strings: false,
    backtick_identifiers: true,
    bracket_identifiers: false,
    dollar_quotes: false,
    hash_comments: true,
    dash_comment_needs_space: true,
    nested_block_comments: false,
    executable_comments: true,
    delimiter_directive: true,
    parentheses_hold_semicolons: false,
    bodies: Bodies::CompoundStatements,
};

pub struct Mysql;

/// The MySQL client's names, also spelt with `-`:
/// <https://dev.mysql.com/doc/refman/8.0/en/connection-options.html#encrypted-connection-options>.
const URL_OPTIONS: UrlOptions = UrlOptions {
    known: &[
        ("ssl_mode", UrlOption::Mode),
        ("ssl-mode", UrlOption::Mode),
        ("ssl_ca", UrlOption::RootCert),
        ("ssl-ca", UrlOption::RootCert),
        ("ssl_cert", UrlOption::ClientCert),
        ("ssl-cert", UrlOption::ClientCert),
        ("ssl_key", UrlOption::ClientKey),
        ("ssl-key", UrlOption::ClientKey),
        ("connect_timeout", UrlOption::ConnectTimeout),
        ("charset", UrlOption::Charset),
    ],
    tls_modes: &[
        ("DISABLED", TlsMode::Disable),
        ("PREFERRED", TlsMode::Prefer),
        ("REQUIRED", TlsMode::Require),
        ("VERIFY_CA", TlsMode::VerifyCa),
        ("VERIFY_IDENTITY", TlsMode::VerifyFull),
    ],
    tls_modes_exact: false,
    root_cert_option: "ssl_ca",
    verifying_modes: "ssl_mode=VERIFY_CA or VERIFY_IDENTITY",
    system_roots: None,
};

/// Takes `NO_BACKSLASH_ESCAPES` out of the session's `sql_mode`, leaving no
/// empty item in the list. retort renders literals in DDL (defaults,
/// comments) with backslashes escaped, as the server reads them by default;
/// a server set to `NO_BACKSLASH_ESCAPES` would store each backslash twice.
/// Every session retort opens, and every script it writes, starts with this,
/// so a revision means the same on every server, as PostgreSQL sessions set
/// `standard_conforming_strings`.
/// <https://mariadb.com/kb/en/sql-mode/#no_backslash_escapes>,
/// <https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html#sqlmode_no_backslash_escapes>
pub const DEFAULT_QUOTING: &str = "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(\
     CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";

impl Dialect for Mysql {
    /// `TABLE_ROWS`, InnoDB's estimate
    /// (<https://dev.mysql.com/doc/refman/8.0/en/information-schema-tables-table.html>).
    fn row_estimates_query(&self) -> Option<&'static str> {
        Some(
            "SELECT CAST(CONCAT(table_name, ' ', COALESCE(table_rows, -1)) AS CHAR) \
             FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
        )
    }

    fn parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::MySqlDialect {}
    }

    fn kind(&self) -> DialectKind {
        DialectKind::Mysql
    }

    fn split_rules(&self) -> &'static SplitRules {
        &SPLIT_RULES
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

    /// Text without a backslash reads the same with and without
    /// `NO_BACKSLASH_ESCAPES` when quotes are doubled; text with one is
    /// written as UTF-8 bytes in a hexadecimal literal, which no sql_mode
    /// reads differently.
    /// <https://dev.mysql.com/doc/refman/8.0/en/hexadecimal-literals.html>
    fn script_literal(&self, value: &str) -> String {
        if value.contains('\\') {
            let hex: String = value.bytes().map(|b| format!("{b:02X}")).collect();
            format!("CONVERT(X'{hex}' USING utf8mb4)")
        } else {
            format!("'{}'", value.replace('\'', "''"))
        }
    }

    /// Scripts read literals as live sessions do ([`DEFAULT_QUOTING`]).
    fn script_preamble(&self) -> Vec<String> {
        vec![DEFAULT_QUOTING.to_owned()]
    }

    fn begin(&self) -> &'static str {
        "START TRANSACTION"
    }

    /// <https://dev.mysql.com/doc/refman/8.0/en/update.html>,
    /// <https://mariadb.com/kb/en/update/>
    fn updates_joined_tables(&self) -> bool {
        true
    }

    fn log_text_type(&self) -> &'static str {
        "LONGTEXT"
    }

    fn create_log_table(&self, table: &str) -> String {
        log_table(
            self,
            table,
            "BIGINT AUTO_INCREMENT PRIMARY KEY",
            "DATETIME(6)",
            self.log_text_type(),
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

    fn render_all(&self, ops: &[Op], before: &Schema) -> Result<Vec<Rendered>, RenderError> {
        auto_increment::render_all(ops, before)
    }

    fn display_name(&self) -> &'static str {
        "MySQL/MariaDB"
    }

    /// Literals read as by default: see [`DEFAULT_QUOTING`].
    fn session_setup(&self) -> &'static [SessionSetup] {
        &[SessionSetup {
            sql: DEFAULT_QUOTING,
            required: true,
        }]
    }

    fn table_exists_query(&self) -> &'static str {
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
    }

    fn column_exists_query(&self) -> &'static str {
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?"
    }

    /// The database, and whether the server folds names to lower case.
    /// <https://mariadb.com/kb/en/server-system-variables/#lower_case_table_names>
    fn identity_query(&self) -> &'static str {
        "SELECT DATABASE(), CAST(@@lower_case_table_names AS SIGNED)"
    }

    /// <https://mariadb.com/kb/en/get_lock/>, <https://mariadb.com/kb/en/release_lock/>
    fn session_lock(&self) -> Option<LockQueries> {
        Some(LockQueries {
            try_lock: "SELECT GET_LOCK(?, 0)",
            unlock: "SELECT RELEASE_LOCK(?)",
        })
    }

    /// `GET_LOCK` names are server-wide (<https://mariadb.com/kb/en/get_lock/>),
    /// so the name holds `DATABASE()` as the server reports it, folded to
    /// lower case where the server folds table names. Names are at most 64
    /// characters (<https://dev.mysql.com/doc/refman/8.0/en/locking-functions.html>):
    /// a longer one is hashed.
    fn server_lock(&self, identity: &Identity, version_table: &str) -> Option<ServerLock> {
        let Identity::Mysql {
            database,
            fold_case,
        } = identity
        else {
            return None;
        };
        let name = format!(
            "retort:{}:{version_table}",
            database.as_deref().unwrap_or_default()
        );
        let name = if *fold_case {
            name.to_lowercase()
        } else {
            name
        };
        Some(ServerLock::Named(if name.chars().count() <= 64 {
            name
        } else {
            format!("retort:{:016x}", advisory_key(&name))
        }))
    }

    /// <https://mariadb.com/kb/en/is_used_lock/> (a hint for a person: the
    /// quote doubled, which reads the same in every sql_mode)
    fn lock_holder_query(&self, lock: &ServerLock) -> Option<String> {
        let ServerLock::Named(name) = lock else {
            return None;
        };
        Some(format!(
            "SELECT IS_USED_LOCK('{}')",
            name.replace('\'', "''")
        ))
    }

    fn url_options(&self) -> &'static UrlOptions {
        &URL_OPTIONS
    }
}
