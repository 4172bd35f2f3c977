//! Applying plans to a database: the migration lock, retort's own tables,
//! checksum and partial-progress checks, and the run itself — live over a
//! [`Connection`] or written out as a script.

pub mod lock;
mod partial;
pub mod prepare;
mod run;
mod stamp;
pub mod tables;
pub mod write;

use std::path::PathBuf;
use std::time::Duration;

pub use partial::partial_text;
use partial::{resume_points, stopped};
pub use run::{Batching, Event, Runner, Sink, StepReport};
use stamp::run_stamp;

use crate::connection::{self, Connection, LogRow};
use crate::dialect::{self, Dialect};
use crate::revision::Direction;
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::{self, Applied, Plan, Purge, UnknownRevisions};
use crate::revision::target::{self, Target};
use prepare::{Prepared, Preparer};
use tables::{LogEntry, Tables};

/// Why a migration did not complete.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Connection(#[from] connection::Error),
    #[error("{0}")]
    Database(String),
    #[error("{}:{line}: cannot split the section into statements: {message}", path.display())]
    Split {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        help: Option<String>,
    },
    #[error("{}:{line}: {message}", path.display())]
    Render {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}: `{sql}` controls the transaction, which retort does itself", path.display())]
    TransactionControl {
        path: PathBuf,
        line: usize,
        sql: String,
    },
    #[error("revision `{revision}` has no downgrade section, so it cannot be reverted ({})", path.display())]
    Irreversible { revision: String, path: PathBuf },
    #[error(transparent)]
    Unknown(#[from] UnknownRevisions),
    #[error(transparent)]
    Target(#[from] target::Error),
    #[error("{} applied revision{} changed since {} ran: {}", revisions.len(), if revisions.len() == 1 { "" } else { "s" }, if revisions.len() == 1 { "it" } else { "they" }, revisions.iter().map(|(id, path)| format!("{id} ({})", path.display())).collect::<Vec<_>>().join(", "))]
    Modified { revisions: Vec<(String, PathBuf)> },
    #[error("another retort run has held the migration lock for {seconds} s")]
    LockTimeout { seconds: u64, key: lock::Key },
    #[error("cannot lock {}: {message}", path.display())]
    LockFile { path: PathBuf, message: String },
    #[error(
        "revision `{}` failed at statement {} of {} ({}:{}): {}",
        .0.revision, .0.statement, .0.total, .0.path.display(), .0.line, .0.message
    )]
    StepFailed(Box<StepFailure>),
    #[error("{}", partial_text(revision, *applied, *total, error.as_deref()))]
    Partial {
        revision: String,
        path: PathBuf,
        /// `up` or `down`: which command to rerun with `--resume`.
        direction: String,
        applied: usize,
        total: usize,
        /// `None` when the run was interrupted (killed, connection lost)
        /// rather than failing: statement `applied + 1` may have run.
        error: Option<String>,
    },
    #[error(
        "a bookkeeping write changed {changed} row(s) where it must change {expected}, so the run stopped: \
         something else (another run, or the revision's own SQL) changed retort's tables while it ran: {sql}"
    )]
    Unchanged {
        sql: String,
        expected: u64,
        changed: u64,
    },
    #[error(
        "cannot resume revision `{revision}`: statement {statement} ({}:{line}) changed since it ran in the earlier attempt; it now reads `{first_line}`",
        path.display()
    )]
    ResumeChanged {
        revision: String,
        path: PathBuf,
        statement: usize,
        line: usize,
        /// The statement as it reads now, on one line, shortened.
        first_line: String,
    },
    /// Another run moved the version table after the plan was made (and
    /// kept moving it, when it reaches the caller).
    #[error(
        "the version table changed under this run {MAX_REPLANS} times while planning; try again when other runs are done"
    )]
    Replan,
}

/// How many times a run plans again because the version table moved.
const MAX_REPLANS: usize = 20;

/// A statement that failed, and what of its revision stays applied.
#[derive(Debug)]
pub struct StepFailure {
    pub revision: String,
    pub path: PathBuf,
    pub direction: Direction,
    /// 1-based number of the failed statement.
    pub statement: usize,
    pub total: usize,
    /// Line of the failed statement in the file.
    pub line: usize,
    pub sql: String,
    pub message: String,
    /// Statements of this revision that ran and stay applied.
    pub applied: usize,
    /// True when the database rolled the revision back.
    pub rolled_back: bool,
}

/// How a run behaves, from `retort.toml` and the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub version_table: String,
    pub transaction_per_migration: bool,
    pub lock_timeout: Duration,
    /// Revisions whose changed checksum the user accepts for this run.
    pub accept: Vec<String>,
    /// Continue a revision that stopped part way (non-transactional DDL).
    pub resume: bool,
    /// Run in a transaction and roll it back.
    pub dry_run: bool,
}

/// What a command asks of the database.
#[derive(Debug, Clone)]
pub enum Operation {
    Upgrade(Target),
    Downgrade(Target),
    Stamp(Target, Purge),
}

/// `status`: where the database is, and what is wrong.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub current: Vec<String>,
    pub pending: Vec<String>,
    pub modified: Vec<String>,
    pub unknown: Vec<String>,
    /// A revision that stopped part way in an earlier run.
    pub partial: Option<LogRow>,
}

/// The version rows, or none when the table does not exist yet; never creates it.
pub async fn current(
    connection: &mut Connection,
    version_table: &str,
) -> Result<Vec<String>, Error> {
    if !connection.table_exists(version_table).await? {
        return Ok(Vec::new());
    }
    let tables = Tables::new(dialect::dialect(connection.kind()), version_table);
    Ok(connection.versions(&tables.version).await?)
}

/// Reads the database's state against the graph; never writes.
pub async fn status(
    connection: &mut Connection,
    graph: &RevisionGraph,
    version_table: &str,
) -> Result<Status, Error> {
    let rows = current(connection, version_table).await?;
    let tables = Tables::new(dialect::dialect(connection.kind()), version_table);
    let log = read_log(connection, &tables).await?;
    let unknown: Vec<String> = rows
        .iter()
        .filter(|r| graph.node(r).is_none())
        .cloned()
        .collect();
    // A revision whose file is gone still counts as applied, with its parents.
    let stored = if unknown.is_empty() {
        None
    } else {
        with_stored_copies(graph, &rows, &log).ok()
    };
    let (applied, pending) = match &stored {
        Some(stored) => {
            let everything = Applied::from_versions(stored, &rows)?;
            let pending = stored.names(&plan::pending(stored, &everything));
            // Files come first in the rebuilt graph, so their nodes are the same.
            let known: Vec<_> = everything
                .nodes(stored)
                .into_iter()
                .filter(|&n| n < graph.len())
                .collect();
            (Applied::at(graph, &known), pending)
        }
        None => {
            let known: Vec<&String> = rows.iter().filter(|r| graph.node(r).is_some()).collect();
            let applied = Applied::from_versions(graph, &known)?;
            let pending = graph.names(&plan::pending(graph, &applied));
            (applied, pending)
        }
    };
    Ok(Status {
        partial: stopped(&log, &pending, &rows),
        current: rows,
        modified: modified(graph, &applied, &log)
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
        pending,
        unknown,
    })
}

/// Applied revisions whose file no longer matches the checksum logged when they ran.
fn modified(graph: &RevisionGraph, applied: &Applied, log: &[LogRow]) -> Vec<(String, PathBuf)> {
    let mut latest: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for row in log.iter().filter(|r| r.success && r.direction == "up") {
        if let Some(checksum) = &row.checksum {
            latest.insert(&row.revision, checksum);
        }
    }
    applied
        .nodes(graph)
        .into_iter()
        .map(|node| graph.revision(node))
        .filter(|revision| {
            latest
                .get(revision.id.0.as_str())
                .is_some_and(|&sum| sum != revision.checksum())
        })
        .map(|revision| (revision.id.0.clone(), revision.path.clone()))
        .collect()
}

/// Runs an operation on a live database under the migration lock
/// ([`lock`]), which is named from what the server reports, so the CLI and
/// an embedding application serialise with each other whatever URL
/// spelling each was given.
pub async fn migrate(
    connection: &mut Connection,
    graph: &RevisionGraph,
    settings: &Settings,
    operation: &Operation,
    events: &mut dyn FnMut(Event),
) -> Result<Vec<StepReport>, Error> {
    let held = lock::acquire(
        connection,
        &settings.version_table,
        settings.lock_timeout,
        events,
    )
    .await?;
    let result = locked(connection, graph, settings, operation, events).await;
    if result.is_err() {
        // A failure may leave a transaction open (PostgreSQL refuses every
        // statement in an aborted one, the unlock included), and the caller
        // may keep using this session.
        connection.roll_back_open_transaction().await;
    }
    held.release(connection).await;
    result
}

async fn locked(
    connection: &mut Connection,
    graph: &RevisionGraph,
    settings: &Settings,
    operation: &Operation,
    events: &mut dyn FnMut(Event),
) -> Result<Vec<StepReport>, Error> {
    let dialect = dialect::dialect(connection.kind());
    let tables = Tables::new(dialect, &settings.version_table);
    if !settings.dry_run {
        for sql in tables.create(dialect) {
            connection
                .execute(&sql)
                .await
                .map_err(|e| Error::Database(connection::describe(&e)))?;
        }
        upgrade_log_table(connection, dialect, &tables).await?;
    }
    let mut reports = Vec::new();
    let mut replans = 0;
    loop {
        let mut rows = current(connection, &settings.version_table).await?;
        if let Operation::Stamp(_, Purge::Yes) = operation {
            // `--purge` replaces whatever the table holds, ids no file has included.
            rows.retain(|row| graph.node(row).is_some());
        }
        let log = read_log(connection, &tables).await?;
        let stored;
        let graph = match operation {
            Operation::Downgrade(_) if rows.iter().any(|r| graph.node(r).is_none()) => {
                stored = with_stored_copies(graph, &rows, &log)?;
                for id in rows.iter().filter(|r| graph.node(r).is_none()) {
                    events(Event::Note(format!(
                        "warning: revision {id} has no file; reverting it runs the downgrade stored in the log when it was applied"
                    )));
                }
                &stored
            }
            _ => graph,
        };
        let mut state = Applied::from_versions(graph, &rows)?;
        if let Operation::Stamp(target, purge) = operation {
            let after = plan::stamp(graph, &state, target, *purge)?;
            let mut sink = Sink::Live(connection);
            run_stamp(&mut sink, graph, dialect, &tables, &state, &after, *purge).await?;
            return Ok(Vec::new());
        }
        if let Operation::Upgrade(_) = operation {
            accept(
                connection,
                graph,
                dialect,
                &tables,
                &state,
                &log,
                &settings.accept,
            )
            .await?;
            let log = read_log(connection, &tables).await?;
            let changed = modified(graph, &state, &log);
            if !changed.is_empty() {
                return Err(Error::Modified { revisions: changed });
            }
        }
        let plan = make_plan(graph, &state, operation)?;
        if plan.steps.is_empty() {
            return Ok(reports);
        }
        let prepared = prepare_all(graph, dialect, &state, &plan)?;
        let resume_from = resume_points(graph, &log, &prepared, settings.resume)?;
        let runner = Runner {
            graph,
            dialect,
            tables: tables.clone(),
            batching: batching(settings),
            resume_from,
            operation: operation_name(operation),
        };
        let mut sink = Sink::Live(connection);
        match runner.run(&mut sink, &mut state, &prepared, events).await {
            Ok(done) => {
                reports.extend(done);
                return Ok(reports);
            }
            // Another SQLite writer got there first: plan again from what it
            // left. Bounded, so rows that never match a plan cannot spin.
            Err(Error::Replan) if replans < MAX_REPLANS => {
                replans += 1;
                continue;
            }
            Err(error) => return Err(error),
        }
    }
}

/// The graph plus, for each current revision that no file has, a revision
/// rebuilt from its log row: its parents and the downgrade SQL stored when it
/// was applied (a rollback of the deploy that brought the file).
fn with_stored_copies(
    graph: &RevisionGraph,
    rows: &[String],
    log: &[LogRow],
) -> Result<RevisionGraph, Error> {
    use crate::revision::file::{Reference, Revision, RevisionId, Section};
    use crate::revision::location::Location;
    let mut revisions = graph.revisions().to_vec();
    let mut missing = Vec::new();
    for id in rows.iter().filter(|r| graph.node(r).is_none()) {
        let Some(row) = log
            .iter()
            .rev()
            .find(|row| &row.revision == id && row.success && row.direction == "up")
        else {
            missing.push(id.clone());
            continue;
        };
        let path = PathBuf::from(format!("<{id} as stored in the log>"));
        let location = Location {
            path: path.clone(),
            line: 1,
            column: 1,
            offset: 0,
            len: 0,
        };
        let reference = |name: &str| Reference {
            name: name.to_owned(),
            location: location.clone(),
        };
        // Stored as written; parsed again as portable SQL, where anything
        // retort does not understand still runs as written.
        let section = |direction, sql: &str| Section {
            direction,
            dialect: None,
            transaction: true,
            sql: sql.to_owned(),
            line: 1,
            sql_line: 1,
        };
        let mut sections = vec![section(Direction::Up, "")];
        if let Some(sql) = &row.downgrade_sql {
            sections.push(section(Direction::Down, sql));
        }
        revisions.push(Revision {
            id: RevisionId(id.clone()),
            down_revisions: row
                .down_revisions
                .iter()
                .flat_map(|d| d.split(','))
                .map(reference)
                .collect(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            message: "(file missing; stored copy)".to_owned(),
            create_date: None,
            path,
            id_location: location.clone(),
            sections,
        });
    }
    if !missing.is_empty() {
        return Err(Error::Unknown(UnknownRevisions { ids: missing }));
    }
    RevisionGraph::build(revisions).map_err(|e| {
        Error::Database(format!(
            "cannot rebuild the missing revisions from the log: {}",
            e.problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}

/// The log, or nothing before the first run (or in a dry run) created it.
async fn read_log(connection: &mut Connection, tables: &Tables) -> Result<Vec<LogRow>, Error> {
    if !connection.table_exists(&tables.log_name).await? {
        return Ok(Vec::new());
    }
    let with_hashes = connection
        .has_column(&tables.log_name, "statement_hashes")
        .await?;
    Ok(connection.log(&tables.log, with_hashes).await?)
}

/// Adds to a log table from an older retort the columns it lacks.
async fn upgrade_log_table(
    connection: &mut Connection,
    dialect: &dyn Dialect,
    tables: &Tables,
) -> Result<(), Error> {
    let mut missing = Vec::new();
    for &column in tables::LATER_LOG_COLUMNS {
        if !connection.has_column(&tables.log_name, column).await? {
            missing.push(column);
        }
    }
    for sql in tables.add_log_columns(dialect, &missing) {
        connection
            .execute(&sql)
            .await
            .map_err(|e| Error::Database(connection::describe(&e)))?;
    }
    Ok(())
}

/// Every step's statements, before the first runs: a revision that does not
/// parse or render stops the run before anything changed.
fn prepare_all(
    graph: &RevisionGraph,
    dialect: &'static dyn Dialect,
    state: &Applied,
    plan: &Plan,
) -> Result<Vec<Prepared>, Error> {
    let mut preparer = Preparer::new(graph, dialect, state);
    plan.steps
        .iter()
        .map(|&step| preparer.prepare(step))
        .collect()
}

fn batching(settings: &Settings) -> Batching {
    if settings.dry_run {
        Batching::RollBack
    } else if settings.transaction_per_migration {
        Batching::PerRevision
    } else {
        Batching::Single
    }
}

fn operation_name(operation: &Operation) -> &'static str {
    match operation {
        Operation::Upgrade(_) => "upgrade",
        Operation::Downgrade(_) => "downgrade",
        Operation::Stamp(..) => "stamp",
    }
}

fn make_plan(graph: &RevisionGraph, state: &Applied, operation: &Operation) -> Result<Plan, Error> {
    Ok(match operation {
        Operation::Upgrade(target) => plan::upgrade(graph, state, target)?,
        Operation::Downgrade(target) => plan::downgrade(graph, state, target)?,
        Operation::Stamp(..) => Plan::default(),
    })
}

/// Records the current checksum of each accepted revision.
async fn accept(
    connection: &mut Connection,
    graph: &RevisionGraph,
    dialect: &dyn Dialect,
    tables: &Tables,
    state: &Applied,
    log: &[LogRow],
    accepted: &[String],
) -> Result<(), Error> {
    for (id, _) in modified(graph, state, log)
        .into_iter()
        .filter(|(id, _)| accepted.contains(id))
    {
        let Some(node) = graph.node(&id) else {
            continue;
        };
        let entry = LogEntry {
            duration_ms: Some(0),
            ..LogEntry::for_revision(graph, node, Direction::Up, "accept", dialect.kind())
        };
        Sink::Live(connection)
            .write(dialect, tables, &[tables.log_insert(&entry)], None)
            .await?;
    }
    Ok(())
}

/// The script an operation would run from `start`, without a connection
/// (`--sql`): the same statements a live run executes, retort's table
/// creation first.
pub async fn script(
    graph: &RevisionGraph,
    dialect: &'static dyn Dialect,
    settings: &Settings,
    operation: &Operation,
    start: &Applied,
    events: &mut dyn FnMut(Event),
) -> Result<Vec<String>, Error> {
    let tables = Tables::new(dialect, &settings.version_table);
    let mut lines = dialect.script_preamble();
    lines.extend(tables.create(dialect));
    let mut sink = Sink::Script(lines);
    let mut state = start.clone();
    if let Operation::Stamp(target, purge) = operation {
        let after = plan::stamp(graph, &state, target, *purge)?;
        run_stamp(&mut sink, graph, dialect, &tables, &state, &after, *purge).await?;
    } else {
        let plan = make_plan(graph, &state, operation)?;
        let runner = Runner {
            graph,
            dialect,
            tables,
            batching: if settings.transaction_per_migration {
                Batching::PerRevision
            } else {
                Batching::Single
            },
            resume_from: Vec::new(),
            operation: operation_name(operation),
        };
        let prepared = prepare_all(graph, dialect, &state, &plan)?;
        runner.run(&mut sink, &mut state, &prepared, events).await?;
    }
    Ok(match sink {
        Sink::Script(lines) => lines,
        Sink::Live(_) => Vec::new(),
    })
}
