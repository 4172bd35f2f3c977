//! The fuzz targets: one function per parser that reads user input. Each
//! takes any text, must not panic on it, checks the properties that are
//! cheap to state, and returns a coarse [`Outcome`] (which error, what
//! shape of result) that the driver uses as feedback.
//!
//! These files use only `retort`, `jiff` and `std`, so the cargo-fuzz
//! targets in `fuzz/` include them as they are (`#[path]`) and the stable
//! driver, `cargo test` and libFuzzer all check the same properties.

mod identifiers;
mod revisions;
mod secrets;
mod statements;

pub use identifiers::target;
pub use revisions::{FILE_SEPARATOR, revision_file, revision_graph};
pub use secrets::{assert_no_leak, config_file, config_redaction, url, url_outputs, url_redaction};
pub use statements::{portable_sql, sql_split};

/// What a target reports about one input, for the corpus feedback.
pub type Outcome = String;

/// A target: checks its properties on one input, panics when one fails.
pub type Harness = fn(&str) -> Outcome;

/// Every target, by the name the driver and `fuzz/README.md` use.
pub const ALL: &[(&str, Harness)] = &[
    ("revision_file", revision_file),
    ("revision_graph", revision_graph),
    ("sql_split", sql_split),
    ("portable_sql", portable_sql),
    ("url", url),
    ("url_redaction", url_redaction),
    ("config", config_file),
    ("config_redaction", config_redaction),
    ("target", target),
];

/// An error message reduced to its kind: letters and spaces outside quotes,
/// the first 40 of them, so "line 3" and "line 4", or two names, are one
/// outcome.
pub(crate) fn kind(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '`' | '"' | '\'' => quoted = !quoted,
            c if !quoted && (c.is_ascii_alphabetic() || c == ' ') => out.push(c),
            _ => {}
        }
        if out.len() == 40 {
            break;
        }
    }
    out
}

/// The first three words of [`kind`]: identifier errors list revision ids
/// unquoted.
pub(crate) fn short_kind(message: &str) -> String {
    kind(message)
        .split(' ')
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
