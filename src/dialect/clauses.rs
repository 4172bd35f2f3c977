//! Clauses every dialect (and portable SQL) writes alike but for how it
//! quotes names and literals: written once here, each caller passing its
//! quoting.

use crate::schema::{Default, ForeignKey};

/// Names, quoted and comma-separated: `"a", "b"`.
pub(crate) fn names(columns: &[String], quote: impl Fn(&str) -> String) -> String {
    columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `FOREIGN KEY (…) REFERENCES t (…) [ON DELETE …] [ON UPDATE …]`.
pub(crate) fn references(key: &ForeignKey, quote: impl Fn(&str) -> String) -> String {
    let mut out = format!(
        "FOREIGN KEY ({}) REFERENCES {}",
        names(&key.columns, &quote),
        quote(&key.referenced_table)
    );
    // No column list references the primary key.
    if !key.referenced_columns.is_empty() {
        out.push_str(&format!(" ({})", names(&key.referenced_columns, &quote)));
    }
    for (word, action) in [("DELETE", key.on_delete), ("UPDATE", key.on_update)] {
        if let Some(action) = action {
            out.push_str(&format!(" ON {word} {}", action.as_sql()));
        }
    }
    out
}

/// A default as `DEFAULT` takes it. Expressions are parenthesised: PostgreSQL's
/// grammar takes only a restricted expression there (no AND, IN, IS) and
/// SQLite requires the parentheses; parsers take them off again.
pub(crate) fn default_value(
    default: &Default,
    literal: impl Fn(&str) -> String,
    boolean: impl Fn(bool) -> &'static str,
) -> String {
    match default {
        Default::Null => "NULL".into(),
        Default::Bool(value) => boolean(*value).into(),
        Default::Number(n) => n.clone(),
        Default::String(s) => literal(s),
        Default::CurrentTimestamp => "CURRENT_TIMESTAMP".into(),
        Default::CurrentDate => "CURRENT_DATE".into(),
        Default::CurrentTime => "CURRENT_TIME".into(),
        Default::Expression(sql) => format!("({sql})"),
    }
}
