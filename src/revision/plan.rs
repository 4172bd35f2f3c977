//! Planning: from the revisions a database is at and a target, the ordered
//! steps to run. Pure functions over the graph; no database involved.
//!
//! The database state is a set of applied revisions, closed under
//! ancestry: the version table stores its tips (Alembic's "current"
//! revisions) and everything they revise or depend on counts as applied.
//! Upgrading adds what the target needs, parents and dependencies first;
//! downgrading removes what stands above the target, dependents first.

use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::target::{Error, Resolved, Target};

/// Which way a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    /// `up` or `down`, as the log table and JSON output spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

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

/// The revisions a database is at, closed under ancestry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    applied: Vec<bool>,
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
            Ok(Applied {
                applied: graph.ancestors(&nodes),
            })
        } else {
            Err(UnknownRevisions { ids: unknown })
        }
    }

    /// Everything up to and including `nodes`.
    pub fn at(graph: &RevisionGraph, nodes: &[Node]) -> Self {
        Applied {
            applied: graph.ancestors(nodes),
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

    /// The current revisions: applied ones that no applied revision revises.
    /// These are the version table's rows, in topological order.
    pub fn tips(&self, graph: &RevisionGraph) -> Vec<Node> {
        graph
            .order()
            .iter()
            .copied()
            .filter(|&n| self.applied[n] && !graph.children(n).iter().any(|&c| self.applied[c]))
            .collect()
    }

    /// Applies or reverts one step.
    pub fn apply(&mut self, step: Step) {
        self.applied[step.node] = step.direction == Direction::Up;
    }

    /// Revisions that nothing applied revises or depends on: the ones a
    /// relative downgrade may remove next.
    fn removable(&self, graph: &RevisionGraph) -> Vec<Node> {
        graph
            .order()
            .iter()
            .copied()
            .filter(|&n| {
                self.applied[n]
                    && !graph
                        .children(n)
                        .iter()
                        .chain(graph.dependents(n))
                        .any(|&c| self.applied[c])
            })
            .collect()
    }
}

/// Revisions the heads need that are not applied, in apply order.
pub fn pending(graph: &RevisionGraph, applied: &Applied) -> Vec<Node> {
    missing(graph, applied, graph.heads())
}

fn missing(graph: &RevisionGraph, applied: &Applied, targets: &[Node]) -> Vec<Node> {
    let needed = graph.ancestors(targets);
    graph
        .order()
        .iter()
        .copied()
        .filter(|&n| needed[n] && !applied.contains(n))
        .collect()
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
    match target {
        Target::Current { branch, delta } => {
            if *delta < 0 {
                return Err(wrong_way(target, "upgrade", "+"));
            }
            let head = match branch {
                Some(name) => vec![graph.branch_head(graph.resolve_name(name)?)?],
                None => at_nodes(graph.resolve_point(&crate::revision::target::Point::Head)?),
            };
            let todo = missing(graph, applied, &head);
            let wanted = delta.unsigned_abs() as usize;
            if todo.len() < wanted {
                return Err(Error::WalkPastEnd {
                    from: "the current revision".into(),
                    steps: *delta,
                    available: todo.len() as i64,
                });
            }
            Ok(steps(todo.into_iter().take(wanted), Direction::Up))
        }
        fixed => Ok(match graph.resolve_fixed(fixed)? {
            Resolved::At(nodes) => steps(missing(graph, applied, &nodes), Direction::Up),
            Resolved::Base | Resolved::Before(_) => Plan::default(),
        }),
    }
}

/// The steps that bring `applied` down to `target`.
pub fn downgrade(graph: &RevisionGraph, applied: &Applied, target: &Target) -> Result<Plan, Error> {
    let remove: Vec<bool> = match target {
        Target::Current { branch, delta } => {
            if *delta > 0 {
                return Err(wrong_way(target, "downgrade", "-"));
            }
            return relative_downgrade(
                graph,
                applied,
                branch.as_deref(),
                delta.unsigned_abs() as usize,
                target,
            );
        }
        fixed => match graph.resolve_fixed(fixed)? {
            Resolved::Base => vec![true; graph.len()],
            Resolved::Before(node) => graph.descendants(&[node]),
            Resolved::At(nodes) => {
                if let Some(&node) = nodes.iter().find(|&&n| !applied.contains(n)) {
                    return Err(Error::Syntax {
                        input: target.to_string(),
                        reason: format!(
                            "`{}` is not applied; a downgrade goes to a revision at or below the current one",
                            graph.revision(node).id.0
                        ),
                    });
                }
                let above = graph.descendants(&nodes);
                let keep = graph.ancestors(&nodes);
                above
                    .iter()
                    .zip(&keep)
                    .map(|(&above, &keep)| above && !keep)
                    .collect()
            }
        },
    };
    let mut nodes: Vec<Node> = applied
        .nodes(graph)
        .into_iter()
        .filter(|&n| remove[n])
        .collect();
    nodes.reverse();
    Ok(steps(nodes, Direction::Down))
}

/// `-N` / `label@-N`: revert the current revision N times; it must be clear
/// which one is current each time.
fn relative_downgrade(
    graph: &RevisionGraph,
    applied: &Applied,
    branch: Option<&str>,
    count: usize,
    target: &Target,
) -> Result<Plan, Error> {
    let in_branch = match branch {
        Some(name) => Some(graph.branch(graph.resolve_name(name)?)),
        None => None,
    };
    let mut state = applied.clone();
    let mut plan = Plan::default();
    for done in 0..count {
        let candidates: Vec<Node> = state
            .removable(graph)
            .into_iter()
            .filter(|&n| in_branch.as_ref().is_none_or(|b| b[n]))
            .collect();
        let node = match candidates.as_slice() {
            [node] => *node,
            [] => {
                return Err(Error::WalkPastEnd {
                    from: "the current revision".into(),
                    steps: -(count as i64),
                    available: done as i64,
                });
            }
            many => {
                return Err(Error::Syntax {
                    input: target.to_string(),
                    reason: format!(
                        "the database is at several revisions ({}); name a branch (`LABEL@-1`) or a revision",
                        graph.names(many).join(", ")
                    ),
                });
            }
        };
        let step = Step {
            node,
            direction: Direction::Down,
        };
        state.apply(step);
        plan.steps.push(step);
    }
    Ok(plan)
}

fn at_nodes(resolved: Resolved) -> Vec<Node> {
    match resolved {
        Resolved::At(nodes) => nodes,
        Resolved::Base | Resolved::Before(_) => Vec::new(),
    }
}

fn wrong_way(target: &Target, command: &str, sign: &str) -> Error {
    Error::Syntax {
        input: target.to_string(),
        reason: format!("{command} counts forward: write `{sign}N`"),
    }
}

/// The state after stamping `target`: without `purge` the way a plan would
/// leave it, with `purge` exactly the target's ancestry.
pub fn stamp(
    graph: &RevisionGraph,
    applied: &Applied,
    target: &Target,
    purge: Purge,
) -> Result<Applied, Error> {
    if purge == Purge::Yes {
        let nodes = match graph.resolve_fixed(target)? {
            Resolved::At(nodes) => nodes,
            Resolved::Base | Resolved::Before(_) => Vec::new(),
        };
        return Ok(Applied::at(graph, &nodes));
    }
    let mut state = applied.clone();
    let plan = match upgrade(graph, applied, target) {
        Ok(plan) if !plan.steps.is_empty() => plan,
        _ => downgrade(graph, applied, target)?,
    };
    for step in plan.steps {
        state.apply(step);
    }
    Ok(state)
}

/// Whether `stamp` first forgets what the version table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    Yes,
    No,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::graph::tests::{graph, ids, rev};

    fn target(text: &str) -> Target {
        text.parse().unwrap()
    }

    fn plan_ids(g: &RevisionGraph, plan: &Plan) -> Vec<String> {
        plan.steps
            .iter()
            .map(|s| g.revision(s.node).id.0.clone())
            .collect()
    }

    fn state(g: &RevisionGraph, versions: &[&str]) -> Applied {
        Applied::from_versions(g, versions).unwrap()
    }

    /// a <- b <- c (linear)
    fn linear() -> RevisionGraph {
        graph(&[
            rev("a", &[], &[], &[]),
            rev("b", &["a"], &[], &[]),
            rev("c", &["b"], &[], &[]),
        ])
    }

    /// a <- b, a <- c, (b, c) <- d
    fn diamond() -> RevisionGraph {
        graph(&[
            rev("a", &[], &[], &[]),
            rev("b", &["a"], &[], &[]),
            rev("c", &["a"], &[], &[]),
            rev("d", &["b", "c"], &[], &[]),
        ])
    }

    #[test]
    fn linear_upgrade_and_downgrade() {
        let g = linear();
        let empty = Applied::empty(&g);
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("head")).unwrap()),
            ["a", "b", "c"]
        );
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("+2")).unwrap()),
            ["a", "b"]
        );
        assert!(upgrade(&g, &empty, &target("+4")).is_err());
        let at_b = state(&g, &["b"]);
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &at_b, &target("head")).unwrap()),
            ["c"]
        );
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &at_b, &target("-1")).unwrap()),
            ["b"]
        );
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &at_b, &target("base")).unwrap()),
            ["b", "a"]
        );
        assert_eq!(
            plan_ids(
                &g,
                &downgrade(&g, &state(&g, &["c"]), &target("a")).unwrap()
            ),
            ["c", "b"]
        );
        assert!(
            downgrade(&g, &at_b, &target("c")).is_err(),
            "c is not applied"
        );
        assert!(downgrade(&g, &at_b, &target("+1")).is_err());
        assert!(upgrade(&g, &at_b, &target("-1")).is_err());
        assert_eq!(ids(&g, &at_b.tips(&g)), ["b"]);
    }

    #[test]
    fn diamond_plans_through_the_merge() {
        let g = diamond();
        let empty = Applied::empty(&g);
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("head")).unwrap()),
            ["a", "b", "c", "d"]
        );
        // Upgrading one branch leaves the other alone.
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("c")).unwrap()),
            ["a", "c"]
        );
        let both = state(&g, &["b", "c"]);
        assert_eq!(ids(&g, &both.tips(&g)), ["b", "c"]);
        // -1 from the merge unmerges it: two current revisions again.
        let merged = state(&g, &["d"]);
        let plan = downgrade(&g, &merged, &target("-1")).unwrap();
        assert_eq!(plan_ids(&g, &plan), ["d"]);
        // ...and a further -1 is ambiguous.
        let error = downgrade(&g, &merged, &target("-2")).unwrap_err();
        assert!(
            error.to_string().contains("several revisions (b, c)"),
            "{error}"
        );
        // Downgrading to one parent of the merge removes what stands above it: the merge.
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &merged, &target("b")).unwrap()),
            ["d"]
        );
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &merged, &target("a")).unwrap()),
            ["d", "c", "b"]
        );
    }

    #[test]
    fn two_bases_and_branch_labels() {
        let g = graph(&[
            rev("a1", &[], &[], &["core"]),
            rev("a2", &["a1"], &[], &[]),
            rev("b1", &[], &[], &["billing"]),
            rev("b2", &["b1"], &[], &[]),
        ]);
        let empty = Applied::empty(&g);
        assert!(upgrade(&g, &empty, &target("head")).is_err());
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("heads")).unwrap()),
            ["a1", "a2", "b1", "b2"]
        );
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("billing@head")).unwrap()),
            ["b1", "b2"]
        );
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("billing@+1")).unwrap()),
            ["b1"]
        );
        let all = state(&g, &["a2", "b2"]);
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &all, &target("billing@-1")).unwrap()),
            ["b2"]
        );
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &all, &target("billing@base")).unwrap()),
            ["b2", "b1"]
        );
        assert!(
            downgrade(&g, &all, &target("-1")).is_err(),
            "two current revisions"
        );
        // Downgrading one branch to a revision keeps the other branch.
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &all, &target("a1")).unwrap()),
            ["a2"]
        );
    }

    #[test]
    fn three_way_merge() {
        let g = graph(&[
            rev("r", &[], &[], &[]),
            rev("x", &["r"], &[], &[]),
            rev("y", &["r"], &[], &[]),
            rev("z", &["r"], &[], &[]),
            rev("m", &["x", "y", "z"], &[], &[]),
        ]);
        let empty = Applied::empty(&g);
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("head")).unwrap()),
            ["r", "x", "y", "z", "m"]
        );
        let merged = state(&g, &["m"]);
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &merged, &target("y")).unwrap()),
            ["m"]
        );
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &merged, &target("base")).unwrap()),
            ["m", "z", "y", "x", "r"]
        );
    }

    #[test]
    fn cross_branch_dependency() {
        // b2 depends on a1, which is on another branch.
        let g = graph(&[
            rev("a1", &[], &[], &["core"]),
            rev("a2", &["a1"], &[], &[]),
            rev("b1", &[], &[], &["billing"]),
            rev("b2", &["b1"], &["a1"], &[]),
        ]);
        let empty = Applied::empty(&g);
        assert_eq!(
            plan_ids(&g, &upgrade(&g, &empty, &target("billing@head")).unwrap()),
            ["a1", "b1", "b2"]
        );
        let applied = state(&g, &["b2"]);
        assert_eq!(ids(&g, &applied.tips(&g)), ["a1", "b2"]);
        // Removing the dependency removes its dependent first.
        assert_eq!(
            plan_ids(&g, &downgrade(&g, &applied, &target("core@base")).unwrap()),
            ["b2", "a1"]
        );
        // a1 still counts as a current revision, but b2 needs it: -1 on core must not remove it.
        let error = downgrade(&g, &applied, &target("core@-1")).unwrap_err();
        assert!(error.to_string().contains("only 0"), "{error}");
    }

    #[test]
    fn stamp_moves_without_steps() {
        let g = linear();
        let at_c = stamp(&g, &Applied::empty(&g), &target("head"), Purge::No).unwrap();
        assert_eq!(ids(&g, &at_c.tips(&g)), ["c"]);
        let at_a = stamp(&g, &at_c, &target("a"), Purge::No).unwrap();
        assert_eq!(ids(&g, &at_a.tips(&g)), ["a"]);
        let base = stamp(&g, &at_c, &target("base"), Purge::No).unwrap();
        assert!(base.is_empty());
        let purged = stamp(&g, &at_c, &target("b"), Purge::Yes).unwrap();
        assert_eq!(ids(&g, &purged.tips(&g)), ["b"]);
    }

    #[test]
    fn unknown_versions_are_named() {
        let g = linear();
        let error = Applied::from_versions(&g, &["zzz"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the database is at `zzz`, which no revision file has"
        );
    }

    mod properties {
        use super::*;
        use crate::revision::file::Revision;
        use proptest::prelude::*;

        /// Random DAGs: node i revises and depends on earlier nodes only.
        fn dags() -> impl Strategy<Value = Vec<Revision>> {
            (1usize..25).prop_flat_map(|n| {
                let links = prop::collection::vec(
                    (
                        prop::collection::vec(any::<prop::sample::Index>(), 0..3),
                        prop::option::weighted(0.2, any::<prop::sample::Index>()),
                    ),
                    n,
                );
                links.prop_map(|links| {
                    links
                        .into_iter()
                        .enumerate()
                        .map(|(i, (parents, dependency))| {
                            let name =
                                |index: &prop::sample::Index| format!("r{}", index.index(i.max(1)));
                            let mut parents: Vec<String> = if i == 0 {
                                Vec::new()
                            } else {
                                parents.iter().map(name).collect()
                            };
                            parents.sort();
                            parents.dedup();
                            let depends: Vec<String> = dependency
                                .filter(|_| i > 0)
                                .map(|d| name(&d))
                                .filter(|d| !parents.contains(d))
                                .into_iter()
                                .collect();
                            let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
                            let depends: Vec<&str> = depends.iter().map(String::as_str).collect();
                            rev(&format!("r{i}"), &parents, &depends, &[])
                        })
                        .collect()
                })
            })
        }

        /// Runs a plan, checking every step lands on a valid state.
        fn run(g: &RevisionGraph, start: &Applied, plan: &Plan) -> Applied {
            let mut state = start.clone();
            for step in &plan.steps {
                let node = step.node;
                let needs = g.parents(node).iter().chain(g.dependencies(node));
                let needed_by = g.children(node).iter().chain(g.dependents(node));
                match step.direction {
                    Direction::Up => {
                        assert!(!state.contains(node), "applies {node} twice");
                        assert!(
                            needs.clone().all(|&p| state.contains(p)),
                            "applies {node} before what it needs"
                        );
                    }
                    Direction::Down => {
                        assert!(state.contains(node), "reverts {node} which is not applied");
                        assert!(
                            !needed_by.clone().any(|&c| state.contains(c)),
                            "reverts {node} under an applied revision"
                        );
                    }
                }
                state.apply(*step);
            }
            state
        }

        proptest! {
            #[test]
            fn upgrade_to_heads_then_base_visits_each_once(revisions in dags()) {
                let g = graph(&revisions);
                let empty = Applied::empty(&g);
                let up = upgrade(&g, &empty, &target("heads")).unwrap();
                prop_assert_eq!(up.steps.len(), g.len());
                let top = run(&g, &empty, &up);
                prop_assert!(pending(&g, &top).is_empty());
                let down = downgrade(&g, &top, &target("base")).unwrap();
                prop_assert_eq!(down.steps.len(), g.len());
                prop_assert!(run(&g, &top, &down).is_empty());
            }

            #[test]
            fn upgrade_applies_exactly_what_is_missing(revisions in dags(), from in any::<prop::sample::Index>(), to in any::<prop::sample::Index>()) {
                let g = graph(&revisions);
                let start = Applied::at(&g, &[from.index(g.len())]);
                let target_node = to.index(g.len());
                let plan = upgrade(&g, &start, &Target::Point(crate::revision::target::Point::Name(g.revision(target_node).id.0.clone()))).unwrap();
                let needed = g.ancestors(&[target_node]);
                let missing = (0..g.len()).filter(|&n| needed[n] && !start.contains(n)).count();
                prop_assert_eq!(plan.steps.len(), missing);
                let end = run(&g, &start, &plan);
                prop_assert!(needed.iter().enumerate().all(|(n, &need)| !need || end.contains(n)));
            }

            #[test]
            fn downgrade_keeps_the_target_and_removes_what_is_above(revisions in dags(), to in any::<prop::sample::Index>()) {
                let g = graph(&revisions);
                let top = Applied::at(&g, g.heads());
                let target_node = to.index(g.len());
                let name = g.revision(target_node).id.0.clone();
                let plan = downgrade(&g, &top, &Target::Point(crate::revision::target::Point::Name(name))).unwrap();
                let end = run(&g, &top, &plan);
                let kept = g.ancestors(&[target_node]);
                let above = g.descendants(&[target_node]);
                for n in 0..g.len() {
                    prop_assert_eq!(end.contains(n), kept[n] || !above[n], "node {}", n);
                }
                // Upgrading again restores the heads.
                let again = upgrade(&g, &end, &target("heads")).unwrap();
                prop_assert_eq!(run(&g, &end, &again), top);
            }

            #[test]
            fn relative_steps_are_single_valid_steps(revisions in dags(), count in 1usize..4) {
                let g = graph(&revisions);
                let empty = Applied::empty(&g);
                if g.heads().len() == 1 && count <= g.len() {
                    let plan = upgrade(&g, &empty, &target(&format!("+{count}"))).unwrap();
                    prop_assert_eq!(plan.steps.len(), count);
                    let state = run(&g, &empty, &plan);
                    if let Ok(back) = downgrade(&g, &state, &target(&format!("-{count}"))) {
                        prop_assert!(run(&g, &state, &back).is_empty());
                    }
                }
            }
        }
    }
}
