//! `stamp`: the version table moved from one set of revisions to another
//! without running them, with a log row for each, live or in a script.

use crate::dialect::Dialect;
use crate::migrate::tables::{LogEntry, Tables};
use crate::migrate::{Error, Sink};
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::{Plan, Purge};

/// Moves the version table as a stamp plan says, without running revisions.
/// A plan that is not a stamp writes nothing.
pub(super) async fn run_stamp(
    sink: &mut Sink<'_>,
    graph: &RevisionGraph,
    dialect: &dyn Dialect,
    tables: &Tables,
    plan: &Plan,
) -> Result<(), Error> {
    let Some(stamping) = &plan.stamp else {
        return Ok(());
    };
    // A stamp plan holds two sets of rows: before and after.
    let rows = |set: Option<&Vec<_>>| graph.names(set.map_or(&[][..], Vec::as_slice));
    let old = rows(plan.versions.first());
    let new = rows(plan.versions.last());
    let mut writes = Vec::new();
    if stamping.purge == Purge::Yes {
        writes.push(tables.purge_versions());
        writes.extend(tables.update_versions(&[], &new));
    } else {
        writes.extend(tables.update_versions(&old, &new));
    }
    let now = jiff::Timestamp::now();
    for step in &stamping.recorded {
        let entry = LogEntry {
            started_at: now,
            ..LogEntry::for_revision(
                graph,
                step.node,
                step.direction,
                plan.operation,
                dialect.kind(),
            )
        };
        writes.push(tables.log_insert(&entry));
    }
    let control = async |sink: &mut Sink<'_>, sql: &str| {
        sink.run(sql)
            .await
            .map_err(|e| Error::Database(e.to_string()))
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
