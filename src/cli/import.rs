//! `retort import alembic`: resolves the paths and flags, has the library
//! read and convert the project, and writes it through a temporary
//! directory moved into place only when complete.

use std::fs;
use std::path::{Path, PathBuf};

use retort::DialectKind;
use retort::alembic::{self, Imported, VersionTable};
use retort::config::{CONFIG_FILE, Config};
use retort::revision::RevisionGraph;
use serde_json::json;

use crate::cli::Context;
use crate::cli::args::ImportAlembicArgs;
use crate::cli::error::CliError;
use crate::cli::output::display_path;

const CONFIG_HEAD: &str = r#"# Imported from Alembic by `retort import alembic` (docs/adopting-from-alembic.md).
[retort]
script_location = "migrations"

# The table Alembic keeps: a database Alembic migrated is at the same
# revision for retort, and `alembic current` still reads it.
"#;

const CONFIG_TAIL: &str = r#"
transaction_per_migration = true

# The declared schema for check and autogenerate, e.g. SQLAlchemy's metadata:
# models = ["cmd:python dump_ddl.py myapp.models:Base.metadata"]
models = ["models"]

# The database URL: DATABASE_URL in the environment or in a .env file beside
# this one, or --url.
"#;

pub fn alembic(context: &Context, args: ImportAlembicArgs) -> Result<(), CliError> {
    let ini = ini_path(args.path.as_deref())?;
    let mut dialects: Vec<DialectKind> = Vec::new();
    for name in &args.dialects {
        let kind: DialectKind =
            name.trim()
                .parse()
                .map_err(|e: retort::dialect::ParseDialectError| {
                    CliError::usage(e.to_string(), None)
                })?;
        if !dialects.contains(&kind) {
            dialects.push(kind);
        }
    }
    let base = ini
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let export = alembic::read(&args.python, &ini, &dialects)?;
    let imported = alembic::convert(&export, &base)?;
    let out = args.out.clone().unwrap_or_else(|| base.clone());
    let versions = out.join("migrations").join("versions");
    let (table, config) = config_text(&out, args.version_table.as_deref(), &export.version_table)?;
    let shown = Shown {
        dialects: &export.dialects,
        versions: &versions,
        version_table: &table,
        check: args.check,
    };
    if !args.check {
        write(&imported, &config, &out)?;
    }
    report(context, &imported, &shown);
    if imported.needs_a_hand.is_empty() || args.allow_incomplete {
        Ok(())
    } else {
        Err(CliError::NeedsAHand {
            revisions: imported
                .needs_a_hand
                .iter()
                .map(|h| format!("{} ({})", h.id, h.function))
                .collect(),
        })
    }
}

/// `retort.toml`, with the version table of `--version-table`, else of
/// env.py when it names one with a literal; refused when env.py computes
/// it, since guessing wrong would make every database look empty.
fn config_text(
    out: &Path,
    flag: Option<&str>,
    read: &VersionTable,
) -> Result<(String, String), CliError> {
    let table = match (flag, read) {
        (Some(name), _) => name,
        (None, VersionTable::Default) => "alembic_version",
        (None, VersionTable::Named { name, .. }) => name,
        (None, VersionTable::Computed { path, line }) => {
            return Err(CliError::usage(
                format!(
                    "{}:{line}: env.py passes a version_table the import cannot read without running it",
                    display_path(path)
                ),
                Some("name the table with --version-table NAME".to_owned()),
            ));
        }
    };
    // TOML's quoting, whatever the name holds; the load below judges it.
    let value = toml::Value::String(table.to_owned()).to_string();
    let text = format!("{CONFIG_HEAD}version_table = {value}\n{CONFIG_TAIL}");
    // The same checks as every later load, before anything is written.
    Config::from_toml(&out.join(CONFIG_FILE), &text)?;
    Ok((table.to_owned(), text))
}

/// `alembic.ini` itself, or the one in the directory given (default: here).
fn ini_path(path: Option<&Path>) -> Result<PathBuf, CliError> {
    let path = path.unwrap_or(Path::new("."));
    let ini = if path.is_dir() {
        path.join("alembic.ini")
    } else {
        path.to_path_buf()
    };
    if !ini.is_file() {
        return Err(CliError::usage(
            format!(
                "{} is not an Alembic configuration file",
                display_path(&ini)
            ),
            Some("name the alembic.ini, or the directory holding it".to_owned()),
        ));
    }
    // Alembic's paths come back absolute; shown relative to the ini.
    fs::canonicalize(&ini)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", display_path(&ini)), None))
}

/// Writes into `out/.retort-import-<pid>`, checks that the files load as a
/// revision graph, then moves them into place, refusing to replace a file.
fn write(imported: &Imported, config_text: &str, out: &Path) -> Result<(), CliError> {
    let config = out.join(CONFIG_FILE);
    let versions = out.join("migrations").join("versions");
    let existing = std::iter::once(config.clone())
        .chain(imported.files.iter().map(|f| versions.join(&f.name)))
        .find(|p| p.exists());
    if let Some(existing) = existing {
        return Err(CliError::usage(
            format!("{} already exists", display_path(&existing)),
            Some("import into another directory with --out, or move it away first".to_owned()),
        ));
    }
    fs::create_dir_all(out).map_err(|e| CliError::create(out, e))?;
    let temp = out.join(format!(".retort-import-{}", std::process::id()));
    let result = stage(imported, config_text, &temp).and_then(|()| {
        fs::create_dir_all(&versions).map_err(|e| CliError::create(&versions, e))?;
        for file in &imported.files {
            let to = versions.join(&file.name);
            fs::rename(temp.join("versions").join(&file.name), &to)
                .map_err(|e| CliError::create(&to, e))?;
        }
        fs::rename(temp.join(CONFIG_FILE), &config).map_err(|e| CliError::create(&config, e))
    });
    let _ = fs::remove_dir_all(&temp);
    result
}

fn stage(imported: &Imported, config_text: &str, temp: &Path) -> Result<(), CliError> {
    let versions = temp.join("versions");
    fs::create_dir_all(&versions).map_err(|e| CliError::create(&versions, e))?;
    for file in &imported.files {
        let path = versions.join(&file.name);
        fs::write(&path, &file.text).map_err(|e| CliError::write(&path, e))?;
    }
    // What was written must load as the same graph before it is put in place.
    RevisionGraph::load(&versions)?;
    let config = temp.join(CONFIG_FILE);
    fs::write(&config, config_text).map_err(|e| CliError::write(&config, e))
}

/// What the report names besides the files.
struct Shown<'a> {
    dialects: &'a [DialectKind],
    versions: &'a Path,
    version_table: &'a str,
    check: bool,
}

fn report(context: &Context, imported: &Imported, shown: &Shown) {
    let Shown {
        dialects,
        versions,
        version_table,
        check,
    } = *shown;
    let names: Vec<&str> = dialects.iter().map(|d| d.as_str()).collect();
    if context.output.is_json() {
        context.output.document(&json!({
            "written": !check,
            "dialects": names,
            "version_table": version_table,
            "revisions": imported.files.iter().map(|f| json!({
                "revision": f.id,
                "file": display_path(&versions.join(&f.name)),
                "upgrade_portable": f.portable[0],
                "downgrade_portable": f.portable[1],
                "text": if check { Some(&f.text) } else { None },
            })).collect::<Vec<_>>(),
            "needs_a_hand": imported.needs_a_hand.iter().map(|h| json!({
                "revision": h.id,
                "function": h.function,
                "dialects": h.dialects.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                "reason": h.reason,
            })).collect::<Vec<_>>(),
        }));
        return;
    }
    let verb = if check { "Would write" } else { "Wrote" };
    context.output.progress(&format!(
        "{verb} {} revision(s) for {} into {} (version table {version_table})",
        imported.files.len(),
        names.join(", "),
        display_path(versions)
    ));
    for file in &imported.files {
        let kind = |portable: bool| if portable { "portable" } else { "per database" };
        context.output.line(&format!(
            "{}  upgrade {}, downgrade {}",
            file.name,
            kind(file.portable[0]),
            kind(file.portable[1])
        ));
        if check && context.output.verbose {
            context.output.line(&file.text);
        }
    }
    for hand in &imported.needs_a_hand {
        let on: Vec<&str> = hand.dialects.iter().map(|d| d.as_str()).collect();
        context.output.warning(&format!(
            "revision {} needs a hand: its {} could not be written offline for {}: {}",
            hand.id,
            hand.function,
            on.join(", "),
            hand.reason
        ));
    }
}
