//! Commands that talk to the database: `test-connection`, `current`,
//! `status`, `upgrade`, `downgrade`, `stamp` — and their offline `--sql`
//! forms, which only need the URL's dialect.

use std::time::Duration;

use serde_json::{Value, json};

use retort::Config;
use retort::DialectKind;
use retort::config::ResolvedUrl;
use retort::connection::Connection;
use retort::dialect;
use retort::migrate::{self, Event, Operation, Settings};
use retort::printable::printable;
use retort::revision::RevisionGraph;
use retort::revision::graph::Node;
use retort::revision::plan::{Applied, Purge};
use retort::revision::target::{Resolved, Target};

use crate::cli::Context;
use crate::cli::args::{MigrateArgs, OfflineArgs, RevArgs};
use crate::cli::error::CliError;
use crate::cli::output::revision_short;
use crate::cli::stopped;

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failed(format!("cannot start the async runtime: {e}"), None))
}

impl Context {
    /// The database URL in the resolution order of docs/revisions.md (`--url`, `DATABASE_URL`, `.env`, the file).
    /// Options retort does not know are named in a warning on stderr.
    pub fn url(&self, config: Option<&Config>) -> Result<ResolvedUrl, CliError> {
        // `var(..).ok()` would take a non-UTF-8 DATABASE_URL for an unset one
        // and quietly fall back to `.env` or `retort.toml`: another database.
        if let Err(std::env::VarError::NotUnicode(_)) = std::env::var("DATABASE_URL") {
            return Err(CliError::usage(
                "DATABASE_URL is not valid UTF-8; percent-encode the bytes that are not",
                None,
            ));
        }
        let env = |name: &str| std::env::var(name).ok();
        let resolved = match config {
            Some(config) => config.resolve_url(self.url_flag.as_deref(), env)?,
            None => retort::config::resolve_url_without_config(self.url_flag.as_deref(), env)?,
        };
        for name in &resolved.url.connect_options().unknown {
            self.output.warning(&format!(
                "the database URL option `{name}` is not one retort knows for {}; it is ignored",
                resolved.url.dialect()
            ));
        }
        Ok(resolved)
    }

    /// Names the database on stderr, then connects.
    pub(crate) async fn connect(
        &self,
        url: &ResolvedUrl,
        config: Option<&Config>,
    ) -> Result<Connection, CliError> {
        self.output.progress(&format!("Database: {}", url.url));
        let busy = Duration::from_secs(config.map_or(60, |c| c.lock_timeout_secs));
        Connection::connect(&url.url, busy)
            .await
            .map_err(|e| CliError::usage(e.to_string(), None))
    }
}

impl Context {
    /// Connects (naming the database), runs `work`, and closes the
    /// connection whatever `work` returns, so that no command leaves a
    /// server session to time out.
    pub(crate) fn with_connection<T>(
        &self,
        url: &ResolvedUrl,
        config: Option<&Config>,
        work: impl AsyncFnOnce(&mut Connection) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        runtime()?.block_on(async {
            let mut connection = self.connect(url, config).await?;
            let result = work(&mut connection).await;
            connection.close().await;
            result
        })
    }
}

/// `current`.
pub fn current(context: &Context) -> Result<u8, CliError> {
    let (config, graph) = context.project()?;
    let url = context.url(Some(&config))?;
    let rows = context.with_connection(&url, Some(&config), async |connection| {
        migrate::current(connection, &config.version_table)
            .await
            .map_err(migrate_error)
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
    Ok(0)
}

/// `status`.
pub fn status(context: &Context) -> Result<u8, CliError> {
    let (config, graph) = context.project()?;
    let url = context.url(Some(&config))?;
    let (status, drift) = context.with_connection(&url, Some(&config), async |connection| {
        let status = migrate::status(connection, &graph, &config.version_table)
            .await
            .map_err(migrate_error)?;
        // Drift means something only at head: before that, pending revisions explain it.
        let drift = if status.pending.is_empty() && status.unknown.is_empty() {
            crate::cli::schema::drift(connection, &config).await
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
        return Ok(0);
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
    Ok(0)
}

/// `upgrade` and `downgrade`.
pub fn migrate_command(context: &Context, args: MigrateArgs, down: bool) -> Result<u8, CliError> {
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
) -> Result<u8, CliError> {
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

fn settings(config: &Config, accept: Vec<String>, resume: bool, dry_run: bool) -> Settings {
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
) -> Result<u8, CliError> {
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
                .map_err(migrate_error)
        })?;
        let start = Applied::from_versions(graph, &rows).map_err(|e| migrate_error(e.into()))?;
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
        };
        let result = migrate::migrate(connection, graph, settings, operation, &mut events).await;
        progress.finish();
        result.map_err(migrate_error)
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
    Ok(0)
}

fn offline(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
    settings: &Settings,
    operation: &Operation,
    start: Option<&str>,
    args: &OfflineArgs,
) -> Result<u8, CliError> {
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
) -> Result<u8, CliError> {
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
        .map_err(migrate_error)?;
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
    Ok(0)
}

/// Maps a library error to the CLI's, keeping the detail a user acts on.
pub fn migrate_error(error: migrate::Error) -> CliError {
    use migrate::Error as E;
    let help = match &error {
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
        E::Unknown(_) => Some(
            "restore the missing revision file, or `retort stamp REV --purge` to set the version table by hand \
             (after removing every revision file: `retort stamp base --purge`, then \
             `retort autogenerate --from-empty -m MSG` and `retort stamp head` make a new baseline)".to_owned(),
        ),
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
    };
    // Paths in library errors are absolute; people read them relative to here.
    let mut message = error.to_string();
    if let Ok(cwd) = std::env::current_dir() {
        message = message.replace(&format!("{}/", cwd.display()), "");
    }
    if error.is_failure() {
        CliError::failed(message, help)
    } else {
        CliError::usage(message, help)
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

/// One line per step on stderr and, for longer runs on a terminal, a
/// progress bar below them.
struct Progress {
    output: crate::cli::output::Output,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Runs of more steps than this get a bar.
    const BAR_FROM: usize = 5;

    fn new(output: crate::cli::output::Output) -> Self {
        Progress { output, bar: None }
    }

    fn start(&mut self, steps: usize) {
        use std::io::IsTerminal;
        if steps > Self::BAR_FROM && !self.output.quiet && std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(steps as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} revisions {elapsed}")
            {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.output.progress(line)),
            None => self.output.progress(line),
        }
    }

    fn step(&self, line: &str) {
        self.say(line);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
