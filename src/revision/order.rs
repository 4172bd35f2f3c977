//! The order a plan's steps run in: Alembic's (`RevisionMap._topological_sort`
//! in `alembic/script/revision.py`). Any order that puts each revision after
//! what it needs would run the same revisions, but the version-table rows a
//! run leaves depend on the order (see `heads`), so retort walks as Alembic
//! does: from the heads of the set downwards, one line at a time, leaving a
//! line for another head's whenever that head still needs the revision in
//! hand. Ties go to the revision whose file name sorts first, as Alembic
//! loads them; the graph keeps files in that order (`file::load_dir`).

use crate::revision::graph::{Node, RevisionGraph};

/// `nodes` (a set, as flags) from top to bottom: each revision before
/// everything it revises or depends on. `heads` are where the walk starts;
/// upgrades run the result reversed.
pub(crate) fn top_down(graph: &RevisionGraph, nodes: &[bool], heads: &[Node]) -> Vec<Node> {
    let mut todo = nodes.to_vec();
    let mut left = todo.iter().filter(|&&t| t).count();
    let mut current: Vec<Node> = heads.iter().copied().filter(|&h| todo[h]).collect();
    current.sort_unstable();
    current.dedup();
    let mut below: Vec<Vec<bool>> = current.iter().map(|&h| graph.ancestors(&[h])).collect();
    let mut order = Vec::with_capacity(left);
    let mut at = 0;
    // Each pass either emits a revision, drops a finished line, or moves to
    // a line that must go first; the last cannot repeat without one of the
    // others, so the walk ends. The bound is a safety net all the same.
    let mut budget = (graph.len() + 1) * (graph.len() + 1) * 4 + 16;
    while !current.is_empty() && budget > 0 {
        budget -= 1;
        let candidate = current[at];
        if let Some(other) = (0..current.len()).find(|&j| j != at && below[j][candidate]) {
            at = other;
            continue;
        }
        if todo[candidate] {
            todo[candidate] = false;
            left -= 1;
            order.push(candidate);
        }
        let next: Vec<Node> = graph
            .normalized_down(candidate)
            .iter()
            .copied()
            .filter(|&d| todo[d] && !current.contains(&d))
            .collect();
        match next.split_first() {
            None => {
                current.remove(at);
                below.remove(at);
                at = at.saturating_sub(1);
            }
            Some((&first, rest)) => {
                current[at] = first;
                if graph.parents(candidate).len() == 1
                    && graph.normalized_down(candidate).len() == 1
                {
                    // Straight down a line: what the parent needs is what the
                    // candidate needed, less the candidate. Recomputing would
                    // make a long linear history quadratic.
                    below[at][candidate] = false;
                } else {
                    below[at] = graph.ancestors(&[first]);
                }
                for &more in rest {
                    current.push(more);
                    below.push(graph.ancestors(&[more]));
                }
            }
        }
    }
    if left > 0 {
        // Revisions no head reaches (not expected): after the rest, top first.
        order.extend(graph.order().iter().rev().copied().filter(|&n| todo[n]));
    }
    order
}
