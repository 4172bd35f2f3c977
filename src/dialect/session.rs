//! What a live session asks of the server, as data the dialects supply:
//! where it is ([`Identity`]), and retort's migration lock on it
//! ([`ServerLock`], [`LockQueries`]). The SQL itself is in each dialect's
//! `Dialect` methods; `connection` only runs it and decodes the rows.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{DialectKind, dialect};

/// A statement a live session runs right after connecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSetup {
    /// The statement.
    pub sql: &'static str,
    /// False for a setting older servers reject and retort can do without.
    pub required: bool,
}

/// The statements that take and release a session lock, with the lock's
/// key bound as parameter 1. Taking returns one row: true (or 1) when taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockQueries {
    /// Tries once to take the lock; returns one row, true (or 1) when taken.
    pub try_lock: &'static str,
    /// Releases it.
    pub unlock: &'static str,
}

/// A lock the server holds for a session until it is released or the
/// session ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLock {
    /// PostgreSQL `pg_advisory_lock` key.
    Advisory(i64),
    /// MySQL/MariaDB `GET_LOCK` name.
    Named(String),
}

impl ServerLock {
    /// A query an operator runs to find the session that holds this lock,
    /// from the dialect whose lock it is.
    pub fn holder_query(&self) -> Option<String> {
        let kind = match self {
            ServerLock::Advisory(_) => DialectKind::Postgres,
            ServerLock::Named(_) => DialectKind::Mysql,
        };
        dialect(kind).lock_holder_query(self)
    }
}

/// Where a session is, as the server reports it (the row of
/// [`Dialect::identity_query`](super::Dialect::identity_query)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// A PostgreSQL session.
    Postgres {
        /// `current_database()`.
        database: String,
        /// `current_schema()`.
        schema: String,
    },
    /// A MySQL or MariaDB session.
    Mysql {
        /// `DATABASE()`: none when the URL and the server chose none.
        database: Option<String>,
        /// The server folds table and database names to lower case.
        fold_case: bool,
    },
    /// A SQLite connection.
    Sqlite {
        /// The main database's file; none in memory.
        file: Option<PathBuf>,
    },
}

impl Identity {
    /// The database's file, for a database that is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Identity::Sqlite { file } => file.as_deref(),
            _ => None,
        }
    }
}

/// A stable 64-bit advisory-lock key for a name.
pub(crate) fn advisory_key(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string a dialect gives a live session, in one snapshot per
    /// dialect, so a change to any of them shows in review.
    #[test]
    fn session_sql_per_dialect() {
        let identities = [
            Identity::Postgres {
                database: "app".into(),
                schema: "public".into(),
            },
            Identity::Mysql {
                database: Some("App".into()),
                fold_case: true,
            },
            Identity::Mysql {
                database: Some("d".repeat(64)),
                fold_case: false,
            },
            Identity::Sqlite {
                file: Some("/srv/app.db".into()),
            },
        ];
        for kind in DialectKind::ALL {
            let d = dialect(kind);
            let mut text = format!("display_name: {}\n", d.display_name());
            for setup in d.session_setup() {
                text += &format!(
                    "session_setup (required: {}): {}\n",
                    setup.required, setup.sql
                );
            }
            text += &format!("server_version_query: {}\n", d.server_version_query());
            text += &format!("table_exists_query: {}\n", d.table_exists_query());
            text += &format!("column_exists_query: {}\n", d.column_exists_query());
            text += &format!("timestamp_as_text: {}\n", d.timestamp_as_text("started_at"));
            text += &format!("identity_query: {}\n", d.identity_query());
            text += &format!("session_lock: {:?}\n", d.session_lock());
            text += &format!("returning_id: {:?}\n", d.returning_id());
            for identity in &identities {
                let lock = d.server_lock(identity, "retort_version");
                text += &format!("server_lock({identity:?}): {lock:?}\n");
                if let Some(lock) = lock {
                    text += &format!("lock_holder_query: {:?}\n", lock.holder_query());
                }
            }
            insta::assert_snapshot!(format!("session_{kind}"), text);
        }
    }

    #[test]
    fn postgres_keys_differ_by_database_schema_and_table() {
        let d = dialect(DialectKind::Postgres);
        let key = |database: &str, schema: &str, table| {
            let identity = Identity::Postgres {
                database: database.to_owned(),
                schema: schema.to_owned(),
            };
            d.server_lock(&identity, table)
        };
        let base = key("app", "public", "retort_version");
        assert_eq!(base, key("app", "public", "retort_version"));
        assert_ne!(base, key("app", "other", "retort_version"));
        assert_ne!(base, key("app2", "public", "retort_version"));
        assert_ne!(base, key("app", "public", "alembic_version"));
    }

    #[test]
    fn mysql_names_fold_case_where_the_server_does() {
        let d = dialect(DialectKind::Mysql);
        let mysql = |database: &str, fold_case| Identity::Mysql {
            database: Some(database.to_owned()),
            fold_case,
        };
        assert_eq!(
            d.server_lock(&mysql("App", false), "retort_version"),
            Some(ServerLock::Named("retort:App:retort_version".into()))
        );
        assert_eq!(
            d.server_lock(&mysql("App", true), "Retort_Version"),
            d.server_lock(&mysql("app", true), "retort_version")
        );
        let long = d.server_lock(&mysql(&"d".repeat(64), false), "retort_version");
        let Some(ServerLock::Named(name)) = long else {
            panic!("a named lock: {long:?}");
        };
        assert_eq!(name.len(), "retort:".len() + 16, "{name}");
    }

    #[test]
    fn only_the_servers_have_session_locks() {
        let memory = Identity::Sqlite { file: None };
        let sqlite = dialect(DialectKind::Sqlite);
        assert_eq!(sqlite.session_lock(), None);
        assert_eq!(sqlite.server_lock(&memory, "v"), None);
        assert!(dialect(DialectKind::Postgres).session_lock().is_some());
        assert!(dialect(DialectKind::Mysql).session_lock().is_some());
    }
}
