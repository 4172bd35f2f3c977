//! The working schema a section's statements are applied to as they are
//! read, with the lookups conversion needs kept fast.

use std::collections::HashMap;

use crate::op::{ApplyError, Op};
use crate::schema::{Index, Schema, Table};

/// The schema as the statements so far leave it, with tables and indexes
/// found by name through maps: a model file of a thousand tables must not
/// cost a scan of the schema per statement. Every change still goes through
/// [`Op::apply`], on a view holding just the table the op changes.
pub(super) struct Working {
    pub(super) schema: Schema,
    /// Table name → position in `schema.tables`.
    tables: HashMap<String, usize>,
    /// Index name → its table's name (index names are per schema).
    indexes: HashMap<String, String>,
}

impl Working {
    pub(super) fn new(schema: Schema) -> Self {
        let mut working = Working {
            tables: HashMap::with_capacity(schema.tables.len()),
            indexes: HashMap::new(),
            schema,
        };
        for (position, table) in working.schema.tables.iter().enumerate() {
            working.tables.insert(table.name.clone(), position);
            for index in &table.indexes {
                working
                    .indexes
                    .insert(index.name.clone(), table.name.clone());
            }
        }
        working
    }

    pub(super) fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name).map(|&i| &self.schema.tables[i])
    }

    /// The index of that name, with its table.
    pub(super) fn index(&self, name: &str) -> Option<(&Table, &Index)> {
        let table = self.table(self.indexes.get(name)?)?;
        Some((table, table.indexes.iter().find(|i| i.name == name)?))
    }

    /// Puts a table back as it was (after undoing a statement's ops).
    pub(super) fn restore(&mut self, table: Table) {
        if let Some(&position) = self.tables.get(&table.name) {
            self.schema.tables[position] = table;
        }
    }

    pub(super) fn apply(&mut self, op: &Op) -> Result<(), ApplyError> {
        match op {
            Op::Data(_) | Op::Raw(_) => Ok(()),
            Op::CreateTable(table) => {
                if self.tables.contains_key(&table.name) {
                    return Err(ApplyError(format!("table `{}` already exists", table.name)));
                }
                let mut view = Schema::default();
                op.apply(&mut view)?;
                for table in view.tables {
                    for index in &table.indexes {
                        self.indexes.insert(index.name.clone(), table.name.clone());
                    }
                    self.tables
                        .insert(table.name.clone(), self.schema.tables.len());
                    self.schema.tables.push(table);
                }
                Ok(())
            }
            Op::RenameTable { from, to } => {
                if self.tables.contains_key(to) {
                    return Err(ApplyError(format!("table `{to}` already exists")));
                }
                // Other tables' foreign keys follow the rename: the one op
                // that needs the whole schema.
                op.apply(&mut self.schema)?;
                if let Some(position) = self.tables.remove(from) {
                    self.tables.insert(to.clone(), position);
                    for index in &self.schema.tables[position].indexes {
                        self.indexes.insert(index.name.clone(), to.clone());
                    }
                }
                Ok(())
            }
            _ => {
                let name = op.table().unwrap_or_default();
                let position = *self
                    .tables
                    .get(name)
                    .ok_or_else(|| ApplyError(format!("table `{name}` does not exist")))?;
                if let Op::CreateIndex { index, .. } = op
                    && self.indexes.contains_key(&index.name)
                {
                    return Err(ApplyError(format!("index `{}` already exists", index.name)));
                }
                let table = std::mem::take(&mut self.schema.tables[position]);
                let mut view = Schema {
                    tables: vec![table],
                };
                let result = op.apply(&mut view);
                match view.tables.pop() {
                    Some(table) => self.schema.tables[position] = table,
                    // The slot holds the placeholder `take` left, so the
                    // name comes from the op.
                    None => self.remove(position, name),
                }
                result?;
                match op {
                    Op::CreateIndex { table, index } => {
                        self.indexes.insert(index.name.clone(), table.clone());
                    }
                    Op::DropIndex { index, .. } => {
                        self.indexes.remove(&index.name);
                    }
                    _ => {}
                }
                Ok(())
            }
        }
    }

    /// Forgets the dropped table `name` and its indexes; the positions after
    /// it move down.
    fn remove(&mut self, position: usize, name: &str) {
        self.schema.tables.remove(position);
        self.tables.remove(name);
        self.indexes.retain(|_, table| table != name);
        for p in self.tables.values_mut() {
            if *p > position {
                *p -= 1;
            }
        }
    }
}
