//! Reading a PostgreSQL schema (`current_schema()`) into the portable
//! model, and [`normalize`]: what PostgreSQL reports back for a model.
//!
//! Four catalog queries read the whole schema, whatever its size
//! (<https://www.postgresql.org/docs/current/catalogs.html>):
//!
//! 1. tables — `pg_class` (ordinary and partitioned tables, not the
//!    partitions), with the comment from `pg_description`;
//! 2. columns — `pg_attribute` with `format_type` for the type,
//!    `pg_attrdef`/`pg_get_expr` for the default, `attidentity`, and the
//!    comment from `pg_description` (joined: calling `col_description` per
//!    column took a third of the query's ~55 ms on 8,000 columns);
//! 3. constraints — `pg_constraint` (primary keys, uniques, checks with
//!    `pg_get_expr(conbin)`, foreign keys with their actions), key columns
//!    in key order;
//! 4. indexes — `pg_index` without the ones that carry a primary key or
//!    unique constraint.
//!
//! Read back:
//! - types through `format_type`: `character varying(n)` is `VARCHAR(n)`,
//!   `timestamp with time zone` is `TIMESTAMP WITH TIME ZONE`, `jsonb` is
//!   JSON, `bytea` is BLOB, and so on; `json` (not what retort creates for
//!   JSON) and anything else stay [`Type::Other`] as PostgreSQL spells them;
//! - defaults as deparsed (`'x'::character varying`, `'-1'::integer`,
//!   `now()`), cast away by [`catalog`](crate::dialect::catalog); a
//!   `nextval(…)` default (a `serial` column made outside retort) is read as
//!   an identity column without default, which is what it does;
//! - identity: `attidentity` `a` (ALWAYS) or `d` (BY DEFAULT);
//! - foreign-key actions: `a` (NO ACTION, the default) is none.
//!
//! Not read (the model cannot hold them): expression and partial indexes,
//! generated columns' expressions (such a column reads without default),
//! exclusion constraints, references to tables in other schemas (read by
//! table name only).

use std::collections::HashMap;

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Row};

use crate::dialect::catalog::{Source, declared_type, default_from_text};
use crate::dialect::normalize::{PrimaryKeyName, drop_enforced_uniques, finish, name_constraints};
use crate::schema::{
    Action, Check, Column, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Type, Unique,
};

const TABLES: &str = "\
SELECT c.relname::text, ds.description
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds
  ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname";

const COLUMNS: &str = "\
SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
       ds.description
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_description ds
  ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum";

const CONSTRAINTS: &str = "\
SELECT c.relname::text, k.conname::text, k.contype::text,
       ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(num, pos)
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.pos),
       f.relname::text,
       ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(num, pos)
             JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num ORDER BY u.pos),
       k.confupdtype::text, k.confdeltype::text, pg_get_expr(k.conbin, k.conrelid)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class f ON f.oid = k.confrelid
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND k.contype IN ('p', 'u', 'c', 'f')
ORDER BY c.relname, k.conname";

const INDEXES: &str = "\
SELECT c.relname::text, i.relname::text, x.indisunique,
       ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS u(num, pos)
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.num
             WHERE u.pos <= x.indnkeyatts ORDER BY u.pos),
       x.indnkeyatts::int4, x.indexprs IS NOT NULL OR x.indpred IS NOT NULL
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                  WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid
                    AND k.contype IN ('p', 'u', 'x'))
ORDER BY c.relname, i.relname";

/// Reads every table of the current schema except those named in
/// `exclude` (retort's version and log tables).
pub(crate) async fn introspect(
    conn: &mut PgConnection,
    exclude: &[String],
) -> Result<Schema, sqlx::Error> {
    let fetch = |sql: &'static str| sqlx::query(AssertSqlSafe(sql)).persistent(false);
    let mut tables: Vec<Table> = Vec::new();
    for row in fetch(TABLES).fetch_all(&mut *conn).await? {
        let name: String = row.try_get(0)?;
        if exclude.contains(&name) {
            continue;
        }
        let mut table = Table::new(name);
        table.comment = row.try_get(1)?;
        tables.push(table);
    }
    let at: HashMap<String, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();

    for row in fetch(COLUMNS).fetch_all(&mut *conn).await? {
        let table: String = row.try_get(0)?;
        let Some(&index) = at.get(&table) else {
            continue;
        };
        let type_text: String = row.try_get(2)?;
        let default: Option<String> = row.try_get(4)?;
        let identity: String = row.try_get(5)?;
        let generated: String = row.try_get(6)?;
        let serial = default
            .as_deref()
            .is_some_and(|d| d.trim_start().starts_with("nextval("));
        let default = match &default {
            Some(text) if !serial && generated.is_empty() => {
                default_from_text(text, Source::Postgres)
            }
            _ => None,
        };
        tables[index].columns.push(Column {
            name: row.try_get(1)?,
            ty: column_type(&type_text),
            nullable: !row.try_get::<bool, _>(3)?,
            default,
            identity: !identity.is_empty() || serial,
            comment: row.try_get(7)?,
        });
    }

    for row in fetch(CONSTRAINTS).fetch_all(&mut *conn).await? {
        let table: String = row.try_get(0)?;
        let Some(&index) = at.get(&table) else {
            continue;
        };
        let table = &mut tables[index];
        let name: String = row.try_get(1)?;
        let kind: String = row.try_get(2)?;
        let columns: Vec<String> = row.try_get(3)?;
        match kind.as_str() {
            "p" => {
                table.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                })
            }
            "u" => table.uniques.push(Unique {
                name: Some(name),
                columns,
            }),
            "c" => {
                let expression: Option<String> = row.try_get(8)?;
                table.checks.push(Check {
                    name: Some(name),
                    expression: expression.unwrap_or_default(),
                });
            }
            "f" => table.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns,
                referenced_table: row.try_get::<Option<String>, _>(4)?.unwrap_or_default(),
                referenced_columns: row.try_get(5)?,
                on_update: action(&row.try_get::<String, _>(6)?),
                on_delete: action(&row.try_get::<String, _>(7)?),
            }),
            _ => {}
        }
    }

    for row in fetch(INDEXES).fetch_all(&mut *conn).await? {
        let table: String = row.try_get(0)?;
        let Some(&index) = at.get(&table) else {
            continue;
        };
        let columns: Vec<String> = row.try_get(3)?;
        let key_columns: i32 = row.try_get(4)?;
        let complex: bool = row.try_get(5)?;
        // An expression column has no name and is missing from the list.
        if complex || usize::try_from(key_columns).ok() != Some(columns.len()) {
            continue;
        }
        tables[index].indexes.push(Index {
            name: row.try_get(1)?,
            columns,
            unique: row.try_get(2)?,
        });
    }

    let mut schema = Schema { tables };
    normalize(&mut schema);
    Ok(schema)
}

/// A `format_type` spelling as a portable type.
fn column_type(text: &str) -> Type {
    match text {
        // retort creates JSON as jsonb; a json column is something else.
        "json" => Type::Other("json".into()),
        text => declared_type(text, Source::Postgres),
    }
}

/// `pg_constraint.confupdtype`/`confdeltype`.
fn action(code: &str) -> Option<Action> {
    match code {
        "r" => Some(Action::Restrict),
        "c" => Some(Action::Cascade),
        "n" => Some(Action::SetNull),
        "d" => Some(Action::SetDefault),
        // `a`: NO ACTION, what a key without `ON …` does.
        _ => None,
    }
}

/// What PostgreSQL reports back for `schema` once created:
///
/// - unnamed constraints get the names the renderer creates them with
///   (`<table>_pkey`, `<table>_<cols>_key`, `…_fkey`, `…_check`);
/// - `NUMERIC(p)` is `NUMERIC(p, 0)`, `CHAR` is `CHAR(1)`;
/// - primary-key columns are NOT NULL;
/// - a number default in exponent form is written out (`1e3` is `1000`);
/// - then the steps shared by every dialect ([`finish`]).
pub(crate) fn normalize(schema: &mut Schema) {
    for table in &mut schema.tables {
        name_constraints(table, PrimaryKeyName::Conventional);
        // PostgreSQL leaves out a UNIQUE that repeats the primary key in
        // CREATE TABLE (`transformIndexConstraints` in its parser), though
        // ALTER TABLE adds one.
        drop_enforced_uniques(table, |a, b| a == b);
        let key: Vec<String> = table
            .primary_key
            .as_ref()
            .map(|k| k.columns.clone())
            .unwrap_or_default();
        for column in &mut table.columns {
            column.ty = match std::mem::replace(&mut column.ty, Type::Text) {
                Type::Numeric {
                    precision: Some(p),
                    scale: None,
                } => Type::Numeric {
                    precision: Some(p),
                    scale: Some(0),
                },
                Type::Char(None) => Type::Char(Some(1)),
                ty => ty,
            };
            if key.contains(&column.name) {
                column.nullable = false;
            }
            // PostgreSQL reads `1e3` as the numeric `1000` and keeps that.
            if let Some(Default::Number(n)) = &mut column.default
                && n.contains(['e', 'E'])
                && let Ok(value) = n.parse::<f64>()
                && value.is_finite()
            {
                *n = value.to_string();
            }
        }
    }
    finish(schema);
}
