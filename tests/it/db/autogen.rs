//! The autogenerate matrix (`docs/autogenerate.md`): for each schema change,
//! on each real database, start from schema A, set the models to B, let
//! `autogenerate` write the revision and `upgrade` apply it; the catalog
//! then equals B, `check` exits 0, `downgrade -1` restores A exactly, and
//! `upgrade` again gives B once more (a downgrade leaving debris shows
//! there). Where a case keeps its table, the rows are checked by content.
//!
//! Each case is one test per backend with one database of its own.
//! Revision 1 is hand-written: it creates A and inserts a few rows, so NOT
//! NULL and type changes meet real data. A case whose A and B normalise to
//! the same schema on a backend (a comment on SQLite, which keeps none) is a
//! no-op there: autogenerate must say "No changes" and write nothing.

use retort::dialect::dialect;

use super::conformance::{Rows, base_revision, check_state, expected, kind};
use super::{Backend, DbProject, R, per_backend};

/// One change: the models go from `a` to `b`.
struct Case {
    /// Portable DDL of revision 1 (its downgrade drops the tables again).
    a: &'static str,
    /// Portable INSERTs run at the end of revision 1.
    seed: &'static str,
    /// The models after the change, as portable DDL.
    b: &'static str,
    /// Extra arguments to `autogenerate` (`--no-renames`).
    args: &'static [&'static str],
    /// Text the generated revision must contain.
    file_has: &'static [&'static str],
    /// Text the generated revision must not contain.
    file_lacks: &'static [&'static str],
    /// The rows after the upgrades, and after the downgrade, where the
    /// change keeps them.
    rows_b: Option<Rows>,
    rows_a: Option<Rows>,
    /// Backends where A and B normalise alike, by design (see each case's
    /// comment): there autogenerate must find nothing.
    no_op_on: &'static [Backend],
    /// Backends that refuse the case by design (see each case's comment).
    skip: &'static [Backend],
}

/// The defaults of [`Case`]: no arguments, no checks of the file or rows.
const CASE: Case = Case {
    a: "",
    seed: "",
    b: "",
    args: &[],
    file_has: &[],
    file_lacks: &[],
    rows_b: None,
    rows_a: None,
    no_op_on: &[],
    skip: &[],
};

fn check(backend: Backend, case: &Case) {
    if case.skip.contains(&backend) {
        eprintln!("note: this case is refused on {backend} by design");
        return;
    }
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    let dialect = dialect(kind(backend));
    base_revision(&p, case.a, case.seed);
    p.run(&["upgrade"]).success();
    let models = p.path().join("models");
    std::fs::create_dir_all(&models).expect("create models/");
    std::fs::write(models.join("schema.sql"), case.b).expect("write the models");

    let mut args = vec!["autogenerate", "-m", "change", "--rev-id", R[1]];
    args.extend_from_slice(case.args);
    let generated = p.run(&args).success();
    let no_op = expected(dialect, case.a) == expected(dialect, case.b);
    assert_eq!(
        no_op,
        case.no_op_on.contains(&backend),
        "A and B normalise alike on {backend}"
    );
    if no_op {
        assert!(
            generated.stderr.contains("No changes"),
            "{}",
            generated.stderr
        );
        assert_eq!(p.project.files().len(), 1, "no revision written");
        p.run(&["check"]).success();
        return;
    }
    let file = p.project.file_of(R[1]);
    for part in case.file_has {
        assert!(file.contains(part), "the revision lacks {part:?}:\n{file}");
    }
    for part in case.file_lacks {
        assert!(!file.contains(part), "the revision has {part:?}:\n{file}");
    }
    let context = |when: &str| format!("{when}\n--- the revision\n{file}");
    // `retort lint` replays the upgrade and the downgrade: the generated
    // downgrade must bring the schema back (docs/lint.md).
    let lint = p.run(&["lint", "--since", R[0], "--format", "json"]);
    assert!(lint.code <= 1, "{}", lint.stderr);
    let reversal: Vec<_> = lint.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("downgrade"))
        })
        .map(|f| f["problem"].to_string())
        .collect();
    assert!(reversal.is_empty(), "{}", context(&reversal.join("\n")));

    // The revision in the message of every failure from here on.
    let run = |args: &[&str]| {
        let run = p.run(args);
        assert_eq!(
            run.code,
            0,
            "{}",
            context(&format!(
                "retort {}:\n{}{}",
                args.join(" "),
                run.stdout,
                run.stderr
            ))
        );
    };
    run(&["upgrade"]);
    check_state(
        &p,
        dialect,
        &context("upgrade"),
        case.b,
        case.rows_b.as_ref(),
    );
    run(&["check"]);
    run(&["downgrade", "-1"]);
    check_state(
        &p,
        dialect,
        &context("downgrade"),
        case.a,
        case.rows_a.as_ref(),
    );
    run(&["upgrade"]);
    check_state(
        &p,
        dialect,
        &context("upgrade again"),
        case.b,
        case.rows_b.as_ref(),
    );
}

/// The cases, each a `Case` and a test per backend.
macro_rules! cases {
    ($($name:ident: $case:expr;)+) => {
        $(
            fn $name(backend: Backend) {
                check(backend, &$case);
            }
            per_backend!($name);
        )+
    };
}

const ALL: &[Backend] = &[Backend::Sqlite, Backend::Postgres, Backend::Mysql];

/// `users (id, name)` with two rows: the table most cases change.
const USERS: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);";
const USERS_SEED: &str = "INSERT INTO users (id, name) VALUES (1, 'ada');\n\
                          INSERT INTO users (id, name) VALUES (2, 'grace');";
const USERS_ROWS: Rows = Rows {
    table: "users",
    columns: &["id", "name"],
    values: &["1|ada", "2|grace"],
};
/// `posts` referring to `users`, with rows.
const POSTS: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
                     CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80), \
                     CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id));";
const POSTS_SEED: &str = "INSERT INTO users (id, name) VALUES (1, 'ada');\n\
                          INSERT INTO users (id, name) VALUES (2, 'grace');\n\
                          INSERT INTO posts (id, author, title) VALUES (10, 1, 'notes');\n\
                          INSERT INTO posts (id, author, title) VALUES (11, 2, NULL);";
const POSTS_ROWS: Rows = Rows {
    table: "posts",
    columns: &["id", "author", "title"],
    values: &["10|1|notes", "11|2|NULL"],
};

cases! {
    no_op: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: POSTS,
        no_op_on: ALL,
        ..CASE
    };

    create_table: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, pinned BOOLEAN DEFAULT FALSE);",
        file_has: &["CREATE TABLE notes"],
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    drop_table: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);",
        seed: "INSERT INTO notes (id, body) VALUES (1, 'x');",
        b: USERS,
        file_has: &[
            "-- DESTRUCTIVE: table notes is dropped: all its rows are lost, with the values of \
             its columns (id, body)",
            "DROP TABLE notes",
        ],
        ..CASE
    };

    create_table_referencing_existing: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // The referrer sorts and is declared before the table it references:
    // the upgrade must create `z_topics` first, the downgrade drop it last.
    create_referrer_before_referenced: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE a_posts (id INTEGER PRIMARY KEY, topic INTEGER NOT NULL, \
            CONSTRAINT a_posts_topic_fk FOREIGN KEY (topic) REFERENCES z_topics (id));\n\
            CREATE TABLE z_topics (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES users (id));",
        ..CASE
    };

    // The referenced table sorts first: dropping in name order would fail.
    drop_referenced_and_referrer: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE a_topics (id INTEGER PRIMARY KEY, title VARCHAR(40));\n\
            CREATE TABLE b_posts (id INTEGER PRIMARY KEY, topic INTEGER NOT NULL REFERENCES a_topics (id));",
        seed: "INSERT INTO users (id, name) VALUES (1, 'ada');\n\
               INSERT INTO a_topics (id, title) VALUES (1, 'rust');\n\
               INSERT INTO b_posts (id, topic) VALUES (1, 1);",
        b: USERS,
        file_has: &[
            "-- DESTRUCTIVE: table a_topics is dropped",
            "-- DESTRUCTIVE: table b_posts is dropped",
        ],
        ..CASE
    };

    create_self_referencing_table: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, \
            parent INTEGER REFERENCES categories (id) ON DELETE CASCADE);",
        ..CASE
    };

    add_self_reference: Case {
        a: "CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, parent INTEGER);",
        seed: "INSERT INTO categories (id, name, parent) VALUES (1, 'root', NULL);\n\
               INSERT INTO categories (id, name, parent) VALUES (2, 'leaf', 1);",
        b: "CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, parent INTEGER, \
            CONSTRAINT categories_parent_fk FOREIGN KEY (parent) REFERENCES categories (id));",
        rows_b: Some(CATEGORY_ROWS),
        rows_a: Some(CATEGORY_ROWS),
        ..CASE
    };

    create_composite_primary_key: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE memberships (user_id INTEGER NOT NULL REFERENCES users (id), \
            team VARCHAR(20) NOT NULL, role VARCHAR(10) DEFAULT 'member', PRIMARY KEY (user_id, team));",
        ..CASE
    };

    create_composite_foreign_key: Case {
        a: MEMBERSHIPS,
        seed: MEMBERSHIPS_SEED,
        b: "CREATE TABLE memberships (user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL, \
            PRIMARY KEY (user_id, team));\n\
            CREATE TABLE grants (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL, \
            CONSTRAINT grants_member_fk FOREIGN KEY (user_id, team) REFERENCES memberships (user_id, team) ON DELETE CASCADE);",
        rows_b: Some(MEMBERSHIP_ROWS),
        rows_a: Some(MEMBERSHIP_ROWS),
        ..CASE
    };

    add_composite_foreign_key: Case {
        a: "CREATE TABLE memberships (user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL, \
            PRIMARY KEY (user_id, team));\n\
            CREATE TABLE grants (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL);",
        seed: "INSERT INTO memberships (user_id, team) VALUES (1, 'core');\n\
               INSERT INTO grants (id, user_id, team) VALUES (1, 1, 'core');",
        b: "CREATE TABLE memberships (user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL, \
            PRIMARY KEY (user_id, team));\n\
            CREATE TABLE grants (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL, \
            FOREIGN KEY (user_id, team) REFERENCES memberships (user_id, team));",
        rows_b: Some(GRANT_ROWS),
        rows_a: Some(GRANT_ROWS),
        ..CASE
    };

    add_nullable_column: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(80));",
        file_has: &["ADD COLUMN email VARCHAR(80)"],
        rows_b: Some(Rows {
            table: "users",
            columns: &["id", "name", "email"],
            values: &["1|ada|NULL", "2|grace|NULL"],
        }),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    add_not_null_column_with_default: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
            score INTEGER NOT NULL DEFAULT 7);",
        rows_b: Some(Rows {
            table: "users",
            columns: &["id", "name", "score"],
            values: &["1|ada|7", "2|grace|7"],
        }),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    drop_column: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, legacy TEXT);",
        seed: "INSERT INTO users (id, name, legacy) VALUES (1, 'ada', 'x');\n\
               INSERT INTO users (id, name, legacy) VALUES (2, 'grace', NULL);",
        b: USERS,
        file_has: &[
            "-- DESTRUCTIVE: column users.legacy (TEXT) is dropped: its value in every row of \
             users is lost",
            "DROP COLUMN legacy",
        ],
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    rename_column: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name VARCHAR(50) NOT NULL);",
        file_has: &["RENAME?", "RENAME COLUMN name TO full_name"],
        file_lacks: &["DROP COLUMN"],
        rows_b: Some(Rows {
            table: "users",
            columns: &["id", "full_name"],
            values: &["1|ada", "2|grace"],
        }),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // The unnamed key, unique and check are named after the table
    // (`users_pkey`, …): the rename carries the key and the unique along;
    // the check is dropped and added under its new name, since MySQL
    // cannot rename checks.
    rename_table: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
            UNIQUE (name), CHECK (id > 0));",
        seed: USERS_SEED,
        b: "CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
            UNIQUE (name), CHECK (id > 0));",
        file_has: &["RENAME?", "RENAME TO people"],
        file_lacks: &["DROP TABLE", "DROP CONSTRAINT users_pkey", "users_name_key"],
        rows_b: Some(Rows {
            table: "people",
            columns: &["id", "name"],
            values: &["1|ada", "2|grace"],
        }),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // The other table's key follows the rename (as the databases do).
    rename_referenced_table: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES people (id));",
        file_has: &["RENAME TO people"],
        file_lacks: &["DROP TABLE", "FOREIGN KEY"],
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    // The unnamed unique and check on the column are named after it.
    rename_column_in_constraints: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
            UNIQUE (name), CHECK (name <> ''));\n\
            CREATE INDEX users_name_ix ON users (name, id);",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name VARCHAR(50) NOT NULL, \
            UNIQUE (full_name), CHECK (full_name <> ''));\n\
            CREATE INDEX users_name_ix ON users (full_name, id);",
        file_has: &["RENAME COLUMN name TO full_name"],
        rows_b: Some(Rows {
            table: "users",
            columns: &["id", "full_name"],
            values: &["1|ada", "2|grace"],
        }),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // `--no-renames`: the same change is a drop and an add; the data of
    // the dropped column is gone, so a nullable column is added.
    rename_column_no_renames: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name VARCHAR(50));",
        args: &["--no-renames"],
        file_has: &[
            "-- DESTRUCTIVE: column users.name (VARCHAR(50)) is dropped",
            "DROP COLUMN name",
            "ADD COLUMN full_name",
        ],
        file_lacks: &["RENAME"],
        rows_b: Some(Rows {
            table: "users",
            columns: &["id", "full_name"],
            values: &["1|NULL", "2|NULL"],
        }),
        ..CASE
    };

    widen_varchar: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL);",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    narrow_varchar: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(10) NOT NULL);",
        file_has: &[
            "-- DESTRUCTIVE: users.name changes type from VARCHAR(50) to VARCHAR(10), which may \
             not hold every value: one that does not fit fails the upgrade, or is cut or rounded",
        ],
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    integer_to_bigint: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL);",
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter BIGINT NOT NULL);",
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    varchar_to_text: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    text_to_varchar: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        seed: USERS_SEED,
        b: USERS,
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // On a filled table without NULLs: the declared default keeps later
    // inserts valid.
    set_not_null_with_default: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL DEFAULT 'anonymous');",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    drop_not_null: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    add_default: Case {
        a: EVENTS,
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL DEFAULT 0);",
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    change_default: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL DEFAULT 0, kind VARCHAR(10) DEFAULT 'a');",
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL DEFAULT 1, kind VARCHAR(10) DEFAULT 'b');",
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    drop_default: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL DEFAULT 0);",
        seed: EVENTS_SEED,
        b: EVENTS,
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    change_boolean_default: Case {
        a: "CREATE TABLE flags (id INTEGER PRIMARY KEY, active BOOLEAN NOT NULL DEFAULT FALSE, seen BOOLEAN);",
        seed: "INSERT INTO flags (id) VALUES (1);",
        b: "CREATE TABLE flags (id INTEGER PRIMARY KEY, active BOOLEAN NOT NULL DEFAULT TRUE, seen BOOLEAN DEFAULT FALSE);",
        ..CASE
    };

    add_timestamp_default_current_timestamp: Case {
        a: EVENTS,
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, \
            created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);",
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    change_numeric_precision: Case {
        a: "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount NUMERIC(10, 2) NOT NULL);",
        seed: "INSERT INTO prices (id, amount) VALUES (1, 12.5);",
        b: "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount NUMERIC(12, 4) NOT NULL);",
        ..CASE
    };

    add_unique_constraint: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
            CONSTRAINT users_name_uq UNIQUE (name));",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    drop_unique_constraint: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, UNIQUE (name));",
        seed: USERS_SEED,
        b: USERS,
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // MySQL keeps a unique constraint as a unique index and reports both
    // as the constraint, so the revision may write either.
    add_unique_index: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE UNIQUE INDEX users_name_ux ON users (name);",
        file_has: &["users_name_ux"],
        ..CASE
    };

    add_index: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id));\n\
            CREATE INDEX posts_title_ix ON posts (title);",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    change_index_column_order: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(80));\n\
            CREATE INDEX users_lookup_ix ON users (name, email);",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(80));\n\
            CREATE INDEX users_lookup_ix ON users (email, name);",
        ..CASE
    };

    drop_index: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE INDEX users_name_ix ON users (name);",
        seed: USERS_SEED,
        b: USERS,
        ..CASE
    };

    add_foreign_key: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80));",
        seed: POSTS_SEED,
        b: POSTS,
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    drop_foreign_key: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80));",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    change_foreign_key_on_delete: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id) ON DELETE SET NULL);",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    add_check_constraint: Case {
        a: EVENTS,
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, \
            CONSTRAINT events_counter_ck CHECK (counter >= 0));",
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    drop_check_constraint: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, CHECK (counter >= 0));",
        seed: EVENTS_SEED,
        b: EVENTS,
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    // SQLite keeps no comments: normalising drops them, so there the case
    // is a verified no-op.
    add_table_comment: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            COMMENT ON TABLE users IS 'people who log in';",
        no_op_on: &[Backend::Sqlite],
        ..CASE
    };

    change_table_comment: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            COMMENT ON TABLE users IS 'people who log in';",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            COMMENT ON TABLE users IS 'people who pay';",
        no_op_on: &[Backend::Sqlite],
        ..CASE
    };

    add_column_comment: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            COMMENT ON COLUMN users.name IS 'shown to others';",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        no_op_on: &[Backend::Sqlite],
        ..CASE
    };

    create_identity_table: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE tickets (id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
            subject VARCHAR(100) NOT NULL);",
        ..CASE
    };

    add_primary_key: Case {
        a: "CREATE TABLE tags (id INTEGER NOT NULL, name VARCHAR(30));",
        seed: "INSERT INTO tags (id, name) VALUES (1, 'red');",
        b: "CREATE TABLE tags (id INTEGER NOT NULL, name VARCHAR(30), PRIMARY KEY (id));",
        ..CASE
    };

    // Neither table can be created first: one key is added after both.
    create_tables_in_a_key_cycle: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE a_teams (id INTEGER PRIMARY KEY, lead INTEGER, \
            CONSTRAINT a_teams_lead_fk FOREIGN KEY (lead) REFERENCES b_members (id));\n\
            CREATE TABLE b_members (id INTEGER PRIMARY KEY, team INTEGER, \
            CONSTRAINT b_members_team_fk FOREIGN KEY (team) REFERENCES a_teams (id));",
        ..CASE
    };

    drop_self_referencing_table: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE categories (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES categories (id));",
        seed: "INSERT INTO categories (id, parent) VALUES (1, NULL);\n\
               INSERT INTO categories (id, parent) VALUES (2, 1);",
        b: USERS,
        ..CASE
    };

    // The index goes before its column.
    drop_indexed_column: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(80));\n\
            CREATE INDEX users_email_ix ON users (email);",
        seed: USERS_SEED,
        b: USERS,
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // MySQL's MODIFY COLUMN resets what it leaves out, the comment too.
    widen_commented_column: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL DEFAULT 'x');\n\
            COMMENT ON COLUMN users.name IS 'shown to others';",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(60) NOT NULL DEFAULT 'x');\n\
            COMMENT ON COLUMN users.name IS 'shown to others';",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    change_composite_primary_key: Case {
        a: MEMBERSHIPS,
        seed: MEMBERSHIPS_SEED,
        b: "CREATE TABLE memberships (user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL, \
            PRIMARY KEY (team, user_id));",
        rows_b: Some(MEMBERSHIP_ROWS),
        rows_a: Some(MEMBERSHIP_ROWS),
        ..CASE
    };

    change_foreign_key_on_update: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id) \
            ON DELETE CASCADE ON UPDATE CASCADE);",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    // A type change and a new default together (PostgreSQL: the default
    // must go before the type and come back after it).
    change_type_and_default: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL DEFAULT 0);",
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter BIGINT NOT NULL DEFAULT 1);",
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    add_column_with_constraints: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
            email VARCHAR(80) UNIQUE, age INTEGER CHECK (age >= 0), \
            boss INTEGER REFERENCES users (id), seen TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP);",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // No NULLs in the rows, so it runs; the file still warns.
    // No row holds NULL in `name`, so nothing is flagged (rows that would
    // make it fail are `db::models::not_null_is_flagged_only_on_rows_that_fail`).
    set_not_null_without_default: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));",
        seed: USERS_SEED,
        b: USERS,
        file_lacks: &["DESTRUCTIVE"],
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // PostgreSQL converts text to integer only with `USING`.
    varchar_to_integer: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter VARCHAR(20) NOT NULL);",
        seed: EVENTS_SEED,
        b: EVENTS,
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    char_to_varchar: Case {
        a: "CREATE TABLE codes (id INTEGER PRIMARY KEY, code CHAR(3) NOT NULL);",
        seed: "INSERT INTO codes (id, code) VALUES (1, 'abc');",
        b: "CREATE TABLE codes (id INTEGER PRIMARY KEY, code VARCHAR(3) NOT NULL);",
        rows_b: Some(CODE_ROWS),
        rows_a: Some(CODE_ROWS),
        ..CASE
    };

    // Same name, another condition: dropped before it is added again.
    change_check_expression: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, \
            CONSTRAINT events_counter_ck CHECK (counter >= 0));",
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, \
            CONSTRAINT events_counter_ck CHECK (counter > 0));",
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    // Same name, no longer unique.
    unique_index_to_plain: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE UNIQUE INDEX users_name_ix ON users (name);",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE INDEX users_name_ix ON users (name);",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    drop_primary_key: Case {
        a: MEMBERSHIPS,
        seed: MEMBERSHIPS_SEED,
        b: "CREATE TABLE memberships (user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL);",
        rows_b: Some(MEMBERSHIP_ROWS),
        rows_a: Some(MEMBERSHIP_ROWS),
        ..CASE
    };

    // Quotes inside literals, a negative number, a date default.
    awkward_defaults_and_comments: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);",
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL DEFAULT 'o''hara', \
            balance NUMERIC(8, 2) DEFAULT -1.5, joined DATE DEFAULT CURRENT_DATE);\n\
            COMMENT ON TABLE users IS 'people''s accounts';\n\
            COMMENT ON COLUMN users.name IS 'it''s shown';",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // SQLite rebuilds a table other tables reference.
    rebuild_referenced_table: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(90) NOT NULL, \
            CONSTRAINT users_name_ck CHECK (name <> ''));\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id));",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    // Both ends of a foreign key change type together.
    widen_key_and_its_reference: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author BIGINT, title VARCHAR(80), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id));",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    // SQLite: an INTEGER PRIMARY KEY is already the identity (rowid alias).
    // The downgrade needs portable SQL's `DROP IDENTITY`.
    add_identity_to_key: Case {
        a: EVENTS,
        seed: EVENTS_SEED,
        b: "CREATE TABLE events (id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, counter INTEGER NOT NULL);",
        no_op_on: &[Backend::Sqlite],
        file_has: &["DROP IDENTITY"],
        rows_b: Some(EVENT_ROWS),
        rows_a: Some(EVENT_ROWS),
        ..CASE
    };

    foreign_key_column_set_not_null: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER NOT NULL DEFAULT 1, title VARCHAR(80), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id));",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    // An unnamed key on a renamed column: its conventional name changes.
    rename_foreign_key_column: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER REFERENCES users (id), title VARCHAR(80));",
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, writer INTEGER REFERENCES users (id), title VARCHAR(80));",
        rows_b: Some(Rows {
            table: "posts",
            columns: &["id", "writer", "title"],
            values: &["10|1|notes", "11|2|NULL"],
        }),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };

    // A key to a unique column, dropped with the unique it needs.
    drop_foreign_key_and_the_unique_it_uses: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, UNIQUE (name));\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author_name VARCHAR(50) REFERENCES users (name));",
        seed: "INSERT INTO users (id, name) VALUES (1, 'ada');\n\
               INSERT INTO posts (id, author_name) VALUES (10, 'ada');",
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author_name VARCHAR(50));",
        ..CASE
    };

    // MariaDB's JSON is LONGTEXT with a CHECK (json_valid(…)) it adds itself.
    add_json_uuid_blob_time_columns: Case {
        a: USERS,
        seed: USERS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
            doc JSON, ref UUID, data BLOB, alarm TIME, born DATE);",
        rows_b: Some(USERS_ROWS),
        rows_a: Some(USERS_ROWS),
        ..CASE
    };

    // MySQL/MariaDB keep both as DATETIME(6) (docs/autogenerate.md).
    timestamptz_to_timestamp: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, seen TIMESTAMP WITH TIME ZONE);",
        seed: "INSERT INTO events (id) VALUES (1);",
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, seen TIMESTAMP);",
        no_op_on: &[Backend::Mysql],
        ..CASE
    };

    // MySQL/MariaDB keep a UUID as CHAR(36) (docs/autogenerate.md).
    uuid_to_char: Case {
        a: "CREATE TABLE events (id INTEGER PRIMARY KEY, ref UUID);",
        seed: "INSERT INTO events (id, ref) VALUES (1, '00000000-0000-0000-0000-000000000001');",
        b: "CREATE TABLE events (id INTEGER PRIMARY KEY, ref CHAR(36));",
        no_op_on: &[Backend::Mysql],
        rows_b: Some(Rows {
            table: "events",
            columns: &["id", "ref"],
            values: &["1|00000000-0000-0000-0000-000000000001"],
        }),
        ..CASE
    };

    widen_numbers: Case {
        a: "CREATE TABLE stats (id INTEGER PRIMARY KEY, small SMALLINT NOT NULL DEFAULT 1, ratio REAL);",
        seed: "INSERT INTO stats (id, small, ratio) VALUES (1, 7, 0.5);",
        b: "CREATE TABLE stats (id INTEGER PRIMARY KEY, small INTEGER NOT NULL DEFAULT 1, ratio DOUBLE PRECISION);",
        file_lacks: &["DESTRUCTIVE"],
        rows_b: Some(STAT_ROWS),
        rows_a: Some(STAT_ROWS),
        ..CASE
    };

    // The key follows the rename of the table it is on and refers to.
    rename_self_referencing_table: Case {
        a: "CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, \
            parent INTEGER REFERENCES categories (id));",
        seed: "INSERT INTO categories (id, name, parent) VALUES (1, 'root', NULL);\n\
               INSERT INTO categories (id, name, parent) VALUES (2, 'leaf', 1);",
        b: "CREATE TABLE folders (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, \
            parent INTEGER REFERENCES folders (id));",
        file_has: &["RENAME TO folders"],
        rows_b: Some(Rows {
            table: "folders",
            columns: &["id", "name", "parent"],
            values: &["1|root|NULL", "2|leaf|1"],
        }),
        rows_a: Some(CATEGORY_ROWS),
        ..CASE
    };

    // One rebuild on SQLite; one ALTER after another elsewhere.
    several_changes_in_one_table: Case {
        a: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50), age INTEGER, legacy TEXT);\n\
            CREATE INDEX users_name_ix ON users (name);",
        seed: "INSERT INTO users (id, name, age, legacy) VALUES (1, 'ada', 36, 'old');\n\
               INSERT INTO users (id, name, age, legacy) VALUES (2, 'grace', NULL, 'old');",
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL DEFAULT '', \
            age INTEGER DEFAULT 18, email VARCHAR(80), CONSTRAINT users_age_ck CHECK (age >= 0), \
            CONSTRAINT users_email_uq UNIQUE (email));\n\
            CREATE INDEX users_name_age_ix ON users (name, age);",
        rows_b: Some(Rows {
            table: "users",
            columns: &["id", "name", "age", "email"],
            values: &["1|ada|36|NULL", "2|grace|NULL|NULL"],
        }),
        rows_a: Some(Rows {
            table: "users",
            columns: &["id", "name", "age"],
            values: &["1|ada|36", "2|grace|NULL"],
        }),
        ..CASE
    };

    changes_across_tables: Case {
        a: POSTS,
        seed: POSTS_SEED,
        b: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL, email VARCHAR(80));\n\
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title VARCHAR(80) DEFAULT 'untitled', \
            topic INTEGER REFERENCES topics (id), \
            CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id) ON DELETE CASCADE);\n\
            CREATE TABLE topics (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);\n\
            CREATE INDEX posts_topic_ix ON posts (topic);",
        rows_b: Some(POSTS_ROWS),
        rows_a: Some(POSTS_ROWS),
        ..CASE
    };
}

const CATEGORY_ROWS: Rows = Rows {
    table: "categories",
    columns: &["id", "name", "parent"],
    values: &["1|root|NULL", "2|leaf|1"],
};
const MEMBERSHIPS: &str = "CREATE TABLE memberships (user_id INTEGER NOT NULL, team VARCHAR(20) NOT NULL, \
                           PRIMARY KEY (user_id, team));";
const MEMBERSHIPS_SEED: &str = "INSERT INTO memberships (user_id, team) VALUES (1, 'core');\n\
                                INSERT INTO memberships (user_id, team) VALUES (2, 'docs');";
const MEMBERSHIP_ROWS: Rows = Rows {
    table: "memberships",
    columns: &["user_id", "team"],
    values: &["1|core", "2|docs"],
};
const GRANT_ROWS: Rows = Rows {
    table: "grants",
    columns: &["id", "user_id", "team"],
    values: &["1|1|core"],
};
/// `events (id, counter)`, for the numeric changes.
const EVENTS: &str = "CREATE TABLE events (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL);";
const EVENTS_SEED: &str = "INSERT INTO events (id, counter) VALUES (1, 5);\n\
                           INSERT INTO events (id, counter) VALUES (2, 2000000000);";
const EVENT_ROWS: Rows = Rows {
    table: "events",
    columns: &["id", "counter"],
    values: &["1|5", "2|2000000000"],
};
const CODE_ROWS: Rows = Rows {
    table: "codes",
    columns: &["id", "code"],
    values: &["1|abc"],
};
const STAT_ROWS: Rows = Rows {
    table: "stats",
    columns: &["id", "small"],
    values: &["1|7"],
};
