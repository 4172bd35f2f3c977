//! Hiding secrets in URL text, including text that does not parse.
//!
//! A password may hold raw `@`, `/`, `?`, `#` and `:`, and a URL copied from
//! another tool may be malformed in any way, so the part that "could be a
//! secret" is taken wide: from the first `:` after `://` to the last `@` of
//! the whole text. Whatever split the writer of the URL had in mind, their
//! password lies inside that span. [`super::DatabaseUrl::parse`] refuses a
//! URL whose parsed password is not exactly this span (see
//! [`super::DatabaseUrl`]), so the span and the parse never disagree on a
//! URL that is used.

use std::ops::Range;

use super::{Plus, decode};

/// What a secret is shown as.
pub(crate) const REDACTED: &str = "***";

/// Where the authority starts: after `scheme://` when the text has a
/// scheme-like prefix, else at 0 (so `://` inside a password is not taken
/// for the scheme's).
fn authority_start(raw: &str) -> usize {
    match raw.find("://") {
        Some(i)
            if raw[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '_' | '.')) =>
        {
            i + 3
        }
        _ => 0,
    }
}

/// The byte range that may hold a password: after the first `:` of the
/// authority, up to the last `@` of the text. `None` when there is no `@`
/// after such a `:`.
pub(crate) fn secret_span(raw: &str) -> Option<Range<usize>> {
    let start = authority_start(raw);
    let colon = start + raw[start..].find(':')?;
    let at = raw.rfind('@').filter(|&at| at > colon)?;
    Some(colon + 1..at)
}

/// Options that carry a secret; their values are masked like the password
/// (libpq and the MySQL drivers accept `password=` in the query string).
pub(crate) fn is_secret_option(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["password", "passwd", "pwd", "secret", "token"]
        .iter()
        .any(|word| name.contains(word))
}

/// `raw` with `span` (if any) replaced by `***`, and the values of secret
/// options in the visible rest masked.
fn mask(raw: &str, span: Option<Range<usize>>) -> String {
    match span {
        Some(span) => format!(
            "{}{REDACTED}{}",
            mask_secret_options(&raw[..span.start]),
            mask_secret_options(&raw[span.end..])
        ),
        None => mask_secret_options(raw),
    }
}

/// The redacted text of a URL that parsed: its password span masked, and
/// any `password=` option.
pub(crate) fn redact_parsed(raw: &str) -> String {
    mask(raw, secret_span(raw))
}

/// A redaction of text that may not parse, for error messages.
///
/// It masks more than the parser would rather than less: the span of
/// [`secret_span`]; when there is no `@`, everything after a `:` that is not
/// followed by a port number (a password whose host was forgotten, as in
/// `postgresql://user:secret`); and the values of secret options.
pub(crate) fn redact_raw(raw: &str) -> String {
    if let Some(span) = secret_span(raw) {
        return mask(raw, Some(span));
    }
    let start = authority_start(raw);
    if let Some(colon) = raw[start..].find(':').map(|i| start + i + 1) {
        let end = raw[colon..]
            .find(['/', '?'])
            .map_or(raw.len(), |i| colon + i);
        let port = &raw[colon..end];
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return format!("{}{REDACTED}", mask_secret_options(&raw[..colon]));
        }
    }
    mask_secret_options(raw)
}

/// Masks `key=value` pieces (between `?`/`&` and `&`) whose key names a
/// secret. Works on any fragment of a URL, so it can run on the text left
/// visible on either side of a masked span.
fn mask_secret_options(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let end = rest.find(['?', '&']).unwrap_or(rest.len());
        let piece = &rest[..end];
        match piece.split_once('=') {
            Some((key, _))
                if is_secret_option(
                    &decode(key, Plus::Space).unwrap_or_else(|| key.to_string()),
                ) =>
            {
                out.push_str(key);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(piece),
        }
        match rest[end..].chars().next() {
            Some(delimiter) => {
                out.push(delimiter);
                rest = &rest[end + 1..];
            }
            None => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_raw_cases() {
        for (raw, shown) in [
            ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
            ("postgresql://h:5432/db", "postgresql://h:5432/db"),
            ("postgresql://h:abc/db", "postgresql://h:***"),
            ("postgresql://u@h/db", "postgresql://u@h/db"),
            ("x://h/db?Password=p&a=b", "x://h/db?Password=***&a=b"),
            // Malformed user parts: the password is masked all the same.
            ("postgresql://u/x:QZJK@h/db", "postgresql://u/x:***@h/db"),
            ("postgresql://u?x:QZJK@h", "postgresql://u?x:***@h"),
            (
                "postgresql://u:p@ss/QZJK@host/db",
                "postgresql://u:***@host/db",
            ),
            ("postgresql://u:sec/QZJK", "postgresql://u:***"),
            ("u:QZ://JK@h/db", "u:***@h/db"),
            (
                "postgresql://u:pw@h/db?a=b@c&password=x",
                "postgresql://u:***@c&password=***",
            ),
        ] {
            assert_eq!(redact_raw(raw), shown, "{raw}");
        }
    }

    #[test]
    fn secret_span_is_colon_to_last_at() {
        assert_eq!(secret_span("postgresql://u:p@h/db"), Some(15..16));
        assert_eq!(secret_span("postgresql://h/db?e=a@b"), None);
        assert_eq!(secret_span("postgresql://u@h/db"), None);
    }
}
