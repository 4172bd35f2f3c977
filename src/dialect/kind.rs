//! The database families, and the one table of the names each is known by
//! (URL schemes, revision section headers, `--dialect`).

use std::fmt;
use std::str::FromStr;

/// The database family a URL or a section names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DialectKind {
    /// SQLite, through a file or in memory.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB, which share a wire protocol and a driver.
    Mysql,
}

/// Every name a dialect is known by, canonical name first. URL schemes
/// (before any `+driver`), section headers and `--dialect` all read it.
const NAMES: &[(&str, DialectKind)] = &[
    ("sqlite", DialectKind::Sqlite),
    ("postgresql", DialectKind::Postgres),
    ("postgres", DialectKind::Postgres),
    ("mysql", DialectKind::Mysql),
    ("mariadb", DialectKind::Mysql),
];

impl DialectKind {
    /// Every dialect, in a stable order (for help texts and test matrices).
    pub const ALL: [DialectKind; 3] = [
        DialectKind::Sqlite,
        DialectKind::Postgres,
        DialectKind::Mysql,
    ];

    /// The canonical name: `sqlite`, `postgresql` or `mysql`.
    pub fn as_str(self) -> &'static str {
        NAMES
            .iter()
            .find(|&&(_, kind)| kind == self)
            .map_or("", |&(name, _)| name)
    }

    /// The dialect `name` stands for, in any case: `sqlite`,
    /// `postgresql`/`postgres` or `mysql`/`mariadb`.
    pub fn from_name(name: &str) -> Option<DialectKind> {
        NAMES
            .iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n))
            .map(|&(_, kind)| kind)
    }
}

impl fmt::Display for DialectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dialect name that [`DialectKind::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown dialect `{value}`: expected one of sqlite, postgresql (or postgres), mysql (or mariadb)"
)]
pub struct ParseDialectError {
    /// The name as given.
    pub value: String,
}

impl FromStr for DialectKind {
    type Err = ParseDialectError;

    /// Accepts the names of [`DialectKind::from_name`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DialectKind::from_name(s).ok_or_else(|| ParseDialectError {
            value: s.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_canonical_name_that_reads_back() {
        for kind in DialectKind::ALL {
            assert!(!kind.as_str().is_empty());
            assert_eq!(DialectKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(kind.as_str().parse::<DialectKind>(), Ok(kind));
        }
        assert_eq!(DialectKind::from_name("MariaDB"), Some(DialectKind::Mysql));
        assert_eq!(DialectKind::from_name("oracle"), None);
    }
}
