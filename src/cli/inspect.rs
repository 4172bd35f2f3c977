//! Commands that read the revision files only: `heads`, `branches`,
//! `show`, `history`.

use retort::printable::printable;
use retort::revision::graph::{Node, RevisionGraph};
use retort::revision::target::{Range, Resolved, Target};

use crate::cli::Context;
use crate::cli::drawing;
use crate::cli::error::CliError;
use crate::cli::output::{revision_line, revision_short};

/// `heads [--check]`.
pub fn heads(context: &Context, check: bool) -> Result<(), CliError> {
    let (_, graph) = context.project()?;
    let heads = graph.heads();
    context
        .output
        .revisions(&graph, heads, context.output.verbose);
    if check && heads.len() > 1 {
        return Err(CliError::SeveralHeads {
            heads: graph.names(heads),
        });
    }
    Ok(())
}

/// `branches`: every branch point and the revisions it branches into.
pub fn branches(context: &Context) -> Result<(), CliError> {
    let (_, graph) = context.project()?;
    let points: Vec<Node> = graph
        .order()
        .iter()
        .copied()
        .filter(|&n| graph.is_branch_point(n))
        .collect();
    if context.output.is_json() || context.output.verbose {
        context
            .output
            .revisions(&graph, &points, context.output.verbose);
        return Ok(());
    }
    for &point in &points {
        context.output.line(&revision_short(&graph, point));
        for &child in graph.children(point) {
            context
                .output
                .line(&format!("  -> {}", revision_short(&graph, child)));
        }
    }
    Ok(())
}

/// `show REV`.
pub fn show(context: &Context, rev: &str) -> Result<(), CliError> {
    let (_, graph) = context.project()?;
    let target: Target = rev.parse()?;
    let nodes = match graph.resolve_fixed(&target)? {
        Resolved::At(nodes) => nodes,
        Resolved::Base | Resolved::Before(_) => {
            return Err(CliError::usage(
                format!("`{rev}` is a place before a revision, not a revision"),
                Some("name a revision: an id, a prefix, a label, `head` or `heads`".to_owned()),
            ));
        }
    };
    context.output.revisions(&graph, &nodes, true);
    Ok(())
}

/// `history [-r RANGE] [--graph]`: newest first.
pub fn history(context: &Context, range: Option<&str>, draw: bool) -> Result<(), CliError> {
    let (_, graph) = context.project()?;
    let range: Range = match range {
        Some(text) => text.parse()?,
        None => Range {
            start: None,
            end: None,
        },
    };
    let nodes = select(&graph, &range)?;
    let output = &context.output;
    if draw && !output.is_json() {
        let describe = |n: Node| {
            format!(
                "{} {}",
                revision_short(&graph, n),
                printable(&graph.revision(n).message)
            )
        };
        for line in drawing::draw(&graph, &nodes, describe) {
            output.line(&line);
        }
    } else {
        output.revisions_with(&graph, &nodes, revision_line);
    }
    Ok(())
}

/// The revisions of a range, newest first, as Alembic selects them.
fn select(graph: &RevisionGraph, range: &Range) -> Result<Vec<Node>, CliError> {
    Ok(retort::revision::history::history(graph, range)?)
}
