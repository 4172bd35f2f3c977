//! Commands that compare the declared schema with the database: `check`,
//! `autogenerate` (also `revision --autogenerate`) and `dump`. Both sides
//! become the portable model, the dialect normalises the models to what it
//! can store, and `diff` yields the operations between them.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use retort::Config;
use retort::connection::Connection;
use retort::dialect::dialect;
use retort::diff::declared::as_declared;
use retort::diff::review::{self, Rows, Warning};
use retort::diff::{Renames, diff};
use retort::migrate;
use retort::migrate::tables::Tables;
use retort::models::{self, Source};
use retort::op::Op;
use retort::revision::RevisionGraph;
use retort::revision::file::NewRevision;
use retort::revision::plan::{self, Applied};
use retort::schema::Schema;
use retort::sql::write::{write_ops, write_schema};

use crate::cli::Context;
use crate::cli::args::AutogenerateArgs;
use crate::cli::create::{new_revision_on_head, write_revision};
use crate::cli::database::migrate_error;
use crate::cli::error::CliError;

/// The live schema and the models, both normalised for the database, the
/// operations between them and what a reviewer must look at.
struct Compared {
    database: Schema,
    models: Schema,
    ops: Vec<Op>,
    warnings: Vec<Warning>,
}

/// Reads both sides; refuses when the database is not at the head
/// revisions, where a difference would only mean "not upgraded yet".
fn compare(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
    renames: Renames,
) -> Result<Compared, CliError> {
    let declared = load_models(config)?;
    let url = context.url(Some(config))?;
    let mut models = declared.clone();
    dialect(url.url.dialect()).normalize(&mut models);
    context.with_connection(&url, Some(config), async |connection| {
        let database = read_database(connection, config, graph).await?;
        let ops = as_declared(diff(&database, &models, renames), &declared);
        let warnings = review(connection, &ops).await;
        Ok(Compared {
            database,
            models,
            ops,
            warnings,
        })
    })
}

/// `autogenerate --from-empty`: the models against an empty schema, with
/// no database: the first revision of a project, or a new baseline after
/// the revision files were removed (the seed's "Reset to baseline").
/// Refused on top of other revisions, whose tables it would create again.
fn from_empty(config: &Config, graph: &RevisionGraph) -> Result<Compared, CliError> {
    if !graph.is_empty() {
        return Err(CliError::usage(
            format!(
                "--from-empty writes a first revision, but {} already holds {} revision(s)",
                config.versions_dir().display(),
                graph.len()
            ),
            Some(
                "move the old revision files away first, or autogenerate against the database \
                 without --from-empty"
                    .to_owned(),
            ),
        ));
    }
    let models = load_models(config)?;
    let empty = Schema::default();
    Ok(Compared {
        ops: diff(&empty, &models, Renames::Ignore),
        database: empty,
        models,
        warnings: Vec::new(),
    })
}

/// The models, without the tables `exclude_tables` leaves alone.
fn load_models(config: &Config) -> Result<Schema, CliError> {
    let mut models = models::load(&sources(config), &config.root).map_err(model_error)?;
    config.exclude_tables.apply(&mut models);
    Ok(models)
}

fn sources(config: &Config) -> Vec<Source> {
    config
        .models
        .iter()
        .map(|m| Source::from_config(m, &config.root))
        .collect()
}

/// The warnings for `ops`, with the rows they depend on read from the
/// database.
async fn review(connection: &mut Connection, ops: &[Op]) -> Vec<Warning> {
    let mut answers = HashMap::new();
    for probe in review::probes(ops, dialect(connection.kind())) {
        let rows = match connection.strings(&probe.sql).await {
            Ok(rows) if rows.is_empty() => Rows::None,
            Ok(_) => Rows::Found,
            Err(error) => Rows::Unknown(error.to_string()),
        };
        answers.insert(probe.op, rows);
    }
    review::warnings(ops, |op| answers.get(&op).cloned().unwrap_or(Rows::None))
}

/// The live schema without retort's own tables and those `exclude_tables`
/// leaves alone.
async fn introspect(connection: &mut Connection, config: &Config) -> Result<Schema, String> {
    let tables = Tables::new(dialect(connection.kind()), &config.version_table);
    let mut schema = connection
        .introspect(&[tables.version_name.clone(), tables.log_name.clone()])
        .await
        .map_err(|e| e.to_string())?;
    config.exclude_tables.apply(&mut schema);
    Ok(schema)
}

async fn read_database(
    connection: &mut Connection,
    config: &Config,
    graph: &RevisionGraph,
) -> Result<Schema, CliError> {
    let rows = migrate::current(connection, &config.version_table)
        .await
        .map_err(migrate_error)?;
    let applied = Applied::from_versions(graph, &rows).map_err(|e| migrate_error(e.into()))?;
    let pending = plan::pending(graph, &applied);
    if !pending.is_empty() {
        return Err(CliError::failed(
            format!(
                "the database is not at head: {} revision(s) pending ({})",
                pending.len(),
                graph.names(&pending).join(", ")
            ),
            Some("run `retort upgrade` first, so that only model changes are compared".to_owned()),
        ));
    }
    introspect(connection, config)
        .await
        .map_err(|e| CliError::usage(e, None))
}

/// For `status`: the operations between the database and the models, when
/// models declaring at least one table are configured (an empty `models/`
/// means none written yet, not "drop everything"). `Err` carries why they
/// could not be compared.
pub(crate) async fn drift(
    connection: &mut Connection,
    config: &Config,
) -> Option<Result<Vec<Op>, String>> {
    let mut models = match models::load(&sources(config), &config.root) {
        Ok(models) if models.tables.is_empty() => return None,
        Ok(models) => models,
        Err(models::Error::None) => return None,
        Err(error) => return Some(Err(error.to_string())),
    };
    config.exclude_tables.apply(&mut models);
    dialect(connection.kind()).normalize(&mut models);
    Some(
        introspect(connection, config)
            .await
            .map(|database| diff(&database, &models, Renames::Detect)),
    )
}

fn model_error(error: models::Error) -> CliError {
    let help = match &error {
        models::Error::Parse { help, .. } => help.clone(),
        models::Error::None => Some("list schema sources in `models` in retort.toml".to_owned()),
        _ => None,
    };
    CliError::usage(error.to_string(), help)
}

fn renames(no_renames: bool) -> Renames {
    if no_renames {
        Renames::Ignore
    } else {
        Renames::Detect
    }
}

/// `check`: exit 1 listing the operations when models and database differ.
pub fn check(context: &Context, no_renames: bool) -> Result<u8, CliError> {
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
        Ok(0)
    } else {
        Err(CliError::failed(
            format!(
                "the database and the models differ: {} operation(s)",
                ops.len()
            ),
            Some("`retort autogenerate -m MSG` writes them into a revision".to_owned()),
        ))
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

/// `dump`: the live schema as portable DDL on stdout.
pub fn dump(context: &Context) -> Result<u8, CliError> {
    let config = context.config()?;
    let url = context.url(Some(&config))?;
    let schema = context.with_connection(&url, Some(&config), async |connection| {
        introspect(connection, &config)
            .await
            .map_err(|e| CliError::usage(e, None))
    })?;
    context.output.line(&write_schema(&schema));
    Ok(0)
}

/// `autogenerate -m MSG`: a revision from the database to the models.
pub fn autogenerate(context: &Context, args: AutogenerateArgs) -> Result<u8, CliError> {
    let (config, graph) = context.project()?;
    let compared = if args.from_empty {
        from_empty(&config, &graph)?
    } else {
        compare(context, &config, &graph, renames(args.no_renames))?
    };
    let ops = &compared.ops;
    if ops.is_empty() && !args.empty {
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
        return Ok(0);
    }
    warn(context, &compared.warnings);
    let down: Vec<Op> = ops.iter().rev().filter_map(Op::reverse).collect();
    let header: String = compared
        .warnings
        .iter()
        .map(|w| format!("-- {w}\n"))
        .collect();
    let new = NewRevision {
        upgrade_sql: format!("{header}{}", write_ops(ops, &compared.database)),
        downgrade_sql: write_ops(&down, &compared.models),
        ..new_revision_on_head(&graph, args.message, args.rev_id.as_deref())?
    };
    write_revision(
        context,
        &config,
        &graph,
        &new,
        warnings_json(&compared.warnings),
    )
}
