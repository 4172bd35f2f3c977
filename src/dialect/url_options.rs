//! Which query options a database URL may carry, as data each dialect
//! supplies ([`Dialect::url_options`](super::Dialect::url_options)); `url`
//! reads and checks them against it when the URL is parsed, and
//! `connection` applies them.
//!
//! Data here rather than driver plumbing in `connection`: the URL is parsed
//! (and a bad option refused) long before anything connects, by code that
//! lies below `connection`, and the option names are the databases' own
//! client conventions (libpq's, MySQL's), not sqlx's.

/// How much TLS a connection asks for, from none to a checked certificate
/// and host name. PostgreSQL's and MySQL's modes map onto it one to one,
/// except PostgreSQL's `allow`, which MySQL lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsMode {
    /// Plaintext (`disable`, `DISABLED`).
    Disable,
    /// Plaintext unless the server insists (`allow`, PostgreSQL only).
    Allow,
    /// TLS when the server offers it, else plaintext (`prefer`, `PREFERRED`).
    Prefer,
    /// TLS, certificate unchecked (`require`, `REQUIRED`).
    Require,
    /// TLS, certificate checked against the CA (`verify-ca`, `VERIFY_CA`).
    VerifyCa,
    /// TLS, certificate and host name checked (`verify-full`, `VERIFY_IDENTITY`).
    VerifyFull,
}

/// What one honoured URL option sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlOption {
    /// The TLS mode, one of [`UrlOptions::tls_modes`].
    Mode,
    /// The CA certificate file.
    RootCert,
    /// The client certificate file.
    ClientCert,
    /// The client key file.
    ClientKey,
    /// Seconds one connection attempt may take.
    ConnectTimeout,
    /// PostgreSQL `application_name`.
    ApplicationName,
    /// PostgreSQL run-time settings, libpq's `options=-c name=value`.
    Options,
    /// MySQL `charset`, for `SET NAMES`.
    Charset,
}

impl UrlOption {
    /// True for the options about TLS.
    pub fn is_tls(self) -> bool {
        matches!(
            self,
            UrlOption::Mode | UrlOption::RootCert | UrlOption::ClientCert | UrlOption::ClientKey
        )
    }
}

/// The URL options a dialect honours, and how its TLS options read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlOptions {
    /// The options honoured, as written in URLs, with what each sets.
    pub known: &'static [(&'static str, UrlOption)],
    /// The TLS modes, as written in URLs.
    pub tls_modes: &'static [(&'static str, TlsMode)],
    /// True when a mode must be written as listed (libpq's are lower case);
    /// false when any case is read (MySQL's client).
    pub tls_modes_exact: bool,
    /// The CA option's canonical name, for messages.
    pub root_cert_option: &'static str,
    /// The modes that verify the certificate, as an option written out,
    /// for messages: `sslmode=verify-ca or verify-full`.
    pub verifying_modes: &'static str,
    /// A CA value that stands for the system's roots and implies full
    /// verification, with that mode written out (libpq 16's
    /// `sslrootcert=system`, which allows nothing weaker).
    pub system_roots: Option<(&'static str, &'static str)>,
}

impl UrlOptions {
    /// A database with no options: no server, no TLS (SQLite).
    pub const NONE: UrlOptions = UrlOptions {
        known: &[],
        tls_modes: &[],
        tls_modes_exact: true,
        root_cert_option: "",
        verifying_modes: "",
        system_roots: None,
    };
}

#[cfg(test)]
mod tests {
    use super::super::{DialectKind, dialect};

    /// Every dialect's URL options in one snapshot per dialect.
    #[test]
    fn url_options_per_dialect() {
        for kind in DialectKind::ALL {
            let d = dialect(kind);
            let o = d.url_options();
            let mut text = format!("url_names_a_file: {}\n", d.url_names_a_file());
            for (name, option) in o.known {
                text += &format!("option {name}: {option:?}\n");
            }
            for (name, mode) in o.tls_modes {
                text += &format!("tls mode {name}: {mode:?}\n");
            }
            text += &format!(
                "tls_modes_exact: {}\nroot_cert_option: {}\nverifying_modes: {}\nsystem_roots: {:?}\n",
                o.tls_modes_exact, o.root_cert_option, o.verifying_modes, o.system_roots
            );
            insta::assert_snapshot!(format!("url_options_{kind}"), text);
        }
    }
}
