//! Revision ids and branch labels: what a name may hold.
//!
//! Ids are stored in Alembic's `version_num VARCHAR(32)` column, so an id
//! that would not fit is refused where it is written — in a file's header,
//! or in `create --rev-id` — instead of by the database half way through an
//! upgrade (on MySQL after the revision's DDL has committed).

use std::fmt;
use std::str::FromStr;

/// The longest revision id: the width of the version table's column
/// (`version_num VARCHAR(32)`, Alembic's shape).
pub const MAX_ID_LEN: usize = 32;

/// A revision identifier as written in a file (`ae1027a6acf0`).
///
/// Valid ids are non-empty, made of ASCII letters, digits and `_`, and are
/// not one of the words targets reserve (`head`, `heads`, `base`). The field
/// is public for pattern matching; build ids with [`str::parse`] or
/// [`RevisionId::generate`] to get them checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevisionId(pub String);

impl RevisionId {
    /// A fresh id: 12 lowercase hex characters (48 random bits), as Alembic
    /// writes them.
    ///
    /// Fails only when the operating system's random source does.
    pub fn generate() -> Result<RevisionId, getrandom::Error> {
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes)?;
        Ok(RevisionId(
            bytes.iter().map(|byte| format!("{byte:02x}")).collect(),
        ))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RevisionId {
    type Err = InvalidName;

    /// Checks the id (see [`RevisionId`]) without trimming it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        validate_id(s)?;
        Ok(RevisionId(s.to_owned()))
    }
}

/// Why a revision id or a branch label is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidName {
    /// Nothing was written.
    #[error("it is empty")]
    Empty,
    /// A character outside the allowed set, at this byte index.
    #[error("{found:?} is not allowed here (only {allowed})")]
    Character {
        /// The character.
        found: char,
        /// Its byte index in the name.
        index: usize,
        /// The characters allowed there, in words.
        allowed: &'static str,
    },
    /// `head`, `heads` or `base`: targets give these words a meaning, so a
    /// name spelled that way could never be addressed.
    #[error("`{0}` is reserved for targets")]
    Reserved(String),
    /// A revision id longer than the version table's column holds.
    #[error(
        "it is {len} characters long; the version table's `version_num VARCHAR({MAX_ID_LEN})` \
         holds at most {MAX_ID_LEN}"
    )]
    TooLong {
        /// The id's length in characters.
        len: usize,
    },
}

const ID_CHARS: &str = "ASCII letters, digits and `_`";
const LABEL_CHARS: &str = "ASCII letters, digits, `_`, `.` and `-`";

/// Checks a revision id: `[A-Za-z0-9_]+`, not `head`, `heads` or `base`,
/// at most [`MAX_ID_LEN`] characters.
pub fn validate_id(id: &str) -> Result<(), InvalidName> {
    validate_name(id, |c| c.is_ascii_alphanumeric() || c == '_', ID_CHARS)?;
    // Checked after the characters, which are ASCII, so bytes are characters.
    if id.len() > MAX_ID_LEN {
        return Err(InvalidName::TooLong { len: id.len() });
    }
    Ok(())
}

/// Checks a branch label (or a `Depends On` item, which may be an id or a
/// label): `[A-Za-z0-9_.-]+`, not `head`, `heads` or `base`. `@` is excluded
/// because targets use it (`billing@head`).
pub fn validate_label(label: &str) -> Result<(), InvalidName> {
    validate_name(
        label,
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'),
        LABEL_CHARS,
    )
}

fn validate_name(
    name: &str,
    allowed: impl Fn(char) -> bool,
    described: &'static str,
) -> Result<(), InvalidName> {
    if name.is_empty() {
        return Err(InvalidName::Empty);
    }
    if let Some((index, found)) = name.char_indices().find(|&(_, c)| !allowed(c)) {
        return Err(InvalidName::Character {
            found,
            index,
            allowed: described,
        });
    }
    if ["head", "heads", "base"]
        .iter()
        .any(|word| name.eq_ignore_ascii_case(word))
    {
        return Err(InvalidName::Reserved(name.to_owned()));
    }
    Ok(())
}

/// The width of the log table's `down_revisions VARCHAR(255)`, which holds
/// a revision's parents joined with `,`.
pub(crate) const MAX_PARENTS_LEN: usize = 255;

/// Checks that a revision's parents, joined with `,`, fit the log table's
/// `down_revisions` column: a merge of many long ids would otherwise fail
/// its bookkeeping after its DDL ran (MySQL commits DDL at once).
pub(crate) fn check_parents(ids: &[&str]) -> Result<(), String> {
    let len = ids.iter().map(|id| id.len()).sum::<usize>() + ids.len().saturating_sub(1);
    if len > MAX_PARENTS_LEN {
        return Err(format!(
            "{} parent revisions take {len} characters joined; the log table's \
             `down_revisions VARCHAR({MAX_PARENTS_LEN})` holds at most {MAX_PARENTS_LEN}",
            ids.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fit_the_version_column() {
        assert_eq!(validate_id(&"a".repeat(MAX_ID_LEN)), Ok(()));
        let err = validate_id(&"a".repeat(40)).unwrap_err();
        assert_eq!(err, InvalidName::TooLong { len: 40 });
        assert!(err.to_string().contains("VARCHAR(32)"), "{err}");
        assert!("a".repeat(33).parse::<RevisionId>().is_err());
        // Labels are not stored in the version table.
        assert_eq!(validate_label(&"a".repeat(40)), Ok(()));
    }

    #[test]
    fn parents_fit_the_log_column() {
        let id = "a".repeat(32);
        assert_eq!(check_parents(&[id.as_str(); 7]), Ok(()));
        let err = check_parents(&[id.as_str(); 8]).unwrap_err();
        assert!(err.contains("8 parent revisions take 263"), "{err}");
    }
}
