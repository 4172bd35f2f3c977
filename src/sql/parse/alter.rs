//! `ALTER TABLE`, one action at a time, and the `DROP IDENTITY` that
//! `sqlparser` does not read.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, GeneratedAs, RenameTableNameKind,
};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::naming::ConstraintNames;
use crate::op::Op;
use crate::schema::{Column, Table};

use super::create::{Constraint, column, primary_key_of, table_constraint};
use super::types::{column_type, default};
use super::working::Working;
use super::{Converted, Why, applied, simple_name, unknown_table};

/// `ALTER TABLE t ALTER [COLUMN] c DROP IDENTITY` (PostgreSQL's statement),
/// read here because `sqlparser` does not: without it portable SQL could
/// add an identity but not take it away, and a downgrade could not undo
/// the add. `None` when the tokens are not that statement.
///
/// On a column that is no identity it does nothing (see below).
pub(super) fn drop_identity(tokens: &[TokenWithSpan], schema: &mut Working) -> Option<Converted> {
    let words: Vec<&Token> = tokens
        .iter()
        .map(|t| &t.token)
        .filter(|t| !matches!(t, Token::Whitespace(_) | Token::SemiColon))
        .collect();
    let word = |at: usize| match words.get(at) {
        Some(Token::Word(word)) => Some(word),
        _ => None,
    };
    let keyword = |at: usize, keyword: &str| {
        word(at).is_some_and(|w| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword))
    };
    let column_at = if keyword(4, "COLUMN") { 5 } else { 4 };
    let shape = keyword(0, "ALTER")
        && keyword(1, "TABLE")
        && keyword(3, "ALTER")
        && keyword(column_at + 1, "DROP")
        && keyword(column_at + 2, "IDENTITY")
        && words.len() == column_at + 3;
    if !shape {
        return None;
    }
    let (table, column) = (word(2)?.value.clone(), word(column_at)?.value.clone());
    let convert = |schema: &mut Working| {
        let known = schema.table(&table).ok_or_else(|| unknown_table(&table))?;
        let from = known
            .column(&column)
            .cloned()
            .ok_or_else(|| Why::new(format!("column `{table}.{column}` is not known")))?;
        // Nothing to do, as with PostgreSQL's `IF EXISTS`: on SQLite an
        // `INTEGER PRIMARY KEY` is the identity (the rowid alias), so
        // autogenerate, comparing schemas normalised for SQLite, writes
        // this for a column a revision's own schema does not mark.
        if !from.identity {
            return Ok(Vec::new());
        }
        let to = Column {
            identity: false,
            ..from.clone()
        };
        applied(Op::AlterColumn { table, from, to }, schema)
    };
    Some(convert(schema))
}

pub(super) fn alter_table(alter: ast::AlterTable, schema: &mut Working) -> Converted {
    if alter.only || alter.location.is_some() || alter.on_cluster.is_some() {
        return Err(Why::new("an ALTER TABLE clause retort does not model"));
    }
    if alter.table_type.is_some() {
        return Err(Why::new("ALTER of a special table"));
    }
    let name = simple_name(&alter.name)?;
    // The one table is the only state to restore if a later action cannot
    // be converted (a rename also touches other tables' foreign keys, which
    // the reverse ops put back).
    let Some(snapshot) = schema.table(&name).cloned() else {
        return Err(unknown_table(&name));
    };
    let mut ops = Vec::new();
    let mut table = name;
    for operation in alter.operations {
        let result = alter_action(&mut table, operation, schema).and_then(|new| {
            for op in new {
                schema.apply(&op).map_err(|e| Why::new(e.to_string()))?;
                ops.push(op);
            }
            Ok(())
        });
        if let Err(why) = result {
            for op in ops.iter().rev() {
                if let Some(reverse) = op.reverse() {
                    // Undoing what just applied cleanly cannot fail.
                    let _ = schema.apply(&reverse);
                }
            }
            // The reverse of a dropped column appends it; put the table
            // back exactly, column order included.
            schema.restore(snapshot);
            return Err(why);
        }
    }
    Ok(ops)
}

/// The ops of one ALTER TABLE action, from the current state of `table`
/// (not yet applied; `table` follows a rename).
fn alter_action(
    table_name: &mut String,
    operation: AlterTableOperation,
    schema: &Working,
) -> Converted {
    let table = schema
        .table(table_name)
        .ok_or_else(|| unknown_table(table_name))?;
    let name = || table.name.clone();
    let column_of = |column: &str| {
        table
            .column(column)
            .cloned()
            .ok_or_else(|| Why::new(format!("column `{}.{column}` is not known", table.name)))
    };
    Ok(match operation {
        AlterTableOperation::RenameTable {
            table_name: RenameTableNameKind::To(to),
        } => {
            let to = simple_name(&to)?;
            if schema.table(&to).is_some() {
                return Err(Why::new(format!("table `{to}` already exists")));
            }
            *table_name = to.clone();
            vec![Op::RenameTable { from: name(), to }]
        }
        AlterTableOperation::AddColumn {
            if_not_exists,
            column_def,
            column_position: None,
            ..
        } => {
            if if_not_exists && table.column(&column_def.name.value).is_some() {
                return Ok(Vec::new());
            }
            let parts = column(column_def)?;
            let mut ops = vec![Op::AddColumn {
                table: name(),
                column: parts.column,
            }];
            if let Some(key) = parts.primary_key {
                ops.push(Op::AddPrimaryKey { table: name(), key });
            }
            ops.extend(parts.uniques.into_iter().map(|unique| Op::AddUnique {
                table: name(),
                unique,
            }));
            ops.extend(parts.checks.into_iter().map(|check| Op::AddCheck {
                table: name(),
                check,
            }));
            for mut key in parts.foreign_keys {
                if key.referenced_columns.is_empty() {
                    key.referenced_columns =
                        primary_key_of(schema.table(&key.referenced_table), &key.referenced_table)?;
                }
                ops.push(Op::AddForeignKey { table: name(), key });
            }
            ops
        }
        AlterTableOperation::DropColumn {
            column_names,
            if_exists: _,
            drop_behavior: None,
            ..
        } => {
            let mut ops = Vec::new();
            for column in column_names {
                let column = column_of(&column.value)?;
                ops.extend(drop_dependents(table, &column.name));
                ops.push(Op::DropColumn {
                    table: name(),
                    column,
                });
            }
            ops
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let from = column_of(&old_column_name.value)?.name;
            vec![Op::RenameColumn {
                table: name(),
                from,
                to: new_column_name.value,
            }]
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let from = column_of(&column_name.value)?;
            let mut to = from.clone();
            match op {
                AlterColumnOperation::SetNotNull => to.nullable = false,
                AlterColumnOperation::DropNotNull => to.nullable = true,
                AlterColumnOperation::SetDefault { value } => to.default = Some(default(&value)),
                AlterColumnOperation::DropDefault => to.default = None,
                AlterColumnOperation::SetDataType {
                    data_type,
                    using: None,
                    ..
                } => to.ty = column_type(&data_type),
                AlterColumnOperation::AddGenerated {
                    generated_as: Some(GeneratedAs::ByDefault | GeneratedAs::Always) | None,
                    sequence_options,
                } if sequence_options.as_ref().is_none_or(|o| o.is_empty()) => {
                    to.identity = true;
                    to.nullable = false;
                }
                other => return Err(Why::new(format!("ALTER COLUMN … {other}"))),
            }
            vec![Op::AlterColumn {
                table: name(),
                from,
                to,
            }]
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid: false,
        } => vec![match table_constraint(constraint)? {
            Constraint::PrimaryKey(key) => Op::AddPrimaryKey { table: name(), key },
            Constraint::Unique(unique) => Op::AddUnique {
                table: name(),
                unique,
            },
            Constraint::Check(check) => Op::AddCheck {
                table: name(),
                check,
            },
            Constraint::ForeignKey(mut key) => {
                if key.referenced_columns.is_empty() {
                    key.referenced_columns =
                        primary_key_of(schema.table(&key.referenced_table), &key.referenced_table)?;
                }
                Op::AddForeignKey { table: name(), key }
            }
        }],
        AlterTableOperation::DropConstraint {
            if_exists: _,
            name: constraint,
            drop_behavior: None,
        } => vec![drop_constraint(table, &constraint.value)?],
        AlterTableOperation::DropPrimaryKey {
            drop_behavior: None,
        } => match &table.primary_key {
            Some(key) => vec![Op::DropPrimaryKey {
                table: name(),
                key: key.clone(),
            }],
            None => {
                return Err(Why::new(format!(
                    "table `{}` has no primary key",
                    table.name
                )));
            }
        },
        AlterTableOperation::DropForeignKey {
            name: key,
            drop_behavior: None,
        } => match table
            .foreign_keys
            .iter()
            .find(|k| k.name.as_deref() == Some(key.value.as_str()))
        {
            Some(key) => vec![Op::DropForeignKey {
                table: name(),
                key: key.clone(),
            }],
            None => {
                return Err(Why::new(format!(
                    "foreign key `{}` is not known",
                    key.value
                )));
            }
        },
        AlterTableOperation::DropIndex { name: index } => {
            match table.indexes.iter().find(|i| i.name == index.value) {
                Some(index) => vec![Op::DropIndex {
                    table: name(),
                    index: index.clone(),
                }],
                None => return Err(Why::new(format!("index `{}` is not known", index.value))),
            }
        }
        other => return Err(Why::new(format!("the action {other}"))),
    })
}

/// The drops of the indexes and constraints that use a column, before the
/// column itself goes: PostgreSQL drops them implicitly, SQLite refuses to
/// drop an indexed column, and MySQL would shrink a multi-column index. Made
/// explicit, they render alike everywhere and the reverse restores them.
fn drop_dependents(table: &Table, column: &str) -> Vec<Op> {
    let uses = |columns: &[String]| columns.iter().any(|c| c == column);
    let name = || table.name.clone();
    let mut ops = Vec::new();
    ops.extend(
        table
            .indexes
            .iter()
            .filter(|i| uses(&i.columns))
            .map(|index| Op::DropIndex {
                table: name(),
                index: index.clone(),
            }),
    );
    ops.extend(
        table
            .foreign_keys
            .iter()
            .filter(|k| uses(&k.columns))
            .map(|key| Op::DropForeignKey {
                table: name(),
                key: key.clone(),
            }),
    );
    ops.extend(
        table
            .uniques
            .iter()
            .filter(|u| uses(&u.columns))
            .map(|unique| Op::DropUnique {
                table: name(),
                unique: unique.clone(),
            }),
    );
    if let Some(key) = table.primary_key.as_ref().filter(|k| uses(&k.columns)) {
        ops.push(Op::DropPrimaryKey {
            table: name(),
            key: key.clone(),
        });
    }
    ops
}

/// `DROP CONSTRAINT name`: whichever of the table's constraints has that
/// name — its declared one, or for an unnamed constraint the name the
/// renderers created it with (`dialect::naming`). That name is the only
/// portable way to drop an unnamed unique, check or foreign key, and
/// `sql::write` writes such drops with it.
fn drop_constraint(table: &Table, constraint: &str) -> Result<Op, Why> {
    // The declared name where there is one, the conventional one otherwise;
    // generated names step around declared ones, so at most one matches.
    let names = ConstraintNames::of(table);
    let named = |name: &String| name == constraint;
    let table_name = table.name.clone();
    if let Some(key) = table
        .primary_key
        .as_ref()
        .filter(|_| named(&names.primary_key))
    {
        return Ok(Op::DropPrimaryKey {
            table: table_name,
            key: key.clone(),
        });
    }
    if let Some(i) = names.uniques.iter().position(named) {
        return Ok(Op::DropUnique {
            table: table_name,
            unique: table.uniques[i].clone(),
        });
    }
    if let Some(i) = names.checks.iter().position(named) {
        return Ok(Op::DropCheck {
            table: table_name,
            check: table.checks[i].clone(),
        });
    }
    if let Some(i) = names.foreign_keys.iter().position(named) {
        return Ok(Op::DropForeignKey {
            table: table_name,
            key: table.foreign_keys[i].clone(),
        });
    }
    Err(Why::new(format!(
        "table `{}` has no constraint `{constraint}` that retort knows",
        table.name
    )))
}
