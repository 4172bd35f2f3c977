//! The statements refused as plainly written for one database, each with
//! a `help` saying what to write instead (the list is in the module
//! documentation of [`crate::sql::parse`]), and how a refusal's position
//! becomes a line and column of the section.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, DataType, Ident, TableConstraint,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::sql::split::Statement;

use super::ParseError;

/// A statement that is not portable SQL; positions relative to it.
pub(super) struct Refusal {
    pub(super) message: String,
    pub(super) help: Option<String>,
    pub(super) at: Option<Location>,
    /// A word to point at when `at` is unknown (its first occurrence).
    pub(super) word: Option<String>,
}

impl Refusal {
    pub(super) fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Refusal {
            message: message.into(),
            help: Some(help.into()),
            at: None,
            word: None,
        }
    }

    pub(super) fn at(mut self, at: Option<Location>) -> Self {
        self.at = at.filter(|at| at.line > 0);
        self
    }

    fn at_ident(self, ident: &Ident) -> Self {
        self.at(Some(ident.span.start))
    }

    fn at_word(mut self, word: impl Into<String>) -> Self {
        self.word = Some(word.into());
        self
    }

    /// The error, with the position turned from statement-relative into
    /// section-relative. Only runs on the error path, so finding where the
    /// statement starts in the section may cost a scan.
    pub(super) fn locate(self, section: &str, statement: &Statement) -> ParseError {
        let at = self
            .at
            .or_else(|| self.word.and_then(|word| find_word(&statement.sql, &word)));
        let start = statement_column(section, statement);
        let (line, column) = match at {
            Some(at) if at.line > 1 => (
                statement.line + to_usize(at.line) - 1,
                to_usize(at.column).max(1),
            ),
            Some(at) => (statement.line, start + to_usize(at.column).max(1) - 1),
            None => (statement.line, start),
        };
        ParseError {
            line,
            column,
            message: self.message,
            help: self.help,
        }
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// 1-based column (in characters) where the statement starts in its line of
/// the section.
fn statement_column(section: &str, statement: &Statement) -> usize {
    let line_start = match statement.line {
        0 | 1 => 0,
        line => section
            .match_indices('\n')
            .nth(line - 2)
            .map_or(0, |(i, _)| i + 1),
    };
    let rest = section.get(line_start..).unwrap_or_default();
    rest.find(statement.sql.as_str())
        .map_or(1, |offset| rest[..offset].chars().count() + 1)
}

/// Where a word (case-insensitive, unquoted) first occurs in a statement.
fn find_word(sql: &str, word: &str) -> Option<Location> {
    let tokens = Tokenizer::new(&GenericDialect {}, sql)
        .tokenize_with_location()
        .ok()?;
    tokens.into_iter().find_map(|t| match t.token {
        Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word) => {
            Some(t.span.start)
        }
        _ => None,
    })
}

/// Token-level refusals: what the parser loses or cannot report.
pub(super) fn check_tokens(tokens: &[TokenWithSpan]) -> Result<(), Refusal> {
    let mut words = tokens.iter().filter_map(|t| match &t.token {
        Token::Word(w) => Some(w),
        _ => None,
    });
    // AUTO_INCREMENT only matters in table DDL: a data statement may have a
    // column of that name.
    let table_ddl = matches!(
        words.next().map(|w| w.keyword),
        Some(Keyword::CREATE | Keyword::ALTER)
    ) && words.any(|w| w.keyword == Keyword::TABLE);
    for token in tokens {
        match &token.token {
            Token::Char('`') => return Err(backtick().at(Some(token.span.start))),
            Token::Word(w) if w.quote_style == Some('`') => {
                return Err(backtick().at(Some(token.span.start)));
            }
            Token::Word(w)
                if table_ddl
                    && w.quote_style.is_none()
                    && matches!(w.keyword, Keyword::AUTO_INCREMENT | Keyword::AUTOINCREMENT) =>
            {
                return Err(auto_increment(&w.value).at(Some(token.span.start)));
            }
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn backtick() -> Refusal {
    Refusal::new(
        "backtick-quoted identifiers are MySQL's",
        "use double quotes (\"name\"), or no quotes for a lower-case name",
    )
}

fn auto_increment(word: &str) -> Refusal {
    Refusal::new(
        format!("{} is not portable", word.to_ascii_uppercase()),
        "write `GENERATED BY DEFAULT AS IDENTITY` on an integer column",
    )
}

/// Syntax-tree refusals: dialect-specific forms with a portable spelling.
pub(super) fn check_portable(statement: &ast::Statement) -> Result<(), Refusal> {
    match statement {
        ast::Statement::CreateTable(create) => {
            for column in &create.columns {
                check_column(column)?;
            }
            for constraint in &create.constraints {
                check_constraint(constraint)?;
            }
            if let ast::CreateTableOptions::Plain(options) = &create.table_options
                && !options.is_empty()
            {
                let text = create.table_options.to_string();
                let first_word = text
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                return Err(Refusal::new(
                    format!("table options are MySQL's: {text}"),
                    "leave them out, or put them in a `-- migrate:upgrade mysql` section",
                )
                .at_word(first_word));
            }
            let primary_keys = create
                .columns
                .iter()
                .flat_map(|c| &c.options)
                .filter(|o| matches!(o.option, ColumnOption::PrimaryKey(_)))
                .count()
                + create
                    .constraints
                    .iter()
                    .filter(|c| matches!(c, TableConstraint::PrimaryKey(_)))
                    .count();
            if primary_keys > 1 {
                return Err(Refusal::new(
                    "a table has one primary key, and this declares several",
                    "for a key over several columns write `PRIMARY KEY (a, b)` after the columns",
                )
                .at_word("PRIMARY"));
            }
        }
        ast::Statement::AlterTable(alter) => {
            for operation in &alter.operations {
                match operation {
                    AlterTableOperation::AddColumn {
                        column_def,
                        column_position,
                        ..
                    } => {
                        check_column(column_def)?;
                        if column_position.is_some() {
                            return Err(Refusal::new(
                                "column positions (FIRST, AFTER) are MySQL's",
                                "leave it out: a new column goes last",
                            )
                            .at_ident(&column_def.name));
                        }
                    }
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        check_constraint(constraint)?
                    }
                    AlterTableOperation::ModifyColumn { col_name, .. } => {
                        return Err(modify_column("MODIFY COLUMN").at_ident(col_name));
                    }
                    AlterTableOperation::ChangeColumn { old_name, .. } => {
                        return Err(modify_column("CHANGE COLUMN").at_ident(old_name));
                    }
                    AlterTableOperation::AlterColumn {
                        column_name,
                        op: AlterColumnOperation::SetDataType { data_type, .. },
                    } => check_type(data_type, column_name)?,
                    _ => {}
                }
            }
        }
        ast::Statement::CreateIndex(create) if create.name.is_none() => {
            return Err(Refusal::new(
                "an index needs a name",
                "write `CREATE INDEX ix_table_column ON table (column)`: only PostgreSQL \
                 invents a name",
            )
            .at_word("INDEX"));
        }
        _ => {}
    }
    Ok(())
}

fn modify_column(what: &str) -> Refusal {
    Refusal::new(
        format!("{what} is MySQL's"),
        "write `ALTER COLUMN c TYPE …`, `ALTER COLUMN c SET NOT NULL` / `DROP NOT NULL`, \
         `ALTER COLUMN c SET DEFAULT …`, or `RENAME COLUMN a TO b`",
    )
}

fn check_column(column: &ast::ColumnDef) -> Result<(), Refusal> {
    // PostgreSQL's grammar reads MySQL's `KEY ix (a)` as a column named KEY
    // of a type named `ix` with modifiers (docs/architecture.md, "Driver traps the code works around").
    let name = &column.name;
    if name.quote_style.is_none()
        && (name.value.eq_ignore_ascii_case("key") || name.value.eq_ignore_ascii_case("index"))
        && matches!(&column.data_type, DataType::Custom(_, modifiers) if !modifiers.is_empty())
    {
        return Err(inline_index().at_ident(name));
    }
    check_type(&column.data_type, name)?;
    for option in &column.options {
        match &option.option {
            ColumnOption::DialectSpecific(tokens) => {
                if let Some(Token::Word(w)) = tokens.iter().find(|t| {
                    matches!(t, Token::Word(w)
                        if matches!(w.keyword, Keyword::AUTO_INCREMENT | Keyword::AUTOINCREMENT))
                }) {
                    return Err(auto_increment(&w.value).at_ident(name));
                }
            }
            ColumnOption::Comment(_) => {
                return Err(Refusal::new(
                    "an inline column COMMENT is MySQL's",
                    "write `COMMENT ON COLUMN table.column IS '…'` after the CREATE TABLE",
                )
                .at_ident(name));
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_type(data_type: &DataType, column: &Ident) -> Result<(), Refusal> {
    if let DataType::Custom(type_name, _) = data_type
        && let [part] = type_name.0.as_slice()
        && let Some(ident) = part.as_ident()
        && ident.quote_style.is_none()
    {
        let identity = match ident.value.to_ascii_lowercase().as_str() {
            "serial" => "INTEGER",
            "bigserial" => "BIGINT",
            "smallserial" => "SMALLINT",
            _ => return Ok(()),
        };
        return Err(Refusal::new(
            format!("{} is PostgreSQL's", ident.value.to_ascii_uppercase()),
            format!("write `{identity} GENERATED BY DEFAULT AS IDENTITY`"),
        )
        .at(Some(ident.span.start)
            .filter(|at| at.line > 0)
            .or(Some(column.span.start))));
    }
    Ok(())
}

fn check_constraint(constraint: &TableConstraint) -> Result<(), Refusal> {
    match constraint {
        TableConstraint::Index(index) => {
            let refusal = inline_index();
            Err(match &index.name {
                Some(name) => refusal.at_ident(name),
                None => refusal.at_word(if index.display_as_key { "KEY" } else { "INDEX" }),
            })
        }
        TableConstraint::FulltextOrSpatial(index) => Err(Refusal::new(
            "FULLTEXT and SPATIAL indexes are MySQL's",
            "put them in a `-- migrate:upgrade mysql` section",
        )
        .at_word(if index.fulltext {
            "FULLTEXT"
        } else {
            "SPATIAL"
        })),
        TableConstraint::Unique(unique)
            if unique.index_type_display != ast::KeyOrIndexDisplay::None =>
        {
            Err(Refusal::new(
                format!("UNIQUE {} is MySQL's", unique.index_type_display),
                "write `[CONSTRAINT name] UNIQUE (a, b)`",
            )
            .at_word("UNIQUE"))
        }
        _ => Ok(()),
    }
}

fn inline_index() -> Refusal {
    Refusal::new(
        "an index (KEY or INDEX) inside CREATE TABLE is MySQL's",
        "write `CREATE INDEX name ON table (columns)` after the CREATE TABLE, or \
         `UNIQUE (columns)` for a unique key",
    )
}
