//! Operations on the schema model: [`Op`], applied to a [`Schema`](crate::schema::Schema)
//! and reversed exactly. Comparing two schemas into a list of them comes
//! with autogenerate.

pub mod op;

pub use op::{ApplyError, Op};
