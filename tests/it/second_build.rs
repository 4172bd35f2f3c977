//! A second build of retort inside the test run, made cheap: a target
//! directory seeded from the one `cargo test` just built into, so that
//! cargo finds the dependencies fresh and compiles at most retort itself
//! (tens of seconds instead of the minutes of a build from scratch).
//!
//! Why not build into this run's own target directory: cargo would replace
//! `target/debug/retort` while other tests run it, and a build of another
//! checkout (pre-commit's clone of the repository) would leave outputs that
//! cargo then takes as fresh for this worktree's sources, committed or not.
//!
//! The big files of `deps/` (rlib, rmeta, proc-macro libraries, binaries)
//! are hard links: rustc and the linker write a rebuilt output to a new file
//! and rename it over the old name, so a rebuild never writes through a
//! link into this run's files. What cargo, rustc or a build script may
//! rewrite in place (`.fingerprint/`, `build/`, rustc's `*.d`) is copied,
//! modification times kept, since cargo's freshness compares them.

use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

/// Which of this run's compiled units the copy holds.
#[derive(Clone, Copy, PartialEq)]
pub enum Seed {
    /// Everything: a build of this worktree finds retort fresh as well.
    Everything,
    /// All but retort's own units (the library, binary and proc macro),
    /// which a build of another checkout compiles into files of its own.
    Dependencies,
}

/// A target directory for a second build, removed when dropped.
pub struct SecondBuild {
    dir: TempDir,
    profile: String,
}

impl SecondBuild {
    pub fn new(seed: Seed) -> SecondBuild {
        // `<target>/<profile dir>/retort`: the build this test run made.
        let binary = Path::new(env!("CARGO_BIN_EXE_retort"));
        let profile_dir = binary.parent().expect("the profile directory");
        let target = profile_dir.parent().expect("the target directory");
        let dir_name = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a profile directory name");
        // Cargo names the `dev` profile's directory `debug`; others by name.
        let profile = match dir_name {
            "debug" => "dev",
            other => other,
        };
        // In the target directory: hard links need the same file system.
        let dir = tempfile::Builder::new()
            .prefix("second-build-")
            .tempdir_in(target)
            .expect("a directory in the target directory");
        let into = dir.path().join(dir_name);
        for sub in ["deps", "build", ".fingerprint"] {
            seed_dir(&profile_dir.join(sub), &into.join(sub), sub == "deps", seed);
        }
        SecondBuild {
            dir,
            profile: profile.to_owned(),
        }
    }

    /// The environment for a cargo run under this test (directly or
    /// through pip and maturin): `CARGO_TARGET_DIR` this directory, and
    /// none of the variables cargo sets for the test process
    /// (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, …). A nested cargo would
    /// take those as the user's environment, and the build scripts that
    /// watch them (ring's does, with `rerun-if-env-changed`) would run
    /// again, and every crate above them be compiled again: minutes.
    pub fn env(&self) -> Vec<(OsString, Option<OsString>)> {
        let mut env: Vec<(OsString, Option<OsString>)> = std::env::vars_os()
            .filter(|(name, _)| set_by_cargo_for_the_test(&name.to_string_lossy()))
            .map(|(name, _)| (name, None))
            .collect();
        env.push(("CARGO_TARGET_DIR".into(), Some(self.dir.path().into())));
        env
    }

    /// The cargo profile this run was built with (`dev` for `cargo test`).
    pub fn profile(&self) -> &str {
        &self.profile
    }
}

/// Sets (`Some`) or removes (`None`) each variable of `env` for `command`.
pub fn apply_env(command: &mut Command, env: &[(OsString, Option<OsString>)]) {
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
}

/// The Cargo Book, "Environment variables Cargo sets for crates".
fn set_by_cargo_for_the_test(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || [
            "CARGO_MANIFEST_DIR",
            "CARGO_MANIFEST_PATH",
            "CARGO_MANIFEST_LINKS",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
            "CARGO_RUSTC_CURRENT_DIR",
            "OUT_DIR",
        ]
        .contains(&name)
}

fn is_retort_unit(name: &str) -> bool {
    name.starts_with("retort") || name.starts_with("libretort")
}

/// `from`'s entries into `to`: files of `deps/` linked, the rest copied.
/// A missing `from` (another layout, e.g. cargo's `build-dir` elsewhere)
/// seeds nothing: the second build is then a full one, slower but right.
fn seed_dir(from: &Path, to: &Path, link: bool, seed: Seed) {
    let Ok(entries) = fs::read_dir(from) else {
        return;
    };
    fs::create_dir_all(to).expect("create a directory");
    for entry in entries {
        let entry = entry.expect("a directory entry");
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if seed == Seed::Dependencies && is_retort_unit(&name) {
            continue;
        }
        // Below the top level every unit's files are its own.
        let below = Seed::Everything;
        let target = to.join(&*name);
        if entry.file_type().expect("a file type").is_dir() {
            seed_dir(&entry.path(), &target, link, below);
        } else {
            // Linking fails across file systems: a copy is as good, if slower.
            let linked =
                link && !name.ends_with(".d") && fs::hard_link(entry.path(), &target).is_ok();
            if !linked {
                copy_keeping_mtime(&entry.path(), &target);
            }
        }
    }
}

fn copy_keeping_mtime(from: &Path, to: &Path) {
    fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    let modified = fs::metadata(from)
        .and_then(|m| m.modified())
        .expect("a modification time");
    fs::File::options()
        .write(true)
        .open(to)
        .and_then(|f| f.set_modified(modified))
        .unwrap_or_else(|e| panic!("set the time of {}: {e}", to.display()));
}
