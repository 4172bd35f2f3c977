//! How two model sources that should declare the same table differ: column
//! by column and constraint by constraint, with both definitions in
//! portable SQL and the source that has what the other lacks, so that the
//! error says what to change and where.

use crate::schema::{Check, Table, Unique};
use crate::sql::clauses;
use crate::sql::write::{column_definition, create_index, ident};

/// The two sources compared, as named in messages.
pub(super) struct Sides<'a> {
    pub first: &'a str,
    pub second: &'a str,
}

/// Every way `b` differs from `a`, one line each, naming the table.
pub(super) fn table(a: &Table, b: &Table, sides: &Sides) -> Vec<String> {
    let mut out = Vec::new();
    let mut say = |text: String| out.push(format!("table `{}`: {text}", a.name));

    for column in &a.columns {
        match b.column(&column.name) {
            None => say(only("column", &column_definition(column), sides.first)),
            Some(other) if other != column => say(format!(
                "column `{}` is {}",
                column.name,
                both(&column_definition(column), &column_definition(other), sides)
            )),
            Some(other) if other.comment != column.comment => say(format!(
                "the comment on column `{}` is {}",
                column.name,
                both(&comment(&column.comment), &comment(&other.comment), sides)
            )),
            Some(_) => {}
        }
    }
    for column in b.columns.iter().filter(|c| a.column(&c.name).is_none()) {
        say(only("column", &column_definition(column), sides.second));
    }
    let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (order_a, order_b) = (names(a), names(b));
    let mut sorted = (order_a.clone(), order_b.clone());
    sorted.0.sort();
    sorted.1.sort();
    if order_a != order_b && sorted.0 == sorted.1 {
        say(format!(
            "the columns are in another order: {}",
            both(&order_a.join(", "), &order_b.join(", "), sides)
        ));
    }

    if a.primary_key != b.primary_key {
        let key = |t: &Table| match &t.primary_key {
            Some(key) => clauses::declared_constraints(Some(key), &[], &[], quote).join(""),
            None => "no primary key".to_owned(),
        };
        say(format!(
            "the primary key is {}",
            both(&key(a), &key(b), sides)
        ));
    }
    items(
        &mut say,
        "unique constraint",
        &a.uniques,
        &b.uniques,
        |u| u.name.clone(),
        unique,
        sides,
    );
    items(
        &mut say,
        "check constraint",
        &a.checks,
        &b.checks,
        |c| c.name.clone(),
        check,
        sides,
    );
    items(
        &mut say,
        "foreign key",
        &a.foreign_keys,
        &b.foreign_keys,
        |k| k.name.clone(),
        |k| {
            format!(
                "{}{}",
                clauses::constraint_prefix(&k.name, quote),
                clauses::references(k, quote)
            )
        },
        sides,
    );
    items(
        &mut say,
        "index",
        &a.indexes,
        &b.indexes,
        |i| Some(i.name.clone()),
        |i| create_index(&a.name, i),
        sides,
    );
    if a.comment != b.comment {
        say(format!(
            "the table comment is {}",
            both(&comment(&a.comment), &comment(&b.comment), sides)
        ));
    }
    if out.is_empty() {
        // Every part above compares equal, yet the tables do not: say so
        // rather than nothing (a part this module does not know yet).
        out.push(format!("table `{}` differs", a.name));
    }
    out
}

/// Constraints or indexes: one of the same name on both sides that differs
/// shows both definitions; any other on one side only says which side.
fn items<T: PartialEq>(
    say: &mut impl FnMut(String),
    what: &str,
    a: &[T],
    b: &[T],
    name: impl Fn(&T) -> Option<String>,
    sql: impl Fn(&T) -> String,
    sides: &Sides,
) {
    fn named<'a, T>(
        list: &'a [T],
        wanted: &Option<String>,
        name: &impl Fn(&T) -> Option<String>,
    ) -> Option<&'a T> {
        let wanted = wanted.as_ref()?;
        list.iter().find(|x| name(x).as_ref() == Some(wanted))
    }
    for item in a.iter().filter(|x| !b.contains(x)) {
        match named(b, &name(item), &name) {
            Some(other) => say(format!(
                "{what} `{}` is {}",
                name(item).unwrap_or_default(),
                both(&sql(item), &sql(other), sides)
            )),
            None => say(only(what, &sql(item), sides.first)),
        }
    }
    for item in b.iter().filter(|x| !a.contains(x)) {
        if named(a, &name(item), &name).is_none() {
            say(only(what, &sql(item), sides.second));
        }
    }
}

fn only(what: &str, definition: &str, side: &str) -> String {
    format!("{what} `{definition}` is only in {side}")
}

fn both(first: &str, second: &str, sides: &Sides) -> String {
    format!(
        "`{first}` in {}, `{second}` in {}",
        sides.first, sides.second
    )
}

fn quote(name: &str) -> String {
    ident(name).into_owned()
}

fn unique(unique: &Unique) -> String {
    clauses::declared_constraints(None, std::slice::from_ref(unique), &[], quote).join("")
}

fn check(check: &Check) -> String {
    clauses::declared_constraints(None, &[], std::slice::from_ref(check), quote).join("")
}

fn comment(comment: &Option<String>) -> String {
    match comment {
        Some(text) => format!("'{}'", text.replace('\'', "''")),
        None => "no comment".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::parse_schema;

    fn accounts(ddl: &str) -> Table {
        let schema = parse_schema(ddl).expect("parses");
        schema.tables.into_iter().next().expect("one table")
    }

    #[test]
    fn names_the_column_the_definitions_and_the_side() {
        let web = accounts(
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance NUMERIC(14, 2) NOT NULL, \
             nickname VARCHAR(50), owner INTEGER, CONSTRAINT accounts_owner_key UNIQUE (owner));\n\
             CREATE INDEX ix_balance ON accounts (balance);",
        );
        let sync = accounts(
            "CREATE TABLE accounts (id INTEGER, balance NUMERIC(12, 2) NOT NULL, owner INTEGER, \
             CONSTRAINT accounts_owner_key UNIQUE (owner, id), CHECK (balance >= 0));",
        );
        let sides = Sides {
            first: "web_models",
            second: "sync_models",
        };
        let lines = table(&web, &sync, &sides);
        assert_eq!(
            lines,
            [
                "table `accounts`: column `id` is `id INTEGER NOT NULL` in web_models, \
                 `id INTEGER` in sync_models",
                "table `accounts`: column `balance` is `balance NUMERIC(14, 2) NOT NULL` in \
                 web_models, `balance NUMERIC(12, 2) NOT NULL` in sync_models",
                "table `accounts`: column `nickname VARCHAR(50)` is only in web_models",
                "table `accounts`: the primary key is `PRIMARY KEY (id)` in web_models, \
                 `no primary key` in sync_models",
                "table `accounts`: unique constraint `accounts_owner_key` is \
                 `CONSTRAINT accounts_owner_key UNIQUE (owner)` in web_models, \
                 `CONSTRAINT accounts_owner_key UNIQUE (owner, id)` in sync_models",
                "table `accounts`: check constraint `CHECK (balance >= 0)` is only in sync_models",
                "table `accounts`: index `CREATE INDEX ix_balance ON accounts (balance)` is only \
                 in web_models",
            ]
        );
    }

    #[test]
    fn column_order_and_comments_are_named_too() {
        let a = accounts("CREATE TABLE t (a INTEGER, b INTEGER);");
        let mut b = accounts("CREATE TABLE t (b INTEGER, a INTEGER);");
        b.comment = Some("it's t".into());
        let sides = Sides {
            first: "one",
            second: "two",
        };
        assert_eq!(
            table(&a, &b, &sides),
            [
                "table `t`: the columns are in another order: `a, b` in one, `b, a` in two",
                "table `t`: the table comment is `no comment` in one, `'it''s t'` in two",
            ]
        );
    }
}
