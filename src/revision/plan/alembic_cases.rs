//! Graphs on which the differential test against Alembic
//! (`tests/it/alembic.rs`) found the planner answering otherwise, kept with
//! Alembic 1.20.1's answers so they need no Python: the revisions run (as a
//! set; any topological order is Alembic's too) and the version-table rows
//! after.

use super::*;
use crate::revision::graph::tests::{graph, rev};

/// `op` from `rows` to `to`: the revisions run, sorted, and the rows after.
fn answer(g: &RevisionGraph, op: &str, rows: &[&str], to: &str) -> (Vec<String>, Vec<String>) {
    let start = Applied::from_versions(g, rows).unwrap();
    let to: Target = to.parse().unwrap();
    let mut state = start.clone();
    let plan = match op {
        "upgrade" => upgrade(g, &start, &to).unwrap(),
        "downgrade" => downgrade(g, &start, &to).unwrap(),
        _ => {
            state = stamp(g, &start, &to, Purge::No).unwrap();
            Plan::default()
        }
    };
    let mut run: Vec<String> = plan
        .steps
        .iter()
        .map(|s| g.revision(s.node).id.0.clone())
        .collect();
    for step in plan.steps {
        state.apply(g, step);
    }
    run.sort();
    (
        run,
        g.names(&state.tips(g))
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    )
}

fn check(g: &RevisionGraph, op: &str, rows: &[&str], to: &str, run: &[&str], after: &[&str]) {
    let mut run: Vec<&str> = run.to_vec();
    run.sort();
    let mut after: Vec<&str> = after.to_vec();
    after.sort();
    assert_eq!(
        answer(g, op, rows, to),
        (
            run.iter().map(|s| s.to_string()).collect(),
            after.iter().map(|s| s.to_string()).collect()
        ),
        "{op} from {rows:?} to `{to}`"
    );
}

/// a1 (core) <- a2; b1 (billing) <- b2, which depends on a1.
fn cross() -> RevisionGraph {
    graph(&[
        rev("aaaa1", &[], &[], &["core"]),
        rev("aaaa2", &["aaaa1"], &[], &[]),
        rev("bbbb1", &[], &[], &["billing"]),
        rev("bbbb2", &["bbbb1"], &["aaaa1"], &[]),
    ])
}

#[test]
fn a_head_depending_on_another_branch_is_one_row() {
    let g = cross();
    // Upgrading b2 merges the rows of a1 and b1 into b2's.
    check(
        &g,
        "upgrade",
        &[],
        "billing@head",
        &["aaaa1", "bbbb1", "bbbb2"],
        &["bbbb2"],
    );
    // From that row alone, `heads` adds a2 (this state once made `upgrade` spin).
    check(
        &g,
        "upgrade",
        &["bbbb2"],
        "heads",
        &["aaaa2"],
        &["aaaa2", "bbbb2"],
    );
    // Stamping a2 there adds a branch.
    check(&g, "stamp", &["bbbb2"], "aaaa2", &[], &["aaaa2", "bbbb2"]);
}

#[test]
fn label_counts_reach_a_branch_through_dependencies() {
    let g = cross();
    check(
        &g,
        "downgrade",
        &["bbbb2"],
        "core@base",
        &["bbbb2", "aaaa1"],
        &["bbbb1"],
    );
    check(
        &g,
        "downgrade",
        &["bbbb2"],
        "core@-1",
        &["bbbb2", "aaaa1"],
        &["bbbb1"],
    );
    check(
        &g,
        "downgrade",
        &["aaaa2", "bbbb2"],
        "core@-1",
        &["aaaa2"],
        &["bbbb2"],
    );
    check(
        &g,
        "downgrade",
        &["aaaa2", "bbbb2"],
        "aaaa1",
        &["aaaa2"],
        &["bbbb2"],
    );
    check(
        &g,
        "downgrade",
        &["aaaa2", "bbbb2"],
        "billing@base",
        &["bbbb2", "bbbb1"],
        &["aaaa2"],
    );
}

#[test]
fn label_base_takes_the_branch_down_to_its_base() {
    // r0 <- r1 (lbl) <- r2: the label sits above the base.
    let g = graph(&[
        rev("rrrr0", &[], &[], &[]),
        rev("rrrr1", &["rrrr0"], &[], &["lbl"]),
        rev("rrrr2", &["rrrr1"], &[], &[]),
    ]);
    check(
        &g,
        "downgrade",
        &["rrrr2"],
        "lbl@base",
        &["rrrr2", "rrrr1", "rrrr0"],
        &[],
    );
    check(
        &g,
        "downgrade",
        &["rrrr2"],
        "lbl@base+1",
        &["rrrr2", "rrrr1"],
        &["rrrr0"],
    );
    check(
        &g,
        "downgrade",
        &["rrrr2"],
        "lbl@-1",
        &["rrrr2"],
        &["rrrr1"],
    );
}

#[test]
fn downgrades_across_crosswise_dependencies() {
    // x2 depends on y1, y2 on x1; h1 (on x2) depends on y2 and on a9.
    let g = graph(&[
        rev("xxxx1", &[], &[], &["x"]),
        rev("yyyy1", &[], &[], &["y"]),
        rev("aaaa9", &[], &[], &["z"]),
        rev("xxxx2", &["xxxx1"], &["yyyy1"], &[]),
        rev("yyyy2", &["yyyy1"], &["xxxx1"], &[]),
        rev("hhhh1", &["xxxx2"], &["yyyy2", "aaaa9"], &[]),
    ]);
    check(
        &g,
        "upgrade",
        &[],
        "heads",
        &["yyyy1", "xxxx1", "aaaa9", "yyyy2", "xxxx2", "hhhh1"],
        &["hhhh1"],
    );
    let top = ["hhhh1", "yyyy2"];
    check(
        &g,
        "downgrade",
        &top,
        "xxxx1",
        &["hhhh1", "xxxx2"],
        &["aaaa9", "yyyy2"],
    );
    check(
        &g,
        "downgrade",
        &top,
        "yyyy1",
        &["hhhh1", "yyyy2"],
        &["aaaa9", "xxxx2"],
    );
    check(
        &g,
        "downgrade",
        &top,
        "x@base",
        &["hhhh1", "xxxx2", "yyyy2", "xxxx1"],
        &["aaaa9", "yyyy1"],
    );
    check(
        &g,
        "downgrade",
        &top,
        "z@base",
        &["hhhh1", "aaaa9"],
        &["xxxx2", "yyyy2"],
    );
    check(
        &g,
        "downgrade",
        &top,
        "hhhh1-1",
        &["hhhh1"],
        &["aaaa9", "xxxx2", "yyyy2"],
    );
    check(
        &g,
        "downgrade",
        &top,
        "y@-1",
        &["hhhh1", "yyyy2"],
        &["aaaa9", "xxxx2"],
    );
    // Reverting a head that depends on several revisions unmerges into all of them.
    check(
        &g,
        "downgrade",
        &["hhhh1"],
        "-1",
        &["hhhh1"],
        &["aaaa9", "xxxx2", "yyyy2"],
    );
}

#[test]
fn stamp_on_a_merged_path_replaces_the_rows() {
    // a <- b, a <- c, (b, c) <- d <- e
    let g = graph(&[
        rev("aaaa", &[], &[], &[]),
        rev("bbbb", &["aaaa"], &[], &[]),
        rev("cccc", &["aaaa"], &[], &[]),
        rev("dddd", &["bbbb", "cccc"], &[], &[]),
        rev("eeee", &["dddd"], &[], &[]),
    ]);
    check(&g, "stamp", &["eeee"], "bbbb", &[], &["bbbb"]);
    check(&g, "stamp", &["dddd"], "cccc", &[], &["cccc"]);
    check(&g, "stamp", &["bbbb", "cccc"], "eeee", &[], &["eeee"]);
    check(&g, "stamp", &["bbbb"], "dddd", &[], &["dddd"]);
    check(&g, "stamp", &["eeee"], "base", &[], &[]);
    // A downgrade there unmerges instead.
    check(
        &g,
        "downgrade",
        &["eeee"],
        "bbbb",
        &["eeee", "dddd"],
        &["bbbb", "cccc"],
    );
}

#[test]
fn a_merge_with_a_dependant_on_another_branch() {
    // a <- b, a <- c, (b, c) <- m; z0 (z) <- z1, which depends on c.
    let g = graph(&[
        rev("aaaa", &[], &[], &[]),
        rev("bbbb", &["aaaa"], &[], &[]),
        rev("cccc", &["aaaa"], &[], &[]),
        rev("mmmm", &["bbbb", "cccc"], &[], &[]),
        rev("zzz0", &[], &[], &["z"]),
        rev("zzz1", &["zzz0"], &["cccc"], &[]),
    ]);
    check(
        &g,
        "upgrade",
        &[],
        "heads",
        &["aaaa", "cccc", "zzz0", "zzz1", "bbbb", "mmmm"],
        &["mmmm", "zzz1"],
    );
    let top = ["mmmm", "zzz1"];
    // z1 depends on c only, which stays: it is not reverted.
    check(&g, "downgrade", &top, "cccc", &["mmmm"], &["bbbb", "zzz1"]);
    check(
        &g,
        "downgrade",
        &top,
        "aaaa",
        &["mmmm", "bbbb", "zzz1", "cccc"],
        &["aaaa", "zzz0"],
    );
    check(
        &g,
        "downgrade",
        &top,
        "z@base",
        &["zzz1", "zzz0"],
        &["mmmm"],
    );
    let start = Applied::from_versions(&g, &top).unwrap();
    let error = downgrade(&g, &start, &"mmmm-1".parse().unwrap()).unwrap_err();
    assert!(error.to_string().contains("`bbbb`, `cccc`"), "{error}");
}

#[test]
fn history_ranges_follow_revises_from_the_start() {
    use crate::revision::history::history;
    let g = graph(&[
        rev("aaaa", &[], &[], &[]),
        rev("bbbb", &["aaaa"], &[], &[]),
        rev("cccc", &["aaaa"], &[], &[]),
        rev("mmmm", &["bbbb", "cccc"], &[], &[]),
        rev("zzz0", &[], &[], &["z"]),
        rev("zzz1", &["zzz0"], &["cccc"], &[]),
    ]);
    let listed = |range: &str| {
        let mut ids = g.names(&history(&g, &range.parse().unwrap()).unwrap());
        ids.sort();
        ids
    };
    // z1 depends on c but does not descend from it along `Revises:`.
    assert_eq!(listed("cccc:"), ["cccc", "mmmm"]);
    assert_eq!(listed(":zzz1"), ["aaaa", "cccc", "zzz0", "zzz1"]);
    assert_eq!(listed("aaaa:mmmm"), ["aaaa", "bbbb", "cccc", "mmmm"]);
    assert_eq!(listed("zzz0:heads"), ["zzz0", "zzz1"]);
    let error = history(&g, &"bbbb:zzz1".parse().unwrap()).unwrap_err();
    assert!(
        error.to_string().contains("`bbbb` is not below `zzz1`"),
        "{error}"
    );
}
