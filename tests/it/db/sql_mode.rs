//! A MariaDB server whose global `sql_mode` holds `NO_BACKSLASH_ESCAPES`.
//!
//! `sql_mode` cannot be set for one database, and changing the shared test
//! server's global setting would change every other test's sessions, so
//! this test starts a private `mariadbd` of its own on a free port, with a
//! fresh data directory, and stops it at the end. Without `mariadbd` (and
//! `mariadb-install-db`) it skips with a notice, except under `CI`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::common::Project;

/// A private server, killed when dropped.
struct PrivateServer {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tool(name: &str) -> Option<String> {
    ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]
        .iter()
        .map(|dir| format!("{dir}/{name}"))
        .find(|path| Path::new(path).exists())
}

impl PrivateServer {
    fn start(sql_mode: &str) -> Option<PrivateServer> {
        let (Some(server), Some(install)) = (tool("mariadbd"), tool("mariadb-install-db")) else {
            if std::env::var_os("CI").is_some() {
                panic!("mariadbd and mariadb-install-db are required in CI");
            }
            crate::skip::skip("install mariadbd (the sql_mode tests start a server of their own)");
            return None;
        };
        let dir = tempfile::tempdir().expect("a temp directory");
        let data = dir.path().join("data");
        let status = Command::new(install)
            .args(["--no-defaults", "--user=root", "--skip-test-db"])
            .arg(format!("--datadir={}", data.display()))
            .arg("--auth-root-authentication-method=normal")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run mariadb-install-db");
        assert!(status.success(), "mariadb-install-db failed");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(server)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.path().join("sock").display()))
            .arg(format!("--port={port}"))
            .arg(format!("--sql-mode={sql_mode}"))
            .args([
                "--user=root",
                "--bind-address=127.0.0.1",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mariadbd");
        let server = PrivateServer {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.mariadb("SELECT 1").is_none() {
            assert!(
                Instant::now() < deadline,
                "the private mariadbd did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(server)
    }

    /// Runs SQL with the `mariadb` client; `None` when it fails.
    fn mariadb(&self, sql: &str) -> Option<String> {
        let out = Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-N", "-B", "-r"])
            .arg(format!("-P{}", self.port))
            .args(["-e", sql])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    }

    fn url(&self, database: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{database}", self.port)
    }
}

/// A revision whose DDL and bookkeeping hold backslashes means the same on
/// a server that reads string literals without backslash escapes: retort's
/// sessions read literals as the database does by default.
#[test]
fn no_backslash_escapes_server() {
    let Some(server) = PrivateServer::start("NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES") else {
        return;
    };
    assert_eq!(
        server
            .mariadb("SELECT @@GLOBAL.sql_mode LIKE '%NO_BACKSLASH_ESCAPES%'")
            .as_deref(),
        Some("1")
    );
    server.mariadb("CREATE DATABASE app").expect("create app");
    let project = Project::new();
    std::fs::write(
        project.versions().join("a00000000001_backslashes.sql"),
        "-- Revision ID: a00000000001\n-- Revises:\n-- Message: backslashes\n\n\
         -- migrate:upgrade\n\
         CREATE TABLE paths (id INTEGER PRIMARY KEY, dir VARCHAR(40) DEFAULT 'C:\\temp\\new');\n\
         COMMENT ON TABLE paths IS 'a\\b';\n\n\
         -- migrate:downgrade\n\
         -- a backslash in the stored downgrade: \\' \\\\\n\
         DROP TABLE paths;\n",
    )
    .expect("write the revision");
    let url = server.url("app");
    project.run(&["--url", &url, "upgrade"]).success();
    server
        .mariadb("INSERT INTO app.paths (id) VALUES (1)")
        .expect("insert a row");
    assert_eq!(
        server
            .mariadb("SELECT dir FROM app.paths WHERE id = 1")
            .as_deref(),
        Some("C:\\temp\\new"),
        "the default as the revision wrote it"
    );
    assert_eq!(
        server
            .mariadb(
                "SELECT table_comment FROM information_schema.tables \
                 WHERE table_schema = 'app' AND table_name = 'paths'"
            )
            .as_deref(),
        Some("a\\b")
    );
    let stored = server
        .mariadb(
            "SELECT downgrade_sql FROM app.retort_version_log \
             WHERE revision = 'a00000000001' AND success = 1",
        )
        .expect("the log row");
    assert!(
        stored.contains("\\' \\\\"),
        "the stored downgrade keeps its backslashes: {stored:?}"
    );
    project.run(&["--url", &url, "downgrade", "base"]).success();
    assert_eq!(
        server
            .mariadb("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'app' AND table_name = 'paths'")
            .as_deref(),
        Some("0")
    );
}
