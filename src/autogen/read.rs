//! What a comparison reads from the database: the version rows, the live
//! schema, and the rows the review's warnings depend on.

use std::collections::HashMap;

use crate::config::TableNames;
use crate::connection::Connection;
use crate::dialect::dialect;
use crate::diff::review::{self, Rows, Warning};
use crate::op::Op;
use crate::schema::Schema;

use super::{Error, Settings};

/// The live schema without retort's own tables and those `exclude_tables`
/// leaves alone (what `retort dump` prints).
pub async fn introspect(connection: &mut Connection, settings: &Settings) -> Result<Schema, Error> {
    let names = TableNames::new(&settings.version_table);
    let mut schema = connection.introspect(&[names.version, names.log]).await?;
    settings.exclude_tables.apply(&mut schema);
    Ok(schema)
}

/// The warnings for `ops`, with the rows they depend on read from the
/// database.
pub(super) async fn review(connection: &mut Connection, ops: &[Op]) -> Vec<Warning> {
    let mut answers = HashMap::new();
    for probe in review::probes(ops, dialect(connection.kind())) {
        let rows = match connection.strings(&probe.sql).await {
            Ok(rows) if rows.is_empty() => Rows::None,
            Ok(_) => Rows::Found,
            Err(error) => Rows::Unknown(error.to_string()),
        };
        answers.insert(probe.op, rows);
    }
    review::warnings(ops, |op| answers.get(&op).cloned().unwrap_or(Rows::None))
}
