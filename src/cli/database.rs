//! Commands that move the database: `upgrade`, `downgrade`, `stamp` — and
//! their offline `--sql` forms, which only need the URL's dialect.

use std::time::Duration;

use serde_json::{Value, json};

use retort::Config;
use retort::DialectKind;
use retort::dialect;
use retort::migrate::{self, Event, Operation, Settings};
use retort::printable::printable;
use retort::revision::RevisionGraph;
use retort::revision::plan::{Applied, Purge};
use retort::revision::target::{Resolved, Target};

use crate::cli::Context;
use crate::cli::args::{MigrateArgs, OfflineArgs, RevArgs};
use crate::cli::error::CliError;
use crate::cli::progress::Progress;
use crate::cli::session::runtime;

/// `upgrade` and `downgrade`.
pub fn migrate_command(context: &Context, args: MigrateArgs, down: bool) -> Result<(), CliError> {
    let text = match (args.target.get(), down) {
        (Some(text), _) => text.to_owned(),
        (None, false) => "head".to_owned(),
        (None, true) if args.offline.sql => {
            return Err(CliError::usage(
                "an offline downgrade needs a range: where it starts and where it ends",
                Some("write START:END, e.g. `retort downgrade head:base --sql`".to_owned()),
            ));
        }
        (None, true) => {
            return Err(CliError::usage(
                "downgrade needs a target revision",
                Some("e.g. `retort downgrade -1`, `retort downgrade base` or `retort downgrade -r ae10`".to_owned()),
            ));
        }
    };
    let (config, graph) = context.project()?;
    let (start, target) = split_range(&text, args.offline.sql)?;
    let target: Target = target.parse()?;
    let operation = if down {
        Operation::Downgrade(target)
    } else {
        Operation::Upgrade(target)
    };
    let mut accept = Vec::new();
    for name in &args.accept_checksum {
        accept.push(graph.revision(graph.resolve_name(name)?).id.0.clone());
    }
    let settings = settings(&config, accept, args.resume, args.dry_run);
    if args.offline.sql {
        return offline(
            context,
            &config,
            &graph,
            &settings,
            &operation,
            start,
            &args.offline,
        );
    }
    live(context, &config, &graph, &settings, &operation)
}

/// `stamp REV [--purge]`.
pub fn stamp(
    context: &Context,
    target: RevArgs,
    purge: bool,
    offline_args: OfflineArgs,
) -> Result<(), CliError> {
    let Some(text) = target.get() else {
        return Err(CliError::usage(
            "stamp needs a target revision",
            Some("e.g. `retort stamp head`".to_owned()),
        ));
    };
    let (config, graph) = context.project()?;
    let (start, target) = split_range(text, offline_args.sql)?;
    let operation = Operation::Stamp(target.parse()?, if purge { Purge::Yes } else { Purge::No });
    let settings = settings(&config, Vec::new(), false, false);
    if offline_args.sql {
        return offline(
            context,
            &config,
            &graph,
            &settings,
            &operation,
            start,
            &offline_args,
        );
    }
    live(context, &config, &graph, &settings, &operation)
}

/// The run settings from the project file and the flags.
pub fn settings(config: &Config, accept: Vec<String>, resume: bool, dry_run: bool) -> Settings {
    Settings {
        version_table: config.version_table.clone(),
        transaction_per_migration: config.transaction_per_migration,
        lock_timeout: Duration::from_secs(config.lock_timeout_secs),
        accept,
        resume,
        dry_run,
    }
}

/// `START:END` is only for `--sql`, where there is no database to say where to start.
fn split_range(text: &str, offline: bool) -> Result<(Option<&str>, &str), CliError> {
    match text.split_once(':') {
        Some((start, end)) if offline => Ok((Some(start).filter(|s| !s.is_empty()), end)),
        Some(_) => Err(CliError::usage(
            format!("`{text}`: a START:END range only works with --sql"),
            Some("live runs start where the database is; name only the target".to_owned()),
        )),
        None => Ok((None, text)),
    }
}

fn live(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
    settings: &Settings,
    operation: &Operation,
) -> Result<(), CliError> {
    let url = context.url(Some(config))?;
    let database = dialect::dialect(url.url.dialect());
    if settings.dry_run && !database.transactional_ddl() {
        context.output.progress(&format!(
            "{} commit DDL implicitly, so a dry run cannot roll it back; this is the plan, not executed:",
            database.display_name()
        ));
        let rows = context.with_connection(&url, Some(config), async |connection| {
            migrate::current(connection, &config.version_table)
                .await
                .map_err(CliError::from)
        })?;
        let start = Applied::from_versions(graph, &rows)
            .map_err(|e| CliError::from(migrate::Error::from(e)))?;
        return offline_for(
            context,
            graph,
            settings,
            operation,
            url.url.dialect(),
            Start::State(start),
            true,
        );
    }
    let output = context.output;
    let reports = context.with_connection(&url, Some(config), async |connection| {
        let mut progress = Progress::new(output);
        let mut events = |event: Event| match event {
            Event::Planned { steps } => progress.start(steps),
            Event::Step(report) => {
                let verb = match report.direction {
                    retort::Direction::Up => "Applied",
                    retort::Direction::Down => "Reverted",
                };
                progress.step(&format!(
                    "{verb} {} {} ({} ms)",
                    printable(&report.revision),
                    printable(&report.message),
                    report.duration.as_millis()
                ));
            }
            Event::Statement { sql, .. } if settings.dry_run || output.verbose => {
                progress.say(&format!("  {sql};"))
            }
            Event::Statement { .. } => {}
            Event::Note(note) => progress.say(&printable(&note)),
            _ => {}
        };
        let result = migrate::migrate(connection, graph, settings, operation, &mut events).await;
        progress.finish();
        result.map_err(CliError::from)
    })?;
    if settings.dry_run {
        output.progress("Dry run: everything was rolled back.");
    }
    if output.is_json() {
        let steps: Vec<Value> = reports
            .iter()
            .map(|r| json!({"revision": r.revision, "direction": r.direction.as_str(), "duration_ms": r.duration.as_millis() as u64}))
            .collect();
        output.document(&json!({ "steps": steps }));
    } else if reports.is_empty() && !matches!(operation, Operation::Stamp(..)) {
        output.progress("Nothing to do.");
    }
    Ok(())
}

fn offline(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
    settings: &Settings,
    operation: &Operation,
    start: Option<&str>,
    args: &OfflineArgs,
) -> Result<(), CliError> {
    let kind: DialectKind = match &args.dialect {
        Some(name) => name
            .parse()
            .map_err(|e| CliError::usage(format!("{e}"), None))?,
        None => context
            .url(Some(config))
            .map_err(|e| {
                CliError::usage(
                    e.to_string(),
                    Some("pass `--dialect postgresql|mysql|sqlite`".to_owned()),
                )
            })?
            .url
            .dialect(),
    };
    offline_for(
        context,
        graph,
        settings,
        operation,
        kind,
        Start::Named(start),
        false,
    )
}

/// Where an offline script starts: a `START` the user named, or the database's state.
enum Start<'a> {
    Named(Option<&'a str>),
    State(Applied),
}

fn offline_for(
    context: &Context,
    graph: &RevisionGraph,
    settings: &Settings,
    operation: &Operation,
    kind: DialectKind,
    start: Start<'_>,
    as_plan: bool,
) -> Result<(), CliError> {
    let start_state = match start {
        Start::State(state) => state,
        Start::Named(None) => match operation {
            Operation::Downgrade(_) => {
                return Err(CliError::usage(
                    "an offline downgrade needs to know where it starts",
                    Some("write START:END, e.g. `retort downgrade head:base --sql`".to_owned()),
                ));
            }
            _ => Applied::empty(graph),
        },
        Start::Named(Some(text)) => match graph.resolve_fixed(&text.parse::<Target>()?)? {
            Resolved::At(nodes) => Applied::at(graph, &nodes),
            Resolved::Base => Applied::empty(graph),
            Resolved::Before(node) => Applied::at(graph, graph.parents(node)),
        },
    };
    let dialect = dialect::dialect(kind);
    let lines = runtime()?
        .block_on(migrate::script(
            graph,
            dialect,
            settings,
            operation,
            &start_state,
            &mut |_| {},
        ))
        .map_err(CliError::from)?;
    let mut text = format!(
        "-- retort {} script for {kind}\n",
        if as_plan { "plan" } else { "offline" }
    );
    for line in lines {
        if line.starts_with("-- ") {
            text.push('\n');
            text.push_str(&line);
            text.push('\n');
        } else {
            text.push_str(&line);
            text.push_str(";\n");
        }
    }
    if context.output.is_json() {
        context.output.document(&json!({ "sql": text }));
    } else {
        context.output.line(text.trim_end());
    }
    Ok(())
}
