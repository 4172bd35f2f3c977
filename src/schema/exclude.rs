//! `exclude_tables`: tables that `check`, `autogenerate`, `dump` and
//! `status` leave alone — a PostGIS `spatial_ref_sys`, another tool's
//! tables, scratch tables. They are taken out of both sides of a comparison,
//! so a model that declares one does not create it either (as Alembic's
//! `include_object` hook filters both sides).
//!
//! Patterns are shell globs (`*`, `?`, `[abc]`), matched against the whole
//! table name, case-sensitively, through the `glob` crate's `Pattern`: the
//! syntax users already know from `.gitignore`-like settings, without a
//! regex engine in the binary.

use glob::{MatchOptions, Pattern, PatternError};

use super::Schema;

/// The compiled `exclude_tables` patterns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExcludeTables {
    patterns: Vec<Pattern>,
}

/// A pattern that is not a valid glob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{pattern}` is not a valid pattern: {reason}")]
#[non_exhaustive]
pub struct BadPattern {
    /// The pattern as written.
    pub pattern: String,
    /// What is wrong with it.
    pub reason: String,
}

const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    // Table names have no path separators; `*` matches any run of characters.
    require_literal_separator: false,
    require_literal_leading_dot: false,
};

impl ExcludeTables {
    /// Compiles the patterns, refusing the first one that is not a glob.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<ExcludeTables, BadPattern> {
        let patterns = patterns
            .iter()
            .map(|p| {
                let p = p.as_ref();
                Pattern::new(p).map_err(|e: PatternError| BadPattern {
                    pattern: p.to_owned(),
                    reason: e.msg.to_owned(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ExcludeTables { patterns })
    }

    /// True when `table` matches one of the patterns.
    pub fn excludes(&self, table: &str) -> bool {
        self.patterns.iter().any(|p| p.matches_with(table, OPTIONS))
    }

    /// Takes the excluded tables out of `schema`.
    pub fn apply(&self, schema: &mut Schema) {
        if !self.patterns.is_empty() {
            schema.tables.retain(|t| !self.excludes(&t.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Table;

    #[test]
    fn globs_match_whole_names() {
        let exclude = ExcludeTables::new(&["spatial_ref_sys", "tmp_*", "audit_?"]).unwrap();
        assert!(exclude.excludes("spatial_ref_sys"));
        assert!(exclude.excludes("tmp_"));
        assert!(exclude.excludes("tmp_import_2024"));
        assert!(exclude.excludes("audit_1"));
        assert!(!exclude.excludes("audit_12"));
        assert!(!exclude.excludes("my_tmp_x"));
        assert!(!exclude.excludes("TMP_X"), "matching is case-sensitive");
        assert!(!ExcludeTables::default().excludes("anything"));
    }

    #[test]
    fn apply_keeps_the_rest_in_order() {
        let exclude = ExcludeTables::new(&["b*"]).unwrap();
        let mut schema = Schema {
            tables: ["a", "bb", "c", "b"].into_iter().map(Table::new).collect(),
        };
        exclude.apply(&mut schema);
        let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
    }

    #[test]
    fn a_bad_pattern_is_named() {
        let error = ExcludeTables::new(&["ok", "bad[x"]).unwrap_err();
        assert_eq!(error.pattern, "bad[x");
        assert!(
            error
                .to_string()
                .starts_with("`bad[x` is not a valid pattern")
        );
    }
}
