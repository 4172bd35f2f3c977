//! Rendering portable operations as SQLite SQL: the last step before
//! `migrate` runs a section, and what `upgrade --sql` prints.
//!
//! SQLite's `ALTER TABLE` can do little (<https://www.sqlite.org/lang_altertable.html>),
//! so an operation either runs **in place** or becomes a **table rebuild**.
//!
//! In place: `CREATE TABLE` (with its indexes), `DROP TABLE`,
//! `ALTER TABLE … RENAME TO`, `ADD COLUMN` when SQLite allows it (the column
//! is nullable or has a non-NULL constant default, and the default is not
//! `CURRENT_*` nor an expression), `DROP COLUMN` when no key, index, foreign
//! key or check uses the column, `RENAME COLUMN`, `CREATE INDEX`,
//! `DROP INDEX`.
//!
//! Rebuilt: every other change to a column (type, nullability, default,
//! identity), adding or dropping a primary key, unique, check or foreign key,
//! and the `ADD`/`DROP COLUMN` cases above. The rebuild follows the manual's
//! "other kinds of table schema changes" procedure
//! (<https://www.sqlite.org/lang_altertable.html#otheralter>) and is rendered
//! from the model alone, never from a connection:
//!
//! ```sql
//! CREATE TABLE "_retort_new_t" (…the new definition…);
//! INSERT INTO "_retort_new_t" ("a", "b") SELECT "a", "old_b" FROM "t";
//! DROP TABLE "t";
//! PRAGMA legacy_alter_table=ON;
//! ALTER TABLE "_retort_new_t" RENAME TO "t";
//! PRAGMA legacy_alter_table=OFF;
//! CREATE INDEX … -- every index of the new definition
//! ```
//!
//! - Columns are named on both sides, never `*`. A column added by the
//!   rebuild is left out of the copy, so SQLite fills it with its default
//!   (or NULL; a NOT NULL column without default then fails on a filled
//!   table, as on every database). A column whose type changes is copied
//!   without `CAST`: the new column's type affinity converts what converts
//!   losslessly and keeps the rest (<https://www.sqlite.org/datatype3.html#type_affinity>),
//!   where a `CAST` would silently turn `'abc'` into `0`.
//! - `legacy_alter_table=ON` around the rename stops SQLite (≥ 3.26) from
//!   re-checking views and triggers that name the table, which fail to
//!   resolve while the old table is gone ("error in view v: no such table").
//!   It works inside a transaction, unlike the foreign-key pragma.
//! - Foreign keys must be off while a table is rebuilt, or `DROP TABLE`
//!   deletes (or refuses to delete) rows other tables reference. `PRAGMA
//!   foreign_keys=OFF` is a no-op inside a transaction
//!   (<https://www.sqlite.org/foreignkeys.html#fk_enable>), so the runner
//!   switches it off before `BEGIN`, on after `COMMIT`, and runs `PRAGMA
//!   foreign_key_check`; [`needs_foreign_keys_off`] tells it when.
//! - Several changes to one table in one section make one rebuild: the
//!   changes collect until something could depend on the table's
//!   intermediate state (a data or raw statement, a rename or the end of the
//!   section), and the table is rebuilt once, from its definition before the
//!   first of them to the one after the last.
//! - The model follows what SQLite's `RENAME COLUMN` does beyond
//!   `Op::apply`: the column is renamed inside check expressions and in
//!   other tables' foreign keys, so that a later rebuild names it right.
//!
//! Caveats. Triggers *on* a rebuilt table are dropped with it and are not in
//! the model: recreate them in the same section (a raw statement after the
//! change). Views and other tables' triggers that name the table survive
//! (unless they name a column the change removes).
//! Table options the model does not hold (`WITHOUT ROWID`, `STRICT`,
//! `AUTOINCREMENT`) are lost, and rows of a table without an `INTEGER
//! PRIMARY KEY` get new rowids.
//!
//! SQLite has no comments: table and column comments render as no
//! statement at all (an empty list), and the caller prints a note.
//!
//! The statements are the shared writer's (`sql::write`) in SQLite's
//! [`Spelling`]; the rebuild is planned in `rebuild.rs`, `CREATE TABLE` with
//! its rowid alias written in `table.rs`.

mod rebuild;
mod table;

use crate::dialect::{Dialect, RenderError, Rendered, quote_with};
use crate::op::Op;
use crate::schema::{Column, Default, Schema, Table, Type};
use crate::sql::write::{Spelling, Writer};

use super::Sqlite;
use rebuild::plan;
use table::create_table;

/// The statements' pieces SQLite shares with the other databases.
const W: Writer<'static, Sqlite> = Writer(&Sqlite);

/// The SQLite spelling of a portable type: the declared name, which gives
/// the column its affinity (<https://www.sqlite.org/datatype3.html#determination_of_column_affinity>)
/// and lets introspection read back what the model said.
pub(super) fn render_type(ty: &Type) -> String {
    ty.to_string()
}

/// The statements that carry out `op` on a database whose schema is `before`.
pub(super) fn render(op: &Op, before: &Schema) -> Result<Vec<String>, RenderError> {
    let plan = plan(std::slice::from_ref(op), before)?;
    Ok(plan.statements.into_iter().map(|r| r.sql).collect())
}

/// The statements for a section's operations, with one rebuild per table
/// however many of its changes need one.
pub(super) fn render_all(ops: &[Op], before: &Schema) -> Result<Vec<Rendered>, RenderError> {
    Ok(plan(ops, before)?.statements)
}

/// True when the SQLite statements for `ops` rebuild a table, so that the
/// runner must run `PRAGMA foreign_keys=OFF` before the transaction (the
/// pragma does nothing inside one), `PRAGMA foreign_keys=ON` after it, and
/// then `PRAGMA foreign_key_check` to find rows the change left dangling.
///
/// False also when the operations do not render at all; `render_all` says
/// why.
///
/// Reached through the SQLite [`Dialect`](crate::dialect::Dialect):
///
/// ```
/// use retort::dialect::{DialectKind, dialect};
/// use retort::op::Op;
/// use retort::schema::{Column, Schema, Table, Type};
///
/// let mut table = Table::new("t");
/// table.columns.push(Column::new("name", Type::Text));
/// let before = Schema { tables: vec![table] };
/// let rename = Op::RenameColumn { table: "t".into(), from: "name".into(), to: "title".into() };
/// let sqlite = dialect(DialectKind::Sqlite);
/// assert!(!sqlite.needs_foreign_keys_off(&[rename], &before));
/// let not_null = Op::AlterColumn {
///     table: "t".into(),
///     from: Column::new("name", Type::Text),
///     to: Column { nullable: false, ..Column::new("name", Type::Text) },
/// };
/// assert!(sqlite.needs_foreign_keys_off(&[not_null], &before));
/// ```
pub fn needs_foreign_keys_off(ops: &[Op], before: &Schema) -> bool {
    plan(ops, before).is_ok_and(|plan| plan.rebuilds > 0)
}

/// The statements that make the change with SQLite's `ALTER TABLE` or
/// without touching the table, or `None` when the table must be rebuilt.
/// `table` is the table's definition before the change, when known.
fn in_place(op: &Op, table: Option<&Table>) -> Result<Option<Vec<String>>, RenderError> {
    Ok(Some(match op {
        Op::CreateTable(table) => {
            let mut statements = vec![create_table(table, &table.name)?];
            statements.extend(table.indexes.iter().map(|i| W.create_index(&table.name, i)));
            statements
        }
        Op::DropTable(table) => vec![W.drop_table(&table.name)],
        Op::RenameTable { from, to } => vec![W.rename_table(from, to)],
        Op::AddColumn { table, column } if can_add_in_place(column) => {
            vec![W.add_column(table, column)]
        }
        Op::DropColumn {
            table: name,
            column,
        } if table.is_none_or(|t| can_drop_in_place(t, &column.name)) => {
            vec![W.drop_column(name, &column.name)]
        }
        Op::RenameColumn { table, from, to } => vec![W.rename_column(table, from, to)],
        // SQLite has no comments: nothing to do.
        Op::AlterColumn { from, to, .. } if without_comment(from) == without_comment(to) => {
            Vec::new()
        }
        Op::SetTableComment { .. } => Vec::new(),
        Op::CreateIndex { table, index } => vec![W.create_index(table, index)],
        Op::DropIndex { index, .. } => vec![W.drop_index(index)],
        Op::Data(sql) | Op::Raw(sql) => vec![sql.clone()],
        Op::AddColumn { .. }
        | Op::DropColumn { .. }
        | Op::AlterColumn { .. }
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. }
        | Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. } => return Ok(None),
    }))
}

/// `ADD COLUMN` refuses a column that is a key, NOT NULL without a
/// non-NULL default, or defaults to `CURRENT_*` or an expression in
/// parentheses (<https://www.sqlite.org/lang_altertable.html#altertabaddcol>).
fn can_add_in_place(column: &Column) -> bool {
    !column.identity
        && match &column.default {
            None | Some(Default::Null) => column.nullable,
            Some(
                Default::CurrentTimestamp
                | Default::CurrentDate
                | Default::CurrentTime
                | Default::Expression(_),
            ) => false,
            Some(Default::Bool(_) | Default::Number(_) | Default::String(_)) => true,
        }
}

/// `DROP COLUMN` (SQLite ≥ 3.35) refuses a column that a key, unique
/// constraint, index, foreign key or check uses
/// (<https://www.sqlite.org/lang_altertable.html#altertabdropcol>). A check
/// that merely looks like it uses the column costs a rebuild, no more.
fn can_drop_in_place(table: &Table, column: &str) -> bool {
    !table.uses_column(column)
        && !table
            .checks
            .iter()
            .any(|check| mentions(&check.expression, column))
}

/// True when `name` occurs in `sql` as a whole word, ignoring case.
fn mentions(sql: &str, name: &str) -> bool {
    let sql = sql.to_lowercase();
    let name = name.to_lowercase();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    sql.match_indices(&name).any(|(at, _)| {
        let before = sql[..at].chars().next_back();
        let after = sql[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

fn without_comment(column: &Column) -> Column {
    Column {
        comment: None,
        ..column.clone()
    }
}

/// SQLite's spelling of the pieces it shares: no identity clause (the
/// rowid alias carries it, see `render/table.rs`) and no boolean literals before
/// 3.23 (<https://www.sqlite.org/lang_createtable.html#the_default_clause>).
impl Spelling for Sqlite {
    fn ident(&self, name: &str) -> String {
        ident(name)
    }

    fn literal(&self, text: &str) -> String {
        self.quote_literal(text)
    }

    fn type_name(&self, ty: &Type) -> String {
        render_type(ty)
    }

    fn boolean(&self, value: bool) -> &'static str {
        self.bool_literal(value)
    }

    fn identity(&self) -> Option<&'static str> {
        None
    }
}

fn ident(name: &str) -> String {
    quote_with(name, '"')
}

fn idents<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    names
        .into_iter()
        .map(|n| ident(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
