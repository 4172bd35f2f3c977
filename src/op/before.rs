//! The tables a run of operations touches, as they were before it.

use crate::op::Op;
use crate::schema::Schema;

/// The tables `ops` touch, as they were before them: taken from the schema
/// after the ops and walked back through their exact reverses. Rendering
/// and lint need only these, and copying just them keeps a long run
/// linear.
pub(crate) fn tables_before(ops: &[Op], after: &Schema) -> Schema {
    let mut names: Vec<&str> = Vec::new();
    for op in ops {
        names.extend(op.table());
        if let Op::RenameTable { to, .. } = op {
            names.push(to);
        }
    }
    let mut before = Schema {
        tables: after
            .tables
            .iter()
            .filter(|t| names.contains(&t.name.as_str()))
            .cloned()
            .collect(),
    };
    for op in ops.iter().rev() {
        if let Some(reverse) = op.reverse() {
            // A step the model could not follow leaves the table as it was.
            let _ = reverse.apply(&mut before);
        }
    }
    before
}
