//! Planning: from the revisions a database is at (`applied`) and what a
//! command asks, one [`Plan`]: the steps to run in order, the version
//! table's rows before and after each, and what the log records. Pure
//! functions over the graph; no database involved, so a run, `--sql` and
//! `--dry-run` execute or print the same value, and the tests need no
//! server.
//!
//! Plans answer as Alembic 1.20 does on
//! the same graph and rows (`RevisionMap._collect_upgrade_revisions` and
//! `_collect_downgrade_revisions`), in Alembic's order (`order`): upgrading adds what the target needs,
//! parents and dependencies first; downgrading removes what stands on the
//! revisions above the target, dependents first. `tests/it/alembic.rs`
//! checks this against real Alembic; docs/revisions.md lists where retort
//! answers differently on purpose.

use crate::revision::destination::{self, Spot};
use crate::revision::direction::Direction;
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::order;
use crate::revision::target::{Error, Target};

pub use crate::revision::applied::{Applied, Step, UnknownRevisions};
pub use crate::revision::stamp::{Purge, stamp};

/// What a command asks of the database.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Operation {
    /// Apply revisions up to the target.
    Upgrade(Target),
    /// Revert revisions down to the target.
    Downgrade(Target),
    /// Set the version table to the target without running the revisions' SQL.
    Stamp(Target, Purge),
}

impl Operation {
    /// The name the log records for each revision the operation moves.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::Upgrade(_) => "upgrade",
            Operation::Downgrade(_) => "downgrade",
            Operation::Stamp(..) => "stamp",
        }
    }
}

/// Everything one operation does, decided before anything runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `upgrade`, `downgrade` or `stamp`: recorded in each log row.
    pub operation: &'static str,
    /// The state the plan starts from.
    pub start: Applied,
    /// The revisions to run, in order; none for a stamp.
    pub steps: Vec<Step>,
    /// The version table's rows: `versions[i]` before step `i`,
    /// `versions[i + 1]` after it. A stamp has two: before and after.
    pub versions: Vec<Vec<Node>>,
    /// The state once every step has run (or the stamp is done).
    pub end: Applied,
    /// For a stamp: the table moves without running anything.
    pub stamp: Option<Stamping>,
}

/// How a stamp moves the version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamping {
    /// With `--purge` the table is emptied first, rows no file has included.
    pub purge: Purge,
    /// The revisions that become applied (up) or stop being applied
    /// (down), in the graph's order: each gets a log row.
    pub recorded: Vec<Step>,
}

/// One step with its bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedStep<'p> {
    /// The revision and which way it goes.
    pub step: Step,
    /// The version table's rows before the step runs.
    pub versions_before: &'p [Node],
    /// The rows once it has run.
    pub versions_after: &'p [Node],
}

impl Plan {
    /// The steps with the rows around each.
    pub fn planned(&self) -> impl Iterator<Item = PlannedStep<'_>> {
        self.steps
            .iter()
            .zip(self.versions.windows(2))
            .map(|(&step, rows)| PlannedStep {
                step,
                versions_before: &rows[0],
                versions_after: &rows[1],
            })
    }

    /// True when the plan changes nothing: no step, and no stamp.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.stamp.is_none()
    }
}

/// The one planning entry: what `operation` does from `applied`.
pub fn plan(
    graph: &RevisionGraph,
    applied: &Applied,
    operation: &Operation,
) -> Result<Plan, Error> {
    let steps = match operation {
        Operation::Upgrade(target) => upgrade_steps(graph, applied, target)?,
        Operation::Downgrade(target) => downgrade_steps(graph, applied, target)?,
        Operation::Stamp(target, purge) => {
            let after = stamp(graph, applied, target, *purge)?;
            let recorded = graph
                .order()
                .iter()
                .filter_map(|&node| {
                    let direction = match (applied.contains(node), after.contains(node)) {
                        (false, true) => Direction::Up,
                        (true, false) => Direction::Down,
                        _ => return None,
                    };
                    Some(Step { node, direction })
                })
                .collect();
            return Ok(Plan {
                operation: operation.name(),
                start: applied.clone(),
                steps: Vec::new(),
                versions: vec![applied.rows().to_vec(), after.rows().to_vec()],
                end: after,
                stamp: Some(Stamping {
                    purge: *purge,
                    recorded,
                }),
            });
        }
    };
    let mut state = applied.clone();
    let mut versions = Vec::with_capacity(steps.len() + 1);
    versions.push(state.rows().to_vec());
    for &step in &steps {
        state.apply(graph, step);
        versions.push(state.rows().to_vec());
    }
    Ok(Plan {
        operation: operation.name(),
        start: applied.clone(),
        steps,
        versions,
        end: state,
        stamp: None,
    })
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

fn steps(nodes: impl IntoIterator<Item = Node>, direction: Direction) -> Vec<Step> {
    nodes
        .into_iter()
        .map(|node| Step { node, direction })
        .collect()
}

/// The plan that brings `applied` up to `target`.
pub fn upgrade(graph: &RevisionGraph, applied: &Applied, target: &Target) -> Result<Plan, Error> {
    plan(graph, applied, &Operation::Upgrade(target.clone()))
}

/// The plan that brings `applied` down to `target`.
pub fn downgrade(graph: &RevisionGraph, applied: &Applied, target: &Target) -> Result<Plan, Error> {
    plan(graph, applied, &Operation::Downgrade(target.clone()))
}

/// The steps that bring `applied` up to `target`.
fn upgrade_steps(
    graph: &RevisionGraph,
    applied: &Applied,
    target: &Target,
) -> Result<Vec<Step>, Error> {
    let targets = destination::upgrade_targets(graph, applied.rows(), applied.flags(), target)?;
    // Alembic refuses to upgrade when one row stands on another ("overlaps
    // with other requested revisions"), although its own downgrades can
    // leave such rows; retort upgrades from them (docs/revisions.md).
    Ok(steps(missing(graph, applied, &targets), Direction::Up))
}

/// The steps that bring `applied` down to `target`: every applied revision
/// that stands on a revision above the target, dependents first.
fn downgrade_steps(
    graph: &RevisionGraph,
    applied: &Applied,
    target: &Target,
) -> Result<Vec<Step>, Error> {
    let (spot, label) = destination::downgrade_target(graph, applied.rows(), target)?;
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
                graph.names(applied.rows()).join(", ")
            )));
        }
    }
    let above = graph.descendants(&roots);
    let todo: Vec<bool> = (0..graph.len())
        .map(|n| above[n] && applied.contains(n))
        .collect();
    let nodes = order::top_down(graph, &todo, applied.rows());
    if let Spot::At(node) = spot
        && nodes.is_empty()
        && !applied.rows().contains(&node)
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

#[cfg(test)]
mod tests;

#[cfg(test)]
mod alembic_cases;
