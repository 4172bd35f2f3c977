//! The `[lint]` table of `retort.toml`: a rule switched off, or its
//! severity changed (docs/lint.md, "Settings").

use std::collections::{BTreeMap, HashMap};

use crate::lint::rules::{RULES, rule};
use crate::lint::{Error, Severity};

/// What a `[lint]` entry sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Not checked.
    Off,
    /// Reported at this severity.
    On(Severity),
}

/// The severity of each rule for one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    changed: HashMap<&'static str, Level>,
}

impl Settings {
    /// Reads `rule-id = "off" | "info" | "warning" | "error"` entries; an
    /// unknown rule id or level is an error, with the nearest rule id as a
    /// hint.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use retort::lint::{Level, Settings, Severity};
    ///
    /// let table = BTreeMap::from([("drop-column".to_owned(), "error".to_owned())]);
    /// let settings = Settings::from_table(&table).unwrap();
    /// assert_eq!(settings.level("drop-column"), Level::On(Severity::Error));
    /// let typo = BTreeMap::from([("drop-colum".to_owned(), "off".to_owned())]);
    /// assert!(Settings::from_table(&typo).unwrap_err().help().unwrap().contains("drop-column"));
    /// ```
    pub fn from_table(table: &BTreeMap<String, String>) -> Result<Settings, Error> {
        let mut changed = HashMap::new();
        for (key, value) in table {
            let Some(rule) = rule(key) else {
                return Err(Error::Setting {
                    key: key.clone(),
                    message: "no rule has this id".to_owned(),
                    help: Some(
                        match crate::suggest::closest(key, RULES.iter().map(|r| r.id)) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => "docs/lint.md lists the rules".to_owned(),
                        },
                    ),
                });
            };
            let level = match value.as_str() {
                "off" => Level::Off,
                "info" => Level::On(Severity::Info),
                "warning" => Level::On(Severity::Warning),
                "error" => Level::On(Severity::Error),
                other => {
                    return Err(Error::Setting {
                        key: key.clone(),
                        message: format!("unknown level `{other}`"),
                        help: Some("use \"off\", \"info\", \"warning\" or \"error\"".to_owned()),
                    });
                }
            };
            changed.insert(rule.id, level);
        }
        Ok(Settings { changed })
    }

    /// The rule's level: as set, else its own severity.
    pub fn level(&self, id: &str) -> Level {
        match self.changed.get(id) {
            Some(&level) => level,
            None => rule(id).map_or(Level::Off, |r| Level::On(r.severity)),
        }
    }
}
