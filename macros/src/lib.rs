//! `embed_migrations!`, re-exported as `retort::embed_migrations!`: the
//! revision files of a directory compiled into the program, for
//! `retort::embed::graph` to read at start-up.
//!
//! Only the compiler's own `proc_macro` API is used — one string literal
//! in, a slice expression out — so the macro adds no dependency (no `syn`,
//! no `quote`) to an application's build.

use std::path::{Path, PathBuf};

use proc_macro::{Literal, TokenStream, TokenTree};

/// `embed_migrations!("migrations/versions")` is a
/// `&'static [(&'static str, &'static str)]` of (file name, file text) for
/// every revision file in the directory (relative to the crate's
/// `CARGO_MANIFEST_DIR`; `migrations/versions` when no argument is given),
/// in file-name order. It takes the files `retort` itself reads: `*.sql`,
/// not hidden. Each is included with `include_str!`, so an edit rebuilds
/// the program; a file added or removed is seen when the crate is built
/// again (a `build.rs` printing `cargo:rerun-if-changed=migrations` makes
/// that automatic).
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(message) => format!("compile_error!({})", Literal::string(&message))
            .parse()
            .unwrap_or_default(),
    }
}

fn expand(input: TokenStream) -> Result<TokenStream, String> {
    let mut tokens = input.into_iter();
    let relative = match (tokens.next(), tokens.next()) {
        (None, _) => "migrations/versions".to_owned(),
        (Some(TokenTree::Literal(literal)), None) => plain_string(&literal.to_string())?,
        _ => {
            return Err(
                "embed_migrations! takes one string literal: the directory of revision \
                 files, relative to the crate's Cargo.toml"
                    .to_owned(),
            );
        }
    };
    let root = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| "embed_migrations!: CARGO_MANIFEST_DIR is not set".to_owned())?;
    let dir = Path::new(&root).join(&relative);
    let mut items = String::from("&[");
    for path in revision_files(&dir)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let full = path
            .to_str()
            .ok_or_else(|| format!("embed_migrations!: {} is not UTF-8", path.display()))?;
        items.push_str(&format!(
            "({}, include_str!({})),",
            Literal::string(&name),
            Literal::string(full)
        ));
    }
    items.push(']');
    items.parse().map_err(|e| format!("embed_migrations!: {e}"))
}

/// The text of a plain `"…"` literal; escapes and raw strings are refused
/// rather than half understood.
fn plain_string(literal: &str) -> Result<String, String> {
    literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|s| !s.contains('\\'))
        .map(str::to_owned)
        .ok_or_else(|| {
            format!("embed_migrations! wants a plain string literal such as \"migrations/versions\", not {literal}")
        })
}

/// `*.sql` files directly in `dir`, not hidden, sorted by name — the files
/// `retort::revision::file::load_dir` reads.
fn revision_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("embed_migrations!: cannot read {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("embed_migrations!: {}: {e}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir && name.ends_with(".sql") && !name.starts_with('.') {
            // `include_str!` of a named pipe would block the compiler; `stat`
            // follows a symlink without opening anything.
            let path = entry.path();
            let is_file = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
            if !is_file {
                return Err(format!(
                    "embed_migrations!: {} is not a regular file; retort reads only regular files",
                    path.display()
                ));
            }
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_named_pipe_is_refused_not_included() {
        let dir = std::env::temp_dir().join(format!("retort-macros-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a temp directory");
        std::fs::write(dir.join("a.sql"), "-- Revision ID: a\n").expect("write a.sql");
        assert_eq!(revision_files(&dir), Ok(vec![dir.join("a.sql")]));
        let status = std::process::Command::new("mkfifo")
            .arg(dir.join("b.sql"))
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let err = revision_files(&dir).unwrap_err();
        assert!(
            err.contains("b.sql") && err.contains("regular file"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
