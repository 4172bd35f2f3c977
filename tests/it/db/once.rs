//! Applied exactly once: many `retort upgrade`, `downgrade` and `stamp`
//! processes (and embedding applications) starting together against one
//! database, reaching it by different spellings of its URL, with
//! transactional and `transaction=false` revisions. The lock itself — how it
//! is released, named and taken — is tested in `lock.rs`.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use retort::{DatabaseUrl, embed};

use super::{Backend, DbProject, R, block_on, per_backend};

/// One way to reach the test database: a URL, and the environment beside it.
#[derive(Debug, Clone)]
pub(super) struct Spelling {
    pub(super) url: String,
    pub(super) env: Vec<(&'static str, String)>,
}

impl Spelling {
    pub(super) fn url(url: impl Into<String>) -> Spelling {
        Spelling {
            url: url.into(),
            env: Vec::new(),
        }
    }
}

/// The driver reads these when the URL leaves a part out; a test sets them
/// itself or not at all.
const LIBPQ_ENV: [&str; 4] = ["PGDATABASE", "PGHOST", "PGPORT", "PGUSER"];

/// `retort ARGS` in the project directory with `spelling` as `DATABASE_URL`.
pub(super) fn spawn(p: &DbProject, spelling: &Spelling, args: &[&str]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .current_dir(p.path())
        .env("NO_COLOR", "1")
        .env("DATABASE_URL", &spelling.url)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in LIBPQ_ENV {
        command.env_remove(name);
    }
    for (name, value) in &spelling.env {
        command.env(name, value);
    }
    command.spawn().expect("start retort")
}

/// Waits for `child`, killing it after `limit`: a test must not hang.
pub(super) fn finish(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("poll retort").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("reap retort");
            panic!(
                "retort still ran after {limit:?}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect retort's output")
}

/// `count` INSERTs of rows tagged `tag` into `once_rows`.
fn inserts(tag: &str, count: usize) -> String {
    (1..=count)
        .map(|n| format!("INSERT INTO once_rows (tag, n) VALUES ('{tag}', {n});\n"))
        .collect()
}

/// The DELETEs that undo [`inserts`], one row each: a downgrade long
/// enough for concurrent runs to overlap.
fn deletes(tag: &str, count: usize) -> String {
    (1..=count)
        .map(|n| format!("DELETE FROM once_rows WHERE tag = '{tag}' AND n = {n};\n"))
        .collect()
}

/// How many rows each revision of [`write_revisions`] inserts.
const ROWS: [(usize, &str, usize); 4] = [
    (1, "r1", 300),
    (2, "r2", 100),
    (3, "r3", 300),
    (4, "r4", 50),
];

/// `R[0]` creates `once_rows`; `R[1]` and `R[3]` insert (and delete on the
/// way down) outside a transaction (`transaction=false`), `R[2]` and
/// `R[4]` inside one.
fn write_revisions(p: &DbProject) {
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE once_rows (tag VARCHAR(8) NOT NULL, n INTEGER NOT NULL);\n\n\
         -- migrate:downgrade\nDROP TABLE once_rows;\n",
    );
    for (i, tag, count) in ROWS {
        let options = if i % 2 == 1 { " transaction=false" } else { "" };
        p.revision(
            R[i],
            R[i - 1],
            &format!(
                "-- migrate:upgrade{options}\n{}\n-- migrate:downgrade{options}\n{}",
                inserts(tag, count),
                deletes(tag, count)
            ),
        );
    }
}

/// Every revision of [`write_revisions`] applied exactly once.
fn assert_applied_once(p: &DbProject) {
    assert_eq!(p.versions(), [R[4]]);
    for (_, tag, count) in ROWS {
        let rows = p.db.query(&format!(
            "SELECT COUNT(*) FROM once_rows WHERE tag = '{tag}'"
        ));
        assert_eq!(rows, [count.to_string()], "rows of {tag}");
    }
    for id in &R[..5] {
        let log = p.log(id);
        assert!(
            log.len() == 1 && log[0].starts_with("up:upgrade:ok:"),
            "one successful log row for {id}: {log:?}"
        );
    }
}

/// Starts one `retort upgrade` per spelling, all at once, and asserts that
/// each exits 0.
fn upgrade_together(p: &DbProject, spellings: &[Spelling]) {
    let children: Vec<_> = spellings
        .iter()
        .map(|s| (s.clone(), spawn(p, s, &["upgrade"])))
        .collect();
    for (spelling, child) in children {
        let output = finish(child, Duration::from_secs(120));
        assert!(
            output.status.success(),
            "upgrade with {spelling:?} failed ({:?}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The SQLite case: eight runs, a `transaction=false` revision of
/// 300 INSERTs. Without a lock held across the whole run, several runs
/// planned it before the first recorded it, and each inserted its rows.
#[test]
fn sqlite_transaction_false_section_runs_once() {
    let Some(p) = DbProject::new(Backend::Sqlite) else {
        return;
    };
    write_revisions(&p);
    upgrade_together(&p, &vec![Spelling::url(&p.db.url); 8]);
    assert_applied_once(&p);
}

/// The PostgreSQL case: four runs name the database in the URL and
/// four through `PGDATABASE`. A lock key taken from the URL text made them
/// two groups that did not exclude each other.
#[test]
fn postgres_lock_is_the_same_for_pgdatabase() {
    let Some(p) = DbProject::new(Backend::Postgres) else {
        return;
    };
    write_revisions(&p);
    let with_db = Spelling::url(&p.db.url);
    let mut server = url::Url::parse(&p.db.url).expect("the test URL parses");
    server.set_path("");
    let from_env = Spelling {
        url: server.to_string(),
        env: vec![("PGDATABASE", p.db.name.clone())],
    };
    let spellings: Vec<Spelling> = (0..8)
        .map(|i| if i % 2 == 0 { &with_db } else { &from_env }.clone())
        .collect();
    upgrade_together(&p, &spellings);
    assert_applied_once(&p);
}

/// The URL parts of a server test database.
struct Parts {
    user: String,
    password: String,
    host: String,
    port: Option<u16>,
    database: String,
}

impl Parts {
    fn of(p: &DbProject) -> Parts {
        let url = url::Url::parse(&p.db.url).expect("the test URL parses");
        Parts {
            user: url.username().to_owned(),
            password: url
                .password()
                .map(|pw| format!(":{pw}"))
                .unwrap_or_default(),
            host: url.host_str().expect("a host").to_owned(),
            port: url.port(),
            database: p.db.name.clone(),
        }
    }

    /// `scheme://user[:pw]@host[:port]/db?query`, the port left out when it
    /// is the default one.
    fn url(&self, scheme: &str, host: &str, default_port: u16, query: &str) -> String {
        let port = match self.port {
            Some(port) if port != default_port => format!(":{port}"),
            _ => String::new(),
        };
        let Parts {
            user,
            password,
            database,
            ..
        } = self;
        format!("{scheme}://{user}{password}@{host}{port}/{database}{query}")
    }
}

/// Eight ways to write the URL of the test database.
fn spellings(p: &DbProject) -> Vec<Spelling> {
    match p.db.backend {
        Backend::Sqlite => {
            let db = p.db.sqlite_path();
            let dir = db.parent().expect("the database's directory");
            // A symlink to the database's directory, inside the project.
            #[cfg(unix)]
            std::os::unix::fs::symlink(dir, p.path().join("link")).expect("a symlink");
            let relative = relative_to(p.path(), &db);
            vec![
                Spelling::url(&p.db.url),
                Spelling::url(format!("sqlite:////{}", db.display())),
                Spelling::url(format!("sqlite:///{}", relative.display())),
                Spelling::url("sqlite:///link/test.db"),
                Spelling::url("sqlite:///./link/test.db"),
                Spelling::url(format!("sqlite:///{}/./test.db", dir.display())),
                Spelling::url(&p.db.url),
                Spelling::url("sqlite:///link/test.db"),
            ]
        }
        Backend::Postgres => {
            let parts = Parts::of(p);
            let mut no_db = url::Url::parse(&p.db.url).expect("the test URL parses");
            no_db.set_path("");
            let host = &parts.host;
            vec![
                Spelling::url(&p.db.url),
                Spelling::url(parts.url("postgres", host, 5432, "")),
                Spelling::url(parts.url("postgresql+psycopg2", "localhost", 5432, "")),
                Spelling::url(parts.url(
                    "postgresql",
                    host,
                    0,
                    "?application_name=once&connect_timeout=10",
                )),
                Spelling {
                    url: no_db.to_string(),
                    env: vec![("PGDATABASE", parts.database.clone())],
                },
                Spelling::url(parts.url("postgresql", "localhost", 0, "")),
                Spelling {
                    url: no_db.to_string().replace("postgresql://", "postgres://"),
                    env: vec![("PGDATABASE", parts.database.clone())],
                },
                Spelling::url(parts.url("postgresql+asyncpg", host, 5432, "?sslmode=disable")),
            ]
        }
        Backend::Mysql => {
            let parts = Parts::of(p);
            let host = &parts.host;
            vec![
                Spelling::url(&p.db.url),
                Spelling::url(parts.url("mariadb", host, 3306, "")),
                Spelling::url(parts.url("mysql+pymysql", host, 3306, "?charset=utf8mb4")),
                Spelling::url(parts.url("mysql", "localhost", 0, "")),
                Spelling::url(parts.url("mariadb+mariadbconnector", host, 0, "")),
                Spelling::url(parts.url("mysql+mysqldb", host, 3306, "?charset=utf8mb4")),
                Spelling::url(parts.url("mariadb", "localhost", 3306, "?connect_timeout=10")),
                Spelling::url(parts.url("mysql", host, 3306, "")),
            ]
        }
    }
}

/// `target` relative to `from`, both absolute.
fn relative_to(from: &Path, target: &Path) -> std::path::PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = std::path::PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part);
    }
    path
}

/// The campaign: eight `retort upgrade` processes, each with another
/// spelling of the URL, and two embedding applications
/// ([`embed::upgrade_head`]) started alongside, on a chain of transactional
/// and `transaction=false` revisions. Every process exits 0, every
/// revision's rows are there once, with one successful log row.
fn concurrent_spellings(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    write_revisions(&p);
    let files: Vec<(String, String)> = std::fs::read_dir(p.project.versions())
        .expect("read the versions directory")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let text = std::fs::read_to_string(&path).expect("read a revision file");
            (path.display().to_string(), text)
        })
        .collect();
    let spellings = spellings(&p);
    let embedded = std::thread::scope(|scope| {
        let applications: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let files: Vec<(&str, &str)> = files
                        .iter()
                        .map(|(name, text)| (name.as_str(), text.as_str()))
                        .collect();
                    let graph = embed::graph(&files).unwrap_or_else(|e| panic!("{e}"));
                    let url = DatabaseUrl::parse(&p.db.url).expect("the test URL parses");
                    block_on(embed::upgrade_head(&url, &graph))
                        .unwrap_or_else(|e| panic!("embedded upgrade: {e}"))
                        .len()
                })
            })
            .collect();
        upgrade_together(&p, &spellings);
        applications
            .into_iter()
            .map(|a| a.join().expect("an embedding application"))
            .collect::<Vec<_>>()
    });
    assert_applied_once(&p);
    assert!(embedded.iter().all(|&steps| steps <= 5), "{embedded:?}");
}
per_backend!(concurrent_spellings);

/// Six `downgrade` and two `stamp` runs to one revision, at once, with
/// mixed URL spellings: each revision above it is reverted exactly once —
/// by a downgrade (its rows gone) or by a stamp (its rows kept) — and every
/// run exits 0.
fn downgrade_and_stamp_together(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    write_revisions(&p);
    p.run(&["upgrade"]).success();
    let children: Vec<_> = spellings(&p)
        .into_iter()
        .enumerate()
        .map(|(i, spelling)| {
            let args = if i % 4 == 3 {
                ["stamp", R[2]]
            } else {
                ["downgrade", R[2]]
            };
            let child = spawn(&p, &spelling, &args);
            (args, spelling, child)
        })
        .collect();
    for (args, spelling, child) in children {
        let output = finish(child, Duration::from_secs(120));
        assert!(
            output.status.success(),
            "{args:?} with {spelling:?} failed ({:?}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(p.versions(), [R[2]]);
    for (i, tag, count) in ROWS {
        let log = p.log(R[i]);
        let downs: Vec<&String> = log.iter().filter(|row| row.starts_with("down:")).collect();
        let rows = p.db.query(&format!(
            "SELECT COUNT(*) FROM once_rows WHERE tag = '{tag}'"
        ));
        if i <= 2 {
            assert!(downs.is_empty(), "{} was not reverted: {log:?}", R[i]);
            assert_eq!(rows, [count.to_string()], "rows of {tag}");
            continue;
        }
        assert_eq!(downs.len(), 1, "{} reverted once: {log:?}", R[i]);
        let kept = if downs[0].starts_with("down:stamp:ok:") {
            count
        } else {
            assert!(downs[0].starts_with("down:downgrade:ok:"), "{log:?}");
            0
        };
        assert_eq!(rows, [kept.to_string()], "rows of {tag}: {log:?}");
    }
}
per_backend!(downgrade_and_stamp_together);
