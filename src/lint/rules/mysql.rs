//! MySQL/MariaDB: which `ALTER TABLE`s InnoDB can make in place or
//! instantly, and which copy the table row by row, holding writes for the
//! whole copy (<https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html>,
//! <https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/>).
//! These rules read the operations: what MySQL runs for a portable section
//! is rendered from them, one `ALTER TABLE` per operation.

use crate::lint::rules::Hit;
use crate::lint::statement::Statement;
use crate::op::Op;
use crate::schema::Type;

pub(super) fn table_copy(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for op in s.ops {
        let (table, what) = match op {
            Op::AlterColumn { table, from, to } if copies(&from.ty, &to.ty) => (
                table,
                format!("changing `{}` from {} to {}", from.name, from.ty, to.ty),
            ),
            Op::DropPrimaryKey { table, .. } => (
                table,
                "dropping the primary key without adding another in the same ALTER".to_owned(),
            ),
            _ => continue,
        };
        if !s.existing(table) {
            continue;
        }
        hits.push(Hit {
            problem: format!(
                "{what} cannot run ALGORITHM=INPLACE or INSTANT: MySQL copies `{table}` row by \
                 row, writes to it wait for the whole copy, and the disk needs room for a \
                 second copy"
            ),
            safe: format!(
                "add a new column instead (instant: `ALTER TABLE {table} ADD COLUMN … , \
                 ALGORITHM=INSTANT;`), backfill it in batches and switch to it; or run the change \
                 with an online schema-change tool (gh-ost, pt-online-schema-change)"
            ),
        });
    }
    hits
}

/// Whether InnoDB changes a column from `from` to `to` only by copying the
/// table: every type change but a `VARCHAR` made longer within the same
/// length-prefix size (up to 255 bytes, or beyond; with utf8mb4's 4 bytes a
/// character, up to 63 characters), which is in place.
pub(crate) fn copies(from: &Type, to: &Type) -> bool {
    const ONE_BYTE_PREFIX: u32 = 255 / 4;
    match (from, to) {
        _ if from == to => false,
        (Type::Varchar(Some(a)), Type::Varchar(Some(b))) => {
            b < a || (*a <= ONE_BYTE_PREFIX) != (*b <= ONE_BYTE_PREFIX)
        }
        _ => true,
    }
}

pub(super) fn add_foreign_key(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for op in s.ops {
        let Op::AddForeignKey { table, key } = op else {
            continue;
        };
        if !s.existing(table) {
            continue;
        }
        hits.push(Hit {
            problem: format!(
                "with foreign_key_checks on, MySQL adds a foreign key only with ALGORITHM=COPY: \
                 `{table}` is copied and writes to it wait, while every row is checked against \
                 `{}`",
                key.referenced_table
            ),
            safe: format!(
                "declare the foreign key when `{table}` is created; on a populated table use an \
                 online schema-change tool, or, having checked the rows yourself, \
                 `SET foreign_key_checks = 0;` then `ALTER TABLE {table} ADD CONSTRAINT … \
                 FOREIGN KEY …, ALGORITHM=INPLACE;` (existing rows are then not checked)"
            ),
        });
    }
    hits
}

pub(super) fn several_alters(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (table, count) in altered_tables(s) {
        let before = s.section.altered.get(&table).copied().unwrap_or(0);
        // Speak once per table: on the statement where the second change comes.
        if before <= 1 && before + count > 1 {
            hits.push(Hit {
                problem: format!(
                    "`{table}` is altered {} times in this section: MySQL runs each ALTER TABLE \
                     on its own, each taking the table's metadata lock and perhaps rebuilding it",
                    before + count
                ),
                safe: format!(
                    "one ALTER TABLE with the changes separated by commas, in a section written \
                     for MySQL: `ALTER TABLE {table} ADD COLUMN a …, ADD COLUMN b …;`"
                ),
            });
        }
    }
    hits
}

/// The existing tables the statement's operations alter, each with how many
/// `ALTER TABLE`s MySQL runs for them: one per operation in a portable
/// section, one per statement in a section written for MySQL.
pub(crate) fn altered_tables(s: &Statement) -> Vec<(String, usize)> {
    let mut tables: Vec<(String, usize)> = Vec::new();
    for op in s.ops {
        let altering = !matches!(
            op,
            Op::CreateTable(_)
                | Op::DropTable(_)
                | Op::RenameTable { .. }
                | Op::Data(_)
                | Op::Raw(_)
        );
        let Some(table) = op.table().filter(|t| altering && s.existing(t)) else {
            continue;
        };
        match tables.iter_mut().find(|(t, _)| t == table) {
            Some((_, count)) if s.portable => *count += 1,
            Some(_) => {}
            None => tables.push((table.to_owned(), 1)),
        }
    }
    tables
}
