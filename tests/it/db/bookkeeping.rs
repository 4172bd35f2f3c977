//! retort's own rows: bound values in live runs, literals in scripts that
//! read the same whatever the server's quoting settings, and a write that
//! changes no row stops the run. Text from a revision file never leaves a
//! script comment.

use super::failure::wait_until_busy;
use super::offline::run_client;
use super::{Backend, DbProject, R, per_backend};

/// A downgrade section written to break out of a literal quoted for the
/// wrong setting: `\'` ends `'…'` when backslashes escape.
const TRICKY_DOWN: &str =
    "DROP TABLE note;\n-- it's \\' and \\\\ and '' then \\'); DROP TABLE victim; --\n";

/// The server setting under which retort's rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// The servers' defaults.
    Default,
    /// Backslashes escape in `'…'` (PostgreSQL `standard_conforming_strings
    /// = off`) or do not (MySQL `NO_BACKSLASH_ESCAPES`): the setting other
    /// than the default.
    Other,
}

/// `R[0]` creates `victim`; `R[1]` creates `note` and reverts with [`TRICKY_DOWN`].
fn tricky_project(backend: Backend) -> Option<DbProject> {
    let p = DbProject::new(backend)?;
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE victim (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE victim;\n",
    );
    p.revision(
        R[1],
        R[0],
        &format!("-- migrate:upgrade\nCREATE TABLE note (id INTEGER);\n\n-- migrate:downgrade\n{TRICKY_DOWN}"),
    );
    Some(p)
}

/// Switches the test database to `quoting` for new sessions where the
/// server allows it per database (PostgreSQL); MySQL's sql_mode is set per
/// session, so a script gets it prepended instead.
fn prepare(p: &DbProject, quoting: Quoting) -> String {
    match (p.db.backend, quoting) {
        (Backend::Postgres, Quoting::Other) => {
            p.db.execute(&format!(
                "ALTER DATABASE \"{}\" SET standard_conforming_strings = off",
                p.db.name
            ));
            String::new()
        }
        (Backend::Mysql, Quoting::Other) => {
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\n".to_owned()
        }
        _ => String::new(),
    }
}

fn assert_intact(p: &DbProject) {
    assert!(p.db.has_table("victim"), "victim was dropped");
    assert!(p.db.has_table("note"));
    assert_eq!(p.versions(), [R[1]]);
    let stored = p.db.query(&format!(
        "SELECT downgrade_sql FROM retort_version_log WHERE revision = '{}' AND direction = 'up'",
        R[1]
    ));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].trim(), TRICKY_DOWN.trim());
}

fn live_quoting(backend: Backend, quoting: Quoting) {
    let Some(p) = tricky_project(backend) else {
        return;
    };
    prepare(&p, quoting);
    p.run(&["upgrade"]).success();
    assert_intact(&p);
}

fn script_quoting(backend: Backend, quoting: Quoting) {
    let Some(p) = tricky_project(backend) else {
        return;
    };
    let session = prepare(&p, quoting);
    let script = p.run(&["upgrade", "--sql"]).success().stdout;
    if run_client(&p.db, &format!("{session}{script}")).is_none() {
        return;
    }
    assert_intact(&p);
}

fn live_rows_with_default_quoting(backend: Backend) {
    live_quoting(backend, Quoting::Default);
}
per_backend!(live_rows_with_default_quoting);

/// MySQL's sql_mode cannot be set for one database, so only PostgreSQL's
/// setting is tried live; MySQL's live rows are bound, whatever the mode.
#[test]
fn live_rows_with_standard_conforming_strings_off() {
    live_quoting(Backend::Postgres, Quoting::Other);
}

fn script_rows_with_default_quoting(backend: Backend) {
    script_quoting(backend, Quoting::Default);
}
per_backend!(script_rows_with_default_quoting);

fn script_rows_with_the_other_quoting(backend: Backend) {
    script_quoting(backend, Quoting::Other);
}
per_backend!(script_rows_with_the_other_quoting: Postgres postgres, Mysql mysql);

/// A message with a carriage return: psql ends a `--` comment there, so the
/// rest of the line would run.
fn script_comments_hold_no_control_characters(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE victim (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE victim;\n",
    );
    p.project.write_file(
        &format!("{}_evil.sql", R[1]),
        format!(
            "-- Revision ID: {}\n-- Revises: {}\n-- Create Date: 2026-01-02 03:04:05+00:00\n\
             -- Message: harmless\rDROP TABLE victim; --\n\n\
             -- migrate:upgrade\nCREATE TABLE note (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE note;\n",
            R[1], R[0]
        )
        .as_bytes(),
    );
    let script = p.run(&["upgrade", "--sql"]).success().stdout;
    if run_client(&p.db, &script).is_some() {
        assert!(p.db.has_table("victim"), "the message dropped victim");
        assert!(p.db.has_table("note"));
    }
    // MySQL and SQLite end a comment only at LF, but no client should see a CR.
    assert!(!script.contains('\r'), "{script:?}");
    assert!(
        script.contains("harmless\\rDROP TABLE victim; --"),
        "{script}"
    );
}
per_backend!(script_comments_hold_no_control_characters);

/// A section outside a transaction removes the version row: the version
/// UPDATE after it changes nothing, and the run must stop rather than take
/// that as success.
fn a_write_that_changes_no_row_stops_the_run(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.revision(
        R[1],
        R[0],
        "-- migrate:upgrade transaction=false\nDELETE FROM retort_version;\n\n\
         -- migrate:downgrade\nSELECT 1;\n",
    );
    p.table_revision(R[2], R[1]);
    p.run(&["upgrade"])
        .code(1)
        .stderr_has(&["bookkeeping write changed 0 row(s)", "must change"]);
    assert!(p.versions().is_empty());
    // Its one statement ran, outside a transaction; the row says so.
    assert_eq!(p.log(R[1]), ["up:upgrade:failed:1/1"]);
    assert!(
        p.log(R[2]).is_empty(),
        "the run went on after the failed write"
    );
    assert!(!p.db.has_table(&format!("t_{}", R[2])));
}
per_backend!(a_write_that_changes_no_row_stops_the_run);

/// The same inside the revision's transaction: the whole revision rolls back.
fn a_write_that_changes_no_row_rolls_back(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.revision(
        R[1],
        R[0],
        "-- migrate:upgrade\nCREATE TABLE gone (id INTEGER);\nDELETE FROM retort_version;\n\n\
         -- migrate:downgrade\nDROP TABLE gone;\n",
    );
    p.run(&["upgrade"])
        .code(1)
        .stderr_has(&["bookkeeping write changed 0 row(s)"]);
    assert_eq!(p.versions(), [R[0]]);
    assert!(!p.db.has_table("gone"));
    assert!(p.log(R[1]).is_empty(), "{:?}", p.log(R[1]));
}
per_backend!(a_write_that_changes_no_row_rolls_back: Sqlite sqlite, Postgres postgres);

/// A log table made by an older retort, without `statement_hashes`: read
/// as it is, and given the column by the next run.
fn old_log_table(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.run(&["upgrade"]).success();
    p.db.execute("ALTER TABLE retort_version_log DROP COLUMN statement_hashes");
    p.table_revision(R[1], R[0]);
    let status = p.run(&["status"]).success();
    assert!(status.stdout.contains(R[1]), "{}", status.stdout);
    p.run(&["upgrade"]).success();
    assert_eq!(p.versions(), [R[1]]);
    let hashes = p.db.query(&format!(
        "SELECT statement_hashes FROM retort_version_log WHERE revision = '{}'",
        R[1]
    ));
    assert_eq!(hashes.len(), 1);
    assert_eq!(hashes[0].len(), 16, "{hashes:?}");
}
per_backend!(old_log_table);

const KILLED: &str = "-- migrate:upgrade\n\
    CREATE TABLE k1 (id INTEGER);\n\
    SELECT SLEEP(4);\n\
    CREATE TABLE k2 (id INTEGER);\n\n\
    -- migrate:downgrade\n\
    DROP TABLE k2;\n\
    DROP TABLE k1;\n";

/// MySQL commits each DDL statement: a run killed inside a revision leaves
/// it half applied, and the log row written before its first statement says
/// how far it got.
#[test]
fn mysql_killed_mid_revision() {
    let Some(p) = DbProject::new(Backend::Mysql) else {
        return;
    };
    p.table_revision(R[0], "");
    p.revision(R[1], R[0], KILLED);
    let mut child = p.spawn(&["-v", "upgrade"]);
    wait_until_busy(&p, &mut child, "SLEEP");
    assert!(
        child.try_wait().expect("poll retort").is_none(),
        "retort finished before it was killed"
    );
    child.kill().expect("SIGKILL retort");
    child.wait().expect("reap retort");

    assert_eq!(p.versions(), [R[0]]);
    assert!(p.db.has_table("k1") && !p.db.has_table("k2"));
    assert_eq!(p.log(R[1]), ["up:upgrade:failed:1/3"]);
    let status = p.run(&["status"]).success();
    for part in [
        "interrupted",
        "statement 1 had finished",
        "statement 2 of 3",
        "--resume",
    ] {
        assert!(status.stdout.contains(part), "{part}:\n{}", status.stdout);
    }
    // Not again from the top, where `CREATE TABLE k1` would fail.
    p.run(&["upgrade"])
        .code(1)
        .stderr_has(&[R[1], "interrupted", "statement 2 of 3", "--resume"]);
    assert_eq!(p.log(R[1]).len(), 1);

    p.run(&["upgrade", "--resume"]).success();
    assert!(p.db.has_table("k2"));
    assert_eq!(p.versions(), [R[1]]);
    assert_eq!(p.log(R[1]), ["up:upgrade:failed:1/3", "up:upgrade:ok:3/3"]);
}

const FAILING: &str = "-- migrate:upgrade\n\
    INSERT INTO counted (n) VALUES (1);\n\
    CREATE TABLE b (id INTEGER);\n\
    SELECT * FROM no_such_table;\n\n\
    -- migrate:downgrade\n\
    DROP TABLE b;\n";

/// `--resume` after a fix that put a statement before the failed one: the
/// count of statements that ran no longer says which ones they were.
#[test]
fn mysql_resume_refuses_changed_statements() {
    let Some(p) = DbProject::new(Backend::Mysql) else {
        return;
    };
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE counted (n INTEGER);\n\n-- migrate:downgrade\nDROP TABLE counted;\n",
    );
    p.revision(R[1], R[0], FAILING);
    p.run(&["upgrade"]).code(1);
    assert_eq!(p.log(R[1]), ["up:upgrade:failed:2/3"]);

    p.revision(
        R[1],
        R[0],
        &FAILING.replace(
            "CREATE TABLE b (id INTEGER);\n",
            "CREATE TABLE inserted (id INTEGER);\nCREATE TABLE b (id INTEGER);\n",
        ),
    );
    p.run(&["upgrade", "--resume"]).code(1).stderr_has(&[
        R[1],
        "statement 2",
        "inserted",
        "changed since it ran",
    ]);
    assert!(!p.db.has_table("inserted"));
    assert_eq!(p.db.query("SELECT COUNT(*) FROM counted"), ["1"]);

    // Changing only what did not run is what --resume is for.
    p.revision(
        R[1],
        R[0],
        &FAILING.replace("SELECT * FROM no_such_table", "CREATE TABLE c (id INTEGER)"),
    );
    p.run(&["upgrade", "--resume"]).success();
    assert_eq!(p.db.query("SELECT COUNT(*) FROM counted"), ["1"]);
    assert!(p.db.has_table("c"));
    assert_eq!(p.versions(), [R[1]]);
}

/// A script logs a revision outside a transaction as started, counts its
/// statements and completes the row, as a live run does.
fn script_outside_a_transaction(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.revision(
        R[1],
        R[0],
        "-- migrate:upgrade transaction=false\nCREATE TABLE s1 (id INTEGER);\nCREATE TABLE s2 (id INTEGER);\n\n\
         -- migrate:downgrade\nDROP TABLE s2;\nDROP TABLE s1;\n",
    );
    let script = p.run(&["upgrade", "--sql"]).success().stdout;
    if run_client(&p.db, &script).is_none() {
        return;
    }
    assert_eq!(p.versions(), [R[1]]);
    assert_eq!(p.log(R[1]), ["up:upgrade:ok:2/2"]);
    assert!(p.db.has_table("s2"));
}
per_backend!(script_outside_a_transaction);
