//! The fuzz targets: one function per parser that reads user input. Each
//! takes any text, must not panic on it, checks the properties that are
//! cheap to state, and returns a coarse [`Outcome`] (which error, what
//! shape of result) that the driver uses as feedback.
//!
//! This file uses only `retort` and `std`, so the cargo-fuzz targets in
//! `fuzz/` include it as it is (`#[path]`) and the stable driver, `cargo
//! test` and libFuzzer all check the same properties.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use retort::config::{self, Config};
use retort::dialect::dialect;
use retort::diff::Op;
use retort::revision::file::{self, NewRevision, RevisionId, normalize_sql};
use retort::revision::plan::{self, Applied};
use retort::revision::target::Range;
use retort::revision::{Direction, RevisionGraph, Target};
use retort::schema::Schema;
use retort::sql::parse::{parse_into, parse_schema};
use retort::sql::split::{is_transaction_control, split};
use retort::sql::write::{write_ops, write_schema};
use retort::{DatabaseUrl, DialectKind};

/// What a target reports about one input, for the corpus feedback.
pub type Outcome = String;

/// A target: checks its properties on one input, panics when one fails.
pub type Harness = fn(&str) -> Outcome;

/// Every target, by the name the driver and `fuzz/README.md` use.
pub const ALL: &[(&str, Harness)] = &[
    ("revision_file", revision_file),
    ("revision_graph", revision_graph),
    ("sql_split", sql_split),
    ("portable_sql", portable_sql),
    ("url", url),
    ("url_redaction", url_redaction),
    ("config", config_file),
    ("config_redaction", config_redaction),
    ("target", target),
];

/// An error message reduced to its kind: letters and spaces outside quotes,
/// the first 40 of them, so "line 3" and "line 4", or two names, are one
/// outcome.
fn kind(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '`' | '"' | '\'' => quoted = !quoted,
            c if !quoted && (c.is_ascii_alphabetic() || c == ' ') => out.push(c),
            _ => {}
        }
        if out.len() == 40 {
            break;
        }
    }
    out
}

/// A URL error's kind: its variant, and for a malformed URL the reason
/// (the message itself holds the URL).
fn url_error_kind(error: &retort::url::UrlError) -> String {
    use retort::url::UrlError;
    match error {
        UrlError::Malformed { reason, .. } => format!("malformed {}", kind(reason)),
        UrlError::InvalidOption { option, .. } => format!("option {option}"),
        other => kind(&format!("{other:?}")),
    }
}

// ---------------------------------------------------------------------------
// Revision files.

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

// ---------------------------------------------------------------------------
// Statement splitting.

/// Splits on every dialect. Each statement is a trimmed slice of the input,
/// in order, starting on the line it reports; on PostgreSQL and SQLite what
/// lies between statements holds no statement, and the statements joined
/// with `;` split into the same statements.
pub fn sql_split(text: &str) -> Outcome {
    let mut outcome = String::new();
    for dialect in DialectKind::ALL {
        match split(text, dialect) {
            Ok(statements) => {
                let gaps = check_slices(text, &statements, dialect);
                // Where each statement's text occurs once, the gaps are known
                // for sure (a statement's text may also occur in a comment).
                let unique = statements
                    .iter()
                    .all(|s| occurrences(text, &s.sql, 0).nth(1).is_none());
                if dialect != DialectKind::Mysql {
                    for gap in gaps.into_iter().filter(|_| unique) {
                        let inside = split(gap, dialect);
                        assert!(
                            matches!(&inside, Ok(s) if s.is_empty()),
                            "{dialect}: the text between statements, {gap:?}, splits into {inside:?}"
                        );
                    }
                    let joined: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
                    let joined = joined.join(";\n");
                    let again = split(&joined, dialect);
                    let again: Option<Vec<String>> =
                        again.ok().map(|s| s.into_iter().map(|s| s.sql).collect());
                    let expected: Vec<String> = statements.iter().map(|s| s.sql.clone()).collect();
                    assert_eq!(
                        again.as_ref(),
                        Some(&expected),
                        "{dialect}: the statements joined with `;` split differently: {joined:?}"
                    );
                }
                let control = statements
                    .iter()
                    .filter(|s| is_transaction_control(&s.sql))
                    .count();
                outcome.push_str(&format!(
                    "{dialect}:{} {} ",
                    statements.len().min(4),
                    control.min(2)
                ));
            }
            Err(e) => {
                let _ = (e.line(), e.column());
                outcome.push_str(&kind(&e.to_string()));
            }
        }
    }
    outcome
}

/// Where `needle` starts in `text` at or after `from`, overlapping
/// occurrences included (`str::match_indices` skips those).
fn occurrences<'t>(
    text: &'t str,
    needle: &'t str,
    from: usize,
) -> impl Iterator<Item = usize> + 't {
    (from..text.len())
        .filter(move |&at| text.is_char_boundary(at) && text[at..].starts_with(needle))
}

/// Checks each statement is found in `text` after the previous one, on its
/// line, and trimmed; returns the text between them.
fn check_slices<'t>(
    text: &'t str,
    statements: &[retort::sql::split::Statement],
    dialect: DialectKind,
) -> Vec<&'t str> {
    let mut gaps = Vec::new();
    let mut cursor = 0;
    for statement in statements {
        let sql = statement.sql.as_str();
        assert!(!sql.is_empty(), "{dialect}: an empty statement");
        // The splitter's whitespace is ASCII's, as the databases' lexers';
        // `\u{85}` or `\u{2028}` is part of a word to them.
        assert_eq!(
            sql,
            sql.trim_matches(|c: char| c.is_ascii_whitespace()),
            "{dialect}: a statement not trimmed"
        );
        let found = occurrences(text, sql, cursor)
            .find(|&at| 1 + text[..at].bytes().filter(|&b| b == b'\n').count() == statement.line);
        let Some(at) = found else {
            panic!(
                "{dialect}: statement {sql:?} (line {}) is not a slice of the text after offset {cursor}",
                statement.line
            );
        };
        gaps.push(&text[cursor..at]);
        cursor = at + sql.len();
    }
    gaps.push(&text[cursor..]);
    gaps
}

// ---------------------------------------------------------------------------
// Portable SQL.

/// Parses a section and a model file. A parsed section written back with
/// `write_ops` parses to ops that leave the schema the same; a parsed model
/// written with `write_schema` reads back as the same tables, and writing
/// that again gives the same text. Every op renders on every dialect
/// without a panic.
pub fn portable_sql(text: &str) -> Outcome {
    let mut schema = Schema::default();
    let mut outcome = match parse_into(text, &mut schema) {
        Ok(parsed) => {
            let ops: Vec<Op> = parsed.into_iter().flat_map(|p| p.ops).collect();
            let written = write_ops(&ops, &Schema::default());
            let mut back = Schema::default();
            if let Err(e) = parse_into(&written, &mut back) {
                panic!("written ops do not parse: {e}\n--- input\n{text}\n--- written\n{written}");
            }
            assert_eq!(back, schema, "\n--- input\n{text}\n--- written\n{written}");
            render_everywhere(&ops);
            reverse_undoes(&ops, &schema, text);
            let kinds: std::collections::BTreeSet<String> = ops
                .iter()
                .map(|op| format!("{:?}", std::mem::discriminant(op)))
                .collect();
            format!("ok {kinds:?}")
        }
        // A model is read by the same converter, stricter: where the
        // section fails, so does the model, no later than it.
        Err(e) => return kind(&e.message),
    };
    match parse_schema(text) {
        Ok(schema) => {
            let written = write_schema(&schema);
            let back = match parse_schema(&written) {
                Ok(back) => back,
                Err(e) => panic!("a written schema does not parse: {e}\n{written}"),
            };
            let by_name = |s: &Schema| -> BTreeMap<String, retort::schema::Table> {
                s.tables
                    .iter()
                    .map(|t| (t.name.clone(), t.clone()))
                    .collect()
            };
            assert_eq!(by_name(&back), by_name(&schema), "\n--- written\n{written}");
            assert_eq!(write_schema(&back), written, "writing twice differs");
            outcome.push_str(" schema ok");
        }
        Err(e) => outcome.push_str(&kind(&e.message)),
    }
    outcome
}

/// The reverse ops, applied last to first, take the schema the ops left
/// back to the empty one: the downgrade autogenerate writes is exact.
fn reverse_undoes(ops: &[Op], after: &Schema, text: &str) {
    let reverse: Option<Vec<Op>> = ops.iter().rev().map(Op::reverse).collect();
    let Some(reverse) = reverse else { return };
    let mut schema = after.clone();
    for op in &reverse {
        if let Err(e) = op.apply(&mut schema) {
            panic!("reverse op {op:?} does not apply: {e}\n--- input\n{text}");
        }
    }
    assert_eq!(
        schema,
        Schema::default(),
        "the reverse ops leave a schema\n--- input\n{text}"
    );
}

fn render_everywhere(ops: &[Op]) {
    for kind in DialectKind::ALL {
        let dialect = dialect(kind);
        let mut schema = Schema::default();
        for op in ops {
            let _ = dialect.render(op, &schema);
            let _ = op.apply(&mut schema);
        }
    }
}

// ---------------------------------------------------------------------------
// URLs.

/// Passwords put where an input says `{PW}`: letters unlikely elsewhere,
/// and the characters that confuse URL parsers (`@`, `/`, `:`, `?`, `#`,
/// `%`), raw and percent-encoded.
const PASSWORDS: &[&str] = &[
    "QzJkXqWv",
    "Qz@Jk/Xq",
    "Qz:Jk@Xq",
    "Qz%40Jk%2FXq",
    "Qz?Jk#Xq",
    "Qz/Jk:Xq@",
    "Qz Jk+Xq",
    "QzJ%kXq",
    "Qzüñ€Xq",
    "Qz'Jk\"Xq",
];

/// The input with `{PW}` replaced, and the password when the input holds
/// one where a password stands: once, after a `:` that follows `://` and
/// before an `@`, or as a `password=` option.
pub fn with_password(input: &str) -> (String, Option<&'static str>) {
    let password = PASSWORDS[input.len() % PASSWORDS.len()];
    let text = input.replace("{PW}", password);
    let secret = match (input.find("{PW}"), input.matches("{PW}").count()) {
        (Some(at), 1) => {
            let after_scheme = input.find("://").filter(|&s| s + 3 <= at);
            // SQLite URLs hold a path, no user: a `:` and `@` there are
            // part of a file name.
            let sqlite_path = after_scheme.is_some_and(|s| {
                input[..s].to_ascii_lowercase().ends_with("sqlite")
                    && input[s + 3..at].contains('/')
            });
            let user_part = after_scheme.is_some_and(|s| input[s + 3..at].contains(':'))
                && input[at + 4..].contains('@')
                && !sqlite_path;
            let option = input[..at].to_ascii_lowercase().ends_with("password=");
            (user_part || option).then_some(password)
        }
        _ => None,
    };
    (text, secret)
}

/// The pieces of a password that must never be shown: each run of four
/// characters, as written and percent-decoded.
fn secret_pieces(password: &str) -> Vec<String> {
    let decoded = decode_percent(password);
    let mut pieces = Vec::new();
    for form in [password, decoded.as_str()] {
        let chars: Vec<char> = form.chars().collect();
        for window in chars.windows(4.min(chars.len())) {
            pieces.push(window.iter().collect());
        }
    }
    pieces
}

fn decode_percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Panics when any of `shown` holds a piece of `password`.
pub fn assert_no_leak(input: &str, password: Option<&str>, shown: &[String]) {
    let Some(password) = password else { return };
    for piece in secret_pieces(password) {
        for text in shown {
            assert!(
                !text.contains(&piece),
                "password {password:?} leaks ({piece:?}) from URL {input:?} in {text:?}"
            );
        }
    }
}

/// Whether a target checks that no output shows the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redaction {
    Checked,
    Unchecked,
}

/// Parses a database URL (with `{PW}` standing for a password) and resolves
/// it as `--url`, without a panic.
pub fn url(input: &str) -> Outcome {
    url_with(input, Redaction::Unchecked)
}

/// [`url`], and every form shown — `Display`, `Debug`, `redacted`, the
/// errors — is free of the password.
pub fn url_redaction(input: &str) -> Outcome {
    url_with(input, Redaction::Checked)
}

fn url_with(input: &str, redaction: Redaction) -> Outcome {
    let (text, password) = with_password(input);
    let (outcome, shown) = url_outputs(&text);
    if redaction == Redaction::Checked {
        assert_no_leak(&text, password, &shown);
    }
    outcome
}

/// What retort shows of a URL: parsed, its `Display`, `Debug` and
/// `redacted()` (also with a relative SQLite path resolved); refused, the
/// error; and the same through `--url` resolution.
pub fn url_outputs(text: &str) -> (Outcome, Vec<String>) {
    let mut shown = Vec::new();
    let outcome = match DatabaseUrl::parse(text) {
        Ok(url) => {
            shown.push(url.redacted());
            shown.push(url.to_string());
            shown.push(format!("{url:?}"));
            let _ = (url.host(), url.port(), url.username(), url.database());
            let _ = (url.options(), url.option("sslmode"), url.sqlite_target());
            let mut relative = url.clone();
            relative.resolve_relative(Path::new("/project"));
            shown.push(relative.to_string());
            format!("ok {} {}", url.dialect(), url.options().len().min(2))
        }
        Err(e) => {
            shown.push(e.to_string());
            url_error_kind(&e)
        }
    };
    match config::resolve_url_without_config(Some(text), |_| None) {
        Ok(resolved) => shown.push(resolved.url.to_string()),
        Err(e) => shown.push(e.to_string()),
    }
    (outcome, shown)
}

// ---------------------------------------------------------------------------
// retort.toml.

/// A directory removed when its thread ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The directory the config target writes its file into: one per thread,
/// so parallel tests do not share it.
fn config_dir() -> PathBuf {
    thread_local! {
        static DIR: TempDir = {
            let name: String = format!(
                "retort-fuzz-config-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            )
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
            .collect();
            // A file per input: memory-backed where there is such a
            // directory, or the writes cost more than the parsing.
            let shm = Path::new("/dev/shm");
            let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
            let dir = base.join(name);
            std::fs::create_dir_all(&dir).expect("a temp dir");
            TempDir(dir)
        };
    }
    DIR.with(|dir| dir.0.clone())
}

/// Loads the input as `retort.toml` (with `{PW}` in it standing for a
/// password) and resolves its URL, without a panic.
pub fn config_file(input: &str) -> Outcome {
    config_with(input, Redaction::Unchecked)
}

/// [`config_file`], and no message shows the password.
pub fn config_redaction(input: &str) -> Outcome {
    config_with(input, Redaction::Checked)
}

fn config_with(input: &str, redaction: Redaction) -> Outcome {
    let (text, password) = with_password(input);
    let path = config_dir().join(config::CONFIG_FILE);
    std::fs::write(&path, &text).expect("writing the temp retort.toml");
    let mut shown = Vec::new();
    let outcome = match Config::load(&path) {
        Ok(config) => {
            let _ = (config.versions_dir(), config.dotenv_path());
            match config.resolve_url(None, |_| None) {
                Ok(resolved) => {
                    shown.push(resolved.url.to_string());
                    format!("ok {}", resolved.url.dialect())
                }
                Err(e) => {
                    shown.push(e.to_string());
                    format!("ok, url: {}", kind(&e.to_string()))
                }
            }
        }
        Err(e) => {
            shown.push(e.to_string());
            kind(&e.to_string().replace(&path.display().to_string(), ""))
        }
    };
    if redaction == Redaction::Checked {
        assert_no_leak(&text, password, &shown);
    }
    outcome
}

// ---------------------------------------------------------------------------
// Revision identifiers.

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

/// The first three words of [`kind`]: identifier errors list revision ids
/// unquoted.
fn short_kind(message: &str) -> String {
    kind(message)
        .split(' ')
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
