//! One fixture per kind of operation, shared by every dialect's snapshot
//! tests (one op fixture, one snapshot per dialect) and by the
//! live tests that run them on real servers.
//!
//! Each fixture is `(name, op, before)`: `before` is the schema the op is
//! rendered against, its tables listed so that referenced tables come
//! first (the live tests create them in this order).

use crate::dialect::RenderError;
use crate::op::Op;
use crate::schema::{
    Action, Check, Column, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Type, Unique,
};

pub(crate) fn column(name: &str, ty: Type) -> Column {
    Column::new(name, ty)
}

pub(crate) fn not_null(name: &str, ty: Type) -> Column {
    Column {
        nullable: false,
        ..Column::new(name, ty)
    }
}

fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| (*c).to_owned()).collect()
}

pub(crate) fn key(name: Option<&str>, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: name.map(str::to_owned),
        columns: names(columns),
    }
}

pub(crate) fn unique(name: Option<&str>, columns: &[&str]) -> Unique {
    Unique {
        name: name.map(str::to_owned),
        columns: names(columns),
    }
}

pub(crate) fn check(name: Option<&str>, expression: &str) -> Check {
    Check {
        name: name.map(str::to_owned),
        expression: expression.to_owned(),
    }
}

pub(crate) fn index(name: &str, columns: &[&str], unique: bool) -> Index {
    Index {
        name: name.to_owned(),
        columns: names(columns),
        unique,
    }
}

/// `users`: identity key, an unnamed unique, a column comment, a
/// timestamp default and a table comment.
fn users() -> Table {
    let mut table = Table::new("users");
    table.columns = vec![
        Column {
            identity: true,
            ..not_null("id", Type::Integer)
        },
        not_null("email", Type::Varchar(Some(255))),
        Column {
            comment: Some("shown to other users".into()),
            ..column("name", Type::Text)
        },
        Column {
            default: Some(Default::CurrentTimestamp),
            ..not_null("created_at", Type::TimestampTz)
        },
    ];
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: names(&["id"]),
    });
    table.uniques = vec![unique(None, &["email"])];
    table.comment = Some("people who sign in".into());
    table
}

/// `orders`: an unnamed foreign key to `users`, unnamed and named checks,
/// string and number defaults, an index.
fn orders() -> Table {
    let mut table = Table::new("orders");
    table.columns = vec![
        Column {
            identity: true,
            ..not_null("id", Type::BigInt)
        },
        not_null("user_id", Type::Integer),
        Column {
            default: Some(Default::Number("0".into())),
            ..not_null(
                "total",
                Type::Numeric {
                    precision: Some(10),
                    scale: Some(2),
                },
            )
        },
        Column {
            default: Some(Default::String("new".into())),
            ..not_null("status", Type::Varchar(Some(20)))
        },
        column("note", Type::Text),
    ];
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: names(&["id"]),
    });
    table.checks = vec![
        check(None, "total >= 0"),
        check(Some("orders_status_known"), "status IN ('new', 'paid')"),
    ];
    table.foreign_keys = vec![ForeignKey {
        name: None,
        columns: names(&["user_id"]),
        referenced_table: "users".into(),
        referenced_columns: names(&["id"]),
        on_delete: Some(Action::Cascade),
        on_update: None,
    }];
    table.indexes = vec![
        index("ix_orders_user_id", &["user_id"], false),
        index("ix_orders_status", &["status"], false),
    ];
    table
}

/// `tags`: a key that is not an identity, so one can be added.
fn tags() -> Table {
    let mut table = Table::new("tags");
    table.columns = vec![
        not_null("id", Type::Integer),
        column("label", Type::Varchar(Some(50))),
        column("body", Type::Text),
        Column {
            default: Some(Default::String("low".into())),
            ..not_null("priority", Type::Varchar(Some(10)))
        },
    ];
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: names(&["id"]),
    });
    table
}

/// A column of every portable type, with every kind of default.
fn every_type() -> Table {
    let mut table = Table::new("every_type");
    let with = |column: Column, default: Default| Column {
        default: Some(default),
        ..column
    };
    table.columns = vec![
        with(
            column("small", Type::SmallInt),
            Default::Number("-1".into()),
        ),
        column("int", Type::Integer),
        column("big", Type::BigInt),
        with(not_null("flag", Type::Boolean), Default::Bool(true)),
        column("real", Type::Real),
        with(
            column("double", Type::Double),
            Default::Number("1.5".into()),
        ),
        column(
            "price",
            Type::Numeric {
                precision: Some(12),
                scale: Some(4),
            },
        ),
        column(
            "whole",
            Type::Numeric {
                precision: Some(8),
                scale: None,
            },
        ),
        with(
            column("code", Type::Varchar(Some(16))),
            Default::String("it's".into()),
        ),
        column("initial", Type::Char(Some(1))),
        with(column("body", Type::Text), Default::String("".into())),
        with(column("born", Type::Date), Default::CurrentDate),
        with(column("alarm", Type::Time), Default::CurrentTime),
        with(column("seen", Type::Timestamp), Default::CurrentTimestamp),
        with(column("at", Type::TimestampTz), Default::Null),
        column("data", Type::Blob),
        with(column("doc", Type::Json), Default::String("{}".into())),
        column("token", Type::Uuid),
        with(
            column("computed", Type::Integer),
            Default::Expression("1 + 2".into()),
        ),
        with(
            column("truth", Type::Boolean),
            Default::Expression("2 > 1 AND 3 > 2".into()),
        ),
        column("other", Type::Other("VARCHAR(3)".into())),
    ];
    table
}

/// Identifiers and text that break naive quoting.
fn hostile() -> Table {
    let mut table = Table::new("we\"ird`name");
    table.columns = vec![
        Column {
            comment: Some("it's a \\ backslash".into()),
            ..not_null("a\"b", Type::Integer)
        },
        Column {
            default: Some(Default::String("O'Brien \\n".into())),
            ..column("c`d", Type::Varchar(Some(20)))
        },
    ];
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: names(&["a\"b"]),
    });
    table.uniques = vec![unique(None, &["c`d"])];
    table.indexes = vec![index("ix \"we`ird\"", &["c`d", "a\"b"], false)];
    table.comment = Some("table's comment".into());
    table
}

fn schema(tables: &[Table]) -> Schema {
    Schema {
        tables: tables.to_vec(),
    }
}

fn alter(table: &Table, name: &str, change: impl FnOnce(&mut Column)) -> Op {
    let from = table
        .column(name)
        .cloned()
        .unwrap_or_else(|| panic!("fixture table {} has no column {name}", table.name));
    let mut to = from.clone();
    change(&mut to);
    Op::AlterColumn {
        table: table.name.clone(),
        from,
        to,
    }
}

/// Every fixture: `(name, op, schema before the op)`.
#[cfg(test)]
pub(crate) fn fixtures() -> Vec<(&'static str, Op, Schema)> {
    let (users, orders, tags) = (users(), orders(), tags());
    let base = schema(&[users.clone(), orders.clone(), tags.clone()]);
    let t = |name: &str| name.to_owned();
    let mut tags_without_key = tags.clone();
    tags_without_key.primary_key = None;
    let users_fk = ForeignKey {
        name: None,
        columns: names(&["user_id"]),
        referenced_table: t("users"),
        referenced_columns: names(&["id"]),
        on_delete: Some(Action::SetNull),
        on_update: Some(Action::Cascade),
    };
    let mut tags_with_fk = tags.clone();
    tags_with_fk.columns.push(column("user_id", Type::Integer));
    let mut tags_with_fk_added = tags_with_fk.clone();
    tags_with_fk_added.foreign_keys.push(users_fk.clone());
    let mut tags_with_named = tags_with_fk.clone();
    tags_with_named.foreign_keys.push(ForeignKey {
        name: Some("tags_owner".into()),
        ..users_fk.clone()
    });
    tags_with_named
        .checks
        .push(check(Some("tags_label_short"), "char_length(label) < 40"));
    tags_with_named
        .uniques
        .push(unique(Some("tags_label_unique"), &["label"]));
    tags_with_named.checks.push(check(None, "id > 0"));

    vec![
        (
            "create_table",
            Op::CreateTable(orders.clone()),
            schema(std::slice::from_ref(&users)),
        ),
        (
            "create_table_every_type",
            Op::CreateTable(every_type()),
            Schema::default(),
        ),
        (
            "create_table_hostile_names",
            Op::CreateTable(hostile()),
            Schema::default(),
        ),
        ("drop_table", Op::DropTable(orders.clone()), base.clone()),
        (
            "rename_table",
            Op::RenameTable {
                from: t("orders"),
                to: t("purchases"),
            },
            base.clone(),
        ),
        (
            "add_column",
            Op::AddColumn {
                table: t("users"),
                column: Column {
                    default: Some(Default::Number("0".into())),
                    comment: Some("in years".into()),
                    ..not_null("age", Type::SmallInt)
                },
            },
            base.clone(),
        ),
        (
            "add_column_text_default",
            Op::AddColumn {
                table: t("users"),
                column: Column {
                    default: Some(Default::String("none yet".into())),
                    ..column("bio", Type::Text)
                },
            },
            base.clone(),
        ),
        (
            "drop_column",
            Op::DropColumn {
                table: t("users"),
                column: users.columns[2].clone(),
            },
            base.clone(),
        ),
        (
            "rename_column",
            Op::RenameColumn {
                table: t("users"),
                from: t("email"),
                to: t("mail"),
            },
            base.clone(),
        ),
        (
            "rename_column_foreign_key",
            Op::RenameColumn {
                table: t("orders"),
                from: t("user_id"),
                to: t("buyer_id"),
            },
            base.clone(),
        ),
        (
            "rename_column_check",
            Op::RenameColumn {
                table: t("orders"),
                from: t("total"),
                to: t("amount"),
            },
            base.clone(),
        ),
        (
            "rename_column_named_check",
            Op::RenameColumn {
                table: t("orders"),
                from: t("status"),
                to: t("state"),
            },
            base.clone(),
        ),
        (
            "alter_column_type_text_to_integer",
            alter(&orders, "note", |c| c.ty = Type::Integer),
            base.clone(),
        ),
        (
            "alter_column_widen_varchar",
            alter(&orders, "status", |c| c.ty = Type::Varchar(Some(50))),
            base.clone(),
        ),
        (
            "alter_column_type_and_default",
            alter(&tags, "priority", |c| {
                c.ty = Type::SmallInt;
                c.default = Some(Default::Number("0".into()));
            }),
            base.clone(),
        ),
        (
            "alter_column_not_null",
            alter(&users, "name", |c| c.nullable = false),
            base.clone(),
        ),
        (
            "alter_column_default",
            alter(&orders, "status", |c| {
                c.default = Some(Default::String("pending".into()))
            }),
            base.clone(),
        ),
        (
            "alter_column_drop_default",
            alter(&orders, "total", |c| c.default = None),
            base.clone(),
        ),
        (
            "alter_column_add_identity",
            alter(&tags, "id", |c| c.identity = true),
            base.clone(),
        ),
        (
            "alter_column_drop_identity",
            alter(&users, "id", |c| c.identity = false),
            base.clone(),
        ),
        (
            "alter_column_comment",
            alter(&users, "name", |c| {
                c.comment = Some("what to call them".into())
            }),
            base.clone(),
        ),
        (
            "alter_column_unchanged",
            alter(&users, "name", |_| {}),
            base.clone(),
        ),
        (
            "add_primary_key",
            Op::AddPrimaryKey {
                table: t("tags"),
                key: PrimaryKey {
                    name: None,
                    columns: names(&["id"]),
                },
            },
            schema(&[users.clone(), tags_without_key]),
        ),
        (
            "drop_primary_key",
            Op::DropPrimaryKey {
                table: t("tags"),
                key: PrimaryKey {
                    name: None,
                    columns: names(&["id"]),
                },
            },
            base.clone(),
        ),
        (
            "add_unique",
            Op::AddUnique {
                table: t("orders"),
                unique: unique(None, &["user_id", "status"]),
            },
            base.clone(),
        ),
        (
            "add_unique_on_text",
            Op::AddUnique {
                table: t("users"),
                unique: unique(None, &["name"]),
            },
            base.clone(),
        ),
        (
            "drop_unique",
            Op::DropUnique {
                table: t("users"),
                unique: unique(None, &["email"]),
            },
            base.clone(),
        ),
        (
            "drop_unique_named",
            Op::DropUnique {
                table: t("tags"),
                unique: unique(Some("tags_label_unique"), &["label"]),
            },
            schema(&[users.clone(), tags_with_named.clone()]),
        ),
        (
            "add_check",
            Op::AddCheck {
                table: t("tags"),
                check: check(None, "char_length(label) > 0"),
            },
            base.clone(),
        ),
        (
            "add_check_named",
            Op::AddCheck {
                table: t("tags"),
                check: check(Some("tags_label_sane"), "label <> 'x' OR id > 1"),
            },
            base.clone(),
        ),
        (
            "drop_check",
            Op::DropCheck {
                table: t("orders"),
                check: check(None, "total >= 0"),
            },
            base.clone(),
        ),
        (
            "drop_check_named",
            Op::DropCheck {
                table: t("orders"),
                check: check(Some("orders_status_known"), "status IN ('new', 'paid')"),
            },
            base.clone(),
        ),
        (
            "add_foreign_key",
            Op::AddForeignKey {
                table: t("tags"),
                key: users_fk.clone(),
            },
            schema(&[users.clone(), tags_with_fk]),
        ),
        (
            "add_foreign_key_set_default",
            Op::AddForeignKey {
                table: t("orders"),
                key: ForeignKey {
                    name: Some("orders_user_default".into()),
                    on_delete: Some(Action::SetDefault),
                    on_update: None,
                    ..users_fk.clone()
                },
            },
            base.clone(),
        ),
        (
            "drop_foreign_key",
            Op::DropForeignKey {
                table: t("tags"),
                key: users_fk.clone(),
            },
            schema(&[users.clone(), tags_with_fk_added]),
        ),
        (
            "drop_foreign_key_named",
            Op::DropForeignKey {
                table: t("tags"),
                key: ForeignKey {
                    name: Some("tags_owner".into()),
                    ..users_fk.clone()
                },
            },
            schema(&[users.clone(), tags_with_named]),
        ),
        (
            "create_index",
            Op::CreateIndex {
                table: t("orders"),
                index: index("ix_orders_status_total", &["status", "total"], false),
            },
            base.clone(),
        ),
        (
            "create_unique_index",
            Op::CreateIndex {
                table: t("tags"),
                index: index("ux_tags_label", &["label"], true),
            },
            base.clone(),
        ),
        (
            "create_index_on_text",
            Op::CreateIndex {
                table: t("tags"),
                index: index("ix_tags_body", &["body"], false),
            },
            base.clone(),
        ),
        (
            "drop_index",
            Op::DropIndex {
                table: t("orders"),
                index: index("ix_orders_status", &["status"], false),
            },
            base.clone(),
        ),
        (
            "set_table_comment",
            Op::SetTableComment {
                table: t("tags"),
                from: None,
                to: Some("labels' names".into()),
            },
            base.clone(),
        ),
        (
            "unset_table_comment",
            Op::SetTableComment {
                table: t("users"),
                from: users.comment.clone(),
                to: None,
            },
            base,
        ),
    ]
}

/// A renderer's answer as a snapshot shows it: each statement ended by `;`,
/// or the refusal.
pub(crate) fn snapshot_text(rendered: Result<Vec<String>, RenderError>) -> String {
    match rendered {
        Ok(statements) if statements.is_empty() => "-- nothing to do\n".into(),
        Ok(statements) => statements
            .iter()
            .map(|s| format!("{s};\n"))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(error) => format!("error: {error}\n"),
    }
}

/// Asserts every fixture rendered by `render` against its snapshot
/// `src/dialect/snapshots/<prefix>__<fixture>.snap`.
pub(crate) fn assert_fixture_snapshots(
    prefix: &str,
    render: impl Fn(&Op, &Schema) -> Result<Vec<String>, RenderError>,
) {
    for (name, op, before) in fixtures() {
        let text = snapshot_text(render(&op, &before));
        insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{prefix}__{name}"), text);
        });
    }
}
