//! Running a plan: each step's statements, its version-table update and its
//! log row, in one transaction where the database allows. One code path
//! serves live runs and offline scripts: a [`Sink`] either executes a
//! statement or writes it down.

use std::time::{Duration, Instant};

use crate::dialect::Dialect;
use crate::migrate::connection::{Connection, describe};
use crate::migrate::tables::{LogEntry, Tables};
use crate::migrate::{Error, StepFailure};
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::plan::{Applied, Direction, Step};
use crate::sql::split::{is_transaction_control, split};

/// Where statements go.
pub enum Sink<'c> {
    /// Executed on a connection.
    Live(&'c mut Connection),
    /// Collected into a script.
    Script(Vec<String>),
}

impl Sink<'_> {
    pub(crate) async fn run(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Sink::Live(connection) => connection.execute(sql).await,
            Sink::Script(lines) => {
                lines.push(sql.to_owned());
                Ok(())
            }
        }
    }

    /// A comment that helps a reader of a script; live runs skip it.
    fn comment(&mut self, text: &str) {
        if let Sink::Script(lines) = self {
            lines.push(format!("-- {text}"));
        }
    }

    fn is_live(&self) -> bool {
        matches!(self, Sink::Live(_))
    }
}

/// How transactions wrap the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batching {
    /// Each revision commits on its own (`transaction_per_migration = true`).
    PerRevision,
    /// All revisions in one transaction, committed at the end.
    Single,
    /// All revisions in one transaction, rolled back at the end (`--dry-run`).
    RollBack,
}

/// What a run reports while it goes.
#[derive(Debug, Clone)]
pub enum Event {
    /// The run will take this many steps.
    Planned { steps: usize },
    /// A statement is about to run (or be written).
    Statement {
        revision: String,
        index: usize,
        total: usize,
        sql: String,
    },
    /// A revision was applied or reverted.
    Step(StepReport),
    /// Something the user should know.
    Note(String),
}

/// One finished step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub revision: String,
    pub message: String,
    pub direction: Direction,
    pub duration: Duration,
    pub statements: usize,
}

/// Everything a run needs besides the sink.
pub struct Runner<'a> {
    pub graph: &'a RevisionGraph,
    pub dialect: &'static dyn Dialect,
    pub tables: Tables,
    pub batching: Batching,
    /// Statements of the first step already run by an earlier, failed
    /// attempt on a database without transactional DDL (`--resume`).
    pub resume_from: usize,
    /// `"upgrade"`, `"downgrade"`: recorded in the log.
    pub operation: &'static str,
}

impl Runner<'_> {
    /// Runs the steps from `state`, updating it as each one completes.
    pub async fn run(
        &self,
        sink: &mut Sink<'_>,
        state: &mut Applied,
        steps: &[Step],
        events: &mut dyn FnMut(Event),
    ) -> Result<Vec<StepReport>, Error> {
        let mut reports = Vec::with_capacity(steps.len());
        let mut open = false;
        events(Event::Planned { steps: steps.len() });
        for (index, step) in steps.iter().enumerate() {
            let skip = if index == 0 { self.resume_from } else { 0 };
            match self.step(sink, state, *step, skip, &mut open, events).await {
                Ok(report) => {
                    events(Event::Step(report.clone()));
                    reports.push(report);
                }
                Err(error) => return Err(error),
            }
        }
        if open {
            let end = if self.batching == Batching::RollBack {
                "ROLLBACK"
            } else {
                "COMMIT"
            };
            self.control(sink, end).await?;
        }
        Ok(reports)
    }

    async fn control(&self, sink: &mut Sink<'_>, sql: &str) -> Result<(), Error> {
        sink.run(sql)
            .await
            .map_err(|e| Error::Database(describe(&e)))
    }

    fn ids(&self, nodes: &[Node]) -> Vec<String> {
        self.graph.names(nodes)
    }

    async fn step(
        &self,
        sink: &mut Sink<'_>,
        state: &mut Applied,
        step: Step,
        skip: usize,
        open: &mut bool,
        events: &mut dyn FnMut(Event),
    ) -> Result<StepReport, Error> {
        let revision = self.graph.revision(step.node);
        let kind = self.dialect.kind();
        let verb = match step.direction {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        };
        sink.comment(&format!(
            "Running {verb} {}: {}",
            revision.id, revision.message
        ));
        let section = revision.section(step.direction, kind);
        let statements = match section {
            Some(section) => split(&section.sql, kind).map_err(|e| Error::Split {
                path: revision.path.clone(),
                line: section.sql_line + e.line() - 1,
                message: e.to_string(),
            })?,
            None if step.direction == Direction::Down => {
                return Err(Error::Irreversible {
                    revision: revision.id.0.clone(),
                    path: revision.path.clone(),
                });
            }
            None => Vec::new(),
        };
        if let Some(statement) = statements.iter().find(|s| is_transaction_control(&s.sql)) {
            return Err(Error::TransactionControl {
                path: revision.path.clone(),
                line: section.map_or(0, |s| s.sql_line + statement.line - 1),
                sql: statement.sql.clone(),
            });
        }
        let wants_transaction =
            self.dialect.transactional_ddl() && section.is_none_or(|s| s.transaction);
        // A dry run cannot roll back what must run outside a transaction, so it
        // skips those statements and keeps the step inside its transaction.
        let dry_skip = self.batching == Batching::RollBack && !wants_transaction;
        let in_transaction = wants_transaction || dry_skip;
        let before = self.ids(&state.tips(self.graph));
        let mut after_state = state.clone();
        after_state.apply(step);
        let after = self.ids(&after_state.tips(self.graph));

        // A section that must run outside a transaction ends an open batch first.
        if !in_transaction && *open {
            let end = if self.batching == Batching::RollBack {
                "ROLLBACK"
            } else {
                "COMMIT"
            };
            self.control(sink, end).await?;
            *open = false;
        }
        if in_transaction && !*open {
            self.control(sink, self.dialect.begin()).await?;
            *open = true;
            if self.batching == Batching::RollBack {
                // A dry run on a fresh database: retort's tables are created
                // inside the transaction, so they are rolled back with the rest.
                for sql in self.tables.create(self.dialect) {
                    self.control(sink, &sql).await?;
                }
            }
            self.verify(sink, &before).await?;
        }

        let started_at = jiff::Timestamp::now();
        let clock = Instant::now();
        let total = statements.len();
        if dry_skip && total > 0 {
            events(Event::Note(format!(
                "{}: its statements run outside a transaction and are not executed in a dry run",
                revision.id
            )));
        }
        let skip_here = if dry_skip { total } else { skip };
        for (index, statement) in statements.iter().enumerate().skip(skip_here) {
            events(Event::Statement {
                revision: revision.id.0.clone(),
                index: index + 1,
                total,
                sql: statement.sql.clone(),
            });
            if let Err(error) = sink.run(&statement.sql).await {
                let message = describe(&error);
                let applied = if in_transaction { 0 } else { index };
                if *open {
                    // The failed statement aborted the transaction; what remains is to end it.
                    let _ = sink.run("ROLLBACK").await;
                    *open = false;
                }
                let entry = LogEntry {
                    revision: &revision.id.0,
                    down_revisions: &self.ids(self.graph.parents(step.node)).join(","),
                    direction: step.direction.as_str(),
                    operation: self.operation,
                    checksum: Some(&revision.checksum()),
                    started_at,
                    duration_ms: Some(clock.elapsed().as_millis()),
                    success: false,
                    statements_applied: applied,
                    statements_total: total,
                    error: Some(&message),
                    downgrade_sql: None,
                };
                if self.batching != Batching::RollBack {
                    // Best effort: the failure itself is what the user must see.
                    let _ = sink
                        .run(&self.tables.log_insert(self.dialect, &entry))
                        .await;
                }
                return Err(Error::StepFailed(Box::new(StepFailure {
                    revision: revision.id.0.clone(),
                    path: revision.path.clone(),
                    direction: step.direction,
                    statement: index + 1,
                    total,
                    line: section.map_or(0, |s| s.sql_line + statement.line - 1),
                    sql: statement.sql.clone(),
                    message,
                    applied,
                    rolled_back: in_transaction,
                })));
            }
        }
        if !in_transaction {
            // The version row and the log row still commit together.
            self.control(sink, self.dialect.begin()).await?;
            *open = true;
        }
        let duration = clock.elapsed();
        for sql in self.tables.update_versions(self.dialect, &before, &after) {
            self.control(sink, &sql).await?;
        }
        let downgrade_sql = match step.direction {
            Direction::Up => revision
                .section(Direction::Down, kind)
                .map(|s| s.sql.as_str()),
            Direction::Down => None,
        };
        let entry = LogEntry {
            revision: &revision.id.0,
            down_revisions: &self.ids(self.graph.parents(step.node)).join(","),
            direction: step.direction.as_str(),
            operation: self.operation,
            checksum: Some(&revision.checksum()),
            started_at,
            duration_ms: sink.is_live().then_some(duration.as_millis()),
            success: true,
            statements_applied: total,
            statements_total: total,
            error: None,
            downgrade_sql,
        };
        self.control(sink, &self.tables.log_insert(self.dialect, &entry))
            .await?;
        if self.batching == Batching::PerRevision || !in_transaction {
            self.control(sink, "COMMIT").await?;
            *open = false;
        }
        *state = after_state;
        Ok(StepReport {
            revision: revision.id.0.clone(),
            message: revision.message.clone(),
            direction: step.direction,
            duration,
            statements: total,
        })
    }

    /// Without a session lock (SQLite), another run may have moved the
    /// version table since the plan was made: re-read it inside the write
    /// transaction and ask for a new plan if it changed.
    async fn verify(&self, sink: &mut Sink<'_>, expected: &[String]) -> Result<(), Error> {
        let Sink::Live(connection) = sink else {
            return Ok(());
        };
        if connection.has_session_lock() {
            return Ok(());
        }
        let mut found = connection.versions(&self.tables.version).await?;
        let mut expected = expected.to_vec();
        found.sort();
        expected.sort();
        if found != expected {
            let _ = connection.execute("ROLLBACK").await;
            return Err(Error::Replan);
        }
        Ok(())
    }
}
