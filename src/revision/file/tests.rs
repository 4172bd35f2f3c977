//! Revision file tests: parsing, loading, writing.

use super::load::PARALLEL_THRESHOLD;
use super::parse::parse_bytes;
use super::write::UPGRADE_PLACEHOLDER;
use super::*;
use std::fs::File;

const EXAMPLE: &str = "\
-- Revision ID: ae1027a6acf0
-- Revises: 1975ea83b712
-- Create Date: 2026-11-26 11:00:00+00:00
-- Message: add account table
-- Branch Labels: billing
-- Depends On: 3c2f01a9b7d2

-- migrate:upgrade
CREATE TABLE account (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE account;
";

fn path() -> &'static Path {
    Path::new("versions/ae1027a6acf0_add_account.sql")
}

fn ok(text: &str) -> Revision {
    match parse(path(), text) {
        Ok(revision) => revision,
        Err(error) => panic!("{error}\nhelp: {:?}\n{text}", error.help()),
    }
}

/// The error's line, column, message and help.
fn err(text: &str) -> (usize, usize, String, String) {
    match parse(path(), text) {
        Ok(revision) => panic!("parsed: {revision:?}"),
        Err(error) => {
            let location = error.location().expect("a location");
            (
                location.line,
                location.column,
                error.message(),
                error.help().unwrap_or_default().to_owned(),
            )
        }
    }
}

/// The text a location's span covers.
fn spanned<'t>(text: &'t str, location: &Location) -> &'t str {
    &text[location.offset..location.offset + location.len]
}

fn with_header(rest: &str) -> String {
    format!("-- Revision ID: abc\n{rest}")
}

#[test]
fn parses_the_spec_example() {
    let r = ok(EXAMPLE);
    assert_eq!(r.id.as_str(), "ae1027a6acf0");
    assert_eq!(r.message, "add account table");
    assert_eq!(r.create_date.as_deref(), Some("2026-11-26 11:00:00+00:00"));
    assert_eq!(r.path, path());
    assert!(!r.is_base() && !r.is_merge());
    let names = |refs: &[Reference]| refs.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&r.down_revisions), ["1975ea83b712"]);
    assert_eq!(names(&r.branch_labels), ["billing"]);
    assert_eq!(names(&r.depends_on), ["3c2f01a9b7d2"]);
    assert_eq!(r.sections.len(), 2);
    assert_eq!(
        r.sections[0],
        Section {
            direction: Direction::Up,
            dialect: None,
            transaction: true,
            sql: "CREATE TABLE account (id INTEGER PRIMARY KEY);".into(),
            line: 8,
            sql_line: 9,
        }
    );
    assert_eq!(r.sections[1].direction, Direction::Down);
    assert_eq!(r.sections[1].sql, "DROP TABLE account;");
    assert_eq!(r.sections[1].line, 11);
}

#[test]
fn references_point_at_their_text() {
    let r = ok(EXAMPLE);
    let parent = &r.down_revisions[0].location;
    assert_eq!((parent.line, parent.column), (2, 13));
    assert_eq!(parent.offset, 29 + 12);
    assert_eq!(spanned(EXAMPLE, parent), "1975ea83b712");
    assert_eq!(parent.to_string(), format!("{}:2:13", path().display()));
    assert_eq!((r.id_location.line, r.id_location.column), (1, 17));
    assert_eq!(spanned(EXAMPLE, &r.id_location), "ae1027a6acf0");
    assert_eq!(spanned(EXAMPLE, &r.branch_labels[0].location), "billing");
    assert_eq!(spanned(EXAMPLE, &r.depends_on[0].location), "3c2f01a9b7d2");

    let text = with_header("-- Revises:  aaa ,bbb,  ccc\n-- migrate:upgrade\n");
    let r = ok(&text);
    assert!(r.is_merge());
    let columns: Vec<_> = r.down_revisions.iter().map(|p| p.location.column).collect();
    assert_eq!(columns, [14, 19, 25]);
    for parent in &r.down_revisions {
        assert_eq!(spanned(&text, &parent.location), parent.name);
    }
}

#[test]
fn columns_count_characters() {
    let text = "-- Message: é\n-- Revision ID:  ünicode\n-- migrate:upgrade\n";
    let (line, column, message, _) = err(text);
    assert_eq!((line, column), (2, 18));
    assert!(
        message.contains("invalid revision id `ünicode`"),
        "{message}"
    );
}

#[test]
fn bases_and_key_spellings() {
    for revises in [
        "-- Revises:",
        "-- Revises: ",
        "-- Revises: None",
        "-- down_revision:",
    ] {
        let r = ok(&with_header(&format!(
            "{revises}\n-- migrate:upgrade\nSELECT 1;"
        )));
        assert!(r.is_base(), "{revises}");
    }
    let r = ok(
        "-- revision_id: a1\n-- DOWN REVISION: b2\n-- createdate: x\n\
                -- branch_labels: a.b-c, d\n-- DependsOn: e\n-- migrate:upgrade\n",
    );
    assert_eq!(r.id.as_str(), "a1");
    assert_eq!(r.down_revisions[0].name, "b2");
    assert_eq!(r.create_date.as_deref(), Some("x"));
    assert_eq!(r.branch_labels.len(), 2);
    assert_eq!(r.depends_on[0].name, "e");
    assert_eq!(r.message, "");
    // No header at all but the id: every optional field defaults.
    let r = ok(&with_header(
        "-- Message:\n-- Create Date:\n-- migrate:upgrade\n",
    ));
    assert_eq!((r.message.as_str(), r.create_date), ("", None));
}

#[test]
fn comments_and_blank_lines_in_the_header() {
    let r = ok(
        "\n-- A note about this file\n-- Revision ID: a1\n\n-- see https://x.org/a:b\n\
                --\n-- migrate:upgrade\n",
    );
    assert_eq!(r.id.as_str(), "a1");
}

#[test]
fn unknown_key_suggests_the_closest() {
    let (line, column, message, help) = err(&with_header("-- Revison ID: x\n"));
    assert_eq!((line, column), (2, 4));
    assert!(
        message.starts_with("unknown header key `Revison ID`"),
        "{message}"
    );
    assert!(
        message.contains("Revision ID, Revises, Down Revision"),
        "{message}"
    );
    assert_eq!(help, "did you mean `Revision ID`?");

    let (_, _, _, help) = err(&with_header("-- Depend On: x\n"));
    assert_eq!(help, "did you mean `Depends On`?");
    let (_, _, message, help) = err(&with_header("-- Author: me\n"));
    assert!(message.contains("`Author`"), "{message}");
    assert!(help.contains("drop the colon"), "{help}");
}

#[test]
fn duplicate_key() {
    let (line, column, message, help) = err(&with_header(
        "-- Revises: a\n-- Down Revision: b\n-- migrate:upgrade\n",
    ));
    assert_eq!((line, column), (3, 4));
    assert_eq!(message, "header key `Down Revision` is given twice");
    assert!(help.contains("line 2"), "{help}");
}

#[test]
fn missing_or_invalid_id() {
    let (line, column, message, _) = err("-- Message: x\n-- migrate:upgrade\nSELECT 1;\n");
    assert_eq!((line, column), (1, 1));
    assert_eq!(message, "missing `-- Revision ID:` header");
    // An id after the first section is SQL, not a header.
    assert_eq!(
        err("-- migrate:upgrade\n-- Revision ID: a\n").2,
        "missing `-- Revision ID:` header"
    );

    let (line, column, message, _) = err("-- Revision ID: ae10-27\n-- migrate:upgrade\n");
    assert_eq!((line, column), (1, 17));
    assert!(
        message.starts_with("invalid revision id `ae10-27`: '-'"),
        "{message}"
    );
    let (_, column, message, _) = err("-- Revision ID:\n-- migrate:upgrade\n");
    assert_eq!(column, 16);
    assert!(message.starts_with("empty revision id"), "{message}");
    assert!(
        err("-- Revision ID: head\n-- migrate:upgrade\n")
            .2
            .contains("reserved")
    );

    let (line, column, message, _) = err(&with_header("-- Revises: a, b c\n"));
    assert_eq!((line, column), (2, 16));
    assert!(
        message.starts_with("invalid revision id `b c`"),
        "{message}"
    );
}

#[test]
fn label_rules() {
    for bad in ["a@b", "head", "heads", "base", "BASE", "a b"] {
        let text = with_header(&format!("-- Branch Labels: x, {bad}\n-- migrate:upgrade\n"));
        let (line, column, message, _) = err(&text);
        assert_eq!((line, column), (2, 22), "{bad}");
        assert!(message.contains("branch label"), "{message}");
    }
    let r = ok(&with_header(
        "-- Branch Labels: v1.2-rc_3, headless,\n-- migrate:upgrade\n",
    ));
    assert_eq!(r.branch_labels.len(), 2);
    assert!("a.b".parse::<RevisionId>().is_err());
    assert_eq!(validate_label("a.b"), Ok(()));
    assert_eq!(validate_id(""), Err(InvalidName::Empty));
}

#[test]
fn section_options() {
    let text = with_header(
        "-- migrate:upgrade\nA;\n-- migrate:upgrade postgresql transaction=false\nB;\n\
         --migrate:UPGRADE  transaction=TRUE\tmariadb \n C;\n-- migrate:downgrade sqlite\nD;\n",
    );
    let r = ok(&text);
    let shape: Vec<_> = r
        .sections
        .iter()
        .map(|s| {
            (
                s.direction,
                s.dialect,
                s.transaction,
                s.sql.as_str(),
                s.line,
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (Direction::Up, None, true, "A;", 2),
            (Direction::Up, Some(DialectKind::Postgres), false, "B;", 4),
            (Direction::Up, Some(DialectKind::Mysql), true, " C;", 6),
            (Direction::Down, Some(DialectKind::Sqlite), true, "D;", 8),
        ]
    );
    let sql = |d, k| r.section(d, k).map(|s| s.sql.as_str());
    assert_eq!(sql(Direction::Up, DialectKind::Postgres), Some("B;"));
    assert_eq!(sql(Direction::Up, DialectKind::Sqlite), Some("A;"));
    assert_eq!(sql(Direction::Down, DialectKind::Sqlite), Some("D;"));
    assert_eq!(sql(Direction::Down, DialectKind::Mysql), None);
    assert!(
        ok(&with_header("-- migrate:upgrade postgres\n")).sections[0].dialect
            == Some(DialectKind::Postgres)
    );
}

#[test]
fn section_header_errors() {
    let (line, column, message, help) = err(&with_header("-- migrate:upgrade oracle\n"));
    assert_eq!((line, column), (2, 20));
    assert_eq!(message, "unknown dialect `oracle`");
    assert!(
        help.contains("`postgresql`") && help.contains("`sqlite`"),
        "{help}"
    );

    let (_, column, message, _) = err(&with_header(
        "-- migrate:upgrade  sqlite transaction=maybe\n",
    ));
    assert_eq!(column, 28);
    assert!(message.contains("`transaction=maybe`"), "{message}");
    assert!(
        err(&with_header("-- migrate:upgrade sqlite mysql\n"))
            .2
            .contains("second dialect")
    );
    assert!(
        err(&with_header(
            "-- migrate:upgrade transaction=false transaction=true\n"
        ))
        .2
        .contains("twice")
    );
    assert!(
        err(&with_header("-- migrate:upgrade tx=false\n"))
            .2
            .contains("unknown section option `tx`")
    );
    let (_, column, message, _) = err(&with_header("-- migrate:up\n"));
    assert_eq!(
        (column, message.as_str()),
        (4, "unknown section `migrate:up`")
    );
    assert!(
        err(&with_header("-- migrate:\n"))
            .2
            .contains("unknown section")
    );
}

#[test]
fn duplicate_section_points_at_the_second() {
    let text =
        with_header("-- migrate:upgrade\nA;\n-- migrate:downgrade\n-- migrate:upgrade\nB;\n");
    let (line, column, message, help) = err(&text);
    assert_eq!((line, column), (5, 1));
    assert_eq!(message, "second `-- migrate:upgrade` section");
    assert!(help.contains("line 2"), "{help}");
    let text = with_header(
        "-- migrate:upgrade\n-- migrate:downgrade mysql\n  -- migrate:downgrade mariadb\n",
    );
    let (line, column, message, _) = err(&text);
    assert_eq!((line, column), (4, 3));
    assert_eq!(message, "second `-- migrate:downgrade mysql` section");
}

#[test]
fn structure_errors() {
    let (line, _, message, help) = err(&with_header("-- migrate:downgrade\nDROP TABLE a;\n"));
    assert_eq!(line, 1);
    assert_eq!(message, "no `-- migrate:upgrade` section");
    assert!(help.contains("-- migrate:upgrade"));

    let (line, column, message, _) =
        err(&with_header("\n  CREATE TABLE a ();\n-- migrate:upgrade\n"));
    assert_eq!((line, column), (3, 3));
    assert_eq!(message, "SQL before the first `-- migrate:upgrade` section");
    assert!(err("").2.contains("Revision ID"));
}

#[test]
fn section_bodies() {
    let r = ok(&with_header("-- migrate:upgrade\n"));
    assert_eq!(r.sections[0].sql, "");
    let r = ok(&with_header("-- migrate:upgrade"));
    assert_eq!(r.sections[0].sql, "");
    let r = ok(&with_header(
        "-- migrate:upgrade\n\n  \n  A;  \n\n  B;\n \n\n-- migrate:downgrade\n\n",
    ));
    assert_eq!(r.sections[0].sql, "  A;  \n\n  B;");
    assert_eq!(r.sections[1].sql, "");
    // Downgrade is optional: an irreversible revision.
    let r = ok(&with_header("-- migrate:upgrade\nA;"));
    assert_eq!(r.sections.len(), 1);
    assert_eq!(r.section(Direction::Down, DialectKind::Sqlite), None);
}

#[test]
fn crlf_and_bom() {
    let crlf = EXAMPLE.replace('\n', "\r\n");
    let r = ok(&crlf);
    let lf = ok(EXAMPLE);
    assert_eq!(r.sections, lf.sections);
    assert_eq!(r.message, lf.message);
    assert_eq!(
        spanned(&crlf, &r.down_revisions[0].location),
        "1975ea83b712"
    );
    assert_eq!(r.checksum(), lf.checksum());
    let r = ok(&with_header("-- migrate:upgrade\r\nA;\r\nB;\r\n\r\n"));
    assert_eq!(r.sections[0].sql, "A;\nB;");

    let bom = format!("\u{feff}{EXAMPLE}");
    let r = ok(&bom);
    // Editors do not show the mark, so columns do not count it.
    assert_eq!((r.id_location.line, r.id_location.column), (1, 17));
    assert_eq!(spanned(&bom, &r.id_location), "ae1027a6acf0");
}

#[test]
fn normalize() {
    assert_eq!(normalize_sql(""), "");
    assert_eq!(normalize_sql(" \n\t\n"), "");
    assert_eq!(
        normalize_sql("\n\nA; \t\r\n\r\n\r\n  B;\r\n\n"),
        "A;\n\n\n  B;"
    );
    assert_eq!(normalize_sql("A;"), "A;");
}

#[test]
fn checksum_covers_sql_and_sections_only() {
    let base = ok(EXAMPLE);
    assert_eq!(base.checksum().len(), 64);
    assert!(
        base.checksum()
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let same = ok(&EXAMPLE
        .replace("add account table", "another message")
        .replace("-- Branch Labels: billing\n", "")
        .replace("PRIMARY KEY);", "PRIMARY KEY);   \n\n"));
    assert_eq!(base.checksum(), same.checksum());

    let changed = [
        EXAMPLE.replace("INTEGER", "BIGINT"),
        EXAMPLE.replace("-- migrate:downgrade", "-- migrate:downgrade sqlite"),
        EXAMPLE.replace("-- migrate:upgrade", "-- migrate:upgrade transaction=false"),
        // The same SQL moved from one section to the other.
        with_header("-- migrate:upgrade\nA;\nB;\n-- migrate:downgrade\n"),
    ];
    let moved = ok(&with_header(
        "-- migrate:upgrade\nA;\n-- migrate:downgrade\nB;\n",
    ));
    assert_ne!(ok(&changed[3]).checksum(), moved.checksum());
    for text in &changed[..3] {
        assert_ne!(ok(text).checksum(), base.checksum(), "{text}");
    }
    // Reordering sections is not a change.
    let reordered = with_header("-- migrate:downgrade\nB;\n-- migrate:upgrade\nA;\n");
    assert_eq!(ok(&reordered).checksum(), moved.checksum());
}

#[test]
fn ids() {
    let id = RevisionId::generate().expect("random source");
    assert_eq!(id.as_str().len(), 12);
    assert!(
        id.as_str()
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_ne!(id, RevisionId::generate().expect("random source"));
    assert_eq!(id.to_string(), id.as_str());
    assert_eq!(id.as_str().parse::<RevisionId>(), Ok(id.clone()));
    assert!(matches!(
        "ab c".parse::<RevisionId>(),
        Err(InvalidName::Character {
            found: ' ',
            index: 2,
            ..
        })
    ));
}

fn new_revision() -> NewRevision {
    NewRevision {
        id: RevisionId("ae1027a6acf0".into()),
        down_revisions: vec![RevisionId("1975ea83b712".into())],
        message: "add account table".into(),
        create_date: "2026-11-26T11:00:00.123Z".parse().expect("a timestamp"),
        branch_labels: vec!["billing".into()],
        depends_on: vec!["3c2f01a9b7d2".into()],
        upgrade_sql: "CREATE TABLE account (id INTEGER PRIMARY KEY);".into(),
        downgrade_sql: "DROP TABLE account;\n".into(),
    }
}

#[test]
fn render_writes_the_spec_format() {
    assert_eq!(render(&new_revision()), EXAMPLE);
}

#[test]
fn render_round_trips() {
    let mut new = new_revision();
    new.down_revisions.push(RevisionId("0000aaaa1111".into()));
    new.branch_labels.push("v2.0".into());
    new.upgrade_sql = "CREATE TABLE a (\n    id INTEGER\n);\n\nCREATE INDEX i ON a (id);".into();
    let r = ok(&render(&new));
    assert_eq!(r.id, new.id);
    let names = |refs: &[Reference]| refs.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    let ids: Vec<_> = new.down_revisions.iter().map(|id| id.0.clone()).collect();
    assert_eq!(names(&r.down_revisions), ids);
    assert_eq!(names(&r.branch_labels), new.branch_labels);
    assert_eq!(names(&r.depends_on), new.depends_on);
    assert_eq!(r.message, new.message);
    assert_eq!(r.create_date.as_deref(), Some("2026-11-26 11:00:00+00:00"));
    assert_eq!(r.sections[0].sql, new.upgrade_sql);
    assert_eq!(r.sections[1].sql, "DROP TABLE account;");
}

#[test]
fn render_a_bare_base() {
    let new = NewRevision {
        down_revisions: vec![],
        message: "  two\nlines ".into(),
        branch_labels: vec![],
        depends_on: vec![],
        upgrade_sql: " \n".into(),
        downgrade_sql: String::new(),
        ..new_revision()
    };
    let text = render(&new);
    assert_eq!(
        text,
        "-- Revision ID: ae1027a6acf0\n-- Revises:\n-- Create Date: 2026-11-26 11:00:00+00:00\n\
         -- Message: two lines\n\n-- migrate:upgrade\n-- write the upgrade SQL here\n\n\
         -- migrate:downgrade\n"
    );
    let r = ok(&text);
    assert!(r.is_base());
    assert_eq!(r.message, "two lines");
    assert_eq!(r.sections[0].sql, UPGRADE_PLACEHOLDER);
    assert_eq!(r.sections[1].sql, "");
    let r = ok(&render(&NewRevision {
        message: String::new(),
        ..new
    }));
    assert_eq!(r.message, "");
}

#[test]
fn file_names() {
    let id = RevisionId("ae1027a6acf0".into());
    assert_eq!(
        file_name(&id, "Add account table"),
        "ae1027a6acf0_add_account_table.sql"
    );
    assert_eq!(
        file_name(&id, "  --Add   'account'--table!! "),
        "ae1027a6acf0_add_account_table.sql"
    );
    assert_eq!(file_name(&id, ""), "ae1027a6acf0.sql");
    assert_eq!(file_name(&id, "!!!"), "ae1027a6acf0.sql");
    assert_eq!(
        file_name(&id, "Ünïcödé Tàble"),
        "ae1027a6acf0_ünïcödé_tàble.sql"
    );
    let long = file_name(&id, &"é".repeat(50));
    assert_eq!(long, format!("ae1027a6acf0_{}.sql", "é".repeat(40)));
    // A separator falling on the cut is not left dangling.
    let cut = file_name(&id, &format!("{} b", "a".repeat(40)));
    assert_eq!(cut, format!("ae1027a6acf0_{}.sql", "a".repeat(40)));
    let cut = file_name(&id, &format!("{} bcd", "a".repeat(38)));
    assert_eq!(cut, format!("ae1027a6acf0_{}_b.sql", "a".repeat(38)));
}

#[test]
fn read_checks_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a.sql");

    std::fs::write(&file, EXAMPLE.replace('\n', "\r\n")).expect("write");
    assert_eq!(read(&file).expect("parses").path, file);

    let mut bytes = b"-- Revision ID: a\n-- Message: ok\xC3\xA9 \xFF\xFE\n".to_vec();
    std::fs::write(&file, &bytes).expect("write");
    let error = read(&file).expect_err("not UTF-8");
    let location = error.location().expect("a location");
    assert_eq!(
        (location.line, location.column, location.offset),
        (2, 17, 35)
    );
    assert!(error.message().contains("UTF-8"));

    bytes.truncate(20);
    bytes.extend_from_slice(b"\0\0");
    std::fs::write(&file, &bytes).expect("write");
    let error = read(&file).expect_err("binary");
    assert_eq!(error.help(), Some("revision files are UTF-8 SQL text"));
    let location = error.location().expect("a location");
    assert_eq!((location.line, location.column), (2, 3));
    assert!(error.message().starts_with("binary file"));
    assert!(parse(&file, "a\0").is_err());

    let big = File::create(&file).expect("create");
    big.set_len(MAX_FILE_SIZE + 1).expect("set_len");
    let error = read(&file).expect_err("too large");
    assert!(matches!(error, Error::TooLarge { len, .. } if len == MAX_FILE_SIZE + 1));
    assert!(error.to_string().contains("16 MiB"), "{error}");
    assert_eq!(error.path(), file);

    let error = read(&dir.path().join("missing.sql")).expect_err("missing");
    assert!(matches!(error, Error::Io { .. }));
    assert!(error.location().is_none() && error.help().is_none());
}

#[test]
fn load_dir_reads_sql_files_in_name_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write =
        |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect("write");
    let revision = |id: &str| format!("-- Revision ID: {id}\n-- migrate:upgrade\nSELECT 1;\n");
    write("b_second.sql", &revision("b"));
    write("a_first.sql", &revision("a"));
    write("c_broken.sql", "-- Revision ID: c\n");
    write("d_broken.sql", "SELECT 1;\n");
    write(".hidden.sql", "junk");
    write(".#a_first.sql", "junk");
    write("a_first.sql~", "junk");
    write("#a_first.sql#", "junk");
    write("README.md", "junk");
    std::fs::create_dir(dir.path().join("nested.sql")).expect("mkdir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("sub/e.sql"), revision("e")).expect("write");

    let (revisions, errors) = load_dir(dir.path());
    let ids: Vec<_> = revisions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(revisions[0].path, dir.path().join("a_first.sql"));
    let paths: Vec<_> = errors.iter().map(|e| e.path().to_path_buf()).collect();
    assert_eq!(
        paths,
        [
            dir.path().join("c_broken.sql"),
            dir.path().join("d_broken.sql")
        ]
    );

    let missing = dir.path().join("nope");
    let (revisions, errors) = load_dir(&missing);
    assert!(revisions.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(matches!(&errors[0], Error::Io { path, .. } if *path == missing));
    assert!(errors[0].to_string().contains("nope"));
}

#[test]
fn load_dir_in_parallel_keeps_order_and_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let count = PARALLEL_THRESHOLD + 45;
    for i in 0..count {
        let text = if i % 100 == 7 {
            format!("-- Revision ID: r{i:04}\n")
        } else {
            format!("-- Revision ID: r{i:04}\n-- migrate:upgrade\nSELECT {i};\n")
        };
        std::fs::write(dir.path().join(format!("r{i:04}.sql")), text).expect("write");
    }
    let (revisions, errors) = load_dir(dir.path());
    let expected: Vec<_> = (0..count)
        .filter(|i| i % 100 != 7)
        .map(|i| format!("r{i:04}"))
        .collect();
    let ids: Vec<_> = revisions.iter().map(|r| r.id.0.clone()).collect();
    assert_eq!(ids, expected);
    let broken: Vec<_> = errors.iter().map(|e| e.path().to_path_buf()).collect();
    assert_eq!(
        broken,
        [7, 107, 207].map(|i| dir.path().join(format!("r{i:04}.sql")))
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const FRAGMENTS: &[&str] = &[
        "-- Revision ID:",
        "-- Revision ID: ae1027a6acf0",
        "-- Revises:",
        "-- Revises: a, b,",
        "-- Down Revision: None",
        "-- Branch Labels: x",
        "-- Depends On:",
        "-- Message: é",
        "-- Create Date:",
        "-- Revison ID: x",
        "-- migrate:upgrade",
        "-- migrate:downgrade",
        "-- migrate:",
        "--migrate:UPGRADE",
        " postgresql",
        " transaction=false",
        " transaction=",
        " oracle",
        "SELECT 1;",
        "--",
        ":",
        ",",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "\u{feff}",
        "\u{3000}",
        "é",
        "🦀",
        "\0",
    ];

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => proptest::sample::select(FRAGMENTS).prop_map(str::to_owned),
            1 => any::<String>(),
        ]
    }

    fn check(text: &str) {
        match parse(Path::new("f.sql"), text) {
            Ok(revision) => {
                let _ = revision.checksum();
                assert_eq!(spanned(text, &revision.id_location), revision.id.as_str());
                for reference in revision.down_revisions.iter().chain(&revision.depends_on) {
                    assert_eq!(spanned(text, &reference.location), reference.name);
                }
            }
            Err(error) => {
                let location = error.location().expect("parse errors have a location");
                // The span must lie inside the text, on char boundaries.
                assert!(
                    text.get(location.offset..location.offset + location.len)
                        .is_some()
                );
                assert!(location.line >= 1 && location.column >= 1);
            }
        }
    }

    proptest! {
        #[test]
        fn on_fragments(parts in proptest::collection::vec(fragment(), 0..40)) {
            check(&parts.concat());
        }

        #[test]
        fn on_any_string(text in any::<String>()) {
            check(&text);
        }

        #[test]
        fn on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse_bytes(Path::new("f.sql"), &bytes);
        }
    }
}
