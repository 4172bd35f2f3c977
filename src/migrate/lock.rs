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
//! The server locks' names and SQL are the dialects'
//! ([`Dialect::server_lock`], [`Dialect::session_lock`]); this module picks
//! the kind of lock and keeps the file locks.
//!
//! Every lock ends with its holder: a killed process's advisory or named
//! lock goes with its session, its file lock with its open file.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Error;
use super::run::Event;
use crate::connection::{Connection, Identity, ServerLock};
use crate::dialect::Dialect;

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
    /// The lock for `version_table` in the database `identity` describes:
    /// the dialect's session lock where it has one, else a file lock beside
    /// a database that is a file.
    pub(crate) fn new(dialect: &dyn Dialect, identity: &Identity, version_table: &str) -> Key {
        match (
            dialect.server_lock(identity, version_table),
            identity.file(),
        ) {
            (Some(lock), _) => Key::Server(lock),
            (None, Some(path)) => Key::File(sidecar(path)),
            (None, None) => Key::None,
        }
    }

    /// A query that names the session holding a server lock.
    pub fn holder_query(&self) -> Option<String> {
        match self {
            Key::Server(lock) => lock.holder_query(),
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
    let key = Key::new(connection.dialect(), &identity, version_table);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DialectKind;
    use crate::dialect::dialect;

    // The server locks' names are the dialects' (dialect/session.rs tests).

    fn key(identity: Identity, table: &str) -> Key {
        Key::new(dialect(DialectKind::Sqlite), &identity, table)
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
            key(
                Identity::Sqlite {
                    file: Some(link.join("app.db"))
                },
                "v"
            ),
            key(
                Identity::Sqlite {
                    file: Some(db.clone())
                },
                "v"
            )
        );
        let Key::File(path) = key(Identity::Sqlite { file: Some(db) }, "v") else {
            panic!("a file lock");
        };
        assert!(path.ends_with("app.db-retort-lock"), "{}", path.display());
        assert_eq!(key(Identity::Sqlite { file: None }, "v"), Key::None);
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
