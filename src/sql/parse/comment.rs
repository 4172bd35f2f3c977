//! `COMMENT ON TABLE` and `COMMENT ON COLUMN`.

use sqlparser::ast::{CommentObject, ObjectName};

use crate::op::Op;
use crate::schema::Column;

use super::working::Working;
use super::{Converted, Why, applied, unknown_table};

pub(super) fn set_comment(
    object: CommentObject,
    name: &ObjectName,
    comment: Option<String>,
    schema: &mut Working,
) -> Converted {
    let parts = name
        .0
        .iter()
        .map(|part| part.as_ident().map(|i| i.value.as_str()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Why::new(format!("the name {name}")))?;
    let op = match (object, parts.as_slice()) {
        (CommentObject::Table, [table]) => {
            let from = schema
                .table(table)
                .ok_or_else(|| unknown_table(table))?
                .comment
                .clone();
            Op::SetTableComment {
                table: (*table).to_owned(),
                from,
                to: comment,
            }
        }
        (CommentObject::Column, [table, column]) => {
            let from = schema
                .table(table)
                .ok_or_else(|| unknown_table(table))?
                .column(column)
                .ok_or_else(|| Why::new(format!("column `{table}.{column}` is not known")))?
                .clone();
            let to = Column {
                comment,
                ..from.clone()
            };
            Op::AlterColumn {
                table: (*table).to_owned(),
                from,
                to,
            }
        }
        (object, _) => return Err(Why::new(format!("COMMENT ON {object} {name}"))),
    };
    applied(op, schema)
}
