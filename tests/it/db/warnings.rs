//! What autogenerate and `check` tell a reviewer (docs/autogenerate.md,
//! "What is flagged, and how it reads"): every warning names the table and
//! the column (or the whole table) it is about and what is lost, in the
//! revision file, on stderr and in `--format json`; model sources that
//! disagree are reported column by column.

use serde_json::{Value, json};

use super::models::project_at;
use super::{Backend, R, per_backend};

/// `account` loses two columns at once and narrows a third, `audit` is
/// dropped, `tags` is renamed: one warning each, naming what it is about.
fn every_warning_names_its_column(backend: Backend) {
    let Some(p) = project_at(
        backend,
        "CREATE TABLE account (id INTEGER PRIMARY KEY, owner VARCHAR(100) NOT NULL, \
         balance NUMERIC(14, 2), note TEXT, code VARCHAR(40));\n\
         CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);\n\
         CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20));\n\
         INSERT INTO account (id, owner, balance, note, code) VALUES (1, 'ada', 1.5, 'x', 'c');",
        "CREATE TABLE account (id INTEGER PRIMARY KEY, owner VARCHAR(100) NOT NULL, \
         code VARCHAR(10));\n\
         CREATE TABLE labels (id INTEGER PRIMARY KEY, label VARCHAR(20));",
        "",
    ) else {
        return;
    };
    let expected = [
        json!({"kind": "destructive", "op": "drop_column", "table": "account", "column": "balance"}),
        json!({"kind": "destructive", "op": "drop_column", "table": "account", "column": "note"}),
        json!({"kind": "destructive", "op": "alter_column", "table": "account", "column": "code"}),
        json!({"kind": "destructive", "op": "drop_table", "table": "audit"}),
        json!({"kind": "rename", "op": "rename_table", "table": "tags", "renamed_to": "labels"}),
    ];
    let lines = [
        "DESTRUCTIVE: column account.balance (NUMERIC(14, 2)) is dropped: its value in every row \
         of account is lost",
        "DESTRUCTIVE: column account.note (TEXT) is dropped",
        "DESTRUCTIVE: account.code changes type from VARCHAR(40) to VARCHAR(10)",
        "DESTRUCTIVE: table audit is dropped: all its rows are lost, with the values of its \
         columns (id, what)",
        "RENAME? table tags -> labels",
    ];

    let check = p.run(&["--format", "json", "check"]).code(1).json();
    assert_warnings(&check, &expected, &lines);

    let run = p
        .run(&[
            "--format",
            "json",
            "autogenerate",
            "-m",
            "trim",
            "--rev-id",
            R[1],
        ])
        .success();
    let generated = run.json();
    assert_eq!(generated["revisions"][0]["revision"], R[1], "{generated}");
    assert_warnings(&generated, &expected, &lines);
    let stderr = run.stderr_flat();
    let file = p.project.file_of(R[1]);
    for line in lines {
        assert!(stderr.contains(&format!("warning: {line}")), "{stderr}");
        assert!(file.contains(&format!("-- {line}")), "{file}");
    }

    // Nothing left to generate: still one document, with no revision.
    p.run(&["upgrade"]).success();
    let nothing = p
        .run(&["--format", "json", "autogenerate", "-m", "again"])
        .success()
        .json();
    assert_eq!(
        nothing,
        json!({"revisions": [], "warnings": [], "warning_details": []})
    );
}
per_backend!(every_warning_names_its_column);

/// The JSON document carries `expected` in `warning_details` (compared on
/// the fields given, each with a `message`), in any order, and each of
/// `lines` starts one of the `warnings` strings.
#[track_caller]
fn assert_warnings(document: &Value, expected: &[Value], lines: &[&str]) {
    let details = document["warning_details"]
        .as_array()
        .unwrap_or_else(|| panic!("no warning_details: {document}"));
    assert_eq!(details.len(), expected.len(), "{document}");
    for want in expected {
        let found = details.iter().find(|detail| {
            want.as_object()
                .is_some_and(|fields| fields.iter().all(|(k, v)| &detail[k] == v))
        });
        let found = found.unwrap_or_else(|| panic!("no warning like {want} in {document}"));
        assert!(found["message"].is_string(), "{found}");
        // A column warning names no other subject; a table warning none.
        for key in ["column", "index", "constraint"] {
            if want.get(key).is_none() {
                assert!(found.get(key).is_none(), "{found}");
            }
        }
    }
    let strings: Vec<&str> = document["warnings"]
        .as_array()
        .unwrap_or_else(|| panic!("no warnings: {document}"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for line in lines {
        assert!(
            strings.iter().any(|s| s.starts_with(line)),
            "no warning starts with {line:?}: {strings:?}"
        );
    }
}

/// Two model sources that disagree: the error names the table, the
/// column with both definitions, and the source that has what the other
/// lacks; nothing is compared with the database (exit 2).
#[test]
fn disagreeing_models_say_how() {
    let p = crate::common::Project::new();
    std::fs::write(
        p.path().join("web_models.sql"),
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance NUMERIC(14, 2) NOT NULL, \
         nickname VARCHAR(50));\nCREATE INDEX ix_balance ON accounts (balance);\n\
         CREATE TABLE audit (id INTEGER PRIMARY KEY);\n",
    )
    .expect("write web models");
    std::fs::write(
        p.path().join("sync_models.sql"),
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance NUMERIC(12, 2) NOT NULL);\n",
    )
    .expect("write sync models");
    let config = p.path().join("retort.toml");
    let toml = std::fs::read_to_string(&config).expect("retort.toml");
    let models = toml.replace(
        "models = [\"models\"]",
        "models = [\"web_models.sql\", \"sync_models.sql\"]",
    );
    assert_ne!(models, toml, "`init` writes `models`");
    std::fs::write(&config, models).expect("write retort.toml");
    let run = p.run(&["check"]).code(2);
    let stderr = run.stderr_flat();
    for part in [
        "web_models.sql vs sync_models.sql: table `accounts`: column `balance` is \
         `balance NUMERIC(14, 2) NOT NULL` in web_models.sql, \
         `balance NUMERIC(12, 2) NOT NULL` in sync_models.sql",
        "table `accounts`: column `nickname VARCHAR(50)` is only in web_models.sql",
        "table `accounts`: index `CREATE INDEX ix_balance ON accounts (balance)` is only in \
         web_models.sql",
        "table `audit` is only in web_models.sql",
    ] {
        assert!(stderr.contains(part), "{part:?} missing from:\n{stderr}");
    }
}

/// A unique key, unique index, check and foreign key added to a table
/// whose rows break them are flagged, naming the constraint or index;
/// added to a table whose rows keep them (NULLs clash with nothing and
/// pass a check), they are not.
fn constraints_the_rows_break_are_named(backend: Backend) {
    let table = |name: &str| {
        format!(
            "CREATE TABLE {name} (id INTEGER PRIMARY KEY, tag VARCHAR(10), weight INTEGER, \
             owner INTEGER, CONSTRAINT {name}_tag_key UNIQUE (tag), \
             CONSTRAINT {name}_weight_check CHECK (weight >= 0), \
             CONSTRAINT {name}_owner_fk FOREIGN KEY (owner) REFERENCES owners (id));\n\
             CREATE UNIQUE INDEX {name}_weight_ix ON {name} (weight);\n"
        )
    };
    let bare = |name: &str| {
        format!(
            "CREATE TABLE {name} (id INTEGER PRIMARY KEY, tag VARCHAR(10), weight INTEGER, \
             owner INTEGER);\n"
        )
    };
    let Some(p) = project_at(
        backend,
        &format!(
            "CREATE TABLE owners (id INTEGER PRIMARY KEY);\n{}{}\
             INSERT INTO owners (id) VALUES (1);\n\
             INSERT INTO pets (id, tag, weight, owner) VALUES (1, 'a', 5, 1);\n\
             INSERT INTO pets (id, tag, weight, owner) VALUES (2, 'a', -1, 9);\n\
             INSERT INTO pets (id, tag, weight, owner) VALUES (3, NULL, 5, NULL);\n\
             INSERT INTO clean (id, tag, weight, owner) VALUES (1, 'a', 5, 1);\n\
             INSERT INTO clean (id, tag, weight, owner) VALUES (2, NULL, NULL, NULL);\n\
             INSERT INTO clean (id, tag, weight, owner) VALUES (3, NULL, NULL, NULL);",
            bare("pets"),
            bare("clean")
        ),
        &format!(
            "CREATE TABLE owners (id INTEGER PRIMARY KEY);\n{}{}",
            table("pets"),
            table("clean")
        ),
        "",
    ) else {
        return;
    };
    let check = p.run(&["--format", "json", "check"]).code(1).json();
    let mut about: Vec<String> = check["warning_details"]
        .as_array()
        .unwrap_or_else(|| panic!("no warning_details: {check}"))
        .iter()
        .map(|w| {
            let name = w["constraint"].as_str().or(w["index"].as_str());
            format!(
                "{} {}",
                w["table"].as_str().unwrap_or("?"),
                name.unwrap_or("?")
            )
        })
        .collect();
    about.sort();
    // On SQLite the operations carry no name for unique and check
    // constraints (normalised away): the warning names them by their SQL.
    let expected = if backend == Backend::Sqlite {
        [
            "pets CHECK (weight >= 0)",
            "pets UNIQUE (tag)",
            "pets pets_owner_fk",
            "pets pets_weight_ix",
        ]
    } else {
        [
            "pets pets_owner_fk",
            "pets pets_tag_key",
            "pets pets_weight_check",
            "pets pets_weight_ix",
        ]
    };
    assert_eq!(about, expected, "{check}");
    let lines = check["warnings"].to_string();
    for part in [
        "rows of pets share a value of (tag): the upgrade fails",
        "rows of pets share a value of (weight)",
        "rows of pets break it",
        "rows of pets reference no row of owners",
    ] {
        assert!(lines.contains(part), "{part:?} missing from {lines}");
    }
}
per_backend!(constraints_the_rows_break_are_named);
