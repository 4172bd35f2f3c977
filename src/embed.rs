//! Migrations compiled into an application, run at start-up (docs/library.md).
//!
//! ```no_run
//! // The directory is relative to the application's Cargo.toml; an
//! // application would write "migrations/versions".
//! static MIGRATIONS: &[(&str, &str)] =
//!     retort::embed_migrations!("examples/mercury_bank/migrations/versions");
//!
//! # async fn start() -> Result<(), Box<dyn std::error::Error>> {
//! let graph = retort::embed::graph(MIGRATIONS)?;
//! let url = retort::DatabaseUrl::parse(&std::env::var("DATABASE_URL")?)?;
//! for step in retort::embed::upgrade_head(&url, &graph).await? {
//!     eprintln!("applied {} {}", step.revision, step.message);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The run is the one `retort upgrade` makes with the default settings:
//! the same version and log tables, checksums, and migration lock, so
//! several instances starting at once, or an instance and the CLI, apply
//! each revision exactly once. An application that needs other settings
//! calls [`crate::migrate::migrate`] itself.

use std::path::Path;
use std::time::Duration;

use crate::config::{DEFAULT_LOCK_TIMEOUT_SECS, DEFAULT_VERSION_TABLE};
use crate::connection::Connection;
use crate::migrate::{self, Operation, Settings, StepReport};
use crate::revision::target::Point;
use crate::revision::{RevisionGraph, Target, file, graph};
use crate::url::DatabaseUrl;

/// The revision graph of embedded files, `(file name, text)` as
/// [`embed_migrations!`](crate::embed_migrations) gives them. Every file
/// that does not parse, and every problem of the graph, is reported
/// together in the error's `problems`, each naming its file and line.
pub fn graph(files: &[(&str, &str)]) -> Result<RevisionGraph, graph::Error> {
    let mut revisions = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for (name, text) in files {
        match file::parse(Path::new(name), text) {
            Ok(revision) => revisions.push(revision),
            Err(error) => errors.push(error),
        }
    }
    RevisionGraph::from_parsed(revisions, errors)
}

/// `retort upgrade head` on `url`: connects, takes the migration lock,
/// applies what is pending, and closes. Returns the steps applied (none
/// when the database is up to date).
pub async fn upgrade_head(
    url: &DatabaseUrl,
    graph: &RevisionGraph,
) -> Result<Vec<StepReport>, migrate::Error> {
    let settings = Settings {
        version_table: DEFAULT_VERSION_TABLE.to_owned(),
        transaction_per_migration: true,
        lock_timeout: Duration::from_secs(DEFAULT_LOCK_TIMEOUT_SECS),
        accept: Vec::new(),
        resume: false,
        dry_run: false,
    };
    let mut connection = Connection::connect(url, settings.lock_timeout).await?;
    let operation = Operation::Upgrade(Target::Point(Point::Head));
    let result = migrate::migrate(&mut connection, graph, &settings, &operation, &mut |_| {}).await;
    connection.close().await;
    result
}
