//! The portable writer's tests: every fixture and generated schemas read
//! back (`sql::parse`) to what was written, and sections as snapshotted.

use super::spelling::RESERVED;
use super::*;
use crate::dialect::fixtures::fixtures;
use crate::schema::Action;
use crate::schema::{Check, PrimaryKey, Unique};
use crate::schema::{Default, ForeignKey, Table, Type};
use crate::sql::parse::{parse, parse_schema};

/// The parsed ops of a section, which must all be schema ops.
fn try_parsed(sql: &str, before: &Schema) -> Result<Vec<Op>, String> {
    let ops: Vec<Op> = parse(sql, before)
        .map_err(|e| format!("{e}\n{sql}"))?
        .into_iter()
        .flat_map(|p| p.ops)
        .collect();
    match ops.iter().find(|op| matches!(op, Op::Raw(_) | Op::Data(_))) {
        Some(op) => Err(format!("not understood: {op:?}\n{sql}")),
        None => Ok(ops),
    }
}

fn try_applied(ops: &[Op], before: &Schema) -> Result<Schema, String> {
    let mut schema = before.clone();
    for op in ops {
        op.apply(&mut schema).map_err(|e| format!("{e}: {op:?}"))?;
    }
    Ok(normalized(schema))
}

/// A `Type::Other` comes back as the parser reads its text: that is the
/// promise for a type retort has no name for.
fn normalized(mut schema: Schema) -> Schema {
    for column in schema.tables.iter_mut().flat_map(|t| &mut t.columns) {
        if let Type::Other(text) = &column.ty {
            let sql = format!("CREATE TABLE x (c {text})");
            column.ty = parse_schema(&sql).unwrap().tables[0].columns[0].ty.clone();
        }
    }
    schema
}

/// Writes `ops`, parses the text back, and checks the parsed ops leave
/// the schema as `ops` do; returns the parsed ops.
fn round_trip(ops: &[Op], before: &Schema) -> Vec<Op> {
    try_round_trip(ops, before).unwrap_or_else(|e| panic!("{e}"))
}

fn try_round_trip(ops: &[Op], before: &Schema) -> Result<Vec<Op>, String> {
    let sql = write_ops(ops, before);
    let back = try_parsed(&sql, before)?;
    let (got, expected) = (try_applied(&back, before)?, try_applied(ops, before)?);
    if got != expected {
        return Err(format!(
            "{sql}\nreads back as {got:#?}\ninstead of {expected:#?}"
        ));
    }
    Ok(back)
}

/// One fixture's op: the schema comes out the same; a single statement
/// parses back to exactly the op.
fn check_fixture(name: &str, op: &Op, before: &Schema) {
    let statements = write_op(op, before);
    let back = round_trip(std::slice::from_ref(op), before);
    if statements.len() == 1 {
        let mut exact = op.clone();
        if let Op::CreateTable(table) = &mut exact {
            *table = normalized(Schema {
                tables: vec![table.clone()],
            })
            .tables
            .remove(0);
        }
        assert_eq!(back, [exact], "{name}: {statements:?}");
    }
}

#[test]
fn every_fixture_and_its_reverse_read_back() {
    for (name, op, before) in fixtures() {
        check_fixture(name, &op, &before);
        let mut after = before.clone();
        op.apply(&mut after).unwrap();
        let reverse = op.reverse().expect("fixtures reverse");
        check_fixture(&format!("{name} reversed"), &reverse, &after);
    }
}

#[test]
fn data_and_raw_are_written_as_they_are() {
    assert!(!ends_in_line_comment("SELECT '--' -- x\n"));
    assert!(!ends_in_line_comment("SELECT '--', \"a--b\""));
    assert!(ends_in_line_comment("SELECT 1 -- it's"));
    let ops = [
        Op::Data("INSERT INTO t (a) VALUES ('x;y')".into()),
        Op::Raw("SELECT 1 -- and a comment".into()),
        Op::Raw("CREATE VIEW v AS SELECT 1".into()),
    ];
    let sql = write_ops(&ops, &Schema::default());
    assert_eq!(
        sql,
        "INSERT INTO t (a) VALUES ('x;y');\nSELECT 1 -- and a comment\n;\n\
         CREATE VIEW v AS SELECT 1;"
    );
    // A leading comment does not make the statement a comment.
    let commented = [Op::Raw("-- why\nDELETE FROM t".into())];
    assert_eq!(
        write_ops(&commented, &Schema::default()),
        "-- why\nDELETE FROM t;"
    );
    let back: Vec<Op> = parse(&sql, &Schema::default())
        .unwrap()
        .into_iter()
        .flat_map(|p| p.ops)
        .collect();
    // The splitter leaves a statement's trailing comment out.
    assert_eq!(back[0], ops[0]);
    assert_eq!(back[1], Op::Raw("SELECT 1".into()));
    assert_eq!(back[2], ops[2]);
}

#[test]
fn an_op_that_changes_nothing_writes_nothing() {
    let column = Column::new("c", Type::Text);
    let ops = [
        Op::AlterColumn {
            table: "t".into(),
            from: column.clone(),
            to: column,
        },
        Op::SetTableComment {
            table: "t".into(),
            from: Some("x".into()),
            to: Some("x".into()),
        },
    ];
    assert_eq!(write_ops(&ops, &Schema::default()), "");
}

#[test]
fn names_are_quoted_only_when_needed() {
    let cases = [
        ("users", "users"),
        ("_tmp2", "_tmp2"),
        ("name", "name"),
        ("Users", "\"Users\""),
        ("2fa", "\"2fa\""),
        ("user", "\"user\""),
        ("order", "\"order\""),
        ("a b", "\"a b\""),
        ("a\"b", "\"a\"\"b\""),
        ("é", "\"é\""),
        ("", "\"\""),
    ];
    for (name, expected) in cases {
        assert_eq!(ident(name), expected);
    }
    assert!(
        RESERVED.windows(2).all(|w| w[0] < w[1]),
        "RESERVED is sorted"
    );
}

/// Every word `sqlparser` knows as a keyword, where the writer leaves it
/// bare, must still read back as a name in every place a name stands.
#[test]
fn every_bare_keyword_reads_back_as_a_name() {
    let mut failures = Vec::new();
    for keyword in sqlparser::keywords::ALL_KEYWORDS {
        let k = keyword.to_ascii_lowercase();
        if ident(&k).starts_with('"') {
            continue;
        }
        if keyword_round_trip(&k).is_err() {
            failures.push(k);
        }
    }
    assert!(failures.is_empty(), "to quote: {failures:?}");
}

fn keyword_round_trip(k: &str) -> Result<(), String> {
    let mut table = Table::new(k);
    table.columns = vec![
        Column {
            nullable: false,
            default: Some(Default::Number("1".into())),
            comment: Some(k.into()),
            ..Column::new(k, Type::Integer)
        },
        Column::new("c", Type::Integer),
    ];
    table.primary_key = Some(PrimaryKey {
        name: Some(k.into()),
        columns: vec![k.into()],
    });
    table.uniques = vec![Unique {
        name: None,
        columns: vec![k.into(), "c".into()],
    }];
    table.foreign_keys = vec![ForeignKey {
        name: Some(format!("{k}_fk")),
        columns: vec!["c".into()],
        referenced_table: k.into(),
        referenced_columns: vec![k.into()],
        on_delete: None,
        on_update: None,
    }];
    table.indexes = vec![Index {
        name: k.into(),
        columns: vec!["c".into(), k.into()],
        unique: false,
    }];
    table.comment = Some(k.into());
    let schema = Schema {
        tables: vec![table.clone()],
    };
    let sql = write_schema(&schema);
    if parse_schema(&sql).ok().as_ref() != Some(&schema) {
        return Err(sql);
    }

    let column = table.columns[0].clone();
    let ops = [
        Op::DropIndex {
            table: k.into(),
            index: table.indexes[0].clone(),
        },
        Op::DropUnique {
            table: k.into(),
            unique: table.uniques[0].clone(),
        },
        Op::DropForeignKey {
            table: k.into(),
            key: table.foreign_keys[0].clone(),
        },
        Op::DropPrimaryKey {
            table: k.into(),
            key: table.primary_key.clone().unwrap(),
        },
        Op::AlterColumn {
            table: k.into(),
            from: column.clone(),
            to: Column {
                ty: Type::BigInt,
                nullable: true,
                default: None,
                comment: None,
                ..column.clone()
            },
        },
        Op::RenameColumn {
            table: k.into(),
            from: "c".into(),
            to: format!("{k}_c"),
        },
        Op::RenameColumn {
            table: k.into(),
            from: k.into(),
            to: "c".into(),
        },
        Op::AddColumn {
            table: k.into(),
            column: Column::new(k, Type::Text),
        },
        Op::DropColumn {
            table: k.into(),
            column: Column::new(k, Type::Text),
        },
        Op::RenameTable {
            from: k.into(),
            to: "t".into(),
        },
        Op::RenameTable {
            from: "t".into(),
            to: k.into(),
        },
        Op::SetTableComment {
            table: k.into(),
            from: Some(k.into()),
            to: None,
        },
        Op::DropTable(Table::new(k)),
    ];
    // The last op's table is whatever the others left.
    let mut ops = ops.to_vec();
    let mut state = schema.clone();
    for op in &ops[..ops.len() - 1] {
        op.apply(&mut state).unwrap();
    }
    let last = ops.len() - 1;
    ops[last] = Op::DropTable(state.tables[0].clone());
    try_round_trip(&ops, &schema).map(|_| ())
}

fn column(name: &str, ty: Type) -> Column {
    Column::new(name, ty)
}

fn not_null(name: &str, ty: Type) -> Column {
    Column {
        nullable: false,
        ..Column::new(name, ty)
    }
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

fn key_to(table: &str, columns: &[&str], referenced: &[&str]) -> ForeignKey {
    ForeignKey {
        name: None,
        columns: names(columns),
        referenced_table: table.into(),
        referenced_columns: names(referenced),
        on_delete: None,
        on_update: None,
    }
}

/// A shop: every portable type, composite keys, a self-reference,
/// named and unnamed constraints, comments, indexes, awkward names.
fn realistic() -> Schema {
    let numeric = |p, s| Type::Numeric {
        precision: p,
        scale: s,
    };
    let mut account = Table::new("account");
    account.columns = vec![
        Column {
            identity: true,
            ..not_null("id", Type::BigInt)
        },
        Column {
            comment: Some("shown to others; unique".into()),
            ..not_null("handle", Type::Varchar(Some(40)))
        },
        column("country", Type::Char(Some(2))),
        Column {
            default: Some(Default::CurrentTimestamp),
            ..not_null("created_at", Type::TimestampTz)
        },
        Column {
            default: Some(Default::Bool(true)),
            ..not_null("active", Type::Boolean)
        },
        column("avatar", Type::Blob),
        Column {
            default: Some(Default::String("{}".into())),
            ..column("settings", Type::Json)
        },
        column("token", Type::Uuid),
        column("referrer_id", Type::BigInt),
        column("Display Name", Type::Text),
    ];
    account.primary_key = Some(PrimaryKey {
        name: None,
        columns: names(&["id"]),
    });
    account.uniques = vec![Unique {
        name: Some("uq_account_handle".into()),
        columns: names(&["handle"]),
    }];
    account.checks = vec![Check {
        name: None,
        expression: "char_length(handle) >= 3".into(),
    }];
    account.foreign_keys = vec![ForeignKey {
        on_delete: Some(Action::SetNull),
        ..key_to("account", &["referrer_id"], &["id"])
    }];
    account.indexes = vec![Index {
        name: "ix_account_country".into(),
        columns: names(&["country", "created_at"]),
        unique: false,
    }];
    account.comment = Some("someone who signs in, or 'did'".into());

    let mut product = Table::new("product");
    product.columns = vec![
        not_null("sku", Type::Varchar(Some(20))),
        not_null("variant", Type::SmallInt),
        Column {
            default: Some(Default::Number("0".into())),
            ..not_null("price", numeric(Some(12), Some(2)))
        },
        Column {
            default: Some(Default::Number("-1.5".into())),
            ..column("weight", Type::Real)
        },
        column("ratio", Type::Double),
        column("amount", numeric(Some(8), None)),
        column("exact", numeric(None, None)),
        column("stock", Type::Integer),
        Column {
            default: Some(Default::CurrentDate),
            ..column("listed_on", Type::Date)
        },
        Column {
            default: Some(Default::CurrentTime),
            ..column("opens_at", Type::Time)
        },
        Column {
            default: Some(Default::Null),
            ..column("discontinued_at", Type::Timestamp)
        },
        Column {
            default: Some(Default::Expression("1 + 2".into())),
            ..column("computed", Type::Integer)
        },
        column("notes", Type::Varchar(None)),
        column("tags", Type::Other("TEXT[]".into())),
        column("user", Type::Text),
    ];
    product.primary_key = Some(PrimaryKey {
        name: Some("pk_product".into()),
        columns: names(&["sku", "variant"]),
    });
    product.checks = vec![
        Check {
            name: Some("ck_product_price".into()),
            expression: "price >= 0".into(),
        },
        Check {
            name: None,
            expression: "stock IS NULL OR stock >= 0".into(),
        },
    ];
    product.indexes = vec![Index {
        name: "ux_product_user".into(),
        columns: names(&["user"]),
        unique: true,
    }];

    let mut order = Table::new("Order");
    order.columns = vec![
        Column {
            identity: true,
            ..not_null("id", Type::Integer)
        },
        not_null("account_id", Type::BigInt),
        column("sku", Type::Varchar(Some(20))),
        column("variant", Type::SmallInt),
        Column {
            default: Some(Default::String("it's new".into())),
            ..not_null("status", Type::Text)
        },
    ];
    order.primary_key = Some(PrimaryKey {
        name: None,
        columns: names(&["id"]),
    });
    order.uniques = vec![Unique {
        name: None,
        columns: names(&["account_id", "id"]),
    }];
    order.foreign_keys = vec![
        ForeignKey {
            name: Some("fk_order_account".into()),
            on_delete: Some(Action::Cascade),
            on_update: Some(Action::NoAction),
            ..key_to("account", &["account_id"], &["id"])
        },
        ForeignKey {
            on_update: Some(Action::Restrict),
            on_delete: Some(Action::SetDefault),
            ..key_to("product", &["sku", "variant"], &["sku", "variant"])
        },
    ];
    order.comment = Some("line 1\nline 2".into());

    Schema {
        tables: vec![account, product, order],
    }
}

#[test]
fn a_realistic_schema_reads_back_equal() {
    let schema = realistic();
    let sql = write_schema(&schema);
    assert_eq!(parse_schema(&sql).unwrap(), normalized(schema));
    insta::assert_snapshot!("write_schema_realistic", sql);
}

#[test]
fn a_realistic_schema_reads_back_from_ops_too() {
    let schema = realistic();
    let ops: Vec<Op> = schema.tables.iter().cloned().map(Op::CreateTable).collect();
    round_trip(&ops, &Schema::default());
    let drops: Vec<Op> = schema
        .tables
        .iter()
        .rev()
        .cloned()
        .map(Op::DropTable)
        .collect();
    round_trip(&drops, &schema);
}

fn table_names(schema: &Schema) -> Vec<&str> {
    schema.tables.iter().map(|t| t.name.as_str()).collect()
}

fn linked(name: &str, to: &[&str]) -> Table {
    let mut table = Table::new(name);
    table.columns.push(not_null("id", Type::Integer));
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: names(&["id"]),
    });
    for target in to {
        let column = format!("{target}_id");
        table.columns.push(column_named(&column));
        table.foreign_keys.push(key_to(target, &[&column], &["id"]));
    }
    table
}

fn column_named(name: &str) -> Column {
    Column::new(name, Type::Integer)
}

#[test]
fn referenced_tables_come_first() {
    let schema = Schema {
        tables: vec![
            linked("line", &["order", "product"]),
            linked("order", &["customer"]),
            linked("product", &[]),
            linked("customer", &["customer"]),
            linked("note", &["elsewhere"]),
        ],
    };
    let sql = write_schema(&schema);
    let back = parse_schema(&sql).unwrap();
    assert_eq!(
        table_names(&back),
        ["product", "customer", "order", "line", "note"]
    );
    // No ALTER TABLE needed: a self-reference is fine inline.
    assert!(!sql.contains("ALTER TABLE"), "{sql}");
    for table in &schema.tables {
        assert_eq!(back.table(&table.name), Some(table));
    }
    // An order that fits is kept.
    assert_eq!(write_schema(&back), sql);
}

#[test]
fn a_cycle_adds_its_forward_keys_after_the_tables() {
    // a → b → c → a, d → b, and a's key to e (declared after its key
    // to b) goes along to keep the key order.
    let mut a = linked("a", &["b", "e"]);
    a.foreign_keys[0].name = Some("a_to_b".into());
    let schema = Schema {
        tables: vec![
            a,
            linked("b", &["c"]),
            linked("d", &["b"]),
            linked("c", &["a"]),
            linked("e", &[]),
        ],
    };
    let sql = write_schema(&schema);
    let back = parse_schema(&sql).unwrap();
    assert_eq!(table_names(&back), ["e", "a", "b", "c", "d"]);
    for table in &schema.tables {
        assert_eq!(back.table(&table.name), Some(table), "{sql}");
    }
    let tail = sql.rsplit("\n\n").next().unwrap();
    assert_eq!(
        tail,
        "ALTER TABLE a ADD CONSTRAINT a_to_b FOREIGN KEY (b_id) REFERENCES b (id);\n\
         ALTER TABLE a ADD FOREIGN KEY (e_id) REFERENCES e (id);\n\
         ALTER TABLE b ADD FOREIGN KEY (c_id) REFERENCES c (id);"
    );
}

/// The fixture of that name, for the snapshots.
fn fixture(name: &str) -> (Op, Schema) {
    fixtures()
        .into_iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, op, before)| (op, before))
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// Ops chained from one fixture's schema, as autogenerate would list
/// them.
fn chained(names: &[&str]) -> (Vec<Op>, Schema) {
    let (_, before) = fixture(names[0]);
    let ops = names.iter().map(|n| fixture(n).0).collect();
    (ops, before)
}

#[test]
fn sections_are_written_as_snapshotted() {
    let sections: [(&str, &[&str]); 4] = [
        (
            "create_tables",
            &["create_table", "create_table_every_type"],
        ),
        (
            "alter_columns",
            &[
                "alter_column_type_and_default",
                "alter_column_not_null",
                "alter_column_default",
                "alter_column_drop_default",
                "alter_column_add_identity",
                "alter_column_drop_identity",
            ],
        ),
        (
            "constraints",
            &[
                "drop_unique",
                "drop_check",
                "drop_check_named",
                "drop_primary_key",
                "add_unique",
                "add_check_named",
                "add_foreign_key_set_default",
                "create_unique_index",
                "drop_index",
            ],
        ),
        (
            "tables_and_columns",
            &[
                "rename_table",
                "add_column",
                "drop_column",
                "rename_column",
                "set_table_comment",
                "unset_table_comment",
            ],
        ),
    ];
    for (name, fixtures) in sections {
        let (ops, before) = chained(fixtures);
        let sql = write_ops(&ops, &before);
        round_trip(&ops, &before);
        insta::assert_snapshot!(format!("write_ops_{name}"), sql);
    }
    let (op, before) = fixture("create_table_hostile_names");
    insta::assert_snapshot!(
        "write_ops_hostile_names",
        write_ops(&[op.clone(), op.reverse().unwrap()], &before)
    );
}

/// Choices read from proptest's bytes: a schema grows from them, and
/// shrinking the bytes shrinks the schema.
struct Choices<'b>(std::slice::Iter<'b, u8>);

impl Choices<'_> {
    fn pick(&mut self, n: usize) -> usize {
        self.0.next().map_or(0, |&b| usize::from(b) % n)
    }

    fn flag(&mut self) -> bool {
        self.pick(2) == 1
    }

    fn one<T: Clone>(&mut self, of: &[T]) -> T {
        of[self.pick(of.len())].clone()
    }

    /// `count` different items of `of` (fewer if it is shorter).
    fn distinct<T: Clone>(&mut self, of: &[T], count: usize) -> Vec<T> {
        let start = self.pick(of.len());
        (0..count.min(of.len()))
            .map(|i| of[(start + i) % of.len()].clone())
            .collect()
    }
}

const TABLES: &[&str] = &["t", "account", "user", "Order", "line item", "x\"y"];
const COLUMNS: &[&str] = &[
    "id",
    "name",
    "Name",
    "order",
    "a b",
    "q\"uote",
    "data",
    "created_at",
    "é",
];
const CHECKS: &[&str] = &[
    "id > 0",
    "char_length(name) < 10",
    "x IS NOT NULL OR y = 'z'",
];

fn generated_schema(bytes: &[u8]) -> Schema {
    let mut c = Choices(bytes.iter());
    let types = [
        Type::SmallInt,
        Type::Integer,
        Type::BigInt,
        Type::Boolean,
        Type::Real,
        Type::Double,
        Type::Numeric {
            precision: Some(10),
            scale: Some(2),
        },
        Type::Numeric {
            precision: None,
            scale: None,
        },
        Type::Varchar(Some(20)),
        Type::Varchar(None),
        Type::Char(Some(3)),
        Type::Text,
        Type::Date,
        Type::Time,
        Type::Timestamp,
        Type::TimestampTz,
        Type::Blob,
        Type::Json,
        Type::Uuid,
        Type::Other("citext".into()),
    ];
    let defaults = [
        Default::Null,
        Default::Bool(true),
        Default::Bool(false),
        Default::Number("0".into()),
        Default::Number("-12.5".into()),
        Default::String("it's".into()),
        Default::String(String::new()),
        Default::String("a\\b\n;".into()),
        Default::CurrentTimestamp,
        Default::CurrentDate,
        Default::CurrentTime,
        Default::Expression("1 + 2".into()),
        Default::Expression("lower('X')".into()),
    ];
    let comments = [
        None,
        Some("note".to_owned()),
        Some("it's; -- not a comment".to_owned()),
        Some(String::new()),
    ];
    let actions = [
        None,
        Some(Action::NoAction),
        Some(Action::Restrict),
        Some(Action::Cascade),
        Some(Action::SetNull),
        Some(Action::SetDefault),
    ];
    let constraint_name = |c: &mut Choices, label: String| match c.pick(3) {
        0 => None,
        1 => Some(label),
        _ => Some(format!("Named {label}")),
    };
    let count = 1 + c.pick(3);
    let mut tables: Vec<Table> = Vec::new();
    for (t, name) in c.distinct(TABLES, count).into_iter().enumerate() {
        let mut table = Table::new(name);
        let count = 1 + c.pick(5);
        for name in c.distinct(COLUMNS, count) {
            let ty = c.one(&types);
            let identity = ty.is_integer() && c.pick(4) == 0;
            table.columns.push(Column {
                nullable: !identity && c.flag(),
                default: if !identity && c.flag() {
                    Some(c.one(&defaults))
                } else {
                    None
                },
                identity,
                comment: c.one(&comments),
                ..Column::new(name, ty)
            });
        }
        let all: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        let some = |c: &mut Choices| {
            let count = 1 + c.pick(all.len());
            c.distinct(&all, count)
        };
        if c.flag() {
            let columns = some(&mut c);
            for column in &mut table.columns {
                if columns.contains(&column.name) {
                    column.nullable = false;
                }
            }
            table.primary_key = Some(PrimaryKey {
                name: constraint_name(&mut c, format!("pk_{t}")),
                columns,
            });
        }
        for u in 0..c.pick(3) {
            table.uniques.push(Unique {
                name: constraint_name(&mut c, format!("uq_{t}_{u}")),
                columns: some(&mut c),
            });
        }
        for k in 0..c.pick(3) {
            table.checks.push(Check {
                name: constraint_name(&mut c, format!("ck_{t}_{k}")),
                expression: c.one(CHECKS).to_owned(),
            });
        }
        for i in 0..c.pick(3) {
            table.indexes.push(Index {
                name: format!("ix_{t}_{i}"),
                columns: some(&mut c),
                unique: c.flag(),
            });
        }
        table.comment = c.one(&comments);
        tables.push(table);
    }
    // Foreign keys once every table has its key: to any table, itself
    // and later ones included, so cycles come up.
    let keys: Vec<(String, Vec<String>)> = tables
        .iter()
        .filter_map(|t| Some((t.name.clone(), t.primary_key.as_ref()?.columns.clone())))
        .collect();
    if !keys.is_empty() {
        for (t, table) in tables.iter_mut().enumerate() {
            for f in 0..c.pick(3) {
                let (target, referenced) = c.one(&keys);
                let all: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
                if referenced.len() > all.len() {
                    continue;
                }
                table.foreign_keys.push(ForeignKey {
                    name: constraint_name(&mut c, format!("fk_{t}_{f}")),
                    columns: c.distinct(&all, referenced.len()),
                    referenced_table: target,
                    referenced_columns: referenced,
                    on_delete: c.one(&actions),
                    on_update: c.one(&actions),
                });
            }
        }
    }
    Schema { tables }
}

proptest::proptest! {
    #[test]
    fn generated_schemas_read_back_equal(
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..160)
    ) {
        let schema = generated_schema(&bytes);
        let sql = write_schema(&schema);
        let back = parse_schema(&sql).map_err(|e| {
            proptest::test_runner::TestCaseError::fail(format!("{e}\n{sql}"))
        })?;
        proptest::prop_assert_eq!(back.tables.len(), schema.tables.len());
        for table in &schema.tables {
            proptest::prop_assert_eq!(back.table(&table.name), Some(table), "{}", sql);
        }
        // And as the ops autogenerate would write for a new database.
        let ops: Vec<Op> = schema.tables.iter().cloned().map(Op::CreateTable).collect();
        round_trip(&ops, &Schema::default());
    }
}
