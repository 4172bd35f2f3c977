//! Keeping every `AUTO_INCREMENT` column on a key while a section runs.
//!
//! InnoDB allows one `AUTO_INCREMENT` column per table, and only as the
//! first column of some index
//! (<https://dev.mysql.com/doc/refman/8.0/en/innodb-auto-increment-handling.html>);
//! any statement that leaves it otherwise fails with "there can be only one
//! auto column and it must be defined as a key". The portable operations
//! change a column and its keys one at a time — keys dropped first, columns
//! changed, keys added last — so an identity column may be keyless in
//! between, in either direction. Here the section is rendered so that it
//! never is:
//!
//! - a key drop that would leave an identity column without a key first
//!   takes `AUTO_INCREMENT` off the column;
//! - a column made an identity before its key exists is modified without
//!   `AUTO_INCREMENT`;
//! - a column waiting for its `AUTO_INCREMENT` gets it back right after the
//!   statement that gives it a key (or at the end of the section, where
//!   the server names what is missing);
//! - a new identity column is added in one `ALTER TABLE` with the key the
//!   section gives it, since adding it without the key fails and adding it
//!   without `AUTO_INCREMENT` would leave the table's rows without values
//!   to key; a new table is created with it (an index among them, written
//!   into the `CREATE TABLE`).

use std::collections::HashSet;

use super::render::{self, q};
use crate::dialect::{RenderError, Rendered, Tables, render_one};
use crate::naming;
use crate::op::Op;
use crate::schema::{Column, Schema, Table};

use super::Mysql;

/// A column, by table and name.
type Place = (String, String);

/// MySQL's `render_all`: see the module doc.
pub(super) fn render_all(ops: &[Op], before: &Schema) -> Result<Vec<Rendered>, RenderError> {
    let mut tables = Tables::new(before);
    // Identity columns of the models that have no AUTO_INCREMENT in the
    // database for now, since they have no key.
    let mut waiting: HashSet<Place> = HashSet::new();
    // Key operations carried out already, with the new column they key.
    let mut merged: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        let schema = tables.take(op);
        if merged.contains(&index) {
            tables.put(schema);
            continue;
        }
        let mut after = schema.clone();
        let _ = op.apply(&mut after);
        let statement = |sql: String| Rendered {
            sql,
            verbatim: false,
            op: index,
        };
        // Before the op: AUTO_INCREMENT off the columns it leaves keyless.
        for table in &schema.tables {
            for column in table.columns.iter().filter(|c| c.identity) {
                let place = (table.name.clone(), column.name.clone());
                let left = after.table(&table.name).and_then(|t| {
                    let c = t.column(&column.name)?;
                    Some(c.identity && !keyed(t, &c.name))
                });
                if left == Some(true) && waiting.insert(place) {
                    out.push(statement(modify(&table.name, column, false)));
                }
            }
        }
        match op {
            Op::AlterColumn { table, from, to } => {
                let place = (table.clone(), from.name.clone());
                let from = Column {
                    identity: from.identity && !waiting.contains(&place),
                    ..from.clone()
                };
                let keyless = !after.table(table).is_some_and(|t| keyed(t, &to.name));
                let to = if to.identity && keyless {
                    waiting.insert(place);
                    Column {
                        identity: false,
                        ..to.clone()
                    }
                } else {
                    // Keyed, or no identity wanted: the new definition
                    // settles it.
                    waiting.remove(&place);
                    to.clone()
                };
                let op = Op::AlterColumn {
                    table: table.clone(),
                    from,
                    to,
                };
                out.extend(render_one(&Mysql, index, &op, &schema)?);
            }
            Op::AddColumn { table, column }
                if column.identity
                    && !after.table(table).is_some_and(|t| keyed(t, &column.name)) =>
            {
                match key_for(ops, index, table, &column.name, &after) {
                    Some((key, clause)) => {
                        merged.insert(key);
                        let _ = ops[key].apply(&mut after);
                        let add = render::render(op, &schema)?.concat();
                        out.push(statement(format!("{add}, {clause}")));
                    }
                    None => out.extend(render_one(&Mysql, index, op, &schema)?),
                }
            }
            Op::CreateTable(table) => {
                // A key the section adds after the table goes into it.
                let mut whole = Schema {
                    tables: vec![table.clone()],
                };
                for column in table.columns.iter().filter(|c| c.identity) {
                    if !keyed(&whole.tables[0], &column.name)
                        && let Some((key, _)) =
                            key_for(ops, index, &table.name, &column.name, &after)
                    {
                        merged.insert(key);
                        let _ = ops[key].apply(&mut whole);
                        let _ = ops[key].apply(&mut after);
                    }
                }
                let op = Op::CreateTable(whole.tables.remove(0));
                out.extend(render_one(&Mysql, index, &op, &schema)?);
            }
            _ => out.extend(render_one(&Mysql, index, op, &schema)?),
        }
        follow(&mut waiting, op);
        // After the op: AUTO_INCREMENT back on the columns it keys.
        let keyed_now: Vec<Place> = waiting
            .iter()
            .filter(|(table, column)| {
                after.table(table).is_some_and(|t| {
                    keyed(t, column) && t.column(column).is_some_and(|c| c.identity)
                })
            })
            .cloned()
            .collect();
        for place in keyed_now {
            waiting.remove(&place);
            if let Some(column) = after.table(&place.0).and_then(|t| t.column(&place.1)) {
                out.push(statement(modify(&place.0, column, true)));
            }
        }
        tables.put(after);
    }
    // Still keyless at the end: the models ask for what InnoDB refuses, and
    // the server says so.
    let mut left: Vec<Place> = waiting.into_iter().collect();
    left.sort();
    for (table, column) in left {
        if let Some(column) = tables.get(&table).and_then(|t| t.column(&column)) {
            out.push(Rendered {
                sql: modify(&table, column, true),
                verbatim: false,
                op: ops.len().saturating_sub(1),
            });
        }
    }
    Ok(out)
}

/// True when `column` leads an index of `table`, as InnoDB needs of an
/// `AUTO_INCREMENT` column.
fn keyed(table: &Table, column: &str) -> bool {
    let leads = |columns: &[String]| columns.first().is_some_and(|c| c == column);
    table.primary_key.iter().any(|k| leads(&k.columns))
        || table.uniques.iter().any(|u| leads(&u.columns))
        || table.indexes.iter().any(|i| leads(&i.columns))
}

/// `MODIFY COLUMN` with the column's whole definition, `AUTO_INCREMENT`
/// or not.
fn modify(table: &str, column: &Column, identity: bool) -> String {
    format!(
        "ALTER TABLE {} MODIFY COLUMN {}",
        q(table),
        render::column(&Column {
            identity,
            ..column.clone()
        })
    )
}

/// Renames and drops carried over to the columns waiting for a key.
fn follow(waiting: &mut HashSet<Place>, op: &Op) {
    let moved = |waiting: &mut HashSet<Place>, f: &dyn Fn(&Place) -> Option<Place>| {
        *waiting = waiting.drain().filter_map(|p| f(&p)).collect();
    };
    match op {
        Op::RenameTable { from, to } => moved(waiting, &|(t, c)| {
            Some((if t == from { to.clone() } else { t.clone() }, c.clone()))
        }),
        Op::RenameColumn { table, from, to } => moved(waiting, &|(t, c)| {
            Some((
                t.clone(),
                if t == table && c == from {
                    to.clone()
                } else {
                    c.clone()
                },
            ))
        }),
        Op::DropColumn { table, column } => {
            waiting.remove(&(table.clone(), column.name.clone()));
        }
        Op::DropTable(gone) => moved(waiting, &|(t, c)| {
            (t != &gone.name).then(|| (t.clone(), c.clone()))
        }),
        _ => {}
    }
}

/// The later operation of the section that gives the new column `column`
/// of `table` its key, and that key as an `ALTER TABLE` clause.
fn key_for(
    ops: &[Op],
    index: usize,
    table: &str,
    column: &str,
    after: &Schema,
) -> Option<(usize, String)> {
    let leads = |columns: &[String]| columns.first().is_some_and(|c| c == column);
    ops.iter().enumerate().skip(index + 1).find_map(|(at, op)| {
        let clause = match op {
            Op::AddPrimaryKey { table: t, key } if t == table && leads(&key.columns) => {
                format!("ADD PRIMARY KEY ({})", render::list(&key.columns))
            }
            Op::AddUnique { table: t, unique } if t == table && leads(&unique.columns) => {
                format!(
                    "ADD CONSTRAINT {} UNIQUE ({})",
                    q(&naming::unique_name(after, table, unique)),
                    render::list(&unique.columns)
                )
            }
            Op::CreateIndex { table: t, index } if t == table && leads(&index.columns) => format!(
                "ADD {}INDEX {} ({})",
                if index.unique { "UNIQUE " } else { "" },
                q(&index.name),
                render::list(&index.columns)
            ),
            _ => return None,
        };
        Some((at, clause))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::fixtures::{key, not_null};
    use crate::schema::{PrimaryKey, Type};

    fn sql(ops: &[Op], before: &Schema) -> Vec<String> {
        render_all(ops, before)
            .unwrap()
            .into_iter()
            .map(|r| r.sql)
            .collect()
    }

    fn table(identity: bool, primary_key: PrimaryKey) -> Table {
        let mut table = Table::new("t");
        table.columns = vec![
            Column {
                identity,
                ..not_null("id", Type::Integer)
            },
            not_null("a", Type::Integer),
        ];
        table.primary_key = Some(primary_key);
        table
    }

    /// The identity moves onto a new primary key and back: `AUTO_INCREMENT`
    /// waits for the key on the way up and goes before the key on the way
    /// down.
    #[test]
    fn auto_increment_waits_for_its_key_and_goes_before_it() {
        let (old, new) = (
            table(false, key(None, &["a"])),
            table(true, key(None, &["id"])),
        );
        let up = [
            Op::DropPrimaryKey {
                table: "t".into(),
                key: key(None, &["a"]),
            },
            Op::AlterColumn {
                table: "t".into(),
                from: old.columns[0].clone(),
                to: new.columns[0].clone(),
            },
            Op::AddPrimaryKey {
                table: "t".into(),
                key: key(None, &["id"]),
            },
        ];
        assert_eq!(
            sql(
                &up,
                &Schema {
                    tables: vec![old.clone()]
                }
            ),
            [
                "ALTER TABLE `t` DROP PRIMARY KEY",
                "ALTER TABLE `t` ADD PRIMARY KEY (`id`)",
                "ALTER TABLE `t` MODIFY COLUMN `id` INT NOT NULL AUTO_INCREMENT",
            ]
        );
        let down: Vec<Op> = up.iter().rev().filter_map(Op::reverse).collect();
        assert_eq!(
            sql(&down, &Schema { tables: vec![new] }),
            [
                "ALTER TABLE `t` MODIFY COLUMN `id` INT NOT NULL",
                "ALTER TABLE `t` DROP PRIMARY KEY",
                "ALTER TABLE `t` ADD PRIMARY KEY (`a`)",
            ]
        );
    }

    /// A new identity column comes with its key in one statement.
    #[test]
    fn a_new_identity_column_is_added_with_its_key() {
        let mut old = Table::new("t");
        old.columns = vec![not_null("a", Type::Integer)];
        let ops = [
            Op::AddColumn {
                table: "t".into(),
                column: Column {
                    identity: true,
                    ..not_null("id", Type::Integer)
                },
            },
            Op::AddPrimaryKey {
                table: "t".into(),
                key: key(None, &["id"]),
            },
        ];
        assert_eq!(
            sql(&ops, &Schema { tables: vec![old] }),
            ["ALTER TABLE `t` ADD COLUMN `id` INT NOT NULL AUTO_INCREMENT, ADD PRIMARY KEY (`id`)"]
        );
    }
}
