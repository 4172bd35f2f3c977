//! Rendering portable operations as MySQL 8 / MariaDB 10.11 DDL. MySQL's
//! `ALTER TABLE` differs from PostgreSQL's, so the operations are put
//! together here, from the pieces of `sql::write`'s statement writer
//! (column definitions, constraint clauses, `CREATE TABLE`, `CREATE INDEX`)
//! in MySQL's [`Spelling`].
//!
//! - Types follow docs/portable-sql.md: `INTEGER` is `INT`, `BOOLEAN` is `TINYINT(1)`,
//!   `REAL` is `FLOAT`, `DOUBLE PRECISION` is `DOUBLE`, `NUMERIC` is
//!   `DECIMAL`, both timestamps are `DATETIME(6)` (with a time zone: stored
//!   as UTC, MySQL keeps no zone), `BLOB` is `LONGBLOB`, `UUID` is
//!   `CHAR(36)`. A `VARCHAR` without a length, which MySQL does not accept,
//!   is `TEXT` (an unbounded `VARCHAR` is text to PostgreSQL too).
//!   `Type::Other` is written as declared. Identity columns are
//!   `AUTO_INCREMENT`, which MySQL only allows on a key column — the primary
//!   key, normally.
//! - Every identifier goes through [`Mysql::quote_ident`] (backquotes) and
//!   every text through its `quote_literal`, which also doubles backslashes.
//! - Defaults: booleans are `1`/`0`; `CURRENT_TIMESTAMP(6)` on `DATETIME(6)`
//!   columns, whose default must have the column's precision; the current
//!   date or time and any other expression are parenthesised, MySQL 8.0.13's
//!   and MariaDB 10.2's expression defaults
//!   (<https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html>); a
//!   literal default on a `TEXT`, `BLOB` or `JSON` column is parenthesised
//!   too, since MySQL 8 refuses literal defaults on them and accepts the
//!   expression form.
//! - Unnamed constraints are created with PostgreSQL's conventional name
//!   spelled out and dropped by it ([`crate::naming`]): MySQL's own
//!   names (`<table>_ibfk_<n>`, MariaDB's `CONSTRAINT_<n>`) cannot be
//!   predicted. The primary key's name is left out: MySQL calls every
//!   primary key `PRIMARY`. A unique constraint is an index in MySQL: it is
//!   dropped with `DROP INDEX` and renamed with `RENAME INDEX` when a rename
//!   changes its conventional name. Foreign keys and checks cannot be renamed
//!   in MySQL: a table or column rename that changes their conventional name
//!   drops them before and adds them after under the new one.
//! - `AlterColumn` is one `MODIFY COLUMN` with the whole new definition,
//!   comment included: MySQL resets whatever the definition leaves out.
//! - Comments are inline: `COMMENT '…'` on columns, the table option
//!   `COMMENT='…'`. The storage engine and character set are left to the
//!   server's defaults.
//!
//! Refused, with what to write instead ([`RenderError::Unsupported`]):
//! - an index, unique constraint or primary key on a `TEXT`, `BLOB` or
//!   `JSON` column: MySQL 8 can only index a prefix of those and fails
//!   ("BLOB/TEXT column used in key specification without a key length"),
//!   while MariaDB 10.11 quietly builds something else — a 768-character
//!   prefix index, or a `USING HASH` unique key. The portable model has no
//!   prefix lengths, so declare the column `VARCHAR(n)`;
//! - `ON DELETE/UPDATE SET DEFAULT`: MySQL 8's InnoDB rejects it
//!   (<https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html>)
//!   and MariaDB 10.11 accepts the statement but silently drops the action.
//!
//! An index, unique or primary key dropped while a foreign key relies on
//! it gives the key an index of its own in the same statement (InnoDB would
//! refuse the drop otherwise; see `keep_key_indexes`).
//!
//! A section's `AUTO_INCREMENT` columns are kept on a key while it runs by
//! `auto_increment`; models that leave one without a key are left to the
//! server, which names the problem.

use super::Mysql;
use crate::dialect::{Dialect, RenderError};
use crate::naming::{self, ConstraintNames, Kind};
use crate::op::Op;
use crate::schema::{Action, Default, ForeignKey, Schema, Table, Type};
use crate::sql::clauses;
use crate::sql::write::{Spelling, Writer};

/// The statements' pieces MySQL shares with the other databases.
const W: Writer<'static, Mysql> = Writer(&Mysql);

/// The MySQL spelling of a portable type.
pub(super) fn render_type(ty: &Type) -> String {
    match ty {
        Type::Integer => "INT".into(),
        Type::Boolean => "TINYINT(1)".into(),
        Type::Real => "FLOAT".into(),
        Type::Double => "DOUBLE".into(),
        Type::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("DECIMAL({p}, {s})"),
        Type::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("DECIMAL({p})"),
        Type::Numeric { .. } => "DECIMAL".into(),
        Type::Varchar(None) => "TEXT".into(),
        Type::Timestamp | Type::TimestampTz => "DATETIME(6)".into(),
        Type::Blob => "LONGBLOB".into(),
        Type::Uuid => "CHAR(36)".into(),
        // SMALLINT, BIGINT, VARCHAR(n), CHAR(n), TEXT, DATE, TIME, JSON and
        // Other are spelled as portable SQL spells them.
        other => other.to_string(),
    }
}

/// The statements that carry out `op` on a database whose schema is `before`.
pub(super) fn render(op: &Op, before: &Schema) -> Result<Vec<String>, RenderError> {
    Ok(match op {
        Op::CreateTable(table) => create_table(table)?,
        Op::DropTable(table) => vec![W.drop_table(&table.name)],
        Op::RenameTable { from, to } => {
            let (drops, adds) = carry_constraints(op, before, from, to)?;
            let mut out = drops;
            out.push(format!("RENAME TABLE {} TO {}", q(from), q(to)));
            out.extend(rename_indexes(op, before, to));
            out.extend(adds);
            out
        }
        Op::AddColumn { table, column } => vec![W.add_column(table, column)],
        Op::DropColumn { table, column } => vec![W.drop_column(table, &column.name)],
        // MySQL 8.0 and MariaDB 10.5.2 and later.
        Op::RenameColumn { table, from, to } => {
            let (drops, adds) = carry_constraints(op, before, table, table)?;
            let mut out = drops;
            out.push(W.rename_column(table, from, to));
            out.extend(rename_indexes(op, before, table));
            out.extend(adds);
            out
        }
        Op::AlterColumn { table, from, to } => {
            if from == to {
                Vec::new()
            } else if from.name == to.name {
                vec![W.alter_table(table, &format!("MODIFY COLUMN {}", W.column(to)))]
            } else {
                vec![W.alter_table(
                    table,
                    &format!("CHANGE COLUMN {} {}", q(&from.name), W.column(to)),
                )]
            }
        }
        Op::AddPrimaryKey { table, key } => {
            indexable(before.table(table), table, &key.columns)?;
            // MySQL calls every primary key `PRIMARY`, whatever it is given.
            vec![format!(
                "{}{}",
                W.add_constraint(table, &W.primary_key(None, key)),
                drop_key_indexes(before, table, &key.columns)
            )]
        }
        Op::DropPrimaryKey { table, .. } => vec![format!(
            "ALTER TABLE {} {}DROP PRIMARY KEY",
            q(table),
            keep_key_indexes(before, table, op)
        )],
        Op::AddUnique { table, unique } => {
            indexable(before.table(table), table, &unique.columns)?;
            let name = naming::unique_name(before, table, unique);
            vec![format!(
                "{}{}",
                W.add_constraint(table, &W.unique(Some(&name), unique)),
                drop_key_indexes(before, table, &unique.columns)
            )]
        }
        Op::DropUnique { table, unique } => vec![format!(
            "ALTER TABLE {} {}DROP INDEX {}",
            q(table),
            keep_key_indexes(before, table, op),
            q(&naming::unique_name(before, table, unique))
        )],
        Op::AddCheck { table, check } => {
            let name = naming::check_name(before, table, check);
            vec![W.add_constraint(table, &W.check(Some(&name), check))]
        }
        // `DROP CHECK` is MySQL's only; `DROP CONSTRAINT` works on MySQL
        // 8.0.19+ and on MariaDB.
        Op::DropCheck { table, check } => {
            vec![W.drop_constraint(table, &naming::check_name(before, table, check))]
        }
        Op::AddForeignKey { table, key } => {
            let name = naming::foreign_key_name(before, table, key);
            vec![W.add_constraint(table, &foreign_key(table, Some(&name), key)?)]
        }
        // The index MySQL created for the key goes with it, as it came.
        Op::DropForeignKey { table, key } => {
            let name = naming::foreign_key_name(before, table, key);
            let mut sql = format!("ALTER TABLE {} DROP FOREIGN KEY {}", q(table), q(&name));
            if before
                .table(table)
                .is_some_and(|t| has_implicit_index(t, key, &name))
            {
                sql.push_str(&format!(", DROP INDEX {}", q(&name)));
            }
            vec![sql]
        }
        Op::CreateIndex { table, index } => {
            indexable(before.table(table), table, &index.columns)?;
            let drop = drop_key_indexes(before, table, &index.columns);
            if drop.is_empty() {
                vec![W.create_index(table, index)]
            } else {
                vec![format!(
                    "ALTER TABLE {} ADD {}INDEX {} ({}){drop}",
                    q(table),
                    if index.unique { "UNIQUE " } else { "" },
                    q(&index.name),
                    list(&index.columns)
                )]
            }
        }
        // Index names are per table in MySQL.
        Op::DropIndex { table, index } => {
            let keep = keep_key_indexes(before, table, op);
            if keep.is_empty() {
                vec![format!("DROP INDEX {} ON {}", q(&index.name), q(table))]
            } else {
                vec![format!(
                    "ALTER TABLE {} {keep}DROP INDEX {}",
                    q(table),
                    q(&index.name)
                )]
            }
        }
        Op::SetTableComment { table, from, to } => {
            if from == to {
                Vec::new()
            } else {
                // MySQL has no "no comment": an empty one is none.
                vec![format!(
                    "ALTER TABLE {} COMMENT = {}",
                    q(table),
                    literal(to.as_deref().unwrap_or_default())
                )]
            }
        }
        Op::Data(sql) | Op::Raw(sql) => vec![sql.clone()],
    })
}

/// Names quoted for MySQL, comma-separated.
pub(super) fn list(columns: &[String]) -> String {
    clauses::names(columns, q)
}

pub(super) fn q(name: &str) -> String {
    Mysql.quote_ident(name)
}

/// A column's whole definition, as `MODIFY COLUMN` needs it.
pub(super) fn column(column: &crate::schema::Column) -> String {
    W.column(column)
}

fn literal(value: &str) -> String {
    Mysql.quote_literal(value)
}

fn create_table(table: &Table) -> Result<Vec<String>, RenderError> {
    let mut lines: Vec<String> = table.columns.iter().map(|c| W.column(c)).collect();
    if let Some(key) = &table.primary_key {
        indexable(Some(table), &table.name, &key.columns)?;
        lines.push(W.primary_key(None, key));
    }
    for unique in &table.uniques {
        indexable(Some(table), &table.name, &unique.columns)?;
    }
    for key in &table.foreign_keys {
        foreign_key(&table.name, None, key)?;
    }
    lines.extend(W.constraints(table, None, table.foreign_keys.len()));
    // An index that an `AUTO_INCREMENT` column leads may be its only key,
    // which must exist in the `CREATE TABLE` itself (see `auto_increment`).
    let (inline, after): (Vec<_>, Vec<_>) = table.indexes.iter().partition(|index| {
        (index.columns.first())
            .and_then(|c| table.column(c))
            .is_some_and(|c| c.identity)
    });
    for index in &table.indexes {
        indexable(Some(table), &table.name, &index.columns)?;
    }
    lines.extend(inline.iter().map(|index| {
        format!(
            "{}INDEX {} ({})",
            if index.unique { "UNIQUE " } else { "" },
            q(&index.name),
            list(&index.columns)
        )
    }));
    let mut create = W.create_table(&table.name, &lines);
    if let Some(comment) = &table.comment {
        create.push_str(&format!(" COMMENT={}", literal(comment)));
    }
    let mut out = vec![create];
    out.extend(after.iter().map(|index| W.create_index(&table.name, index)));
    Ok(out)
}

/// MySQL's spelling of the pieces it shares (see the module doc): a
/// column's definition is whole, comment included, as `MODIFY COLUMN`
/// needs it.
impl Spelling for Mysql {
    fn ident(&self, name: &str) -> String {
        self.quote_ident(name)
    }

    fn literal(&self, text: &str) -> String {
        self.quote_literal(text)
    }

    fn type_name(&self, ty: &Type) -> String {
        render_type(ty)
    }

    fn default_value(&self, default: &Default, ty: &Type) -> String {
        default_value(default, ty)
    }

    fn identity(&self) -> Option<&'static str> {
        Some("AUTO_INCREMENT")
    }

    fn inline_comment(&self) -> bool {
        true
    }

    fn names_constraints(&self) -> bool {
        true
    }
}

/// A column's default as MySQL 8 and MariaDB both accept it for its type
/// (see the module doc).
fn default_value(default: &Default, ty: &Type) -> String {
    let expression = |sql: String| format!("({sql})");
    let long = is_long(ty);
    match default {
        Default::Null => "NULL".into(),
        // TRUE and FALSE are 1 and 0 in MySQL; the digits read back the
        // same from the catalog of either server.
        Default::Bool(value) => u8::from(*value).to_string(),
        Default::Number(n) if long => expression(n.clone()),
        Default::Number(n) => n.clone(),
        Default::String(s) if long => expression(literal(s)),
        Default::String(s) => literal(s),
        Default::CurrentTimestamp => match ty {
            Type::Timestamp | Type::TimestampTz => "CURRENT_TIMESTAMP(6)".into(),
            _ => "CURRENT_TIMESTAMP".into(),
        },
        // Only CURRENT_TIMESTAMP may be a bare default in MySQL.
        Default::CurrentDate => expression("CURRENT_DATE".into()),
        Default::CurrentTime => expression("CURRENT_TIME".into()),
        Default::Expression(sql) => expression(sql.clone()),
    }
}

/// True for the types MySQL stores off-row: no literal default, no index
/// without a prefix length.
fn is_long(ty: &Type) -> bool {
    match ty {
        Type::Text | Type::Blob | Type::Json | Type::Varchar(None) => true,
        Type::Other(name) => {
            let name = name.trim().to_uppercase();
            name.ends_with("TEXT") || name.ends_with("BLOB") || name == "JSON"
        }
        _ => false,
    }
}

/// Refuses a key or index over a column MySQL cannot index whole.
fn indexable(table: Option<&Table>, name: &str, columns: &[String]) -> Result<(), RenderError> {
    let Some(table) = table else {
        return Ok(());
    };
    for column in columns {
        if let Some(column) = table.column(column)
            && is_long(&column.ty)
        {
            return Err(RenderError::Unsupported(format!(
                "MySQL cannot index the {} column `{name}.{}` without a prefix length; \
                 declare it VARCHAR(n) to index or constrain it",
                column.ty, column.name
            )));
        }
    }
    Ok(())
}

/// True when MySQL holds an index of its own for the foreign key `name` of
/// `table`: it creates one, named after the key, when no index starts with
/// the key's columns, and drops it by itself when such an index is created
/// later (<https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html>).
/// Dropping the key leaves that index behind, so the drop takes it too —
/// unless another foreign key on the same leading columns still uses it.
fn has_implicit_index(table: &Table, key: &ForeignKey, name: &str) -> bool {
    let serves = |columns: &[String], wanted: &[String]| columns.starts_with(wanted);
    let indexed = table
        .primary_key
        .iter()
        .map(|k| &k.columns)
        .chain(table.uniques.iter().map(|u| &u.columns))
        .chain(table.indexes.iter().map(|i| &i.columns))
        .any(|columns| serves(columns, &key.columns));
    let shared = table
        .foreign_keys
        .iter()
        .filter(|other| *other != key)
        .any(|other| serves(&key.columns, &other.columns));
    !indexed && !shared && !table.indexes.iter().any(|i| i.name == name)
}

/// `ADD INDEX <key> (…), ` for each foreign key of `table` that only the
/// index, unique or primary key `gone` drops serves. InnoDB drops the index
/// it made for a key once another index can serve the key, and refuses to
/// drop that other one ("needed in a foreign key constraint",
/// <https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html>):
/// the key gets an index of its own back in the same statement, named as
/// InnoDB names its own, so introspection and `DropForeignKey` treat it as
/// the implicit one.
fn keep_key_indexes(before: &Schema, table: &str, gone: &Op) -> String {
    let Some(was) = before.table(table) else {
        return String::new();
    };
    let mut left = was.clone();
    match gone {
        Op::DropIndex { index, .. } => left.indexes.retain(|i| i.name != index.name),
        Op::DropUnique { unique, .. } => left.uniques.retain(|u| u.columns != unique.columns),
        Op::DropPrimaryKey { .. } => left.primary_key = None,
        _ => return String::new(),
    }
    let served = |table: &Table, key: &ForeignKey| {
        table
            .primary_key
            .iter()
            .map(|k| &k.columns)
            .chain(table.uniques.iter().map(|u| &u.columns))
            .chain(table.indexes.iter().map(|i| &i.columns))
            .any(|columns| columns.starts_with(&key.columns))
    };
    let names = ConstraintNames::of(was).foreign_keys;
    was.foreign_keys
        .iter()
        .zip(names)
        .filter(|(key, _)| served(was, key) && !served(&left, key))
        .map(|(key, name)| format!("ADD INDEX {} ({}), ", q(&name), list(&key.columns)))
        .collect()
}

/// `, DROP INDEX <key>` for each foreign key of `table` whose own index
/// (InnoDB's, or one `keep_key_indexes` gave it) an index on `columns` makes
/// redundant. InnoDB drops its own by itself but not one made by a
/// statement, which would linger, hidden by introspection, and clash when
/// the key needs one again.
fn drop_key_indexes(before: &Schema, table: &str, columns: &[String]) -> String {
    let Some(was) = before.table(table) else {
        return String::new();
    };
    let names = ConstraintNames::of(was).foreign_keys;
    was.foreign_keys
        .iter()
        .zip(names)
        .filter(|(key, name)| {
            columns.starts_with(&key.columns) && has_implicit_index(was, key, name)
        })
        .map(|(_, name)| format!(", DROP INDEX {}", q(&name)))
        .collect()
}

/// `CONSTRAINT name FOREIGN KEY (…) REFERENCES t (…) [ON DELETE …] [ON
/// UPDATE …]`, or why MySQL cannot have it.
fn foreign_key(table: &str, name: Option<&str>, key: &ForeignKey) -> Result<String, RenderError> {
    for (word, action) in [("DELETE", key.on_delete), ("UPDATE", key.on_update)] {
        if action == Some(Action::SetDefault) {
            return Err(RenderError::Unsupported(format!(
                "MySQL's InnoDB rejects ON {word} SET DEFAULT (foreign key on `{table}` \
                 referencing `{}`); use SET NULL, CASCADE, RESTRICT or NO ACTION",
                key.referenced_table
            )));
        }
    }
    Ok(W.foreign_key(name, key))
}

/// `RENAME INDEX` for the unnamed unique constraints a rename renames (see
/// the module doc).
fn rename_indexes(op: &Op, before: &Schema, table: &str) -> Vec<String> {
    op.renamed_constraints(before)
        .into_iter()
        .filter(|r| r.kind == Kind::Unique)
        .map(|r| {
            W.alter_table(
                table,
                &format!("RENAME INDEX {} TO {}", q(&r.from), q(&r.to)),
            )
        })
        .collect()
}

/// The statements to run before and after a table or column rename so that
/// the checks and foreign keys whose conventional name it changes end up
/// under the new name, as PostgreSQL's `RENAME CONSTRAINT` leaves them:
/// MySQL cannot rename either, so they are dropped on `from` before the
/// rename and added on `to` after it. The index InnoDB made for a foreign
/// key, named after it, stays and is renamed along, so the key added again
/// finds it (<https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html>).
fn carry_constraints(
    op: &Op,
    before: &Schema,
    from: &str,
    to: &str,
) -> Result<(Vec<String>, Vec<String>), RenderError> {
    let (mut drops, mut adds) = (Vec::new(), Vec::new());
    let Some(old) = before.table(from) else {
        return Ok((drops, adds));
    };
    let mut after = before.clone();
    if op.apply(&mut after).is_err() {
        return Ok((drops, adds));
    }
    let Some(new) = after.table(to) else {
        return Ok((drops, adds));
    };
    // MySQL 8 refuses to rename a column a check names ("Check constraint
    // … uses column …, hence column cannot be dropped or renamed"): those
    // go around the rename as well, under their own names.
    for (at, (was, check)) in old.checks.iter().zip(&new.checks).enumerate() {
        let renamed = op
            .renamed_constraints(before)
            .into_iter()
            .any(|r| r.kind == Kind::Check && r.index == at);
        if was.expression != check.expression && !renamed {
            let name = naming::check_name(before, from, was);
            drops.push(W.drop_constraint(from, &name));
            adds.push(W.add_constraint(to, &W.check(Some(&name), check)));
        }
    }
    for r in op.renamed_constraints(before) {
        match r.kind {
            Kind::Check => {
                let (Some(_), Some(check)) = (old.checks.get(r.index), new.checks.get(r.index))
                else {
                    continue;
                };
                drops.push(W.drop_constraint(from, &r.from));
                adds.push(W.add_constraint(to, &W.check(Some(&r.to), check)));
            }
            Kind::ForeignKey => {
                let (Some(was), Some(key)) =
                    (old.foreign_keys.get(r.index), new.foreign_keys.get(r.index))
                else {
                    continue;
                };
                drops.push(format!(
                    "ALTER TABLE {} DROP FOREIGN KEY {}",
                    q(from),
                    q(&r.from)
                ));
                if has_implicit_index(old, was, &r.from) {
                    adds.push(
                        W.alter_table(to, &format!("RENAME INDEX {} TO {}", q(&r.from), q(&r.to))),
                    );
                }
                adds.push(W.add_constraint(to, &foreign_key(to, Some(&r.to), key)?));
            }
            Kind::PrimaryKey | Kind::Unique => {}
        }
    }
    Ok((drops, adds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::fixtures::assert_fixture_snapshots;
    use crate::schema::Column;

    #[test]
    fn every_fixture_renders_as_snapshotted() {
        assert_fixture_snapshots("mysql", render);
    }

    #[test]
    fn types_follow_the_portable_table() {
        let cases = [
            (Type::SmallInt, "SMALLINT"),
            (Type::Integer, "INT"),
            (Type::BigInt, "BIGINT"),
            (Type::Boolean, "TINYINT(1)"),
            (Type::Real, "FLOAT"),
            (Type::Double, "DOUBLE"),
            (Type::Timestamp, "DATETIME(6)"),
            (Type::TimestampTz, "DATETIME(6)"),
            (Type::Blob, "LONGBLOB"),
            (Type::Uuid, "CHAR(36)"),
            (Type::Json, "JSON"),
            (Type::Text, "TEXT"),
            (Type::Varchar(None), "TEXT"),
            (
                Type::Other("MEDIUMINT UNSIGNED".into()),
                "MEDIUMINT UNSIGNED",
            ),
        ];
        for (ty, expected) in cases {
            assert_eq!(render_type(&ty), expected);
        }
    }

    #[test]
    fn hostile_names_and_text_are_quoted() {
        let op = Op::AddColumn {
            table: "a`b".into(),
            column: Column {
                default: Some(Default::String("it's \\' here".into())),
                comment: Some("\\'; DROP TABLE x; --".into()),
                ..Column::new("c``d", Type::Varchar(Some(9)))
            },
        };
        assert_eq!(
            render(&op, &Schema::default()).unwrap(),
            [
                r"ALTER TABLE `a``b` ADD COLUMN `c````d` VARCHAR(9) DEFAULT 'it''s \\'' here' COMMENT '\\''; DROP TABLE x; --'"
            ]
        );
    }

    #[test]
    fn raw_and_data_pass_through() {
        for op in [
            Op::Raw("OPTIMIZE TABLE t".into()),
            Op::Data("DELETE FROM t".into()),
        ] {
            let (Op::Raw(sql) | Op::Data(sql)) = &op else {
                unreachable!()
            };
            assert_eq!(render(&op, &Schema::default()).unwrap(), [sql.as_str()]);
        }
    }
}
