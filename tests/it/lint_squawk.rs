//! `retort lint --dialect postgresql` against squawk, the PostgreSQL
//! migration linter, on one corpus (`fixtures/lint_squawk/`).
//!
//! Where the two tools have a rule for the same hazard ([`SAME_HAZARD`]),
//! every statement squawk flags in an upgrade section must be flagged by
//! retort too, on the same line, unless the difference is deliberate and
//! listed in [`DELIBERATE`] (docs/lint.md, "Compared with squawk", says
//! why for each). Every listed difference must still occur, so the list
//! cannot outlive the behaviour it excuses.
//!
//! Needs `RETORT_TEST_SQUAWK`: the `squawk` binary of squawk-cli==2.70.0
//! from PyPI, which `.ci/run` installs. Without it the test skips with a
//! notice, except under `CI`, where it fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Run, retort};

/// squawk's rule, and the retort rules that flag the same hazard.
const SAME_HAZARD: &[(&str, &[&str])] = &[
    (
        "require-concurrent-index-creation",
        &["pg-create-index-not-concurrently"],
    ),
    (
        "ban-concurrent-index-creation-in-transaction",
        &["pg-concurrently-in-transaction"],
    ),
    (
        "adding-foreign-key-constraint",
        &["pg-constraint-not-valid"],
    ),
    (
        "constraint-missing-not-valid",
        &["pg-constraint-not-valid", "pg-unique-not-using-index"],
    ),
    ("adding-not-nullable-field", &["pg-set-not-null"]),
    ("changing-column-type", &["pg-alter-column-type"]),
    (
        "adding-field-with-default",
        &["pg-add-column-volatile-default"],
    ),
    (
        "disallowed-unique-constraint",
        &["pg-unique-not-using-index"],
    ),
    ("require-lock-timeout", &["pg-lock-timeout"]),
    ("ban-drop-column", &["drop-column"]),
    ("ban-drop-table", &["drop-table"]),
    ("renaming-column", &["rename-column"]),
    ("renaming-table", &["rename-table"]),
    ("adding-required-field", &["add-column-not-null-no-default"]),
];

/// Statements squawk flags and retort deliberately does not:
/// (file name prefix, line, squawk rule).
const DELIBERATE: &[(&str, usize, &str)] = &[
    // A validated `CHECK (email IS NOT NULL)` from an earlier revision lets
    // PostgreSQL 12+ set NOT NULL without a scan; squawk sees one file.
    ("a00000000008", 7, "adding-not-nullable-field"),
    // Widening a VARCHAR rewrites nothing (PostgreSQL manual, ALTER TABLE,
    // "Notes").
    ("a00000000009", 8, "changing-column-type"),
    // CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, which blocks neither reads
    // nor writes while it waits; retort flags the transaction instead.
    ("a00000000004", 7, "require-lock-timeout"),
];

struct Flag {
    file: String,
    line: usize,
    rule: String,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/lint_squawk")
}

fn squawk() -> Option<String> {
    match std::env::var("RETORT_TEST_SQUAWK") {
        Ok(path) if !path.is_empty() => Some(path),
        _ if std::env::var_os("CI").is_some() => {
            panic!("RETORT_TEST_SQUAWK is required in CI (.ci/run installs squawk-cli)")
        }
        _ => {
            crate::skip::skip(
                "set RETORT_TEST_SQUAWK to the squawk of squawk-cli==2.70.0 (the comparison with squawk)",
            );
            None
        }
    }
}

/// The 1-based lines of the upgrade section, and whether it runs in a
/// transaction.
fn upgrade_section(text: &str) -> (std::ops::Range<usize>, bool) {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("-- migrate:upgrade"))
        .expect("an upgrade section");
    let end = lines
        .iter()
        .position(|l| l.starts_with("-- migrate:downgrade"))
        .unwrap_or(lines.len());
    let in_transaction = !lines[start].contains("transaction=false");
    (start + 2..end + 1, in_transaction)
}

fn squawk_flags(squawk: &str, file: &Path) -> Vec<Flag> {
    let text = std::fs::read_to_string(file).expect("corpus file");
    let (upgrade, in_transaction) = upgrade_section(&text);
    let mut command = std::process::Command::new(squawk);
    command.args(["--reporter", "json"]);
    // retort runs a section in a transaction unless its header says
    // otherwise (docs/revisions.md).
    if in_transaction {
        command.arg("--assume-in-transaction");
    }
    let output = command.arg(file).output().expect("squawk runs");
    let found: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "squawk printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| Flag {
            file: name.clone(),
            // squawk counts lines from 0.
            line: f["line"].as_u64().expect("line") as usize + 1,
            rule: f["rule_name"].as_str().expect("rule").to_owned(),
        })
        .filter(|f| upgrade.contains(&f.line))
        .collect()
}

fn retort_flags() -> Vec<Flag> {
    let mut command = retort();
    command.arg("-c").arg(corpus().join("retort.toml")).args([
        "lint",
        "--all",
        "--dialect",
        "postgresql",
        "--format",
        "json",
    ]);
    let run = Run::of(command);
    assert!(run.code <= 1, "retort lint failed: {}", run.stderr);
    let found: Value = serde_json::from_str(&run.stdout).expect("lint prints JSON");
    found["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Flag {
            file: Path::new(f["path"].as_str().expect("path"))
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            line: f["line"].as_u64().expect("line") as usize,
            rule: f["rule"].as_str().expect("rule").to_owned(),
        })
        .collect()
}

#[test]
fn retort_flags_what_squawk_flags_in_the_rules_both_have() {
    let Some(squawk) = squawk() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join("migrations/versions"))
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let ours = retort_flags();

    let mut compared = 0;
    let mut missing = Vec::new();
    let mut excused = BTreeSet::new();
    for file in &files {
        for flag in squawk_flags(&squawk, file) {
            let Some((_, same)) = SAME_HAZARD.iter().find(|(rule, _)| *rule == flag.rule) else {
                continue;
            };
            compared += 1;
            let matched = ours.iter().any(|o| {
                o.file == flag.file && o.line == flag.line && same.contains(&o.rule.as_str())
            });
            let deliberate = DELIBERATE.iter().find(|(prefix, line, rule)| {
                flag.file.starts_with(prefix) && *line == flag.line && *rule == flag.rule
            });
            match (matched, deliberate) {
                (true, None) => {}
                (false, Some(d)) => {
                    excused.insert(*d);
                }
                (true, Some(d)) => missing.push(format!(
                    "{}:{} {}: listed as deliberate but retort flags it now; drop it from DELIBERATE",
                    d.0, d.1, d.2
                )),
                (false, None) => missing.push(format!(
                    "{}:{}: squawk says {}, retort says nothing of {:?}",
                    flag.file, flag.line, flag.rule, same
                )),
            }
        }
    }
    for d in DELIBERATE {
        if !excused.contains(d) {
            missing.push(format!(
                "{}:{} {}: listed as deliberate, but squawk no longer flags it",
                d.0, d.1, d.2
            ));
        }
    }
    eprintln!(
        "squawk vs retort: {} files, {compared} squawk findings in shared rules, {} deliberate differences, {} retort findings",
        files.len(),
        excused.len(),
        ours.len()
    );
    assert!(
        compared >= 15,
        "the corpus exercises too little: {compared}"
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
