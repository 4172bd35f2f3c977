//! Unit tests of URL parsing, options and redaction.

use super::*;

fn parse(s: &str) -> DatabaseUrl {
    match DatabaseUrl::parse(s) {
        Ok(url) => url,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn parse_err(s: &str) -> UrlError {
    match DatabaseUrl::parse(s) {
        Ok(url) => panic!("{s} parsed: {url:?}"),
        Err(e) => e,
    }
}

#[test]
fn dialect_kind_display_and_from_str() {
    assert_eq!(DialectKind::Sqlite.to_string(), "sqlite");
    assert_eq!(DialectKind::Postgres.to_string(), "postgresql");
    assert_eq!(DialectKind::Mysql.to_string(), "mysql");
    for (name, kind) in [
        ("sqlite", DialectKind::Sqlite),
        ("SQLite", DialectKind::Sqlite),
        ("postgresql", DialectKind::Postgres),
        ("Postgres", DialectKind::Postgres),
        ("mysql", DialectKind::Mysql),
        ("MariaDB", DialectKind::Mysql),
    ] {
        assert_eq!(name.parse::<DialectKind>(), Ok(kind), "{name}");
    }
    for kind in DialectKind::ALL {
        assert_eq!(kind.to_string().parse::<DialectKind>(), Ok(kind));
    }
    let err = "oracle".parse::<DialectKind>().unwrap_err().to_string();
    assert!(err.contains("`oracle`"), "{err}");
    assert!(
        err.contains("sqlite") && err.contains("postgresql") && err.contains("mysql"),
        "{err}"
    );
}

#[test]
fn sqlite_relative() {
    let url = parse("sqlite:///relative/path.db");
    assert_eq!(url.dialect(), DialectKind::Sqlite);
    assert_eq!(
        url.sqlite_target(),
        Some(&SqliteTarget::File(PathBuf::from("relative/path.db")))
    );
    assert_eq!(url.database(), Some("relative/path.db"));
    assert_eq!(url.host(), None);
    assert_eq!(url.to_string(), "sqlite:///relative/path.db");
}

#[test]
fn sqlite_absolute() {
    let url = parse("sqlite:////absolute/path.db");
    assert_eq!(
        url.sqlite_target(),
        Some(&SqliteTarget::File(PathBuf::from("/absolute/path.db")))
    );
    assert_eq!(url.to_string(), "sqlite:////absolute/path.db");
}

#[test]
fn sqlite_memory_forms() {
    for s in ["sqlite://", "sqlite:///:memory:", "sqlite:///", "SQLite://"] {
        assert_eq!(parse(s).sqlite_target(), Some(&SqliteTarget::Memory), "{s}");
    }
}

#[test]
fn sqlite_with_driver_and_options() {
    let url = parse("sqlite+pysqlite:///app.db?timeout=30");
    assert_eq!(
        url.sqlite_target(),
        Some(&SqliteTarget::File(PathBuf::from("app.db")))
    );
    assert_eq!(url.option("timeout"), Some("30"));
}

#[test]
fn sqlite_with_host_is_malformed() {
    let err = parse_err("sqlite://host/app.db");
    assert!(matches!(err, UrlError::Malformed { .. }), "{err:?}");
    assert!(
        err.to_string().contains("sqlite:///relative/path.db"),
        "{err}"
    );
}

#[test]
fn resolve_relative_sqlite() {
    let mut url = parse("sqlite:///data/app.db?mode=ro");
    url.resolve_relative(Path::new("/srv/project"));
    assert_eq!(
        url.sqlite_target(),
        Some(&SqliteTarget::File(PathBuf::from(
            "/srv/project/data/app.db"
        )))
    );
    assert_eq!(
        url.to_string(),
        "sqlite:////srv/project/data/app.db?mode=ro"
    );

    let mut dotted = parse("sqlite:///./app.db");
    dotted.resolve_relative(Path::new("/srv"));
    assert_eq!(
        dotted.sqlite_target(),
        Some(&SqliteTarget::File(PathBuf::from("/srv/app.db")))
    );
}

#[test]
fn resolve_relative_is_a_no_op_otherwise() {
    for s in ["sqlite:////abs/app.db", "sqlite://", "postgresql://h/db"] {
        let mut url = parse(s);
        let before = url.clone();
        url.resolve_relative(Path::new("/elsewhere"));
        assert_eq!(url, before, "{s}");
    }
}

#[test]
fn postgres_with_driver() {
    let url = parse("postgresql+psycopg2://app:secret@db.example.com:5432/bank");
    assert_eq!(url.dialect(), DialectKind::Postgres);
    assert_eq!(url.username(), Some("app"));
    assert_eq!(url.password(), Some("secret"));
    assert_eq!(url.host(), Some("db.example.com"));
    assert_eq!(url.port(), Some(5432));
    assert_eq!(url.database(), Some("bank"));
    assert_eq!(url.sqlite_target(), None);
    assert_eq!(
        url.to_string(),
        "postgresql+psycopg2://app:***@db.example.com:5432/bank"
    );
}

#[test]
fn postgres_short_scheme_without_port() {
    let url = parse("postgres://app@localhost/bank");
    assert_eq!(url.dialect(), DialectKind::Postgres);
    assert_eq!(url.username(), Some("app"));
    assert_eq!(url.password(), None);
    assert_eq!(url.port(), None, "default ports are left to the driver");
    assert_eq!(url.to_string(), "postgres://app@localhost/bank");
}

#[test]
fn postgres_minimal() {
    let url = parse("postgresql://");
    assert_eq!(url.host(), None);
    assert_eq!(url.database(), None);
    let url = parse("postgresql:///bank");
    assert_eq!(url.host(), None);
    assert_eq!(url.database(), Some("bank"));
}

#[test]
fn mysql_with_driver() {
    let url = parse("mysql+pymysql://root:pw@127.0.0.1:3306/shop?charset=utf8mb4");
    assert_eq!(url.dialect(), DialectKind::Mysql);
    assert_eq!(url.host(), Some("127.0.0.1"));
    assert_eq!(url.port(), Some(3306));
    assert_eq!(url.database(), Some("shop"));
    assert_eq!(url.option("charset"), Some("utf8mb4"));
    assert_eq!(
        url.to_string(),
        "mysql+pymysql://root:***@127.0.0.1:3306/shop?charset=utf8mb4"
    );
}

#[test]
fn mariadb_with_driver() {
    let url = parse("mariadb+mariadbconnector://u:p@maria/app");
    assert_eq!(url.dialect(), DialectKind::Mysql);
    assert_eq!(url.host(), Some("maria"));
    assert_eq!(
        url.to_string(),
        "mariadb+mariadbconnector://u:***@maria/app"
    );
    assert_eq!(parse("mysql://u@h/d").dialect(), DialectKind::Mysql);
    assert_eq!(parse("mariadb://u@h/d").dialect(), DialectKind::Mysql);
}

#[test]
fn ipv6_host() {
    let url = parse("postgresql://u:secret@[::1]:5433/db");
    assert_eq!(url.host(), Some("::1"));
    assert_eq!(url.port(), Some(5433));
    assert_eq!(url.to_string(), "postgresql://u:***@[::1]:5433/db");
    let url = parse("mysql://[fe80::1]/db");
    assert_eq!(url.host(), Some("fe80::1"));
    assert_eq!(url.port(), None);
}

#[test]
fn percent_encoded_credentials() {
    let url = parse("postgresql://us%65r:p%40ss%3Aw%2Frd@h/db");
    assert_eq!(url.username(), Some("user"));
    assert_eq!(url.password(), Some("p@ss:w/rd"));
    assert_eq!(url.to_string(), "postgresql://us%65r:***@h/db");
    // `+` is literal outside the query string.
    assert_eq!(parse("postgresql://u:a+b@h/db").password(), Some("a+b"));
}

#[test]
fn raw_special_characters_in_password() {
    // SQLAlchemy lets the password run to the `@`; so do we, and further.
    let url = parse("postgresql://u:p/a?s#s@host/db");
    assert_eq!(url.password(), Some("p/a?s#s"));
    assert_eq!(url.host(), Some("host"));
    assert_eq!(url.database(), Some("db"));
    let url = parse("postgresql://u:p@ss@host/db");
    assert_eq!(url.password(), Some("p@ss"));
    assert_eq!(url.host(), Some("host"));
    assert_eq!(url.to_string(), "postgresql://u:***@host/db");
    // An `@` in the query does not move the host; after a password it
    // must be encoded, or the password's end is a guess (see below).
    let url = parse("postgresql://u:pw@host/db?application_name=me%40laptop");
    assert_eq!(url.password(), Some("pw"));
    assert_eq!(url.host(), Some("host"));
    assert_eq!(url.option("application_name"), Some("me@laptop"));
    let url = parse("postgresql://host/db?application_name=me@laptop");
    assert_eq!(url.username(), None);
    assert_eq!(url.host(), Some("host"));
}

#[test]
fn options_are_ordered_and_decoded() {
    let url = parse("postgresql://h/db?b=2&a=x%20y&c=1+2&flag&b=3");
    assert_eq!(
        url.options(),
        &[
            ("b".to_string(), "2".to_string()),
            ("a".to_string(), "x y".to_string()),
            ("c".to_string(), "1 2".to_string()),
            ("flag".to_string(), String::new()),
            ("b".to_string(), "3".to_string()),
        ]
    );
    assert_eq!(url.option("b"), Some("2"));
    assert_eq!(url.option("missing"), None);
}

#[test]
fn postgres_sslmode() {
    for mode in [
        "disable",
        "allow",
        "prefer",
        "require",
        "verify-ca",
        "verify-full",
    ] {
        let url = parse(&format!("postgresql://h/db?sslmode={mode}"));
        assert_eq!(url.option("sslmode"), Some(mode));
        assert!(url.connect_options().tls.mode.is_some());
    }
    let err = parse_err("postgresql://u:secret@h/db?sslmode=sometimes");
    match &err {
        UrlError::InvalidOption {
            option, message, ..
        } => {
            assert_eq!(option, "sslmode");
            assert!(
                message.contains("`sometimes`") && message.contains("verify-full"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("`sslmode`") && text.contains("verify-ca"),
        "{text}"
    );
    assert!(!text.contains("secret"), "{text}");
}

#[test]
fn mysql_ssl_mode() {
    for key in ["ssl_mode", "ssl-mode"] {
        for mode in [
            "DISABLED",
            "preferred",
            "Required",
            "VERIFY_CA",
            "verify_identity",
        ] {
            parse(&format!("mysql://h/db?{key}={mode}"));
        }
        let err = parse_err(&format!("mysql://h/db?{key}=ON")).to_string();
        assert!(
            err.contains(&format!("`{key}`"))
                && err.contains("`ON`")
                && err.contains("VERIFY_IDENTITY"),
            "{err}"
        );
    }
}

#[test]
fn tls_fails_closed() {
    for (url, option) in [
        ("postgresql://u:secret@h/db?ssl=true", "ssl"),
        ("postgresql://h/db?ssl_mode=REQUIRED", "ssl_mode"),
        ("mysql://u:secret@h/db?sslmode=require", "sslmode"),
        ("mysql://h/db?ssl=true", "ssl"),
        ("sqlite:///a.db?sslmode=require", "sslmode"),
    ] {
        let err = parse_err(url);
        let text = err.to_string();
        assert!(
            matches!(&err, UrlError::InvalidOption { option: o, .. } if o == option),
            "{url}: {err:?}"
        );
        assert!(
            text.contains("accepted:") && !text.contains("secret"),
            "{text}"
        );
    }
}

#[test]
fn unknown_options_are_kept_for_a_warning() {
    let url = parse("postgresql://h/db?target_session_attrs=any&application_name=x");
    assert_eq!(url.connect_options().unknown, vec!["target_session_attrs"]);
    assert_eq!(url.connect_options().application_name.as_deref(), Some("x"));
}

#[test]
fn ambiguous_user_parts_are_refused_and_hidden() {
    for input in [
        "postgresql://u/x:QZJK@h/db",
        "postgresql://u?x:QZJK@h",
        "postgresql://u:p@ss/QZJK@host/db",
        "postgresql://u:QZJK@host/db?email=a@b",
        "postgresql://u@host:5432/db?x=QZJK@b",
        "sqlite:///u:QZJK@x.db",
    ] {
        let err = parse_err(input);
        let text = err.to_string();
        assert!(
            matches!(err, UrlError::Malformed { .. }),
            "{input}: {err:?}"
        );
        assert!(text.contains("%40"), "{text}");
        assert!(
            !text.contains("QZJK") && !format!("{err:?}").contains("QZJK"),
            "{input}: {text}"
        );
    }
}

#[test]
fn unknown_dialect() {
    let err = parse_err("oracle://scott:tiger@db/orcl");
    match &err {
        UrlError::UnknownDialect { scheme, url } => {
            assert_eq!(scheme, "oracle");
            assert_eq!(url, "oracle://scott:***@db/orcl");
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("postgresql") && text.contains("mariadb"),
        "{text}"
    );
    assert!(!text.contains("tiger"), "{text}");
}

#[test]
fn empty() {
    assert_eq!(parse_err(""), UrlError::Empty);
    assert_eq!(parse_err("  \n"), UrlError::Empty);
}

#[test]
fn malformed_urls_never_show_the_password() {
    for input in [
        "postgresql://u:secret@host:notaport/db",
        "postgresql://u:secret@host:99999/db",
        "postgresql://u:sec%zzret@host/db",
        "postgresql://u:secret%@host/db",
        "postgresql://u:secret@[::1/db",
        "postgresql://u:secret@[::1]x/db",
        "postgresql://u:secret",
        "postgresql://u:secret/db",
        "postgresql:/u:secret@host/db",
        "u:secret@host/db",
        "post gres://u:secret@host/db",
        "sqlite://u:secret@host/app.db",
        "oracle+cx://u:secret@host/db",
        "mysql://u:secret@host/db?ssl_mode=bogus",
        "postgresql://u:p@secret@host:x/db",
        "postgresql://host/db?password=secret&sslmode=nope",
    ] {
        let err = parse_err(input);
        let text = err.to_string();
        assert!(!text.contains("secret"), "{input}: {text}");
        assert!(!format!("{err:?}").contains("secret"), "{input}: {err:?}");
    }
}

#[test]
fn malformed_reasons() {
    let port = parse_err("postgresql://u:secret@host:notaport/db").to_string();
    assert!(
        port.contains("port") && port.contains("postgresql://u:***@host:notaport/db"),
        "{port}"
    );
    let escape = parse_err("postgresql://u:sec%zzret@host/db").to_string();
    assert!(escape.contains("percent-escape"), "{escape}");
    let shape = parse_err("postgresql:/u:secret@host/db").to_string();
    assert!(shape.contains("dialect[+driver]://"), "{shape}");
}

#[test]
fn display_and_debug_hide_the_password() {
    let url = parse("postgresql://app:secret@db:5432/bank?password=secret2&sslmode=require");
    assert_eq!(
        url.to_string(),
        "postgresql://app:***@db:5432/bank?password=***&sslmode=require"
    );
    assert_eq!(url.redacted(), url.to_string());
    let debug = format!("{url:?} {url:#?}");
    assert!(!debug.contains("secret"), "{debug}");
    assert!(debug.contains("bank") && debug.contains("***"), "{debug}");
    // The password is still there for the driver.
    assert_eq!(url.password(), Some("secret"));
    assert_eq!(url.option("password"), Some("secret2"));
}

#[test]
fn display_keeps_the_scheme_as_written() {
    assert_eq!(
        parse("PostgreSQL+asyncpg://h/db").to_string(),
        "PostgreSQL+asyncpg://h/db"
    );
}

#[test]
fn surrounding_white_space_is_ignored() {
    assert_eq!(
        parse("  postgresql://h/db\n").to_string(),
        "postgresql://h/db"
    );
}
