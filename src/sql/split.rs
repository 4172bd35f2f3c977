// TEMPORARY stand-in until the splitter branch lands.
use crate::url::DialectKind;
pub struct Statement {
    pub sql: String,
    pub line: usize,
}
#[derive(Debug, thiserror::Error)]
#[error("split")]
pub struct SplitError;
pub fn split(sql: &str, _d: DialectKind) -> Result<Vec<Statement>, SplitError> {
    Ok(sql
        .split(';')
        .map(|s| s.trim())
        .filter(|s| {
            !s.is_empty()
                && !s
                    .lines()
                    .all(|l| l.trim().is_empty() || l.trim().starts_with("--"))
        })
        .map(|s| Statement {
            sql: s.to_owned(),
            line: 1,
        })
        .collect())
}
pub fn is_transaction_control(_sql: &str) -> bool {
    false
}
