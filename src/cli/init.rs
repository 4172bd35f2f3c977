//! `retort init [DIR]`: a new project laid out as docs/revisions.md describes.

use std::fs;
use std::path::{Path, PathBuf};

use retort::config::{self, CONFIG_FILE};

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

pub fn run(context: &Context, dir: Option<PathBuf>) -> Result<(), CliError> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let config_path = dir.join(CONFIG_FILE);
    if config_path.exists() {
        return Err(CliError::usage(
            format!("{} already exists", display_path(&config_path)),
            Some("edit it, or run `retort init` in another directory".to_owned()),
        ));
    }
    create_dir(&dir.join("migrations").join("versions"))?;
    create_dir(&dir.join("models"))?;
    write(&config_path, &config::template(DEFAULT_URL))?;
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
