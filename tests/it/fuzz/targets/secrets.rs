//! Database URLs and `retort.toml`, and the property that no output
//! shows the password.

use std::path::{Path, PathBuf};

use retort::DatabaseUrl;
use retort::config::{self, Config};

use super::{Outcome, kind};

/// Passwords put where an input says `{PW}`: letters unlikely elsewhere,
/// and the characters that confuse URL parsers (`@`, `/`, `:`, `?`, `#`,
/// `%`), raw and percent-encoded.
const PASSWORDS: &[&str] = &[
    "QzJkXqWv",
    "Qz@Jk/Xq",
    "Qz:Jk@Xq",
    "Qz%40Jk%2FXq",
    "Qz?Jk#Xq",
    "Qz/Jk:Xq@",
    "Qz Jk+Xq",
    "QzJ%kXq",
    "Qzüñ€Xq",
    "Qz'Jk\"Xq",
];

/// The input with `{PW}` replaced, and the password when the input holds
/// one where a password stands: once, after a `:` that follows `://` and
/// before an `@`, or as a `password=` option.
pub fn with_password(input: &str) -> (String, Option<&'static str>) {
    let password = PASSWORDS[input.len() % PASSWORDS.len()];
    let text = input.replace("{PW}", password);
    let secret = match (input.find("{PW}"), input.matches("{PW}").count()) {
        (Some(at), 1) => {
            let after_scheme = input.find("://").filter(|&s| s + 3 <= at);
            // SQLite URLs hold a path, no user: a `:` and `@` there are
            // part of a file name.
            let sqlite_path = after_scheme.is_some_and(|s| {
                input[..s].to_ascii_lowercase().ends_with("sqlite")
                    && input[s + 3..at].contains('/')
            });
            let user_part = after_scheme.is_some_and(|s| input[s + 3..at].contains(':'))
                && input[at + 4..].contains('@')
                && !sqlite_path;
            let option = input[..at].to_ascii_lowercase().ends_with("password=");
            (user_part || option).then_some(password)
        }
        _ => None,
    };
    (text, secret)
}

/// The pieces of a password that must never be shown: each run of four
/// characters, as written and percent-decoded.
fn secret_pieces(password: &str) -> Vec<String> {
    let decoded = decode_percent(password);
    let mut pieces = Vec::new();
    for form in [password, decoded.as_str()] {
        let chars: Vec<char> = form.chars().collect();
        for window in chars.windows(4.min(chars.len())) {
            pieces.push(window.iter().collect());
        }
    }
    pieces
}

fn decode_percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Panics when any of `shown` holds a piece of `password`. A piece that the
/// input also holds outside the password (a mutation may copy `%40` into a
/// host name) may be shown: it is that other part being echoed.
pub fn assert_no_leak(input: &str, password: Option<&str>, shown: &[String]) {
    let Some(password) = password else { return };
    let rest = input.replace(password, "\u{0}");
    let rest_decoded = decode_percent(&rest);
    for piece in secret_pieces(password) {
        if rest.contains(&piece) || rest_decoded.contains(&piece) {
            continue;
        }
        for text in shown {
            assert!(
                !text.contains(&piece),
                "password {password:?} leaks ({piece:?}) from URL {input:?} in {text:?}"
            );
        }
    }
}

/// Whether a target checks that no output shows the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redaction {
    Checked,
    Unchecked,
}

/// Parses a database URL (with `{PW}` standing for a password) and resolves
/// it as `--url`, without a panic.
pub fn url(input: &str) -> Outcome {
    url_with(input, Redaction::Unchecked)
}

/// [`url`], and every form shown — `Display`, `Debug`, `redacted`, the
/// errors — is free of the password.
pub fn url_redaction(input: &str) -> Outcome {
    url_with(input, Redaction::Checked)
}

fn url_with(input: &str, redaction: Redaction) -> Outcome {
    let (text, password) = with_password(input);
    let (outcome, shown) = url_outputs(&text);
    if redaction == Redaction::Checked {
        assert_no_leak(&text, password, &shown);
    }
    outcome
}

/// What retort shows of a URL: parsed, its `Display`, `Debug` and
/// `redacted()` (also with a relative SQLite path resolved); refused, the
/// error; and the same through `--url` resolution.
pub fn url_outputs(text: &str) -> (Outcome, Vec<String>) {
    let mut shown = Vec::new();
    let outcome = match DatabaseUrl::parse(text) {
        Ok(url) => {
            shown.push(url.redacted());
            shown.push(url.to_string());
            shown.push(format!("{url:?}"));
            let _ = (url.host(), url.port(), url.username(), url.database());
            let _ = (url.options(), url.option("sslmode"), url.sqlite_target());
            let mut relative = url.clone();
            relative.resolve_relative(Path::new("/project"));
            shown.push(relative.to_string());
            format!("ok {} {}", url.dialect(), url.options().len().min(2))
        }
        Err(e) => {
            shown.push(e.to_string());
            url_error_kind(&e)
        }
    };
    match config::resolve_url_without_config(Some(text), |_| None) {
        Ok(resolved) => shown.push(resolved.url.to_string()),
        Err(e) => shown.push(e.to_string()),
    }
    (outcome, shown)
}

// ---------------------------------------------------------------------------
// retort.toml.

/// A directory removed when its thread ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The directory the config target writes its file into: one per thread,
/// so parallel tests do not share it.
fn config_dir() -> PathBuf {
    thread_local! {
        static DIR: TempDir = {
            let name: String = format!(
                "retort-fuzz-config-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            )
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
            .collect();
            // A file per input: memory-backed where there is such a
            // directory, or the writes cost more than the parsing.
            let shm = Path::new("/dev/shm");
            let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
            let dir = base.join(name);
            std::fs::create_dir_all(&dir).expect("a temp dir");
            TempDir(dir)
        };
    }
    DIR.with(|dir| dir.0.clone())
}

/// Loads the input as `retort.toml` (with `{PW}` in it standing for a
/// password) and resolves its URL, without a panic.
pub fn config_file(input: &str) -> Outcome {
    config_with(input, Redaction::Unchecked)
}

/// [`config_file`], and no message shows the password.
pub fn config_redaction(input: &str) -> Outcome {
    config_with(input, Redaction::Checked)
}

fn config_with(input: &str, redaction: Redaction) -> Outcome {
    let (text, password) = with_password(input);
    let path = config_dir().join(config::CONFIG_FILE);
    std::fs::write(&path, &text).expect("writing the temp retort.toml");
    let mut shown = Vec::new();
    let outcome = match Config::load(&path) {
        Ok(config) => {
            let _ = (config.versions_dir(), config.dotenv_path());
            match config.resolve_url(None, |_| None) {
                Ok(resolved) => {
                    shown.push(resolved.url.to_string());
                    format!("ok {}", resolved.url.dialect())
                }
                Err(e) => {
                    shown.push(e.to_string());
                    format!("ok, url: {}", kind(&e.to_string()))
                }
            }
        }
        Err(e) => {
            shown.push(e.to_string());
            kind(&e.to_string().replace(&path.display().to_string(), ""))
        }
    };
    if redaction == Redaction::Checked {
        assert_no_leak(&text, password, &shown);
    }
    outcome
}

/// A URL error's kind: its variant, and for a malformed URL the reason
/// (the message itself holds the URL).
fn url_error_kind(error: &retort::url::UrlError) -> String {
    use retort::url::UrlError;
    match error {
        UrlError::Malformed { reason, .. } => format!("malformed {}", kind(reason)),
        UrlError::InvalidOption { option, .. } => format!("option {option}"),
        other => kind(&format!("{other:?}")),
    }
}
