//! What a user copies from the repository: the pre-commit hooks
//! (`.pre-commit-hooks.yaml`), the GitHub Actions workflow
//! (`examples/ci/github-actions.yml`) and the container's start script
//! (`examples/docker/start.sh`), run here as far as this machine can:
//! pre-commit from PyPI runs the hooks on a sample git repository, the
//! workflow's `retort` lines and the start script run against the local
//! servers. docs/recipes.md describes them.
//!
//! Needs `RETORT_TEST_PRECOMMIT_PYTHON`, a python with pre-commit (and so
//! PyYAML, which reads the YAML files here); skipped without it, failing
//! under `CI` (`.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{A, B, C, Project, Run};
use crate::db::{Backend, TestDb, copy_dir, per_backend};
use crate::skip::skip;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The python with pre-commit, or `None` (a counted skip).
fn precommit_python() -> Option<String> {
    match std::env::var("RETORT_TEST_PRECOMMIT_PYTHON") {
        Ok(python) if !python.is_empty() => Some(python),
        _ if std::env::var_os("CI").is_some() => {
            panic!("RETORT_TEST_PRECOMMIT_PYTHON is required in CI (.ci/run installs pre-commit)")
        }
        _ => {
            skip(
                "set RETORT_TEST_PRECOMMIT_PYTHON to a python with pre-commit==4.7.0 (the recipe tests)",
            );
            None
        }
    }
}

/// A YAML file read by PyYAML, as JSON.
fn yaml(python: &str, path: &Path) -> Value {
    let output = Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{} does not parse:\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from python")
}

/// `PATH` with the tested binary's directory first, so `retort` in a hook,
/// a workflow line or a script is this build.
fn path_with_retort() -> String {
    let binary = assert_cmd::cargo::cargo_bin("retort");
    let dir = binary.parent().expect("the binary's directory");
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", dir.display())
}

/// Runs `command` with this build first on `PATH` and no `DATABASE_URL`.
fn run(command: Command) -> Run {
    run_with_url(command, None)
}

/// Runs `command` with this build first on `PATH` and `DATABASE_URL=url`.
fn run_with_url(mut command: Command, url: Option<&str>) -> Run {
    command.env("PATH", path_with_retort()).env("NO_COLOR", "1");
    match url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let output = command.output().expect("the command runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The hooks of `.pre-commit-hooks.yaml`.
fn hooks(python: &str) -> Vec<Value> {
    let manifest = root().join(".pre-commit-hooks.yaml");
    let check = run({
        let mut c = Command::new(python);
        c.args(["-m", "pre_commit", "validate-manifest"])
            .arg(&manifest);
        c
    });
    assert_eq!(check.code, 0, "pre-commit rejects the manifest:\n{check:?}");
    yaml(python, &manifest)
        .as_array()
        .expect("a list of hooks")
        .clone()
}

#[test]
fn the_published_hooks_are_the_two_promised() {
    let Some(python) = precommit_python() else {
        return;
    };
    let hooks = hooks(&python);
    let entries: Vec<(&str, &str, &str)> = hooks
        .iter()
        .map(|h| {
            (
                h["id"].as_str().expect("an id"),
                h["entry"].as_str().expect("an entry"),
                h["language"].as_str().expect("a language"),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("retort-heads", "retort heads --check", "python"),
            ("retort-check-files", "retort check-files", "python"),
        ]
    );
    for hook in &hooks {
        assert_eq!(hook["pass_filenames"], false, "{hook}");
    }
}

/// A git repository holding a retort project and a `.pre-commit-config.yaml`
/// whose hooks are the published ones, run from `repo: local` with
/// `language: system` so that pre-commit uses this build instead of
/// building the wheel.
struct Sample {
    project: Project,
    python: String,
    home: tempfile::TempDir,
}

impl Sample {
    fn new(python: String) -> Sample {
        let project = Project::new();
        let hooks: Vec<Value> = hooks(&python)
            .into_iter()
            .map(|mut hook| {
                hook["language"] = "system".into();
                hook
            })
            .collect();
        // JSON is YAML: no writer needed.
        let config = serde_json::json!({"repos": [{"repo": "local", "hooks": hooks}]});
        std::fs::write(
            project.path().join(".pre-commit-config.yaml"),
            config.to_string(),
        )
        .expect("write the config");
        let sample = Sample {
            project,
            python,
            home: tempfile::tempdir().expect("a temp directory"),
        };
        sample.git(&["init", "-q"]);
        sample
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(self.project.path())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// `pre-commit run --all-files` on what is staged.
    fn precommit(&self) -> Run {
        self.git(&["add", "-A"]);
        let mut command = Command::new(&self.python);
        command
            .args(["-m", "pre_commit", "run", "--all-files", "--color", "never"])
            .current_dir(self.project.path())
            .env("PRE_COMMIT_HOME", self.home.path());
        run(command)
    }
}

#[test]
fn precommit_runs_the_hooks_on_a_sample_repository() {
    let Some(python) = precommit_python() else {
        return;
    };
    let sample = Sample::new(python);
    let project = &sample.project;
    project.write_revision(A, &[], "one");
    project.write_revision(B, &[A], "two");
    let run = sample.precommit();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("retort heads --check") && run.stdout.contains("Passed"),
        "{run:?}"
    );

    // A second head: `retort-heads` fails and says how to join them.
    let second = project.write_revision(C, &[A], "three");
    let run = sample.precommit();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("retort merge heads"), "{run:?}");

    // A file that does not parse: `retort-check-files` fails naming it.
    std::fs::remove_file(second).expect("remove the second head");
    project.write_file(
        "eeee00000005_broken.sql",
        b"-- Revision ID: eeee00000005\n-- Revises: ffff\n\n-- migrate:upgrade\nSELECT 1;\n",
    );
    let run = sample.precommit();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("retort check-files") && run.stdout.contains("eeee00000005_broken.sql"),
        "{run:?}"
    );
}

/// The `retort …` lines of the workflow's `run:` steps, and the matrix URLs.
fn workflow(python: &str) -> (Vec<String>, Vec<(String, String)>) {
    let doc = yaml(python, &root().join("examples/ci/github-actions.yml"));
    let job = &doc["jobs"]["migrations"];
    let mut lines = Vec::new();
    for step in job["steps"].as_array().expect("steps") {
        for line in step["run"].as_str().unwrap_or_default().lines() {
            if line.starts_with("retort ") {
                lines.push(line.to_owned());
            }
        }
    }
    let matrix: Vec<(String, String)> = job["strategy"]["matrix"]["include"]
        .as_array()
        .expect("a matrix")
        .iter()
        .map(|m| {
            (
                m["database"].as_str().expect("database").to_owned(),
                m["url"].as_str().expect("url").to_owned(),
            )
        })
        .collect();
    // Each matrix URL's port is one a service publishes.
    let services = job["services"].to_string();
    for (_, url) in &matrix {
        let port = url::Url::parse(url).expect("a URL").port().expect("a port");
        assert!(services.contains(&format!("{port}:{port}")), "{url}");
    }
    (lines, matrix)
}

#[test]
fn the_workflow_runs_the_seed_steps() {
    let Some(python) = precommit_python() else {
        return;
    };
    let (lines, matrix) = workflow(&python);
    for wanted in [
        "retort test-connection --wait",
        "retort heads --check",
        "retort upgrade",
        "retort check",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(wanted)),
            "{wanted} in {lines:?}"
        );
    }
    let databases: Vec<&str> = matrix.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(databases, ["postgresql", "mysql"]);
}

/// A copy of the example project, as a user's repository holds it.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp directory");
    copy_dir(&root().join("examples/mercury_bank"), dir.path());
    dir
}

/// Every `retort` line of the workflow, in order, on a fresh database.
fn workflow_lines_run(backend: Backend) {
    let Some(python) = precommit_python() else {
        return;
    };
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let (lines, matrix) = workflow(&python);
    let database = matrix
        .iter()
        .find(|(d, _)| *d == backend.to_string())
        .map_or("sqlite", |(d, _)| d.as_str());
    let project = example();
    for line in &lines {
        let line = line.replace("${{ matrix.database }}", database);
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut command = Command::new(words[0]);
        command.args(&words[1..]).current_dir(project.path());
        let result = run_with_url(command, Some(&db.url));
        assert_eq!(result.code, 0, "`{line}` on {backend}:\n{result:?}");
    }
}
per_backend!(workflow_lines_run);

fn start_script() -> PathBuf {
    root().join("examples/docker/start.sh")
}

/// The start script brings a fresh database to head, then runs the app.
fn start_script_upgrades_then_starts_the_app(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let project = example();
    let mut command = Command::new("sh");
    command
        .arg(start_script())
        // The app: it sees the database at head.
        .args(["retort", "current"])
        .current_dir(project.path())
        .env("RETORT_WAIT_SECS", "10");
    let run = run_with_url(command, Some(&db.url));
    assert_eq!(run.code, 0, "{run:?}");
    let heads = run_with_url(
        {
            let mut c = Command::new("retort");
            c.args(["heads"]).current_dir(project.path());
            c
        },
        Some(&db.url),
    );
    // test-connection's line, then the app's: `current` names the head.
    assert!(run.stdout.starts_with("Connected: "), "{run:?}");
    assert!(
        run.stdout.ends_with(&heads.stdout),
        "the app ran at head ({}):\n{run:?}",
        heads.stdout
    );
    assert!(run.stderr.contains("Applied"), "{run:?}");
}
per_backend!(start_script_upgrades_then_starts_the_app);

#[test]
fn start_script_stops_before_the_app_when_the_database_does_not_answer() {
    let project = example();
    let marker = project.path().join("app-ran");
    let mut command = Command::new("sh");
    command
        .arg(start_script())
        .arg("touch")
        .arg(&marker)
        .current_dir(project.path())
        .env("RETORT_WAIT_SECS", "1");
    // Port 9 (discard) has no database behind it.
    let run = run_with_url(command, Some("postgresql://nobody@127.0.0.1:9/app"));
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("cannot connect"), "{run:?}");
    assert!(
        !marker.exists(),
        "the app ran on a database that is not at head"
    );
}

#[test]
fn the_dockerfile_starts_through_the_script() {
    let text =
        std::fs::read_to_string(root().join("examples/docker/Dockerfile")).expect("the Dockerfile");
    assert!(
        text.contains("COPY start.sh /usr/local/bin/start.sh"),
        "{text}"
    );
    assert!(
        text.contains(r#"ENTRYPOINT ["/usr/local/bin/start.sh"]"#),
        "{text}"
    );
    assert!(
        text.contains("pip install --no-cache-dir retort-migrations"),
        "{text}"
    );
}
