//! The names retort derives from `version_table`: the one definition, used
//! to create the tables and to check, when the configuration is loaded,
//! that every name fits each database's identifier limit.
//!
//! PostgreSQL silently truncates a longer identifier to 63 bytes
//! (<https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS>),
//! so an over-long `<version_table>_log` would be created under another
//! name and then not be found; MySQL refuses names over 64 characters
//! (<https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html>).
//! Names PostgreSQL makes up itself (the log's `_pkey` index and `_id_seq`
//! sequence) are shortened by the server to fit, so they are not listed.

use crate::dialect;
use crate::dialect::DialectKind;

/// The version table, the log beside it, and the version table's primary
/// key constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableNames {
    /// `version_table` itself.
    pub version: String,
    /// `<version_table>_log`.
    pub log: String,
    /// `<version_table>_pkc`, Alembic's name for the primary key.
    pub version_key: String,
}

impl TableNames {
    /// The names derived from `version_table`.
    pub fn new(version_table: &str) -> TableNames {
        TableNames {
            version: version_table.to_owned(),
            log: format!("{version_table}_log"),
            version_key: format!("{version_table}_pkc"),
        }
    }

    /// Checks every name against every database's identifier limit, since
    /// one project may run on several; the message names the derived name
    /// that does not fit and the longest `version_table` that would.
    pub(crate) fn check_limits(&self) -> Result<(), String> {
        for kind in DialectKind::ALL {
            let Some(limit) = dialect::dialect(kind).identifier_limit() else {
                continue;
            };
            for (what, name) in self.all() {
                if name.len() > limit {
                    return Err(format!(
                        "`{}` is too long: {what} would be `{name}`, {} characters, \
                         over {kind}'s limit of {limit}; use at most {} characters",
                        self.version,
                        name.len(),
                        self.version.len() - (name.len() - limit)
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every name the database will hold, with what it is.
    pub fn all(&self) -> [(&'static str, &str); 3] {
        [
            ("the version table", &self.version),
            ("the log table", &self.log),
            ("the version table's primary key", &self.version_key),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_fit_every_database() {
        assert_eq!(TableNames::new(&"v".repeat(59)).check_limits(), Ok(()));
        // 59 + `_log` is PostgreSQL's 63; one more and PostgreSQL would
        // truncate the log table's name.
        for len in [60, 61, 63] {
            let name = "v".repeat(len);
            let message = TableNames::new(&name).check_limits().unwrap_err();
            assert!(
                message.contains(&format!("`{name}_log`"))
                    && message.contains("postgresql")
                    && message.contains("at most 59"),
                "{message}"
            );
        }
    }
}
