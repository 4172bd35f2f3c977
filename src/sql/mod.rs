//! Portable SQL in and out.
pub mod split;
