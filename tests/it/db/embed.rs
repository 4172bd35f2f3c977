//! Migrations compiled into a program (`retort::embed_migrations!`) and run
//! at start-up with `retort::embed::upgrade_head`: the same revisions, the
//! same bookkeeping as the CLI, which then finds the database up to date;
//! and the models compared with that database from the program
//! (`retort::autogen::compare`), as `retort check` compares them.

use std::path::Path;
use std::time::Duration;

use retort::autogen::{self, Settings};
use retort::connection::Connection;
use retort::models::{self, Source};
use retort::{DatabaseUrl, RevisionGraph, embed};

use super::{Backend, DbProject, block_on, per_backend};

static EXAMPLE: &[(&str, &str)] =
    retort::embed_migrations!("examples/mercury_bank/migrations/versions");

fn embedded_upgrade_head(backend: Backend) {
    let Some(p) = DbProject::mercury_bank(backend) else {
        return;
    };
    let graph = embed::graph(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
    let on_disk = RevisionGraph::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mercury_bank/migrations/versions"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let checksums = |g: &RevisionGraph| -> Vec<(String, String)> {
        g.revisions()
            .iter()
            .map(|r| (r.id.as_str().to_owned(), r.checksum()))
            .collect()
    };
    assert_eq!(
        checksums(&graph),
        checksums(&on_disk),
        "every file, as on disk"
    );

    let url = DatabaseUrl::parse(&p.db.url).expect("the test URL parses");
    let applied = block_on(embed::upgrade_head(&url, &graph)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.len(), graph.len(), "{applied:?}");
    let again = block_on(embed::upgrade_head(&url, &graph)).unwrap_or_else(|e| panic!("{e}"));
    assert!(again.is_empty(), "{again:?}");

    // The CLI reads the same version and log tables.
    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(status["pending"], serde_json::json!([]), "{status}");
    assert_eq!(status["modified"], serde_json::json!([]), "{status}");
    p.run(&["check"]).success();
}
per_backend!(embedded_upgrade_head);

fn embedded_models_compared(backend: Backend) {
    let Some(p) = DbProject::mercury_bank(backend) else {
        return;
    };
    let graph = embed::graph(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
    let url = DatabaseUrl::parse(&p.db.url).expect("the test URL parses");
    let load = || {
        models::load(&[Source::Path(p.path().join("models"))], p.path())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let compare = |models| {
        block_on(async {
            let mut connection = Connection::connect(&url, Duration::from_secs(10))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let compared =
                autogen::compare(&mut connection, &graph, &models, &Settings::default()).await;
            connection.close().await;
            compared
        })
    };

    let before = compare(load()).expect_err("nothing applied yet");
    assert!(
        matches!(&before, autogen::Error::NotAtHead { pending } if pending.len() == graph.len()),
        "{before:?}"
    );

    block_on(embed::upgrade_head(&url, &graph)).unwrap_or_else(|e| panic!("{e}"));
    let compared = compare(load()).unwrap_or_else(|e| panic!("{e}"));
    assert!(compared.in_sync(), "{:?}", compared.ops);

    let path = p.path().join("models/schema.sql");
    let text = std::fs::read_to_string(&path).expect("models");
    let changed = text.replace(
        "    phone VARCHAR(30),\n",
        "    phone VARCHAR(30),\n    nickname VARCHAR(50) NOT NULL DEFAULT '',\n",
    );
    assert_ne!(text, changed, "the example's models changed shape");
    std::fs::write(&path, changed).expect("write models");
    let compared = compare(load()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!compared.in_sync());
    assert_eq!(compared.ops.len(), 1, "{:?}", compared.ops);
    assert_eq!(compared.ops[0].kind(), "add_column");
    assert!(
        compared
            .upgrade_sql()
            .contains("ADD COLUMN nickname VARCHAR(50) NOT NULL DEFAULT ''"),
        "{}",
        compared.upgrade_sql()
    );
    assert!(
        compared.downgrade_sql().contains("DROP COLUMN nickname"),
        "{}",
        compared.downgrade_sql()
    );
}
per_backend!(embedded_models_compared);

/// A broken embedded file is reported by its name, with the graph's own
/// problems alongside.
#[test]
fn a_broken_embedded_file_is_named() {
    let files = [
        (
            "a1_ok.sql",
            "-- Revision ID: a1\n-- Revises:\n-- Message: ok\n\n-- migrate:upgrade\nSELECT 1;\n",
        ),
        ("b2_broken.sql", "no header at all\n"),
        (
            "c3_orphan.sql",
            "-- Revision ID: c3\n-- Revises: zz\n-- Message: orphan\n\n-- migrate:upgrade\nSELECT 1;\n",
        ),
    ];
    let error = embed::graph(&files).expect_err("two problems");
    assert_eq!(error.to_string(), "2 problems in the revision files");
    let problems: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    assert!(problems[0].starts_with("b2_broken.sql:1:"), "{problems:?}");
    assert!(problems[1].contains("zz"), "{problems:?}");
}
