//! What a rule is given: one statement of an upgrade section, as written and
//! as the dialect will run it, with what retort read it as, and what is known
//! of the section so far.

use std::collections::{HashMap, HashSet};

use std::cell::OnceCell;

use sqlparser::ast;
use sqlparser::parser::Parser;

use crate::dialect::Dialect;
use crate::op::Op;
use crate::schema::Schema;

/// One statement of the upgrade section being checked.
pub(crate) struct Statement<'a> {
    /// As written in the file.
    pub sql: &'a str,
    /// Its syntax tree once read (see [`Statement::ast`]).
    pub tree: &'a OnceCell<Option<ast::Statement>>,
    /// The grammar to read it with: PostgreSQL's for a portable section
    /// (portable SQL is written closest to it), the database's own for a
    /// section written for it.
    pub parser: &'a dyn sqlparser::dialect::Dialect,
    /// What retort read it as: [`Op::Raw`] when it runs verbatim.
    pub ops: &'a [Op],
    /// The statements the dialect will run for it.
    pub rendered: &'a [String],
    /// True in a portable section (rendered op by op), false in one written
    /// for the database (run as written).
    pub portable: bool,
    /// The tables the statement touches, as they are before it.
    pub before: &'a Schema,
    /// What the section did before this statement.
    pub section: &'a SectionState,
    /// The database it is checked for.
    pub dialect: &'static dyn Dialect,
}

impl<'a> Statement<'a> {
    /// The statement's syntax tree, `None` when it does not parse as one
    /// statement. Read on first use: only the rules that need it pay for
    /// a second parse.
    pub fn ast(&self) -> Option<&'a ast::Statement> {
        self.tree
            .get_or_init(|| {
                let mut statements = Parser::parse_sql(self.parser, self.sql).ok()?;
                (statements.len() == 1).then(|| statements.pop())?
            })
            .as_ref()
    }

    /// True when `table` existed before the revision: a table created by an
    /// earlier statement of the same section holds no rows and no running
    /// release uses it, so locking it harms nobody.
    pub fn existing(&self, table: &str) -> bool {
        !self.section.created.contains(table)
    }
}

/// What the statements of a section did so far, for rules about their
/// order and number.
#[derive(Debug, Default)]
pub(crate) struct SectionState {
    /// False for a `transaction=false` section.
    pub transaction: bool,
    /// Tables created (or renamed from one created) in this section.
    pub created: HashSet<String>,
    /// Whether a `SET lock_timeout` ran earlier in the section.
    pub lock_timeout: bool,
    /// Whether an earlier statement took a lock that blocks writes
    /// (PostgreSQL): `pg-lock-timeout` speaks once per section.
    pub blocking_lock: bool,
    /// Existing tables earlier statements altered, with how many changes.
    pub altered: HashMap<String, usize>,
    /// Checks proving a column holds no NULL, carried from revision to
    /// revision.
    pub proofs: Proofs,
}

/// `CHECK (c IS NOT NULL)` constraints seen so far: added `NOT VALID` (by
/// name), and validated (by table and column). `SET NOT NULL` skips its
/// scan when a validated one exists (PostgreSQL 12+).
#[derive(Debug, Default)]
pub(crate) struct Proofs {
    pending: HashMap<(String, String), String>,
    validated: HashSet<(String, String)>,
}

impl SectionState {
    /// Whether a validated check proves `table.column` holds no NULL: one
    /// seen by lint, or one in the schema (added without `NOT VALID`).
    pub fn validated_not_null(&self, table: &str, column: &str, before: &Schema) -> bool {
        self.proofs
            .validated
            .contains(&(table.to_owned(), column.to_owned()))
            || before.table(table).is_some_and(|t| {
                t.checks
                    .iter()
                    .any(|c| not_null_column(&c.expression).is_some_and(|col| col == column))
            })
    }

    /// Records what a statement did, after the rules have seen it.
    pub fn record(
        &mut self,
        ops: &[Op],
        ast: Option<&ast::Statement>,
        sql: &str,
        existing_altered: &[String],
        blocking_lock: bool,
    ) {
        for op in ops {
            match op {
                Op::CreateTable(table) => {
                    self.created.insert(table.name.clone());
                }
                Op::RenameTable { from, to } if self.created.contains(from) => {
                    self.created.insert(to.clone());
                }
                _ => {}
            }
        }
        for table in existing_altered {
            *self.altered.entry(table.clone()).or_default() += 1;
        }
        self.blocking_lock |= blocking_lock;
        if is_lock_timeout(sql) {
            self.lock_timeout = true;
        }
        match ast {
            Some(ast::Statement::CreateTable(create)) => {
                self.created.insert(last_name(&create.name));
            }
            Some(ast::Statement::AlterTable(alter)) => {
                let table = last_name(&alter.name);
                for operation in &alter.operations {
                    self.proofs.record(&table, operation);
                }
            }
            _ => {}
        }
    }
}

impl Proofs {
    fn record(&mut self, table: &str, operation: &ast::AlterTableOperation) {
        match operation {
            ast::AlterTableOperation::AddConstraint {
                constraint: ast::TableConstraint::Check(check),
                not_valid,
            } => {
                let Some(column) = not_null_column(&check.expr.to_string()) else {
                    return;
                };
                let key = (table.to_owned(), column);
                match (&check.name, not_valid) {
                    (Some(name), true) => {
                        self.pending
                            .insert((table.to_owned(), name.value.clone()), key.1);
                    }
                    (_, false) => {
                        self.validated.insert(key);
                    }
                    (None, true) => {}
                }
            }
            ast::AlterTableOperation::ValidateConstraint { name } => {
                if let Some(column) = self.pending.remove(&(table.to_owned(), name.value.clone())) {
                    self.validated.insert((table.to_owned(), column));
                }
            }
            _ => {}
        }
    }
}

/// The column of a `c IS NOT NULL` condition.
fn not_null_column(expression: &str) -> Option<String> {
    let text = expression
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let upper = text.to_ascii_uppercase();
    let column = text[..upper.strip_suffix(" IS NOT NULL")?.len()].trim();
    let column = column.trim_matches('"');
    (!column.is_empty() && !column.contains(char::is_whitespace)).then(|| column.to_owned())
}

/// `SET [SESSION | LOCAL] lock_timeout …`.
fn is_lock_timeout(sql: &str) -> bool {
    let lower = sql.trim_start().to_ascii_lowercase();
    lower.starts_with("set ") && lower.contains("lock_timeout")
}

/// The last part of a possibly qualified name, unquoted.
pub(crate) fn last_name(name: &ast::ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map_or_else(|| name.to_string(), |ident| ident.value.clone())
}
