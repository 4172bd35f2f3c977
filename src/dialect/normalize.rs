//! The steps of [`Dialect::normalize`](super::Dialect::normalize) that every
//! dialect shares; each dialect's `introspect.rs` adds its own before them.
//!
//! Normalising maps a schema to the one the database would report back, so
//! a model and an introspected schema compare equal exactly when the
//! database holds what the model declares. It is idempotent, and an
//! introspected schema is already normal.

use std::cmp::Ordering;

use super::catalog::{Source, canonical_default, canonical_expression};
use crate::naming::{ConstraintNames, name_slots};
use crate::schema::{Action, Default, Schema, Table, Type};

/// What a dialect calls the primary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrimaryKeyName {
    /// PostgreSQL: the declared name or `<table>_pkey`.
    Conventional,
    /// MySQL: always `PRIMARY`, so no name worth keeping.
    None,
}

/// Gives every unnamed unique, check and foreign key the name the
/// PostgreSQL and MySQL renderers create it with ([`crate::naming`]). Runs
/// first: the names depend on the declaration order and on the check text
/// as written.
pub(crate) fn name_constraints(table: &mut Table, primary_key: PrimaryKeyName) {
    let names = ConstraintNames::of(table).in_order(table.primary_key.is_some());
    for (slot, name) in name_slots(table).zip(names) {
        *slot = Some(name);
    }
    if primary_key == PrimaryKeyName::None
        && let Some(key) = &mut table.primary_key
    {
        key.name = None;
    }
}

/// Drops the unique constraints of `table` that its primary key or an
/// earlier unique constraint already enforces, on the same columns in the
/// same order (`same` compares two column lists as the database does).
/// SQLite and PostgreSQL create no index for such a constraint inside
/// `CREATE TABLE`, so it cannot be read back; dropping it from both sides
/// keeps `check` quiet either way.
pub(crate) fn drop_enforced_uniques(
    table: &mut Table,
    same: impl Fn(&[String], &[String]) -> bool,
) {
    let mut enforced: Vec<Vec<String>> = table
        .primary_key
        .iter()
        .map(|k| k.columns.clone())
        .collect();
    table.uniques.retain(|u| {
        let redundant = enforced.iter().any(|columns| same(columns, &u.columns));
        enforced.push(u.columns.clone());
        !redundant
    });
}

/// The steps every dialect shares, last:
///
/// - an empty comment is none (PostgreSQL's `COMMENT … IS ''` removes it,
///   MySQL reports "no comment" as `''`);
/// - `DEFAULT NULL` is no default (PostgreSQL stores none, MariaDB reports
///   the same `NULL` for both), expression defaults in canonical form
///   ([`super::catalog`]); `0`/`1` on a boolean column are `FALSE`/`TRUE`
///   (MySQL's `TINYINT(1)` and SQLite store the digits), a numeric string
///   on a numeric column is the number;
/// - identity columns are NOT NULL and have no default;
/// - check conditions in canonical form;
/// - a foreign key's `NO ACTION` is no action given, the SQL default; a
///   reference without columns names the referenced primary key;
/// - tables, and each table's uniques, checks, foreign keys and indexes,
///   sorted by name (catalogs list them in no useful order); columns keep
///   their order.
pub(crate) fn finish(schema: &mut Schema) {
    let keys: Vec<(String, Vec<String>)> = schema
        .tables
        .iter()
        .filter_map(|t| Some((t.name.clone(), t.primary_key.as_ref()?.columns.clone())))
        .collect();
    for table in &mut schema.tables {
        if table.comment.as_deref() == Some("") {
            table.comment = None;
        }
        for column in &mut table.columns {
            if column.comment.as_deref() == Some("") {
                column.comment = None;
            }
            column.default = column.default.as_ref().and_then(canonical_default);
            column.default = match (column.default.take(), &column.ty) {
                (Some(Default::Number(n)), Type::Boolean) if n == "0" || n == "1" => {
                    Some(Default::Bool(n == "1"))
                }
                (Some(Default::String(s)), ty) if ty.is_number() && is_number(&s) => {
                    Some(Default::Number(s))
                }
                (default, _) => default,
            };
            if column.identity {
                column.nullable = false;
                column.default = None;
            }
        }
        for check in &mut table.checks {
            check.expression = canonical_expression(&check.expression, Source::Postgres);
        }
        for key in &mut table.foreign_keys {
            for action in [&mut key.on_delete, &mut key.on_update] {
                if *action == Some(Action::NoAction) {
                    *action = None;
                }
            }
            if key.referenced_columns.is_empty()
                && let Some((_, columns)) = keys.iter().find(|(t, _)| *t == key.referenced_table)
            {
                key.referenced_columns = columns.clone();
            }
        }
        table
            .uniques
            .sort_by(|a, b| by_name(&a.name, &b.name).then_with(|| a.columns.cmp(&b.columns)));
        table.checks.sort_by(|a, b| {
            by_name(&a.name, &b.name).then_with(|| a.expression.cmp(&b.expression))
        });
        table.foreign_keys.sort_by(|a, b| {
            by_name(&a.name, &b.name)
                .then_with(|| a.columns.cmp(&b.columns))
                .then_with(|| a.referenced_table.cmp(&b.referenced_table))
        });
        table
            .indexes
            .sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.columns.cmp(&b.columns)));
    }
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Named ones first, by name; the unnamed after them, in their other order.
fn by_name(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A plain decimal number: optional `-`, digits, optional fraction.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use crate::dialect::DialectKind;
    use crate::dialect::dialect;
    use crate::schema::{Action, Default, Schema, Type};
    use crate::sql::parse::parse_schema;

    const MODEL: &str = "
        CREATE TABLE b (id INTEGER PRIMARY KEY);
        CREATE TABLE a (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            b_id INTEGER REFERENCES b ON DELETE NO ACTION ON UPDATE RESTRICT,
            at TIMESTAMP WITH TIME ZONE DEFAULT '2020-01-01 00:00:00',
            ratio DOUBLE PRECISION DEFAULT 1e3,
            money NUMERIC(8, 2) DEFAULT 1.5,
            flag BOOLEAN DEFAULT TRUE,
            note VARCHAR DEFAULT NULL,
            code CHAR,
            uid UUID,
            UNIQUE (code),
            CHECK (ratio BETWEEN 0 AND 10)
        );
        CREATE UNIQUE INDEX ux_a_uid ON a (uid);
        COMMENT ON COLUMN a.note IS '';
    ";

    fn normalized(kind: DialectKind) -> Schema {
        let mut schema = parse_schema(MODEL).expect("parses");
        dialect(kind).normalize(&mut schema);
        let mut again = schema.clone();
        dialect(kind).normalize(&mut again);
        assert_eq!(again, schema, "{kind:?}: normalising twice changes nothing");
        schema
    }

    #[test]
    fn postgres_names_constraints_and_keeps_types() {
        let schema = normalized(DialectKind::Postgres);
        assert_eq!(schema.tables[0].name, "a", "tables sorted by name");
        let a = &schema.tables[0];
        assert_eq!(
            a.primary_key.as_ref().and_then(|k| k.name.as_deref()),
            Some("a_pkey")
        );
        assert_eq!(a.uniques[0].name.as_deref(), Some("a_code_key"));
        assert_eq!(a.checks[0].name.as_deref(), Some("a_ratio_check"));
        assert_eq!(a.checks[0].expression, "ratio >= 0 AND ratio <= 10");
        assert_eq!(a.foreign_keys[0].name.as_deref(), Some("a_b_id_fkey"));
        assert_eq!(a.foreign_keys[0].on_delete, None);
        assert_eq!(a.foreign_keys[0].on_update, Some(Action::Restrict));
        assert_eq!(a.foreign_keys[0].referenced_columns, ["id"]);
        assert_eq!(a.indexes[0].name, "ux_a_uid");
        let id = &a.columns[0];
        assert!(id.identity && !id.nullable && id.ty == Type::BigInt);
        assert_eq!(a.column("code").map(|c| &c.ty), Some(&Type::Char(Some(1))));
        assert_eq!(a.column("uid").map(|c| &c.ty), Some(&Type::Uuid));
        let note = a.column("note").expect("note");
        assert_eq!((&note.default, &note.comment), (&None, &None));
    }

    #[test]
    fn mysql_maps_types_defaults_and_unique_indexes() {
        let schema = normalized(DialectKind::Mysql);
        let a = &schema.tables[0];
        assert_eq!(a.primary_key.as_ref().map(|k| &k.name), Some(&None));
        let ty = |name: &str| a.column(name).map(|c| c.ty.clone());
        let default = |name: &str| a.column(name).and_then(|c| c.default.clone());
        assert_eq!(ty("at"), Some(Type::Timestamp));
        assert_eq!(ty("uid"), Some(Type::Char(Some(36))));
        assert_eq!(ty("note"), Some(Type::Text));
        assert_eq!(
            default("at"),
            Some(Default::String("2020-01-01 00:00:00.000000".into()))
        );
        assert_eq!(default("ratio"), Some(Default::Number("1000".into())));
        assert_eq!(default("money"), Some(Default::Number("1.50".into())));
        assert_eq!(default("flag"), Some(Default::Bool(true)));
        let uniques: Vec<_> = a.uniques.iter().filter_map(|u| u.name.as_deref()).collect();
        assert_eq!(uniques, ["a_code_key", "ux_a_uid"]);
        assert!(a.indexes.is_empty());
        let key = &a.foreign_keys[0];
        assert_eq!((key.on_delete, key.on_update), (None, None));
    }

    #[test]
    fn sqlite_keeps_declarations_and_aliases_the_rowid() {
        let schema = normalized(DialectKind::Sqlite);
        let a = &schema.tables[0];
        let id = &a.columns[0];
        assert!(
            id.identity && id.ty == Type::Integer,
            "the identity is the rowid alias"
        );
        let b = &schema.tables[1];
        assert!(b.columns[0].identity, "INTEGER PRIMARY KEY numbers rows");
        assert_eq!(a.uniques[0].name, None, "SQLite names nothing");
        assert_eq!(a.column("uid").map(|c| &c.ty), Some(&Type::Uuid));
        assert_eq!(a.column("code").map(|c| &c.ty), Some(&Type::Char(None)));
        assert!(a.columns.iter().all(|c| c.comment.is_none()));
    }
}
