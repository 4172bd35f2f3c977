//! A corpus of bad inputs — revision files, models, URLs, configurations,
//! identifiers and server settings — each run through the real binary in a
//! fresh project. Every case must exit with its code (1 failed, 2 usage,
//! configuration, revision file or connection), name what is wrong (the
//! file and line, the option, the key, the value), never panic or print a
//! backtrace (checked by [`Run::of`]), never hang (each run is killed after
//! 20 s), and never show a password: every URL here has `QZJK` in its
//! password, and no output may hold it.

use std::time::Duration;

use crate::common::{A, B, Project, Run};
use crate::db::{Backend, TestDb};

/// Something to put in the project before the run.
enum Setup {
    /// A file in `migrations/versions/`.
    Revision(&'static str, String),
    /// Raw bytes in `migrations/versions/`.
    Bytes(&'static str, Vec<u8>),
    /// A named pipe in `migrations/versions/`.
    Fifo(&'static str),
    /// `retort.toml` replaced.
    Toml(String),
    /// A `.env` beside `retort.toml`.
    Dotenv(String),
    /// A named pipe at this path, relative to the project.
    FifoAt(&'static str),
    /// A models file, `models/schema.sql`.
    Model(String),
    /// A file removed, relative to the project.
    Remove(&'static str),
}

struct Case {
    name: String,
    setup: Vec<Setup>,
    args: Vec<String>,
    code: i32,
    /// Fragments stderr (flattened) must contain.
    expect: Vec<String>,
}

fn case(name: &str, setup: Vec<Setup>, args: &[&str], code: i32, expect: &[&str]) -> Case {
    Case {
        name: name.to_owned(),
        setup,
        args: args.iter().map(|s| s.to_string()).collect(),
        code,
        expect: expect.iter().map(|s| s.to_string()).collect(),
    }
}

/// A revision file's text.
fn rev(id: &str, revises: &str, rest: &str) -> String {
    format!(
        "-- Revision ID: {id}\n-- Revises: {revises}\n-- Message: m\n\n{rest}\n\
         -- migrate:upgrade\nCREATE TABLE t_{id} (id INTEGER PRIMARY KEY);\n\n\
         -- migrate:downgrade\nDROP TABLE t_{id};\n"
    )
}

fn good(id: &'static str, revises: &str) -> Setup {
    Setup::Revision(leak(format!("{id}_m.sql")), rev(id, revises, ""))
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// `--url URL test-connection`, expecting exit 2 and `expect`.
fn url_case(name: &str, url: &str, expect: &[&str]) -> Case {
    case(name, vec![], &["--url", url, "test-connection"], 2, expect)
}

fn revision_files() -> Vec<Case> {
    let long = "a".repeat(40);
    let file = |name: &str, text: String| vec![Setup::Revision(leak(name.to_owned()), text)];
    vec![
        case(
            "id over 32 characters",
            file("long.sql", rev(&long, "", "")),
            &["heads"],
            2,
            &["long.sql:1:", "40 characters", "VARCHAR(32)"],
        ),
        case(
            "revises an id over 32 characters",
            vec![good(A, ""), Setup::Revision("b.sql", rev(B, &long, ""))],
            &["heads"],
            2,
            &["b.sql:2:", "40 characters"],
        ),
        case(
            "merge whose parents overflow down_revisions",
            file(
                "m.sql",
                rev(
                    A,
                    &(0..8)
                        .map(|i| format!("{i}").repeat(32))
                        .collect::<Vec<_>>()
                        .join(", "),
                    "",
                ),
            ),
            &["heads"],
            2,
            &["m.sql:2:", "down_revisions VARCHAR(255)"],
        ),
        case(
            "missing id",
            file(
                "x.sql",
                "-- Message: m\n\n-- migrate:upgrade\nSELECT 1;\n".into(),
            ),
            &["heads"],
            2,
            &["x.sql", "Revision ID"],
        ),
        case(
            "id with a dash",
            file("x.sql", rev("ab-cd", "", "")),
            &["heads"],
            2,
            &["x.sql:1:", "`ab-cd`"],
        ),
        case(
            "reserved id",
            file("x.sql", rev("head", "", "")),
            &["heads"],
            2,
            &["x.sql:1:", "reserved"],
        ),
        case(
            "duplicate id",
            vec![good(A, ""), Setup::Revision("copy.sql", rev(A, "", ""))],
            &["heads"],
            2,
            &[A, "copy.sql"],
        ),
        case(
            "unknown parent",
            vec![good(A, ""), good(B, "ffff00000000")],
            &["heads"],
            2,
            &["ffff00000000", "_m.sql:2:"],
        ),
        case(
            "no upgrade section",
            file(
                "x.sql",
                format!("-- Revision ID: {A}\n-- Revises:\n-- Message: m\n"),
            ),
            &["heads"],
            2,
            &["x.sql", "-- migrate:upgrade"],
        ),
        case(
            "cycle",
            vec![good(A, B), good(B, A)],
            &["heads"],
            2,
            &["cycle"],
        ),
        case(
            "unknown header key",
            file("x.sql", rev(A, "", "-- Revisez: x")),
            &["heads"],
            2,
            &["x.sql:", "Revisez"],
        ),
        case(
            "duplicate header key",
            file("x.sql", rev(A, "", "-- Message: again")),
            &["heads"],
            2,
            &["x.sql:", "given twice"],
        ),
        case(
            "unknown section dialect",
            file(
                "x.sql",
                format!("{}-- migrate:upgrade oracle\nSELECT 1;\n", rev(A, "", "")),
            ),
            &["heads"],
            2,
            &["x.sql:", "oracle"],
        ),
        case(
            "binary file",
            vec![Setup::Bytes("bin.sql", b"-- Revision ID: a\n\0\0".to_vec())],
            &["heads"],
            2,
            &["bin.sql:2:", "NUL"],
        ),
        case(
            "invalid UTF-8",
            vec![Setup::Bytes(
                "latin1.sql",
                b"-- Revision ID: a\n-- Message: caf\xe9\n".to_vec(),
            )],
            &["heads"],
            2,
            &["latin1.sql:2:", "UTF-8"],
        ),
        case(
            "FIFO in versions",
            vec![good(A, ""), Setup::Fifo("pipe.sql")],
            &["heads"],
            2,
            &["pipe.sql", "named pipe"],
        ),
        case(
            "FIFO in versions, upgrade",
            vec![Setup::Fifo("pipe.sql")],
            &["upgrade"],
            2,
            &["pipe.sql", "regular file"],
        ),
        case(
            "FIFO in versions, status",
            vec![Setup::Fifo("p.sql")],
            &["status"],
            2,
            &["p.sql", "regular file"],
        ),
        case(
            "statement fails",
            vec![Setup::Revision(
                "x.sql",
                format!(
                    "-- Revision ID: {A}\n-- Revises:\n-- Message: m\n\n-- migrate:upgrade\nSELECT * FROM no_such_table;\n"
                ),
            )],
            &["upgrade"],
            1,
            &["no_such_table"],
        ),
    ]
}

fn identifiers() -> Vec<Case> {
    let long = "b".repeat(40);
    vec![
        case(
            "create --rev-id over 32",
            vec![],
            &["create", "-m", "x", "--rev-id", &long],
            2,
            &[&long, "VARCHAR(32)"],
        ),
        case(
            "revision --rev-id over 32",
            vec![],
            &["revision", "-m", "x", "--rev-id", &long],
            2,
            &["40 characters"],
        ),
        case(
            "merge --rev-id over 32",
            vec![good(A, ""), good(B, "")],
            &["merge", "heads", "-m", "x", "--rev-id", &long],
            2,
            &["40 characters"],
        ),
        case(
            "create --rev-id with a dash",
            vec![],
            &["create", "-m", "x", "--rev-id", "a-b"],
            2,
            &["`a-b`"],
        ),
        case(
            "create --rev-id head",
            vec![],
            &["create", "-m", "x", "--rev-id", "head"],
            2,
            &["reserved"],
        ),
        case(
            "create --rev-id that exists",
            vec![good(A, "")],
            &["create", "-m", "x", "--rev-id", A],
            2,
            &[A, "already exists"],
        ),
        case(
            "show unknown",
            vec![good(A, "")],
            &["show", "ffff"],
            2,
            &["ffff"],
        ),
        case(
            "show ambiguous prefix",
            vec![good(A, ""), good("aaaa00000009", "")],
            &["show", "aaaa"],
            2,
            &["aaaa", A],
        ),
        case(
            "upgrade to unknown",
            vec![good(A, "")],
            &["upgrade", "zzzz", "--sql"],
            2,
            &["zzzz"],
        ),
        case(
            "upgrade head with two heads",
            vec![good(A, ""), good(B, "")],
            &["upgrade", "head", "--sql"],
            2,
            &["heads", A, B],
        ),
        case(
            "bad relative target",
            vec![good(A, "")],
            &["upgrade", "+x", "--sql"],
            2,
            &["+x"],
        ),
        case(
            "history bad range",
            vec![good(A, "")],
            &["history", "-r", "zz:yy"],
            2,
            // Either end may be named first; it must be one that is wrong.
            &["no revision matches `"],
        ),
        case(
            "branch label invalid",
            vec![],
            &["create", "-m", "x", "--branch-label", "a@b"],
            2,
            &["`a@b`"],
        ),
    ]
}

fn urls() -> Vec<Case> {
    vec![
        url_case(
            "unknown dialect",
            "oracle://u:QZJK1@127.0.0.1:1/db",
            &["unknown dialect `oracle`", "oracle://u:***@"],
        ),
        url_case(
            "no scheme",
            "u:QZJK1@127.0.0.1/db",
            &["dialect[+driver]://", "u:***@"],
        ),
        url_case(
            "bad port",
            "postgresql://u:QZJK1@127.0.0.1:99999/db",
            &["port", "u:***@"],
        ),
        url_case(
            "port not a number",
            "mysql://u:QZJK1@127.0.0.1:x/db",
            &["port"],
        ),
        url_case(
            "broken escape",
            "postgresql://u:QZJK%zz@127.0.0.1/db",
            &["invalid percent"],
        ),
        url_case("unclosed IPv6", "postgresql://u:QZJK1@[::1/db", &["IPv6"]),
        url_case(
            "slash in user part",
            "postgresql://u/x:QZJK1@127.0.0.1/db",
            &["%40", "u/x:***@"],
        ),
        url_case(
            "question mark in user part",
            "postgresql://u?x:QZJK1@127.0.0.1",
            &["%40", "u?x:***@"],
        ),
        url_case(
            "@ then / in password",
            "postgresql://u:QZ@JK/QZJK2@127.0.0.1/db",
            &["%40", "u:***@127.0.0.1"],
        ),
        url_case(
            "@ in an option after a password",
            "postgresql://u:QZJK1@127.0.0.1/db?x=a@b",
            &["%40"],
        ),
        url_case(
            "sqlite with a host",
            "sqlite://u:QZJK1@host/app.db",
            &["SQLite"],
        ),
        url_case(
            "ssl=true on PostgreSQL",
            "postgresql://u:QZJK1@127.0.0.1:1/db?ssl=true",
            &["`ssl`", "sslmode, sslrootcert"],
        ),
        url_case(
            "ssl_mode on PostgreSQL",
            "postgresql://u:QZJK1@127.0.0.1:1/db?ssl_mode=REQUIRED",
            &["`ssl_mode`", "accepted:"],
        ),
        url_case(
            "sslmode on MySQL",
            "mysql://u:QZJK1@127.0.0.1:1/db?sslmode=require",
            &["`sslmode`", "ssl_mode"],
        ),
        url_case(
            "ssl=true on MySQL",
            "mysql://u:QZJK1@127.0.0.1:1/db?ssl=true",
            &["`ssl`", "ssl_ca"],
        ),
        url_case(
            "pymysql ssl option",
            "mysql://u:QZJK1@127.0.0.1:1/db?ssl_verify_cert=true",
            &["`ssl_verify_cert`"],
        ),
        url_case(
            "bad sslmode",
            "postgresql://u:QZJK1@127.0.0.1:1/db?sslmode=sometimes",
            &["`sometimes`", "verify-full"],
        ),
        url_case(
            "bad ssl_mode",
            "mysql://u:QZJK1@127.0.0.1:1/db?ssl-mode=ON",
            &["`ON`", "VERIFY_IDENTITY"],
        ),
        url_case(
            "sslmode twice",
            "postgresql://u:QZJK1@127.0.0.1:1/db?sslmode=disable&sslmode=verify-full",
            &["twice"],
        ),
        url_case(
            "CA with DISABLED",
            "mysql://u:QZJK1@127.0.0.1:1/db?ssl_ca=/ca.pem&ssl_mode=DISABLED",
            &["`ssl_ca`", "ssl_mode=DISABLED"],
        ),
        url_case(
            "root cert with disable",
            "postgresql://u:QZJK1@127.0.0.1:1/db?sslrootcert=/r.crt&sslmode=disable",
            &["`sslrootcert`"],
        ),
        url_case(
            "system roots with require",
            "postgresql://u:QZJK1@127.0.0.1:1/db?sslrootcert=system&sslmode=require",
            &["verify-full"],
        ),
        url_case(
            "connect_timeout not a number",
            "postgresql://u:QZJK1@127.0.0.1:1/db?connect_timeout=soon",
            &["`connect_timeout`", "`soon`"],
        ),
        url_case(
            "charset injection",
            "mysql://u:QZJK1@127.0.0.1:1/db?charset=utf8;DROP",
            &["`charset`"],
        ),
        url_case(
            "options not -c",
            "postgresql://u:QZJK1@127.0.0.1:1/db?options=-x",
            &["`options`", "-c name=value"],
        ),
        url_case(
            "refused connection",
            "postgresql://u:QZJK1@127.0.0.1:1/db",
            &["cannot connect", "u:***@127.0.0.1:1"],
        ),
        case(
            "empty --url",
            vec![],
            &["--url", "", "test-connection"],
            2,
            &["empty"],
        ),
        case(
            "bad URL in DATABASE_URL from .env",
            vec![Setup::Dotenv(
                "DATABASE_URL='postgresql://u/x:QZJK1@h/db'\n".into(),
            )],
            &["current"],
            2,
            &[".env", "u/x:***@h"],
        ),
    ]
}

fn configurations() -> Vec<Case> {
    let toml = |text: &str| vec![Setup::Toml(text.to_owned())];
    vec![
        case(
            "unknown key",
            toml("[retort]\nurll = \"sqlite://\"\n"),
            &["heads"],
            2,
            &["retort.toml:2:", "urll"],
        ),
        case(
            "wrong type",
            toml("[retort]\nmodels = \"models\"\n"),
            &["heads"],
            2,
            &["retort.toml:2:"],
        ),
        case(
            "TOML syntax",
            toml("[retort\n"),
            &["heads"],
            2,
            &["retort.toml:1:"],
        ),
        case(
            "version_table with a dash",
            toml("[retort]\nversion_table = \"a-b\"\n"),
            &["heads"],
            2,
            &["version_table", "`a-b`"],
        ),
        case(
            "version_table whose log name is too long",
            vec![Setup::Toml(format!(
                "[retort]\nversion_table = \"{}\"\n",
                "v".repeat(60)
            ))],
            &["heads"],
            2,
            &[
                "version_table",
                &format!("`{}_log`", "v".repeat(60)),
                "postgresql",
            ],
        ),
        case(
            "version_table of 63 characters",
            vec![Setup::Toml(format!(
                "[retort]\nversion_table = \"{}\"\n",
                "v".repeat(63)
            ))],
            &["upgrade", "--sql"],
            2,
            &["version_table", "at most 59"],
        ),
        case(
            "empty script_location",
            toml("[retort]\nscript_location = \"\"\n"),
            &["heads"],
            2,
            &["script_location"],
        ),
        case(
            "bad exclude pattern",
            toml("[retort]\nexclude_tables = [\"tmp_[\"]\n"),
            &["heads"],
            2,
            &["exclude_tables", "tmp_["],
        ),
        case(
            "negative lock_timeout",
            toml("[retort]\nlock_timeout = -1\n"),
            &["heads"],
            2,
            &["retort.toml:2:"],
        ),
        case(
            "bad .env line",
            vec![Setup::Dotenv(
                "DATABASE_URL='postgresql://u:QZJK1@h/db\n".into(),
            )],
            &["current"],
            2,
            &[".env"],
        ),
        case(
            "retort.toml is a FIFO",
            vec![Setup::FifoAt("pipe.toml")],
            &["-c", "pipe.toml", "heads"],
            2,
            &["pipe.toml", "regular file"],
        ),
        case(
            "retort.toml found by discovery is a FIFO",
            vec![Setup::Remove("retort.toml"), Setup::FifoAt("retort.toml")],
            &["heads"],
            2,
            &["retort.toml", "named pipe"],
        ),
        case(
            ".env is a FIFO",
            vec![Setup::FifoAt(".env")],
            &["current"],
            2,
            &[".env", "regular file"],
        ),
        case(
            "no URL anywhere",
            toml("[retort]\n"),
            &["current"],
            2,
            &["no database URL"],
        ),
        case(
            "-c missing file",
            vec![],
            &["-c", "nope.toml", "heads"],
            2,
            &["nope.toml"],
        ),
    ]
}

fn models() -> Vec<Case> {
    vec![
        case(
            "models syntax error",
            vec![Setup::Model("CREATE TABLE (;\n".into())],
            &["check"],
            2,
            &["schema.sql"],
        ),
        case(
            "models FIFO",
            vec![Setup::FifoAt("models/pipe.sql")],
            &["check"],
            2,
            &["pipe.sql", "regular file"],
        ),
        case(
            "models path missing",
            vec![Setup::Toml(
                "[retort]\nurl = \"sqlite:///app.db\"\nmodels = [\"nowhere\"]\n".into(),
            )],
            &["check"],
            2,
            &["nowhere"],
        ),
    ]
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn prepare(project: &Project, setup: &[Setup]) {
    for item in setup {
        match item {
            Setup::Revision(name, text) => {
                project.write_file(name, text.as_bytes());
            }
            Setup::Bytes(name, bytes) => {
                project.write_file(name, bytes);
            }
            Setup::Fifo(name) => mkfifo(&project.versions().join(name)),
            Setup::Toml(text) => {
                std::fs::write(project.path().join("retort.toml"), text).expect("write retort.toml")
            }
            Setup::Dotenv(text) => {
                std::fs::write(project.path().join(".env"), text).expect("write .env")
            }
            Setup::FifoAt(path) => {
                let path = project.path().join(path);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).expect("create the directory");
                }
                mkfifo(&path);
            }
            Setup::Remove(path) => {
                std::fs::remove_file(project.path().join(path)).expect("remove a file")
            }
            Setup::Model(text) => {
                let dir = project.path().join("models");
                std::fs::create_dir_all(&dir).expect("create models/");
                std::fs::write(dir.join("schema.sql"), text).expect("write a model");
            }
        }
    }
}

/// Runs one case and checks its promises; returns a description of the
/// failure instead of panicking, so one run reports every failing case.
fn run_case(case: &Case, url_env: Option<&str>) -> Option<String> {
    let project = Project::new();
    prepare(&project, &case.setup);
    let mut command = project.command();
    command.args(&case.args).timeout(Duration::from_secs(20));
    if let Some(url) = url_env {
        command.env("DATABASE_URL", url);
    }
    // A panic, a hang (killed) or a backtrace fails this case, not the run.
    let run = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || Run::of(command)))
    {
        Ok(run) => run,
        Err(_) => return Some(format!("{}: panicked, hung or was killed", case.name)),
    };
    let flat = run.stderr_flat();
    let mut problems = Vec::new();
    if run.code != case.code {
        problems.push(format!("exit {} instead of {}", run.code, case.code));
    }
    for part in &case.expect {
        if !flat.contains(part.as_str()) {
            problems.push(format!("stderr lacks {part:?}"));
        }
    }
    if run.stdout.contains("QZJK") || run.stderr.contains("QZJK") {
        problems.push("a password shows".to_owned());
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{}: {}\n--- stdout\n{}--- stderr\n{}",
            case.name,
            problems.join("; "),
            run.stdout,
            run.stderr
        )
    })
}

#[test]
fn every_bad_input_is_refused_clearly() {
    let cases: Vec<Case> = [
        revision_files(),
        identifiers(),
        urls(),
        configurations(),
        models(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c, None)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Server settings reached through the URL: a setting the server does not
/// know, a read-only session, and a search path naming no schema.
#[test]
fn bad_server_settings_are_refused_clearly() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    let with = |query: &str| {
        let url = url::Url::parse(&db.url).expect("the test URL parses");
        let mut url = url;
        url.set_password(Some("QZJKpw")).expect("a password");
        format!("{url}?{query}")
    };
    let cases = [
        (
            case(
                "unknown setting",
                vec![],
                &["test-connection"],
                2,
                &["no_such_setting"],
            ),
            with("options=-cno_such_setting%3D1"),
        ),
        (
            case(
                "read-only session",
                vec![good(A, "")],
                &["upgrade"],
                1,
                &["read-only"],
            ),
            with("options=-cdefault_transaction_read_only%3Don"),
        ),
        (
            case(
                "search path without a schema",
                vec![good(A, "")],
                &["upgrade"],
                1,
                &["schema"],
            ),
            with("options=-csearch_path%3Dno_such_schema"),
        ),
        (
            case(
                "statement timeout",
                vec![Setup::Revision(
                    "s.sql",
                    format!(
                        "-- Revision ID: {A}\n-- Revises:\n-- Message: m\n\n-- migrate:upgrade postgresql\nSELECT pg_sleep(3);\n\n-- migrate:upgrade\nSELECT 1;\n"
                    ),
                )],
                &["upgrade"],
                1,
                &["statement timeout"],
            ),
            with("options=-cstatement_timeout%3D200"),
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(case, url)| run_case(case, Some(url)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A `DATABASE_URL` that is not UTF-8 is an error, not an unset variable
/// (which would fall back to `retort.toml`'s database).
#[cfg(unix)]
#[test]
fn non_utf8_database_url_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let project = Project::new();
    let mut command = project.command();
    command
        .env(
            "DATABASE_URL",
            std::ffi::OsStr::from_bytes(b"postgresql://u:QZJK\xff@127.0.0.1:1/db"),
        )
        .arg("current");
    let run = Run::of(command).code(2);
    assert!(!run.stderr.contains("QZJK"), "{}", run.stderr);
    run.stderr_has(&["DATABASE_URL", "UTF-8"]);
}
