//! `stamp`: the version table moved from one set of revisions to another
//! without running them, with a log row for each, live or in a script.

use crate::dialect::Dialect;
use crate::migrate::tables::{LogEntry, Tables};
use crate::migrate::{Error, Sink, connection};
use crate::revision::Direction;
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::{Applied, Purge};

/// Moves the version table from `before` to `after` without running revisions.
pub(super) async fn run_stamp(
    sink: &mut Sink<'_>,
    graph: &RevisionGraph,
    dialect: &dyn Dialect,
    tables: &Tables,
    before: &Applied,
    after: &Applied,
    purge: Purge,
) -> Result<(), Error> {
    let old = graph.names(&before.tips(graph));
    let new = graph.names(&after.tips(graph));
    let mut writes = Vec::new();
    if purge == Purge::Yes {
        writes.push(tables.purge_versions());
        writes.extend(tables.update_versions(&[], &new));
    } else {
        writes.extend(tables.update_versions(&old, &new));
    }
    let now = jiff::Timestamp::now();
    for node in graph.order().iter().copied() {
        let direction = match (before.contains(node), after.contains(node)) {
            (false, true) => Direction::Up,
            (true, false) => Direction::Down,
            _ => continue,
        };
        let entry = LogEntry {
            started_at: now,
            ..LogEntry::for_revision(graph, node, direction, "stamp", dialect.kind())
        };
        writes.push(tables.log_insert(&entry));
    }
    let control = async |sink: &mut Sink<'_>, sql: &str| {
        sink.run(sql)
            .await
            .map_err(|e| Error::Database(connection::describe(&e)))
    };
    control(sink, dialect.begin()).await?;
    let mut result = sink.write(dialect, tables, &writes, None).await.map(|_| ());
    if result.is_ok() {
        result = control(sink, "COMMIT").await;
    }
    if result.is_err() {
        let _ = sink.run("ROLLBACK").await;
    }
    result
}
