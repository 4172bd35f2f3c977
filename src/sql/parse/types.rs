//! Portable types and column defaults, from `sqlparser`'s syntax tree to
//! the schema model's.

use sqlparser::ast::{self, DataType, Expr, FunctionArguments, TimezoneInfo};

use crate::schema::{Default, Type};

pub(crate) fn column_type(data_type: &DataType) -> Type {
    let length = |length: &Option<ast::CharacterLength>| match length {
        None => Some(None),
        Some(ast::CharacterLength::IntegerLength { length, unit: None }) => {
            u32::try_from(*length).ok().map(Some)
        }
        Some(_) => None,
    };
    let known = match data_type {
        DataType::SmallInt(None) | DataType::Int2(None) => Some(Type::SmallInt),
        DataType::Int(None) | DataType::Integer(None) | DataType::Int4(None) => Some(Type::Integer),
        DataType::BigInt(None) | DataType::Int8(None) => Some(Type::BigInt),
        DataType::Bool | DataType::Boolean => Some(Type::Boolean),
        DataType::Real | DataType::Float4 => Some(Type::Real),
        DataType::DoublePrecision
        | DataType::Float8
        | DataType::Double(ast::ExactNumberInfo::None) => Some(Type::Double),
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => match *info {
            ast::ExactNumberInfo::None => Some(Type::Numeric {
                precision: None,
                scale: None,
            }),
            ast::ExactNumberInfo::Precision(p) => u32::try_from(p).ok().map(|p| Type::Numeric {
                precision: Some(p),
                scale: None,
            }),
            ast::ExactNumberInfo::PrecisionAndScale(p, s) => {
                match (u32::try_from(p), u32::try_from(s)) {
                    (Ok(p), Ok(s)) => Some(Type::Numeric {
                        precision: Some(p),
                        scale: Some(s),
                    }),
                    _ => None,
                }
            }
        },
        DataType::Varchar(n) | DataType::CharacterVarying(n) | DataType::CharVarying(n) => {
            length(n).map(Type::Varchar)
        }
        DataType::Char(n) | DataType::Character(n) => length(n).map(Type::Char),
        DataType::Text => Some(Type::Text),
        DataType::Date => Some(Type::Date),
        DataType::Time(None, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
            Some(Type::Time)
        }
        DataType::Timestamp(None, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
            Some(Type::Timestamp)
        }
        DataType::Timestamp(None, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz) => {
            Some(Type::TimestampTz)
        }
        DataType::Blob(None) | DataType::Bytea => Some(Type::Blob),
        DataType::JSON | DataType::JSONB => Some(Type::Json),
        DataType::Uuid => Some(Type::Uuid),
        _ => None,
    };
    known.unwrap_or_else(|| Type::Other(data_type.to_string()))
}

pub(super) fn unparenthesized(mut expr: &Expr) -> &Expr {
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    expr
}

pub(crate) fn default(expr: &Expr) -> Default {
    let expr = unparenthesized(expr);
    match expr {
        Expr::Value(value) => match &value.value {
            ast::Value::Number(n, false) => Default::Number(n.clone()),
            ast::Value::SingleQuotedString(s) => Default::String(s.clone()),
            ast::Value::Boolean(b) => Default::Bool(*b),
            ast::Value::Null => Default::Null,
            _ => Default::Expression(expr.to_string()),
        },
        Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr: inner,
        } => match unparenthesized(inner) {
            Expr::Value(ast::ValueWithSpan {
                value: ast::Value::Number(n, false),
                ..
            }) => Default::Number(format!("-{n}")),
            _ => Default::Expression(expr.to_string()),
        },
        Expr::Function(function) => {
            let no_arguments = match &function.args {
                FunctionArguments::None => Some(true),
                FunctionArguments::List(list) => {
                    Some(list.args.is_empty() && list.clauses.is_empty()).filter(|e| *e)
                }
                FunctionArguments::Subquery(_) => None,
            };
            let name = match function.name.0.as_slice() {
                [part] => part.as_ident().map(|i| i.value.to_ascii_lowercase()),
                _ => None,
            };
            match (name.as_deref(), &function.args, no_arguments) {
                (Some("current_timestamp"), FunctionArguments::None, _) => {
                    Default::CurrentTimestamp
                }
                (Some("now"), FunctionArguments::List(_), Some(true)) => Default::CurrentTimestamp,
                (Some("current_date"), FunctionArguments::None, _) => Default::CurrentDate,
                (Some("current_time"), FunctionArguments::None, _) => Default::CurrentTime,
                _ => Default::Expression(expr.to_string()),
            }
        }
        _ => Default::Expression(expr.to_string()),
    }
}
