//! Revision identifiers and ranges, resolved against a small graph.

use std::path::Path;
use std::sync::OnceLock;

use retort::revision::file;
use retort::revision::plan::{self, Applied};
use retort::revision::target::Range;
use retort::revision::{RevisionGraph, Target};

use super::{Outcome, kind, short_kind};

/// A small graph with two branches, a label, a merge and a dependency, for
/// resolving parsed identifiers against.
fn graph() -> &'static RevisionGraph {
    static GRAPH: OnceLock<RevisionGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let files = [
            ("ae1027a6acf0", "", "", ""),
            ("ae10b7c3d2e1", "ae1027a6acf0", "billing", ""),
            ("1975ea83b712", "ae1027a6acf0", "", ""),
            ("3c2f01a9b7d2", "ae10b7c3d2e1, 1975ea83b712", "", ""),
            ("9f00aa11bb22", "3c2f01a9b7d2", "", "1975ea83b712"),
            ("9f00cc33dd44", "1975ea83b712", "side", ""),
        ];
        let revisions = files
            .iter()
            .map(|(id, revises, labels, depends)| {
                let text = format!(
                    "-- Revision ID: {id}\n-- Revises: {revises}\n-- Branch Labels: {labels}\n\
                     -- Depends On: {depends}\n-- migrate:upgrade\nSELECT 1;\n"
                );
                file::parse(Path::new("fixture.sql"), &text).expect("a fixture revision")
            })
            .collect();
        RevisionGraph::build(revisions).expect("the fixture graph")
    })
}

/// Parses an identifier and a range. A parsed target displays as text that
/// parses back to it; resolving it and planning an upgrade or downgrade to
/// it from several database states never panics.
pub fn target(text: &str) -> Outcome {
    let mut outcome = match text.parse::<Target>() {
        Ok(target) => {
            let shown = target.to_string();
            assert_eq!(
                shown.parse::<Target>().as_ref(),
                Ok(&target),
                "{text:?} displays as {shown:?}"
            );
            let graph = graph();
            let resolved = graph.resolve_fixed(&target);
            let states = [
                Applied::empty(graph),
                Applied::from_versions(graph, &["ae10b7c3d2e1"]).expect("known"),
                Applied::from_versions(graph, &["9f00aa11bb22", "9f00cc33dd44"]).expect("known"),
            ];
            let mut planned = String::new();
            for applied in &states {
                for result in [
                    plan::upgrade(graph, applied, &target),
                    plan::downgrade(graph, applied, &target),
                ] {
                    planned.push_str(match result {
                        Ok(_) => "+",
                        Err(_) => "-",
                    });
                }
            }
            format!(
                "ok {} {:?} {planned}",
                kind(&format!("{target:?}")),
                resolved.map(|_| ()).map_err(|e| short_kind(&e.to_string()))
            )
        }
        Err(e) => short_kind(&e.to_string()),
    };
    let _ = graph().resolve_name(text);
    match text.parse::<Range>() {
        Ok(range) => outcome.push_str(&format!(
            " range {} {}",
            range.start.is_some(),
            range.end.is_some()
        )),
        Err(e) => outcome.push_str(&short_kind(&e.to_string())),
    }
    outcome
}
