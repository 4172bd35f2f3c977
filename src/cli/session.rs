//! What the commands that reach a database share: the async runtime, the
//! URL in its resolution order, and a connection that is always closed.

use std::time::Duration;

use retort::Config;
use retort::config::ResolvedUrl;
use retort::connection::Connection;

use crate::cli::Context;
use crate::cli::error::CliError;

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

impl Context {
    /// The database URL in the resolution order of docs/revisions.md (`--url`, `DATABASE_URL`, `.env`, the file).
    /// Options retort does not know are named in a warning on stderr.
    pub fn url(&self, config: Option<&Config>) -> Result<ResolvedUrl, CliError> {
        // `var(..).ok()` would take a non-UTF-8 DATABASE_URL for an unset one
        // and quietly fall back to `.env` or `retort.toml`: another database.
        if let Err(std::env::VarError::NotUnicode(_)) = std::env::var("DATABASE_URL") {
            return Err(CliError::usage(
                "DATABASE_URL is not valid UTF-8; percent-encode the bytes that are not",
                None,
            ));
        }
        let env = |name: &str| std::env::var(name).ok();
        let resolved = match config {
            Some(config) => config.resolve_url(self.url_flag.as_deref(), env)?,
            None => retort::config::resolve_url_without_config(self.url_flag.as_deref(), env)?,
        };
        for name in &resolved.url.connect_options().unknown {
            self.output.warning(&format!(
                "the database URL option `{name}` is not one retort knows for {}; it is ignored",
                resolved.url.dialect()
            ));
        }
        Ok(resolved)
    }

    /// Names the database on stderr, then connects.
    pub(crate) async fn connect(
        &self,
        url: &ResolvedUrl,
        config: Option<&Config>,
    ) -> Result<Connection, CliError> {
        self.output.progress(&format!("Database: {}", url.url));
        let busy = Duration::from_secs(config.map_or(60, |c| c.lock_timeout_secs));
        Ok(Connection::connect(&url.url, busy).await?)
    }
}

impl Context {
    /// Connects (naming the database), runs `work`, and closes the
    /// connection whatever `work` returns, so that no command leaves a
    /// server session to time out.
    pub(crate) fn with_connection<T>(
        &self,
        url: &ResolvedUrl,
        config: Option<&Config>,
        work: impl AsyncFnOnce(&mut Connection) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        runtime()?.block_on(async {
            let mut connection = self.connect(url, config).await?;
            let result = work(&mut connection).await;
            connection.close().await;
            result
        })
    }
}
