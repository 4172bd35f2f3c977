//! The revisions followed from base, as `upgrade` would run them on one
//! database: the section it selects (the one written for the database, else
//! the portable one), parsed into operations that move a schema along, and
//! for a portable section rendered into what the database runs. Each
//! selected revision's upgrade statements go through the rules, and its
//! downgrade through the reversal check.

use std::path::Path;

use std::cell::OnceCell;

use sqlparser::dialect::PostgreSqlDialect;

use crate::dialect::Dialect;
use crate::lint::rules::{Check, Hit, RULES, altered_tables, blocking_lock};
use crate::lint::settings::Level;
use crate::lint::statement::{Proofs, SectionState, Statement};
use crate::lint::{Error, Finding, Settings, downgrade, suppress};
use crate::op::{Op, tables_before};
use crate::revision::Direction;
use crate::revision::file::{Revision, Section};
use crate::revision::graph::{Node, RevisionGraph};
use crate::schema::Schema;
use crate::sql::parse::{ParseError, parse_into};
use crate::sql::split::{PORTABLE, split};

/// Lints the revisions of `graph` for which `selected` is true, following
/// all of them from base so that each is checked against the schema before
/// it. Findings come in the graph's order, then by line.
pub fn lint(
    graph: &RevisionGraph,
    dialect: &'static dyn Dialect,
    settings: &Settings,
    selected: impl Fn(Node) -> bool,
) -> Result<Vec<Finding>, Error> {
    let mut walk = Walk::new(dialect, settings);
    for &node in graph.order() {
        walk.revision(graph.revision(node), selected(node))?;
    }
    Ok(walk.findings)
}

/// Lints `revision`, a new one written on the heads of `graph` (by
/// autogenerate), against the schema all of `graph` builds.
pub fn lint_next(
    graph: &RevisionGraph,
    revision: &Revision,
    dialect: &'static dyn Dialect,
    settings: &Settings,
) -> Result<Vec<Finding>, Error> {
    let mut walk = Walk::new(dialect, settings);
    for &node in graph.order() {
        walk.revision(graph.revision(node), false)?;
    }
    walk.revision(revision, true)?;
    Ok(walk.findings)
}

/// Lints revision files on their own, each from an empty schema: files
/// outside a project, or given one by one.
pub fn lint_files(
    revisions: &[Revision],
    dialect: &'static dyn Dialect,
    settings: &Settings,
) -> Result<Vec<Finding>, Error> {
    let mut findings = Vec::new();
    for revision in revisions {
        let mut walk = Walk {
            dialect,
            settings,
            schema: Schema::default(),
            proofs: Proofs::default(),
            findings: Vec::new(),
        };
        walk.revision(revision, true)?;
        findings.append(&mut walk.findings);
    }
    Ok(findings)
}

struct Walk<'s> {
    dialect: &'static dyn Dialect,
    settings: &'s Settings,
    schema: Schema,
    proofs: Proofs,
    findings: Vec<Finding>,
}

impl<'s> Walk<'s> {
    /// A walk from base: an empty schema, nothing proven, nothing found.
    fn new(dialect: &'static dyn Dialect, settings: &'s Settings) -> Self {
        Walk {
            dialect,
            settings,
            schema: Schema::default(),
            proofs: Proofs::default(),
            findings: Vec::new(),
        }
    }

    fn revision(&mut self, revision: &Revision, report: bool) -> Result<(), Error> {
        let kind = self.dialect.kind();
        let Some(section) = revision.section(Direction::Up, kind) else {
            return Ok(());
        };
        if !report {
            // As `upgrade` follows revisions it does not run: the database
            // has the last word on what the model could not follow.
            let _ = parse_into(&section.sql, &mut self.schema);
            return Ok(());
        }
        let portable = section.dialect.is_none();
        let rules = if portable {
            &PORTABLE
        } else {
            self.dialect.split_rules()
        };
        let path = &revision.path;
        let statements = split(&section.sql, rules).map_err(|e| Error::Parse {
            path: path.clone(),
            line: section.sql_line + e.line() - 1,
            message: e.to_string(),
            help: None,
        })?;
        let parsed = match parse_into(&section.sql, &mut self.schema) {
            Ok(parsed) => parsed,
            Err(e) if portable => return Err(parse_error(path, section, e)),
            // A section written for one database need not be portable SQL.
            Err(_) => Vec::new(),
        };
        let raw: Vec<Vec<Op>> = statements
            .iter()
            .map(|s| vec![Op::Raw(s.sql.clone())])
            .collect();
        let ops_of = |index: usize, line: usize| -> &[Op] {
            let found = if portable {
                parsed.get(index)
            } else {
                parsed.iter().find(|p| p.line == line)
            };
            found.map_or(raw[index].as_slice(), |p| p.ops.as_slice())
        };
        let all: Vec<Op> = (0..statements.len())
            .flat_map(|i| ops_of(i, statements[i].line).iter().cloned())
            .collect();
        let start = tables_before(&all, &self.schema);
        let mut running = start.clone();
        let lines: Vec<usize> = statements
            .iter()
            .map(|s| section.sql_line + s.line - 1)
            .collect();
        let suppressions = suppress::read(&section.sql, section.sql_line, &lines, path)?;
        let mut state = SectionState {
            transaction: section.transaction,
            proofs: std::mem::take(&mut self.proofs),
            ..SectionState::default()
        };
        let parser: &dyn sqlparser::dialect::Dialect = if portable {
            &PostgreSqlDialect {}
        } else {
            self.dialect.parser()
        };
        for (index, statement) in statements.iter().enumerate() {
            let ops = ops_of(index, statement.line);
            let tree = OnceCell::new();
            let rendered: Vec<String> = if portable {
                self.dialect
                    .render_all(ops, &running)
                    .map(|r| r.into_iter().map(|r| r.sql).collect())
                    .unwrap_or_default()
            } else {
                vec![statement.sql.clone()]
            };
            let line = lines[index];
            let input = Statement {
                sql: &statement.sql,
                tree: &tree,
                parser,
                ops,
                rendered: &rendered,
                portable,
                before: &running,
                section: &state,
                dialect: self.dialect,
            };
            for rule in RULES.iter().filter(|r| r.applies_to(kind)) {
                let Check::Statement(check) = rule.check else {
                    continue;
                };
                if suppressions.covers(line, rule.id) {
                    continue;
                }
                for hit in check(&input) {
                    self.report(rule.id, revision, line, &statement.sql, hit);
                }
            }
            let altered: Vec<String> = altered_tables(&input).into_iter().map(|(t, _)| t).collect();
            let locks = blocking_lock(&input).is_some();
            // Only what retort runs verbatim can hold what its operations
            // do not say: a table created, a check added NOT VALID.
            let verbatim = ops.iter().any(|op| matches!(op, Op::Raw(_)));
            if verbatim {
                input.ast();
            }
            let ast = tree.get().and_then(Option::as_ref);
            state.record(ops, ast, &statement.sql, &altered, locks);
            for op in ops {
                // What the model cannot follow, the database decides.
                let _ = op.apply(&mut running);
            }
        }
        self.proofs = state.proofs;
        if let Some((id, section, hit)) =
            downgrade::check(revision, self.dialect, &all, &start, &running)
            && !suppressed_at_header(path, &section, id)?
        {
            let text = format!("-- migrate:{}", direction_word(section.direction));
            self.report(id, revision, section.line, &text, hit);
        }
        Ok(())
    }

    fn report(&mut self, id: &'static str, revision: &Revision, line: usize, sql: &str, hit: Hit) {
        let Level::On(severity) = self.settings.level(id) else {
            return;
        };
        self.findings.push(Finding {
            rule: id,
            severity,
            dialect: self.dialect.kind(),
            revision: revision.id.0.clone(),
            path: revision.path.clone(),
            line,
            statement: sql.to_owned(),
            problem: hit.problem,
            safe: hit.safe,
            table: hit.table,
        });
    }
}

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}

/// Whether a `-- retort:lint ignore` comment on the line just before the
/// section header silences `id` (a finding about the section as a whole).
fn suppressed_at_header(path: &Path, section: &Section, id: &str) -> Result<bool, Error> {
    if section.line < 2 {
        return Ok(false);
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(false);
    };
    let line = section.line - 1;
    let Some(comment) = text.lines().nth(line - 1) else {
        return Ok(false);
    };
    Ok(suppress::parse_line(comment, line, path)?.is_some_and(|rules| rules.contains(&id)))
}

fn parse_error(path: &Path, section: &Section, e: ParseError) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line: section.sql_line + e.line - 1,
        message: e.message,
        help: e.help,
    }
}
