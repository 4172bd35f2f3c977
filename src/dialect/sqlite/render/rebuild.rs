//! The table rebuild (see the parent module's doc): a section's operations
//! planned so that each table SQLite cannot change in place is rebuilt once,
//! from its definition before the first change to the one after the last.

use crate::dialect::{RenderError, Rendered};
use crate::op::Op;
use crate::schema::{Schema, Table};

use super::table::create_table;
use super::{W, ident, idents, in_place};

/// Prefix of the table a rebuild creates before it takes the old one's name.
const NEW_TABLE_PREFIX: &str = "_retort_new_";

/// What a section renders to.
pub(super) struct Plan {
    pub(super) statements: Vec<Rendered>,
    pub(super) rebuilds: usize,
}

pub(super) fn plan(ops: &[Op], before: &Schema) -> Result<Plan, RenderError> {
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
                self.emit(W.rename_table(from, to));
                let _ = op.apply(&mut self.schema);
            }
            // No point rebuilding a table about to go.
            Op::DropTable(table) => {
                self.pending.retain(|p| p.original.name != table.name);
                self.emit(W.drop_table(&table.name));
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
                    self.emit(W.drop_index(index));
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
            W.drop_table(name),
            "PRAGMA legacy_alter_table=ON".to_owned(),
            W.rename_table(&new, name),
            "PRAGMA legacy_alter_table=OFF".to_owned(),
        ];
        statements.extend(target.indexes.iter().map(|i| W.create_index(name, i)));
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

/// `sql` with every identifier `from` (bare or double-quoted, any case, as
/// SQLite compares them) renamed to `to`; string literals are left alone.
pub(super) fn rename_in_expression(sql: &str, from: &str, to: &str) -> String {
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
