//! Database URLs in SQLAlchemy's form; `Display` never shows the password.

/// The database family a URL or a section names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DialectKind {
    Sqlite,
    Postgres,
    Mysql,
}
