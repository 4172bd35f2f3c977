//! `retort lint` as a user runs it: which revisions, exit codes, the three
//! output forms, suppressions and `[lint]` settings, and the downgrade
//! check on every revision of examples/. No database: lint reads files only.

use std::fs;
use std::path::Path;

use crate::common::{Project, Run};

const BASE: &str = "-- Revision ID: a00000000001\n-- Revises:\n\n-- migrate:upgrade\n\
    CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), age INTEGER);\n\n\
    -- migrate:downgrade\nDROP TABLE users;\n";

/// A project with the base revision and a second one made of `sections`.
fn project(sections: &str) -> Project {
    let p = Project::new();
    p.write_file("a00000000001_base.sql", BASE.as_bytes());
    p.write_file(
        "a00000000002_change.sql",
        format!("-- Revision ID: a00000000002\n-- Revises: a00000000001\n\n{sections}\n")
            .as_bytes(),
    );
    p
}

fn rules(run: &Run) -> Vec<String> {
    run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect()
}

const DROP: &str = "-- migrate:upgrade\nALTER TABLE users DROP COLUMN age;\n\n\
    -- migrate:downgrade\nALTER TABLE users ADD COLUMN age INTEGER;";

#[test]
fn an_error_finding_exits_1_and_shows_the_statement_and_the_safe_way() {
    let p = project(DROP);
    let run = p.run(&["lint", "--dialect", "postgresql"]).code(1);
    assert!(run.stdout.contains("error [drop-column]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("a00000000002_change.sql:5:1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("ALTER TABLE users DROP COLUMN age;"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("safe way: expand/contract"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 error(s)"), "{}", run.stdout);
}

#[test]
fn json_is_one_document_and_github_annotates_the_line() {
    let p = project(DROP);
    let run = p
        .run(&["lint", "--dialect", "sqlite", "--format", "json"])
        .code(1);
    let doc = run.json();
    assert_eq!(doc["dialect"], "sqlite");
    assert_eq!(doc["counts"]["error"], 1);
    let finding = &doc["findings"][0];
    assert_eq!(finding["rule"], "drop-column");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["revision"], "a00000000002");
    assert_eq!(finding["line"], 5);
    assert_eq!(finding["statement"], "ALTER TABLE users DROP COLUMN age");

    let run = p
        .run(&["lint", "--dialect", "mysql", "--format", "github"])
        .code(1);
    let line = run.stdout.lines().next().expect("an annotation");
    assert!(
        line.starts_with(
            "::error file=migrations/versions/a00000000002_change.sql,line=5,title=drop-column::drops column"
        ),
        "{line}"
    );
}

#[test]
fn settings_change_a_level_and_an_unknown_rule_is_named_with_a_suggestion() {
    let p = project(DROP);
    let toml = p.path().join("retort.toml");
    let text = fs::read_to_string(&toml).expect("retort.toml");
    fs::write(
        &toml,
        format!("{text}\n[lint]\ndrop-column = \"warning\"\n"),
    )
    .expect("write");
    let run = p
        .run(&["lint", "--dialect", "postgresql", "--format", "json"])
        .success();
    assert_eq!(run.json()["findings"][0]["severity"], "warning");

    fs::write(&toml, format!("{text}\n[lint]\ndrop-colum = \"off\"\n")).expect("write");
    p.run(&["lint", "--dialect", "postgresql"])
        .code(2)
        .stderr_has(&["retort.toml", "drop-colum", "did you mean `drop-column`?"]);
}

#[test]
fn a_suppression_covers_its_statement_and_needs_a_reason() {
    let p = project(
        "-- migrate:upgrade\n-- retort:lint ignore drop-column nothing reads it since 4.2\n\
         ALTER TABLE users DROP COLUMN age;\n\n\
         -- migrate:downgrade\nALTER TABLE users ADD COLUMN age INTEGER;",
    );
    let run = p
        .run(&["lint", "--dialect", "postgresql", "--format", "json"])
        .success();
    assert!(
        !rules(&run).contains(&"drop-column".to_owned()),
        "{}",
        run.stdout
    );

    let p = project(
        "-- migrate:upgrade\n-- retort:lint ignore drop-column\nALTER TABLE users DROP COLUMN age;",
    );
    p.run(&["lint", "--dialect", "postgresql"])
        .code(2)
        .stderr_has(&[
            "migrations/versions/a00000000002_change.sql:5",
            "no reason given",
        ]);
}

#[test]
fn since_checks_only_later_revisions_and_files_can_stand_alone() {
    let p = project(DROP);
    let run = p
        .run(&[
            "lint",
            "--dialect",
            "postgresql",
            "--since",
            "a00000000002",
            "--format",
            "json",
        ])
        .success();
    assert!(rules(&run).is_empty(), "{}", run.stdout);
    let run = p
        .run(&[
            "lint",
            "--dialect",
            "postgresql",
            "--since",
            "a00000000001",
            "--format",
            "json",
        ])
        .code(1);
    assert!(
        rules(&run).contains(&"drop-column".to_owned()),
        "{}",
        run.stdout
    );

    // Named files; one outside any project is read on its own.
    let outside = tempfile::tempdir().expect("a temp directory");
    let file = outside.path().join("x.sql");
    fs::write(
        &file,
        "-- Revision ID: b00000000001\n-- Revises:\n\n-- migrate:upgrade\n\
         CREATE INDEX ix_users_age ON users (age);\n\n-- migrate:downgrade\nDROP INDEX ix_users_age;\n",
    )
    .expect("write");
    let run = crate::common::Run::of({
        let mut command = crate::common::retort();
        command
            .current_dir(outside.path())
            .args(["lint", "--dialect", "postgresql", "--format", "json"])
            .arg(&file);
        command
    })
    .success();
    // CREATE INDEX takes SHARE, which queues writes while it waits.
    assert_eq!(
        rules(&run),
        ["pg-create-index-not-concurrently", "pg-lock-timeout"]
    );
}

#[test]
fn without_a_dialect_or_url_lint_says_what_to_pass() {
    let p = project(DROP);
    // `retort init` writes a SQLite URL, so lint checks for SQLite.
    let run = p.run(&["lint", "--format", "json"]).code(1);
    assert_eq!(run.json()["dialect"], "sqlite");
    let toml = p.path().join("retort.toml");
    let text = fs::read_to_string(&toml).expect("retort.toml");
    let without: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("url"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&toml, without).expect("write");
    p.run(&["lint"]).code(2).stderr_has(&["--dialect"]);
}

/// Copies examples/mercury_bank.
fn mercury_bank() -> Project {
    let p = Project::empty();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mercury_bank");
    copy(&from, p.path());
    p
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a directory");
    for entry in fs::read_dir(from).expect("read a directory") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// Every revision of examples/ has a downgrade that reverses its upgrade on
/// every database, and the check is not vacuous: emptying a revision's
/// downgrade makes lint report it.
#[test]
fn every_example_downgrade_reverses_its_upgrade() {
    let p = mercury_bank();
    for dialect in ["postgresql", "mysql", "sqlite"] {
        let run = p.run(&["lint", "--all", "--dialect", dialect, "--format", "json"]);
        let downgrades: Vec<String> = rules(&run)
            .into_iter()
            .filter(|r| r.starts_with("downgrade"))
            .collect();
        assert!(downgrades.is_empty(), "{dialect}: {}", run.stdout);
    }
    let versions = p.path().join("migrations/versions");
    let mut broken = 0;
    for entry in fs::read_dir(&versions).expect("read versions") {
        let path = entry.expect("an entry").path();
        let text = fs::read_to_string(&path).expect("read a revision");
        let Some(at) = text.find("-- migrate:downgrade") else {
            continue;
        };
        let upgrade = &text[..at];
        if !upgrade.contains("CREATE") && !upgrade.contains("ALTER") {
            continue; // a merge: nothing to reverse
        }
        fs::write(&path, format!("{}-- migrate:downgrade\n", &text[..at])).expect("write");
        let id = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('_').next())
            .expect("an id")
            .to_owned();
        for dialect in ["postgresql", "mysql", "sqlite"] {
            let run = p.run(&["lint", "--dialect", dialect, "--format", "json"]);
            let found = run.json()["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .any(|f| f["rule"] == "downgrade-not-reversing" && f["revision"] == id.as_str());
            assert!(found, "{dialect}: emptying {id}'s downgrade went unnoticed");
        }
        fs::write(&path, text).expect("restore");
        broken += 1;
    }
    assert!(broken >= 5, "only {broken} revisions checked");
}
