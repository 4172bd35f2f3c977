//! Clauses every dialect (and portable SQL) writes alike but for how it
//! quotes names and literals: written once here, each caller passing its
//! quoting. The statements built from them are `sql::write`'s writer.

use crate::schema::{Check, Default, ForeignKey, PrimaryKey, Unique};

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

/// `CONSTRAINT name ` when the constraint has a name.
pub(crate) fn constraint_prefix(name: &Option<String>, quote: impl Fn(&str) -> String) -> String {
    named(name.as_deref(), quote)
}

/// `CONSTRAINT name ` for `Some(name)`, nothing for `None`.
fn named(name: Option<&str>, quote: impl Fn(&str) -> String) -> String {
    match name {
        Some(name) => format!("CONSTRAINT {} ", quote(name)),
        None => String::new(),
    }
}

/// `[CONSTRAINT name] PRIMARY KEY (…)`.
pub(crate) fn primary_key(
    name: Option<&str>,
    key: &PrimaryKey,
    quote: impl Fn(&str) -> String,
) -> String {
    format!(
        "{}PRIMARY KEY ({})",
        named(name, &quote),
        names(&key.columns, &quote)
    )
}

/// `[CONSTRAINT name] UNIQUE (…)`.
pub(crate) fn unique(
    name: Option<&str>,
    unique: &Unique,
    quote: impl Fn(&str) -> String,
) -> String {
    format!(
        "{}UNIQUE ({})",
        named(name, &quote),
        names(&unique.columns, &quote)
    )
}

/// `[CONSTRAINT name] CHECK (…)`; the condition is SQL, written as given.
pub(crate) fn check(name: Option<&str>, check: &Check, quote: impl Fn(&str) -> String) -> String {
    format!("{}CHECK ({})", named(name, quote), check.expression)
}

/// `[CONSTRAINT name] FOREIGN KEY (…) REFERENCES …`.
pub(crate) fn foreign_key(
    name: Option<&str>,
    key: &ForeignKey,
    quote: impl Fn(&str) -> String,
) -> String {
    format!("{}{}", named(name, &quote), references(key, &quote))
}

/// The `PRIMARY KEY`, `UNIQUE` and `CHECK` lines of a `CREATE TABLE`, each
/// named only where the model names it.
pub(crate) fn declared_constraints(
    primary_key: Option<&PrimaryKey>,
    uniques: &[Unique],
    checks: &[Check],
    quote: impl Fn(&str) -> String,
) -> Vec<String> {
    let primary_key = primary_key.map(|key| self::primary_key(key.name.as_deref(), key, &quote));
    let uniques = uniques.iter().map(|u| unique(u.name.as_deref(), u, &quote));
    let checks = checks.iter().map(|c| check(c.name.as_deref(), c, &quote));
    primary_key
        .into_iter()
        .chain(uniques)
        .chain(checks)
        .collect()
}
