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
        // An empty scheme is no scheme: in `://pw@h` the `:` is the
        // password's.
        Some(i)
            if i > 0
                && raw[..i]
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

/// The byte ranges of `raw` to hide, in order: [`secret_span`]; failing
/// that, when `guess_port` is set, everything after a `:` not followed by a
/// port number (a password whose host was forgotten, as in
/// `postgresql://user:secret`); and the values of secret options in the
/// rest.
fn hidden_ranges(raw: &str, guess_port: bool) -> Vec<Range<usize>> {
    let mut ranges = candidate_ranges(raw, guess_port);
    // The password span can end inside a secret option's value (an `@` in
    // it), and a value can start inside the span: read the options over the
    // whole text too, and hide the union.
    secret_option_values(raw, 0, &mut ranges);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// [`hidden_ranges`] before the whole-text option pass, possibly
/// overlapping.
fn candidate_ranges(raw: &str, guess_port: bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if let Some(span) = secret_span(raw) {
        secret_option_values(&raw[..span.start], 0, &mut out);
        let end = span.end;
        out.push(span);
        secret_option_values(&raw[end..], end, &mut out);
        return out;
    }
    let start = authority_start(raw);
    if guess_port && let Some(colon) = raw[start..].find(':').map(|i| start + i + 1) {
        let end = raw[colon..]
            .find(['/', '?'])
            .map_or(raw.len(), |i| colon + i);
        let port = &raw[colon..end];
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            secret_option_values(&raw[..colon], 0, &mut out);
            out.push(colon..raw.len());
            return out;
        }
    }
    secret_option_values(raw, 0, &mut out);
    out
}

/// Pushes the ranges (shifted by `offset`) of the values of `key=value`
/// pieces (starting after a `?` or `&`, a value up to the next `&`) whose
/// key names a secret. Works on any
/// fragment of a URL, so it can run on the text on either side of a span.
fn secret_option_values(text: &str, offset: usize, out: &mut Vec<Range<usize>>) {
    let mut start = 0;
    loop {
        let end = text[start..]
            .find(['?', '&'])
            .map_or(text.len(), |i| start + i);
        let piece = &text[start..end];
        let mut end = end;
        // Any `key=` in the piece may start a secret, not only its first
        // (`a=b=password=…` is one option to a parser, but reads as a
        // password to a person).
        let mut key_start = 0;
        for (eq, _) in piece.match_indices('=') {
            let key = &piece[key_start..eq];
            if is_secret_option(&decode(key, Plus::Space).unwrap_or_else(|| key.to_string())) {
                // A value runs to the next `&`: SQLAlchemy splits the query
                // on `&` alone, so a raw `?` or `#` belongs to the secret.
                let value = start + eq + 1;
                end = text[value..].find('&').map_or(text.len(), |i| value + i);
                out.push(offset + value..offset + end);
                break;
            }
            key_start = eq + 1;
        }
        if end == text.len() {
            return;
        }
        start = end + 1;
    }
}

/// `raw` with each of `ranges` (in order, not overlapping) replaced by `***`.
fn hide(raw: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut at = 0;
    for range in ranges {
        out.push_str(&raw[at..range.start]);
        out.push_str(REDACTED);
        at = range.end;
    }
    out.push_str(&raw[at..]);
    out
}

/// The redacted text of a URL that parsed: its password span masked, and
/// any `password=` option.
pub(crate) fn redact_parsed(raw: &str) -> String {
    hide(raw, &hidden_ranges(raw, false))
}

/// A redaction of text that may not parse, for error messages. It masks more
/// than the parser would rather than less (see [`hidden_ranges`]).
pub(crate) fn redact_raw(raw: &str) -> String {
    hide(raw, &hidden_ranges(raw, true))
}

/// `piece`, a part of `raw` quoted in a message, as it may be shown: `***`
/// when it stands (anywhere it occurs in `raw`) across a part that
/// [`redact_raw`] hides, so that a name cut out of the middle of a password
/// is not shown either.
pub(crate) fn scrub(piece: &str, raw: &str) -> String {
    if piece.is_empty() {
        return String::new();
    }
    let hidden = hidden_ranges(raw, true);
    let overlaps = raw.match_indices(piece).any(|(at, _)| {
        let end = at + piece.len();
        hidden.iter().any(|r| at < r.end && r.start < end)
    });
    if overlaps {
        REDACTED.to_owned()
    } else if raw.contains(piece) {
        piece.to_owned()
    } else {
        // Not found as written (decoded, say): hide what looks secret in it.
        hide(piece, &hidden_ranges(piece, true))
    }
}

/// `text` with every URL-like word in it redacted as [`redact()`] would: for
/// messages that quote a value someone put a URL in by mistake (a TOML
/// error quoting a string, say).
///
/// ```
/// assert_eq!(
///     retort::url::redact_words("expected a list, found \"mysql://u:s3cret@h/db\""),
///     "expected a list, found \"mysql://u:***@h/db\""
/// );
/// ```
pub fn redact_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = text[at..].find("://") {
        let sep = at + found;
        let start = text[..sep]
            .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`'))
            .map_or(0, |i| i + 1)
            .max(at);
        let end = text[sep..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`'))
            .map_or(text.len(), |i| sep + i);
        out.push_str(&text[at..start]);
        out.push_str(&redact_raw(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The pieces of `raw` that [`redact()`] hides, as written: a message that
/// quotes part of a URL (an argument taken for something else) can replace
/// each of them.
///
/// ```
/// assert_eq!(retort::url::secrets("postgresql://u:s3cret@h/db"), vec!["s3cret"]);
/// ```
pub fn secrets(raw: &str) -> Vec<&str> {
    hidden_ranges(raw, true)
        .into_iter()
        .map(|r| &raw[r])
        .filter(|s| !s.is_empty())
        .collect()
}

/// Text that may hold a URL (valid or not), with anything that could be its
/// password replaced by `***`: from the first `:` after `://` to the last
/// `@`, or a non-numeric "port" when there is no `@`, and the values of
/// `password`-like options. For messages that quote user input.
///
/// ```
/// assert_eq!(retort::url::redact("postgresql://u/x:s3cret@h/db"), "postgresql://u/x:***@h/db");
/// ```
pub fn redact(text: &str) -> String {
    redact_raw(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_inside_a_message_are_redacted() {
        assert_eq!(
            redact_words(
                "invalid type: string \"x postgresql://u:p@ss@h/db\", expected a sequence"
            ),
            "invalid type: string \"x postgresql://u:***@h/db\", expected a sequence"
        );
        assert_eq!(redact_words("no url here"), "no url here");
    }

    #[test]
    fn redact_raw_cases() {
        for (raw, shown) in [
            ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
            // A secret option's value runs to the next `&`, `?` and `#` included.
            (
                "postgresql://h/db?password=a?b#c&x=1",
                "postgresql://h/db?password=***&x=1",
            ),
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
    fn secrets_are_what_is_hidden() {
        assert_eq!(
            secrets("postgresql://u:pw@h/db?password=x&a=b"),
            vec!["pw", "x"]
        );
        assert_eq!(secrets("postgresql://u:sec/ret"), vec!["sec/ret"]);
        assert!(secrets("postgresql://h:5432/db").is_empty());
    }

    #[test]
    fn secret_span_is_colon_to_last_at() {
        assert_eq!(secret_span("postgresql://u:p@h/db"), Some(15..16));
        assert_eq!(secret_span("postgresql://h/db?e=a@b"), None);
        assert_eq!(secret_span("postgresql://u@h/db"), None);
    }
}
