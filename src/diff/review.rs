//! What a person must look at before running generated operations: likely
//! renames, and changes that lose data or fail on the rows already there.
//!
//! Whether `NOT NULL` fails depends on the data, so that question is asked
//! of the database: [`probes`] gives one cheap `SELECT 1 … LIMIT 1` per
//! operation that needs it, and [`warnings`] takes their answers. A probe
//! that could not run counts as "rows found": a warning too many is cheaper
//! than a failed deploy.

use std::fmt;

use crate::dialect::Dialect;
use crate::op::Op;

mod constraints;

/// One thing for a reviewer, written into the generated file, on stderr
/// and in `--format json`: what it is about (the table, and the column,
/// index or constraint in it) and, in [`message`](Self::message), what is
/// lost or may fail.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// Whether it is a likely rename or a destructive change.
    pub kind: Kind,
    /// The operation it is about, named as in `check --format json`
    /// (`drop_column`, …).
    pub op: &'static str,
    /// The table, under its name before the operation.
    pub table: String,
    /// The column, index or constraint it is about, or the whole table.
    pub subject: Subject,
    /// The new name, for a likely rename.
    pub renamed_to: Option<String>,
    /// The whole sentence, naming the table and the subject.
    pub message: String,
}

/// Why a [`Warning`] is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A dropped and an added table or column of the same shape, written as
    /// a rename.
    Rename,
    /// A change that loses data, or fails on the rows the table holds.
    Destructive,
}

impl Kind {
    /// The name in JSON: `rename`, `destructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rename => "rename",
            Kind::Destructive => "destructive",
        }
    }
}

/// What in the table a [`Warning`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The whole table.
    Table,
    /// A column, by name.
    Column(String),
    /// An index, by name.
    Index(String),
    /// A constraint, by name.
    Constraint(String),
}

impl Subject {
    /// The JSON key and value naming it (`("column", "balance")`); `None`
    /// for the whole table, which `table` already names.
    pub fn as_pair(&self) -> Option<(&'static str, &str)> {
        match self {
            Subject::Table => None,
            Subject::Column(name) => Some(("column", name)),
            Subject::Index(name) => Some(("index", name)),
            Subject::Constraint(name) => Some(("constraint", name)),
        }
    }
}

impl Warning {
    fn new(kind: Kind, op: &Op, table: &str, subject: Subject, message: String) -> Self {
        Warning {
            kind,
            op: op.kind(),
            table: table.to_owned(),
            subject,
            renamed_to: None,
            message,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Rename => write!(f, "RENAME? {}", self.message),
            Kind::Destructive => write!(f, "DESTRUCTIVE: {}", self.message),
        }
    }
}

/// A question about the rows that decides whether `ops[op]` fails: any row
/// at all, or any row holding NULL in a column becoming `NOT NULL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Index of the operation in the slice given to [`probes`].
    pub op: usize,
    /// `SELECT 1 … LIMIT 1`: a row back means yes.
    pub sql: String,
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rows {
    /// The table has the rows that make the operation fail.
    Found,
    /// It has none: the operation runs.
    None,
    /// The probe failed; the reason is shown with the warning.
    Unknown(String),
}

/// The probes `ops` need, against the database before them. Names are
/// followed back through renames earlier in `ops`; a table created earlier
/// in `ops` is empty and needs none.
pub fn probes(ops: &[Op], dialect: &dyn Dialect) -> Vec<Probe> {
    let mut probes = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        if let Some(sql) = constraints::probe(ops, index, dialect) {
            probes.push(Probe { op: index, sql });
        }
        let Some((table, null_in)) = needs_probe(op) else {
            continue;
        };
        let Some((table, null_in)) = name_before(&ops[..index], table, null_in) else {
            continue;
        };
        let mut sql = format!("SELECT 1 FROM {}", dialect.quote_ident(&table));
        if let Some(column) = null_in {
            sql.push_str(&format!(" WHERE {} IS NULL", dialect.quote_ident(&column)));
        }
        sql.push_str(" LIMIT 1");
        probes.push(Probe { op: index, sql });
    }
    probes
}

/// The table an operation's rows are probed in, and the column that must
/// hold no NULL (`None`: any row counts): adding a `NOT NULL` column
/// without a default, and setting `NOT NULL` (a default does not fill the
/// NULLs already there).
fn needs_probe(op: &Op) -> Option<(&String, Option<&String>)> {
    match op {
        Op::AddColumn { table, column }
            if !column.nullable && column.default.is_none() && !column.identity =>
        {
            Some((table, None))
        }
        Op::AlterColumn { table, from, to } if from.nullable && !to.nullable => {
            Some((table, Some(&to.name)))
        }
        _ => None,
    }
}

/// The table (and column) names in the database before `earlier` ran;
/// `None` when `earlier` creates the table.
fn name_before(
    earlier: &[Op],
    table: &str,
    column: Option<&String>,
) -> Option<(String, Option<String>)> {
    let mut table = table.to_owned();
    let mut column = column.cloned();
    for op in earlier.iter().rev() {
        match op {
            Op::CreateTable(created) if created.name == table => return None,
            Op::RenameTable { from, to } if *to == table => table = from.clone(),
            Op::RenameColumn {
                table: renamed,
                from,
                to,
            } if *renamed == table && column.as_ref() == Some(to) => column = Some(from.clone()),
            _ => {}
        }
    }
    Some((table, column))
}

/// The warnings for `ops`; `rows(i)` answers the probe of `ops[i]`, and
/// is `Rows::None` for an operation [`probes`] gave no probe (its table is
/// created in `ops`). Each names its table and column (or the whole table),
/// so a table losing several columns gets one warning per column.
pub fn warnings(ops: &[Op], rows: impl Fn(usize) -> Rows) -> Vec<Warning> {
    use Kind::{Destructive, Rename};
    let mut warnings = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        match op {
            Op::RenameTable { from, to } => warnings.push(Warning {
                renamed_to: Some(to.clone()),
                ..Warning::new(
                    Rename,
                    op,
                    from,
                    Subject::Table,
                    format!(
                        "table {from} -> {to}: a dropped and an added table of the same shape; \
                         check this is a rename (or use --no-renames)"
                    ),
                )
            }),
            Op::RenameColumn { table, from, to } => warnings.push(Warning {
                renamed_to: Some(to.clone()),
                ..Warning::new(
                    Rename,
                    op,
                    table,
                    Subject::Column(from.clone()),
                    format!(
                        "column {table}.{from} -> {to}: a dropped and an added column of the \
                         same shape; check this is a rename (or use --no-renames)"
                    ),
                )
            }),
            Op::DropTable(table) => {
                let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
                warnings.push(Warning::new(
                    Destructive,
                    op,
                    &table.name,
                    Subject::Table,
                    format!(
                        "table {} is dropped: all its rows are lost, with the values of its \
                         columns ({})",
                        table.name,
                        columns.join(", ")
                    ),
                ));
            }
            Op::DropColumn { table, column } => warnings.push(Warning::new(
                Destructive,
                op,
                table,
                Subject::Column(column.name.clone()),
                format!(
                    "column {table}.{} ({}) is dropped: its value in every row of {table} is lost",
                    column.name, column.ty
                ),
            )),
            Op::AddColumn { table, column } => {
                if let Some(found) = failing_rows(&rows, index, op, || format!("{table} has rows"))
                {
                    warnings.push(Warning::new(
                        Destructive,
                        op,
                        table,
                        Subject::Column(column.name.clone()),
                        format!(
                            "{table}.{} is added NOT NULL without a default, and {found}: \
                             PostgreSQL and SQLite refuse it, MySQL fills in 0 or ''; \
                             add a DEFAULT, or add it nullable, fill it, then set NOT NULL",
                            column.name
                        ),
                    ));
                }
            }
            Op::AlterColumn { table, from, to } => {
                let column = || Subject::Column(to.name.clone());
                let found = || format!("rows of {table} hold NULL in it");
                if let Some(found) = failing_rows(&rows, index, op, found) {
                    warnings.push(Warning::new(
                        Destructive,
                        op,
                        table,
                        column(),
                        format!(
                            "{table}.{} becomes NOT NULL, and {found}: the upgrade fails \
                             until they are filled (an UPDATE before it)",
                            to.name
                        ),
                    ));
                }
                if op.is_destructive() {
                    warnings.push(Warning::new(
                        Destructive,
                        op,
                        table,
                        column(),
                        format!(
                            "{table}.{} changes type from {} to {}, which may not hold every \
                             value: one that does not fit fails the upgrade, or is cut or \
                             rounded, depending on the type and the database",
                            to.name, from.ty, to.ty
                        ),
                    ));
                }
            }
            op if constraints::asks(op) => {
                let found = || constraints::found(op);
                if let Some(found) = failing_rows(&rows, index, op, found)
                    && let Some((subject, message)) = constraints::warning(op, &found)
                {
                    let table = op.table().unwrap_or("?");
                    warnings.push(Warning::new(Destructive, op, table, subject, message));
                }
            }
            _ => {}
        }
    }
    warnings
}

/// What makes a NOT NULL `op` fail, for its warning: `found` when its
/// probe found rows, the reason when the probe could not tell; `None` when
/// it has no probe or the rows are fine.
fn failing_rows(
    rows: &impl Fn(usize) -> Rows,
    index: usize,
    op: &Op,
    found: impl FnOnce() -> String,
) -> Option<String> {
    if needs_probe(op).is_none() && !constraints::asks(op) {
        return None;
    }
    match rows(index) {
        Rows::None => None,
        Rows::Found => Some(found()),
        Rows::Unknown(reason) => Some(format!(
            "whether {} has such rows could not be checked ({reason})",
            op.table().unwrap_or("?")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DialectKind;
    use crate::dialect::dialect;
    use crate::schema::{Column, Table, Type};

    fn not_null(name: &str) -> Column {
        Column {
            nullable: false,
            ..Column::new(name, Type::Integer)
        }
    }

    fn add(table: &str, column: Column) -> Op {
        Op::AddColumn {
            table: table.into(),
            column,
        }
    }

    fn set_not_null(table: &str, name: &str) -> Op {
        Op::AlterColumn {
            table: table.into(),
            from: Column::new(name, Type::Integer),
            to: not_null(name),
        }
    }

    #[test]
    fn not_null_without_default_is_probed() {
        let postgres = dialect(DialectKind::Postgres);
        let with_default = Column {
            default: Some(crate::schema::Default::Number("0".into())),
            ..not_null("b")
        };
        let ops = [
            add("t", not_null("a")),
            add("t", with_default),
            add("t", Column::new("c", Type::Integer)),
            set_not_null("t", "d"),
        ];
        let probes = probes(&ops, postgres);
        assert_eq!(
            probes,
            [
                Probe {
                    op: 0,
                    sql: r#"SELECT 1 FROM "t" LIMIT 1"#.into()
                },
                Probe {
                    op: 3,
                    sql: r#"SELECT 1 FROM "t" WHERE "d" IS NULL LIMIT 1"#.into()
                },
            ]
        );
    }

    #[test]
    fn probes_use_the_names_before_renames_and_skip_new_tables() {
        let mysql = dialect(DialectKind::Mysql);
        let ops = [
            Op::RenameTable {
                from: "old".into(),
                to: "new".into(),
            },
            Op::RenameColumn {
                table: "new".into(),
                from: "x".into(),
                to: "y".into(),
            },
            set_not_null("new", "y"),
            Op::CreateTable(Table::new("fresh")),
            add("fresh", not_null("a")),
        ];
        let probes = probes(&ops, mysql);
        assert_eq!(probes.len(), 1, "{probes:?}");
        assert_eq!(probes[0].op, 2);
        assert_eq!(
            probes[0].sql,
            "SELECT 1 FROM `old` WHERE `x` IS NULL LIMIT 1"
        );
    }

    #[test]
    fn only_rows_that_fail_are_warned_about() {
        let ops = [add("t", not_null("a")), set_not_null("u", "b")];
        assert!(warnings(&ops, |_| Rows::None).is_empty());

        let found = warnings(&ops, |_| Rows::Found);
        assert_eq!(found.len(), 2);
        assert!(
            found[0].to_string().starts_with(
                "DESTRUCTIVE: t.a is added NOT NULL without a default, and t has rows"
            ),
            "{}",
            found[0]
        );
        assert!(
            found[1]
                .to_string()
                .contains("u.b becomes NOT NULL, and rows of u hold NULL in it"),
            "{}",
            found[1]
        );

        let unknown = warnings(&ops[..1], |_| Rows::Unknown("denied".into()));
        assert!(
            unknown[0]
                .to_string()
                .contains("could not be checked (denied)")
        );
    }

    #[test]
    fn drops_narrowing_and_renames_are_listed() {
        let narrowing = Op::AlterColumn {
            table: "t".into(),
            from: Column::new("a", Type::BigInt),
            to: not_null("a"),
        };
        let mut gone = Table::new("gone");
        gone.columns.push(Column::new("id", Type::Integer));
        let ops = [
            Op::DropTable(gone),
            Op::RenameColumn {
                table: "t".into(),
                from: "x".into(),
                to: "y".into(),
            },
            narrowing,
        ];
        let text: Vec<String> = warnings(&ops, |_| Rows::Found)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            text[0],
            "DESTRUCTIVE: table gone is dropped: all its rows are lost, with the values of its \
             columns (id)"
        );
        assert!(
            text[1].starts_with("RENAME? column t.x -> y"),
            "{}",
            text[1]
        );
        assert!(text[2].contains("t.a becomes NOT NULL"), "{}", text[2]);
        assert!(
            text[3].contains("t.a changes type from BIGINT to INTEGER"),
            "{}",
            text[3]
        );
    }

    /// A table losing several columns at once gets one warning per column,
    /// each naming the table and the column it is about.
    #[test]
    fn every_dropped_column_is_named() {
        let drop = |name: &str, ty: Type| Op::DropColumn {
            table: "account".into(),
            column: Column::new(name, ty),
        };
        let ops = [
            drop(
                "balance",
                Type::Numeric {
                    precision: Some(14),
                    scale: Some(2),
                },
            ),
            drop("note", Type::Text),
        ];
        let found = warnings(&ops, |_| Rows::None);
        let about: Vec<_> = found
            .iter()
            .map(|w| (w.kind, w.op, w.table.as_str(), w.subject.as_pair()))
            .collect();
        assert_eq!(
            about,
            [
                (
                    Kind::Destructive,
                    "drop_column",
                    "account",
                    Some(("column", "balance"))
                ),
                (
                    Kind::Destructive,
                    "drop_column",
                    "account",
                    Some(("column", "note"))
                ),
            ]
        );
        assert_eq!(
            found[0].to_string(),
            "DESTRUCTIVE: column account.balance (NUMERIC(14, 2)) is dropped: its value in every \
             row of account is lost"
        );
    }
}
