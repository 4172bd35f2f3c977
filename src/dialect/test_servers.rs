//! The servers the library's own tests run on (`introspect_tests`, `live`):
//! `RETORT_TEST_POSTGRES_URL` / `RETORT_TEST_MYSQL_URL`, else the server at
//! its conventional local address when one answers there. A test without a
//! server skips and is counted in the summary printed when the test binary
//! exits (the same `skip` module as the integration tests'); with `CI` set
//! a missing variable fails the test instead.

use std::sync::OnceLock;
use std::time::Duration;

use crate::connection::Connection;
use crate::dialect::DialectKind;
use crate::url::DatabaseUrl;

#[path = "../../tests/it/skip.rs"]
mod skip;

/// The server URL for `kind` (PostgreSQL or MySQL), or `None` when the test
/// should skip (already counted).
pub(super) fn server_url(kind: DialectKind) -> Option<String> {
    static POSTGRES: OnceLock<Result<String, String>> = OnceLock::new();
    static MYSQL: OnceLock<Result<String, String>> = OnceLock::new();
    let (variable, local, cell) = match kind {
        DialectKind::Postgres => (
            "RETORT_TEST_POSTGRES_URL",
            "postgresql://postgres@127.0.0.1:5432/test",
            &POSTGRES,
        ),
        DialectKind::Mysql => (
            "RETORT_TEST_MYSQL_URL",
            "mysql://root@127.0.0.1:3306/test",
            &MYSQL,
        ),
        DialectKind::Sqlite => return None,
    };
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => return Some(url),
        _ if std::env::var_os("CI").is_some() => panic!("{variable} is required in CI"),
        _ => {}
    }
    match cell.get_or_init(|| probe(variable, local)) {
        Ok(url) => {
            skip::note(&format!("{variable} is not set; the tests used {url}"));
            Some(url.clone())
        }
        Err(reason) => {
            skip::skip(reason);
            None
        }
    }
}

/// `url` when a server lets the user in there, else the skip reason. On a
/// thread of its own: the callers are already inside a runtime.
fn probe(variable: &str, url: &str) -> Result<String, String> {
    let parsed = DatabaseUrl::parse(url).expect("a valid database URL");
    let answered = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime");
                runtime.block_on(async {
                    // `connect` gives up after the URL's connect timeout.
                    let connection = Connection::connect(&parsed, Duration::from_secs(3)).await;
                    match connection {
                        Ok(connection) => {
                            connection.close().await;
                            true
                        }
                        Err(_) => false,
                    }
                })
            })
            .join()
            .unwrap_or(false)
    });
    if answered {
        Ok(url.to_owned())
    } else {
        Err(format!("set {variable} (cannot connect to {url})"))
    }
}
