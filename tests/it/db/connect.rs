//! `test-connection`: the server answers, or a clear exit 2 that never shows
//! the password.

use super::{Backend, TestDb, per_backend};
use crate::common::{Run, retort};

fn test_connection(url: &str, extra: &[&str]) -> Run {
    let mut command = retort();
    command
        .current_dir(std::env::temp_dir())
        .args(["--url", url, "test-connection"])
        .args(extra);
    Run::of(command)
}

fn connects(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let run = test_connection(&db.url, &[]).success();
    assert!(run.stdout.starts_with("Connected: "), "{}", run.stdout);
    let mut command = retort();
    command.current_dir(std::env::temp_dir()).args([
        "--url",
        &db.url,
        "--format",
        "json",
        "test-connection",
    ]);
    let doc = Run::of(command).success().json();
    assert!(
        doc["server_version"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "{doc}"
    );
    assert!(doc["database"].is_string(), "{doc}");
}
per_backend!(connects);

#[test]
fn unreachable_server_hides_the_password() {
    for url in [
        "postgresql://postgres:hunter2@127.0.0.1:1/test",
        "mysql://root:hunter2@127.0.0.1:1/test",
    ] {
        for extra in [&[][..], &["--wait", "2"][..]] {
            let run = test_connection(url, extra).code(2);
            assert!(
                !run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"),
                "the password leaked:\n{}\n{}",
                run.stdout,
                run.stderr
            );
            run.stderr_has(&["cannot connect", "***"]);
        }
    }
}

/// A real server that refuses the password.
#[test]
fn wrong_mysql_password_hides_the_password() {
    let Some(server) = Backend::Mysql.server_url() else {
        return;
    };
    let mut url = url::Url::parse(&server).expect("the server URL parses");
    url.set_password(Some("hunter2"))
        .expect("a URL with a password");
    let run = test_connection(url.as_str(), &[]).code(2);
    assert!(
        !run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"),
        "the password leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run.stderr_has(&["cannot connect"]);
}
