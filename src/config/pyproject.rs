//! `[tool.retort]` in `pyproject.toml`: the keys of `retort.toml`'s
//! `[retort]` table, for Python projects that keep their tools' settings in
//! one file (the `[tool.NAME]` tables that PEP 518 sets aside for tools).
//! docs/revisions.md, "The project file", says which file wins.

use std::path::Path;

use serde::Deserialize;

use super::{Config, ConfigError, Section, parse_error, template};

/// The Python project file, read when a directory has no `retort.toml`.
pub const PYPROJECT_FILE: &str = "pyproject.toml";

/// The parts of `pyproject.toml` retort reads; every other table is
/// someone else's and is not looked at.
#[derive(Debug, Default, Deserialize)]
struct PyProject {
    #[serde(default)]
    tool: Tool,
}

#[derive(Debug, Default, Deserialize)]
struct Tool {
    retort: Option<Section>,
}

/// The configuration from `[tool.retort]` in `text`, the contents of
/// `path` (absolute); `None` when there is no such table.
pub(super) fn from_text(path: &Path, text: &str) -> Result<Option<Config>, ConfigError> {
    let project: PyProject = toml::from_str(text).map_err(|err| parse_error(path, text, &err))?;
    project
        .tool
        .retort
        .map(|section| Config::from_section(path, section))
        .transpose()
}

/// The settings in `dir`'s `pyproject.toml`, when it has a `[tool.retort]`
/// table. A `pyproject.toml` that is not a regular file, or does not parse
/// and never mentions `tool.retort`, belongs to some other tool: discovery
/// passes over it rather than failing every command run beneath it.
pub(super) fn discover_in(dir: &Path) -> Result<Option<Config>, ConfigError> {
    let path = dir.join(PYPROJECT_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = crate::regular_file::read_to_string(&path).map_err(|source| ConfigError::Io {
        path: path.clone(),
        source,
    })?;
    match from_text(&path, &text) {
        Err(ConfigError::Parse { .. }) if !text.contains("tool.retort") => Ok(None),
        other => other,
    }
}

/// Whether `text`, the contents of the `pyproject.toml` at `path`, already
/// has a `[tool.retort]` table (for `retort init --pyproject`, which adds
/// one); an error when it is not valid TOML.
pub fn has_retort_table(path: &Path, text: &str) -> Result<bool, ConfigError> {
    let table: toml::Table = toml::from_str(text).map_err(|err| parse_error(path, text, &err))?;
    Ok(table
        .get("tool")
        .and_then(toml::Value::as_table)
        .is_some_and(|tool| tool.contains_key("retort")))
}

/// The commented `[tool.retort]` table `retort init --pyproject` appends,
/// with `url` set to `url`: the keys of [`template`].
pub fn pyproject_template(url: &str) -> String {
    template(url)
        .replacen(
            "# retort project configuration. Paths are relative to this file.",
            "# retort settings (a retort.toml beside this file would take precedence).\n\
             # Paths are relative to this file.",
            1,
        )
        .replacen("\n[retort]\n", "\n[tool.retort]\n", 1)
}
