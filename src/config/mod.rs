//! `retort.toml` (or `[tool.retort]` in `pyproject.toml`): finding it,
//! reading it, and resolving the database URL.
//!
//! Every command starts here: [`Config::discover`] (or [`Config::load`] for
//! `-c PATH`) finds the project, and [`Config::resolve_url`] picks the
//! database URL — `--url`, then `DATABASE_URL` from the environment, then a
//! `.env` file beside `retort.toml`, then `url` in the file — and returns it
//! parsed, with a relative SQLite path made absolute, so that nothing later
//! depends on the current directory. The environment is passed in as a
//! function and `.env` is read without touching the process environment, so
//! resolution is a pure function of its inputs and the files.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod pyproject;
mod table_names;

use crate::schema::ExcludeTables;
use crate::url::{DatabaseUrl, UrlError};
pub use pyproject::{PYPROJECT_FILE, has_retort_table, pyproject_template};
pub use table_names::TableNames;

/// The configuration file's name, looked for in a directory and its parents.
pub const CONFIG_FILE: &str = "retort.toml";

/// The version table when `retort.toml` names none.
pub const DEFAULT_VERSION_TABLE: &str = "retort_version";

/// Seconds to wait for another run's migration lock when `retort.toml`
/// says nothing.
pub const DEFAULT_LOCK_TIMEOUT_SECS: u64 = 60;

/// The environment variable (and `.env` key) that holds the database URL.
const DATABASE_URL: &str = "DATABASE_URL";

/// Postgres truncates identifiers at 63 bytes; MySQL allows 64. The smaller
/// keeps a version table name portable.
const MAX_IDENTIFIER_LEN: usize = 63;

/// A loaded `retort.toml`, with paths made absolute and defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The project file, absolute: `retort.toml`, or the `pyproject.toml`
    /// whose `[tool.retort]` table was read.
    pub path: PathBuf,
    /// The directory holding it: the project root.
    pub root: PathBuf,
    /// Where revision files live (in its `versions/`), absolute.
    pub script_location: PathBuf,
    /// The `url` key as written; see [`Config::resolve_url`] for the URL to use.
    pub url: Option<String>,
    /// Schema sources (docs/autogenerate.md): directories or files of `.sql`, or `cmd:<command>`.
    pub models: Vec<String>,
    /// The version table's name; `alembic_version` takes over an Alembic database.
    pub version_table: String,
    /// Whether each revision runs in its own transaction.
    pub transaction_per_migration: bool,
    /// How long to wait for another run's migration lock, in seconds.
    pub lock_timeout_secs: u64,
    /// Tables `check`, `autogenerate`, `dump` and `status` leave alone.
    pub exclude_tables: ExcludeTables,
    /// The `[lint]` table as written: rule id to `off`, `info`, `warning`
    /// or `error` (docs/lint.md); `lint` checks the ids.
    pub lint: BTreeMap<String, String>,
}

/// The file as written; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileContents {
    #[serde(default)]
    retort: Section,
    #[serde(default)]
    lint: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    script_location: Option<String>,
    url: Option<String>,
    models: Option<Vec<String>>,
    version_table: Option<String>,
    transaction_per_migration: Option<bool>,
    lock_timeout: Option<u64>,
    exclude_tables: Option<Vec<String>>,
    /// `[tool.retort.lint]` in `pyproject.toml`.
    lint: Option<BTreeMap<String, String>>,
}

/// Why the configuration or its database URL could not be used. No variant's
/// message contains a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No `retort.toml`, nor a `pyproject.toml` with `[tool.retort]`, in
    /// the starting directory or any parent.
    #[error(
        "no {CONFIG_FILE} (nor a {PYPROJECT_FILE} with a [tool.retort] table) found in {} \
         or any parent directory; run `retort init` to create a project, or pass `-c PATH`",
        start.display()
    )]
    NotFound {
        /// The directory the search started from.
        start: PathBuf,
    },
    /// `-c PATH` names a `pyproject.toml` without a `[tool.retort]` table.
    #[error(
        "{} has no [tool.retort] table; add one (`retort init --pyproject` writes it)",
        path.display()
    )]
    NoToolTable {
        /// The file.
        path: PathBuf,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The file is not valid TOML, has an unknown key, or a value of the wrong
    /// type.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A key has a value of the right type that cannot be used.
    #[error("{}: invalid `{key}`: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The key, e.g. `version_table`.
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// No URL in any of the four places.
    #[error("{}", no_url_message(path.as_deref()))]
    NoUrl {
        /// The `retort.toml`, when there is a project.
        path: Option<PathBuf>,
    },
    /// The chosen URL does not parse.
    #[error("{source} (from {origin})")]
    Url {
        /// The parse error; it shows the URL redacted.
        source: UrlError,
        /// Where the URL came from: `--url`, `DATABASE_URL`, `.env at …`, `retort.toml url`.
        origin: String,
    },
}

fn no_url_message(path: Option<&Path>) -> String {
    match path {
        Some(path) => {
            let dotenv = path
                .parent()
                .map_or_else(|| PathBuf::from(".env"), |dir| dir.join(".env"));
            format!(
                "no database URL: pass --url, set {DATABASE_URL} in the environment \
                 or in {}, or set `url` in {}",
                dotenv.display(),
                path.display()
            )
        }
        None => format!("no database URL: pass --url or set {DATABASE_URL} in the environment"),
    }
}

/// Where a resolved URL came from, for messages like "using … (from .env)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// The `--url` flag.
    Flag,
    /// `DATABASE_URL` in the process environment.
    Environment,
    /// `DATABASE_URL` in this `.env` file beside `retort.toml`.
    DotEnv(PathBuf),
    /// `url` in `retort.toml`.
    ConfigFile,
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Flag => f.write_str("--url"),
            UrlSource::Environment => f.write_str(DATABASE_URL),
            UrlSource::DotEnv(path) => write!(f, "{DATABASE_URL} in {}", path.display()),
            UrlSource::ConfigFile => write!(f, "{CONFIG_FILE} url"),
        }
    }
}

/// The database URL to use, parsed, with any SQLite path absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedUrl {
    /// The URL; its `Display` masks the password.
    pub url: DatabaseUrl,
    /// Where it came from.
    pub source: UrlSource,
}

impl Config {
    /// Reads the `retort.toml` at `path` (relative paths are taken from the
    /// current directory); a file named `pyproject.toml` is read for its
    /// `[tool.retort]` table.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let path = std::path::absolute(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text =
            crate::regular_file::read_to_string(&path).map_err(|source| ConfigError::Io {
                path: path.clone(),
                source,
            })?;
        if path.file_name() == Some(PYPROJECT_FILE.as_ref()) {
            return pyproject::from_text(&path, &text)?.ok_or(ConfigError::NoToolTable { path });
        }
        Config::from_toml(&path, &text)
    }

    /// Finds `retort.toml` in `start_dir` or the nearest parent that has one,
    /// as cargo finds `Cargo.toml`, and loads it. A directory without one
    /// may hold the settings as `[tool.retort]` in `pyproject.toml`; a
    /// `pyproject.toml` without that table (a Python project's, not
    /// retort's) is passed over.
    pub fn discover(start_dir: &Path) -> Result<Config, ConfigError> {
        let start = std::path::absolute(start_dir).map_err(|source| ConfigError::Io {
            path: start_dir.to_path_buf(),
            source,
        })?;
        for dir in start.ancestors() {
            let candidate = dir.join(CONFIG_FILE);
            // Not `is_file`: a named pipe called retort.toml must be refused
            // by name, not skipped in favour of a parent directory's project.
            if candidate.exists() && !candidate.is_dir() {
                return Config::load(&candidate);
            }
            if let Some(config) = pyproject::discover_in(dir)? {
                return Ok(config);
            }
        }
        Err(ConfigError::NotFound { start })
    }

    /// Builds the configuration from the text of the file at `path`
    /// (absolute).
    fn from_toml(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let mut contents: FileContents =
            toml::from_str(text).map_err(|err| parse_error(path, text, &err))?;
        if !contents.lint.is_empty() {
            contents
                .retort
                .lint
                .get_or_insert_default()
                .append(&mut contents.lint);
        }
        Config::from_section(path, contents.retort)
    }

    /// Builds the configuration from the keys of `[retort]` (or
    /// `[tool.retort]`) in the file at `path` (absolute).
    fn from_section(path: &Path, section: Section) -> Result<Config, ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key: key.to_string(),
            message,
        };

        let root = path
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);

        let script_location = section
            .script_location
            .unwrap_or_else(|| "migrations".to_string());
        if script_location.trim().is_empty() {
            return Err(invalid(
                "script_location",
                "must name a directory, e.g. \"migrations\"".to_string(),
            ));
        }
        let script_location = root.join(script_location);

        let version_table = section
            .version_table
            .unwrap_or_else(|| DEFAULT_VERSION_TABLE.to_string());
        if !is_plain_identifier(&version_table) {
            return Err(invalid(
                "version_table",
                format!(
                    "`{version_table}` is not a plain identifier: use letters, digits and `_`, \
                     not starting with a digit, at most {MAX_IDENTIFIER_LEN} characters"
                ),
            ));
        }
        TableNames::new(&version_table)
            .check_limits()
            .map_err(|message| invalid("version_table", message))?;

        let exclude_tables =
            ExcludeTables::new(section.exclude_tables.as_deref().unwrap_or_default())
                .map_err(|e| invalid("exclude_tables", e.to_string()))?;

        Ok(Config {
            path: path.to_path_buf(),
            root,
            script_location,
            url: section.url,
            models: section.models.unwrap_or_else(|| vec!["models".to_string()]),
            version_table,
            transaction_per_migration: section.transaction_per_migration.unwrap_or(true),
            lock_timeout_secs: section.lock_timeout.unwrap_or(DEFAULT_LOCK_TIMEOUT_SECS),
            exclude_tables,
            lint: section.lint.unwrap_or_default(),
        })
    }

    /// The directory of revision files: `<script_location>/versions`.
    pub fn versions_dir(&self) -> PathBuf {
        self.script_location.join("versions")
    }

    /// The `.env` file read for `DATABASE_URL`: beside `retort.toml`.
    pub fn dotenv_path(&self) -> PathBuf {
        self.root.join(".env")
    }

    /// Picks the database URL: `flag` (`--url`), then `DATABASE_URL` from
    /// `env`, then `DATABASE_URL` in the `.env` beside `retort.toml`, then
    /// `url` in the file. An empty `DATABASE_URL` counts as unset.
    ///
    /// A relative SQLite path is made absolute against the project root when
    /// the URL comes from `.env` or the file, and against the current
    /// directory when it comes from the flag or the environment (as
    /// SQLAlchemy does).
    pub fn resolve_url(
        &self,
        flag: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ResolvedUrl, ConfigError> {
        if let Some(resolved) = resolve_from_flag_or_env(flag, &env)? {
            return Ok(resolved);
        }
        let dotenv = self.dotenv_path();
        if let Some(text) = read_dotenv_url(&dotenv)? {
            let origin = format!(".env at {}", dotenv.display());
            return finish(&text, origin, &self.root, UrlSource::DotEnv(dotenv));
        }
        if let Some(text) = &self.url {
            let file = self
                .path
                .file_name()
                .map_or(CONFIG_FILE.into(), |name| name.to_string_lossy());
            let origin = format!("{file} url ({})", self.path.display());
            return finish(text, origin, &self.root, UrlSource::ConfigFile);
        }
        Err(ConfigError::NoUrl {
            path: Some(self.path.clone()),
        })
    }
}

/// Picks the database URL for a command run outside a project: `flag`, then
/// `DATABASE_URL` from `env`. A relative SQLite path is made absolute against
/// the current directory.
pub fn resolve_url_without_config(
    flag: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<ResolvedUrl, ConfigError> {
    resolve_from_flag_or_env(flag, &env)?.ok_or(ConfigError::NoUrl { path: None })
}

fn resolve_from_flag_or_env(
    flag: Option<&str>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Option<ResolvedUrl>, ConfigError> {
    let (text, origin, source) = if let Some(flag) = flag {
        (flag.to_string(), "--url", UrlSource::Flag)
    } else if let Some(value) = env(DATABASE_URL).filter(|v| !v.trim().is_empty()) {
        (value, DATABASE_URL, UrlSource::Environment)
    } else {
        return Ok(None);
    };
    let cwd = std::env::current_dir().map_err(|source| ConfigError::Io {
        path: PathBuf::from("."),
        source,
    })?;
    finish(&text, origin.to_string(), &cwd, source).map(Some)
}

fn finish(
    text: &str,
    origin: String,
    base_dir: &Path,
    source: UrlSource,
) -> Result<ResolvedUrl, ConfigError> {
    let mut url = DatabaseUrl::parse(text).map_err(|source| ConfigError::Url { source, origin })?;
    url.resolve_relative(base_dir);
    Ok(ResolvedUrl { url, source })
}

/// `DATABASE_URL` from a `.env` file, without loading the file into the
/// process environment (which would leak into child processes and other
/// threads). A missing file is not an error; the first definition wins, as
/// in dotenvy's own loader.
fn read_dotenv_url(path: &Path) -> Result<Option<String>, ConfigError> {
    let text = match crate::regular_file::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ConfigError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // A bad line elsewhere in the file should not block the URL; but if the
    // URL is not found, the bad line may be where it was meant to be.
    let mut first_error = None;
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((key, value)) if key == DATABASE_URL => return Ok(Some(value)),
            Ok(_) => {}
            Err(dotenvy::Error::LineParse(line, _)) => {
                first_error.get_or_insert_with(|| dotenv_line_error(path, text, &line));
            }
            Err(dotenvy::Error::Io(source)) => {
                return Err(ConfigError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
            // dotenvy's other errors come from its environment helpers, which
            // the iterator does not use; treat one as a parse failure all the same.
            Err(_) => {
                first_error.get_or_insert_with(|| dotenv_line_error(path, text, ""));
            }
        }
    }
    match first_error {
        Some(err) => Err(err),
        None => Ok(None),
    }
}

/// dotenvy's own message quotes the whole line, which may hold a password;
/// name the line by number instead.
fn dotenv_line_error(path: &Path, text: &str, line: &str) -> ConfigError {
    let needle = line.trim_end();
    let line_number = match text.find(needle) {
        Some(offset) if !needle.is_empty() => text[..offset].matches('\n').count() + 1,
        _ => 1,
    };
    ConfigError::Parse {
        path: path.to_path_buf(),
        line: line_number,
        column: 1,
        message: "this line is not valid .env syntax (`KEY=value`, with matching quotes)"
            .to_string(),
    }
}

/// A TOML or schema error in the file at `path`, at its line and column.
fn parse_error(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
    let (line, column) = err
        .span()
        .map_or((1, 1), |span| line_column(text, span.start));
    ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        column,
        // serde's message may quote a value: a URL put under the
        // wrong key would show its password.
        message: crate::url::redact_words(err.message().trim_end()),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// `[A-Za-z_][A-Za-z0-9_]*`, at most 63 characters: a name that needs no
/// quoting on any dialect, so the version table's SQL can be written plainly.
fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= MAX_IDENTIFIER_LEN
}

/// The commented `retort.toml` that `retort init` writes, with `url` set to
/// `url` (quoted as a TOML string).
pub fn template(url: &str) -> String {
    let url = toml::Value::String(url.to_string()).to_string();
    format!(
        r#"# retort project configuration. Paths are relative to this file.

[retort]
# Directory of migration scripts; revision files live in <script_location>/versions.
script_location = "migrations"

# Database URL (SQLAlchemy form). DATABASE_URL in the environment or in a .env
# file beside this one overrides it, and --url overrides both.
url = {url}

# Schema sources for autogenerate and check: directories or files of SQL DDL, or "cmd:<command>".
models = ["models"]

# Table recording the applied revisions; set "alembic_version" to take over an Alembic-managed database.
version_table = "retort_version"

# Run each revision in its own transaction (where the database has transactional DDL).
transaction_per_migration = true

# Seconds to wait for another retort run holding the migration lock.
lock_timeout = 60

# Tables that check, autogenerate, dump and status leave alone: names or globs, e.g. ["spatial_ref_sys", "tmp_*"].
exclude_tables = []
"#
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::url::SqliteTarget;
    use std::fs;

    fn project(toml: &str) -> tempfile::TempDir {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("tempdir: {e}"),
        };
        write(&dir.path().join(CONFIG_FILE), toml);
        dir
    }

    fn write(path: &Path, text: &str) {
        if let Err(e) = fs::write(path, text) {
            panic!("write {}: {e}", path.display());
        }
    }

    fn load(dir: &Path) -> Config {
        match Config::load(&dir.join(CONFIG_FILE)) {
            Ok(config) => config,
            Err(e) => panic!("{e}"),
        }
    }

    fn load_err(toml: &str) -> (tempfile::TempDir, ConfigError) {
        let dir = project(toml);
        match Config::load(&dir.path().join(CONFIG_FILE)) {
            Ok(config) => panic!("loaded: {config:?}"),
            Err(e) => (dir, e),
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    fn sqlite_file(resolved: &ResolvedUrl) -> PathBuf {
        match resolved.url.sqlite_target() {
            Some(SqliteTarget::File(path)) => path.clone(),
            other => panic!("not a SQLite file: {other:?}"),
        }
    }

    fn cwd() -> PathBuf {
        match std::env::current_dir() {
            Ok(dir) => dir,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn defaults() {
        let dir = project("");
        let config = load(dir.path());
        assert_eq!(config.path, dir.path().join(CONFIG_FILE));
        assert_eq!(config.root, dir.path());
        assert_eq!(config.script_location, dir.path().join("migrations"));
        assert_eq!(
            config.versions_dir(),
            dir.path().join("migrations").join("versions")
        );
        assert_eq!(config.url, None);
        assert_eq!(config.models, vec!["models".to_string()]);
        assert_eq!(config.version_table, "retort_version");
        assert!(config.transaction_per_migration);
        assert_eq!(config.lock_timeout_secs, 60);

        let empty_section = project("[retort]\n");
        assert_eq!(load(empty_section.path()).version_table, "retort_version");
    }

    #[test]
    fn every_key() {
        let dir = project(
            r#"
[retort]
script_location = "db/scripts"
url = "postgresql://u:p@h/db"
models = ["models", "cmd:python dump.py"]
version_table = "alembic_version"
transaction_per_migration = false
lock_timeout = 5
exclude_tables = ["spatial_ref_sys", "tmp_*"]
"#,
        );
        let config = load(dir.path());
        assert_eq!(config.script_location, dir.path().join("db/scripts"));
        assert_eq!(config.url.as_deref(), Some("postgresql://u:p@h/db"));
        assert_eq!(
            config.models,
            vec!["models".to_string(), "cmd:python dump.py".to_string()]
        );
        assert_eq!(config.version_table, "alembic_version");
        assert!(!config.transaction_per_migration);
        assert_eq!(config.lock_timeout_secs, 5);
        assert!(config.exclude_tables.excludes("tmp_load"));
        assert!(config.exclude_tables.excludes("spatial_ref_sys"));
        assert!(!config.exclude_tables.excludes("users"));
    }

    #[test]
    fn template_loads_and_mentions_every_key() {
        let text = template("postgresql://u:p@h/db?x=\"q\"");
        let dir = project(&text);
        let config = load(dir.path());
        assert_eq!(config.url.as_deref(), Some("postgresql://u:p@h/db?x=\"q\""));
        assert_eq!(config.version_table, "retort_version");
        assert_eq!(config.lock_timeout_secs, 60);
        for key in [
            "script_location",
            "url",
            "models",
            "version_table",
            "transaction_per_migration",
            "lock_timeout",
            "exclude_tables",
        ] {
            assert!(text.contains(&format!("\n{key} = ")), "{key}");
        }
        assert!(text.contains("DATABASE_URL"));
    }

    #[test]
    fn unknown_key_names_key_file_and_line() {
        let (dir, err) = load_err("[retort]\nurl = \"sqlite://\"\nscript_locaton = \"m\"\n");
        let text = err.to_string();
        assert!(text.contains("script_locaton"), "{text}");
        assert!(
            text.contains(&dir.path().join(CONFIG_FILE).display().to_string()),
            "{text}"
        );
        assert!(matches!(err, ConfigError::Parse { line: 3, .. }), "{err:?}");

        let (_dir, err) = load_err("[alembic]\nurl = \"x\"\n");
        assert!(err.to_string().contains("alembic"), "{err}");
    }

    #[test]
    fn wrong_type_is_reported_with_position() {
        let (_dir, err) = load_err("[retort]\ntransaction_per_migration = \"yes\"\n");
        match err {
            ConfigError::Parse { line, .. } => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn toml_syntax_error_has_line_and_column() {
        let (dir, err) = load_err("[retort]\nurl = \"sqlite://\"\nmodels = [\"a\",, ]\n");
        match &err {
            ConfigError::Parse {
                path, line, column, ..
            } => {
                assert_eq!(path, &dir.path().join(CONFIG_FILE));
                assert_eq!(*line, 3);
                assert_eq!(*column, 15);
            }
            other => panic!("{other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains(&format!("{}:3:15:", dir.path().join(CONFIG_FILE).display())),
            "{text}"
        );
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("é\néx", 5), (2, 2));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn bad_version_table() {
        for name in [
            "retort-version",
            "1version",
            "",
            "public.version",
            &"a".repeat(64),
        ] {
            let (_dir, err) = load_err(&format!("[retort]\nversion_table = \"{name}\"\n"));
            match &err {
                ConfigError::Invalid { key, message, .. } => {
                    assert_eq!(key, "version_table");
                    assert!(message.contains(&format!("`{name}`")), "{message}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        let ok = project(&format!(
            "[retort]\nversion_table = \"_{}\"\n",
            "a".repeat(58)
        ));
        assert_eq!(load(ok.path()).version_table.len(), 59);
    }

    #[test]
    fn bad_exclude_pattern_is_named() {
        let (_dir, err) = load_err("[retort]\nexclude_tables = [\"ok\", \"tmp_[\"]\n");
        match &err {
            ConfigError::Invalid { key, message, .. } => {
                assert_eq!(key, "exclude_tables");
                assert!(message.contains("`tmp_[`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_file_is_io_error() {
        let dir = project("");
        let missing = dir.path().join("nope.toml");
        match Config::load(&missing) {
            Err(ConfigError::Io { path, .. }) => assert_eq!(path, missing),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn discover_from_nested_directory() {
        let dir = project("[retort]\nversion_table = \"found\"\n");
        let nested = dir.path().join("a").join("b").join("c");
        if let Err(e) = fs::create_dir_all(&nested) {
            panic!("{e}");
        }
        let config = match Config::discover(&nested) {
            Ok(config) => config,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(config.version_table, "found");
        assert_eq!(config.root, dir.path());
        // The nearest file wins.
        write(
            &dir.path().join("a").join(CONFIG_FILE),
            "[retort]\nversion_table = \"inner\"\n",
        );
        match Config::discover(&nested) {
            Ok(config) => assert_eq!(config.version_table, "inner"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn discover_not_found() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("{e}"),
        };
        // A retort.toml above the temp directory would make this test
        // meaningless; skip rather than fail on such a machine.
        if dir
            .path()
            .ancestors()
            .any(|d| d.join(CONFIG_FILE).is_file())
        {
            return;
        }
        match Config::discover(dir.path()) {
            Err(err @ ConfigError::NotFound { .. }) => {
                let text = err.to_string();
                assert!(text.contains(&dir.path().display().to_string()), "{text}");
                assert!(
                    text.contains("retort init") && text.contains("-c PATH"),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resolution_order() {
        let dir = project("[retort]\nurl = \"postgresql://file/db\"\n");
        let config = load(dir.path());

        let from_file = config.resolve_url(None, no_env).map_err(|e| e.to_string());
        let from_file = from_file.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_file.source, UrlSource::ConfigFile);
        assert_eq!(from_file.url.host(), Some("file"));

        write(
            &dir.path().join(".env"),
            "OTHER=1\nDATABASE_URL=postgresql://dotenv/db\n",
        );
        let from_dotenv = config
            .resolve_url(None, no_env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            from_dotenv.source,
            UrlSource::DotEnv(dir.path().join(".env"))
        );
        assert_eq!(from_dotenv.url.host(), Some("dotenv"));

        let env = env_of(&[("DATABASE_URL", "postgresql://environment/db")]);
        let from_env = config
            .resolve_url(None, &env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_env.source, UrlSource::Environment);
        assert_eq!(from_env.url.host(), Some("environment"));

        let from_flag = config
            .resolve_url(Some("postgresql://flag/db"), &env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_flag.source, UrlSource::Flag);
        assert_eq!(from_flag.url.host(), Some("flag"));

        // An empty DATABASE_URL is treated as unset.
        let empty = env_of(&[("DATABASE_URL", "")]);
        let resolved = config
            .resolve_url(None, empty)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resolved.source, UrlSource::DotEnv(dir.path().join(".env")));
    }

    #[test]
    fn dotenv_does_not_touch_the_process_environment() {
        let dir = project("");
        write(
            &dir.path().join(".env"),
            "RETORT_TEST_ONLY_IN_DOTENV=1\nDATABASE_URL=\"sqlite:///x.db\"\n",
        );
        let config = load(dir.path());
        let resolved = config
            .resolve_url(None, no_env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resolved.url.dialect(), crate::DialectKind::Sqlite);
        assert!(std::env::var_os("RETORT_TEST_ONLY_IN_DOTENV").is_none());
    }

    #[test]
    fn dotenv_bad_line_does_not_show_its_content() {
        let dir = project("[retort]\nurl = \"sqlite://\"\n");
        write(
            &dir.path().join(".env"),
            "A=1\nDATABASE_URL='postgresql://u:secret@h/db\n",
        );
        let config = load(dir.path());
        match config.resolve_url(None, no_env) {
            Err(err @ ConfigError::Parse { line: 2, .. }) => {
                assert!(!err.to_string().contains("secret"), "{err}");
            }
            other => panic!("{other:?}"),
        }
        // A bad line that is not the URL's does not hide the URL.
        write(
            &dir.path().join(".env"),
            "this is not a pair\nDATABASE_URL=sqlite://\n",
        );
        let resolved = config
            .resolve_url(None, no_env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resolved.url.sqlite_target(), Some(&SqliteTarget::Memory));
    }

    #[test]
    fn no_url_lists_the_four_places() {
        let dir = project("");
        let config = load(dir.path());
        let err = match config.resolve_url(None, no_env) {
            Err(err @ ConfigError::NoUrl { .. }) => err,
            other => panic!("{other:?}"),
        };
        let text = err.to_string();
        assert!(text.contains("--url"), "{text}");
        assert!(text.contains("DATABASE_URL"), "{text}");
        assert!(text.contains(".env"), "{text}");
        assert!(text.contains(&config.path.display().to_string()), "{text}");

        match resolve_url_without_config(None, no_env) {
            Err(err @ ConfigError::NoUrl { path: None }) => {
                let text = err.to_string();
                assert!(
                    text.contains("--url") && text.contains("DATABASE_URL"),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn relative_sqlite_path_per_source() {
        let dir = project("[retort]\nurl = \"sqlite:///from_file.db\"\n");
        let config = load(dir.path());

        let file = config
            .resolve_url(None, no_env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sqlite_file(&file), dir.path().join("from_file.db"));
        assert_eq!(
            file.url.to_string(),
            format!("sqlite:///{}", dir.path().join("from_file.db").display())
        );

        write(
            &dir.path().join(".env"),
            "DATABASE_URL=sqlite:///from_dotenv.db\n",
        );
        let dotenv = config
            .resolve_url(None, no_env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sqlite_file(&dotenv), dir.path().join("from_dotenv.db"));

        let env = env_of(&[("DATABASE_URL", "sqlite:///from_env.db")]);
        let from_env = config
            .resolve_url(None, &env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sqlite_file(&from_env), cwd().join("from_env.db"));

        let flag = config
            .resolve_url(Some("sqlite:///from_flag.db"), &env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sqlite_file(&flag), cwd().join("from_flag.db"));

        let bare = resolve_url_without_config(None, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sqlite_file(&bare), cwd().join("from_env.db"));
        let bare = resolve_url_without_config(Some("sqlite:///f.db"), &env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(bare.source, UrlSource::Flag);
        assert_eq!(sqlite_file(&bare), cwd().join("f.db"));

        // Absolute paths stay as written whatever the source.
        let abs = config
            .resolve_url(Some("sqlite:////var/app.db"), no_env)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sqlite_file(&abs), PathBuf::from("/var/app.db"));
    }

    #[test]
    fn bad_url_names_its_origin_and_hides_the_password() {
        let dir = project("[retort]\nurl = \"postgresql://u:secret@h:port/db\"\n");
        let config = load(dir.path());
        let cases = [
            (None, None, "retort.toml url"),
            (None, Some("oracle://u:secret@h/db"), "DATABASE_URL"),
            (Some("postgresql://u:secret@h/db?sslmode=on"), None, "--url"),
        ];
        for (flag, env, origin) in cases {
            let err = match config.resolve_url(flag, |_| env.map(str::to_string)) {
                Err(err @ ConfigError::Url { .. }) => err,
                other => panic!("{other:?}"),
            };
            let text = err.to_string();
            assert!(text.contains(origin), "{text}");
            assert!(!text.contains("secret"), "{text}");
            assert!(!format!("{err:?}").contains("secret"), "{err:?}");
        }

        write(
            &dir.path().join(".env"),
            "DATABASE_URL=mysql://u:secret@h:x/db\n",
        );
        let err = match config.resolve_url(None, no_env) {
            Err(err) => err,
            Ok(r) => panic!("{r:?}"),
        };
        let text = err.to_string();
        assert!(
            text.contains(".env at") && !text.contains("secret"),
            "{text}"
        );
    }

    #[test]
    fn url_source_display() {
        assert_eq!(UrlSource::Flag.to_string(), "--url");
        assert_eq!(UrlSource::Environment.to_string(), "DATABASE_URL");
        assert_eq!(UrlSource::ConfigFile.to_string(), "retort.toml url");
        assert!(
            UrlSource::DotEnv(PathBuf::from("/p/.env"))
                .to_string()
                .contains("/p/.env")
        );
    }
}
