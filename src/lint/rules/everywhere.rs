//! Rules that hold on every database: data lost, a running release broken,
//! a statement that fails on a table with rows. They read the operations
//! retort parsed the statement into, so they see portable and
//! database-specific sections alike when retort understands them.

use crate::lint::rules::Hit;
use crate::lint::rules::verbatim::{Change, changes};
use crate::lint::statement::Statement;
use crate::op::Op;
use crate::schema::Default;

fn hit(table: &str, problem: String, safe: String) -> Vec<Hit> {
    vec![Hit {
        table: Some(table.to_owned()),
        problem,
        safe,
    }]
}

pub(super) fn drop_table(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for change in changes(s) {
        if let Change::DropTable(table) = change
            && s.existing(&table)
        {
            hits.extend(hit(
                &table,
                format!(
                    "drops table `{0}` and every row in it; the release still running reads `{0}` \
                     and fails, and the downgrade can bring the table back only empty",
                    table
                ),
                format!(
                    "expand/contract: first ship a release that no longer uses `{}`, then drop \
                     it in a later revision, with a backup of its rows",
                    table
                ),
            ));
        }
    }
    hits
}

pub(super) fn drop_column(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for change in changes(s) {
        if let Change::DropColumn { table, column } = change
            && s.existing(&table)
        {
            hits.extend(hit(
                &table,
                format!(
                    "drops column `{table}.{0}` and its values; the release still running \
                     selects or inserts `{0}` and fails",
                    column
                ),
                format!(
                    "expand/contract: first ship a release that neither reads nor writes `{}`, \
                     then drop it in a later revision",
                    column
                ),
            ));
        }
    }
    hits
}

pub(super) fn rename_table(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for change in changes(s) {
        if let Change::RenameTable { from, to } = change
            && s.existing(&from)
        {
            hits.extend(hit(
                &from,
                format!(
                    "renames `{from}` to `{to}`: the release still running uses `{from}` and \
                     fails from the moment this commits until the new release is out"
                ),
                format!(
                    "expand/contract: keep the old name working while both releases run, e.g. \
                     `ALTER TABLE {from} RENAME TO {to}; CREATE VIEW {from} AS SELECT * FROM {to};` \
                     (a simple view stays writable on PostgreSQL and MySQL), and drop the view \
                     in a later revision"
                ),
            ));
        }
    }
    hits
}

pub(super) fn rename_column(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for change in changes(s) {
        if let Change::RenameColumn { table, from, to } = change
            && s.existing(&table)
        {
            let ty = s
                .before
                .table(&table)
                .and_then(|t| t.columns.iter().find(|c| c.name == from))
                .map_or_else(|| "…".to_owned(), |c| c.ty.to_string());
            hits.extend(hit(
                &table,
                format!(
                    "renames `{table}.{from}` to `{to}`: the release still running uses `{from}` \
                     and fails from the moment this commits"
                ),
                format!(
                    "expand/contract: add the new column, write both, backfill, switch reads, \
                     drop the old one later: `ALTER TABLE {table} ADD COLUMN {to} {ty}; \
                     UPDATE {table} SET {to} = {from};` then, once no release uses `{from}`, \
                     `ALTER TABLE {table} DROP COLUMN {from};`"
                ),
            ));
        }
    }
    hits
}

pub(super) fn not_null_without_default(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for op in s.ops {
        if let Op::AddColumn { table, column } = op
            && s.existing(table)
            && !column.nullable
            && !column.identity
            && matches!(column.default, None | Some(Default::Null))
        {
            let name = &column.name;
            let ty = &column.ty;
            hits.extend(hit(
                table,
                format!(
                    "adds `{table}.{name}` NOT NULL without a default: on a table with rows \
                     PostgreSQL and SQLite refuse it (the existing rows would hold NULL) and \
                     MySQL fills it with the type's zero value"
                ),
                format!(
                    "give it a default, `ALTER TABLE {table} ADD COLUMN {name} {ty} NOT NULL \
                     DEFAULT …;`, or add it nullable, backfill, then set NOT NULL in a later \
                     revision"
                ),
            ));
        }
    }
    hits
}

pub(super) fn narrowing_type(s: &Statement) -> Vec<Hit> {
    let mut hits = Vec::new();
    for op in s.ops {
        if let Op::AlterColumn { table, from, to } = op
            && from.ty != to.ty
            && op.is_destructive()
        {
            hits.extend(hit(
                table,
                format!(
                    "narrows `{table}.{}` from {} to {}: a value that does not fit makes the \
                     statement fail, or on MySQL without strict mode is cut",
                    from.name, from.ty, to.ty
                ),
                format!(
                    "check first that every value fits, e.g. `SELECT count(*) FROM {table} \
                     WHERE …`, or keep the wider type"
                ),
            ));
        }
    }
    hits
}
