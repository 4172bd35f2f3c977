//! `--format json`: one JSON document on stdout with the fields docs/json.md lists.

use serde_json::Value;

use crate::common::{A, B, C, D, Project};

fn diamond() -> Project {
    let project = Project::new();
    project.diamond();
    project
}

fn revisions(doc: &Value) -> &Vec<Value> {
    doc["revisions"]
        .as_array()
        .unwrap_or_else(|| panic!("`revisions` is an array: {doc}"))
}

fn ids(doc: &Value) -> Vec<&str> {
    revisions(doc)
        .iter()
        .map(|r| r["revision"].as_str().expect("`revision` is a string"))
        .collect()
}

/// Every field of docs/json.md's `REV`, with its type.
fn assert_rev_shape(rev: &Value) {
    assert!(rev["revision"].is_string(), "{rev}");
    for list in ["down_revisions", "branch_labels", "depends_on"] {
        let items = rev[list]
            .as_array()
            .unwrap_or_else(|| panic!("{list}: {rev}"));
        assert!(items.iter().all(Value::is_string), "{list}: {rev}");
    }
    assert!(rev["message"].is_string(), "{rev}");
    assert!(
        rev["create_date"].is_string() || rev["create_date"].is_null(),
        "{rev}"
    );
    assert!(rev["path"].is_string(), "{rev}");
    for flag in ["is_head", "is_base", "is_merge", "is_branch_point"] {
        assert!(rev[flag].is_boolean(), "{flag}: {rev}");
    }
}

fn find<'a>(doc: &'a Value, id: &str) -> &'a Value {
    revisions(doc)
        .iter()
        .find(|r| r["revision"] == id)
        .unwrap_or_else(|| panic!("{id} in {doc}"))
}

#[test]
fn heads_json() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(B, &[A], "two");
    project.write_revision(C, &[A], "three");
    let run = project.run(&["--format", "json", "heads"]).success();
    let doc = run.json();
    assert_eq!(ids(&doc), [B, C]);
    for rev in revisions(&doc) {
        assert_rev_shape(rev);
        assert_eq!(rev["is_head"], true);
        assert_eq!(rev["down_revisions"], serde_json::json!([A]));
    }
}

#[test]
fn heads_check_json_keeps_stdout_one_document() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(B, &[A], "two");
    project.write_revision(C, &[A], "three");
    let run = project
        .run(&["heads", "--check", "--format", "json"])
        .code(1)
        .stderr_has(&["retort merge heads"]);
    assert_eq!(ids(&run.json()), [B, C]);
}

#[test]
fn history_json_is_newest_first_with_every_field() {
    let run = diamond().run(&["history", "--format", "json"]).success();
    let doc = run.json();
    let order = ids(&doc);
    assert_eq!(order.len(), 4);
    assert_eq!(order[0], D);
    assert_eq!(order[3], A);

    for rev in revisions(&doc) {
        assert_rev_shape(rev);
    }
    let a = find(&doc, A);
    assert_eq!(a["down_revisions"], serde_json::json!([]));
    assert_eq!(a["message"], "create users");
    assert_eq!(a["create_date"], "2026-01-02 03:04:05+00:00");
    assert_eq!(
        a["path"],
        format!("migrations/versions/{A}_create_users.sql")
    );
    assert_eq!(
        (
            &a["is_head"],
            &a["is_base"],
            &a["is_merge"],
            &a["is_branch_point"]
        ),
        (
            &Value::Bool(false),
            &Value::Bool(true),
            &Value::Bool(false),
            &Value::Bool(true)
        )
    );
    let d = find(&doc, D);
    assert_eq!(d["down_revisions"], serde_json::json!([B, C]));
    assert_eq!(
        (
            &d["is_head"],
            &d["is_base"],
            &d["is_merge"],
            &d["is_branch_point"]
        ),
        (
            &Value::Bool(true),
            &Value::Bool(false),
            &Value::Bool(true),
            &Value::Bool(false)
        )
    );
    let b = find(&doc, B);
    assert_eq!(
        (
            &b["is_head"],
            &b["is_base"],
            &b["is_merge"],
            &b["is_branch_point"]
        ),
        (
            &Value::Bool(false),
            &Value::Bool(false),
            &Value::Bool(false),
            &Value::Bool(false)
        )
    );
}

#[test]
fn history_graph_json_is_still_json() {
    let run = diamond()
        .run(&["history", "--graph", "--format", "json"])
        .success();
    assert_eq!(ids(&run.json()).len(), 4);
}

#[test]
fn history_range_json() {
    let run = diamond()
        .run(&["history", "-r", &format!(":{B}"), "--format", "json"])
        .success();
    assert_eq!(ids(&run.json()), [B, A]);
}

#[test]
fn show_json_has_labels_and_dependencies() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision_with(
        B,
        &[],
        "billing",
        &format!("-- Branch Labels: billing\n-- Depends On: {A}\n"),
    );
    let run = project
        .run(&["show", "billing", "--format", "json"])
        .success();
    let doc = run.json();
    assert_eq!(ids(&doc), [B]);
    let rev = &revisions(&doc)[0];
    assert_rev_shape(rev);
    assert_eq!(rev["branch_labels"], serde_json::json!(["billing"]));
    assert_eq!(rev["depends_on"], serde_json::json!([A]));
    assert_eq!(rev["message"], "billing");
    assert_eq!(rev["is_base"], true);
    assert_eq!(rev["is_head"], true);
}

#[test]
fn show_heads_json_lists_all() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(B, &[A], "two");
    project.write_revision(C, &[A], "three");
    let run = project
        .run(&["--format", "json", "show", "heads"])
        .success();
    assert_eq!(ids(&run.json()), [B, C]);
}

#[test]
fn branches_json() {
    let run = diamond().run(&["branches", "--format", "json"]).success();
    let doc = run.json();
    assert_eq!(ids(&doc), [A]);
    assert_rev_shape(&revisions(&doc)[0]);
    assert_eq!(revisions(&doc)[0]["is_branch_point"], true);
}

#[test]
fn empty_project_json() {
    let project = Project::new();
    for command in ["heads", "history", "branches"] {
        let run = project.run(&["--format", "json", command]).success();
        assert_eq!(
            run.json(),
            serde_json::json!({"revisions": []}),
            "{command}"
        );
    }
}

#[test]
fn create_json_describes_the_new_revision() {
    let project = Project::new();
    project.create(A, "one", &[]);
    let run = project
        .run(&["--format", "json", "create", "-m", "two", "--rev-id", B])
        .success();
    let doc = run.json();
    assert_eq!(ids(&doc), [B]);
    assert_eq!(revisions(&doc)[0]["down_revisions"], serde_json::json!([A]));
}

#[test]
fn errors_stay_on_stderr_in_json_mode() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    let run = project.run(&["--format", "json", "show", "ffff"]).code(2);
    assert_eq!(run.stdout, "", "no partial document on stdout");
    assert!(run.stderr.contains("ffff"), "{}", run.stderr);
}
