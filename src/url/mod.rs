//! Database URLs in SQLAlchemy's form; `Display` never shows the password.
//!
//! A [`DatabaseUrl`] is the first thing a command builds after the
//! configuration: [`crate::config`] picks the URL text (flag, environment,
//! `.env`, `retort.toml`), this module parses it once, validates what can be
//! checked without a server (dialect, port, the query options in
//! [`ConnectOptions`]), and the connecting code reads the parts. The grammar
//! follows SQLAlchemy's `make_url` rather than WHATWG so that the URL a team
//! already gives SQLAlchemy works unchanged — including passwords that
//! contain a raw `/`, `?` or `#`. Every way of showing a URL (its `Display`,
//! its `Debug`, every error) masks the password ([`redact()`] says how; a URL
//! whose password cannot be told apart that way is refused rather than
//! guessed at).

use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use crate::dialect::DialectKind;

use percent_encoding::percent_decode_str;

mod options;
mod redact;

pub use options::{ConnectOptions, DEFAULT_CONNECT_TIMEOUT, Tls, TlsMode};
pub(crate) use redact::redact_raw;
use redact::{REDACTED, is_secret_option, redact_parsed, secret_span};
pub use redact::{redact, redact_words, secrets};

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
#[non_exhaustive]
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
    /// A query option is refused: a bad value, a TLS option retort does not
    /// honour (TLS fails closed), or a contradiction between options.
    #[error("option `{option}` in database URL {url}: {message}")]
    InvalidOption {
        /// The URL, password redacted.
        url: String,
        /// The option name as written, e.g. `sslmode`.
        option: String,
        /// What is wrong and what is accepted.
        message: String,
    },
}

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
    /// What the options ask of the connection.
    connect: ConnectOptions,
    /// The redacted text shown by `Display`, kept as written.
    shown: String,
    /// The query part as written (`?…` or empty), for rebuilding `shown`
    /// when a SQLite path is resolved.
    raw_query: String,
}

impl DatabaseUrl {
    /// Parses a URL in SQLAlchemy's form; leading and trailing white space is
    /// ignored. Default ports are not filled in.
    pub fn parse(input: &str) -> Result<DatabaseUrl, UrlError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(UrlError::Empty);
        }
        let redacted = redact_raw(raw);
        let malformed = |reason: &str| UrlError::Malformed {
            url: redacted.clone(),
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
        let Some(dialect) = DialectKind::from_name(dialect_name) else {
            return Err(UrlError::UnknownDialect {
                scheme: dialect_name.to_string(),
                url: redacted,
            });
        };

        let rest_start = scheme.len() + "://".len();
        let parts = split_rest(rest).map_err(malformed)?;
        // Whatever is shown hides `secret_span`; a URL where that span is not
        // exactly the parsed password (`u/x:pw@h`, `u:p@ss/w@h`, an `@` in an
        // option value after a `:`) could send part of a password on as a
        // host, a database name or an option, where it would be shown.
        let parsed_password = parts
            .password
            .as_ref()
            .map(|p| rest_start + p.start..rest_start + p.end);
        if secret_span(raw) != parsed_password {
            return Err(malformed(
                "cannot tell where the password ends: a `:` is followed by more than one `@`, \
                 or by an `@` outside `user:password@`. Percent-encode `@` as `%40` (and `/`, \
                 `?`, `#`, `:` as `%2F`, `%3F`, `%23`, `%3A`) in the user name, the password \
                 and option values",
            ));
        }

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

        let connect = options::read(dialect, &options).map_err(|e| UrlError::InvalidOption {
            url: redacted.clone(),
            option: redact::scrub(&e.option, raw),
            message: redact::secrets(raw)
                .into_iter()
                .fold(e.message, |message, secret| {
                    message.replace(secret, REDACTED)
                }),
        })?;
        let raw_query = raw[rest_start + parts.query_start..].to_string();
        let shown = redact_parsed(raw);

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
            connect,
            shown,
            raw_query,
        };

        if crate::dialect::dialect(dialect).url_names_a_file() {
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

        Ok(url)
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

    /// What the query options ask of the connection: TLS, timeouts, session
    /// settings, and the names of options retort does not know (to warn
    /// about).
    pub fn connect_options(&self) -> &ConnectOptions {
        &self.connect
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
        self.shown = redact_parsed(&format!(
            "{}:///{}{}",
            self.scheme,
            absolute.display(),
            self.raw_query
        ));
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
        let options: Vec<(&str, String)> = self
            .options
            .iter()
            .map(|(k, v)| {
                let v = if is_secret_option(k) {
                    REDACTED.to_owned()
                } else {
                    // A value may itself read as `…?password=…`.
                    if redact::secrets(v).is_empty() {
                        v.clone()
                    } else {
                        REDACTED.to_owned()
                    }
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
pub(crate) enum Plus {
    /// In the query string `+` means a space (form encoding, as `parse_qsl`).
    Space,
    /// Elsewhere `+` is itself.
    Literal,
}

/// Percent-decodes strictly: a `%` not followed by two hex digits, or bytes
/// that are not UTF-8, give `None` instead of being passed on as written.
pub(crate) fn decode(s: &str, plus: Plus) -> Option<String> {
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

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
