//! SQLite: what its `ALTER TABLE` cannot do, retort does by rebuilding the
//! table (<https://www.sqlite.org/lang_altertable.html#otheralter>). The
//! renderer knows when; this rule asks it.

use crate::lint::rules::Hit;
use crate::lint::statement::Statement;
use crate::op::Op;

pub(super) fn table_rebuild(s: &Statement) -> Vec<Hit> {
    if !s.dialect.rebuilds_table(s.ops, s.before) {
        return Vec::new();
    }
    let mut tables: Vec<&str> = Vec::new();
    for op in s.ops {
        if matches!(op, Op::CreateTable(_) | Op::Raw(_) | Op::Data(_)) {
            continue;
        }
        if let Some(table) = op.table()
            && s.existing(table)
            && s.dialect.rebuilds_table(std::slice::from_ref(op), s.before)
            && !tables.contains(&table)
        {
            tables.push(table);
        }
    }
    tables
        .into_iter()
        .map(|table| Hit {
            problem: format!(
                "SQLite's ALTER TABLE cannot make this change, so retort rebuilds `{table}`: a \
                 new table is created, every row copied, the old one dropped and the new one \
                 renamed, with foreign-key enforcement off ({} statements); writers wait for \
                 the whole copy",
                s.rendered.len()
            ),
            safe: format!(
                "fine for a small table; for a large `{table}`, run it when writers are idle, or \
                 make a change SQLite does in place (a new nullable column, or one with a \
                 constant default)"
            ),
        })
        .collect()
}
