//! Feeds arbitrary bytes to the statement splitter on every dialect: it must
//! return statements or an error, never panic. Run with
//! `cargo +nightly fuzz run sql_split`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retort::DialectKind;
use retort::sql::split::{is_transaction_control, split};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for dialect in DialectKind::ALL {
        if let Ok(statements) = split(&text, dialect) {
            for statement in statements {
                let _ = is_transaction_control(&statement.sql);
            }
        }
    }
});
