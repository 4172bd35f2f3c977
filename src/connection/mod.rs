//! One pinned database connection over sqlx, for whichever database the URL
//! names. The driver's types differ per database, so this is the one place
//! that matches on them; everything above asks a [`Connection`]. The SQL it
//! sends for a database is that database's [`Dialect`]'s.
//!
//! Session-level locks belong to one connection (docs/architecture.md, "Driver traps the code works around"), which is why
//! retort holds a single connection for a whole run rather than a pool.
//! Reads of tables are never cached as prepared statements, so DDL run by
//! a migration cannot invalidate them (PostgreSQL's "cached plan must not
//! change result type"). They go over the text protocol (`raw_sql`) rather
//! than as one-off prepared statements: on MySQL, closing one costs the
//! next query ~40 ms (see [`Connection::versions`]).

use std::path::PathBuf;
use std::time::Duration;

use sqlx::mysql::MySqlConnection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Row};

mod options;

use crate::dialect::{Dialect, DialectKind, dialect, mysql, postgres, sqlite};
pub(crate) use crate::dialect::{Identity, ServerLock};
use crate::schema::Schema;
use crate::url::{DatabaseUrl, SqliteTarget};

/// A value as it is bound to a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bound {
    /// Text, or NULL.
    Text(Option<String>),
    /// An integer, or NULL.
    Int(Option<i64>),
    /// A boolean.
    Bool(bool),
}

/// Why connecting or a statement failed; the text never holds a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database could not be reached or refused the session.
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The URL as it may be shown: without its password.
        url: String,
        /// The driver's or the server's reason.
        message: String,
    },
    /// A statement failed: the server's message and, where it gives one,
    /// its error code in parentheses.
    #[error("{0}")]
    Database(String),
}

/// Runs `work` and turns the driver's error into [`Error::Database`].
/// Deliberately not a `From<sqlx::Error>` impl: a trait impl is public, and
/// the driver's types stay out of retort's API.
async fn driver<T>(
    work: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, Error> {
    work.await
        .map_err(|error| Error::Database(describe(&error)))
}

/// The database's own message where there is one, without sqlx's wrapping.
pub(crate) fn describe(error: &sqlx::Error) -> String {
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
#[non_exhaustive]
pub struct LogRow {
    /// The revision's identifier.
    pub revision: String,
    /// Its parents' identifiers, comma-separated; none for a first revision.
    pub down_revisions: Option<String>,
    /// `up` or `down`.
    pub direction: String,
    /// What wrote the row: `upgrade`, `downgrade`, `stamp`, or `accept` for
    /// an accepted checksum.
    pub operation: String,
    /// The checksum of the revision's file when the row was written.
    pub checksum: Option<String>,
    /// False while the revision runs, and when it failed.
    pub success: bool,
    /// Statements of it that ran and stay applied.
    pub statements_applied: i64,
    /// Statements it has.
    pub statements_total: i64,
    /// The failed statement's error, when it failed.
    pub error: Option<String>,
    /// The downgrade section as it was when the revision ran.
    pub downgrade_sql: Option<String>,
    /// When the revision started, as the database writes a timestamp.
    pub started_at: String,
    /// The statements the run planned, one hash each (comma-separated hex);
    /// `None` in rows written before retort kept them.
    pub statement_hashes: Option<String>,
}

/// A live connection to one of the three databases. Opaque: the driver
/// behind it is not part of retort's API.
pub struct Connection(Driver);

/// The driver's connection for each database.
enum Driver {
    Postgres(PgConnection),
    Mysql(MySqlConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same code on whichever driver connection is inside.
macro_rules! on {
    ($self:expr, $conn:ident => $body:expr) => {
        match &mut $self.0 {
            Driver::Postgres($conn) => $body,
            Driver::Mysql($conn) => $body,
            Driver::Sqlite($conn) => $body,
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

impl Connection {
    /// Connects once; `busy` is how long SQLite waits for another writer.
    /// An attempt on a server gives up after the URL's `connect_timeout`
    /// ([`crate::url::DEFAULT_CONNECT_TIMEOUT`] when not given): a server that accepts
    /// and never answers would otherwise hang the command.
    pub async fn connect(url: &DatabaseUrl, busy: Duration) -> Result<Connection, Error> {
        let fail = |error: sqlx::Error| Error::Connect {
            url: url.redacted(),
            message: describe(&error),
        };
        let limit = url.connect_options().connect_timeout;
        let timed_out = |limit: Duration| Error::Connect {
            url: url.redacted(),
            message: format!(
                "no answer within {} s (connect_timeout)",
                limit.as_secs_f64()
            ),
        };
        let mut connection = match url.dialect() {
            DialectKind::Postgres => {
                let options = options::postgres(url);
                let connection = within(limit, options.connect())
                    .await
                    .map_err(timed_out)?
                    .map_err(fail)?;
                Connection(Driver::Postgres(connection))
            }
            DialectKind::Mysql => {
                let options = options::mysql(url);
                let connection = within(limit, options.connect())
                    .await
                    .map_err(timed_out)?
                    .map_err(fail)?;
                Connection(Driver::Mysql(connection))
            }
            DialectKind::Sqlite => {
                let options = match url.sqlite_target() {
                    Some(SqliteTarget::File(path)) => SqliteConnectOptions::new().filename(path),
                    _ => SqliteConnectOptions::new().in_memory(true),
                };
                let options = options.create_if_missing(true).busy_timeout(busy);
                Connection(Driver::Sqlite(options.connect().await.map_err(fail)?))
            }
        };
        for setup in connection.dialect().session_setup() {
            let done = connection.execute(setup.sql).await;
            if let (true, Err(error)) = (setup.required, done) {
                return Err(Error::Connect {
                    url: url.redacted(),
                    message: error.to_string(),
                });
            }
        }
        Ok(connection)
    }

    /// Which database this is.
    pub fn kind(&self) -> DialectKind {
        match self.0 {
            Driver::Postgres(_) => DialectKind::Postgres,
            Driver::Mysql(_) => DialectKind::Mysql,
            Driver::Sqlite(_) => DialectKind::Sqlite,
        }
    }

    /// The dialect of this database, for the SQL to send it.
    pub fn dialect(&self) -> &'static dyn Dialect {
        dialect(self.kind())
    }

    /// Runs one statement as written (no parameters, no statement cache).
    pub async fn execute(&mut self, sql: &str) -> Result<(), Error> {
        driver(async {
            let query = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
            Ok(on!(self, c => query.execute(&mut *c).await.map(|_| ()))?)
        })
        .await
    }

    /// Runs one of retort's bookkeeping statements with `values` bound to
    /// its placeholders; returns how many rows it changed (with `counted`,
    /// the counts the statement returns, one per column) and, with
    /// `returns_id`, the id of the row it inserted. Prepared and kept: the
    /// statements are few and fixed, and their tables' shape does not change
    /// under them.
    pub(crate) async fn write(
        &mut self,
        sql: &str,
        values: &[Bound],
        counted: bool,
        returns_id: bool,
    ) -> Result<(Vec<u64>, Option<i64>), Error> {
        driver(async {
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
            if let Some(returning) = self.dialect().returning_id().filter(|_| returns_id) {
                let sql = AssertSqlSafe(format!("{} {returning}", sql.0));
                let id: i64 =
                    on!(self, c => bind_all!(sqlx::query(sql)).fetch_one(&mut *c).await?.try_get(0)?);
                return Ok((vec![1], Some(id)));
            }
            Ok(match &mut self.0 {
                Driver::Postgres(c) => {
                    let done = bind_all!(sqlx::query(sql)).execute(&mut *c).await?;
                    (vec![done.rows_affected()], None)
                }
                Driver::Mysql(c) => {
                    let done = bind_all!(sqlx::query(sql)).execute(&mut *c).await?;
                    let id = returns_id.then(|| i64::try_from(done.last_insert_id()).unwrap_or(0));
                    (vec![done.rows_affected()], id)
                }
                Driver::Sqlite(c) => {
                    let done = bind_all!(sqlx::query(sql)).execute(&mut *c).await?;
                    (
                        vec![done.rows_affected()],
                        returns_id.then(|| done.last_insert_rowid()),
                    )
                }
            })
        })
        .await
    }

    /// Runs a query and returns its first column as text, one string per
    /// row: text as is, integers and booleans formatted, NULL as `"NULL"`.
    /// For probes of the data (`autogenerate`'s NOT NULL check) and for
    /// tests; retort's own tables are read as typed rows. Not prepared, as
    /// in `versions`.
    pub async fn strings(&mut self, sql: &str) -> Result<Vec<String>, Error> {
        driver(async {
            let sql = AssertSqlSafe(sql.to_owned());
            let rows = on!(self, c => {
                let rows = sqlx::raw_sql(sql).fetch_all(&mut *c).await?;
                rows.iter().map(|row| first_as_text!(row)).collect::<Result<Vec<_>, sqlx::Error>>()?
            });
            Ok(rows)
        })
        .await
    }

    /// The server's version string.
    pub async fn server_version(&mut self) -> Result<String, Error> {
        driver(async {
            let sql = self.dialect().server_version_query();
            Ok(on!(self, c => sqlx::query(sql).fetch_one(&mut *c).await?.try_get::<String, _>(0)?))
        })
        .await
    }

    /// True when `table` exists in the current database or schema.
    pub async fn table_exists(&mut self, table: &str) -> Result<bool, Error> {
        driver(async {
            let sql = self.dialect().table_exists_query();
            // Kept prepared: the catalog's shape never changes under it, and on
            // MySQL closing a statement delays the next query (see `versions`).
            let count: i64 =
                on!(self, c => sqlx::query(sql).bind(table).fetch_one(&mut *c).await?.try_get(0)?);
            Ok(count > 0)
        })
        .await
    }

    /// True when `table` has a column named `column`.
    pub(crate) async fn has_column(&mut self, table: &str, column: &str) -> Result<bool, Error> {
        driver(async {
            let sql = self.dialect().column_exists_query();
            // Kept prepared, as in `table_exists`.
            let count: i64 = on!(self, c => sqlx::query(sql).bind(table).bind(column).fetch_one(&mut *c).await?.try_get(0)?);
            Ok(count > 0)
        })
        .await
    }

    /// The rows of the version table `version_table` (unquoted), or none
    /// when it does not exist yet; never creates it.
    pub async fn current_versions(&mut self, version_table: &str) -> Result<Vec<String>, Error> {
        if !self.table_exists(version_table).await? {
            return Ok(Vec::new());
        }
        let quoted = self.dialect().quote_ident(version_table);
        self.versions(&quoted).await
    }

    /// The version table's rows.
    pub async fn versions(&mut self, quoted_table: &str) -> Result<Vec<String>, Error> {
        driver(async {
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
        })
        .await
    }

    /// Every row of the log table, oldest first; `with_hashes` is false for
    /// a log table from before retort kept `statement_hashes`.
    pub async fn log(
        &mut self,
        quoted_table: &str,
        with_hashes: bool,
    ) -> Result<Vec<LogRow>, Error> {
        driver(async {
            let started_at = self.dialect().timestamp_as_text("started_at");
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
        })
        .await
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
        driver(async {
            Ok(match &mut self.0 {
                Driver::Postgres(c) => postgres::introspect::introspect(c, exclude).await?,
                Driver::Mysql(c) => mysql::introspect::introspect(c, exclude).await?,
                Driver::Sqlite(c) => sqlite::introspect::introspect(c, exclude).await?,
            })
        })
        .await
    }

    /// What the server says identifies the database this session is in,
    /// for naming the migration lock (see [`crate::migrate::lock`]).
    pub(crate) async fn identity(&mut self) -> Result<Identity, Error> {
        driver(async {
            let sql = self.dialect().identity_query();
            Ok(match &mut self.0 {
                Driver::Postgres(c) => {
                    let row = sqlx::query(sql).fetch_one(&mut *c).await?;
                    Identity::Postgres {
                        database: row.try_get(0)?,
                        schema: row.try_get(1)?,
                    }
                }
                Driver::Mysql(c) => {
                    let row = sqlx::query(sql).fetch_one(&mut *c).await?;
                    Identity::Mysql {
                        database: row.try_get(0)?,
                        fold_case: row.try_get::<i64, _>(1)? != 0,
                    }
                }
                Driver::Sqlite(c) => {
                    let file: String = sqlx::query(sql).fetch_one(&mut *c).await?.try_get(0)?;
                    Identity::Sqlite {
                        file: Some(PathBuf::from(file)).filter(|f| !f.as_os_str().is_empty()),
                    }
                }
            })
        })
        .await
    }

    /// Tries once to take a session lock; true when taken.
    pub(crate) async fn try_lock(&mut self, lock: &ServerLock) -> Result<bool, Error> {
        let Some(queries) = self.dialect().session_lock() else {
            return Err(unsupported(self.kind(), lock));
        };
        let sql = queries.try_lock;
        let kind = self.kind();
        let taken = driver(async {
            Ok(match (&mut self.0, lock) {
                (Driver::Postgres(c), ServerLock::Advisory(key)) => Some(
                    sqlx::query(sql)
                        .bind(key)
                        .fetch_one(&mut *c)
                        .await?
                        .try_get::<bool, _>(0)?,
                ),
                (Driver::Mysql(c), ServerLock::Named(name)) => {
                    let got: Option<i64> = sqlx::query(sql)
                        .bind(name)
                        .fetch_one(&mut *c)
                        .await?
                        .try_get(0)?;
                    Some(got == Some(1))
                }
                _ => None,
            })
        })
        .await?;
        taken.ok_or_else(|| unsupported(kind, lock))
    }

    /// Releases a lock taken by [`try_lock`](Self::try_lock).
    pub(crate) async fn unlock(&mut self, lock: &ServerLock) -> Result<(), Error> {
        let Some(queries) = self.dialect().session_lock() else {
            return Err(unsupported(self.kind(), lock));
        };
        let sql = queries.unlock;
        let kind = self.kind();
        let released = driver(async {
            match (&mut self.0, lock) {
                (Driver::Postgres(c), ServerLock::Advisory(key)) => {
                    sqlx::query(sql).bind(key).execute(&mut *c).await?;
                }
                (Driver::Mysql(c), ServerLock::Named(name)) => {
                    sqlx::query(sql).bind(name).execute(&mut *c).await?;
                }
                _ => return Ok(false),
            }
            Ok(true)
        })
        .await?;
        if released {
            Ok(())
        } else {
            Err(unsupported(kind, lock))
        }
    }

    /// Ends whatever transaction a failed run left open, so that what
    /// follows on this session (releasing the lock, the caller's next
    /// statement) is not refused as part of an aborted transaction.
    pub(crate) async fn roll_back_open_transaction(&mut self) {
        // PostgreSQL and MySQL accept a ROLLBACK with no transaction open
        // (PostgreSQL with a warning); SQLite refuses it, which is as good.
        let _ = self.execute("ROLLBACK").await;
    }

    /// True when the server keeps other sessions out for a whole run. On
    /// SQLite an OS file lock does that for retort runs ([`crate::migrate::lock`]);
    /// each write transaction still re-reads the version table, so a writer
    /// that takes no such lock cannot make a revision run twice either.
    pub(crate) fn has_session_lock(&self) -> bool {
        self.dialect().session_lock().is_some()
    }

    /// Closes the connection politely.
    pub async fn close(self) {
        // The server cleans up a dropped session either way.
        let _ = match self.0 {
            Driver::Postgres(c) => c.close().await,
            Driver::Mysql(c) => c.close().await,
            Driver::Sqlite(c) => c.close().await,
        };
    }
}

/// Runs `future` for at most `limit` (for ever when `None`); `Err(limit)`
/// when it ran out.
async fn within<T>(
    limit: Option<Duration>,
    future: impl std::future::Future<Output = T>,
) -> Result<T, Duration> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, future).await.map_err(|_| limit),
        None => Ok(future.await),
    }
}

fn unsupported(kind: DialectKind, lock: &ServerLock) -> Error {
    Error::Database(format!("a {lock:?} lock does not exist on {kind}"))
}
