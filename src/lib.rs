//! retort: database schema migrations for SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! A project (`retort.toml` + `migrations/versions/*.sql`) is loaded with
//! [`config::Config`], its revision files parse into [`revision::Revision`]s,
//! [`revision::RevisionGraph`] orders them, and a [`revision::Target`]
//! resolves into a [`revision::Plan`] of steps.

pub mod alembic;
pub mod autogen;
pub mod config;
pub mod connection;
pub mod dialect;
pub mod diff;
pub mod embed;
pub mod migrate;
pub mod models;
pub(crate) mod naming;
pub mod op;
pub mod printable;
mod regular_file;
pub mod revision;
pub mod schema;
pub mod sql;
mod suggest;
pub mod url;

pub use config::Config;
pub use dialect::DialectKind;
/// The revision files of a directory compiled in: see [`embed`].
pub use retort_macros::embed_migrations;
pub use revision::{Applied, Direction, Plan, Revision, RevisionGraph, RevisionId, Step, Target};
pub use url::DatabaseUrl;
