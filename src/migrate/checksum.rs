//! Applied revisions whose file changed since they ran, and `--accept-checksum`,
//! which records the new checksum instead of refusing the run.

use std::path::PathBuf;

use crate::connection::{Connection, LogRow};
use crate::dialect::Dialect;
use crate::migrate::tables::{LogEntry, Tables};
use crate::migrate::{Error, Sink};
use crate::revision::Direction;
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::Applied;

/// Applied revisions whose file no longer matches the checksum logged when they ran.
pub(super) fn modified(
    graph: &RevisionGraph,
    applied: &Applied,
    log: &[LogRow],
) -> Vec<(String, PathBuf)> {
    let mut latest: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for row in log.iter().filter(|r| r.success && r.direction == "up") {
        if let Some(checksum) = &row.checksum {
            latest.insert(&row.revision, checksum);
        }
    }
    applied
        .nodes(graph)
        .into_iter()
        .map(|node| graph.revision(node))
        .filter(|revision| {
            latest
                .get(revision.id.0.as_str())
                .is_some_and(|&sum| sum != revision.checksum())
        })
        .map(|revision| (revision.id.0.clone(), revision.path.clone()))
        .collect()
}

/// Records the current checksum of each accepted revision.
pub(super) async fn accept(
    connection: &mut Connection,
    graph: &RevisionGraph,
    dialect: &dyn Dialect,
    tables: &Tables,
    state: &Applied,
    log: &[LogRow],
    accepted: &[String],
) -> Result<(), Error> {
    for (id, _) in modified(graph, state, log)
        .into_iter()
        .filter(|(id, _)| accepted.contains(id))
    {
        let Some(node) = graph.node(&id) else {
            continue;
        };
        let entry = LogEntry {
            duration_ms: Some(0),
            ..LogEntry::for_revision(graph, node, Direction::Up, "accept", dialect.kind())
        };
        Sink::Live(connection)
            .write(dialect, tables, &[tables.log_insert(&entry)], None)
            .await?;
    }
    Ok(())
}
