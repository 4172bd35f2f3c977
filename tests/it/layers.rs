//! The layering of `src/` (docs/architecture.md, "The layers"), read from the
//! source: every `crate::…` path in production code must point to a lower
//! layer, and the files of one folder must not use each other in a circle.
//!
//! Test code (a trailing `#[cfg(test)] mod … {` block, or a file declared
//! under `#[cfg(test)]`) may reach upward to build its fixtures, and doc
//! comments may link anywhere; neither is read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest first. A module may use only the
/// modules of earlier lines.
const LAYERS: &[&str] = &[
    "printable",    // control characters written out; a leaf
    "regular_file", // opening only regular files; a leaf
    "suggest",      // "did you mean"; a leaf
    "schema",       // what a database looks like
    "naming",       // the portable naming convention for constraints
    "op",           // one change to a schema
    "sql",          // portable SQL in and out, and the statement splitter
    "dialect",      // what differs per database; pure
    "diff",         // two schemas into the ops between them
    "url",          // database URLs
    "revision",     // revision files, the graph, the planner
    "config",       // retort.toml
    "connection",   // the one file of driver plumbing
    "models",       // model sources read into a schema
    "alembic",      // an Alembic project read into revision files
    "lint",         // revision files checked against rules per database
    "autogen",      // models compared with a database
    "migrate",      // running a plan
    "embed",        // revisions compiled into an application
];

struct Source {
    /// Path components under `src/` without `.rs`/`mod`: `["revision", "file"]`.
    module: Vec<String>,
    path: PathBuf,
    /// The production lines, numbered from 1.
    lines: Vec<(usize, String)>,
}

#[test]
fn modules_import_only_downward_and_folders_have_no_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_sources(&root);
    let mut problems = Vec::new();
    let rank = |name: &str| LAYERS.iter().position(|l| *l == name);

    for source in sources.iter().filter(|s| s.module[0] != "cli") {
        let own = &source.module[0];
        let own_rank = match rank(own) {
            Some(r) => r,
            None if own == "lib" || own == "main" => continue,
            None => {
                problems.push(format!(
                    "{}: module `{own}` has no place in LAYERS",
                    source
                        .path
                        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                        .unwrap_or(&source.path)
                        .display()
                ));
                continue;
            }
        };
        for (line, used) in crate_paths(source, "crate::") {
            let target = &used[0];
            if target == own {
                continue;
            }
            match rank(target) {
                Some(r) if r < own_rank => {}
                _ => problems.push(format!(
                    "{}:{line}: `{own}` uses `crate::{}`, which is not below it",
                    source
                        .path
                        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                        .unwrap_or(&source.path)
                        .display(),
                    used.join("::")
                )),
            }
        }
    }

    for (folder, edges) in sibling_edges(&sources) {
        if let Some(cycle) = find_cycle(&edges) {
            problems.push(format!(
                "src/{folder}: files use each other in a circle: {}",
                cycle.join(" -> ")
            ));
        }
    }

    assert!(
        problems.is_empty(),
        "layering broken (see docs/architecture.md):\n{}",
        problems.join("\n")
    );
}

/// Folders of `src/` whose production code may name a particular database:
/// the dialects themselves, and the one file of driver plumbing.
const KNOWS_THE_DATABASES: &[&str] = &["dialect", "connection"];

/// Everything that differs per database is asked of a `Dialect` (or is
/// driver plumbing in `connection`), never matched on elsewhere: a new
/// database then means a new dialect, not a hunt through the code.
#[test]
fn only_the_dialects_and_the_driver_name_a_database() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for source in read_sources(&root) {
        if KNOWS_THE_DATABASES.contains(&source.module[0].as_str()) {
            continue;
        }
        for (number, line) in &source.lines {
            // A glob or a group would name them without their path.
            for name in ["Sqlite", "Postgres", "Mysql", "*", "{"] {
                let named = format!("DialectKind::{name}");
                let mut rest = line.as_str();
                while let Some(at) = rest.find(&named) {
                    rest = &rest[at + named.len()..];
                    // `DialectKind::Postgres` but not `DialectKind::PostgresLike`.
                    if !name.chars().all(char::is_alphanumeric)
                        || !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    {
                        problems.push(format!(
                            "{}:{number}: names `{named}`",
                            source
                                .path
                                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                                .unwrap_or(&source.path)
                                .display()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "ask the `Dialect` instead of naming a database (docs/architecture.md, \
         \"Where a change goes\"):\n{}",
        problems.join("\n")
    );
}

/// Every `.rs` file under `root` with its production lines.
fn read_sources(root: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    collect(root, &mut files);
    let test_only: BTreeSet<Vec<String>> = files
        .iter()
        .flat_map(|path| {
            let module = module_of(root, path);
            let text = std::fs::read_to_string(path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            lines
                .windows(2)
                .filter(|w| w[0].trim() == "#[cfg(test)]")
                .filter_map(|w| declared_module(w[1]))
                .map(|child| {
                    // `lib.rs` declares top-level modules; any other file
                    // its own children.
                    let mut m = if module == ["lib"] {
                        Vec::new()
                    } else {
                        module.clone()
                    };
                    m.push(child);
                    m
                })
                .collect::<Vec<_>>()
        })
        .collect();
    files
        .into_iter()
        .map(|path| {
            let module = module_of(root, &path);
            let text = std::fs::read_to_string(&path).unwrap();
            let lines = if test_only
                .iter()
                .any(|t| module.starts_with(t) && !t.is_empty())
            {
                Vec::new()
            } else {
                production_lines(&text)
            };
            Source {
                module,
                path,
                lines,
            }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `src/revision/file.rs` → `["revision", "file"]`; `src/url/mod.rs` → `["url"]`.
fn module_of(root: &Path, path: &Path) -> Vec<String> {
    let relative = path.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// `mod name;` or `pub(crate) mod name;` → `name`.
fn declared_module(line: &str) -> Option<String> {
    let line = line.trim();
    let rest = line.strip_suffix(';')?;
    let name = rest.rsplit_once("mod ")?.1;
    Some(name.trim().to_owned())
}

/// Where a trailing `#[cfg(test)] mod … {` block starts.
fn test_module_start(lines: &[&str]) -> Option<usize> {
    lines.windows(2).position(|w| {
        w[0].trim() == "#[cfg(test)]"
            && w[1].split_whitespace().any(|word| word == "mod")
            && w[1].trim_end().ends_with('{')
    })
}

/// The lines before a trailing `#[cfg(test)] mod … {` block, comments out.
fn production_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let end = test_module_start(&lines).unwrap_or(lines.len());
    lines[..end]
        .iter()
        .enumerate()
        .map(|(i, line)| (i + 1, line.split("//").next().unwrap_or("").to_owned()))
        .filter(|(_, line)| !line.trim().is_empty())
        .collect()
}

/// Every path `prefix::a::b…` a source names, as its segments (`["a", "b"]`),
/// with its line. A `use prefix::{a, b::c}` group yields each member.
fn crate_paths(source: &Source, prefix: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    for (number, line) in &source.lines {
        let mut rest = line.as_str();
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().last();
            rest = &rest[at + prefix.len()..];
            // `super::super::x` is read once, from its first `super`.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: Vec<String> = rest
                .split("::")
                .map(|segment| {
                    segment
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|s| !s.is_empty())
                .collect();
            if path.is_empty() {
                // `crate::{a, b}`: each member is a top-level module.
                if let Some(group) = rest.strip_prefix('{') {
                    for member in group.split([',', '}']) {
                        let name: String = member
                            .trim()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !name.is_empty() {
                            found.push((*number, vec![name]));
                        }
                    }
                }
                continue;
            }
            found.push((*number, path));
        }
    }
    found
}

/// For every folder, which of its child modules use which, read from
/// `crate::folder::child` and `super::child` paths.
fn sibling_edges(sources: &[Source]) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let children: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let is_module = |folder: &[String], child: &str| {
        let mut m = folder.to_vec();
        m.push(child.to_owned());
        children.contains(&m)
    };
    let mut folders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for source in sources {
        let in_cli = source.module[0] == "cli" || source.module[0] == "main";
        let mut uses: Vec<Vec<String>> = crate_paths(source, "crate::")
            .into_iter()
            .map(|(_, path)| path)
            .collect();
        // `super` is the module one level up, whether the file is `a/b.rs`
        // or `a/b/mod.rs`; each further `super` goes up one more.
        for (_, path) in crate_paths(source, "super::") {
            let ups = 1 + path.iter().take_while(|s| *s == "super").count();
            let mut full = source.module[..source.module.len().saturating_sub(ups)].to_vec();
            full.extend(path.into_iter().skip(ups - 1));
            uses.push(full);
        }
        for used in uses {
            // The deepest folder both paths share is where the edge lies.
            let shared = source
                .module
                .iter()
                .zip(&used)
                .take_while(|(a, b)| a == b)
                .count();
            if shared >= source.module.len() || shared >= used.len() {
                continue; // a module using its own descendants or ancestors
            }
            let folder = &used[..shared];
            let (from, to) = (&source.module[shared], &used[shared]);
            if !is_module(folder, to) || (in_cli && folder.is_empty()) {
                continue;
            }
            folders
                .entry(folder.join("/"))
                .or_default()
                .entry(from.clone())
                .or_default()
                .insert(to.clone());
        }
    }
    folders
}

/// A circle in `edges`, as the names along it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut Vec::new(), &mut done))
}

/// The longest a production file may grow (lines before its trailing test
/// module): a file one can hold in one's head. Test files are not counted.
const MOST_LINES: usize = 600;

#[test]
fn no_production_file_is_too_long() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let long: Vec<String> = read_sources(&root)
        .into_iter()
        .filter(|source| !source.lines.is_empty())
        .filter_map(|source| {
            let text = std::fs::read_to_string(&source.path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let end = test_module_start(&lines).unwrap_or(lines.len());
            (end > MOST_LINES).then(|| {
                let path = source
                    .path
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&source.path);
                format!("{}: {end} lines", path.display())
            })
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by concern (docs/architecture.md):\n{}",
        long.join("\n")
    );
}
