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

use crate::dialect::{Dialect, RenderError, Rendered, quote_with};
use crate::op::Op;
use crate::schema::{Column, Default, ForeignKey, Index, Schema, Table, Type};
use crate::sql::clauses;

use super::Sqlite;

/// Prefix of the table a rebuild creates before it takes the old one's name.
const NEW_TABLE_PREFIX: &str = "_retort_new_";

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
/// ```
/// use retort::dialect::sqlite::needs_foreign_keys_off;
/// use retort::op::Op;
/// use retort::schema::{Column, Schema, Table, Type};
///
/// let mut table = Table::new("t");
/// table.columns.push(Column::new("name", Type::Text));
/// let before = Schema { tables: vec![table] };
/// let rename = Op::RenameColumn { table: "t".into(), from: "name".into(), to: "title".into() };
/// assert!(!needs_foreign_keys_off(&[rename], &before));
/// let not_null = Op::AlterColumn {
///     table: "t".into(),
///     from: Column::new("name", Type::Text),
///     to: Column { nullable: false, ..Column::new("name", Type::Text) },
/// };
/// assert!(needs_foreign_keys_off(&[not_null], &before));
/// ```
pub fn needs_foreign_keys_off(ops: &[Op], before: &Schema) -> bool {
    plan(ops, before).is_ok_and(|plan| plan.rebuilds > 0)
}

/// What a section renders to.
struct Plan {
    statements: Vec<Rendered>,
    rebuilds: usize,
}

fn plan(ops: &[Op], before: &Schema) -> Result<Plan, RenderError> {
    let mut planner = Planner {
        schema: before.clone(),
        pending: Vec::new(),
        plan: Plan {
            statements: Vec::new(),
            rebuilds: 0,
        },
        current: 0,
    };
    for (index, op) in ops.iter().enumerate() {
        planner.current = index;
        planner.add(op)?;
    }
    planner.flush_all()?;
    Ok(planner.plan)
}

/// A table whose rebuild is collecting changes.
struct Pending {
    /// The table as the database holds it until the rebuild runs.
    original: Table,
    /// Each column of the table's new definition, with the column of
    /// `original` its values come from (`None` for a column added since).
    sources: Vec<(String, Option<String>)>,
    /// The first operation collected, which the rebuild's statements report as theirs.
    first_op: usize,
}

impl Pending {
    fn new(original: Table, first_op: usize) -> Self {
        let sources = original
            .columns
            .iter()
            .map(|c| (c.name.clone(), Some(c.name.clone())))
            .collect();
        Pending {
            original,
            sources,
            first_op,
        }
    }

    /// Follows where each column's values come from through `op`.
    fn follow(&mut self, op: &Op) {
        let mut rename = |from: &str, to: &str| {
            for (name, _) in self.sources.iter_mut().filter(|(n, _)| n == from) {
                *name = to.to_owned();
            }
        };
        match op {
            Op::RenameColumn { from, to, .. } => rename(from, to),
            Op::AlterColumn { from, to, .. } if from.name != to.name => {
                rename(&from.name, &to.name)
            }
            Op::AddColumn { column, .. } => {
                self.sources.retain(|(n, _)| *n != column.name);
                self.sources.push((column.name.clone(), None));
            }
            Op::DropColumn { column, .. } => self.sources.retain(|(n, _)| *n != column.name),
            _ => {}
        }
    }
}

struct Planner {
    /// The schema after every operation so far, rebuilds still pending
    /// included.
    schema: Schema,
    pending: Vec<Pending>,
    plan: Plan,
    /// Index of the operation being added, for `Rendered::op`.
    current: usize,
}

impl Planner {
    fn add(&mut self, op: &Op) -> Result<(), RenderError> {
        self.add_op(op)?;
        match op {
            Op::RenameColumn { table, from, to } => self.follow_rename(table, from, to),
            Op::AlterColumn { table, from, to } if from.name != to.name => {
                self.follow_rename(table, &from.name, &to.name)
            }
            _ => {}
        }
        Ok(())
    }

    /// SQLite's `RENAME COLUMN` also renames the column inside check
    /// constraints and in other tables' foreign keys
    /// (<https://www.sqlite.org/lang_altertable.html#altertabrenamecol>);
    /// `Op::apply` does not, and a later rebuild renders from the model.
    fn follow_rename(&mut self, table: &str, from: &str, to: &str) {
        for t in &mut self.schema.tables {
            if t.name == table {
                for check in &mut t.checks {
                    check.expression = rename_in_expression(&check.expression, from, to);
                }
            }
            let keys = t.foreign_keys.iter_mut();
            for key in keys.filter(|k| k.referenced_table == table) {
                for column in key.referenced_columns.iter_mut().filter(|c| *c == from) {
                    *column = to.to_owned();
                }
            }
        }
    }

    fn add_op(&mut self, op: &Op) -> Result<(), RenderError> {
        match op {
            // A statement retort cannot read may use any table as it is now.
            Op::Raw(sql) => {
                self.flush_all()?;
                self.emit_verbatim(sql.clone());
            }
            Op::Data(sql) => {
                self.flush_all()?;
                self.emit(sql.clone());
            }
            // Rebuild under the old name first; the rename then also updates
            // other tables' references to it, as `Op::apply` does.
            Op::RenameTable { from, to } => {
                self.flush(from)?;
                self.emit(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    ident(from),
                    ident(to)
                ));
                let _ = op.apply(&mut self.schema);
            }
            // No point rebuilding a table about to go.
            Op::DropTable(table) => {
                self.pending.retain(|p| p.original.name != table.name);
                self.emit(format!("DROP TABLE {}", ident(&table.name)));
                let _ = op.apply(&mut self.schema);
            }
            _ => self.add_table_op(op)?,
        }
        Ok(())
    }

    /// An operation on one table's definition.
    fn add_table_op(&mut self, op: &Op) -> Result<(), RenderError> {
        let Some(name) = op.table().map(str::to_owned) else {
            return Ok(());
        };
        if let Some(at) = self.pending.iter().position(|p| p.original.name == name) {
            // Index names are global: drop an index the database has at once,
            // so that an index of that name elsewhere can be created before
            // the rebuild runs.
            if let Op::DropIndex { index, .. } = op {
                let indexes = &mut self.pending[at].original.indexes;
                let before = indexes.len();
                indexes.retain(|i| i.name != index.name);
                if indexes.len() < before {
                    self.emit(drop_index(index));
                }
            }
            self.pending[at].follow(op);
            return self.apply_strictly(op, &name);
        }
        // A new table is the bulk of a first revision: it needs no look-up of
        // what exists, which keeps a thousand of them linear.
        if let Op::CreateTable(table) = op {
            in_place(op, None)?
                .into_iter()
                .flatten()
                .for_each(|sql| self.emit(sql));
            self.schema.tables.push(table.clone());
            return Ok(());
        }
        match in_place(op, self.schema.table(&name))? {
            Some(statements) => {
                statements.into_iter().for_each(|sql| self.emit(sql));
                // The database has the last word on an op the model cannot
                // follow (a raw statement made the table).
                let _ = op.apply(&mut self.schema);
                Ok(())
            }
            None => {
                let Some(table) = self.schema.table(&name) else {
                    return Err(RenderError::Unsupported(format!(
                        "SQLite must rebuild table `{name}` for this change, and retort does not \
                         know the table's definition (was it created by a statement retort does \
                         not understand?); write the change for SQLite as raw SQL"
                    )));
                };
                let mut pending = Pending::new(table.clone(), self.current);
                pending.follow(op);
                self.pending.push(pending);
                self.apply_strictly(op, &name)
            }
        }
    }

    /// Applies an op whose SQL the rebuild derives from the model, which
    /// therefore has to be right.
    fn apply_strictly(&mut self, op: &Op, table: &str) -> Result<(), RenderError> {
        op.apply(&mut self.schema).map_err(|error| {
            RenderError::Unsupported(format!("cannot rebuild table `{table}`: {error}"))
        })?;
        // SQLite's identity is the rowid alias, `INTEGER PRIMARY KEY`, so it
        // goes with the key. Portable SQL has no statement to drop an
        // identity, so an autogenerated downgrade of "add a primary key"
        // (which made the column the alias) drops only the key.
        if let Op::DropPrimaryKey { .. } = op
            && let Some(table) = self.schema.table_mut(table)
        {
            table.columns.iter_mut().for_each(|c| c.identity = false);
        }
        Ok(())
    }

    fn flush_all(&mut self) -> Result<(), RenderError> {
        for pending in std::mem::take(&mut self.pending) {
            self.rebuild(pending)?;
        }
        Ok(())
    }

    fn flush(&mut self, table: &str) -> Result<(), RenderError> {
        if let Some(at) = self.pending.iter().position(|p| p.original.name == table) {
            let pending = self.pending.remove(at);
            self.rebuild(pending)?;
        }
        Ok(())
    }

    /// The manual's rebuild, from `pending.original` to the table's
    /// definition now.
    fn rebuild(&mut self, pending: Pending) -> Result<(), RenderError> {
        let resume = std::mem::replace(&mut self.current, pending.first_op);
        let result = self.rebuild_now(pending);
        self.current = resume;
        result
    }

    fn rebuild_now(&mut self, pending: Pending) -> Result<(), RenderError> {
        let name = &pending.original.name;
        let target = self.schema.table(name).ok_or_else(|| {
            RenderError::Unsupported(format!(
                "cannot rebuild table `{name}`: it no longer exists"
            ))
        })?;
        check_columns_exist(target)?;
        let new = format!("{NEW_TABLE_PREFIX}{name}");
        let (into, from): (Vec<&str>, Vec<&str>) = target
            .columns
            .iter()
            .filter_map(|column| {
                let (_, source) = pending.sources.iter().find(|(n, _)| *n == column.name)?;
                let source = source.as_deref()?;
                pending.original.column(source)?;
                Some((column.name.as_str(), source))
            })
            .unzip();
        if into.is_empty() {
            return Err(RenderError::Unsupported(format!(
                "cannot rebuild table `{name}`: its new definition keeps none of its columns; \
                 drop the table and create it instead"
            )));
        }
        let mut statements = vec![
            create_table(target, &new)?,
            format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                ident(&new),
                idents(into),
                idents(from),
                ident(name)
            ),
            format!("DROP TABLE {}", ident(name)),
            "PRAGMA legacy_alter_table=ON".to_owned(),
            format!("ALTER TABLE {} RENAME TO {}", ident(&new), ident(name)),
            "PRAGMA legacy_alter_table=OFF".to_owned(),
        ];
        statements.extend(target.indexes.iter().map(|i| create_index(name, i)));
        statements.into_iter().for_each(|sql| self.emit(sql));
        self.plan.rebuilds += 1;
        Ok(())
    }

    fn emit(&mut self, sql: String) {
        self.plan.statements.push(Rendered {
            sql,
            verbatim: false,
            op: self.current,
        });
    }

    fn emit_verbatim(&mut self, sql: String) {
        self.plan.statements.push(Rendered {
            sql,
            verbatim: true,
            op: self.current,
        });
    }
}

/// The statements that make the change with SQLite's `ALTER TABLE` or
/// without touching the table, or `None` when the table must be rebuilt.
/// `table` is the table's definition before the change, when known.
fn in_place(op: &Op, table: Option<&Table>) -> Result<Option<Vec<String>>, RenderError> {
    let alter = |table: &str| format!("ALTER TABLE {}", ident(table));
    Ok(Some(match op {
        Op::CreateTable(table) => {
            let mut statements = vec![create_table(table, &table.name)?];
            statements.extend(table.indexes.iter().map(|i| create_index(&table.name, i)));
            statements
        }
        Op::DropTable(table) => vec![format!("DROP TABLE {}", ident(&table.name))],
        Op::RenameTable { from, to } => {
            vec![format!("{} RENAME TO {}", alter(from), ident(to))]
        }
        Op::AddColumn { table, column } if can_add_in_place(column) => {
            vec![format!(
                "{} ADD COLUMN {}",
                alter(table),
                column_definition(column, None)
            )]
        }
        Op::DropColumn {
            table: name,
            column,
        } if table.is_none_or(|t| can_drop_in_place(t, &column.name)) => {
            vec![format!(
                "{} DROP COLUMN {}",
                alter(name),
                ident(&column.name)
            )]
        }
        Op::RenameColumn { table, from, to } => vec![format!(
            "{} RENAME COLUMN {} TO {}",
            alter(table),
            ident(from),
            ident(to)
        )],
        // SQLite has no comments: nothing to do.
        Op::AlterColumn { from, to, .. } if without_comment(from) == without_comment(to) => {
            Vec::new()
        }
        Op::SetTableComment { .. } => Vec::new(),
        Op::CreateIndex { table, index } => vec![create_index(table, index)],
        Op::DropIndex { index, .. } => vec![drop_index(index)],
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

/// `sql` with every identifier `from` (bare or double-quoted, any case, as
/// SQLite compares them) renamed to `to`; string literals are left alone.
fn rename_in_expression(sql: &str, from: &str, to: &str) -> String {
    let replacement = match to.chars().next() {
        Some(first)
            if (first.is_alphabetic() || first == '_')
                && to.chars().all(|c| c.is_alphanumeric() || c == '_') =>
        {
            to.to_owned()
        }
        _ => ident(to),
    };
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        // The end of a token that runs while `more` holds.
        let mut end_while = |more: &dyn Fn(char) -> bool| {
            let mut end = start + c.len_utf8();
            while let Some(&(at, next)) = chars.peek() {
                if !more(next) {
                    break;
                }
                end = at + next.len_utf8();
                chars.next();
            }
            end
        };
        match c {
            '\'' | '"' => {
                // A quoted token; a doubled quote inside it is part of it.
                let mut end = start + 1;
                let mut closed = false;
                while let Some((at, next)) = chars.next() {
                    end = at + next.len_utf8();
                    if next == c {
                        if chars.peek().is_some_and(|&(_, after)| after == c) {
                            chars.next();
                            end += 1;
                        } else {
                            closed = true;
                            break;
                        }
                    }
                }
                let token = &sql[start..end];
                let name =
                    (c == '"' && closed).then(|| token[1..token.len() - 1].replace("\"\"", "\""));
                match name {
                    Some(name) if name.eq_ignore_ascii_case(from) => out.push_str(&ident(to)),
                    _ => out.push_str(token),
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let end = end_while(&|n| n.is_alphanumeric() || n == '_' || n == '$');
                let word = &sql[start..end];
                if word.eq_ignore_ascii_case(from) {
                    out.push_str(&replacement);
                } else {
                    out.push_str(word);
                }
            }
            // A number such as `1e5`: its letters are no identifier.
            c if c.is_ascii_digit() => {
                let end = end_while(&|n| n.is_alphanumeric() || n == '.');
                out.push_str(&sql[start..end]);
            }
            c => out.push(c),
        }
    }
    out
}

fn without_comment(column: &Column) -> Column {
    Column {
        comment: None,
        ..column.clone()
    }
}

/// Names in constraints and indexes that the table has no column for would
/// make `CREATE TABLE` fail half way through a migration; say so now.
fn check_columns_exist(table: &Table) -> Result<(), RenderError> {
    let named = table
        .primary_key
        .iter()
        .map(|k| ("the primary key", &k.columns))
        .chain(
            table
                .uniques
                .iter()
                .map(|u| ("a unique constraint", &u.columns)),
        )
        .chain(
            table
                .foreign_keys
                .iter()
                .map(|k| ("a foreign key", &k.columns)),
        )
        .chain(table.indexes.iter().map(|i| ("an index", &i.columns)));
    for (what, columns) in named {
        if let Some(missing) = columns.iter().find(|c| table.column(c).is_none()) {
            return Err(RenderError::Unsupported(format!(
                "cannot rebuild table `{}`: {what} uses column `{missing}`, which the table no \
                 longer has; drop the constraint or index first",
                table.name
            )));
        }
    }
    Ok(())
}

/// The column that is SQLite's rowid alias, when the table numbers its rows
/// with an identity column.
///
/// SQLite numbers rows only through `INTEGER PRIMARY KEY`
/// (<https://www.sqlite.org/lang_createtable.html#rowid>), so an identity
/// column must be the whole primary key and an integer.
fn rowid_alias(table: &Table) -> Result<Option<&str>, RenderError> {
    let mut identities = table.columns.iter().filter(|c| c.identity);
    let Some(column) = identities.next() else {
        return Ok(None);
    };
    let unsupported = |why: String| {
        Err(RenderError::Unsupported(format!(
            "{why}; SQLite numbers rows only through a single-column INTEGER PRIMARY KEY \
             (the rowid alias)"
        )))
    };
    if let Some(other) = identities.next() {
        return unsupported(format!(
            "table `{}` has two identity columns, `{}` and `{}`",
            table.name, column.name, other.name
        ));
    }
    let key = table.primary_key.as_ref().map(|k| k.columns.as_slice());
    if key != Some(std::slice::from_ref(&column.name)) {
        return unsupported(format!(
            "identity column `{}.{}` is not the table's whole primary key: make it the only \
             primary-key column, or drop the identity",
            table.name, column.name
        ));
    }
    if !column.ty.is_integer() {
        return unsupported(format!(
            "identity column `{}.{}` has type {}, not an integer type",
            table.name, column.name, column.ty
        ));
    }
    Ok(Some(&column.name))
}

/// `CREATE TABLE name (…)` with `table`'s columns and constraints.
fn create_table(table: &Table, name: &str) -> Result<String, RenderError> {
    let rowid = rowid_alias(table)?;
    let key_name = table.primary_key.as_ref().and_then(|k| k.name.as_deref());
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| match rowid {
            Some(alias) if alias == c.name => column_definition(c, Some(key_name)),
            _ => column_definition(c, None),
        })
        .collect();
    // The rowid alias carries the primary key in its column definition.
    let primary_key = table.primary_key.as_ref().filter(|_| rowid.is_none());
    lines.extend(clauses::declared_constraints(
        primary_key,
        &table.uniques,
        &table.checks,
        ident,
    ));
    lines.extend(table.foreign_keys.iter().map(foreign_key));
    Ok(format!(
        "CREATE TABLE {} (\n    {}\n)",
        ident(name),
        lines.join(",\n    ")
    ))
}

/// One column's definition. `rowid_key` is `Some(constraint name)` for the
/// identity column, which becomes `INTEGER PRIMARY KEY` (never NULL, so no
/// `NOT NULL`).
fn column_definition(column: &Column, rowid_key: Option<Option<&str>>) -> String {
    let mut sql = ident(&column.name);
    match rowid_key {
        Some(name) => {
            sql.push_str(" INTEGER ");
            sql.push_str(&constraint(&name.map(str::to_owned)));
            sql.push_str("PRIMARY KEY");
        }
        None => {
            sql.push(' ');
            sql.push_str(&render_type(&column.ty));
            if !column.nullable {
                sql.push_str(" NOT NULL");
            }
        }
    }
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&default_value(default));
    }
    sql
}

fn foreign_key(key: &ForeignKey) -> String {
    format!(
        "{}{}",
        constraint(&key.name),
        clauses::references(key, ident)
    )
}

/// A default as `DEFAULT` takes it (<https://www.sqlite.org/lang_createtable.html#the_default_clause>):
/// SQLite has no boolean literals before 3.23.
fn default_value(default: &Default) -> String {
    clauses::default_value(
        default,
        |s| Sqlite.quote_literal(s),
        |b| Sqlite.bool_literal(b),
    )
}

fn create_index(table: &str, index: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        ident(&index.name),
        ident(table),
        idents(&index.columns)
    )
}

fn drop_index(index: &Index) -> String {
    format!("DROP INDEX {}", ident(&index.name))
}

/// `CONSTRAINT "name" ` when the constraint has a name.
fn constraint(name: &Option<String>) -> String {
    clauses::constraint_prefix(name, ident)
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
