//! Reading a SQLite database (schema `main`) into the portable model, and
//! [`normalize`]: what SQLite reports back for a model.
//!
//! The pragma functions are table-valued
//! (<https://www.sqlite.org/pragma.html#pragfunc>), so each joins against
//! `sqlite_master` and reads every table in one query:
//!
//! 1. `sqlite_master` — the tables and the `CREATE TABLE` text of each;
//! 2. `pragma_table_info` — columns: declared type, `NOT NULL`, the default
//!    as written, position in the primary key;
//! 3. `pragma_index_list` × `pragma_index_info` — indexes, with their origin:
//!    `c` made by `CREATE INDEX`, `u` by a `UNIQUE` constraint, `pk` by the
//!    primary key;
//! 4. `pragma_foreign_key_list` — foreign keys, their columns and actions.
//!
//! Check constraints and the names of constraints exist only in the
//! `CREATE TABLE` text, which is parsed with sqlparser's SQLite dialect to
//! recover them (names are matched to the pragma's constraints by their
//! columns). Columns are always named in these queries: sqlx-sqlite fails
//! on `SELECT *` once a table's column count changed (docs/architecture.md, "Driver traps the code works around").
//!
//! Read back:
//! - types as declared, parsed like portable SQL (`NUMERIC(12, 2)`,
//!   `TIMESTAMP WITH TIME ZONE`); anything else stays [`Type::Other`];
//! - identity: a single-column primary key declared exactly `INTEGER` is
//!   the rowid alias (<https://www.sqlite.org/lang_createtable.html#rowid>),
//!   which numbers new rows: an identity column, NOT NULL;
//! - foreign-key actions: `NO ACTION` (also what an unspecified action
//!   reports) is none;
//! - no comments: SQLite has none.
//!
//! Not read: partial and expression indexes (left out), `WITHOUT ROWID`
//! and `STRICT`, `AUTOINCREMENT` (the column reads as identity all the same).

use std::collections::HashMap;

use sqlparser::ast::{ColumnOption, Expr, Statement, TableConstraint};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Row};

use crate::dialect::catalog::{Source, canonical_expression, declared_type, default_from_text};
use crate::dialect::normalize::{drop_enforced_uniques, finish};
use crate::naming::forget_conventional_names;
use crate::schema::{
    Action, Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Type, Unique,
};

const TABLES: &str = "\
SELECT name, sql FROM sqlite_master
WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY name";

const COLUMNS: &str = "\
SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table'
ORDER BY m.name, p.cid";

const INDEXES: &str = "\
SELECT m.name, l.name, l.\"unique\", l.origin, l.partial, i.name
FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i
WHERE m.type = 'table'
ORDER BY m.name, l.name, i.seqno";

const FOREIGN_KEYS: &str = "\
SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
WHERE m.type = 'table'
ORDER BY m.name, f.id, f.seq";

/// Reads every table of the database except those named in `exclude`
/// (retort's version and log tables).
pub(crate) async fn introspect(
    conn: &mut SqliteConnection,
    exclude: &[String],
) -> Result<Schema, sqlx::Error> {
    let fetch = |sql: &'static str| sqlx::query(AssertSqlSafe(sql)).persistent(false);
    let mut tables: Vec<Table> = Vec::new();
    let mut declared: Vec<Declared> = Vec::new();
    for row in fetch(TABLES).fetch_all(&mut *conn).await? {
        let name: String = row.try_get(0)?;
        if exclude.contains(&name) {
            continue;
        }
        let sql: Option<String> = row.try_get(1)?;
        declared.push(Declared::parse(sql.as_deref().unwrap_or_default()));
        tables.push(Table::new(name));
    }
    let at: HashMap<String, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();

    // (position in the key, column) per table.
    let mut keys: Vec<Vec<(i64, String)>> = vec![Vec::new(); tables.len()];
    // Columns declared exactly `INTEGER`, which alone can alias the rowid.
    let mut integer: Vec<Vec<String>> = vec![Vec::new(); tables.len()];
    for row in fetch(COLUMNS).fetch_all(&mut *conn).await? {
        let Some(&index) = at.get(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        let name: String = row.try_get(1)?;
        let type_text: String = row.try_get::<Option<String>, _>(2)?.unwrap_or_default();
        let default: Option<String> = row.try_get(4)?;
        let position: i64 = row.try_get(5)?;
        if position > 0 {
            keys[index].push((position, name.clone()));
        }
        if type_text.eq_ignore_ascii_case("INTEGER") {
            integer[index].push(name.clone());
        }
        tables[index].columns.push(Column {
            name,
            ty: declared_type(&type_text, Source::Sqlite),
            nullable: row.try_get::<i64, _>(3)? == 0,
            default: default.and_then(|d| default_from_text(&d, Source::Sqlite)),
            identity: false,
            comment: None,
        });
    }
    for (index, mut key) in keys.into_iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        key.sort();
        let table = &mut tables[index];
        let columns: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
        if let [only] = columns.as_slice()
            && integer[index].contains(only)
            && let Some(column) = table.columns.iter_mut().find(|c| c.name == *only)
        {
            column.identity = true;
            column.nullable = false;
        }
        table.primary_key = Some(PrimaryKey {
            name: declared[index].primary_key.clone(),
            columns,
        });
    }

    // (table, name, unique, origin, usable, columns)
    let mut indexes: Vec<(usize, String, bool, String, bool, Vec<String>)> = Vec::new();
    for row in fetch(INDEXES).fetch_all(&mut *conn).await? {
        let Some(&index) = at.get(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        let name: String = row.try_get(1)?;
        let column: Option<String> = row.try_get(5)?;
        match indexes.last_mut() {
            Some((i, n, _, _, usable, columns)) if *i == index && *n == name => match column {
                Some(column) => columns.push(column),
                None => *usable = false,
            },
            _ => indexes.push((
                index,
                name,
                row.try_get::<i64, _>(2)? != 0,
                row.try_get(3)?,
                row.try_get::<i64, _>(4)? == 0 && column.is_some(),
                column.into_iter().collect(),
            )),
        }
    }
    for (index, name, unique, origin, usable, columns) in indexes {
        let table = &mut tables[index];
        match origin.as_str() {
            "u" => table.uniques.push(Unique {
                name: declared[index].unique_name(&columns),
                columns,
            }),
            "c" if usable => table.indexes.push(Index {
                name,
                columns,
                unique,
            }),
            _ => {}
        }
    }

    for row in fetch(FOREIGN_KEYS).fetch_all(&mut *conn).await? {
        let Some(&index) = at.get(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        let id: i64 = row.try_get(1)?;
        let from: String = row.try_get(3)?;
        // NULL when the key references the parent's primary key implicitly.
        let to: Option<String> = row.try_get(4)?;
        let table = &mut tables[index];
        let key_index = table.foreign_keys.len();
        let same = table.foreign_keys.last().is_some() && last_id(&table.foreign_keys) == id;
        if same {
            let key = &mut table.foreign_keys[key_index - 1];
            key.columns.push(from);
            key.referenced_columns.extend(to);
        } else {
            table.foreign_keys.push(ForeignKey {
                name: Some(id.to_string()),
                columns: vec![from],
                referenced_table: row.try_get(2)?,
                referenced_columns: to.into_iter().collect(),
                on_update: action(&row.try_get::<String, _>(5)?),
                on_delete: action(&row.try_get::<String, _>(6)?),
            });
        }
    }
    for (table, declared) in tables.iter_mut().zip(&declared) {
        // The pragma's id stood in as a name while keys were assembled.
        for key in &mut table.foreign_keys {
            key.name = declared.foreign_key_name(&key.columns, &key.referenced_table);
        }
        table.checks = declared.checks.clone();
    }

    let mut schema = Schema { tables };
    normalize(&mut schema);
    Ok(schema)
}

/// The pragma id of the key being assembled (kept in its name meanwhile).
fn last_id(keys: &[ForeignKey]) -> i64 {
    keys.last()
        .and_then(|k| k.name.as_deref())
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1)
}

/// `pragma_foreign_key_list`'s `on_update`/`on_delete`.
fn action(text: &str) -> Option<Action> {
    match text.to_uppercase().as_str() {
        "RESTRICT" => Some(Action::Restrict),
        "CASCADE" => Some(Action::Cascade),
        "SET NULL" => Some(Action::SetNull),
        "SET DEFAULT" => Some(Action::SetDefault),
        // NO ACTION, also reported when none was declared.
        _ => None,
    }
}

/// What only the `CREATE TABLE` text holds: checks and constraint names.
#[derive(Debug, Default)]
struct Declared {
    primary_key: Option<String>,
    uniques: Vec<(Option<String>, Vec<String>)>,
    /// (name, columns, referenced table)
    foreign_keys: Vec<(Option<String>, Vec<String>, String)>,
    checks: Vec<Check>,
}

impl Declared {
    /// What the text declares; nothing when it does not parse (the pragmas
    /// still give the table's structure).
    fn parse(sql: &str) -> Declared {
        let mut declared = Declared::default();
        let Ok(statements) = Parser::parse_sql(&SQLiteDialect {}, sql) else {
            return declared;
        };
        let Some(Statement::CreateTable(create)) = statements.into_iter().next() else {
            return declared;
        };
        let name = |ident: Option<sqlparser::ast::Ident>| ident.map(|i| i.value);
        let check = |name: Option<String>, expr: &Expr| Check {
            name,
            expression: canonical_expression(&expr.to_string(), Source::Sqlite),
        };
        for column in &create.columns {
            let this = vec![column.name.value.clone()];
            for option in &column.options {
                let constraint = option.name.clone();
                match &option.option {
                    ColumnOption::PrimaryKey(key) => {
                        declared.primary_key = name(constraint.or(key.name.clone()));
                    }
                    ColumnOption::Unique(unique) => declared
                        .uniques
                        .push((name(constraint.or(unique.name.clone())), this.clone())),
                    ColumnOption::Check(c) => declared
                        .checks
                        .push(check(name(constraint.or(c.name.clone())), &c.expr)),
                    ColumnOption::ForeignKey(key) => declared.foreign_keys.push((
                        name(constraint.or(key.name.clone())),
                        this.clone(),
                        key.foreign_table.to_string(),
                    )),
                    _ => {}
                }
            }
        }
        let columns = |columns: &[sqlparser::ast::IndexColumn]| -> Vec<String> {
            columns
                .iter()
                .map(|c| match &c.column.expr {
                    Expr::Identifier(ident) => ident.value.clone(),
                    other => other.to_string(),
                })
                .collect()
        };
        for constraint in &create.constraints {
            match constraint {
                TableConstraint::PrimaryKey(key) => declared.primary_key = name(key.name.clone()),
                TableConstraint::Unique(unique) => declared
                    .uniques
                    .push((name(unique.name.clone()), columns(&unique.columns))),
                TableConstraint::Check(c) => {
                    declared.checks.push(check(name(c.name.clone()), &c.expr))
                }
                TableConstraint::ForeignKey(key) => declared.foreign_keys.push((
                    name(key.name.clone()),
                    key.columns.iter().map(|i| i.value.clone()).collect(),
                    key.foreign_table
                        .0
                        .last()
                        .and_then(|p| p.as_ident())
                        .map(|i| i.value.clone())
                        .unwrap_or_default(),
                )),
                _ => {}
            }
        }
        declared
    }

    fn unique_name(&self, columns: &[String]) -> Option<String> {
        self.uniques
            .iter()
            .find(|(_, c)| same_names(c, columns))
            .and_then(|(name, _)| name.clone())
    }

    fn foreign_key_name(&self, columns: &[String], table: &str) -> Option<String> {
        self.foreign_keys
            .iter()
            .find(|(_, c, t)| same_names(c, columns) && unquoted(t).eq_ignore_ascii_case(table))
            .and_then(|(name, ..)| name.clone())
    }
}

/// SQLite compares names without regard to ASCII case.
fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

fn unquoted(name: &str) -> &str {
    name.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
}

/// What SQLite reports back for `schema` once created:
///
/// - an identity column, and a single-column primary key declared
///   `INTEGER`, is the rowid alias: type INTEGER, identity, NOT NULL;
/// - no comments;
/// - types as declared, constraint names as declared (SQLite invents
///   none), except that a declared name that is the one retort gives the
///   constraint unnamed is none: a revision autogenerated against
///   PostgreSQL writes those names, and its tables must match a model that
///   leaves them out;
/// - a unique constraint on the primary key's columns, or on those of an
///   earlier unique constraint, in the same order, is none: SQLite makes
///   no index for a constraint an index of the table already enforces
///   (`sqlite3CreateIndex` in SQLite's `build.c`), so it is not there to
///   read back;
/// - then the steps shared by every dialect ([`finish`]).
pub(crate) fn normalize(schema: &mut Schema) {
    for table in &mut schema.tables {
        forget_conventional_names(table);
        table.comment = None;
        let key = table
            .primary_key
            .as_ref()
            .map(|k| k.columns.clone())
            .unwrap_or_default();
        drop_enforced_uniques(table, same_names);
        for column in &mut table.columns {
            column.comment = None;
            let rowid = matches!(key.as_slice(), [only] if *only == column.name)
                && (column.identity || column.ty == Type::Integer);
            if rowid {
                column.ty = Type::Integer;
                column.identity = true;
            }
        }
    }
    finish(schema);
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use crate::sql::parse::parse_schema;

    #[test]
    fn conventional_names_are_no_names() {
        let normal = |ddl: &str| {
            let mut schema = parse_schema(ddl).unwrap();
            normalize(&mut schema);
            schema
        };
        assert_eq!(
            normal(
                "CREATE TABLE t (id INTEGER, a INTEGER, b INTEGER, \
                 CONSTRAINT t_pkey PRIMARY KEY (id, a), CONSTRAINT t_a_key UNIQUE (a), \
                 CONSTRAINT t_b_check CHECK (b > 0), CONSTRAINT mine UNIQUE (b))"
            ),
            normal(
                "CREATE TABLE t (id INTEGER, a INTEGER, b INTEGER, PRIMARY KEY (id, a), \
                 UNIQUE (a), CHECK (b > 0), CONSTRAINT mine UNIQUE (b))"
            ),
        );
        let kept = normal("CREATE TABLE t (a INTEGER, CONSTRAINT other UNIQUE (a))");
        assert_eq!(kept.tables[0].uniques[0].name.as_deref(), Some("other"));
    }
}
