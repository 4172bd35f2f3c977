//! SQLAlchemy models as retort's `models`: `examples/sqlalchemy/dump_ddl.py`
//! prints a `MetaData` as portable DDL. Its output for the example's models
//! is kept in `tests/it/fixtures/sqlalchemy_mercury_bank.sql`, so these tests
//! need no Python: the output must declare exactly the schema that
//! `examples/mercury_bank/models/schema.sql` declares and the example's
//! revisions build. Whether the fixture is still what the script prints is
//! checked when `RETORT_TEST_SQLALCHEMY_PYTHON` names a python that has
//! SQLAlchemy.

use std::path::Path;

use super::{Backend, DbProject, per_backend};

/// The committed output of `dump_ddl.py models:Base.metadata`.
const FIXTURE: &str = include_str!("../fixtures/sqlalchemy_mercury_bank.sql");

/// The example project with `models` set to `entries` (TOML strings) and
/// the fixture copied in as `sqlalchemy.sql`, upgraded to head.
fn upgraded_with_models(backend: Backend, entries: &str) -> Option<DbProject> {
    let p = DbProject::mercury_bank(backend)?;
    std::fs::write(p.path().join("sqlalchemy.sql"), FIXTURE).expect("write the fixture");
    let config = p.path().join("retort.toml");
    let toml = std::fs::read_to_string(&config).expect("retort.toml");
    let changed = toml.replace("models = [\"models\"]", &format!("models = [{entries}]"));
    assert_ne!(toml, changed, "the example's retort.toml changed shape");
    std::fs::write(&config, changed).expect("write retort.toml");
    p.run(&["upgrade"]).success();
    Some(p)
}

/// The DDL SQLAlchemy emits, fed through `cmd:`, is the schema the example's
/// revisions build, and the same schema as the example's hand-written models.
fn sqlalchemy_models_match_the_example(backend: Backend) {
    let Some(p) = upgraded_with_models(backend, "\"cmd:cat sqlalchemy.sql\"") else {
        return;
    };
    let check = p.run(&["--format", "json", "check"]).success().json();
    assert_eq!(check["in_sync"], true, "{check}");
    p.run(&["autogenerate", "-m", "nothing"])
        .success()
        .stderr_has(&["No changes"]);

    // With both sources, retort first checks that they declare the same
    // schema, before any database normalises them.
    let both = "\"models\", \"cmd:cat sqlalchemy.sql\"";
    let Some(p) = upgraded_with_models(backend, both) else {
        return;
    };
    p.run(&["check"]).success();

    // And the source is really read: without an index, check sees it.
    let fixture = p.path().join("sqlalchemy.sql");
    let without = FIXTURE.replace(
        "CREATE INDEX ix_transactions_pending ON transactions (pending);\n",
        "",
    );
    assert_ne!(FIXTURE, without, "the fixture changed shape");
    std::fs::write(&fixture, without).expect("write the fixture");
    let config = p.path().join("retort.toml");
    let toml = std::fs::read_to_string(&config).expect("retort.toml");
    std::fs::write(&config, toml.replace(both, "\"cmd:cat sqlalchemy.sql\""))
        .expect("write retort.toml");
    let drift = p.run(&["--format", "json", "check"]).code(1).json();
    assert_eq!(drift["operations"][0]["op"], "drop_index", "{drift}");
}
per_backend!(sqlalchemy_models_match_the_example);

/// The fixture is what `dump_ddl.py` prints today; skipped with a notice
/// unless `RETORT_TEST_SQLALCHEMY_PYTHON` is set, and failed without it in CI.
#[test]
fn fixture_is_what_dump_ddl_prints() {
    let python = match std::env::var("RETORT_TEST_SQLALCHEMY_PYTHON") {
        Ok(python) if !python.is_empty() => python,
        _ if std::env::var_os("CI").is_some() => {
            panic!("RETORT_TEST_SQLALCHEMY_PYTHON is required in CI (.ci/run installs SQLAlchemy)")
        }
        _ => {
            crate::skip::skip(
                "set RETORT_TEST_SQLALCHEMY_PYTHON to a python with sqlalchemy==2.1.9 (the fixture check)",
            );
            return;
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(&python)
        .current_dir(root)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .args(["examples/sqlalchemy/dump_ddl.py", "models:Base.metadata"])
        .output()
        .unwrap_or_else(|e| panic!("run {python}: {e}"));
    assert!(
        output.status.success(),
        "dump_ddl.py failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The fixture is a header of comment lines, a blank line, then the output.
    let (header, body) = FIXTURE
        .split_once("\n\n")
        .expect("the fixture has a header");
    assert!(header.lines().all(|l| l.starts_with("--")), "{header}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        body,
        "the fixture is stale: regenerate it as its header says"
    );
}
