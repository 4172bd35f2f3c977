//! Planning: from the revisions a database is at and a target, the ordered
//! steps to run. Pure functions over the graph; no database involved.
//!
//! The database state is the version table's rows (Alembic's "current
//! heads") and the set of applied revisions they imply: each row with
//! everything it revises or depends on. Plans answer as Alembic 1.20 does on
//! the same graph and rows (`RevisionMap._collect_upgrade_revisions` and
//! `_collect_downgrade_revisions`), in Alembic's order (`order`): upgrading adds what the target needs,
//! parents and dependencies first; downgrading removes what stands on the
//! revisions above the target, dependents first. `tests/it/alembic.rs`
//! checks this against real Alembic; docs/revisions.md lists where retort
//! answers differently on purpose.

use crate::revision::destination::{self, Spot};
use crate::revision::direction::Direction;
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::heads;
use crate::revision::order;
use crate::revision::target::{Error, Target};

pub use crate::revision::stamp::stamp;

/// One revision to apply or revert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub node: Node,
    pub direction: Direction,
}

/// The steps to run, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
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
pub struct UnknownRevisions {
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

    /// Applies or reverts one step, moving the rows as Alembic does.
    pub fn apply(&mut self, graph: &RevisionGraph, step: Step) {
        self.applied[step.node] = step.direction == Direction::Up;
        match step.direction {
            Direction::Up => heads::after_upgrade(graph, &mut self.rows, step.node),
            Direction::Down => heads::after_downgrade(graph, &mut self.rows, step.node),
        }
    }
}

/// Revisions the heads need that are not applied, in the order `upgrade
/// heads` would apply them.
pub fn pending(graph: &RevisionGraph, applied: &Applied) -> Vec<Node> {
    missing(graph, applied, &graph.real_heads())
}

/// What `targets` need that is not applied, in Alembic's apply order.
fn missing(graph: &RevisionGraph, applied: &Applied, targets: &[Node]) -> Vec<Node> {
    let needed = graph.ancestors(targets);
    let todo: Vec<bool> = (0..graph.len())
        .map(|n| needed[n] && !applied.contains(n))
        .collect();
    let mut order = order::top_down(graph, &todo, targets);
    order.reverse();
    order
}

fn steps(nodes: impl IntoIterator<Item = Node>, direction: Direction) -> Plan {
    Plan {
        steps: nodes
            .into_iter()
            .map(|node| Step { node, direction })
            .collect(),
    }
}

/// The steps that bring `applied` up to `target`.
pub fn upgrade(graph: &RevisionGraph, applied: &Applied, target: &Target) -> Result<Plan, Error> {
    let targets = destination::upgrade_targets(graph, &applied.rows, &applied.applied, target)?;
    // Alembic refuses to upgrade when one row stands on another ("overlaps
    // with other requested revisions"), although its own downgrades can
    // leave such rows; retort upgrades from them (docs/revisions.md).
    Ok(steps(missing(graph, applied, &targets), Direction::Up))
}

/// The steps that bring `applied` down to `target`: every applied revision
/// that stands on a revision above the target, dependents first.
pub fn downgrade(graph: &RevisionGraph, applied: &Applied, target: &Target) -> Result<Plan, Error> {
    let (spot, label) = destination::downgrade_target(graph, &applied.rows, target)?;
    let mut roots: Vec<Node> = match spot {
        Spot::Bottom => graph.bases().to_vec(),
        Spot::At(node) => graph.children(node).to_vec(),
    };
    if let Some(label) = label
        && roots.len() > 1
    {
        // Only the roots on the named branch's line.
        let line = graph.versioned_ancestors(&[label]);
        roots.retain(|&r| line[r]);
        if roots.is_empty() {
            return Err(destination::refused(format!(
                "`{target}` is not a valid downgrade target from the current revisions ({}): nothing on that branch stands above it",
                graph.names(&applied.rows).join(", ")
            )));
        }
    }
    let above = graph.descendants(&roots);
    let todo: Vec<bool> = (0..graph.len())
        .map(|n| above[n] && applied.contains(n))
        .collect();
    let nodes = order::top_down(graph, &todo, &applied.rows);
    if let Spot::At(node) = spot
        && nodes.is_empty()
        && !applied.rows.contains(&node)
    {
        return Err(Error::Syntax {
            input: target.to_string(),
            reason: format!(
                "`{}` is not applied, or nothing above it is; a downgrade goes to a revision at or below the current one",
                graph.revision(node).id.0
            ),
        });
    }
    Ok(steps(nodes, Direction::Down))
}

/// Whether `stamp` first forgets what the version table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    Yes,
    No,
}

/// For `stamp --purge` and offline scripts: the revisions a fixed target names.
pub fn fixed_nodes(graph: &RevisionGraph, target: &Target) -> Result<Vec<Node>, Error> {
    match target {
        Target::Point(point) => destination::point_targets(graph, point),
        other => Err(Error::Syntax {
            input: other.to_string(),
            reason: "name a revision, `heads` or `base`, not a count".into(),
        }),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod alembic_cases;
