//! `status`'s report of a revision that stopped part way in an earlier run
//! (it failed after some statements ran outside a transaction, or its run was
//! killed or lost its connection), in text and as JSON.

use serde_json::{Value, json};

use retort::connection::LogRow;
use retort::migrate;
use retort::printable::printable;

use crate::cli::output::Output;

/// The statements of `row` known to have finished, and how many it has.
fn counts(row: &LogRow) -> (usize, usize) {
    (
        usize::try_from(row.statements_applied).unwrap_or(0),
        usize::try_from(row.statements_total).unwrap_or(0),
    )
}

/// The two lines `status` prints: what is known, and what `upgrade` does.
pub fn print(out: &Output, row: &LogRow) {
    let (applied, total) = counts(row);
    out.line(&format!(
        "Stopped part way: {}",
        printable(&migrate::partial_text(
            &row.revision,
            applied,
            total,
            row.error.as_deref()
        ))
    ));
    out.line(&if row.direction == "down" {
        format!(
            "  this was its downgrade: `retort downgrade` refuses to run it from the top; the same downgrade \
             with `--resume` continues at statement {}",
            applied + 1
        )
    } else {
        format!(
            "  `retort upgrade` refuses to run it from the top; `retort upgrade --resume` continues at statement {}",
            applied + 1
        )
    });
}

/// `status --format json`'s `stopped` member: `null`, or what the log row
/// says. An interrupted run has no error, and its statement `applied + 1`
/// was running, so it may or may not have taken effect.
pub fn json(row: Option<&LogRow>) -> Value {
    let Some(row) = row else {
        return Value::Null;
    };
    let (applied, total) = counts(row);
    json!({
        "revision": row.revision,
        "direction": row.direction,
        "state": if row.error.is_some() { "failed" } else { "interrupted" },
        "statements_applied": applied,
        "statements_total": total,
        "uncertain_statement": row.error.is_none().then_some(applied + 1).filter(|n| *n <= total),
        "error": row.error,
        "resume_at": applied + 1,
    })
}
