//! Tests against real databases: SQLite in a temp file, and PostgreSQL and
//! MariaDB/MySQL from `RETORT_TEST_POSTGRES_URL` and `RETORT_TEST_MYSQL_URL`.
//!
//! Each test creates its own database on the server ([`TestDb`]) and drops it
//! when the test passes; a failed test leaves it for inspection. A missing
//! URL falls back to the server at its conventional local address, and
//! skips the test (counted in the summary at exit, see `skip`) when none
//! answers there, unless `CI` is set, where it fails.
//! Results are checked by querying the database directly through retort's
//! own [`Connection`], not through the binary under test.

mod autogen;
mod autogen_judge;
mod bookkeeping;
mod checksum;
mod conformance;
mod connect;
mod embed;
mod failure;
mod import_alembic;
mod import_mysql;
mod kill;
mod lifecycle;
mod limits;
mod lint;
mod lock;
mod models;
mod offline;
mod once;
mod real_alembic;
mod scale;
mod sql_mode;
mod sqlalchemy;
mod takeover;
mod urls;
mod warnings;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use retort::DatabaseUrl;
use retort::connection::Connection;
use tempfile::TempDir;

use crate::common::{Project, Run, retort};
use crate::skip::skip;

/// The three database families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
            Backend::Mysql => "mysql",
        })
    }
}

impl Backend {
    /// The server URL, or `None` (counted as a skip) when there is none.
    ///
    /// `RETORT_TEST_POSTGRES_URL` / `RETORT_TEST_MYSQL_URL` when set; else
    /// the server at its conventional local address, when one answers there,
    /// so a newcomer with local servers runs every test with a bare
    /// `cargo test`. In CI (`CI` set) a missing variable fails the test.
    pub fn server_url(self) -> Option<String> {
        static POSTGRES: OnceLock<Result<String, String>> = OnceLock::new();
        static MYSQL: OnceLock<Result<String, String>> = OnceLock::new();
        let (var, local, cell) = match self {
            Backend::Sqlite => return None,
            Backend::Postgres => ("RETORT_TEST_POSTGRES_URL", LOCAL_POSTGRES, &POSTGRES),
            Backend::Mysql => ("RETORT_TEST_MYSQL_URL", LOCAL_MYSQL, &MYSQL),
        };
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => return Some(url),
            _ if std::env::var_os("CI").is_some() => panic!("{var} is required in CI"),
            _ => {}
        }
        // Tried once per test binary: hundreds of tests ask.
        match cell.get_or_init(|| local_server(var, local)) {
            Ok(url) => {
                crate::skip::note(&format!("{var} is not set; the tests used {url}"));
                Some(url.clone())
            }
            Err(reason) => {
                skip(reason);
                None
            }
        }
    }
}

/// Where the README's test command finds the servers when no URL is set.
pub const LOCAL_POSTGRES: &str = "postgresql://postgres@127.0.0.1:5432/test";
pub const LOCAL_MYSQL: &str = "mysql://root@127.0.0.1:3306/test";

/// `url` when a server answers there and lets the user in, else why not.
fn local_server(var: &str, url: &str) -> Result<String, String> {
    let parsed = DatabaseUrl::parse(url).expect("a valid database URL");
    block_on(async {
        // `connect` gives up after the URL's connect timeout.
        match Connection::connect(&parsed, Duration::from_secs(3)).await {
            Ok(connection) => {
                connection.close().await;
                Ok(url.to_owned())
            }
            Err(_) => Err(format!("set {var} (cannot connect to {url})")),
        }
    })
}

/// Generates one `#[test]` per backend, named `sqlite`, `postgres` and
/// `mysql`, in a module named after the function they call.
macro_rules! per_backend {
    ($name:ident) => {
        per_backend!($name: Sqlite sqlite, Postgres postgres, Mysql mysql);
    };
    ($name:ident: $($backend:ident $test:ident),+) => {
        mod $name {
            $(
                #[test]
                fn $test() {
                    super::$name($crate::db::Backend::$backend);
                }
            )+
        }
    };
}
pub(crate) use per_backend;

/// Runs a future on a small runtime of its own.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// Connects with retort's library, failing the test on an error.
async fn connect(url: &str) -> Connection {
    let parsed = DatabaseUrl::parse(url).expect("a valid database URL");
    Connection::connect(&parsed, Duration::from_secs(10))
        .await
        .unwrap_or_else(|e| panic!("connect to the test database: {e}"))
}

/// A database of one test's own, dropped when the test passes.
pub struct TestDb {
    pub backend: Backend,
    /// The URL retort is given.
    pub url: String,
    /// The database's name on the server (the file name for SQLite).
    pub name: String,
    /// The server's URL, from which the database was created.
    server: Option<String>,
    /// Holds the SQLite file.
    _dir: Option<TempDir>,
}

impl TestDb {
    /// A new, empty database; `None` when the backend's server is not configured.
    pub fn new(backend: Backend) -> Option<TestDb> {
        if backend == Backend::Sqlite {
            let dir = tempfile::tempdir().expect("a temp directory");
            let path = dir.path().join("test.db");
            return Some(TestDb {
                backend,
                url: format!("sqlite:///{}", path.display()),
                name: path.display().to_string(),
                server: None,
                _dir: Some(dir),
            });
        }
        let server = backend.server_url()?;
        let name = unique_name();
        let create = match backend {
            Backend::Postgres => format!("CREATE DATABASE \"{name}\""),
            _ => format!("CREATE DATABASE `{name}`"),
        };
        block_on(async {
            let mut connection = connect(&server).await;
            connection
                .execute(&create)
                .await
                .unwrap_or_else(|e| panic!("{create}: {e}"));
            connection.close().await;
        });
        let mut url = url::Url::parse(&server).expect("the server URL parses");
        url.set_path(&format!("/{name}"));
        Some(TestDb {
            backend,
            url: url.to_string(),
            name,
            server: Some(server),
            _dir: None,
        })
    }

    /// The SQLite file.
    pub fn sqlite_path(&self) -> PathBuf {
        assert_eq!(self.backend, Backend::Sqlite);
        PathBuf::from(&self.name)
    }

    /// The first column of every row of `sql`, as text.
    pub fn query(&self, sql: &str) -> Vec<String> {
        block_on(async {
            let mut connection = connect(&self.url).await;
            let rows = connection
                .strings(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            connection.close().await;
            rows
        })
    }

    /// Runs one statement.
    pub fn execute(&self, sql: &str) {
        block_on(async {
            let mut connection = connect(&self.url).await;
            connection
                .execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            connection.close().await;
        })
    }

    /// Every table in the database (the schema `public` on PostgreSQL), sorted.
    pub fn tables(&self) -> Vec<String> {
        self.query(match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            }
            Backend::Mysql => {
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
            }
        })
    }

    /// True when `table` exists.
    pub fn has_table(&self, table: &str) -> bool {
        self.tables().iter().any(|t| t == table)
    }

    /// The rows of the version table `table`, sorted.
    pub fn versions(&self, table: &str) -> Vec<String> {
        self.query(&format!(
            "SELECT version_num FROM {table} ORDER BY version_num"
        ))
    }

    /// The log rows of `revision` in `<table>_log` as
    /// `direction:operation:success:applied/total`, oldest first.
    pub fn log(&self, table: &str, revision: &str) -> Vec<String> {
        let row = match self.backend {
            Backend::Mysql => {
                "CONCAT(direction, ':', operation, ':', CASE WHEN success THEN 'ok' ELSE 'failed' END, ':', statements_applied, '/', statements_total)"
            }
            _ => {
                "direction || ':' || operation || ':' || CASE WHEN success THEN 'ok' ELSE 'failed' END || ':' || statements_applied || '/' || statements_total"
            }
        };
        self.query(&format!(
            "SELECT {row} FROM {table}_log WHERE revision = '{revision}' ORDER BY id"
        ))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(server) = &self.server else {
            return;
        };
        if std::thread::panicking() {
            eprintln!("note: left the database {} for inspection", self.name);
            return;
        }
        let drop = match self.backend {
            // FORCE: a killed retort's session may still be connected.
            Backend::Postgres => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
            _ => format!("DROP DATABASE IF EXISTS `{}`", self.name),
        };
        block_on(async {
            let mut connection = connect(server).await;
            if let Err(e) = connection.execute(&drop).await {
                eprintln!("note: {drop}: {e}");
            }
            connection.close().await;
        });
    }
}

/// `retort_t_` and something no other test or run uses.
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_nanos();
    format!(
        "retort_t_{:x}_{:x}_{}",
        nanos & 0xffff_ffff_ffff,
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A project whose `DATABASE_URL` is a [`TestDb`].
pub struct DbProject {
    pub project: Project,
    pub db: TestDb,
    pub version_table: String,
}

impl DbProject {
    /// An empty project with `version_table = "retort_version"`.
    pub fn new(backend: Backend) -> Option<DbProject> {
        DbProject::with_version_table(backend, "retort_version")
    }

    /// An empty project whose `retort.toml` names `version_table`.
    pub fn with_version_table(backend: Backend, version_table: &str) -> Option<DbProject> {
        let db = TestDb::new(backend)?;
        let project = Project::empty();
        std::fs::create_dir_all(project.versions()).expect("create migrations/versions");
        std::fs::write(
            project.path().join("retort.toml"),
            format!(
                "[retort]\nscript_location = \"migrations\"\nurl = \"sqlite:///unused.db\"\n\
                 version_table = \"{version_table}\"\nlock_timeout = 30\n"
            ),
        )
        .expect("write retort.toml");
        Some(DbProject {
            project,
            db,
            version_table: version_table.to_owned(),
        })
    }

    /// The `examples/mercury_bank` project, copied into a temp directory.
    pub fn mercury_bank(backend: Backend) -> Option<DbProject> {
        let db = TestDb::new(backend)?;
        let project = Project::empty();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mercury_bank");
        copy_dir(&example, project.path());
        Some(DbProject {
            project,
            db,
            version_table: "retort_version".to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        self.project.path()
    }

    /// `retort ARGS` in the project directory, against the test database.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_on(&self.db, args)
    }

    /// `retort ARGS` in the project directory, against another database.
    pub fn run_on(&self, db: &TestDb, args: &[&str]) -> Run {
        let mut command = retort();
        command
            .current_dir(self.path())
            .env("DATABASE_URL", &db.url)
            .args(args);
        Run::of(command)
    }

    /// The binary as a plain process, for tests that start several or kill one.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        std::process::Command::new(env!("CARGO_BIN_EXE_retort"))
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("DATABASE_URL", &self.db.url)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start retort")
    }

    /// Writes revision `id` revising `revises` with the sections in `body`
    /// (`-- migrate:upgrade` … `-- migrate:downgrade` …); returns its path.
    pub fn revision(&self, id: &str, revises: &str, body: &str) -> PathBuf {
        let text = format!(
            "-- Revision ID: {id}\n-- Revises: {revises}\n\
             -- Create Date: 2026-01-02 03:04:05+00:00\n-- Message: revision {id}\n\n{body}"
        );
        self.project
            .write_file(&format!("{id}_revision.sql"), text.as_bytes())
    }

    /// A revision that creates table `t_<id>` and drops it on the way down.
    pub fn table_revision(&self, id: &str, revises: &str) -> PathBuf {
        self.revision(
            id,
            revises,
            &format!(
                "-- migrate:upgrade\nCREATE TABLE t_{id} (id INTEGER PRIMARY KEY);\n\n\
                 -- migrate:downgrade\nDROP TABLE t_{id};\n"
            ),
        )
    }

    /// The version table's rows.
    pub fn versions(&self) -> Vec<String> {
        self.db.versions(&self.version_table)
    }

    /// The log rows of `revision` (see [`TestDb::log`]).
    pub fn log(&self, revision: &str) -> Vec<String> {
        self.db.log(&self.version_table, revision)
    }

    /// The tables that are not retort's own, sorted.
    pub fn app_tables(&self) -> Vec<String> {
        let own = [
            self.version_table.clone(),
            format!("{}_log", self.version_table),
        ];
        self.db
            .tables()
            .into_iter()
            .filter(|t| !own.contains(t))
            .collect()
    }
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory");
    for entry in std::fs::read_dir(from).expect("read a directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// Fixed revision ids: `R[0]` is a base, each next one revises the one before.
pub const R: [&str; 12] = [
    "a00000000001",
    "a00000000002",
    "a00000000003",
    "a00000000004",
    "a00000000005",
    "a00000000006",
    "a00000000007",
    "a00000000008",
    "a00000000009",
    "a0000000000a",
    "a0000000000b",
    "a0000000000c",
];
