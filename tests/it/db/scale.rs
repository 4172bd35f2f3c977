//! No false positives at scale: a generated 1,000-table schema (8 columns
//! of varied portable types, an index, a unique constraint and a foreign
//! key each; `benches/gen_schema.py`, shared with `benches/check.sh`) as
//! the models, its revision written by `autogenerate` from an empty
//! database, applied by `upgrade` — after which `check` finds nothing.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::{Backend, DbProject, per_backend};

const TABLES: usize = 1000;

fn thousand_tables(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    let config = p.path().join("retort.toml");
    let text = std::fs::read_to_string(&config).expect("retort.toml");
    std::fs::write(&config, format!("{text}models = [\"models\"]\n")).expect("write retort.toml");
    std::fs::create_dir_all(p.path().join("models")).expect("create models/");
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gen_schema.py");
    let status = Command::new("python3")
        .arg(&generator)
        .arg(p.path().join("models/schema.sql"))
        .args(["--tables", &TABLES.to_string()])
        .status()
        .expect("python3 runs benches/gen_schema.py");
    assert!(status.success(), "gen_schema.py failed");

    // Timings are printed for whoever runs the test, never asserted.
    let start = Instant::now();
    p.run(&["autogenerate", "-m", "tables", "--rev-id", "b00000000001"])
        .success();
    let generated = start.elapsed();
    p.run(&["upgrade"]).success();
    let upgraded = start.elapsed();
    assert_eq!(p.app_tables().len(), TABLES);

    let check = p.run(&["--format", "json", "check"]).success().json();
    assert_eq!(check["in_sync"], true, "{check}");
    assert_eq!(check["operations"].as_array().map(Vec::len), Some(0));
    eprintln!(
        "{backend}: autogenerate {:?}, upgrade {:?}, check {:?}",
        generated,
        upgraded - generated,
        start.elapsed() - upgraded
    );
}
per_backend!(thousand_tables);
