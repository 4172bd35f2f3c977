//! Comparing two schemas: the operations that turn `from` into `to`,
//! ordered so each is valid when it runs — foreign keys dropped before the
//! tables they tie, tables created before the keys that reference them.
//! Both sides should be normalised by the dialect first, so that spellings
//! the database does not keep apart compare equal.

use std::collections::{HashMap, HashSet};

use crate::naming::ConstraintNames;
use crate::op::Op;
use crate::schema::{Column, Schema, Table};

/// How [`diff`] treats a dropped and an added thing of the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renames {
    /// Write them as a rename (the user confirms it in the file).
    Detect,
    /// Write a drop and an add.
    Ignore,
}

/// The operations that turn `from` into `to`.
pub fn diff(from: &Schema, to: &Schema, renames: Renames) -> Vec<Op> {
    let mut plan = Plan::default();
    let old: HashMap<&str, &Table> = from.tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let new: HashMap<&str, &Table> = to.tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut dropped: Vec<&Table> = from
        .tables
        .iter()
        .filter(|t| !new.contains_key(t.name.as_str()))
        .collect();
    let mut created: Vec<&Table> = to
        .tables
        .iter()
        .filter(|t| !old.contains_key(t.name.as_str()))
        .collect();

    // Renamed tables: old name → new name. Keys elsewhere that reference
    // them follow the rename (as `Op::apply` and the databases do).
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut pairs: Vec<(&Table, &Table)> = Vec::new();
    if renames == Renames::Detect {
        dropped.retain(
            |gone| match created.iter().position(|t| same_shape_table(gone, t)) {
                Some(j) => {
                    let target = created.remove(j);
                    renamed.insert(gone.name.clone(), target.name.clone());
                    pairs.push((gone, target));
                    false
                }
                None => true,
            },
        );
    }
    for (gone, target) in &pairs {
        plan.renames.push(Op::RenameTable {
            from: gone.name.clone(),
            to: target.name.clone(),
        });
    }

    // Referrers first: their keys are dropped first too, but SQLite drops
    // a key only with its table, and dropping a referenced table with rows
    // still referring to it fails there.
    for table in order_for_drop(&dropped) {
        for key in &table.foreign_keys {
            plan.drop_keys.push(Op::DropForeignKey {
                table: table.name.clone(),
                key: key.clone(),
            });
        }
        let mut bare = (*table).clone();
        bare.foreign_keys.clear();
        plan.drop_tables.push(Op::DropTable(bare));
    }
    let common = from
        .tables
        .iter()
        .filter_map(|t| new.get(t.name.as_str()).map(|n| (t, *n)));
    let pairs: Vec<(&Table, &Table)> = pairs.into_iter().chain(common).collect();
    let columns: ColumnRenames = pairs
        .iter()
        .map(|(old, new)| (new.name.clone(), column_renames(old, new, renames)))
        .collect();
    let renamed = Renamed {
        tables: renamed,
        columns,
    };
    for (old_table, new_table) in &pairs {
        compare_table(old_table, new_table, &renamed, &mut plan);
    }
    let renamed = renamed.tables;
    rebind_keys_over_type_changes(from, to, &pairs, &renamed, &mut plan);
    // A new table's key to a table whose columns or keys change waits for
    // them: the referenced columns may only become a key (or exist) later
    // in the revision, and MySQL and PostgreSQL refuse a foreign key
    // without a key on the other end.
    let changing: HashSet<String> = plan
        .columns
        .iter()
        .chain(&plan.add_constraints)
        .filter_map(|op| op.table().map(str::to_owned))
        .collect();
    for op in order_for_creation(&created) {
        let Op::CreateTable(mut table) = op else {
            plan.create_tables.push(op);
            continue;
        };
        let (keep, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut table.foreign_keys)
            .into_iter()
            .partition(|k| !changing.contains(&k.referenced_table));
        table.foreign_keys = keep;
        plan.add_keys
            .extend(wait.into_iter().map(|key| Op::AddForeignKey {
                table: table.name.clone(),
                key,
            }));
        plan.create_tables.push(Op::CreateTable(table));
    }
    plan.into_ops()
}

/// Operations in the order they can run.
#[derive(Default)]
struct Plan {
    drop_keys: Vec<Op>,
    drop_constraints: Vec<Op>,
    drop_tables: Vec<Op>,
    renames: Vec<Op>,
    create_tables: Vec<Op>,
    columns: Vec<Op>,
    add_constraints: Vec<Op>,
    add_keys: Vec<Op>,
}

impl Plan {
    fn into_ops(self) -> Vec<Op> {
        [
            self.drop_keys,
            self.drop_constraints,
            self.drop_tables,
            self.renames,
            self.create_tables,
            self.columns,
            self.add_constraints,
            self.add_keys,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Columns renamed, `(from, to)`, by the table's new name.
type ColumnRenames = HashMap<String, Vec<(String, String)>>;

/// The renames of a comparison: tables (old name → new name) and columns.
struct Renamed {
    tables: HashMap<String, String>,
    columns: ColumnRenames,
}

/// The columns of `old` that `new` has under another name: dropped and
/// added columns of the same shape, in order.
fn column_renames(old: &Table, new: &Table, renames: Renames) -> Vec<(String, String)> {
    if renames == Renames::Ignore {
        return Vec::new();
    }
    let gone = old.columns.iter().filter(|c| new.column(&c.name).is_none());
    let mut added: Vec<&Column> = new
        .columns
        .iter()
        .filter(|c| old.column(&c.name).is_none())
        .collect();
    gone.filter_map(|gone| {
        let j = added.iter().position(|c| same_shape_column(gone, c))?;
        Some((gone.name.clone(), added.remove(j).name.clone()))
    })
    .collect()
}

/// Drops run before any rename, under the old table name; everything else
/// after, under the new one.
fn compare_table(old: &Table, new: &Table, renamed: &Renamed, plan: &mut Plan) {
    let before = || old.name.clone();
    let table = || new.name.clone();
    let no_columns = Vec::new();
    let column_renames = |table: &str| renamed.columns.get(table).unwrap_or(&no_columns);
    // An old key still holds the old names of a renamed table and columns
    // it references.
    let follows = |key: &crate::schema::ForeignKey| {
        let mut key = key.clone();
        if let Some(to) = renamed.tables.get(&key.referenced_table) {
            key.referenced_table = to.clone();
        }
        for (from, to) in column_renames(&key.referenced_table) {
            for column in key.referenced_columns.iter_mut().filter(|c| *c == from) {
                *column = to.clone();
            }
        }
        key
    };
    // Compared as the renames leave it; dropped as it is before.
    let columns = column_renames(&new.name);
    let moved = &as_renamed(old, &new.name, columns);
    let old_keys: Vec<_> = moved.foreign_keys.iter().map(follows).collect();
    for (key, followed) in old.foreign_keys.iter().zip(&old_keys) {
        if !new.foreign_keys.contains(followed) {
            plan.drop_keys.push(Op::DropForeignKey {
                table: before(),
                key: key.clone(),
            });
        }
    }
    for (index, _) in old
        .indexes
        .iter()
        .zip(&moved.indexes)
        .filter(|(_, i)| !new.indexes.contains(i))
    {
        plan.drop_constraints.push(Op::DropIndex {
            table: before(),
            index: index.clone(),
        });
    }
    for (unique, _) in old
        .uniques
        .iter()
        .zip(&moved.uniques)
        .filter(|(_, u)| !new.uniques.contains(u))
    {
        plan.drop_constraints.push(Op::DropUnique {
            table: before(),
            unique: unique.clone(),
        });
    }
    for (check, _) in old
        .checks
        .iter()
        .zip(&moved.checks)
        .filter(|(_, c)| !new.checks.contains(c))
    {
        plan.drop_constraints.push(Op::DropCheck {
            table: before(),
            check: check.clone(),
        });
    }
    if moved.primary_key != new.primary_key
        && let Some(key) = &old.primary_key
    {
        plan.drop_constraints.push(Op::DropPrimaryKey {
            table: before(),
            key: key.clone(),
        });
    }

    let mut gone: Vec<&Column> = old
        .columns
        .iter()
        .filter(|c| new.column(&c.name).is_none())
        .collect();
    let mut added: Vec<&Column> = new
        .columns
        .iter()
        .filter(|c| old.column(&c.name).is_none())
        .collect();
    for (from, to) in columns {
        gone.retain(|c| c.name != *from);
        added.retain(|c| c.name != *to);
        plan.columns.push(Op::RenameColumn {
            table: table(),
            from: from.clone(),
            to: to.clone(),
        });
        // A new comment does not make it another column.
        if let (Some(was), Some(is)) = (old.column(from), new.column(to)) {
            let renamed = Column {
                name: to.clone(),
                ..was.clone()
            };
            if renamed != *is {
                plan.columns.push(Op::AlterColumn {
                    table: table(),
                    from: renamed,
                    to: is.clone(),
                });
            }
        }
    }
    // Added before the drops, in both directions (the reversed list adds
    // the dropped ones back first): MySQL refuses to drop a table's last
    // column ("You can't delete all columns with ALTER TABLE").
    for column in added {
        plan.columns.push(Op::AddColumn {
            table: table(),
            column: column.clone(),
        });
    }
    // Dropped last column first, so the reversed list adds them back in order.
    for column in gone.into_iter().rev() {
        plan.columns.push(Op::DropColumn {
            table: table(),
            column: column.clone(),
        });
    }
    for column in &old.columns {
        if let Some(target) = new.column(&column.name)
            && target != column
        {
            plan.columns.push(Op::AlterColumn {
                table: table(),
                from: column.clone(),
                to: target.clone(),
            });
        }
    }
    if old.comment != new.comment {
        plan.columns.push(Op::SetTableComment {
            table: table(),
            from: old.comment.clone(),
            to: new.comment.clone(),
        });
    }

    if moved.primary_key != new.primary_key
        && let Some(key) = &new.primary_key
    {
        plan.add_constraints.push(Op::AddPrimaryKey {
            table: table(),
            key: key.clone(),
        });
    }
    for unique in new.uniques.iter().filter(|u| !moved.uniques.contains(u)) {
        plan.add_constraints.push(Op::AddUnique {
            table: table(),
            unique: unique.clone(),
        });
    }
    for check in new.checks.iter().filter(|c| !moved.checks.contains(c)) {
        plan.add_constraints.push(Op::AddCheck {
            table: table(),
            check: check.clone(),
        });
    }
    for index in new.indexes.iter().filter(|i| !moved.indexes.contains(i)) {
        plan.add_constraints.push(Op::CreateIndex {
            table: table(),
            index: index.clone(),
        });
    }
    for key in new.foreign_keys.iter().filter(|k| !old_keys.contains(k)) {
        plan.add_keys.push(Op::AddForeignKey {
            table: table(),
            key: key.clone(),
        });
    }
}

/// Tables to create, referenced ones first. Keys that point at a table
/// created later (or round a cycle) are added after every table exists.
fn order_for_creation(created: &[&Table]) -> Vec<Op> {
    let names: HashSet<&str> = created.iter().map(|t| t.name.as_str()).collect();
    let mut done: HashSet<&str> = HashSet::new();
    let mut ops = Vec::new();
    let mut later = Vec::new();
    let mut remaining: Vec<&Table> = created.to_vec();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|t| {
            t.foreign_keys.iter().all(|k| {
                k.referenced_table == t.name
                    || !names.contains(k.referenced_table.as_str())
                    || done.contains(k.referenced_table.as_str())
            })
        });
        // In a cycle, take the first table and add its forward keys later.
        let table = remaining.remove(ready.unwrap_or(0));
        let mut create = table.clone();
        if ready.is_none() {
            let (keep, defer): (Vec<_>, Vec<_>) =
                table.foreign_keys.iter().cloned().partition(|k| {
                    k.referenced_table == table.name
                        || !names.contains(k.referenced_table.as_str())
                        || done.contains(k.referenced_table.as_str())
                });
            create.foreign_keys = keep;
            later.extend(defer.into_iter().map(|key| Op::AddForeignKey {
                table: table.name.clone(),
                key,
            }));
        }
        done.insert(table.name.as_str());
        ops.push(Op::CreateTable(create));
    }
    ops.extend(later);
    ops
}

/// A foreign key that stays but has a column on either end change type is
/// dropped before the change and added after it: MariaDB and MySQL refuse
/// to change the type of a column a foreign key uses ("Cannot change column
/// … used in a foreign key constraint", MariaDB error 1832).
fn rebind_keys_over_type_changes(
    from: &Schema,
    to: &Schema,
    pairs: &[(&Table, &Table)],
    renamed: &HashMap<String, String>,
    plan: &mut Plan,
) {
    let retyped = |old: Option<&Table>, new: Option<&Table>, columns: &[String]| {
        let (Some(old), Some(new)) = (old, new) else {
            return false;
        };
        columns
            .iter()
            .any(|c| match (old.column(c), new.column(c)) {
                (Some(a), Some(b)) => a.ty != b.ty,
                _ => false,
            })
    };
    for (old_table, new_table) in pairs {
        for key in &old_table.foreign_keys {
            let mut followed = key.clone();
            if let Some(to) = renamed.get(&key.referenced_table) {
                followed.referenced_table = to.clone();
            }
            if !new_table.foreign_keys.contains(&followed) {
                continue; // compare_table drops or replaces it anyway
            }
            let own = retyped(Some(old_table), Some(new_table), &key.columns);
            let referenced = retyped(
                from.table(&key.referenced_table),
                to.table(&followed.referenced_table),
                &key.referenced_columns,
            );
            if own || referenced {
                plan.drop_keys.push(Op::DropForeignKey {
                    table: old_table.name.clone(),
                    key: key.clone(),
                });
                plan.add_keys.push(Op::AddForeignKey {
                    table: new_table.name.clone(),
                    key: followed,
                });
            }
        }
    }
}

/// Tables to drop, each before the tables it references.
fn order_for_drop<'t>(dropped: &[&'t Table]) -> Vec<&'t Table> {
    let created = order_for_creation(dropped);
    created
        .iter()
        .rev()
        .filter_map(|op| match op {
            Op::CreateTable(t) => dropped.iter().find(|d| d.name == t.name).copied(),
            _ => None,
        })
        .collect()
}

/// Same columns (names, types, constraints) under another table name.
/// A normalised primary key carries PostgreSQL's `<table>_pkey`, which the
/// renderers rename along with the table, so the name counts only as the
/// rename leaves it.
fn same_shape_table(a: &Table, b: &Table) -> bool {
    a.columns == b.columns
        && as_renamed(a, &b.name, &[]).primary_key == b.primary_key
        && !a.columns.is_empty()
}

/// `table` as renaming it to `name` and renaming its `columns` leaves it:
/// its constraints under their conventional names ([`crate::naming`]) take
/// the new ones, as the renderers carry them along (PostgreSQL renames
/// them; MySQL renames its unique indexes and drops and adds its checks and
/// foreign keys around the rename, as it cannot rename those), so the
/// revision says only the rename.
fn as_renamed(table: &Table, name: &str, columns: &[(String, String)]) -> Table {
    let rename = |table: &mut Table| {
        table.name = name.to_owned();
        for (from, to) in columns {
            if let Some(column) = table.column_mut(from) {
                column.name = to.clone();
            }
            crate::op::rename_in_constraints(table, from, to);
        }
    };
    let mut bare = table.clone();
    if let Some(key) = &mut bare.primary_key {
        key.name = None;
    }
    bare.uniques.iter_mut().for_each(|u| u.name = None);
    bare.checks.iter_mut().for_each(|c| c.name = None);
    bare.foreign_keys.iter_mut().for_each(|k| k.name = None);
    let was = ConstraintNames::of(&bare);
    rename(&mut bare);
    let is = ConstraintNames::of(&bare);

    let mut moved = table.clone();
    rename(&mut moved);
    let follow = |current: &mut Option<String>, was: &str, is: &str| {
        if current.as_deref() == Some(was) {
            *current = Some(is.to_owned());
        }
    };
    if let Some(key) = &mut moved.primary_key {
        follow(&mut key.name, &was.primary_key, &is.primary_key);
    }
    for (unique, (was, is)) in moved
        .uniques
        .iter_mut()
        .zip(was.uniques.iter().zip(&is.uniques))
    {
        follow(&mut unique.name, was, is);
    }
    for (check, (was, is)) in moved
        .checks
        .iter_mut()
        .zip(was.checks.iter().zip(&is.checks))
    {
        follow(&mut check.name, was, is);
    }
    for (key, (was, is)) in moved
        .foreign_keys
        .iter_mut()
        .zip(was.foreign_keys.iter().zip(&is.foreign_keys))
    {
        follow(&mut key.name, was, is);
    }
    moved
}

/// Same definition under another column name; the comment may differ (it
/// is altered after the rename).
fn same_shape_column(a: &Column, b: &Column) -> bool {
    Column {
        name: b.name.clone(),
        comment: b.comment.clone(),
        ..a.clone()
    } == *b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ForeignKey, Index, PrimaryKey, Type};

    fn column(name: &str, ty: Type) -> Column {
        Column::new(name, ty)
    }

    fn table(name: &str, columns: &[(&str, Type)]) -> Table {
        let mut table = Table::new(name);
        table.columns = columns.iter().map(|(n, t)| column(n, t.clone())).collect();
        table.columns[0].nullable = false;
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec![columns[0].0.to_owned()],
        });
        table
    }

    fn fk(column: &str, to: &str) -> ForeignKey {
        ForeignKey {
            name: None,
            columns: vec![column.into()],
            referenced_table: to.into(),
            referenced_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
        }
    }

    fn apply(ops: &[Op], schema: &Schema) -> Schema {
        let mut schema = schema.clone();
        for op in ops {
            op.apply(&mut schema)
                .unwrap_or_else(|e| panic!("{op:?}: {e}"));
        }
        schema
    }

    /// Order is not compared: tables, keys, and columns (an added column
    /// goes last in every database, as Alembic also accepts).
    fn sorted(mut schema: Schema) -> Schema {
        schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for table in &mut schema.tables {
            table.columns.sort_by(|a, b| a.name.cmp(&b.name));
            table
                .foreign_keys
                .sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        }
        schema
    }

    /// Applying the diff reaches the target, and its reverse comes back.
    fn round_trip(from: &Schema, to: &Schema, renames: Renames) -> Vec<Op> {
        let ops = diff(from, to, renames);
        assert_eq!(sorted(apply(&ops, from)), sorted(to.clone()), "{ops:#?}");
        let back: Vec<Op> = ops.iter().rev().map(|op| op.reverse().unwrap()).collect();
        assert_eq!(sorted(apply(&back, to)), sorted(from.clone()), "{back:#?}");
        ops
    }

    #[test]
    fn identical_schemas_need_nothing() {
        let schema = Schema {
            tables: vec![table("users", &[("id", Type::Integer)])],
        };
        assert!(diff(&schema, &schema, Renames::Detect).is_empty());
    }

    #[test]
    fn referenced_tables_are_created_first_and_dropped_last() {
        let users = table("users", &[("id", Type::Integer)]);
        let mut accounts = table(
            "accounts",
            &[("id", Type::Integer), ("user_id", Type::Integer)],
        );
        accounts.foreign_keys.push(fk("user_id", "users"));
        let empty = Schema::default();
        let full = Schema {
            tables: vec![accounts.clone(), users.clone()],
        };
        let ops = round_trip(&empty, &full, Renames::Detect);
        assert!(
            matches!(&ops[0], Op::CreateTable(t) if t.name == "users"),
            "{ops:#?}"
        );
        let ops = round_trip(&full, &empty, Renames::Detect);
        assert!(
            matches!(&ops[0], Op::DropForeignKey { table, .. } if table == "accounts"),
            "{ops:#?}"
        );
    }

    #[test]
    fn a_cycle_of_keys_is_closed_after_the_tables() {
        let mut a = table("a", &[("id", Type::Integer), ("b_id", Type::Integer)]);
        let mut b = table("b", &[("id", Type::Integer), ("a_id", Type::Integer)]);
        a.foreign_keys.push(fk("b_id", "b"));
        b.foreign_keys.push(fk("a_id", "a"));
        let ops = round_trip(
            &Schema::default(),
            &Schema { tables: vec![a, b] },
            Renames::Detect,
        );
        assert!(
            matches!(ops.last(), Some(Op::AddForeignKey { .. })),
            "{ops:#?}"
        );
    }

    #[test]
    fn column_changes() {
        let before = table(
            "t",
            &[
                ("id", Type::Integer),
                ("name", Type::Varchar(Some(50))),
                ("old", Type::Text),
            ],
        );
        let mut after = table(
            "t",
            &[
                ("id", Type::Integer),
                ("name", Type::Varchar(Some(100))),
                ("new", Type::Date),
            ],
        );
        after.columns[1].nullable = false;
        after.comment = Some("things".into());
        after.indexes.push(Index {
            name: "ix_t_name".into(),
            columns: vec!["name".into()],
            unique: false,
        });
        let ops = round_trip(
            &Schema {
                tables: vec![before],
            },
            &Schema {
                tables: vec![after],
            },
            Renames::Detect,
        );
        let kinds: Vec<&str> = ops
            .iter()
            .map(|op| match op {
                Op::DropColumn { .. } => "drop",
                Op::AddColumn { .. } => "add",
                Op::AlterColumn { .. } => "alter",
                Op::SetTableComment { .. } => "comment",
                Op::CreateIndex { .. } => "index",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["add", "drop", "alter", "comment", "index"]);
    }

    #[test]
    fn same_shape_is_a_rename_unless_asked_not_to() {
        let before = table("t", &[("id", Type::Integer), ("title", Type::Text)]);
        let after = table("t", &[("id", Type::Integer), ("name", Type::Text)]);
        let from = Schema {
            tables: vec![before],
        };
        let to = Schema {
            tables: vec![after],
        };
        let ops = round_trip(&from, &to, Renames::Detect);
        assert!(
            matches!(&ops[..], [Op::RenameColumn { from, to, .. }] if from == "title" && to == "name")
        );
        let ops = round_trip(&from, &to, Renames::Ignore);
        assert_eq!(ops.len(), 2);

        let renamed = Schema {
            tables: vec![table(
                "people",
                &[("id", Type::Integer), ("title", Type::Text)],
            )],
        };
        let ops = round_trip(&from, &renamed, Renames::Detect);
        assert!(matches!(&ops[..], [Op::RenameTable { .. }]), "{ops:#?}");
    }

    #[test]
    fn a_rename_follows_constraints_named_by_convention() {
        // Normalised for PostgreSQL: every constraint named after its table.
        let named = |name: &str| {
            let mut t = table(name, &[("id", Type::Integer), ("title", Type::Text)]);
            t.primary_key.as_mut().unwrap().name = Some(format!("{name}_pkey"));
            t.uniques.push(crate::schema::Unique {
                name: Some(format!("{name}_title_key")),
                columns: vec!["title".into()],
            });
            t
        };
        let from = Schema {
            tables: vec![named("users")],
        };
        let to = Schema {
            tables: vec![named("people")],
        };
        let ops = diff(&from, &to, Renames::Detect);
        assert!(matches!(&ops[..], [Op::RenameTable { .. }]), "{ops:#?}");

        // A check named by convention follows the rename too (the MySQL
        // renderer drops and adds it around the rename itself).
        let checked = |name: &str| {
            let mut t = named(name);
            t.checks.push(crate::schema::Check {
                name: Some(format!("{name}_id_check")),
                expression: "id > 0".into(),
            });
            t
        };
        let ops = diff(
            &Schema {
                tables: vec![checked("users")],
            },
            &Schema {
                tables: vec![checked("people")],
            },
            Renames::Detect,
        );
        assert!(matches!(&ops[..], [Op::RenameTable { .. }]), "{ops:#?}");

        // A declared name stays what it was, so it is a change.
        let mut declared = named("people");
        declared.uniques[0].name = Some("people_title_uq".into());
        let ops = diff(
            &from,
            &Schema {
                tables: vec![declared],
            },
            Renames::Detect,
        );
        assert!(
            matches!(&ops[..], [Op::DropUnique { table, .. }, Op::RenameTable { .. }, Op::AddUnique { .. }] if table == "users"),
            "{ops:#?}"
        );
    }

    /// A column rename carries the constraints over the column, the keys
    /// that reference it and the conventional names that hold it.
    #[test]
    fn a_column_rename_is_only_the_rename() {
        // Normalised for PostgreSQL, names spelled out, or not at all.
        let users = |column: &str, named: bool| {
            let name = |label: &str| named.then(|| format!("users_{column}_{label}"));
            let mut t = table("users", &[("id", Type::Integer), (column, Type::Integer)]);
            t.uniques.push(crate::schema::Unique {
                name: name("key"),
                columns: vec![column.into()],
            });
            t.checks.push(crate::schema::Check {
                name: name("check"),
                expression: format!("{column} > 0"),
            });
            t.indexes.push(crate::schema::Index {
                name: "users_ix".into(),
                columns: vec![column.into(), "id".into()],
                unique: false,
            });
            t
        };
        let posts = |column: &str| {
            let mut t = table("posts", &[("id", Type::Integer), ("author", Type::Integer)]);
            t.foreign_keys.push(ForeignKey {
                referenced_columns: vec![column.into()],
                ..fk("author", "users")
            });
            t
        };
        let schema = |column: &str, named: bool| Schema {
            tables: vec![users(column, named), posts(column)],
        };
        let only_the_rename = |ops: &[Op]| {
            assert!(
                matches!(ops, [Op::RenameColumn { from, to, .. }] if from == "code" && to == "tag"),
                "{ops:#?}"
            );
        };
        only_the_rename(&round_trip(
            &schema("code", false),
            &schema("tag", false),
            Renames::Detect,
        ));
        only_the_rename(&diff(
            &schema("code", true),
            &schema("tag", true),
            Renames::Detect,
        ));
    }

    #[test]
    fn referrers_are_dropped_before_the_tables_they_reference() {
        let topics = table("a_topics", &[("id", Type::Integer)]);
        let mut posts = table(
            "b_posts",
            &[("id", Type::Integer), ("topic", Type::Integer)],
        );
        posts.foreign_keys.push(fk("topic", "a_topics"));
        let full = Schema {
            tables: vec![topics, posts],
        };
        let ops = round_trip(&full, &Schema::default(), Renames::Detect);
        let dropped: Vec<&str> = ops
            .iter()
            .filter_map(|op| match op {
                Op::DropTable(t) => Some(t.name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(dropped, ["b_posts", "a_topics"]);
    }

    #[test]
    fn a_key_is_dropped_and_added_around_a_type_change_at_either_end() {
        let users = table("users", &[("id", Type::Integer)]);
        let mut posts = table("posts", &[("id", Type::Integer), ("author", Type::Integer)]);
        posts.foreign_keys.push(fk("author", "users"));
        let from = Schema {
            tables: vec![users.clone(), posts.clone()],
        };
        let mut wide_users = users;
        wide_users.columns[0].ty = Type::BigInt;
        let mut wide_posts = posts;
        wide_posts.columns[1].ty = Type::BigInt;
        for to in [
            vec![wide_users.clone(), wide_posts.clone()],
            vec![wide_users, from.tables[1].clone()],
            vec![from.tables[0].clone(), wide_posts],
        ] {
            let ops = round_trip(&from, &Schema { tables: to }, Renames::Detect);
            assert!(
                matches!(ops.first(), Some(Op::DropForeignKey { table, .. }) if table == "posts"),
                "{ops:#?}"
            );
            assert!(
                matches!(ops.last(), Some(Op::AddForeignKey { table, .. }) if table == "posts"),
                "{ops:#?}"
            );
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn types() -> impl Strategy<Value = Type> {
            prop_oneof![
                Just(Type::Integer),
                Just(Type::Text),
                Just(Type::Boolean),
                (1u32..300).prop_map(|n| Type::Varchar(Some(n))),
            ]
        }

        fn schemas() -> impl Strategy<Value = Schema> {
            prop::collection::vec(
                (
                    0usize..6,
                    prop::collection::vec((0usize..5, types(), any::<bool>()), 0..5),
                    any::<bool>(),
                ),
                0..5,
            )
            .prop_map(|tables| {
                let mut seen = HashSet::new();
                let mut schema = Schema::default();
                for (n, columns, commented) in tables {
                    if !seen.insert(n) {
                        continue;
                    }
                    let mut table = Table::new(format!("t{n}"));
                    table.columns.push(Column {
                        nullable: false,
                        ..column("id", Type::Integer)
                    });
                    table.primary_key = Some(PrimaryKey {
                        name: None,
                        columns: vec!["id".into()],
                    });
                    let mut names = HashSet::new();
                    for (c, ty, nullable) in columns {
                        if names.insert(c) {
                            table.columns.push(Column {
                                nullable,
                                ..column(&format!("c{c}"), ty)
                            });
                        }
                    }
                    if commented {
                        table.comment = Some(format!("table {n}"));
                    }
                    schema.tables.push(table);
                }
                // Each table after the first may reference the first.
                let first = schema.tables.first().map(|t| t.name.clone());
                if let Some(first) = first {
                    for table in schema.tables.iter_mut().skip(1) {
                        table.columns.push(column("parent_id", Type::Integer));
                        table.foreign_keys.push(fk("parent_id", &first));
                    }
                }
                schema
            })
        }

        proptest! {
            #[test]
            fn diff_reaches_the_target_and_reverses(from in schemas(), to in schemas()) {
                round_trip(&from, &to, Renames::Ignore);
                round_trip(&from, &to, Renames::Detect);
            }
        }
    }
}
