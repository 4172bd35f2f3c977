//! Running prepared steps: each step's statements, its version-table update
//! and its log row, in one transaction where the database allows. One code
//! path serves live runs and offline scripts: a [`Sink`] either executes a
//! statement or writes it down.

use std::time::{Duration, Instant};

use crate::connection::Connection;
use crate::dialect::{Dialect, ForeignKeyPause};
use crate::migrate::prepare::Prepared;
use crate::migrate::tables::{LogEntry, Tables, statement_hashes};
use crate::migrate::write::Write;
use crate::migrate::{Error, Settings, StepFailure};
use crate::printable::printable;
use crate::revision::Direction;
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::plan::{Plan, PlannedStep};

/// Where statements go.
pub enum Sink<'c> {
    /// Executed on a connection.
    Live(&'c mut Connection),
    /// Collected into a script.
    Script(Vec<String>),
}

impl Sink<'_> {
    pub(crate) async fn run(&mut self, sql: &str) -> Result<(), crate::connection::Error> {
        match self {
            Sink::Live(connection) => connection.execute(sql).await,
            Sink::Script(lines) => {
                lines.push(sql.to_owned());
                Ok(())
            }
        }
    }

    /// retort's own writes: bound and checked when live, each written
    /// with literals in a script. On PostgreSQL several take one round trip
    /// ([`Write::combined`]): a migration of many small revisions is
    /// dominated by round trips. A write that changes fewer rows than it
    /// must stops the run. Returns the id of a row inserted by a
    /// [`Write::returns_id`] write; `started` is the one inserted earlier.
    pub(crate) async fn write(
        &mut self,
        dialect: &dyn Dialect,
        tables: &Tables,
        writes: &[Write],
        started: Option<i64>,
    ) -> Result<Option<i64>, Error> {
        let connection = match self {
            Sink::Live(connection) => connection,
            Sink::Script(lines) => {
                lines.extend(writes.iter().map(|w| w.literal(dialect, &tables.log)));
                return Ok(None);
            }
        };
        let combined = Write::combined(dialect, writes);
        let mut inserted = None;
        let list = match &combined {
            Some(one) => std::slice::from_ref(one),
            None => writes,
        };
        for write in list {
            let (sql, values) = write.bound(dialect, started);
            let (changed, id) = connection
                .write(&sql, &values, write.counted, write.returns_id)
                .await
                .map_err(|e| Error::Database(e.to_string()))?;
            // A combined write counts each of the writes it holds.
            let parts = if write.counted {
                writes
            } else {
                std::slice::from_ref(write)
            };
            for (part, changed) in parts.iter().zip(changed) {
                if let Some(expected) = part.rows
                    && changed != expected
                {
                    return Err(Error::Unchanged {
                        sql: part.bound(dialect, started).0,
                        expected,
                        changed,
                    });
                }
            }
            inserted = inserted.or(id);
        }
        Ok(inserted)
    }

    /// A comment that helps a reader of a script; live runs skip it. The
    /// text may hold a revision's message: no control character may reach
    /// the script, where a CR or LF would end the comment and run the rest.
    fn comment(&mut self, text: &str) {
        if let Sink::Script(lines) = self {
            lines.push(format!("-- {}", printable(text)));
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

impl Batching {
    /// A live run's batching: `--dry-run` rolls back, else the setting says.
    pub fn live(settings: &Settings) -> Self {
        if settings.dry_run {
            Batching::RollBack
        } else {
            Self::script(settings)
        }
    }

    /// A script's batching: it has nothing to roll back.
    pub fn script(settings: &Settings) -> Self {
        if settings.transaction_per_migration {
            Batching::PerRevision
        } else {
            Batching::Single
        }
    }
}

/// What a run reports while it goes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// The run will take this many steps.
    Planned {
        /// How many.
        steps: usize,
    },
    /// A statement is about to run (or be written).
    Statement {
        /// The revision it belongs to.
        revision: String,
        /// Its number in the revision's section, from 1.
        index: usize,
        /// How many statements the section has.
        total: usize,
        /// The statement as it runs.
        sql: String,
    },
    /// A revision was applied or reverted.
    Step(StepReport),
    /// Something the user should know.
    Note(String),
}

/// One finished step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StepReport {
    /// The revision's identifier.
    pub revision: String,
    /// Its `-- Message:` header.
    pub message: String,
    /// Whether it was applied or reverted.
    pub direction: Direction,
    /// How long it took.
    pub duration: Duration,
    /// How many statements its section has.
    pub statements: usize,
}

/// Everything a run needs besides the sink: the plan it executes, and how.
pub struct Runner<'a> {
    pub graph: &'a RevisionGraph,
    pub dialect: &'static dyn Dialect,
    pub tables: Tables,
    pub batching: Batching,
    /// For each step, its statements already run by an earlier attempt
    /// that stopped part way outside a transaction (`--resume`); a step
    /// past the end of the list skips none.
    pub resume_from: Vec<usize>,
    /// What runs, with the version-table rows around each step and the
    /// operation the log records.
    pub plan: &'a Plan,
}

/// The transaction a run has open, if any.
struct Open {
    /// Foreign-key enforcement was switched off before it began.
    paused: Option<ForeignKeyPause>,
}

impl Runner<'_> {
    /// Runs the plan's steps, prepared ([`crate::migrate::prepare`]) in the
    /// same order.
    pub async fn run(
        &self,
        sink: &mut Sink<'_>,
        steps: &[Prepared],
        events: &mut dyn FnMut(Event),
    ) -> Result<Vec<StepReport>, Error> {
        events(Event::Planned { steps: steps.len() });
        let mut reports = Vec::with_capacity(steps.len());
        let mut open: Option<Open> = None;
        for (index, (planned, prepared)) in self.plan.planned().zip(steps).enumerate() {
            let skip = self.resume_from.get(index).copied().unwrap_or(0);
            // In one long transaction, foreign keys go off up front if any step needs it.
            let pause_all =
                self.batching != Batching::PerRevision && steps.iter().any(|p| p.foreign_keys_off);
            let report = self
                .step(sink, planned, prepared, skip, pause_all, &mut open, events)
                .await?;
            events(Event::Step(report.clone()));
            reports.push(report);
        }
        if let Some(transaction) = open.take() {
            let end = if self.batching == Batching::RollBack {
                "ROLLBACK"
            } else {
                "COMMIT"
            };
            self.close(sink, transaction, end).await?;
        }
        Ok(reports)
    }

    fn ids(&self, nodes: &[Node]) -> Vec<String> {
        self.graph.names(nodes)
    }

    async fn control(&self, sink: &mut Sink<'_>, sql: &str) -> Result<(), Error> {
        sink.run(sql)
            .await
            .map_err(|e| Error::Database(e.to_string()))
    }

    async fn begin(&self, sink: &mut Sink<'_>, pause: bool) -> Result<Open, Error> {
        let paused = if pause {
            self.dialect.foreign_key_pause()
        } else {
            None
        };
        if let Some(pause) = paused {
            self.control(sink, pause.off).await?;
        }
        self.control(sink, self.dialect.begin()).await?;
        Ok(Open { paused })
    }

    /// Ends a transaction; with foreign keys paused, checks them first and
    /// switches them back on after.
    async fn close(&self, sink: &mut Sink<'_>, open: Open, end: &str) -> Result<(), Error> {
        let mut result = Ok(());
        if let (Some(pause), "COMMIT") = (open.paused, end) {
            result = self.check_foreign_keys(sink, pause).await;
        }
        let end = if result.is_ok() { end } else { "ROLLBACK" };
        self.control(sink, end).await?;
        if let Some(pause) = open.paused {
            self.control(sink, pause.on).await?;
        }
        result
    }

    async fn check_foreign_keys(
        &self,
        sink: &mut Sink<'_>,
        pause: ForeignKeyPause,
    ) -> Result<(), Error> {
        match sink {
            Sink::Live(connection) => {
                let rows = connection.strings(pause.check).await?;
                if rows.is_empty() {
                    Ok(())
                } else {
                    Err(Error::Database(format!(
                        "the change leaves rows whose foreign keys point nowhere, in table(s) {}",
                        rows.join(", ")
                    )))
                }
            }
            Sink::Script(lines) => {
                lines.push(pause.check.to_owned());
                Ok(())
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn step(
        &self,
        sink: &mut Sink<'_>,
        planned: PlannedStep<'_>,
        prepared: &Prepared,
        skip: usize,
        pause_all: bool,
        open: &mut Option<Open>,
        events: &mut dyn FnMut(Event),
    ) -> Result<StepReport, Error> {
        let step = prepared.step;
        let revision = self.graph.revision(step.node);
        let verb = match step.direction {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        };
        sink.comment(&format!(
            "Running {verb} {}: {}",
            revision.id, revision.message
        ));
        for note in &prepared.notes {
            events(Event::Note(note.clone()));
        }
        let wants_transaction = self.dialect.transactional_ddl() && prepared.transaction;
        // A dry run cannot roll back what must run outside a transaction, so it
        // skips those statements and keeps the step inside its transaction.
        let dry_skip = self.batching == Batching::RollBack && !wants_transaction;
        let in_transaction = wants_transaction || dry_skip;
        let before = self.ids(planned.versions_before);
        let after = self.ids(planned.versions_after);

        // A section that must run outside a transaction ends an open batch first.
        if !in_transaction && let Some(transaction) = open.take() {
            self.close(sink, transaction, "COMMIT").await?;
        }
        if in_transaction && open.is_none() {
            *open = Some(
                self.begin(sink, pause_all || prepared.foreign_keys_off)
                    .await?,
            );
            if self.batching == Batching::RollBack {
                // A dry run on a fresh database: retort's tables are created
                // inside the transaction, so they are rolled back with the rest.
                for sql in self.tables.create(self.dialect) {
                    self.control(sink, &sql).await?;
                }
            }
            if let Err(error) = self.verify(sink, &before).await {
                if let Some(transaction) = open.take() {
                    let _ = self.close(sink, transaction, "ROLLBACK").await;
                }
                return Err(error);
            }
        }

        let started_at = jiff::Timestamp::now();
        let clock = Instant::now();
        let statements = &prepared.statements;
        let total = statements.len();
        if dry_skip && total > 0 {
            events(Event::Note(format!(
                "{}: its statements run outside a transaction and are not executed in a dry run",
                revision.id
            )));
        }
        let skip = if dry_skip { total } else { skip };
        let hashes = statement_hashes(statements.iter().map(|s| s.sql.as_str()));
        // Outside a transaction a kill can leave the revision half done: its
        // log row goes in before the first statement and counts the ones
        // that finished, so the next run knows what ran (docs/running-migrations.md).
        let logs_start = !in_transaction && self.batching != Batching::RollBack;
        let mut started = None;
        if logs_start {
            let entry = LogEntry {
                success: false,
                ..self.log_entry(prepared, started_at, None, skip, None, &hashes)
            };
            started = sink
                .write(
                    self.dialect,
                    &self.tables,
                    &[self.tables.log_started(&entry)],
                    None,
                )
                .await?;
        }
        for (index, statement) in statements.iter().enumerate().skip(skip) {
            events(Event::Statement {
                revision: revision.id.0.clone(),
                index: index + 1,
                total,
                sql: statement.sql.clone(),
            });
            if logs_start && index > skip {
                let progress = [self.tables.log_progress(index)];
                sink.write(self.dialect, &self.tables, &progress, started)
                    .await?;
            }
            if statement.verbatim {
                sink.comment("run as written: retort does not understand this statement");
            }
            if let Err(error) = sink.run(&statement.sql).await {
                let message = error.to_string();
                let applied = if in_transaction { 0 } else { index };
                if let Some(transaction) = open.take() {
                    // The failed statement aborted the transaction; what remains is to end it.
                    let _ = self.close(sink, transaction, "ROLLBACK").await;
                }
                if self.batching != Batching::RollBack {
                    let entry = self.log_entry(
                        prepared,
                        started_at,
                        Some(clock.elapsed()),
                        applied,
                        Some(&message),
                        &hashes,
                    );
                    let write = if logs_start {
                        self.tables.log_finish(&entry)
                    } else {
                        self.tables.log_insert(&entry)
                    };
                    // Best effort: the failure itself is what the user must see.
                    let _ = sink
                        .write(self.dialect, &self.tables, &[write], started)
                        .await;
                }
                return Err(Error::StepFailed(Box::new(StepFailure {
                    revision: revision.id.0.clone(),
                    path: revision.path.clone(),
                    direction: step.direction,
                    statement: index + 1,
                    total,
                    line: statement.line,
                    sql: statement.sql.clone(),
                    message,
                    applied,
                    rolled_back: in_transaction,
                })));
            }
        }

        let duration = clock.elapsed();
        let entry = self.log_entry(
            prepared,
            started_at,
            sink.is_live().then_some(duration),
            total,
            None,
            &hashes,
        );
        let writes = if logs_start {
            self.tables
                .move_and_finish(self.dialect, &before, &after, &entry)
                .map_or_else(
                    || {
                        let mut writes = self.tables.update_versions(&before, &after);
                        writes.push(self.tables.log_finish(&entry));
                        writes
                    },
                    |one| vec![one],
                )
        } else {
            let mut writes = self.tables.update_versions(&before, &after);
            writes.push(self.tables.log_insert(&entry));
            writes
        };
        // The version row and the log row commit together: in the revision's
        // transaction, in one of their own, or as one statement.
        let wrap = !in_transaction && writes.len() > 1;
        if wrap {
            self.control(sink, self.dialect.begin()).await?;
        }
        let commit_now = self.batching == Batching::PerRevision || !in_transaction;
        let plain_commit = commit_now && open.as_ref().is_none_or(|o| o.paused.is_none());
        let mut result = sink
            .write(self.dialect, &self.tables, &writes, started)
            .await
            .map(|_| ());
        if result.is_ok() && plain_commit && (in_transaction || wrap) {
            result = self.control(sink, "COMMIT").await;
        }
        if let Err(error) = result {
            let _ = sink.run("ROLLBACK").await;
            *open = None;
            if logs_start {
                // Its statements all ran; the row says so, and why it is not done.
                let message = error.to_string();
                let entry = self.log_entry(
                    prepared,
                    started_at,
                    Some(duration),
                    total,
                    Some(&message),
                    &hashes,
                );
                let finish = [self.tables.log_finish(&entry)];
                let _ = sink
                    .write(self.dialect, &self.tables, &finish, started)
                    .await;
            }
            return Err(error);
        }
        if plain_commit {
            *open = None;
        } else if commit_now && let Some(transaction) = open.take() {
            self.close(sink, transaction, "COMMIT").await?;
        }
        Ok(StepReport {
            revision: revision.id.0.clone(),
            message: revision.message.clone(),
            direction: step.direction,
            duration,
            statements: total,
        })
    }

    fn log_entry<'e>(
        &self,
        prepared: &Prepared,
        started_at: jiff::Timestamp,
        duration: Option<Duration>,
        applied: usize,
        error: Option<&'e str>,
        hashes: &str,
    ) -> LogEntry<'e> {
        let step = prepared.step;
        let base = LogEntry::for_revision(
            self.graph,
            step.node,
            step.direction,
            self.plan.operation,
            self.dialect.kind(),
        );
        LogEntry {
            started_at,
            duration_ms: duration.map(|d| d.as_millis()),
            success: error.is_none(),
            statements_applied: applied,
            statements_total: prepared.statements.len(),
            error,
            downgrade_sql: base.downgrade_sql.clone().filter(|_| error.is_none()),
            statement_hashes: Some(hashes.to_owned()),
            ..base
        }
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
            return Err(Error::Replan);
        }
        Ok(())
    }
}
