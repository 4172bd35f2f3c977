//! Taking over a database that Alembic managed: retort reads and moves the
//! `alembic_version` rows exactly as Alembic does, so either tool can carry
//! on where the other stopped.

use std::time::Duration;

use super::{Backend, DbProject, per_backend};
use crate::common::{Run, retort};

/// Writes a revision with optional branch labels and dependencies.
fn revision(p: &DbProject, id: &str, revises: &str, labels: &str, depends: &str) {
    let mut header = format!(
        "-- Revision ID: {id}\n-- Revises: {revises}\n\
         -- Create Date: 2026-01-02 03:04:05+00:00\n-- Message: revision {id}\n"
    );
    if !labels.is_empty() {
        header.push_str(&format!("-- Branch Labels: {labels}\n"));
    }
    if !depends.is_empty() {
        header.push_str(&format!("-- Depends On: {depends}\n"));
    }
    let text = format!(
        "{header}\n-- migrate:upgrade\nCREATE TABLE t_{id} (id INTEGER PRIMARY KEY);\n\n\
         -- migrate:downgrade\nDROP TABLE t_{id};\n"
    );
    p.project
        .write_file(&format!("{id}_revision.sql"), text.as_bytes());
}

/// `retort ARGS`, killed (and the test failed) if it runs for a minute.
fn run(p: &DbProject, args: &[&str]) -> Run {
    let mut command = retort();
    command
        .current_dir(p.path())
        .env("DATABASE_URL", &p.db.url)
        .timeout(Duration::from_secs(60))
        .args(args);
    Run::of(command)
}

/// a1 (core) <- a2; b1 (billing) <- b2, which depends on a1. After
/// `alembic upgrade billing@head` the version table holds b2 alone; from
/// there `retort upgrade heads` once spun forever at 100% CPU.
fn dependency_head_row(backend: Backend) {
    let Some(p) = DbProject::with_version_table(backend, "alembic_version") else {
        return;
    };
    revision(&p, "aaaa1", "", "core", "");
    revision(&p, "aaaa2", "aaaa1", "", "");
    revision(&p, "bbbb1", "", "billing", "");
    revision(&p, "bbbb2", "bbbb1", "", "aaaa1");
    run(&p, &["upgrade", "billing@head"]).success();
    assert_eq!(p.versions(), ["bbbb2"], "the rows Alembic leaves");
    // The same rows, written as Alembic writes them, on a fresh table.
    p.db.execute("DELETE FROM alembic_version");
    p.db.execute("INSERT INTO alembic_version (version_num) VALUES ('bbbb2')");
    run(&p, &["upgrade", "heads"]).success();
    assert_eq!(p.versions(), ["aaaa2", "bbbb2"]);
    // `core@-1` counts on core, reached from b2 through its dependency.
    run(&p, &["downgrade", "core@-1"]).success();
    assert_eq!(p.versions(), ["bbbb2"]);
    run(&p, &["downgrade", "billing@base"]).success();
    assert_eq!(p.versions(), ["aaaa1"]);
    assert_eq!(p.app_tables(), ["t_aaaa1"]);
}
per_backend!(dependency_head_row);

/// Runs `tests/alembic/takeover.py ARGS` with the python that has Alembic
/// and the database drivers; returns its JSON answer.
fn alembic(python: &str, args: &[&str]) -> serde_json::Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alembic/takeover.py");
    let output = std::process::Command::new(python)
        .arg(&script)
        .args(args)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("takeover.py runs");
    assert!(
        output.status.success(),
        "takeover.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("takeover.py prints JSON")
}

fn sorted(value: &serde_json::Value) -> Vec<String> {
    let mut items: Vec<String> = value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect();
    items.sort();
    items
}

/// Generated graphs, handed back and forth: Alembic upgrades part way and
/// retort finishes; retort upgrades part way and Alembic finishes. After
/// each hand-over both read the same rows, and the other finds nothing left
/// to do.
fn alembic_and_retort_take_turns(backend: Backend) {
    let Some(python) = crate::alembic::alembic_python() else {
        return;
    };
    for seed in 0..3u64 {
        let Some(db) = super::TestDb::new(backend) else {
            return;
        };
        let out = tempfile::tempdir().expect("a temp directory");
        let root = out.path().to_str().expect("a UTF-8 path");
        let graph = alembic(&python, &["write", root, &seed.to_string()]);
        let ids = sorted(&graph["ids"]);
        let heads = sorted(&graph["heads"]);
        let project = out.path().join("retort");
        let retort_run = |args: &[&str]| {
            let mut command = retort();
            command
                .current_dir(&project)
                .env("DATABASE_URL", &db.url)
                .timeout(Duration::from_secs(60))
                .args(args);
            Run::of(command).success()
        };
        let retort_rows = || {
            let json = retort_run(&["--format", "json", "current"]).json();
            let mut rows: Vec<String> = json["revisions"]
                .as_array()
                .expect("revisions")
                .iter()
                .map(|r| r["revision"].as_str().expect("an id").to_owned())
                .collect();
            rows.sort();
            rows
        };
        let middle = &ids[ids.len() / 2];

        // Alembic part way, retort the rest.
        let after = alembic(&python, &["run", root, &db.url, "upgrade", middle]);
        assert_eq!(
            retort_rows(),
            sorted(&after["rows"]),
            "seed {seed}: retort reads Alembic's rows"
        );
        retort_run(&["upgrade", "heads"]);
        let ours = retort_rows();
        let theirs = alembic(&python, &["current", root, &db.url]);
        assert_eq!(
            ours,
            sorted(&theirs["rows"]),
            "seed {seed}: Alembic reads retort's rows"
        );
        let again = alembic(&python, &["run", root, &db.url, "upgrade", "heads"]);
        assert_eq!(
            sorted(&again["rows"]),
            ours,
            "seed {seed}: Alembic finds nothing left"
        );
        // Every head is applied: each is a row or below one.
        let revisions = retort::RevisionGraph::load(&project.join("migrations/versions"))
            .expect("the generated project loads");
        let state = retort::Applied::from_versions(&revisions, &ours).expect("known rows");
        for head in &heads {
            let node = revisions.node(head).expect("a known head");
            assert!(
                state.contains(node),
                "seed {seed}: head {head} not applied by retort"
            );
        }

        // And the other way round, from base.
        let base = alembic(&python, &["run", root, &db.url, "downgrade", "base"]);
        assert!(sorted(&base["rows"]).is_empty(), "seed {seed}: {base}");
        retort_run(&["upgrade", middle]);
        let ours = retort_rows();
        let theirs = alembic(&python, &["current", root, &db.url]);
        assert_eq!(
            ours,
            sorted(&theirs["rows"]),
            "seed {seed}: Alembic reads retort's rows"
        );
        let finished = alembic(&python, &["run", root, &db.url, "upgrade", "heads"]);
        assert_eq!(retort_rows(), sorted(&finished["rows"]), "seed {seed}");
        let plan = retort_run(&["--format", "json", "upgrade", "heads"]).json();
        assert_eq!(
            plan["steps"],
            serde_json::json!([]),
            "seed {seed}: retort finds nothing left"
        );
        retort_run(&["downgrade", "base"]);
        let theirs = alembic(&python, &["current", root, &db.url]);
        assert!(sorted(&theirs["rows"]).is_empty(), "seed {seed}: {theirs}");
    }
}
per_backend!(alembic_and_retort_take_turns);
