//! Why lint could not check the files: input it cannot read, as `upgrade`
//! would refuse it, or a suppression or setting it cannot use.

use std::path::PathBuf;

/// Bad input: the files or the settings, never a finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A section that `upgrade` would refuse to parse or split.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The revision file.
        path: PathBuf,
        /// 1-based line in the file.
        line: usize,
        /// What is wrong.
        message: String,
        /// What to write instead.
        help: Option<String>,
    },
    /// A `-- retort:lint ignore` comment without a rule or a reason, or
    /// naming no known rule.
    #[error("{}:{line}: {message}", path.display())]
    Suppression {
        /// The revision file.
        path: PathBuf,
        /// 1-based line of the comment.
        line: usize,
        /// What is wrong.
        message: String,
        /// What to write instead.
        help: Option<String>,
    },
    /// A `[lint]` entry naming no known rule, or an unknown level.
    #[error("invalid `[lint]` entry `{key}`: {message}")]
    Setting {
        /// The key as written.
        key: String,
        /// What is wrong.
        message: String,
        /// A likely intended rule id.
        help: Option<String>,
    },
}

impl Error {
    /// A hint on how to fix it.
    pub fn help(&self) -> Option<&str> {
        match self {
            Error::Parse { help, .. }
            | Error::Suppression { help, .. }
            | Error::Setting { help, .. } => help.as_deref(),
        }
    }
}
