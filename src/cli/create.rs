//! `create` / `revision -m` and `merge`: new revision files. The new file
//! is parsed and linked into the graph before it is written, so a command
//! never leaves a broken graph behind.

use serde_json::{Map, Value, json};

use retort::Config;
use retort::revision::RevisionId;
use retort::revision::file::{self, NewRevision, validate_label};
use retort::revision::graph::{Node, RevisionGraph};
use retort::revision::target::{Resolved, Target};

use crate::cli::Context;
use crate::cli::args::CreateArgs;
use crate::cli::error::CliError;
use crate::cli::init::write;
use crate::cli::output::{display_path, revision_json};

/// `create -m MSG [--head REV] [--splice] [--branch-label L] [--depends-on REV]`.
pub fn create(context: &Context, args: CreateArgs) -> Result<(), CliError> {
    let config = context.config()?;
    // Git keeps no empty directories, so a fresh clone of a new project lacks
    // `versions/`; the first revision creates it (see `write_revision`).
    let graph = if config.versions_dir().exists() {
        RevisionGraph::load(&config.versions_dir())?
    } else {
        RevisionGraph::build(Vec::new())?
    };
    let parents = match &args.head {
        None => single_head(&graph)?,
        Some(text) => {
            match graph.resolve_fixed(&text.parse::<Target>()?)? {
                Resolved::Base => Vec::new(),
                Resolved::Before(node) => graph.parents(node).to_vec(),
                Resolved::At(nodes) if nodes.len() == 1 => nodes,
                Resolved::At(_) => {
                    return Err(CliError::usage(
                    format!("`--head {text}` names several revisions"),
                    Some("a revision on several parents is a merge: `retort merge REV REV -m MSG`".to_owned()),
                ));
                }
            }
        }
    };
    if let Some(&parent) = parents.iter().find(|&&p| !graph.is_head(p))
        && !args.splice
    {
        {
            let id = &graph.revision(parent).id;
            return Err(CliError::usage(
                format!("`{id}` is not a head; a revision on it would start a new branch"),
                Some(format!(
                    "pass `--splice` to branch there on purpose, or build on `--head {id}@head`"
                )),
            ));
        }
    }
    let mut depends_on = Vec::new();
    for name in args.depends_on.iter().filter(|n| !n.trim().is_empty()) {
        depends_on.push(
            graph
                .revision(graph.resolve_name(name.trim())?)
                .id
                .0
                .clone(),
        );
    }
    let new = NewRevision {
        id: new_id(&graph, args.rev_id.as_deref())?,
        down_revisions: parents
            .iter()
            .map(|&p| graph.revision(p).id.clone())
            .collect(),
        message: args.message,
        create_date: jiff::Timestamp::now(),
        branch_labels: label(&graph, args.branch_label)?,
        depends_on,
        upgrade_sql: String::new(),
        downgrade_sql: String::new(),
    };
    write_revision(context, &config, &graph, &new, Map::new())
}

/// `merge heads -m MSG` / `merge REV REV -m MSG`.
pub fn merge(
    context: &Context,
    revs: &[String],
    message: Option<String>,
    branch_label: Option<String>,
    rev_id: Option<String>,
) -> Result<(), CliError> {
    let (config, graph) = context.project()?;
    let mut nodes: Vec<Node> = Vec::new();
    for rev in revs {
        if let Resolved::At(found) = graph.resolve_fixed(&rev.parse::<Target>()?)? {
            nodes.extend(
                found
                    .into_iter()
                    .filter(|n| !nodes.contains(n))
                    .collect::<Vec<_>>(),
            );
        }
    }
    if nodes.len() < 2 {
        return Err(CliError::usage(
            format!(
                "nothing to merge: {} names {} revision",
                revs.join(" "),
                nodes.len()
            ),
            Some("`retort heads` lists the heads; merge needs two or more".to_owned()),
        ));
    }
    for &node in &nodes {
        let ancestors = graph.ancestors(&[node]);
        if let Some(&inner) = nodes
            .iter()
            .find(|&&other| other != node && ancestors[other])
        {
            return Err(CliError::usage(
                format!(
                    "`{}` is an ancestor of `{}`; only revisions on separate branches can be merged",
                    graph.revision(inner).id,
                    graph.revision(node).id
                ),
                None,
            ));
        }
    }
    let ids = graph.names(&nodes);
    let new = NewRevision {
        id: new_id(&graph, rev_id.as_deref())?,
        down_revisions: nodes
            .iter()
            .map(|&n| graph.revision(n).id.clone())
            .collect(),
        message: message.unwrap_or_else(|| format!("merge {}", ids.join(", "))),
        create_date: jiff::Timestamp::now(),
        branch_labels: label(&graph, branch_label)?,
        depends_on: Vec::new(),
        upgrade_sql: String::new(),
        downgrade_sql: String::new(),
    };
    write_revision(context, &config, &graph, &new, Map::new())
}

/// The one head a new revision builds on (none in an empty project); with
/// several, an error: a new revision would silently start another.
fn single_head(graph: &RevisionGraph) -> Result<Vec<Node>, CliError> {
    match graph.heads() {
        [] => Ok(Vec::new()),
        [head] => Ok(vec![*head]),
        heads => Err(CliError::usage(
            format!(
                "there are {} heads ({}); a new revision would start yet another",
                heads.len(),
                graph.names(heads).join(", ")
            ),
            Some(
                "choose one with `--head REV` (e.g. `--head LABEL@head`), or merge them first: \
                 `retort merge heads -m \"merge heads\"`"
                    .to_owned(),
            ),
        )),
    }
}

/// An empty revision on the single head, for autogenerate to fill.
pub(crate) fn new_revision_on_head(
    graph: &RevisionGraph,
    message: String,
    rev_id: Option<&str>,
) -> Result<NewRevision, CliError> {
    Ok(NewRevision {
        id: new_id(graph, rev_id)?,
        down_revisions: single_head(graph)?
            .iter()
            .map(|&p| graph.revision(p).id.clone())
            .collect(),
        message,
        create_date: jiff::Timestamp::now(),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        upgrade_sql: String::new(),
        downgrade_sql: String::new(),
    })
}

fn new_id(graph: &RevisionGraph, wanted: Option<&str>) -> Result<RevisionId, CliError> {
    let id = match wanted {
        Some(text) => text
            .parse::<RevisionId>()
            .map_err(|e| CliError::usage(format!("invalid revision id `{text}`: {e}"), None))?,
        None => RevisionId::generate().map_err(CliError::RandomId)?,
    };
    if graph.node(id.as_str()).is_some() {
        return Err(CliError::usage(
            format!("revision `{id}` already exists"),
            None,
        ));
    }
    Ok(id)
}

fn label(graph: &RevisionGraph, label: Option<String>) -> Result<Vec<String>, CliError> {
    let Some(label) = label else {
        return Ok(Vec::new());
    };
    validate_label(&label)
        .map_err(|e| CliError::usage(format!("invalid branch label `{label}`: {e}"), None))?;
    if let Some(node) = graph.labelled(&label) {
        return Err(CliError::usage(
            format!(
                "branch label `{label}` already labels `{}`",
                graph.revision(node).id
            ),
            None,
        ));
    }
    Ok(vec![label])
}

pub(crate) fn write_revision(
    context: &Context,
    config: &Config,
    graph: &RevisionGraph,
    new: &NewRevision,
    extra: Map<String, Value>,
) -> Result<(), CliError> {
    let dir = config.versions_dir();
    let path = dir.join(file::file_name(&new.id, &new.message));
    let text = file::render(new);
    let revision = file::parse(&path, &text).map_err(CliError::NotParsedBack)?;
    let mut revisions = graph.revisions().to_vec();
    revisions.push(revision);
    let updated = RevisionGraph::build(revisions)?;
    std::fs::create_dir_all(&dir).map_err(|e| CliError::create(&dir, e))?;
    write(&path, &text)?;
    let node = updated.node(new.id.as_str()).unwrap_or_default();
    if context.output.is_json() {
        // `{"revisions": [REV]}`, and what the caller adds (autogenerate's
        // warnings).
        let mut document = Map::from_iter([(
            "revisions".to_owned(),
            json!([revision_json(&updated, node)]),
        )]);
        document.extend(extra);
        context.output.document(&Value::Object(document));
    } else {
        context.output.line(&display_path(&path));
        let on = if new.down_revisions.is_empty() {
            "as a new base".to_owned()
        } else {
            format!("on {}", updated.names(updated.parents(node)).join(", "))
        };
        context
            .output
            .progress(&format!("Created revision {} {on}", new.id));
    }
    Ok(())
}
