//! Constraints added to a table that already has rows: a unique key or
//! primary key fails on duplicates, a check on a row that breaks it, a
//! foreign key on a row that references nothing. Each database refuses the
//! `ALTER TABLE` then (PostgreSQL validates existing rows,
//! <https://www.postgresql.org/docs/current/sql-altertable.html>; SQLite's
//! rebuild copies them into the constrained table; InnoDB checks them
//! while copying, <https://mariadb.com/kb/en/alter-table/>). One
//! `SELECT 1 … LIMIT 1` per such constraint asks whether the rows do.

use crate::dialect::Dialect;
use crate::op::Op;
use crate::schema::ForeignKey;

use super::Subject;

/// What the rows are asked for an operation that adds a constraint.
enum Question<'a> {
    /// Two rows with the same values in these columns (none NULL: NULLs
    /// never clash in a unique key).
    Duplicates(&'a [String]),
    /// A row for which the condition is false (NULL passes a check).
    Breaks(&'a str),
    /// A row whose key is set and matches no referenced row.
    Orphans(&'a ForeignKey),
}

fn question(op: &Op) -> Option<(&String, Question<'_>)> {
    Some(match op {
        Op::AddPrimaryKey { table, key } => (table, Question::Duplicates(&key.columns)),
        Op::AddUnique { table, unique } => (table, Question::Duplicates(&unique.columns)),
        Op::CreateIndex { table, index } if index.unique => {
            (table, Question::Duplicates(&index.columns))
        }
        Op::AddCheck { table, check } => (table, Question::Breaks(&check.expression)),
        Op::AddForeignKey { table, key } => (table, Question::Orphans(key)),
        _ => return None,
    })
}

/// True when `op` adds a constraint the rows may break.
pub(super) fn asks(op: &Op) -> bool {
    question(op).is_some()
}

/// A table's names before some operations: its own and, for each of its
/// columns renamed there, the old name.
struct Before {
    table: String,
    /// (name in `ops`, name before them), for the table's renamed columns.
    columns: Vec<(String, String)>,
    /// Columns `earlier` adds, which the database does not have yet.
    added: Vec<String>,
}

/// The names in the database before `earlier` ran; `None` when `earlier`
/// creates the table (it is empty).
fn names_before(earlier: &[Op], table: &str) -> Option<Before> {
    let mut out = Before {
        table: table.to_owned(),
        columns: Vec::new(),
        added: Vec::new(),
    };
    for op in earlier.iter().rev() {
        match op {
            Op::CreateTable(created) if created.name == out.table => return None,
            Op::RenameTable { from, to } if *to == out.table => out.table = from.clone(),
            Op::RenameColumn {
                table: renamed,
                from,
                to,
            } if *renamed == out.table => match out.columns.iter_mut().find(|(_, old)| old == to) {
                Some(pair) => pair.1 = from.clone(),
                None => out.columns.push((to.clone(), from.clone())),
            },
            Op::AddColumn { table, column } if *table == out.table => {
                out.added.push(column.name.clone());
            }
            _ => {}
        }
    }
    Some(out)
}

impl Before {
    fn column<'a>(&'a self, name: &'a str) -> &'a str {
        self.columns
            .iter()
            .find(|(new, _)| new == name)
            .map_or(name, |(_, old)| old)
    }
}

/// The probe for `ops[index]`, against the database before `ops`; `None`
/// when the operation adds no constraint, its table is new (empty), or a
/// column it uses is added earlier in `ops` (not there to ask yet). A
/// check on a table whose columns are renamed earlier is not asked either:
/// its condition names the new columns.
pub(super) fn probe(ops: &[Op], index: usize, dialect: &dyn Dialect) -> Option<String> {
    let (table, question) = question(&ops[index])?;
    let earlier = &ops[..index];
    let before = names_before(earlier, table)?;
    let q = |name: &str| dialect.quote_ident(name);
    let from = q(&before.table);
    let new = |columns: &[String]| columns.iter().any(|c| before.added.contains(c));
    Some(match question {
        Question::Duplicates(columns) => {
            if new(columns) {
                return None;
            }
            let columns: Vec<String> = columns.iter().map(|c| q(before.column(c))).collect();
            let set: Vec<String> = columns.iter().map(|c| format!("{c} IS NOT NULL")).collect();
            format!(
                "SELECT 1 FROM {from} WHERE {} GROUP BY {} HAVING COUNT(*) > 1 LIMIT 1",
                set.join(" AND "),
                columns.join(", ")
            )
        }
        Question::Breaks(condition) => {
            if !before.columns.is_empty() || !before.added.is_empty() {
                return None;
            }
            format!("SELECT 1 FROM {from} WHERE NOT ({condition}) LIMIT 1")
        }
        Question::Orphans(key) => {
            if new(&key.columns) {
                return None;
            }
            let child: Vec<String> = key
                .columns
                .iter()
                .map(|c| format!("child.{}", q(before.column(c))))
                .collect();
            let set: Vec<String> = child.iter().map(|c| format!("{c} IS NOT NULL")).collect();
            let mut sql = format!("SELECT 1 FROM {from} child WHERE {}", set.join(" AND "));
            // A referenced table created earlier in `ops` is empty: every
            // row with its key set is an orphan, and no NOT EXISTS needed.
            if let Some(parent) = names_before(earlier, &key.referenced_table) {
                // Without a column list the key references the primary
                // key, which the model gives only after `ops`: not asked.
                if key.referenced_columns.len() != key.columns.len()
                    || key
                        .referenced_columns
                        .iter()
                        .any(|c| parent.added.contains(c))
                {
                    return None;
                }
                let matches: Vec<String> = key
                    .referenced_columns
                    .iter()
                    .zip(&child)
                    .map(|(r, c)| format!("parent.{} = {c}", q(parent.column(r))))
                    .collect();
                sql.push_str(&format!(
                    " AND NOT EXISTS (SELECT 1 FROM {} parent WHERE {})",
                    q(&parent.table),
                    matches.join(" AND ")
                ));
            }
            sql.push_str(" LIMIT 1");
            sql
        }
    })
}

/// The warning for a constraint `op` whose rows break it (`found` says
/// how, or why that could not be asked): what it is about and the message.
pub(super) fn warning(op: &Op, found: &str) -> Option<(Subject, String)> {
    let list = |columns: &[String]| columns.join(", ");
    let named = |name: &Option<String>, sql: String| name.clone().unwrap_or(sql);
    let (subject, what, remedy) = match op {
        Op::AddPrimaryKey { table, key } => {
            let name = named(&key.name, format!("PRIMARY KEY ({})", list(&key.columns)));
            let what = format!(
                "primary key {name} is added to {table} ({})",
                list(&key.columns)
            );
            (
                Subject::Constraint(name),
                what,
                "remove the duplicates first",
            )
        }
        Op::AddUnique { table, unique } => {
            let name = named(&unique.name, format!("UNIQUE ({})", list(&unique.columns)));
            let what = format!(
                "unique constraint {name} is added to {table} ({})",
                list(&unique.columns)
            );
            (
                Subject::Constraint(name),
                what,
                "remove the duplicates first",
            )
        }
        Op::CreateIndex { table, index } if index.unique => {
            let what = format!(
                "unique index {} is created on {table} ({})",
                index.name,
                list(&index.columns)
            );
            let subject = Subject::Index(index.name.clone());
            (subject, what, "remove the duplicates first")
        }
        Op::AddCheck { table, check } => {
            let name = named(&check.name, format!("CHECK ({})", check.expression));
            let what = format!("check constraint {name} is added to {table}");
            let remedy = "fix those rows first (an UPDATE or DELETE before it)";
            (Subject::Constraint(name), what, remedy)
        }
        Op::AddForeignKey { table, key } => {
            let name = named(
                &key.name,
                format!(
                    "FOREIGN KEY ({}) REFERENCES {}",
                    list(&key.columns),
                    key.referenced_table
                ),
            );
            let what = format!(
                "foreign key {name} is added to {table} ({}) -> {}",
                list(&key.columns),
                key.referenced_table
            );
            let remedy = "add the missing rows or clear those keys first";
            (Subject::Constraint(name), what, remedy)
        }
        _ => return None,
    };
    Some((
        subject,
        format!("{what}, and {found}: the upgrade fails; {remedy}"),
    ))
}

/// How the rows break the constraint `op` adds, for its warning.
pub(super) fn found(op: &Op) -> String {
    let table = op.table().unwrap_or("?");
    match question(op) {
        Some((_, Question::Duplicates(columns))) => {
            format!("rows of {table} share a value of ({})", columns.join(", "))
        }
        Some((_, Question::Breaks(_))) => format!("rows of {table} break it"),
        Some((_, Question::Orphans(key))) => format!(
            "rows of {table} reference no row of {}",
            key.referenced_table
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DialectKind;
    use crate::dialect::dialect;
    use crate::schema::{Check, Table, Unique};

    fn unique(table: &str, columns: &[&str]) -> Op {
        Op::AddUnique {
            table: table.into(),
            unique: Unique {
                name: None,
                columns: columns.iter().map(|c| c.to_string()).collect(),
            },
        }
    }

    fn key(table: &str, column: &str, referenced: &str) -> Op {
        Op::AddForeignKey {
            table: table.into(),
            key: ForeignKey {
                name: Some("fk".into()),
                columns: vec![column.into()],
                referenced_table: referenced.into(),
                referenced_columns: vec!["id".into()],
                on_delete: None,
                on_update: None,
            },
        }
    }

    #[test]
    fn probes_ask_under_the_names_before_the_revision() {
        let postgres = dialect(DialectKind::Postgres);
        let ops = [
            Op::RenameTable {
                from: "old".into(),
                to: "t".into(),
            },
            Op::RenameColumn {
                table: "t".into(),
                from: "x".into(),
                to: "a".into(),
            },
            unique("t", &["a", "b"]),
            Op::AddCheck {
                table: "t".into(),
                check: Check {
                    name: None,
                    expression: "a > 0".into(),
                },
            },
            key("t", "b", "t"),
        ];
        assert_eq!(
            probe(&ops, 2, postgres).as_deref(),
            Some(
                r#"SELECT 1 FROM "old" WHERE "x" IS NOT NULL AND "b" IS NOT NULL GROUP BY "x", "b" HAVING COUNT(*) > 1 LIMIT 1"#
            )
        );
        // The condition names `a`, which is `x` in the database still.
        assert_eq!(probe(&ops, 3, postgres), None);
        assert_eq!(
            probe(&ops, 4, postgres).as_deref(),
            Some(
                r#"SELECT 1 FROM "old" child WHERE child."b" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "old" parent WHERE parent."id" = child."b") LIMIT 1"#
            )
        );
    }

    #[test]
    fn new_tables_and_columns_are_not_asked() {
        let mysql = dialect(DialectKind::Mysql);
        let ops = [
            Op::CreateTable(Table::new("fresh")),
            unique("fresh", &["a"]),
            Op::AddColumn {
                table: "t".into(),
                column: crate::schema::Column::new("c", crate::schema::Type::Integer),
            },
            unique("t", &["c"]),
            Op::CreateTable(Table::new("parent")),
            key("t", "b", "parent"),
        ];
        assert_eq!(probe(&ops, 1, mysql), None);
        assert_eq!(probe(&ops, 3, mysql), None);
        // Every set key is an orphan of a table created in the revision.
        assert_eq!(
            probe(&ops, 5, mysql).as_deref(),
            Some("SELECT 1 FROM `t` child WHERE child.`b` IS NOT NULL LIMIT 1")
        );
    }
}
