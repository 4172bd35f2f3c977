//! Does the downgrade undo the upgrade? The upgrade's operations are applied
//! to the tables they touch as they were before the revision, then the
//! downgrade's, and the result must equal where it started. Column order is
//! not compared: no database can put a re-added column back in its place,
//! and nothing but `SELECT *` sees it.
//!
//! Only what retort understands can be checked: a section with a statement
//! that runs verbatim (or does not parse) is passed over, as is a downgrade
//! that touches a table the upgrade did not.

use crate::lint::rules::Hit;
use crate::op::Op;
use crate::revision::Direction;
use crate::revision::file::{Revision, Section};
use crate::schema::{Schema, Table};
use crate::sql::parse::parse;
use crate::sql::write::write_ops;

/// The downgrade findings of `revision`: `start` holds the tables the
/// upgrade (`up`, its operations) touches as they were before it, `end` as
/// it leaves them.
pub(super) fn check(
    revision: &Revision,
    kind: crate::dialect::DialectKind,
    up: &[Op],
    start: &Schema,
    end: &Schema,
) -> Option<(&'static str, Section, Hit)> {
    if up.iter().all(|op| matches!(op, Op::Data(_))) {
        return None;
    }
    let upgrade = revision.section(Direction::Up, kind)?;
    let understood = !up.iter().any(|op| matches!(op, Op::Raw(_)));
    let Some(downgrade) = revision.section(Direction::Down, kind) else {
        let safe = if understood {
            let inverse: Vec<Op> = up.iter().rev().filter_map(Op::reverse).collect();
            format!(
                "add `-- migrate:downgrade` with the inverse:\n{}",
                write_ops(&inverse, end)
            )
        } else {
            "add a `-- migrate:downgrade` section that undoes the upgrade".to_owned()
        };
        let hit = Hit {
            problem: "no downgrade section: `retort downgrade` refuses to go back past this \
                      revision, so a bad release cannot be rolled back with it"
                .to_owned(),
            safe,
        };
        return Some(("downgrade-missing", upgrade.clone(), hit));
    };
    if !understood {
        return None;
    }
    let down: Vec<Op> = parse(&downgrade.sql, end)
        .ok()?
        .into_iter()
        .flat_map(|p| p.ops)
        .collect();
    if down.iter().any(|op| matches!(op, Op::Raw(_))) {
        return None;
    }
    let mut back = end.clone();
    for op in &down {
        op.apply(&mut back).ok()?;
    }
    let difference = difference(start, &back)?;
    let inverse: Vec<Op> = up.iter().rev().filter_map(Op::reverse).collect();
    let hit = Hit {
        problem: format!(
            "after the upgrade and then the downgrade, {difference}: `retort downgrade` would \
             leave the schema other than it found it"
        ),
        safe: format!(
            "make the downgrade the exact inverse of the upgrade:\n{}",
            write_ops(&inverse, end)
        ),
    };
    Some(("downgrade-not-reversing", downgrade.clone(), hit))
}

/// What differs between `want` and `got`, in words; `None` when nothing.
fn difference(want: &Schema, got: &Schema) -> Option<String> {
    for table in &want.tables {
        match got.table(&table.name) {
            None => return Some(format!("table `{}` is missing", table.name)),
            Some(other) if comparable(table) != comparable(other) => {
                return Some(describe(table, other));
            }
            Some(_) => {}
        }
    }
    got.tables
        .iter()
        .find(|t| want.table(&t.name).is_none())
        .map(|t| format!("table `{}` is left behind", t.name))
}

fn describe(want: &Table, got: &Table) -> String {
    let name = &want.name;
    for column in &want.columns {
        match got.columns.iter().find(|c| c.name == column.name) {
            None => return format!("column `{name}.{}` is missing", column.name),
            Some(other) if other != column => {
                return format!(
                    "column `{name}.{}` differs (was {:?}, is {:?})",
                    column.name, column, other
                );
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = got
        .columns
        .iter()
        .find(|c| !want.columns.iter().any(|w| w.name == c.name))
    {
        return format!("column `{name}.{}` is left behind", extra.name);
    }
    format!("the keys, constraints or indexes of `{name}` differ")
}

/// A table with its parts in a fixed order.
fn comparable(table: &Table) -> Table {
    let mut table = table.clone();
    table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    let key = |v: &dyn std::fmt::Debug| format!("{v:?}");
    table.uniques.sort_by_key(|u| key(u));
    table.checks.sort_by_key(|c| key(c));
    table.foreign_keys.sort_by_key(|f| key(f));
    table.indexes.sort_by_key(|i| key(i));
    table
}
