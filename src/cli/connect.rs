//! `test-connection [--wait SECS]`: connect, retrying with back-off until
//! the whole wait has passed (for containers starting side by side), and
//! print the server's version.

use std::time::{Duration, Instant};

use serde_json::json;

use retort::config::ResolvedUrl;
use retort::connection::{self, Connection};

use crate::cli::Context;
use crate::cli::error::CliError;
use crate::cli::session::runtime;

/// `test-connection [--wait SECS]`.
pub fn test_connection(context: &Context, wait: Option<u64>) -> Result<(), CliError> {
    let config = context.config().ok();
    let url = context.url(config.as_ref())?;
    runtime()?.block_on(async {
        context.output.progress(&format!("Database: {}", url.url));
        let mut connection = connect_within(context, &url, wait.map(Duration::from_secs)).await?;
        let version = connection.server_version().await?;
        connection.close().await;
        let dialect = url.url.dialect();
        if context.output.is_json() {
            context.output.document(&json!({
                "database": url.url.redacted(),
                "dialect": dialect.to_string(),
                "server_version": version,
            }));
        } else {
            context
                .output
                .line(&format!("Connected: {dialect} {version}"));
        }
        Ok(())
    })
}

/// Connects, retrying until `wait` has passed (once when `None`). The
/// pause between attempts grows to 2 s but never runs past the deadline, and
/// an attempt still running at the deadline gets a second more to answer,
/// so the last error is a real one.
async fn connect_within(
    context: &Context,
    url: &ResolvedUrl,
    wait: Option<Duration>,
) -> Result<Connection, CliError> {
    let started = Instant::now();
    let deadline = started + wait.unwrap_or_default();
    let mut pause = Duration::from_millis(100);
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let attempt = Connection::connect(&url.url, Duration::from_secs(5));
        let result = match wait {
            None => attempt.await,
            Some(_) => {
                let limit = deadline
                    .saturating_duration_since(Instant::now())
                    .max(Duration::from_secs(1));
                match tokio::time::timeout(limit, attempt).await {
                    Ok(result) => result,
                    Err(_) => Err(connection::Error::Connect {
                        url: url.url.redacted(),
                        message: format!("no answer within {} s", limit.as_secs_f64()),
                    }),
                }
            }
        };
        let error = match result {
            Ok(connection) => return Ok(connection),
            Err(error) => error,
        };
        let now = Instant::now();
        if wait.is_none() {
            return Err(CliError::Connect(error));
        }
        if now >= deadline {
            return Err(CliError::GaveUp {
                error,
                attempts,
                elapsed: now.duration_since(started),
                wait: wait.unwrap_or_default(),
            });
        }
        context
            .output
            .progress(&format!("not yet: {error}; retrying"));
        tokio::time::sleep(pause.min(deadline - now)).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}
