//! retort's own writes to its version and log tables, kept as statement
//! text plus values: a live run binds the values as parameters, so nothing
//! in a revision file (a downgrade section, an error message) is ever
//! parsed as SQL; a script (`--sql`) writes them as literals quoted for any
//! server setting ([`Dialect::script_literal`]).

use crate::connection::Bound;
use crate::dialect::Dialect;

/// A value in a bookkeeping statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Time(jiff::Timestamp),
    /// The id of the log row this run inserted when the revision started
    /// (see [`Write::returns_id`]).
    StartedRow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Sql(String),
    Value(Value),
}

/// One statement of retort's bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pieces: Vec<Piece>,
    /// How many rows it must change; a write that changes fewer means
    /// someone else moved the table, and stops the run.
    pub rows: Option<u64>,
    /// An INSERT into the log whose new id later writes name as
    /// [`Value::StartedRow`].
    pub returns_id: bool,
    /// The statement returns the number of rows each write it holds
    /// changed, one per column, instead of the driver's count (writes
    /// combined in one statement on PostgreSQL).
    pub counted: bool,
}

impl Write {
    /// A statement that starts with `sql` and must change `rows` rows.
    pub fn new(sql: impl Into<String>, rows: Option<u64>) -> Self {
        Write {
            pieces: vec![Piece::Sql(sql.into())],
            rows,
            returns_id: false,
            counted: false,
        }
    }

    /// Appends SQL text.
    pub fn sql(mut self, sql: &str) -> Self {
        self.pieces.push(Piece::Sql(sql.to_owned()));
        self
    }

    /// Appends a value.
    pub fn value(mut self, value: Value) -> Self {
        self.pieces.push(Piece::Value(value));
        self
    }

    /// Appends a text value.
    pub fn text(self, text: &str) -> Self {
        self.value(Value::Text(Some(text.to_owned())))
    }

    /// The statement with placeholders, and the values to bind to them in
    /// order; `started` is the id [`Value::StartedRow`] stands for.
    pub fn bound(&self, dialect: &dyn Dialect, started: Option<i64>) -> (String, Vec<Bound>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Sql(text) => sql.push_str(text),
                Piece::Value(value) => {
                    let placeholder = dialect.placeholder(values.len() + 1);
                    let (text, bound) = match value {
                        Value::Text(text) => (placeholder, Bound::Text(text.clone())),
                        Value::Int(number) => (placeholder, Bound::Int(*number)),
                        Value::Bool(flag) => (placeholder, Bound::Bool(*flag)),
                        Value::Time(at) => (
                            dialect.timestamp_parameter(&placeholder),
                            Bound::Text(Some(dialect.timestamp_text(*at))),
                        ),
                        Value::StartedRow => (placeholder, Bound::Int(started)),
                    };
                    sql.push_str(&text);
                    values.push(bound);
                }
            }
        }
        (sql, values)
    }

    /// The statement with its values written as literals, for a script.
    pub fn literal(&self, dialect: &dyn Dialect, log_table: &str) -> String {
        let mut sql = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Sql(text) => sql.push_str(text),
                Piece::Value(Value::Text(None) | Value::Int(None)) => sql.push_str("NULL"),
                Piece::Value(Value::Text(Some(text))) => {
                    sql.push_str(&dialect.script_literal(text))
                }
                Piece::Value(Value::Int(Some(number))) => sql.push_str(&number.to_string()),
                Piece::Value(Value::Bool(flag)) => sql.push_str(dialect.bool_literal(*flag)),
                Piece::Value(Value::Time(at)) => {
                    sql.push_str(&dialect.script_literal(&dialect.timestamp_text(*at)))
                }
                // A script runs alone, so the newest log row is the one it
                // inserted. The derived table lets MySQL read the table an
                // UPDATE changes (error 1093 otherwise):
                // https://dev.mysql.com/doc/refman/8.0/en/update.html
                Piece::Value(Value::StartedRow) => sql.push_str(&format!(
                    "(SELECT id FROM (SELECT MAX(id) AS id FROM {log_table}) AS started)"
                )),
            }
        }
        sql
    }

    /// Several writes that each change one row as one statement, where the
    /// database can run data-modifying statements in a `WITH` clause
    /// (PostgreSQL): one round trip, whose one row holds the number of rows
    /// each of them changed.
    /// <https://www.postgresql.org/docs/current/queries-with.html#QUERIES-WITH-MODIFYING>
    pub fn combined(dialect: &dyn Dialect, writes: &[Write]) -> Option<Write> {
        if !dialect.writes_in_with() || writes.len() < 2 {
            return None;
        }
        if writes
            .iter()
            .any(|w| w.rows != Some(1) || w.returns_id || w.counted)
        {
            return None;
        }
        let mut pieces = vec![Piece::Sql("WITH ".to_owned())];
        let mut counts = Vec::new();
        for (index, write) in writes.iter().enumerate() {
            if index > 0 {
                pieces.push(Piece::Sql(", ".to_owned()));
            }
            pieces.push(Piece::Sql(format!("w{index} AS (")));
            pieces.extend(write.pieces.iter().cloned());
            pieces.push(Piece::Sql(" RETURNING 1)".to_owned()));
            counts.push(format!("(SELECT COUNT(*) FROM w{index})"));
        }
        pieces.push(Piece::Sql(format!(" SELECT {}", counts.join(", "))));
        Some(Write {
            pieces,
            rows: Some(writes.len() as u64),
            returns_id: false,
            counted: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::DialectKind;
    use crate::dialect::dialect;

    fn update() -> Write {
        Write::new("UPDATE v SET version_num = ", Some(1))
            .text("b")
            .sql(" WHERE version_num = ")
            .text("a")
    }

    #[test]
    fn live_statements_carry_placeholders_only() {
        let (sql, values) = update().bound(dialect(DialectKind::Postgres), None);
        assert_eq!(sql, "UPDATE v SET version_num = $1 WHERE version_num = $2");
        assert_eq!(
            values,
            [Bound::Text(Some("b".into())), Bound::Text(Some("a".into()))]
        );
        let (sql, _) = update().bound(dialect(DialectKind::Mysql), None);
        assert_eq!(sql, "UPDATE v SET version_num = ? WHERE version_num = ?");
    }

    #[test]
    fn writes_combine_on_postgres_only() {
        let both = [update(), update()];
        assert!(Write::combined(dialect(DialectKind::Mysql), &both).is_none());
        let one = Write::combined(dialect(DialectKind::Postgres), &both).expect("combined");
        let (sql, values) = one.bound(dialect(DialectKind::Postgres), None);
        assert_eq!(
            sql,
            "WITH w0 AS (UPDATE v SET version_num = $1 WHERE version_num = $2 RETURNING 1), \
             w1 AS (UPDATE v SET version_num = $3 WHERE version_num = $4 RETURNING 1) \
             SELECT (SELECT COUNT(*) FROM w0), (SELECT COUNT(*) FROM w1)"
        );
        assert_eq!(values.len(), 4);
        assert_eq!(one.rows, Some(2));
    }
}
