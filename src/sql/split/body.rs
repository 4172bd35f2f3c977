//! Where a `;` does not end a statement: inside parentheses (psql) and in
//! the bodies of triggers and stored programs, followed as far as
//! [`Bodies`] says, by keyword counting rather than parsing.

use super::rules::{Bodies, SplitRules};

/// A significant token, as far as statement boundaries care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// A keyword or unquoted identifier (or a number).
    Word(&'a str),
    /// One ASCII punctuation byte, including a `;` that does not end the
    /// statement.
    Punct(u8),
    /// A string, quoted identifier, dollar quote, parameter or executable
    /// comment: opaque.
    Literal,
}

/// The statement kinds whose bodies may hold semicolons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Routine {
    Trigger,
    Function,
    Procedure,
    Event,
    /// MariaDB's `BEGIN NOT ATOMIC … END`.
    AnonymousBlock,
}

/// Where the scan of a statement's first words is: enough of a parser to
/// find the kind in `CREATE [OR REPLACE] [DEFINER = user] [TEMP] TRIGGER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Header {
    #[default]
    Start,
    AfterCreate,
    /// `DEFINER` seen; `=` expected.
    DefinerEquals,
    /// `DEFINER =` seen; the user expected.
    DefinerUser,
    /// The user seen; `@host`, `()` (of `CURRENT_USER()`) or the kind next.
    DefinerAfterUser,
    DefinerHost,
    DefinerParen,
    /// `BEGIN` at the start of a MySQL statement.
    Begin,
    BeginNot,
    Done,
}

/// Progress towards SQLite's `; END ;`, which alone ends a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum TriggerTail {
    #[default]
    Body,
    Semicolon,
    End,
}

/// A MySQL `IF` or `REPEAT` at the start of a body statement that is followed
/// by `(`: a function call (`IF(a, b, c)`, `REPEAT('-', 3)`) or an `IF
/// (condition) THEN` statement; decided at the matching `)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Pending {
    #[default]
    None,
    /// The keyword was just seen.
    Keyword { is_if: bool },
    /// Inside its parentheses; a top-level comma means a function call.
    Parens { is_if: bool, comma: bool },
}

/// What the tokens of the statement being scanned so far say about its
/// body, enough to tell whether a `;` ends it.
#[derive(Debug, Default)]
pub(super) struct Body<'a> {
    header: Header,
    routine: Option<Routine>,
    paren_depth: usize,
    /// Open blocks: `BEGIN`/`CASE` (PostgreSQL), or every compound opener
    /// (MySQL).
    block_depth: usize,
    previous: Option<Token<'a>>,
    trigger_tail: TriggerTail,
    /// MySQL: the previous word was `END`, so an `IF`/`CASE`/… now closes
    /// rather than opens.
    after_end: bool,
    pending: Pending,
}

impl<'a> Body<'a> {
    /// Whether a `;` (the delimiter) ends the statement, or is inside a
    /// body.
    pub(super) fn semicolon_ends_statement(&self, rules: &SplitRules) -> bool {
        // psql does not end a statement inside parentheses (`CREATE RULE
        // … DO (a; b)`).
        if rules.parentheses_hold_semicolons && self.paren_depth > 0 {
            return false;
        }
        match rules.bodies {
            Bodies::TriggerEnd => {
                self.routine != Some(Routine::Trigger) || self.trigger_tail == TriggerTail::End
            }
            Bodies::BeginAtomic => self.block_depth == 0,
            Bodies::CompoundStatements => self.routine.is_none() || self.block_depth == 0,
        }
    }

    /// Follows one more significant token of the statement.
    pub(super) fn see(&mut self, token: Token<'a>, rules: &SplitRules) {
        self.advance_header(token, rules.bodies);
        match token {
            Token::Punct(b'(') => self.paren_depth += 1,
            Token::Punct(b')') => {
                self.paren_depth = self.paren_depth.saturating_sub(1);
            }
            _ => {}
        }
        match rules.bodies {
            Bodies::TriggerEnd => self.trigger_end(token),
            Bodies::BeginAtomic => self.begin_atomic(token),
            Bodies::CompoundStatements => self.compound(token),
        }
        self.previous = Some(token);
    }

    fn advance_header(&mut self, token: Token<'_>, bodies: Bodies) {
        use Header::*;
        let header = match (self.header, token) {
            (Done, _) => return,
            (Start, Token::Word(w)) if w.eq_ignore_ascii_case("CREATE") => AfterCreate,
            (Start, Token::Word(w))
                if bodies == Bodies::CompoundStatements && w.eq_ignore_ascii_case("BEGIN") =>
            {
                Begin
            }
            (Begin, Token::Word(w)) if w.eq_ignore_ascii_case("NOT") => BeginNot,
            (BeginNot, Token::Word(w)) if w.eq_ignore_ascii_case("ATOMIC") => {
                self.set_routine(Routine::AnonymousBlock, bodies);
                Done
            }
            (AfterCreate | DefinerAfterUser, Token::Word(w)) => self.after_create(w, bodies),
            (DefinerEquals, Token::Punct(b'=')) => DefinerUser,
            (DefinerUser, Token::Word(_) | Token::Literal) => DefinerAfterUser,
            (DefinerAfterUser, Token::Punct(b'@')) => DefinerHost,
            (DefinerAfterUser, Token::Punct(b'(')) => DefinerParen,
            (DefinerParen, Token::Punct(b')')) => AfterCreate,
            (DefinerHost, Token::Word(_) | Token::Literal) => AfterCreate,
            _ => Done,
        };
        self.header = header;
    }

    /// A word after `CREATE` and its modifiers.
    fn after_create(&mut self, word: &str, bodies: Bodies) -> Header {
        const MODIFIERS: [&str; 5] = ["OR", "REPLACE", "TEMP", "TEMPORARY", "AGGREGATE"];
        const ROUTINES: [(&str, Routine); 4] = [
            ("TRIGGER", Routine::Trigger),
            ("FUNCTION", Routine::Function),
            ("PROCEDURE", Routine::Procedure),
            ("EVENT", Routine::Event),
        ];
        if MODIFIERS.iter().any(|m| word.eq_ignore_ascii_case(m)) {
            return Header::AfterCreate;
        }
        if word.eq_ignore_ascii_case("DEFINER") {
            return Header::DefinerEquals;
        }
        if let Some((_, routine)) = ROUTINES.iter().find(|(k, _)| word.eq_ignore_ascii_case(k)) {
            self.set_routine(*routine, bodies);
        }
        Header::Done
    }

    /// Notes the routine kind if `bodies` keeps its body together.
    fn set_routine(&mut self, routine: Routine, bodies: Bodies) {
        let relevant = match bodies {
            Bodies::TriggerEnd => routine == Routine::Trigger,
            Bodies::BeginAtomic => matches!(routine, Routine::Function | Routine::Procedure),
            Bodies::CompoundStatements => true,
        };
        if relevant {
            self.routine = Some(routine);
        }
    }

    /// [`Bodies::TriggerEnd`]: a trigger ends at `; END ;`, as in `sqlite3_complete`
    /// (<https://sqlite.org/c3ref/complete.html>). Matching that sequence
    /// rather than counting `BEGIN`/`CASE`/`END` also copes with columns
    /// named `end` or `begin`, which SQLite accepts unquoted.
    fn trigger_end(&mut self, token: Token<'_>) {
        if self.routine != Some(Routine::Trigger) {
            return;
        }
        self.trigger_tail = match token {
            Token::Punct(b';') => TriggerTail::Semicolon,
            Token::Word(w)
                if w.eq_ignore_ascii_case("END") && self.trigger_tail == TriggerTail::Semicolon =>
            {
                TriggerTail::End
            }
            _ => TriggerTail::Body,
        };
    }

    /// [`Bodies::BeginAtomic`]: psql's heuristic for SQL-standard bodies (`CREATE
    /// FUNCTION … BEGIN ATOMIC …; END`): outside parentheses, `BEGIN` opens,
    /// `CASE` opens once inside a `BEGIN`, `END` closes. Dollar-quoted bodies
    /// are opaque literals and never get here. See `psqlscan.l` in the
    /// PostgreSQL sources.
    fn begin_atomic(&mut self, token: Token<'_>) {
        let Token::Word(w) = token else {
            return;
        };
        if self.routine.is_none() || self.paren_depth > 0 {
            return;
        }
        if w.eq_ignore_ascii_case("BEGIN") {
            self.block_depth += 1;
        } else if w.eq_ignore_ascii_case("CASE") {
            if self.block_depth > 0 {
                self.block_depth += 1;
            }
        } else if w.eq_ignore_ascii_case("END") {
            self.block_depth = self.block_depth.saturating_sub(1);
        }
    }

    /// [`Bodies::CompoundStatements`]: counts compound-statement openers against `END`, so a stored
    /// program body stays one statement without `DELIMITER`.
    /// <https://dev.mysql.com/doc/refman/8.4/en/sql-compound-statements.html>
    ///
    /// `BEGIN` and `CASE` always open (a `CASE` expression ends with `END`
    /// too); `LOOP`, `WHILE`, `IF` and `REPEAT` open only where a body
    /// statement starts, since `IF(…)`, `REPEAT(…)` and `IF EXISTS` also
    /// exist; `END IF`, `END CASE` … close once. Words inside parentheses or
    /// after `.` (`NEW.begin`) are names or expressions, not blocks.
    fn compound(&mut self, token: Token<'_>) {
        let after_end = std::mem::take(&mut self.after_end);
        self.pending(token);
        let Token::Word(w) = token else {
            return;
        };
        if self.paren_depth > 0 || self.previous == Some(Token::Punct(b'.')) {
            return;
        }
        let is = |keyword: &str| w.eq_ignore_ascii_case(keyword);
        if after_end && (is("IF") || is("CASE") || is("LOOP") || is("WHILE") || is("REPEAT")) {
            return;
        }
        if is("END") {
            self.block_depth = self.block_depth.saturating_sub(1);
            self.after_end = true;
        } else if is("BEGIN")
            || is("CASE")
            || ((is("LOOP") || is("WHILE")) && self.at_body_statement_start())
        {
            self.block_depth += 1;
        } else if (is("IF") || is("REPEAT")) && self.at_body_statement_start() {
            self.pending = Pending::Keyword { is_if: is("IF") };
        }
    }

    /// Resolves a pending `IF`/`REPEAT` (see [`Pending`]).
    fn pending(&mut self, token: Token<'_>) {
        self.pending = match (self.pending, token) {
            (Pending::None, _) => return,
            (Pending::Keyword { is_if }, Token::Punct(b'(')) => Pending::Parens {
                is_if,
                comma: false,
            },
            (Pending::Keyword { .. }, _) => {
                self.block_depth += 1;
                Pending::None
            }
            (Pending::Parens { is_if, .. }, Token::Punct(b',')) if self.paren_depth == 1 => {
                Pending::Parens { is_if, comma: true }
            }
            (Pending::Parens { is_if, comma }, Token::Punct(b')')) if self.paren_depth == 0 => {
                // `REPEAT (` is always the function: the statement is
                // followed by a statement, never by `(`.
                if is_if && !comma {
                    self.block_depth += 1;
                }
                Pending::None
            }
            (pending, _) => pending,
        };
    }

    /// Whether the previous token leaves us where a statement of a compound
    /// body (or the body itself) starts.
    fn at_body_statement_start(&self) -> bool {
        const BEFORE_STATEMENT: [&str; 12] = [
            "BEGIN",
            "THEN",
            "ELSE",
            "DO",
            "LOOP",
            "REPEAT",
            // `FOR EACH ROW IF …` in a trigger.
            "ROW",
            // Routine characteristics before a body.
            "DETERMINISTIC",
            "SQL",
            "DATA",
            "DEFINER",
            "INVOKER",
        ];
        match self.previous {
            None => true,
            // `;` between body statements, `:` after a label, `)` after a
            // parameter list.
            Some(Token::Punct(b';' | b':' | b')')) => true,
            Some(Token::Word(w)) => BEFORE_STATEMENT.iter().any(|k| w.eq_ignore_ascii_case(k)),
            Some(_) => false,
        }
    }
}
