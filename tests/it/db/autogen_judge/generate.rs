//! The generator: from a seed, a schema ("before") and the schema it
//! evolves into ("after"), over what portable SQL can say
//! (docs/portable-sql.md).
//!
//! The changes are kept to ones the rows generated for "before" survive in
//! both directions (`Table::inserts`): a type only widens, a column added
//! `NOT NULL` has a default, a key or unique only goes on columns whose
//! values differ between rows, a column dropped is one whose re-adding in
//! the downgrade breaks nothing. A failure is then retort's, not the data's.

use fastrand::Rng;

use super::schema::{Check, Column, ForeignKey, Index, Key, Schema, Table};

/// Types any key, unique or index may use on every database (MySQL refuses
/// them on TEXT, BLOB and JSON).
const KEY_TYPES: &[&str] = &[
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "VARCHAR(20)",
    "VARCHAR(40)",
    "CHAR(10)",
    "NUMERIC(10, 2)",
    "DATE",
    "UUID",
];

const OTHER_TYPES: &[&str] = &[
    "BOOLEAN",
    "REAL",
    "DOUBLE PRECISION",
    "TEXT",
    "TIME",
    "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE",
    "BLOB",
    "JSON",
];

/// Changes of type every generated value survives both ways.
const WIDER: &[(&str, &str)] = &[
    ("SMALLINT", "INTEGER"),
    ("INTEGER", "BIGINT"),
    ("VARCHAR(20)", "VARCHAR(40)"),
    ("VARCHAR(40)", "VARCHAR(60)"),
    ("NUMERIC(10, 2)", "NUMERIC(14, 2)"),
    ("REAL", "DOUBLE PRECISION"),
    ("INTEGER", "VARCHAR(20)"),
    ("TEXT", "VARCHAR(40)"),
    ("CHAR(10)", "VARCHAR(20)"),
];

const ACTIONS: &[Option<&str>] = &[
    None,
    Some("CASCADE"),
    Some("SET NULL"),
    Some("RESTRICT"),
    Some("NO ACTION"),
];

/// One generated case.
#[derive(Debug, Clone)]
pub struct Pair {
    pub seed: u64,
    pub before: Schema,
    pub after: Schema,
    /// True when a change renames a table or column. Without one the pair
    /// runs with `--no-renames`: a dropped and an added column that happen
    /// to look alike are no rename to guess.
    pub renames: bool,
}

impl Pair {
    /// The pair of `seed`, its tables named `<prefix>t<n>`.
    pub fn generate(seed: u64, prefix: &str) -> Pair {
        let mut g = Gen {
            rng: Rng::with_seed(seed),
            prefix: prefix.to_owned(),
            next: 0,
            before: Schema::default(),
            renames: false,
        };
        let mut before = Schema::default();
        for _ in 0..g.rng.usize(1..=3) {
            let table = g.table(&before);
            before.tables.push(table);
        }
        // Foreign keys to tables declared later: cycles.
        if before.tables.len() > 1 && g.rng.bool() {
            let last = before.tables.len() - 1;
            let fk = g.foreign_key(&mut before, 0, last);
            before.tables[0].fks.extend(fk);
        }
        let mut after = before.clone();
        g.before = before.clone();
        let changes = g.rng.usize(1..=5);
        // Often several changes to one table.
        let focus = g.rng.usize(..after.tables.len());
        for _ in 0..changes {
            let t = if g.rng.bool() {
                focus.min(after.tables.len().saturating_sub(1))
            } else {
                g.rng.usize(..after.tables.len().max(1))
            };
            g.change(&mut after, t);
        }
        Pair {
            seed,
            before,
            after,
            renames: g.renames,
        }
    }
}

struct Gen {
    rng: Rng,
    prefix: String,
    next: usize,
    /// The schema the rows were made for, once generated.
    before: Schema,
    renames: bool,
}

impl Gen {
    fn name(&mut self, what: &str) -> String {
        self.next += 1;
        format!("{what}{}", self.next)
    }

    fn table_name(&mut self) -> String {
        let n = self.name("t");
        format!("{}{n}", self.prefix)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    fn maybe_name(&mut self, what: &str) -> Option<String> {
        self.rng.bool().then(|| {
            let n = self.name(what);
            format!("{}{n}", self.prefix)
        })
    }

    fn comment(&mut self) -> Option<String> {
        (self.rng.u8(..4) == 0).then(|| {
            let n = self.rng.u16(..1000);
            if self.rng.bool() {
                format!("note {n}")
            } else {
                format!("it''s {n}")
            }
        })
    }

    fn default_for(&mut self, ty: &str) -> Option<String> {
        if self.rng.u8(..3) != 0 {
            return None;
        }
        Some(match ty {
            "SMALLINT" | "INTEGER" | "BIGINT" => self.rng.u8(..10).to_string(),
            "BOOLEAN" => self.pick(&["TRUE", "FALSE"]).to_owned(),
            "REAL" | "DOUBLE PRECISION" => "1.5".to_owned(),
            t if t.starts_with("NUMERIC") => "0".to_owned(),
            "TEXT" | "VARCHAR(20)" | "VARCHAR(40)" | "CHAR(10)" => "'x'".to_owned(),
            "DATE" => "'2020-01-01'".to_owned(),
            "TIME" => "'10:00:00'".to_owned(),
            t if t.starts_with("TIMESTAMP") => "CURRENT_TIMESTAMP".to_owned(),
            _ => return None,
        })
    }

    fn column(&mut self, key: bool) -> Column {
        let ty = if key || self.rng.bool() {
            self.pick(KEY_TYPES)
        } else {
            self.pick(OTHER_TYPES)
        };
        let not_null = ty != "BLOB" && self.rng.bool();
        Column {
            name: self.name("c"),
            ty,
            not_null,
            default: self.default_for(ty),
            identity: false,
            comment: self.comment(),
            reference: false,
        }
    }

    fn table(&mut self, schema: &Schema) -> Table {
        let name = self.table_name();
        let mut columns = Vec::new();
        let mut pk = Vec::new();
        match self.rng.u8(..4) {
            0 => {
                let identity = self.rng.bool();
                columns.push(Column {
                    name: "id".to_owned(),
                    ty: "INTEGER",
                    not_null: true,
                    default: None,
                    identity,
                    comment: None,
                    reference: false,
                });
                pk.push("id".to_owned());
            }
            1 | 2 => {
                for _ in 0..self.rng.usize(1..=2) {
                    let mut c = self.column(true);
                    c.not_null = true;
                    c.default = None;
                    pk.push(c.name.clone());
                    columns.push(c);
                }
            }
            _ => {}
        }
        for _ in 0..self.rng.usize(1..=4) {
            let c = self.column(false);
            columns.push(c);
        }
        let mut table = Table {
            name,
            comment: self.comment(),
            columns,
            pk: (!pk.is_empty()).then(|| Key {
                name: self.maybe_name("pk"),
                columns: pk,
            }),
            uniques: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            fks: Vec::new(),
        };
        for _ in 0..self.rng.usize(..=1) {
            self.add_unique(&mut table);
        }
        for _ in 0..self.rng.usize(..=2) {
            self.add_index(&mut table);
        }
        if self.rng.bool() {
            self.add_check(&mut table);
        }
        // References to a table before it, or to itself.
        let mut with = schema.clone();
        with.tables.push(table);
        let me = with.tables.len() - 1;
        if self.rng.bool() {
            let to = self.rng.usize(..with.tables.len());
            let fk = self.foreign_key(&mut with, me, to);
            with.tables[me].fks.extend(fk);
        }
        with.tables.pop().expect("the new table")
    }

    /// Key-type columns of `table` holding plain values (not references).
    fn keyable(table: &Table) -> Vec<String> {
        table
            .columns
            .iter()
            .filter(|c| KEY_TYPES.contains(&c.ty) && !c.reference)
            .map(|c| c.name.clone())
            .collect()
    }

    fn some_of(&mut self, columns: &[String]) -> Vec<String> {
        let mut picked = columns.to_vec();
        self.rng.shuffle(&mut picked);
        picked.truncate(self.rng.usize(1..=2.min(columns.len())));
        picked
    }

    fn add_unique(&mut self, table: &mut Table) {
        let keyable = Self::keyable(table);
        if keyable.is_empty() {
            return;
        }
        let columns = self.some_of(&keyable);
        let taken = |cols: &Vec<String>| {
            table.uniques.iter().any(|u| &u.columns == cols)
                || table.pk.as_ref().is_some_and(|k| &k.columns == cols)
        };
        if taken(&columns) {
            return;
        }
        let name = self.maybe_name("uq");
        table.uniques.push(Key { name, columns });
    }

    fn add_index(&mut self, table: &mut Table) {
        let mut keyable = Self::keyable(table);
        keyable.extend(
            table
                .columns
                .iter()
                .filter(|c| c.reference)
                .map(|c| c.name.clone()),
        );
        if keyable.is_empty() {
            return;
        }
        let columns = self.some_of(&keyable);
        if table.indexes.iter().any(|i| i.columns == columns) {
            return;
        }
        let unique = self.rng.u8(..3) == 0
            && columns
                .iter()
                .all(|c| !table.column(c).is_some_and(|c| c.reference));
        let n = self.name("ix");
        table.indexes.push(Index {
            name: format!("{}{n}", self.prefix),
            unique,
            columns,
        });
    }

    fn add_check(&mut self, table: &mut Table) {
        let candidates: Vec<(String, String)> = table
            .columns
            .iter()
            // MariaDB refuses a check on an AUTO_INCREMENT column.
            .filter(|c| !c.reference && !c.identity && c.name != "id")
            .filter(|c| !table.checks.iter().any(|k| k.column == c.name))
            .filter_map(|c| match c.ty {
                "SMALLINT" | "INTEGER" | "BIGINT" => {
                    Some((c.name.clone(), format!("{} >= 0", c.name)))
                }
                "VARCHAR(20)" | "VARCHAR(40)" => {
                    Some((c.name.clone(), format!("{} <> ''", c.name)))
                }
                _ => None,
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let (column, expr) = candidates[self.rng.usize(..candidates.len())].clone();
        let name = self.maybe_name("ck");
        table.checks.push(Check { name, column, expr });
    }

    /// A foreign key from table `from` to table `to`'s primary key, on new
    /// nullable columns of `from`; none when `to` has no primary key.
    fn foreign_key(&mut self, schema: &mut Schema, from: usize, to: usize) -> Option<ForeignKey> {
        let target = &schema.tables[to];
        let pk = target.pk.as_ref()?;
        let refs = pk.columns.clone();
        let types: Vec<&'static str> = refs
            .iter()
            .map(|c| target.column(c).expect("a key column").ty)
            .collect();
        let target_name = target.name.clone();
        let mut columns = Vec::new();
        for ty in types {
            let name = self.name("r");
            schema.tables[from].columns.push(Column {
                name: name.clone(),
                ty,
                not_null: false,
                default: None,
                identity: false,
                comment: None,
                reference: true,
            });
            columns.push(name);
        }
        Some(ForeignKey {
            name: self.maybe_name("fk"),
            columns,
            table: target_name,
            refs,
            on_delete: self.pick(ACTIONS),
            on_update: self.pick(&[None, Some("CASCADE"), Some("NO ACTION")]),
        })
    }

    /// One change to table `t` of `schema` (or to the schema around it).
    fn change(&mut self, schema: &mut Schema, t: usize) {
        if schema.tables.is_empty() {
            let table = self.table(schema);
            schema.tables.push(table);
            return;
        }
        match self.rng.u8(..20) {
            0 => {
                let table = self.table(schema);
                schema.tables.push(table);
            }
            1 => drop_table(schema, t),
            2 => self.rename_table(schema, t),
            3 | 4 => {
                // Existing rows get NULL or the default in it: no key goes
                // on it later (see `Column::reference`).
                let mut c = self.column(false);
                if c.not_null && c.default.is_none() {
                    c.not_null = false;
                }
                c.reference = true;
                schema.tables[t].columns.push(c);
            }
            5 => self.drop_column(schema, t),
            6 => self.rename_column(schema, t),
            7 => self.widen(schema, t),
            8 => self.toggle_null(&mut schema.tables[t]),
            9 => self.change_default(&mut schema.tables[t]),
            10 => self.change_comment(&mut schema.tables[t]),
            11 => self.change_pk(schema, t),
            12 => {
                let table = &mut schema.tables[t];
                if table.uniques.is_empty() || self.rng.bool() {
                    self.add_unique(table);
                } else {
                    let k = self.rng.usize(..table.uniques.len());
                    table.uniques.remove(k);
                }
            }
            13 | 14 => self.change_index(&mut schema.tables[t]),
            15 => {
                let table = &mut schema.tables[t];
                if table.checks.is_empty() || self.rng.bool() {
                    self.add_check(table);
                } else {
                    let k = self.rng.usize(..table.checks.len());
                    table.checks.remove(k);
                }
            }
            16 | 17 => self.change_fk(schema, t),
            _ => self.toggle_identity(schema, t),
        }
    }

    fn rename_table(&mut self, schema: &mut Schema, t: usize) {
        let old = schema.tables[t].name.clone();
        let new = self.table_name();
        schema.tables[t].name = new.clone();
        self.renames = true;
        for table in &mut schema.tables {
            for fk in &mut table.fks {
                if fk.table == old {
                    fk.table = new.clone();
                }
            }
        }
    }

    /// Drops a column whose re-adding in the downgrade breaks no row: one
    /// without a default (NULL in every row then) and nullable, or one in
    /// no key, unique or check.
    fn drop_column(&mut self, schema: &mut Schema, t: usize) {
        let table = &schema.tables[t];
        let referenced = referenced_columns(schema, &table.name);
        let readdable = |table: &Table, c: &Column| {
            (!c.not_null && c.default.is_none())
                || (c.default.is_some()
                    && !table.uniques.iter().any(|u| u.columns.contains(&c.name))
                    && !table
                        .indexes
                        .iter()
                        .any(|i| i.unique && i.columns.contains(&c.name)))
        };
        // The downgrade re-adds the column as "before" has it.
        let was = self.before.table(&table.name);
        let droppable: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !c.identity && !referenced.contains(&c.name))
            .filter(|c| {
                table
                    .pk
                    .as_ref()
                    .is_none_or(|k| !k.columns.contains(&c.name))
            })
            .filter(|c| readdable(table, c))
            .filter(|c| {
                was.is_none_or(|was| was.column(&c.name).is_none_or(|old| readdable(was, old)))
            })
            .map(|c| c.name.clone())
            .collect();
        if droppable.is_empty() || table.columns.len() < 2 {
            return;
        }
        let name = droppable[self.rng.usize(..droppable.len())].clone();
        let table = &mut schema.tables[t];
        table.forget(&name);
        table.columns.retain(|c| c.name != name);
    }

    fn rename_column(&mut self, schema: &mut Schema, t: usize) {
        let table = &schema.tables[t];
        let referenced = referenced_columns(schema, &table.name);
        // A column changed before its rename is dropped and added, not
        // renamed (see `drop_column` for why that matters).
        let was = self.before.table(&table.name);
        let candidates: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !referenced.contains(&c.name) && c.name != "id")
            .filter(|c| was.is_none_or(|was| was.column(&c.name).is_none_or(|old| old == *c)))
            .map(|c| c.name.clone())
            .collect();
        if candidates.is_empty() {
            return;
        }
        let old = candidates[self.rng.usize(..candidates.len())].clone();
        let new = self.name("c");
        let table = &mut schema.tables[t];
        let rename = |cols: &mut Vec<String>| {
            for c in cols.iter_mut() {
                if *c == old {
                    *c = new.clone();
                }
            }
        };
        // Changed again, it is no longer a rename but a drop and an add,
        // whose re-adding in the downgrade the rows may not allow.
        let column = table.column_mut(&old).expect("the column");
        column.name = new.clone();
        column.reference = true;
        self.renames = true;
        if let Some(pk) = &mut table.pk {
            rename(&mut pk.columns);
        }
        table
            .uniques
            .iter_mut()
            .for_each(|k| rename(&mut k.columns));
        table
            .indexes
            .iter_mut()
            .for_each(|k| rename(&mut k.columns));
        table.fks.iter_mut().for_each(|k| rename(&mut k.columns));
        for check in &mut table.checks {
            if check.column == old {
                check.column = new.clone();
                check.expr = check.expr.replacen(&old, &new, 1);
            }
        }
    }

    fn widen(&mut self, schema: &mut Schema, t: usize) {
        let table = &schema.tables[t];
        let referenced = referenced_columns(schema, &table.name);
        let candidates: Vec<(String, &'static str)> = table
            .columns
            .iter()
            .filter(|c| !c.reference && !c.identity && !referenced.contains(&c.name))
            .filter_map(|c| {
                WIDER
                    .iter()
                    .find(|(from, to)| {
                        *from == c.ty
                            // No index on TEXT, and a check's comparison
                            // keeps its type.
                            && (KEY_TYPES.contains(to) || !table.uses(&c.name))
                            && !(c.ty == "INTEGER" && table.uses(&c.name))
                            && !(c.ty == "TEXT" && c.default.is_some())
                    })
                    .map(|(_, to)| (c.name.clone(), *to))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let (name, to) = candidates[self.rng.usize(..candidates.len())].clone();
        let column = schema.tables[t].column_mut(&name).expect("the column");
        if column.ty == "INTEGER" && column.default.is_some() && to.starts_with("VARCHAR") {
            column.default = Some("'0'".to_owned());
        }
        column.ty = to;
    }

    fn toggle_null(&mut self, table: &mut Table) {
        let pk: Vec<String> = table
            .pk
            .as_ref()
            .map(|k| k.columns.clone())
            .unwrap_or_default();
        let candidates: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !c.reference && c.ty != "BLOB" && !pk.contains(&c.name))
            .map(|c| c.name.clone())
            .collect();
        if candidates.is_empty() {
            return;
        }
        let name = candidates[self.rng.usize(..candidates.len())].clone();
        let column = table.column_mut(&name).expect("the column");
        column.not_null = !column.not_null;
    }

    fn change_default(&mut self, table: &mut Table) {
        let candidates: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !c.reference && !c.identity)
            .map(|c| c.name.clone())
            .collect();
        if candidates.is_empty() {
            return;
        }
        let name = candidates[self.rng.usize(..candidates.len())].clone();
        let ty = table.column(&name).expect("the column").ty;
        let default =
            if table.column(&name).expect("the column").default.is_some() && self.rng.bool() {
                None
            } else {
                let mut d = None;
                for _ in 0..4 {
                    d = self.default_for(ty);
                    if d.is_some() {
                        break;
                    }
                }
                d
            };
        table.column_mut(&name).expect("the column").default = default;
    }

    fn change_comment(&mut self, table: &mut Table) {
        if self.rng.bool() {
            table.comment = if table.comment.is_some() && self.rng.bool() {
                None
            } else {
                Some(format!("table {}", self.rng.u16(..1000)))
            };
        } else {
            let k = self.rng.usize(..table.columns.len());
            let column = &mut table.columns[k];
            column.comment = if column.comment.is_some() && self.rng.bool() {
                None
            } else {
                Some(format!("column {}", self.rng.u16(..1000)))
            };
        }
    }

    /// A new primary key (or none) on a table without identity; foreign
    /// keys that referenced the old one go with it.
    fn change_pk(&mut self, schema: &mut Schema, t: usize) {
        let table = &schema.tables[t];
        if table.columns.iter().any(|c| c.identity) {
            return;
        }
        let keyable = Self::keyable(table);
        let name = table.name.clone();
        let new = if keyable.is_empty() || (table.pk.is_some() && self.rng.u8(..4) == 0) {
            None
        } else {
            Some(Key {
                name: self.maybe_name("pk"),
                columns: self.some_of(&keyable),
            })
        };
        if new == schema.tables[t].pk {
            return;
        }
        for other in &mut schema.tables {
            other.fks.retain(|f| f.table != name);
        }
        let table = &mut schema.tables[t];
        if let Some(pk) = &new {
            for c in &pk.columns {
                table.column_mut(c).expect("the column").not_null = true;
            }
        }
        table.pk = new;
    }

    fn change_index(&mut self, table: &mut Table) {
        if table.indexes.is_empty() || self.rng.u8(..3) == 0 {
            self.add_index(table);
            return;
        }
        let k = self.rng.usize(..table.indexes.len());
        match self.rng.u8(..3) {
            0 => {
                table.indexes.remove(k);
            }
            1 => {
                // The same name on other columns.
                let name = table.indexes[k].name.clone();
                table.indexes.remove(k);
                self.add_index(table);
                if let Some(last) = table.indexes.last_mut() {
                    last.name = name;
                }
            }
            _ => {
                let index = &mut table.indexes[k];
                let plain = index
                    .columns
                    .iter()
                    .all(|c| !table.columns.iter().any(|x| &x.name == c && x.reference));
                index.unique = !index.unique && plain;
            }
        }
    }

    fn change_fk(&mut self, schema: &mut Schema, t: usize) {
        let table = &mut schema.tables[t];
        if !table.fks.is_empty() && self.rng.bool() {
            let k = self.rng.usize(..table.fks.len());
            if self.rng.bool() {
                table.fks.remove(k);
            } else {
                let fk = &mut table.fks[k];
                fk.on_delete = self.pick(ACTIONS);
                fk.on_update = self.pick(&[None, Some("CASCADE"), Some("NO ACTION")]);
            }
            return;
        }
        let to = self.rng.usize(..schema.tables.len());
        if let Some(fk) = self.foreign_key(schema, t, to) {
            schema.tables[t].fks.push(fk);
        }
    }

    fn toggle_identity(&mut self, schema: &mut Schema, t: usize) {
        let table = &mut schema.tables[t];
        let single_id = table.pk.as_ref().is_some_and(|k| k.columns == ["id"]);
        if let Some(id) = table.columns.iter_mut().find(|c| c.name == "id")
            && single_id
            && id.ty == "INTEGER"
            && id.default.is_none()
        {
            id.identity = !id.identity;
        }
        let _ = self.rng.bool();
    }
}

/// The columns of `table` that a foreign key of any table references.
fn referenced_columns(schema: &Schema, table: &str) -> Vec<String> {
    schema
        .tables
        .iter()
        .flat_map(|t| &t.fks)
        .filter(|f| f.table == table)
        .flat_map(|f| f.refs.clone())
        .collect()
}

/// Drops table `t` and every foreign key that references it.
fn drop_table(schema: &mut Schema, t: usize) {
    let name = schema.tables.remove(t).name;
    for table in &mut schema.tables {
        table.fks.retain(|f| f.table != name);
    }
}
