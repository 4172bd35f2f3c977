//! retort: database schema migrations for SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! A project (`retort.toml` + `migrations/versions/*.sql`) is loaded with
//! [`config::Config`], its revision files parse into [`revision::Revision`]s,
//! [`revision::RevisionGraph`] orders them, and a [`revision::Target`]
//! resolves into a [`revision::Plan`] of steps, which [`migrate::migrate`]
//! runs on a [`connection::Connection`] under the migration lock.
//! docs/library.md shows an application doing this, with its revisions
//! compiled in ([`embed_migrations!`], [`embed`]) and its models compared
//! with the database ([`autogen`]).
//!
//! # Stability
//!
//! retort is 0.x: any release may change the API. What an application is
//! meant to use changes only in a minor release (0.x to 0.y), with the
//! change in the release notes; the rest may change in any release.
//!
//! - **The API an application uses:** the re-exports at the crate root,
//!   [`config`], [`url`], [`revision`], [`migrate`], [`embed`] (and
//!   [`embed_migrations!`]), [`autogen`], [`models`], [`schema`], [`op`],
//!   [`connection`] (an opaque [`Connection`](connection::Connection) and
//!   its [`Error`](connection::Error); the driver behind it is not part of
//!   the API), [`printable`], and [`DialectKind`].
//! - **Public, less settled:** [`diff`] (the comparison [`autogen`] runs,
//!   for two [`Schema`](schema::Schema)s an application holds), and
//!   [`sql::parse::parse_schema`], [`sql::write::write_ops`] and
//!   [`sql::write::write_schema`] (portable SQL in and out).
//! - **Internals, public for the `retort` binary and the tests:** the rest
//!   of [`dialect`] (the [`Dialect`](dialect::Dialect) trait and what each
//!   database renders, introspects and locks with) and of [`sql`] (the
//!   statement splitter, the parser's pieces). Do not build on them.
//!
//! What will grow is `#[non_exhaustive]`: every error type, the
//! progress [`Event`](migrate::Event)s, [`Op`](op::Op), [`Type`](schema::Type),
//! [`Default`](schema::Default), a review [`Kind`](diff::review::Kind), a plan's
//! [`Operation`](revision::Operation), and the results retort hands back
//! ([`StepReport`](migrate::StepReport), [`Compared`](autogen::Compared),
//! …); match them with a `_` arm and read results by field. An error's
//! text is for people; match on its variant, not its wording.
//! [`Direction`] and [`DialectKind`] are exhaustive on purpose: code that
//! picks SQL per database should stop compiling when a database is added,
//! not fall through a `_` arm.

#![warn(missing_docs)]

pub mod alembic;
pub mod autogen;
pub mod config;
pub mod connection;
pub mod dialect;
pub mod diff;
pub mod embed;
pub mod lint;
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
