//! `create` / `revision -m` and `merge`.

use crate::common::{A, B, C, Project};

#[test]
fn first_create_makes_a_base() {
    let project = Project::new();
    let run = project.create(A, "create users", &[]);
    assert_eq!(project.files(), [format!("{A}_create_users.sql")]);
    assert!(
        run.stdout
            .trim()
            .ends_with(&format!("{A}_create_users.sql")),
        "stdout names the new file: {}",
        run.stdout
    );
    assert_eq!(project.header(A, "Revision ID"), A);
    assert_eq!(project.header(A, "Revises"), "");
    assert_eq!(project.header(A, "Message"), "create users");
    let text = project.file_of(A);
    assert!(text.contains("-- migrate:upgrade"), "{text}");
    assert!(text.contains("-- migrate:downgrade"), "{text}");
}

#[test]
fn random_ids_are_12_lowercase_hex() {
    let project = Project::new();
    project.run(&["create", "-m", "first"]).success();
    let files = project.files();
    assert_eq!(files.len(), 1);
    let id = files[0].split('_').next().unwrap();
    assert_eq!(id.len(), 12, "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "{id}"
    );
}

#[test]
fn next_create_revises_the_head() {
    let project = Project::new();
    project.create(A, "one", &[]);
    project.create(B, "two", &[]);
    assert_eq!(project.header(B, "Revises"), A);
    let heads = project.run(&["heads"]).success();
    assert_eq!(heads.lines(), [format!("{B} (head)")]);
}

#[test]
fn revision_alias_works() {
    let project = Project::new();
    project
        .run(&["revision", "-m", "via alias", "--rev-id", A])
        .success();
    project
        .run(&["revision", "-m", "second", "--rev-id", B])
        .success();
    assert_eq!(project.header(B, "Revises"), A);
    assert_eq!(project.header(B, "Message"), "second");
}

#[test]
fn create_with_two_heads_refuses() {
    let project = Project::new();
    project.write_revision(A, &[], "base");
    project.write_revision(B, &[A], "left");
    project.write_revision(C, &[A], "right");
    let before = project.files();
    project
        .run(&["create", "-m", "more"])
        .code(2)
        .stderr_has(&["merge heads", "--head", B, C]);
    assert_eq!(project.files(), before, "no file is written");
}

#[test]
fn create_on_a_chosen_head_with_two_heads() {
    let project = Project::new();
    project.write_revision(A, &[], "base");
    project.write_revision(B, &[A], "left");
    project.write_revision(C, &[A], "right");
    project.create("eeee00000005", "on left", &["--head", B]);
    assert_eq!(project.header("eeee00000005", "Revises"), B);
}

#[test]
fn head_base_with_label_starts_a_new_root() {
    let project = Project::new();
    project.create(A, "main line", &[]);
    project.create(
        B,
        "billing root",
        &["--head", "base", "--branch-label", "billing"],
    );
    assert_eq!(project.header(B, "Revises"), "");
    assert_eq!(project.header(B, "Branch Labels"), "billing");
    let heads = project.run(&["heads"]).success();
    assert_eq!(heads.lines().len(), 2, "{}", heads.stdout);
    // The label now addresses the new branch.
    project.create(C, "billing two", &["--head", "billing@head"]);
    assert_eq!(project.header(C, "Revises"), B);
}

#[test]
fn head_on_a_non_head_needs_splice() {
    let project = Project::new();
    project.create(A, "one", &[]);
    project.create(B, "two", &[]);
    project
        .run(&["create", "-m", "branch", "--head", A, "--rev-id", C])
        .code(2)
        .stderr_has(&["not a head", "--splice"]);
    assert_eq!(project.files().len(), 2, "no file is written");

    project.create(C, "branch", &["--head", A, "--splice"]);
    assert_eq!(project.header(C, "Revises"), A);
    let heads = project.run(&["heads"]).success();
    assert_eq!(
        heads.lines(),
        [format!("{B} (head)"), format!("{C} (head)")]
    );
}

#[test]
fn depends_on_a_prefix_writes_the_full_id() {
    let project = Project::new();
    project.create(A, "one", &[]);
    project.create(B, "other root", &["--head", "base"]);
    project.create(C, "needs one", &["--head", B, "--depends-on", "aaaa"]);
    assert_eq!(project.header(C, "Depends On"), A);
    assert_eq!(project.header(C, "Revises"), B);
}

#[test]
fn depends_on_several_and_by_label() {
    let project = Project::new();
    project.create(A, "one", &["--branch-label", "core"]);
    project.create(B, "other root", &["--head", "base"]);
    project.create(C, "needs both", &["--head", B, "--depends-on", "core,bbbb"]);
    let depends = project.header(C, "Depends On");
    let mut ids: Vec<&str> = depends.split(',').map(str::trim).collect();
    ids.sort();
    assert_eq!(ids, [A, B]);
}

#[test]
fn depends_on_unknown_refuses() {
    let project = Project::new();
    project.create(A, "one", &[]);
    project
        .run(&["create", "-m", "x", "--depends-on", "ffff"])
        .code(2)
        .stderr_has(&["ffff"]);
    assert_eq!(project.files().len(), 1);
}

#[test]
fn duplicate_rev_id_refuses() {
    let project = Project::new();
    project.create(A, "one", &[]);
    let before = project.file_of(A);
    project
        .run(&["create", "-m", "again", "--rev-id", A])
        .code(2)
        .stderr_has(&[A, "already exists"]);
    assert_eq!(project.files().len(), 1);
    assert_eq!(project.file_of(A), before, "the existing file is untouched");
}

#[test]
fn invalid_rev_id_refuses() {
    let project = Project::new();
    for bad in ["head", "has space", "a@b", ""] {
        project.run(&["create", "-m", "x", "--rev-id", bad]).code(2);
    }
    assert!(project.files().is_empty());
}

#[test]
fn invalid_branch_label_refuses() {
    let project = Project::new();
    for bad in ["bad label", "x@y", "head", "base"] {
        project
            .run(&["create", "-m", "x", "--branch-label", bad])
            .code(2)
            .stderr_has(&["branch label"]);
    }
    assert!(project.files().is_empty());
}

#[test]
fn taken_branch_label_refuses() {
    let project = Project::new();
    project.create(A, "one", &["--branch-label", "core"]);
    project
        .run(&[
            "create",
            "-m",
            "x",
            "--head",
            "base",
            "--branch-label",
            "core",
        ])
        .code(2)
        .stderr_has(&["core", A]);
    assert_eq!(project.files().len(), 1);
}

#[test]
fn merge_heads_joins_both() {
    let project = Project::new();
    project.write_revision(A, &[], "base");
    project.write_revision(B, &[A], "left");
    project.write_revision(C, &[A], "right");
    project
        .run(&["merge", "heads", "-m", "join", "--rev-id", "eeee00000005"])
        .success();
    let revises = project.header("eeee00000005", "Revises");
    let mut parents: Vec<&str> = revises.split(',').map(str::trim).collect();
    parents.sort();
    assert_eq!(parents, [B, C]);
    assert_eq!(project.header("eeee00000005", "Message"), "join");
    let heads = project.run(&["heads"]).success();
    assert_eq!(heads.lines(), ["eeee00000005 (head) (mergepoint)"]);
    project.run(&["heads", "--check"]).success();
}

#[test]
fn merge_named_revisions() {
    let project = Project::new();
    project.write_revision(A, &[], "base");
    project.write_revision(B, &[A], "left");
    project.write_revision(C, &[A], "right");
    project
        .run(&[
            "merge",
            "bbbb",
            "cccc",
            "-m",
            "join",
            "--rev-id",
            "eeee00000005",
        ])
        .success();
    assert_eq!(
        project.header("eeee00000005", "Revises"),
        format!("{B}, {C}")
    );
}

#[test]
fn merge_of_a_single_head_refuses() {
    let project = Project::new();
    project.create(A, "one", &[]);
    project
        .run(&["merge", "heads", "-m", "nothing"])
        .code(2)
        .stderr_has(&["nothing to merge"]);
    assert_eq!(project.files().len(), 1);
}

#[test]
fn merge_of_an_ancestor_refuses() {
    let project = Project::new();
    project.create(A, "one", &[]);
    project.create(B, "two", &[]);
    project
        .run(&["merge", A, B, "-m", "no"])
        .code(2)
        .stderr_has(&["ancestor"]);
    assert_eq!(project.files().len(), 2);
}

#[test]
fn first_create_makes_a_missing_versions_directory() {
    // A fresh clone: git keeps no empty directories.
    let project = Project::new();
    std::fs::remove_dir_all(project.path().join("migrations")).unwrap();
    project.create(A, "first", &[]);
    assert_eq!(project.files(), [format!("{A}_first.sql")]);
    project.create(B, "second", &[]);
    assert_eq!(project.header(B, "Revises"), A);
}
