use super::*;
use crate::credentials::{hash_secret, verify_secret};
use crate::testgen::Gen;

const API_ID: &str = "2iKo4Asy51EUx2gpJFW76t";
const SECRET: &str = "Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK";

fn ids() -> [(CredentialKind, &'static str); 2] {
    [
        (CredentialKind::PersonalToken, "token-x7k2p"),
        (CredentialKind::ApiToken, API_ID),
    ]
}

#[test]
fn issued_bearers_parse_back_for_every_kind() {
    for (kind, id) in ids() {
        let issued = issue(kind, id).unwrap();
        let bearer = issued.bearer.expose();
        assert!(bearer.starts_with(kind.prefix()), "{bearer}");
        assert_eq!(
            bearer.len(),
            kind.prefix().len() + id.len() + 1 + SECRET_LEN + CHECKSUM_LEN
        );
        assert_eq!(issued.secret.expose().len(), SECRET_LEN);
        assert!(kind.looks_like(bearer));
        let parsed = parse(bearer).unwrap();
        assert_eq!(parsed.kind, kind);
        assert_eq!(parsed.id, id);
        assert_eq!(parsed.secret.expose(), issued.secret.expose());
        assert!(verify_secret(
            parsed.secret.expose(),
            &hash_secret(issued.secret.expose())
        ));
    }
}

#[test]
fn issuing_twice_gives_different_secrets() {
    let a = issue(CredentialKind::ApiToken, API_ID).unwrap();
    let b = issue(CredentialKind::ApiToken, API_ID).unwrap();
    assert_ne!(a.secret.expose(), b.secret.expose());
    assert_ne!(a.bearer.expose(), b.bearer.expose());
}

#[test]
fn known_vectors_are_stable() {
    let secret = Secret::new(SECRET);
    let personal = format_bearer(CredentialKind::PersonalToken, "token-x7k2p", &secret).unwrap();
    let api = format_bearer(CredentialKind::ApiToken, API_ID, &secret).unwrap();
    // The checksum is CRC-32/ISO-HDLC of the body in 6 base62 digits; a change here breaks
    // every credential already issued.
    let crc = |s: &str| base62::encode_fixed(u64::from(CRC32.checksum(s.as_bytes())), 6);
    assert_eq!(
        personal.expose(),
        format!(
            "tht_token-x7k2p_{SECRET}{}",
            crc(&format!("tht_token-x7k2p_{SECRET}"))
        )
    );
    assert_eq!(CRC32.checksum(b"123456789"), 0xCBF4_3926);
    assert_eq!(
        personal.expose(),
        "tht_token-x7k2p_Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK4HYtf6"
    );
    assert_eq!(
        api.expose(),
        "tha_2iKo4Asy51EUx2gpJFW76t_Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK25NjoU"
    );
}

#[test]
fn rancher_form_is_a_personal_token() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "ext/token-abcde:Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK",
            "token-abcde",
            SECRET,
        ),
        // Rancher's own 54-character secrets.
        (
            "ext/token-chjc9:bcdfghjklmnpqrstvwxz2456789bcdfghjklmnpqrstvwxz2456789",
            "token-chjc9",
            "bcdfghjklmnpqrstvwxz2456789bcdfghjklmnpqrstvwxz2456789",
        ),
        ("ext/t:x", "t", "x"),
    ];
    for (input, id, secret) in cases {
        let parsed = parse(input).unwrap();
        assert_eq!(parsed.kind, CredentialKind::PersonalToken, "{input}");
        assert_eq!(parsed.id, *id);
        assert_eq!(parsed.secret.expose(), *secret);
        assert!(CredentialKind::PersonalToken.looks_like(input));
    }
    let secret = Secret::new(SECRET);
    let formatted = format_rancher("token-abcde", &secret);
    assert_eq!(parse(formatted.expose()).unwrap().id, "token-abcde");
}

#[test]
fn malformed_input_is_refused_with_the_reason() {
    let long = "a".repeat(MAX_BEARER_LEN + 1);
    let personal = |reason| BearerError::Malformed {
        kind: CredentialKind::PersonalToken,
        reason,
    };
    let api = |reason| BearerError::Malformed {
        kind: CredentialKind::ApiToken,
        reason,
    };
    let cases: Vec<(String, BearerError)> = vec![
        (String::new(), BearerError::Empty),
        (long, BearerError::TooLong),
        ("Bearer tht_x".into(), BearerError::UnknownFormat),
        ("ghp_abc".into(), BearerError::UnknownFormat),
        (
            "eyJhbGciOiJSUzI1NiJ9.e30.sig".into(),
            BearerError::UnknownFormat,
        ),
        ("THT_token-x_abc".into(), BearerError::UnknownFormat),
        ("tht".into(), BearerError::UnknownFormat),
        (
            "tht_".into(),
            personal("no separator between id and secret"),
        ),
        (
            "tht_token-x7k2p".into(),
            personal("no separator between id and secret"),
        ),
        (format!("tht__{SECRET}abcdef"), personal("empty id")),
        (
            "tht_token-x7k2p_".into(),
            personal("wrong length of secret and checksum"),
        ),
        (
            format!("tht_token-x7k2p_{SECRET}"),
            personal("wrong length of secret and checksum"),
        ),
        (
            format!("tht_token-x7k2p_{SECRET}abcde-"),
            personal("the secret is not base62"),
        ),
        (
            format!("tha_{API_ID}_{SECRET}abcdefg"),
            api("wrong length of secret and checksum"),
        ),
        (
            format!("tha_{API_ID}_{SECRET}\u{e9}bcdef"),
            api("the secret is not base62"),
        ),
        ("ext/".into(), personal("expected ext/<name>:<secret>")),
        (
            "ext/token-abcde".into(),
            personal("expected ext/<name>:<secret>"),
        ),
        ("ext/a:b:c".into(), personal("expected ext/<name>:<secret>")),
        ("ext/:secret".into(), personal("empty id")),
        ("ext/token-abcde:".into(), personal("empty secret")),
        (
            "ext/token-abcde:a-b".into(),
            personal("the secret is not base62"),
        ),
        (
            format!("ext/token-abcde:{}", "a".repeat(129)),
            personal("the secret is not base62"),
        ),
        ("ext/Token_X:abc".into(), personal("invalid id")),
        ("ext/a/b:abc".into(), personal("invalid id")),
    ];
    for (input, want) in cases {
        assert_eq!(parse(&input).unwrap_err(), want, "{input:?}");
    }
}

/// A personal-token prefix on an API-token id, and the other way round: the checksum covers
/// the prefix, so neither parses.
#[test]
fn a_swapped_prefix_fails_the_checksum() {
    let secret = Secret::new(SECRET);
    for (kind, id) in ids() {
        let bearer = format_bearer(kind, id, &secret).unwrap();
        let other = match kind {
            CredentialKind::PersonalToken => CredentialKind::ApiToken,
            CredentialKind::ApiToken => CredentialKind::PersonalToken,
        };
        let swapped = bearer.expose().replacen(kind.prefix(), other.prefix(), 1);
        assert_eq!(
            parse(&swapped).unwrap_err(),
            BearerError::BadChecksum { kind: other }
        );
    }
}

#[test]
fn ids_that_could_not_parse_back_are_not_issued() {
    let cases: &[(CredentialKind, &str)] = &[
        (CredentialKind::PersonalToken, ""),
        (CredentialKind::PersonalToken, "has_underscore"),
        (CredentialKind::PersonalToken, "UPPER"),
        (CredentialKind::PersonalToken, "a:b"),
        (CredentialKind::ApiToken, ""),
        (CredentialKind::ApiToken, "short"),
        (CredentialKind::ApiToken, "2iKo4Asy51EUx2gpJFW76_"),
        (CredentialKind::ApiToken, "2iKo4Asy51EUx2gpJFW76tX"),
    ];
    for (kind, id) in cases {
        assert!(
            matches!(issue(*kind, id), Err(IssueError::InvalidId(k)) if k == *kind),
            "{kind:?} {id:?}"
        );
        assert!(format_bearer(*kind, id, &Secret::new(SECRET)).is_err());
    }
    assert!(
        format_bearer(
            CredentialKind::ApiToken,
            API_ID,
            &Secret::new("short".to_string())
        )
        .is_err()
    );
}

/// Every single-character substitution anywhere after the prefix is caught: by the checksum,
/// or by the shape (a separator or a non-base62 character where it cannot be).
#[test]
fn every_single_character_typo_is_refused() {
    let substitutes = ['0', '9', 'A', 'z', 'q', '_', '-', '.', ':', ' '];
    for (kind, id) in ids() {
        let bearer = issue(kind, id).unwrap().bearer.into_exposed();
        for i in 0..bearer.len() {
            for sub in substitutes {
                let mut typo: Vec<char> = bearer.chars().collect();
                if typo[i] == sub {
                    continue;
                }
                typo[i] = sub;
                let typo: String = typo.into_iter().collect();
                assert!(parse(&typo).is_err(), "{typo}");
            }
        }
        // Dropping or doubling any character is refused too.
        for i in 0..bearer.len() {
            let mut dropped = bearer.clone();
            dropped.remove(i);
            assert!(parse(&dropped).is_err(), "{dropped}");
            let mut doubled = bearer.clone();
            doubled.insert(i, bearer.as_bytes()[i] as char);
            assert!(parse(&doubled).is_err(), "{doubled}");
        }
        // Swapping two neighbours that differ.
        let bytes = bearer.as_bytes();
        for i in 0..bytes.len() - 1 {
            if bytes[i] == bytes[i + 1] {
                continue;
            }
            let mut swapped = bytes.to_vec();
            swapped.swap(i, i + 1);
            let swapped = String::from_utf8(swapped).unwrap();
            assert!(parse(&swapped).is_err(), "{swapped}");
        }
    }
}

#[test]
fn looks_like_goes_by_prefix_only() {
    let cases: &[(&str, Option<CredentialKind>)] = &[
        ("tht_", Some(CredentialKind::PersonalToken)),
        ("tht_garbage", Some(CredentialKind::PersonalToken)),
        ("ext/x:y", Some(CredentialKind::PersonalToken)),
        ("tha_garbage", Some(CredentialKind::ApiToken)),
        ("eyJhbGciOi", None),
        ("", None),
        ("th", None),
    ];
    for (s, want) in cases {
        assert_eq!(looks_like(s), *want, "{s}");
        for kind in CredentialKind::ALL {
            assert_eq!(kind.looks_like(s), *want == Some(kind), "{s} {kind:?}");
        }
    }
}

#[test]
fn debug_and_errors_never_show_the_secret() {
    for (kind, id) in ids() {
        let issued = issue(kind, id).unwrap();
        let secret = issued.secret.expose().to_string();
        let debug = format!("{issued:?} {issued:#?}");
        assert!(!debug.contains(&secret), "{debug}");
        assert!(debug.contains(id));
        let parsed = parse(issued.bearer.expose()).unwrap();
        let debug = format!("{parsed:?}");
        assert!(!debug.contains(&secret), "{debug}");
        // An error about a near miss does not quote it either.
        let mut typo = issued.bearer.into_exposed();
        typo.pop();
        typo.push('!');
        let err = parse(&typo).unwrap_err();
        assert!(!err.to_string().contains(&secret));
        assert!(!format!("{err:?}").contains(&secret));
    }
}

#[test]
fn arbitrary_input_never_panics() {
    let pieces = [
        "tht_",
        "tha_",
        "ext/",
        "_",
        ":",
        "/",
        "-",
        ".",
        "a",
        "Z",
        "0",
        "token-x7k2p",
        API_ID,
        SECRET,
        "2jm4k6",
        "\u{e9}",
        "\u{1F600}",
        " ",
        "\0",
    ];
    let mut g = Gen::new(0x7e57_4ea7);
    for _ in 0..20_000 {
        let s = g.string(&pieces, 12);
        // Whatever it says, it says it without panicking, and anything accepted round-trips.
        if let Ok(parsed) = parse(&s) {
            assert!(parsed.kind.is_valid_id(&parsed.id), "{s:?}");
            if !s.starts_with(RANCHER_PREFIX) {
                let again = format_bearer(parsed.kind, &parsed.id, &parsed.secret).unwrap();
                assert_eq!(again.expose(), s);
            }
        }
    }
}
