//! Portable SQL in and out.
//!
//! A section's SQL text enters here on its way from a revision file to the
//! database: [`split`] cuts it into the statements retort executes one by one
//! (per-statement progress, `CREATE INDEX CONCURRENTLY`, MySQL's partial
//! failures), and [`split::is_transaction_control`] spots the `BEGIN` and
//! `COMMIT` a user must not write, because retort manages transactions itself.
//! [`parse`] then reads each statement into schema operations for the
//! dialect renderers, or keeps it to run verbatim. [`write`](mod@write) goes the other
//! way: operations and schemas out as portable SQL, for the revision files
//! autogenerate writes and the models `dump` prints.
//!
//! Applications may use [`parse::parse_schema`], [`write::write_ops`] and
//! [`write::write_schema`]; the rest is internal, public for the `retort`
//! binary and the tests (see "Stability" in the crate documentation).

pub(crate) mod clauses;
pub mod parse;
pub mod split;
pub mod write;
