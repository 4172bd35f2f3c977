//! The CLI's one error type: every library error lands here, is shown with
//! miette (the offending line of a revision file included), and maps to an
//! exit code in one place: 1 when the operation failed, 2 for usage,
//! configuration, revision-file and connection errors.

use std::io::IsTerminal;
use std::path::Path;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

use crate::cli::output::display_path;
use retort::config::ConfigError;
use retort::revision::graph::{self, Problem};
use retort::revision::target;

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line or the project asks for something impossible.
    #[error("{message}")]
    Usage {
        message: String,
        help: Option<String>,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Revisions(#[from] graph::Error),
    #[error(transparent)]
    Target(#[from] target::Error),
    /// The operation ran and failed, or found what it checks for.
    #[error("{message}")]
    Failed {
        message: String,
        help: Option<String>,
    },
}

impl CliError {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, help: impl Into<Option<String>>) -> Self {
        CliError::Usage {
            message: message.into(),
            help: help.into(),
        }
    }

    /// A failed operation with a hint.
    pub fn failed(message: impl Into<String>, help: impl Into<Option<String>>) -> Self {
        CliError::Failed {
            message: message.into(),
            help: help.into(),
        }
    }

    /// The process exit code for this error (README.md: 1 failed or drift, 2 usage, configuration or connection).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Failed { .. } => 1,
            CliError::Usage { .. }
            | CliError::Config(_)
            | CliError::Revisions(_)
            | CliError::Target(_) => 2,
        }
    }

    /// Renders the error for stderr.
    pub fn render(&self) -> String {
        let handler = handler();
        let mut out = String::new();
        match self {
            CliError::Revisions(error) => {
                for problem in &error.problems {
                    render_problem(&handler, problem, &mut out);
                }
                if error.problems.len() > 1 {
                    out.push_str(&format!("error: {error}\n"));
                }
            }
            CliError::Usage { message, help } | CliError::Failed { message, help } => {
                render_plain(&handler, message, help.as_deref(), &mut out);
            }
            other => render_plain(&handler, &other.to_string(), None, &mut out),
        }
        out
    }
}

fn handler() -> GraphicalReportHandler {
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
struct Located {
    message: String,
    #[source_code]
    code: NamedSource<String>,
    #[label]
    span: SourceSpan,
    #[help]
    help: Option<String>,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
struct Plain {
    message: String,
    #[help]
    help: Option<String>,
}

fn render_plain(
    handler: &GraphicalReportHandler,
    message: &str,
    help: Option<&str>,
    out: &mut String,
) {
    let diagnostic = Plain {
        message: message.to_owned(),
        help: help.map(str::to_owned),
    };
    if handler.render_report(out, &diagnostic).is_err() {
        out.push_str(&format!("error: {message}\n"));
    }
}

fn render_problem(handler: &GraphicalReportHandler, problem: &Problem, out: &mut String) {
    let Some(location) = &problem.location else {
        return render_plain(handler, &problem.message, problem.help.as_deref(), out);
    };
    let name = display_path(&location.path);
    // The file is read again only to show the offending line; if that fails
    // the location alone still names the place.
    let text = read_source(&location.path);
    match text {
        Some(text)
            if text.is_char_boundary(location.offset)
                && text.is_char_boundary(location.offset + location.len)
                && location.offset + location.len <= text.len() =>
        {
            let diagnostic = Located {
                message: problem.message.clone(),
                code: NamedSource::new(name, text),
                span: (location.offset, location.len).into(),
                help: problem.help.clone(),
            };
            if handler.render_report(out, &diagnostic).is_err() {
                out.push_str(&format!("error: {problem}\n"));
            }
        }
        _ => {
            let message = format!(
                "{}\n  --> {name}:{}:{}",
                problem.message, location.line, location.column
            );
            render_plain(handler, &message, problem.help.as_deref(), out);
        }
    }
}

fn read_source(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    String::from_utf8(bytes).ok()
}
