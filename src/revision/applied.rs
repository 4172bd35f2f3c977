//! The revisions a database is at, and one move of that state. The state is
//! the version table's rows (Alembic's "current heads") and the set of
//! applied revisions they imply: each row with everything it revises or
//! depends on. How a step moves the rows is `heads`'s business.

use crate::revision::direction::Direction;
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::heads;

/// One revision to apply or revert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The revision.
    pub node: Node,
    /// Whether it is applied or reverted.
    pub direction: Direction,
}

/// The revisions a database is at: the version table's rows and everything
/// they imply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    applied: Vec<bool>,
    rows: Vec<Node>,
}

/// Version-table rows that no revision file knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the database is at {}, which no revision file has", .ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "))]
#[non_exhaustive]
pub struct UnknownRevisions {
    /// The unknown identifiers, as the version table holds them.
    pub ids: Vec<String>,
}

impl Applied {
    /// Nothing applied: an empty database.
    pub fn empty(graph: &RevisionGraph) -> Self {
        Applied {
            applied: vec![false; graph.len()],
            rows: Vec::new(),
        }
    }

    /// The state whose version-table rows are `versions`.
    pub fn from_versions<S: AsRef<str>>(
        graph: &RevisionGraph,
        versions: &[S],
    ) -> Result<Self, UnknownRevisions> {
        let mut nodes = Vec::with_capacity(versions.len());
        let mut unknown = Vec::new();
        for version in versions {
            match graph.node(version.as_ref()) {
                Some(node) => nodes.push(node),
                None => unknown.push(version.as_ref().to_owned()),
            }
        }
        if unknown.is_empty() {
            Ok(Self::with_rows(graph, nodes))
        } else {
            Err(UnknownRevisions { ids: unknown })
        }
    }

    /// Everything up to and including `nodes`; the rows are those of
    /// `nodes` that no other stands on.
    pub fn at(graph: &RevisionGraph, nodes: &[Node]) -> Self {
        Self::with_rows(graph, heads::tips_of(graph, nodes))
    }

    /// The state whose rows are exactly `rows`.
    pub(crate) fn with_rows(graph: &RevisionGraph, mut rows: Vec<Node>) -> Self {
        heads::sort(graph, &mut rows);
        Applied {
            applied: graph.ancestors(&rows),
            rows,
        }
    }

    /// True when the revision is applied.
    pub fn contains(&self, node: Node) -> bool {
        self.applied[node]
    }

    /// True when nothing is applied.
    pub fn is_empty(&self) -> bool {
        !self.applied.contains(&true)
    }

    /// The applied revisions in topological order.
    pub fn nodes(&self, graph: &RevisionGraph) -> Vec<Node> {
        graph
            .order()
            .iter()
            .copied()
            .filter(|&n| self.applied[n])
            .collect()
    }

    /// The version table's rows, in topological order.
    pub fn tips(&self, _graph: &RevisionGraph) -> Vec<Node> {
        self.rows.clone()
    }

    /// The version table's rows, borrowed.
    pub(crate) fn rows(&self) -> &[Node] {
        &self.rows
    }

    /// The applied flags, one per node.
    pub(crate) fn flags(&self) -> &[bool] {
        &self.applied
    }

    /// Applies or reverts one step, moving the rows as Alembic does.
    pub fn apply(&mut self, graph: &RevisionGraph, step: Step) {
        self.applied[step.node] = step.direction == Direction::Up;
        match step.direction {
            Direction::Up => heads::after_upgrade(graph, &mut self.rows, step.node),
            Direction::Down => heads::after_downgrade(graph, &mut self.rows, step.node),
        }
    }
}
