//! Planning: from the revisions a database is at and a target, the ordered
//! steps to run. Pure functions over the graph; no database involved.

/// Which way a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Up,
    Down,
}
