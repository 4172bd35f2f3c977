//! What a statement drops or renames, read from its operations, or from its
//! syntax tree when retort runs it verbatim. `DROP TABLE t CASCADE`,
//! `ALTER TABLE public.t DROP COLUMN c` and the like stay [`Op::Raw`]
//! (docs/portable-sql.md, "Running verbatim"), yet lose the same data and
//! break the same running release as their plain forms, so the rules about
//! drops and renames must see both.

use sqlparser::ast::{AlterTableOperation, ObjectType, RenameTableNameKind, Statement as Ast};

use crate::lint::statement::{Statement, last_name};
use crate::op::Op;

/// One drop or rename.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Change {
    DropTable(String),
    DropColumn {
        table: String,
        column: String,
    },
    RenameTable {
        from: String,
        to: String,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
}

/// The drops and renames of `s`, from its ops, or from its syntax tree when
/// it runs verbatim.
pub(super) fn changes(s: &Statement) -> Vec<Change> {
    let raw = s.ops.iter().all(|op| matches!(op, Op::Raw(_)));
    if raw { from_tree(s) } else { from_ops(s.ops) }
}

fn from_ops(ops: &[Op]) -> Vec<Change> {
    ops.iter()
        .filter_map(|op| match op {
            Op::DropTable(table) => Some(Change::DropTable(table.name.clone())),
            Op::DropColumn { table, column } => Some(Change::DropColumn {
                table: table.clone(),
                column: column.name.clone(),
            }),
            Op::RenameTable { from, to } => Some(Change::RenameTable {
                from: from.clone(),
                to: to.clone(),
            }),
            Op::RenameColumn { table, from, to } => Some(Change::RenameColumn {
                table: table.clone(),
                from: from.clone(),
                to: to.clone(),
            }),
            _ => None,
        })
        .collect()
}

fn from_tree(s: &Statement) -> Vec<Change> {
    match s.ast() {
        Some(Ast::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        }) => names
            .iter()
            .map(|name| Change::DropTable(last_name(name)))
            .collect(),
        Some(Ast::AlterTable(alter)) => {
            let table = last_name(&alter.name);
            alter
                .operations
                .iter()
                .flat_map(|op| match op {
                    AlterTableOperation::DropColumn { column_names, .. } => column_names
                        .iter()
                        .map(|c| Change::DropColumn {
                            table: table.clone(),
                            column: c.value.clone(),
                        })
                        .collect(),
                    AlterTableOperation::RenameColumn {
                        old_column_name,
                        new_column_name,
                    } => vec![Change::RenameColumn {
                        table: table.clone(),
                        from: old_column_name.value.clone(),
                        to: new_column_name.value.clone(),
                    }],
                    AlterTableOperation::RenameTable {
                        table_name: RenameTableNameKind::To(to) | RenameTableNameKind::As(to),
                    } => vec![Change::RenameTable {
                        from: table.clone(),
                        to: last_name(to),
                    }],
                    _ => Vec::new(),
                })
                .collect()
        }
        _ => Vec::new(),
    }
}
