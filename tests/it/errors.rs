//! Broken revision files and broken configuration: exit 2, a message that
//! names the place, and never a panic (every `Run` checks for one).

use std::fs;

use crate::common::{A, B, C, FILTERS, Project, Run, retort};

#[test]
fn unknown_parent_names_file_line_and_closest_id() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(B, &["aaaa00000002"], "two");
    project.run(&["heads"]).code(2).stderr_has(&[
        "unknown parent revision `aaaa00000002`",
        &format!("migrations/versions/{B}_two.sql:2:13"),
        &format!("did you mean `{A}`"),
    ]);
}

#[test]
fn unknown_parent_snapshot() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(B, &["aaaa00000002"], "two");
    let run = project.run(&["history"]).code(2);
    assert_eq!(run.stdout, "");
    insta::with_settings!({filters => FILTERS}, {
        insta::assert_snapshot!("unknown_parent", run.stderr);
    });
}

#[test]
fn every_command_that_reads_the_graph_refuses_a_broken_one() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(B, &["ffff00000000"], "two");
    for args in [
        &["heads"][..],
        &["heads", "--check"],
        &["branches"],
        &["history"],
        &["history", "--graph"],
        &["show", A],
        &["create", "-m", "x"],
        &["merge", "heads", "-m", "x"],
    ] {
        let run = project.run(args).code(2);
        assert!(
            run.stderr.contains("ffff00000000"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(project.files().len(), 2, "nothing was written");
}

#[test]
fn missing_upgrade_section_names_the_file() {
    let project = Project::new();
    project.write_file(
        &format!("{A}_one.sql"),
        format!("-- Revision ID: {A}\n-- Revises:\n-- Message: one\n").as_bytes(),
    );
    project.run(&["heads"]).code(2).stderr_has(&[
        "-- migrate:upgrade",
        &format!("migrations/versions/{A}_one.sql"),
    ]);
}

#[test]
fn missing_revision_id_names_the_file() {
    let project = Project::new();
    project.write_file(
        "nothing_here.sql",
        b"-- Message: no id\n\n-- migrate:upgrade\nSELECT 1;\n",
    );
    project
        .run(&["heads"])
        .code(2)
        .stderr_has(&["migrations/versions/nothing_here.sql"]);
}

#[test]
fn duplicate_revision_id_names_both_files() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(A, &[], "copy");
    project.run(&["heads"]).code(2).stderr_has(&[
        A,
        &format!("{A}_one.sql"),
        &format!("{A}_copy.sql"),
    ]);
}

#[test]
fn cycle_is_reported() {
    let project = Project::new();
    project.write_revision(A, &[C], "one");
    project.write_revision(B, &[A], "two");
    project.write_revision(C, &[B], "three");
    project
        .run(&["history"])
        .code(2)
        .stderr_has(&["cycle", A, B, C]);
}

#[test]
fn self_reference_is_a_cycle() {
    let project = Project::new();
    project.write_revision(A, &[A], "me");
    project.run(&["heads"]).code(2).stderr_has(&["cycle", A]);
}

#[test]
fn two_problems_in_two_files_are_both_reported() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    project.write_revision(B, &["aaaa0000000x"], "two");
    project.write_file(
        &format!("{C}_three.sql"),
        format!("-- Revision ID: {C}\n-- Revises: {A}\n-- Message: three\n").as_bytes(),
    );
    project.run(&["heads"]).code(2).stderr_has(&[
        &format!("{B}_two.sql"),
        "aaaa0000000x",
        &format!("{C}_three.sql"),
        "-- migrate:upgrade",
        "2 problems",
    ]);
}

#[test]
fn invalid_utf8_is_an_error_not_a_panic() {
    let project = Project::new();
    let mut bytes = format!("-- Revision ID: {A}\n-- Revises:\n-- Message: caf").into_bytes();
    bytes.extend_from_slice(b"\xe9 \xff\xfe\n\n-- migrate:upgrade\nSELECT 1;\n");
    project.write_file(&format!("{A}_latin1.sql"), &bytes);
    project
        .run(&["heads"])
        .code(2)
        .stderr_has(&["UTF-8", &format!("{A}_latin1.sql")]);
}

#[test]
fn binary_garbage_is_an_error_not_a_panic() {
    let project = Project::new();
    // A fixed pseudo-random byte soup, NULs and invalid UTF-8 included.
    let mut state: u32 = 0x2545_f491;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    project.write_file("garbage.sql", &bytes);
    project
        .run(&["history"])
        .code(2)
        .stderr_has(&["garbage.sql"]);
}

#[test]
fn garbage_text_is_an_error_not_a_panic() {
    let project = Project::new();
    project.write_file("noise.sql", "-- Revision ID:\n-- Revises: ,,, @@\n-- migrate:downgrade\n-- migrate:upgrade x=y\n\u{feff}💥\n".as_bytes());
    project.run(&["heads"]).code(2).stderr_has(&["noise.sql"]);
}

#[test]
fn a_17_mb_file_is_refused_by_size() {
    let project = Project::new();
    project.write_revision(A, &[], "one");
    let mut text =
        format!("-- Revision ID: {B}\n-- Revises: {A}\n-- Message: big\n\n-- migrate:upgrade\n")
            .into_bytes();
    text.resize(17 * 1024 * 1024, b'-');
    project.write_file(&format!("{B}_big.sql"), &text);
    project
        .run(&["heads"])
        .code(2)
        .stderr_has(&[&format!("{B}_big.sql"), "16 MiB"]);
}

#[test]
fn no_retort_toml_suggests_init() {
    let project = Project::empty();
    project
        .run(&["heads"])
        .code(2)
        .stderr_has(&["retort.toml", "retort init"]);
}

#[test]
fn config_flag_works_from_another_directory() {
    let project = Project::new();
    let elsewhere = Project::empty();
    let config = project.path().join("retort.toml");
    let config = config.to_str().unwrap();
    let mut command = retort();
    command
        .current_dir(elsewhere.path())
        .args(["-c", config, "create", "-m", "remote", "--rev-id", A]);
    Run::of(command).success();
    assert_eq!(project.files(), [format!("{A}_remote.sql")]);
    assert!(
        fs::read_dir(elsewhere.path()).unwrap().next().is_none(),
        "nothing is written in the current directory"
    );

    let mut command = retort();
    command
        .current_dir(elsewhere.path())
        .args(["--config", config, "heads"]);
    let run = Run::of(command).success();
    assert_eq!(run.lines(), [format!("{A} (head)")]);
}

#[test]
fn config_flag_to_a_missing_file_fails() {
    let project = Project::empty();
    project
        .run(&["-c", "nowhere/retort.toml", "heads"])
        .code(2)
        .stderr_has(&["nowhere/retort.toml"]);
}

#[test]
fn discovery_from_a_subdirectory() {
    let project = Project::new();
    project.create(A, "one", &[]);
    let sub = project.path().join("models").join("deep");
    fs::create_dir_all(&sub).unwrap();
    let mut command = project.command();
    command.current_dir(&sub).arg("heads");
    assert_eq!(Run::of(command).success().lines(), [format!("{A} (head)")]);

    let mut command = project.command();
    command
        .current_dir(&sub)
        .args(["create", "-m", "from below", "--rev-id", B]);
    Run::of(command).success();
    assert_eq!(
        project.header(B, "Revises"),
        A,
        "written in the project, not in cwd"
    );
    assert!(!sub.join("migrations").exists());
}

#[test]
fn unknown_key_in_retort_toml_is_named() {
    let project = Project::new();
    let path = project.path().join("retort.toml");
    let toml = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        toml.replace("[retort]\n", "[retort]\nscript_locaton = \"x\"\n"),
    )
    .unwrap();
    project
        .run(&["heads"])
        .code(2)
        .stderr_has(&["script_locaton", "retort.toml"]);
}

#[test]
fn invalid_toml_is_reported() {
    let project = Project::new();
    fs::write(project.path().join("retort.toml"), "[retort\nurl = ").unwrap();
    project.run(&["heads"]).code(2).stderr_has(&["retort.toml"]);
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    Project::new().run(&["frobnicate"]).code(2);
}
