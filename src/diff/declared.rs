//! Autogenerate compares the database with the models in the database's
//! normal form ([`Dialect::normalize`](crate::dialect::Dialect::normalize)):
//! MySQL's `CHAR(36)` for `UUID`, SQLite's identity for `INTEGER PRIMARY
//! KEY`, canonical defaults. Written as it is into a revision, that form
//! would tie a portable file to the database it was generated against — a
//! revision made on a developer's MySQL would give PostgreSQL `char(36)`
//! instead of `uuid`. [`as_declared`] puts back the columns as the models
//! declare them, so the revision runs the same on every database, while
//! keeping everything the comparison decided (which columns, what changed,
//! constraint names, the order).

use crate::op::Op;
use crate::schema::{Column, Schema};

/// `ops` (from `diff(database, normalize(declared))`) with the columns they
/// create or change taken from `declared`. An [`Op::AlterColumn`] takes
/// only the attributes that differ, so a change of type does not also
/// rewrite a default that only looks different in its normal form;
/// nullability and identity stay normal, because they decide which clauses
/// the change needs (a primary key column is NOT NULL without saying so).
pub(crate) fn as_declared(ops: Vec<Op>, declared: &Schema) -> Vec<Op> {
    let column = |table: &str, name: &str| -> Option<&Column> {
        declared.table(table).and_then(|t| t.column(name))
    };
    ops.into_iter()
        .map(|op| match op {
            Op::CreateTable(mut table) => {
                if let Some(model) = declared.table(&table.name) {
                    // SQLite keeps no comments, so its normal form has none.
                    table.comment = model.comment.clone();
                    for column in &mut table.columns {
                        if let Some(declared) = model.column(&column.name) {
                            *column = declared.clone();
                        }
                    }
                }
                Op::CreateTable(table)
            }
            Op::AddColumn { table, column: c } => {
                let c = column(&table, &c.name).cloned().unwrap_or(c);
                Op::AddColumn { table, column: c }
            }
            Op::AlterColumn {
                table,
                from,
                mut to,
            } => {
                if let Some(declared) = column(&table, &to.name) {
                    if from.ty != to.ty {
                        to.ty = declared.ty.clone();
                    }
                    if from.default != to.default {
                        to.default = declared.default.clone();
                    }
                }
                Op::AlterColumn { table, from, to }
            }
            op => op,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DialectKind;
    use crate::dialect::dialect;
    use crate::diff::{Renames, diff};
    use crate::sql::parse::parse_schema;
    use crate::sql::write::write_ops;

    /// The revision autogenerate writes from `database` to `models` on `kind`.
    fn generated(kind: DialectKind, database: &str, models: &str) -> String {
        let dialect = dialect(kind);
        let mut database = parse_schema(database).unwrap();
        dialect.normalize(&mut database);
        let declared = parse_schema(models).unwrap();
        let mut models = declared.clone();
        dialect.normalize(&mut models);
        let ops = as_declared(diff(&database, &models, Renames::Detect), &declared);
        write_ops(&ops, &database)
    }

    #[test]
    fn new_tables_and_columns_are_written_as_declared() {
        let models = "CREATE TABLE t (id INTEGER PRIMARY KEY, uid UUID NOT NULL, \
                      seen TIMESTAMP WITH TIME ZONE DEFAULT now()); \
                      COMMENT ON TABLE t IS 'kept';";
        for kind in [
            DialectKind::Mysql,
            DialectKind::Sqlite,
            DialectKind::Postgres,
        ] {
            let sql = generated(kind, "", models);
            assert!(sql.contains("uid UUID NOT NULL"), "{kind:?}: {sql}");
            assert!(
                sql.contains("seen TIMESTAMP WITH TIME ZONE"),
                "{kind:?}: {sql}"
            );
            assert!(!sql.contains("IDENTITY"), "{kind:?}: {sql}");
            assert!(!sql.contains("CHAR(36)"), "{kind:?}: {sql}");
            assert!(
                sql.contains("COMMENT ON TABLE t IS 'kept'"),
                "{kind:?}: {sql}"
            );
        }
        let sql = generated(
            DialectKind::Mysql,
            "CREATE TABLE t (id INTEGER PRIMARY KEY);",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, uid UUID);",
        );
        assert_eq!(sql.trim(), "ALTER TABLE t ADD COLUMN uid UUID;");
    }

    #[test]
    fn an_altered_column_takes_only_what_changed() {
        // The type changes; the default is the same once normal, so it is
        // not rewritten; the type is written as declared.
        let sql = generated(
            DialectKind::Mysql,
            "CREATE TABLE t (id INTEGER PRIMARY KEY, code VARCHAR(10) DEFAULT '0');",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, code UUID DEFAULT '0');",
        );
        assert_eq!(sql.trim(), "ALTER TABLE t ALTER COLUMN code TYPE UUID;");
    }
}
