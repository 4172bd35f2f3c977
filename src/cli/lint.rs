//! `retort lint`: which revisions, for which database, and the findings
//! shown as text (each statement under its problem, as miette shows
//! errors), one JSON document, or GitHub Actions annotations.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, GraphicalReportHandler, NamedSource, SourceSpan};
use serde_json::json;

use retort::DialectKind;
use retort::dialect;
use retort::lint::{self, Finding, Settings, Severity};
use retort::migrate;
use retort::revision::RevisionGraph;
use retort::revision::file;
use retort::revision::plan::Applied;

use crate::cli::Context;
use crate::cli::args::{Format, LintArgs};
use crate::cli::error::{CliError, report_handler};
use crate::cli::output::display_path;

/// `lint [FILE…] [--since REV | --all] [--dialect D]`.
pub fn lint(context: &Context, args: LintArgs) -> Result<(), CliError> {
    let config = match context.config() {
        Ok(config) => Some(config),
        // Files can be checked without a project, from an empty schema.
        Err(_) if !args.files.is_empty() => None,
        Err(error) => return Err(error),
    };
    let kind = match &args.dialect {
        Some(name) => name
            .parse::<DialectKind>()
            .map_err(|e| CliError::usage(e.to_string(), None))?,
        None => match context.url(config.as_ref()) {
            Ok(url) => url.url.dialect(),
            Err(_) => {
                return Err(CliError::usage(
                    "lint needs to know the database it checks for, and no URL names one",
                    Some(
                        "pass --dialect postgresql, mysql or sqlite (or --url, DATABASE_URL, \
                         `url` in retort.toml; lint does not connect)"
                            .to_owned(),
                    ),
                ));
            }
        },
    };
    let settings = match &config {
        Some(config) => Settings::from_table(&config.lint).map_err(|e| {
            CliError::usage(
                format!("{}: {e}", display_path(&config.path)),
                e.help().map(str::to_owned),
            )
        })?,
        None => Settings::default(),
    };
    let database = dialect::dialect(kind);
    let findings = match &config {
        Some(config) if args.pending => {
            let graph = RevisionGraph::load(&config.versions_dir())?;
            let url = context.url(Some(config))?;
            let rows = context.with_connection(&url, Some(config), async |connection| {
                migrate::current(connection, &config.version_table)
                    .await
                    .map_err(CliError::from)
            })?;
            let applied = Applied::from_versions(&graph, &rows)
                .map_err(|e| CliError::from(migrate::Error::from(e)))?;
            lint::lint(&graph, database, &settings, |n| !applied.contains(n))?
        }
        Some(config) => {
            let graph = RevisionGraph::load(&config.versions_dir())?;
            in_project(&graph, database, &settings, &args)?
        }
        None => {
            let revisions = read_files(&args.files)?;
            lint::lint_files(&revisions, database, &settings)?
        }
    };
    let mut findings = findings;
    if args.with_sizes {
        let url = context.url(config.as_ref())?;
        let rows = row_counts(context, config.as_ref(), &url, &findings)?;
        lint::rate_by_size(&mut findings, &rows);
    }
    show(context, kind, &findings);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Err(CliError::LintFailed { count: errors });
    }
    Ok(())
}

/// The rows of the tables the findings name: the catalog's estimates where
/// the database keeps them, else a count (SQLite). A table the database does
/// not have yet (a pending revision creates it) is left out.
fn row_counts(
    context: &Context,
    config: Option<&retort::Config>,
    url: &retort::config::ResolvedUrl,
    findings: &[Finding],
) -> Result<HashMap<String, u64>, CliError> {
    let database = dialect::dialect(url.url.dialect());
    let named: HashSet<&str> = findings.iter().filter_map(|f| f.table.as_deref()).collect();
    context.with_connection(url, config, async |connection| {
        let mut rows = HashMap::new();
        if let Some(query) = database.row_estimates_query() {
            for line in connection.strings(query).await? {
                if let Some((table, count)) = line.rsplit_once(' ')
                    && let Ok(count) = count.trim().parse::<u64>()
                {
                    rows.insert(table.to_owned(), count);
                }
            }
            return Ok(rows);
        }
        for table in named {
            if !connection.table_exists(table).await? {
                continue;
            }
            let counted = connection.strings(&database.row_count_query(table)).await?;
            if let Some(count) = counted.first().and_then(|c| c.trim().parse().ok()) {
                rows.insert(table.to_owned(), count);
            }
        }
        Ok(rows)
    })
}

/// The project's revisions: all, those after `--since`, or the files named
/// (a file outside the project is checked on its own).
fn in_project(
    graph: &RevisionGraph,
    database: &'static dyn dialect::Dialect,
    settings: &Settings,
    args: &LintArgs,
) -> Result<Vec<Finding>, CliError> {
    if let Some(since) = &args.since {
        let start = graph.resolve_name(since)?;
        let after = graph.descendants(&[start]);
        return Ok(lint::lint(graph, database, settings, |n| {
            n != start && after[n]
        })?);
    }
    if args.files.is_empty() {
        return Ok(lint::lint(graph, database, settings, |_| true)?);
    }
    let mut wanted: HashSet<PathBuf> = HashSet::new();
    let mut outside = Vec::new();
    for path in &args.files {
        let canonical = canonical(path)?;
        let known = graph
            .revisions()
            .iter()
            .any(|r| canonical_or_same(&r.path) == canonical);
        if known {
            wanted.insert(canonical);
        } else {
            outside.push(path.clone());
        }
    }
    let mut findings = lint::lint(graph, database, settings, |n| {
        wanted.contains(&canonical_or_same(&graph.revision(n).path))
    })?;
    let revisions = read_files(&outside)?;
    findings.extend(lint::lint_files(&revisions, database, settings)?);
    Ok(findings)
}

fn canonical(path: &Path) -> Result<PathBuf, CliError> {
    std::fs::canonicalize(path).map_err(|error| CliError::Io {
        action: "read",
        path: path.to_path_buf(),
        error,
    })
}

fn canonical_or_same(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn read_files(paths: &[PathBuf]) -> Result<Vec<file::Revision>, CliError> {
    paths
        .iter()
        .map(|path| {
            file::read(path).map_err(|e| {
                let at = e
                    .location()
                    .map_or_else(|| display_path(e.path()), ToString::to_string);
                CliError::usage(
                    format!("{at}: {}", e.message()),
                    e.help().map(str::to_owned),
                )
            })
        })
        .collect()
}

fn show(context: &Context, kind: DialectKind, findings: &[Finding]) {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    match context.output.format {
        Format::Json => {
            let list: Vec<_> = findings
                .iter()
                .map(|f| {
                    json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "dialect": f.dialect.as_str(),
                        "revision": f.revision,
                        "path": display_path(&f.path),
                        "line": f.line,
                        "statement": f.statement,
                        "problem": f.problem,
                        "safe": f.safe,
                    })
                })
                .collect();
            context.output.document(&json!({
                "dialect": kind.as_str(),
                "findings": list,
                "counts": {
                    "error": count(Severity::Error),
                    "warning": count(Severity::Warning),
                    "info": count(Severity::Info),
                },
            }));
        }
        Format::Github => {
            let mut all = String::new();
            for f in findings {
                let level = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "notice",
                };
                all.push_str(&format!(
                    "::{level} file={},line={},title={}::{}\n",
                    property(&display_path(&f.path)),
                    f.line,
                    property(f.rule),
                    message(&format!("{}\nSafe way: {}", f.problem, f.safe))
                ));
            }
            anstream::print!("{all}");
        }
        Format::Text => {
            let handler = report_handler(std::io::stdout().is_terminal());
            let mut all = String::new();
            for f in findings {
                render(&handler, f, &mut all);
            }
            all.push_str(&format!(
                "{} error(s), {} warning(s), {} note(s) for {kind}\n",
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            ));
            anstream::print!("{all}");
        }
    }
}

/// A workflow command's message: `%`, CR and LF escaped
/// (<https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions>).
fn message(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,` escaped.
fn property(text: &str) -> String {
    message(text).replace(':', "%3A").replace(',', "%2C")
}

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
struct Shown {
    message: String,
    #[source_code]
    code: NamedSource<String>,
    #[label("{rule}")]
    span: SourceSpan,
    rule: &'static str,
    #[help]
    help: String,
    #[diagnostic(severity)]
    severity: miette::Severity,
}

fn render(handler: &GraphicalReportHandler, f: &Finding, out: &mut String) {
    let name = display_path(&f.path);
    let severity = match f.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let message = format!("{} [{}]: {}", f.severity, f.rule, f.problem);
    let help = format!("safe way: {}", f.safe);
    // The file is read again only to show the statement; the location alone
    // still names the place when that fails.
    let text = std::fs::read_to_string(&f.path).ok();
    let span = text
        .as_deref()
        .and_then(|t| span_of(t, f.line, &f.statement));
    if let (Some(text), Some(span)) = (text, span) {
        let shown = Shown {
            message: message.clone(),
            code: NamedSource::new(name.clone(), text),
            span,
            rule: f.rule,
            help: help.clone(),
            severity,
        };
        if handler.render_report(out, &shown).is_ok() {
            out.push('\n');
            return;
        }
    }
    out.push_str(&format!(
        "{message}\n  --> {name}:{}\n  {}\n  {help}\n\n",
        f.line, f.statement
    ));
}

/// Where the statement stands in the file: from its line, its text.
fn span_of(text: &str, line: usize, statement: &str) -> Option<SourceSpan> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = text.get(start..)?;
    match rest.find(statement) {
        Some(at) if !statement.is_empty() => Some((start + at, statement.len()).into()),
        _ => Some((start, rest.find('\n').unwrap_or(rest.len())).into()),
    }
}
