//! Catalog text into the portable model, shared by the three introspectors
//! and by [`Dialect::normalize`](super::Dialect::normalize).
//!
//! Databases hand back what they store, not what was written: PostgreSQL
//! deparses a check `status IN ('a', 'b')` as
//! `((status)::text = ANY ((ARRAY['a'::character varying, …])::text[]))`
//! and a default `'x'` as `'x'::character varying`, MariaDB backquotes
//! every column (`` `balance` >= 0 ``), MySQL 8 adds charset introducers
//! (`_utf8mb4'a'`). Comparing such text with a model's would report
//! differences that are none, so both sides go through
//! [`canonical_expression`], which parses the text and prints it again in
//! one spelling:
//!
//! - identifiers unquoted and lower case where that means the same
//!   (unquoted names are case-insensitive in all three databases), quoted
//!   with `"` otherwise; function names lower case;
//! - casts of a column or a literal dropped (`(amount)::numeric`,
//!   `'a'::character varying`; a numeric string cast to a number becomes the
//!   number, `'-5'::integer` is `-5`), charset introducers dropped;
//! - `a BETWEEN x AND y` is `a >= x AND a <= y`, as PostgreSQL stores it;
//! - `x = ANY (ARRAY[…])` is `x IN (…)`, `x <> ALL (ARRAY[…])` is
//!   `x NOT IN (…)`, `~~` is `LIKE`;
//! - MariaDB's `octet_length` (its name for `length`) is `length`;
//! - parentheses only where precedence needs them.
//!
//! Text that does not parse is kept as it is. The canonical form is still
//! SQL with the same meaning, except that an explicit cast of a column or a
//! literal written in a model disappears from both sides alike.

use sqlparser::ast::{
    self, BinaryOperator, CastKind, DataType, Expr, FunctionArg, FunctionArgExpr,
    FunctionArguments, Ident, InTarget, UnaryOperator, Value,
};
use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

mod tidy;
mod walk;

use crate::schema::{Default, Type};
use crate::sql::parse;
use crate::sql::write::is_plain_name;
use tidy::tidy;
use walk::map_children;

/// Whose catalog the text comes from: it decides how it is tokenised
/// (backquotes, backslash escapes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// PostgreSQL's catalog, and portable SQL (a model's text).
    Postgres,
    Mysql,
    Sqlite,
}

impl Source {
    fn dialect(self) -> &'static dyn SqlDialect {
        match self {
            Source::Postgres => &PostgreSqlDialect {},
            Source::Mysql => &MySqlDialect {},
            Source::Sqlite => &SQLiteDialect {},
        }
    }
}

/// Parses one whole expression; `None` if anything is left over.
fn parse_expr(sql: &str, source: Source) -> Option<Expr> {
    let mut parser = Parser::new(source.dialect()).try_with_sql(sql).ok()?;
    let expr = parser.parse_expr().ok()?;
    (parser.peek_token().token == Token::EOF).then_some(expr)
}

/// The canonical spelling of an SQL expression (see the module doc); the
/// trimmed text itself when it does not parse.
pub(crate) fn canonical_expression(sql: &str, source: Source) -> String {
    match parse_expr(sql, source) {
        Some(expr) => tidy(canonical(expr, source), 0).to_string(),
        None => sql.trim().to_owned(),
    }
}

/// A column default from catalog text: `None` for no default or `NULL`.
pub(crate) fn default_from_text(sql: &str, source: Source) -> Option<Default> {
    let Some(expr) = parse_expr(sql, source) else {
        return Some(Default::Expression(sql.trim().to_owned()));
    };
    default_of(tidy(canonical(expr, source), 0))
}

/// A column default from an expression already canonical.
fn default_of(expr: Expr) -> Option<Default> {
    if let Expr::Function(function) = &expr {
        let name = function.name.to_string().to_ascii_lowercase();
        // MySQL and MariaDB spell these with parentheses and a precision:
        // `current_timestamp(6)`, `curdate()`, `curtime()`.
        let numbers_only = match &function.args {
            FunctionArguments::None => true,
            FunctionArguments::List(list) => list.args.iter().all(|a| {
                matches!(
                    a,
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))
                        if matches!(v.value, Value::Number(..))
                )
            }),
            FunctionArguments::Subquery(_) => false,
        };
        if numbers_only {
            match name.as_str() {
                "current_timestamp" | "now" | "localtimestamp" => {
                    return Some(Default::CurrentTimestamp);
                }
                "current_date" | "curdate" => return Some(Default::CurrentDate),
                "current_time" | "curtime" => return Some(Default::CurrentTime),
                _ => {}
            }
        }
    }
    match parse::default(&expr) {
        Default::Null => None,
        other => Some(other),
    }
}

/// A default in the canonical form of [`default_from_text`], for
/// normalising a model: an expression default is parsed and printed again,
/// `NULL` is no default.
pub(crate) fn canonical_default(default: &Default) -> Option<Default> {
    match default {
        Default::Null => None,
        Default::Expression(sql) => default_from_text(sql, Source::Postgres),
        other => Some(other.clone()),
    }
}

/// A declared type (SQLite's column type, PostgreSQL's `format_type`) as a
/// portable type; what retort has no name for is kept as written.
pub(crate) fn declared_type(text: &str, source: Source) -> Type {
    let parsed = Parser::new(source.dialect())
        .try_with_sql(text)
        .and_then(|mut parser| {
            let ty = parser.parse_data_type()?;
            Ok((parser.peek_token().token == Token::EOF).then_some(ty))
        });
    match parsed {
        Ok(Some(ty)) => match parse::column_type(&ty) {
            // Keep the catalog's own spelling of what has no portable name.
            Type::Other(_) => Type::Other(text.trim().to_owned()),
            known => known,
        },
        _ => Type::Other(text.trim().to_owned()),
    }
}

/// A number written with exactly `scale` decimals (`0` → `0.00`), as MySQL
/// reports a `DECIMAL(p,s)` default; `None` when it has more decimals or is
/// no plain number.
pub(crate) fn with_scale(number: &str, scale: u32) -> Option<String> {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number.strip_prefix('+').unwrap_or(number)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let scale = usize::try_from(scale).ok()?;
    if whole.is_empty() || !plain(whole) || !plain(fraction) || fraction.len() > scale {
        return None;
    }
    Some(if scale == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:0<scale$}")
    })
}

/// MySQL's commonest key words beyond the ones portable SQL already quotes
/// ([`is_plain_name`]): a column so named stays quoted in the canonical form.
const MYSQL_WORDS: &[&str] = &[
    "between", "delete", "div", "index", "insert", "interval", "key", "mod", "range", "regexp",
    "rlike", "set", "update", "values", "xor",
];

/// An identifier in the canonical form: unquoted and lower case unless
/// quotes change its meaning.
fn canonical_ident(ident: Ident) -> Ident {
    let value = match ident.quote_style {
        None => ident.value.to_lowercase(),
        Some(_) => ident.value,
    };
    let plain = is_plain_name(&value) && !MYSQL_WORDS.contains(&value.as_str());
    if plain {
        Ident::new(value)
    } else {
        Ident::with_quote('"', value)
    }
}

/// True for the types a numeric string cast to them is a number of.
fn is_numeric(ty: &DataType) -> bool {
    parse::column_type(ty).is_number()
}

/// `'-5'` as the number `-5`, when the string is a plain number.
fn number_of(text: &str) -> Option<Expr> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next().unwrap_or_default();
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !plain(whole) || !plain(fraction) {
        return None;
    }
    let number = Expr::value(Value::Number(digits.to_owned(), false));
    Some(if negative {
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr: Box::new(number),
        }
    } else {
        number
    })
}

fn unnested(mut expr: Expr) -> Expr {
    while let Expr::Nested(inner) = expr {
        expr = *inner;
    }
    expr
}

/// The rewrites of the module doc, bottom up; parentheses are left to [`tidy`].
fn canonical(expr: Expr, source: Source) -> Expr {
    match expr {
        Expr::Prefixed { value, .. } => canonical(*value, source),
        expr => rewrite(map_children(expr, &mut |e, _| canonical(e, source)), source),
    }
}

/// One node's rewrite, its subexpressions already canonical.
fn rewrite(expr: Expr, source: Source) -> Expr {
    match expr {
        Expr::Identifier(ident) => Expr::Identifier(canonical_ident(ident)),
        Expr::CompoundIdentifier(parts) => {
            Expr::CompoundIdentifier(parts.into_iter().map(canonical_ident).collect())
        }
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon,
            expr,
            data_type,
            format: None,
        } => {
            let inner = unnested(*expr);
            match inner {
                Expr::Value(ref v) if is_numeric(&data_type) => match &v.value {
                    Value::SingleQuotedString(s) => number_of(s).unwrap_or(inner),
                    _ => inner,
                },
                Expr::Identifier(_)
                | Expr::CompoundIdentifier(_)
                | Expr::Value(_)
                | Expr::Array(_) => inner,
                Expr::UnaryOp {
                    op: UnaryOperator::Minus,
                    expr: ref number,
                } if matches!(**number, Expr::Value(_)) => inner,
                other => Expr::Cast {
                    kind: CastKind::DoubleColon,
                    expr: Box::new(other),
                    data_type,
                    format: None,
                },
            }
        }
        Expr::BinaryOp {
            left,
            op: op @ (BinaryOperator::PGLikeMatch | BinaryOperator::PGNotLikeMatch),
            right,
        } => Expr::Like {
            negated: op == BinaryOperator::PGNotLikeMatch,
            any: false,
            expr: left,
            pattern: right,
            escape_char: None,
        },
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            is_some,
        } => match unnested(*right) {
            Expr::Array(array) => Expr::In {
                expr: left,
                target: InTarget::List(array.elem),
                negated: false,
                global: false,
            },
            right => Expr::AnyOp {
                left,
                compare_op: BinaryOperator::Eq,
                right: Box::new(right),
                is_some,
            },
        },
        Expr::AllOp {
            left,
            compare_op: BinaryOperator::NotEq,
            right,
        } => match unnested(*right) {
            Expr::Array(array) => Expr::In {
                expr: left,
                target: InTarget::List(array.elem),
                negated: true,
                global: false,
            },
            right => Expr::AllOp {
                left,
                compare_op: BinaryOperator::NotEq,
                right: Box::new(right),
            },
        },
        // PostgreSQL stores `a BETWEEN x AND y` as `a >= x AND a <= y`.
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let nested = |e: Box<Expr>| Box::new(Expr::Nested(e));
            let (expr, low, high) = (nested(expr), nested(low), nested(high));
            let compare = |op, right| {
                Box::new(Expr::BinaryOp {
                    left: expr.clone(),
                    op,
                    right,
                })
            };
            if negated {
                Expr::BinaryOp {
                    left: compare(BinaryOperator::Lt, low),
                    op: BinaryOperator::Or,
                    right: compare(BinaryOperator::Gt, high),
                }
            } else {
                Expr::BinaryOp {
                    left: compare(BinaryOperator::GtEq, low),
                    op: BinaryOperator::And,
                    right: compare(BinaryOperator::LtEq, high),
                }
            }
        }
        Expr::Function(mut function) => {
            if let [part] = function.name.0.as_mut_slice()
                && let Some(ident) = part.as_ident()
                && ident.quote_style.is_none()
            {
                let mut name = ident.value.to_lowercase();
                if source == Source::Mysql && name == "octet_length" {
                    // MariaDB stores `length(x)` as `octet_length(x)`.
                    name = "length".to_owned();
                }
                *part = ast::ObjectNamePart::Identifier(Ident::new(name));
            }
            Expr::Function(function)
        }
        other => other,
    }
}

/// How tightly an expression binds; higher binds tighter. Anything not
/// listed is an atom (a name, literal, call, cast, parenthesised list).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_deparsed_checks_read_as_written() {
        let cases = [
            ("((f >= (0)::numeric))", "f >= 0"),
            (
                "(((((j)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])) AND (b > 0)) OR ((b < '-5'::integer) AND (length(m) > 2))))",
                "j IN ('a', 'b') AND b > 0 OR b < -5 AND length(m) > 2",
            ),
            ("((m ~~ 'a%'::text))", "m LIKE 'a%'"),
            ("((a + b) * c)", "(a + b) * c"),
            ("(NOT (a AND b))", "NOT (a AND b)"),
            (
                "((small >= '-10'::integer) AND (small <= 10))",
                "small >= -10 AND small <= 10",
            ),
        ];
        for (catalog, expected) in cases {
            assert_eq!(canonical_expression(catalog, Source::Postgres), expected);
        }
    }

    #[test]
    fn mariadb_checks_read_as_written() {
        let cases = [
            ("`balance` >= 0", "balance >= 0"),
            (
                "`j` in ('a','b') and `b` > 0 or `b` < -5 and octet_length(`m`) > 2",
                "j IN ('a', 'b') AND b > 0 OR b < -5 AND length(m) > 2",
            ),
            ("`order` > 0", "\"order\" > 0"),
            ("`Mixed` > 0", "\"Mixed\" > 0"),
            ("`small` between -10 and 10", "small >= -10 AND small <= 10"),
        ];
        for (catalog, expected) in cases {
            assert_eq!(canonical_expression(catalog, Source::Mysql), expected);
        }
        assert_eq!(
            canonical_expression(
                "j IN ('a','b') AND b > 0 OR (b < -5 AND LENGTH(m) > 2)",
                Source::Postgres
            ),
            "j IN ('a', 'b') AND b > 0 OR b < -5 AND length(m) > 2"
        );
    }

    #[test]
    fn catalog_defaults_become_portable() {
        let pg = |s| default_from_text(s, Source::Postgres);
        let my = |s| default_from_text(s, Source::Mysql);
        assert_eq!(
            pg("'it''s'::character varying"),
            Some(Default::String("it's".into()))
        );
        assert_eq!(pg("'-1'::integer"), Some(Default::Number("-1".into())));
        assert_eq!(pg("now()"), Some(Default::CurrentTimestamp));
        assert_eq!(pg("CURRENT_TIMESTAMP"), Some(Default::CurrentTimestamp));
        assert_eq!(pg("true"), Some(Default::Bool(true)));
        assert_eq!(pg("'{}'::jsonb"), Some(Default::String("{}".into())));
        assert_eq!(pg("(1 + 2)"), Some(Default::Expression("1 + 2".into())));
        assert_eq!(my("current_timestamp(6)"), Some(Default::CurrentTimestamp));
        assert_eq!(my("current_timestamp()"), Some(Default::CurrentTimestamp));
        assert_eq!(my("curdate()"), Some(Default::CurrentDate));
        assert_eq!(my("'it''s'"), Some(Default::String("it's".into())));
        assert_eq!(my("NULL"), None);
        assert_eq!(my("-1.50"), Some(Default::Number("-1.50".into())));
    }

    #[test]
    fn decimals_are_padded_to_the_scale() {
        assert_eq!(with_scale("0", 2).as_deref(), Some("0.00"));
        assert_eq!(with_scale("-1.5", 2).as_deref(), Some("-1.50"));
        assert_eq!(with_scale("7", 0).as_deref(), Some("7"));
        assert_eq!(with_scale("1.234", 2), None);
        assert_eq!(with_scale("1e5", 2), None);
    }

    #[test]
    fn declared_types_parse() {
        let sqlite = |s| declared_type(s, Source::Sqlite);
        assert_eq!(
            sqlite("NUMERIC(12, 2)"),
            Type::Numeric {
                precision: Some(12),
                scale: Some(2)
            }
        );
        assert_eq!(sqlite("TIMESTAMP WITH TIME ZONE"), Type::TimestampTz);
        assert_eq!(sqlite("citext"), Type::Other("citext".into()));
        assert_eq!(
            declared_type("character varying(20)", Source::Postgres),
            Type::Varchar(Some(20))
        );
        assert_eq!(
            declared_type("timestamp without time zone", Source::Postgres),
            Type::Timestamp
        );
    }
}
