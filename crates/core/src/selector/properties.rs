//! Properties over many generated selectors: parsing never panics, and what parses prints in a
//! form that parses back to the same selector.

use serde_json::{Map, Value};

use super::{FieldSelector, LabelSelector};
use crate::testgen::Gen;

const PIECES: &[&str] = &[
    "a",
    "b",
    "x",
    "-",
    ".",
    "/",
    "_",
    "=",
    "==",
    "!=",
    "!",
    "(",
    ")",
    ",",
    " ",
    "\t",
    "\\",
    "in",
    "notin",
    " in ",
    " notin ",
    "0",
    "1",
    "é",
    "\0",
    "<",
    ">",
    "A",
    "example.com/",
];

#[test]
fn label_selectors_parse_without_panicking_and_round_trip() {
    let mut g = Gen::new(0x5e1ec7);
    let labels: Map<String, Value> = [("a", "b"), ("x", ""), ("b", "1")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    let mut parsed = 0;
    for _ in 0..20_000 {
        let input = g.string(PIECES, 12);
        let Ok(selector) = LabelSelector::parse(&input) else {
            continue;
        };
        parsed += 1;
        let printed = selector.to_string();
        let again = LabelSelector::parse(&printed);
        assert_eq!(
            again.as_ref(),
            Ok(&selector),
            "{input:?} printed as {printed:?}"
        );
        let _ = selector.matches(Some(&labels));
        let _ = selector.matches(None);
    }
    assert!(
        parsed > 100,
        "the generator should produce valid selectors too ({parsed})"
    );
}

#[test]
fn field_selectors_parse_without_panicking() {
    let mut g = Gen::new(0xf1e1d);
    let obj = serde_json::json!({"metadata": {"name": "a", "namespace": "b"}});
    for _ in 0..20_000 {
        let input = g.string(PIECES, 12);
        if let Ok(selector) = FieldSelector::parse(&input, &["a", "x", "metadata.name"]) {
            let _ = selector.matches(&obj);
            let _ = selector.to_string();
        }
    }
}

#[test]
fn structured_selectors_never_panic() {
    let mut g = Gen::new(0x1abe1);
    let keys = &[
        "matchLabels",
        "matchExpressions",
        "key",
        "operator",
        "values",
        "a",
        "In",
        "Exists",
    ];
    for _ in 0..20_000 {
        let v = g.value(keys, 3, true);
        let _ = LabelSelector::from_json(&v);
    }
}
