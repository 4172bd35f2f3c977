//! `DROP TABLE` and `DROP INDEX`.

use sqlparser::ast::ObjectName;

use crate::op::Op;

use super::working::Working;
use super::{Converted, Why, simple_name, unknown_table};

pub(super) fn drop_tables(names: &[ObjectName], schema: &mut Working) -> Converted {
    let mut ops = Vec::with_capacity(names.len());
    for name in names {
        let name = simple_name(name)?;
        // Checked up front so that nothing is applied when one is missing.
        let table = schema.table(&name).ok_or_else(|| unknown_table(&name))?;
        if ops
            .iter()
            .any(|op| matches!(op, Op::DropTable(t) if t.name == name))
        {
            return Err(Why::new(format!("table `{name}` is named twice")));
        }
        ops.push(Op::DropTable(table.clone()));
    }
    for op in &ops {
        schema.apply(op).map_err(|e| Why::new(e.to_string()))?;
    }
    Ok(ops)
}

pub(super) fn drop_indexes(
    names: &[ObjectName],
    on: Option<&ObjectName>,
    schema: &mut Working,
) -> Converted {
    let on = on.map(simple_name).transpose()?;
    let mut ops = Vec::with_capacity(names.len());
    for name in names {
        let name = simple_name(name)?;
        let found = schema
            .index(&name)
            .map(|(table, index)| (table.name.clone(), index.clone()));
        match found {
            Some((table, index)) if on.as_ref().is_none_or(|on| *on == table) => {
                if ops
                    .iter()
                    .any(|op| matches!(op, Op::DropIndex { index: i, .. } if i.name == name))
                {
                    return Err(Why::new(format!("index `{name}` is named twice")));
                }
                ops.push(Op::DropIndex { table, index });
            }
            _ => return Err(Why::new(format!("index `{name}` is not known"))),
        }
    }
    for op in &ops {
        schema.apply(op).map_err(|e| Why::new(e.to_string()))?;
    }
    Ok(ops)
}
