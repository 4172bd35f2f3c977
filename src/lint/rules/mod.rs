//! The rules: one table ([`RULES`]) holding every rule's id, severity,
//! database and check, so the ids stay stable and docs/lint.md can be
//! checked against it. Each check is a small pure function of one
//! [`Statement`], in the file of the database it is about.

mod everywhere;
mod mysql;
mod postgres;
mod sqlite;
mod verbatim;

pub(crate) use mysql::altered_tables;
pub(crate) use postgres::blocking_lock;

use crate::dialect::DialectKind;
use crate::lint::Severity;
use crate::lint::statement::Statement;

/// What a check found: what happens, and the safe way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// The existing table it is about, where one is: `--with-sizes` rates
    /// the finding by its rows.
    pub table: Option<String>,
    pub problem: String,
    pub safe: String,
}

/// How a rule looks at a revision.
#[derive(Clone, Copy)]
pub(crate) enum Check {
    /// Each statement of the upgrade section.
    Statement(fn(&Statement) -> Vec<Hit>),
    /// The revision as a whole (its downgrade): the walk runs it.
    Revision,
}

/// One rule.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable id: what suppressions, `[lint]` and the output name.
    pub id: &'static str,
    /// Its severity unless `[lint]` changes it.
    pub severity: Severity,
    /// The canonical name of the one database it is about (`postgresql`,
    /// `mysql`, `sqlite`), `None` for every database.
    pub dialect: Option<&'static str>,
    /// One line: what it catches.
    pub summary: &'static str,
    pub(crate) check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

impl Rule {
    /// Whether the rule applies to statements run on `dialect`.
    pub fn applies_to(&self, dialect: DialectKind) -> bool {
        self.dialect.is_none_or(|name| name == dialect.as_str())
    }
}

const fn on_statement(
    id: &'static str,
    severity: Severity,
    dialect: Option<&'static str>,
    summary: &'static str,
    check: fn(&Statement) -> Vec<Hit>,
) -> Rule {
    Rule {
        id,
        severity,
        dialect,
        summary,
        check: Check::Statement(check),
    }
}

const PG: Option<&str> = Some("postgresql");
const MY: Option<&str> = Some("mysql");
const LITE: Option<&str> = Some("sqlite");
const ALL: Option<&str> = None;
use Severity::{Error, Info, Warning};

/// Every rule, in the order docs/lint.md lists them.
pub const RULES: &[Rule] = &[
    on_statement(
        "drop-table",
        Error,
        ALL,
        "a table dropped: its rows are lost, the running release breaks",
        everywhere::drop_table,
    ),
    on_statement(
        "drop-column",
        Error,
        ALL,
        "a column dropped: its values are lost, the running release breaks",
        everywhere::drop_column,
    ),
    on_statement(
        "rename-table",
        Warning,
        ALL,
        "a table renamed while the running release uses the old name",
        everywhere::rename_table,
    ),
    on_statement(
        "rename-column",
        Warning,
        ALL,
        "a column renamed while the running release uses the old name",
        everywhere::rename_column,
    ),
    on_statement(
        "add-column-not-null-no-default",
        Error,
        ALL,
        "a NOT NULL column without a default added to an existing table",
        everywhere::not_null_without_default,
    ),
    on_statement(
        "narrowing-type",
        Warning,
        ALL,
        "a column type narrowed: values that do not fit fail or are cut",
        everywhere::narrowing_type,
    ),
    Rule {
        id: "downgrade-missing",
        severity: Warning,
        dialect: ALL,
        summary: "an upgrade without a downgrade section",
        check: Check::Revision,
    },
    Rule {
        id: "downgrade-not-reversing",
        severity: Error,
        dialect: ALL,
        summary: "a downgrade that does not bring the schema back to where the upgrade started",
        check: Check::Revision,
    },
    on_statement(
        "pg-create-index-not-concurrently",
        Warning,
        PG,
        "CREATE INDEX without CONCURRENTLY on an existing table",
        postgres::create_index_not_concurrently,
    ),
    on_statement(
        "pg-concurrently-in-transaction",
        Error,
        PG,
        "CONCURRENTLY in a section that runs in a transaction",
        postgres::concurrently_in_transaction,
    ),
    on_statement(
        "pg-constraint-not-valid",
        Warning,
        PG,
        "a foreign key or check added to an existing table without NOT VALID",
        postgres::constraint_not_valid,
    ),
    on_statement(
        "pg-set-not-null",
        Warning,
        PG,
        "SET NOT NULL on an existing table without a validated check first",
        postgres::set_not_null,
    ),
    on_statement(
        "pg-alter-column-type",
        Warning,
        PG,
        "a column type change that rewrites an existing table",
        postgres::alter_column_type,
    ),
    on_statement(
        "pg-add-column-volatile-default",
        Warning,
        PG,
        "ADD COLUMN with a volatile default or identity on an existing table",
        postgres::volatile_default,
    ),
    on_statement(
        "pg-unique-not-using-index",
        Warning,
        PG,
        "a unique constraint or primary key not built from an existing index",
        postgres::unique_not_using_index,
    ),
    on_statement(
        "pg-lock-timeout",
        Warning,
        PG,
        "DDL that blocks writes to an existing table with no lock_timeout set before it",
        postgres::lock_timeout,
    ),
    on_statement(
        "mysql-table-copy",
        Warning,
        MY,
        "a change MySQL makes only by copying the table (ALGORITHM=COPY)",
        mysql::table_copy,
    ),
    on_statement(
        "mysql-add-foreign-key",
        Warning,
        MY,
        "a foreign key added to an existing table: copied while foreign_key_checks is on",
        mysql::add_foreign_key,
    ),
    on_statement(
        "mysql-several-alters",
        Info,
        MY,
        "several ALTERs of one table that could be one",
        mysql::several_alters,
    ),
    on_statement(
        "sqlite-table-rebuild",
        Warning,
        LITE,
        "a change SQLite's ALTER TABLE cannot make: retort rebuilds the table",
        sqlite::table_rebuild,
    ),
];

/// The rules whose cost grows with the table's rows, which
/// `lint --with-sizes` lowers to `info` on an empty table.
pub(crate) const RATED_BY_SIZE: &[&str] = &[
    "add-column-not-null-no-default",
    "narrowing-type",
    "pg-create-index-not-concurrently",
    "pg-constraint-not-valid",
    "pg-set-not-null",
    "pg-alter-column-type",
    "pg-add-column-volatile-default",
    "pg-unique-not-using-index",
    "mysql-table-copy",
    "mysql-add-foreign-key",
    "mysql-several-alters",
    "sqlite-table-rebuild",
];

/// The rule with this id.
pub(crate) fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests;
