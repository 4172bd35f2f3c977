//! The README's "Install" with cargo: `cargo install --locked --path .` from
//! a checkout puts a working `retort` in the install root's `bin/`.
//!
//! The README's command builds the release profile (fat LTO: about 11
//! minutes on the 2-core CI machine, benches/README.md); the test installs
//! this run's profile instead, into a copy of this run's target directory
//! (`second_build`), where cargo finds everything fresh and the install
//! takes seconds. What it proves is the install itself: the lock file is
//! complete (`--locked`), the package's one binary is the one installed,
//! and it runs. The pip wheel has its own test (`.ci/wheel`).

use std::process::Command;

use crate::second_build::{SecondBuild, Seed, apply_env};

#[test]
fn cargo_install_from_a_checkout() {
    let build = SecondBuild::new(Seed::Everything);
    let root = tempfile::tempdir().expect("a temp directory");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let mut command = Command::new(cargo);
    command
        .args(["install", "--locked", "--path", env!("CARGO_MANIFEST_DIR")])
        .args(["--profile", build.profile()])
        .arg("--root")
        .arg(root.path());
    apply_env(&mut command, &build.env());
    let install = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&install.stderr);
    assert!(install.status.success(), "cargo install failed:\n{stderr}");

    let installed: Vec<_> = std::fs::read_dir(root.path().join("bin"))
        .expect("the root's bin/")
        .map(|e| e.expect("an entry").file_name())
        .collect();
    assert_eq!(installed, ["retort"], "{stderr}");
    let version = Command::new(root.path().join("bin/retort"))
        .arg("--version")
        .output()
        .expect("the installed retort runs");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("retort {}\n", env!("CARGO_PKG_VERSION"))
    );
}
