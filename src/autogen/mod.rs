//! The models compared with a live database (docs/autogenerate.md): what
//! `retort check` reports, what `retort autogenerate` writes into a
//! revision, and `retort status`'s drift line, for the CLI and for an
//! application that asks whether its models match a database
//! (docs/library.md). The library never prints; the caller shows the
//! result.
//!
//! ```no_run
//! use std::path::Path;
//! use std::time::Duration;
//!
//! use retort::autogen::{self, Settings};
//! use retort::connection::Connection;
//! use retort::models::{self, Source};
//!
//! static MIGRATIONS: &[(&str, &str)] =
//!     retort::embed_migrations!("examples/mercury_bank/migrations/versions");
//!
//! # async fn models_match() -> Result<bool, Box<dyn std::error::Error>> {
//! let graph = retort::embed::graph(MIGRATIONS)?;
//! let models = models::load(&[Source::Path("models".into())], Path::new("."))?;
//! let url = retort::DatabaseUrl::parse(&std::env::var("DATABASE_URL")?)?;
//! let mut connection = Connection::connect(&url, Duration::from_secs(60)).await?;
//! let compared = autogen::compare(&mut connection, &graph, &models, &Settings::default()).await;
//! connection.close().await;
//! let compared = compared?;
//! if !compared.in_sync() {
//!     eprintln!("the database differs from the models:\n{}", compared.upgrade_sql());
//!     for warning in &compared.warnings {
//!         eprintln!("warning: {warning}");
//!     }
//! }
//! # Ok(compared.in_sync())
//! # }
//! ```

mod read;

use crate::config::{Config, DEFAULT_VERSION_TABLE};
use crate::connection::{self, Connection};
use crate::dialect::dialect;
use crate::diff::declared::as_declared;
use crate::diff::review::Warning;
use crate::diff::{Renames, diff};
use crate::models::{self, Source};
use crate::op::Op;
use crate::revision::RevisionGraph;
use crate::revision::plan::{self, Applied, UnknownRevisions};
use crate::schema::{ExcludeTables, Schema};
use crate::sql::write::write_ops;

pub use read::introspect;

/// Why the models and the database could not be compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A model source could not be read or parsed, or the sources disagree.
    #[error(transparent)]
    Models(#[from] models::Error),
    /// Revisions are pending: a difference would only mean "not upgraded
    /// yet", and a revision written from it would repeat theirs.
    #[error(
        "the database is not at head: {} revision(s) pending ({})",
        pending.len(),
        pending.join(", ")
    )]
    NotAtHead {
        /// The revisions not yet applied.
        pending: Vec<String>,
    },
    /// The version table names revisions the graph does not have.
    #[error(transparent)]
    UnknownRevisions(#[from] UnknownRevisions),
    /// Reading the version table or the catalog failed.
    #[error(transparent)]
    Database(#[from] connection::Error),
    /// [`from_empty`] on a project that has revisions, whose tables the
    /// first revision would create again.
    #[error("a first revision cannot be generated: there are already {count} revision(s)")]
    HasRevisions {
        /// How many revisions there are.
        count: usize,
    },
}

/// What a comparison leaves alone and how it pairs what changed.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The version table; it and its log are never compared.
    pub version_table: String,
    /// Tables neither side's schema includes.
    pub exclude_tables: ExcludeTables,
    /// Whether a dropped and an added thing of the same shape count as a
    /// rename (which [`Compared::warnings`] then names).
    pub renames: Renames,
}

impl Default for Settings {
    /// The `retort_version` table, nothing excluded, renames detected.
    fn default() -> Self {
        Settings {
            version_table: DEFAULT_VERSION_TABLE.to_owned(),
            exclude_tables: ExcludeTables::default(),
            renames: Renames::Detect,
        }
    }
}

impl Settings {
    /// The settings `retort.toml` gives, renames detected.
    pub fn from_config(config: &Config) -> Self {
        Settings {
            version_table: config.version_table.clone(),
            exclude_tables: config.exclude_tables.clone(),
            renames: Renames::Detect,
        }
    }
}

/// Both sides, the operations from the database to the models, and what a
/// reviewer must look at before running them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Compared {
    /// The live schema (empty for [`from_empty`]).
    pub database: Schema,
    /// The models, normalised for the database's dialect.
    pub models: Schema,
    /// What turns `database` into `models`, each valid when it runs, with
    /// the columns as the models declare them.
    pub ops: Vec<Op>,
    /// Likely renames, data loss, and `NOT NULL` on rows that hold nulls.
    pub warnings: Vec<Warning>,
}

impl Compared {
    /// True when the database matches the models.
    pub fn in_sync(&self) -> bool {
        self.ops.is_empty()
    }

    /// The operations as portable SQL: a revision's upgrade section.
    pub fn upgrade_sql(&self) -> String {
        write_ops(&self.ops, &self.database)
    }

    /// The operations undone, last first, as portable SQL: a revision's
    /// downgrade section.
    pub fn downgrade_sql(&self) -> String {
        let down: Vec<Op> = self.ops.iter().rev().filter_map(Op::reverse).collect();
        write_ops(&down, &self.models)
    }
}

/// The models `retort.toml` lists (docs/autogenerate.md), read as one
/// schema.
pub fn load_models(config: &Config) -> Result<Schema, Error> {
    let sources: Vec<Source> = config
        .models
        .iter()
        .map(|m| Source::from_config(m, &config.root))
        .collect();
    Ok(models::load(&sources, &config.root)?)
}

/// `models` against the database `connection` reaches, which must be at
/// the head revisions of `graph`; otherwise [`Error::NotAtHead`].
pub async fn compare(
    connection: &mut Connection,
    graph: &RevisionGraph,
    models: &Schema,
    settings: &Settings,
) -> Result<Compared, Error> {
    let mut declared = models.clone();
    settings.exclude_tables.apply(&mut declared);
    let mut models = declared.clone();
    dialect(connection.kind()).normalize(&mut models);
    ensure_at_head(connection, graph, &settings.version_table).await?;
    let database = introspect(connection, settings).await?;
    let ops = as_declared(diff(&database, &models, settings.renames), &declared);
    let warnings = read::review(connection, &ops).await;
    Ok(Compared {
        database,
        models,
        ops,
        warnings,
    })
}

/// The models against an empty schema, with no database: a project's first
/// revision, or a new baseline after the revision files were removed.
/// Refused ([`Error::HasRevisions`]) on top of other revisions, whose tables
/// it would create again. Renames are never detected: nothing is dropped.
pub fn from_empty(
    graph: &RevisionGraph,
    models: &Schema,
    settings: &Settings,
) -> Result<Compared, Error> {
    ensure_no_revisions(graph)?;
    let mut models = models.clone();
    settings.exclude_tables.apply(&mut models);
    let empty = Schema::default();
    Ok(Compared {
        ops: diff(&empty, &models, Renames::Ignore),
        database: empty,
        models,
        warnings: Vec::new(),
    })
}

/// [`from_empty`]'s refusal alone, for a caller that checks it before the
/// models are read (a `cmd:` source may take a while).
pub fn ensure_no_revisions(graph: &RevisionGraph) -> Result<(), Error> {
    if graph.is_empty() {
        Ok(())
    } else {
        Err(Error::HasRevisions { count: graph.len() })
    }
}

/// For `status` (which has checked that nothing is pending): the operations
/// between the database and the models `config` lists, or `None` when
/// those declare no table (an empty `models/` means none written yet, not
/// "drop everything").
pub async fn drift(connection: &mut Connection, config: &Config) -> Option<Result<Vec<Op>, Error>> {
    let mut models = match load_models(config) {
        Ok(models) if models.tables.is_empty() => return None,
        Ok(models) => models,
        Err(Error::Models(models::Error::None)) => return None,
        Err(error) => return Some(Err(error)),
    };
    let settings = Settings::from_config(config);
    settings.exclude_tables.apply(&mut models);
    dialect(connection.kind()).normalize(&mut models);
    Some(
        introspect(connection, &settings)
            .await
            .map(|database| diff(&database, &models, settings.renames)),
    )
}

async fn ensure_at_head(
    connection: &mut Connection,
    graph: &RevisionGraph,
    version_table: &str,
) -> Result<(), Error> {
    let rows = connection.current_versions(version_table).await?;
    let applied = Applied::from_versions(graph, &rows)?;
    let pending = plan::pending(graph, &applied);
    if pending.is_empty() {
        Ok(())
    } else {
        Err(Error::NotAtHead {
            pending: graph.names(&pending),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::revision::file;
    use crate::sql::parse::parse_schema;

    fn models() -> Schema {
        parse_schema(
            "CREATE TABLE account (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE tmp_load (id INTEGER);\n",
        )
        .unwrap()
    }

    #[test]
    fn from_empty_creates_every_table_but_the_excluded_ones() {
        let graph = RevisionGraph::build(Vec::new()).unwrap();
        let settings = Settings {
            exclude_tables: ExcludeTables::new(&["tmp_*"]).unwrap(),
            ..Settings::default()
        };
        let compared = from_empty(&graph, &models(), &settings).unwrap();
        let tables: Vec<Option<&str>> = compared.ops.iter().map(Op::table).collect();
        assert_eq!(tables, [Some("account")]);
        assert!(compared.upgrade_sql().contains("CREATE TABLE account"));
        assert!(compared.downgrade_sql().contains("DROP TABLE account"));
    }

    #[test]
    fn from_empty_refuses_on_top_of_revisions() {
        let revision = file::parse(
            Path::new("a1_first.sql"),
            "-- Revision ID: a1\n-- Revises:\n-- Message: first\n\n-- migrate:upgrade\nSELECT 1;\n",
        )
        .unwrap();
        let graph = RevisionGraph::build(vec![revision]).unwrap();
        let error = from_empty(&graph, &models(), &Settings::default()).unwrap_err();
        assert!(
            matches!(error, Error::HasRevisions { count: 1 }),
            "{error:?}"
        );
    }
}
