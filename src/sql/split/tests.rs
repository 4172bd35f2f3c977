use super::*;
use proptest::prelude::*;

use crate::dialect::{DialectKind, dialect};

use DialectKind::{Mysql, Postgres, Sqlite};

/// Splits by `kind`'s rules.
fn split_on(sql: &str, kind: DialectKind) -> Result<Vec<Statement>, SplitError> {
    split(sql, dialect(kind).split_rules())
}

/// The statements' text only.
fn texts(sql: &str, dialect: DialectKind) -> Vec<String> {
    match split_on(sql, dialect) {
        Ok(statements) => statements.into_iter().map(|s| s.sql).collect(),
        Err(e) => panic!("{dialect}: {e}\n{sql}"),
    }
}

fn lines(sql: &str, dialect: DialectKind) -> Vec<usize> {
    match split_on(sql, dialect) {
        Ok(statements) => statements.into_iter().map(|s| s.line).collect(),
        Err(e) => panic!("{dialect}: {e}\n{sql}"),
    }
}

// --- every dialect ---

#[test]
fn splits_simple_statements_on_every_dialect() {
    let sql = "CREATE TABLE a (x INT);\nINSERT INTO a VALUES (1);\n\nDROP TABLE a;\n";
    for dialect in DialectKind::ALL {
        assert_eq!(
            texts(sql, dialect),
            [
                "CREATE TABLE a (x INT)",
                "INSERT INTO a VALUES (1)",
                "DROP TABLE a"
            ],
            "{dialect}"
        );
        assert_eq!(lines(sql, dialect), [1, 2, 4], "{dialect}");
    }
}

#[test]
fn keeps_a_last_statement_without_semicolon() {
    for dialect in DialectKind::ALL {
        assert_eq!(
            texts("SELECT 1;\n  SELECT 2  \n", dialect),
            ["SELECT 1", "SELECT 2"],
            "{dialect}"
        );
    }
}

#[test]
fn drops_empty_and_comment_only_pieces() {
    for dialect in DialectKind::ALL {
        assert!(texts("-- nothing to do\n", dialect).is_empty(), "{dialect}");
        assert!(texts("", dialect).is_empty(), "{dialect}");
        assert!(texts(" ;; ;\n;", dialect).is_empty(), "{dialect}");
        assert!(
            texts("/* a; b */ ; -- c;\n", dialect).is_empty(),
            "{dialect}"
        );
        assert_eq!(
            texts("SELECT 1; -- trailing note; still a comment\n", dialect),
            ["SELECT 1"],
            "{dialect}"
        );
    }
}

#[test]
fn comments_around_a_statement_are_left_out_and_inside_kept() {
    let sql = "-- first\n/* second */\n\n  SELECT 1 -- one;\n  + 2 /* two; */ -- end\n;\nSELECT 3";
    for dialect in DialectKind::ALL {
        assert_eq!(
            texts(sql, dialect),
            ["SELECT 1 -- one;\n  + 2", "SELECT 3"],
            "{dialect}"
        );
        assert_eq!(lines(sql, dialect), [4, 7], "{dialect}");
    }
}

#[test]
fn semicolons_in_single_quoted_strings_do_not_split() {
    let sql = "INSERT INTO t VALUES ('a;b', 'it''s; fine');\nSELECT ';'";
    for dialect in DialectKind::ALL {
        assert_eq!(
            texts(sql, dialect),
            ["INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT ';'"],
            "{dialect}"
        );
    }
}

#[test]
fn semicolons_in_double_quotes_do_not_split() {
    let sql = "SELECT \"a;b\"\"c;\" FROM t; SELECT 2";
    for dialect in DialectKind::ALL {
        assert_eq!(
            texts(sql, dialect),
            ["SELECT \"a;b\"\"c;\" FROM t", "SELECT 2"],
            "{dialect}"
        );
    }
}

#[test]
fn line_numbers_count_from_the_first_token() {
    let sql = "\n\n-- header\nCREATE TABLE t (\n  a TEXT\n);\n\n\n/* x */ INSERT INTO t\nVALUES ('a\nb;\nc');\nSELECT 1; SELECT 2;";
    for dialect in DialectKind::ALL {
        assert_eq!(lines(sql, dialect), [4, 9, 13, 13], "{dialect}");
    }
}

#[test]
fn crlf_line_endings() {
    let sql = "SELECT 1;\r\n-- c\r\nSELECT 2;\r\n";
    for dialect in DialectKind::ALL {
        assert_eq!(texts(sql, dialect), ["SELECT 1", "SELECT 2"], "{dialect}");
        assert_eq!(lines(sql, dialect), [1, 3], "{dialect}");
    }
}

#[test]
fn unterminated_string_reports_where_it_starts() {
    let sql = "SELECT 1;\nINSERT INTO t VALUES ('é', 'oops);\nSELECT 2;";
    for dialect in DialectKind::ALL {
        let error = split_on(sql, dialect).unwrap_err();
        assert_eq!(
            error,
            SplitError::Unterminated {
                what: Unclosed::String,
                line: 2,
                column: 28
            },
            "{dialect}"
        );
        assert_eq!((error.line(), error.column()), (2, 28));
        assert_eq!(
            error.to_string(),
            "2:28: unterminated string literal: it starts here and never ends"
        );
    }
}

#[test]
fn unterminated_block_comment_and_identifier() {
    for dialect in DialectKind::ALL {
        assert_eq!(
            split_on("SELECT 1;\n  /* no end; SELECT 2;", dialect),
            Err(SplitError::Unterminated {
                what: Unclosed::BlockComment,
                line: 2,
                column: 3
            }),
            "{dialect}"
        );
    }
    assert_eq!(
        split_on("SELECT \"a;", Postgres),
        Err(SplitError::Unterminated {
            what: Unclosed::QuotedIdentifier('"'),
            line: 1,
            column: 8
        })
    );
    assert_eq!(
        split_on("SELECT `a;", Sqlite),
        Err(SplitError::Unterminated {
            what: Unclosed::QuotedIdentifier('`'),
            line: 1,
            column: 8
        })
    );
}

// --- SQLite ---

#[test]
fn sqlite_quoted_identifiers() {
    let sql = "CREATE TABLE [a;b] (`c;d` INT, [e]] TEXT); SELECT `x``;y` FROM [a;b]";
    assert_eq!(
        texts(sql, Sqlite),
        [
            "CREATE TABLE [a;b] (`c;d` INT, [e]] TEXT)",
            "SELECT `x``;y` FROM [a;b]"
        ]
    );
    assert_eq!(
        split_on("SELECT [a;\nb", Sqlite),
        Err(SplitError::Unterminated {
            what: Unclosed::QuotedIdentifier('['),
            line: 1,
            column: 8
        })
    );
}

#[test]
fn sqlite_has_no_backslash_escapes_or_hash_comments() {
    assert_eq!(
        texts("SELECT 'C:\\'; SELECT 2 # 3; SELECT 4", Sqlite),
        ["SELECT 'C:\\'", "SELECT 2 # 3", "SELECT 4"]
    );
}

#[test]
fn sqlite_trigger_with_several_statements_is_one_statement() {
    let trigger = "CREATE TRIGGER account_audit AFTER UPDATE ON account\n\
                   FOR EACH ROW WHEN new.balance <> old.balance\n\
                   BEGIN\n  \
                     INSERT INTO audit (id, note) VALUES (new.id, 'balance; changed');\n  \
                     UPDATE account SET updated = CURRENT_TIMESTAMP WHERE id = new.id;\n  \
                     DELETE FROM pending WHERE account_id = new.id;\n\
                   END";
    let sql = format!("CREATE TABLE audit (id INT, note TEXT);\n{trigger};\nSELECT 1;");
    assert_eq!(
        texts(&sql, Sqlite),
        [
            "CREATE TABLE audit (id INT, note TEXT)",
            trigger,
            "SELECT 1"
        ]
    );
    assert_eq!(lines(&sql, Sqlite), [1, 2, 9]);
}

#[test]
fn sqlite_trigger_with_case_end_and_columns_named_end() {
    let trigger = "create temp trigger t1 before insert on t\n\
                   when (case when new.a > 0 then 1 else 0 end) = 1\n\
                   begin\n  \
                     update t set end = case new.a when 1 then 'one' else 'many' end where begin = 1;\n  \
                     select raise(abort, 'no; way') where new.a > 9;\n\
                   end";
    let sql = format!(
        "{trigger};\ncreate temporary trigger if not exists t2 after delete on t begin delete from u; end;select 2"
    );
    assert_eq!(
        texts(&sql, Sqlite),
        [
            trigger,
            "create temporary trigger if not exists t2 after delete on t begin delete from u; end",
            "select 2"
        ]
    );
}

#[test]
fn sqlite_dollar_is_a_parameter_not_a_quote() {
    assert_eq!(
        texts("SELECT $a; SELECT $$;", Sqlite),
        ["SELECT $a", "SELECT $$"]
    );
}

// --- PostgreSQL ---

#[test]
fn postgres_dollar_quoted_function_body() {
    let function = "CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$\n\
                    BEGIN\n  \
                      NEW.updated := now();\n  \
                      RETURN NEW;\n\
                    END;\n\
                    $$ LANGUAGE plpgsql";
    let sql = format!(
        "{function};\nCREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION touch();"
    );
    assert_eq!(
        texts(&sql, Postgres),
        [
            function,
            "CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION touch()"
        ]
    );
    assert_eq!(lines(&sql, Postgres), [1, 7]);
}

#[test]
fn postgres_tagged_dollar_quotes_hold_other_dollars() {
    let function = "CREATE FUNCTION f(a int) RETURNS text LANGUAGE plpgsql AS $body$\n\
                    DECLARE s text := $$it's; $x$ not the end$$;\n\
                    BEGIN RETURN s || $q$;$q$; END\n\
                    $body$";
    let sql = format!("{function};\nDO $do$ BEGIN PERFORM 1; END $do$;");
    assert_eq!(
        texts(&sql, Postgres),
        [
            function.to_string(),
            "DO $do$ BEGIN PERFORM 1; END $do$".to_string()
        ]
    );
}

#[test]
fn postgres_parameters_and_identifiers_with_dollars_are_not_quotes() {
    let sql = "PREPARE q (int) AS SELECT $1;\nEXECUTE q(1);\nSELECT a$b$, $2 FROM t$x$; SELECT 3";
    assert_eq!(
        texts(sql, Postgres),
        [
            "PREPARE q (int) AS SELECT $1",
            "EXECUTE q(1)",
            "SELECT a$b$, $2 FROM t$x$",
            "SELECT 3"
        ]
    );
    // A lone `$` is an operator character, not the start of anything.
    assert_eq!(
        texts("SELECT 1 $ 2; SELECT $", Postgres),
        ["SELECT 1 $ 2", "SELECT $"]
    );
}

#[test]
fn postgres_unterminated_dollar_quote() {
    let sql = "SELECT 1;\n\nCREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $$;";
    assert_eq!(
        split_on(sql, Postgres),
        Err(SplitError::Unterminated {
            what: Unclosed::DollarQuote("$fn$".to_string()),
            line: 3,
            column: 36
        })
    );
}

#[test]
fn postgres_nested_block_comments() {
    let sql = "/* outer /* inner; */ still comment; */ SELECT 1; /* a /* b */ c */ SELECT 2";
    assert_eq!(texts(sql, Postgres), ["SELECT 1", "SELECT 2"]);
    // Elsewhere the first `*/` ends the comment.
    assert_eq!(
        texts("/* a /* b */ SELECT 1; SELECT 2", Mysql),
        ["SELECT 1", "SELECT 2"]
    );
    assert_eq!(
        split_on("/* a /* b */ SELECT 1;", Postgres),
        Err(SplitError::Unterminated {
            what: Unclosed::BlockComment,
            line: 1,
            column: 1
        })
    );
}

#[test]
fn postgres_escape_strings_and_standard_strings() {
    // E'…' has backslash escapes; '…' does not (standard_conforming_strings).
    let sql = "SELECT E'it\\'s; ok', e'\\\\'; SELECT 'C:\\'; SELECT 3";
    assert_eq!(
        texts(sql, Postgres),
        ["SELECT E'it\\'s; ok', e'\\\\'", "SELECT 'C:\\'", "SELECT 3"]
    );
    assert_eq!(
        split_on("SELECT 1;\nSELECT E'\\'", Postgres),
        Err(SplitError::Unterminated {
            what: Unclosed::String,
            line: 2,
            column: 8
        })
    );
}

#[test]
fn postgres_begin_atomic_body() {
    let function = "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\n\
                    BEGIN ATOMIC\n  \
                      SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;\n  \
                      SELECT 1;\n\
                    END";
    let sql = format!("{function};\nSELECT add(1, 2);");
    assert_eq!(texts(&sql, Postgres), [function, "SELECT add(1, 2)"]);
}

#[test]
fn postgres_does_not_split_inside_parentheses() {
    let rule = "CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); INSERT INTO c VALUES (2))";
    assert_eq!(
        texts(&format!("{rule}; SELECT 1"), Postgres),
        [rule, "SELECT 1"]
    );
}

#[test]
fn postgres_transaction_statements_still_split() {
    assert_eq!(
        texts(
            "BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT;",
            Postgres
        ),
        ["BEGIN", "CREATE INDEX CONCURRENTLY i ON t (a)", "COMMIT"]
    );
}

// --- MySQL ---

#[test]
fn mysql_backslash_escapes_and_double_quoted_strings() {
    let sql = "INSERT INTO t VALUES ('it\\'s; ok', \"a\\\";b\", 'x\\\\');\nSELECT `a``;b`;";
    assert_eq!(
        texts(sql, Mysql),
        [
            "INSERT INTO t VALUES ('it\\'s; ok', \"a\\\";b\", 'x\\\\')",
            "SELECT `a``;b`"
        ]
    );
    assert_eq!(
        split_on("SELECT 1;\nSELECT \"a;", Mysql),
        Err(SplitError::Unterminated {
            what: Unclosed::String,
            line: 2,
            column: 8
        })
    );
}

#[test]
fn mysql_comments() {
    let sql = "# a; hash comment\nSELECT 1 # b;\n; SELECT 2 -- c;\n; SELECT 3--4;\nSELECT 5 --\n;";
    assert_eq!(
        texts(sql, Mysql),
        ["SELECT 1", "SELECT 2", "SELECT 3--4", "SELECT 5"]
    );
    assert_eq!(lines(sql, Mysql), [2, 3, 4, 5]);
}

#[test]
fn mysql_executable_comments_are_statements() {
    let sql =
        "/*!40101 SET NAMES utf8mb4 */;\n/* plain */;\nSELECT /*+ MAX_EXECUTION_TIME(1000) */ 1;";
    assert_eq!(
        texts(sql, Mysql),
        [
            "/*!40101 SET NAMES utf8mb4 */",
            "SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1"
        ]
    );
    assert_eq!(lines(sql, Mysql), [1, 3]);
}

#[test]
fn mysql_procedure_with_delimiter() {
    let body = "CREATE PROCEDURE fill(IN n INT)\n\
                BEGIN\n  \
                  DECLARE i INT DEFAULT 0;\n  \
                  WHILE i < n DO\n    \
                    INSERT INTO t VALUES (i, ';');\n    \
                    SET i = i + 1;\n  \
                  END WHILE;\n\
                END";
    let sql = format!(
        "DROP PROCEDURE IF EXISTS fill;\nDELIMITER //\n{body} //\nDELIMITER ;\nCALL fill(3);\n"
    );
    assert_eq!(
        texts(&sql, Mysql),
        ["DROP PROCEDURE IF EXISTS fill", body, "CALL fill(3)"]
    );
    assert_eq!(lines(&sql, Mysql), [1, 3, 12]);
}

#[test]
fn mysql_delimiter_glued_to_words_and_quoted() {
    let sql = "delimiter $$\nCREATE FUNCTION one() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END$$\nSELECT 'a$$b'$$\nDELIMITER ';'\nSELECT one();";
    assert_eq!(
        texts(sql, Mysql),
        [
            "CREATE FUNCTION one() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END",
            "SELECT 'a$$b'",
            "SELECT one()"
        ]
    );
}

#[test]
fn mysql_delimiter_errors() {
    assert_eq!(
        split_on("SELECT 1;\n  DELIMITER   \nSELECT 2", Mysql),
        Err(SplitError::InvalidDelimiter {
            problem: DelimiterProblem::Missing,
            line: 2,
            column: 3
        })
    );
    assert_eq!(
        split_on("DELIMITER \\\\", Mysql).map_err(|e| e.to_string()),
        Err(
            "1:1: a DELIMITER cannot contain a backslash (the mysql client refuses it)".to_string()
        )
    );
}

#[test]
fn delimiter_is_only_a_directive_on_mysql_and_at_a_statement_start() {
    assert_eq!(
        texts("DELIMITER //\nSELECT 1//", Postgres),
        ["DELIMITER //\nSELECT 1//"]
    );
    // Inside a statement it is just a word (a column, say).
    assert_eq!(
        texts("SELECT delimiter\nFROM t; SELECT 2", Mysql),
        ["SELECT delimiter\nFROM t", "SELECT 2"]
    );
}

#[test]
fn mysql_procedure_without_delimiter() {
    let procedure = "CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)\n\
                     BEGIN\n  \
                       DECLARE done INT DEFAULT 0;\n  \
                       DROP TEMPORARY TABLE IF EXISTS tmp;\n  \
                       IF n > 0 THEN\n    \
                         SET @x = IF(n > 1, 'many', 'one');\n  \
                       ELSEIF n < 0 THEN\n    \
                         SET @x = REPEAT('-', 3);\n  \
                       ELSE IF (n = 0) THEN SET @x = 'zero'; END IF;\n  \
                       END IF;\n  \
                       lbl: LOOP\n    \
                         SET n = n - 1;\n    \
                         IF n <= 0 THEN LEAVE lbl; END IF;\n  \
                       END LOOP lbl;\n  \
                       REPEAT SET n = n + 1; UNTIL n > 3 END REPEAT;\n  \
                       CASE n WHEN 4 THEN SELECT 'four'; ELSE BEGIN END; END CASE;\n  \
                       SET @y = CASE WHEN n > 1 THEN IF(n > 2, 1, 2) ELSE REPEAT('x', 2) END;\n\
                     END";
    let sql = format!("{procedure};\nCALL p(1);");
    assert_eq!(texts(&sql, Mysql), [procedure, "CALL p(1)"]);
    assert_eq!(lines(&sql, Mysql), [1, 19]);
}

#[test]
fn mysql_triggers_events_and_anonymous_blocks() {
    let one_line = "CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW SET NEW.begin = NEW.end";
    let body = "CREATE TRIGGER b BEFORE UPDATE ON t FOR EACH ROW BEGIN\n  \
                  IF NEW.a < 0 THEN SET NEW.a = 0; END IF;\n  \
                  SET NEW.note = 'x;y';\n\
                END";
    let if_body =
        "CREATE TRIGGER c AFTER DELETE ON t FOR EACH ROW IF OLD.a > 0 THEN DELETE FROM u; END IF";
    let event = "CREATE EVENT IF NOT EXISTS purge ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM log; DELETE FROM tmp; END";
    let block = "BEGIN NOT ATOMIC DECLARE x INT; SET x = 1; SELECT x; END";
    let function = "CREATE FUNCTION f(a INT) RETURNS INT DETERMINISTIC RETURN IF(a > 0, a, 0)";
    let sql = [one_line, body, if_body, event, block, function, "SELECT 1"].join(";\n");
    assert_eq!(
        texts(&sql, Mysql),
        [one_line, body, if_body, event, block, function, "SELECT 1"]
    );
}

#[test]
fn mysql_transaction_begin_is_not_a_block() {
    assert_eq!(
        texts("BEGIN; INSERT INTO t VALUES (1); COMMIT", Mysql),
        ["BEGIN", "INSERT INTO t VALUES (1)", "COMMIT"]
    );
}

// --- rules as data ---

#[test]
fn a_rule_changed_alone_changes_only_its_own_lexing() {
    // MySQL with `NO_BACKSLASH_ESCAPES`: a backslash is an ordinary
    // character in `'…'` and `"…"` strings.
    let no_backslash_escapes = SplitRules {
        backslash_escapes: false,
        ..*dialect(Mysql).split_rules()
    };
    let sql = "SELECT 'C:\\'; SELECT \"D:\\\"; SELECT 3 # c;\n";
    let statements = split(sql, &no_backslash_escapes).unwrap();
    assert_eq!(
        statements.into_iter().map(|s| s.sql).collect::<Vec<_>>(),
        ["SELECT 'C:\\'", "SELECT \"D:\\\"", "SELECT 3"]
    );
    assert!(matches!(
        split_on(sql, Mysql),
        Err(SplitError::Unterminated { .. })
    ));
}

// --- transaction control ---

#[test]
fn recognises_transaction_control() {
    for sql in [
        "BEGIN",
        "begin transaction",
        "BEGIN WORK",
        "BEGIN IMMEDIATE TRANSACTION",
        "BEGIN ISOLATION LEVEL SERIALIZABLE",
        "BEGIN NOT DEFERRABLE",
        "START TRANSACTION",
        "start transaction read only",
        "COMMIT",
        "commit work",
        "END",
        "END TRANSACTION",
        "ROLLBACK",
        "rollback work",
        "ABORT",
        "  -- done here\n/* really */ COMMIT",
        "COMMIT;",
    ] {
        assert!(is_transaction_control(sql), "{sql}");
    }
    for sql in [
        "",
        "-- only a comment",
        "SELECT 1",
        "ROLLBACK TO SAVEPOINT s",
        "rollback work to s",
        "BEGIN NOT ATOMIC SELECT 1; END",
        "START SLAVE",
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END",
        "BEGINNING",
        "COMMITTED_AT",
        "/*!40101 COMMIT */",
        "'BEGIN'",
    ] {
        assert!(!is_transaction_control(sql), "{sql}");
    }
}

// --- robustness and speed ---

#[test]
fn splits_a_megabyte_quickly() {
    let statement = "INSERT INTO t (a, b) VALUES ('x;y', 2); -- note\n";
    let sql = statement.repeat(1_000_000 / statement.len() + 1);
    for dialect in DialectKind::ALL {
        let started = std::time::Instant::now();
        let statements = split_on(&sql, dialect).unwrap();
        assert_eq!(statements.len(), sql.len() / statement.len());
        // Generous for unoptimised test builds; release takes a few ms.
        assert!(started.elapsed().as_secs() < 5, "{dialect}");
    }
}

fn dialects() -> impl Strategy<Value = DialectKind> {
    prop_oneof![Just(Sqlite), Just(Postgres), Just(Mysql)]
}

/// Statements that mean the same on every dialect, some with `;` in
/// strings, identifiers and comments.
fn safe_statement() -> impl Strategy<Value = String> {
    prop_oneof![
        "SELECT [a-z]{1,8}( [+,] [a-z0-9]{1,5}){0,3}",
        "INSERT INTO t VALUES \\('[a-z; ]{0,6}', [0-9]{1,3}\\)",
        "UPDATE \"[a-z;]{1,5}\" SET a = 1",
        "SELECT 1 /\\* [a-z; ]{0,6} \\*/ \\+ 2",
        "DELETE FROM t -- [a-z; ]{0,6}\nWHERE a = 'x'",
    ]
}

proptest! {
    #[test]
    fn never_panics(sql in any::<String>(), dialect in dialects()) {
        let _ = split_on(&sql, dialect);
        let _ = is_transaction_control(&sql);
    }

    #[test]
    fn never_panics_on_sql_like_text(
        sql in "([a-zA-Z$;'\"`#\\[\\]()/*\\\\\n -]|BEGIN |END |CASE |IF |DELIMITER |CREATE |TRIGGER |PROCEDURE ){0,40}",
        dialect in dialects(),
    ) {
        let _ = split_on(&sql, dialect);
    }

    #[test]
    fn joined_statements_split_back(
        statements in proptest::collection::vec(safe_statement(), 0..8),
        dialect in dialects(),
    ) {
        let sql = statements.join(";\n");
        let split = split_on(&sql, dialect).unwrap();
        let mut line = 1;
        let mut expected_lines = Vec::new();
        for statement in &statements {
            expected_lines.push(line);
            line += statement.matches('\n').count() + 1;
        }
        prop_assert_eq!(split.iter().map(|s| s.sql.clone()).collect::<Vec<_>>(), statements);
        prop_assert_eq!(split.iter().map(|s| s.line).collect::<Vec<_>>(), expected_lines);
    }
}
