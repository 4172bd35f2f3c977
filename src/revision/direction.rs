//! Which way a step goes: a leaf that revision files and the planner share.

/// Which way a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Applying: the upgrade section.
    Up,
    /// Reverting: the downgrade section.
    Down,
}

impl Direction {
    /// `up` or `down`, as the log table and JSON output spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}
