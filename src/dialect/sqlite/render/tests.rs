//! SQLite rendering: one snapshot per operation, the rebuild grouping, the
//! errors, and the rendered SQL run for real on in-memory databases.

use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Connection as _, Row as _};

use super::rebuild::rename_in_expression;
use super::*;
use crate::dialect::fixtures::{column, index, key, not_null};
use crate::schema::{Action, Check, ForeignKey, Unique};

// ----- fixtures -----

/// `accounts`: an identity key, a named unique, a check, an index and
/// defaults of every kind.
fn accounts() -> Table {
    let mut table = Table::new("accounts");
    table.columns = vec![
        Column {
            identity: true,
            ..not_null("id", Type::BigInt)
        },
        not_null("email", Type::Varchar(Some(255))),
        column("name", Type::Varchar(Some(100))),
        Column {
            default: Some(Default::Bool(true)),
            ..not_null("active", Type::Boolean)
        },
        Column {
            default: Some(Default::Number("0".into())),
            ..not_null(
                "balance",
                Type::Numeric {
                    precision: Some(10),
                    scale: Some(2),
                },
            )
        },
        Column {
            default: Some(Default::CurrentTimestamp),
            ..column("created_at", Type::Timestamp)
        },
        Column {
            default: Some(Default::String("it's new".into())),
            comment: Some("free text".into()),
            ..column("note", Type::Text)
        },
    ];
    table.primary_key = Some(key(Some("pk_accounts"), &["id"]));
    table.uniques.push(Unique {
        name: Some("uq_accounts_email".into()),
        columns: vec!["email".into()],
    });
    table.checks.push(Check {
        name: Some("ck_accounts_balance".into()),
        expression: "balance >= 0".into(),
    });
    table
        .indexes
        .push(index("ix_accounts_name", &["name"], false));
    table.comment = Some("who pays".into());
    table
}

fn orders_fk() -> ForeignKey {
    ForeignKey {
        name: Some("fk_orders_account".into()),
        columns: vec!["account_id".into()],
        referenced_table: "accounts".into(),
        referenced_columns: vec!["id".into()],
        on_delete: Some(Action::Cascade),
        on_update: Some(Action::NoAction),
    }
}

/// `orders`: a plain integer key, a foreign key to `accounts`, an index.
fn orders() -> Table {
    let mut table = Table::new("orders");
    table.columns = vec![
        not_null("id", Type::Integer),
        not_null("account_id", Type::BigInt),
        column(
            "total",
            Type::Numeric {
                precision: None,
                scale: None,
            },
        ),
        column("memo", Type::Varchar(Some(50))),
        column("payload", Type::Blob),
    ];
    table.primary_key = Some(key(None, &["id"]));
    table.foreign_keys.push(orders_fk());
    table
        .indexes
        .push(index("ix_orders_account", &["account_id"], false));
    table
}

fn shop() -> Schema {
    Schema {
        tables: vec![accounts(), orders()],
    }
}

fn alter(table: &str, from: Column, change: impl FnOnce(&mut Column)) -> Op {
    let mut to = from.clone();
    change(&mut to);
    Op::AlterColumn {
        table: table.into(),
        from,
        to,
    }
}

fn account_column(name: &str) -> Column {
    accounts()
        .column(name)
        .cloned()
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn order_column(name: &str) -> Column {
    orders()
        .column(name)
        .cloned()
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// SQLite's own fixtures: each operation once, on the schema it applies to.
fn sqlite_op_fixtures() -> Vec<(&'static str, Op, Schema)> {
    let t = |s: &str| s.to_owned();
    let uq_memo = Unique {
        name: Some("uq_orders_memo".into()),
        columns: vec!["memo".into()],
    };
    let ck_total = Check {
        name: Some("ck_orders_total".into()),
        expression: "total >= 0".into(),
    };
    let mut orders_with = shop();
    if let Some(orders) = orders_with.table_mut("orders") {
        orders.uniques.push(uq_memo.clone());
        orders.checks.push(ck_total.clone());
    }
    let mut composite = Table::new("order_lines");
    composite.columns = vec![
        not_null("order_id", Type::Integer),
        not_null("line", Type::SmallInt),
        Column {
            default: Some(Default::Expression("abs(random()) % 100".into())),
            ..column("qty", Type::Integer)
        },
        column("price", Type::Double),
        column("sku", Type::Char(Some(8))),
        column("at", Type::TimestampTz),
        column("meta", Type::Json),
        column("ref", Type::Uuid),
        column("weight", Type::Real),
        column("odd", Type::Other("MEDIUMTEXT".into())),
    ];
    composite.primary_key = Some(key(None, &["order_id", "line"]));
    composite.uniques.push(Unique {
        name: None,
        columns: vec!["sku".into(), "ref".into()],
    });
    composite.checks.push(Check {
        name: None,
        expression: "qty > 0".into(),
    });
    composite.foreign_keys.push(ForeignKey {
        name: None,
        columns: vec!["order_id".into()],
        referenced_table: "orders".into(),
        referenced_columns: vec![],
        on_delete: None,
        on_update: Some(Action::Restrict),
    });
    vec![
        (
            "create_table",
            Op::CreateTable(accounts()),
            Schema::default(),
        ),
        (
            "create_table_composite_key",
            Op::CreateTable(composite),
            shop(),
        ),
        ("drop_table", Op::DropTable(orders()), shop()),
        (
            "rename_table",
            Op::RenameTable {
                from: t("orders"),
                to: t("purchases"),
            },
            shop(),
        ),
        (
            "add_column",
            Op::AddColumn {
                table: t("accounts"),
                column: column("phone", Type::Varchar(Some(20))),
            },
            shop(),
        ),
        (
            "add_column_not_null_with_default",
            Op::AddColumn {
                table: t("accounts"),
                column: Column {
                    default: Some(Default::String("EUR".into())),
                    ..not_null("currency", Type::Char(Some(3)))
                },
            },
            shop(),
        ),
        (
            "add_column_not_null_without_default",
            Op::AddColumn {
                table: t("accounts"),
                column: not_null("country", Type::Char(Some(2))),
            },
            shop(),
        ),
        (
            "add_column_current_timestamp",
            Op::AddColumn {
                table: t("accounts"),
                column: Column {
                    default: Some(Default::CurrentTimestamp),
                    ..not_null("updated_at", Type::Timestamp)
                },
            },
            shop(),
        ),
        (
            "drop_column",
            Op::DropColumn {
                table: t("orders"),
                column: order_column("memo"),
            },
            shop(),
        ),
        (
            "drop_column_in_check",
            Op::DropColumn {
                table: t("accounts"),
                column: account_column("balance"),
            },
            {
                // The check mentions `balance` only in a string: a rebuild,
                // to be safe.
                let mut schema = shop();
                if let Some(accounts) = schema.table_mut("accounts") {
                    accounts.checks[0].expression = "note <> 'balance'".into();
                }
                schema
            },
        ),
        (
            "rename_column",
            Op::RenameColumn {
                table: t("accounts"),
                from: t("name"),
                to: t("full_name"),
            },
            shop(),
        ),
        (
            "alter_column_type",
            alter("accounts", account_column("name"), |c| c.ty = Type::Text),
            shop(),
        ),
        (
            "alter_column_not_null",
            alter("accounts", account_column("name"), |c| c.nullable = false),
            shop(),
        ),
        (
            "alter_column_default",
            alter("accounts", account_column("note"), |c| {
                c.default = Some(Default::Expression("lower(hex(randomblob(4)))".into()))
            }),
            shop(),
        ),
        (
            "alter_column_identity",
            alter("orders", order_column("id"), |c| c.identity = true),
            shop(),
        ),
        (
            "alter_column_comment",
            alter("accounts", account_column("note"), |c| {
                c.comment = Some("anything".into())
            }),
            shop(),
        ),
        (
            "add_primary_key",
            Op::AddPrimaryKey {
                table: t("orders"),
                key: key(Some("pk_orders"), &["id", "account_id"]),
            },
            {
                let mut schema = shop();
                if let Some(orders) = schema.table_mut("orders") {
                    orders.primary_key = None;
                }
                schema
            },
        ),
        (
            "drop_primary_key",
            Op::DropPrimaryKey {
                table: t("orders"),
                key: key(None, &["id"]),
            },
            shop(),
        ),
        (
            "add_unique",
            Op::AddUnique {
                table: t("orders"),
                unique: uq_memo.clone(),
            },
            shop(),
        ),
        (
            "drop_unique",
            Op::DropUnique {
                table: t("orders"),
                unique: uq_memo,
            },
            orders_with.clone(),
        ),
        (
            "add_check",
            Op::AddCheck {
                table: t("orders"),
                check: ck_total.clone(),
            },
            shop(),
        ),
        (
            "drop_check",
            Op::DropCheck {
                table: t("orders"),
                check: ck_total,
            },
            orders_with,
        ),
        (
            "add_foreign_key",
            Op::AddForeignKey {
                table: t("orders"),
                key: orders_fk(),
            },
            {
                let mut schema = shop();
                if let Some(orders) = schema.table_mut("orders") {
                    orders.foreign_keys.clear();
                }
                schema
            },
        ),
        (
            "drop_foreign_key",
            Op::DropForeignKey {
                table: t("orders"),
                key: orders_fk(),
            },
            shop(),
        ),
        (
            "create_index",
            Op::CreateIndex {
                table: t("orders"),
                index: index("ix_orders_memo_total", &["memo", "total"], false),
            },
            shop(),
        ),
        (
            "create_unique_index",
            Op::CreateIndex {
                table: t("accounts"),
                index: index("ux_accounts_name", &["name"], true),
            },
            shop(),
        ),
        (
            "drop_index",
            Op::DropIndex {
                table: t("accounts"),
                index: index("ix_accounts_name", &["name"], false),
            },
            shop(),
        ),
        (
            "set_table_comment",
            Op::SetTableComment {
                table: t("accounts"),
                from: Some("who pays".into()),
                to: Some("customers".into()),
            },
            shop(),
        ),
        (
            "data",
            Op::Data("UPDATE accounts SET note = 'x' WHERE note IS NULL".into()),
            shop(),
        ),
        (
            "raw",
            Op::Raw("CREATE VIEW active_accounts AS SELECT id FROM accounts WHERE active".into()),
            shop(),
        ),
    ]
}

/// Statements as a script, verbatim ones marked as `--sql` marks them.
fn script(statements: &[Rendered]) -> String {
    if statements.is_empty() {
        return "-- (no statement)\n".to_owned();
    }
    statements
        .iter()
        .map(|r| match r.verbatim {
            true => format!("-- verbatim\n{};\n", r.sql),
            false => format!("{};\n", r.sql),
        })
        .collect()
}

fn rendered(ops: &[Op], before: &Schema) -> Vec<Rendered> {
    Sqlite
        .render_all(ops, before)
        .unwrap_or_else(|e| panic!("{ops:?} does not render: {e}"))
}

fn rebuilds(statements: &[Rendered]) -> usize {
    statements
        .iter()
        .filter(|r| r.sql.starts_with("CREATE TABLE \"_retort_new_"))
        .count()
}

// ----- snapshots -----

#[test]
fn every_op_renders() {
    for (name, op, before) in sqlite_op_fixtures() {
        let statements = rendered(std::slice::from_ref(&op), &before);
        insta::assert_snapshot!(format!("sqlite_{name}"), script(&statements));
        // `render` and `render_all` agree on a single op.
        let single = Sqlite
            .render(&op, &before)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let sql: Vec<String> = statements.into_iter().map(|r| r.sql).collect();
        assert_eq!(single, sql, "{name}");
    }
}

#[test]
fn in_place_and_rebuild_split_as_documented() {
    let rebuilt: Vec<&str> = sqlite_op_fixtures()
        .into_iter()
        .filter(|(_, op, before)| needs_foreign_keys_off(std::slice::from_ref(op), before))
        .map(|(name, _, _)| name)
        .collect();
    assert_eq!(
        rebuilt,
        [
            "add_column_not_null_without_default",
            "add_column_current_timestamp",
            "drop_column_in_check",
            "alter_column_type",
            "alter_column_not_null",
            "alter_column_default",
            "alter_column_identity",
            "add_primary_key",
            "drop_primary_key",
            "add_unique",
            "drop_unique",
            "add_check",
            "drop_check",
            "add_foreign_key",
            "drop_foreign_key",
        ]
    );
}

#[test]
fn types_are_kept_as_declared() {
    let types = [
        (Type::SmallInt, "SMALLINT"),
        (Type::BigInt, "BIGINT"),
        (Type::Boolean, "BOOLEAN"),
        (Type::Double, "DOUBLE PRECISION"),
        (Type::Varchar(Some(100)), "VARCHAR(100)"),
        (Type::Timestamp, "TIMESTAMP"),
        (Type::TimestampTz, "TIMESTAMP WITH TIME ZONE"),
        (Type::Blob, "BLOB"),
        (Type::Uuid, "UUID"),
    ];
    for (ty, sql) in types {
        assert_eq!(Sqlite.render_type(&ty), sql);
    }
}

#[test]
fn several_changes_to_one_table_make_one_rebuild() {
    let ops = [
        alter("accounts", account_column("name"), |c| c.nullable = false),
        // Another table's change in between renders in place, at its turn.
        Op::CreateIndex {
            table: "orders".into(),
            index: index("ix_orders_memo", &["memo"], false),
        },
        Op::RenameColumn {
            table: "accounts".into(),
            from: "name".into(),
            to: "full_name".into(),
        },
        Op::AddCheck {
            table: "accounts".into(),
            check: Check {
                name: Some("ck_accounts_email".into()),
                expression: "email LIKE '%@%'".into(),
            },
        },
        Op::AddColumn {
            table: "accounts".into(),
            column: Column {
                default: Some(Default::String("none".into())),
                ..not_null("nickname", Type::Text)
            },
        },
        Op::DropIndex {
            table: "accounts".into(),
            index: index("ix_accounts_name", &["full_name"], false),
        },
        Op::CreateIndex {
            table: "accounts".into(),
            index: index("ix_accounts_full_name", &["full_name"], false),
        },
        Op::AddForeignKey {
            table: "orders".into(),
            key: ForeignKey {
                name: None,
                columns: vec!["memo".into()],
                referenced_table: "accounts".into(),
                referenced_columns: vec!["email".into()],
                on_delete: None,
                on_update: None,
            },
        },
    ];
    let statements = rendered(&ops, &shop());
    assert_eq!(rebuilds(&statements), 2, "one per table");
    insta::assert_snapshot!("sqlite_several_changes_one_rebuild", script(&statements));
}

#[test]
fn data_statements_split_a_rebuild() {
    let ops = [
        Op::AddColumn {
            table: "accounts".into(),
            column: column("country", Type::Char(Some(2))),
        },
        Op::Data("UPDATE accounts SET country = 'FR'".into()),
        alter("accounts", column("country", Type::Char(Some(2))), |c| {
            c.nullable = false
        }),
        Op::Raw("ANALYZE".into()),
        alter("accounts", account_column("name"), |c| c.nullable = false),
        alter("accounts", account_column("email"), |c| c.ty = Type::Text),
    ];
    let statements = rendered(&ops, &shop());
    assert_eq!(rebuilds(&statements), 2);
    insta::assert_snapshot!("sqlite_data_splits_rebuilds", script(&statements));
}

#[test]
fn a_dropped_table_is_not_rebuilt_first_and_a_renamed_one_is() {
    let ops = [
        alter("orders", order_column("memo"), |c| c.nullable = false),
        Op::DropTable(orders()),
        alter("accounts", account_column("name"), |c| c.nullable = false),
        Op::RenameTable {
            from: "accounts".into(),
            to: "customers".into(),
        },
    ];
    let statements = rendered(&ops, &shop());
    let sql: Vec<&str> = statements.iter().map(|r| r.sql.as_str()).collect();
    assert_eq!(rebuilds(&statements), 1);
    assert_eq!(sql[0], "DROP TABLE \"orders\"");
    assert!(sql[1].starts_with("CREATE TABLE \"_retort_new_accounts\""));
    assert_eq!(
        sql.last(),
        Some(&"ALTER TABLE \"accounts\" RENAME TO \"customers\"")
    );
}

#[test]
fn identity_needs_a_single_column_integer_key() {
    let unsupported =
        |table: Table| match Sqlite.render(&Op::CreateTable(table), &Schema::default()) {
            Err(RenderError::Unsupported(message)) => message,
            Ok(sql) => panic!("rendered {sql:?}"),
        };
    let mut no_key = accounts();
    no_key.primary_key = None;
    let message = unsupported(no_key);
    assert!(
        message.contains("`accounts.id` is not the table's whole primary key"),
        "{message}"
    );
    assert!(message.contains("INTEGER PRIMARY KEY"), "{message}");

    let mut composite = accounts();
    composite.primary_key = Some(key(None, &["id", "email"]));
    assert!(unsupported(composite).contains("not the table's whole primary key"));

    let mut text = accounts();
    text.columns[0].ty = Type::Text;
    assert!(unsupported(text).contains("has type TEXT, not an integer type"));

    let mut two = accounts();
    two.columns[1].identity = true;
    assert!(unsupported(two).contains("two identity columns, `id` and `email`"));
}

#[test]
fn an_identity_key_made_over_several_ops_renders_once_complete() {
    // Dropping the key alone would leave an identity column without one;
    // together with dropping the identity the final table is fine.
    let ops = [
        Op::DropPrimaryKey {
            table: "accounts".into(),
            key: key(Some("pk_accounts"), &["id"]),
        },
        alter("accounts", account_column("id"), |c| c.identity = false),
    ];
    let statements = rendered(&ops, &shop());
    assert_eq!(rebuilds(&statements), 1);
    assert!(statements[0].sql.contains("\"id\" BIGINT NOT NULL,"));
}

#[test]
fn dropping_the_key_of_the_rowid_alias_drops_its_identity() {
    // Portable SQL cannot drop an identity, so the downgrade autogenerate
    // writes for "add a primary key" drops only the key.
    let ops = [Op::DropPrimaryKey {
        table: "accounts".into(),
        key: key(Some("pk_accounts"), &["id"]),
    }];
    let statements = rendered(&ops, &shop());
    assert_eq!(rebuilds(&statements), 1);
    assert!(statements[0].sql.contains("\"id\" BIGINT NOT NULL,"));
}

#[test]
fn a_rebuild_refuses_constraints_on_missing_columns() {
    let op = Op::DropColumn {
        table: "orders".into(),
        column: order_column("account_id"),
    };
    let Err(RenderError::Unsupported(message)) = Sqlite.render(&op, &shop()) else {
        panic!("rendered");
    };
    assert_eq!(
        message,
        "cannot rebuild table `orders`: a foreign key uses column `account_id`, which the table \
         no longer has; drop the constraint or index first"
    );
}

#[test]
fn a_rebuild_needs_the_table_definition() {
    let op = alter("ghost", column("a", Type::Text), |c| c.nullable = false);
    let Err(RenderError::Unsupported(message)) = Sqlite.render(&op, &shop()) else {
        panic!("rendered");
    };
    assert!(message.contains("rebuild table `ghost`"), "{message}");
    // In place, an unknown table is the database's business.
    let op = Op::DropColumn {
        table: "ghost".into(),
        column: column("a", Type::Text),
    };
    assert_eq!(
        Sqlite.render(&op, &shop()),
        Ok(vec!["ALTER TABLE \"ghost\" DROP COLUMN \"a\"".into()])
    );
}

#[test]
fn identifiers_and_literals_are_quoted() {
    let mut table = Table::new("we\"ird");
    table.columns.push(Column {
        default: Some(Default::String("it's".into())),
        ..column("co\"l", Type::Text)
    });
    let sql = Sqlite
        .render(&Op::CreateTable(table), &Schema::default())
        .unwrap_or_default();
    assert_eq!(
        sql,
        ["CREATE TABLE \"we\"\"ird\" (\n    \"co\"\"l\" TEXT DEFAULT 'it''s'\n)"]
    );
}

#[test]
fn mentions_matches_whole_words_only() {
    assert!(mentions("balance >= 0", "balance"));
    assert!(mentions("\"Balance\" >= 0", "balance"));
    assert!(!mentions("balance_due >= 0", "balance"));
    assert!(!mentions("old_balance >= 0", "balance"));
}

#[test]
fn renaming_a_column_renames_it_in_checks_and_in_references_to_it() {
    assert_eq!(
        rename_in_expression(
            "balance >= 0 AND \"Balance\" < 1e5 AND note <> 'balance'",
            "balance",
            "amount"
        ),
        "amount >= 0 AND \"amount\" < 1e5 AND note <> 'balance'"
    );
    assert_eq!(
        rename_in_expression("old_balance > balance2", "balance", "x"),
        "old_balance > balance2"
    );
    assert_eq!(rename_in_expression("a > 0", "a", "b c"), "\"b c\" > 0");
    assert_eq!(
        rename_in_expression("\"we\"\"ird\" > 'it''s'", "we\"ird", "w"),
        "\"w\" > 'it''s'"
    );
}

// ----- the rendered SQL, run -----

/// Runs `test` on a fresh in-memory database in a current-thread runtime.
fn with_database<F>(test: impl FnOnce(SqliteConnection) -> F)
where
    F: std::future::Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let conn = SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        test(conn).await;
    });
}

async fn execute(conn: &mut SqliteConnection, sql: &str) -> Result<(), String> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn run(conn: &mut SqliteConnection, sql: &str) {
    if let Err(error) = execute(conn, sql).await {
        panic!("{sql}\n failed: {error}");
    }
}

/// The text column values of a query.
async fn query(conn: &mut SqliteConnection, sql: &str) -> Vec<Vec<String>> {
    let rows = sqlx::query(AssertSqlSafe(sql.to_owned()))
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}\n failed: {e}"));
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|i| row.try_get::<String, _>(i).expect("text"))
                .collect()
        })
        .collect()
}

/// Each row as SQL literals (`quote()` keeps the storage class apart:
/// `12` vs `'12'`), named columns only (docs/architecture.md: never `SELECT *`).
async fn rows(conn: &mut SqliteConnection, table: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let list: Vec<String> = columns
        .iter()
        .map(|c| format!("quote({})", ident(c)))
        .collect();
    let sql = format!(
        "SELECT {} FROM {} ORDER BY 1",
        list.join(", "),
        ident(table)
    );
    query(conn, &sql).await
}

async fn create(conn: &mut SqliteConnection, schema: &Schema) {
    let ops: Vec<Op> = schema.tables.iter().cloned().map(Op::CreateTable).collect();
    for statement in rendered(&ops, &Schema::default()) {
        run(conn, &statement.sql).await;
    }
}

/// Runs a section as the runner will: foreign keys off around the
/// transaction when a table is rebuilt, checked afterwards.
async fn migrate(
    conn: &mut SqliteConnection,
    ops: &[Op],
    before: &Schema,
) -> Result<Vec<Rendered>, String> {
    let statements = rendered(ops, before);
    let off = needs_foreign_keys_off(ops, before);
    if off {
        run(conn, "PRAGMA foreign_keys=OFF").await;
    }
    run(conn, "BEGIN").await;
    for statement in &statements {
        if let Err(error) = execute(conn, &statement.sql).await {
            run(conn, "ROLLBACK").await;
            run(conn, "PRAGMA foreign_keys=ON").await;
            return Err(error);
        }
    }
    run(conn, "COMMIT").await;
    run(conn, "PRAGMA foreign_keys=ON").await;
    let dangling = query(conn, "SELECT \"table\" FROM pragma_foreign_key_check").await;
    assert!(dangling.is_empty(), "foreign_key_check: {dangling:?}");
    Ok(statements)
}

async fn object_names(conn: &mut SqliteConnection, kind: &str, table: &str) -> Vec<String> {
    let sql = format!(
        "SELECT name FROM sqlite_master WHERE type = '{kind}' AND tbl_name = '{table}' \
         AND name NOT LIKE 'sqlite_%' ORDER BY name"
    );
    query(conn, &sql).await.into_iter().flatten().collect()
}

async fn fill_shop(conn: &mut SqliteConnection) {
    run(
        conn,
        "INSERT INTO accounts (id, email, name, balance, note) VALUES \
         (1, 'a@x.org', 'Ann', 10.5, NULL), (2, 'b@x.org', 'Bob', 0, 'hi'), \
         (3, 'c@x.org', 'Cy', 7, 'it''s')",
    )
    .await;
    run(
        conn,
        "INSERT INTO orders (id, account_id, total, memo, payload) VALUES \
         (1, 1, 9.99, 'first', X'00FF'), (2, 1, 5, NULL, NULL), (3, 3, 12, '12', NULL)",
    )
    .await;
}

#[test]
fn every_fixture_runs_on_sqlite() {
    for (name, op, before) in sqlite_op_fixtures() {
        with_database(|mut conn| async move {
            create(&mut conn, &before).await;
            if !before.tables.is_empty() {
                fill_shop(&mut conn).await;
            }
            if let Err(error) = migrate(&mut conn, std::slice::from_ref(&op), &before).await {
                // A NOT NULL column without default cannot fill existing
                // rows, on SQLite as anywhere.
                assert_eq!(name, "add_column_not_null_without_default", "{error}");
                assert!(error.contains("NOT NULL constraint failed"), "{error}");
            }
        });
    }
}

#[test]
fn a_rebuild_keeps_rows_and_indexes_and_enforces_the_new_constraints() {
    with_database(|mut conn| async move {
        let before = shop();
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        let columns = [
            "id",
            "email",
            "name",
            "active",
            "balance",
            "created_at",
            "note",
        ];
        let accounts_before = rows(&mut conn, "accounts", &columns).await;
        let orders_columns = ["id", "account_id", "total", "memo", "payload"];
        let orders_before = rows(&mut conn, "orders", &orders_columns).await;

        let ops = [
            alter("accounts", account_column("name"), |c| c.nullable = false),
            Op::RenameColumn {
                table: "accounts".into(),
                from: "name".into(),
                to: "full_name".into(),
            },
            Op::AddCheck {
                table: "accounts".into(),
                check: Check {
                    name: Some("ck_accounts_email".into()),
                    expression: "email LIKE '%@%'".into(),
                },
            },
            Op::AddColumn {
                table: "accounts".into(),
                column: Column {
                    default: Some(Default::String("none".into())),
                    ..not_null("nickname", Type::Text)
                },
            },
        ];
        let statements = migrate(&mut conn, &ops, &before).await.expect("migrates");
        assert_eq!(rebuilds(&statements), 1);

        let renamed = [
            "id",
            "email",
            "full_name",
            "active",
            "balance",
            "created_at",
            "note",
        ];
        assert_eq!(rows(&mut conn, "accounts", &renamed).await, accounts_before);
        assert_eq!(
            rows(&mut conn, "accounts", &["nickname"]).await,
            vec![vec!["'none'".to_owned()]; 3]
        );
        assert_eq!(
            rows(&mut conn, "orders", &orders_columns).await,
            orders_before
        );
        assert_eq!(
            object_names(&mut conn, "index", "accounts").await,
            ["ix_accounts_name"]
        );
        let unique_index = query(
            &mut conn,
            "SELECT count(*) || '' FROM pragma_index_list('accounts') WHERE origin = 'u'",
        )
        .await;
        assert_eq!(unique_index, [["1"]]);
        assert!(
            object_names(&mut conn, "table", "_retort_new_accounts")
                .await
                .is_empty()
        );

        // NOT NULL, the new check, the old unique and check all hold.
        let insert = |values: &str| {
            format!("INSERT INTO accounts (email, full_name, balance) VALUES ({values})")
        };
        let error = execute(&mut conn, &insert("'d@x.org', NULL, 0"))
            .await
            .unwrap_err();
        assert!(
            error.contains("NOT NULL constraint failed: accounts.full_name"),
            "{error}"
        );
        let error = execute(&mut conn, &insert("'nobody', 'D', 0"))
            .await
            .unwrap_err();
        assert!(
            error.contains("CHECK constraint failed: ck_accounts_email"),
            "{error}"
        );
        let error = execute(&mut conn, &insert("'a@x.org', 'D', 0"))
            .await
            .unwrap_err();
        assert!(error.contains("UNIQUE constraint failed"), "{error}");
        let error = execute(&mut conn, &insert("'d@x.org', 'D', -1"))
            .await
            .unwrap_err();
        assert!(error.contains("ck_accounts_balance"), "{error}");

        // The identity key still numbers rows, after the highest copied id.
        run(&mut conn, &insert("'d@x.org', 'D', 0")).await;
        assert_eq!(
            query(
                &mut conn,
                "SELECT id || '' FROM accounts WHERE email = 'd@x.org'"
            )
            .await,
            [["4"]]
        );

        // `orders` still references the rebuilt table, cascade included.
        let error = execute(
            &mut conn,
            "INSERT INTO orders (id, account_id) VALUES (9, 99)",
        )
        .await
        .unwrap_err();
        assert!(error.contains("FOREIGN KEY constraint failed"), "{error}");
        run(&mut conn, "DELETE FROM accounts WHERE id = 1").await;
        assert_eq!(rows(&mut conn, "orders", &["id"]).await, [["3"]]);
    });
}

#[test]
fn an_added_foreign_key_rejects_orphans() {
    with_database(|mut conn| async move {
        let mut before = shop();
        if let Some(orders) = before.table_mut("orders") {
            orders.foreign_keys.clear();
        }
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        let columns = ["id", "account_id", "total", "memo", "payload"];
        let orders_before = rows(&mut conn, "orders", &columns).await;
        let op = Op::AddForeignKey {
            table: "orders".into(),
            key: orders_fk(),
        };
        migrate(&mut conn, &[op], &before).await.expect("migrates");
        assert_eq!(rows(&mut conn, "orders", &columns).await, orders_before);
        assert_eq!(
            object_names(&mut conn, "index", "orders").await,
            ["ix_orders_account"]
        );
        let error = execute(
            &mut conn,
            "INSERT INTO orders (id, account_id) VALUES (9, 99)",
        )
        .await
        .unwrap_err();
        assert!(error.contains("FOREIGN KEY constraint failed"), "{error}");
    });
}

#[test]
fn a_type_change_converts_by_affinity_without_losing_values() {
    with_database(|mut conn| async move {
        let before = shop();
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        run(&mut conn, "UPDATE orders SET memo = 'first' WHERE id = 2").await;
        let op = alter("orders", order_column("memo"), |c| c.ty = Type::Integer);
        migrate(&mut conn, &[op], &before).await.expect("migrates");
        // '12' becomes the integer 12; 'first' is kept, not CAST to 0.
        assert_eq!(
            query(
                &mut conn,
                "SELECT typeof(memo), quote(memo) FROM orders ORDER BY id"
            )
            .await,
            [["text", "'first'"], ["text", "'first'"], ["integer", "12"]]
        );
    });
}

#[test]
fn identity_added_to_a_key_keeps_ids_and_numbers_new_rows() {
    with_database(|mut conn| async move {
        let before = shop();
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        let op = alter("orders", order_column("id"), |c| c.identity = true);
        migrate(&mut conn, &[op], &before).await.expect("migrates");
        run(&mut conn, "INSERT INTO orders (account_id) VALUES (2)").await;
        assert_eq!(
            rows(&mut conn, "orders", &["id", "account_id"]).await,
            [["1", "1"], ["2", "1"], ["3", "3"], ["4", "2"]]
        );
    });
}

#[test]
fn a_not_null_column_without_default_fails_on_a_filled_table_and_rolls_back() {
    with_database(|mut conn| async move {
        let before = shop();
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        let op = Op::AddColumn {
            table: "accounts".into(),
            column: not_null("country", Type::Char(Some(2))),
        };
        let error = migrate(&mut conn, &[op], &before).await.unwrap_err();
        assert!(error.contains("NOT NULL constraint failed"), "{error}");
        let names = query(&mut conn, "SELECT name FROM pragma_table_info('accounts')").await;
        assert!(!names.iter().flatten().any(|n| n == "country"));
        assert_eq!(rows(&mut conn, "accounts", &["id"]).await.len(), 3);
    });
}

#[test]
fn views_and_other_tables_triggers_survive_a_rebuild_its_own_triggers_do_not() {
    with_database(|mut conn| async move {
        let before = shop();
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        run(
            &mut conn,
            "CREATE VIEW rich AS SELECT name FROM accounts WHERE balance > 5",
        )
        .await;
        run(
            &mut conn,
            "CREATE TRIGGER touch AFTER INSERT ON orders BEGIN \
             UPDATE accounts SET note = 'ordered' WHERE id = new.account_id; END",
        )
        .await;
        run(
            &mut conn,
            "CREATE TRIGGER own AFTER UPDATE ON accounts BEGIN SELECT 1; END",
        )
        .await;
        let op = alter("accounts", account_column("name"), |c| c.nullable = false);
        migrate(&mut conn, &[op], &before).await.expect("migrates");
        assert_eq!(
            rows(&mut conn, "rich", &["name"]).await,
            [["'Ann'"], ["'Cy'"]]
        );
        run(
            &mut conn,
            "INSERT INTO orders (id, account_id) VALUES (7, 2)",
        )
        .await;
        assert_eq!(
            rows(&mut conn, "accounts", &["note"]).await,
            [["'it''s'"], ["'ordered'"], ["NULL"]]
        );
        assert_eq!(
            object_names(&mut conn, "trigger", "accounts").await,
            Vec::<String>::new()
        );
        assert_eq!(
            object_names(&mut conn, "trigger", "orders").await,
            ["touch"]
        );
    });
}

#[test]
fn a_self_referencing_table_keeps_its_foreign_key() {
    with_database(|mut conn| async move {
        let mut nodes = Table::new("nodes");
        nodes.columns = vec![
            Column {
                identity: true,
                ..not_null("id", Type::Integer)
            },
            column("parent_id", Type::Integer),
            column("label", Type::Text),
        ];
        nodes.primary_key = Some(key(None, &["id"]));
        nodes.foreign_keys.push(ForeignKey {
            name: Some("fk_nodes_parent".into()),
            columns: vec!["parent_id".into()],
            referenced_table: "nodes".into(),
            referenced_columns: vec!["id".into()],
            on_delete: Some(Action::SetNull),
            on_update: None,
        });
        let before = Schema {
            tables: vec![nodes],
        };
        create(&mut conn, &before).await;
        run(
            &mut conn,
            "INSERT INTO nodes (id, parent_id, label) VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b')",
        )
        .await;
        let op = alter("nodes", column("label", Type::Text), |c| {
            c.nullable = false;
            c.ty = Type::Varchar(Some(20));
        });
        migrate(&mut conn, &[op], &before).await.expect("migrates");
        assert_eq!(
            query(
                &mut conn,
                "SELECT \"table\" FROM pragma_foreign_key_list('nodes')"
            )
            .await,
            [["nodes"]]
        );
        run(&mut conn, "DELETE FROM nodes WHERE id = 2").await;
        assert_eq!(
            rows(&mut conn, "nodes", &["id", "parent_id"]).await,
            [["1", "NULL"], ["3", "NULL"]]
        );
        let error = execute(
            &mut conn,
            "INSERT INTO nodes (parent_id, label) VALUES (42, 'x')",
        )
        .await
        .unwrap_err();
        assert!(error.contains("FOREIGN KEY constraint failed"), "{error}");
    });
}

#[test]
fn in_place_changes_need_no_foreign_keys_off() {
    with_database(|mut conn| async move {
        let before = shop();
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        let ops = [
            Op::DropIndex {
                table: "orders".into(),
                index: index("ix_orders_account", &["account_id"], false),
            },
            Op::DropColumn {
                table: "orders".into(),
                column: order_column("memo"),
            },
            Op::AddColumn {
                table: "orders".into(),
                column: Column {
                    default: Some(Default::Number("-1".into())),
                    ..not_null("rank", Type::Integer)
                },
            },
            Op::RenameColumn {
                table: "orders".into(),
                from: "total".into(),
                to: "amount".into(),
            },
        ];
        assert!(!needs_foreign_keys_off(&ops, &before));
        let statements = migrate(&mut conn, &ops, &before).await.expect("migrates");
        assert_eq!(rebuilds(&statements), 0);
        assert_eq!(
            rows(&mut conn, "orders", &["id", "amount", "rank"]).await,
            [["1", "9.99", "-1"], ["2", "5", "-1"], ["3", "12", "-1"]]
        );
    });
}

#[test]
fn a_rebuild_after_renames_uses_the_new_names() {
    with_database(|mut conn| async move {
        let before = shop();
        create(&mut conn, &before).await;
        fill_shop(&mut conn).await;
        let ops = [
            // In place: SQLite renames it in the check and in `orders`' key.
            Op::RenameColumn {
                table: "accounts".into(),
                from: "balance".into(),
                to: "amount".into(),
            },
            Op::RenameColumn {
                table: "accounts".into(),
                from: "id".into(),
                to: "account_no".into(),
            },
            alter("accounts", account_column("name"), |c| c.nullable = false),
            alter("orders", order_column("memo"), |c| c.ty = Type::Text),
        ];
        let statements = migrate(&mut conn, &ops, &before).await.expect("migrates");
        assert_eq!(rebuilds(&statements), 2);
        let error = execute(
            &mut conn,
            "INSERT INTO accounts (email, name, amount) VALUES ('n@x.org', 'N', -5)",
        )
        .await
        .unwrap_err();
        assert!(error.contains("ck_accounts_balance"), "{error}");
        assert_eq!(
            query(
                &mut conn,
                "SELECT \"to\" FROM pragma_foreign_key_list('orders')"
            )
            .await,
            [["account_no"]]
        );
        let error = execute(
            &mut conn,
            "INSERT INTO orders (id, account_id) VALUES (9, 99)",
        )
        .await
        .unwrap_err();
        assert!(error.contains("FOREIGN KEY constraint failed"), "{error}");
    });
}
