//! Database URLs in SQLAlchemy's form; `Display` never shows the password.
//!
//! A [`DatabaseUrl`] is the first thing a command builds after the
//! configuration: [`crate::config`] picks the URL text (flag, environment,
//! `.env`, `retort.toml`), this module parses it once, validates what can be
//! checked without a server (dialect, port, TLS mode), and the connecting code
//! reads the parts. The grammar follows SQLAlchemy's `make_url` rather than
//! WHATWG so that the URL a team already gives SQLAlchemy works unchanged —
//! including passwords that contain a raw `/`, `?` or `#`. Every way of
//! showing a URL (its `Display`, its `Debug`, every error) masks the password.

use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use percent_encoding::percent_decode_str;

/// The database family a URL or a section names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DialectKind {
    /// SQLite, through a file or in memory.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB, which share a wire protocol and a driver.
    Mysql,
}

impl DialectKind {
    /// Every dialect, in a stable order (for help texts and test matrices).
    pub const ALL: [DialectKind; 3] = [
        DialectKind::Sqlite,
        DialectKind::Postgres,
        DialectKind::Mysql,
    ];

    /// The canonical name: `sqlite`, `postgresql` or `mysql`.
    pub fn as_str(self) -> &'static str {
        match self {
            DialectKind::Sqlite => "sqlite",
            DialectKind::Postgres => "postgresql",
            DialectKind::Mysql => "mysql",
        }
    }
}

impl fmt::Display for DialectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dialect name that [`DialectKind::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown dialect `{value}`: expected one of sqlite, postgresql (or postgres), mysql (or mariadb)"
)]
pub struct ParseDialectError {
    /// The name as given.
    pub value: String,
}

impl FromStr for DialectKind {
    type Err = ParseDialectError;

    /// Accepts `sqlite`, `postgresql`/`postgres` and `mysql`/`mariadb`, in
    /// any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(DialectKind::Sqlite),
            "postgresql" | "postgres" => Ok(DialectKind::Postgres),
            "mysql" | "mariadb" => Ok(DialectKind::Mysql),
            _ => Err(ParseDialectError {
                value: s.to_string(),
            }),
        }
    }
}

/// Where a SQLite URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    /// `sqlite://`, `sqlite:///` or `sqlite:///:memory:`.
    Memory,
    /// A database file; relative until [`DatabaseUrl::resolve_relative`].
    File(PathBuf),
}

/// Why a URL was refused. Every `url` field holds the redacted URL, so an
/// error can be shown, logged or serialised as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// The URL was empty (or only white space).
    #[error("the database URL is empty")]
    Empty,
    /// The part before `://` names no supported database.
    #[error(
        "unknown dialect `{scheme}` in database URL {url}: supported schemes are \
         sqlite, postgresql, postgres, mysql and mariadb, each optionally with `+driver`"
    )]
    UnknownDialect {
        /// The dialect part of the scheme, as written.
        scheme: String,
        /// The URL, password redacted.
        url: String,
    },
    /// The URL does not have the shape `dialect[+driver]://user:password@host:port/database?options`.
    #[error("malformed database URL {url}: {reason}")]
    Malformed {
        /// The URL, password redacted.
        url: String,
        /// What is wrong, without quoting any part that may hold the password.
        reason: String,
    },
    /// A query option that is checked before connecting has a bad value.
    #[error("invalid `{option}={value}` in database URL {url}: expected one of {expected}")]
    InvalidOption {
        /// The URL, password redacted.
        url: String,
        /// The option name, e.g. `sslmode`.
        option: String,
        /// The value given.
        value: String,
        /// The accepted values, comma-separated.
        expected: String,
    },
}

/// libpq's `sslmode` values. `prefer` and `require` encrypt without checking
/// the certificate; only `verify-ca` and `verify-full` check it.
/// <https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION>
const POSTGRES_SSL_MODES: [&str; 6] = [
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

/// MySQL's `--ssl-mode` values; MariaDB's connector accepts the same in URLs.
/// <https://dev.mysql.com/doc/refman/8.0/en/connection-options.html#option_general_ssl-mode>
const MYSQL_SSL_MODES: [&str; 5] = [
    "DISABLED",
    "PREFERRED",
    "REQUIRED",
    "VERIFY_CA",
    "VERIFY_IDENTITY",
];

const REDACTED: &str = "***";

/// A parsed database URL: `dialect[+driver]://user:password@host:port/database?options`.
///
/// ```
/// use retort::{DatabaseUrl, DialectKind};
///
/// let url: DatabaseUrl = "postgresql+psycopg2://app:s%40cret@db:5432/bank?sslmode=require".parse()?;
/// assert_eq!(url.dialect(), DialectKind::Postgres);
/// assert_eq!(url.password(), Some("s@cret"));
/// assert_eq!(url.to_string(), "postgresql+psycopg2://app:***@db:5432/bank?sslmode=require");
/// # Ok::<(), retort::url::UrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The scheme as written, `+driver` included, for display.
    scheme: String,
    dialect: DialectKind,
    username: Option<String>,
    password: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    options: Vec<(String, String)>,
    sqlite: Option<SqliteTarget>,
    /// The redacted text shown by `Display`, kept as written.
    shown: String,
    /// The redacted query part of `shown` (`?…` or empty), for rebuilding
    /// `shown` when a SQLite path is resolved.
    shown_query: String,
}

impl DatabaseUrl {
    /// Parses a URL in SQLAlchemy's form; leading and trailing white space is
    /// ignored. Default ports are not filled in.
    pub fn parse(input: &str) -> Result<DatabaseUrl, UrlError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(UrlError::Empty);
        }
        let malformed = |reason: &str| UrlError::Malformed {
            url: redact_raw(raw),
            reason: reason.to_string(),
        };

        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(malformed(
                "expected `dialect[+driver]://…`, e.g. `postgresql://user:password@host/db` or `sqlite:///app.db`",
            ));
        };
        let scheme_ok = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '_' | '.'));
        if !scheme_ok {
            return Err(malformed(
                "the scheme before `://` may hold only letters, digits and `+-_.`",
            ));
        }
        let dialect_name = scheme.split('+').next().unwrap_or(scheme);
        let dialect = match dialect_name.to_ascii_lowercase().as_str() {
            "sqlite" => DialectKind::Sqlite,
            "postgresql" | "postgres" => DialectKind::Postgres,
            "mysql" | "mariadb" => DialectKind::Mysql,
            _ => {
                return Err(UrlError::UnknownDialect {
                    scheme: dialect_name.to_string(),
                    url: redact_raw(raw),
                });
            }
        };

        let rest_start = scheme.len() + "://".len();
        let parts = split_rest(rest).map_err(malformed)?;

        let username = match parts.username {
            Some(u) if !u.is_empty() => Some(decode(u, Plus::Literal).ok_or_else(|| {
                malformed("the user name holds an invalid percent-escape (write `%` as `%25`)")
            })?),
            _ => None,
        };
        let password = match &parts.password {
            Some(p) => Some(decode(&rest[p.clone()], Plus::Literal).ok_or_else(|| {
                malformed("the password holds an invalid percent-escape (write `%` as `%25`)")
            })?),
            None => None,
        };

        let mut options = Vec::new();
        if let Some(query) = parts.query {
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let key = decode(key, Plus::Space)
                    .ok_or_else(|| malformed("an option name holds an invalid percent-escape"))?;
                let value = decode(value, Plus::Space)
                    .ok_or_else(|| malformed("an option value holds an invalid percent-escape"))?;
                options.push((key, value));
            }
        }

        let shown_query = match parts.query {
            Some(query) => format!("?{}", redact_query(query)),
            None => String::new(),
        };
        let before_query = &raw[..rest_start + parts.query_start];
        let shown_authority = match &parts.password {
            Some(p) => format!(
                "{}{REDACTED}{}",
                &raw[..rest_start + p.start],
                &raw[rest_start + p.end..rest_start + parts.query_start]
            ),
            None => before_query.to_string(),
        };
        let shown = format!("{shown_authority}{shown_query}");

        let mut url = DatabaseUrl {
            scheme: scheme.to_string(),
            dialect,
            username,
            password,
            host: None,
            port: None,
            database: None,
            options,
            sqlite: None,
            shown,
            shown_query,
        };

        if dialect == DialectKind::Sqlite {
            if parts.username.is_some()
                || parts.password.is_some()
                || !parts.host.is_empty()
                || parts.port.is_some()
            {
                return Err(malformed(
                    "a SQLite URL names no user or host: use `sqlite:///relative/path.db`, \
                     `sqlite:////absolute/path.db` or `sqlite://` for memory",
                ));
            }
            // SQLAlchemy hands SQLite paths to the driver undecoded: `%` is a
            // legal file-name character.
            url.database = parts.database.map(str::to_string);
            url.sqlite = Some(match parts.database {
                None | Some("") | Some(":memory:") => SqliteTarget::Memory,
                Some(path) => SqliteTarget::File(PathBuf::from(path)),
            });
        } else {
            url.host = (!parts.host.is_empty()).then(|| parts.host.to_string());
            url.port = match parts.port {
                None | Some("") => None,
                Some(port) => Some(
                    port.parse::<u16>()
                        .ok()
                        .filter(|_| port.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(|| malformed("the port is not a number from 0 to 65535"))?,
                ),
            };
            url.database = match parts.database {
                None | Some("") => None,
                Some(db) => Some(decode(db, Plus::Literal).ok_or_else(|| {
                    malformed("the database name holds an invalid percent-escape")
                })?),
            };
        }

        url.check_tls_options()?;
        Ok(url)
    }

    fn check_tls_options(&self) -> Result<(), UrlError> {
        let (names, valid): (&[&str], &[&str]) = match self.dialect {
            DialectKind::Postgres => (&["sslmode"], &POSTGRES_SSL_MODES),
            DialectKind::Mysql => (&["ssl_mode", "ssl-mode"], &MYSQL_SSL_MODES),
            DialectKind::Sqlite => return Ok(()),
        };
        for (key, value) in &self.options {
            if names.contains(&key.as_str()) && !valid.iter().any(|v| v.eq_ignore_ascii_case(value))
            {
                return Err(UrlError::InvalidOption {
                    url: self.shown.clone(),
                    option: key.clone(),
                    value: value.clone(),
                    expected: valid.join(", "),
                });
            }
        }
        Ok(())
    }

    /// The database family; `+driver` does not change it.
    pub fn dialect(&self) -> DialectKind {
        self.dialect
    }

    /// The host, without the brackets of an IPv6 address; `None` when the URL
    /// names none (a local socket or SQLite).
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The port as written; `None` leaves the driver's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The user name, percent-decoded.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The password, percent-decoded. Pass it to the driver only: everything
    /// meant for people goes through `Display`, which masks it.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The database name (PostgreSQL, MySQL; percent-decoded) or the SQLite
    /// path as written in the URL. For the SQLite file to open, after
    /// [`resolve_relative`](Self::resolve_relative), use
    /// [`sqlite_target`](Self::sqlite_target).
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// The query options in the order written, names and values decoded.
    pub fn options(&self) -> &[(String, String)] {
        &self.options
    }

    /// The first value given for the option `name` (case-sensitive, as the
    /// drivers read them).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Where a SQLite URL points; `None` for the other dialects.
    pub fn sqlite_target(&self) -> Option<&SqliteTarget> {
        self.sqlite.as_ref()
    }

    /// Makes a relative SQLite file path absolute against `base_dir`; does
    /// nothing for memory databases, absolute paths and other dialects.
    pub fn resolve_relative(&mut self, base_dir: &Path) {
        let Some(SqliteTarget::File(path)) = &self.sqlite else {
            return;
        };
        if path.is_absolute() {
            return;
        }
        // `./app.db` would otherwise show as `/base/./app.db`; `..` stays,
        // since dropping it is wrong across symlinks.
        let absolute: PathBuf = base_dir
            .join(path)
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect();
        self.shown = format!(
            "{}:///{}{}",
            self.scheme,
            absolute.display(),
            self.shown_query
        );
        self.sqlite = Some(SqliteTarget::File(absolute));
    }

    /// The URL as written, with the password (and any `password` option)
    /// replaced by `***`: the only form fit for people and logs.
    pub fn redacted(&self) -> String {
        self.shown.clone()
    }
}

impl FromStr for DatabaseUrl {
    type Err = UrlError;

    /// Same as [`DatabaseUrl::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DatabaseUrl::parse(s)
    }
}

impl fmt::Display for DatabaseUrl {
    /// The redacted URL, e.g. `postgresql://app:***@db:5432/bank`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for DatabaseUrl {
    // Written by hand so that `{:?}` in a log or a panic message cannot leak
    // the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let options: Vec<(&str, &str)> = self
            .options
            .iter()
            .map(|(k, v)| {
                let v = if is_secret_option(k) {
                    REDACTED
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("DatabaseUrl")
            .field("url", &self.shown)
            .field("dialect", &self.dialect)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("options", &options)
            .field("sqlite", &self.sqlite)
            .finish()
    }
}

/// The pieces of the text after `://`, as slices of it (not yet decoded).
struct Parts<'a> {
    username: Option<&'a str>,
    /// Byte range of the password within the text after `://`.
    password: Option<Range<usize>>,
    host: &'a str,
    port: Option<&'a str>,
    database: Option<&'a str>,
    query: Option<&'a str>,
    /// Where the query's `?` sits, or the length when there is none.
    query_start: usize,
}

/// Splits the text after `://` the way SQLAlchemy's `make_url` does, with one
/// difference: a password may hold a raw `@` (the host follows the last `@`
/// of the authority).
fn split_rest(rest: &str) -> Result<Parts<'_>, &'static str> {
    let (username, password, host_start) = match userinfo_end(rest) {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.find(':') {
                Some(colon) => (Some(&userinfo[..colon]), Some(colon + 1..at), at + 1),
                None => (Some(userinfo), None, at + 1),
            }
        }
        None => (None, None, 0),
    };

    let after_userinfo = &rest[host_start..];
    let hostport_len = after_userinfo
        .find(['/', '?'])
        .unwrap_or(after_userinfo.len());
    let hostport = &after_userinfo[..hostport_len];
    let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
        let close = bracketed
            .find(']')
            .ok_or("an IPv6 host opened with `[` is not closed with `]`")?;
        let after = &bracketed[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Err("only `:port` may follow a bracketed IPv6 host"),
        };
        (&bracketed[..close], port)
    } else {
        match hostport.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };

    let path_start = host_start + hostport_len;
    let tail = &rest[path_start..];
    let query_start = path_start + tail.find('?').unwrap_or(tail.len());
    let database = rest[path_start..query_start].strip_prefix('/');
    let query = rest
        .get(query_start + 1..)
        .filter(|_| query_start < rest.len());

    Ok(Parts {
        username,
        password,
        host,
        port,
        database,
        query,
        query_start,
    })
}

/// The index of the `@` that ends the user-info part, if there is one.
///
/// As in SQLAlchemy, the user name runs to the first `:` or `@` and cannot
/// hold `/`; a password runs from that `:` to an `@`. Of the `@`s after the
/// colon we take the last one before the first `/` or `?` that follows an
/// `@`, so that both `u:p@ss@host/db` and `u:p@host/db?email=a@b` split right.
fn userinfo_end(rest: &str) -> Option<usize> {
    let first = rest.find([':', '/', '?', '@'])?;
    match rest.as_bytes()[first] {
        b'@' => Some(first),
        b':' => {
            let first_at = first + 1 + rest[first + 1..].find('@')?;
            let stop = rest[first_at..]
                .find(['/', '?'])
                .map_or(rest.len(), |i| first_at + i);
            rest[..stop].rfind('@')
        }
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Plus {
    /// In the query string `+` means a space (form encoding, as `parse_qsl`).
    Space,
    /// Elsewhere `+` is itself.
    Literal,
}

/// Percent-decodes strictly: a `%` not followed by two hex digits, or bytes
/// that are not UTF-8, give `None` instead of being passed on as written.
fn decode(s: &str, plus: Plus) -> Option<String> {
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
        }
    }
    let s = match plus {
        Plus::Space => s.replace('+', " "),
        Plus::Literal => s.to_string(),
    };
    percent_decode_str(&s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// Options that carry a secret; their values are masked like the password
/// (libpq and the MySQL drivers accept `password=` in the query string).
fn is_secret_option(name: &str) -> bool {
    name.to_ascii_lowercase().contains("password")
}

/// Masks the values of secret options in a raw query string.
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _))
                if is_secret_option(
                    &decode(key, Plus::Space).unwrap_or_else(|| key.to_string()),
                ) =>
            {
                format!("{key}={REDACTED}")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A best-effort redaction of text that may not parse, for error messages.
///
/// It masks more than the parser would rather than less: from the first `:`
/// after `://` to the last `@` anywhere after it; when there is no `@`, a
/// non-numeric "port" (which may be a password whose host was forgotten, as
/// in `postgresql://user:secret`); and the values of `password` options.
pub(crate) fn redact_raw(raw: &str) -> String {
    let start = raw.find("://").map_or(0, |i| i + 3);
    let rest = &raw[start..];
    let masked = match rest.find(':') {
        Some(colon) => match rest.rfind('@').filter(|&at| at > colon) {
            Some(at) => format!("{}{REDACTED}{}", &rest[..=colon], &rest[at..]),
            None => {
                let end = rest[colon + 1..]
                    .find(['/', '?'])
                    .map_or(rest.len(), |i| colon + 1 + i);
                let port = &rest[colon + 1..end];
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    rest.to_string()
                } else {
                    format!("{}{REDACTED}{}", &rest[..=colon], &rest[end..])
                }
            }
        },
        None => rest.to_string(),
    };
    let masked = match masked.split_once('?') {
        Some((head, query)) => format!("{head}?{}", redact_query(query)),
        None => masked,
    };
    format!("{}{masked}", &raw[..start])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> DatabaseUrl {
        match DatabaseUrl::parse(s) {
            Ok(url) => url,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn parse_err(s: &str) -> UrlError {
        match DatabaseUrl::parse(s) {
            Ok(url) => panic!("{s} parsed: {url:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn dialect_kind_display_and_from_str() {
        assert_eq!(DialectKind::Sqlite.to_string(), "sqlite");
        assert_eq!(DialectKind::Postgres.to_string(), "postgresql");
        assert_eq!(DialectKind::Mysql.to_string(), "mysql");
        for (name, kind) in [
            ("sqlite", DialectKind::Sqlite),
            ("SQLite", DialectKind::Sqlite),
            ("postgresql", DialectKind::Postgres),
            ("Postgres", DialectKind::Postgres),
            ("mysql", DialectKind::Mysql),
            ("MariaDB", DialectKind::Mysql),
        ] {
            assert_eq!(name.parse::<DialectKind>(), Ok(kind), "{name}");
        }
        for kind in DialectKind::ALL {
            assert_eq!(kind.to_string().parse::<DialectKind>(), Ok(kind));
        }
        let err = "oracle".parse::<DialectKind>().unwrap_err().to_string();
        assert!(err.contains("`oracle`"), "{err}");
        assert!(
            err.contains("sqlite") && err.contains("postgresql") && err.contains("mysql"),
            "{err}"
        );
    }

    #[test]
    fn sqlite_relative() {
        let url = parse("sqlite:///relative/path.db");
        assert_eq!(url.dialect(), DialectKind::Sqlite);
        assert_eq!(
            url.sqlite_target(),
            Some(&SqliteTarget::File(PathBuf::from("relative/path.db")))
        );
        assert_eq!(url.database(), Some("relative/path.db"));
        assert_eq!(url.host(), None);
        assert_eq!(url.to_string(), "sqlite:///relative/path.db");
    }

    #[test]
    fn sqlite_absolute() {
        let url = parse("sqlite:////absolute/path.db");
        assert_eq!(
            url.sqlite_target(),
            Some(&SqliteTarget::File(PathBuf::from("/absolute/path.db")))
        );
        assert_eq!(url.to_string(), "sqlite:////absolute/path.db");
    }

    #[test]
    fn sqlite_memory_forms() {
        for s in ["sqlite://", "sqlite:///:memory:", "sqlite:///", "SQLite://"] {
            assert_eq!(parse(s).sqlite_target(), Some(&SqliteTarget::Memory), "{s}");
        }
    }

    #[test]
    fn sqlite_with_driver_and_options() {
        let url = parse("sqlite+pysqlite:///app.db?timeout=30");
        assert_eq!(
            url.sqlite_target(),
            Some(&SqliteTarget::File(PathBuf::from("app.db")))
        );
        assert_eq!(url.option("timeout"), Some("30"));
    }

    #[test]
    fn sqlite_with_host_is_malformed() {
        let err = parse_err("sqlite://host/app.db");
        assert!(matches!(err, UrlError::Malformed { .. }), "{err:?}");
        assert!(
            err.to_string().contains("sqlite:///relative/path.db"),
            "{err}"
        );
    }

    #[test]
    fn resolve_relative_sqlite() {
        let mut url = parse("sqlite:///data/app.db?mode=ro");
        url.resolve_relative(Path::new("/srv/project"));
        assert_eq!(
            url.sqlite_target(),
            Some(&SqliteTarget::File(PathBuf::from(
                "/srv/project/data/app.db"
            )))
        );
        assert_eq!(
            url.to_string(),
            "sqlite:////srv/project/data/app.db?mode=ro"
        );

        let mut dotted = parse("sqlite:///./app.db");
        dotted.resolve_relative(Path::new("/srv"));
        assert_eq!(
            dotted.sqlite_target(),
            Some(&SqliteTarget::File(PathBuf::from("/srv/app.db")))
        );
    }

    #[test]
    fn resolve_relative_is_a_no_op_otherwise() {
        for s in ["sqlite:////abs/app.db", "sqlite://", "postgresql://h/db"] {
            let mut url = parse(s);
            let before = url.clone();
            url.resolve_relative(Path::new("/elsewhere"));
            assert_eq!(url, before, "{s}");
        }
    }

    #[test]
    fn postgres_with_driver() {
        let url = parse("postgresql+psycopg2://app:secret@db.example.com:5432/bank");
        assert_eq!(url.dialect(), DialectKind::Postgres);
        assert_eq!(url.username(), Some("app"));
        assert_eq!(url.password(), Some("secret"));
        assert_eq!(url.host(), Some("db.example.com"));
        assert_eq!(url.port(), Some(5432));
        assert_eq!(url.database(), Some("bank"));
        assert_eq!(url.sqlite_target(), None);
        assert_eq!(
            url.to_string(),
            "postgresql+psycopg2://app:***@db.example.com:5432/bank"
        );
    }

    #[test]
    fn postgres_short_scheme_without_port() {
        let url = parse("postgres://app@localhost/bank");
        assert_eq!(url.dialect(), DialectKind::Postgres);
        assert_eq!(url.username(), Some("app"));
        assert_eq!(url.password(), None);
        assert_eq!(url.port(), None, "default ports are left to the driver");
        assert_eq!(url.to_string(), "postgres://app@localhost/bank");
    }

    #[test]
    fn postgres_minimal() {
        let url = parse("postgresql://");
        assert_eq!(url.host(), None);
        assert_eq!(url.database(), None);
        let url = parse("postgresql:///bank");
        assert_eq!(url.host(), None);
        assert_eq!(url.database(), Some("bank"));
    }

    #[test]
    fn mysql_with_driver() {
        let url = parse("mysql+pymysql://root:pw@127.0.0.1:3306/shop?charset=utf8mb4");
        assert_eq!(url.dialect(), DialectKind::Mysql);
        assert_eq!(url.host(), Some("127.0.0.1"));
        assert_eq!(url.port(), Some(3306));
        assert_eq!(url.database(), Some("shop"));
        assert_eq!(url.option("charset"), Some("utf8mb4"));
        assert_eq!(
            url.to_string(),
            "mysql+pymysql://root:***@127.0.0.1:3306/shop?charset=utf8mb4"
        );
    }

    #[test]
    fn mariadb_with_driver() {
        let url = parse("mariadb+mariadbconnector://u:p@maria/app");
        assert_eq!(url.dialect(), DialectKind::Mysql);
        assert_eq!(url.host(), Some("maria"));
        assert_eq!(
            url.to_string(),
            "mariadb+mariadbconnector://u:***@maria/app"
        );
        assert_eq!(parse("mysql://u@h/d").dialect(), DialectKind::Mysql);
        assert_eq!(parse("mariadb://u@h/d").dialect(), DialectKind::Mysql);
    }

    #[test]
    fn ipv6_host() {
        let url = parse("postgresql://u:secret@[::1]:5433/db");
        assert_eq!(url.host(), Some("::1"));
        assert_eq!(url.port(), Some(5433));
        assert_eq!(url.to_string(), "postgresql://u:***@[::1]:5433/db");
        let url = parse("mysql://[fe80::1]/db");
        assert_eq!(url.host(), Some("fe80::1"));
        assert_eq!(url.port(), None);
    }

    #[test]
    fn percent_encoded_credentials() {
        let url = parse("postgresql://us%65r:p%40ss%3Aw%2Frd@h/db");
        assert_eq!(url.username(), Some("user"));
        assert_eq!(url.password(), Some("p@ss:w/rd"));
        assert_eq!(url.to_string(), "postgresql://us%65r:***@h/db");
        // `+` is literal outside the query string.
        assert_eq!(parse("postgresql://u:a+b@h/db").password(), Some("a+b"));
    }

    #[test]
    fn raw_special_characters_in_password() {
        // SQLAlchemy lets the password run to the `@`; so do we, and further.
        let url = parse("postgresql://u:p/a?s#s@host/db");
        assert_eq!(url.password(), Some("p/a?s#s"));
        assert_eq!(url.host(), Some("host"));
        assert_eq!(url.database(), Some("db"));
        let url = parse("postgresql://u:p@ss@host/db");
        assert_eq!(url.password(), Some("p@ss"));
        assert_eq!(url.host(), Some("host"));
        assert_eq!(url.to_string(), "postgresql://u:***@host/db");
        // An `@` in the query does not move the host.
        let url = parse("postgresql://u:pw@host/db?application_name=me@laptop");
        assert_eq!(url.password(), Some("pw"));
        assert_eq!(url.host(), Some("host"));
        assert_eq!(url.option("application_name"), Some("me@laptop"));
        let url = parse("postgresql://host/db?application_name=me@laptop");
        assert_eq!(url.username(), None);
        assert_eq!(url.host(), Some("host"));
    }

    #[test]
    fn options_are_ordered_and_decoded() {
        let url = parse("postgresql://h/db?b=2&a=x%20y&c=1+2&flag&b=3");
        assert_eq!(
            url.options(),
            &[
                ("b".to_string(), "2".to_string()),
                ("a".to_string(), "x y".to_string()),
                ("c".to_string(), "1 2".to_string()),
                ("flag".to_string(), String::new()),
                ("b".to_string(), "3".to_string()),
            ]
        );
        assert_eq!(url.option("b"), Some("2"));
        assert_eq!(url.option("missing"), None);
    }

    #[test]
    fn postgres_sslmode() {
        for mode in POSTGRES_SSL_MODES {
            let url = parse(&format!("postgresql://h/db?sslmode={mode}"));
            assert_eq!(url.option("sslmode"), Some(mode));
        }
        let err = parse_err("postgresql://u:secret@h/db?sslmode=sometimes");
        match &err {
            UrlError::InvalidOption {
                option,
                value,
                expected,
                ..
            } => {
                assert_eq!(option, "sslmode");
                assert_eq!(value, "sometimes");
                assert!(expected.contains("verify-full"), "{expected}");
            }
            other => panic!("{other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains("sslmode=sometimes") && text.contains("verify-ca"),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }

    #[test]
    fn mysql_ssl_mode() {
        for key in ["ssl_mode", "ssl-mode"] {
            for mode in [
                "DISABLED",
                "preferred",
                "Required",
                "VERIFY_CA",
                "verify_identity",
            ] {
                parse(&format!("mysql://h/db?{key}={mode}"));
            }
            let err = parse_err(&format!("mysql://h/db?{key}=ON")).to_string();
            assert!(
                err.contains(&format!("`{key}=ON`")) && err.contains("VERIFY_IDENTITY"),
                "{err}"
            );
        }
        // Another dialect's TLS option is not ours to judge.
        parse("mysql://h/db?sslmode=whatever");
        parse("sqlite:///a.db?sslmode=whatever");
    }

    #[test]
    fn unknown_dialect() {
        let err = parse_err("oracle://scott:tiger@db/orcl");
        match &err {
            UrlError::UnknownDialect { scheme, url } => {
                assert_eq!(scheme, "oracle");
                assert_eq!(url, "oracle://scott:***@db/orcl");
            }
            other => panic!("{other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains("postgresql") && text.contains("mariadb"),
            "{text}"
        );
        assert!(!text.contains("tiger"), "{text}");
    }

    #[test]
    fn empty() {
        assert_eq!(parse_err(""), UrlError::Empty);
        assert_eq!(parse_err("  \n"), UrlError::Empty);
    }

    #[test]
    fn malformed_urls_never_show_the_password() {
        for input in [
            "postgresql://u:secret@host:notaport/db",
            "postgresql://u:secret@host:99999/db",
            "postgresql://u:sec%zzret@host/db",
            "postgresql://u:secret%@host/db",
            "postgresql://u:secret@[::1/db",
            "postgresql://u:secret@[::1]x/db",
            "postgresql://u:secret",
            "postgresql://u:secret/db",
            "postgresql:/u:secret@host/db",
            "u:secret@host/db",
            "post gres://u:secret@host/db",
            "sqlite://u:secret@host/app.db",
            "oracle+cx://u:secret@host/db",
            "mysql://u:secret@host/db?ssl_mode=bogus",
            "postgresql://u:p@secret@host:x/db",
            "postgresql://host/db?password=secret&sslmode=nope",
        ] {
            let err = parse_err(input);
            let text = err.to_string();
            assert!(!text.contains("secret"), "{input}: {text}");
            assert!(!format!("{err:?}").contains("secret"), "{input}: {err:?}");
        }
    }

    #[test]
    fn malformed_reasons() {
        let port = parse_err("postgresql://u:secret@host:notaport/db").to_string();
        assert!(
            port.contains("port") && port.contains("postgresql://u:***@host:notaport/db"),
            "{port}"
        );
        let escape = parse_err("postgresql://u:sec%zzret@host/db").to_string();
        assert!(escape.contains("percent-escape"), "{escape}");
        let shape = parse_err("postgresql:/u:secret@host/db").to_string();
        assert!(shape.contains("dialect[+driver]://"), "{shape}");
    }

    #[test]
    fn display_and_debug_hide_the_password() {
        let url = parse("postgresql://app:secret@db:5432/bank?password=secret2&sslmode=require");
        assert_eq!(
            url.to_string(),
            "postgresql://app:***@db:5432/bank?password=***&sslmode=require"
        );
        assert_eq!(url.redacted(), url.to_string());
        let debug = format!("{url:?} {url:#?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("bank") && debug.contains("***"), "{debug}");
        // The password is still there for the driver.
        assert_eq!(url.password(), Some("secret"));
        assert_eq!(url.option("password"), Some("secret2"));
    }

    #[test]
    fn display_keeps_the_scheme_as_written() {
        assert_eq!(
            parse("PostgreSQL+asyncpg://h/db").to_string(),
            "PostgreSQL+asyncpg://h/db"
        );
    }

    #[test]
    fn surrounding_white_space_is_ignored() {
        assert_eq!(
            parse("  postgresql://h/db\n").to_string(),
            "postgresql://h/db"
        );
    }

    #[test]
    fn redact_raw_cases() {
        assert_eq!(
            redact_raw("postgresql://u:pw@h/db"),
            "postgresql://u:***@h/db"
        );
        assert_eq!(
            redact_raw("postgresql://h:5432/db"),
            "postgresql://h:5432/db"
        );
        assert_eq!(redact_raw("postgresql://h:abc/db"), "postgresql://h:***/db");
        assert_eq!(redact_raw("postgresql://u@h/db"), "postgresql://u@h/db");
        assert_eq!(
            redact_raw("x://h/db?Password=p&a=b"),
            "x://h/db?Password=***&a=b"
        );
    }
}
