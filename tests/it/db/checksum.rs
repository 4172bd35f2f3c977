//! Checksums of applied revisions: an edited file is reported and refused
//! until accepted; line endings and trailing whitespace do not count.

use super::{Backend, DbProject, R, per_backend};

fn body(column: &str) -> String {
    format!(
        "-- migrate:upgrade\nCREATE TABLE t (\n    id INTEGER PRIMARY KEY{column}\n);\n\n\
         -- migrate:downgrade\nDROP TABLE t;\n"
    )
}

fn modified(p: &DbProject) -> Vec<String> {
    let status = p.run(&["--format", "json", "status"]).success().json();
    status["modified"]
        .as_array()
        .unwrap_or_else(|| panic!("`modified` is an array: {status}"))
        .iter()
        .map(|v| v.as_str().expect("an id").to_owned())
        .collect()
}

fn edited_revisions(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    let original = body("");
    let path = p.revision(R[1], R[0], &original);
    p.run(&["upgrade"]).success();
    assert_eq!(modified(&p), Vec::<String>::new());
    let text = std::fs::read_to_string(&path).expect("read the revision");

    // Only line endings or trailing whitespace: not a change.
    std::fs::write(&path, text.replace('\n', "\r\n")).expect("write CRLF");
    assert_eq!(
        modified(&p),
        Vec::<String>::new(),
        "CRLF counts as modified"
    );
    std::fs::write(&path, text.replace(";\n", ";   \n")).expect("write trailing spaces");
    assert_eq!(modified(&p), Vec::<String>::new(), "trailing spaces count");
    p.run(&["upgrade"]).success();

    // A real edit.
    p.revision(R[1], R[0], &body(",\n    name VARCHAR(10)"));
    assert_eq!(modified(&p), [R[1]]);
    let status = p.run(&["status"]).success();
    assert!(
        status.stdout.contains("Modified since applied") && status.stdout.contains(R[1]),
        "{}",
        status.stdout
    );
    let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
    p.run(&["upgrade"])
        .code(1)
        .stderr_has(&[R[1], &file_name, "--accept-checksum"]);

    // A new revision does not run while an applied one is modified.
    p.table_revision(R[2], R[1]);
    p.run(&["upgrade"]).code(1);
    assert_eq!(p.versions(), [R[1]]);

    p.run(&["upgrade", "--accept-checksum", R[1]]).success();
    assert_eq!(modified(&p), Vec::<String>::new());
    assert_eq!(p.versions(), [R[2]]);
    p.run(&["upgrade"]).success();
}
per_backend!(edited_revisions);
