//! `stamp`: the version table's rows after stamping a target, without
//! running anything. Alembic's rules (`ScriptDirectory._stamp_revs` and
//! `StampStep` in `alembic/script/base.py` and `alembic/runtime/migration.py`):
//! the rows that share a line of descent with the target (dependencies
//! included) are the ones that move; when the target stands above or below
//! them, they are replaced by the target; when none shares its line, the
//! target is added as a new branch; `base` deletes them.

use crate::revision::applied::Applied;
use crate::revision::destination;
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::heads;
use crate::revision::lineage::Dependencies;
use crate::revision::target::{Error, Point, Target};

/// Whether `stamp` first forgets what the version table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Empty the version table first (`--purge`): the stamp writes the target alone.
    Yes,
    /// Start from the rows the version table holds, as `upgrade` and
    /// `downgrade` do.
    No,
}

/// The state after stamping `target`: with `purge`, exactly the target's
/// revisions; without, the rows moved as described above.
pub fn stamp(
    graph: &RevisionGraph,
    applied: &Applied,
    target: &Target,
    purge: Purge,
) -> Result<Applied, Error> {
    let Target::Point(point) = target else {
        return Err(Error::Syntax {
            input: target.to_string(),
            reason: "stamp needs a revision, `heads` or `base`, not a count; `retort current` shows where the database is".into(),
        });
    };
    let destinations = destination::point_targets(graph, point)?;
    let mut rows = match purge {
        Purge::Yes => Vec::new(),
        Purge::No => applied.rows().to_vec(),
    };
    let lineage = lineage_of(graph, point, &destinations)?;
    let moving: Vec<Node> = rows
        .iter()
        .copied()
        .filter(|&row| {
            lineage.is_empty()
                || lineage
                    .iter()
                    .any(|&l| graph.shares_lineage(row, l, Dependencies::Followed))
        })
        .collect();
    if destinations.is_empty() {
        rows.retain(|r| !moving.contains(r));
    }
    for &dest in &destinations {
        if moving.contains(&dest) {
            continue;
        }
        let above = graph.descendants(&[dest]);
        let below = graph.ancestors(&[dest]);
        let stands_above = moving.iter().any(|&m| above[m]);
        let stands_below = moving.iter().any(|&m| below[m]);
        if stands_above && stands_below {
            return Err(destination::refused(format!(
                "cannot stamp `{}`: the database is at revisions both above and below it ({}); stamp with --purge",
                graph.revision(dest).id.0,
                graph.names(&moving).join(", ")
            )));
        }
        if stands_above || stands_below {
            rows.retain(|r| !moving.contains(r));
        }
        rows.push(dest);
    }
    heads::sort(graph, &mut rows);
    Ok(Applied::with_rows(graph, rows))
}

/// The revisions whose line of descent picks the rows that move: the
/// target's, and its branch label's.
fn lineage_of(
    graph: &RevisionGraph,
    point: &Point,
    destinations: &[Node],
) -> Result<Vec<Node>, Error> {
    let mut lineage = destinations.to_vec();
    match point {
        Point::BranchBase(label) | Point::BranchHead(label) | Point::InBranch { label, .. } => {
            lineage.push(graph.resolve_name(label)?);
        }
        _ => {}
    }
    Ok(lineage)
}
