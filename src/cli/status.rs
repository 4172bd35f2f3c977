//! `current` and `status`: where the database is, read without changing it.

use serde_json::{Value, json};

use retort::autogen;
use retort::migrate;
use retort::printable::printable;
use retort::revision::graph::Node;

use crate::cli::Context;
use crate::cli::error::CliError;
use crate::cli::output::revision_short;
use crate::cli::stopped;

/// `current`.
pub fn current(context: &Context) -> Result<(), CliError> {
    let (config, graph) = context.project()?;
    let url = context.url(Some(&config))?;
    let rows = context.with_connection(&url, Some(&config), async |connection| {
        migrate::current(connection, &config.version_table)
            .await
            .map_err(CliError::from)
    })?;
    let known: Vec<Node> = rows.iter().filter_map(|r| graph.node(r)).collect();
    if context.output.is_json() {
        context.output.revisions(&graph, &known, false);
    } else {
        for row in &rows {
            match graph.node(row) {
                Some(node) => context
                    .output
                    .revisions(&graph, &[node], context.output.verbose),
                None => context
                    .output
                    .line(&format!("{} (no revision file has it)", printable(row))),
            }
        }
    }
    Ok(())
}

/// `status`.
pub fn status(context: &Context) -> Result<(), CliError> {
    let (config, graph) = context.project()?;
    let url = context.url(Some(&config))?;
    let (status, drift) = context.with_connection(&url, Some(&config), async |connection| {
        let status = migrate::status(connection, &graph, &config.version_table)
            .await
            .map_err(CliError::from)?;
        // Drift means something only at head: before that, pending revisions explain it.
        let drift = if status.pending.is_empty() && status.unknown.is_empty() {
            autogen::drift(connection, &config).await
        } else {
            None
        };
        Ok((status, drift))
    })?;
    let heads = graph.names(graph.heads());
    if context.output.is_json() {
        let drift = match &drift {
            Some(Ok(ops)) => json!(
                ops.iter()
                    .map(|op| json!({"op": op.kind(), "table": op.table()}))
                    .collect::<Vec<_>>()
            ),
            _ => Value::Null,
        };
        context.output.document(&json!({
            "database": url.url.redacted(),
            "current": status.current,
            "heads": heads,
            "pending": status.pending,
            "modified": status.modified,
            "unknown": status.unknown,
            "drift": drift,
            "stopped": stopped::json(status.partial.as_ref()),
        }));
        return Ok(());
    }
    let list = |ids: &[String]| {
        if ids.is_empty() {
            "(none)".to_owned()
        } else {
            printable(&ids.join(", ")).into_owned()
        }
    };
    let out = &context.output;
    out.line(&format!(
        "Current: {}",
        if status.current.is_empty() {
            "base (nothing applied)".to_owned()
        } else {
            list(&status.current)
        }
    ));
    out.line(&format!("Heads: {}", list(&heads)));
    if status.pending.is_empty() {
        out.line("Pending: none, the database is up to date");
    } else {
        out.line(&format!(
            "Pending ({}), in apply order:",
            status.pending.len()
        ));
        for id in &status.pending {
            if let Some(node) = graph.node(id) {
                out.line(&format!(
                    "  {} {}",
                    revision_short(&graph, node),
                    printable(&graph.revision(node).message)
                ));
            }
        }
    }
    if !status.modified.is_empty() {
        out.line(&format!(
            "Modified since applied: {}",
            list(&status.modified)
        ));
        out.line("  `retort upgrade` refuses to run until the files are restored or the change is accepted with `--accept-checksum REV`");
    }
    if !status.unknown.is_empty() {
        out.line(&format!(
            "Applied but missing from the revision files: {}",
            list(&status.unknown)
        ));
    }
    match &drift {
        Some(Ok(ops)) if ops.is_empty() => out.line("Drift: none, the database matches the models"),
        Some(Ok(ops)) => out.line(&format!(
            "Drift: the models differ from the database by {} operation(s); `retort check` lists them, `retort autogenerate -m MSG` writes them",
            ops.len()
        )),
        Some(Err(error)) => out.line(&format!("Drift: not compared: {error}")),
        None => {}
    }
    if let Some(row) = &status.partial {
        stopped::print(out, row);
    }
    Ok(())
}
