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
