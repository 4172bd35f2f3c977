//! The revision DAG.

/// The revision DAG built from every file in the versions directory.
#[derive(Debug)]
pub struct RevisionGraph {}
