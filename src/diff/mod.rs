//! Operations on the schema model: [`Op`], applied to a [`Schema`](crate::schema::Schema)
//! and reversed exactly, and [`diff`], which compares two schemas into the
//! operations between them (autogenerate's core).

pub mod compare;
pub mod declared;
pub mod op;
pub mod review;

pub use compare::{Renames, diff};
pub use op::{ApplyError, Op};
