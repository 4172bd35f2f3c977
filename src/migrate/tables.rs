//! The SQL of retort's own tables: Alembic's version table (one row per
//! current revision) and the log beside it. Pure rendering, so the same
//! statements are executed live and printed offline.

use sha2::{Digest, Sha256};

use crate::config::TableNames;
use crate::dialect::DialectKind;
use crate::dialect::{Dialect, LOG_COLUMNS};
use crate::migrate::write::{Value, Write};
use crate::revision::Direction;
use crate::revision::graph::{Node, RevisionGraph};

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
    /// and INSERTs where branches split or merge. Each must change exactly
    /// one row: one that changes none means another run moved the table.
    pub fn update_versions(&self, before: &[String], after: &[String]) -> Vec<Write> {
        let removed: Vec<&String> = before.iter().filter(|v| !after.contains(v)).collect();
        let added: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
        let table = &self.version;
        if let ([old], [new]) = (removed.as_slice(), added.as_slice()) {
            return vec![
                Write::new(format!("UPDATE {table} SET version_num = "), Some(1))
                    .text(new)
                    .sql(" WHERE version_num = ")
                    .text(old),
            ];
        }
        let mut writes: Vec<Write> = removed
            .iter()
            .map(|old| {
                Write::new(format!("DELETE FROM {table} WHERE version_num = "), Some(1)).text(old)
            })
            .collect();
        writes.extend(added.iter().map(|new| {
            Write::new(
                format!("INSERT INTO {table} (version_num) VALUES ("),
                Some(1),
            )
            .text(new)
            .sql(")")
        }));
        writes
    }

    /// Removes every version row (`stamp --purge`).
    pub fn purge_versions(&self) -> Write {
        Write::new(format!("DELETE FROM {}", self.version), None)
    }

    /// One log row.
    pub fn log_insert(&self, entry: &LogEntry<'_>) -> Write {
        let text = |value: Option<&str>| Value::Text(value.map(str::to_owned));
        let number =
            |value: Option<u128>| Value::Int(value.map(|v| v.min(i64::MAX as u128) as i64));
        let values = [
            text(Some(&entry.revision)),
            text(Some(entry.down_revisions.as_str()).filter(|d| !d.is_empty())),
            text(Some(entry.direction)),
            text(Some(entry.operation)),
            text(entry.checksum.as_deref()),
            Value::Time(entry.started_at),
            number(entry.duration_ms),
            Value::Bool(entry.success),
            count(entry.statements_applied),
            count(entry.statements_total),
            text(entry.error),
            text(entry.downgrade_sql.as_deref()),
            text(Some(&who())),
            text(Some(&host())),
            text(Some(env!("CARGO_PKG_VERSION"))),
            text(entry.statement_hashes.as_deref()),
        ];
        let mut write = Write::new(
            format!("INSERT INTO {} ({LOG_COLUMNS}) VALUES (", self.log),
            Some(1),
        );
        for (index, value) in values.into_iter().enumerate() {
            if index > 0 {
                write = write.sql(", ");
            }
            write = write.value(value);
        }
        write.sql(")")
    }

    /// The log row of a revision about to run outside a transaction, so
    /// that a run killed half way leaves a trace; later writes name it as
    /// [`Value::StartedRow`].
    pub fn log_started(&self, entry: &LogEntry<'_>) -> Write {
        let mut write = self.log_insert(entry);
        write.returns_id = true;
        write
    }

    /// Records in the started row that `applied` statements have run.
    pub fn log_progress(&self, applied: usize) -> Write {
        Write::new(
            format!("UPDATE {} SET statements_applied = ", self.log),
            Some(1),
        )
        .value(count(applied))
        .sql(" WHERE id = ")
        .value(Value::StartedRow)
    }

    /// Completes the started row with how the revision ended.
    pub fn log_finish(&self, entry: &LogEntry<'_>) -> Write {
        Write::new(format!("UPDATE {} SET duration_ms = ", self.log), Some(1))
            .value(Value::Int(
                entry.duration_ms.map(|v| v.min(i64::MAX as u128) as i64),
            ))
            .sql(", success = ")
            .value(Value::Bool(entry.success))
            .sql(", statements_applied = ")
            .value(count(entry.statements_applied))
            .sql(", error = ")
            .value(Value::Text(entry.error.map(str::to_owned)))
            .sql(", downgrade_sql = ")
            .value(Value::Text(entry.downgrade_sql.clone()))
            .sql(" WHERE id = ")
            .value(Value::StartedRow)
    }

    /// A step along one line (one version row replaced by another) and the
    /// completion of its started log row as one statement, where the
    /// database updates several tables in one UPDATE (MySQL): a statement is
    /// atomic on its own, so this bookkeeping takes one round trip and no
    /// transaction. Both rows must match: it changes two rows or none.
    /// <https://dev.mysql.com/doc/refman/8.0/en/update.html>
    pub fn move_and_finish(
        &self,
        dialect: &dyn Dialect,
        before: &[String],
        after: &[String],
        entry: &LogEntry<'_>,
    ) -> Option<Write> {
        if !dialect.updates_joined_tables() {
            return None;
        }
        let removed: Vec<&String> = before.iter().filter(|v| !after.contains(v)).collect();
        let added: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
        let ([old], [new]) = (removed.as_slice(), added.as_slice()) else {
            return None;
        };
        let (version, log) = (&self.version, &self.log);
        Some(
            Write::new(
                format!("UPDATE {version}, {log} SET {version}.version_num = "),
                Some(2),
            )
            .text(new)
            .sql(&format!(", {log}.duration_ms = "))
            .value(Value::Int(
                entry.duration_ms.map(|v| v.min(i64::MAX as u128) as i64),
            ))
            .sql(&format!(", {log}.success = "))
            .value(Value::Bool(entry.success))
            .sql(&format!(", {log}.statements_applied = "))
            .value(count(entry.statements_applied))
            .sql(&format!(", {log}.error = "))
            .value(Value::Text(entry.error.map(str::to_owned)))
            .sql(&format!(", {log}.downgrade_sql = "))
            .value(Value::Text(entry.downgrade_sql.clone()))
            .sql(&format!(" WHERE {version}.version_num = "))
            .text(old)
            .sql(&format!(" AND {log}.id = "))
            .value(Value::StartedRow),
        )
    }

    /// Adds the log columns that log tables written by older versions of
    /// retort lack; `missing` are the ones the database reports absent.
    pub fn add_log_columns(&self, dialect: &dyn Dialect, missing: &[&str]) -> Vec<String> {
        missing
            .iter()
            .map(|column| {
                format!(
                    "ALTER TABLE {} ADD COLUMN {column} {}",
                    self.log,
                    dialect.log_text_type()
                )
            })
            .collect()
    }
}

/// Columns added to the log table after its first release, each of the
/// dialect's text type: a log table from an older retort gets them when a
/// run starts.
pub const LATER_LOG_COLUMNS: &[&str] = &["statement_hashes"];

fn count(value: usize) -> Value {
    Value::Int(Some(i64::try_from(value).unwrap_or(i64::MAX)))
}

/// A short hash of each statement, comma-separated, as the log keeps them:
/// `--resume` continues only when the statements that already ran are the
/// ones the file still holds. Sixteen hex digits of SHA-256 over the
/// statement as rendered, without surrounding whitespace.
pub fn statement_hashes<'s>(statements: impl IntoIterator<Item = &'s str>) -> String {
    statements
        .into_iter()
        .map(|sql| {
            let digest = Sha256::digest(sql.trim().as_bytes());
            digest[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(",")
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
    /// [`statement_hashes`] of the statements the run planned.
    pub statement_hashes: Option<String>,
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
            statement_hashes: None,
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
    use crate::dialect::DialectKind;
    use crate::dialect::dialect;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_step_along_a_line_is_an_update() {
        let d = dialect(DialectKind::Postgres);
        let tables = Tables::new(d, "alembic_version");
        let script = |writes: Vec<Write>| -> Vec<String> {
            writes.iter().map(|w| w.literal(d, &tables.log)).collect()
        };
        assert_eq!(
            script(tables.update_versions(&ids(&["a"]), &ids(&["b"]))),
            ["UPDATE \"alembic_version\" SET version_num = 'b' WHERE version_num = 'a'"]
        );
        assert_eq!(
            script(tables.update_versions(&[], &ids(&["a"]))),
            ["INSERT INTO \"alembic_version\" (version_num) VALUES ('a')"]
        );
        assert_eq!(
            script(tables.update_versions(&ids(&["b", "c"]), &ids(&["d"]))),
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
