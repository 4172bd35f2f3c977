//! Integration tests: the real `retort` binary in temporary projects.
//!
//! Every test builds its own project in a temp directory (see `common`), runs
//! the binary there with `NO_COLOR=1` and no `DATABASE_URL`, and checks exit
//! code, stdout, stderr and the files written. Only `db` needs a database
//! server; see its module documentation.

mod alembic;
mod bad_input;
mod check_files;
mod common;
mod create;
mod db;
mod errors;
mod escapes;
mod fuzz;
mod graph;
mod import_graphs;
mod init;
mod install;
mod json;
mod json_doc;
mod layers;
mod lint;
mod lint_squawk;
mod pyproject;
mod recipes;
mod redaction;
mod second_build;
mod shell;
mod skip;
