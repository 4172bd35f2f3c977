//! A revision that stopped part way in an earlier run, outside a
//! transaction: what its log row says is known (it failed after some
//! statements, or was interrupted with one running), and whether `--resume`
//! may continue it (the statements that ran are still the file's).

use crate::connection::LogRow;
use crate::migrate::Error;
use crate::migrate::prepare::Prepared;
use crate::migrate::tables;
use crate::revision::graph::RevisionGraph;

/// What is known of a revision that stopped part way in an earlier run.
pub fn partial_text(revision: &str, applied: usize, total: usize, error: Option<&str>) -> String {
    match error {
        Some(error) => format!(
            "revision `{revision}` stopped after {applied} of {total} statements in an earlier run: {error}"
        ),
        None => format!(
            "revision `{revision}` was interrupted in an earlier run: {}, and statement {} of {total} \
             was running, so it may or may not have taken effect",
            match applied {
                0 => "none of its statements had finished".to_owned(),
                1 => "statement 1 had finished".to_owned(),
                n => format!("statements 1–{n} had finished"),
            },
            applied + 1
        ),
    }
}

/// The last attempt at `revision` when it stopped part way: it failed after
/// some of its statements ran, or it was interrupted (its row, written
/// before its first statement, never got an outcome), when not even that
/// first statement is known not to have run.
pub(super) fn partial(log: &[LogRow], revision: Option<&str>) -> Option<LogRow> {
    let revision = revision?;
    log.iter()
        .rev()
        .find(|row| row.revision == revision)
        .filter(|row| !row.success && (row.statements_applied > 0 || row.error.is_none()))
        .cloned()
}

/// What `status` reports as stopped part way: an interrupted upgrade leaves
/// its revision pending (not always the first pending one: on a branched
/// graph another branch may come first), an interrupted downgrade leaves it
/// current.
pub(super) fn stopped(log: &[LogRow], pending: &[String], current: &[String]) -> Option<LogRow> {
    let find = |ids: &[String], direction: &str| {
        ids.iter()
            .find_map(|id| partial(log, Some(id)).filter(|row| row.direction == direction))
    };
    find(pending, "up").or_else(|| find(current, "down"))
}

/// For each step of a run, how many of its statements an earlier attempt
/// that stopped part way already ran, so that `--resume` skips them; without
/// `--resume`, such a step refuses the whole run before anything runs. Any
/// step may be one: on a branched graph the plan can reach a stopped
/// revision after a revision of another branch.
pub(super) fn resume_points(
    graph: &RevisionGraph,
    log: &[LogRow],
    prepared: &[Prepared],
    resume: bool,
) -> Result<Vec<usize>, Error> {
    prepared
        .iter()
        .map(|step| {
            let revision = graph.revision(step.step.node);
            let Some(row) = partial(log, Some(&revision.id.0))
                .filter(|row| row.direction == step.step.direction.as_str())
            else {
                return Ok(0);
            };
            let applied = usize::try_from(row.statements_applied).unwrap_or(0);
            if !resume {
                return Err(Error::Partial {
                    revision: row.revision.clone(),
                    path: revision.path.clone(),
                    direction: row.direction.clone(),
                    applied,
                    total: usize::try_from(row.statements_total).unwrap_or(0),
                    error: row.error.clone(),
                });
            }
            check_resume(graph, &row, step)?;
            Ok(applied)
        })
        .collect()
}

/// Refuses `--resume` when a statement that already ran is no longer the
/// one in the file: skipping by count would skip the wrong statement.
fn check_resume(graph: &RevisionGraph, row: &LogRow, prepared: &Prepared) -> Result<(), Error> {
    let Some(stored) = &row.statement_hashes else {
        // Logged by a retort that kept no hashes: the count is all there is.
        return Ok(());
    };
    let applied = usize::try_from(row.statements_applied).unwrap_or(0);
    let now = tables::statement_hashes(prepared.statements.iter().map(|s| s.sql.as_str()));
    let now: Vec<&str> = now.split(',').collect();
    let then: Vec<&str> = stored.split(',').collect();
    for index in 0..applied {
        if then.get(index) != now.get(index) {
            let revision = graph.revision(prepared.step.node);
            let statement = prepared.statements.get(index);
            return Err(Error::ResumeChanged {
                revision: revision.id.0.clone(),
                path: revision.path.clone(),
                statement: index + 1,
                line: statement.map_or(0, |s| s.line),
                first_line: statement
                    .map(|s| {
                        let text = s.sql.split_whitespace().collect::<Vec<_>>().join(" ");
                        match text.char_indices().nth(100) {
                            Some((cut, _)) => format!("{}…", &text[..cut]),
                            None => text,
                        }
                    })
                    .unwrap_or_else(|| "(the file has fewer statements now)".to_owned()),
            });
        }
    }
    Ok(())
}
