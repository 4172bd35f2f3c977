//! `history --graph`: the DAG drawn in text beside the revisions, newest
//! first, in the manner of `git log --graph`. Each lane is a column that
//! waits for one revision; a merge opens lanes for its extra parents, and
//! lanes waiting for the same revision join before it is drawn.

use retort::revision::graph::{Node, RevisionGraph};

/// The drawn lines: graph columns, then the text `describe` gives a node.
pub fn draw(
    graph: &RevisionGraph,
    nodes: &[Node],
    describe: impl Fn(Node) -> String,
) -> Vec<String> {
    let mut shown = vec![false; graph.len()];
    for &node in nodes {
        shown[node] = true;
    }
    let mut lanes: Vec<Node> = Vec::new();
    let mut lines = Vec::new();
    // The column of the rightmost lane that a base just ended, if any.
    let mut ended: Option<usize> = None;
    for &node in nodes {
        let mut waiting: Vec<usize> = (0..lanes.len()).filter(|&i| lanes[i] == node).collect();
        let column = match waiting.first() {
            Some(&first) => first,
            None => {
                // A new lane where a base just ended would read as an edge
                // between two unrelated revisions; an empty row keeps them apart.
                if ended == Some(lanes.len()) {
                    lines.push(trimmed("| ".repeat(lanes.len()).chars().collect()));
                }
                lanes.push(node);
                waiting.push(lanes.len() - 1);
                lanes.len() - 1
            }
        };
        // Join the other lanes that wait for this node, rightmost first.
        for &lane in waiting[1..].iter().rev() {
            lines.push(join_row(lanes.len(), column, lane));
            lanes.remove(lane);
        }
        ended = None;
        let mut row = String::new();
        for i in 0..lanes.len() {
            row.push_str(if i == column { "* " } else { "| " });
        }
        lines.push(format!("{}{}", row, describe(node)));

        let parents: Vec<Node> = graph
            .parents(node)
            .iter()
            .copied()
            .filter(|&p| shown[p])
            .collect();
        match parents.split_first() {
            None => {
                if column + 1 < lanes.len() {
                    lines.push(close_row(lanes.len(), column));
                } else {
                    ended = Some(column);
                }
                lanes.remove(column);
            }
            Some((&first, rest)) => {
                lanes[column] = first;
                if !rest.is_empty() {
                    lines.push(fork_row(lanes.len(), column, rest.len()));
                    for (offset, &parent) in rest.iter().enumerate() {
                        lanes.insert(column + 1 + offset, parent);
                    }
                }
            }
        }
    }
    lines
}

/// Lane `from` (right of `into`) joins lane `into`; lanes right of it move left.
fn join_row(width: usize, into: usize, from: usize) -> String {
    let mut cells: Vec<char> = vec![' '; width * 2];
    for lane in 0..width {
        if lane < from {
            cells[lane * 2] = '|';
        }
    }
    for cell in &mut cells[into * 2 + 1..from * 2 - 1] {
        if *cell == ' ' {
            *cell = '_';
        }
    }
    cells[from * 2 - 1] = '/';
    for lane in from + 1..width {
        cells[lane * 2 - 1] = '/';
    }
    trimmed(cells)
}

/// A base ends its lane; lanes right of it move left.
fn close_row(width: usize, column: usize) -> String {
    let mut cells: Vec<char> = vec![' '; width * 2];
    for lane in 0..column {
        cells[lane * 2] = '|';
    }
    for lane in column + 1..width {
        cells[lane * 2 - 1] = '/';
    }
    trimmed(cells)
}

/// A merge opens `extra` lanes right of its own; lanes further right move right.
fn fork_row(width: usize, column: usize, extra: usize) -> String {
    let mut cells: Vec<char> = vec![' '; (width + extra) * 2];
    for lane in 0..=column {
        cells[lane * 2] = '|';
    }
    for offset in 0..extra {
        cells[(column + offset) * 2 + 1] = '\\';
    }
    for lane in column + 1..width {
        cells[(lane + extra) * 2 - 1] = '\\';
    }
    trimmed(cells)
}

fn trimmed(cells: Vec<char>) -> String {
    cells.into_iter().collect::<String>().trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort::revision::graph::RevisionGraph;

    fn build(spec: &[(&str, &[&str])]) -> RevisionGraph {
        let text = |id: &str, parents: &[&str]| {
            format!(
                "-- Revision ID: {id}\n-- Revises: {}\n-- Message: m\n\n-- migrate:upgrade\nSELECT 1;\n",
                parents.join(", ")
            )
        };
        let revisions = spec
            .iter()
            .map(|(id, parents)| {
                retort::revision::file::parse(
                    std::path::Path::new(&format!("{id}.sql")),
                    &text(id, parents),
                )
                .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        RevisionGraph::build(revisions).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn picture(graph: &RevisionGraph) -> String {
        let mut nodes = graph.order().to_vec();
        nodes.reverse();
        draw(graph, &nodes, |n| graph.revision(n).id.0.clone()).join("\n")
    }

    #[test]
    fn diamond() {
        let graph = build(&[("a", &[]), ("b", &["a"]), ("c", &["a"]), ("d", &["b", "c"])]);
        assert_eq!(picture(&graph), "* d\n|\\\n| * c\n* | b\n|/\n* a");
    }

    #[test]
    fn two_roots() {
        let graph = build(&[("a", &[]), ("b", &[]), ("c", &["a"])]);
        assert_eq!(picture(&graph), "* c\n| * b\n* a");
    }

    #[test]
    fn unrelated_revisions_in_one_column_are_kept_apart() {
        let graph = build(&[("a", &[]), ("b", &[]), ("c", &["b"])]);
        assert_eq!(picture(&graph), "* c\n* b\n\n* a");
        let graph = build(&[
            ("a", &[]),
            ("b", &["a"]),
            ("c", &["a"]),
            ("d", &[]),
            ("e", &[]),
        ]);
        assert_eq!(picture(&graph), "* e\n\n* d\n\n* c\n| * b\n|/\n* a");
    }

    #[test]
    fn three_way_merge() {
        let graph = build(&[
            ("r", &[]),
            ("x", &["r"]),
            ("y", &["r"]),
            ("z", &["r"]),
            ("m", &["x", "y", "z"]),
        ]);
        assert_eq!(
            picture(&graph),
            "* m\n|\\ \\\n| | * z\n| * | y\n* | | x\n|_|/\n|/\n* r"
        );
    }
}
