//! Helpers shared by the test modules: a temp project laid out by
//! `retort init`, revision files with fixed ids, and a way to run the binary
//! that captures everything a test looks at.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The binary, with colour off and no database URL from the environment.
pub fn retort() -> Command {
    let mut command = Command::cargo_bin("retort").expect("the retort binary is built");
    command
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_BACKTRACE");
    command
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `command`, and fails the test on a panic, whatever the exit code.
    pub fn of(mut command: Command) -> Run {
        let output = command.output().expect("retort runs");
        let run = Run {
            code: output
                .status
                .code()
                .expect("retort exited, not killed by a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "retort panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Asserts exit code 0 and returns the run.
    #[track_caller]
    pub fn success(self) -> Run {
        self.code(0)
    }

    /// Asserts the exit code and returns the run.
    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stderr with miette's wrapping and gutters undone: one line, single spaces.
    pub fn stderr_flat(&self) -> String {
        flat(&self.stderr)
    }

    /// Asserts stderr (flattened) contains every one of `parts`.
    #[track_caller]
    pub fn stderr_has(self, parts: &[&str]) -> Run {
        let flat = self.stderr_flat();
        for part in parts {
            assert!(
                flat.contains(part),
                "stderr lacks {part:?}:\n{}",
                self.stderr
            );
        }
        self
    }

    /// The non-empty stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    /// stdout parsed as exactly one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }
}

/// Text with miette's box-drawing gutters removed and whitespace collapsed,
/// so assertions do not depend on where a long message wraps.
pub fn flat(text: &str) -> String {
    text.replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A project made by `retort init` in a fresh temp directory.
pub struct Project {
    dir: TempDir,
}

impl Project {
    /// `retort init` in a new temp directory.
    pub fn new() -> Project {
        let project = Project::empty();
        project.run(&["init"]).success();
        project
    }

    /// A temp directory with nothing in it.
    pub fn empty() -> Project {
        Project {
            dir: tempfile::tempdir().expect("a temp directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn versions(&self) -> PathBuf {
        self.path().join("migrations").join("versions")
    }

    /// The binary, run in the project directory.
    pub fn command(&self) -> Command {
        let mut command = retort();
        command.current_dir(self.path());
        command
    }

    /// Runs `retort ARGS` in the project directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = self.command();
        command.args(args);
        Run::of(command)
    }

    /// `retort create -m MESSAGE --rev-id ID ARGS…`, which must succeed.
    pub fn create(&self, id: &str, message: &str, args: &[&str]) -> Run {
        let mut all = vec!["create", "-m", message, "--rev-id", id];
        all.extend_from_slice(args);
        self.run(&all).success()
    }

    /// Writes a revision file directly, with a fixed create date.
    pub fn write_revision(&self, id: &str, revises: &[&str], message: &str) -> PathBuf {
        self.write_revision_with(id, revises, message, "")
    }

    /// Like [`write_revision`](Self::write_revision), with extra header lines
    /// (e.g. `-- Branch Labels: x\n`).
    pub fn write_revision_with(
        &self,
        id: &str,
        revises: &[&str],
        message: &str,
        extra_headers: &str,
    ) -> PathBuf {
        let text = format!(
            "-- Revision ID: {id}\n\
             -- Revises: {}\n\
             -- Create Date: 2026-01-02 03:04:05+00:00\n\
             -- Message: {message}\n\
             {extra_headers}\n\
             -- migrate:upgrade\n\
             CREATE TABLE t_{id} (id INTEGER PRIMARY KEY);\n\n\
             -- migrate:downgrade\n\
             DROP TABLE t_{id};\n",
            revises.join(", ")
        );
        let slug: String = message
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        self.write_file(&format!("{id}_{slug}.sql"), text.as_bytes())
    }

    /// Writes `bytes` to `migrations/versions/NAME`.
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.versions().join(name);
        fs::write(&path, bytes).expect("write a revision file");
        path
    }

    /// The names of the files in `migrations/versions`, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.versions())
            .expect("read migrations/versions")
            .map(|e| {
                e.expect("a directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// The text of the one revision file whose name starts with `ID_`.
    pub fn file_of(&self, id: &str) -> String {
        let matching: Vec<String> = self
            .files()
            .into_iter()
            .filter(|n| n.starts_with(&format!("{id}_")))
            .collect();
        assert_eq!(matching.len(), 1, "one file for {id}: {matching:?}");
        fs::read_to_string(self.versions().join(&matching[0])).expect("read the revision file")
    }

    /// A header value (`Revises`, `Depends On`, …) of the file for `id`.
    pub fn header(&self, id: &str, key: &str) -> String {
        let text = self.file_of(id);
        let prefix = format!("-- {key}:");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no `{key}:` header in\n{text}"))
            .trim()
            .to_owned()
    }

    /// A diamond with fixed ids: `a` → `b`, `c` → `d` (merge).
    pub fn diamond(&self) {
        self.write_revision(A, &[], "create users");
        self.write_revision(B, &[A], "add email");
        self.write_revision(C, &[A], "add orders");
        self.write_revision(D, &[B, C], "merge email and orders");
    }
}

pub const A: &str = "aaaa00000001";
pub const B: &str = "bbbb00000002";
pub const C: &str = "cccc00000003";
pub const D: &str = "dddd00000004";

/// Snapshot filters: temp paths become `[TMP]`, create dates `[DATE]`.
pub const FILTERS: [(&str, &str); 2] = [
    (r"/tmp/\S+", "[TMP]"),
    (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00", "[DATE]"),
];
