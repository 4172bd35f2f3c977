//! Text from revision files reaches people's terminals with its control
//! characters written out (an escape sequence in a message must not recolour
//! or rewrite the screen), while JSON keeps it exactly.

use crate::common::{Project, retort};

/// A message holding a colour sequence, a carriage return and a bell.
const MESSAGE: &str = "red \u{1b}[31m back\rbell\u{7}";

fn project() -> Project {
    let p = Project::new();
    p.write_revision("aaaa00000001", &[], "base");
    // Branch labels and ids are refused unless plain ASCII, so the message
    // is the text that can hold anything.
    p.write_revision_with(
        "aaaa00000002",
        &["aaaa00000001"],
        MESSAGE,
        "-- Branch Labels: label\n",
    );
    p
}

/// `retort ARGS` with colour forced on, so nothing filters the output on
/// its way to the test but retort itself.
fn run(p: &Project, args: &[&str]) -> String {
    let mut command = retort();
    command
        .current_dir(p.path())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .env("DATABASE_URL", "sqlite:///app.db")
        .args(args);
    let output = command.output().expect("retort runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[test]
fn control_characters_are_written_out_in_human_output() {
    let p = project();
    let commands: &[&[&str]] = &[
        &["history"],
        &["history", "-v"],
        &["history", "--graph"],
        &["show", "aaaa00000002"],
        &["heads"],
        &["heads", "-v"],
        &["branches", "-v"],
        &["status"],
        &["upgrade"],
        &["current", "-v"],
        &["downgrade", "-1"],
    ];
    for args in commands {
        let out = run(&p, args);
        for bad in ["\u{1b}[31m", "\r", "\u{7}"] {
            assert!(
                !out.contains(bad),
                "`retort {}` printed {bad:?} as it is:\n{out:?}",
                args.join(" ")
            );
        }
    }
    let shown = run(&p, &["show", "aaaa00000002"]);
    assert!(
        shown.contains("red \\u{1b}[31m back\\rbell\\u{7}"),
        "{shown:?}"
    );
}

#[test]
fn json_keeps_the_text_exactly() {
    let p = project();
    let out = p.run(&["history", "--format", "json"]).success();
    let messages: Vec<String> = out.json()["revisions"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["message"].as_str().expect("a message").to_owned())
        .collect();
    assert!(messages.iter().any(|m| m == MESSAGE), "{messages:?}");
}

/// An error shows the lines around the offending one: they hold the
/// message as written in the file. miette drops control characters from
/// the snippet itself; this keeps it so.
#[test]
fn error_snippets_show_no_control_characters() {
    let p = Project::new();
    // No CR here: it would move the message out of the lines shown.
    p.write_revision_with(
        "aaaa00000002",
        &[],
        "red \u{1b}[31m bell\u{7}",
        "-- Branch Labels: not ok\n",
    );
    let run = p.run(&["history"]).code(2);
    assert!(run.stderr.contains("not ok"), "{}", run.stderr);
    for bad in ['\u{1b}', '\r', '\u{7}'] {
        assert!(!run.stderr.contains(bad), "{bad:?} in:\n{:?}", run.stderr);
    }
}
