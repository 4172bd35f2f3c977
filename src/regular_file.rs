//! Reading only regular files.
//!
//! Opening a FIFO for reading blocks until a writer appears, so a named pipe
//! called `x.sql` in `versions/` (or a models directory, or given as
//! `retort.toml`) would hang every command. Each file retort reads is first
//! checked with `stat`, which follows symlinks but opens nothing: a symlink
//! to a regular file is read, anything else is refused by name.

use std::fs::File;
use std::io;
use std::path::Path;

/// `Ok` when `path` is (or links to) a regular file; otherwise an error
/// saying what it is instead. A missing file gives the usual `NotFound`.
pub fn check(path: &Path) -> io::Result<()> {
    let file_type = std::fs::metadata(path)?.file_type();
    if file_type.is_file() {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "not a regular file but {}; retort reads only regular files",
            describe(&file_type)
        ),
    ))
}

/// Opens `path` for reading after [`check`].
pub fn open(path: &Path) -> io::Result<File> {
    check(path)?;
    File::open(path)
}

/// Reads `path` as UTF-8 after [`check`].
pub fn read_to_string(path: &Path) -> io::Result<String> {
    check(path)?;
    std::fs::read_to_string(path)
}

#[cfg(unix)]
fn describe(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a named pipe (FIFO)"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn describe(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn fifo_and_directory_are_refused_symlink_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("x.sql");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let err = read_to_string(&fifo).unwrap_err().to_string();
        assert!(err.contains("named pipe"), "{err}");
        let err = check(dir.path()).unwrap_err().to_string();
        assert!(err.contains("directory"), "{err}");

        let real = dir.path().join("real.sql");
        std::fs::write(&real, "x").expect("write");
        let link = dir.path().join("link.sql");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        assert_eq!(read_to_string(&link).expect("read through link"), "x");
        let to_fifo = dir.path().join("to_fifo.sql");
        std::os::unix::fs::symlink(&fifo, &to_fifo).expect("symlink");
        assert!(check(&to_fifo).is_err());
        assert_eq!(
            check(&dir.path().join("missing")).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}
