//! Spotting the `BEGIN` and `COMMIT` a user must not write in a section,
//! because retort manages transactions itself.

use super::text::{find_byte, find_subslice};

/// Whether an already split statement opens or ends a transaction: `BEGIN
/// [TRANSACTION | WORK | DEFERRED | IMMEDIATE | EXCLUSIVE | ISOLATION … |
/// READ …]`, `START TRANSACTION`, `COMMIT`, `END`, `ROLLBACK` and PostgreSQL's
/// `ABORT`, in any case, after any leading comments.
///
/// retort wraps sections in its own transactions, so it rejects these with a
/// clear message rather than let a user's `COMMIT` end retort's transaction
/// early. `ROLLBACK TO [SAVEPOINT] x` and MariaDB's `BEGIN NOT ATOMIC … END`
/// block are not transaction control and return `false`. A trigger body's
/// `BEGIN` never reaches this function: [`split`](super::split()) keeps it inside its
/// `CREATE TRIGGER`.
///
/// ```
/// use retort::sql::split::is_transaction_control;
///
/// assert!(is_transaction_control("begin transaction"));
/// assert!(is_transaction_control("-- done\nCOMMIT"));
/// assert!(!is_transaction_control("ROLLBACK TO SAVEPOINT before_backfill"));
/// assert!(!is_transaction_control("CREATE TABLE t (a INT)"));
/// ```
pub fn is_transaction_control(sql: &str) -> bool {
    let mut words = LeadingWords {
        bytes: sql.as_bytes(),
        text: sql,
        pos: 0,
    };
    let Some(first) = words.next() else {
        return false;
    };
    let is =
        |word: Option<&str>, keyword: &str| word.is_some_and(|w| w.eq_ignore_ascii_case(keyword));
    if first.eq_ignore_ascii_case("BEGIN") {
        let Some(second) = words.next() else {
            return true;
        };
        if second.eq_ignore_ascii_case("NOT") {
            // PostgreSQL `BEGIN NOT DEFERRABLE`, but MariaDB's anonymous
            // block `BEGIN NOT ATOMIC … END` is not a transaction.
            return !is(words.next(), "ATOMIC");
        }
        const AFTER_BEGIN: [&str; 7] = [
            "TRANSACTION",
            "WORK",
            "DEFERRED",
            "IMMEDIATE",
            "EXCLUSIVE",
            "ISOLATION",
            "READ",
        ];
        AFTER_BEGIN.iter().any(|k| second.eq_ignore_ascii_case(k))
    } else if first.eq_ignore_ascii_case("START") {
        is(words.next(), "TRANSACTION")
    } else if first.eq_ignore_ascii_case("ROLLBACK") {
        let mut next = words.next();
        if is(next, "WORK") || is(next, "TRANSACTION") {
            next = words.next();
        }
        // `ROLLBACK TO SAVEPOINT` undoes part of a transaction and keeps it
        // open: harmless inside retort's transaction.
        !is(next, "TO")
    } else {
        ["COMMIT", "END", "ABORT"]
            .iter()
            .any(|k| first.eq_ignore_ascii_case(k))
    }
}

/// The first words of a statement, skipping whitespace and comments; stops at
/// the first character that is neither (`;`, `(`, a quote …).
struct LeadingWords<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for LeadingWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let rest = self.bytes.get(self.pos..)?;
            match rest {
                [b, ..] if b.is_ascii_whitespace() => self.pos += 1,
                [b'-', b'-', ..] | [b'#', ..] => {
                    self.pos = find_byte(self.bytes, self.pos, b'\n').unwrap_or(self.bytes.len());
                }
                // `/*!` and `/*+` are executable on MySQL: not a comment to skip.
                [b'/', b'*', b'!' | b'+', ..] => return None,
                [b'/', b'*', ..] => {
                    self.pos = find_subslice(self.bytes, self.pos + 2, b"*/")
                        .map_or(self.bytes.len(), |end| end + 2);
                }
                [b, ..] if b.is_ascii_alphabetic() || *b == b'_' => {
                    let start = self.pos;
                    while self
                        .bytes
                        .get(self.pos)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    {
                        self.pos += 1;
                    }
                    // A word followed by something else than a separator
                    // (`BEGIN$x`, `COMMIT(`) ends the scan after this word.
                    let word = self.text.get(start..self.pos)?;
                    if self.bytes.get(self.pos).is_some_and(|b| {
                        !b.is_ascii_whitespace() && !matches!(b, b'-' | b'/' | b'#')
                    }) {
                        self.pos = self.bytes.len();
                    }
                    return Some(word);
                }
                _ => return None,
            }
        }
    }
}
