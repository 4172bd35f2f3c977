//! A place in a source file, carried by every error about a revision file so
//! the CLI can point at the offending line.

use std::fmt;
use std::path::PathBuf;

/// A 1-based line and column in a file, plus the byte range it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
    /// Byte offset of the span start in the file.
    pub offset: usize,
    /// Length in bytes of the span (0 for a point).
    pub len: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}
