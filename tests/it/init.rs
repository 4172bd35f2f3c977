//! `retort init [DIR]`.

use crate::common::{Project, Run, retort};

#[test]
fn init_lays_out_the_project() {
    let project = Project::empty();
    project.run(&["init"]).success();
    let root = project.path();
    assert!(root.join("retort.toml").is_file());
    assert!(root.join("migrations").join("versions").is_dir());
    assert!(root.join("models").is_dir());
    let toml = std::fs::read_to_string(root.join("retort.toml")).unwrap();
    assert!(toml.contains("[retort]"), "{toml}");
    assert!(toml.contains(r#"script_location = "migrations""#), "{toml}");
}

#[test]
fn the_new_project_is_usable_right_away() {
    let project = Project::new();
    let run = project.run(&["heads"]).success();
    assert_eq!(run.stdout, "", "an empty project has no heads");
    project.run(&["history"]).success();
}

#[test]
fn second_init_refuses_and_names_retort_toml() {
    let project = Project::new();
    let before = std::fs::read_to_string(project.path().join("retort.toml")).unwrap();
    project
        .run(&["init"])
        .code(2)
        .stderr_has(&["retort.toml", "already exists"]);
    let after = std::fs::read_to_string(project.path().join("retort.toml")).unwrap();
    assert_eq!(before, after, "the existing file is left alone");
}

#[test]
fn init_dir_creates_the_directory() {
    let parent = Project::empty();
    let mut command = retort();
    command
        .current_dir(parent.path())
        .args(["init", "nested/app"]);
    Run::of(command).success();
    let dir = parent.path().join("nested").join("app");
    assert!(dir.join("retort.toml").is_file());
    assert!(dir.join("migrations").join("versions").is_dir());
    assert!(dir.join("models").is_dir());
    assert!(
        !parent.path().join("retort.toml").exists(),
        "nothing is written in the current directory"
    );
}

#[test]
fn init_dir_twice_refuses() {
    let parent = Project::empty();
    parent.run(&["init", "app"]).success();
    parent
        .run(&["init", "app"])
        .code(2)
        .stderr_has(&["retort.toml"]);
}
