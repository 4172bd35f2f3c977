//! Limits checked before anything runs: a revision id too long for
//! `version_num VARCHAR(32)`, and a `version_table` whose derived names do
//! not fit the identifier limit. On MariaDB the first used to commit the
//! revision's DDL and then fail its bookkeeping, so every rerun failed with
//! "already exists"; on PostgreSQL the second silently truncated the log
//! table's name.

use super::{Backend, DbProject, per_backend};

fn long_revision_id_is_refused_before_any_ddl(backend: Backend) {
    let Some(project) = DbProject::new(backend) else {
        return;
    };
    let id = "f".repeat(40);
    project.table_revision(&id, "");
    for _ in 0..2 {
        project
            .run(&["upgrade"])
            .code(2)
            .stderr_has(&[&format!("{id}_revision.sql:1:"), "40 characters"]);
    }
    assert_eq!(project.app_tables(), Vec::<String>::new());
    assert!(!project.db.has_table("retort_version"));
}
per_backend!(long_revision_id_is_refused_before_any_ddl);

fn long_version_table_is_refused_at_load(backend: Backend) {
    let name = "v".repeat(60);
    let Some(project) = DbProject::with_version_table(backend, &name) else {
        return;
    };
    project.table_revision("a1", "");
    project
        .run(&["upgrade"])
        .code(2)
        .stderr_has(&["version_table", &format!("`{name}_log`")]);
    assert_eq!(project.db.tables(), Vec::<String>::new());
}
per_backend!(long_version_table_is_refused_at_load);
