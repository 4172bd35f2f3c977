//! `retort init [DIR] [--pyproject]`: a new project laid out as
//! docs/revisions.md describes.

use std::fs;
use std::path::{Path, PathBuf};

use retort::config::{self, CONFIG_FILE, PYPROJECT_FILE};

use crate::cli::Context;
use crate::cli::error::CliError;
use crate::cli::output::display_path;

const DEFAULT_URL: &str = "sqlite:///app.db";

const MODELS_README: &str = "\
-- The declared schema: portable SQL DDL (CREATE TABLE, CREATE INDEX, COMMENT ON …).
-- `retort autogenerate -m MSG` compares these files with the database and
-- writes a revision holding the difference; `retort check` fails in CI when
-- they differ. Start from an existing database with `retort dump > models/schema.sql`.
";

pub fn run(context: &Context, dir: Option<PathBuf>, pyproject: bool) -> Result<(), CliError> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let retort_toml = dir.join(CONFIG_FILE);
    if retort_toml.exists() {
        let help = if pyproject {
            "it takes precedence over pyproject.toml; move its settings there by hand, \
             or keep it"
        } else {
            "edit it, or run `retort init` in another directory"
        };
        return Err(CliError::usage(
            format!("{} already exists", display_path(&retort_toml)),
            Some(help.to_owned()),
        ));
    }
    let config_path = if pyproject {
        let path = dir.join(PYPROJECT_FILE);
        let existing = read_existing(&path)?;
        if let Some(text) = &existing {
            check_pyproject(&path, text)?;
        }
        create_dir(&dir.join("migrations").join("versions"))?;
        create_dir(&dir.join("models"))?;
        match existing {
            Some(text) => append_table(&path, &text)?,
            None => write(&path, &config::pyproject_template(DEFAULT_URL))?,
        }
        path
    } else {
        // A retort.toml here would silently take precedence over the settings there.
        let pyproject_path = dir.join(PYPROJECT_FILE);
        // Only a readable regular file is looked at: a plain init has no
        // business failing on someone else's pyproject.toml.
        if pyproject_path.is_file()
            && let Ok(Some(text)) = read_existing(&pyproject_path)
            && config::has_retort_table(&pyproject_path, &text).unwrap_or(false)
        {
            return Err(CliError::usage(
                format!(
                    "{} already has a [tool.retort] table",
                    display_path(&pyproject_path)
                ),
                Some("the project is set up there already".to_owned()),
            ));
        }
        create_dir(&dir.join("migrations").join("versions"))?;
        create_dir(&dir.join("models"))?;
        write(&retort_toml, &config::template(DEFAULT_URL))?;
        retort_toml
    };
    let models_readme = dir.join("models").join("README.sql");
    if !models_readme.exists() {
        write(&models_readme, MODELS_README)?;
    }
    context.output.progress(&format!(
        "Created {}, {} and {}",
        display_path(&config_path),
        display_path(&dir.join("migrations").join("versions")),
        display_path(&dir.join("models")),
    ));
    context
        .output
        .progress("Next: `retort create -m \"first revision\"`, then `retort upgrade`.");
    Ok(())
}

/// The text of `path`, or `None` when there is no such file.
fn read_existing(path: &Path) -> Result<Option<String>, CliError> {
    // Opening a named pipe for reading would block until a writer came.
    if path.exists() && !path.is_file() {
        return Err(CliError::usage(
            format!("{} is not a regular file", display_path(path)),
            None,
        ));
    }
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::usage(
            format!("cannot read {}: {e}", display_path(path)),
            None,
        )),
    }
}

/// Refuses a `pyproject.toml` that is not valid TOML or already has
/// `[tool.retort]`: appending would break the one and duplicate the other.
fn check_pyproject(path: &Path, text: &str) -> Result<(), CliError> {
    if config::has_retort_table(path, text)? {
        return Err(CliError::usage(
            format!("{} already has a [tool.retort] table", display_path(path)),
            Some("edit it, or run `retort init` in another directory".to_owned()),
        ));
    }
    // The appended table must parse with the rest (an inline `tool = {…}`
    // cannot take a `[tool.retort]` table after it).
    let combined = format!("{text}{}", table_to_append(text));
    if let Err(e) = config::has_retort_table(path, &combined) {
        return Err(CliError::usage(
            format!("cannot add [tool.retort] to {}: {e}", display_path(path)),
            Some("add the table by hand (see docs/revisions.md)".to_owned()),
        ));
    }
    Ok(())
}

/// What is appended to `text`: the table, after a blank line.
fn table_to_append(text: &str) -> String {
    let separator = match text {
        "" => "",
        t if t.ends_with("\n\n") => "",
        t if t.ends_with('\n') => "\n",
        _ => "\n\n",
    };
    format!("{separator}{}", config::pyproject_template(DEFAULT_URL))
}

/// Appends the table to the existing file, leaving every byte before it as it was.
fn append_table(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| CliError::write(path, e))?;
    file.write_all(table_to_append(text).as_bytes())
        .map_err(|e| CliError::write(path, e))
}

fn create_dir(path: &Path) -> Result<(), CliError> {
    fs::create_dir_all(path).map_err(|e| CliError::create(path, e))
}

/// Writes a new file, refusing to replace one.
pub fn write(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::create(path, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| CliError::write(path, e))
}
