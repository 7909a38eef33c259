//! Field selectors (`metadata.name=x,status.phase!=Active`), as k8s.io/apimachinery/pkg/fields:
//! terms split on unescaped commas, sorted, values unescaped (`\,` `\=` `\\`), then each field
//! checked against what the kind supports.

use std::fmt;

use serde_json::Value;

use super::SelectorError;

/// One term: the field at a dotted path equals (or, negated, differs from) a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub value: String,
    pub negated: bool,
}

impl FieldRequirement {
    fn matches(&self, obj: &Value) -> bool {
        (field_value(obj, &self.field) == self.value) != self.negated
    }
}

/// Terms that must all hold.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FieldSelector {
    terms: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// Matches every object.
    pub fn everything() -> FieldSelector {
        FieldSelector::default()
    }

    /// Parses a `fieldSelector`; a field not in `supported` fails with
    /// `field label not supported: <field>`.
    pub fn parse(selector: &str, supported: &[&str]) -> Result<FieldSelector, SelectorError> {
        let parsed = FieldSelector::parse_any_field(selector)?;
        // Upstream checks the fields after parsing every term, in the sorted order.
        if let Some(term) = parsed
            .terms
            .iter()
            .find(|t| !supported.contains(&t.field.as_str()))
        {
            return Err(SelectorError::new(format!(
                "field label not supported: {}",
                term.field
            )));
        }
        Ok(parsed)
    }

    /// Parses a `fieldSelector` whatever fields it names (`fields.ParseSelector`).
    pub fn parse_any_field(selector: &str) -> Result<FieldSelector, SelectorError> {
        let mut parts = split_terms(selector);
        parts.sort_unstable();
        let mut terms = Vec::with_capacity(parts.len());
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let Some((field, op, raw_value)) = split_term(part) else {
                return Err(SelectorError::new(format!(
                    "invalid selector: '{selector}'; can't understand '{part}'"
                )));
            };
            terms.push(FieldRequirement {
                field: field.to_string(),
                value: unescape_value(raw_value)?,
                negated: op == "!=",
            });
        }
        Ok(FieldSelector { terms })
    }

    /// Whether `obj` is selected. A field the object lacks reads as the empty string, so
    /// `spec.x=` selects objects without `spec.x`.
    pub fn matches(&self, obj: &Value) -> bool {
        self.terms.iter().all(|t| t.matches(obj))
    }

    /// True when the selector selects everything.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn terms(&self) -> &[FieldRequirement] {
        &self.terms
    }

    /// The value `field` must equal, when a term pins it (`metadata.name=x`): what a watch of
    /// a single object sends.
    pub fn exact_value(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| !t.negated && t.field == field)
            .map(|t| t.value.as_str())
    }
}

impl fmt::Display for FieldSelector {
    /// Upstream's form: terms joined by commas, values unescaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let op = if t.negated { "!=" } else { "=" };
            write!(f, "{}{op}{}", t.field, t.value)?;
        }
        Ok(())
    }
}

/// Splits on commas that are not escaped; escapes stay in the terms.
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// The field, the operator and the raw value, split at the first operator; `!=` and `==` win
/// over `=` at the same place. Fields cannot be escaped.
fn split_term(term: &str) -> Option<(&str, &'static str, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for op in ["!=", "==", "="] {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], op, value));
            }
        }
    }
    None
}

fn unescape_value(raw: &str) -> Result<String, SelectorError> {
    if !raw.contains(['\\', ',', '=']) {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut in_slash = false;
    for c in raw.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(SelectorError::new(format!(
                    "invalid field selector: invalid escape sequence: \\{c}"
                )));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            // Upstream prints the rune with %v: its number.
            ',' | '=' => {
                return Err(SelectorError::new(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                )));
            }
            c => out.push(c),
        }
    }
    if in_slash {
        return Err(SelectorError::new(
            "invalid field selector: invalid escape sequence: \\",
        ));
    }
    Ok(out)
}

/// The value at a dotted path, as a field selector compares it.
fn field_value(obj: &Value, path: &str) -> String {
    let mut current = obj;
    for key in path.split('.') {
        match current.get(key) {
            Some(next) => current = next,
            None => return String::new(),
        }
    }
    match current {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SUPPORTED: &[&str] = &["metadata.name", "metadata.namespace", "spec.enabled"];

    fn parse(s: &str) -> FieldSelector {
        match FieldSelector::parse(s, SUPPORTED) {
            Ok(sel) => sel,
            Err(e) => panic!("{s:?}: {e}"),
        }
    }

    #[test]
    fn matching_table() {
        let obj =
            json!({"metadata": {"name": "t1", "namespace": "default"}, "spec": {"enabled": true}});
        let cases = [
            ("", true),
            ("metadata.name=t1", true),
            ("metadata.name==t1", true),
            ("metadata.name=t2", false),
            ("metadata.name!=t2", true),
            ("metadata.name!=t1", false),
            ("metadata.name=t1,metadata.namespace=default", true),
            ("metadata.name=t1,metadata.namespace=kube-system", false),
            ("spec.enabled=true", true),
            ("metadata.namespace=", false),
            (",metadata.name=t1,", true),
        ];
        for (selector, want) in cases {
            assert_eq!(parse(selector).matches(&obj), want, "{selector:?}");
        }
        let cluster_scoped = json!({"metadata": {"name": "t1"}});
        assert!(parse("metadata.namespace=").matches(&cluster_scoped));
    }

    #[test]
    fn escaped_values() {
        let sel = parse(r"metadata.name=a\,b\=c\\d");
        assert_eq!(sel.exact_value("metadata.name"), Some(r"a,b=c\d"));
        assert!(sel.matches(&json!({"metadata": {"name": r"a,b=c\d"}})));
    }

    #[test]
    fn errors() {
        let cases = [
            (
                "metadata.name",
                "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
            ),
            (
                "a=b,metadata.name",
                "invalid selector: 'a=b,metadata.name'; can't understand 'metadata.name'",
            ),
            ("spec.x=1", "field label not supported: spec.x"),
            (
                "spec.y=1,metadata.name=a,spec.x=2",
                "field label not supported: spec.x",
            ),
            (
                "metadata.name=a=b",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "metadata.name=a\\x",
                "invalid field selector: invalid escape sequence: \\x",
            ),
            (
                "metadata.name=a\\",
                "invalid field selector: invalid escape sequence: \\",
            ),
            ("=x", "field label not supported: "),
        ];
        for (input, want) in cases {
            assert_eq!(
                FieldSelector::parse(input, SUPPORTED).map_err(|e| e.to_string()),
                Err(want.to_string()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn exact_value_is_for_watching_one_object() {
        let sel = parse("metadata.name=t1");
        assert_eq!(sel.exact_value("metadata.name"), Some("t1"));
        assert_eq!(sel.exact_value("metadata.namespace"), None);
        assert_eq!(
            parse("metadata.name!=t1").exact_value("metadata.name"),
            None
        );
        assert!(parse("").is_empty());
        assert!(!sel.is_empty());
    }

    #[test]
    fn display_sorted_terms() {
        assert_eq!(
            parse("metadata.namespace!=b,metadata.name==a").to_string(),
            "metadata.name=a,metadata.namespace!=b"
        );
    }

    #[test]
    fn split_prefers_longer_operators() {
        assert_eq!(split_term("a==b"), Some(("a", "==", "b")));
        assert_eq!(split_term("a!=b"), Some(("a", "!=", "b")));
        assert_eq!(split_term("a=!=b"), Some(("a", "=", "!=b")));
        assert_eq!(split_term("ab"), None);
        assert_eq!(split_term("é=ü"), Some(("é", "=", "ü")));
    }
}
