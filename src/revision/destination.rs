//! Where an `upgrade` or `downgrade` goes, read the way Alembic reads its
//! argument against the version table's rows (`RevisionMap._parse_upgrade_target`,
//! `_parse_downgrade_target` and `_walk` in `alembic/script/revision.py`):
//!
//! - counts (`+2`, `head-1`, `LABEL@base+1`) walk along `Revises:` links,
//!   one revision per step, and stop with an error where the graph branches
//!   or merges on the way;
//! - `+N` counts from the single current row (on `LABEL@+N`, the row on that
//!   branch, or the branch's last applied revision);
//! - `-N` counts down from the current row (on `LABEL@-N`, the row on that
//!   branch, found through dependencies when no row is on it).

use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::lineage::Dependencies;
use crate::revision::target::{Error, Point, Target};

/// A place a walk can stand: below every base, or at a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spot {
    Bottom,
    At(Node),
}

/// The revisions an upgrade goes to (empty: nothing to do).
pub(crate) fn upgrade_targets(
    graph: &RevisionGraph,
    rows: &[Node],
    applied: &[bool],
    target: &Target,
) -> Result<Vec<Node>, Error> {
    let spot = match target {
        Target::Point(point) => return point_targets(graph, point),
        Target::Walk { from, delta } => {
            let (start, label) = walk_start(graph, from, *delta)?;
            walk(graph, start, *delta, label, &target.to_string())?
        }
        Target::Current { branch, delta } => {
            if *delta < 0 {
                return Err(refused(format!(
                    "`{target}` counts down; upgrade counts forward: write `+{}`",
                    delta.unsigned_abs()
                )));
            }
            let label = branch
                .as_deref()
                .map(|l| graph.resolve_name(l))
                .transpose()?;
            let start = current_for_upgrade(graph, rows, applied, label)?;
            walk(graph, start, *delta, label, &target.to_string())?
        }
    };
    Ok(match spot {
        Spot::At(node) => vec![node],
        Spot::Bottom => Vec::new(),
    })
}

/// Where a downgrade goes, and the branch that limits what it reverts.
pub(crate) fn downgrade_target(
    graph: &RevisionGraph,
    rows: &[Node],
    target: &Target,
) -> Result<(Spot, Option<Node>), Error> {
    match target {
        Target::Point(point) => {
            let label = match point {
                Point::BranchHead(l) | Point::BranchBase(l) | Point::InBranch { label: l, .. } => {
                    Some(graph.resolve_name(l)?)
                }
                _ => None,
            };
            let spot = match point {
                Point::Base | Point::BranchBase(_) => Spot::Bottom,
                Point::Heads => Spot::At(single(graph, &graph.real_heads())?),
                // Alembic takes the revision as named; the label only
                // limits which branch is reverted.
                Point::InBranch { name, .. } => Spot::At(graph.resolve_name(name)?),
                other => match point_targets(graph, other)?.as_slice() {
                    [node] => Spot::At(*node),
                    _ => Spot::Bottom,
                },
            };
            Ok((spot, label))
        }
        Target::Walk { from, delta } => {
            let (start, walk_label) = walk_start(graph, from, *delta)?;
            let spot = walk(graph, start, *delta, walk_label, &target.to_string())?;
            // The branch named in the target limits what is reverted, as in
            // Alembic, however the walk went.
            let label = match from {
                Point::BranchHead(l) | Point::BranchBase(l) | Point::InBranch { label: l, .. } => {
                    Some(graph.resolve_name(l)?)
                }
                _ => None,
            };
            Ok((spot, label))
        }
        Target::Current { branch, delta } => {
            if *delta > 0 {
                return Err(refused(format!(
                    "`{target}` counts up; downgrade counts back: write `-{delta}`"
                )));
            }
            let (symbol, label) = match branch {
                Some(name) => {
                    let label = graph.resolve_name(name)?;
                    (current_on_branch(graph, rows, label, target)?, label)
                }
                None => match rows {
                    [] => {
                        return Err(Error::WalkPastEnd {
                            from: "the current revision".into(),
                            steps: *delta,
                            available: 0,
                        });
                    }
                    [row] => (*row, *row),
                    many => {
                        return Err(refused(format!(
                            "the database is at several revisions ({}); name a branch (`LABEL@{delta}`) or a revision",
                            graph.names(many).join(", ")
                        )));
                    }
                },
            };
            let spot = walk(graph, Spot::At(symbol), *delta, None, &target.to_string())?;
            Ok((spot, Some(label)))
        }
    }
}

/// The revisions a fixed point names, as `upgrade` and `stamp` take them.
pub(crate) fn point_targets(graph: &RevisionGraph, point: &Point) -> Result<Vec<Node>, Error> {
    Ok(match point {
        // What nothing revises or depends on: the rest comes with them.
        Point::Heads => graph.real_heads(),
        Point::Base | Point::BranchBase(_) => Vec::new(),
        Point::Head => match graph.heads() {
            [] => Vec::new(),
            heads => vec![single(graph, heads)?],
        },
        Point::Name(name) => vec![graph.resolve_name(name)?],
        Point::BranchHead(name) => vec![graph.branch_head(graph.resolve_name(name)?)?],
        Point::InBranch { label, name } => vec![graph.resolve_in_branch(label, name)?],
    })
}

fn single(graph: &RevisionGraph, heads: &[Node]) -> Result<Node, Error> {
    match heads {
        [head] => Ok(*head),
        many => Err(Error::MultipleHeads {
            heads: graph.names(many),
        }),
    }
}

/// Where a walk from a fixed point starts, and the branch that filters an
/// upward walk (`LABEL@base+1`, `LABEL@REV+1`).
fn walk_start(
    graph: &RevisionGraph,
    from: &Point,
    delta: i64,
) -> Result<(Spot, Option<Node>), Error> {
    Ok(match from {
        Point::Base => (Spot::Bottom, None),
        Point::BranchBase(label) => (Spot::Bottom, Some(graph.resolve_name(label)?)),
        Point::Heads => (Spot::At(single(graph, graph.heads())?), None),
        Point::Head => (Spot::At(single(graph, graph.heads())?), None),
        Point::Name(name) => (Spot::At(graph.resolve_name(name)?), None),
        Point::BranchHead(label) => {
            let branch = graph.resolve_name(label)?;
            if delta < 0 {
                (Spot::At(graph.branch_head(branch)?), None)
            } else {
                // Alembic counts `LABEL@head+N` from the single head, on the branch.
                (Spot::At(single(graph, graph.heads())?), Some(branch))
            }
        }
        Point::InBranch { label, name } => {
            let branch = graph.resolve_name(label)?;
            (
                Spot::At(graph.resolve_in_branch(label, name)?),
                Some(branch),
            )
        }
    })
}

/// `steps` along `Revises:` from `start`: up through children (on `label`'s
/// line when given), down through parents, one revision per step.
fn walk(
    graph: &RevisionGraph,
    start: Spot,
    steps: i64,
    label: Option<Node>,
    input: &str,
) -> Result<Spot, Error> {
    let mut at = start;
    // Bounded by the graph: no walk is longer than the graph is deep.
    for taken in 0..steps.unsigned_abs().min(graph.len() as u64 + 2) {
        let options: Vec<Node> = match (at, steps > 0) {
            (Spot::Bottom, true) => graph.bases().to_vec(),
            (Spot::At(node), true) => graph.children(node).to_vec(),
            (Spot::Bottom, false) => Vec::new(),
            (Spot::At(node), false) => {
                if graph.parents(node).is_empty() {
                    at = Spot::Bottom;
                    continue;
                }
                graph.parents(node).to_vec()
            }
        };
        let options = match (label, steps > 0) {
            (Some(label), true) => graph.in_lineage(&options, label, Dependencies::Ignored),
            _ => options,
        };
        at = match options.as_slice() {
            [next] => Spot::At(*next),
            [] => {
                return Err(Error::WalkPastEnd {
                    from: input.to_owned(),
                    steps,
                    available: taken as i64,
                });
            }
            many => {
                return Err(Error::AmbiguousWalk {
                    from: input.to_owned(),
                    steps,
                    at: match at {
                        Spot::At(n) => graph.revision(n).id.0.clone(),
                        Spot::Bottom => "base".to_owned(),
                    },
                    up: steps > 0,
                    options: graph.names(many),
                });
            }
        };
    }
    if steps.unsigned_abs() > graph.len() as u64 + 2 {
        return Err(Error::WalkPastEnd {
            from: input.to_owned(),
            steps,
            available: graph.len() as i64,
        });
    }
    Ok(at)
}

/// The row `+N` counts from: the only row; on a branch, the row on that
/// branch, else the branch's last applied revision, else below its base.
fn current_for_upgrade(
    graph: &RevisionGraph,
    rows: &[Node],
    applied: &[bool],
    label: Option<Node>,
) -> Result<Spot, Error> {
    let starts: Vec<Node> = match label {
        None => rows.to_vec(),
        Some(label) => {
            let on_branch = graph.in_lineage(rows, label, Dependencies::Ignored);
            if on_branch.is_empty() {
                let active: Vec<Node> = (0..graph.len()).filter(|&n| applied[n]).collect();
                let active = graph.in_lineage(&active, label, Dependencies::Ignored);
                active
                    .iter()
                    .copied()
                    .filter(|&n| {
                        !active
                            .iter()
                            .any(|&m| graph.normalized_down(m).contains(&n))
                    })
                    .collect()
            } else {
                on_branch
            }
        }
    };
    match starts.as_slice() {
        [] => Ok(Spot::Bottom),
        [one] => Ok(Spot::At(*one)),
        many => Err(refused(format!(
            "the database is at several revisions ({}); name a branch (`LABEL@+1`) or a revision",
            graph.names(many).join(", ")
        ))),
    }
}

/// The revision `LABEL@-N` counts down from: the row on the branch, or,
/// when the rows reach the branch only through dependencies, the branch's
/// last applied revision.
fn current_on_branch(
    graph: &RevisionGraph,
    rows: &[Node],
    label: Node,
    target: &Target,
) -> Result<Node, Error> {
    let mut found = graph.in_lineage(rows, label, Dependencies::Ignored);
    if found.is_empty() {
        let all = graph.ancestors(rows);
        let current: Vec<Node> = (0..graph.len())
            .filter(|&n| all[n] && !graph.children(n).iter().any(|&c| all[c]))
            .collect();
        found = graph.in_lineage(&current, label, Dependencies::Ignored);
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::WalkPastEnd {
            from: format!("the current revision on `{}`", graph.revision(label).id.0),
            steps: match target {
                Target::Current { delta, .. } => *delta,
                _ => 0,
            },
            available: 0,
        }),
        many => Err(refused(format!(
            "`{target}`: the database is at several revisions on that branch ({}); name a revision",
            graph.names(many).join(", ")
        ))),
    }
}

pub(crate) fn refused(message: String) -> Error {
    Error::Refused { message }
}
