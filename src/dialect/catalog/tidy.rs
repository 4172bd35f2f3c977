//! Parentheses only where precedence needs them: the canonical form prints
//! `a + b * c`, not `(a + (b * c))`, whichever way the catalog wrote it.

use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator};

use super::walk::{Slot, map_children};

fn precedence(expr: &Expr) -> u8 {
    match expr {
        Expr::BinaryOp { op, .. } => match op {
            BinaryOperator::Or => 5,
            BinaryOperator::Xor => 6,
            BinaryOperator::And => 10,
            BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
            | BinaryOperator::Spaceship => 20,
            BinaryOperator::Plus | BinaryOperator::Minus => 40,
            BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo
            | BinaryOperator::DuckIntegerDivide
            | BinaryOperator::MyIntegerDivide => 50,
            // `||` and the many other operators sit between comparisons and
            // arithmetic in PostgreSQL's grammar.
            _ => 30,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            ..
        } => 15,
        Expr::UnaryOp { .. } => 60,
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..) => 17,
        Expr::In { .. }
        | Expr::Between { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::RLike { .. }
        | Expr::AnyOp { .. }
        | Expr::AllOp { .. } => 20,
        Expr::Nested(inner) => precedence(inner),
        _ => 100,
    }
}

/// True for operators where `(a op b) op c` is `a op b op c`.
fn left_associative(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Or
            | BinaryOperator::And
            | BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::StringConcat
    )
}

/// `expr` with only the parentheses that precedence needs in a place that
/// requires binding tighter than `above` (0: anything goes).
pub(super) fn tidy(expr: Expr, above: u8) -> Expr {
    if let Expr::Nested(inner) = expr {
        let inner = tidy(*inner, 0);
        return if precedence(&inner) > above {
            inner
        } else {
            Expr::Nested(Box::new(inner))
        };
    }
    let own = precedence(&expr);
    // A left operand of the same precedence needs no parentheses where the
    // operator associates to the left.
    let left = match &expr {
        Expr::BinaryOp { op, .. } if left_associative(op) => own - 1,
        _ => own,
    };
    map_children(expr, &mut |e, slot| {
        let above = match slot {
            Slot::Left => left,
            Slot::Right | Slot::Operand => own,
            Slot::Cast => 99,
            Slot::Delimited => 0,
        };
        tidy(e, above)
    })
}
