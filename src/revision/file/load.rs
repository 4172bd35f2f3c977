//! Reading revision files from disk: one file, or a whole directory in
//! file-name order (the order the planner breaks ties in).

use std::io::Read;
use std::path::Path;

use crate::revision::file::parse::parse_bytes;
use crate::revision::file::{Error, MAX_FILE_SIZE, Revision};

/// Reads and parses one revision file.
///
/// Refuses files above [`MAX_FILE_SIZE`] (checked before reading), files
/// with a NUL byte ("binary file") and files that are not UTF-8 (pointing at
/// the first invalid byte). A leading byte-order mark and CRLF line endings
/// are accepted.
pub fn read(path: &Path) -> Result<Revision, Error> {
    let mut buf = Vec::new();
    read_into(path, &mut buf)?;
    parse_bytes(path, &buf)
}

/// Reads `path` into `buf` (cleared first), refusing oversized files.
fn read_into(path: &Path, buf: &mut Vec<u8>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = crate::regular_file::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_SIZE {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            len,
        });
    }
    buf.clear();
    // The length from the metadata sizes the buffer, so one `read` usually
    // fetches the file; this is the hot path of `load_dir`. Reading stops at
    // that length: a file that grows meanwhile is read as it was when
    // measured, which also keeps the size bound.
    let len = len as usize;
    buf.resize(len, 0);
    let mut filled = 0;
    while filled < len {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(io(error)),
        }
    }
    buf.truncate(filled);
    Ok(())
}

/// Parses every `*.sql` file directly in `dir`, in file-name order.
///
/// Hidden files, editor backups and other extensions are skipped, and
/// subdirectories are not entered. Every file's error is collected, so a
/// user sees all broken files at once. A missing or unreadable directory
/// gives a single [`Error::Io`]. Large directories are read on a few threads;
/// the result does not depend on it.
pub fn load_dir(dir: &Path) -> (Vec<Revision>, Vec<Error>) {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => return (Vec::new(), vec![io(source)]),
    };
    let mut errors = Vec::new();
    let mut names = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(source) => {
                errors.push(io(source));
                continue;
            }
        };
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        // Hidden files include editors' lock files (`.#x.sql`); backups
        // (`x.sql~`, `#x.sql#`) fail the extension test.
        if bytes.starts_with(b".") || !bytes.ends_with(b".sql") {
            continue;
        }
        // `file_type` comes from the directory entry on most systems, so this
        // costs no extra system call.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        names.push(name);
    }
    names.sort_unstable();

    // Opening and reading costs more than parsing, so a large directory is
    // split into contiguous chunks read on a few threads; joining the chunks
    // in order keeps the result independent of scheduling.
    let workers = if names.len() < PARALLEL_THRESHOLD {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS))
    };
    let chunk = names.len().div_ceil(workers).max(1);
    let results: Vec<Vec<Result<Revision, Error>>> = if workers == 1 {
        vec![load_files(dir, &names)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = names
                .chunks(chunk)
                .map(|part| {
                    std::thread::Builder::new()
                        .spawn_scoped(scope, move || load_files(dir, part))
                        .map_err(|_| part)
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| match handle {
                    Ok(handle) => handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: do this chunk here.
                    Err(part) => load_files(dir, part),
                })
                .collect()
        })
    };

    let mut revisions = Vec::with_capacity(names.len());
    for result in results.into_iter().flatten() {
        match result {
            Ok(revision) => revisions.push(revision),
            Err(error) => errors.push(error),
        }
    }
    (revisions, errors)
}

/// Below this many files, starting threads costs more than it saves.
pub(super) const PARALLEL_THRESHOLD: usize = 256;
/// Past a few threads the disk, not the CPU, is the limit.
const MAX_WORKERS: usize = 8;

/// Reads and parses `names` in `dir`, reusing one buffer.
fn load_files(dir: &Path, names: &[std::ffi::OsString]) -> Vec<Result<Revision, Error>> {
    let mut buf = Vec::new();
    let mut path = dir.to_path_buf();
    names
        .iter()
        .map(|name| {
            path.push(name);
            let result = read_into(&path, &mut buf).and_then(|()| parse_bytes(&path, &buf));
            path.pop();
            result
        })
        .collect()
}
