//! No command shows a password, whatever shape the URL has: the real
//! binary on a corpus of URLs — well-formed, malformed user parts, raw
//! `@ / ? # :` in passwords, broken escapes, bad ports, unknown dialects,
//! secret options — given through `--url`, `DATABASE_URL`, `.env` and
//! `retort.toml`, running `test-connection`, `current`, `status` and
//! `upgrade --sql`, in text and JSON. Every output (stdout and stderr, every
//! exit path) is searched for any 4-character run of the password.
//!
//! Hosts are `127.0.0.1:1` (refused at once) or malformed, so no run waits
//! on the network.

use crate::common::{Project, Run, retort};

/// Hand-picked shapes, each with its password as typed.
const CORPUS: &[(&str, &str)] = &[
    ("postgresql://u:QZJKpass@127.0.0.1:1/db", "QZJKpass"),
    ("postgresql://u/x:QZJKpass@127.0.0.1:1/db", "QZJKpass"),
    ("postgresql://u?x:QZJKpass@127.0.0.1:1", "QZJKpass"),
    ("postgresql://u:QZ@JK/XQZJ@127.0.0.1:1/db", "QZ@JK/XQZJ"),
    ("postgresql://u:QZ@JK@127.0.0.1:1/db", "QZ@JK"),
    ("mysql://u:QZ/J?K#XZ@127.0.0.1:1/db", "QZ/J?K#XZ"),
    ("mysql://u:QZJK%zzX@127.0.0.1:1/db", "QZJK%zzX"),
    ("mysql://u:QZJK%40X@127.0.0.1:1/db", "QZJK%40X"),
    ("postgresql://u:QZJKX@127.0.0.1:99999/db", "QZJKX"),
    ("postgresql://u:QZJKX@127.0.0.1:port/db", "QZJKX"),
    ("postgresql://u:QZJKX@[::1/db", "QZJKX"),
    ("postgresql://u:QZJKX", "QZJKX"),
    ("postgresql://u:QZJK/XZQJ", "QZJK/XZQJ"),
    ("postgresql:/u:QZJKX@127.0.0.1:1/db", "QZJKX"),
    ("u:QZJKX@127.0.0.1:1/db", "QZJKX"),
    ("oracle://scott:QZJKtiger@127.0.0.1:1/orcl", "QZJKtiger"),
    ("post gres://u:QZJKX@127.0.0.1:1/db", "QZJKX"),
    ("sqlite://u:QZJKX@host/app.db", "QZJKX"),
    ("postgresql://u:QZJKX@127.0.0.1:1/db?email=a@b", "QZJKX"),
    ("postgresql://u:QZJKX@127.0.0.1:1/db?sslmode=bogus", "QZJKX"),
    ("postgresql://u:QZJKX@127.0.0.1:1/db?ssl=true", "QZJKX"),
    ("mysql://u:QZJKX@127.0.0.1:1/db?sslmode=require", "QZJKX"),
    ("postgresql://127.0.0.1:1/db?password=QZJKX", "QZJKX"),
    (
        "mysql://u@127.0.0.1:1/db?passwd=QZJKX&charset=utf8mb4",
        "QZJKX",
    ),
    ("postgresql://u:QZ:JK:XQ@127.0.0.1:1/db", "QZ:JK:XQ"),
];

/// A few more from a seeded generator: passwords of marker letters and URL
/// punctuation, some characters percent-encoded.
fn generated() -> Vec<(String, String)> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let alphabet = ['Q', 'Z', 'J', 'K', 'X', '@', '/', '?', '#', ':', '%'];
    let schemes = [
        "postgresql",
        "mysql",
        "mariadb",
        "postgres+asyncpg",
        "sqlite",
        "db2",
    ];
    (0..16)
        .map(|_| {
            let len = 5 + next(8) as usize;
            let mut password = String::new();
            for _ in 0..len {
                let c = alphabet[next(alphabet.len() as u64) as usize];
                if next(4) == 0 {
                    password.push_str(&format!("%{:02X}", c as u32));
                } else {
                    password.push(c);
                }
            }
            let scheme = schemes[next(schemes.len() as u64) as usize];
            let user = ["u", "u/x", "u?x", "", "a@b"][next(5) as usize];
            let tail = ["/db", "", "/db?x=1", ":abc/db", "/d@b"][next(5) as usize];
            (
                format!("{scheme}://{user}:{password}@127.0.0.1:1{tail}"),
                password,
            )
        })
        .collect()
}

/// Every 4-character run of `password` that holds a marker letter.
fn runs(password: &str) -> Vec<String> {
    let chars: Vec<char> = password.chars().collect();
    chars
        .windows(4)
        .filter(|w| w.iter().any(|c| "QZJKX".contains(*c)))
        .map(|w| w.iter().collect())
        .collect()
}

fn check(url: &str, password: &str, how: &str, run: &Run) {
    for run_text in runs(password) {
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.contains(&run_text),
                "`{run_text}` of the password of {url:?} shows on {stream} ({how}):\n{text}"
            );
        }
    }
}

/// A project with one revision; `retort.toml` names `url` when given.
fn project(toml_url: Option<&str>, dotenv_url: Option<&str>) -> Project {
    let project = Project::new();
    project.write_revision("a1", &[], "first");
    if let Some(url) = toml_url {
        std::fs::write(
            project.path().join("retort.toml"),
            format!("[retort]\nurl = \"{url}\"\n"),
        )
        .expect("write retort.toml");
    }
    if let Some(url) = dotenv_url {
        std::fs::write(
            project.path().join(".env"),
            format!("DATABASE_URL='{url}'\n"),
        )
        .expect("write .env");
    }
    project
}

const COMMANDS: &[&[&str]] = &[
    &["test-connection"],
    &["current"],
    &["status"],
    &["upgrade", "--sql"],
    &["--format", "json", "status"],
    &["--format", "json", "test-connection"],
    &["-v", "current"],
];

#[test]
fn no_command_shows_the_password() {
    let mut corpus: Vec<(String, String)> = CORPUS
        .iter()
        .map(|(u, p)| (u.to_string(), p.to_string()))
        .collect();
    corpus.extend(generated());
    let plain = project(None, None);
    for (url, password) in &corpus {
        for command in COMMANDS {
            // --url
            let mut run = plain.command();
            run.args(["--url", url]).args(*command);
            check(url, password, &format!("--url {command:?}"), &Run::of(run));
            // DATABASE_URL
            let mut run = plain.command();
            run.env("DATABASE_URL", url).args(*command);
            check(
                url,
                password,
                &format!("DATABASE_URL {command:?}"),
                &Run::of(run),
            );
        }
        // retort.toml and .env: the commands that read a project.
        let toml = project(Some(url), None);
        let dotenv = project(None, Some(url));
        for command in &COMMANDS[1..4] {
            check(url, password, "retort.toml", &toml.run(command));
            check(url, password, ".env", &dotenv.run(command));
        }
    }
    // Outside a project too.
    let outside = tempfile::tempdir().expect("temp dir");
    for (url, password) in &corpus {
        let mut run = retort();
        run.current_dir(outside.path())
            .args(["--url", url, "test-connection"]);
        check(url, password, "no project", &Run::of(run));
    }
}

/// The check itself can fail: before the fix, `u/x:<pw>@h` was shown as typed.
#[test]
fn the_check_catches_a_leak() {
    let leaked = Run {
        code: 2,
        stdout: String::new(),
        stderr: "Database: postgresql://u/x:QZJKpass@127.0.0.1:1/db".to_owned(),
    };
    let caught = std::panic::catch_unwind(|| {
        check(
            "postgresql://u/x:QZJKpass@127.0.0.1:1/db",
            "QZJKpass",
            "self-test",
            &leaked,
        )
    });
    assert!(caught.is_err());
}

/// A URL given where a command or a revision was expected is quoted by the
/// error — redacted.
#[test]
fn a_url_in_the_wrong_place_is_quoted_redacted() {
    let project = project(None, None);
    let url = "postgresql://u:QZJKpass@127.0.0.1:1/db";
    for args in [
        &[url][..],
        &["upgrade", url, "--sql"],
        &["show", url],
        &["downgrade", url],
        &["history", "-r", url],
        &["stamp", url, "--sql"],
        &["--url", url, "--url", url, "status"],
        &["--format", url, "status"],
    ] {
        let run = project.run(args).code(2);
        check(url, "QZJKpass", &format!("{args:?}"), &run);
    }
}
