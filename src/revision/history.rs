//! `history -r START:END`: the revisions of a range, as Alembic's
//! `ScriptDirectory.walk_revisions` selects them (`iterate_revisions` with
//! `inclusive=True`, `implicit_base=False` in `alembic/script/revision.py`):
//! what END needs (parents and dependencies) that START does not, plus START
//! itself, kept to START's line of descent along `Revises:`. START must lie
//! below END.

use crate::revision::destination;
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::target::{Error, Point, Range, Target};

/// The revisions of `range`, newest first. A missing START is `base`, a
/// missing END `heads`.
pub fn history(graph: &RevisionGraph, range: &Range) -> Result<Vec<Node>, Error> {
    let nothing = vec![false; graph.len()];
    let top = match &range.end {
        None => graph.real_heads(),
        Some(end) => destination::upgrade_targets(graph, &[], &nothing, end)?,
    };
    let bottom = match &range.start {
        None => Vec::new(),
        Some(Target::Point(point)) => destination::point_targets(graph, point)?,
        Some(other) => destination::upgrade_targets(graph, &[], &nothing, other)?,
    };
    let required = graph.ancestors(&top);
    if let Some(&outside) = bottom.iter().find(|&&n| !required[n]) {
        return Err(destination::refused(format!(
            "`{}` is not below {}; a range goes from an older revision to a newer one",
            graph.revision(outside).id.0,
            match &range.end {
                Some(end) => format!("`{end}`"),
                None => format!("`{}`", Point::Heads),
            }
        )));
    }
    let below = graph.ancestors(&bottom);
    let mut line = vec![bottom.is_empty(); graph.len()];
    for &start in &bottom {
        for (n, on) in graph.branch(start).into_iter().enumerate() {
            line[n] |= on;
        }
    }
    Ok(graph
        .order()
        .iter()
        .rev()
        .copied()
        .filter(|&n| line[n] && required[n] && (!below[n] || bottom.contains(&n)))
        .collect())
}
