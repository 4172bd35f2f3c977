//! Every statement retort writes, written once for any [`Spelling`]: the
//! portable writer and the PostgreSQL renderer write whole operations with
//! [`Writer::op`]; MySQL and SQLite, whose `ALTER TABLE` differs, build
//! theirs from the same pieces (column definitions, constraint clauses,
//! `CREATE TABLE`, `CREATE INDEX`, …).

use crate::naming::{self, ConstraintNames};
use crate::op::Op;
use crate::schema::{Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique};
use crate::sql::clauses;

use super::spelling::Spelling;

/// The statement writer for one spelling.
pub(crate) struct Writer<'s, S: ?Sized>(pub(crate) &'s S);

impl<S: Spelling + ?Sized> Writer<'_, S> {
    /// The statements of one operation on a database whose schema is
    /// `before`, without trailing `;`: several for a table with comments or
    /// indexes or a column with several changed aspects, none for an op that
    /// changes nothing. `before` names the unnamed constraints a drop must
    /// find ([`crate::naming`]).
    pub(crate) fn op(&self, op: &Op, before: &Schema) -> Vec<String> {
        match op {
            Op::CreateTable(table) => self.table(table, table.foreign_keys.len()),
            Op::DropTable(table) => vec![self.drop_table(&table.name)],
            Op::RenameTable { from, to } => {
                let mut out = vec![self.rename_table(from, to)];
                out.extend(self.rename_constraints(op, before, to));
                out
            }
            Op::AddColumn { table, column } => {
                let mut out = vec![self.add_column(table, column)];
                if let Some(comment) = &column.comment
                    && !self.0.inline_comment()
                {
                    out.push(self.column_comment(table, &column.name, Some(comment)));
                }
                out
            }
            Op::DropColumn { table, column } => vec![self.drop_column(table, &column.name)],
            Op::RenameColumn { table, from, to } => {
                let mut out = vec![self.rename_column(table, from, to)];
                out.extend(self.rename_constraints(op, before, table));
                out
            }
            Op::AlterColumn { table, from, to } => self.alter_column(table, from, to),
            Op::AddPrimaryKey { table, key } => {
                let name = self.name(&key.name, || naming::primary_key_name(table, key));
                vec![self.add_constraint(table, &self.primary_key(name.as_deref(), key))]
            }
            Op::DropPrimaryKey { table, key } => {
                vec![self.drop_constraint(table, &naming::primary_key_name(table, key))]
            }
            Op::AddUnique { table, unique } => {
                let name = self.name(&unique.name, || naming::unique_name(before, table, unique));
                vec![self.add_constraint(table, &self.unique(name.as_deref(), unique))]
            }
            Op::DropUnique { table, unique } => {
                vec![self.drop_constraint(table, &naming::unique_name(before, table, unique))]
            }
            Op::AddCheck { table, check } => {
                let name = self.name(&check.name, || naming::check_name(before, table, check));
                vec![self.add_constraint(table, &self.check(name.as_deref(), check))]
            }
            Op::DropCheck { table, check } => {
                vec![self.drop_constraint(table, &naming::check_name(before, table, check))]
            }
            Op::AddForeignKey { table, key } => {
                let name = self.name(&key.name, || naming::foreign_key_name(before, table, key));
                vec![self.add_constraint(table, &self.foreign_key(name.as_deref(), key))]
            }
            Op::DropForeignKey { table, key } => {
                vec![self.drop_constraint(table, &naming::foreign_key_name(before, table, key))]
            }
            Op::CreateIndex { table, index } => vec![self.create_index(table, index)],
            // Index names are unique per schema in PostgreSQL: no table needed.
            Op::DropIndex { index, .. } => vec![self.drop_index(index)],
            Op::SetTableComment { table, from, to } => {
                if from == to {
                    Vec::new()
                } else {
                    vec![self.table_comment(table, to.as_deref())]
                }
            }
            Op::Data(sql) | Op::Raw(sql) => vec![sql.clone()],
        }
    }

    /// The name a constraint is created with: the declared one, else the
    /// conventional one where the spelling names every constraint.
    fn name(
        &self,
        declared: &Option<String>,
        conventional: impl FnOnce() -> String,
    ) -> Option<String> {
        match declared {
            Some(name) => Some(name.clone()),
            None => self.0.names_constraints().then(conventional),
        }
    }

    /// `CREATE TABLE` with the table's first `inline_keys` foreign keys,
    /// then its comments and indexes. Comments come before the indexes: they
    /// belong to the table, as MySQL's inline ones do.
    pub(crate) fn table(&self, table: &Table, inline_keys: usize) -> Vec<String> {
        let mut lines: Vec<String> = table.columns.iter().map(|c| self.column(c)).collect();
        lines.extend(self.constraints(table, table.primary_key.as_ref(), inline_keys));
        let mut out = vec![self.create_table(&table.name, &lines)];
        if !self.0.inline_comment() {
            if let Some(comment) = &table.comment {
                out.push(self.table_comment(&table.name, Some(comment)));
            }
            for column in &table.columns {
                if let Some(comment) = &column.comment {
                    out.push(self.column_comment(&table.name, &column.name, Some(comment)));
                }
            }
        }
        out.extend(
            table
                .indexes
                .iter()
                .map(|i| self.create_index(&table.name, i)),
        );
        out
    }

    /// The constraint lines of `table`'s `CREATE TABLE`: `primary_key` (the
    /// table's, or none where a column definition carries it), the uniques
    /// and checks, and the first `inline_keys` foreign keys. Unnamed ones
    /// get their conventional name where the spelling names constraints.
    pub(crate) fn constraints(
        &self,
        table: &Table,
        primary_key: Option<&PrimaryKey>,
        inline_keys: usize,
    ) -> Vec<String> {
        let names = self
            .0
            .names_constraints()
            .then(|| ConstraintNames::of(table));
        // The conventional name where there is one (it is the declared one
        // for a named constraint), else the declared one.
        let pick = |conventional: Option<&String>, declared: &Option<String>| {
            conventional.cloned().or_else(|| declared.clone())
        };
        let mut lines = Vec::new();
        if let Some(key) = primary_key {
            let name = pick(names.as_ref().map(|n| &n.primary_key), &key.name);
            lines.push(self.primary_key(name.as_deref(), key));
        }
        for (at, unique) in table.uniques.iter().enumerate() {
            let name = pick(names.as_ref().and_then(|n| n.uniques.get(at)), &unique.name);
            lines.push(self.unique(name.as_deref(), unique));
        }
        for (at, check) in table.checks.iter().enumerate() {
            let name = pick(names.as_ref().and_then(|n| n.checks.get(at)), &check.name);
            lines.push(self.check(name.as_deref(), check));
        }
        for (at, key) in table.foreign_keys[..inline_keys].iter().enumerate() {
            let name = pick(
                names.as_ref().and_then(|n| n.foreign_keys.get(at)),
                &key.name,
            );
            lines.push(self.foreign_key(name.as_deref(), key));
        }
        lines
    }

    /// `CREATE TABLE name (…)` with one column or constraint per line.
    pub(crate) fn create_table(&self, name: &str, lines: &[String]) -> String {
        // `CREATE TABLE t ()` is PostgreSQL's alone; a table without columns
        // cannot come from a schema anyway.
        let body = if lines.is_empty() {
            String::new()
        } else {
            format!("\n    {}\n", lines.join(",\n    "))
        };
        format!("CREATE TABLE {} ({body})", self.q(name))
    }

    /// `name TYPE [NOT NULL] [DEFAULT …] [identity] [COMMENT '…']`, the
    /// comment only where the spelling puts it inline.
    pub(crate) fn column(&self, column: &Column) -> String {
        let mut out = format!("{} {}", self.q(&column.name), self.0.type_name(&column.ty));
        if !column.nullable {
            out.push_str(" NOT NULL");
        }
        if let Some(default) = &column.default {
            out.push_str(" DEFAULT ");
            out.push_str(&self.0.default_value(default, &column.ty));
        }
        if column.identity
            && let Some(identity) = self.0.identity()
        {
            out.push(' ');
            out.push_str(identity);
        }
        if let Some(comment) = &column.comment
            && self.0.inline_comment()
        {
            out.push_str(&format!(" COMMENT {}", self.0.literal(comment)));
        }
        out
    }

    pub(crate) fn primary_key(&self, name: Option<&str>, key: &PrimaryKey) -> String {
        clauses::primary_key(name, key, |n| self.q(n))
    }

    pub(crate) fn unique(&self, name: Option<&str>, unique: &Unique) -> String {
        clauses::unique(name, unique, |n| self.q(n))
    }

    pub(crate) fn check(&self, name: Option<&str>, check: &Check) -> String {
        clauses::check(name, check, |n| self.q(n))
    }

    pub(crate) fn foreign_key(&self, name: Option<&str>, key: &ForeignKey) -> String {
        clauses::foreign_key(name, key, |n| self.q(n))
    }

    /// `CREATE [UNIQUE] INDEX name ON t (…)`.
    pub(crate) fn create_index(&self, table: &str, index: &Index) -> String {
        format!(
            "CREATE {}INDEX {} ON {} ({})",
            if index.unique { "UNIQUE " } else { "" },
            self.q(&index.name),
            self.q(table),
            clauses::names(&index.columns, |n| self.q(n))
        )
    }

    /// `DROP INDEX name`, where index names are per schema.
    pub(crate) fn drop_index(&self, index: &Index) -> String {
        format!("DROP INDEX {}", self.q(&index.name))
    }

    pub(crate) fn drop_table(&self, table: &str) -> String {
        format!("DROP TABLE {}", self.q(table))
    }

    pub(crate) fn rename_table(&self, from: &str, to: &str) -> String {
        self.alter_table(from, &format!("RENAME TO {}", self.q(to)))
    }

    pub(crate) fn add_column(&self, table: &str, column: &Column) -> String {
        self.alter_table(table, &format!("ADD COLUMN {}", self.column(column)))
    }

    pub(crate) fn drop_column(&self, table: &str, column: &str) -> String {
        self.alter_table(table, &format!("DROP COLUMN {}", self.q(column)))
    }

    pub(crate) fn rename_column(&self, table: &str, from: &str, to: &str) -> String {
        self.alter_table(
            table,
            &format!("RENAME COLUMN {} TO {}", self.q(from), self.q(to)),
        )
    }

    /// `ALTER TABLE t ADD <constraint clause>`.
    pub(crate) fn add_constraint(&self, table: &str, clause: &str) -> String {
        self.alter_table(table, &format!("ADD {clause}"))
    }

    pub(crate) fn drop_constraint(&self, table: &str, name: &str) -> String {
        self.alter_table(table, &format!("DROP CONSTRAINT {}", self.q(name)))
    }

    /// `ALTER TABLE t <action>`.
    pub(crate) fn alter_table(&self, table: &str, action: &str) -> String {
        format!("ALTER TABLE {} {action}", self.q(table))
    }

    /// `COMMENT ON TABLE t IS '…'` (or `IS NULL`).
    pub(crate) fn table_comment(&self, table: &str, comment: Option<&str>) -> String {
        format!(
            "COMMENT ON TABLE {} IS {}",
            self.q(table),
            self.comment(comment)
        )
    }

    /// `COMMENT ON COLUMN t.c IS '…'` (or `IS NULL`).
    pub(crate) fn column_comment(
        &self,
        table: &str,
        column: &str,
        comment: Option<&str>,
    ) -> String {
        format!(
            "COMMENT ON COLUMN {}.{} IS {}",
            self.q(table),
            self.q(column),
            self.comment(comment)
        )
    }

    fn comment(&self, comment: Option<&str>) -> String {
        comment.map_or_else(|| "NULL".into(), |c| self.0.literal(c))
    }

    /// One statement per changed aspect, ordered so each is valid on its own
    /// (and, in portable SQL, reads back as an op of its own): `RENAME
    /// COLUMN`; `DROP DEFAULT` when the default goes, or the old one may not
    /// survive what follows (a type change the spelling recasts, a type
    /// change along with the default, an added identity, which may have no
    /// default); `DROP IDENTITY` before the type changes; `TYPE`; `SET`/`DROP
    /// NOT NULL`; `SET DEFAULT`; `ADD … IDENTITY` after `SET NOT NULL`, which
    /// PostgreSQL's identity needs; the comment.
    fn alter_column(&self, table: &str, from: &Column, to: &Column) -> Vec<String> {
        let mut out = Vec::new();
        if from.name != to.name {
            out.push(self.rename_column(table, &from.name, &to.name));
        }
        let alter = |change: &str| {
            self.alter_table(
                table,
                &format!("ALTER COLUMN {} {change}", self.q(&to.name)),
            )
        };
        let retypes = from.ty != to.ty;
        let recast = retypes && self.0.recasts(&from.ty, &to.ty);
        let adds_identity = to.identity && !from.identity;
        let default_changes = from.default != to.default;
        // PostgreSQL casts the old default along with the column, which fails
        // across families ("default for column cannot be cast
        // automatically", `'low'` to SMALLINT), and an identity column may
        // have no default: drop it first, set it again after.
        let drops_default_first = from.default.is_some()
            && (to.default.is_none() || adds_identity || recast || retypes && default_changes);
        if drops_default_first {
            out.push(alter("DROP DEFAULT"));
        }
        if from.identity && !to.identity {
            out.push(alter("DROP IDENTITY"));
        }
        if retypes {
            let ty = self.0.type_name(&to.ty);
            out.push(if recast {
                alter(&format!("TYPE {ty} USING {}::{ty}", self.q(&to.name)))
            } else {
                alter(&format!("TYPE {ty}"))
            });
        }
        if from.nullable != to.nullable {
            out.push(alter(if to.nullable {
                "DROP NOT NULL"
            } else {
                "SET NOT NULL"
            }));
        }
        if let Some(default) = &to.default
            && (drops_default_first || default_changes)
        {
            let value = self.0.default_value(default, &to.ty);
            out.push(alter(&format!("SET DEFAULT {value}")));
        }
        if adds_identity {
            out.push(alter("ADD GENERATED BY DEFAULT AS IDENTITY"));
        }
        if from.comment != to.comment {
            out.push(self.column_comment(table, &to.name, to.comment.as_deref()));
        }
        out
    }

    /// `RENAME CONSTRAINT` for the unnamed constraints whose conventional
    /// name a rename changes, where the spelling created them under that
    /// name; `table` is the table's name after the op.
    fn rename_constraints(&self, op: &Op, before: &Schema, table: &str) -> Vec<String> {
        if !self.0.names_constraints() {
            return Vec::new();
        }
        op.renamed_constraints(before)
            .into_iter()
            .map(|r| {
                self.alter_table(
                    table,
                    &format!("RENAME CONSTRAINT {} TO {}", self.q(&r.from), self.q(&r.to)),
                )
            })
            .collect()
    }

    fn q(&self, name: &str) -> String {
        self.0.ident(name)
    }
}
