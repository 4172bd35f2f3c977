//! The revision files an Alembic export becomes.
//!
//! Each function's SQL becomes one portable section when the first
//! dialect's SQL parses as portable SQL and renders back to the same
//! statements on every dialect imported; otherwise one section per dialect,
//! as Alembic wrote it, under a portable placeholder that stops the other
//! databases. A function Alembic could not write offline gets a placeholder
//! that stops every run until it is written by hand: a statement the
//! portable parser refuses, so `upgrade`, `downgrade` and `--sql` all stop
//! before the first statement of the run, naming the file.

use std::path::Path;

use crate::alembic::{AlembicRevision, Error, Export, Outcome};
use crate::dialect::{DialectKind, dialect};
use crate::op::Op;
use crate::printable::printable;
use crate::revision::file::{RevisionId, file_name, validate_id, validate_label};
use crate::schema::Schema;
use crate::sql::parse::parse_into;
use crate::sql::split::split;

/// The project an import writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// One per Alembic revision, parents first.
    pub files: Vec<ImportedFile>,
    /// The functions that got a placeholder.
    pub needs_a_hand: Vec<NeedsAHand>,
}

/// One revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    /// The revision id, as in Alembic.
    pub id: String,
    /// `<id>_<slug>.sql`.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// Whether upgrade and downgrade were written as portable sections.
    pub portable: [bool; 2],
}

/// A function Alembic could not write offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsAHand {
    /// The revision.
    pub id: String,
    /// `upgrade` or `downgrade`.
    pub function: &'static str,
    /// The dialects it failed on, and why (the first error).
    pub dialects: Vec<DialectKind>,
    /// Alembic's error.
    pub reason: String,
}

/// The files for `export`; `base` is the directory the Alembic paths are
/// shown relative to. Fails on an id or label retort cannot take.
pub fn convert(export: &Export, base: &Path) -> Result<Imported, Error> {
    let mut files = Vec::with_capacity(export.revisions.len());
    let mut needs_a_hand = Vec::new();
    // The model the portable sections move, as `migrate` follows it.
    let mut schema = Schema::default();
    for revision in &export.revisions {
        let bad = |message: String| Error::Input {
            path: revision.path.clone(),
            line: revision.line.max(1),
            message,
        };
        validate_id(&revision.id).map_err(|e| bad(format!("revision `{}`: {e}", revision.id)))?;
        for label in &revision.branch_labels {
            validate_label(label).map_err(|e| bad(format!("branch label `{label}`: {e}")))?;
        }
        let id: RevisionId = revision
            .id
            .parse()
            .map_err(|e| bad(format!("revision `{}`: {e}", revision.id)))?;
        let shown = revision
            .path
            .strip_prefix(base)
            .unwrap_or(&revision.path)
            .display()
            .to_string();
        let mut text = header(revision);
        text.push_str(&format!(
            "\n-- Imported from Alembic's {}\n",
            printable(&shown)
        ));
        let mut portable = [false; 2];
        for (index, function) in ["upgrade", "downgrade"].into_iter().enumerate() {
            let outcomes: Vec<(DialectKind, &Outcome)> = export
                .dialects
                .iter()
                .filter_map(|&kind| {
                    let functions = revision.sql.get(kind.as_str())?;
                    Some((
                        kind,
                        if index == 0 {
                            &functions.upgrade
                        } else {
                            &functions.downgrade
                        },
                    ))
                })
                .collect();
            let written = sections(&revision.id, function, &outcomes, &export.dialects, &schema);
            text.push_str(&written.text);
            portable[index] = written.after.is_some();
            if let (0, Some(after)) = (index, written.after) {
                schema = after;
            }
            if let Some(hand) = written.needs_a_hand {
                needs_a_hand.push(hand);
            }
        }
        files.push(ImportedFile {
            id: revision.id.clone(),
            name: file_name(&id, &revision.message),
            text,
            portable,
        });
    }
    Ok(Imported {
        files,
        needs_a_hand,
    })
}

fn header(revision: &AlembicRevision) -> String {
    let one_line =
        |text: &str| printable(&text.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned();
    let mut out = format!("-- Revision ID: {}\n-- Revises:", revision.id);
    if !revision.down_revisions.is_empty() {
        out.push(' ');
        out.push_str(&revision.down_revisions.join(", "));
    }
    out.push('\n');
    if let Some(date) = &revision.create_date {
        out.push_str(&format!("-- Create Date: {}\n", one_line(date)));
    }
    out.push_str("-- Message:");
    let message = one_line(&revision.message);
    if !message.is_empty() {
        out.push(' ');
        out.push_str(&message);
    }
    out.push('\n');
    if !revision.branch_labels.is_empty() {
        out.push_str(&format!(
            "-- Branch Labels: {}\n",
            revision.branch_labels.join(", ")
        ));
    }
    if !revision.depends_on.is_empty() {
        out.push_str(&format!(
            "-- Depends On: {}\n",
            revision.depends_on.join(", ")
        ));
    }
    out
}

/// One function's sections.
struct Written {
    text: String,
    /// The schema after a portable section; `None` when not portable.
    after: Option<Schema>,
    needs_a_hand: Option<NeedsAHand>,
}

fn sections(
    id: &str,
    function: &'static str,
    outcomes: &[(DialectKind, &Outcome)],
    imported: &[DialectKind],
    before: &Schema,
) -> Written {
    let failed: Vec<(DialectKind, &str)> = outcomes
        .iter()
        .filter_map(|(kind, outcome)| match outcome {
            Outcome::Error(e) => Some((*kind, e.as_str())),
            Outcome::Sql(_) | Outcome::SqlOutsideTransaction(_) => None,
        })
        .collect();
    let written: Vec<(DialectKind, &str)> = outcomes
        .iter()
        .filter_map(|(kind, outcome)| match outcome {
            Outcome::Sql(sql) | Outcome::SqlOutsideTransaction(sql) => Some((*kind, sql.trim())),
            Outcome::Error(_) => None,
        })
        .collect();
    let in_transaction: Vec<DialectKind> = outcomes
        .iter()
        .filter(|(_, outcome)| !matches!(outcome, Outcome::SqlOutsideTransaction(_)))
        .map(|(kind, _)| *kind)
        .collect();
    if failed.is_empty()
        && !written.is_empty()
        && in_transaction.len() == written.len()
        && let Some(after) = portable(&written, before)
    {
        return Written {
            text: format!("\n-- migrate:{function}\n{}\n", written[0].1),
            after: Some(after),
            needs_a_hand: None,
        };
    }
    let mut text = format!("\n-- migrate:{function}\n");
    let needs_a_hand = if failed.is_empty() {
        let names: Vec<&str> = imported.iter().map(|k| k.as_str()).collect();
        text.push_str(&format!(
            "-- Imported for {} only (the sections below); any other database stops here.\n\
             SELECT `revision {id} was imported for {} only`;\n",
            names.join(", "),
            names.join(", ")
        ));
        None
    } else {
        let names: Vec<&str> = failed.iter().map(|(k, _)| k.as_str()).collect();
        text.push_str(&format!(
            "-- NEEDS A HAND: Alembic could not write this {function} offline for {}:\n",
            names.join(", ")
        ));
        for line in failed[0].1.lines().take(20) {
            text.push_str("--   ");
            text.push_str(&printable(line));
            text.push('\n');
        }
        text.push_str(
            "-- Write it by hand (a section per database where they differ, see\n\
             -- docs/revisions.md), then delete the statement below: until then it\n\
             -- stops every run that reaches this revision.\n",
        );
        text.push_str(&format!(
            "SELECT `revision {id} needs a hand: {function} not imported`;\n"
        ));
        Some(NeedsAHand {
            id: id.to_owned(),
            function,
            dialects: failed.iter().map(|(k, _)| *k).collect(),
            reason: printable(failed[0].1.lines().next().unwrap_or_default()).into_owned(),
        })
    };
    for (kind, sql) in &written {
        if !in_transaction.contains(kind) {
            text.push_str(&format!(
                "\n-- migrate:{function} {kind} transaction=false\n{sql}\n"
            ));
            continue;
        }
        text.push_str(&format!("\n-- migrate:{function} {kind}\n"));
        if !sql.is_empty() {
            text.push_str(sql);
            text.push('\n');
        }
    }
    Written {
        text,
        after: None,
        needs_a_hand,
    }
}

/// The schema after the section when the first dialect's SQL reads as
/// portable SQL, every statement understood, and renders to the same
/// statements as Alembic wrote on every dialect; `None` otherwise.
fn portable(written: &[(DialectKind, &str)], before: &Schema) -> Option<Schema> {
    let mut after = before.clone();
    let parsed = parse_into(written[0].1, &mut after).ok()?;
    let ops: Vec<Op> = parsed.into_iter().flat_map(|p| p.ops).collect();
    // A statement retort did not understand runs verbatim on every
    // database, also those not imported: not portable, however it renders.
    if ops.iter().any(|op| matches!(op, Op::Raw(_))) {
        return None;
    }
    for (kind, sql) in written {
        let dialect = dialect(*kind);
        let rendered = dialect.render_all(&ops, before).ok()?;
        let theirs = split(sql, dialect.split_rules()).ok()?;
        if rendered.len() != theirs.len()
            || !rendered
                .iter()
                .zip(&theirs)
                .all(|(r, s)| same(&r.sql, &s.sql))
        {
            return None;
        }
    }
    Some(after)
}

/// Equal up to spacing and a final `;`.
fn same(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.trim()
            .trim_end_matches(';')
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    words(a) == words(b)
}

#[cfg(test)]
mod tests;
