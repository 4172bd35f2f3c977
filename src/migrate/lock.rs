//! The migration lock: one run at a time per database and version table,
//! held from before the version table is read until the run ends — across
//! every transaction of the run and every `transaction=false` section.
//!
//! The lock is named from what the database says it is, never from the URL
//! text: `postgresql://h/db`, `postgres://localhost:5432/db?…` and a URL
//! without a database plus `PGDATABASE=db` all reach one database, so they
//! must take one lock.
//!
//! - PostgreSQL: `pg_try_advisory_lock` on a key hashed from the version
//!   table and the current schema. Advisory locks are already scoped to the
//!   current database
//!   (<https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS>);
//!   the database name goes into the hash anyway, as the server reports it.
//! - MySQL/MariaDB: `GET_LOCK` names are server-wide
//!   (<https://mariadb.com/kb/en/get_lock/>), so the name holds `DATABASE()`
//!   as the server reports it, folded to lower case where the server folds
//!   table names (`lower_case_table_names`).
//! - SQLite has no session lock, and `BEGIN IMMEDIATE` only covers one
//!   transaction, not a `transaction=false` section or the reading of the
//!   version table before it. retort takes an OS file lock
//!   ([`std::fs::File::try_lock`]: `flock` on Unix, `LockFileEx` on Windows)
//!   on a file beside the database, named after the database's canonical
//!   path as SQLite reports it (`PRAGMA database_list`), so symlinks and
//!   relative spellings meet on one lock. Not the database file itself:
//!   SQLite's own locks on it are POSIX record locks, which `flock` emulation
//!   on some systems (NFS) would collide with. The file is left in place when
//!   the run ends; deleting a lock file while another process waits on it
//!   would let two runs hold "the" lock at once. An in-memory database is
//!   visible to one connection only and needs no lock.
//!
//! Every lock ends with its holder: a killed process's advisory or named
//! lock goes with its session, its file lock with its open file.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::Error;
use super::run::Event;
use crate::connection::{Connection, Identity, ServerLock};

/// Which lock a run takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A lock held by the server for the session.
    Server(ServerLock),
    /// An OS lock on this file, beside a SQLite database.
    File(PathBuf),
    /// Nothing to lock: an in-memory SQLite database.
    None,
}

impl Key {
    /// The lock for `version_table` in the database `identity` describes.
    pub fn new(identity: &Identity, version_table: &str) -> Key {
        match identity {
            Identity::Postgres { database, schema } => Key::Server(ServerLock::Advisory(
                advisory_key(&format!("retort:{database}:{schema}.{version_table}")),
            )),
            Identity::Mysql {
                database,
                fold_case,
            } => {
                let name = format!(
                    "retort:{}:{version_table}",
                    database.as_deref().unwrap_or_default()
                );
                let name = if *fold_case {
                    name.to_lowercase()
                } else {
                    name
                };
                Key::Server(ServerLock::Named(mysql_name(&name)))
            }
            Identity::Sqlite { file: Some(path) } => Key::File(sidecar(path)),
            Identity::Sqlite { file: None } => Key::None,
        }
    }

    /// A query that names the session holding a server lock.
    pub fn holder_query(&self) -> Option<String> {
        match self {
            // A bigint key shows in pg_locks as its high and low 32 bits.
            // https://www.postgresql.org/docs/current/view-pg-locks.html
            Key::Server(ServerLock::Advisory(key)) => {
                let key = *key as u64;
                Some(format!(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' \
                     AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                     AND classid = {} AND objid = {} AND objsubid = 1 AND granted",
                    key >> 32,
                    key & 0xffff_ffff
                ))
            }
            // https://mariadb.com/kb/en/is_used_lock/ (a hint for a person:
            // the quote doubled, which reads the same in every sql_mode)
            Key::Server(ServerLock::Named(name)) => Some(format!(
                "SELECT IS_USED_LOCK('{}')",
                name.replace('\'', "''")
            )),
            Key::File(_) | Key::None => None,
        }
    }

    /// How an operator finds the run that holds this lock.
    pub fn holder(&self) -> String {
        match (self, self.holder_query()) {
            (_, Some(query)) => format!("`{query}` names the session that holds it"),
            (Key::File(path), _) => format!(
                "the process that has {} open holds it (`fuser` or `lsof` names it)",
                path.display()
            ),
            _ => "nothing holds it".to_owned(),
        }
    }
}

/// The migration lock, while a run holds it.
#[derive(Debug)]
pub struct Held {
    key: Key,
    /// The open lock file; closing it releases an OS file lock.
    _file: Option<File>,
}

impl Held {
    /// Which lock is held.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// Releases the lock. A server lock that cannot be released (the
    /// session broke) ends with the session.
    pub async fn release(self, connection: &mut Connection) {
        if let Key::Server(lock) = &self.key {
            let _ = connection.unlock(lock).await;
        }
    }
}

/// Takes the migration lock for `version_table` on the database
/// `connection` is in, polling until `timeout`.
///
/// Polling, not a blocking wait: a blocking advisory-lock wait deadlocks
/// against `CREATE INDEX CONCURRENTLY` run by the holder, which waits for
/// every older snapshot — including the waiter's.
pub async fn acquire(
    connection: &mut Connection,
    version_table: &str,
    timeout: Duration,
    events: &mut dyn FnMut(Event),
) -> Result<Held, Error> {
    let identity = connection.identity().await?;
    let key = Key::new(&identity, version_table);
    let file = match &key {
        Key::File(path) => Some(open(path)?),
        _ => None,
    };
    let started = Instant::now();
    let mut pause = Duration::from_millis(25);
    let mut told = false;
    loop {
        let taken = match (&key, &file) {
            (Key::Server(lock), _) => connection.try_lock(lock).await?,
            (Key::File(path), Some(file)) => try_lock_file(path, file)?,
            _ => true,
        };
        if taken {
            return Ok(Held { key, _file: file });
        }
        if started.elapsed() >= timeout {
            return Err(Error::LockTimeout {
                seconds: timeout.as_secs(),
                key,
            });
        }
        if !told {
            events(Event::Note(
                "waiting for another retort run to finish".into(),
            ));
            told = true;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

/// `app.db` → `app.db-retort-lock`, beside SQLite's own `app.db-journal`.
fn sidecar(database: &Path) -> PathBuf {
    // Symlinks and `..` resolved, so every spelling of the path meets here;
    // the database file exists, since connecting created it.
    let canonical = std::fs::canonicalize(database).unwrap_or_else(|_| database.to_owned());
    let mut name = canonical.as_os_str().to_owned();
    name.push("-retort-lock");
    PathBuf::from(name)
}

fn open(path: &Path) -> Result<File, Error> {
    let created = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path);
    match created {
        // Another user's run created the file, and this user may write the
        // database but not that file: a lock needs only a read handle
        // (flock(2); LockFileEx wants GENERIC_READ or GENERIC_WRITE).
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => File::open(path),
        other => other,
    }
    .map_err(|e| Error::LockFile {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn try_lock_file(path: &Path, file: &File) -> Result<bool, Error> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(Error::LockFile {
            path: path.to_owned(),
            message: e.to_string(),
        }),
    }
}

/// A stable 64-bit advisory-lock key for a name.
fn advisory_key(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// MySQL lock names are at most 64 characters
/// (<https://dev.mysql.com/doc/refman/8.0/en/locking-functions.html>).
fn mysql_name(name: &str) -> String {
    if name.chars().count() <= 64 {
        name.to_owned()
    } else {
        format!("retort:{:016x}", advisory_key(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn postgres(database: &str, schema: &str) -> Identity {
        Identity::Postgres {
            database: database.to_owned(),
            schema: schema.to_owned(),
        }
    }

    #[test]
    fn postgres_keys_differ_by_database_schema_and_table() {
        let key = |id: &Identity, table| Key::new(id, table);
        let base = key(&postgres("app", "public"), "retort_version");
        assert_eq!(base, key(&postgres("app", "public"), "retort_version"));
        assert_ne!(base, key(&postgres("app", "other"), "retort_version"));
        assert_ne!(base, key(&postgres("app2", "public"), "retort_version"));
        assert_ne!(base, key(&postgres("app", "public"), "alembic_version"));
    }

    #[test]
    fn mysql_names_fold_case_where_the_server_does() {
        let mysql = |database: &str, fold_case| Identity::Mysql {
            database: Some(database.to_owned()),
            fold_case,
        };
        assert_eq!(
            Key::new(&mysql("App", false), "retort_version"),
            Key::Server(ServerLock::Named("retort:App:retort_version".into()))
        );
        assert_eq!(
            Key::new(&mysql("App", true), "Retort_Version"),
            Key::new(&mysql("app", true), "retort_version")
        );
        let long = Key::new(&mysql(&"d".repeat(64), false), "retort_version");
        let Key::Server(ServerLock::Named(name)) = long else {
            panic!("a named lock: {long:?}");
        };
        assert_eq!(name.len(), "retort:".len() + 16, "{name}");
    }

    #[test]
    fn sqlite_locks_a_file_beside_the_database_and_memory_nothing() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = dir.path().join("app.db");
        std::fs::write(&db, b"").expect("create the database file");
        let link = dir.path().join("link");
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), &link).expect("a symlink");
        #[cfg(unix)]
        assert_eq!(
            Key::new(
                &Identity::Sqlite {
                    file: Some(link.join("app.db"))
                },
                "v"
            ),
            Key::new(
                &Identity::Sqlite {
                    file: Some(db.clone())
                },
                "v"
            )
        );
        let Key::File(path) = Key::new(&Identity::Sqlite { file: Some(db) }, "v") else {
            panic!("a file lock");
        };
        assert!(path.ends_with("app.db-retort-lock"), "{}", path.display());
        assert_eq!(Key::new(&Identity::Sqlite { file: None }, "v"), Key::None);
    }

    #[test]
    fn a_held_file_lock_keeps_a_second_opener_out_until_closed() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("x-retort-lock");
        let first = open(&path).expect("open");
        let second = open(&path).expect("open again");
        assert!(try_lock_file(&path, &first).expect("lock"));
        assert!(!try_lock_file(&path, &second).expect("try"));
        drop(first);
        assert!(try_lock_file(&path, &second).expect("lock after close"));
    }
}
