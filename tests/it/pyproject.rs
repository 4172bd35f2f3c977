//! `[tool.retort]` in `pyproject.toml`: discovery, precedence over
//! `retort.toml`, `retort init --pyproject`, and errors that name the file.

use std::fs;
use std::path::Path;

use crate::common::{Project, Run, retort};

/// `retort -v heads` run in `dir`.
fn heads_in(dir: &Path) -> Run {
    let mut command = retort();
    command.current_dir(dir).args(["-v", "heads"]);
    Run::of(command)
}

/// A settings file whose `script_location` names `marker`: `heads` then
/// fails naming `marker/versions`, which shows which file was read.
fn settings(table: &str, marker: &str) -> String {
    format!("[{table}]\nscript_location = \"{marker}\"\n")
}

fn pyproject(marker: &str) -> String {
    format!(
        "[project]\nname = \"app\"\nversion = \"1.0\"\n\n[tool.ruff]\nline-length = 100\n\n{}",
        settings("tool.retort", marker)
    )
}

fn mkdir(path: &Path) {
    fs::create_dir_all(path).expect("create a directory");
}

#[test]
fn tool_retort_is_found_from_a_subdirectory() {
    let p = Project::empty();
    fs::write(p.path().join("pyproject.toml"), pyproject("db")).unwrap();
    mkdir(&p.path().join("db").join("versions"));
    let nested = p.path().join("app").join("models");
    mkdir(&nested);
    let run = heads_in(&nested).success();
    assert!(
        run.stderr_flat().contains("Settings: [tool.retort] in")
            && run.stderr.contains("pyproject.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn retort_toml_wins_over_pyproject_in_the_same_directory() {
    let p = Project::empty();
    fs::write(p.path().join("pyproject.toml"), pyproject("from_pyproject")).unwrap();
    fs::write(
        p.path().join("retort.toml"),
        settings("retort", "from_retort_toml"),
    )
    .unwrap();
    let run = heads_in(p.path()).code(2);
    assert!(
        run.stderr.contains("Settings: retort.toml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("from_retort_toml"), "{}", run.stderr);
    assert!(!run.stderr.contains("from_pyproject"), "{}", run.stderr);
}

#[test]
fn the_nearest_directory_wins_whichever_file_it_holds() {
    let p = Project::empty();
    fs::write(p.path().join("retort.toml"), settings("retort", "outer")).unwrap();
    let inner = p.path().join("service");
    mkdir(&inner);
    fs::write(inner.join("pyproject.toml"), pyproject("inner")).unwrap();
    let run = heads_in(&inner).code(2);
    assert!(run.stderr.contains("inner/versions"), "{}", run.stderr);
}

#[test]
fn a_pyproject_without_tool_retort_is_passed_over() {
    let p = Project::empty();
    fs::write(p.path().join("retort.toml"), settings("retort", "outer")).unwrap();
    let inner = p.path().join("service");
    mkdir(&inner);
    // A Python project's own file, and one that is not even valid TOML:
    // neither is retort's business.
    fs::write(
        inner.join("pyproject.toml"),
        "[project]\nname = \"app\"\n[tool.ruff]\nline-length = 100\n",
    )
    .unwrap();
    let run = heads_in(&inner).code(2);
    assert!(run.stderr.contains("outer/versions"), "{}", run.stderr);
    fs::write(inner.join("pyproject.toml"), "[project\nname = ").unwrap();
    let run = heads_in(&inner).code(2);
    assert!(run.stderr.contains("outer/versions"), "{}", run.stderr);
}

#[test]
fn a_bad_key_names_pyproject_toml_and_the_line() {
    let p = Project::empty();
    let text = pyproject("db") + "lock_timeuot = 5\n";
    let line = text.lines().count();
    fs::write(p.path().join("pyproject.toml"), &text).unwrap();
    let run = heads_in(p.path()).code(2);
    let stderr = run.stderr_flat();
    assert!(
        stderr.contains(&format!("pyproject.toml:{line}:1:")) && stderr.contains("lock_timeuot"),
        "{stderr}"
    );
}

#[test]
fn dash_c_reads_a_pyproject_and_wants_its_table() {
    let p = Project::empty();
    let file = p.path().join("pyproject.toml");
    fs::write(&file, "[project]\nname = \"app\"\n").unwrap();
    let mut command = retort();
    command.arg("-c").arg(&file).arg("heads");
    Run::of(command).code(2).stderr_has(&[
        "pyproject.toml",
        "no [tool.retort] table",
        "init --pyproject",
    ]);

    fs::write(&file, pyproject("db")).unwrap();
    mkdir(&p.path().join("db").join("versions"));
    let mut command = retort();
    command.arg("-c").arg(&file).arg("heads");
    Run::of(command).success();
}

#[test]
fn init_pyproject_writes_a_new_file_that_loads() {
    let p = Project::empty();
    p.run(&["init", "--pyproject"]).success();
    let text = fs::read_to_string(p.path().join("pyproject.toml")).unwrap();
    assert!(text.contains("[tool.retort]"), "{text}");
    assert!(!p.path().join("retort.toml").exists());
    assert!(p.versions().is_dir());
    let run = heads_in(p.path()).success();
    assert!(run.stderr.contains("[tool.retort] in"), "{}", run.stderr);
    p.create("aaaa00000001", "first", &[]);
    assert_eq!(
        p.run(&["heads"]).success().stdout.trim_start().get(..12),
        Some("aaaa00000001")
    );
}

#[test]
fn init_pyproject_appends_to_an_existing_file_and_leaves_the_rest() {
    let p = Project::empty();
    let file = p.path().join("pyproject.toml");
    // No trailing newline: the table must still start on a line of its own.
    let before = "[project]\nname = \"app\"\n\n[tool]\nruff = { line-length = 100 }";
    fs::write(&file, before).unwrap();
    p.run(&["init", "--pyproject"]).success();
    let after = fs::read_to_string(&file).unwrap();
    assert!(after.starts_with(before), "{after}");
    assert!(
        after[before.len()..].starts_with("\n\n# retort settings"),
        "{after}"
    );
    heads_in(p.path()).success();

    // A second time: refused, the file unchanged.
    p.run(&["init", "--pyproject"])
        .code(2)
        .stderr_has(&["pyproject.toml", "already has a [tool.retort] table"]);
    assert_eq!(fs::read_to_string(&file).unwrap(), after);
}

#[test]
fn init_pyproject_refuses_what_it_cannot_append_to() {
    let p = Project::empty();
    let file = p.path().join("pyproject.toml");
    for text in [
        // Not TOML.
        "[project\nname = ",
        // An inline `tool` table cannot be extended by a [tool.retort] table.
        "tool = { ruff = { line-length = 100 } }\n",
        // Already there, spelled another way.
        "[tool]\nretort = { script_location = \"db\" }\n",
    ] {
        fs::write(&file, text).unwrap();
        let run = p.run(&["init", "--pyproject"]).code(2);
        assert!(
            run.stderr.contains("pyproject.toml"),
            "{text}: {}",
            run.stderr
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), text);
        assert!(!p.path().join("migrations").exists(), "{text}");
    }
}

#[test]
fn init_pyproject_refuses_beside_a_retort_toml() {
    let p = Project::new();
    p.run(&["init", "--pyproject"]).code(2).stderr_has(&[
        "retort.toml",
        "already exists",
        "precedence",
    ]);
    assert!(!p.path().join("pyproject.toml").exists());
}

#[test]
fn plain_init_refuses_beside_a_pyproject_with_the_table() {
    let p = Project::empty();
    p.run(&["init", "--pyproject"]).success();
    p.run(&["init"])
        .code(2)
        .stderr_has(&["pyproject.toml", "already has a [tool.retort] table"]);
    assert!(!p.path().join("retort.toml").exists());
}

/// The repository's own `pyproject.toml` builds the pip package and has no
/// `[tool.retort]` table: retort run at the repository root must not take it
/// for project settings (nor fail on it).
#[test]
fn the_repository_pyproject_is_not_project_settings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("pyproject.toml");
    let text = fs::read_to_string(&file).expect("the repository has a pyproject.toml");
    assert!(text.contains("[tool.maturin]"));
    assert!(!retort::config::has_retort_table(&file, &text).expect("valid TOML"));
    let run = heads_in(root);
    assert!(
        !run.stderr.contains("[tool.retort] in") && !run.stderr.contains(&*file.to_string_lossy()),
        "{}",
        run.stderr
    );
}

#[test]
fn plain_init_is_not_stopped_by_a_pyproject_it_cannot_read() {
    let p = Project::empty();
    mkdir(&p.path().join("pyproject.toml"));
    p.run(&["init"]).success();
    assert!(p.path().join("retort.toml").is_file());
    p.run(&["init", "--pyproject"])
        .code(2)
        .stderr_has(&["retort.toml", "already exists"]);
}

#[test]
fn init_pyproject_refuses_a_pyproject_that_is_not_a_file() {
    let p = Project::empty();
    mkdir(&p.path().join("pyproject.toml"));
    p.run(&["init", "--pyproject"])
        .code(2)
        .stderr_has(&["pyproject.toml", "not a regular file"]);
}
