//! `retort check-files`: the offline check behind the `retort-check-files`
//! pre-commit hook (docs/revisions.md, "Checking the files").

use std::fs;

use crate::common::{A, Project};

/// A revision whose unique index on a TEXT column renders everywhere but
/// on MySQL, which cannot index TEXT without a prefix length.
const TEXT_INDEX: &str = "-- Revision ID: aaaa00000001
-- Revises:
-- Message: notes

-- migrate:upgrade
CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);
CREATE UNIQUE INDEX ux_note_body ON note (body);

-- migrate:downgrade
DROP TABLE note;
";

#[test]
fn good_files_pass_for_the_urls_dialect() {
    let project = Project::new();
    project.diamond();
    project
        .run(&["check-files"])
        .success()
        .stderr_has(&["4 revision file(s) parse and render for sqlite."]);
    let doc = project
        .run(&[
            "--format",
            "json",
            "check-files",
            "--dialect",
            "postgres,mariadb,sqlite",
        ])
        .success()
        .json();
    assert_eq!(
        doc,
        serde_json::json!({"files": 4, "dialects": ["postgresql", "mysql", "sqlite"]})
    );
}

#[test]
fn without_a_url_every_dialect_is_checked() {
    let project = Project::new();
    project.diamond();
    let config = project.path().join("retort.toml");
    let text = fs::read_to_string(&config).expect("retort.toml");
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("url"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&config, without).expect("write retort.toml");
    let doc = project
        .run(&["--format", "json", "check-files"])
        .success()
        .json();
    assert_eq!(
        doc["dialects"],
        serde_json::json!(["sqlite", "postgresql", "mysql"])
    );
}

#[test]
fn a_section_that_does_not_render_names_its_file_and_line() {
    let project = Project::new();
    project.write_file(&format!("{A}_notes.sql"), TEXT_INDEX.as_bytes());
    project
        .run(&["check-files", "--dialect", "postgresql"])
        .success();
    project
        .run(&["check-files", "--dialect", "postgresql,mysql"])
        .code(2)
        .stderr_has(&[
            &format!("migrations/versions/{A}_notes.sql:"),
            "MySQL cannot index the TEXT column",
        ]);
}

#[test]
fn a_broken_graph_fails_offline() {
    let project = Project::new();
    project.write_revision(A, &["ffffffffffff"], "orphan");
    let run = project
        .run(&[
            "check-files",
            "--url",
            "postgresql://nobody@127.0.0.1:9/none",
        ])
        .code(2);
    assert!(run.stderr_flat().contains("ffffffffffff"), "{}", run.stderr);
}

#[test]
fn an_empty_project_passes() {
    Project::new()
        .run(&["check-files"])
        .success()
        .stderr_has(&["0 revision file(s)"]);
}

#[test]
fn an_unknown_dialect_is_a_usage_error() {
    Project::new()
        .run(&["check-files", "--dialect", "oracle"])
        .code(2)
        .stderr_has(&["unknown dialect `oracle`"]);
}
