//! Names for constraints the schema leaves unnamed.
//!
//! A constraint declared without a name still gets one in the database, and
//! dropping it later needs that name. PostgreSQL picks predictable names,
//! MySQL does not (`<table>_ibfk_<n>` counts foreign keys, and MariaDB
//! numbers unnamed checks `CONSTRAINT_<n>`). So the PostgreSQL and MySQL
//! renderers never leave the choice to the database: every unnamed unique,
//! check and foreign key is created with an explicit `CONSTRAINT <name>`,
//! the name PostgreSQL itself would have chosen, and a drop of an unnamed
//! constraint uses the same name. The convention (PostgreSQL's
//! `ChooseConstraintName` / `ChooseRelationName`, see
//! <https://www.postgresql.org/docs/current/sql-createtable.html> and
//! `src/backend/commands/indexcmds.c`):
//!
//! | constraint  | name                                   |
//! |-------------|----------------------------------------|
//! | primary key | `<table>_pkey`                         |
//! | unique      | `<table>_<col>[_<col>…]_key`           |
//! | foreign key | `<table>_<col>[_<col>…]_fkey`          |
//! | check       | `<table>_<col>_check` when the condition names exactly one of the table's columns, else `<table>_check` |
//!
//! Like PostgreSQL, a name that is already taken on the table gets a number
//! after its label (`<table>_check1`, `<table>_check2`, …) and a name longer
//! than 63 bytes is cut, the longer of its table and column parts first, on
//! a character boundary. 63 bytes is PostgreSQL's limit (`NAMEDATALEN - 1`)
//! and within MySQL's 64 characters.
//!
//! The names follow the table as it is now: renaming a table or a column
//! changes the name an unnamed constraint should have, which is why the
//! renderers rename such constraints along with the table or column where the
//! database can (see each renderer). A declared name equal to the
//! conventional one is no name: the database cannot tell them apart, and
//! revisions written by autogenerate spell the conventional names out.

use crate::schema::{Check, ForeignKey, PrimaryKey, Schema, Table, Unique};

/// PostgreSQL's `NAMEDATALEN - 1`: the longest identifier, in bytes.
const MAX_NAME_BYTES: usize = 63;

/// The names of a table's constraints: the declared one where there is one,
/// the conventional one otherwise. Each list is parallel to the table's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConstraintNames {
    /// The primary key's, whether or not the table has one.
    pub primary_key: String,
    /// One per `Table::uniques`.
    pub uniques: Vec<String>,
    /// One per `Table::checks`.
    pub checks: Vec<String>,
    /// One per `Table::foreign_keys`.
    pub foreign_keys: Vec<String>,
}

impl ConstraintNames {
    /// The names of every constraint of `table`, in declaration order;
    /// generated names avoid the declared ones and each other.
    pub(crate) fn of(table: &Table) -> ConstraintNames {
        let mut taken: Vec<String> = vec![object_name(&table.name, None, "pkey")];
        // Declared names first: a generated name must step around them
        // wherever they are declared.
        let declared = table
            .primary_key
            .iter()
            .filter_map(|k| k.name.clone())
            .chain(table.uniques.iter().filter_map(|u| u.name.clone()))
            .chain(table.checks.iter().filter_map(|c| c.name.clone()))
            .chain(table.foreign_keys.iter().filter_map(|k| k.name.clone()))
            .chain(table.indexes.iter().map(|i| i.name.clone()));
        taken.extend(declared);

        let mut choose = |declared: &Option<String>, base: (&str, Option<String>, &str)| {
            if let Some(name) = declared {
                return name.clone();
            }
            let (table, columns, label) = base;
            let name = (0..)
                .map(|pass| {
                    let label = if pass == 0 {
                        label.to_owned()
                    } else {
                        format!("{label}{pass}")
                    };
                    object_name(table, columns.as_deref(), &label)
                })
                .find(|name| !taken.contains(name))
                .unwrap_or_default();
            taken.push(name.clone());
            name
        };
        let name = table.name.as_str();
        // The primary key's name is fixed: PostgreSQL's `<table>_pkey`, and
        // MySQL calls every primary key `PRIMARY` whatever it is given.
        let primary_key = match &table.primary_key {
            Some(key) => primary_key_name(name, key),
            None => object_name(name, None, "pkey"),
        };
        ConstraintNames {
            primary_key,
            uniques: table
                .uniques
                .iter()
                .map(|u| choose(&u.name, (name, Some(u.columns.join("_")), "key")))
                .collect(),
            foreign_keys: table
                .foreign_keys
                .iter()
                .map(|k| choose(&k.name, (name, Some(k.columns.join("_")), "fkey")))
                .collect(),
            checks: table
                .checks
                .iter()
                .map(|c| choose(&c.name, (name, check_column(table, c), "check")))
                .collect(),
        }
    }
}

impl ConstraintNames {
    /// The names in the order of [`name_slots`] on a table with
    /// (`primary_key`) or without a primary key.
    pub(crate) fn in_order(self, primary_key: bool) -> impl Iterator<Item = String> {
        primary_key
            .then_some(self.primary_key)
            .into_iter()
            .chain(self.uniques)
            .chain(self.checks)
            .chain(self.foreign_keys)
    }
}

/// The name of every constraint of `table` that has one: the primary key
/// (when there is one), then the uniques, checks and foreign keys, each in
/// declaration order.
pub(crate) fn name_slots(table: &mut Table) -> impl Iterator<Item = &mut Option<String>> {
    table
        .primary_key
        .iter_mut()
        .map(|k| &mut k.name)
        .chain(table.uniques.iter_mut().map(|u| &mut u.name))
        .chain(table.checks.iter_mut().map(|c| &mut c.name))
        .chain(table.foreign_keys.iter_mut().map(|k| &mut k.name))
}

/// The table of that name in `before`, or an empty one when the model does
/// not know it (a raw statement made it): names then follow the op alone.
fn table_in(before: &Schema, table: &str) -> Table {
    before
        .table(table)
        .cloned()
        .unwrap_or_else(|| Table::new(table))
}

/// The name of a primary key of `table`: declared, or `<table>_pkey`.
pub(crate) fn primary_key_name(table: &str, key: &PrimaryKey) -> String {
    key.name
        .clone()
        .unwrap_or_else(|| object_name(table, None, "pkey"))
}

/// The name `unique` has (to drop it) or gets (to add it) on `table`.
pub(crate) fn unique_name(before: &Schema, table: &str, unique: &Unique) -> String {
    let mut table = table_in(before, table);
    let at = position_or_push(&mut table.uniques, unique);
    ConstraintNames::of(&table).uniques.swap_remove(at)
}

/// The name `check` has (to drop it) or gets (to add it) on `table`.
pub(crate) fn check_name(before: &Schema, table: &str, check: &Check) -> String {
    let mut table = table_in(before, table);
    let at = position_or_push(&mut table.checks, check);
    ConstraintNames::of(&table).checks.swap_remove(at)
}

/// The name `key` has (to drop it) or gets (to add it) on `table`.
pub(crate) fn foreign_key_name(before: &Schema, table: &str, key: &ForeignKey) -> String {
    let mut table = table_in(before, table);
    let at = position_or_push(&mut table.foreign_keys, key);
    ConstraintNames::of(&table).foreign_keys.swap_remove(at)
}

/// Where `item` is in `items`, appending it first if it is not there (a
/// constraint being added goes last, as `Op::apply` puts it).
fn position_or_push<T: Clone + PartialEq>(items: &mut Vec<T>, item: &T) -> usize {
    match items.iter().position(|i| i == item) {
        Some(at) => at,
        None => {
            items.push(item.clone());
            items.len() - 1
        }
    }
}

/// Which kind of constraint a [`Renamed`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    PrimaryKey,
    Unique,
    Check,
    ForeignKey,
}

/// A generated constraint name that a rename changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Renamed {
    pub kind: Kind,
    /// Its place among the table's constraints of that kind (the same
    /// before and after the rename).
    pub index: usize,
    /// The name before the rename.
    pub from: String,
    /// The conventional name after it.
    pub to: String,
}

/// The unnamed constraints of `old_table` whose conventional name differs
/// on `new_table`, the same table after a table or column rename (see
/// `Op::renamed_constraints`), so that a renderer can rename them along and
/// a later drop finds them under the name it computes.
pub(crate) fn renamed(old_table: &Table, new_table: &Table) -> Vec<Renamed> {
    let (was, is) = (
        ConstraintNames::of(old_table),
        ConstraintNames::of(new_table),
    );
    let mut renamed = Vec::new();
    let mut pair = |kind: Kind, from: &[String], to: &[String]| {
        for (index, (from, to)) in from.iter().zip(to).enumerate() {
            if from != to {
                renamed.push(Renamed {
                    kind,
                    index,
                    from: from.clone(),
                    to: to.clone(),
                });
            }
        }
    };
    if old_table.primary_key.is_some() {
        pair(
            Kind::PrimaryKey,
            std::slice::from_ref(&was.primary_key),
            std::slice::from_ref(&is.primary_key),
        );
    }
    pair(Kind::Unique, &was.uniques, &is.uniques);
    pair(Kind::Check, &was.checks, &is.checks);
    pair(Kind::ForeignKey, &was.foreign_keys, &is.foreign_keys);
    renamed
}

/// Takes off the declared names that [`ConstraintNames`] would give the
/// constraints were they unnamed (worked out on the table without names,
/// in declaration order).
pub(crate) fn forget_conventional_names(table: &mut Table) {
    let mut unnamed = table.clone();
    name_slots(&mut unnamed).for_each(|slot| *slot = None);
    let names = ConstraintNames::of(&unnamed).in_order(table.primary_key.is_some());
    for (slot, conventional) in name_slots(table).zip(names) {
        if slot.as_ref() == Some(&conventional) {
            *slot = None;
        }
    }
}

/// The one column of `table` a check's condition names, if it names exactly
/// one — PostgreSQL then puts that column in the check's name.
fn check_column(table: &Table, check: &Check) -> Option<String> {
    let mut found: Vec<&str> = Vec::new();
    for word in identifiers(&check.expression) {
        if let Some(column) = table
            .columns
            .iter()
            .find(|c| c.name == word.text || (!word.quoted && c.name == word.text.to_lowercase()))
            && !found.contains(&column.name.as_str())
        {
            found.push(&column.name);
        }
    }
    match found.as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
    }
}

/// A word of an SQL expression that could name a column.
struct Word {
    text: String,
    quoted: bool,
    /// Where it stands in the expression, quotes included.
    span: std::ops::Range<usize>,
}

/// The identifiers of an SQL expression, quoted or not, skipping string
/// literals. Good enough to see which columns a check names.
fn identifiers(sql: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut chars = sql.char_indices().peekable();
    let end = |chars: &mut std::iter::Peekable<std::str::CharIndices>| {
        chars.peek().map_or(sql.len(), |(at, _)| *at)
    };
    while let Some((start, c)) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                let mut text = String::new();
                while let Some((_, next)) = chars.next() {
                    if next == c {
                        // A doubled quote stands for itself.
                        if chars.peek().map(|(_, n)| *n) == Some(c) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    text.push(next);
                }
                if c != '\'' {
                    words.push(Word {
                        text,
                        quoted: true,
                        span: start..end(&mut chars),
                    });
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut text = String::from(c);
                while let Some(&(_, next)) = chars.peek() {
                    if next.is_alphanumeric() || next == '_' || next == '$' {
                        text.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                words.push(Word {
                    text,
                    quoted: false,
                    span: start..end(&mut chars),
                });
            }
            c if c.is_ascii_digit() => {
                // A number, possibly `1e5`: not an identifier.
                while chars
                    .peek()
                    .is_some_and(|(_, n)| n.is_alphanumeric() || *n == '.')
                {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    words
}

/// A check's condition with the column `from` renamed `to`, as the
/// databases rewrite it on `RENAME COLUMN`: each mention, quoted or not,
/// keeps its quoting (a quote in the new name doubled).
pub(crate) fn rename_in_expression(sql: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for word in identifiers(sql) {
        let names = word.text == from || (!word.quoted && word.text.to_lowercase() == from);
        if !names {
            continue;
        }
        out.push_str(&sql[at..word.span.start]);
        if word.quoted {
            let quote = &sql[word.span.start..word.span.start + 1];
            out.push_str(quote);
            out.push_str(&to.replace(quote, &quote.repeat(2)));
            out.push_str(quote);
        } else {
            out.push_str(to);
        }
        at = word.span.end;
    }
    out.push_str(&sql[at..]);
    out
}

/// PostgreSQL's `makeObjectName`: `name1[_name2]_label`, with name1 and
/// name2 shortened (the longer one first) until the whole fits 63 bytes.
fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let available = MAX_NAME_BYTES.saturating_sub(overhead);
    let mut chars1 = name1.len();
    let mut chars2 = name2.map_or(0, str::len);
    while chars1 + chars2 > available {
        if chars1 > chars2 {
            chars1 -= 1;
        } else {
            chars2 -= 1;
        }
    }
    let mut name = clip(name1, chars1).to_owned();
    if let Some(name2) = name2 {
        name.push('_');
        name.push_str(clip(name2, chars2));
    }
    name.push('_');
    name.push_str(label);
    name
}

/// The longest prefix of `text` of at most `bytes` bytes that ends on a
/// character boundary (PostgreSQL's `pg_mbcliplen`).
fn clip(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renamed_column_is_renamed_in_expressions_only_where_it_is_named() {
        let cases = [
            ("n > 0", "m > 0"),
            ("(`n` > 0)", "(`m` > 0)"),
            ("\"n\" <> 'n' AND nn > n", "\"m\" <> 'n' AND nn > m"),
            ("length(n) < 10 AND N > 1", "length(m) < 10 AND m > 1"),
        ];
        for (sql, renamed) in cases {
            assert_eq!(rename_in_expression(sql, "n", "m"), renamed, "{sql}");
        }
        assert_eq!(rename_in_expression("`n` > 0", "n", "a`b"), "`a``b` > 0");
    }
    use crate::schema::{Column, ForeignKey, PrimaryKey, Type, Unique};

    fn table() -> Table {
        let mut table = Table::new("orders");
        for name in ["id", "owner_id", "total", "Status"] {
            table.columns.push(Column::new(name, Type::Integer));
        }
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        table
    }

    fn check(expression: &str) -> Check {
        Check {
            name: None,
            expression: expression.into(),
        }
    }

    #[test]
    fn names_follow_postgresql_defaults() {
        let mut table = table();
        table.uniques.push(Unique {
            name: None,
            columns: vec!["owner_id".into(), "total".into()],
        });
        table.foreign_keys.push(ForeignKey {
            name: None,
            columns: vec!["owner_id".into()],
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
        });
        table.checks.push(check("total >= 0"));
        table.checks.push(check("total > 0 OR owner_id IS NULL"));
        table.checks.push(check("\"Status\" <> 'total'"));
        table.checks.push(check("1 = 1"));
        let names = ConstraintNames::of(&table);
        assert_eq!(names.primary_key, "orders_pkey");
        assert_eq!(names.uniques, ["orders_owner_id_total_key"]);
        assert_eq!(names.foreign_keys, ["orders_owner_id_fkey"]);
        assert_eq!(
            names.checks,
            [
                "orders_total_check",
                "orders_check",
                "orders_Status_check",
                "orders_check1"
            ]
        );
    }

    #[test]
    fn declared_names_are_kept_and_avoided() {
        let mut table = table();
        table.checks.push(check("1 = 1"));
        table.checks.push(Check {
            name: Some("orders_check".into()),
            expression: "2 = 2".into(),
        });
        let names = ConstraintNames::of(&table);
        assert_eq!(names.checks, ["orders_check1", "orders_check"]);
    }

    #[test]
    fn long_names_are_cut_like_postgresql() {
        let long = "a".repeat(40);
        // PostgreSQL 15: CREATE TABLE aaaa…(40) (bbbb…(40) int UNIQUE)
        // names the constraint with 29 a's and 29 b's.
        let name = object_name(&long, Some(&"b".repeat(40)), "key");
        assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
        assert_eq!(name.len(), 63);
        let name = object_name(&"é".repeat(40), None, "pkey");
        assert!(name.len() <= 63 && name.ends_with("_pkey"), "{name}");
    }
}
