//! Commands that compare the declared schema with the database: `check`,
//! `autogenerate` (also `revision --autogenerate`) and `dump`. Both sides
//! become the portable model, the dialect normalises the models to what it
//! can store, and `diff` yields the operations between them.

use serde_json::{Value, json};

use retort::Config;
use retort::dialect::dialect;
use retort::diff::{Op, Renames, diff};
use retort::migrate;
use retort::migrate::connection::Connection;
use retort::migrate::tables::Tables;
use retort::models::{self, Source};
use retort::revision::RevisionGraph;
use retort::revision::file::NewRevision;
use retort::revision::plan::{self, Applied};
use retort::schema::Schema;
use retort::sql::write::{write_ops, write_schema};

use crate::cli::Context;
use crate::cli::args::AutogenerateArgs;
use crate::cli::create::{new_revision_on_head, write_revision};
use crate::cli::database::{migrate_error, runtime};
use crate::cli::error::CliError;

/// The live schema and the models, both normalised for the database.
struct Compared {
    database: Schema,
    models: Schema,
}

/// Reads both sides; refuses when the database is not at the head
/// revisions, where a difference would only mean "not upgraded yet".
fn compare(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
) -> Result<Compared, CliError> {
    let sources: Vec<Source> = config
        .models
        .iter()
        .map(|m| Source::from_config(m, &config.root))
        .collect();
    let mut models = models::load(&sources, &config.root).map_err(model_error)?;
    let url = context.url(Some(config))?;
    let dialect = dialect(url.url.dialect());
    dialect.normalize(&mut models);
    let database = runtime()?.block_on(async {
        let mut connection = context.connect(&url, Some(config)).await?;
        let result = read_database(&mut connection, config, graph).await;
        connection.close().await;
        result
    })?;
    Ok(Compared { database, models })
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
    let tables = Tables::new(dialect(connection.kind()), &config.version_table);
    connection
        .introspect(&[tables.version_name.clone(), tables.log_name.clone()])
        .await
        .map_err(|e| CliError::usage(e.to_string(), None))
}

/// For `status`: the operations between the database and the models, when
/// models declaring at least one table are configured (an empty `models/`
/// means none written yet, not "drop everything"). `Err` carries why they
/// could not be compared.
pub(crate) async fn drift(
    connection: &mut Connection,
    config: &Config,
) -> Option<Result<Vec<Op>, String>> {
    let sources: Vec<Source> = config
        .models
        .iter()
        .map(|m| Source::from_config(m, &config.root))
        .collect();
    let mut models = match models::load(&sources, &config.root) {
        Ok(models) if models.tables.is_empty() => return None,
        Ok(models) => models,
        Err(models::Error::None) => return None,
        Err(error) => return Some(Err(error.to_string())),
    };
    let dialect = dialect(connection.kind());
    dialect.normalize(&mut models);
    let tables = Tables::new(dialect, &config.version_table);
    Some(
        match connection
            .introspect(&[tables.version_name.clone(), tables.log_name.clone()])
            .await
        {
            Ok(database) => Ok(diff(&database, &models, Renames::Detect)),
            Err(error) => Err(error.to_string()),
        },
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
    let compared = compare(context, &config, &graph)?;
    let ops = diff(&compared.database, &compared.models, renames(no_renames));
    if context.output.is_json() {
        let operations: Vec<Value> = ops
            .iter()
            .map(|op| json!({"op": op.kind(), "table": op.table(), "sql": write_ops(std::slice::from_ref(op), &compared.database)}))
            .collect();
        context
            .output
            .document(&json!({"in_sync": ops.is_empty(), "operations": operations}));
    } else if ops.is_empty() {
        context.output.progress("The database matches the models.");
    } else {
        context.output.line(&write_ops(&ops, &compared.database));
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

/// `dump`: the live schema as portable DDL on stdout.
pub fn dump(context: &Context) -> Result<u8, CliError> {
    let config = context.config()?;
    let url = context.url(Some(&config))?;
    let schema = runtime()?.block_on(async {
        let mut connection = context.connect(&url, Some(&config)).await?;
        let tables = Tables::new(dialect(connection.kind()), &config.version_table);
        let result = connection
            .introspect(&[tables.version_name.clone(), tables.log_name.clone()])
            .await;
        connection.close().await;
        result.map_err(|e| CliError::usage(e.to_string(), None))
    })?;
    context.output.line(&write_schema(&schema));
    Ok(0)
}

/// `autogenerate -m MSG`: a revision from the database to the models.
pub fn autogenerate(context: &Context, args: AutogenerateArgs) -> Result<u8, CliError> {
    let (config, graph) = context.project()?;
    let compared = compare(context, &config, &graph)?;
    let ops = diff(
        &compared.database,
        &compared.models,
        renames(args.no_renames),
    );
    if ops.is_empty() && !args.empty {
        context
            .output
            .progress("No changes: the database matches the models; nothing written.");
        return Ok(0);
    }
    let mut notes = Vec::new();
    for op in &ops {
        match op {
            Op::RenameTable { from, to } => notes.push(format!("RENAME? table {from} -> {to}: a dropped and an added table of the same shape; check this is a rename (or use --no-renames)")),
            Op::RenameColumn { table, from, to } => notes.push(format!("RENAME? column {table}.{from} -> {to}: a dropped and an added column of the same shape; check this is a rename (or use --no-renames)")),
            op if op.is_destructive() => notes.push(format!("DESTRUCTIVE: {} on {} loses data", op.kind(), op.table().unwrap_or("?"))),
            Op::AlterColumn { from, to, table } if from.nullable && !to.nullable && to.default.is_none() => {
                notes.push(format!("DESTRUCTIVE: {table}.{} becomes NOT NULL without a default; it fails on a table with NULLs", to.name))
            }
            _ => {}
        }
    }
    for note in &notes {
        context.output.progress(&format!("warning: {note}"));
    }
    let down: Vec<Op> = ops.iter().rev().filter_map(Op::reverse).collect();
    let header: String = notes.iter().map(|n| format!("-- {n}\n")).collect();
    let new = NewRevision {
        upgrade_sql: format!("{header}{}", write_ops(&ops, &compared.database)),
        downgrade_sql: write_ops(&down, &compared.models),
        ..new_revision_on_head(&graph, args.message, args.rev_id.as_deref())?
    };
    write_revision(context, &config, &graph, &new)
}
