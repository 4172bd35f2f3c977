//! `retort completions SHELL` and `retort man`: the scripts load in their
//! shell and the page renders.

use std::process::Command;

use crate::common::{Project, Run, retort};

fn found(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What bash's completion offers for `words`, the last being the one completed.
fn bash_completes(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let words_array = words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let line = words.join(" ");
    let program = format!(
        "source '{script}'\n\
         COMP_WORDS=({words_array}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT={point}\n\
         _retort retort '{current}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script = script.display(),
        cword = words.len() - 1,
        point = line.len(),
        current = words[words.len() - 1],
        previous = words[words.len().saturating_sub(2)],
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completion_loads_and_completes_subcommands_and_flags() {
    if !found("bash") {
        eprintln!("skipped: no bash on PATH");
        return;
    }
    let project = Project::empty();
    let run = Run::of({
        let mut command = retort();
        command.args(["completions", "bash"]);
        command
    })
    .success();
    let script = project.path().join("retort.bash");
    std::fs::write(&script, &run.stdout).unwrap();

    assert_eq!(bash_completes(&script, &["retort", "up"]), ["upgrade"]);
    let all = bash_completes(&script, &["retort", ""]);
    for command in ["upgrade", "downgrade", "check", "completions", "man"] {
        assert!(all.iter().any(|c| c == command), "{command} in {all:?}");
    }
    assert_eq!(
        bash_completes(&script, &["retort", "upgrade", "--dr"]),
        ["--dry-run"]
    );
    assert_eq!(
        bash_completes(&script, &["retort", "completions", "fi"]),
        ["fish"]
    );
}

#[test]
fn every_shell_gets_a_script_naming_retort() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = Run::of({
            let mut command = retort();
            command.args(["completions", shell]);
            command
        })
        .success();
        assert!(run.stdout.contains("retort"), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("upgrade"), "{shell}");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    Run::of({
        let mut command = retort();
        command.args(["completions", "tcsh"]);
        command
    })
    .code(2)
    .stderr_has(&["tcsh", "bash", "zsh", "fish", "powershell"]);
}

#[test]
fn the_man_page_renders() {
    let project = Project::empty();
    let run = Run::of({
        let mut command = retort();
        command.arg("man");
        command
    })
    .success();
    assert!(run.stdout.contains(".TH retort 1"), "{}", run.stdout);
    let page = project.path().join("retort.1");
    std::fs::write(&page, &run.stdout).unwrap();

    // `man -l` where man is installed, else groff itself; else the roff
    // text above is all that can be checked.
    let rendered = if found("man") {
        Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
    } else if found("groff") {
        Command::new("groff")
            .args(["-man", "-Tutf8"])
            .arg(&page)
            .output()
    } else {
        eprintln!("skipped rendering: neither man nor groff on PATH");
        return;
    }
    .expect("the renderer runs");
    assert!(rendered.status.success());
    // groff emboldens with backspaces when writing to a pipe.
    let text = strip_overstrike(&String::from_utf8_lossy(&rendered.stdout));
    for part in ["NAME", "SYNOPSIS", "retort", "upgrade", "--config"] {
        assert!(text.contains(part), "{part} in:\n{text}");
    }
}

/// `X\bX` (bold) and `_\bX` (underline) as groff writes them to a pipe.
fn strip_overstrike(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn man_dir_writes_a_page_per_subcommand() {
    let project = Project::empty();
    let dir = project.path().join("man1");
    Run::of({
        let mut command = retort();
        command.arg("man").arg("--dir").arg(&dir);
        command
    })
    .success();
    for page in ["retort.1", "retort-upgrade.1", "retort-completions.1"] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap();
        assert!(text.contains(".TH retort"), "{page}: {text}");
    }
}
