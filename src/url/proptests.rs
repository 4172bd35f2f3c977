//! Redaction as a property: whatever string is given as a URL, nothing the
//! library shows of it — `Display`, `Debug`, `redacted()`, every error —
//! holds the password, whole or in part.
//!
//! URLs are built as `scheme://user:password@host:port/database?query`
//! from parts that may hold raw `@ / ? # : %`, percent-escapes (valid or
//! not), malformed hosts and ports, and unknown or missing schemes. The
//! password is drawn from marker letters (`QZJKX`) and URL punctuation; no
//! other part uses those letters, so any 4-character run of the password
//! that holds a marker and shows up in an output came from the password.
//! (A password with no `@` after it cannot be told from `host:port/db`; the
//! generator always writes the `@`, as every real URL with a password does.)

use proptest::prelude::*;

use super::*;

const MARKERS: &[char] = &['Q', 'Z', 'J', 'K', 'X'];

fn piece(alphabet: &'static str, len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    let chars: Vec<char> = alphabet.chars().collect();
    proptest::collection::vec(proptest::sample::select(chars), len)
        .prop_map(|cs| cs.into_iter().collect())
}

/// The password as typed in the URL (some characters percent-encoded,
/// sometimes a broken escape) and as decoded.
fn password() -> impl Strategy<Value = (String, String)> {
    proptest::collection::vec(
        (
            proptest::sample::select(vec![
                'Q', 'Z', 'J', 'K', 'X', 'Q', 'Z', '@', '/', '?', '#', ':', '%', '&', '=',
            ]),
            0..4u8,
        ),
        4..14,
    )
    .prop_map(|chars| {
        let mut typed = String::new();
        let mut decoded = String::new();
        for (c, how) in chars {
            decoded.push(c);
            match how {
                0 => typed.push_str(&format!("%{:02X}", c as u32)),
                1 if c == '%' => typed.push_str("%zz"),
                _ => typed.push(c),
            }
        }
        (typed, decoded)
    })
}

fn url() -> impl Strategy<Value = (String, Vec<String>)> {
    let scheme = proptest::sample::select(vec![
        "postgresql://",
        "postgres://",
        "postgresql+psycopg2://",
        "mysql://",
        "mariadb+mariadbconnector://",
        "sqlite://",
        "oracle://",
        "post gres://",
        "postgresql:/",
        "",
    ]);
    let user = piece("abcdefgh@/?#:%", 0..5);
    let host = piece("abcdefgh0123.@:[]/", 0..7);
    let port = proptest::option::of(piece("0123456789ab", 0..6));
    let database = proptest::option::of(piece("abcdefgh/@:?", 0..6));
    let query = proptest::option::of(proptest::collection::vec(
        (
            proptest::sample::select(vec![
                "sslmode",
                "ssl",
                "ssl_ca",
                "charset",
                "application_name",
                "connect_timeout",
                "options",
                "password",
                "x",
            ]),
            piece("abcdefgh0123@-=", 0..5),
        ),
        0..3,
    ));
    let query_secret = proptest::option::of(piece("QZJKX", 4..8));
    (
        scheme,
        user,
        password(),
        host,
        port,
        database,
        query,
        query_secret,
    )
        // Without a scheme, `user://secret@host` has no reading in which
        // `//secret` is a password rather than `user` a scheme: no redaction
        // can know, so such text is not generated.
        .prop_filter(
            "an empty scheme before a `//` password reads as a scheme",
            |t| !(t.0.is_empty() && t.2.0.starts_with('/')),
        )
        .prop_map(
            |(scheme, user, (typed, decoded), host, port, database, query, query_secret)| {
                let mut url = format!("{scheme}{user}:{typed}@{host}");
                if let Some(port) = port {
                    url.push(':');
                    url.push_str(&port);
                }
                if let Some(database) = database {
                    url.push('/');
                    url.push_str(&database);
                }
                let mut pairs: Vec<String> = query
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let mut secrets = vec![typed, decoded];
                if let Some(secret) = query_secret {
                    pairs.push(format!("password={secret}"));
                    secrets.push(secret);
                }
                if !pairs.is_empty() {
                    url.push('?');
                    url.push_str(&pairs.join("&"));
                }
                (url, secrets)
            },
        )
}

/// Every 4-character run of a secret that holds a marker letter.
fn runs(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(4)
        .filter(|w| w.iter().any(|c| MARKERS.contains(c)))
        .map(|w| w.iter().collect())
        .collect()
}

/// Asserts that no run of any secret appears in `shown`.
pub(crate) fn assert_hidden(url: &str, secrets: &[String], shown: &str) {
    for secret in secrets {
        for run in runs(secret) {
            assert!(
                !shown.contains(&run),
                "`{run}` of the password shows in {shown:?} (URL {url:?})"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn no_output_shows_the_password((url, secrets) in url()) {
        let mut outputs = match DatabaseUrl::parse(&url) {
            Ok(mut parsed) => {
                let mut outputs = vec![
                    parsed.to_string(),
                    format!("{parsed:?}"),
                    format!("{parsed:#?}"),
                    parsed.redacted(),
                    format!("{:?}", parsed.connect_options().unknown),
                ];
                parsed.resolve_relative(Path::new("/base"));
                outputs.push(parsed.to_string());
                outputs
            }
            Err(error) => vec![error.to_string(), format!("{error:?}")],
        };
        outputs.push(redact_raw(&url));
        for shown in outputs {
            assert_hidden(&url, &secrets, &shown);
        }
    }
}

#[test]
fn the_generator_can_fail_the_property() {
    // A check that cannot fail is no check: the raw URL itself must trip it.
    let url = "postgresql://u:QZ/J@KX@h/db";
    let secrets = vec!["QZ/J@KX".to_owned()];
    let caught = std::panic::catch_unwind(|| assert_hidden(url, &secrets, url));
    assert!(caught.is_err());
}
