//! A [`DatabaseUrl`]'s parts and checked options, turned into sqlx's
//! connect options. Every option was read and validated when the URL was
//! parsed ([`crate::url::ConnectOptions`]); this only applies them, so a URL
//! that parses never connects with less than it asked for.

use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use crate::url::{DatabaseUrl, TlsMode};

/// Host, port, user, password and database from the URL, on either
/// server driver's options (their builders share these method names).
macro_rules! with_server_parts {
    ($options:ident, $url:expr) => {
        if let Some(host) = $url.host() {
            $options = $options.host(host);
        }
        if let Some(port) = $url.port() {
            $options = $options.port(port);
        }
        if let Some(user) = $url.username() {
            $options = $options.username(user);
        }
        // An empty password in the URL (`root:@host`) means none.
        if let Some(password) = $url.password().filter(|p| !p.is_empty()) {
            $options = $options.password(password);
        }
        if let Some(database) = $url.database() {
            $options = $options.database(database);
        }
    };
}

/// PostgreSQL: server parts, TLS, `application_name` (retort's own name by
/// default, so a DBA can tell its session apart) and `-c` settings.
pub fn postgres(url: &DatabaseUrl) -> PgConnectOptions {
    let given = url.connect_options();
    let mut options = PgConnectOptions::new()
        .application_name(given.application_name.as_deref().unwrap_or("retort"));
    with_server_parts!(options, url);
    if let Some(mode) = given.tls.mode {
        options = options.ssl_mode(match mode {
            TlsMode::Disable => PgSslMode::Disable,
            TlsMode::Allow => PgSslMode::Allow,
            TlsMode::Prefer => PgSslMode::Prefer,
            TlsMode::Require => PgSslMode::Require,
            TlsMode::VerifyCa => PgSslMode::VerifyCa,
            TlsMode::VerifyFull => PgSslMode::VerifyFull,
        });
    }
    if let Some(path) = &given.tls.root_cert {
        options = options.ssl_root_cert(path);
    }
    if let Some(path) = &given.tls.client_cert {
        options = options.ssl_client_cert(path);
    }
    if let Some(path) = &given.tls.client_key {
        options = options.ssl_client_key(path);
    }
    if !given.settings.is_empty() {
        options = options.options(given.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    // retort renders literals in DDL with only quotes doubled, which the
    // server reads as written only with this setting on (its default since
    // 9.1); a server, database or URL set otherwise would read a backslash
    // in them as an escape. Last, so it wins over a `-c` in the URL.
    // https://www.postgresql.org/docs/current/runtime-config-compatible.html#GUC-STANDARD-CONFORMING-STRINGS
    options.options([("standard_conforming_strings", "on")])
}

/// MySQL and MariaDB: server parts, TLS and `charset`.
pub fn mysql(url: &DatabaseUrl) -> MySqlConnectOptions {
    let given = url.connect_options();
    let mut options = MySqlConnectOptions::new();
    with_server_parts!(options, url);
    if let Some(mode) = given.tls.mode {
        options = options.ssl_mode(match mode {
            TlsMode::Disable => MySqlSslMode::Disabled,
            // MySQL has no `allow`; the URL parser accepts it for PostgreSQL only.
            TlsMode::Allow | TlsMode::Prefer => MySqlSslMode::Preferred,
            TlsMode::Require => MySqlSslMode::Required,
            TlsMode::VerifyCa => MySqlSslMode::VerifyCa,
            TlsMode::VerifyFull => MySqlSslMode::VerifyIdentity,
        });
    }
    if let Some(path) = &given.tls.root_cert {
        options = options.ssl_ca(path);
    }
    if let Some(path) = &given.tls.client_cert {
        options = options.ssl_client_cert(path);
    }
    if let Some(path) = &given.tls.client_key {
        options = options.ssl_client_key(path);
    }
    if let Some(charset) = &given.charset {
        options = options.charset(charset);
    }
    options
}
