//! Text read from revision files (messages, ids, labels, paths) made safe to
//! show: in a terminal, where an escape sequence would be obeyed, and in a
//! `--` comment of a script, which a carriage return or line break ends
//! early (psql ends a comment at CR; MySQL and SQLite at LF). JSON output
//! keeps the text as written; serde escapes it there.

use std::borrow::Cow;

/// `text` with every control character written out visibly, as Rust writes
/// it in a string literal (`\r`, `\n`, `\t`, `\u{1b}`, `\u{85}`), and the
/// Unicode line and paragraph separators too (`\u{2028}`, `\u{2029}`),
/// which some terminals and editors take as line breaks. Text without any of these is returned as it is, without copying.
///
/// ```
/// use retort::printable::printable;
/// assert_eq!(printable("add account"), "add account");
/// assert_eq!(printable("a\rDROP\u{1b}[31m"), "a\\rDROP\\u{1b}[31m");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    // `char::is_control` covers C0, DEL and C1 (general category Cc).
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_characters_are_written_out() {
        assert_eq!(printable("plain text, ünïcode"), "plain text, ünïcode");
        assert_eq!(printable("a\r\nb\tc\x07"), "a\\r\\nb\\tc\\u{7}");
        assert_eq!(printable("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(printable("\u{85}\u{9b}"), "\\u{85}\\u{9b}");
        assert_eq!(printable("a\u{2028}b\u{2029}"), "a\\u{2028}b\\u{2029}");
        assert_eq!(printable("C:\\dir"), "C:\\dir");
    }

    proptest! {
        #[test]
        fn no_control_character_survives(text in any::<String>()) {
            let shown = printable(&text);
            let bad = shown.chars().find(|&c| needs_escape(c));
            prop_assert_eq!(bad, None);
        }
    }
}
