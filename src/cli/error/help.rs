//! The hints shown under library errors: what the user can do next.

use retort::autogen;
use retort::dialect::{self, DialectKind};
use retort::migrate;
use retort::models;

/// Under a version table that names revisions no file has.
const UNKNOWN_REVISIONS: &str = "restore the missing revision file, or `retort stamp REV --purge` to set the version table by hand \
     (after removing every revision file: `retort stamp base --purge`, then \
     `retort autogenerate --from-empty -m MSG` and `retort stamp head` make a new baseline)";

/// Under `--from-empty` in a project that has revisions.
pub(super) const FROM_EMPTY: &str = "move the old revision files away first, or autogenerate against the database \
                 without --from-empty";

/// The hint for a failed or refused run, keeping the detail a user acts on.
pub(super) fn migrate(error: &migrate::Error) -> Option<String> {
    use migrate::Error as E;
    match error {
        E::StepFailed(failure) if failure.rolled_back => Some(format!(
            "the revision was rolled back; nothing of it remains (failed statement: {}){}",
            one_line(&failure.sql),
            if failure.total > 1 { format!("; {} statements in all", failure.total) } else { String::new() }
        )),
        E::StepFailed(failure) => Some(format!(
            "this database commits DDL as it goes: statements 1–{applied} of {total} ran and stay applied, \
             statement {statement} failed: {}. The version table is still at the last complete revision. \
             Fix the file, then run `retort upgrade --resume` to continue at statement {statement}, \
             or undo statements 1–{applied} by hand and run `retort upgrade`.",
            one_line(&failure.sql),
            applied = failure.applied,
            total = failure.total,
            statement = failure.statement,
        ))
        .filter(|_| failure.applied > 0)
        .or_else(|| {
            Some(format!("nothing of the revision ran; fix it and run again (statement: {})", one_line(&failure.sql)))
        }),
        E::Partial { applied, error: Some(_), direction, .. } if direction == "down" => Some(format!(
            "fix the file, then the same `retort downgrade` with `--resume` continues after statement {applied}; \
             or undo those statements by hand; `retort stamp` to the revision below marks it reverted without running it"
        )),
        E::Partial { applied, error: None, direction, .. } if direction == "down" => Some(format!(
            "check in the database whether statement {} took effect; if it did not, the same `retort downgrade` \
             with `--resume` runs it again and continues; if it did, undo it by hand first (or, when the whole \
             downgrade is done, `retort stamp` to the revision below marks it reverted)",
            applied + 1
        )),
        E::Partial { applied, error: Some(_), .. } => Some(format!(
            "fix the file, then `retort upgrade --resume` continues after statement {applied}; \
             or undo those statements by hand and run `retort upgrade`; `retort stamp` marks a revision done without running it"
        )),
        E::Partial { applied, error: None, .. } => Some(format!(
            "check in the database whether statement {} took effect; if it did not, `retort upgrade --resume` \
             runs it again and continues; if it did, undo it by hand first (or, when the whole revision is done, \
             `retort stamp REV` marks it applied)",
            applied + 1
        )),
        E::ResumeChanged { .. } => Some(
            "the earlier attempt ran the file as it was then; restore those statements (change only the ones \
             that did not run), or undo what ran by hand and run `retort upgrade` without `--resume`"
                .to_owned(),
        ),
        E::Unchanged { .. } => Some(format!(
            "the revision's bookkeeping was rolled back (on {} its DDL stays); run `retort status` to see where the database is",
            implicit_ddl_databases()
        )),
        E::Modified { .. } => Some(
            "restore the files, or accept the change with `retort upgrade --accept-checksum REV` (see docs/running-migrations.md)"
                .to_owned(),
        ),
        E::Unknown(_) => Some(UNKNOWN_REVISIONS.to_owned()),
        E::Parse { help, .. } => help.clone(),
        E::LockTimeout { key, .. } => Some(format!(
            "raise `lock_timeout` in retort.toml, or check for a stuck run: {}",
            key.holder()
        )),
        E::LockFile { .. } => Some(
            "SQLite runs take this lock file beside the database: its directory must be writable, as for SQLite's own journal"
                .to_owned(),
        ),
        _ => None,
    }
}

/// The hint for a comparison of the models with the database.
pub(super) fn autogen(error: &autogen::Error) -> Option<String> {
    use autogen::Error as E;
    match error {
        E::Models(models::Error::Parse { help, .. }) => help.clone(),
        E::Models(models::Error::None) => {
            Some("list schema sources in `models` in retort.toml".to_owned())
        }
        E::Models(_) | E::Database(_) => None,
        E::NotAtHead { .. } => {
            Some("run `retort upgrade` first, so that only model changes are compared".to_owned())
        }
        E::UnknownRevisions(_) => Some(UNKNOWN_REVISIONS.to_owned()),
        E::HasRevisions { .. } => Some(FROM_EMPTY.to_owned()),
        _ => None,
    }
}

/// The databases whose DDL commits as it runs, by name: "MySQL/MariaDB".
fn implicit_ddl_databases() -> String {
    DialectKind::ALL
        .into_iter()
        .map(dialect::dialect)
        .filter(|d| !d.transactional_ddl())
        .map(|d| d.display_name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn one_line(sql: &str) -> String {
    let text = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}
