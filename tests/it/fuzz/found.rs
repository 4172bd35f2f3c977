//! What the fuzz targets found, one test per bug, written against the
//! public API so each states the behaviour the fix restored. The inputs as
//! found are kept under `regressions/` too, replayed by `kept_inputs_pass`.

use retort::op::Op;
use retort::schema::Schema;
use retort::sql::parse::{Parsed, parse_into};

/// The section's ops and the schema it leaves.
fn parsed(sql: &str) -> (Vec<Parsed>, Schema) {
    let mut schema = Schema::default();
    match parse_into(sql, &mut schema) {
        Ok(parsed) => (parsed, schema),
        Err(e) => panic!("{sql:?}: {e}"),
    }
}

/// `DROP TABLE` left the dropped table's name pointing at its old slot: a
/// second drop indexed past the end (a panic), and an `ALTER` of the
/// dropped table changed whichever table had moved into the slot. A table
/// the working schema does not know runs verbatim (the database will say).
#[test]
fn a_dropped_table_is_forgotten() {
    let (ops, schema) = parsed("CREATE TABLE t (a INT);\nDROP TABLE t;\nDROP TABLE t;");
    assert!(matches!(ops[2].ops[..], [Op::Raw(_)]), "{ops:#?}");
    assert_eq!(schema, Schema::default());

    let (ops, schema) = parsed(
        "CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\nDROP TABLE a;\n\
         ALTER TABLE a ADD COLUMN z INT;",
    );
    assert!(matches!(ops[3].ops[..], [Op::Raw(_)]), "{ops:#?}");
    let names: Vec<&str> = schema.tables[0]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!((schema.tables.len(), names), (1, vec!["y"]), "{schema:#?}");

    // The dropped table's index names are free again.
    let (ops, _) = parsed(
        "CREATE TABLE t (a INT);\nCREATE INDEX i ON t (a);\nDROP TABLE t;\n\
         CREATE TABLE u (a INT);\nCREATE INDEX i ON u (a);",
    );
    assert!(
        matches!(ops[4].ops[..], [Op::CreateIndex { .. }]),
        "{ops:#?}"
    );
}

/// Malformed URLs whose password redaction shows, whole or in part: found
/// by `url_redaction` on the redaction of main (issue #9; the `urls`
/// branch rewrites redaction). Each case is the URL as typed and the part
/// the user meant as the password.
#[test]
fn malformed_urls_do_not_leak_their_password() {
    let cases = [
        // A `/` or `?` in the user part: the issue's own examples.
        ("postgres://u/x:Qz?Jk#Xq@h/db", "Qz?Jk#Xq"),
        ("postgresql://u?x:Qz%40Jk%2FXq@h", "Qz%40Jk%2FXq"),
        // A raw `@` then `/` in the password: its tail is shown.
        (
            "postgresql+psycopg2://app:Qz@Jk/Xq@[::1]:5432/bank",
            "Qz@Jk/Xq",
        ),
        ("mariadb://u:Qz@Jk/Xq@h/db?connect_timeout=5", "Qz@Jk/Xq"),
        // A `password=` option before a later `://`: the error shows it.
        ("sh/db?password=Qz?Jk#Xq&x=sqlite:///path.db", "Qz?Jk#Xq"),
    ];
    let mut leaks = Vec::new();
    for (url, password) in cases {
        let (_, shown) = super::targets::url_outputs(url);
        if let Err(message) = super::driver::run_one_with(|| {
            super::targets::assert_no_leak(url, Some(password), &shown)
        }) {
            leaks.push(message);
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}
