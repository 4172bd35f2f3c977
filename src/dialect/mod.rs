//! What differs between the databases, asked of a [`Dialect`] instead of
//! matched on across the code: quoting, transactional DDL, how a
//! transaction starts, and the SQL of retort's own tables. Rendering is
//! pure, so offline scripts (`--sql`) and live runs share it.
//!
//! Apart from [`DialectKind`] (and [`ParseDialectError`]), this module is
//! internal: public for the `retort` binary and the tests, and may change
//! in any release (see "Stability" in the crate documentation).

mod catalog;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod introspect_tests;
mod kind;
#[cfg(test)]
mod live;
pub(crate) mod mysql;
mod normalize;
pub(crate) mod postgres;
mod session;
pub(crate) mod sqlite;
#[cfg(test)]
mod test_servers;
mod url_options;

use std::collections::HashMap;

use crate::op::Op;
use crate::schema::{Schema, Table, Type};
use crate::sql::split::SplitRules;

pub use kind::{DialectKind, ParseDialectError};
pub use session::{Identity, LockQueries, ServerLock, SessionSetup};
pub use url_options::{TlsMode, UrlOption, UrlOptions};

/// A statement rendered for one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The statement's text.
    pub sql: String,
    /// True for a statement retort did not understand and passes on as
    /// written; `--sql` marks these.
    pub verbatim: bool,
    /// Index of the operation (in the slice given to `render_all`) the
    /// statement carries out, to point errors at its line.
    pub op: usize,
}

/// The tables of a schema by name, from which each operation takes just
/// the ones it touches while it renders: a section of a thousand `CREATE
/// TABLE`s stays linear.
pub(crate) struct Tables(HashMap<String, Table>);

impl Tables {
    pub(crate) fn new(schema: &Schema) -> Self {
        Tables(
            schema
                .tables
                .iter()
                .map(|t| (t.name.clone(), t.clone()))
                .collect(),
        )
    }

    /// Takes the tables `op` touches out, as a schema of their own.
    pub(crate) fn take(&mut self, op: &Op) -> Schema {
        let touched: Vec<&str> = match op {
            Op::RenameTable { from, to } => vec![from, to],
            _ => op.table().into_iter().collect(),
        };
        Schema {
            tables: touched
                .iter()
                .filter_map(|name| self.0.remove(*name))
                .collect(),
        }
    }

    /// The table of that name, unless taken out.
    pub(crate) fn get(&self, name: &str) -> Option<&Table> {
        self.0.get(name)
    }

    /// Puts tables taken out (and changed) back.
    pub(crate) fn put(&mut self, schema: Schema) {
        self.0
            .extend(schema.tables.into_iter().map(|t| (t.name.clone(), t)));
    }
}

/// The statements of operation `index` of a section, on the tables it
/// touches; statements retort does not understand pass as written.
pub(crate) fn render_one<D: Dialect + ?Sized>(
    dialect: &D,
    index: usize,
    op: &Op,
    schema: &Schema,
) -> Result<Vec<Rendered>, RenderError> {
    let rendered = |sql: String, verbatim: bool| Rendered {
        sql,
        verbatim,
        op: index,
    };
    Ok(match op {
        Op::Raw(sql) => vec![rendered(sql.clone(), true)],
        Op::Data(sql) => vec![rendered(sql.clone(), false)],
        _ => dialect
            .render(op, schema)?
            .into_iter()
            .map(|sql| rendered(sql, false))
            .collect(),
    })
}

/// Why an operation cannot be carried out on a dialect; the text says what
/// is not portable and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The operation has no form on this database; the text says what to write instead.
    #[error("{0}")]
    Unsupported(String),
}

/// One database family's SQL.
pub trait Dialect: Send + Sync {
    /// Which family this is.
    fn kind(&self) -> DialectKind;

    /// How this database's own client cuts a section written for it into
    /// statements ([`crate::sql::split`]).
    fn split_rules(&self) -> &'static SplitRules;

    /// True when DDL takes part in transactions (PostgreSQL, SQLite), so a
    /// failed revision leaves no trace.
    fn transactional_ddl(&self) -> bool;

    /// An identifier, quoted, with embedded quote characters doubled.
    fn quote_ident(&self, name: &str) -> String;

    /// A string literal.
    fn quote_literal(&self, value: &str) -> String {
        format!("'{}'", value.replace('\'', "''"))
    }

    /// The statement that opens a transaction in which retort writes.
    fn begin(&self) -> &'static str {
        "BEGIN"
    }

    /// A `CREATE TABLE IF NOT EXISTS` for Alembic's version table `table`,
    /// its primary key named `key` (names from [`crate::config::TableNames`]).
    fn create_version_table(&self, table: &str, key: &str) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (version_num VARCHAR(32) NOT NULL, CONSTRAINT {} PRIMARY KEY (version_num))",
            self.quote_ident(table),
            self.quote_ident(key),
        )
    }

    /// The longest identifier the database keeps as written, in bytes;
    /// `None` when it has no limit worth checking (SQLite).
    fn identifier_limit(&self) -> Option<usize> {
        None
    }

    /// A `CREATE TABLE IF NOT EXISTS` for the log table.
    fn create_log_table(&self, table: &str) -> String;

    /// A timestamp in UTC as text this database reads as one.
    fn timestamp_text(&self, at: jiff::Timestamp) -> String {
        at.strftime("%Y-%m-%d %H:%M:%S%.6f").to_string()
    }

    /// Parameter number `n` (from 1) of a bound statement.
    fn placeholder(&self, _n: usize) -> String {
        "?".to_owned()
    }

    /// Where a timestamp is bound as text ([`timestamp_text`](Self::timestamp_text)),
    /// the expression that reads `placeholder` as one.
    fn timestamp_parameter(&self, placeholder: &str) -> String {
        placeholder.to_owned()
    }

    /// A string literal for retort's own rows in a script (`--sql`), read
    /// the same whatever the session's settings: it may hold any text of a
    /// revision file (its downgrade section).
    fn script_literal(&self, value: &str) -> String {
        self.quote_literal(value)
    }

    /// Statements a script starts with, for the settings its SQL assumes.
    fn script_preamble(&self) -> Vec<String> {
        Vec::new()
    }

    /// True when INSERT, UPDATE and DELETE may stand in a `WITH` clause, so
    /// that several bookkeeping writes take one round trip (PostgreSQL).
    fn writes_in_with(&self) -> bool {
        false
    }

    /// True when one UPDATE may change rows of several tables (MySQL's
    /// multiple-table syntax), so a version row and a log row change in one
    /// atomic statement.
    fn updates_joined_tables(&self) -> bool {
        false
    }

    /// The type of the log table's long text columns.
    fn log_text_type(&self) -> &'static str {
        "TEXT"
    }

    /// A boolean literal.
    fn bool_literal(&self, value: bool) -> &'static str {
        if value { "TRUE" } else { "FALSE" }
    }

    /// Maps `schema` to what this database stores and reports back, so that
    /// a model and the database built from it compare equal:
    /// `normalize(model) == introspect(database)`. Introspection's result is
    /// already normal, and normalising twice changes nothing. Unnamed
    /// constraints get the names the renderer creates them with; types,
    /// defaults and check conditions take the form the catalog reports;
    /// uniques, checks, foreign keys and indexes are sorted by name, tables
    /// too (columns keep their order). Each dialect's `introspect.rs` lists
    /// its own steps.
    ///
    /// ```
    /// use retort::dialect::dialect;
    /// use retort::sql::parse::parse_schema;
    /// use retort::schema::Type;
    /// use retort::DialectKind;
    ///
    /// let mut schema = parse_schema("CREATE TABLE t (id UUID PRIMARY KEY, at TIMESTAMP WITH TIME ZONE)").unwrap();
    /// dialect(DialectKind::Mysql).normalize(&mut schema);
    /// assert_eq!(schema.tables[0].columns[0].ty, Type::Char(Some(36)));
    /// assert_eq!(schema.tables[0].columns[1].ty, Type::Timestamp);
    /// ```
    fn normalize(&self, schema: &mut Schema);

    /// This dialect's spelling of a portable type.
    fn render_type(&self, ty: &Type) -> String;

    /// The statements that carry out one operation on a database whose
    /// schema is `before`. Pure: it never touches a connection.
    fn render(&self, op: &Op, before: &Schema) -> Result<Vec<String>, RenderError>;

    /// The statements for a section's operations in order, each rendered
    /// against the schema the ones before it leave. SQLite overrides this to
    /// rebuild a table once for several changes it cannot make in place,
    /// MySQL to keep every `AUTO_INCREMENT` column on a key.
    fn render_all(&self, ops: &[Op], before: &Schema) -> Result<Vec<Rendered>, RenderError> {
        let mut tables = Tables::new(before);
        let mut out = Vec::new();
        for (index, op) in ops.iter().enumerate() {
            let mut schema = tables.take(op);
            out.extend(render_one(self, index, op, &schema)?);
            // An op the model cannot follow (a raw statement changed the table
            // first) still renders; the database has the last word.
            let _ = op.apply(&mut schema);
            tables.put(schema);
        }
        Ok(out)
    }

    /// True when running `render_all(ops, before)` needs foreign-key
    /// enforcement switched off around the transaction: SQLite's table
    /// rebuild drops a table other tables may reference
    /// (`sqlite::needs_foreign_keys_off`). The runner then switches it back
    /// on after the transaction and checks the foreign keys.
    fn needs_foreign_keys_off(&self, _ops: &[Op], _before: &Schema) -> bool {
        false
    }

    /// True when SQLite's `ALTER TABLE` cannot make `ops` and retort
    /// rebuilds the table instead (copying every row); `lint` warns of it.
    fn rebuilds_table(&self, _ops: &[Op], _before: &Schema) -> bool {
        false
    }

    /// A query whose rows read `<table> <rows>`: the catalog's estimate of
    /// each table's rows in the current schema (`-1` where it has none),
    /// for `lint --with-sizes`. `None` where the catalog keeps none
    /// (SQLite): [`row_count_query`](Self::row_count_query) counts instead.
    fn row_estimates_query(&self) -> Option<&'static str> {
        None
    }

    /// A query whose one row is the number of rows of `table`, as text.
    fn row_count_query(&self, table: &str) -> String {
        format!(
            "SELECT CAST(count(*) AS CHAR(20)) FROM {}",
            self.quote_ident(table)
        )
    }

    /// The `sqlparser` dialect that reads SQL written for this database (a
    /// section headed with its name), for `lint`.
    fn parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::GenericDialect {}
    }

    /// How to switch foreign-key enforcement off around a transaction that
    /// needs it ([`needs_foreign_keys_off`](Self::needs_foreign_keys_off)),
    /// back on, and list the rows left violating it.
    fn foreign_key_pause(&self) -> Option<ForeignKeyPause> {
        None
    }

    /// False for a database that keeps no table or column comments (SQLite).
    fn has_comments(&self) -> bool {
        true
    }

    /// The database's name in messages to people.
    fn display_name(&self) -> &'static str;

    /// Statements a live session runs right after connecting.
    fn session_setup(&self) -> &'static [SessionSetup] {
        &[]
    }

    /// A query whose one row holds the server's version as text.
    fn server_version_query(&self) -> &'static str {
        "SELECT version()"
    }

    /// A query counting the tables named by parameter 1 in the current
    /// database (PostgreSQL: the current schema).
    fn table_exists_query(&self) -> &'static str;

    /// A query counting the columns named by parameter 2 of the table named
    /// by parameter 1, as [`table_exists_query`](Self::table_exists_query)
    /// finds it.
    fn column_exists_query(&self) -> &'static str;

    /// The timestamp column `column` of retort's log table, read as text.
    fn timestamp_as_text(&self, column: &str) -> String {
        format!("CAST({column} AS CHAR(40))")
    }

    /// A query whose one row says where the session is, read into an
    /// [`Identity`] (the columns are each dialect's; see its variant).
    fn identity_query(&self) -> &'static str;

    /// How a session takes and releases a lock the server holds for it;
    /// `None` for a database without one (SQLite: retort locks a file).
    fn session_lock(&self) -> Option<LockQueries> {
        None
    }

    /// The session lock that keeps other runs off `version_table` in the
    /// database `identity` describes; `None` where
    /// [`session_lock`](Self::session_lock) is.
    fn server_lock(&self, _identity: &Identity, _version_table: &str) -> Option<ServerLock> {
        None
    }

    /// A query an operator runs to find the session that holds `lock`.
    fn lock_holder_query(&self, _lock: &ServerLock) -> Option<String> {
        None
    }

    /// What an INSERT into the log table ends with to return the new row's
    /// id, for a database whose driver does not report it otherwise.
    fn returning_id(&self) -> Option<&'static str> {
        None
    }

    /// The query options a URL of this database may carry.
    fn url_options(&self) -> &'static UrlOptions {
        &UrlOptions::NONE
    }

    /// True when a URL names a file (or memory), not a user on a host.
    fn url_names_a_file(&self) -> bool {
        false
    }
}

/// Statements around a transaction that rebuilds tables (SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKeyPause {
    /// Before the transaction: inside one it would do nothing.
    pub off: &'static str,
    /// Inside the transaction, before it commits: returns the violations.
    pub check: &'static str,
    /// After the transaction.
    pub on: &'static str,
}

/// The columns of the log table after its id, shared by every dialect so
/// that inserts are written once.
pub(crate) const LOG_COLUMNS: &str = "revision, down_revisions, direction, operation, checksum, started_at, \
     duration_ms, success, statements_applied, statements_total, error, downgrade_sql, \
     applied_by, hostname, retort_version, statement_hashes";

/// The dialect of a database family.
pub fn dialect(kind: DialectKind) -> &'static dyn Dialect {
    match kind {
        DialectKind::Postgres => &postgres::Postgres,
        DialectKind::Mysql => &mysql::Mysql,
        DialectKind::Sqlite => &sqlite::Sqlite,
    }
}

fn quote_with(name: &str, quote: char) -> String {
    let doubled: String = [quote, quote].iter().collect();
    format!("{quote}{}{quote}", name.replace(quote, &doubled))
}

/// The log table's columns, with the types a dialect gives them.
fn log_table(
    dialect: &dyn Dialect,
    table: &str,
    id: &str,
    timestamp: &str,
    text: &str,
    boolean: &str,
) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (id {id}, revision VARCHAR(32) NOT NULL, down_revisions VARCHAR(255), \
         direction VARCHAR(4) NOT NULL, operation VARCHAR(16) NOT NULL, checksum VARCHAR(64), \
         started_at {timestamp} NOT NULL, duration_ms BIGINT, success {boolean} NOT NULL, \
         statements_applied INTEGER NOT NULL, statements_total INTEGER NOT NULL, error {text}, \
         downgrade_sql {text}, applied_by VARCHAR(255), hostname VARCHAR(255), retort_version VARCHAR(32), \
         statement_hashes {text})",
        dialect.quote_ident(table)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_embedded_quotes() {
        assert_eq!(
            dialect(DialectKind::Postgres).quote_ident("a\"b"),
            "\"a\"\"b\""
        );
        assert_eq!(dialect(DialectKind::Sqlite).quote_ident("v"), "\"v\"");
        assert_eq!(dialect(DialectKind::Mysql).quote_ident("a`b"), "`a``b`");
        assert_eq!(
            dialect(DialectKind::Postgres).quote_literal("it's"),
            "'it''s'"
        );
        assert_eq!(
            dialect(DialectKind::Mysql).quote_literal("a\\'b"),
            "'a\\\\''b'"
        );
    }

    #[test]
    fn split_rules_of_each_dialect() {
        for kind in DialectKind::ALL {
            insta::assert_debug_snapshot!(
                format!("split_rules_{kind}"),
                dialect(kind).split_rules()
            );
        }
        // Portable SQL is split as psql would (`sql::split::PORTABLE`).
        assert_eq!(
            dialect(DialectKind::Postgres).split_rules(),
            &crate::sql::split::PORTABLE
        );
    }

    #[test]
    fn only_mysql_commits_ddl_implicitly() {
        assert!(dialect(DialectKind::Postgres).transactional_ddl());
        assert!(dialect(DialectKind::Sqlite).transactional_ddl());
        assert!(!dialect(DialectKind::Mysql).transactional_ddl());
    }
}
