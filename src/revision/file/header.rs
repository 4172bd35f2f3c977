//! The header's keys: which `-- Key: value` lines are fields, the spellings
//! each key accepts, and the nearest key to a typo.

/// The header keys, in the order they are written and listed in help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    RevisionId,
    Revises,
    CreateDate,
    Message,
    BranchLabels,
    DependsOn,
}

/// Accepted spellings, compared after lowercasing and dropping spaces, `_`
/// and `-`: `Revision ID`, `revision_id` and `RevisionID` are all one key.
pub(super) const KEYS: &[(&str, Key)] = &[
    ("revisionid", Key::RevisionId),
    ("revises", Key::Revises),
    ("downrevision", Key::Revises),
    ("createdate", Key::CreateDate),
    ("message", Key::Message),
    ("branchlabels", Key::BranchLabels),
    ("dependson", Key::DependsOn),
];

/// How keys are shown to users, matching `KEYS`.
pub(super) const KEY_NAMES: &[&str] = &[
    "Revision ID",
    "Revises",
    "Down Revision",
    "Create Date",
    "Message",
    "Branch Labels",
    "Depends On",
];

/// If the text at `key_at` is a header key (one to three words of ASCII
/// letters, digits, `_` or `-`, starting with a letter, separated by single
/// spaces, then `:` followed by whitespace or the end), the key and the byte
/// index just after the colon.
pub(super) fn header_key(line: &str, key_at: usize) -> Option<(&str, usize)> {
    let rest = line.get(key_at..)?;
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) || key.len() > 40 {
        return None;
    }
    let mut count = 0;
    for word in key.split(' ') {
        count += 1;
        let ok = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok || count > 3 {
            return None;
        }
    }
    Some((key, key_at + colon + 1))
}

/// A key lowercased without spaces, `_` and `-`, for comparison with `KEYS`.
pub(super) fn normalized_key(key: &str) -> impl Iterator<Item = u8> + '_ {
    key.bytes()
        .filter(|b| !matches!(b, b' ' | b'_' | b'-'))
        .map(|b| b.to_ascii_lowercase())
}

/// The known key nearest to a mistyped one, if near enough to be a typo.
pub(super) fn closest_key(normalized: &str) -> Option<&'static str> {
    KEYS.iter()
        .enumerate()
        .map(|(i, (k, _))| (strsim::levenshtein(normalized, k), i))
        .filter(|&(d, i)| d <= 1 + KEYS[i].0.len() / 4)
        .min()
        .map(|(_, i)| KEY_NAMES[i])
}
