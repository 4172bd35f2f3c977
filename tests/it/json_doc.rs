//! docs/json.md is the contract for `--format json`, so this test reads it:
//! every subcommand `retort --help` lists is either in the page's table or
//! in its sentence of commands without a document, and every command of the
//! table is run (on SQLite) and its document's top-level keys compared with
//! the row's. A new command, a new field or a page that drifted fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common::{A, D, Project, retort};

const NO_DOCUMENT: &str = "Commands without a JSON document:";

/// What docs/json.md says: each command of the table (as written there,
/// `show REV`, `upgrade --sql`) with its document's top-level keys, and the
/// commands that print no document.
struct Page {
    rows: BTreeMap<String, BTreeSet<String>>,
    without: BTreeSet<String>,
}

fn page() -> Page {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md");
    let text = std::fs::read_to_string(&path).expect("docs/json.md");
    let mut rows = BTreeMap::new();
    let section = text
        .split_once("## By command")
        .expect("docs/json.md has a section `## By command`")
        .1;
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (commands, document) = (cells[1], cells[2]);
        let keys = top_level_keys(first_code(document).expect("a document in backticks"));
        for command in codes(commands) {
            rows.insert(command.to_owned(), keys.clone());
        }
    }
    let sentence = section
        .split_once(NO_DOCUMENT)
        .unwrap_or_else(|| panic!("docs/json.md has a paragraph `{NO_DOCUMENT} …`"))
        .1;
    let paragraph = sentence.split("\n\n").next().unwrap_or_default();
    let without = codes(paragraph).map(str::to_owned).collect();
    Page { rows, without }
}

/// The spans between backticks.
fn codes(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

fn first_code(text: &str) -> Option<&str> {
    codes(text).next()
}

/// The keys at the outermost level of a document as the page writes it
/// (`{"revisions": [REV, …], "warnings": [text, …]}`): not quite JSON, so
/// scanned rather than parsed.
fn top_level_keys(document: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut depth = 0;
    let mut rest = document;
    while let Some(c) = rest.chars().next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            '"' => {
                let end = rest[1..].find('"').expect("a closed string") + 1;
                let string = &rest[1..end];
                rest = &rest[end..];
                if depth == 1 && rest[1..].trim_start().starts_with(':') {
                    keys.insert(string.to_owned());
                }
            }
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    keys
}

/// The subcommands `retort --help` lists (without clap's `help`).
fn subcommands() -> BTreeSet<String> {
    let output = retort().arg("--help").output().expect("retort --help");
    let help = String::from_utf8_lossy(&output.stdout).into_owned();
    let list = help
        .split_once("Commands:")
        .expect("a `Commands:` section")
        .1
        .split("\n\n")
        .next()
        .unwrap_or_default();
    list.lines()
        // A command starts at two spaces; its wrapped description is deeper.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|&name| name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_page_reads_as_expected() {
    assert_eq!(
        top_level_keys(r#"{"a": [{"b": 1}, …], "c": "x: y" or null, "d": {"e": []}}"#),
        BTreeSet::from(["a".to_owned(), "c".to_owned(), "d".to_owned()])
    );
    let page = page();
    assert_eq!(
        page.rows["status"],
        [
            "database", "current", "heads", "pending", "modified", "unknown", "drift", "stopped"
        ]
        .map(str::to_owned)
        .into()
    );
    assert!(page.without.contains("init"), "{:?}", page.without);
}

#[test]
fn every_command_is_on_the_page() {
    let page = page();
    let mut listed: BTreeSet<String> = page
        .rows
        .keys()
        .filter_map(|c| c.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    listed.extend(page.without.iter().cloned());
    let missing: Vec<String> = subcommands().difference(&listed).cloned().collect();
    assert!(
        missing.is_empty(),
        "docs/json.md says nothing of {missing:?}: add a row, or name it among the commands without a document"
    );
}

/// The models the diamond's revisions build, so `check` finds nothing.
const MODELS: &str = "CREATE TABLE t_aaaa00000001 (id INTEGER PRIMARY KEY);
CREATE TABLE t_bbbb00000002 (id INTEGER PRIMARY KEY);
CREATE TABLE t_cccc00000003 (id INTEGER PRIMARY KEY);
CREATE TABLE t_dddd00000004 (id INTEGER PRIMARY KEY);
";

#[test]
fn every_document_has_the_keys_the_page_lists() {
    let page = page();
    let project = Project::new();
    project.diamond();
    std::fs::write(project.path().join("models/schema.sql"), MODELS).expect("write the models");
    // In order: the project's state moves along (upgrade before current …).
    let runs: &[(&str, &[&str])] = &[
        ("test-connection", &["test-connection"]),
        ("heads", &["heads"]),
        ("branches", &["branches"]),
        ("show REV", &["show", A]),
        ("history", &["history"]),
        ("check-files", &["check-files"]),
        ("lint", &["lint"]),
        ("upgrade --sql", &["upgrade", "--sql"]),
        ("downgrade --sql", &["downgrade", "head:base", "--sql"]),
        ("stamp --sql", &["stamp", "head", "--sql"]),
        ("upgrade", &["upgrade"]),
        ("current", &["current"]),
        ("status", &["status"]),
        ("check", &["check"]),
        ("dump", &["dump"]),
        ("autogenerate", &["autogenerate", "-m", "nothing to write"]),
        ("downgrade", &["downgrade", A]),
        ("stamp", &["stamp", "heads"]),
        ("create", &["create", "-m", "one more"]),
        (
            "revision",
            &["revision", "-m", "beside", "--head", D, "--splice"],
        ),
        ("merge", &["merge", "heads", "-m", "join"]),
    ];
    let mut checked = BTreeSet::new();
    for (command, args) in runs {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let run = project.run(&all).success();
        compare(&page, command, &run.json());
        checked.insert(command.to_string());
    }
    if let Some(document) = import_alembic() {
        compare(&page, "import alembic", &document);
    }
    checked.insert("import alembic".to_owned());
    let unrun: Vec<&String> = page.rows.keys().filter(|c| !checked.contains(*c)).collect();
    assert!(
        unrun.is_empty(),
        "docs/json.md lists {unrun:?}, which this test does not run: add them to `runs`"
    );
}

fn compare(page: &Page, command: &str, document: &Value) {
    let listed = page
        .rows
        .get(command)
        .unwrap_or_else(|| panic!("docs/json.md has no row for `{command}`"));
    let keys: BTreeSet<String> = document
        .as_object()
        .unwrap_or_else(|| panic!("`{command}` printed an object: {document}"))
        .keys()
        .cloned()
        .collect();
    assert_eq!(&keys, listed, "`{command}`'s keys against docs/json.md");
}

/// `import alembic --check` on the example's Alembic twin, which needs
/// a python with Alembic; `None` (a counted skip) without one.
fn import_alembic() -> Option<Value> {
    let python = crate::alembic::alembic_python()?;
    let twin = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/alembic_mercury_bank");
    let project = Project::empty();
    crate::db::copy_dir(&twin, project.path());
    let run = project
        .run(&[
            "--format",
            "json",
            "import",
            "alembic",
            "--check",
            "--allow-incomplete",
            "--dialect",
            "sqlite",
            "--python",
            &python,
        ])
        .success();
    Some(run.json())
}
