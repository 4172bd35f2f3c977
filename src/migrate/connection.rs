//! One pinned database connection over sqlx, for whichever database the URL
//! names. The driver's types differ per database, so this is the one place
//! that matches on them; everything above asks a [`Connection`].
//!
//! Session-level locks belong to one connection (CRATES.md), which is why
//! retort holds a single connection for a whole run rather than a pool.
//! Reads of tables are never cached as prepared statements, so DDL run by
//! a migration cannot invalidate them (PostgreSQL's "cached plan must not
//! change result type"). They go over the text protocol (`raw_sql`) rather
//! than as one-off prepared statements: on MySQL, closing one costs the
//! next query ~40 ms (see [`Connection::versions`]).

use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Row};

use crate::dialect::{mysql, postgres, sqlite};
use crate::migrate::write::Bound;
use crate::schema::Schema;
use crate::url::{DatabaseUrl, DialectKind, SqliteTarget};

/// Why connecting or a statement failed; the text never holds a password.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot connect to {url}: {message}")]
    Connect { url: String, message: String },
    #[error("{0}")]
    Database(String),
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Error::Database(describe(&error))
    }
}

/// The database's own message where there is one, without sqlx's wrapping.
pub fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} ({code})", db.message()),
            None => db.message().to_owned(),
        },
        other => other.to_string(),
    }
}

/// A row of the log table, as the checksum and resume checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub revision: String,
    pub down_revisions: Option<String>,
    pub direction: String,
    pub operation: String,
    pub checksum: Option<String>,
    pub success: bool,
    pub statements_applied: i64,
    pub statements_total: i64,
    pub error: Option<String>,
    pub downgrade_sql: Option<String>,
    pub started_at: String,
    /// The statements the run planned, as [`statement_hashes`] writes
    /// them; `None` in rows written before retort kept them.
    ///
    /// [`statement_hashes`]: crate::migrate::tables::statement_hashes
    pub statement_hashes: Option<String>,
}

/// A live connection to one of the three databases.
pub enum Connection {
    Postgres(PgConnection),
    Mysql(MySqlConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same code on whichever driver connection is inside.
macro_rules! on {
    ($self:expr, $conn:ident => $body:expr) => {
        match $self {
            Connection::Postgres($conn) => $body,
            Connection::Mysql($conn) => $body,
            Connection::Sqlite($conn) => $body,
        }
    };
}

/// Column 0 of a row as text, whatever its SQL type (see [`Connection::strings`]).
macro_rules! first_as_text {
    ($row:expr) => {{
        let row = $row;
        if let Ok(value) = row.try_get::<Option<String>, _>(0) {
            Ok(value.unwrap_or_else(|| "NULL".to_owned()))
        } else if let Ok(value) = row.try_get::<i64, _>(0) {
            Ok(value.to_string())
        } else if let Ok(value) = row.try_get::<i32, _>(0) {
            Ok(value.to_string())
        } else if let Ok(value) = row.try_get::<i16, _>(0) {
            // PostgreSQL decodes SMALLINT only as i16.
            Ok(value.to_string())
        } else {
            row.try_get::<bool, _>(0).map(|value| value.to_string())
        }
    }};
}

/// Host, port, user, password and database from the URL, on either
/// server driver's options (their builders share these method names).
macro_rules! with_server_parts {
    ($options:ident, $url:expr) => {
        if let Some(host) = $url.host() {
            $options = $options.host(host);
        }
        if let Some(port) = $url.port() {
            $options = $options.port(port);
        }
        if let Some(user) = $url.username() {
            $options = $options.username(user);
        }
        // An empty password in the URL (`root:@host`) means none.
        if let Some(password) = $url.password().filter(|p| !p.is_empty()) {
            $options = $options.password(password);
        }
        if let Some(database) = $url.database() {
            $options = $options.database(database);
        }
    };
}

impl Connection {
    /// Connects once; `busy` is how long SQLite waits for another writer.
    pub async fn connect(url: &DatabaseUrl, busy: Duration) -> Result<Connection, Error> {
        let fail = |error: sqlx::Error| Error::Connect {
            url: url.redacted(),
            message: describe(&error),
        };
        let invalid = |message: String| Error::Connect {
            url: url.redacted(),
            message,
        };
        Ok(match url.dialect() {
            DialectKind::Postgres => {
                // retort renders literals with only quotes doubled, which the
                // server reads as written only with this setting on (its default
                // since 9.1); a server or database set otherwise would read a
                // backslash in them as an escape.
                // https://www.postgresql.org/docs/current/runtime-config-compatible.html#GUC-STANDARD-CONFORMING-STRINGS
                let mut options = PgConnectOptions::new()
                    .application_name("retort")
                    .options([("standard_conforming_strings", "on")]);
                with_server_parts!(options, url);
                if let Some(mode) = url.option("sslmode") {
                    let mode: PgSslMode = mode
                        .parse()
                        .map_err(|_| invalid(format!("invalid sslmode `{mode}`")))?;
                    options = options.ssl_mode(mode);
                }
                if let Some(path) = url.option("sslrootcert") {
                    options = options.ssl_root_cert(path);
                }
                let mut connection = options.connect().await.map_err(fail)?;
                // PostgreSQL 14+ notices a vanished client during a long statement and
                // ends the session, releasing its advisory lock, instead of holding it
                // until the statement finishes. Older servers reject the setting: fine.
                // https://www.postgresql.org/docs/current/runtime-config-connection.html
                let _ = sqlx::raw_sql("SET client_connection_check_interval = 1000")
                    .execute(&mut connection)
                    .await;
                Connection::Postgres(connection)
            }
            DialectKind::Mysql => {
                let mut options = MySqlConnectOptions::new();
                with_server_parts!(options, url);
                if let Some(mode) = url.option("ssl_mode").or_else(|| url.option("ssl-mode")) {
                    let mode: MySqlSslMode = mode
                        .parse()
                        .map_err(|_| invalid(format!("invalid ssl_mode `{mode}`")))?;
                    options = options.ssl_mode(mode);
                }
                if let Some(path) = url.option("ssl_ca").or_else(|| url.option("ssl-ca")) {
                    options = options.ssl_ca(path);
                }
                Connection::Mysql(options.connect().await.map_err(fail)?)
            }
            DialectKind::Sqlite => {
                let options = match url.sqlite_target() {
                    Some(SqliteTarget::File(path)) => SqliteConnectOptions::new().filename(path),
                    _ => SqliteConnectOptions::new().in_memory(true),
                };
                let options = options.create_if_missing(true).busy_timeout(busy);
                Connection::Sqlite(options.connect().await.map_err(fail)?)
            }
        })
    }

    /// Which database this is.
    pub fn kind(&self) -> DialectKind {
        match self {
            Connection::Postgres(_) => DialectKind::Postgres,
            Connection::Mysql(_) => DialectKind::Mysql,
            Connection::Sqlite(_) => DialectKind::Sqlite,
        }
    }

    /// Runs one statement as written (no parameters, no statement cache).
    pub async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let query = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        on!(self, c => query.execute(&mut *c).await.map(|_| ()))
    }

    /// Runs one of retort's bookkeeping statements with `values` bound to
    /// its placeholders; returns how many rows it changed (with `counted`,
    /// the counts the statement returns, one per column) and, with
    /// `returns_id`, the id of the row it inserted. Prepared and kept: the
    /// statements are few and fixed, and their tables' shape does not change
    /// under them.
    pub async fn write(
        &mut self,
        sql: &str,
        values: &[Bound],
        counted: bool,
        returns_id: bool,
    ) -> Result<(Vec<u64>, Option<i64>), sqlx::Error> {
        macro_rules! bind_all {
            ($query:expr) => {{
                let mut query = $query;
                for value in values {
                    query = match value {
                        Bound::Text(text) => query.bind(text.clone()),
                        Bound::Int(number) => query.bind(*number),
                        Bound::Bool(flag) => query.bind(*flag),
                    };
                }
                query
            }};
        }
        let sql = AssertSqlSafe(sql.to_owned());
        if counted {
            let counts = on!(self, c => {
                let row = bind_all!(sqlx::query(sql)).fetch_one(&mut *c).await?;
                (0..row.len())
                    .map(|i| row.try_get::<i64, _>(i).map(|n| u64::try_from(n).unwrap_or(0)))
                    .collect::<Result<Vec<_>, _>>()?
            });
            return Ok((counts, None));
        }
        Ok(match self {
            // PostgreSQL reports an inserted id only through RETURNING.
            Connection::Postgres(c) if returns_id => {
                let sql = AssertSqlSafe(format!("{} RETURNING id", sql.0));
                let id: i64 = bind_all!(sqlx::query(sql))
                    .fetch_one(&mut *c)
                    .await?
                    .try_get(0)?;
                (vec![1], Some(id))
            }
            Connection::Postgres(c) => {
                let done = bind_all!(sqlx::query(sql)).execute(&mut *c).await?;
                (vec![done.rows_affected()], None)
            }
            Connection::Mysql(c) => {
                let done = bind_all!(sqlx::query(sql)).execute(&mut *c).await?;
                let id = returns_id.then(|| i64::try_from(done.last_insert_id()).unwrap_or(0));
                (vec![done.rows_affected()], id)
            }
            Connection::Sqlite(c) => {
                let done = bind_all!(sqlx::query(sql)).execute(&mut *c).await?;
                (
                    vec![done.rows_affected()],
                    returns_id.then(|| done.last_insert_rowid()),
                )
            }
        })
    }

    /// Runs a query and returns its first column as text, one string per
    /// row: text as is, integers and booleans formatted, NULL as `"NULL"`.
    /// For probes of the data (`autogenerate`'s NOT NULL check) and for
    /// tests; retort's own tables are read as typed rows. Not prepared, as
    /// in `versions`.
    pub async fn strings(&mut self, sql: &str) -> Result<Vec<String>, Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        let rows = on!(self, c => {
            let rows = sqlx::raw_sql(sql).fetch_all(&mut *c).await?;
            rows.iter().map(|row| first_as_text!(row)).collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// The server's version string.
    pub async fn server_version(&mut self) -> Result<String, Error> {
        let sql = match self {
            Connection::Sqlite(_) => "SELECT sqlite_version()",
            _ => "SELECT version()",
        };
        Ok(on!(self, c => sqlx::query(sql).fetch_one(&mut *c).await?.try_get::<String, _>(0)?))
    }

    /// True when `table` exists in the current database or schema.
    pub async fn table_exists(&mut self, table: &str) -> Result<bool, Error> {
        let sql = match self {
            Connection::Postgres(_) => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
            }
            Connection::Mysql(_) => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
            }
            Connection::Sqlite(_) => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
            }
        };
        // Kept prepared: the catalog's shape never changes under it, and on
        // MySQL closing a statement delays the next query (see `versions`).
        let count: i64 =
            on!(self, c => sqlx::query(sql).bind(table).fetch_one(&mut *c).await?.try_get(0)?);
        Ok(count > 0)
    }

    /// True when `table` has a column named `column`.
    pub async fn has_column(&mut self, table: &str, column: &str) -> Result<bool, Error> {
        let sql = match self {
            Connection::Postgres(_) => {
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2"
            }
            Connection::Mysql(_) => {
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?"
            }
            Connection::Sqlite(_) => "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?",
        };
        // Kept prepared, as in `table_exists`.
        let count: i64 = on!(self, c => sqlx::query(sql).bind(table).bind(column).fetch_one(&mut *c).await?.try_get(0)?);
        Ok(count > 0)
    }

    /// The version table's rows.
    pub async fn versions(&mut self, quoted_table: &str) -> Result<Vec<String>, Error> {
        // Not a prepared statement: on MySQL, the close of one that is not
        // kept goes unanswered, and with sqlx's sockets (no TCP_NODELAY) the
        // next query then waits ~40 ms for the server's delayed ACK.
        let sql = AssertSqlSafe(format!(
            "SELECT version_num FROM {quoted_table} ORDER BY version_num"
        ));
        let rows = on!(self, c => {
            let rows = sqlx::raw_sql(sql).fetch_all(&mut *c).await?;
            rows.iter().map(|row| row.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Every row of the log table, oldest first; `with_hashes` is false for
    /// a log table from before retort kept `statement_hashes`.
    pub async fn log(
        &mut self,
        quoted_table: &str,
        with_hashes: bool,
    ) -> Result<Vec<LogRow>, Error> {
        let started_at = match self {
            Connection::Postgres(_) => "started_at::text",
            _ => "CAST(started_at AS CHAR(40))",
        };
        let sql = AssertSqlSafe(format!(
            "SELECT revision, down_revisions, direction, operation, checksum, success, statements_applied, \
             statements_total, error, downgrade_sql, {started_at}, {hashes} FROM {quoted_table} ORDER BY id",
            hashes = if with_hashes {
                "statement_hashes"
            } else {
                "NULL"
            }
        ));
        // Not prepared, as in `versions`.
        let rows = on!(self, c => {
            let rows = sqlx::raw_sql(sql).fetch_all(&mut *c).await?;
            rows.iter()
                .map(|row| {
                    Ok::<_, sqlx::Error>(LogRow {
                        revision: row.try_get(0)?,
                        down_revisions: row.try_get(1)?,
                        direction: row.try_get(2)?,
                        operation: row.try_get(3)?,
                        checksum: row.try_get(4)?,
                        success: row.try_get(5)?,
                        statements_applied: i64::from(row.try_get::<i32, _>(6)?),
                        statements_total: i64::from(row.try_get::<i32, _>(7)?),
                        error: row.try_get(8)?,
                        downgrade_sql: row.try_get(9)?,
                        started_at: row.try_get(10)?,
                        statement_hashes: row.try_get(11)?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// The live schema of the current database (PostgreSQL: the current
    /// schema), every table except those named in `exclude` — retort's
    /// version and log tables, which callers pass. The result is normal for
    /// the database's dialect ([`Dialect::normalize`]): compare it with a
    /// model normalised the same way. A handful of catalog queries read
    /// the whole schema, whatever the number of tables; each dialect's
    /// `introspect.rs` says what is read and how.
    ///
    /// [`Dialect::normalize`]: crate::dialect::Dialect::normalize
    pub async fn introspect(&mut self, exclude: &[String]) -> Result<Schema, Error> {
        Ok(match self {
            Connection::Postgres(c) => postgres::introspect::introspect(c, exclude).await?,
            Connection::Mysql(c) => mysql::introspect::introspect(c, exclude).await?,
            Connection::Sqlite(c) => sqlite::introspect::introspect(c, exclude).await?,
        })
    }

    /// Tries once to take the migration lock named `name`; true when taken.
    /// SQLite has no session lock: its writers queue on `BEGIN IMMEDIATE`.
    pub async fn try_lock(&mut self, name: &str) -> Result<bool, Error> {
        Ok(match self {
            Connection::Postgres(c) => sqlx::query("SELECT pg_try_advisory_lock($1)")
                .bind(lock_key(name))
                .fetch_one(&mut *c)
                .await?
                .try_get::<bool, _>(0)?,
            Connection::Mysql(c) => {
                let got: Option<i64> = sqlx::query("SELECT GET_LOCK(?, 0)")
                    .bind(mysql_lock_name(name))
                    .fetch_one(&mut *c)
                    .await?
                    .try_get(0)?;
                got == Some(1)
            }
            Connection::Sqlite(_) => true,
        })
    }

    /// Releases the lock taken by [`try_lock`](Self::try_lock).
    pub async fn unlock(&mut self, name: &str) -> Result<(), Error> {
        match self {
            Connection::Postgres(c) => {
                sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(lock_key(name))
                    .execute(&mut *c)
                    .await?;
            }
            Connection::Mysql(c) => {
                sqlx::query("SELECT RELEASE_LOCK(?)")
                    .bind(mysql_lock_name(name))
                    .execute(&mut *c)
                    .await?;
            }
            Connection::Sqlite(_) => {}
        }
        Ok(())
    }

    /// True when another process can be kept out for a whole run; SQLite
    /// instead re-checks the version table inside each write transaction.
    pub fn has_session_lock(&self) -> bool {
        !matches!(self, Connection::Sqlite(_))
    }

    /// Closes the connection politely.
    pub async fn close(self) {
        // The server cleans up a dropped session either way.
        let _ = on!(self, c => c.close().await);
    }
}

/// A stable 64-bit advisory-lock key for a name.
fn lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// MySQL lock names are at most 64 characters.
fn mysql_lock_name(name: &str) -> String {
    if name.len() <= 64 {
        name.to_owned()
    } else {
        format!("retort:{:016x}", lock_key(name))
    }
}
