//! The questions about the graph that Alembic's revision map answers and the
//! planner asks: a revision's "normalized" down revisions (parents plus the
//! dependencies no ancestor already has), the heads that nothing revises or
//! depends on, and whether two revisions share a line of descent.
//!
//! Alembic's rules are in `alembic/script/revision.py` (`RevisionMap`,
//! `Revision._normalized_down_revisions`, `_shares_lineage`); see
//! docs/revisions.md, "How the planner reads the graph".

use crate::revision::graph::{Node, RevisionGraph};
use crate::revision::target::Error;

impl RevisionGraph {
    /// Heads that nothing depends on either: Alembic's `heads` target
    /// upgrades to these (`RevisionMap._real_heads`).
    pub(crate) fn real_heads(&self) -> Vec<Node> {
        self.heads()
            .iter()
            .copied()
            .filter(|&n| self.dependents(n).is_empty())
            .collect()
    }

    /// Ancestors along `Revises:` only, the node included.
    pub(crate) fn versioned_ancestors(&self, starts: &[Node]) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack = starts.to_vec();
        while let Some(node) = stack.pop() {
            if !std::mem::replace(&mut seen[node], true) {
                stack.extend(self.parents(node).iter().copied());
            }
        }
        seen
    }

    /// True when `other` is `node`, above it or below it. `Revises:` links
    /// only, unless `dependencies` says to follow `Depends On:` as well.
    pub(crate) fn shares_lineage(
        &self,
        node: Node,
        other: Node,
        dependencies: Dependencies,
    ) -> bool {
        let (up, down) = match dependencies {
            Dependencies::Followed => (self.ancestors(&[node]), self.descendants(&[node])),
            Dependencies::Ignored => (self.versioned_ancestors(&[node]), self.branch(node)),
        };
        up[other] || down[other]
    }

    /// `LABEL@REV`: REV (an id, prefix or label), which must share a line of
    /// descent with LABEL's revision, as Alembic checks; a prefix only
    /// counts revisions on that line.
    pub(crate) fn resolve_in_branch(&self, label: &str, name: &str) -> Result<Node, Error> {
        let branch = self.resolve_name(label)?;
        let node = match self.node(name).or_else(|| self.labelled(name)) {
            Some(node) => node,
            None => {
                let on_line =
                    self.in_lineage(&self.with_prefix(name), branch, Dependencies::Ignored);
                match on_line.as_slice() {
                    [node] => *node,
                    _ => self.resolve_name(name)?,
                }
            }
        };
        if self.shares_lineage(node, branch, Dependencies::Ignored) {
            Ok(node)
        } else {
            Err(Error::NotInBranch {
                revision: self.revision(node).id.0.clone(),
                label: label.to_owned(),
            })
        }
    }

    /// The nodes of `nodes` that share a line of descent with `with`.
    pub(crate) fn in_lineage(
        &self,
        nodes: &[Node],
        with: Node,
        dependencies: Dependencies,
    ) -> Vec<Node> {
        nodes
            .iter()
            .copied()
            .filter(|&n| self.shares_lineage(n, with, dependencies))
            .collect()
    }
}

/// Whether a lineage question follows `Depends On:` links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dependencies {
    /// A revision's dependencies count as its ancestors.
    Followed,
    /// Only `Revises:` parents count.
    Ignored,
}
