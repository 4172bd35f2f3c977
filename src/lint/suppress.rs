//! `-- retort:lint ignore RULE reason` comments: on the line just before a
//! statement, they silence the named rules for that statement only. A
//! reason is required, so that the next reader knows why; a comment that
//! names no known rule, gives no reason, or stands before no statement is an
//! error, never silently ignored.

use std::collections::HashMap;
use std::path::Path;

use crate::lint::Error;
use crate::lint::rules::{RULES, rule};

const MARK: &str = "retort:lint";

/// The rules silenced per statement, by the statement's first line.
#[derive(Debug, Default)]
pub(super) struct Suppressions {
    by_line: HashMap<usize, Vec<&'static str>>,
}

impl Suppressions {
    /// Whether `rule` is silenced for the statement starting on `line`.
    pub(super) fn covers(&self, line: usize, rule: &str) -> bool {
        self.by_line
            .get(&line)
            .is_some_and(|rules| rules.contains(&rule))
    }
}

/// Reads the suppressions of a section. `first_line` is the file line where
/// `sql` starts; `statements` are the file lines where statements start.
pub(super) fn read(
    sql: &str,
    first_line: usize,
    statements: &[usize],
    path: &Path,
) -> Result<Suppressions, Error> {
    let mut suppressions = Suppressions::default();
    if !sql.contains(MARK) {
        return Ok(suppressions);
    }
    for (offset, text) in sql.lines().enumerate() {
        let line = first_line + offset;
        let Some(rules) = parse_line(text, line, path)? else {
            continue;
        };
        if !statements.contains(&(line + 1)) {
            return Err(Error::Suppression {
                path: path.to_path_buf(),
                line,
                message: "this suppression is not on the line just before a statement".to_owned(),
                help: Some("put it on the line right above the statement it is about".to_owned()),
            });
        }
        suppressions
            .by_line
            .entry(line + 1)
            .or_default()
            .extend(rules);
    }
    Ok(suppressions)
}

/// The rules a comment line silences, `None` for any other line.
pub(super) fn parse_line(
    text: &str,
    line: usize,
    path: &Path,
) -> Result<Option<Vec<&'static str>>, Error> {
    let Some(rest) = text
        .trim()
        .strip_prefix("--")
        .and_then(|r| r.trim_start().strip_prefix(MARK))
    else {
        return Ok(None);
    };
    let bad = |message: String, help: &str| Error::Suppression {
        path: path.to_path_buf(),
        line,
        message,
        help: Some(help.to_owned()),
    };
    let usage = "write `-- retort:lint ignore RULE reason`, e.g. \
                 `-- retort:lint ignore drop-column the app stopped reading it in 4.2`";
    let mut words = rest.split_whitespace();
    if words.next() != Some("ignore") {
        return Err(bad(
            "a `retort:lint` comment must say `ignore`".to_owned(),
            usage,
        ));
    }
    let Some(ids) = words.next() else {
        return Err(bad("no rule named".to_owned(), usage));
    };
    if words.next().is_none() {
        return Err(bad(
            format!("no reason given for ignoring `{ids}`"),
            "add why it is safe here after the rule id, so the next reader knows",
        ));
    }
    let mut rules = Vec::new();
    for id in ids.split(',') {
        match rule(id) {
            Some(rule) => rules.push(rule.id),
            None => {
                let help = match crate::suggest::closest(id, RULES.iter().map(|r| r.id)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "docs/lint.md lists the rules".to_owned(),
                };
                return Err(bad(format!("no rule has the id `{id}`"), &help));
            }
        }
    }
    Ok(Some(rules))
}
