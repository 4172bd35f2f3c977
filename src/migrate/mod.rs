//! Executing plans on a database: the migration lock, retort's own tables,
//! checksum and partial-progress checks, and the run itself — live over a
//! [`Connection`] or written out as a script. What runs is decided in one
//! step by the planner (`revision::plan`); this module reads the state it
//! plans from and executes the [`Plan`] it returns.

mod checksum;
pub mod lock;
mod log;
mod partial;
pub(crate) mod prepare;
mod run;
mod script;
mod stamp;
mod status;
mod stored;
pub(crate) mod tables;
pub(crate) mod write;

use std::path::PathBuf;
use std::time::Duration;

use checksum::{accept, modified};
use log::{read_log, upgrade_log_table};
pub use partial::partial_text;
use partial::resume_points;
pub(crate) use run::{Batching, Runner, Sink};
pub use run::{Event, StepReport};
pub use script::script;
use stamp::run_stamp;
pub use status::{Status, current, status};
use stored::with_stored_copies;

use crate::connection::{self, Connection};
use crate::dialect;
use crate::revision::Direction;
use crate::revision::graph::RevisionGraph;
pub use crate::revision::plan::Operation;
use crate::revision::plan::{self, Applied, Plan, Purge, UnknownRevisions};
use crate::revision::target;
use prepare::prepare_all;
use tables::Tables;

/// Why a migration did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Connecting or a query on the connection failed.
    #[error(transparent)]
    Connection(#[from] connection::Error),
    /// A statement retort runs itself failed (on its own tables, around the
    /// transaction, SQLite's foreign-key check), or the revisions kept in
    /// the log could not be rebuilt; the message says which.
    #[error("{0}")]
    Database(String),
    /// A section could not be cut into statements.
    #[error("{}:{line}: cannot split the section into statements: {message}", path.display())]
    Split {
        /// The revision file.
        path: PathBuf,
        /// The line where the section starts or the problem is.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A statement of a portable section is not SQL retort reads.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        /// The revision file.
        path: PathBuf,
        /// The statement's line in the file.
        line: usize,
        /// The column in that line.
        column: usize,
        /// What is wrong.
        message: String,
        /// How to fix it, where there is a known fix.
        help: Option<String>,
    },
    /// A portable statement has no spelling in this database's dialect.
    #[error("{}:{line}: {message}", path.display())]
    Render {
        /// The revision file.
        path: PathBuf,
        /// The statement's line in the file.
        line: usize,
        /// Why the dialect cannot render it.
        message: String,
    },
    /// A revision's section runs `BEGIN`, `COMMIT` or the like; retort opens and ends
    /// transactions itself.
    #[error("{}:{line}: `{sql}` controls the transaction, which retort does itself", path.display())]
    TransactionControl {
        /// The revision file.
        path: PathBuf,
        /// The statement's line in the file.
        line: usize,
        /// The statement as written.
        sql: String,
    },
    /// A downgrade would revert a revision written without a downgrade section.
    #[error("revision `{revision}` has no downgrade section, so it cannot be reverted ({})", path.display())]
    Irreversible {
        /// The revision's identifier.
        revision: String,
        /// Its file.
        path: PathBuf,
    },
    /// The version table names revisions no file has.
    #[error(transparent)]
    Unknown(#[from] UnknownRevisions),
    /// The target does not resolve against the graph.
    #[error(transparent)]
    Target(#[from] target::Error),
    /// Applied revisions whose file changed since they ran (their checksum differs), and the
    /// run was not told to accept them.
    #[error("{} applied revision{} changed since {} ran: {}", revisions.len(), if revisions.len() == 1 { "" } else { "s" }, if revisions.len() == 1 { "it" } else { "they" }, revisions.iter().map(|(id, path)| format!("{id} ({})", path.display())).collect::<Vec<_>>().join(", "))]
    Modified {
        /// Each changed revision's identifier and file.
        revisions: Vec<(String, PathBuf)>,
    },
    /// Another run held the migration lock for longer than the lock timeout.
    #[error("another retort run has held the migration lock for {seconds} s")]
    LockTimeout {
        /// How long this run waited.
        seconds: u64,
        /// The lock it waited for.
        key: lock::Key,
    },
    /// The lock file beside a SQLite database could not be created or locked.
    #[error("cannot lock {}: {message}", path.display())]
    LockFile {
        /// The lock file beside the SQLite database.
        path: PathBuf,
        /// The operating system's reason.
        message: String,
    },
    /// A statement of a revision failed; what stays applied is in the [`StepFailure`].
    #[error(
        "revision `{}` failed at statement {} of {} ({}:{}): {}",
        .0.revision, .0.statement, .0.total, .0.path.display(), .0.line, .0.message
    )]
    StepFailed(Box<StepFailure>),
    /// A revision stopped part way in an earlier run, outside a
    /// transaction; the run does not go past it until it is resumed
    /// (`--resume`) or repaired.
    #[error("{}", partial_text(revision, *applied, *total, error.as_deref()))]
    Partial {
        /// The revision's identifier.
        revision: String,
        /// Its file.
        path: PathBuf,
        /// `up` or `down`: which command to rerun with `--resume`.
        direction: String,
        /// Statements of it that ran.
        applied: usize,
        /// Statements it has.
        total: usize,
        /// `None` when the run was interrupted (killed, connection lost)
        /// rather than failing: statement `applied + 1` may have run.
        error: Option<String>,
    },
    /// One of retort's writes to its own tables changed an unexpected number of rows: something
    /// else changed them during the run.
    #[error(
        "a bookkeeping write changed {changed} row(s) where it must change {expected}, so the run stopped: \
         something else (another run, or the revision's own SQL) changed retort's tables while it ran: {sql}"
    )]
    Unchanged {
        /// The write.
        sql: String,
        /// The rows it must change.
        expected: u64,
        /// The rows it changed.
        changed: u64,
    },
    /// `--resume` was asked, but a statement that already ran differs from the file now.
    #[error(
        "cannot resume revision `{revision}`: statement {statement} ({}:{line}) changed since it ran in the earlier attempt; it now reads `{first_line}`",
        path.display()
    )]
    ResumeChanged {
        /// The revision's identifier.
        revision: String,
        /// Its file.
        path: PathBuf,
        /// The changed statement's number, from 1.
        statement: usize,
        /// Its line in the file.
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
#[non_exhaustive]
pub struct StepFailure {
    /// The revision's identifier.
    pub revision: String,
    /// Its file.
    pub path: PathBuf,
    /// Whether it was being applied or reverted.
    pub direction: Direction,
    /// 1-based number of the failed statement.
    pub statement: usize,
    /// How many statements the revision has.
    pub total: usize,
    /// Line of the failed statement in the file.
    pub line: usize,
    /// The failed statement.
    pub sql: String,
    /// The database's message.
    pub message: String,
    /// Statements of this revision that ran and stay applied.
    pub applied: usize,
    /// True when the database rolled the revision back.
    pub rolled_back: bool,
}

/// How a run behaves, from `retort.toml` and the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The version table's name (`retort_version` by default); the log table is named after it.
    pub version_table: String,
    /// One transaction per revision rather than one for the whole run, where the database has
    /// transactional DDL.
    pub transaction_per_migration: bool,
    /// How long to wait for another run's migration lock.
    pub lock_timeout: Duration,
    /// Revisions whose changed checksum the user accepts for this run.
    pub accept: Vec<String>,
    /// Continue a revision that stopped part way (non-transactional DDL).
    pub resume: bool,
    /// Run in a transaction and roll it back.
    pub dry_run: bool,
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
                .map_err(|e| Error::Database(e.to_string()))?;
        }
        upgrade_log_table(connection, dialect, &tables).await?;
    }
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
        let state = Applied::from_versions(graph, &rows)?;
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
        let plan: Plan = plan::plan(graph, &state, operation)?;
        if plan.stamp.is_some() {
            run_stamp(&mut Sink::Live(connection), graph, dialect, &tables, &plan).await?;
            return Ok(Vec::new());
        }
        if plan.steps.is_empty() {
            return Ok(Vec::new());
        }
        let prepared = prepare_all(graph, dialect, &plan)?;
        let runner = Runner {
            graph,
            dialect,
            tables: tables.clone(),
            batching: Batching::live(settings),
            resume_from: resume_points(graph, &log, &prepared, settings.resume)?,
            plan: &plan,
        };
        match runner
            .run(&mut Sink::Live(connection), &prepared, events)
            .await
        {
            Ok(done) => return Ok(done),
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
