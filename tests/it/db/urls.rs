//! URL options against the real servers: TLS fails closed, a CA file means
//! verification, the SQLAlchemy options `charset`, `connect_timeout`,
//! `application_name` and `options=-c…` take effect, and `test-connection
//! --wait` keeps trying for the whole wait.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use super::{Backend, DbProject, TestDb};
use crate::common::{Run, retort};

/// `url` with `query` appended (`?` or `&`).
fn with_query(url: &str, query: &str) -> String {
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{query}")
}

/// `retort --url URL ARGS…` outside any project, killed after 60 s so that
/// a hang fails the test instead of stalling the suite.
fn run_url(url: &str, args: &[&str]) -> Run {
    let mut command = retort();
    command
        .current_dir(std::env::temp_dir())
        .args(["--url", url])
        .args(args)
        .timeout(Duration::from_secs(60));
    Run::of(command)
}

/// `retort ARGS` in the project, with `DATABASE_URL` set to `url`.
fn run_in(project: &DbProject, url: &str, args: &[&str]) -> Run {
    let mut command = retort();
    command
        .current_dir(project.path())
        .env("DATABASE_URL", url)
        .args(args)
        .timeout(Duration::from_secs(60));
    Run::of(command)
}

/// A TLS-looking option that is not honoured stops the command before it
/// connects, on a URL that otherwise connects fine.
#[test]
fn unhonoured_tls_options_are_errors() {
    for (backend, options) in [
        (
            Backend::Postgres,
            &["ssl=true", "ssl_mode=REQUIRED", "sslcrl=/x.crl"][..],
        ),
        (
            Backend::Mysql,
            &["ssl=true", "sslmode=require", "ssl_verify_cert=true"][..],
        ),
    ] {
        let Some(db) = TestDb::new(backend) else {
            continue;
        };
        run_url(&db.url, &["test-connection"]).success();
        for option in options {
            let name = option.split('=').next().unwrap_or_default();
            run_url(&with_query(&db.url, option), &["test-connection"])
                .code(2)
                .stderr_has(&[&format!("`{name}`"), "accepted:"]);
        }
    }
}

/// `ssl_ca` alone used to leave MySQL at PREFERRED, which fell back to
/// plaintext on this TLS-less server; now it means VERIFY_CA and fails.
#[test]
fn mysql_ca_file_alone_means_verification() {
    let Some(db) = TestDb::new(Backend::Mysql) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "not a certificate\n").expect("write ca.pem");
    let url = with_query(&db.url, &format!("ssl_ca={}", ca.display()));
    run_url(&url, &["test-connection"])
        .code(2)
        .stderr_has(&["cannot connect"]);
    // Said outright, plaintext is still possible.
    run_url(
        &with_query(&db.url, "ssl_mode=DISABLED"),
        &["test-connection"],
    )
    .success();
}

/// `sslrootcert` alone now means verify-ca: a file that holds no CA fails
/// the connection instead of being ignored.
#[test]
fn postgres_root_cert_alone_means_verification() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("root.crt");
    std::fs::write(&ca, "not a certificate\n").expect("write root.crt");
    let url = with_query(&db.url, &format!("sslrootcert={}", ca.display()));
    run_url(&url, &["test-connection"])
        .code(2)
        .stderr_has(&["cannot connect"]);
    run_url(&with_query(&url, "sslmode=disable"), &["test-connection"])
        .code(2)
        .stderr_has(&["`sslrootcert`", "sslmode=disable"]);
}

/// An option retort does not know is named in a warning; the command runs.
#[test]
fn unknown_option_is_a_warning() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    let run = run_url(
        &with_query(&db.url, "target_session_attrs=any"),
        &["test-connection"],
    )
    .success();
    run.stderr_has(&["warning:", "`target_session_attrs`"]);
}

/// Runs one revision that stores `probe` (a SQL expression) in table
/// `probe`, through `DATABASE_URL=url`, and returns what it stored.
fn probe(project: &DbProject, url: &str, dialect: &str, probe: &str) -> String {
    project.revision(
        "a1",
        "",
        &format!(
            "-- migrate:upgrade\nCREATE TABLE probe (v VARCHAR(200));\n\n\
             -- migrate:upgrade {dialect}\nCREATE TABLE probe (v VARCHAR(200));\n\
             INSERT INTO probe (v) SELECT {probe};\n\n\
             -- migrate:downgrade\nDROP TABLE probe;\n"
        ),
    );
    run_in(project, url, &["upgrade"]).success();
    project.db.query("SELECT v FROM probe").join(",")
}

#[test]
fn mysql_charset_is_used() {
    let Some(project) = DbProject::new(Backend::Mysql) else {
        return;
    };
    // sqlx's own default is utf8mb4, so utf8mb3 shows the option is applied.
    let url = with_query(&project.db.url, "charset=utf8mb3");
    assert_eq!(
        probe(&project, &url, "mysql", "@@character_set_client"),
        "utf8mb3"
    );
}

#[test]
fn postgres_application_name_is_used() {
    let Some(project) = DbProject::new(Backend::Postgres) else {
        return;
    };
    let url = with_query(&project.db.url, "application_name=deployer");
    assert_eq!(
        probe(
            &project,
            &url,
            "postgresql",
            "current_setting('application_name')"
        ),
        "deployer"
    );
}

/// `options=-csearch_path=app`: the version table lands in schema `app`.
#[test]
fn postgres_options_search_path() {
    let Some(project) = DbProject::new(Backend::Postgres) else {
        return;
    };
    project.db.execute("CREATE SCHEMA app");
    project.table_revision("a1", "");
    let url = with_query(&project.db.url, "options=-csearch_path%3Dapp");
    run_in(&project, &url, &["upgrade"]).success();
    let schemas = project.db.query(
        "SELECT table_schema::text FROM information_schema.tables \
         WHERE table_name IN ('retort_version', 't_a1') ORDER BY 1",
    );
    assert_eq!(schemas, vec!["app", "app"]);
    let current = run_in(&project, &url, &["current"]).success();
    assert!(current.stdout.contains("a1"), "{}", current.stdout);
}

/// A server that accepts and never answers: `connect_timeout` ends the
/// attempt instead of a hang (the 60 s kill would fail the test).
#[test]
fn connect_timeout_ends_a_silent_server() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = listener.local_addr().expect("local address").port();
    for scheme in ["postgresql", "mysql"] {
        let url = format!("{scheme}://u:QZJKsecret@127.0.0.1:{port}/db?connect_timeout=2");
        let run = run_url(&url, &["test-connection"]).code(2);
        assert!(!run.stderr.contains("QZJK"), "{}", run.stderr);
        run.stderr_has(&["no answer within 2 s", "***"]);
    }
    drop(listener);
}

/// `--wait 5` against a port where nothing listens keeps trying for the
/// whole 5 s (it gave up after 3.1 s), and says how long it tried.
#[test]
fn wait_lasts_the_whole_wait() {
    let started = Instant::now();
    let run = run_url(
        "postgresql://u:QZJKsecret@127.0.0.1:1/db",
        &["test-connection", "--wait", "5"],
    )
    .code(2);
    let elapsed = started.elapsed();
    // Only a lower bound: load can make it slower, never faster.
    assert!(
        elapsed >= Duration::from_secs(5),
        "gave up after {elapsed:?}"
    );
    assert!(!run.stderr.contains("QZJK"), "{}", run.stderr);
    run.stderr_has(&["gave up after", "--wait 5"]);
}

/// A server that comes up 4 s into a 5 s wait is found: a forwarder to the
/// real PostgreSQL starts listening on a reserved port after 4 s. (The old
/// back-off made its last attempt at 3.1 s; now the last one is at 5 s, so
/// the forwarder has a second to spare however loaded the machine is.)
#[test]
fn wait_finds_a_server_that_starts_late() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    let server = url::Url::parse(&db.url).expect("the test URL parses");
    let target = format!(
        "{}:{}",
        server.host_str().unwrap_or("127.0.0.1"),
        server.port().unwrap_or(5432)
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let forwarder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(4));
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the reserved port");
        // One connection is all test-connection makes once it gets through.
        if let Ok((client, _)) = listener.accept() {
            forward(client, &target);
        }
    });
    let mut late = server.clone();
    late.set_port(Some(port)).expect("set the port");
    let run = run_url(late.as_str(), &["test-connection", "--wait", "5"]).success();
    assert!(run.stdout.starts_with("Connected: "), "{}", run.stdout);
    assert!(run.stderr.contains("not yet"), "{}", run.stderr);
    let _ = forwarder.join();
}

/// Copies bytes both ways between `client` and a new connection to `target`
/// until either side closes.
fn forward(client: TcpStream, target: &str) {
    let Ok(server) = TcpStream::connect(target) else {
        return;
    };
    let pipe = |mut from: TcpStream, mut to: TcpStream| {
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 || to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(std::net::Shutdown::Both);
        })
    };
    let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let a = pipe(client, server);
    let b = pipe(s2, c2);
    let _ = a.join();
    let _ = b.join();
}
