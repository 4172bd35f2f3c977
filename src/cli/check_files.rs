//! `check-files`: every revision file parses, its graph holds together, and
//! both of its sections render for each dialect the project runs on — all
//! offline, so a pre-commit hook or a CI step without a database can stop a
//! broken revision before it is merged (docs/revisions.md, "Checking the
//! files").

use serde_json::json;

use retort::DialectKind;
use retort::dialect;
use retort::migrate::{self, Operation};
use retort::revision::RevisionGraph;
use retort::revision::plan::Applied;
use retort::revision::target::Target;

use crate::cli::Context;
use crate::cli::database::settings;
use crate::cli::error::CliError;
use crate::cli::session::runtime;

/// `check-files [--dialect LIST]`.
pub fn check_files(context: &Context, names: &[String]) -> Result<(), CliError> {
    let (config, graph) = context.project()?;
    let dialects = dialects(context, &config, names)?;
    let settings = settings(&config, Vec::new(), false, false);
    for &kind in &dialects {
        // Up from base to every head, then down from every head to base:
        // each section of each file, rendered the way `--sql` prints it.
        let runs = [
            (Operation::Upgrade(target("heads")?), Applied::empty(&graph)),
            (
                Operation::Downgrade(target("base")?),
                Applied::at(&graph, graph.heads()),
            ),
        ];
        for (operation, start) in &runs {
            if graph.is_empty() {
                continue;
            }
            runtime()?
                .block_on(migrate::script(
                    &graph,
                    dialect::dialect(kind),
                    &settings,
                    operation,
                    start,
                    &mut |_| {},
                ))
                .map_err(CliError::from)?;
        }
    }
    report(context, &graph, &dialects);
    Ok(())
}

fn target(text: &str) -> Result<Target, CliError> {
    Ok(text.parse::<Target>()?)
}

/// `--dialect`, else the dialect of the URL when one is configured, else
/// all three: a hook on a machine without the URL still checks something.
fn dialects(
    context: &Context,
    config: &retort::Config,
    names: &[String],
) -> Result<Vec<DialectKind>, CliError> {
    if !names.is_empty() {
        return names
            .iter()
            .map(|name| {
                name.parse()
                    .map_err(|e| CliError::usage(format!("{e}"), None))
            })
            .collect();
    }
    Ok(match context.url(Some(config)) {
        Ok(url) => vec![url.url.dialect()],
        Err(_) => DialectKind::ALL.to_vec(),
    })
}

fn report(context: &Context, graph: &RevisionGraph, dialects: &[DialectKind]) {
    let names: Vec<&str> = dialects.iter().map(|d| d.as_str()).collect();
    let files = graph.order().len();
    if context.output.is_json() {
        context.output.document(&json!({
            "files": files,
            "dialects": names,
        }));
    } else {
        context.output.progress(&format!(
            "{files} revision file(s) parse and render for {}.",
            names.join(", ")
        ));
    }
}
