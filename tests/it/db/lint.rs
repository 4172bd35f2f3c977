//! `retort lint` findings shown true on the real servers: for each
//! PostgreSQL rule about locks, the statement lint flags runs in a
//! transaction on one connection while a second reads `pg_locks` (or the
//! table's `relfilenode`, which a rewrite changes); for each MySQL rule
//! about table copies, MariaDB refuses `ALGORITHM=INPLACE`. The safe way
//! lint suggests passes lint and takes the weaker lock or runs in place.

use super::{Backend, DbProject, R, TestDb, block_on, connect};

const BASE: &str = "-- migrate:upgrade\n\
    CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), age INTEGER);\n\
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER);\n\
    INSERT INTO users (id, email, age) VALUES (1, 'a@example.com', 30);\n\
    INSERT INTO orders (id, user_id, total) VALUES (1, 1, 10);\n\n\
    -- migrate:downgrade\nDROP TABLE orders;\nDROP TABLE users;\n";

/// A database at the base revision, with a row in each table.
fn project(backend: Backend) -> Option<DbProject> {
    let p = DbProject::new(backend)?;
    p.revision(R[0], "", BASE);
    p.run(&["upgrade"]).success();
    Some(p)
}

/// The rules lint finds in a revision after the base made of `sections`.
fn lint(p: &DbProject, sections: &str) -> Vec<String> {
    p.revision(R[1], R[0], sections);
    let run = p.run(&["lint", "--since", R[0], "--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("a rule").to_owned())
        .collect()
}

#[track_caller]
fn flags(p: &DbProject, sections: &str, rule: &str) {
    let found = lint(p, sections);
    assert!(found.iter().any(|r| r == rule), "{rule} not in {found:?}");
}

#[track_caller]
fn passes(p: &DbProject, sections: &str, rule: &str) {
    let found = lint(p, sections);
    assert!(!found.iter().any(|r| r == rule), "{rule} in {found:?}");
}

/// The locks on `users`/`orders` a transaction holds after `statements`,
/// as `table:Mode`, read from `pg_locks` by a second connection.
fn locks(db: &TestDb, statements: &[&str]) -> Vec<String> {
    block_on(async {
        let mut running = connect(&db.url).await;
        let mut watching = connect(&db.url).await;
        running.execute("BEGIN").await.expect("BEGIN");
        for sql in statements {
            running
                .execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        let pid = running
            .strings("SELECT pg_backend_pid()::text")
            .await
            .expect("the backend pid")
            .remove(0);
        let held = watching
            .strings(&format!(
                "SELECT c.relname || ':' || l.mode FROM pg_locks l \
                 JOIN pg_class c ON c.oid = l.relation \
                 WHERE l.pid = {pid} AND l.granted AND c.relname IN ('users', 'orders') \
                 ORDER BY 1"
            ))
            .await
            .expect("pg_locks");
        running.execute("ROLLBACK").await.expect("ROLLBACK");
        running.close().await;
        watching.close().await;
        held
    })
}

/// Whether `statement` rewrites `users`: its file node changes.
fn rewrites_users(db: &TestDb, statement: &str) -> bool {
    block_on(async {
        let mut c = connect(&db.url).await;
        let node = "SELECT relfilenode::text FROM pg_class WHERE relname = 'users'";
        c.execute("BEGIN").await.expect("BEGIN");
        let before = c.strings(node).await.expect("relfilenode");
        c.execute(statement)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
        let after = c.strings(node).await.expect("relfilenode");
        c.execute("ROLLBACK").await.expect("ROLLBACK");
        c.close().await;
        before != after
    })
}

fn up(sql: &str) -> String {
    format!("-- migrate:upgrade\n{sql}\n")
}

fn pg_up(sql: &str) -> String {
    format!("-- migrate:upgrade postgresql\n{sql}\n")
}

#[test]
fn postgres_index_without_concurrently_blocks_writes() {
    let Some(p) = project(Backend::Postgres) else {
        return;
    };
    let create = "CREATE INDEX ix_users_age ON users (age)";
    flags(&p, &up(create), "pg-create-index-not-concurrently");
    // SHARE conflicts with the ROW EXCLUSIVE lock every write takes.
    assert!(locks(&p.db, &[create]).contains(&"users:ShareLock".to_owned()));

    let concurrently = "CREATE INDEX CONCURRENTLY ix_users_age ON users (age)";
    flags(&p, &pg_up(concurrently), "pg-concurrently-in-transaction");
    let refused = block_on(async {
        let mut c = connect(&p.db.url).await;
        c.execute("BEGIN").await.expect("BEGIN");
        let result = c.execute(concurrently).await;
        c.execute("ROLLBACK").await.expect("ROLLBACK");
        c.close().await;
        result
            .expect_err("CONCURRENTLY in a transaction")
            .to_string()
    });
    assert!(
        refused.contains("cannot run inside a transaction block"),
        "{refused}"
    );
    let safe = format!("-- migrate:upgrade postgresql transaction=false\n{concurrently};\n");
    passes(&p, &safe, "pg-create-index-not-concurrently");
    passes(&p, &safe, "pg-concurrently-in-transaction");
    // And it runs: retort upgrades with it.
    p.run(&["upgrade"]).success();
}

#[test]
fn postgres_constraints_not_valid_then_validated_take_weaker_locks() {
    let Some(p) = project(Backend::Postgres) else {
        return;
    };
    let fk = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)";
    flags(&p, &up(fk), "pg-constraint-not-valid");
    let held = locks(&p.db, &[fk]);
    assert!(
        held.contains(&"orders:ShareRowExclusiveLock".to_owned()),
        "{held:?}"
    );
    assert!(
        held.contains(&"users:ShareRowExclusiveLock".to_owned()),
        "{held:?}"
    );

    let not_valid = format!("{fk} NOT VALID");
    let validate = "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk";
    passes(
        &p,
        &pg_up(&format!("{not_valid};\n{validate};")),
        "pg-constraint-not-valid",
    );
    p.db.execute(&not_valid);
    // VALIDATE lets reads and writes go on.
    let held = locks(&p.db, &[validate]);
    assert!(
        held.contains(&"orders:ShareUpdateExclusiveLock".to_owned()),
        "{held:?}"
    );
    assert!(
        !held.iter().any(|l| l.ends_with(":AccessExclusiveLock")),
        "{held:?}"
    );
}

#[test]
fn postgres_set_not_null_and_unique_lock_everything() {
    let Some(p) = project(Backend::Postgres) else {
        return;
    };
    let not_null = "ALTER TABLE users ALTER COLUMN age SET NOT NULL";
    flags(&p, &up(not_null), "pg-set-not-null");
    assert!(locks(&p.db, &[not_null]).contains(&"users:AccessExclusiveLock".to_owned()));
    let proven = "ALTER TABLE users ADD CONSTRAINT users_age_not_null CHECK (age IS NOT NULL) NOT VALID;\n\
                  ALTER TABLE users VALIDATE CONSTRAINT users_age_not_null;\n\
                  ALTER TABLE users ALTER COLUMN age SET NOT NULL;";
    passes(&p, &pg_up(proven), "pg-set-not-null");

    let unique = "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)";
    flags(&p, &up(unique), "pg-unique-not-using-index");
    assert!(locks(&p.db, &[unique]).contains(&"users:AccessExclusiveLock".to_owned()));
    passes(
        &p,
        &pg_up(
            "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
        ),
        "pg-unique-not-using-index",
    );
}

#[test]
fn postgres_type_changes_and_volatile_defaults_rewrite_the_table() {
    let Some(p) = project(Backend::Postgres) else {
        return;
    };
    let bigint = "ALTER TABLE users ALTER COLUMN age TYPE BIGINT";
    flags(&p, &up(bigint), "pg-alter-column-type");
    assert!(rewrites_users(&p.db, bigint));
    let wider = "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(200)";
    passes(&p, &up(wider), "pg-alter-column-type");
    assert!(!rewrites_users(&p.db, wider));

    let volatile = "ALTER TABLE users ADD COLUMN token UUID DEFAULT gen_random_uuid()";
    flags(&p, &up(volatile), "pg-add-column-volatile-default");
    assert!(rewrites_users(&p.db, volatile));
    let stable = "ALTER TABLE users ADD COLUMN seen TIMESTAMP DEFAULT CURRENT_TIMESTAMP";
    passes(&p, &up(stable), "pg-add-column-volatile-default");
    assert!(!rewrites_users(&p.db, stable));
}

#[test]
fn postgres_lock_timeout_gives_up_instead_of_queueing() {
    let Some(p) = project(Backend::Postgres) else {
        return;
    };
    let add = "ALTER TABLE users ADD COLUMN nick TEXT";
    flags(&p, &up(add), "pg-lock-timeout");
    assert!(locks(&p.db, &[add]).contains(&"users:AccessExclusiveLock".to_owned()));
    passes(
        &p,
        &pg_up(&format!("SET LOCAL lock_timeout = '5s';\n{add};")),
        "pg-lock-timeout",
    );
    // A reader holds the table; with lock_timeout the DDL gives up at once
    // instead of waiting (and making every later query wait behind it).
    let error = block_on(async {
        let mut reader = connect(&p.db.url).await;
        let mut ddl = connect(&p.db.url).await;
        reader.execute("BEGIN").await.expect("BEGIN");
        reader
            .execute("SELECT count(*) FROM users")
            .await
            .expect("read");
        ddl.execute("SET lock_timeout = '200ms'")
            .await
            .expect("SET");
        let result = ddl.execute(add).await;
        reader.execute("ROLLBACK").await.expect("ROLLBACK");
        reader.close().await;
        ddl.close().await;
        result
            .expect_err("the DDL waits for the reader")
            .to_string()
    });
    assert!(error.contains("lock timeout"), "{error}");
}

/// Runs `statements` on one MariaDB connection; the last one's error.
fn mysql_last_error(db: &TestDb, statements: &[&str]) -> Option<String> {
    block_on(async {
        let mut c = connect(&db.url).await;
        let mut last = None;
        for sql in statements {
            last = c.execute(sql).await.err().map(|e| e.to_string());
        }
        c.close().await;
        last
    })
}

#[test]
fn mysql_type_changes_and_foreign_keys_copy_the_table() {
    let Some(p) = project(Backend::Mysql) else {
        return;
    };
    flags(
        &p,
        &up("ALTER TABLE users ALTER COLUMN age TYPE BIGINT;"),
        "mysql-table-copy",
    );
    let refused = mysql_last_error(
        &p.db,
        &["ALTER TABLE users MODIFY COLUMN age BIGINT NULL, ALGORITHM=INPLACE"],
    )
    .expect("a type change cannot run in place");
    assert!(
        refused.contains("ALGORITHM=INPLACE is not supported"),
        "{refused}"
    );
    passes(
        &p,
        &up("ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(200);"),
        "mysql-table-copy",
    );
    assert_eq!(
        mysql_last_error(
            &p.db,
            &["ALTER TABLE users MODIFY COLUMN email VARCHAR(200) NULL, ALGORITHM=INPLACE"]
        ),
        None
    );

    let fk = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)";
    flags(&p, &up(&format!("{fk};")), "mysql-add-foreign-key");
    let refused = mysql_last_error(&p.db, &[&format!("{fk}, ALGORITHM=INPLACE")])
        .expect("a foreign key is added by copying");
    assert!(
        refused.contains("ALGORITHM=INPLACE is not supported"),
        "{refused}"
    );
    // The way lint names: checks off, in place.
    assert_eq!(
        mysql_last_error(
            &p.db,
            &[
                "SET foreign_key_checks = 0",
                &format!("{fk}, ALGORITHM=INPLACE")
            ]
        ),
        None
    );
    passes(
        &p,
        &up(
            "CREATE TABLE payments (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));",
        ),
        "mysql-add-foreign-key",
    );

    flags(
        &p,
        &up("ALTER TABLE users ADD COLUMN a INTEGER;\nALTER TABLE users ADD COLUMN b INTEGER;"),
        "mysql-several-alters",
    );
    passes(
        &p,
        "-- migrate:upgrade mysql\nALTER TABLE users ADD COLUMN a INT, ADD COLUMN b INT;\n",
        "mysql-several-alters",
    );
}

#[test]
fn sqlite_rebuild_is_named_and_happens() {
    let Some(p) = project(Backend::Sqlite) else {
        return;
    };
    let change = "-- migrate:upgrade\nALTER TABLE users ALTER COLUMN age TYPE BIGINT;\n\n\
                  -- migrate:downgrade\nALTER TABLE users ALTER COLUMN age TYPE INTEGER;\n";
    flags(&p, change, "sqlite-table-rebuild");
    // The rebuild is real: the upgrade script copies the rows into a new table.
    let script = p
        .run(&["upgrade", "--sql", &format!("{}:{}", R[0], R[1])])
        .success();
    assert!(script.stdout.contains("INSERT INTO"), "{}", script.stdout);
    p.run(&["upgrade"]).success();
    assert_eq!(p.db.query("SELECT email FROM users"), ["a@example.com"]);
    passes(
        &p,
        "-- migrate:upgrade\nALTER TABLE users ADD COLUMN nick TEXT;\n",
        "sqlite-table-rebuild",
    );
}
