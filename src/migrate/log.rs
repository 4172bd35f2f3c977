//! Reading the log table, and bringing one written by an older retort up to
//! date.

use crate::connection::{Connection, LogRow};
use crate::dialect::Dialect;
use crate::migrate::Error;
use crate::migrate::tables::{self, Tables};

/// The log, or nothing before the first run (or in a dry run) created it.
pub(super) async fn read_log(
    connection: &mut Connection,
    tables: &Tables,
) -> Result<Vec<LogRow>, Error> {
    if !connection.table_exists(&tables.log_name).await? {
        return Ok(Vec::new());
    }
    let with_hashes = connection
        .has_column(&tables.log_name, "statement_hashes")
        .await?;
    Ok(connection.log(&tables.log, with_hashes).await?)
}

/// Adds to a log table from an older retort the columns it lacks.
pub(super) async fn upgrade_log_table(
    connection: &mut Connection,
    dialect: &dyn Dialect,
    tables: &Tables,
) -> Result<(), Error> {
    let mut missing = Vec::new();
    for &column in tables::LATER_LOG_COLUMNS {
        if !connection.has_column(&tables.log_name, column).await? {
            missing.push(column);
        }
    }
    for sql in tables.add_log_columns(dialect, &missing) {
        connection
            .execute(&sql)
            .await
            .map_err(|e| Error::Database(e.to_string()))?;
    }
    Ok(())
}
