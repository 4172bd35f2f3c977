//! SQLite's `CREATE TABLE`: the shared writer's column definitions and
//! constraint lines, except for an identity column, which SQLite can only
//! have as the rowid alias.

use crate::dialect::RenderError;
use crate::dialect::sqlite::Sqlite;
use crate::schema::{Column, Table};
use crate::sql::clauses;
use crate::sql::write::Spelling;

use super::{W, ident};

/// The column that is SQLite's rowid alias, when the table numbers its rows
/// with an identity column.
///
/// SQLite numbers rows only through `INTEGER PRIMARY KEY`
/// (<https://www.sqlite.org/lang_createtable.html#rowid>), so an identity
/// column must be the whole primary key and an integer.
fn rowid_alias(table: &Table) -> Result<Option<&str>, RenderError> {
    let mut identities = table.columns.iter().filter(|c| c.identity);
    let Some(column) = identities.next() else {
        return Ok(None);
    };
    let unsupported = |why: String| {
        Err(RenderError::Unsupported(format!(
            "{why}; SQLite numbers rows only through a single-column INTEGER PRIMARY KEY \
             (the rowid alias)"
        )))
    };
    if let Some(other) = identities.next() {
        return unsupported(format!(
            "table `{}` has two identity columns, `{}` and `{}`",
            table.name, column.name, other.name
        ));
    }
    let key = table.primary_key.as_ref().map(|k| k.columns.as_slice());
    if key != Some(std::slice::from_ref(&column.name)) {
        return unsupported(format!(
            "identity column `{}.{}` is not the table's whole primary key: make it the only \
             primary-key column, or drop the identity",
            table.name, column.name
        ));
    }
    if !column.ty.is_integer() {
        return unsupported(format!(
            "identity column `{}.{}` has type {}, not an integer type",
            table.name, column.name, column.ty
        ));
    }
    Ok(Some(&column.name))
}

/// `CREATE TABLE name (…)` with `table`'s columns and constraints.
pub(super) fn create_table(table: &Table, name: &str) -> Result<String, RenderError> {
    let rowid = rowid_alias(table)?;
    let key_name = table.primary_key.as_ref().and_then(|k| k.name.as_deref());
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| match rowid {
            Some(alias) if alias == c.name => rowid_alias_definition(c, key_name),
            _ => W.column(c),
        })
        .collect();
    // The rowid alias carries the primary key in its column definition.
    let primary_key = table.primary_key.as_ref().filter(|_| rowid.is_none());
    lines.extend(W.constraints(table, primary_key, table.foreign_keys.len()));
    Ok(W.create_table(name, &lines))
}

/// The identity column's definition: `INTEGER [CONSTRAINT name] PRIMARY
/// KEY`, never NULL, so no `NOT NULL`.
fn rowid_alias_definition(column: &Column, key_name: Option<&str>) -> String {
    let mut sql = format!(
        "{} INTEGER {}PRIMARY KEY",
        ident(&column.name),
        clauses::constraint_prefix(&key_name.map(str::to_owned), ident)
    );
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&Sqlite.default_value(default, &column.ty));
    }
    sql
}
