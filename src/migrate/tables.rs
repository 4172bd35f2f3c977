//! The SQL of retort's own tables: Alembic's version table (one row per
//! current revision) and the log beside it. Pure rendering, so the same
//! statements are executed live and printed offline.

use crate::dialect::{Dialect, LOG_COLUMNS};
use crate::migrate::names::TableNames;
use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::plan::Direction;
use crate::url::DialectKind;

/// The quoted names of the two tables.
#[derive(Debug, Clone)]
pub struct Tables {
    pub version: String,
    pub log: String,
    pub version_name: String,
    pub log_name: String,
}

impl Tables {
    /// `version_table` and `<version_table>_log`, quoted for the dialect.
    pub fn new(dialect: &dyn Dialect, version_table: &str) -> Self {
        let names = TableNames::new(version_table);
        Tables {
            version: dialect.quote_ident(&names.version),
            log: dialect.quote_ident(&names.log),
            version_name: names.version,
            log_name: names.log,
        }
    }

    /// Creates both tables when missing.
    pub fn create(&self, dialect: &dyn Dialect) -> Vec<String> {
        vec![
            dialect.create_version_table(
                &self.version_name,
                &TableNames::new(&self.version_name).version_key,
            ),
            dialect.create_log_table(&self.log_name),
        ]
    }

    /// Moves the version table from the `before` rows to the `after` rows:
    /// an UPDATE for a step along one line (as Alembic writes it), DELETEs
    /// and INSERTs where branches split or merge.
    pub fn update_versions(
        &self,
        dialect: &dyn Dialect,
        before: &[String],
        after: &[String],
    ) -> Vec<String> {
        let removed: Vec<&String> = before.iter().filter(|v| !after.contains(v)).collect();
        let added: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
        let table = &self.version;
        if let ([old], [new]) = (removed.as_slice(), added.as_slice()) {
            return vec![format!(
                "UPDATE {table} SET version_num = {} WHERE version_num = {}",
                dialect.quote_literal(new),
                dialect.quote_literal(old)
            )];
        }
        let mut statements: Vec<String> = removed
            .iter()
            .map(|old| {
                format!(
                    "DELETE FROM {table} WHERE version_num = {}",
                    dialect.quote_literal(old)
                )
            })
            .collect();
        statements.extend(added.iter().map(|new| {
            format!(
                "INSERT INTO {table} (version_num) VALUES ({})",
                dialect.quote_literal(new)
            )
        }));
        statements
    }

    /// Removes every version row (`stamp --purge`).
    pub fn purge_versions(&self) -> String {
        format!("DELETE FROM {}", self.version)
    }

    /// One log row.
    pub fn log_insert(&self, dialect: &dyn Dialect, entry: &LogEntry<'_>) -> String {
        let text = |value: Option<&str>| {
            value.map_or_else(|| "NULL".to_owned(), |v| dialect.quote_literal(v))
        };
        let number =
            |value: Option<u128>| value.map_or_else(|| "NULL".to_owned(), |v| v.to_string());
        format!(
            "INSERT INTO {} ({LOG_COLUMNS}) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            self.log,
            dialect.quote_literal(&entry.revision),
            text(Some(entry.down_revisions.as_str()).filter(|d| !d.is_empty())),
            dialect.quote_literal(entry.direction),
            dialect.quote_literal(entry.operation),
            text(entry.checksum.as_deref()),
            dialect.timestamp_literal(entry.started_at),
            number(entry.duration_ms),
            dialect.bool_literal(entry.success),
            entry.statements_applied,
            entry.statements_total,
            text(entry.error),
            text(entry.downgrade_sql.as_deref()),
            text(Some(who().as_str())),
            text(Some(host().as_str())),
            dialect.quote_literal(env!("CARGO_PKG_VERSION")),
        )
    }
}

/// What one log row records.
#[derive(Debug, Clone)]
pub struct LogEntry<'a> {
    pub revision: String,
    /// Parent ids, comma-separated.
    pub down_revisions: String,
    pub direction: &'a str,
    pub operation: &'a str,
    pub checksum: Option<String>,
    pub started_at: jiff::Timestamp,
    /// `None` in offline scripts, where nothing was timed.
    pub duration_ms: Option<u128>,
    pub success: bool,
    pub statements_applied: usize,
    pub statements_total: usize,
    pub error: Option<&'a str>,
    pub downgrade_sql: Option<String>,
}

impl LogEntry<'static> {
    /// A successful row for a revision, with no statements run (what
    /// `stamp` and `--accept-checksum` record); a run fills in the rest.
    pub fn for_revision(
        graph: &RevisionGraph,
        node: Node,
        direction: Direction,
        operation: &'static str,
        kind: DialectKind,
    ) -> Self {
        let revision = graph.revision(node);
        LogEntry {
            revision: revision.id.0.clone(),
            down_revisions: graph.names(graph.parents(node)).join(","),
            direction: direction.as_str(),
            operation,
            checksum: Some(revision.checksum()),
            started_at: jiff::Timestamp::now(),
            duration_ms: None,
            success: true,
            statements_applied: 0,
            statements_total: 0,
            error: None,
            // Kept so the revision can still be reverted when its file is gone.
            downgrade_sql: match direction {
                Direction::Up => revision
                    .section(Direction::Down, kind)
                    .map(|s| s.sql.clone()),
                Direction::Down => None,
            },
        }
    }
}

fn who() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default()
}

fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::dialect;
    use crate::url::DialectKind;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_step_along_a_line_is_an_update() {
        let d = dialect(DialectKind::Postgres);
        let tables = Tables::new(d, "alembic_version");
        assert_eq!(
            tables.update_versions(d, &ids(&["a"]), &ids(&["b"])),
            ["UPDATE \"alembic_version\" SET version_num = 'b' WHERE version_num = 'a'"]
        );
        assert_eq!(
            tables.update_versions(d, &[], &ids(&["a"])),
            ["INSERT INTO \"alembic_version\" (version_num) VALUES ('a')"]
        );
        assert_eq!(
            tables.update_versions(d, &ids(&["b", "c"]), &ids(&["d"])),
            [
                "DELETE FROM \"alembic_version\" WHERE version_num = 'b'",
                "DELETE FROM \"alembic_version\" WHERE version_num = 'c'",
                "INSERT INTO \"alembic_version\" (version_num) VALUES ('d')",
            ]
        );
    }

    #[test]
    fn names_are_quoted_per_dialect() {
        let d = dialect(DialectKind::Mysql);
        let tables = Tables::new(d, "retort_version");
        assert_eq!(tables.log, "`retort_version_log`");
        assert!(tables.create(d)[0].starts_with("CREATE TABLE IF NOT EXISTS `retort_version`"));
    }
}
