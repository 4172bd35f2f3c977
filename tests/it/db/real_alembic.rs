//! `retort import alembic` on a real Alembic history the repository does
//! not hold (nothing fetched is committed): ignored unless run by hand,
//! with `RETORT_REAL_ALEMBIC_DIR` naming the directory of its
//! `alembic.ini`, prepared as docs/adopting-from-alembic.md ("Tried on a
//! real history") describes:
//!
//! ```sh
//! RETORT_REAL_ALEMBIC_DIR=/tmp/mailu/core/admin/migrations \
//!   cargo test --test it real_alembic -- --ignored --nocapture
//! ```
//!
//! `RETORT_REAL_ALEMBIC_PYTHON` (default: `RETORT_TEST_ALEMBIC_PYTHON`)
//! runs Alembic; `RETORT_REAL_ALEMBIC_VERSION_TABLE` is passed as
//! `--version-table` when set.
//!
//! Per database: the history is imported for it, then walked revision by
//! revision, parents first. Alembic upgrades one database; the other is
//! upgraded by retort, except the revisions that need a hand, which Alembic
//! runs there too (mixed running on the shared version table). After every
//! step both read back the same (`retort dump`, version rows). Then the
//! same back down, as far as Alembic's own downgrades go.

use std::path::PathBuf;

use serde_json::Value;

use super::import_alembic::{alembic, alembic_try, dump, run};
use crate::alembic::alembic_python;
use crate::common::Project;
use crate::db::{Backend, TestDb};

fn real_alembic_history(backend: Backend) {
    let Some(dir) = std::env::var_os("RETORT_REAL_ALEMBIC_DIR").map(PathBuf::from) else {
        eprintln!("note: RETORT_REAL_ALEMBIC_DIR is not set; nothing to try");
        return;
    };
    let Some(python) = std::env::var("RETORT_REAL_ALEMBIC_PYTHON")
        .ok()
        .or_else(alembic_python)
    else {
        return;
    };
    let Some(by_alembic) = TestDb::new(backend) else {
        return;
    };
    let by_retort = TestDb::new(backend).expect("the server answered once");
    let project = Project::empty();
    let dialect = backend.to_string();
    let mut args = vec![
        "--format".to_owned(),
        "json".to_owned(),
        "import".to_owned(),
        "alembic".to_owned(),
        dir.display().to_string(),
        "--python".to_owned(),
        python.clone(),
        "--dialect".to_owned(),
        dialect.clone(),
        "--allow-incomplete".to_owned(),
        "--out".to_owned(),
        project.path().display().to_string(),
    ];
    if let Ok(table) = std::env::var("RETORT_REAL_ALEMBIC_VERSION_TABLE") {
        args.extend(["--version-table".to_owned(), table]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let imported = project.run(&args).success().json();
    let table = imported["version_table"].as_str().expect("version_table");
    let revisions = imported["revisions"].as_array().expect("revisions");
    let order: Vec<&str> = revisions
        .iter()
        .map(|r| r["revision"].as_str().unwrap_or_default())
        .collect();
    let hand = |id: &str, function: &str| {
        imported["needs_a_hand"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|h| h["revision"] == id && h["function"] == function)
    };
    report(backend, revisions, &imported["needs_a_hand"]);

    let same = |step: &str| {
        assert_eq!(
            dump(&project, &by_retort),
            dump(&project, &by_alembic),
            "{backend}: after {step}"
        );
        assert_eq!(
            by_retort.versions(table),
            by_alembic.versions(table),
            "{backend}: version rows after {step}"
        );
    };
    for id in &order {
        alembic(&python, &dir, &by_alembic, &["upgrade", id]);
        if hand(id, "upgrade") {
            alembic(&python, &dir, &by_retort, &["upgrade", id]);
        } else {
            run(&project, &by_retort, &["upgrade", id]).success();
        }
        same(&format!("upgrade {id}"));
    }
    for (k, id) in order.iter().enumerate().rev() {
        let target = if k == 0 { "base" } else { order[k - 1] };
        if let Err(stderr) = alembic_try(&python, &dir, &by_alembic, &["downgrade", target]) {
            let last = stderr.lines().last().unwrap_or_default();
            eprintln!("{backend}: Alembic's own downgrade of {id} fails ({last}); stopping there");
            return;
        }
        if hand(id, "downgrade") {
            alembic(&python, &dir, &by_retort, &["downgrade", target]);
        } else {
            run(&project, &by_retort, &["downgrade", target]).success();
        }
        same(&format!("downgrade {target}"));
    }
}

/// What was imported portable, per database and by hand.
fn report(backend: Backend, revisions: &[Value], needs_a_hand: &Value) {
    let count = |key: &str, portable: bool| {
        revisions
            .iter()
            .filter(|r| r[key].as_bool() == Some(portable))
            .count()
    };
    eprintln!(
        "{backend}: {} revisions; upgrade portable {}, per database {}; \
         downgrade portable {}, per database {}",
        revisions.len(),
        count("upgrade_portable", true),
        count("upgrade_portable", false),
        count("downgrade_portable", true),
        count("downgrade_portable", false),
    );
    for h in needs_a_hand.as_array().into_iter().flatten() {
        eprintln!(
            "{backend}: needs a hand: {} {}: {}",
            h["revision"].as_str().unwrap_or_default(),
            h["function"].as_str().unwrap_or_default(),
            h["reason"].as_str().unwrap_or_default()
        );
    }
}

mod real_alembic_history {
    use crate::db::Backend;

    #[test]
    #[ignore = "needs RETORT_REAL_ALEMBIC_DIR: a real Alembic history, prepared by hand"]
    fn sqlite() {
        super::real_alembic_history(Backend::Sqlite);
    }

    #[test]
    #[ignore = "needs RETORT_REAL_ALEMBIC_DIR: a real Alembic history, prepared by hand"]
    fn postgres() {
        super::real_alembic_history(Backend::Postgres);
    }

    #[test]
    #[ignore = "needs RETORT_REAL_ALEMBIC_DIR: a real Alembic history, prepared by hand"]
    fn mysql() {
        super::real_alembic_history(Backend::Mysql);
    }
}
