//! The declared schema: `models` in `retort.toml` lists its sources — a
//! directory or file of portable SQL DDL, or `cmd:<command>` whose stdout is
//! DDL (so an ORM such as SQLAlchemy can describe the schema). Each source
//! parses into a [`Schema`]; when several are listed they must declare the
//! same one, and every table that differs is reported.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::schema::Schema;
use crate::sql::parse::parse_schema;

mod disagreement;

/// Why the models could not be read, or disagree.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A model file or directory could not be read.
    #[error("cannot read model source {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A model file's DDL is not SQL retort reads.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        /// The model file.
        path: PathBuf,
        /// The line of the problem.
        line: usize,
        /// Its column.
        column: usize,
        /// What is wrong.
        message: String,
        /// How to fix it, where there is a known fix.
        help: Option<String>,
    },
    /// A `cmd:` source did not run, or did not succeed.
    #[error("model command `{command}` failed: {message}")]
    Command {
        /// The command as configured, after `cmd:`.
        command: String,
        /// Why it failed: its exit status and what it wrote to stderr, or why it did not start.
        message: String,
    },
    /// Several sources describe the same table differently.
    #[error("the model sources disagree:\n{}", differences.join("\n"))]
    Disagree {
        /// Each difference, one per line.
        differences: Vec<String>,
    },
    /// `models` in retort.toml lists no source.
    #[error("no model sources are configured")]
    None,
}

/// One configured source, resolved against the project directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `.sql` file, or a directory whose `.sql` files (recursively, in
    /// name order) are read as one.
    Path(PathBuf),
    /// A shell command run in the project directory; its stdout is DDL.
    Command(String),
}

impl Source {
    /// Reads `models` entries as written in `retort.toml`.
    pub fn from_config(entry: &str, root: &Path) -> Source {
        match entry.strip_prefix("cmd:") {
            Some(command) => Source::Command(command.trim().to_owned()),
            None => Source::Path(root.join(entry)),
        }
    }

    /// How the source is named in messages.
    pub fn describe(&self) -> String {
        match self {
            Source::Path(path) => path.display().to_string(),
            Source::Command(command) => format!("cmd:{command}"),
        }
    }

    /// The schema this source declares.
    pub fn load(&self, root: &Path) -> Result<Schema, Error> {
        match self {
            Source::Path(path) => {
                let mut files = Vec::new();
                collect_sql(path, &mut files)?;
                let mut text = String::new();
                // Each file's lines are kept apart so an error names its file.
                let mut starts = Vec::new();
                for file in &files {
                    let content =
                        crate::regular_file::read_to_string(file).map_err(|source| Error::Io {
                            path: file.clone(),
                            source,
                        })?;
                    starts.push((text.lines().count(), file.clone()));
                    text.push_str(&content);
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                }
                parse_schema(&text).map_err(|e| {
                    let (start, file) = starts
                        .iter()
                        .rev()
                        .find(|(start, _)| *start < e.line)
                        .cloned()
                        .unwrap_or((0, path.clone()));
                    Error::Parse {
                        path: file,
                        line: e.line - start,
                        column: e.column,
                        message: e.message,
                        help: e.help,
                    }
                })
            }
            Source::Command(command) => {
                let output = Command::new("sh")
                    .arg("-c")
                    .arg(command)
                    .current_dir(root)
                    .output()
                    .map_err(|e| Error::Command {
                        command: command.clone(),
                        message: e.to_string(),
                    })?;
                if !output.status.success() {
                    return Err(Error::Command {
                        command: command.clone(),
                        message: format!(
                            "{}: {}",
                            output.status,
                            String::from_utf8_lossy(&output.stderr).trim()
                        ),
                    });
                }
                let text = String::from_utf8_lossy(&output.stdout);
                parse_schema(&text).map_err(|e| Error::Parse {
                    path: PathBuf::from(format!("<stdout of `{command}`>")),
                    line: e.line,
                    column: e.column,
                    message: e.message,
                    help: e.help,
                })
            }
        }
    }
}

fn collect_sql(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    if path.is_file() {
        files.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_sql(&entry, files)?;
        } else if entry.extension().is_some_and(|e| e == "sql") {
            files.push(entry);
        }
    }
    Ok(())
}

/// The schema every source declares; an error lists, table by table, where
/// the sources differ.
pub fn load(sources: &[Source], root: &Path) -> Result<Schema, Error> {
    let mut loaded = Vec::with_capacity(sources.len());
    for source in sources {
        loaded.push((source, source.load(root)?));
    }
    let Some((first_source, first)) = loaded.first() else {
        return Err(Error::None);
    };
    let mut differences = Vec::new();
    // Named as in retort.toml, not by the absolute path they resolved to.
    let name = |source: &Source| match source {
        Source::Path(path) => path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string(),
        Source::Command(_) => source.describe(),
    };
    let first_name = name(first_source);
    for (source, schema) in &loaded[1..] {
        let sides = disagreement::Sides {
            first: &first_name,
            second: &name(source),
        };
        for difference in compare(first, schema, &sides) {
            differences.push(format!(
                "  {} vs {}: {difference}",
                sides.first, sides.second
            ));
        }
    }
    if differences.is_empty() {
        Ok(first.clone())
    } else {
        Err(Error::Disagree { differences })
    }
}

/// Table by table, how `b` differs from `a`: the tables one side lacks,
/// and in the others each column, constraint and index that differs.
fn compare(a: &Schema, b: &Schema, sides: &disagreement::Sides) -> Vec<String> {
    let mut out = Vec::new();
    for table in &a.tables {
        match b.table(&table.name) {
            None => out.push(format!("table `{}` is only in {}", table.name, sides.first)),
            Some(other) if other != table => {
                out.extend(disagreement::table(table, other, sides));
            }
            Some(_) => {}
        }
    }
    for table in b.tables.iter().filter(|t| a.table(&t.name).is_none()) {
        out.push(format!(
            "table `{}` is only in {}",
            table.name, sides.second
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_reads_as_one_schema() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("billing")).unwrap();
        std::fs::write(
            dir.path().join("a_users.sql"),
            "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("billing/accounts.sql"),
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        let schema = load(&[Source::Path(dir.path().to_owned())], dir.path()).unwrap();
        let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["users", "accounts"]);
    }

    #[test]
    fn errors_name_the_file_and_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.sql"), "CREATE TABLE a (id INTEGER);\n").unwrap();
        std::fs::write(
            dir.path().join("b.sql"),
            "\nCREATE TABLE b (id INTEGER AUTO_INCREMENT);\n",
        )
        .unwrap();
        let error = load(&[Source::Path(dir.path().to_owned())], dir.path()).unwrap_err();
        match error {
            Error::Parse { path, line, .. } => {
                assert!(path.ends_with("b.sql"), "{path:?}");
                assert_eq!(line, 2);
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_command_feeds_ddl_and_sources_must_agree() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("schema.sql"),
            "CREATE TABLE t (id INTEGER);\n",
        )
        .unwrap();
        let file = Source::from_config("schema.sql", dir.path());
        let same = Source::from_config("cmd: echo 'CREATE TABLE t (id INTEGER);'", dir.path());
        assert!(load(&[file.clone(), same], dir.path()).is_ok());
        let other = Source::from_config(
            "cmd:echo 'CREATE TABLE t (id BIGINT); CREATE TABLE u (id INTEGER);'",
            dir.path(),
        );
        let error = load(&[file, other], dir.path()).unwrap_err().to_string();
        assert!(
            error.contains(
                "schema.sql vs cmd:echo 'CREATE TABLE t (id BIGINT); CREATE TABLE u (id INTEGER);': \
                 table `t`: column `id` is `id INTEGER` in schema.sql, `id BIGINT` in cmd:echo"
            )
                && error.contains("table `u` is only in cmd:echo"),
            "{error}"
        );
        let failing = Source::from_config("cmd:exit 3", dir.path());
        assert!(matches!(
            failing.load(dir.path()),
            Err(Error::Command { .. })
        ));
    }
}
