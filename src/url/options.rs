//! The query options of a database URL: which ones retort honours, and the
//! fail-closed rule for TLS.
//!
//! Options are read once, when the URL is parsed, into [`ConnectOptions`];
//! the connecting code only applies them. Three kinds of name:
//!
//! - **honoured**: the TLS options of the URL's dialect (libpq's `sslmode`,
//!   `sslrootcert`, `sslcert`, `sslkey`; MySQL's `ssl_mode`, `ssl_ca`,
//!   `ssl_cert`, `ssl_key`, also spelt with `-`) and the options common in
//!   SQLAlchemy URLs (`connect_timeout`; PostgreSQL `application_name` and
//!   `options=-c name=value`; MySQL `charset`);
//! - **TLS-looking** (the name holds `ssl` or `tls`) but not honoured: an
//!   error, because dropping it could mean a plaintext connection the user
//!   did not ask for;
//! - anything else: kept in [`ConnectOptions::unknown`] for a warning.
//!
//! A CA file implies verification: libpq verifies against `sslrootcert`
//! even under `sslmode=require` ("for backwards compatibility … the same as
//! verify-ca", <https://www.postgresql.org/docs/current/libpq-ssl.html>), and
//! `sslrootcert=system` forces `verify-full`
//! (<https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-SSLROOTCERT>).
//! retort applies the same rule to both servers and to the weaker modes too.
//!
//! Which names each database honours is the dialect's data
//! ([`Dialect::url_options`](crate::dialect::Dialect::url_options)); this
//! module holds the rules.

use std::time::Duration;

pub use crate::dialect::TlsMode;
use crate::dialect::{DialectKind, UrlOption as Known, UrlOptions, dialect};

/// The connect timeout when the URL gives none: libpq and the MySQL client
/// would wait for ever on a server that accepts and never answers.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The TLS settings of a URL, after the "a CA file implies verification"
/// rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// `None` leaves the driver's default (prefer).
    pub mode: Option<TlsMode>,
    /// The CA file; `None` with `verify-*` uses the built-in roots.
    pub root_cert: Option<String>,
    /// The client certificate file.
    pub client_cert: Option<String>,
    /// The client key file.
    pub client_key: Option<String>,
}

/// What the URL's options ask of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// TLS.
    pub tls: Tls,
    /// How long one connection attempt may take; `None` for no limit
    /// (`connect_timeout=0`, as in libpq).
    pub connect_timeout: Option<Duration>,
    /// PostgreSQL `application_name`; retort's own name when not given.
    pub application_name: Option<String>,
    /// PostgreSQL run-time settings from `options=-c name=value …`.
    pub settings: Vec<(String, String)>,
    /// MySQL `charset`, for `SET NAMES`.
    pub charset: Option<String>,
    /// Names of options retort does not know (to warn about), in order,
    /// each once.
    pub unknown: Vec<String>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            tls: Tls::default(),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            application_name: None,
            settings: Vec::new(),
            charset: None,
            unknown: Vec::new(),
        }
    }
}

/// Why an option was refused; the caller adds the redacted URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OptionError {
    /// The option's name as written.
    pub option: String,
    /// What is wrong, and what is accepted.
    pub message: String,
}

/// The options honoured on `dialect`, as written in URLs, with what they set.
fn known(dialect: DialectKind) -> &'static [(&'static str, Known)] {
    options_of(dialect).known
}

fn options_of(kind: DialectKind) -> &'static UrlOptions {
    dialect(kind).url_options()
}

/// The TLS options accepted on `dialect`, for error messages.
fn tls_names(dialect: DialectKind) -> String {
    let names: Vec<&str> = known(dialect)
        .iter()
        .filter(|(_, k)| k.is_tls())
        .map(|(name, _)| *name)
        .collect();
    if names.is_empty() {
        format!("none: {dialect} has no TLS")
    } else {
        names.join(", ")
    }
}

/// True for a name that looks like it is about TLS.
fn looks_like_tls(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("ssl") || name.contains("tls")
}

/// Reads the options of a URL of `dialect`. The URL's parser has made sure
/// that no option lies in the span hidden as a possible password, so names
/// can be quoted in messages.
pub(crate) fn read(
    dialect: DialectKind,
    options: &[(String, String)],
) -> Result<ConnectOptions, OptionError> {
    let mut out = ConnectOptions::default();
    let mut seen: Vec<Known> = Vec::new();
    let mut mode_text = None;
    for (name, value) in options {
        let fail = |message: String| OptionError {
            option: name.clone(),
            message,
        };
        let Some(&(_, kind)) = known(dialect).iter().find(|(n, _)| n == name) else {
            if looks_like_tls(name) {
                return Err(fail(format!(
                    "retort does not honour this TLS option on {dialect}, and will not \
                     connect without it; accepted: {}",
                    tls_names(dialect)
                )));
            }
            if !out.unknown.contains(name) {
                out.unknown.push(name.clone());
            }
            continue;
        };
        if seen.contains(&kind) {
            return Err(fail(
                "is given twice (or under two spellings); keep one".to_owned(),
            ));
        }
        seen.push(kind);
        match kind {
            Known::Mode => {
                out.tls.mode = Some(mode(dialect, value).map_err(fail)?);
                mode_text = Some(format!("{name}={value}"));
            }
            Known::RootCert => out.tls.root_cert = Some(path(value).map_err(fail)?),
            Known::ClientCert => out.tls.client_cert = Some(path(value).map_err(fail)?),
            Known::ClientKey => out.tls.client_key = Some(path(value).map_err(fail)?),
            Known::ConnectTimeout => {
                let seconds: u64 = value
                    .parse()
                    .ok()
                    .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        fail(format!(
                            "`{value}` is not a whole number of seconds (0 waits for ever)"
                        ))
                    })?;
                out.connect_timeout = (seconds > 0).then(|| Duration::from_secs(seconds));
            }
            Known::ApplicationName => out.application_name = Some(value.clone()),
            Known::Options => out.settings = settings(value).map_err(fail)?,
            Known::Charset => {
                // sqlx writes it into `SET NAMES <charset>` unquoted.
                if value.is_empty()
                    || !value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(fail(format!(
                        "`{value}` is not a character set name (letters, digits, `_`), \
                         e.g. utf8mb4"
                    )));
                }
                out.charset = Some(value.clone());
            }
        }
    }
    imply_verification(dialect, &mut out.tls, mode_text.as_deref())?;
    Ok(out)
}

/// A CA file implies verification; `sslrootcert=system` implies
/// `verify-full` and allows nothing weaker (libpq 16's rule).
fn imply_verification(
    dialect: DialectKind,
    tls: &mut Tls,
    mode_text: Option<&str>,
) -> Result<(), OptionError> {
    let Some(root) = &tls.root_cert else {
        return Ok(());
    };
    let given = options_of(dialect);
    let root_name = given.root_cert_option;
    let contradiction = |wanted: &str| OptionError {
        option: root_name.to_owned(),
        message: format!(
            "a CA certificate asks for a verified connection, but `{}` says otherwise; \
             drop one of them or ask for {wanted}",
            mode_text.unwrap_or_default()
        ),
    };
    if let Some((system, full)) = given.system_roots
        && root == system
    {
        // libpq loads the system's roots; sqlx's built-in roots stand in.
        tls.root_cert = None;
        return match tls.mode {
            None | Some(TlsMode::VerifyFull) => {
                tls.mode = Some(TlsMode::VerifyFull);
                Ok(())
            }
            Some(_) => Err(contradiction(full)),
        };
    }
    match tls.mode {
        Some(TlsMode::Disable) => Err(contradiction(given.verifying_modes)),
        None | Some(TlsMode::Allow | TlsMode::Prefer | TlsMode::Require) => {
            tls.mode = Some(TlsMode::VerifyCa);
            Ok(())
        }
        Some(TlsMode::VerifyCa | TlsMode::VerifyFull) => Ok(()),
    }
}

fn mode(dialect: DialectKind, value: &str) -> Result<TlsMode, String> {
    let given = options_of(dialect);
    let modes = given.tls_modes;
    // libpq's values are lower case; MySQL's client takes any case.
    let found = modes.iter().find(|(name, _)| {
        if given.tls_modes_exact {
            *name == value
        } else {
            name.eq_ignore_ascii_case(value)
        }
    });
    match found {
        Some((_, mode)) => Ok(*mode),
        None => Err(format!(
            "`{value}` is not a TLS mode; expected one of {}",
            modes.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn path(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        Err("needs a file path".to_owned())
    } else {
        Ok(value.to_owned())
    }
}

/// libpq's `options`: command-line switches `-c name=value` (or
/// `-cname=value`, `--name=value`), separated by spaces; a backslash
/// escapes the next character.
/// <https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-OPTIONS>
fn settings(value: &str) -> Result<Vec<(String, String)>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = value.chars();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                word.extend(chars.next());
                in_word = true;
            }
            c if c.is_ascii_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    let mut out = Vec::new();
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        let assignment = if word == "-c" {
            words
                .next()
                .ok_or_else(|| "`-c` needs `name=value` after it".to_owned())?
        } else if let Some(rest) = word.strip_prefix("--").or_else(|| word.strip_prefix("-c")) {
            rest.to_owned()
        } else {
            return Err(format!(
                "`{word}` is not understood: write `-c name=value` (e.g. -csearch_path=app)"
            ));
        };
        match assignment.split_once('=') {
            Some((name, setting)) if !name.is_empty() => {
                out.push((name.replace('-', "_"), setting.to_owned()));
            }
            _ => {
                return Err(format!(
                    "`{assignment}` is not `name=value` (e.g. -csearch_path=app)"
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn ok(dialect: DialectKind, pairs: &[(&str, &str)]) -> ConnectOptions {
        read(dialect, &opts(pairs)).unwrap_or_else(|e| panic!("{pairs:?}: {e:?}"))
    }

    fn err(dialect: DialectKind, pairs: &[(&str, &str)]) -> OptionError {
        match read(dialect, &opts(pairs)) {
            Ok(o) => panic!("{pairs:?} accepted: {o:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn tls_looking_options_that_are_not_honoured_fail() {
        use DialectKind::*;
        for (dialect, name) in [
            (Postgres, "ssl"),
            (Postgres, "ssl_mode"),
            (Postgres, "ssl_ca"),
            (Postgres, "sslcrl"),
            (Postgres, "SSLMODE"),
            (Mysql, "ssl"),
            (Mysql, "sslmode"),
            (Mysql, "ssl_verify_cert"),
            (Mysql, "tls"),
            (Sqlite, "sslmode"),
        ] {
            let e = err(dialect, &[(name, "true")]);
            assert_eq!(e.option, name);
            assert!(e.message.contains("accepted:"), "{e:?}");
        }
        let e = err(Postgres, &[("ssl", "true")]);
        assert!(e.message.contains("sslmode, sslrootcert"), "{e:?}");
        let e = err(Mysql, &[("sslmode", "require")]);
        assert!(e.message.contains("ssl_mode"), "{e:?}");
    }

    #[test]
    fn a_ca_file_implies_verification() {
        use DialectKind::*;
        let o = ok(Mysql, &[("ssl_ca", "/ca.pem")]);
        assert_eq!(o.tls.mode, Some(TlsMode::VerifyCa));
        assert_eq!(o.tls.root_cert.as_deref(), Some("/ca.pem"));
        for mode in ["PREFERRED", "required"] {
            let o = ok(Mysql, &[("ssl-mode", mode), ("ssl-ca", "/ca.pem")]);
            assert_eq!(o.tls.mode, Some(TlsMode::VerifyCa), "{mode}");
        }
        let o = ok(
            Mysql,
            &[("ssl_ca", "/ca.pem"), ("ssl_mode", "VERIFY_IDENTITY")],
        );
        assert_eq!(o.tls.mode, Some(TlsMode::VerifyFull));
        err(Mysql, &[("ssl_ca", "/ca.pem"), ("ssl_mode", "DISABLED")]);

        for mode in [None, Some("allow"), Some("prefer"), Some("require")] {
            let mut pairs = vec![("sslrootcert", "/ca.pem")];
            pairs.extend(mode.map(|m| ("sslmode", m)));
            assert_eq!(
                ok(Postgres, &pairs).tls.mode,
                Some(TlsMode::VerifyCa),
                "{mode:?}"
            );
        }
        let o = ok(
            Postgres,
            &[("sslrootcert", "/ca.pem"), ("sslmode", "verify-full")],
        );
        assert_eq!(o.tls.mode, Some(TlsMode::VerifyFull));
        err(
            Postgres,
            &[("sslrootcert", "/ca.pem"), ("sslmode", "disable")],
        );

        let o = ok(Postgres, &[("sslrootcert", "system")]);
        assert_eq!(o.tls.mode, Some(TlsMode::VerifyFull));
        assert_eq!(o.tls.root_cert, None);
        err(
            Postgres,
            &[("sslrootcert", "system"), ("sslmode", "verify-ca")],
        );
    }

    #[test]
    fn modes_and_their_spellings() {
        assert_eq!(
            ok(DialectKind::Postgres, &[("sslmode", "verify-full")])
                .tls
                .mode,
            Some(TlsMode::VerifyFull)
        );
        err(DialectKind::Postgres, &[("sslmode", "Require")]);
        assert_eq!(
            ok(DialectKind::Mysql, &[("ssl_mode", "verify_ca")])
                .tls
                .mode,
            Some(TlsMode::VerifyCa)
        );
        let e = err(DialectKind::Mysql, &[("ssl_mode", "ON")]);
        assert!(e.message.contains("VERIFY_IDENTITY"), "{e:?}");
        let e = err(
            DialectKind::Mysql,
            &[("ssl_mode", "REQUIRED"), ("ssl-mode", "DISABLED")],
        );
        assert!(e.message.contains("twice"), "{e:?}");
    }

    #[test]
    fn common_sqlalchemy_options() {
        let o = ok(
            DialectKind::Postgres,
            &[
                ("application_name", "deploy"),
                ("connect_timeout", "7"),
                (
                    "options",
                    r"-csearch_path=app -c statement_timeout=5s --lock-timeout=1s -c x=a\ b",
                ),
            ],
        );
        assert_eq!(o.application_name.as_deref(), Some("deploy"));
        assert_eq!(o.connect_timeout, Some(Duration::from_secs(7)));
        assert_eq!(
            o.settings,
            opts(&[
                ("search_path", "app"),
                ("statement_timeout", "5s"),
                ("lock_timeout", "1s"),
                ("x", "a b")
            ])
        );
        assert_eq!(
            ok(DialectKind::Mysql, &[("connect_timeout", "0")]).connect_timeout,
            None
        );
        assert_eq!(
            ok(DialectKind::Mysql, &[]).connect_timeout,
            Some(DEFAULT_CONNECT_TIMEOUT)
        );
        assert_eq!(
            ok(DialectKind::Mysql, &[("charset", "utf8mb4")])
                .charset
                .as_deref(),
            Some("utf8mb4")
        );
        err(DialectKind::Mysql, &[("charset", "utf8; DROP TABLE x")]);
        err(DialectKind::Mysql, &[("connect_timeout", "-1")]);
        err(DialectKind::Postgres, &[("connect_timeout", "soon")]);
        err(DialectKind::Postgres, &[("options", "-x")]);
        err(DialectKind::Postgres, &[("options", "-c")]);
        err(DialectKind::Postgres, &[("options", "-c search_path")]);
    }

    #[test]
    fn unknown_options_are_listed_once() {
        let o = ok(
            DialectKind::Postgres,
            &[
                ("target_session_attrs", "any"),
                ("x", "1"),
                ("x", "2"),
                ("charset", "utf8"),
            ],
        );
        assert_eq!(o.unknown, vec!["target_session_attrs", "x", "charset"]);
        let o = ok(DialectKind::Mysql, &[("application_name", "a")]);
        assert_eq!(o.unknown, vec!["application_name"]);
    }
}
