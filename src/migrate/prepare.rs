//! From steps to statements, before anything runs: a portable section is
//! parsed into operations and rendered for the database; a section written
//! for this dialect is split as written. The schema model is followed from
//! the database's current revision onward, so renderings that need a
//! table's definition (MySQL's `MODIFY COLUMN`, SQLite's rebuild) have it.
//! Live runs and offline scripts both start here, so they run the same
//! statements.

use crate::dialect::Dialect;
use crate::migrate::Error;
use crate::op::{Op, tables_before};
use crate::revision::Direction;
use crate::revision::file::{Revision, Section};
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::{Applied, Plan, Step};
use crate::schema::Schema;
use crate::sql::parse::{Parsed, parse_into};
use crate::sql::split::{is_transaction_control, split};

/// One step, ready to run.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub step: Step,
    pub statements: Vec<Statement>,
    /// False for a `transaction=false` section.
    pub transaction: bool,
    /// True when a statement rebuilds a table, which needs foreign-key
    /// enforcement off around the transaction (SQLite).
    pub foreign_keys_off: bool,
    /// What the user should know, e.g. a comment a dialect cannot store.
    pub notes: Vec<String>,
}

/// One statement of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// The file line of the statement it comes from.
    pub line: usize,
    /// Run as written: retort did not understand it.
    pub verbatim: bool,
}

/// Prepares steps in order, following the schema as they change it.
pub struct Preparer<'g> {
    graph: &'g RevisionGraph,
    dialect: &'static dyn Dialect,
    schema: Schema,
}

impl<'g> Preparer<'g> {
    /// Starts from the schema the applied revisions built, replaying their
    /// upgrades from base.
    pub fn new(graph: &'g RevisionGraph, dialect: &'static dyn Dialect, applied: &Applied) -> Self {
        let mut preparer = Preparer {
            graph,
            dialect,
            schema: Schema::default(),
        };
        for node in applied.nodes(graph) {
            preparer.follow(graph.revision(node), Direction::Up);
        }
        preparer
    }

    /// The statements of one step; the schema moves past it.
    pub fn prepare(&mut self, step: Step) -> Result<Prepared, Error> {
        let revision = self.graph.revision(step.node);
        let kind = self.dialect.kind();
        let Some(section) = revision.section(step.direction, kind) else {
            if step.direction == Direction::Down {
                return Err(Error::Irreversible {
                    revision: revision.id.0.clone(),
                    path: revision.path.clone(),
                });
            }
            return Ok(Prepared {
                step,
                statements: Vec::new(),
                transaction: true,
                foreign_keys_off: false,
                notes: Vec::new(),
            });
        };
        let mut prepared = if section.dialect.is_some() {
            let prepared = self.written(step, revision, section)?;
            self.follow(revision, step.direction);
            prepared
        } else {
            self.portable(step, revision, section)?
        };
        prepared.transaction = section.transaction;
        if let Some(statement) = prepared
            .statements
            .iter()
            .find(|s| is_transaction_control(&s.sql))
        {
            return Err(Error::TransactionControl {
                path: revision.path.clone(),
                line: statement.line,
                sql: statement.sql.clone(),
            });
        }
        Ok(prepared)
    }

    /// A section written for this dialect: its statements as written.
    fn written(
        &self,
        step: Step,
        revision: &Revision,
        section: &Section,
    ) -> Result<Prepared, Error> {
        let statements =
            split(&section.sql, self.dialect.split_rules()).map_err(|e| Error::Split {
                path: revision.path.clone(),
                line: section.sql_line + e.line() - 1,
                message: e.to_string(),
            })?;
        Ok(Prepared {
            step,
            statements: statements
                .into_iter()
                .map(|s| Statement {
                    line: section.sql_line + s.line - 1,
                    sql: s.sql,
                    verbatim: false,
                })
                .collect(),
            transaction: section.transaction,
            foreign_keys_off: false,
            notes: Vec::new(),
        })
    }

    /// A portable section: parsed, rendered, and followed by the model.
    fn portable(
        &mut self,
        step: Step,
        revision: &Revision,
        section: &Section,
    ) -> Result<Prepared, Error> {
        let parsed = parse_into(&section.sql, &mut self.schema).map_err(|e| Error::Parse {
            path: revision.path.clone(),
            line: section.sql_line + e.line - 1,
            column: e.column,
            message: e.message.clone(),
            help: e.help.clone(),
        })?;
        let (ops, lines): (Vec<_>, Vec<_>) = parsed
            .into_iter()
            .flat_map(|Parsed { ops, line }| ops.into_iter().map(move |op| (op, line)))
            .unzip();
        let before = tables_before(&ops, &self.schema);
        let line_of = |op: usize| section.sql_line + lines.get(op).copied().unwrap_or(1) - 1;
        let rendered = self
            .dialect
            .render_all(&ops, &before)
            .map_err(|e| Error::Render {
                path: revision.path.clone(),
                line: section.sql_line,
                message: e.to_string(),
            })?;
        let mut notes = Vec::new();
        if !self.dialect.has_comments()
            && ops
                .iter()
                .any(|op| matches!(op, Op::SetTableComment { .. }))
        {
            notes.push(format!(
                "{}: {} keeps no comments; they are left out",
                revision.id,
                self.dialect.kind()
            ));
        }
        Ok(Prepared {
            step,
            foreign_keys_off: self.dialect.needs_foreign_keys_off(&ops, &before),
            statements: rendered
                .into_iter()
                .map(|r| Statement {
                    line: line_of(r.op),
                    sql: r.sql,
                    verbatim: r.verbatim,
                })
                .collect(),
            transaction: section.transaction,
            notes,
        })
    }

    /// Moves the model past a revision without rendering it: the portable
    /// section when there is one (the dialect's own may not parse as
    /// portable SQL). What the model cannot follow it skips; the database
    /// has the last word.
    fn follow(&mut self, revision: &Revision, direction: Direction) {
        let section = revision
            .sections
            .iter()
            .find(|s| s.direction == direction && s.dialect.is_none())
            .or_else(|| revision.section(direction, self.dialect.kind()));
        if let Some(section) = section {
            let _ = parse_into(&section.sql, &mut self.schema);
        }
    }
}

/// Every step of a plan as statements, before the first runs: a revision
/// that does not parse or render stops the run before anything changed.
pub fn prepare_all(
    graph: &RevisionGraph,
    dialect: &'static dyn Dialect,
    plan: &Plan,
) -> Result<Vec<Prepared>, Error> {
    let mut preparer = Preparer::new(graph, dialect, &plan.start);
    plan.steps
        .iter()
        .map(|&step| preparer.prepare(step))
        .collect()
}
