//! SQL text: statement splitting on every dialect, and portable SQL read
//! as a section and as a model.

use std::collections::BTreeMap;

use retort::DialectKind;
use retort::dialect::dialect;
use retort::op::Op;
use retort::schema::Schema;
use retort::sql::parse::{parse_into, parse_schema};
use retort::sql::split::{is_transaction_control, split};
use retort::sql::write::{write_ops, write_schema};

use super::{Outcome, kind};

/// Splits on every dialect. Each statement is a trimmed slice of the input,
/// in order, starting on the line it reports; on PostgreSQL and SQLite what
/// lies between statements holds no statement, and the statements joined
/// with `;` split into the same statements.
pub fn sql_split(text: &str) -> Outcome {
    let mut outcome = String::new();
    for dialect in DialectKind::ALL {
        let rules = retort::dialect::dialect(dialect).split_rules();
        match split(text, rules) {
            Ok(statements) => {
                let gaps = check_slices(text, &statements, dialect);
                // Where each statement's text occurs once, the gaps are known
                // for sure (a statement's text may also occur in a comment).
                let unique = statements
                    .iter()
                    .all(|s| occurrences(text, &s.sql, 0).nth(1).is_none());
                if dialect != DialectKind::Mysql {
                    for gap in gaps.into_iter().filter(|_| unique) {
                        let inside = split(gap, rules);
                        assert!(
                            matches!(&inside, Ok(s) if s.is_empty()),
                            "{dialect}: the text between statements, {gap:?}, splits into {inside:?}"
                        );
                    }
                    let joined: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
                    let joined = joined.join(";\n");
                    let again = split(&joined, rules);
                    let again: Option<Vec<String>> =
                        again.ok().map(|s| s.into_iter().map(|s| s.sql).collect());
                    let expected: Vec<String> = statements.iter().map(|s| s.sql.clone()).collect();
                    assert_eq!(
                        again.as_ref(),
                        Some(&expected),
                        "{dialect}: the statements joined with `;` split differently: {joined:?}"
                    );
                }
                let control = statements
                    .iter()
                    .filter(|s| is_transaction_control(&s.sql))
                    .count();
                outcome.push_str(&format!(
                    "{dialect}:{} {} ",
                    statements.len().min(4),
                    control.min(2)
                ));
            }
            Err(e) => {
                let _ = (e.line(), e.column());
                outcome.push_str(&kind(&e.to_string()));
            }
        }
    }
    outcome
}

/// Where `needle` starts in `text` at or after `from`, overlapping
/// occurrences included (`str::match_indices` skips those).
fn occurrences<'t>(
    text: &'t str,
    needle: &'t str,
    from: usize,
) -> impl Iterator<Item = usize> + 't {
    (from..text.len())
        .filter(move |&at| text.is_char_boundary(at) && text[at..].starts_with(needle))
}

/// Checks each statement is found in `text` after the previous one, on its
/// line, and trimmed; returns the text between them.
fn check_slices<'t>(
    text: &'t str,
    statements: &[retort::sql::split::Statement],
    dialect: DialectKind,
) -> Vec<&'t str> {
    let mut gaps = Vec::new();
    let mut cursor = 0;
    for statement in statements {
        let sql = statement.sql.as_str();
        assert!(!sql.is_empty(), "{dialect}: an empty statement");
        // The splitter's whitespace is ASCII's, as the databases' lexers';
        // `\u{85}` or `\u{2028}` is part of a word to them.
        assert_eq!(
            sql,
            sql.trim_matches(|c: char| c.is_ascii_whitespace()),
            "{dialect}: a statement not trimmed"
        );
        let found = occurrences(text, sql, cursor)
            .find(|&at| 1 + text[..at].bytes().filter(|&b| b == b'\n').count() == statement.line);
        let Some(at) = found else {
            panic!(
                "{dialect}: statement {sql:?} (line {}) is not a slice of the text after offset {cursor}",
                statement.line
            );
        };
        gaps.push(&text[cursor..at]);
        cursor = at + sql.len();
    }
    gaps.push(&text[cursor..]);
    gaps
}

/// Parses a section and a model file. A parsed section written back with
/// `write_ops` parses to ops that leave the schema the same; a parsed model
/// written with `write_schema` reads back as the same tables, and writing
/// that again gives the same text. Every op renders on every dialect
/// without a panic.
pub fn portable_sql(text: &str) -> Outcome {
    let mut schema = Schema::default();
    let mut outcome = match parse_into(text, &mut schema) {
        Ok(parsed) => {
            let ops: Vec<Op> = parsed.into_iter().flat_map(|p| p.ops).collect();
            let written = write_ops(&ops, &Schema::default());
            let mut back = Schema::default();
            if let Err(e) = parse_into(&written, &mut back) {
                panic!("written ops do not parse: {e}\n--- input\n{text}\n--- written\n{written}");
            }
            assert_eq!(back, schema, "\n--- input\n{text}\n--- written\n{written}");
            render_everywhere(&ops);
            reverse_undoes(&ops, &schema, text);
            let kinds: std::collections::BTreeSet<String> = ops
                .iter()
                .map(|op| format!("{:?}", std::mem::discriminant(op)))
                .collect();
            format!("ok {kinds:?}")
        }
        // A model is read by the same converter, stricter: where the
        // section fails, so does the model, no later than it.
        Err(e) => return kind(&e.message),
    };
    match parse_schema(text) {
        Ok(schema) => {
            let written = write_schema(&schema);
            let back = match parse_schema(&written) {
                Ok(back) => back,
                Err(e) => panic!("a written schema does not parse: {e}\n{written}"),
            };
            let by_name = |s: &Schema| -> BTreeMap<String, retort::schema::Table> {
                s.tables
                    .iter()
                    .map(|t| (t.name.clone(), t.clone()))
                    .collect()
            };
            assert_eq!(by_name(&back), by_name(&schema), "\n--- written\n{written}");
            assert_eq!(write_schema(&back), written, "writing twice differs");
            outcome.push_str(" schema ok");
        }
        Err(e) => outcome.push_str(&kind(&e.message)),
    }
    outcome
}

/// The reverse ops, applied last to first, take the schema the ops left
/// back to the empty one: the downgrade autogenerate writes is exact.
fn reverse_undoes(ops: &[Op], after: &Schema, text: &str) {
    let reverse: Option<Vec<Op>> = ops.iter().rev().map(Op::reverse).collect();
    let Some(reverse) = reverse else { return };
    let mut schema = after.clone();
    for op in &reverse {
        if let Err(e) = op.apply(&mut schema) {
            panic!("reverse op {op:?} does not apply: {e}\n--- input\n{text}");
        }
    }
    assert_eq!(
        schema,
        Schema::default(),
        "the reverse ops leave a schema\n--- input\n{text}"
    );
}

fn render_everywhere(ops: &[Op]) {
    for kind in DialectKind::ALL {
        let dialect = dialect(kind);
        let mut schema = Schema::default();
        for op in ops {
            let _ = dialect.render(op, &schema);
            let _ = op.apply(&mut schema);
        }
    }
}
