//! Revision files, alone and as a versions directory.

use std::path::Path;

use retort::DialectKind;
use retort::revision::file::{self, NewRevision, RevisionId, normalize_sql};
use retort::revision::plan::{self, Applied};
use retort::revision::{Direction, RevisionGraph, Target};

use super::{Outcome, kind, short_kind};

/// A revision file: parse it; a parsed one written back with `render`
/// parses to the same revision; a new revision whose message and SQL come
/// from the input renders to a file that parses back to them.
pub fn revision_file(text: &str) -> Outcome {
    let path = Path::new("versions/fuzz.sql");
    let outcome = match file::parse(path, text) {
        Ok(revision) => {
            let _ = revision.checksum();
            let _ = (revision.is_merge(), revision.is_base());
            for direction in [Direction::Up, Direction::Down] {
                for kind in DialectKind::ALL {
                    let _ = revision.section(direction, kind);
                }
            }
            rewrite_round_trips(&revision);
            format!(
                "ok {} sections {} parents",
                revision.sections.len(),
                revision.down_revisions.len().min(3)
            )
        }
        Err(e) => {
            let _ = (e.location(), e.help(), e.path(), e.message());
            let shown = e.to_string();
            assert!(!shown.is_empty());
            kind(&shown)
        }
    };
    new_revision_round_trips(text);
    outcome
}

/// A revision with only a portable upgrade (and downgrade), in a
/// transaction, is what `render` writes: writing it back must lose nothing.
fn rewrite_round_trips(revision: &file::Revision) {
    let plain = revision
        .sections
        .iter()
        .all(|s| s.dialect.is_none() && s.transaction);
    if !plain {
        return;
    }
    let up = revision.section(Direction::Up, DialectKind::Postgres);
    let down = revision.section(Direction::Down, DialectKind::Postgres);
    let Some(up) = up else { return };
    if normalize_sql(&up.sql).is_empty() {
        return; // Written back as the placeholder comment.
    }
    let ids: Option<Vec<RevisionId>> = revision
        .down_revisions
        .iter()
        .map(|r| r.name.parse().ok())
        .collect();
    let Some(down_revisions) = ids else { return };
    let names = |refs: &[file::Reference]| refs.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    let new = NewRevision {
        id: revision.id.clone(),
        down_revisions,
        message: revision.message.clone(),
        create_date: jiff::Timestamp::UNIX_EPOCH,
        branch_labels: names(&revision.branch_labels),
        depends_on: names(&revision.depends_on),
        upgrade_sql: up.sql.clone(),
        downgrade_sql: down.map(|s| s.sql.clone()).unwrap_or_default(),
    };
    let written = file::render(&new);
    let back = match file::parse(&revision.path, &written) {
        Ok(back) => back,
        Err(e) => panic!("a parsed revision written back does not parse: {e}\n{written}"),
    };
    assert_eq!(back.id, revision.id, "{written}");
    assert_eq!(
        names(&back.down_revisions),
        names(&revision.down_revisions),
        "{written}"
    );
    assert_eq!(
        names(&back.branch_labels),
        names(&revision.branch_labels),
        "{written}"
    );
    assert_eq!(
        names(&back.depends_on),
        names(&revision.depends_on),
        "{written}"
    );
    assert_eq!(back.message, one_line(&revision.message), "{written}");
    let sql = |r: &file::Revision, d| {
        r.section(d, DialectKind::Postgres)
            .map(|s| normalize_sql(&s.sql))
            .unwrap_or_default()
    };
    for direction in [Direction::Up, Direction::Down] {
        assert_eq!(sql(&back, direction), sql(revision, direction), "{written}");
    }
    if down.is_some() {
        assert_eq!(back.checksum(), revision.checksum(), "{written}");
    }
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a line would open a section (`-- migrate:…`): SQL holding one
/// cannot be written into a section unchanged.
fn looks_like_section_header(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("--")
        .and_then(|rest| rest.trim_start().get(..8))
        .is_some_and(|word| word.eq_ignore_ascii_case("migrate:"))
}

/// What `retort create -m` and autogenerate write, with the message and SQL
/// taken from the input, reads back with that message and SQL.
fn new_revision_round_trips(text: &str) {
    // A NUL makes the file binary to the reader; no command writes one
    // (arguments cannot hold it, and parsed SQL never does).
    if text.contains('\0') {
        return;
    }
    let message: String = text.chars().take(120).collect();
    let new = NewRevision {
        id: "ae1027a6acf0".parse().expect("a valid id"),
        down_revisions: vec!["1975ea83b712".parse().expect("a valid id")],
        message: message.clone(),
        create_date: jiff::Timestamp::UNIX_EPOCH,
        branch_labels: vec![],
        depends_on: vec![],
        upgrade_sql: text.to_owned(),
        downgrade_sql: text.to_owned(),
    };
    let written = file::render(&new);
    let back = match file::parse(Path::new("versions/new.sql"), &written) {
        Ok(back) => back,
        // SQL holding a section header line cannot be written unchanged;
        // the parser then refuses it (a second section, say) or reads it
        // differently, which is checked no further.
        Err(_) if text.split('\n').any(looks_like_section_header) => return,
        Err(e) => panic!("a rendered revision does not parse: {e}\n{written}"),
    };
    assert_eq!(back.message, one_line(&message), "{written:?}");
    if text.split('\n').any(looks_like_section_header) {
        return;
    }
    let expected = normalize_sql(text);
    let up = back
        .section(Direction::Up, DialectKind::Postgres)
        .map(|s| normalize_sql(&s.sql));
    if !expected.is_empty() {
        assert_eq!(up.as_deref(), Some(expected.as_str()), "{written:?}");
    }
    let down = back
        .section(Direction::Down, DialectKind::Postgres)
        .map(|s| normalize_sql(&s.sql))
        .unwrap_or_default();
    assert_eq!(down, expected, "{written:?}");
}

/// Where one file ends and the next starts in a `revision_graph` input.
pub const FILE_SEPARATOR: &str = "\n=====\n";

/// A versions directory: the input cut into files at [`FILE_SEPARATOR`],
/// each parsed, and the graph built (duplicate ids, unknown parents, cycles,
/// labels used twice). A graph that builds orders, plans an upgrade to
/// every head and a downgrade to base from each single revision, and
/// resolves every id and label, without a panic.
pub fn revision_graph(text: &str) -> Outcome {
    let mut revisions = Vec::new();
    let mut errors = Vec::new();
    for (i, file_text) in text.split(FILE_SEPARATOR).enumerate() {
        match file::parse(Path::new(&format!("versions/{i}.sql")), file_text) {
            Ok(revision) => revisions.push(revision),
            Err(e) => errors.push(e),
        }
    }
    let parsed = revisions.len().min(8);
    match RevisionGraph::from_parsed(revisions, errors) {
        Ok(graph) => {
            let heads = graph.heads().to_vec();
            assert!(
                graph.is_empty() || !heads.is_empty(),
                "a graph without heads"
            );
            assert_eq!(
                graph.order().len(),
                graph.len(),
                "the order misses revisions"
            );
            let mut planned = 0;
            for node in graph.order().to_vec() {
                let applied = Applied::at(&graph, &[node]);
                let _ = plan::pending(&graph, &applied);
                for target in ["heads", "base", "-1", "+1"] {
                    let target: Target = target.parse().expect("a valid target");
                    planned += usize::from(plan::upgrade(&graph, &applied, &target).is_ok());
                    planned += usize::from(plan::downgrade(&graph, &applied, &target).is_ok());
                }
                let revision = graph.revision(node);
                for name in revision.branch_labels.iter().map(|l| l.name.as_str()) {
                    let _ = graph.resolve_name(name);
                }
                let _ = graph.resolve_name(revision.id.as_str());
                let _ = (
                    graph.labels_of(node),
                    graph.branch(node),
                    graph.is_branch_point(node),
                );
            }
            format!(
                "ok {parsed} {} heads {}",
                heads.len().min(3),
                planned.min(4)
            )
        }
        Err(e) => {
            let kinds: std::collections::BTreeSet<String> =
                e.problems.iter().map(|p| short_kind(&p.message)).collect();
            format!("{parsed} {kinds:?}")
        }
    }
}
