//! How results look: text for people (coloured only on a terminal, never
//! with `NO_COLOR`), one JSON document for scripts (docs/json.md). Results go to
//! stdout, progress to stderr.

use std::path::Path;

use anstyle::{AnsiColor, Style};
use serde_json::{Value, json};

use crate::cli::args::Format;
use retort::printable::printable;
use retort::revision::graph::{Node, RevisionGraph};

const ID: Style = AnsiColor::Yellow.on_default();
const MARK: Style = Style::new().bold();

/// Where results and progress go, and in which form.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub format: Format,
    pub quiet: bool,
    pub verbose: bool,
}

impl Output {
    /// True when results are JSON.
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// A result line (text mode).
    pub fn line(&self, text: &str) {
        anstream::println!("{text}");
    }

    /// The one JSON document of a command.
    pub fn document(&self, value: &Value) {
        // Serialising a `Value` cannot fail.
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        anstream::println!("{text}");
    }

    /// A warning on stderr, shown even with `-q`.
    pub fn warning(&self, text: &str) {
        anstream::eprintln!("warning: {text}");
    }

    /// A progress or status message for people, on stderr.
    pub fn progress(&self, text: &str) {
        if !self.quiet {
            anstream::eprintln!("{text}");
        }
    }

    /// `{"revisions": [...]}` in JSON, or one block per revision in text.
    pub fn revisions(&self, graph: &RevisionGraph, nodes: &[Node], verbose: bool) {
        if verbose {
            self.revisions_with(graph, nodes, revision_verbose);
        } else {
            self.revisions_with(graph, nodes, revision_short);
        }
    }

    /// Like [`revisions`](Self::revisions), with the text form of each chosen by the caller;
    /// `-v` always shows everything.
    pub fn revisions_with(
        &self,
        graph: &RevisionGraph,
        nodes: &[Node],
        text: fn(&RevisionGraph, Node) -> String,
    ) {
        if self.is_json() {
            let list: Vec<Value> = nodes.iter().map(|&n| revision_json(graph, n)).collect();
            self.document(&json!({ "revisions": list }));
            return;
        }
        let text = if self.verbose { revision_verbose } else { text };
        // One print for the whole list: a print per line costs a terminal
        // check and a `write` each, which shows on 10,000 revisions.
        let mut all = String::new();
        for &node in nodes {
            all.push_str(&text(graph, node));
            all.push('\n');
        }
        if !all.is_empty() {
            anstream::print!("{all}");
        }
    }
}

/// A path relative to the current directory when it lies below it.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative.as_deref().unwrap_or(path).display().to_string()
}

/// The `REV` object of docs/json.md.
pub fn revision_json(graph: &RevisionGraph, node: Node) -> Value {
    let revision = graph.revision(node);
    json!({
        "revision": revision.id.0,
        "down_revisions": graph.names(graph.parents(node)),
        "message": revision.message,
        "create_date": revision.create_date,
        "branch_labels": revision.branch_labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        "depends_on": graph.names(graph.dependencies(node)),
        "path": display_path(&revision.path),
        "is_head": graph.is_head(node),
        "is_base": graph.parents(node).is_empty(),
        "is_merge": graph.parents(node).len() > 1,
        "is_branch_point": graph.is_branch_point(node),
    })
}

fn id(graph: &RevisionGraph, node: Node) -> String {
    format!("{ID}{}{ID:#}", printable(&graph.revision(node).id.0))
}

/// `(billing) (head) (branchpoint) (mergepoint)` markers.
fn markers(graph: &RevisionGraph, node: Node) -> String {
    let mut text = String::new();
    let labels = graph.labels_of(node);
    if !labels.is_empty() {
        text.push_str(&format!(" ({})", printable(&labels.join(", "))));
    }
    for (flag, name) in [
        (graph.is_head(node), "head"),
        (graph.is_branch_point(node), "branchpoint"),
        (graph.parents(node).len() > 1, "mergepoint"),
    ] {
        if flag {
            text.push_str(&format!(" {MARK}({name}){MARK:#}"));
        }
    }
    text
}

/// `ae1027a6acf0 (head)`: how `heads`, `current` and `branches` name one.
pub fn revision_short(graph: &RevisionGraph, node: Node) -> String {
    format!("{}{}", id(graph, node), markers(graph, node))
}

/// `1975ea83b712 -> ae1027a6acf0 (head), add account`: a history line.
pub fn revision_line(graph: &RevisionGraph, node: Node) -> String {
    let parents = graph.parents(node);
    let from = match parents {
        [] => "<base>".to_owned(),
        [parent] => id(graph, *parent),
        many => format!(
            "({})",
            many.iter()
                .map(|&p| id(graph, p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let message = printable(&graph.revision(node).message);
    format!(
        "{from} -> {}{}, {message}",
        id(graph, node),
        markers(graph, node)
    )
}

/// Everything about one revision, as `show` and `-v` print it.
pub fn revision_verbose(graph: &RevisionGraph, node: Node) -> String {
    let revision = graph.revision(node);
    let names = |nodes: &[Node]| {
        nodes
            .iter()
            .map(|&n| id(graph, n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!("Rev: {}\n", revision_short(graph, node));
    let parents = graph.parents(node);
    if parents.is_empty() {
        text.push_str("Parent: <base>\n");
    } else {
        text.push_str(&format!(
            "{}: {}\n",
            if parents.len() > 1 {
                "Merges"
            } else {
                "Parent"
            },
            names(parents)
        ));
    }
    if !graph.dependencies(node).is_empty() {
        text.push_str(&format!(
            "Depends on: {}\n",
            names(graph.dependencies(node))
        ));
    }
    if graph.is_branch_point(node) {
        text.push_str(&format!("Branches into: {}\n", names(graph.children(node))));
    }
    if !revision.branch_labels.is_empty() {
        let labels: Vec<&str> = revision
            .branch_labels
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        text.push_str(&format!(
            "Branch labels: {}\n",
            printable(&labels.join(", "))
        ));
    }
    text.push_str(&format!(
        "Path: {}\n",
        printable(&display_path(&revision.path))
    ));
    if let Some(date) = &revision.create_date {
        text.push_str(&format!("Create Date: {}\n", printable(date)));
    }
    text.push_str(&format!("\n    {}\n", printable(&revision.message)));
    text
}
