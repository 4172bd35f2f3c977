//! `CREATE TABLE` with its columns and constraints, and `CREATE INDEX`.

use sqlparser::ast::{
    self, ColumnOption, Expr, GeneratedAs, Ident, ReferentialAction, TableConstraint,
};

use crate::op::Op;
use crate::schema::{Action, Check, Column, ForeignKey, Index, PrimaryKey, Table, Unique};

use super::types::{column_type, default, unparenthesized};
use super::working::Working;
use super::{Converted, Why, applied, simple_name};

pub(super) fn create_table(create: ast::CreateTable, schema: &mut Working) -> Converted {
    let ast::CreateTable {
        or_replace,
        temporary,
        unlogged,
        external,
        global,
        if_not_exists,
        name,
        columns,
        constraints,
        table_options,
        query,
        like,
        clone,
        comment,
        on_commit,
        inherits,
        partition_of,
        partition_by,
        ..
    } = create;
    if or_replace
        || temporary
        || unlogged
        || external
        || global.is_some()
        || query.is_some()
        || like.is_some()
        || clone.is_some()
        || comment.is_some()
        || on_commit.is_some()
        || inherits.is_some()
        || partition_of.is_some()
        || partition_by.is_some()
        || table_options != ast::CreateTableOptions::None
    {
        return Err(Why::new("a CREATE TABLE clause retort does not model"));
    }
    let name = simple_name(&name)?;
    let mut table = Table::new(name);
    let mut keys = Vec::new();
    for def in columns {
        let column = column(def)?;
        if let Some(key) = column.primary_key {
            table.primary_key = Some(key);
        }
        table.uniques.extend(column.uniques);
        table.checks.extend(column.checks);
        keys.extend(column.foreign_keys);
        table.columns.push(column.column);
    }
    for constraint in constraints {
        match table_constraint(constraint)? {
            Constraint::PrimaryKey(key) => table.primary_key = Some(key),
            Constraint::Unique(unique) => table.uniques.push(unique),
            Constraint::Check(check) => table.checks.push(check),
            Constraint::ForeignKey(key) => keys.push(key),
        }
    }
    for column in table.columns.iter_mut() {
        if table
            .primary_key
            .as_ref()
            .is_some_and(|k| k.columns.contains(&column.name))
        {
            column.nullable = false;
        }
    }
    for mut key in keys {
        // `REFERENCES t` without columns means t's primary key, which may
        // be this very table's.
        if key.referenced_columns.is_empty() {
            let referenced = if key.referenced_table == table.name {
                Some(&table)
            } else {
                schema.table(&key.referenced_table)
            };
            key.referenced_columns = primary_key_of(referenced, &key.referenced_table)?;
        }
        table.foreign_keys.push(key);
    }
    let op = Op::CreateTable(table);
    match schema.apply(&op) {
        Ok(()) => Ok(vec![op]),
        Err(_) if if_not_exists => Ok(Vec::new()),
        Err(_) => Err(Why::new(format!(
            "table `{}` is already defined",
            op.table().unwrap_or_default()
        ))),
    }
}

pub(super) fn primary_key_of(table: Option<&Table>, name: &str) -> Result<Vec<String>, Why> {
    table
        .and_then(|t| t.primary_key.as_ref())
        .map(|k| k.columns.clone())
        .ok_or_else(|| {
            Why::new(format!(
                "REFERENCES `{name}` names no columns and its primary key is not known"
            ))
        })
}

/// A column definition with the constraints written on it.
pub(super) struct ColumnParts {
    pub(super) column: Column,
    pub(super) primary_key: Option<PrimaryKey>,
    pub(super) uniques: Vec<Unique>,
    pub(super) checks: Vec<Check>,
    pub(super) foreign_keys: Vec<ForeignKey>,
}

pub(super) fn column(def: ast::ColumnDef) -> Result<ColumnParts, Why> {
    let name = def.name.value;
    let mut parts = ColumnParts {
        column: Column::new(name.clone(), column_type(&def.data_type)),
        primary_key: None,
        uniques: Vec::new(),
        checks: Vec::new(),
        foreign_keys: Vec::new(),
    };
    let column = &mut parts.column;
    for option in def.options {
        let constraint_name = option.name.map(|i| i.value);
        match option.option {
            ColumnOption::Null => column.nullable = true,
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Default(expr) => column.default = Some(default(&expr)),
            ColumnOption::PrimaryKey(key) => {
                plain_key(&key.index_name, &key.index_type, &key.include)?;
                if !key.index_options.is_empty() || key.characteristics.is_some() {
                    return Err(Why::new("primary key options"));
                }
                column.nullable = false;
                parts.primary_key = Some(PrimaryKey {
                    name: constraint_name.or(key.name.map(|i| i.value)),
                    columns: vec![name.clone()],
                });
            }
            ColumnOption::Unique(unique) => {
                plain_unique(&unique)?;
                parts.uniques.push(Unique {
                    name: constraint_name.or(unique.name.map(|i| i.value)),
                    columns: vec![name.clone()],
                });
            }
            ColumnOption::Check(check) => {
                let check = check_constraint_of(check)?;
                parts.checks.push(Check {
                    name: constraint_name.or(check.name),
                    ..check
                });
            }
            ColumnOption::ForeignKey(key) => {
                let mut key = foreign_key(key)?;
                key.name = constraint_name.or(key.name);
                key.columns = vec![name.clone()];
                parts.foreign_keys.push(key);
            }
            ColumnOption::Generated {
                generated_as: GeneratedAs::ByDefault | GeneratedAs::Always,
                sequence_options,
                generation_expr: None,
                ..
            } => {
                if sequence_options.is_some_and(|o| !o.is_empty()) {
                    return Err(Why::new("identity sequence options"));
                }
                // Identity columns are NOT NULL in PostgreSQL, and MySQL's
                // AUTO_INCREMENT column must be a key, never NULL.
                column.identity = true;
                column.nullable = false;
            }
            other => return Err(Why::new(format!("the column option {other}"))),
        }
    }
    Ok(parts)
}

fn plain_key(
    index_name: &Option<Ident>,
    index_type: &Option<ast::IndexType>,
    include: &[Ident],
) -> Result<(), Why> {
    if index_name.is_some() || index_type.is_some() || !include.is_empty() {
        return Err(Why::new("key options retort does not model"));
    }
    Ok(())
}

fn plain_unique(unique: &ast::UniqueConstraint) -> Result<(), Why> {
    plain_key(&unique.index_name, &unique.index_type, &unique.include)?;
    if !unique.index_options.is_empty()
        || unique.characteristics.is_some()
        || unique.nulls_distinct != ast::NullsDistinctOption::None
    {
        return Err(Why::new("unique constraint options retort does not model"));
    }
    Ok(())
}

fn check_constraint_of(check: ast::CheckConstraint) -> Result<Check, Why> {
    if check.no_inherit || check.enforced.is_some() {
        return Err(Why::new("NO INHERIT or ENFORCED"));
    }
    Ok(Check {
        name: check.name.map(|i| i.value),
        expression: unparenthesized(&check.expr).to_string(),
    })
}

fn foreign_key(key: ast::ForeignKeyConstraint) -> Result<ForeignKey, Why> {
    if key.index_name.is_some() || key.match_kind.is_some() || key.characteristics.is_some() {
        return Err(Why::new("foreign key options retort does not model"));
    }
    Ok(ForeignKey {
        name: key.name.map(|i| i.value),
        columns: key.columns.into_iter().map(|i| i.value).collect(),
        referenced_table: simple_name(&key.foreign_table)?,
        referenced_columns: key.referred_columns.into_iter().map(|i| i.value).collect(),
        on_delete: key.on_delete.map(action),
        on_update: key.on_update.map(action),
    })
}

pub(super) fn action(action: ReferentialAction) -> Action {
    match action {
        ReferentialAction::Restrict => Action::Restrict,
        ReferentialAction::Cascade => Action::Cascade,
        ReferentialAction::SetNull => Action::SetNull,
        ReferentialAction::NoAction => Action::NoAction,
        ReferentialAction::SetDefault => Action::SetDefault,
    }
}

pub(super) enum Constraint {
    PrimaryKey(PrimaryKey),
    Unique(Unique),
    Check(Check),
    ForeignKey(ForeignKey),
}

pub(super) fn table_constraint(constraint: TableConstraint) -> Result<Constraint, Why> {
    Ok(match constraint {
        TableConstraint::PrimaryKey(key) => {
            plain_key(&key.index_name, &key.index_type, &key.include)?;
            if !key.index_options.is_empty() || key.characteristics.is_some() {
                return Err(Why::new("primary key options"));
            }
            Constraint::PrimaryKey(PrimaryKey {
                name: key.name.map(|i| i.value),
                columns: index_columns(key.columns)?,
            })
        }
        TableConstraint::Unique(unique) => {
            plain_unique(&unique)?;
            Constraint::Unique(Unique {
                name: unique.name.map(|i| i.value),
                columns: index_columns(unique.columns)?,
            })
        }
        TableConstraint::Check(check) => Constraint::Check(check_constraint_of(check)?),
        TableConstraint::ForeignKey(key) => Constraint::ForeignKey(foreign_key(key)?),
        other => return Err(Why::new(format!("the constraint {other}"))),
    })
}

/// Plain column names; an expression, sort order or operator class is more
/// than the model holds.
fn index_columns(columns: Vec<ast::IndexColumn>) -> Result<Vec<String>, Why> {
    columns
        .into_iter()
        .map(|column| match column.column {
            ast::OrderByExpr {
                expr: Expr::Identifier(ident),
                options:
                    ast::OrderByOptions {
                        sort: None,
                        nulls_first: None,
                    },
                with_fill: None,
            } if column.operator_class.is_none() => Ok(ident.value),
            other => Err(Why::new(format!("the key part {other}"))),
        })
        .collect()
}

pub(super) fn create_index(create: ast::CreateIndex, schema: &mut Working) -> Converted {
    if create.using.is_some()
        || create.concurrently
        || create.r#async
        || !create.include.is_empty()
        || create.nulls_distinct.is_some()
        || !create.with.is_empty()
        || create.predicate.is_some()
        || !create.index_options.is_empty()
        || !create.alter_options.is_empty()
    {
        return Err(Why::new("an index option retort does not model"));
    }
    let name = match &create.name {
        Some(name) => simple_name(name)?,
        None => return Err(Why::new("an index without a name")),
    };
    let table = simple_name(&create.table_name)?;
    let index = Index {
        name,
        columns: index_columns(create.columns)?,
        unique: create.unique,
    };
    let exists = create.if_not_exists && schema.index(&index.name).is_some();
    if exists && schema.table(&table).is_some() {
        return Ok(Vec::new());
    }
    applied(Op::CreateIndex { table, index }, schema)
}
