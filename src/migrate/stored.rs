//! Revisions applied from a file that is gone, rebuilt from the log so a
//! downgrade can still revert them.

use std::path::PathBuf;

use crate::connection::LogRow;
use crate::migrate::Error;
use crate::revision::Direction;
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::UnknownRevisions;

/// The graph plus, for each current revision that no file has, a revision
/// rebuilt from its log row: its parents and the downgrade SQL stored when it
/// was applied (a rollback of the deploy that brought the file).
pub(super) fn with_stored_copies(
    graph: &RevisionGraph,
    rows: &[String],
    log: &[LogRow],
) -> Result<RevisionGraph, Error> {
    use crate::revision::file::{Reference, Revision, RevisionId, Section};
    use crate::revision::location::Location;
    let mut revisions = graph.revisions().to_vec();
    let mut missing = Vec::new();
    for id in rows.iter().filter(|r| graph.node(r).is_none()) {
        let Some(row) = log
            .iter()
            .rev()
            .find(|row| &row.revision == id && row.success && row.direction == "up")
        else {
            missing.push(id.clone());
            continue;
        };
        let path = PathBuf::from(format!("<{id} as stored in the log>"));
        let location = Location {
            path: path.clone(),
            line: 1,
            column: 1,
            offset: 0,
            len: 0,
        };
        let reference = |name: &str| Reference {
            name: name.to_owned(),
            location: location.clone(),
        };
        // Stored as written; parsed again as portable SQL, where anything
        // retort does not understand still runs as written.
        let section = |direction, sql: &str| Section {
            direction,
            dialect: None,
            transaction: true,
            sql: sql.to_owned(),
            line: 1,
            sql_line: 1,
        };
        let mut sections = vec![section(Direction::Up, "")];
        if let Some(sql) = &row.downgrade_sql {
            sections.push(section(Direction::Down, sql));
        }
        revisions.push(Revision {
            id: RevisionId(id.clone()),
            down_revisions: row
                .down_revisions
                .iter()
                .flat_map(|d| d.split(','))
                .map(reference)
                .collect(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            message: "(file missing; stored copy)".to_owned(),
            create_date: None,
            path,
            id_location: location.clone(),
            sections,
        });
    }
    if !missing.is_empty() {
        return Err(Error::Unknown(UnknownRevisions { ids: missing }));
    }
    RevisionGraph::build(revisions).map_err(|e| {
        Error::Database(format!(
            "cannot rebuild the missing revisions from the log: {}",
            e.problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}
