//! Reading the graph: `heads`, `branches`, `show`, `history`, `history --graph`.

use crate::common::{A, B, C, D, FILTERS, Project};

/// a → b → c, linear.
fn linear() -> Project {
    let project = Project::new();
    project.write_revision(A, &[], "create users");
    project.write_revision(B, &[A], "add email");
    project.write_revision(C, &[B], "add orders");
    project
}

/// a → b and a → c: two heads.
fn forked() -> Project {
    let project = Project::new();
    project.write_revision(A, &[], "create users");
    project.write_revision(B, &[A], "add email");
    project.write_revision(C, &[A], "add orders");
    project
}

fn diamond() -> Project {
    let project = Project::new();
    project.diamond();
    project
}

#[test]
fn heads_lists_the_one_head() {
    let run = linear().run(&["heads"]).success();
    assert_eq!(run.lines(), [format!("{C} (head)")]);
}

#[test]
fn heads_lists_every_head() {
    let run = forked().run(&["heads"]).success();
    assert_eq!(run.lines(), [format!("{B} (head)"), format!("{C} (head)")]);
}

#[test]
fn heads_check_passes_with_one_head() {
    linear().run(&["heads", "--check"]).success();
    diamond().run(&["heads", "--check"]).success();
}

#[test]
fn heads_check_fails_with_two_heads() {
    let run = forked()
        .run(&["heads", "--check"])
        .code(1)
        .stderr_has(&["retort merge heads", B, C]);
    // The heads are still listed on stdout.
    assert_eq!(run.lines().len(), 2, "{}", run.stdout);
}

#[test]
fn branches_lists_branch_points_and_children() {
    let run = forked().run(&["branches"]).success();
    assert_eq!(
        run.lines(),
        [
            format!("{A} (branchpoint)"),
            format!("  -> {B} (head)"),
            format!("  -> {C} (head)"),
        ]
    );
    let run = linear().run(&["branches"]).success();
    assert_eq!(run.stdout, "", "a straight line has no branch point");
}

#[test]
fn history_is_newest_first_in_alembic_form() {
    let run = linear().run(&["history"]).success();
    assert_eq!(
        run.lines(),
        [
            format!("{B} -> {C} (head), add orders"),
            format!("{A} -> {B}, add email"),
            format!("<base> -> {A}, create users"),
        ]
    );
}

#[test]
fn history_of_a_diamond_marks_merge_and_branch_points() {
    let run = diamond().run(&["history"]).success();
    let lines = run.lines();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert_eq!(
        lines[0],
        format!("({B}, {C}) -> {D} (head) (mergepoint), merge email and orders")
    );
    let mut middle = lines[1..3].to_vec();
    middle.sort();
    assert_eq!(
        middle,
        [
            format!("{A} -> {B}, add email"),
            format!("{A} -> {C}, add orders")
        ]
    );
    assert_eq!(
        lines[3],
        format!("<base> -> {A} (branchpoint), create users")
    );
}

#[test]
fn history_shows_branch_labels() {
    let project = Project::new();
    project.write_revision_with(A, &[], "core", "-- Branch Labels: core\n");
    let run = project.run(&["history"]).success();
    assert_eq!(run.lines(), [format!("<base> -> {A} (core) (head), core")]);
}

#[test]
fn history_range_start_end() {
    let project = linear();
    project.write_revision(D, &[C], "add items");
    let run = project
        .run(&["history", "-r", &format!("{B}:{C}")])
        .success();
    assert_eq!(
        run.lines(),
        [
            format!("{B} -> {C}, add orders"),
            format!("{A} -> {B}, add email"),
        ]
    );
}

#[test]
fn history_range_open_start() {
    let run = linear().run(&["history", "-r", ":bbbb"]).success();
    assert_eq!(
        run.lines(),
        [
            format!("{A} -> {B}, add email"),
            format!("<base> -> {A}, create users"),
        ]
    );
}

#[test]
fn history_range_open_end() {
    let run = linear().run(&["history", "-r", "bbbb:"]).success();
    assert_eq!(
        run.lines(),
        [
            format!("{B} -> {C} (head), add orders"),
            format!("{A} -> {B}, add email"),
        ]
    );
}

#[test]
fn history_range_with_long_flag_and_keywords() {
    let run = linear()
        .run(&["history", "--rev-range", "base:head"])
        .success();
    assert_eq!(run.lines().len(), 3, "{}", run.stdout);
}

#[test]
fn history_range_with_an_unknown_end_fails() {
    linear()
        .run(&["history", "-r", ":ffff"])
        .code(2)
        .stderr_has(&["ffff"]);
}

#[test]
fn history_snapshot() {
    let run = diamond().run(&["history"]).success();
    insta::with_settings!({filters => FILTERS}, {
        insta::assert_snapshot!("history_diamond", run.stdout);
    });
}

#[test]
fn history_graph_snapshot_diamond() {
    let run = diamond().run(&["history", "--graph"]).success();
    insta::with_settings!({filters => FILTERS}, {
        insta::assert_snapshot!("history_graph_diamond", run.stdout);
    });
}

#[test]
fn history_graph_snapshot_two_heads_and_two_roots() {
    let project = forked();
    project.write_revision_with(D, &[], "billing root", "-- Branch Labels: billing\n");
    let run = project.run(&["history", "--graph"]).success();
    insta::with_settings!({filters => FILTERS}, {
        insta::assert_snapshot!("history_graph_forest", run.stdout);
    });
}

#[test]
fn history_graph_draws_every_revision_once() {
    let run = diamond().run(&["history", "--graph"]).success();
    for id in [A, B, C, D] {
        assert_eq!(run.stdout.matches(id).count(), 1, "{id} in\n{}", run.stdout);
    }
    assert!(
        run.lines()[0].starts_with(&format!("* {D}")),
        "{}",
        run.stdout
    );
}

/// `show REV` names exactly one revision in its `Rev:` line.
fn shown(project: &Project, rev: &str) -> Vec<String> {
    let run = project.run(&["show", rev]).success();
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Rev: "))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[test]
fn show_by_full_id() {
    let project = linear();
    let run = project.run(&["show", B]).success();
    assert!(
        run.stdout.starts_with(&format!("Rev: {B}\n")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("Parent: {A}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("add email"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("Path: migrations/versions/{B}_add_email.sql")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2026-01-02 03:04:05+00:00"),
        "{}",
        run.stdout
    );
}

#[test]
fn show_by_prefix_label_and_keywords() {
    let project = linear();
    project.write_revision_with(D, &[], "billing root", "-- Branch Labels: billing\n");
    assert_eq!(shown(&project, "bbbb"), [B]);
    assert_eq!(shown(&project, "b"), [B]);
    assert_eq!(shown(&project, "billing"), [D]);
    assert_eq!(shown(&project, "billing@head"), [D]);
    assert_eq!(shown(&project, "aaaa@head"), [C]);
    let mut heads = shown(&project, "heads");
    heads.sort();
    assert_eq!(heads, [C, D]);
}

#[test]
fn show_head_and_head_minus_one() {
    let project = linear();
    assert_eq!(shown(&project, "head"), [C]);
    assert_eq!(shown(&project, "head-1"), [B]);
    assert_eq!(shown(&project, "head-2"), [A]);
    assert_eq!(shown(&project, "bbbb+1"), [C]);
}

#[test]
fn show_of_a_merge_lists_both_parents() {
    let run = diamond().run(&["show", D]).success();
    assert!(
        run.stdout.contains(&format!("Merges: {B}, {C}")),
        "{}",
        run.stdout
    );
}

#[test]
fn show_head_with_two_heads_fails_and_lists_them() {
    forked()
        .run(&["show", "head"])
        .code(2)
        .stderr_has(&[B, C, "heads"]);
}

#[test]
fn show_ambiguous_prefix_lists_candidates() {
    let project = Project::new();
    project.write_revision("abc111111111", &[], "one");
    project.write_revision("abc222222222", &["abc111111111"], "two");
    project.run(&["show", "abc"]).code(2).stderr_has(&[
        "ambiguous",
        "abc111111111",
        "abc222222222",
    ]);
}

#[test]
fn show_unknown_suggests_the_closest() {
    linear()
        .run(&["show", "bbbb00000003"])
        .code(2)
        .stderr_has(&["bbbb00000003", "did you mean", B]);
}

#[test]
fn show_base_is_not_a_revision() {
    linear().run(&["show", "base"]).code(2);
}

#[test]
fn history_range_with_two_colons_is_a_usage_error() {
    linear()
        .run(&["history", "-r", "aaaa:bbbb:cccc"])
        .code(2)
        .stderr_has(&["aaaa:bbbb:cccc", "one `:`"]);
}
