//! The version table's rows and how each step moves them. The rows are what
//! Alembic calls the current heads; a team that takes over an Alembic
//! database must find them exactly where Alembic would leave them, so each
//! step follows the rules of Alembic's `HeadMaintainer.update_to_step`
//! (`alembic/runtime/migration.py`):
//!
//! - applying a revision none of whose down revisions is a row inserts it
//!   (a new branch); when two or more are rows it replaces those that no
//!   other row stands on (a merge); otherwise it replaces the one row;
//! - reverting a row replaces it by its down revisions that no other row
//!   stands on (an unmerge), or deletes it when there are none (a base, or a
//!   revision whose down revisions stay applied through another row).
//!
//! "Down revisions" are the normalized ones: parents and the dependencies no
//! ancestor already has (see `lineage`).

use crate::revision::graph::{Node, RevisionGraph};

/// The rows after `node` is applied.
pub(crate) fn after_upgrade(graph: &RevisionGraph, rows: &mut Vec<Node>, node: Node) {
    let down = graph.normalized_down(node);
    let present: Vec<Node> = down.iter().copied().filter(|d| rows.contains(d)).collect();
    if present.len() > 1 {
        // A merge: the down revisions that another row already stands on
        // stay; the others give way to the merge.
        let others: Vec<Node> = rows.iter().copied().filter(|r| !down.contains(r)).collect();
        let held = graph.ancestors(&others);
        rows.retain(|r| !down.contains(r) || held[*r]);
    } else {
        rows.retain(|r| !present.contains(r));
    }
    rows.push(node);
    sort(graph, rows);
}

/// The rows after `node` is reverted.
pub(crate) fn after_downgrade(graph: &RevisionGraph, rows: &mut Vec<Node>, node: Node) {
    let down = graph.normalized_down(node);
    rows.retain(|&r| r != node);
    let to: Vec<Node> = if rows.is_empty() && down.len() < 2 {
        // The common case, a line walked down alone: no ancestry to consult.
        down.to_vec()
    } else if rows.is_empty() {
        // Down revisions that another down revision stands on stay implied.
        let mut implied = vec![false; graph.len()];
        for &d in down {
            let above = graph.ancestors(&[d]);
            for (n, &a) in above.iter().enumerate() {
                implied[n] |= a && n != d;
            }
        }
        down.iter().copied().filter(|&d| !implied[d]).collect()
    } else {
        let held = graph.ancestors(rows);
        down.iter().copied().filter(|&d| !held[d]).collect()
    };
    rows.extend(to);
    sort(graph, rows);
}

/// Rows in the graph's order, each once.
pub(crate) fn sort(graph: &RevisionGraph, rows: &mut Vec<Node>) {
    rows.sort_by_key(|&n| graph.position(n));
    rows.dedup();
}

/// Of `nodes`, those that no other of them stands on (through parents or
/// dependencies): the rows that hold exactly their ancestry.
pub(crate) fn tips_of(graph: &RevisionGraph, nodes: &[Node]) -> Vec<Node> {
    let mut rows: Vec<Node> = nodes
        .iter()
        .copied()
        .filter(|&n| {
            !nodes.iter().any(|&m| {
                m != n
                    && graph
                        .parents(m)
                        .iter()
                        .chain(graph.dependencies(m))
                        .any(|&p| graph.ancestors(&[p])[n])
            })
        })
        .collect();
    sort(graph, &mut rows);
    rows
}
