//! The revision DAG: every file of the versions directory, linked by
//! `Revises:` (parents) and `Depends On:` (dependencies), checked as a whole
//! and ordered once. Identifier resolution (`target`) and planning (`plan`)
//! only read it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::path::Path;

use crate::revision::Location;
use crate::revision::file::{self, Reference, Revision};

/// A node of the graph: an index into [`RevisionGraph::revisions`].
pub type Node = usize;

/// One thing wrong with the revision files or the graph they form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, when it is in one file.
    pub location: Option<Location>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where there is a known fix.
    pub help: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl From<file::Error> for Problem {
    fn from(error: file::Error) -> Self {
        Problem {
            location: error.location().cloned(),
            help: error.help().map(str::to_owned),
            message: match error {
                file::Error::Malformed { message, .. } => message,
                other => other.to_string(),
            },
        }
    }
}

/// Every problem found in the revision files, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem{} in the revision files", problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[non_exhaustive]
pub struct Error {
    /// Each problem, in the order of the files.
    pub problems: Vec<Problem>,
}

/// The revision DAG built from every file in the versions directory.
#[derive(Debug)]
pub struct RevisionGraph {
    revisions: Vec<Revision>,
    by_id: HashMap<String, Node>,
    /// Ids sorted, for prefix look-ups by binary search.
    sorted_ids: Vec<(String, Node)>,
    labels: HashMap<String, Node>,
    parents: Vec<Vec<Node>>,
    dependencies: Vec<Vec<Node>>,
    children: Vec<Vec<Node>>,
    dependents: Vec<Vec<Node>>,
    /// Parents plus the dependencies no ancestor has (see `lineage`).
    normalized_down: Vec<Vec<Node>>,
    /// Topological order: every node after its parents and dependencies.
    order: Vec<Node>,
    position: Vec<usize>,
    /// For [`labels_of`](Self::labels_of): the nearest node at or above each
    /// node along its line (single parent, itself with a single child) that
    /// has branch labels, so a query skips unlabelled stretches.
    labelled_above: Vec<Option<Node>>,
    heads: Vec<Node>,
    bases: Vec<Node>,
}

impl RevisionGraph {
    /// Reads and checks every revision file in `dir`.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let (revisions, errors) = file::load_dir(dir);
        Self::from_parsed(revisions, errors)
    }

    /// Builds the graph from parsed revisions, or reports the files that did
    /// not parse together with what the graph checks find in the rest.
    pub fn from_parsed(revisions: Vec<Revision>, errors: Vec<file::Error>) -> Result<Self, Error> {
        if !errors.is_empty() {
            let mut problems: Vec<Problem> = errors.into_iter().map(Problem::from).collect();
            // The graph checks still run so the user sees every problem at once.
            if let Err(graph) = Self::build(revisions) {
                problems.extend(graph.problems);
            }
            return Err(Error { problems });
        }
        Self::build(revisions)
    }

    /// Links and checks parsed revisions: duplicate ids, unknown parents or
    /// dependencies, labels used twice and cycles are all reported together.
    pub fn build(revisions: Vec<Revision>) -> Result<Self, Error> {
        let mut problems = Vec::new();
        let mut by_id: HashMap<String, Node> = HashMap::with_capacity(revisions.len());
        let mut keep = Vec::with_capacity(revisions.len());
        for revision in revisions {
            let id = revision.id.0.clone();
            if let Some(&first) = by_id.get(&id) {
                let first: &Revision = &keep[first];
                problems.push(Problem {
                    location: Some(revision.id_location.clone()),
                    message: format!("duplicate revision id `{id}`"),
                    help: Some(format!(
                        "`{id}` is already the id of {}; give one of them a new id (`retort create` makes fresh ones)",
                        first.path.display()
                    )),
                });
                continue;
            }
            by_id.insert(id, keep.len());
            keep.push(revision);
        }
        let revisions = keep;

        let mut labels: HashMap<String, Node> = HashMap::new();
        for (node, revision) in revisions.iter().enumerate() {
            for label in &revision.branch_labels {
                if let Some(&other) = labels.get(&label.name) {
                    problems.push(Problem {
                        location: Some(label.location.clone()),
                        message: format!("branch label `{}` is used twice", label.name),
                        help: Some(format!(
                            "it already labels `{}` in {}",
                            revisions[other].id.0,
                            revisions[other].path.display()
                        )),
                    });
                } else if by_id.contains_key(&label.name) {
                    problems.push(Problem {
                        location: Some(label.location.clone()),
                        message: format!("branch label `{}` is also a revision id", label.name),
                        help: Some("choose a label that no revision id equals".into()),
                    });
                } else {
                    labels.insert(label.name.clone(), node);
                }
            }
        }

        let mut sorted_ids: Vec<(String, Node)> =
            by_id.iter().map(|(id, &node)| (id.clone(), node)).collect();
        sorted_ids.sort_unstable();

        let n = revisions.len();
        let mut parents = vec![Vec::new(); n];
        let mut dependencies = vec![Vec::new(); n];
        for (node, revision) in revisions.iter().enumerate() {
            for reference in &revision.down_revisions {
                match by_id.get(&reference.name) {
                    Some(&parent) => push_unique(&mut parents[node], parent),
                    None => {
                        problems.push(unknown_reference("parent revision", reference, &sorted_ids))
                    }
                }
            }
            for reference in &revision.depends_on {
                // Alembic lets `depends_on` name a branch label as well as an id.
                match by_id
                    .get(&reference.name)
                    .or_else(|| labels.get(&reference.name))
                {
                    Some(&dependency) => push_unique(&mut dependencies[node], dependency),
                    None => problems.push(unknown_reference("dependency", reference, &sorted_ids)),
                }
            }
        }

        let mut children = vec![Vec::new(); n];
        let mut dependents = vec![Vec::new(); n];
        for node in 0..n {
            for &parent in &parents[node] {
                children[parent].push(node);
            }
            for &dependency in &dependencies[node] {
                dependents[dependency].push(node);
            }
        }

        let order =
            match topological_order(&revisions, &parents, &dependencies, &children, &dependents) {
                Ok(order) => order,
                Err(cycle_nodes) => {
                    problems.extend(describe_cycles(
                        &revisions,
                        &parents,
                        &dependencies,
                        &cycle_nodes,
                    ));
                    Vec::new()
                }
            };
        if !problems.is_empty() {
            return Err(Error { problems });
        }
        let mut position = vec![0; n];
        for (index, &node) in order.iter().enumerate() {
            position[node] = index;
        }
        // Parents come first in `order`, so each parent's entry is ready.
        let mut labelled_above = vec![None; n];
        for &node in &order {
            labelled_above[node] = if !revisions[node].branch_labels.is_empty() {
                Some(node)
            } else {
                match parents[node].as_slice() {
                    [parent] if children[*parent].len() == 1 => labelled_above[*parent],
                    _ => None,
                }
            };
        }
        let heads = order
            .iter()
            .copied()
            .filter(|&node| children[node].is_empty())
            .collect();
        let bases = order
            .iter()
            .copied()
            .filter(|&node| parents[node].is_empty())
            .collect();
        let normalized_down = normalized_down(&parents, &dependencies);
        Ok(RevisionGraph {
            normalized_down,
            revisions,
            by_id,
            sorted_ids,
            labels,
            parents,
            dependencies,
            children,
            dependents,
            order,
            position,
            labelled_above,
            heads,
            bases,
        })
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// True when the versions directory holds no revision.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// Every revision, indexed by node.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The revision of a node.
    pub fn revision(&self, node: Node) -> &Revision {
        &self.revisions[node]
    }

    /// The node of an exact id.
    pub fn node(&self, id: &str) -> Option<Node> {
        self.by_id.get(id).copied()
    }

    /// The node carrying a branch label.
    pub fn labelled(&self, label: &str) -> Option<Node> {
        self.labels.get(label).copied()
    }

    /// Nodes whose id starts with `prefix`, in id order.
    pub fn with_prefix(&self, prefix: &str) -> Vec<Node> {
        let start = self
            .sorted_ids
            .partition_point(|(id, _)| id.as_str() < prefix);
        self.sorted_ids[start..]
            .iter()
            .take_while(|(id, _)| id.starts_with(prefix))
            .map(|&(_, node)| node)
            .collect()
    }

    /// Every revision id, sorted (for suggestions).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.sorted_ids.iter().map(|(id, _)| id.as_str())
    }

    /// Parents (`Revises:`), in the order the file lists them.
    pub fn parents(&self, node: Node) -> &[Node] {
        &self.parents[node]
    }

    /// Dependencies (`Depends On:`).
    pub fn dependencies(&self, node: Node) -> &[Node] {
        &self.dependencies[node]
    }

    /// Parents, then the dependencies no revision above already has:
    /// what a version-table row moves to when this revision is reverted.
    pub(crate) fn normalized_down(&self, node: Node) -> &[Node] {
        &self.normalized_down[node]
    }

    /// Revisions that name this one in `Revises:`.
    pub fn children(&self, node: Node) -> &[Node] {
        &self.children[node]
    }

    /// Revisions that name this one in `Depends On:`.
    pub fn dependents(&self, node: Node) -> &[Node] {
        &self.dependents[node]
    }

    /// Revisions nothing revises, in topological order.
    pub fn heads(&self) -> &[Node] {
        &self.heads
    }

    /// Revisions that revise nothing, in topological order.
    pub fn bases(&self) -> &[Node] {
        &self.bases
    }

    /// Every node, parents and dependencies before the revisions that need them.
    pub fn order(&self) -> &[Node] {
        &self.order
    }

    /// A node's index in [`order`](Self::order).
    pub fn position(&self, node: Node) -> usize {
        self.position[node]
    }

    /// True when the revision has more than one child.
    pub fn is_branch_point(&self, node: Node) -> bool {
        self.children[node].len() > 1
    }

    /// True when nothing revises the revision.
    pub fn is_head(&self, node: Node) -> bool {
        self.children[node].is_empty()
    }

    /// Branch labels in effect: the node's own and those of its ancestors
    /// along a single line (a label names the branch its revision starts).
    pub fn labels_of(&self, node: Node) -> Vec<&str> {
        // Walking the line one node at a time would make listing a long
        // linear history quadratic; `labelled_above` jumps between the
        // labelled nodes of the line.
        let mut labels = Vec::new();
        let mut current = self.labelled_above[node];
        while let Some(node) = current {
            labels.extend(
                self.revisions[node]
                    .branch_labels
                    .iter()
                    .map(|l| l.name.as_str()),
            );
            current = match self.parents[node].as_slice() {
                [parent] if self.children[*parent].len() == 1 => self.labelled_above[*parent],
                _ => None,
            };
        }
        labels
    }

    /// The node and everything it needs: parents and dependencies, recursively.
    pub fn ancestors(&self, starts: &[Node]) -> Vec<bool> {
        self.closure(starts, |node| {
            self.parents[node].iter().chain(&self.dependencies[node])
        })
    }

    /// The node and everything that needs it: children and dependents, recursively.
    pub fn descendants(&self, starts: &[Node]) -> Vec<bool> {
        self.closure(starts, |node| {
            self.children[node].iter().chain(&self.dependents[node])
        })
    }

    /// The node and its children's children, following `Revises:` only: its branch.
    pub fn branch(&self, start: Node) -> Vec<bool> {
        self.closure(&[start], |node| self.children[node].iter())
    }

    fn closure<'a, I>(&'a self, starts: &[Node], next: impl Fn(Node) -> I) -> Vec<bool>
    where
        I: Iterator<Item = &'a Node>,
    {
        let mut seen = vec![false; self.revisions.len()];
        let mut stack: Vec<Node> = starts.to_vec();
        while let Some(node) = stack.pop() {
            if !std::mem::replace(&mut seen[node], true) {
                stack.extend(next(node).copied().filter(|&n| !seen[n]));
            }
        }
        seen
    }
}

fn push_unique(list: &mut Vec<Node>, node: Node) {
    if !list.contains(&node) {
        list.push(node);
    }
}

fn unknown_reference(what: &str, reference: &Reference, sorted_ids: &[(String, Node)]) -> Problem {
    Problem {
        location: Some(reference.location.clone()),
        message: format!("unknown {what} `{}`", reference.name),
        help: crate::suggest::closest(
            &reference.name,
            sorted_ids.iter().map(|(id, _)| id.as_str()),
        )
        .map(|id| format!("did you mean `{id}`?")),
    }
}

/// For every node: its parents, then those of its dependencies that no
/// revision it revises (directly or not) already depends on. These are the
/// revisions a version-table row moves between when the node is applied or
/// reverted.
fn normalized_down(parents: &[Vec<Node>], dependencies: &[Vec<Node>]) -> Vec<Vec<Node>> {
    let n = parents.len();
    (0..n)
        .map(|node| {
            let mut down = parents[node].clone();
            if dependencies[node].is_empty() {
                return down;
            }
            // Dependencies of the revisions above along `Revises:` only.
            let mut seen = vec![false; n];
            let mut stack = parents[node].clone();
            let mut inherited = vec![false; n];
            while let Some(above) = stack.pop() {
                if std::mem::replace(&mut seen[above], true) {
                    continue;
                }
                for &d in &dependencies[above] {
                    inherited[d] = true;
                }
                stack.extend(parents[above].iter().copied());
            }
            for &d in &dependencies[node] {
                if !inherited[d] && !down.contains(&d) {
                    down.push(d);
                }
            }
            down
        })
        .collect()
}

/// Kahn's algorithm; among ready revisions the oldest (by create date, then
/// id) goes first, so the order is stable and reads chronologically.
/// On a cycle, returns the nodes that could not be ordered.
fn topological_order(
    revisions: &[Revision],
    parents: &[Vec<Node>],
    dependencies: &[Vec<Node>],
    children: &[Vec<Node>],
    dependents: &[Vec<Node>],
) -> Result<Vec<Node>, Vec<Node>> {
    let n = revisions.len();
    let key = |node: Node| {
        let revision = &revisions[node];
        Reverse((
            revision.create_date.as_deref().unwrap_or(""),
            revision.id.0.as_str(),
            node,
        ))
    };
    let mut waiting: Vec<usize> = (0..n)
        .map(|node| parents[node].len() + dependencies[node].len())
        .collect();
    let mut ready: BinaryHeap<_> = (0..n).filter(|&node| waiting[node] == 0).map(key).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((_, _, node))) = ready.pop() {
        order.push(node);
        for &next in children[node].iter().chain(&dependents[node]) {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(key(next));
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err((0..n).filter(|&node| waiting[node] > 0).collect())
    }
}

/// Names each cycle among the unordered nodes as `a -> b -> a`.
fn describe_cycles(
    revisions: &[Revision],
    parents: &[Vec<Node>],
    dependencies: &[Vec<Node>],
    stuck: &[Node],
) -> Vec<Problem> {
    let mut in_stuck = vec![false; revisions.len()];
    for &node in stuck {
        in_stuck[node] = true;
    }
    let mut reported = vec![false; revisions.len()];
    let mut problems = Vec::new();
    for &start in stuck {
        if reported[start] {
            continue;
        }
        // Walk needs (parents, then dependencies) among stuck nodes until a node repeats.
        let mut path = vec![start];
        let mut index_of: HashMap<Node, usize> = HashMap::from([(start, 0)]);
        let mut node = start;
        let cycle = loop {
            let Some(next) = parents[node]
                .iter()
                .chain(&dependencies[node])
                .copied()
                .find(|&next| in_stuck[next])
            else {
                break None;
            };
            if let Some(&at) = index_of.get(&next) {
                break Some(path[at..].to_vec());
            }
            index_of.insert(next, path.len());
            path.push(next);
            node = next;
        };
        for &node in &path {
            reported[node] = true;
        }
        let Some(cycle) = cycle else { continue };
        if cycle
            .iter()
            .any(|&node| reported[node] && !path.contains(&node))
        {
            continue;
        }
        let first = &revisions[cycle[0]];
        let mut names: Vec<&str> = cycle
            .iter()
            .map(|&node| revisions[node].id.0.as_str())
            .collect();
        names.push(first.id.0.as_str());
        let location = first
            .down_revisions
            .iter()
            .chain(&first.depends_on)
            .find(|reference| {
                cycle
                    .iter()
                    .any(|&node| revisions[node].id.0 == reference.name)
            })
            .map(|reference| reference.location.clone())
            .unwrap_or_else(|| first.id_location.clone());
        problems.push(Problem {
            location: Some(location),
            message: format!("revision cycle: {}", names.join(" -> ")),
            help: Some("a revision cannot revise or depend on its own descendants; fix `Revises:` or `Depends On:`".into()),
        });
    }
    problems
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::revision::file::{Revision, RevisionId};
    use std::path::PathBuf;

    fn location(path: &str) -> Location {
        Location {
            path: PathBuf::from(path),
            line: 2,
            column: 13,
            offset: 0,
            len: 0,
        }
    }

    fn reference(name: &str, path: &str) -> Reference {
        Reference {
            name: name.to_owned(),
            location: location(path),
        }
    }

    /// A revision from a compact spec: `id`, parents, dependencies, labels.
    pub(crate) fn rev(id: &str, parents: &[&str], depends: &[&str], labels: &[&str]) -> Revision {
        let path = format!("{id}.sql");
        Revision {
            id: RevisionId(id.to_owned()),
            down_revisions: parents.iter().map(|p| reference(p, &path)).collect(),
            branch_labels: labels.iter().map(|l| reference(l, &path)).collect(),
            depends_on: depends.iter().map(|d| reference(d, &path)).collect(),
            message: format!("revision {id}"),
            create_date: None,
            path: PathBuf::from(&path),
            id_location: location(&path),
            sections: Vec::new(),
        }
    }

    /// Builds a graph from `id<-parent,parent` lines; `id<-` is a base.
    pub(crate) fn graph(spec: &[Revision]) -> RevisionGraph {
        match RevisionGraph::build(spec.to_vec()) {
            Ok(graph) => graph,
            Err(error) => panic!("{error:?}"),
        }
    }

    pub(crate) fn ids(graph: &RevisionGraph, nodes: &[Node]) -> Vec<String> {
        nodes
            .iter()
            .map(|&n| graph.revision(n).id.0.clone())
            .collect()
    }

    #[test]
    fn diamond_has_one_base_one_head() {
        let g = graph(&[
            rev("a", &[], &[], &[]),
            rev("b", &["a"], &[], &[]),
            rev("c", &["a"], &[], &[]),
            rev("d", &["b", "c"], &[], &[]),
        ]);
        assert_eq!(ids(&g, g.heads()), ["d"]);
        assert_eq!(ids(&g, g.bases()), ["a"]);
        assert!(g.is_branch_point(g.node("a").unwrap()));
        assert_eq!(ids(&g, g.order()), ["a", "b", "c", "d"]);
    }

    #[test]
    fn labels_follow_the_line_up_to_a_branch_point() {
        // a(root) - b - c(billing) - d - e ; e branches into f(x) - g and h;
        // m merges g and h.
        let g = graph(&[
            rev("a", &[], &[], &["root"]),
            rev("b", &["a"], &[], &[]),
            rev("c", &["b"], &[], &["billing", "pay"]),
            rev("d", &["c"], &[], &[]),
            rev("e", &["d"], &[], &[]),
            rev("f", &["e"], &[], &["x"]),
            rev("g", &["f"], &[], &[]),
            rev("h", &["e"], &[], &[]),
            rev("m", &["g", "h"], &[], &[]),
        ]);
        let labels = |id: &str| g.labels_of(g.node(id).unwrap());
        assert_eq!(labels("a"), ["root"]);
        assert_eq!(labels("b"), ["root"]);
        assert_eq!(labels("c"), ["billing", "pay", "root"]);
        assert_eq!(labels("e"), ["billing", "pay", "root"]);
        assert_eq!(labels("f"), ["x"]);
        assert_eq!(labels("g"), ["x"]);
        assert!(labels("h").is_empty());
        assert!(labels("m").is_empty());
    }

    #[test]
    fn two_bases_two_heads() {
        let g = graph(&[
            rev("a1", &[], &[], &[]),
            rev("b1", &[], &[], &[]),
            rev("a2", &["a1"], &[], &[]),
        ]);
        assert_eq!(ids(&g, g.heads()), ["a2", "b1"]);
        assert_eq!(ids(&g, g.bases()), ["a1", "b1"]);
    }

    #[test]
    fn order_puts_dependencies_first() {
        let g = graph(&[rev("a", &[], &["z"], &[]), rev("z", &[], &[], &[])]);
        assert_eq!(ids(&g, g.order()), ["z", "a"]);
        // A dependency does not stop a revision from being a head.
        assert_eq!(ids(&g, g.heads()), ["z", "a"]);
    }

    #[test]
    fn every_problem_is_reported() {
        let error = RevisionGraph::build(vec![
            rev("a", &[], &[], &["x"]),
            rev("a", &[], &[], &[]),
            rev("b", &["aa"], &[], &["x"]),
            rev("c", &["d"], &["nope"], &[]),
            rev("d", &["c"], &[], &[]),
        ])
        .unwrap_err();
        let messages: Vec<&str> = error.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "duplicate revision id `a`",
                "branch label `x` is used twice",
                "unknown parent revision `aa`",
                "unknown dependency `nope`",
                "revision cycle: c -> d -> c",
            ]
        );
        assert_eq!(error.problems[2].help.as_deref(), Some("did you mean `a`?"));
    }

    #[test]
    fn self_reference_is_a_cycle() {
        let error = RevisionGraph::build(vec![rev("a", &["a"], &[], &[])]).unwrap_err();
        assert_eq!(error.problems[0].message, "revision cycle: a -> a");
    }

    #[test]
    fn prefix_lookup() {
        let g = graph(&[
            rev("ae10aa", &[], &[], &[]),
            rev("ae11bb", &[], &[], &[]),
            rev("b", &[], &[], &[]),
        ]);
        assert_eq!(ids(&g, &g.with_prefix("ae1")), ["ae10aa", "ae11bb"]);
        assert_eq!(ids(&g, &g.with_prefix("ae10")), ["ae10aa"]);
        assert!(g.with_prefix("c").is_empty());
    }
}
