//! [`diff`] compares two schemas into the [`Op`](crate::op::Op)s between
//! them (autogenerate's core); `declared` and `review` prepare them for a
//! person to read.

pub mod compare;
pub(crate) mod declared;
pub mod review;

pub use compare::{Renames, diff};
