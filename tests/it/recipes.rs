//! What a user copies from the repository: the pre-commit hooks
//! (`.pre-commit-hooks.yaml`), the GitHub Actions workflow
//! (`examples/ci/github-actions.yml`) and the container's start script
//! (`examples/docker/start.sh`), run here as far as this machine can:
//! pre-commit from PyPI installs the hooks from a clone of this repository
//! (and, as local hooks, from this build) and runs them on a sample git
//! repository; the workflow's `retort` lines and the start script run
//! against the local servers. docs/recipes.md describes them.
//!
//! Needs `RETORT_TEST_PRECOMMIT_PYTHON`, a python with pre-commit (and so
//! PyYAML, which reads the YAML files here); skipped without it, failing
//! under `CI` (`.ci/run` installs it). Installing the hooks from the clone
//! also needs git, cargo and PyPI (pip fetches maturin).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{A, B, C, Project, Run};
use crate::db::{Backend, TestDb, copy_dir, per_backend};
use crate::second_build::{SecondBuild, Seed, apply_env};
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
    command.env("PATH", path_with_retort());
    match url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    output(command)
}

/// Runs `command` with colour off, and captures what it says.
fn output(mut command: Command) -> Run {
    let output = command
        .env("NO_COLOR", "1")
        .output()
        .expect("the command runs");
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
/// with one entry in `repos:`, and pre-commit's own home (the hooks'
/// environments) in a temp directory.
struct Sample {
    project: Project,
    python: String,
    home: tempfile::TempDir,
    /// For pre-commit's runs: variables set, or removed (`None`), in the
    /// inherited environment.
    env: Vec<(OsString, Option<OsString>)>,
}

impl Sample {
    /// The published hooks, run from `repo: local` with `language: system`,
    /// so that pre-commit uses this build instead of building the wheel.
    fn local(python: String) -> Sample {
        let hooks: Vec<Value> = hooks(&python)
            .into_iter()
            .map(|mut hook| {
                hook["language"] = "system".into();
                hook
            })
            .collect();
        let mut sample = Sample::new(python, serde_json::json!({"repo": "local", "hooks": hooks}));
        sample
            .env
            .push(("PATH".into(), Some(path_with_retort().into())));
        sample
    }

    fn new(python: String, repo: Value) -> Sample {
        let project = Project::new();
        // JSON is YAML: no writer needed.
        let config = serde_json::json!({ "repos": [repo] });
        std::fs::write(
            project.path().join(".pre-commit-config.yaml"),
            config.to_string(),
        )
        .expect("write the config");
        let sample = Sample {
            project,
            python,
            home: tempfile::tempdir().expect("a temp directory"),
            env: Vec::new(),
        };
        sample.git(&["init", "-q"]);
        sample
    }

    fn git(&self, args: &[&str]) {
        git(self.project.path(), args);
    }

    /// `pre-commit run --all-files` on what is staged.
    fn precommit(&self) -> Run {
        self.git(&["add", "-A"]);
        let mut command = Command::new(&self.python);
        command
            .args(["-m", "pre_commit", "run", "--all-files", "--color", "never"])
            .current_dir(self.project.path())
            .env("PRE_COMMIT_HOME", self.home.path())
            .env_remove("DATABASE_URL");
        apply_env(&mut command, &self.env);
        output(command)
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// What pre-commit reported for the hook named `name`: `Passed`, `Failed`,
/// `(no files to check)Skipped`, or `None` when it has no line.
fn outcome<'a>(run: &'a Run, name: &str) -> Option<&'a str> {
    run.stdout
        .lines()
        .find(|line| line.starts_with(name) && line[name.len()..].starts_with('.'))
        .and_then(|line| line.rsplit('.').next())
}

/// The hooks pass on a good project, and each fails with what the user
/// needs to read: two heads, then a file that does not parse.
fn hooks_catch_two_heads_and_a_broken_file(sample: &Sample) {
    const HEADS: &str = "retort heads --check";
    const FILES: &str = "retort check-files";
    let project = &sample.project;
    project.write_revision(A, &[], "one");
    project.write_revision(B, &[A], "two");
    let run = sample.precommit();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(outcome(&run, HEADS), Some("Passed"), "{run:?}");
    assert_eq!(outcome(&run, FILES), Some("Passed"), "{run:?}");

    // A second head: `retort-heads` fails and says how to join them.
    let second = project.write_revision(C, &[A], "three");
    let run = sample.precommit();
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(outcome(&run, HEADS), Some("Failed"), "{run:?}");
    assert_eq!(outcome(&run, FILES), Some("Passed"), "{run:?}");
    assert!(run.stdout.contains("retort merge heads"), "{run:?}");

    // A file that does not parse: `retort-check-files` fails naming it.
    std::fs::remove_file(second).expect("remove the second head");
    project.write_file(
        "eeee00000005_broken.sql",
        b"-- Revision ID: eeee00000005\n-- Revises: ffff\n\n-- migrate:upgrade\nSELECT 1;\n",
    );
    let run = sample.precommit();
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(outcome(&run, FILES), Some("Failed"), "{run:?}");
    assert!(run.stdout.contains("eeee00000005_broken.sql"), "{run:?}");
}

#[test]
fn precommit_runs_the_hooks_on_a_sample_repository() {
    let Some(python) = precommit_python() else {
        return;
    };
    hooks_catch_two_heads_and_a_broken_file(&Sample::local(python));
}

/// The hooks as users install them: `repo:` a git repository of retort,
/// `rev:` a commit, and pre-commit pip-installs that checkout, building the
/// wheel with maturin. The repository is a clone of this one's HEAD (so
/// uncommitted changes are not in it). Two things keep the build under a
/// minute instead of a fat-LTO release build's 11 (docs/recipes.md):
/// maturin builds with this run's cargo profile (`MATURIN_PEP517_ARGS`,
/// which pip's build isolation passes through), and into a target
/// directory that holds this run's compiled dependencies (`second_build`).
#[test]
fn precommit_installs_the_published_hooks_from_a_clone() {
    let Some(python) = precommit_python() else {
        return;
    };
    let clone = tempfile::tempdir().expect("a temp directory");
    git(
        root(),
        &["clone", "-q", ".", &clone.path().display().to_string()],
    );
    let rev = git(clone.path(), &["rev-parse", "HEAD"]);
    let repo = serde_json::json!({
        "repo": clone.path(),
        "rev": rev,
        "hooks": [{"id": "retort-heads"}, {"id": "retort-check-files"}],
    });
    let mut sample = Sample::new(python, repo);
    let build = SecondBuild::new(Seed::Dependencies);
    let args = format!("--profile {} --strip", build.profile());
    sample.env.extend(build.env());
    sample.env.extend([
        ("MATURIN_PEP517_ARGS".into(), Some(args.into())),
        // A one-off build of retort: incremental state would only be
        // written. (Dependencies are never built incrementally, so this
        // leaves them fresh.)
        ("CARGO_INCREMENTAL".into(), Some("0".into())),
    ]);
    hooks_catch_two_heads_and_a_broken_file(&sample);

    // The hooks ran the binary pip put in the hook's environment, which
    // is this version of retort.
    let installed: Vec<PathBuf> = glob::glob(&format!(
        "{}/repo*/py_env-*/bin/retort",
        sample.home.path().display()
    ))
    .expect("a pattern")
    .map(|p| p.expect("a path"))
    .collect();
    assert_eq!(installed.len(), 1, "{installed:?}");
    let mut command = Command::new(&installed[0]);
    command.arg("--version");
    let version = output(command);
    assert_eq!(
        version.stdout,
        format!("retort {}\n", env!("CARGO_PKG_VERSION"))
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
        "retort lint --pending",
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
