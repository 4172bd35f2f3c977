//! The seed's daily loop on each database: change the models, `check` sees
//! it, `autogenerate` writes the revision, `upgrade` applies it, `check`
//! passes; `dump` reads the live schema back as portable SQL.

use super::{Backend, DbProject, per_backend};

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
