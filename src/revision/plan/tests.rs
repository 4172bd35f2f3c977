//! Planner unit tests: graph shapes and properties.

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
    // Alembic's order: walking down from d, line b waits for line c,
    // which also needs a; run reversed.
    assert_eq!(
        plan_ids(&g, &upgrade(&g, &empty, &target("head")).unwrap()),
        ["a", "c", "b", "d"]
    );
    // Upgrading one branch leaves the other alone.
    assert_eq!(
        plan_ids(&g, &upgrade(&g, &empty, &target("c")).unwrap()),
        ["a", "c"]
    );
    let both = state(&g, &["b", "c"]);
    assert_eq!(ids(&g, &both.tips(&g)), ["b", "c"]);
    // -1 counts down along `Revises:`; from a merge that is ambiguous, as
    // in Alembic ("Ambiguous walk"), and the error names both parents.
    let merged = state(&g, &["d"]);
    let error = downgrade(&g, &merged, &target("-1")).unwrap_err();
    assert!(error.to_string().contains("`b`, `c`"), "{error}");
    // Reverting the merge unmerges it: two rows again.
    let mut unmerged = merged.clone();
    unmerged.apply(
        &g,
        Step {
            node: g.node("d").unwrap(),
            direction: Direction::Down,
        },
    );
    assert_eq!(ids(&g, &unmerged.tips(&g)), ["b", "c"]);
    // ...and there -1 is ambiguous too.
    let error = downgrade(&g, &unmerged, &target("-1")).unwrap_err();
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
        ["d", "b", "c"]
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
        ["b1", "b2", "a1", "a2"]
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
        ["r", "z", "y", "x", "m"]
    );
    let merged = state(&g, &["m"]);
    assert_eq!(
        plan_ids(&g, &downgrade(&g, &merged, &target("y")).unwrap()),
        ["m"]
    );
    assert_eq!(
        plan_ids(&g, &downgrade(&g, &merged, &target("base")).unwrap()),
        ["m", "x", "y", "z", "r"]
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
    // Upgrading b2 merges the rows of a1 and b1 into one, as Alembic does.
    let mut applied = Applied::empty(&g);
    for step in upgrade(&g, &applied.clone(), &target("billing@head"))
        .unwrap()
        .steps
    {
        applied.apply(&g, step);
    }
    assert_eq!(ids(&g, &applied.tips(&g)), ["b2"]);
    assert_eq!(applied, state(&g, &["b2"]));
    // Removing the dependency removes its dependent first.
    assert_eq!(
        plan_ids(&g, &downgrade(&g, &applied, &target("core@base")).unwrap()),
        ["b2", "a1"]
    );
    // core is reached only through b2's dependency; -1 on it counts from
    // a1, down to base, and so reverts b2 first.
    assert_eq!(
        plan_ids(&g, &downgrade(&g, &applied, &target("core@-1")).unwrap()),
        ["b2", "a1"]
    );
    // Reverting b2 leaves both rows it merged.
    assert_eq!(
        plan_ids(&g, &downgrade(&g, &applied, &target("-1")).unwrap()),
        ["b2"]
    );
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
fn one_plan_holds_the_rows_around_each_step() {
    let g = diamond();
    let empty = Applied::empty(&g);
    let up = plan(&g, &empty, &Operation::Upgrade(target("head"))).unwrap();
    assert_eq!(up.operation, "upgrade");
    assert_eq!(up.stamp, None);
    assert_eq!(up.start, empty);
    let walk: Vec<(String, Vec<String>, Vec<String>)> = up
        .planned()
        .map(|p| {
            (
                g.revision(p.step.node).id.0.clone(),
                ids(&g, p.versions_before),
                ids(&g, p.versions_after),
            )
        })
        .collect();
    let row = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(walk.len(), 4);
    assert_eq!(walk[0], ("a".into(), row(&[]), row(&["a"])));
    // The two branches from `a`, in Alembic's order; then the merge
    // replaces both rows.
    assert_eq!(walk[3].0, "d");
    assert_eq!(walk[3].1, row(&["b", "c"]));
    assert_eq!(walk[3].2, row(&["d"]));
    assert_eq!(ids(&g, &up.end.tips(&g)), ["d"]);

    let down = plan(&g, &up.end, &Operation::Downgrade(target("a"))).unwrap();
    assert_eq!(down.operation, "downgrade");
    assert_eq!(down.versions.len(), down.steps.len() + 1);
    assert_eq!(ids(&g, &down.versions[0]), ["d"]);
    assert_eq!(ids(&g, down.versions.last().unwrap()), ["a"]);
    assert_eq!(down.end, state(&g, &["a"]));
}

#[test]
fn a_stamp_plan_runs_nothing_and_logs_what_moved() {
    let g = linear();
    let at_c = state(&g, &["c"]);
    let stamped = plan(&g, &at_c, &Operation::Stamp(target("a"), Purge::No)).unwrap();
    assert_eq!(stamped.operation, "stamp");
    assert!(stamped.steps.is_empty());
    assert_eq!(stamped.planned().count(), 0);
    let stamping = stamped.stamp.as_ref().unwrap();
    assert_eq!(stamping.purge, Purge::No);
    // Each revision that stops being applied gets a log row, graph order.
    let recorded: Vec<(String, Direction)> = stamping
        .recorded
        .iter()
        .map(|s| (g.revision(s.node).id.0.clone(), s.direction))
        .collect();
    assert_eq!(
        recorded,
        [("b".into(), Direction::Down), ("c".into(), Direction::Down)]
    );
    assert_eq!(stamped.versions.len(), 2);
    assert_eq!(ids(&g, &stamped.versions[0]), ["c"]);
    assert_eq!(ids(&g, &stamped.versions[1]), ["a"]);
    assert_eq!(stamped.end, state(&g, &["a"]));

    let up = plan(
        &g,
        &Applied::empty(&g),
        &Operation::Stamp(target("b"), Purge::Yes),
    )
    .unwrap();
    let stamping = up.stamp.unwrap();
    assert_eq!(stamping.purge, Purge::Yes);
    assert!(
        stamping
            .recorded
            .iter()
            .all(|s| s.direction == Direction::Up)
    );
    assert_eq!(stamping.recorded.len(), 2);
}

#[test]
fn nothing_to_do_is_an_empty_plan() {
    let g = linear();
    let at_c = state(&g, &["c"]);
    let none = plan(&g, &at_c, &Operation::Upgrade(target("head"))).unwrap();
    assert!(none.is_empty());
    assert_eq!(none.versions, [vec![g.node("c").unwrap()]]);
    assert_eq!(none.end, at_c);
    assert!(
        plan(&g, &at_c, &Operation::Stamp(target("-1"), Purge::No))
            .unwrap_err()
            .to_string()
            .contains("not a count")
    );
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
            state.apply(g, *step);
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
            let plan = match downgrade(&g, &top, &Target::Point(crate::revision::target::Point::Name(name))) {
                Ok(plan) => plan,
                // Nothing above it and not a row: Alembic refuses too.
                Err(_) => {
                    prop_assert!(g.children(target_node).is_empty() && !top.tips(&g).contains(&target_node));
                    return Ok(());
                }
            };
            let end = run(&g, &top, &plan);
            let kept = g.ancestors(&[target_node]);
            // What stands on its children; a revision that only depends on
            // the target stays, as in Alembic.
            let above = g.descendants(g.children(target_node));
            for n in 0..g.len() {
                prop_assert_eq!(end.contains(n), kept[n] || !above[n], "node {}", n);
            }
            // Upgrading again restores the heads.
            let again = upgrade(&g, &end, &target("heads")).unwrap();
            prop_assert_eq!(run(&g, &end, &again).nodes(&g), top.nodes(&g));
        }

        /// The planner ends, with a plan or an error, on every graph, state
        /// and target: upgrading `heads` from a row that depends on another
        /// branch once spun forever. Each batch runs on a thread that must
        /// answer within seconds.
        #[test]
        fn planner_terminates_everywhere(
            revisions in dags(),
            labelled in prop::collection::vec(any::<bool>(), 25),
            rows in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        ) {
            let revisions: Vec<Revision> = revisions
                .into_iter()
                .enumerate()
                .map(|(i, mut r)| {
                    if labelled[i] {
                        let mut label = r.id_location.clone();
                        label.len = 0;
                        r.branch_labels.push(crate::revision::file::Reference { name: format!("l{i}"), location: label });
                    }
                    r
                })
                .collect();
            let (send, receive) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let g = graph(&revisions);
                let rows: Vec<String> = rows.iter().map(|i| g.revision(i.index(g.len())).id.0.clone()).collect();
                let start = Applied::from_versions(&g, &rows).unwrap();
                let mut targets: Vec<String> = ["heads", "head", "base", "+1", "+2", "-1", "-2", "head-1", "base+1"].map(String::from).to_vec();
                for r in g.revisions() {
                    let id = &r.id.0;
                    targets.extend([id.clone(), format!("{id}+1"), format!("{id}-1"), format!("{id}@head")]);
                    for l in &r.branch_labels {
                        let l = &l.name;
                        targets.extend([format!("{l}@head"), format!("{l}@base"), format!("{l}@base+1"), format!("{l}@+1"), format!("{l}@-1"), format!("{l}@-2"), format!("{l}@{id}")]);
                    }
                }
                for text in &targets {
                    let t = target(text);
                    if let Ok(plan) = upgrade(&g, &start, &t) {
                        run(&g, &start, &plan);
                    }
                    if let Ok(plan) = downgrade(&g, &start, &t) {
                        run(&g, &start, &plan);
                    }
                    let _ = stamp(&g, &start, &t, Purge::No);
                }
                let _ = send.send(());
            });
            prop_assert!(
                receive.recv_timeout(std::time::Duration::from_secs(20)).is_ok(),
                "the planner did not answer (or panicked)"
            );
        }
    }
}
