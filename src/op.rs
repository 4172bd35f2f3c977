//! Schema operations. Each carries the whole before and after state it
//! touches, so [`Op::reverse`] is exact and a dialect can render it from the
//! op alone (MySQL's full `MODIFY COLUMN`, SQLite's table rebuild).

mod before;

pub(crate) use before::tables_before;

use crate::naming::{self, Renamed};
use crate::schema::{Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique};

/// One change to a schema.
///
/// Every variant names its table and carries what it removes or replaces
/// whole, so [`Op::reverse`] needs nothing else. New kinds of change will be
/// added, hence `#[non_exhaustive]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// A new table, with its columns, keys, checks and indexes.
    CreateTable(Table),
    /// A table dropped, as it was.
    DropTable(Table),
    /// A table renamed.
    RenameTable {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A column added at the end of a table.
    AddColumn {
        /// The table.
        table: String,
        /// The new column.
        column: Column,
    },
    /// A column dropped.
    DropColumn {
        /// The table.
        table: String,
        /// The column as it was.
        column: Column,
    },
    /// A column renamed.
    RenameColumn {
        /// The table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Type, nullability, default, identity or comment of one column.
    AlterColumn {
        /// The table.
        table: String,
        /// The column before.
        from: Column,
        /// The column after (same name).
        to: Column,
    },
    /// A primary key added to a table that has none.
    AddPrimaryKey {
        /// The table.
        table: String,
        /// The new key.
        key: PrimaryKey,
    },
    /// A table's primary key dropped.
    DropPrimaryKey {
        /// The table.
        table: String,
        /// The key as it was.
        key: PrimaryKey,
    },
    /// A unique constraint added.
    AddUnique {
        /// The table.
        table: String,
        /// The new constraint.
        unique: Unique,
    },
    /// A unique constraint dropped.
    DropUnique {
        /// The table.
        table: String,
        /// The constraint as it was.
        unique: Unique,
    },
    /// A check constraint added.
    AddCheck {
        /// The table.
        table: String,
        /// The new check.
        check: Check,
    },
    /// A check constraint dropped.
    DropCheck {
        /// The table.
        table: String,
        /// The check as it was.
        check: Check,
    },
    /// A foreign key added.
    AddForeignKey {
        /// The referencing table.
        table: String,
        /// The new key.
        key: ForeignKey,
    },
    /// A foreign key dropped.
    DropForeignKey {
        /// The referencing table.
        table: String,
        /// The key as it was.
        key: ForeignKey,
    },
    /// An index created.
    CreateIndex {
        /// The table.
        table: String,
        /// The new index.
        index: Index,
    },
    /// An index dropped.
    DropIndex {
        /// The table.
        table: String,
        /// The index as it was.
        index: Index,
    },
    /// A table's comment set, changed or removed.
    SetTableComment {
        /// The table.
        table: String,
        /// The comment before.
        from: Option<String>,
        /// The comment after.
        to: Option<String>,
    },
    /// `INSERT`, `UPDATE`, `DELETE`: runs as written, changes no schema.
    Data(String),
    /// A statement retort does not understand: runs verbatim on every dialect.
    Raw(String),
}

/// Why an operation does not fit the schema it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
#[non_exhaustive]
pub struct ApplyError(pub String);

impl Op {
    /// The operation's name in `check --format json` (`add_column` …).
    pub fn kind(&self) -> &'static str {
        match self {
            Op::CreateTable(_) => "create_table",
            Op::DropTable(_) => "drop_table",
            Op::RenameTable { .. } => "rename_table",
            Op::AddColumn { .. } => "add_column",
            Op::DropColumn { .. } => "drop_column",
            Op::RenameColumn { .. } => "rename_column",
            Op::AlterColumn { .. } => "alter_column",
            Op::AddPrimaryKey { .. } => "add_primary_key",
            Op::DropPrimaryKey { .. } => "drop_primary_key",
            Op::AddUnique { .. } => "add_unique",
            Op::DropUnique { .. } => "drop_unique",
            Op::AddCheck { .. } => "add_check",
            Op::DropCheck { .. } => "drop_check",
            Op::AddForeignKey { .. } => "add_foreign_key",
            Op::DropForeignKey { .. } => "drop_foreign_key",
            Op::CreateIndex { .. } => "create_index",
            Op::DropIndex { .. } => "drop_index",
            Op::SetTableComment { .. } => "set_table_comment",
            Op::Data(_) => "data",
            Op::Raw(_) => "raw",
        }
    }

    /// True for a change that loses data: dropping a table or a column, or
    /// narrowing a column's type.
    pub fn is_destructive(&self) -> bool {
        match self {
            Op::DropTable(_) | Op::DropColumn { .. } => true,
            Op::AlterColumn { from, to, .. } => narrows(&from.ty, &to.ty),
            _ => false,
        }
    }

    /// The unnamed constraints (or those named by the convention) whose
    /// conventional name this table or column rename changes on `before`
    /// ([`naming::renamed`]); none for other operations.
    pub(crate) fn renamed_constraints(&self, before: &Schema) -> Vec<Renamed> {
        let (old, new) = match self {
            Op::RenameTable { from, to } => (from, to),
            Op::RenameColumn { table, .. } => (table, table),
            _ => return Vec::new(),
        };
        let Some(old_table) = before.table(old) else {
            return Vec::new();
        };
        let mut after = before.clone();
        if self.apply(&mut after).is_err() {
            return Vec::new();
        }
        let Some(new_table) = after.table(new) else {
            return Vec::new();
        };
        let mut old_table = old_table.clone();
        naming::forget_conventional_names(&mut old_table);
        naming::renamed(&old_table, new_table)
    }

    /// The table the operation changes, if it changes one.
    pub fn table(&self) -> Option<&str> {
        match self {
            Op::CreateTable(table) | Op::DropTable(table) => Some(&table.name),
            Op::RenameTable { from, .. } => Some(from),
            Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::DropPrimaryKey { table, .. }
            | Op::AddUnique { table, .. }
            | Op::DropUnique { table, .. }
            | Op::AddCheck { table, .. }
            | Op::DropCheck { table, .. }
            | Op::AddForeignKey { table, .. }
            | Op::DropForeignKey { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::SetTableComment { table, .. } => Some(table),
            Op::Data(_) | Op::Raw(_) => None,
        }
    }

    /// The operation that undoes this one; `None` for statements retort
    /// does not understand (and data statements), which it cannot invert.
    pub fn reverse(&self) -> Option<Op> {
        let t = |table: &String| table.clone();
        Some(match self {
            Op::CreateTable(table) => Op::DropTable(table.clone()),
            Op::DropTable(table) => Op::CreateTable(table.clone()),
            Op::RenameTable { from, to } => Op::RenameTable {
                from: to.clone(),
                to: from.clone(),
            },
            Op::AddColumn { table, column } => Op::DropColumn {
                table: t(table),
                column: column.clone(),
            },
            Op::DropColumn { table, column } => Op::AddColumn {
                table: t(table),
                column: column.clone(),
            },
            Op::RenameColumn { table, from, to } => Op::RenameColumn {
                table: t(table),
                from: to.clone(),
                to: from.clone(),
            },
            Op::AlterColumn { table, from, to } => Op::AlterColumn {
                table: t(table),
                from: to.clone(),
                to: from.clone(),
            },
            Op::AddPrimaryKey { table, key } => Op::DropPrimaryKey {
                table: t(table),
                key: key.clone(),
            },
            Op::DropPrimaryKey { table, key } => Op::AddPrimaryKey {
                table: t(table),
                key: key.clone(),
            },
            Op::AddUnique { table, unique } => Op::DropUnique {
                table: t(table),
                unique: unique.clone(),
            },
            Op::DropUnique { table, unique } => Op::AddUnique {
                table: t(table),
                unique: unique.clone(),
            },
            Op::AddCheck { table, check } => Op::DropCheck {
                table: t(table),
                check: check.clone(),
            },
            Op::DropCheck { table, check } => Op::AddCheck {
                table: t(table),
                check: check.clone(),
            },
            Op::AddForeignKey { table, key } => Op::DropForeignKey {
                table: t(table),
                key: key.clone(),
            },
            Op::DropForeignKey { table, key } => Op::AddForeignKey {
                table: t(table),
                key: key.clone(),
            },
            Op::CreateIndex { table, index } => Op::DropIndex {
                table: t(table),
                index: index.clone(),
            },
            Op::DropIndex { table, index } => Op::CreateIndex {
                table: t(table),
                index: index.clone(),
            },
            Op::SetTableComment { table, from, to } => Op::SetTableComment {
                table: t(table),
                from: to.clone(),
                to: from.clone(),
            },
            Op::Data(_) | Op::Raw(_) => return None,
        })
    }

    /// Changes `schema` as the operation changes the database.
    pub fn apply(&self, schema: &mut Schema) -> Result<(), ApplyError> {
        match self {
            Op::CreateTable(table) => {
                if schema.table(&table.name).is_some() {
                    return Err(ApplyError(format!("table `{}` already exists", table.name)));
                }
                schema.tables.push(table.clone());
            }
            Op::DropTable(table) => {
                let before = schema.tables.len();
                schema.tables.retain(|t| t.name != table.name);
                if schema.tables.len() == before {
                    return Err(no_table(&table.name));
                }
            }
            Op::RenameTable { from, to } => {
                if schema.table(to).is_some() {
                    return Err(ApplyError(format!("table `{to}` already exists")));
                }
                // Conventional names follow the table (see `naming`).
                let table = table_mut(schema, from)?;
                naming::forget_conventional_names(table);
                table.name = to.clone();
                for table in &mut schema.tables {
                    for key in &mut table.foreign_keys {
                        if &key.referenced_table == from {
                            key.referenced_table = to.clone();
                        }
                    }
                }
            }
            Op::AddColumn { table, column } => {
                let table = table_mut(schema, table)?;
                if table.column(&column.name).is_some() {
                    return Err(ApplyError(format!(
                        "column `{}.{}` already exists",
                        table.name, column.name
                    )));
                }
                table.columns.push(column.clone());
            }
            Op::DropColumn { table, column } => {
                let table = table_mut(schema, table)?;
                column_index(table, &column.name)?;
                table.columns.retain(|c| c.name != column.name);
            }
            Op::RenameColumn { table, from, to } => {
                let table = table_mut(schema, table)?;
                if table.column(to).is_some() {
                    return Err(ApplyError(format!(
                        "column `{}.{to}` already exists",
                        table.name
                    )));
                }
                let index = column_index(table, from)?;
                naming::forget_conventional_names(table);
                table.columns[index].name = to.clone();
                rename_in_constraints(table, from, to);
                let name = table.name.clone();
                // Keys that reference the column follow it, as in the databases.
                for key in schema.tables.iter_mut().flat_map(|t| &mut t.foreign_keys) {
                    if key.referenced_table == name {
                        for column in key.referenced_columns.iter_mut().filter(|c| *c == from) {
                            *column = to.clone();
                        }
                    }
                }
            }
            Op::AlterColumn { table, from, to } => {
                let table = table_mut(schema, table)?;
                let index = column_index(table, &from.name)?;
                table.columns[index] = to.clone();
            }
            Op::AddPrimaryKey { table, key } => {
                table_mut(schema, table)?.primary_key = Some(key.clone())
            }
            Op::DropPrimaryKey { table, .. } => table_mut(schema, table)?.primary_key = None,
            Op::AddUnique { table, unique } => {
                table_mut(schema, table)?.uniques.push(unique.clone())
            }
            Op::DropUnique { table, unique } => {
                let table = table_mut(schema, table)?;
                remove(&mut table.uniques, |u| u == unique, "unique constraint")?;
            }
            Op::AddCheck { table, check } => table_mut(schema, table)?.checks.push(check.clone()),
            Op::DropCheck { table, check } => {
                let table = table_mut(schema, table)?;
                remove(&mut table.checks, |c| c == check, "check constraint")?;
            }
            Op::AddForeignKey { table, key } => {
                table_mut(schema, table)?.foreign_keys.push(key.clone())
            }
            Op::DropForeignKey { table, key } => {
                let table = table_mut(schema, table)?;
                remove(&mut table.foreign_keys, |k| k == key, "foreign key")?;
            }
            Op::CreateIndex { table, index } => {
                if schema
                    .tables
                    .iter()
                    .any(|t| t.indexes.iter().any(|i| i.name == index.name))
                {
                    return Err(ApplyError(format!("index `{}` already exists", index.name)));
                }
                table_mut(schema, table)?.indexes.push(index.clone());
            }
            Op::DropIndex { table, index } => {
                let table = table_mut(schema, table)?;
                remove(&mut table.indexes, |i| i.name == index.name, "index")?;
            }
            Op::SetTableComment { table, to, .. } => table_mut(schema, table)?.comment = to.clone(),
            Op::Data(_) | Op::Raw(_) => {}
        }
        Ok(())
    }
}

/// True when `to` cannot hold every value of `from`.
fn narrows(from: &crate::schema::Type, to: &crate::schema::Type) -> bool {
    use crate::schema::Type::*;
    // Each family from narrow to wide; REAL to DOUBLE PRECISION keeps
    // every value, as SMALLINT to BIGINT does.
    let rank = |ty: &crate::schema::Type| match ty {
        SmallInt => Some((0, 1)),
        Integer => Some((0, 2)),
        BigInt => Some((0, 3)),
        Real => Some((1, 1)),
        Double => Some((1, 2)),
        _ => None,
    };
    match (from, to) {
        (Varchar(Some(a)), Varchar(Some(b))) | (Char(Some(a)), Char(Some(b))) => b < a,
        (Text, Varchar(_) | Char(_)) => true,
        (Varchar(_) | Char(_), Text) => false,
        (
            Numeric {
                precision: Some(a),
                scale: sa,
            },
            Numeric {
                precision: Some(b),
                scale: sb,
            },
        ) => b < a || sb.unwrap_or(0) < sa.unwrap_or(0),
        _ => match (rank(from), rank(to)) {
            (Some((family_a, a)), Some((family_b, b))) if family_a == family_b => b < a,
            _ => from != to,
        },
    }
}

fn no_table(name: &str) -> ApplyError {
    ApplyError(format!("table `{name}` does not exist"))
}

fn table_mut<'s>(schema: &'s mut Schema, name: &str) -> Result<&'s mut Table, ApplyError> {
    schema.table_mut(name).ok_or_else(|| no_table(name))
}

fn column_index(table: &Table, name: &str) -> Result<usize, ApplyError> {
    table
        .columns
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| ApplyError(format!("column `{}.{name}` does not exist", table.name)))
}

fn remove<T>(
    items: &mut Vec<T>,
    matches: impl Fn(&T) -> bool,
    what: &str,
) -> Result<(), ApplyError> {
    match items.iter().position(matches) {
        Some(index) => {
            items.remove(index);
            Ok(())
        }
        None => Err(ApplyError(format!("no such {what}"))),
    }
}

/// The column `from` renamed `to` where the table's keys, indexes and
/// checks name it; the constraints keep their names.
pub(crate) fn rename_in_constraints(table: &mut Table, from: &str, to: &str) {
    let rename = |columns: &mut Vec<String>| {
        for column in columns.iter_mut().filter(|c| c.as_str() == from) {
            *column = to.to_owned();
        }
    };
    if let Some(key) = &mut table.primary_key {
        rename(&mut key.columns);
    }
    table
        .uniques
        .iter_mut()
        .for_each(|u| rename(&mut u.columns));
    table
        .foreign_keys
        .iter_mut()
        .for_each(|k| rename(&mut k.columns));
    table
        .indexes
        .iter_mut()
        .for_each(|i| rename(&mut i.columns));
    for check in &mut table.checks {
        check.expression = naming::rename_in_expression(&check.expression, from, to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Type;

    #[test]
    fn widening_a_number_is_not_destructive_narrowing_is() {
        let alter = |from: Type, to: Type| Op::AlterColumn {
            table: "t".into(),
            from: Column::new("c", from),
            to: Column::new("c", to),
        };
        assert!(!alter(Type::SmallInt, Type::BigInt).is_destructive());
        assert!(!alter(Type::Real, Type::Double).is_destructive());
        assert!(alter(Type::Double, Type::Real).is_destructive());
        assert!(alter(Type::Integer, Type::SmallInt).is_destructive());
        assert!(alter(Type::BigInt, Type::Double).is_destructive());
    }

    fn accounts() -> Table {
        let mut table = Table::new("accounts");
        table.columns.push(Column {
            nullable: false,
            identity: true,
            ..Column::new("id", Type::Integer)
        });
        table
            .columns
            .push(Column::new("name", Type::Varchar(Some(100))));
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        table.indexes.push(Index {
            name: "ix_name".into(),
            columns: vec!["name".into()],
            unique: false,
        });
        table
    }

    #[test]
    fn every_op_reverses_exactly_and_round_trips() {
        let table = accounts();
        let name = Column::new("name", Type::Varchar(Some(100)));
        let ops = [
            Op::CreateTable(table.clone()),
            Op::RenameTable {
                from: "accounts".into(),
                to: "acct".into(),
            },
            Op::AddColumn {
                table: "accounts".into(),
                column: Column::new("note", Type::Text),
            },
            Op::RenameColumn {
                table: "accounts".into(),
                from: "name".into(),
                to: "title".into(),
            },
            Op::AlterColumn {
                table: "accounts".into(),
                from: name.clone(),
                to: Column {
                    nullable: false,
                    ..name
                },
            },
            Op::DropIndex {
                table: "accounts".into(),
                index: table.indexes[0].clone(),
            },
            Op::SetTableComment {
                table: "accounts".into(),
                from: None,
                to: Some("money".into()),
            },
        ];
        for op in ops {
            let reverse = op.reverse().unwrap();
            assert_eq!(reverse.reverse().as_ref(), Some(&op));
            let mut schema = Schema {
                tables: vec![table.clone()],
            };
            if let Op::CreateTable(_) = op {
                schema.tables.clear();
            }
            let before = schema.clone();
            op.apply(&mut schema).unwrap();
            reverse.apply(&mut schema).unwrap();
            assert_eq!(schema, before, "{op:?}");
        }
        assert_eq!(Op::Raw("VACUUM".into()).reverse(), None);
    }

    #[test]
    fn apply_checks_what_exists() {
        let mut schema = Schema {
            tables: vec![accounts()],
        };
        let error = Op::DropTable(Table::new("nope"))
            .apply(&mut schema)
            .unwrap_err();
        assert_eq!(error.to_string(), "table `nope` does not exist");
        let error = Op::AddColumn {
            table: "accounts".into(),
            column: Column::new("id", Type::Integer),
        }
        .apply(&mut schema)
        .unwrap_err();
        assert_eq!(error.to_string(), "column `accounts.id` already exists");
    }

    #[test]
    fn renaming_a_column_renames_it_in_constraints() {
        let mut schema = Schema {
            tables: vec![accounts()],
        };
        Op::RenameColumn {
            table: "accounts".into(),
            from: "name".into(),
            to: "title".into(),
        }
        .apply(&mut schema)
        .unwrap();
        assert_eq!(schema.tables[0].indexes[0].columns, ["title"]);
    }
}
