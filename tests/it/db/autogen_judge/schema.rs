//! The judge's own small schema model, written out as portable DDL
//! (docs/portable-sql.md) and as rows that satisfy it.

use super::super::Backend;

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: &'static str,
    pub not_null: bool,
    pub default: Option<String>,
    pub identity: bool,
    pub comment: Option<String>,
    /// A column that holds a foreign key, or one added by the change: NULL
    /// (or its default) in every row, so no primary key, unique or NOT NULL
    /// goes on it, and a foreign key added to it meets no unmatched row.
    pub reference: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub name: String,
    pub unique: bool,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: Option<String>,
    pub column: String,
    pub expr: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub table: String,
    pub refs: Vec<String>,
    pub on_delete: Option<&'static str>,
    pub on_update: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    pub pk: Option<Key>,
    pub uniques: Vec<Key>,
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
    pub fks: Vec<ForeignKey>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    pub tables: Vec<Table>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// True when a key, index, check or foreign key of the table uses `column`.
    pub fn uses(&self, column: &str) -> bool {
        let has = |cols: &[String]| cols.iter().any(|c| c == column);
        self.pk.as_ref().is_some_and(|k| has(&k.columns))
            || self.uniques.iter().any(|k| has(&k.columns))
            || self.indexes.iter().any(|i| has(&i.columns))
            || self.checks.iter().any(|c| c.column == column)
            || self.fks.iter().any(|f| has(&f.columns))
    }

    /// Takes out every key, index, check and foreign key that uses `column`.
    pub fn forget(&mut self, column: &str) {
        let has = |cols: &[String]| cols.iter().any(|c| c == column);
        if self.pk.as_ref().is_some_and(|k| has(&k.columns)) {
            self.pk = None;
        }
        self.uniques.retain(|k| !has(&k.columns));
        self.indexes.retain(|i| !has(&i.columns));
        self.checks.retain(|c| c.column != column);
        self.fks.retain(|f| !has(&f.columns));
    }

    pub fn ddl(&self) -> String {
        let mut parts: Vec<String> = self.columns.iter().map(column_ddl).collect();
        if let Some(pk) = &self.pk {
            parts.push(format!(
                "{}PRIMARY KEY ({})",
                named(&pk.name),
                pk.columns.join(", ")
            ));
        }
        for unique in &self.uniques {
            parts.push(format!(
                "{}UNIQUE ({})",
                named(&unique.name),
                unique.columns.join(", ")
            ));
        }
        for check in &self.checks {
            parts.push(format!("{}CHECK ({})", named(&check.name), check.expr));
        }
        for fk in &self.fks {
            let mut text = format!(
                "{}FOREIGN KEY ({}) REFERENCES {} ({})",
                named(&fk.name),
                fk.columns.join(", "),
                fk.table,
                fk.refs.join(", ")
            );
            if let Some(action) = fk.on_delete {
                text.push_str(&format!(" ON DELETE {action}"));
            }
            if let Some(action) = fk.on_update {
                text.push_str(&format!(" ON UPDATE {action}"));
            }
            parts.push(text);
        }
        let mut ddl = format!(
            "CREATE TABLE {} (\n    {}\n);\n",
            self.name,
            parts.join(",\n    ")
        );
        for index in &self.indexes {
            ddl.push_str(&format!(
                "CREATE {}INDEX {} ON {} ({});\n",
                if index.unique { "UNIQUE " } else { "" },
                index.name,
                self.name,
                index.columns.join(", ")
            ));
        }
        if let Some(comment) = &self.comment {
            ddl.push_str(&format!("COMMENT ON TABLE {} IS '{comment}';\n", self.name));
        }
        for column in &self.columns {
            if let Some(comment) = &column.comment {
                ddl.push_str(&format!(
                    "COMMENT ON COLUMN {}.{} IS '{comment}';\n",
                    self.name, column.name
                ));
            }
        }
        ddl
    }

    /// `rows` INSERTs that satisfy the table and any key, unique or check
    /// the generator may add later: every value differs between rows, none
    /// is negative or empty, and reference columns are NULL.
    pub fn inserts(&self, rows: usize) -> Vec<String> {
        (1..=rows)
            .map(|row| {
                let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
                let values: Vec<String> = self
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(k, c)| value(c, row, k))
                    .collect();
                format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    self.name,
                    names.join(", "),
                    values.join(", ")
                )
            })
            .collect()
    }
}

fn named(name: &Option<String>) -> String {
    name.as_ref()
        .map_or_else(String::new, |n| format!("CONSTRAINT {n} "))
}

fn column_ddl(column: &Column) -> String {
    let mut text = format!("{} {}", column.name, column.ty);
    if column.identity {
        text.push_str(" GENERATED BY DEFAULT AS IDENTITY");
    }
    if column.not_null {
        text.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        text.push_str(&format!(" DEFAULT {default}"));
    }
    text
}

/// Row `row`'s value in the `k`-th column.
fn value(column: &Column, row: usize, k: usize) -> String {
    if column.reference {
        return "NULL".to_owned();
    }
    let n = row * 100 + k;
    match column.ty {
        "SMALLINT" | "INTEGER" | "BIGINT" => n.to_string(),
        "BOOLEAN" => if row.is_multiple_of(2) {
            "TRUE"
        } else {
            "FALSE"
        }
        .to_owned(),
        "REAL" | "DOUBLE PRECISION" => format!("{row}.5"),
        t if t.starts_with("NUMERIC") => format!("{n}.25"),
        "TEXT" => format!("'text {n}'"),
        t if t.starts_with("VARCHAR") || t.starts_with("CHAR") => format!("'v{n}'"),
        "DATE" => format!("'2020-0{}-{:02}'", row, k + 1),
        "TIME" => format!("'10:{:02}:0{row}'", k),
        t if t.starts_with("TIMESTAMP") => format!("'2020-0{row}-{:02} 10:00:00'", k + 1),
        "JSON" => format!("'{{\"k\": {n}}}'"),
        "UUID" => format!("'00000000-0000-0000-0000-{n:012}'"),
        _ => "NULL".to_owned(),
    }
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn ddl(&self) -> String {
        self.tables.iter().map(Table::ddl).collect()
    }
}

/// One row of `table` as text, its columns `columns` joined by `|`, for
/// comparing a table's rows before and after a round trip.
pub fn row_select(backend: Backend, table: &str, columns: &[&str]) -> String {
    let text = |c: &str| match backend {
        Backend::Mysql => format!("COALESCE(CAST({c} AS CHAR), 'NULL')"),
        _ => format!("COALESCE(CAST({c} AS TEXT), 'NULL')"),
    };
    let parts: Vec<String> = columns.iter().map(|c| text(c)).collect();
    let joined = match backend {
        Backend::Mysql => format!("CONCAT({})", parts.join(", '|', ")),
        _ => parts.join(" || '|' || "),
    };
    format!("SELECT {joined} FROM {table}")
}
