//! The seed's daily loop on each database: change the models, `check` sees
//! it, `autogenerate` writes the revision, `upgrade` applies it, `check`
//! passes; `dump` reads the live schema back as portable SQL.

use super::{Backend, DbProject, R, per_backend};

fn models_loop(backend: Backend) {
    let Some(p) = DbProject::mercury_bank(backend) else {
        return;
    };
    p.run(&["upgrade"]).success();
    // No false positives right after upgrading the example.
    let check = p.run(&["--format", "json", "check"]).success().json();
    assert_eq!(check["in_sync"], true, "{check}");
    assert_eq!(check["operations"].as_array().map(Vec::len), Some(0));
    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(status["drift"], serde_json::json!([]), "{status}");

    let models = p.path().join("models/schema.sql");
    let text = std::fs::read_to_string(&models).expect("models");
    let changed = text.replace(
        "    phone VARCHAR(30),\n",
        "    phone VARCHAR(30),\n    nickname VARCHAR(50) NOT NULL DEFAULT '',\n",
    );
    assert_ne!(text, changed, "the example's models changed shape");
    std::fs::write(&models, changed).expect("write models");

    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(status["drift"][0]["op"], "add_column", "{status}");
    let drift = p.run(&["--format", "json", "check"]).code(1).json();
    assert_eq!(drift["in_sync"], false);
    assert_eq!(drift["operations"][0]["op"], "add_column", "{drift}");
    assert_eq!(drift["operations"][0]["table"], "users", "{drift}");

    p.run(&[
        "revision",
        "--autogenerate",
        "-m",
        "add nickname",
        "--rev-id",
        "aaaa00000001",
    ])
    .success();
    let written = std::fs::read_dir(p.path().join("migrations/versions"))
        .expect("versions")
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("aaaa00000001"))
        .expect("autogenerate wrote a revision");
    let revision = std::fs::read_to_string(written.path()).expect("revision");
    assert!(
        revision.contains("ADD COLUMN nickname VARCHAR(50) NOT NULL DEFAULT ''"),
        "{revision}"
    );
    assert!(revision.contains("DROP COLUMN nickname"), "{revision}");

    p.run(&["upgrade"]).success();
    p.run(&["check"]).success();
    // Nothing left to generate: no file written.
    p.run(&["autogenerate", "-m", "nothing"])
        .success()
        .stderr_has(&["No changes"]);

    p.run(&["downgrade", "-1"]).success();
    // Not at head: a difference would only mean "not upgraded".
    p.run(&["check"]).code(1).stderr_has(&["not at head"]);

    let dump = p.run(&["dump"]).success();
    assert!(
        dump.stdout.contains("CREATE TABLE users ("),
        "{}",
        dump.stdout
    );
    assert!(!dump.stdout.contains("retort_version"), "{}", dump.stdout);
}
per_backend!(models_loop);

/// A project at `R[0]`, whose upgrade is `ddl`, with `models` as the
/// declared schema and `extra` appended to `retort.toml`.
pub(super) fn project_at(
    backend: Backend,
    ddl: &str,
    models: &str,
    extra: &str,
) -> Option<DbProject> {
    let p = DbProject::new(backend)?;
    p.revision(
        R[0],
        "",
        &format!("-- migrate:upgrade\n{ddl}\n-- migrate:downgrade\nSELECT 1;\n"),
    );
    let config = p.path().join("retort.toml");
    let mut toml = std::fs::read_to_string(&config).expect("retort.toml");
    toml.push_str(extra);
    std::fs::write(&config, toml).expect("write retort.toml");
    std::fs::create_dir_all(p.path().join("models")).expect("models/");
    std::fs::write(p.path().join("models/schema.sql"), models).expect("write models");
    p.run(&["upgrade"]).success();
    Some(p)
}

/// `exclude_tables` takes tables out of both sides: a table only in the
/// database is not dropped, one only in the models is not created, and
/// `dump` leaves them out.
fn excluded_tables_are_left_alone(backend: Backend) {
    let Some(p) = project_at(
        backend,
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n\
         CREATE TABLE legacy_orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n\
         CREATE TABLE tmp_import (line TEXT);",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n\
         CREATE TABLE tmp_scratch (id INTEGER);",
        "exclude_tables = [\"legacy_orders\", \"tmp_*\"]\n",
    ) else {
        return;
    };
    let check = p.run(&["--format", "json", "check"]).success().json();
    assert_eq!(check["in_sync"], true, "{check}");
    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(status["drift"], serde_json::json!([]), "{status}");
    p.run(&["autogenerate", "-m", "nothing"])
        .success()
        .stderr_has(&["No changes"]);
    let dump = p.run(&["dump"]).success();
    assert!(
        dump.stdout.contains("CREATE TABLE users"),
        "{}",
        dump.stdout
    );
    for excluded in ["legacy_orders", "tmp_import"] {
        assert!(!dump.stdout.contains(excluded), "{}", dump.stdout);
    }

    // Without the setting, the same database and models differ.
    let config = p.path().join("retort.toml");
    let toml = std::fs::read_to_string(&config).expect("retort.toml");
    let toml: String = toml
        .lines()
        .filter(|l| !l.starts_with("exclude_tables"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, toml).expect("write retort.toml");
    let drift = p.run(&["--format", "json", "check"]).code(1).json();
    let mut ops: Vec<String> = drift["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|op| format!("{} {}", op["op"], op["table"]))
        .collect();
    ops.sort();
    assert_eq!(
        ops,
        [
            r#""create_table" "tmp_scratch""#,
            r#""drop_foreign_key" "legacy_orders""#,
            r#""drop_table" "legacy_orders""#,
            r#""drop_table" "tmp_import""#
        ],
        "{drift}"
    );
}
per_backend!(excluded_tables_are_left_alone);

/// A bad pattern is a configuration error naming the key and the pattern.
#[test]
fn a_bad_exclude_pattern_is_a_usage_error() {
    let p = crate::common::Project::new();
    let config = p.path().join("retort.toml");
    let toml = std::fs::read_to_string(&config).expect("retort.toml");
    let bad = toml.replace("exclude_tables = []", "exclude_tables = [\"tmp_[\"]");
    assert_ne!(bad, toml, "`init` writes `exclude_tables`");
    std::fs::write(&config, bad).expect("write retort.toml");
    p.run(&["check"])
        .code(2)
        .stderr_has(&["invalid `exclude_tables`", "`tmp_[`"]);
}

/// `NOT NULL` without a default is flagged only where the rows make it
/// fail: a new column on a filled table, NULLs in a column being tightened.
fn not_null_is_flagged_only_on_rows_that_fail(backend: Backend) {
    let Some(p) = project_at(
        backend,
        "CREATE TABLE filled (id INTEGER PRIMARY KEY, note VARCHAR(20));\n\
         CREATE TABLE empty (id INTEGER PRIMARY KEY, note VARCHAR(20));\n\
         CREATE TABLE clean (id INTEGER PRIMARY KEY, note VARCHAR(20));\n\
         INSERT INTO filled (id) VALUES (1);\n\
         INSERT INTO clean (id, note) VALUES (1, 'x');",
        "CREATE TABLE filled (id INTEGER PRIMARY KEY, note VARCHAR(20) NOT NULL, age INTEGER NOT NULL);\n\
         CREATE TABLE empty (id INTEGER PRIMARY KEY, note VARCHAR(20) NOT NULL, age INTEGER NOT NULL);\n\
         CREATE TABLE clean (id INTEGER PRIMARY KEY, note VARCHAR(20) NOT NULL);",
        "",
    ) else {
        return;
    };
    let check = p.run(&["--format", "json", "check"]).code(1).json();
    let warnings: Vec<&str> = check["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert_eq!(warnings.len(), 2, "{check}");
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "DESTRUCTIVE: filled.age is added NOT NULL without a default, and filled has rows"
        )),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "DESTRUCTIVE: filled.note becomes NOT NULL, and rows of filled hold NULL"
        )),
        "{warnings:?}"
    );

    // The same warnings as objects, naming table and column.
    let mut about: Vec<(&str, &str, &str)> = check["warning_details"]
        .as_array()
        .expect("warning_details")
        .iter()
        .filter_map(|w| {
            Some((
                w["op"].as_str()?,
                w["table"].as_str()?,
                w["column"].as_str()?,
            ))
        })
        .collect();
    about.sort();
    assert_eq!(
        about,
        [
            ("add_column", "filled", "age"),
            ("alter_column", "filled", "note")
        ],
        "{check}"
    );

    let run = p
        .run(&["autogenerate", "-m", "tighten", "--rev-id", R[1]])
        .success()
        .stderr_has(&["warning: DESTRUCTIVE: filled.age is added NOT NULL"]);
    assert!(!run.stderr.contains("empty."), "{}", run.stderr);
    assert!(!run.stderr.contains("clean."), "{}", run.stderr);
    let revision = p.project.file_of(R[1]);
    assert!(
        revision.contains("-- DESTRUCTIVE: filled.note becomes NOT NULL"),
        "{revision}"
    );
}
per_backend!(not_null_is_flagged_only_on_rows_that_fail);

/// Every portable type, an identity, a rowid-style key, defaults and a
/// comment: the forms each database normalises differently.
const PORTABLE_MODELS: &str = "\
CREATE TABLE owners (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL DEFAULT 'x');
CREATE TABLE things (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    owner INTEGER REFERENCES owners (id) ON DELETE CASCADE,
    uid UUID NOT NULL,
    seen TIMESTAMP WITH TIME ZONE,
    made TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    flag BOOLEAN NOT NULL DEFAULT FALSE,
    price NUMERIC(10, 2) DEFAULT '0',
    doc JSON,
    data BLOB,
    body TEXT,
    UNIQUE (uid),
    CHECK (price >= 0)
);
CREATE INDEX ix_things_owner_made ON things (owner, made);
COMMENT ON TABLE things IS 'many things';
";

/// A revision autogenerated against one database is portable: it brings
/// the other two to the models as well, with `check` clean on each. (Were
/// it written in the generating database's normal form, MySQL's `CHAR(36)`
/// for `UUID` or SQLite's identity for `INTEGER PRIMARY KEY` would leak
/// into PostgreSQL.)
fn generated_revisions_run_everywhere(generate_on: Backend) {
    let Some(p) = DbProject::new(generate_on) else {
        return;
    };
    std::fs::create_dir_all(p.path().join("models")).expect("models/");
    std::fs::write(p.path().join("models/schema.sql"), PORTABLE_MODELS).expect("write models");
    p.run(&["autogenerate", "-m", "everything", "--rev-id", R[0]])
        .success();
    let revision = p.project.file_of(R[0]);
    assert!(revision.contains("uid UUID NOT NULL"), "{revision}");
    p.run(&["upgrade"]).success();
    p.run(&["check"]).success();

    for other in [Backend::Sqlite, Backend::Postgres, Backend::Mysql] {
        if other == generate_on {
            continue;
        }
        let Some(db) = super::TestDb::new(other) else {
            continue;
        };
        let run = |args: &[&str]| p.run_on(&db, args);
        run(&["upgrade"]).success();
        let check = run(&["--format", "json", "check"]).success().json();
        assert_eq!(
            check["in_sync"], true,
            "generated on {generate_on}, run on {other}: {check}"
        );
        run(&["downgrade", "base"]).success();
    }
}
per_backend!(generated_revisions_run_everywhere);

/// The seed's "Reset to baseline": the revision files removed, the
/// database stamped, one autogenerated revision that recreates the schema
/// — which then builds a new database that matches the models too.
fn reset_to_baseline(backend: Backend) {
    let Some(p) = DbProject::mercury_bank(backend) else {
        return;
    };
    p.run(&["upgrade"]).success();
    for entry in std::fs::read_dir(p.project.versions()).expect("versions") {
        std::fs::remove_file(entry.expect("an entry").path()).expect("remove a revision");
    }
    p.run(&["revision", "--autogenerate", "-m", "Recreate schema"])
        .code(2)
        .stderr_has(&["which no revision file has", "--from-empty"]);
    p.run(&["stamp", "base", "--purge"]).success();
    p.run(&[
        "revision",
        "--autogenerate",
        "--from-empty",
        "-m",
        "Recreate schema",
        "--rev-id",
        R[0],
    ])
    .success();
    p.run(&["stamp", "head"]).success();
    assert_eq!(p.versions(), [R[0]]);
    p.run(&["check"]).success();
    p.run(&["autogenerate", "--from-empty", "-m", "twice"])
        .code(2)
        .stderr_has(&["already holds 1 revision(s)"]);

    let Some(fresh) = super::TestDb::new(backend) else {
        return;
    };
    let run = |args: &[&str]| p.run_on(&fresh, args);
    run(&["upgrade"]).success();
    run(&["check"]).success();
}
per_backend!(reset_to_baseline);
