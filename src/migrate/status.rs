//! `status` and `current`: where a database is against the revision files,
//! read without writing.

use crate::connection::{Connection, LogRow};
use crate::dialect;
use crate::migrate::Error;
use crate::migrate::checksum::modified;
use crate::migrate::log::read_log;
use crate::migrate::partial::stopped;
use crate::migrate::stored::with_stored_copies;
use crate::migrate::tables::Tables;
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::{self, Applied};

/// `status`: where the database is, and what is wrong.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Status {
    /// The revisions the version table names.
    pub current: Vec<String>,
    /// The revisions an upgrade to the heads would apply.
    pub pending: Vec<String>,
    /// Applied revisions whose file changed since they ran.
    pub modified: Vec<String>,
    /// Revisions the version table names that no file has.
    pub unknown: Vec<String>,
    /// A revision that stopped part way in an earlier run.
    pub partial: Option<LogRow>,
}

/// The version rows, or none when the table does not exist yet; never creates it.
pub async fn current(
    connection: &mut Connection,
    version_table: &str,
) -> Result<Vec<String>, Error> {
    Ok(connection.current_versions(version_table).await?)
}

/// Reads the database's state against the graph; never writes.
pub async fn status(
    connection: &mut Connection,
    graph: &RevisionGraph,
    version_table: &str,
) -> Result<Status, Error> {
    let rows = current(connection, version_table).await?;
    let tables = Tables::new(dialect::dialect(connection.kind()), version_table);
    let log = read_log(connection, &tables).await?;
    let unknown: Vec<String> = rows
        .iter()
        .filter(|r| graph.node(r).is_none())
        .cloned()
        .collect();
    // A revision whose file is gone still counts as applied, with its parents.
    let stored = if unknown.is_empty() {
        None
    } else {
        with_stored_copies(graph, &rows, &log).ok()
    };
    let (applied, pending) = match &stored {
        Some(stored) => {
            let everything = Applied::from_versions(stored, &rows)?;
            let pending = stored.names(&plan::pending(stored, &everything));
            // Files come first in the rebuilt graph, so their nodes are the same.
            let known: Vec<_> = everything
                .nodes(stored)
                .into_iter()
                .filter(|&n| n < graph.len())
                .collect();
            (Applied::at(graph, &known), pending)
        }
        None => {
            let known: Vec<&String> = rows.iter().filter(|r| graph.node(r).is_some()).collect();
            let applied = Applied::from_versions(graph, &known)?;
            let pending = graph.names(&plan::pending(graph, &applied));
            (applied, pending)
        }
    };
    Ok(Status {
        partial: stopped(&log, &pending, &rows),
        current: rows,
        modified: modified(graph, &applied, &log)
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
        pending,
        unknown,
    })
}
