use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::alembic::Functions;
use crate::revision::file::parse;

fn sql(text: &str) -> Outcome {
    Outcome::Sql(text.to_owned())
}

fn revision(
    id: &str,
    parents: &[&str],
    per_dialect: &[(&str, Outcome, Outcome)],
) -> AlembicRevision {
    let mut sql = BTreeMap::new();
    for (dialect, upgrade, downgrade) in per_dialect {
        sql.insert(
            (*dialect).to_owned(),
            Functions {
                upgrade: upgrade.clone(),
                downgrade: downgrade.clone(),
            },
        );
    }
    AlembicRevision {
        id: id.to_owned(),
        down_revisions: parents.iter().map(|p| (*p).to_owned()).collect(),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        message: "a message\nover two lines".to_owned(),
        create_date: Some("2026-11-02 09:00:00.000000".to_owned()),
        path: PathBuf::from("/project/migrations/versions/x.py"),
        line: 3,
        sql,
    }
}

fn import(dialects: &[DialectKind], revisions: Vec<AlembicRevision>) -> Imported {
    convert(
        &Export {
            dialects: dialects.to_vec(),
            revisions,
            version_table: crate::alembic::VersionTable::Default,
        },
        Path::new("/project"),
    )
    .expect("converts")
}

/// Each file reads back as a revision with the header written.
fn reads_back(file: &ImportedFile) -> crate::revision::Revision {
    parse(Path::new(&file.name), &file.text).expect("the file parses")
}

#[test]
fn the_same_statement_everywhere_is_one_portable_section() {
    let update = "UPDATE accounts SET currency = UPPER(currency);";
    let both = [DialectKind::Postgres, DialectKind::Sqlite];
    let imported = import(
        &both,
        vec![revision(
            "7e3f1a9c5d42",
            &["e4a81f6b7d35"],
            &[
                ("postgresql", sql(update), sql("")),
                ("sqlite", sql(update), sql("")),
            ],
        )],
    );
    let file = &imported.files[0];
    assert_eq!(file.portable, [true, true]);
    assert_eq!(file.name, "7e3f1a9c5d42_a_message_over_two_lines.sql");
    assert!(file.text.contains("-- Message: a message over two lines\n"));
    assert!(
        file.text
            .contains("-- Create Date: 2026-11-02 09:00:00.000000\n")
    );
    assert!(
        file.text
            .contains("-- Imported from Alembic's migrations/versions/x.py\n")
    );
    let revision = reads_back(file);
    assert_eq!(revision.id.0, "7e3f1a9c5d42");
    assert_eq!(revision.sections.len(), 2);
    assert!(revision.sections.iter().all(|s| s.dialect.is_none()));
    assert!(imported.needs_a_hand.is_empty());
}

#[test]
fn different_sql_is_a_section_per_dialect_under_a_refusing_placeholder() {
    let imported = import(
        &[DialectKind::Postgres, DialectKind::Mysql],
        vec![revision(
            "1f0c9a7e3b21",
            &[],
            &[
                (
                    "postgresql",
                    sql("CREATE TABLE users (id SERIAL NOT NULL, PRIMARY KEY (id));"),
                    sql("DROP TABLE users;"),
                ),
                (
                    "mysql",
                    sql(
                        "CREATE TABLE users (id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));",
                    ),
                    sql("DROP TABLE users;"),
                ),
            ],
        )],
    );
    let file = &imported.files[0];
    // The downgrade drops a table the model does not know: verbatim, so
    // not portable either.
    assert_eq!(file.portable, [false, false], "{}", file.text);
    let revision = reads_back(file);
    let up: Vec<Option<DialectKind>> = revision
        .sections
        .iter()
        .filter(|s| s.direction == crate::revision::Direction::Up)
        .map(|s| s.dialect)
        .collect();
    assert_eq!(
        up,
        [None, Some(DialectKind::Postgres), Some(DialectKind::Mysql)]
    );
    // The portable placeholder is refused by the portable parser, so a
    // database not imported stops before anything runs.
    let placeholder = revision
        .sections
        .iter()
        .find(|s| s.direction == crate::revision::Direction::Up && s.dialect.is_none())
        .expect("the placeholder");
    assert!(
        placeholder
            .sql
            .contains("was imported for postgresql, mysql only")
    );
    assert!(crate::sql::parse::parse(&placeholder.sql, &Schema::default()).is_err());
    assert!(imported.needs_a_hand.is_empty());
}

#[test]
fn an_error_is_a_placeholder_that_needs_a_hand() {
    let error =
        Outcome::Error("AttributeError: 'NoneType' object has no attribute 'fetchall'".to_owned());
    let imported = import(
        &[DialectKind::Postgres, DialectKind::Sqlite],
        vec![revision(
            "4b8e6d2f0a13",
            &["9c2d7e5a1b60"],
            &[
                ("postgresql", error.clone(), sql("")),
                ("sqlite", error, sql("")),
            ],
        )],
    );
    assert_eq!(
        imported.needs_a_hand,
        [NeedsAHand {
            id: "4b8e6d2f0a13".to_owned(),
            function: "upgrade",
            dialects: vec![DialectKind::Postgres, DialectKind::Sqlite],
            reason: "AttributeError: 'NoneType' object has no attribute 'fetchall'".to_owned(),
        }]
    );
    let file = &imported.files[0];
    assert!(file.text.contains("-- NEEDS A HAND"), "{}", file.text);
    assert!(file.text.contains("--   AttributeError"), "{}", file.text);
    let revision = reads_back(file);
    let up = revision
        .section(crate::revision::Direction::Up, DialectKind::Sqlite)
        .expect("up");
    assert!(crate::sql::parse::parse(&up.sql, &Schema::default()).is_err());
    // The empty downgrade stays empty: it reverts nothing.
    let down = revision
        .section(crate::revision::Direction::Down, DialectKind::Sqlite)
        .expect("down");
    assert!(down.sql.trim().is_empty());
}

#[test]
fn sql_outside_a_transaction_gets_a_section_with_transaction_false() {
    let rebuild = "PRAGMA foreign_keys = OFF;\n\n\
                   CREATE TABLE _alembic_tmp_users (id INTEGER NOT NULL);\n\n\
                   INSERT INTO _alembic_tmp_users (id) SELECT users.id FROM users;\n\n\
                   DROP TABLE users;\n\nALTER TABLE _alembic_tmp_users RENAME TO users;\n\n\
                   PRAGMA foreign_keys = ON;";
    let imported = import(
        &[DialectKind::Sqlite],
        vec![revision(
            "e4a81f6b7d35",
            &[],
            &[(
                "sqlite",
                sql("UPDATE users SET id = id;"),
                Outcome::SqlOutsideTransaction(rebuild.to_owned()),
            )],
        )],
    );
    assert_eq!(imported.files[0].portable, [true, false]);
    let revision = reads_back(&imported.files[0]);
    let down = revision
        .section(crate::revision::Direction::Down, DialectKind::Sqlite)
        .expect("down");
    assert_eq!(down.dialect, Some(DialectKind::Sqlite));
    assert!(!down.transaction);
    assert!(
        down.sql
            .trim_start()
            .starts_with("PRAGMA foreign_keys = OFF;")
    );
    assert!(down.sql.trim_end().ends_with("PRAGMA foreign_keys = ON;"));
}

#[test]
fn an_id_retort_cannot_take_names_the_file_and_line() {
    let error = convert(
        &Export {
            dialects: vec![DialectKind::Sqlite],
            revisions: vec![revision("not-an-id!", &[], &[("sqlite", sql(""), sql(""))])],
            version_table: crate::alembic::VersionTable::Default,
        },
        Path::new("/project"),
    )
    .expect_err("refused");
    let Error::Input {
        path,
        line,
        message,
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(path, Path::new("/project/migrations/versions/x.py"));
    assert_eq!(line, 3);
    assert!(message.contains("not-an-id!"), "{message}");
}

#[test]
fn labels_and_dependencies_are_kept() {
    let mut labelled = revision(
        "c62b0e8f4a17",
        &["8d4e2b6a90c3"],
        &[("sqlite", sql(""), sql(""))],
    );
    labelled.branch_labels = vec!["sync".to_owned()];
    labelled.depends_on = vec!["1f0c9a7e3b21".to_owned()];
    labelled.create_date = None;
    let imported = import(&[DialectKind::Sqlite], vec![labelled]);
    let revision = reads_back(&imported.files[0]);
    assert_eq!(revision.branch_labels[0].name, "sync");
    assert_eq!(revision.depends_on[0].name, "1f0c9a7e3b21");
    assert_eq!(revision.down_revisions[0].name, "8d4e2b6a90c3");
    assert_eq!(revision.create_date, None);
}

#[test]
fn a_statement_retort_runs_verbatim_is_not_portable() {
    // `users` is not in the model (made by a per-dialect section), so this
    // would run verbatim everywhere, also on databases not imported.
    let add = "ALTER TABLE users ADD COLUMN phone VARCHAR(30);";
    let imported = import(
        &[DialectKind::Postgres],
        vec![revision(
            "e4a81f6b7d35",
            &[],
            &[("postgresql", sql(add), sql(""))],
        )],
    );
    assert_eq!(
        imported.files[0].portable,
        [false, true],
        "{}",
        imported.files[0].text
    );
}
