//! PostgreSQL's locks. Most rules read the statement's syntax tree, since
//! what makes a statement safe there (`CONCURRENTLY`, `NOT VALID`,
//! `USING INDEX`) is what retort runs verbatim instead of parsing into an
//! operation. The lock each statement takes is in the manual's table,
//! <https://www.postgresql.org/docs/current/explicit-locking.html>, and under
//! each command of <https://www.postgresql.org/docs/current/sql-altertable.html>.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, Expr, ObjectType, Statement as Ast,
    TableConstraint,
};

use crate::lint::rules::Hit;
use crate::lint::statement::{Statement, last_name};
use crate::op::Op;
use crate::schema::Type;

/// The section header that runs a statement outside a transaction
/// (docs/revisions.md).
const NO_TRANSACTION: &str = "-- migrate:upgrade postgresql transaction=false";

/// `ALTER TABLE` of a table that existed before the revision: its name and
/// operations.
fn alter_existing<'a>(s: &Statement<'a>) -> Option<(String, &'a [AlterTableOperation])> {
    match s.ast()? {
        Ast::AlterTable(alter) => {
            let table = last_name(&alter.name);
            s.existing(&table)
                .then_some((table, alter.operations.as_slice()))
        }
        _ => None,
    }
}

pub(super) fn create_index_not_concurrently(s: &Statement) -> Vec<Hit> {
    let Some(Ast::CreateIndex(create)) = s.ast() else {
        return Vec::new();
    };
    let table = last_name(&create.table_name);
    if create.concurrently || !s.existing(&table) {
        return Vec::new();
    }
    let concurrent = with_concurrently(s.sql);
    vec![Hit {
        table: Some(table.to_string()),
        problem: format!(
            "CREATE INDEX takes a SHARE lock on `{table}` until the index is built: every \
             INSERT, UPDATE and DELETE on it waits for a full scan and sort"
        ),
        safe: format!(
            "build it without blocking writes, in a section of its own (CONCURRENTLY cannot \
             run in a transaction): `{NO_TRANSACTION}` then `{concurrent};`"
        ),
    }]
}

/// The statement with `CONCURRENTLY` after `INDEX`.
fn with_concurrently(sql: &str) -> String {
    match sql.to_ascii_uppercase().find("INDEX") {
        Some(at) => format!("{} CONCURRENTLY{}", &sql[..at + 5], &sql[at + 5..]),
        None => sql.to_owned(),
    }
}

pub(super) fn concurrently_in_transaction(s: &Statement) -> Vec<Hit> {
    let upper = s.sql.to_ascii_uppercase();
    let mut words = upper.split_whitespace();
    let first = words.next().unwrap_or_default();
    if !s.section.transaction
        || !matches!(first, "CREATE" | "DROP" | "REINDEX")
        || !words.any(|w| w == "CONCURRENTLY")
    {
        return Vec::new();
    }
    vec![Hit {
        table: None,
        problem: "PostgreSQL refuses CONCURRENTLY inside a transaction block, and retort runs \
                  this section in one: the revision fails"
            .to_owned(),
        safe: format!(
            "move it to a section of its own headed `{NO_TRANSACTION}` (docs/revisions.md)"
        ),
    }]
}

pub(super) fn constraint_not_valid(s: &Statement) -> Vec<Hit> {
    let Some((table, operations)) = alter_existing(s) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for operation in operations {
        let AlterTableOperation::AddConstraint {
            constraint,
            not_valid: false,
        } = operation
        else {
            continue;
        };
        let (name, problem) = match constraint {
            TableConstraint::ForeignKey(fk) => (
                fk.name.as_ref().map(|n| n.value.clone()),
                format!(
                    "adding a foreign key checks every row of `{table}` while holding SHARE ROW \
                     EXCLUSIVE locks on `{table}` and on `{}`: writes to both wait for the scan",
                    last_name(&fk.foreign_table)
                ),
            ),
            TableConstraint::Check(check) => (
                check.name.as_ref().map(|n| n.value.clone()),
                format!(
                    "adding a check reads every row of `{table}` under an ACCESS EXCLUSIVE \
                     lock: reads and writes wait for the scan"
                ),
            ),
            _ => continue,
        };
        let name = name.unwrap_or_else(|| "<name>".to_owned());
        hits.push(Hit {
            table: Some(table.to_string()),
            problem,
            safe: format!(
                "add it NOT VALID (only new rows are checked, the lock is brief), then validate \
                 in a later statement or revision, which lets reads and writes go on: \
                 `ALTER TABLE {table} ADD CONSTRAINT {name} … NOT VALID;` then \
                 `ALTER TABLE {table} VALIDATE CONSTRAINT {name};`"
            ),
        });
    }
    hits
}

pub(super) fn set_not_null(s: &Statement) -> Vec<Hit> {
    let Some((table, operations)) = alter_existing(s) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for operation in operations {
        let AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetNotNull,
        } = operation
        else {
            continue;
        };
        let column = &column_name.value;
        if s.section.validated_not_null(&table, column, s.before) {
            continue;
        }
        let check = format!("{table}_{column}_not_null");
        hits.push(Hit {
            table: Some(table.to_string()),
            problem: format!(
                "SET NOT NULL reads every row of `{table}` under an ACCESS EXCLUSIVE lock: reads \
                 and writes wait for the scan"
            ),
            safe: format!(
                "prove it with a validated check first; PostgreSQL 12+ then skips the scan: \
                 `ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID;` \
                 then `ALTER TABLE {table} VALIDATE CONSTRAINT {check};` then \
                 `ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;` and \
                 `ALTER TABLE {table} DROP CONSTRAINT {check};`"
            ),
        });
    }
    hits
}

pub(super) fn alter_column_type(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut hit = |table: &str, column: &str, change: String| {
        hits.push(Hit {
            table: Some(table.to_string()),
            problem: format!(
                "{change} rewrites `{table}` and rebuilds its indexes under an ACCESS EXCLUSIVE \
                 lock: reads and writes wait for the whole rewrite"
            ),
            safe: format!(
                "expand/contract: add a column of the new type, fill it in batches \
                 (`UPDATE {table} SET {column}_new = … WHERE id BETWEEN … AND …`), switch the \
                 application to it, then drop `{column}`"
            ),
        });
    };
    for op in s.ops {
        if let Op::AlterColumn { table, from, to } = op
            && s.existing(table)
            && rewrites(&from.ty, &to.ty)
        {
            hit(
                table,
                &from.name,
                format!("changing `{}` from {} to {}", from.name, from.ty, to.ty),
            );
        }
    }
    // `USING` keeps the statement verbatim: no operation, so the tree says.
    if s.ops.iter().all(|op| matches!(op, Op::Raw(_)))
        && let Some((table, operations)) = alter_existing(s)
    {
        for operation in operations {
            if let AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetDataType { data_type, .. },
            } = operation
            {
                hit(
                    &table,
                    &column_name.value,
                    format!("changing the type of `{column_name}` to {data_type}"),
                );
            }
        }
    }
    hits
}

/// Whether PostgreSQL rewrites the table to change a column from `from` to
/// `to`: all but the binary-coercible changes do
/// (<https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>):
/// a longer or unbounded `varchar`, `varchar` to `text`, a `numeric` with
/// more precision and the same scale.
pub(crate) fn rewrites(from: &Type, to: &Type) -> bool {
    match (from, to) {
        _ if from == to => false,
        (Type::Varchar(Some(a)), Type::Varchar(Some(b))) => b < a,
        (Type::Varchar(_), Type::Varchar(None) | Type::Text) => false,
        (Type::Text, Type::Varchar(None)) => false,
        (
            Type::Numeric {
                precision: Some(a),
                scale: sa,
            },
            Type::Numeric {
                precision: Some(b),
                scale: sb,
            },
        ) => b < a || sa.unwrap_or(0) != sb.unwrap_or(0),
        (
            Type::Numeric { .. },
            Type::Numeric {
                precision: None, ..
            },
        ) => false,
        _ => true,
    }
}

/// Functions whose value differs per row, so a default calling them is
/// computed for each existing row by a rewrite
/// (<https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>);
/// `now()` and constants are stored once since PostgreSQL 11.
const VOLATILE: &[&str] = &[
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v1(",
    "uuid_generate_v4(",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
    "txid_current(",
];

pub(super) fn volatile_default(s: &Statement) -> Vec<Hit> {
    let Some((table, operations)) = alter_existing(s) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for operation in operations {
        let AlterTableOperation::AddColumn { column_def, .. } = operation else {
            continue;
        };
        let column = &column_def.name.value;
        let ty = &column_def.data_type;
        for option in &column_def.options {
            let what = match &option.option {
                ColumnOption::Default(expr) if is_volatile(expr) => format!("the default {expr}"),
                ColumnOption::Identity(_) => "an identity".to_owned(),
                ColumnOption::Generated { .. } => "a generated value".to_owned(),
                _ => continue,
            };
            hits.push(Hit {
                table: Some(table.to_string()),
                problem: format!(
                    "{what} differs per row, so adding `{column}` computes it for every row of \
                     `{table}`: a rewrite under an ACCESS EXCLUSIVE lock"
                ),
                safe: format!(
                    "add the column without it, set it for new rows, backfill the others in \
                     batches: `ALTER TABLE {table} ADD COLUMN {column} {ty};` \
                     `ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT …;` then \
                     `UPDATE {table} SET {column} = … WHERE … ;` in batches"
                ),
            });
        }
    }
    hits
}

fn is_volatile(expr: &Expr) -> bool {
    let text = expr.to_string().to_ascii_lowercase();
    VOLATILE.iter().any(|f| text.contains(f))
}

pub(super) fn unique_not_using_index(s: &Statement) -> Vec<Hit> {
    let Some((table, operations)) = alter_existing(s) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for operation in operations {
        let AlterTableOperation::AddConstraint { constraint, .. } = operation else {
            continue;
        };
        let (kind, name, columns) = match constraint {
            TableConstraint::Unique(u) => ("UNIQUE", u.name.as_ref(), &u.columns),
            TableConstraint::PrimaryKey(p) => ("PRIMARY KEY", p.name.as_ref(), &p.columns),
            _ => continue,
        };
        let name = name.map_or_else(|| format!("{table}_key"), |n| n.value.clone());
        let columns: Vec<String> = columns.iter().map(ToString::to_string).collect();
        let columns = columns.join(", ");
        hits.push(Hit {
            table: Some(table.to_string()),
            problem: format!(
                "adding a {kind} constraint builds its index while holding an ACCESS EXCLUSIVE \
                 lock on `{table}`: reads and writes wait for the build"
            ),
            safe: format!(
                "build the index concurrently (`{NO_TRANSACTION}`: \
                 `CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({columns});`), then attach \
                 it, which is brief: `ALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {name};`"
            ),
        });
    }
    hits
}

pub(super) fn lock_timeout(s: &Statement) -> Vec<Hit> {
    if s.section.lock_timeout || s.section.blocking_lock {
        return Vec::new();
    }
    let Some((table, mode)) = blocking_lock(s) else {
        return Vec::new();
    };
    let set = if s.section.transaction {
        "SET LOCAL lock_timeout = '5s';"
    } else {
        "SET lock_timeout = '5s';"
    };
    let blocked = if mode == "ACCESS EXCLUSIVE" {
        "every query"
    } else {
        "every write"
    };
    vec![Hit {
        table: Some(table.to_string()),
        problem: format!(
            "this locks `{table}` in {mode} mode; if any query holds a conflicting lock on it, \
             the statement waits, and {blocked} on `{table}` queues behind it: the table stops \
             for as long as that query runs"
        ),
        safe: format!(
            "give up quickly and retry instead: start the section (written for PostgreSQL) with \
             `{set}`"
        ),
    }]
}

/// The existing table the statement locks in a mode that blocks writes,
/// and the mode: `ALTER TABLE` (ACCESS EXCLUSIVE, or SHARE ROW EXCLUSIVE
/// when it only adds foreign keys; `VALIDATE CONSTRAINT` alone blocks no
/// writes), `CREATE INDEX` without `CONCURRENTLY` (SHARE), `DROP TABLE`
/// and `TRUNCATE` (ACCESS EXCLUSIVE). A lock that blocks only writes still
/// queues every write behind it while it waits.
pub(crate) fn blocking_lock(s: &Statement) -> Option<(String, &'static str)> {
    const EXCLUSIVE: &str = "ACCESS EXCLUSIVE";
    let existing = |table: String, mode| s.existing(&table).then_some((table, mode));
    match s.ast()? {
        Ast::AlterTable(alter) => {
            let foreign_key = |op: &AlterTableOperation| {
                matches!(
                    op,
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::ForeignKey(_),
                        ..
                    }
                )
            };
            let validate = |op: &AlterTableOperation| {
                matches!(op, AlterTableOperation::ValidateConstraint { .. })
            };
            let ops = &alter.operations;
            let mode = if ops.iter().all(validate) {
                return None;
            } else if ops.iter().all(|op| validate(op) || foreign_key(op)) {
                "SHARE ROW EXCLUSIVE"
            } else {
                EXCLUSIVE
            };
            existing(last_name(&alter.name), mode)
        }
        Ast::CreateIndex(create) if !create.concurrently => {
            existing(last_name(&create.table_name), "SHARE")
        }
        Ast::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => names
            .iter()
            .map(last_name)
            .find(|table| s.existing(table))
            .map(|table| (table, EXCLUSIVE)),
        Ast::Truncate(truncate) => truncate
            .table_names
            .iter()
            .map(|t| last_name(&t.name))
            .find(|table| s.existing(table))
            .map(|table| (table, EXCLUSIVE)),
        _ => None,
    }
}
