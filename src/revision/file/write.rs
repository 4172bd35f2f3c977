//! Writing new revision files: the text `retort revision` and autogenerate
//! create, and their file names.

use crate::revision::file::{RevisionId, normalize_sql};

/// What `retort revision` and autogenerate write into a new file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRevision {
    /// Usually [`RevisionId::generate`].
    pub id: RevisionId,
    /// The parents: empty for a base, several for a merge.
    pub down_revisions: Vec<RevisionId>,
    /// One line; line breaks are written as spaces.
    pub message: String,
    /// Written in UTC as `2026-11-26 11:00:00+00:00` (seconds precision).
    pub create_date: jiff::Timestamp,
    /// Each must pass [`validate_label`](crate::revision::name::validate_label).
    pub branch_labels: Vec<String>,
    /// Each must pass [`validate_label`](crate::revision::name::validate_label).
    pub depends_on: Vec<String>,
    /// Portable SQL; an empty body is written as a placeholder comment.
    pub upgrade_sql: String,
    /// Portable SQL; empty means irreversible.
    pub downgrade_sql: String,
}

/// The body written for an empty upgrade, so the user sees where SQL goes.
pub(super) const UPGRADE_PLACEHOLDER: &str = "-- write the upgrade SQL here";

/// Writes a new revision file in the format [`parse`](super::parse) reads.
///
/// ```
/// use retort::revision::file::{NewRevision, render};
/// let text = render(&NewRevision {
///     id: "ae1027a6acf0".parse().unwrap(),
///     down_revisions: vec![],
///     message: "create account".into(),
///     create_date: "2026-11-26T11:00:00Z".parse().unwrap(),
///     branch_labels: vec![],
///     depends_on: vec![],
///     upgrade_sql: "CREATE TABLE account (id INTEGER PRIMARY KEY);".into(),
///     downgrade_sql: "DROP TABLE account;".into(),
/// });
/// assert!(text.starts_with("-- Revision ID: ae1027a6acf0\n-- Revises:\n"));
/// ```
pub fn render(new: &NewRevision) -> String {
    let mut out = String::with_capacity(256 + new.upgrade_sql.len() + new.downgrade_sql.len());
    out.push_str("-- Revision ID: ");
    out.push_str(new.id.as_str());
    out.push_str("\n-- Revises:");
    for (i, parent) in new.down_revisions.iter().enumerate() {
        out.push_str(if i == 0 { " " } else { ", " });
        out.push_str(parent.as_str());
    }
    out.push_str("\n-- Create Date: ");
    out.push_str(
        &new.create_date
            .strftime("%Y-%m-%d %H:%M:%S+00:00")
            .to_string(),
    );
    out.push_str("\n-- Message:");
    let message = one_line(&new.message);
    if !message.is_empty() {
        out.push(' ');
        out.push_str(&message);
    }
    out.push('\n');
    if !new.branch_labels.is_empty() {
        out.push_str("-- Branch Labels: ");
        out.push_str(&new.branch_labels.join(", "));
        out.push('\n');
    }
    if !new.depends_on.is_empty() {
        out.push_str("-- Depends On: ");
        out.push_str(&new.depends_on.join(", "));
        out.push('\n');
    }
    out.push_str("\n-- migrate:upgrade\n");
    let upgrade = normalize_sql(&new.upgrade_sql);
    out.push_str(if upgrade.is_empty() {
        UPGRADE_PLACEHOLDER
    } else {
        &upgrade
    });
    out.push_str("\n\n-- migrate:downgrade\n");
    let downgrade = normalize_sql(&new.downgrade_sql);
    if !downgrade.is_empty() {
        out.push_str(&downgrade);
        out.push('\n');
    }
    out
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file name for a new revision: `<id>_<slug>.sql`, where the slug is the
/// message lowercased with runs of other characters than letters and digits
/// turned into one `_`, cut to 40 characters; `<id>.sql` when that is empty.
///
/// ```
/// use retort::revision::file::file_name;
/// let id = "ae1027a6acf0".parse().unwrap();
/// assert_eq!(file_name(&id, "Add account table!"), "ae1027a6acf0_add_account_table.sql");
/// assert_eq!(file_name(&id, "--"), "ae1027a6acf0.sql");
/// ```
pub fn file_name(id: &RevisionId, message: &str) -> String {
    const MAX_SLUG_CHARS: usize = 40;
    let mut slug = String::new();
    let mut chars = 0;
    let mut gap = false;
    'outer: for c in message.chars() {
        if !c.is_alphanumeric() {
            gap = true;
            continue;
        }
        if gap && !slug.is_empty() {
            if chars == MAX_SLUG_CHARS {
                break;
            }
            slug.push('_');
            chars += 1;
        }
        gap = false;
        // Some characters lowercase to several (`İ` → `i̇`); each counts.
        for lower in c.to_lowercase() {
            if chars == MAX_SLUG_CHARS {
                break 'outer;
            }
            slug.push(lower);
            chars += 1;
        }
    }
    let slug = slug.trim_end_matches('_');
    if slug.is_empty() {
        format!("{id}.sql")
    } else {
        format!("{id}_{slug}.sql")
    }
}
