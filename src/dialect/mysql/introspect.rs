//! Reading a MySQL 8 or MariaDB 10.11 database (`DATABASE()`) into the
//! portable model, and [`normalize`]: what MySQL reports back for a model.
//!
//! Six `information_schema` queries read the whole database
//! (<https://dev.mysql.com/doc/refman/8.0/en/information-schema-introduction.html>,
//! <https://mariadb.com/kb/en/information-schema-tables/>):
//!
//! 1. `TABLES` — base tables and their comments;
//! 2. `COLUMNS` — type, nullability, default, `EXTRA` (`auto_increment`,
//!    MySQL 8's `DEFAULT_GENERATED`), comment;
//! 3. `STATISTICS` — every index, the primary key's (`PRIMARY`) included;
//! 4. `KEY_COLUMN_USAGE` and `REFERENTIAL_CONSTRAINTS` — foreign keys,
//!    their columns in order and their actions (joined here: MariaDB is
//!    slow to join two `information_schema` tables);
//! 5. `CHECK_CONSTRAINTS` — MariaDB names a check per table and lists its
//!    table there; MySQL 8 names it per schema and lists the table only in
//!    `TABLE_CONSTRAINTS`, which the query joins.
//!
//! MySQL 8 returns `information_schema` text as `VARBINARY`, which sqlx
//! does not decode as text: every text column is read through
//! `CAST(… AS CHAR)`, so one query serves both servers.
//!
//! Quirks read back (see also docs/architecture.md, "Driver traps the code works around"):
//! - MariaDB's `JSON` is `LONGTEXT` with a check `json_valid(col)` named
//!   after the column (or what it was called when made): read as JSON, the
//!   check dropped;
//! - `tinyint(1)` is BOOLEAN, and its `0`/`1` defaults `FALSE`/`TRUE`;
//!   display widths (`int(11)`, MariaDB) are ignored; `datetime(6)` is
//!   TIMESTAMP (TIMESTAMP WITH TIME ZONE is stored as the same), `longblob`
//!   BLOB, `float` REAL, `double` DOUBLE PRECISION; anything else, unsigned
//!   types included, stays [`Type::Other`] as `COLUMN_TYPE` spells it;
//! - defaults: MariaDB reports SQL (`'x'` quoted, `NULL` for a nullable
//!   column without default, `current_timestamp(6)`, `curdate()`); MySQL 8
//!   reports a literal unquoted and marks expressions `DEFAULT_GENERATED`;
//! - a unique constraint and a unique index are the same thing in MySQL
//!   (`TABLE_CONSTRAINTS` lists both as `UNIQUE`): both read as unique
//!   constraints;
//! - the index MySQL creates by itself for a foreign key that has none to
//!   use — named after the key, or after its first column when the key is
//!   unnamed — is left out
//!   (<https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html>);
//! - foreign-key actions: InnoDB's `NO ACTION` is `RESTRICT`, and a key
//!   declared without action reports `RESTRICT`: both read as none.
//!
//! Not read: prefix lengths of indexed columns, functional index parts
//! (MySQL 8; such an index is left out), the engine and character sets.

use std::collections::HashMap;

use sqlx::mysql::MySqlConnection;
use sqlx::{AssertSqlSafe, Row};

use crate::dialect::catalog::{Source, default_from_text, with_scale};
use crate::dialect::normalize::{PrimaryKeyName, finish, name_constraints};
use crate::schema::{
    Action, Check, Column, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Type, Unique,
};

const TABLES: &str = "\
SELECT CAST(table_name AS CHAR), CAST(table_comment AS CHAR)
FROM information_schema.tables
WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'
ORDER BY table_name";

const COLUMNS: &str = "\
SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(column_type AS CHAR),
       CAST(data_type AS CHAR), CAST(column_default AS CHAR), CAST(is_nullable AS CHAR),
       CAST(extra AS CHAR), CAST(column_comment AS CHAR),
       CAST(numeric_precision AS SIGNED), CAST(numeric_scale AS SIGNED)
FROM information_schema.columns
WHERE table_schema = DATABASE()
ORDER BY table_name, ordinal_position";

const INDEXES: &str = "\
SELECT CAST(table_name AS CHAR), CAST(index_name AS CHAR), CAST(non_unique AS SIGNED),
       CAST(column_name AS CHAR)
FROM information_schema.statistics
WHERE table_schema = DATABASE()
ORDER BY table_name, index_name, seq_in_index";

const FOREIGN_KEYS: &str = "\
SELECT CAST(table_name AS CHAR), CAST(constraint_name AS CHAR), CAST(column_name AS CHAR),
       CAST(referenced_table_name AS CHAR), CAST(referenced_column_name AS CHAR)
FROM information_schema.key_column_usage
WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL
ORDER BY table_name, constraint_name, ordinal_position";

/// The actions of the keys of [`FOREIGN_KEYS`], read apart: MariaDB 10.11
/// takes ~150 ms for the two joined on 1,000 keys, ~10 ms for each alone.
const FOREIGN_KEY_ACTIONS: &str = "\
SELECT CAST(table_name AS CHAR), CAST(constraint_name AS CHAR),
       CAST(update_rule AS CHAR), CAST(delete_rule AS CHAR)
FROM information_schema.referential_constraints
WHERE constraint_schema = DATABASE()";

/// MariaDB: check names are per table, and the table is listed.
const CHECKS_MARIADB: &str = "\
SELECT CAST(table_name AS CHAR), CAST(constraint_name AS CHAR), CAST(check_clause AS CHAR)
FROM information_schema.check_constraints
WHERE constraint_schema = DATABASE()
ORDER BY table_name, constraint_name";

/// MySQL 8: check names are per schema; the table is in `TABLE_CONSTRAINTS`.
const CHECKS_MYSQL: &str = "\
SELECT CAST(t.table_name AS CHAR), CAST(c.constraint_name AS CHAR), CAST(c.check_clause AS CHAR)
FROM information_schema.check_constraints c
JOIN information_schema.table_constraints t
  ON t.constraint_schema = c.constraint_schema AND t.constraint_name = c.constraint_name
 AND t.constraint_type = 'CHECK'
WHERE c.constraint_schema = DATABASE()
ORDER BY t.table_name, c.constraint_name";

/// Reads every table of the current database except those named in
/// `exclude` (retort's version and log tables).
pub(crate) async fn introspect(
    conn: &mut MySqlConnection,
    exclude: &[String],
) -> Result<Schema, sqlx::Error> {
    // The text protocol: one round trip per query. A prepared statement
    // that is not kept ends with a `COM_STMT_CLOSE`, which the server does
    // not answer; sqlx sets no TCP_NODELAY, so the next query waits for the
    // server's delayed ACK of that close (~40 ms on Linux) behind Nagle's
    // algorithm — most of the time `check` took on 1,000 tables.
    let fetch = |sql: &'static str| sqlx::raw_sql(AssertSqlSafe(sql));
    let version: String = fetch("SELECT CAST(VERSION() AS CHAR)")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let mariadb = version.contains("MariaDB");

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
        let Some(&index) = at.get(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        let column_type: String = row.try_get(2)?;
        let data_type: String = row.try_get(3)?;
        let default: Option<String> = row.try_get(4)?;
        let extra: String = row.try_get::<Option<String>, _>(6)?.unwrap_or_default();
        let precision: Option<i64> = row.try_get(8)?;
        let scale: Option<i64> = row.try_get(9)?;
        let ty = portable_type(&column_type, &data_type, precision, scale);
        let extra = extra.to_lowercase();
        let default = match default {
            None => None,
            Some(text) if mariadb => default_from_text(&text, Source::Mysql),
            // MySQL 8 shows an expression's quotes escaped: `_utf8mb4\'x\'`.
            Some(text) if extra.contains("default_generated") => {
                default_from_text(&text.replace("\\'", "'"), Source::Mysql)
            }
            // MySQL 8 reports a literal default without its quotes.
            Some(text) if is_numeric(&ty) => Some(Default::Number(text)),
            Some(text) => Some(Default::String(text)),
        };
        tables[index].columns.push(Column {
            name: row.try_get(1)?,
            ty,
            nullable: row.try_get::<String, _>(5)? == "YES",
            default,
            identity: extra.contains("auto_increment"),
            comment: row.try_get(7)?,
        });
    }

    let checks = if mariadb {
        CHECKS_MARIADB
    } else {
        CHECKS_MYSQL
    };
    for row in fetch(checks).fetch_all(&mut *conn).await? {
        let Some(&index) = at.get(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        let table = &mut tables[index];
        let name: String = row.try_get(1)?;
        let clause: String = row.try_get(2)?;
        let expression = crate::dialect::catalog::canonical_expression(&clause, Source::Mysql);
        // MariaDB's JSON: LONGTEXT plus this check, named after the column
        // it was made for; a column rename leaves the name behind.
        if let Some(column) = table.columns.iter_mut().find(|c| {
            c.ty == Type::Other("longtext".into())
                && expression == format!("json_valid({})", canonical_name(&c.name))
        }) {
            column.ty = Type::Json;
            continue;
        }
        table.checks.push(Check {
            name: Some(name),
            expression,
        });
    }

    let mut foreign_keys: Vec<(usize, ForeignKey)> = Vec::new();
    // (table, key) → (on update, on delete).
    let mut actions: HashMap<(String, String), (Option<Action>, Option<Action>)> = HashMap::new();
    for row in fetch(FOREIGN_KEY_ACTIONS).fetch_all(&mut *conn).await? {
        actions.insert(
            (row.try_get(0)?, row.try_get(1)?),
            (
                action(&row.try_get::<String, _>(2)?),
                action(&row.try_get::<String, _>(3)?),
            ),
        );
    }
    for row in fetch(FOREIGN_KEYS).fetch_all(&mut *conn).await? {
        let table: String = row.try_get(0)?;
        let Some(&index) = at.get(&table) else {
            continue;
        };
        let name: String = row.try_get(1)?;
        let column: String = row.try_get(2)?;
        let referenced: String = row.try_get(4)?;
        match foreign_keys.last_mut() {
            Some((i, key)) if *i == index && key.name.as_deref() == Some(name.as_str()) => {
                key.columns.push(column);
                key.referenced_columns.push(referenced);
            }
            _ => {
                let (on_update, on_delete) =
                    actions.remove(&(table, name.clone())).unwrap_or_default();
                foreign_keys.push((
                    index,
                    ForeignKey {
                        name: Some(name),
                        columns: vec![column],
                        referenced_table: row.try_get(3)?,
                        referenced_columns: vec![referenced],
                        on_update,
                        on_delete,
                    },
                ));
            }
        }
    }
    for (index, key) in foreign_keys {
        tables[index].foreign_keys.push(key);
    }

    // (table, name) → unique, columns; `None` columns: a functional part.
    let mut indexes: Vec<(usize, String, bool, Option<Vec<String>>)> = Vec::new();
    for row in fetch(INDEXES).fetch_all(&mut *conn).await? {
        let Some(&index) = at.get(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        let name: String = row.try_get(1)?;
        let column: Option<String> = row.try_get(3)?;
        match indexes.last_mut() {
            Some((i, n, _, columns)) if *i == index && *n == name => {
                if let (Some(columns), Some(column)) = (columns.as_mut(), column) {
                    columns.push(column);
                } else {
                    *columns = None;
                }
            }
            _ => indexes.push((
                index,
                name,
                row.try_get::<i64, _>(2)? == 0,
                column.map(|c| vec![c]),
            )),
        }
    }
    for (index, name, unique, columns) in indexes {
        let Some(columns) = columns else { continue };
        let table = &mut tables[index];
        if name == "PRIMARY" {
            table.primary_key = Some(PrimaryKey {
                name: None,
                columns,
            });
        } else if unique {
            table.uniques.push(Unique {
                name: Some(name),
                columns,
            });
        } else if !table
            .foreign_keys
            .iter()
            .any(|k| implicit_index(k, &name, &columns))
        {
            table.indexes.push(Index {
                name,
                columns,
                unique: false,
            });
        }
    }

    let mut schema = Schema { tables };
    normalize(&mut schema);
    Ok(schema)
}

/// True for the index MySQL creates by itself for a foreign key with no
/// index to use: named after the key, or after its first column when the
/// key has no name of its own.
fn implicit_index(key: &ForeignKey, name: &str, columns: &[String]) -> bool {
    columns == key.columns.as_slice()
        && (key.name.as_deref() == Some(name)
            || key.columns.first().map(String::as_str) == Some(name))
}

/// A column's name as [`canonical_expression`] prints it.
///
/// [`canonical_expression`]: crate::dialect::catalog::canonical_expression
fn canonical_name(name: &str) -> String {
    crate::dialect::catalog::canonical_expression(
        &format!("`{}`", name.replace('`', "``")),
        Source::Mysql,
    )
}

/// `COLUMN_TYPE` (with `DATA_TYPE` and the numeric precision) as a portable type.
fn portable_type(
    column_type: &str,
    data_type: &str,
    precision: Option<i64>,
    scale: Option<i64>,
) -> Type {
    let column_type = column_type.trim().to_lowercase();
    let data_type = data_type.trim().to_lowercase();
    // `int(11) unsigned`, `decimal(5,2) zerofill`: no portable name.
    if column_type.contains(' ') {
        return Type::Other(column_type);
    }
    let length = || {
        let inner = column_type.split_once('(')?.1.strip_suffix(')')?;
        inner.trim().parse::<u32>().ok()
    };
    let number = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok());
    match data_type.as_str() {
        "tinyint" if column_type == "tinyint(1)" => Type::Boolean,
        "smallint" => Type::SmallInt,
        "int" => Type::Integer,
        "bigint" => Type::BigInt,
        "float" if column_type == "float" => Type::Real,
        "double" if column_type == "double" => Type::Double,
        "decimal" => Type::Numeric {
            precision: number(precision),
            scale: number(scale),
        },
        "varchar" => Type::Varchar(length()),
        "char" => Type::Char(length()),
        "text" => Type::Text,
        "json" => Type::Json,
        "date" => Type::Date,
        "time" if column_type == "time" => Type::Time,
        "datetime" if column_type == "datetime(6)" => Type::Timestamp,
        "longblob" => Type::Blob,
        _ => Type::Other(column_type),
    }
}

fn is_numeric(ty: &Type) -> bool {
    matches!(
        ty,
        Type::SmallInt
            | Type::Integer
            | Type::BigInt
            | Type::Boolean
            | Type::Real
            | Type::Double
            | Type::Numeric { .. }
    )
}

/// `2020-01-01 00:00:00` as `2020-01-01 00:00:00.000000`, as a
/// `DATETIME(6)` default reads back; other text as it is.
fn with_microseconds(text: String) -> String {
    let Some((date, time)) = text.split_once(' ') else {
        return text;
    };
    let (seconds, fraction) = time.split_once('.').unwrap_or((time, ""));
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    let shape = date.len() == 10 && seconds.len() == 8 && fraction.len() <= 6;
    if !shape
        || !digits(fraction, fraction.len())
        || !date.chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        return text;
    }
    format!("{date} {seconds}.{fraction:0<6}")
}

/// `REFERENTIAL_CONSTRAINTS.UPDATE_RULE`/`DELETE_RULE`.
fn action(rule: &str) -> Option<Action> {
    match rule {
        "CASCADE" => Some(Action::Cascade),
        "SET NULL" => Some(Action::SetNull),
        "SET DEFAULT" => Some(Action::SetDefault),
        // InnoDB: NO ACTION is RESTRICT, and RESTRICT is the default.
        _ => None,
    }
}

/// What MySQL or MariaDB reports back for `schema` once created:
///
/// - unnamed uniques, checks and foreign keys get the names the renderer
///   creates them with; the primary key has none (MySQL calls every one
///   `PRIMARY`); unique indexes are unique constraints;
/// - types as stored (docs/portable-sql.md): TIMESTAMP WITH TIME ZONE is TIMESTAMP, UUID
///   is `CHAR(36)`, VARCHAR without length is TEXT, CHAR without length
///   `CHAR(1)`, NUMERIC without precision `NUMERIC(10, 0)` and with no
///   scale `NUMERIC(p, 0)`;
/// - defaults as MySQL prints them: numbers of a `NUMERIC(p, s)` column with
///   `s` decimals, of a `REAL`/`DOUBLE PRECISION` column in their shortest
///   form (`1e3` is `1000`), timestamps with six decimals;
/// - foreign-key actions `NO ACTION` and `RESTRICT` are none;
/// - comments: none is the empty one; primary-key columns are NOT NULL;
/// - then the steps shared by every dialect ([`finish`]).
pub(crate) fn normalize(schema: &mut Schema) {
    for table in &mut schema.tables {
        name_constraints(table, PrimaryKeyName::None);
        for index in std::mem::take(&mut table.indexes) {
            if index.unique {
                table.uniques.push(Unique {
                    name: Some(index.name),
                    columns: index.columns,
                });
            } else {
                table.indexes.push(index);
            }
        }
        let key: Vec<String> = table
            .primary_key
            .as_ref()
            .map(|k| k.columns.clone())
            .unwrap_or_default();
        for column in &mut table.columns {
            column.ty = match std::mem::replace(&mut column.ty, Type::Text) {
                Type::TimestampTz => Type::Timestamp,
                Type::Uuid => Type::Char(Some(36)),
                Type::Varchar(None) => Type::Text,
                Type::Char(None) => Type::Char(Some(1)),
                Type::Numeric { precision, scale } => Type::Numeric {
                    precision: Some(precision.unwrap_or(10)),
                    scale: Some(scale.unwrap_or(0)),
                },
                ty => ty,
            };
            column.default = match (&column.ty, column.default.take()) {
                (Type::Numeric { scale: Some(s), .. }, Some(Default::Number(n))) => {
                    Some(Default::Number(with_scale(&n, *s).unwrap_or(n)))
                }
                // `DEFAULT '0'` on a DECIMAL(10, 2) reads back as the number 0.00.
                (Type::Numeric { scale: Some(s), .. }, Some(Default::String(text))) => {
                    Some(match with_scale(&text, *s) {
                        Some(n) => Default::Number(n),
                        None => Default::String(text),
                    })
                }
                // `1e3` reads back as `1000`, `2.50` as `2.5`.
                (Type::Real | Type::Double, Some(Default::Number(n))) => {
                    Some(Default::Number(match n.parse::<f64>() {
                        Ok(value) if value.is_finite() => value.to_string(),
                        _ => n,
                    }))
                }
                // A DATETIME(6) default reads back with its six decimals.
                (Type::Timestamp, Some(Default::String(text))) => {
                    Some(Default::String(with_microseconds(text)))
                }
                (_, default) => default,
            };
            if key.contains(&column.name) {
                column.nullable = false;
            }
        }
        for key in &mut table.foreign_keys {
            for action in [&mut key.on_delete, &mut key.on_update] {
                if *action == Some(Action::Restrict) {
                    *action = None;
                }
            }
        }
    }
    finish(schema);
}
