//! The one traversal of a parsed expression that canonicalisation and
//! [`tidy`](super::tidy) share, and where each child stands in its parent.

use sqlparser::ast::{
    self, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, Value,
};

/// Where a subexpression stands in its parent, which decides how tightly
/// it must bind to go without parentheses ([`tidy`]).
#[derive(Clone, Copy)]
pub(super) enum Slot {
    /// The left operand of a binary operator.
    Left,
    /// The right operand of a binary operator.
    Right,
    /// The operand of a unary, `IS`, `IN`, `BETWEEN` or `LIKE` form.
    Operand,
    /// The expression of a cast, which binds tightest.
    Cast,
    /// Delimited on its own: a list item, a call argument, a `CASE` part.
    Delimited,
}

/// `expr` with `f` applied to each subexpression that [`canonical`] and
/// [`tidy`] look into — the one traversal both share. Forms not listed are
/// left whole.
pub(super) fn map_children(expr: Expr, f: &mut impl FnMut(Expr, Slot) -> Expr) -> Expr {
    match expr {
        Expr::Nested(inner) => Expr::Nested(boxed(inner, Slot::Delimited, f)),
        Expr::BinaryOp { left, op, right } => Expr::BinaryOp {
            left: boxed(left, Slot::Left, f),
            op,
            right: boxed(right, Slot::Right, f),
        },
        Expr::UnaryOp { op, expr } => Expr::UnaryOp {
            op,
            expr: boxed(expr, Slot::Operand, f),
        },
        Expr::IsNull(e) => Expr::IsNull(boxed(e, Slot::Operand, f)),
        Expr::IsNotNull(e) => Expr::IsNotNull(boxed(e, Slot::Operand, f)),
        Expr::IsTrue(e) => Expr::IsTrue(boxed(e, Slot::Operand, f)),
        Expr::IsNotTrue(e) => Expr::IsNotTrue(boxed(e, Slot::Operand, f)),
        Expr::IsFalse(e) => Expr::IsFalse(boxed(e, Slot::Operand, f)),
        Expr::IsNotFalse(e) => Expr::IsNotFalse(boxed(e, Slot::Operand, f)),
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated,
            global,
        } => Expr::In {
            expr: boxed(expr, Slot::Operand, f),
            target: InTarget::List(list.into_iter().map(|e| f(e, Slot::Delimited)).collect()),
            negated,
            global,
        },
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between {
            expr: boxed(expr, Slot::Operand, f),
            negated,
            low: boxed(low, Slot::Operand, f),
            high: boxed(high, Slot::Operand, f),
        },
        Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => Expr::Like {
            negated,
            any,
            expr: boxed(expr, Slot::Operand, f),
            pattern: boxed(pattern, Slot::Operand, f),
            escape_char,
        },
        Expr::ILike {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => Expr::ILike {
            negated,
            any,
            expr: boxed(expr, Slot::Operand, f),
            pattern: boxed(pattern, Slot::Operand, f),
            escape_char,
        },
        Expr::AnyOp {
            left,
            compare_op,
            right,
            is_some,
        } => Expr::AnyOp {
            left: boxed(left, Slot::Operand, f),
            compare_op,
            right: boxed(right, Slot::Delimited, f),
            is_some,
        },
        Expr::AllOp {
            left,
            compare_op,
            right,
        } => Expr::AllOp {
            left: boxed(left, Slot::Operand, f),
            compare_op,
            right: boxed(right, Slot::Delimited, f),
        },
        Expr::Cast {
            kind,
            expr,
            data_type,
            format,
        } => Expr::Cast {
            kind,
            expr: boxed(expr, Slot::Cast, f),
            data_type,
            format,
        },
        Expr::Array(mut array) => {
            array.elem = array
                .elem
                .into_iter()
                .map(|e| f(e, Slot::Delimited))
                .collect();
            Expr::Array(array)
        }
        Expr::Function(mut function) => {
            if let FunctionArguments::List(list) = &mut function.args {
                for arg in &mut list.args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg {
                        let taken = std::mem::replace(e, Expr::value(Value::Null));
                        *e = f(taken, Slot::Delimited);
                    }
                }
            }
            Expr::Function(function)
        }
        Expr::Case {
            case_token,
            end_token,
            operand,
            conditions,
            else_result,
        } => Expr::Case {
            case_token,
            end_token,
            operand: operand.map(|e| boxed(e, Slot::Delimited, f)),
            conditions: conditions
                .into_iter()
                .map(|w| ast::CaseWhen {
                    condition: f(w.condition, Slot::Delimited),
                    result: f(w.result, Slot::Delimited),
                })
                .collect(),
            else_result: else_result.map(|e| boxed(e, Slot::Delimited, f)),
        },
        other => other,
    }
}

fn boxed(expr: Box<Expr>, slot: Slot, f: &mut impl FnMut(Expr, Slot) -> Expr) -> Box<Expr> {
    Box::new(f(*expr, slot))
}
