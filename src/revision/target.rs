//! Identifiers: `head`, `ae10@-1`, ranges.

/// A parsed identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {}
