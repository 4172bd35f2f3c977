//! Sections imported for `mysql` run on MariaDB (issue #13), judged by real
//! Alembic: `tests/alembic/mysql_ops.py` writes seeded Alembic projects
//! whose revisions use Alembic's schema operations (see its docstring);
//! each is imported with `--dialect mysql`, and on MariaDB the imported
//! `upgrade head`, `downgrade base`, `upgrade head` must all succeed and
//! leave the schema `alembic upgrade head` (online, through pymysql) leaves
//! on another database, as `retort dump` reads both.
//!
//! `RETORT_IMPORT_MYSQL_SEED` and `RETORT_IMPORT_MYSQL_PROJECTS` change the
//! run; the defaults are CI's. Each failure class the judge found is kept
//! below as a regression case of its own. Needs `RETORT_TEST_ALEMBIC_PYTHON`
//! and MariaDB (skipped with a notice without them, failing under `CI`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::alembic::{alembic_python, env_number};
use crate::common::{Run, retort};
use crate::db::import_alembic::alembic_try;
use crate::db::{Backend, TestDb};

const SEED: u64 = 20_261_206;
const PROJECTS: usize = 20;

/// `retort ARGS` in `dir` against `db`.
fn run(dir: &Path, db: &TestDb, args: &[&str]) -> Run {
    let mut command = retort();
    command
        .current_dir(dir)
        .env("DATABASE_URL", &db.url)
        .args(args);
    Run::of(command)
}

/// Imports the Alembic project in `dir` for MySQL, runs Alembic's upgrade
/// on one new database and the imported one there and back on another, and
/// says what went wrong, if anything.
fn judge(python: &str, dir: &Path) -> Result<(), String> {
    let import = Command::new(env!("CARGO_BIN_EXE_retort"))
        .current_dir(dir)
        .args([
            "import",
            "alembic",
            "--python",
            python,
            "--dialect",
            "mysql",
        ])
        .output()
        .expect("retort runs");
    if !import.status.success() {
        return Err(format!(
            "import failed:\n{}",
            String::from_utf8_lossy(&import.stderr)
        ));
    }
    let by_alembic = TestDb::new(Backend::Mysql).expect("the server answered once");
    let by_retort = TestDb::new(Backend::Mysql).expect("the server answered once");
    alembic_try(python, dir, &by_alembic, &["upgrade", "head"])
        .map_err(|e| format!("alembic upgrade head failed (the generator's fault):\n{e}"))?;
    for args in [
        ["upgrade", "head"],
        ["downgrade", "base"],
        ["upgrade", "head"],
    ] {
        let out = run(dir, &by_retort, &args);
        if out.code != 0 {
            return Err(format!("retort {args:?} failed:\n{}", out.stderr));
        }
    }
    let theirs = run(dir, &by_alembic, &["dump"]).success().stdout;
    let ours = run(dir, &by_retort, &["dump"]).success().stdout;
    if theirs != ours {
        return Err(format!(
            "the schema differs from Alembic's\n--- alembic\n{theirs}\n--- retort\n{ours}"
        ));
    }
    Ok(())
}

#[test]
fn imported_mysql_sections_run_on_mariadb() {
    let Some(python) = alembic_python() else {
        return;
    };
    if Backend::Mysql.server_url().is_none() {
        return;
    }
    let seed = env_number("RETORT_IMPORT_MYSQL_SEED", SEED);
    let projects = env_number("RETORT_IMPORT_MYSQL_PROJECTS", PROJECTS);
    let out = tempfile::tempdir().expect("a temp directory");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alembic/mysql_ops.py");
    let generated = Command::new(&python)
        .arg(script)
        .arg(out.path())
        .arg(seed.to_string())
        .arg(projects.to_string())
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("mysql_ops.py runs");
    assert!(
        generated.status.success(),
        "mysql_ops.py failed:\n{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let mut revisions = 0;
    let mut failures = Vec::new();
    for line in String::from_utf8_lossy(&generated.stdout).lines() {
        let project: Value = serde_json::from_str(line).expect("mysql_ops.py prints JSON");
        revisions += project["revisions"].as_u64().unwrap_or_default();
        let dir = Path::new(project["dir"].as_str().expect("a dir"));
        if let Err(why) = judge(&python, dir) {
            failures.push(format!(
                "project {} (seed {seed}): {why}",
                project["project"]
            ));
        }
    }
    eprintln!(
        "import_mysql: {projects} projects, {revisions} revisions, seed {seed}: {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// An Alembic project of one revision, `upgrade` and `downgrade` bodies as
/// given, in a temp directory.
fn one_revision(upgrade: &str, downgrade: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp directory");
    let versions = dir.path().join("migrations/versions");
    std::fs::create_dir_all(&versions).expect("mkdir");
    std::fs::write(
        dir.path().join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url =\n",
    )
    .expect("write the ini");
    std::fs::write(
        dir.path().join("migrations/env.py"),
        "from alembic import context\n\
         from sqlalchemy import engine_from_config, pool\n\
         config = context.config\n\
         engine = engine_from_config(config.get_section(config.config_ini_section, {}), \
         prefix='sqlalchemy.', poolclass=pool.NullPool)\n\
         with engine.connect() as connection:\n    \
         context.configure(connection=connection)\n    \
         with context.begin_transaction():\n        \
         context.run_migrations()\n",
    )
    .expect("write env.py");
    std::fs::write(
        versions.join("0a1b2c3d4e5f_regression.py"),
        format!(
            "\"\"\"regression\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\n\
             revision = '0a1b2c3d4e5f'\ndown_revision = None\n\n\
             def upgrade():\n{upgrade}\n\ndef downgrade():\n{downgrade}\n"
        ),
    )
    .expect("write the revision");
    dir
}

/// What the judge found, each class once:
/// - `%` in literal SQL (a default, a check, `op.execute`): offline mode
///   wrote it doubled for the driver to undo, and it ran doubled;
/// - `DROP CHECK`, MySQL 8's, which MariaDB refuses.
#[test]
fn import_mysql_regressions() {
    let Some(python) = alembic_python() else {
        return;
    };
    if Backend::Mysql.server_url().is_none() {
        return;
    }
    let dir = one_revision(
        "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),\n\
         \x20       sa.Column('email', sa.String(40), server_default='50%'))\n\
         \x20   op.create_check_constraint('ck_email', 't', \"email LIKE '%@%'\")\n\
         \x20   op.create_check_constraint('ck_gone', 't', \"email <> ''\")\n\
         \x20   op.drop_constraint('ck_gone', 't', type_='check')\n\
         \x20   op.execute(\"ALTER TABLE t ADD COLUMN note VARCHAR(20) DEFAULT '5%'\")",
        "    op.drop_table('t')",
    );
    judge(&python, dir.path()).unwrap_or_else(|why| panic!("{why}"));
    let text = std::fs::read_to_string(
        dir.path()
            .join("migrations/versions/0a1b2c3d4e5f_regression.sql"),
    )
    .expect("the imported file");
    assert!(text.contains("DEFAULT '5%'"), "{text}");
    assert!(!text.contains("%%"), "{text}");
    assert!(!text.contains("DROP CHECK"), "{text}");
}

/// What the judge found with `sa.Uuid()`: SQLAlchemy writes UUID for
/// MariaDB 10.7+ and CHAR(32) for MySQL, and an application's SQLAlchemy
/// sends MariaDB 36-character values a CHAR(32) refuses. No statement
/// serves both servers, so the function needs a hand, both statements shown.
#[test]
fn import_mysql_uuid_needs_a_hand() {
    let Some(python) = alembic_python() else {
        return;
    };
    let dir = one_revision(
        "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),\n\
         \x20       sa.Column('token', sa.Uuid()))",
        "    op.drop_table('t')",
    );
    let mut command = retort();
    command.current_dir(dir.path()).args([
        "import",
        "alembic",
        "--python",
        &python,
        "--dialect",
        "mysql",
    ]);
    let import = Run::of(command).code(1);
    assert!(
        import.stderr_flat().contains("0a1b2c3d4e5f (upgrade)"),
        "{}",
        import.stderr
    );
    let text = std::fs::read_to_string(
        dir.path()
            .join("migrations/versions/0a1b2c3d4e5f_regression.sql"),
    )
    .expect("the imported file");
    let flat = crate::common::flat(&text);
    assert!(
        flat.contains("MySQL 8 and MariaDB need different SQL"),
        "{text}"
    );
    assert!(
        flat.contains("token CHAR(32)") && flat.contains("token UUID"),
        "{text}"
    );
    // The downgrade is the same on both, so it is imported.
    assert!(text.contains("DROP TABLE t;"), "{text}");
}
