//! Runs every rendered fixture on real servers: the schema before it, the
//! op, its reverse, the op again — proving the SQL executes and that names
//! chosen for unnamed constraints are found again by the drops.
//!
//! The servers come from `RETORT_TEST_POSTGRES_URL` and
//! `RETORT_TEST_MYSQL_URL` (a URL whose user may create databases); each
//! fixture gets its own scratch database, dropped afterwards. Without a URL
//! the local server is tried, then the test skips (`test_servers`), except
//! in CI, where it fails.

use std::time::Duration;

use super::fixtures::fixtures;
use super::{Dialect, dialect};
use crate::connection::Connection;
use crate::dialect::DialectKind;
use crate::op::Op;
use crate::schema::Schema;
use crate::url::DatabaseUrl;

/// The URL of the same server with another database.
pub(super) fn with_database(base: &str, database: &str) -> String {
    let (head, query) = base.split_once('?').unwrap_or((base, ""));
    let Some((authority, _)) = head.rsplit_once('/') else {
        panic!("no database in {base}");
    };
    if query.is_empty() {
        format!("{authority}/{database}")
    } else {
        format!("{authority}/{database}?{query}")
    }
}

pub(super) async fn connect(url: &str) -> Connection {
    let url = DatabaseUrl::parse(url).expect("test URL parses");
    Connection::connect(&url, Duration::from_secs(5))
        .await
        .expect("test server answers")
}

/// Runs `statements`, recording the first failure under `what`.
async fn run(
    connection: &mut Connection,
    statements: &[String],
    what: &str,
    failures: &mut Vec<String>,
) -> bool {
    for sql in statements {
        if let Err(error) = connection.execute(sql).await {
            failures.push(format!("{what}: {}\n    {sql}", error));
            return false;
        }
    }
    true
}

fn render(dialect: &dyn Dialect, op: &Op, before: &Schema) -> Vec<String> {
    dialect
        .render_all(std::slice::from_ref(op), before)
        .expect("only ops the dialect renders are run")
        .into_iter()
        .map(|r| r.sql)
        .collect()
}

async fn run_fixtures(kind: DialectKind) {
    let Some(base) = super::test_servers::server_url(kind) else {
        return;
    };
    let dialect = dialect(kind);
    let mut admin = connect(&base).await;
    let mut failures = Vec::new();
    let mut refused = Vec::new();
    for (number, (name, op, before)) in fixtures().into_iter().enumerate() {
        if let Err(error) = dialect.render(&op, &before) {
            refused.push(format!("{name}: {error}"));
            continue;
        }
        let database = format!("retort_render_{number}");
        let quoted = dialect.quote_ident(&database);
        let _ = admin
            .execute(&format!("DROP DATABASE IF EXISTS {quoted}"))
            .await;
        admin
            .execute(&format!("CREATE DATABASE {quoted}"))
            .await
            .expect("scratch database");
        let mut connection = connect(&with_database(&base, &database)).await;

        let mut ok = true;
        let mut schema = Schema::default();
        for table in &before.tables {
            let create = Op::CreateTable(table.clone());
            let statements = render(dialect, &create, &schema);
            ok = ok
                && run(
                    &mut connection,
                    &statements,
                    &format!("{name} (setup)"),
                    &mut failures,
                )
                .await;
            let _ = create.apply(&mut schema);
        }
        let mut after = before.clone();
        op.apply(&mut after).expect("fixture op fits its schema");
        let reverse = op.reverse().expect("fixture ops reverse");
        let steps = [
            ("up", &op, &before),
            ("down", &reverse, &after),
            ("up again", &op, &before),
        ];
        for (step, op, schema) in steps {
            if ok {
                let statements = render(dialect, op, schema);
                ok = run(
                    &mut connection,
                    &statements,
                    &format!("{name} ({step})"),
                    &mut failures,
                )
                .await;
            }
        }
        connection.close().await;
        let _ = admin.execute(&format!("DROP DATABASE {quoted}")).await;
    }
    eprintln!("{kind:?}: refused to render:\n  {}", refused.join("\n  "));
    assert!(failures.is_empty(), "{kind:?}:\n{}", failures.join("\n"));
}

#[test]
fn fixtures_run_on_postgres() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(run_fixtures(DialectKind::Postgres));
}

#[test]
fn fixtures_run_on_mysql() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(run_fixtures(DialectKind::Mysql));
}
