//! The string formats Kubernetes names, labels and keys must follow, with upstream's exact
//! messages (k8s.io/apimachinery/pkg/util/validation, api/validation/path). Each check returns
//! the list of what is wrong; an empty list means valid.
//!
//! The upstream regular expressions are ASCII-only, so they are matched here byte by byte.

use tokenhub_api::registry::NameRule;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;

const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX_LENGTH: usize = 63;

const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

const CONFIG_MAP_KEY_FMT: &str = "[-._a-zA-Z0-9]+";
const CONFIG_MAP_KEY_ERR: &str =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

/// `must be no more than 63 characters` (upstream counts bytes but says characters).
fn max_len_error(max: usize) -> String {
    format!("must be no more than {max} characters")
}

fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{fmt}')");
    }
    let examples: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!(
        "{msg} (e.g. {}regex used for validation is '{fmt}')",
        examples.join(" or ")
    )
}

fn empty_error() -> &'static str {
    "must be non-empty"
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && b.iter().all(|&c| is_lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

/// Labels joined by dots.
fn matches_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(matches_dns1123_label)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn matches_qualified_name(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// A DNS-1123 label: namespace names, and names of kinds whose name is a label.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            // A valid subdomain that is not a label can only be wrong for its dots.
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// A DNS-1123 subdomain: the names of most kinds.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// A "qualified name", the format of label and annotation keys: an optional DNS subdomain
/// prefix and `/`, then a name of at most 63 characters.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push(format!("prefix part {}", empty_error()));
            } else {
                errs.extend(
                    is_dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    QUALIFIED_NAME_ERR,
                    QUALIFIED_NAME_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {}", empty_error()));
    } else if name.len() > QUALIFIED_NAME_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            max_len_error(QUALIFIED_NAME_MAX_LENGTH)
        ));
    }
    if !matches_qualified_name(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_ERR,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// A label value: empty, or a qualified name's name part.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !matches_qualified_name(value) {
        errs.push(regex_error(
            LABEL_VALUE_ERR,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// A key of a ConfigMap's `data` or `binaryData`.
pub fn is_config_map_key(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    let charset_ok = !value.is_empty()
        && value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));
    if !charset_ok {
        errs.push(regex_error(
            CONFIG_MAP_KEY_ERR,
            CONFIG_MAP_KEY_FMT,
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    // A key becomes a file name when mounted, so it must not climb out of its directory.
    if value == "." {
        errs.push("must not be '.'".to_string());
    } else if value == ".." {
        errs.push("must not be '..'".to_string());
    } else if value.starts_with("..") {
        errs.push("must not start with '..'".to_string());
    }
    errs
}

/// A name that can be used safely as one segment of a URL path: RBAC object names.
pub fn is_valid_path_segment_name(name: &str) -> Vec<String> {
    for illegal in [".", ".."] {
        if name == illegal {
            return vec![format!("may not be '{illegal}'")];
        }
    }
    is_valid_path_segment_prefix(name)
}

/// A prefix of a path-segment name: only the characters are checked, as a suffix follows.
fn is_valid_path_segment_prefix(name: &str) -> Vec<String> {
    ["/", "%"]
        .into_iter()
        .filter(|illegal| name.contains(illegal))
        .map(|illegal| format!("may not contain '{illegal}'"))
        .collect()
}

/// What is wrong with `name` as the name of an object of a kind with `rule`.
pub fn validate_name(name: &str, rule: NameRule) -> Vec<String> {
    match rule {
        NameRule::Dns1123Subdomain => is_dns1123_subdomain(name),
        NameRule::Dns1123Label => is_dns1123_label(name),
        NameRule::PathSegment => is_valid_path_segment_name(name),
    }
}

/// What is wrong with `prefix` as a `metadata.generateName`: a random suffix will follow, so a
/// trailing hyphen is fine.
pub fn validate_generate_name(prefix: &str, rule: NameRule) -> Vec<String> {
    match rule {
        NameRule::Dns1123Subdomain => is_dns1123_subdomain(&mask_trailing_dash(prefix)),
        NameRule::Dns1123Label => is_dns1123_label(&mask_trailing_dash(prefix)),
        NameRule::PathSegment => is_valid_path_segment_prefix(prefix),
    }
}

/// Upstream's `maskTrailingDash`: a trailing `-` and the character before it become `a`, so the
/// prefix is checked as if a suffix had been appended (it drops two characters, not one; the
/// result is the same for valid prefixes and this keeps the messages identical).
fn mask_trailing_dash(name: &str) -> String {
    if name.len() > 1 && name.ends_with('-') {
        // Cutting bytes may split a character; the lossy decoding keeps such a name invalid,
        // as the broken UTF-8 is in Go.
        let mut bytes = name.as_bytes()[..name.len() - 2].to_vec();
        bytes.push(b'a');
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    #[test]
    fn dns1123_subdomain() {
        let long = "a".repeat(254);
        let cases: Vec<(&str, Vec<String>)> = vec![
            ("a", vec![]),
            ("my-name.example.com", vec![]),
            ("0", vec![]),
            ("a.b-c.d", vec![]),
            ("Foo_", vec![SUBDOMAIN_MSG.into()]),
            ("", vec![SUBDOMAIN_MSG.into()]),
            ("-a", vec![SUBDOMAIN_MSG.into()]),
            ("a-", vec![SUBDOMAIN_MSG.into()]),
            ("a..b", vec![SUBDOMAIN_MSG.into()]),
            (".a", vec![SUBDOMAIN_MSG.into()]),
            ("a.", vec![SUBDOMAIN_MSG.into()]),
            ("héllo", vec![SUBDOMAIN_MSG.into()]),
            (&long, vec!["must be no more than 253 characters".into()]),
        ];
        for (input, want) in cases {
            assert_eq!(is_dns1123_subdomain(input), want, "{input:?}");
        }
        assert!(is_dns1123_subdomain(&"a".repeat(253)).is_empty());
    }

    #[test]
    fn dns1123_label() {
        // Upstream joins the examples with "or " after a "', " each; the double space is theirs.
        assert!(is_dns1123_label("default").is_empty());
        assert!(is_dns1123_label(&"a".repeat(63)).is_empty());
        assert_eq!(is_dns1123_label("a.b"), vec!["must not contain dots"]);
        assert_eq!(is_dns1123_label("Kube"), vec![LABEL_MSG]);
        assert_eq!(
            is_dns1123_label(&"a".repeat(64)),
            vec!["must be no more than 63 characters"]
        );
        assert_eq!(is_dns1123_label(""), vec![LABEL_MSG]);
    }

    #[test]
    fn qualified_names() {
        let ok = [
            "a",
            "app",
            "app.kubernetes.io/name",
            "example.com/My_Name-1",
            "A",
            "1",
        ];
        for v in ok {
            assert!(is_qualified_name(v).is_empty(), "{v}");
        }
        assert_eq!(is_qualified_name("a b"), vec![NAME_PART_MSG]);
        assert_eq!(
            is_qualified_name(""),
            vec![
                "name part must be non-empty".to_string(),
                NAME_PART_MSG.into()
            ]
        );
        assert_eq!(
            is_qualified_name("/a"),
            vec!["prefix part must be non-empty"]
        );
        assert_eq!(
            is_qualified_name("Example.com/a"),
            vec![format!("prefix part {SUBDOMAIN_MSG}")]
        );
        assert_eq!(
            is_qualified_name(&"a".repeat(64)),
            vec!["name part must be no more than 63 characters"]
        );
        assert_eq!(
            is_qualified_name("a/b/c"),
            vec![
                "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        );
    }

    #[test]
    fn label_values() {
        for v in ["", "a", "MyValue", "my_value", "1.2.3"] {
            assert!(is_valid_label_value(v).is_empty(), "{v}");
        }
        let msg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        assert_eq!(is_valid_label_value("-a"), vec![msg]);
        assert_eq!(is_valid_label_value("a b"), vec![msg]);
        assert_eq!(
            is_valid_label_value(&"a".repeat(64)),
            vec!["must be no more than 63 characters"]
        );
    }

    #[test]
    fn config_map_keys() {
        for v in ["a", "config.yaml", "KEY_NAME", ".hidden", "-x"] {
            assert!(is_config_map_key(v).is_empty(), "{v}");
        }
        let msg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
        assert_eq!(is_config_map_key("a/b"), vec![msg]);
        assert_eq!(is_config_map_key(""), vec![msg]);
        assert_eq!(is_config_map_key("."), vec!["must not be '.'"]);
        assert_eq!(is_config_map_key(".."), vec!["must not be '..'"]);
        assert_eq!(is_config_map_key("..a"), vec!["must not start with '..'"]);
    }

    #[test]
    fn path_segment_names() {
        assert!(is_valid_path_segment_name("system:node-proxier").is_empty());
        assert!(is_valid_path_segment_name("Admin Role").is_empty());
        assert_eq!(is_valid_path_segment_name("."), vec!["may not be '.'"]);
        assert_eq!(is_valid_path_segment_name(".."), vec!["may not be '..'"]);
        assert_eq!(
            is_valid_path_segment_name("a/b%c"),
            vec!["may not contain '/'", "may not contain '%'"]
        );
    }

    #[test]
    fn names_by_rule() {
        assert!(validate_name("my.sa", NameRule::Dns1123Subdomain).is_empty());
        assert_eq!(
            validate_name("my.ns", NameRule::Dns1123Label),
            vec!["must not contain dots"]
        );
        assert!(validate_name("system:admin", NameRule::PathSegment).is_empty());
    }

    #[test]
    fn generate_name_allows_a_trailing_hyphen() {
        assert!(validate_generate_name("token-", NameRule::Dns1123Subdomain).is_empty());
        assert!(validate_generate_name("x-", NameRule::Dns1123Label).is_empty());
        assert!(validate_generate_name("..", NameRule::PathSegment).is_empty());
        assert_eq!(
            validate_generate_name("a/", NameRule::PathSegment),
            vec!["may not contain '/'"]
        );
        assert_eq!(
            validate_generate_name("Token-", NameRule::Dns1123Subdomain),
            vec![SUBDOMAIN_MSG]
        );
        assert_eq!(
            validate_generate_name("-", NameRule::Dns1123Subdomain),
            vec![SUBDOMAIN_MSG]
        );
        assert!(validate_generate_name("é-", NameRule::Dns1123Subdomain).len() == 1);
    }
}
