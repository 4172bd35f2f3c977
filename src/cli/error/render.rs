//! An error shown on stderr with miette: a revision file's problems with
//! the offending line, everything else as a message and a hint.

use std::io::IsTerminal;
use std::path::Path;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

use super::CliError;
use crate::cli::output::display_path;
use retort::revision::graph::Problem;

impl CliError {
    /// Renders the error for stderr.
    pub fn render(&self) -> String {
        let handler = handler(std::io::stderr().is_terminal());
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
            other => render_plain(
                &handler,
                &other.message(),
                other.help().as_deref(),
                &mut out,
            ),
        }
        out
    }
}

/// miette's handler for a stream: colour only on a terminal, and never
/// with `NO_COLOR` set.
pub(crate) fn handler(terminal: bool) -> GraphicalReportHandler {
    let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
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
