//! The order `write_schema` writes tables in: referenced tables first, as
//! close to the given order as the foreign keys allow.

use std::collections::{BTreeSet, HashMap};

use crate::schema::Schema;

/// Table indexes in an order where every table comes after the tables its
/// foreign keys reference, except within a cycle; as close to the given
/// order as that allows (the given order itself when it already fits).
pub(super) fn dependency_order(schema: &Schema) -> Vec<usize> {
    let tables = &schema.tables;
    let by_name: HashMap<&str, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let references: Vec<Vec<usize>> = tables
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let mut targets: Vec<usize> = table
                .foreign_keys
                .iter()
                .filter_map(|key| by_name.get(key.referenced_table.as_str()).copied())
                .filter(|&target| target != i)
                .collect();
            targets.sort_unstable();
            targets.dedup();
            targets
        })
        .collect();
    let component = strongly_connected(&references);
    let count = component.iter().max().map_or(0, |c| c + 1);
    // Kahn's algorithm over the components, always taking the ready one
    // whose first table comes first.
    let mut first = vec![usize::MAX; count];
    let mut waiting_on = vec![BTreeSet::new(); count];
    let mut needed_by = vec![Vec::new(); count];
    for (table, targets) in references.iter().enumerate() {
        let c = component[table];
        first[c] = first[c].min(table);
        for &target in targets {
            let t = component[target];
            if t != c && waiting_on[c].insert(t) {
                needed_by[t].push(c);
            }
        }
    }
    let mut ready: BTreeSet<(usize, usize)> = (0..count)
        .filter(|&c| waiting_on[c].is_empty())
        .map(|c| (first[c], c))
        .collect();
    let mut order = Vec::with_capacity(tables.len());
    while let Some((_, c)) = ready.pop_first() {
        order.extend((0..tables.len()).filter(|&t| component[t] == c));
        for &dependent in &needed_by[c] {
            waiting_on[dependent].remove(&c);
            if waiting_on[dependent].is_empty() {
                ready.insert((first[dependent], dependent));
            }
        }
    }
    order
}

/// Tarjan's strongly connected components: the component number of each
/// node of the graph given as adjacency lists.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        component: Vec<usize>,
        components: usize,
    }
    // Recursive: a schema's foreign-key chains are short.
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(index) if s.on_stack[w] => s.low[v] = s.low[v].min(index),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.component[w] = s.components;
                if w == v {
                    break;
                }
            }
            s.components += 1;
        }
    }
    let n = edges.len();
    let mut state = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        component: vec![0; n],
        components: 0,
    };
    for v in 0..n {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.component
}
