//! Portable column types (docs/portable-sql.md): one name each, rendered per dialect by
//! the dialects; anything else is kept verbatim.

use std::fmt;

/// A column type. More portable types may come, hence `#[non_exhaustive]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Type {
    /// `SMALLINT`: 2 bytes.
    SmallInt,
    /// `INTEGER`: 4 bytes.
    Integer,
    /// `BIGINT`: 8 bytes.
    BigInt,
    /// `BOOLEAN` (`TINYINT(1)` on MySQL).
    Boolean,
    /// `REAL`: single precision.
    Real,
    /// `DOUBLE PRECISION`.
    Double,
    /// `NUMERIC(p,s)` and `DECIMAL(p,s)`, which every dialect treats alike.
    Numeric {
        /// Total digits, when given.
        precision: Option<u32>,
        /// Digits after the point, when given.
        scale: Option<u32>,
    },
    /// `VARCHAR(n)`; MySQL needs the length.
    Varchar(Option<u32>),
    /// `CHAR(n)`.
    Char(Option<u32>),
    /// `TEXT`: unbounded text.
    Text,
    /// `DATE`.
    Date,
    /// `TIME` without time zone.
    Time,
    /// `TIMESTAMP` without time zone.
    Timestamp,
    /// `TIMESTAMP WITH TIME ZONE`.
    TimestampTz,
    /// `BLOB`: bytes (`BYTEA` on PostgreSQL).
    Blob,
    /// `JSON` (`JSONB` on PostgreSQL).
    Json,
    /// `UUID` (`CHAR(36)` on MySQL).
    Uuid,
    /// A type retort has no portable name for, as written.
    Other(String),
}

impl Type {
    /// True for the integer types, which SQLite's `INTEGER PRIMARY KEY`
    /// and the identity columns need.
    pub fn is_integer(&self) -> bool {
        matches!(self, Type::SmallInt | Type::Integer | Type::BigInt)
    }

    /// True for every numeric type: the integers, the floating-point types
    /// and `NUMERIC`.
    pub fn is_number(&self) -> bool {
        self.is_integer() || matches!(self, Type::Real | Type::Double | Type::Numeric { .. })
    }
}

/// The portable spelling, as a revision or model file writes it.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let length = |f: &mut fmt::Formatter<'_>, name: &str, n: &Option<u32>| match n {
            Some(n) => write!(f, "{name}({n})"),
            None => f.write_str(name),
        };
        match self {
            Type::SmallInt => f.write_str("SMALLINT"),
            Type::Integer => f.write_str("INTEGER"),
            Type::BigInt => f.write_str("BIGINT"),
            Type::Boolean => f.write_str("BOOLEAN"),
            Type::Real => f.write_str("REAL"),
            Type::Double => f.write_str("DOUBLE PRECISION"),
            Type::Numeric {
                precision: Some(p),
                scale: Some(s),
            } => write!(f, "NUMERIC({p}, {s})"),
            Type::Numeric {
                precision: Some(p),
                scale: None,
            } => write!(f, "NUMERIC({p})"),
            Type::Numeric { .. } => f.write_str("NUMERIC"),
            Type::Varchar(n) => length(f, "VARCHAR", n),
            Type::Char(n) => length(f, "CHAR", n),
            Type::Text => f.write_str("TEXT"),
            Type::Date => f.write_str("DATE"),
            Type::Time => f.write_str("TIME"),
            Type::Timestamp => f.write_str("TIMESTAMP"),
            Type::TimestampTz => f.write_str("TIMESTAMP WITH TIME ZONE"),
            Type::Blob => f.write_str("BLOB"),
            Type::Json => f.write_str("JSON"),
            Type::Uuid => f.write_str("UUID"),
            Type::Other(text) => f.write_str(text),
        }
    }
}
