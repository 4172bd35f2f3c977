//! Commands that compare the declared schema with the database: `check`,
//! `autogenerate` (also `revision --autogenerate`) and `dump`. They resolve
//! the project and the URL, let `retort::autogen` compare, and print.

use serde_json::{Map, Value, json};

use retort::Config;
use retort::autogen::{self, Compared, Settings};
use retort::diff::Renames;
use retort::diff::review::Warning;
use retort::lint;
use retort::revision::RevisionGraph;
use retort::revision::file::{self, NewRevision};
use retort::sql::write::{write_ops, write_schema};

use crate::cli::Context;
use crate::cli::args::AutogenerateArgs;
use crate::cli::create::{new_revision_on_head, write_revision};
use crate::cli::error::CliError;
use crate::cli::output::display_path;

/// The models against the database `retort.toml` names; the library
/// refuses when the database is not at the head revisions, where a
/// difference would only mean "not upgraded yet".
fn compare(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
    renames: Renames,
) -> Result<Compared, CliError> {
    let models = autogen::load_models(config)?;
    let url = context.url(Some(config))?;
    let settings = Settings {
        renames,
        ..Settings::from_config(config)
    };
    context.with_connection(&url, Some(config), async |connection| {
        Ok(autogen::compare(connection, graph, &models, &settings).await?)
    })
}

/// `autogenerate --from-empty`: the models against an empty schema, with
/// no database: the first revision of a project, or a new baseline after
/// the revision files were removed (the seed's "Reset to baseline").
fn from_empty(config: &Config, graph: &RevisionGraph) -> Result<Compared, CliError> {
    // Refused before the models are read: a `cmd:` source may take a while.
    autogen::ensure_no_revisions(graph).map_err(|error| match error {
        autogen::Error::HasRevisions { count } => CliError::FromEmptyOnRevisions {
            dir: config.versions_dir(),
            count,
        },
        other => other.into(),
    })?;
    let models = autogen::load_models(config)?;
    Ok(autogen::from_empty(
        graph,
        &models,
        &Settings::from_config(config),
    )?)
}

fn renames(no_renames: bool) -> Renames {
    if no_renames {
        Renames::Ignore
    } else {
        Renames::Detect
    }
}

/// `check`: exit 1 listing the operations when models and database differ.
pub fn check(context: &Context, no_renames: bool) -> Result<(), CliError> {
    let (config, graph) = context.project()?;
    let Compared {
        database,
        ops,
        warnings,
        ..
    } = compare(context, &config, &graph, renames(no_renames))?;
    if context.output.is_json() {
        let operations: Vec<Value> = ops
            .iter()
            .map(|op| json!({"op": op.kind(), "table": op.table(), "sql": write_ops(std::slice::from_ref(op), &database)}))
            .collect();
        let mut document = Map::from_iter([
            ("in_sync".to_owned(), Value::from(ops.is_empty())),
            ("operations".to_owned(), Value::from(operations)),
        ]);
        document.extend(warnings_json(&warnings));
        context.output.document(&Value::Object(document));
    } else if ops.is_empty() {
        context.output.progress("The database matches the models.");
    } else {
        context.output.line(&write_ops(&ops, &database));
        warn(context, &warnings);
    }
    if ops.is_empty() {
        Ok(())
    } else {
        Err(CliError::ModelsDiffer { count: ops.len() })
    }
}

/// `warnings`, the lines as printed on stderr (the field `check` had
/// first), and `warning_details`, the same warnings as objects:
/// `{"kind": "destructive", "op": "drop_column", "table": "account",
/// "column": "balance", "message": "…"}` (`index` or `constraint` instead
/// of `column`, neither for a whole table; `renamed_to` for a rename).
fn warnings_json(warnings: &[Warning]) -> Map<String, Value> {
    let lines: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    let details: Vec<Value> = warnings
        .iter()
        .map(|warning| {
            let mut detail = Map::new();
            detail.insert("kind".into(), warning.kind.as_str().into());
            detail.insert("op".into(), warning.op.into());
            detail.insert("table".into(), warning.table.clone().into());
            if let Some((key, name)) = warning.subject.as_pair() {
                detail.insert(key.into(), name.into());
            }
            if let Some(to) = &warning.renamed_to {
                detail.insert("renamed_to".into(), to.clone().into());
            }
            detail.insert("message".into(), warning.message.clone().into());
            Value::Object(detail)
        })
        .collect();
    Map::from_iter([
        ("warnings".to_owned(), lines.into()),
        ("warning_details".to_owned(), details.into()),
    ])
}

fn warn(context: &Context, warnings: &[Warning]) {
    for warning in warnings {
        context.output.progress(&format!("warning: {warning}"));
    }
}

/// What `retort lint` finds in the new revision, for the URL's database, as
/// comments for the top of its upgrade section (docs/lint.md); nothing when
/// no URL names a database (`--from-empty` needs none).
fn lint_comments(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
    new: &NewRevision,
) -> Result<String, CliError> {
    let Ok(url) = context.url(Some(config)) else {
        return Ok(String::new());
    };
    let settings = lint::Settings::from_table(&config.lint).map_err(|e| {
        CliError::usage(
            format!("{}: {e}", display_path(&config.path)),
            e.help().map(str::to_owned),
        )
    })?;
    let path = config
        .versions_dir()
        .join(file::file_name(&new.id, &new.message));
    let revision = file::parse(&path, &file::render(new)).map_err(CliError::NotParsedBack)?;
    let database = retort::dialect::dialect(url.url.dialect());
    let findings = lint::lint_next(graph, &revision, database, &settings)?;
    Ok(findings
        .iter()
        .map(|f| {
            let statement = f.statement.lines().next().unwrap_or_default();
            format!(
                "-- lint {} [{}] on {}: `{statement}`: {}\n",
                f.severity,
                f.rule,
                f.dialect,
                f.problem.replace('\n', " ")
            )
        })
        .collect())
}

/// `dump`: the live schema as portable DDL on stdout (in JSON, with the
/// table names beside it).
pub fn dump(context: &Context) -> Result<(), CliError> {
    let config = context.config()?;
    let url = context.url(Some(&config))?;
    let settings = Settings::from_config(&config);
    let schema = context.with_connection(&url, Some(&config), async |connection| {
        Ok(autogen::introspect(connection, &settings).await?)
    })?;
    let sql = write_schema(&schema);
    if context.output.is_json() {
        let tables: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
        context.output.document(&json!({
            "database": url.url.redacted(),
            "tables": tables,
            "sql": sql,
        }));
    } else {
        context.output.line(&sql);
    }
    Ok(())
}

/// `autogenerate -m MSG`: a revision from the database to the models.
pub fn autogenerate(context: &Context, args: AutogenerateArgs) -> Result<(), CliError> {
    let (config, graph) = context.project()?;
    let compared = if args.from_empty {
        from_empty(&config, &graph)?
    } else {
        compare(context, &config, &graph, renames(args.no_renames))?
    };
    if compared.in_sync() && !args.empty {
        if context.output.is_json() {
            // One document on stdout whatever happened: no revision.
            let mut document = Map::from_iter([("revisions".to_owned(), json!([]))]);
            document.extend(warnings_json(&[]));
            context.output.document(&Value::Object(document));
        }
        context
            .output
            .progress("No changes: the database matches the models; nothing written.");
        if graph.is_empty() && !args.from_empty {
            context.output.progress(
                "note: there is no revision yet; `--from-empty` writes a first one that creates the whole schema",
            );
        }
        return Ok(());
    }
    warn(context, &compared.warnings);
    let header: String = compared
        .warnings
        .iter()
        .map(|w| format!("-- {w}\n"))
        .collect();
    let mut new = NewRevision {
        upgrade_sql: format!("{header}{}", compared.upgrade_sql()),
        downgrade_sql: compared.downgrade_sql(),
        ..new_revision_on_head(&graph, args.message, args.rev_id.as_deref())?
    };
    let findings = lint_comments(context, &config, &graph, &new)?;
    new.upgrade_sql = format!("{findings}{}", new.upgrade_sql);
    write_revision(
        context,
        &config,
        &graph,
        &new,
        warnings_json(&compared.warnings),
    )
}
