//! Label selectors: requirements ANDed together, as in k8s.io/apimachinery/pkg/labels, built
//! from the query-string syntax (`env in (prod),!canary`) or from a structured
//! `metav1.LabelSelector` (`matchLabels`, `matchExpressions`).

use std::fmt;

use serde_json::{Map, Value};

use super::SelectorError;
use super::label_parser;
use crate::go_fmt;
use crate::validation::{FieldError, aggregate_message, is_qualified_name, is_valid_label_value};

/// How a requirement relates a label to its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

impl Operator {
    /// The operator's name in `selection.Operator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::DoesNotExist => "!",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }
}

/// One condition on one label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl Requirement {
    /// A validated requirement: the key must be a qualified name, every value a label value,
    /// and the number of values must suit the operator.
    pub fn new(
        key: &str,
        operator: Operator,
        values: Vec<String>,
    ) -> Result<Requirement, SelectorError> {
        Requirement::build(key, operator, values, false)
    }

    /// `nil_when_empty`: upstream prints an empty value list as `null` when it came from a Go
    /// nil slice (a structured selector without `values`) and as `[]` from the parser.
    pub(super) fn build(
        key: &str,
        operator: Operator,
        values: Vec<String>,
        nil_when_empty: bool,
    ) -> Result<Requirement, SelectorError> {
        let mut errs = Vec::new();
        if let Some(err) = validate_key(key, "key") {
            errs.push(err);
        }
        let values_json = if values.is_empty() && nil_when_empty {
            Value::Null
        } else {
            Value::from(values.clone())
        };
        match operator {
            Operator::In | Operator::NotIn if values.is_empty() => errs.push(FieldError::invalid(
                "values",
                values_json,
                "for 'in', 'notin' operators, values set can't be empty",
            )),
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                errs.push(FieldError::invalid(
                    "values",
                    values_json,
                    "exact-match compatibility requires one single value",
                ));
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                errs.push(FieldError::invalid(
                    "values",
                    values_json,
                    "values set must be empty for exists and does not exist",
                ));
            }
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    errs.push(FieldError::invalid(
                        "values",
                        values_json,
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, v) in values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errs.push(FieldError::invalid(
                            format!("values[{i}]"),
                            v.as_str(),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            let msgs = is_valid_label_value(v);
            if !msgs.is_empty() {
                errs.push(FieldError::invalid(
                    format!("values[{i}][{key}]"),
                    v.as_str(),
                    msgs.join("; "),
                ));
            }
        }
        match aggregate_message(&errs) {
            Some(message) => Err(SelectorError::new(message)),
            None => Ok(Requirement {
                key: key.to_string(),
                operator,
                values,
            }),
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn operator(&self) -> Operator {
        self.operator
    }

    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether `labels` (an object's `metadata.labels`) satisfy this requirement. A missing
    /// label satisfies only `!=`, `notin` and `!`.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let label = labels
            .and_then(|l| l.get(&self.key))
            .map(|v| v.as_str().unwrap_or_default());
        let has_value = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                label.is_some_and(has_value)
            }
            Operator::NotIn | Operator::NotEquals => label.is_none_or(|v| !has_value(v)),
            Operator::Exists => label.is_some(),
            Operator::DoesNotExist => label.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(label), [bound]) = (label, self.values.as_slice()) else {
                    return false;
                };
                match (label.parse::<i64>(), bound.parse::<i64>()) {
                    (Ok(label), Ok(bound)) if self.operator == Operator::GreaterThan => {
                        label > bound
                    }
                    (Ok(label), Ok(bound)) => label < bound,
                    _ => false,
                }
            }
        }
    }
}

/// A label key that is not a qualified name, reported at `path` with all reasons.
pub(super) fn validate_key(key: &str, path: &str) -> Option<FieldError> {
    let msgs = is_qualified_name(key);
    (!msgs.is_empty()).then(|| FieldError::invalid(path, key, msgs.join("; ")))
}

impl fmt::Display for Requirement {
    /// Upstream's canonical form: `!a`, `a`, `a=b`, `a in (x,y)` with sorted values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        };
        f.write_str(op)?;
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut values = self.values.clone();
        values.sort();
        f.write_str(&values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Requirements that must all hold, sorted by key; or the selector that matches nothing.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
    /// A structured selector that is `null` selects nothing, unlike an empty one.
    matches_nothing: bool,
}

impl LabelSelector {
    /// Matches every object.
    pub fn everything() -> LabelSelector {
        LabelSelector::default()
    }

    /// Matches no object.
    pub fn nothing() -> LabelSelector {
        LabelSelector {
            requirements: Vec::new(),
            matches_nothing: true,
        }
    }

    pub fn from_requirements(mut requirements: Vec<Requirement>) -> LabelSelector {
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        LabelSelector {
            requirements,
            matches_nothing: false,
        }
    }

    /// Parses the `labelSelector` query syntax, e.g. `app=web,tier in (a,b),!canary`.
    pub fn parse(selector: &str) -> Result<LabelSelector, SelectorError> {
        let requirements = label_parser::parse(selector).map_err(SelectorError::new)?;
        Ok(LabelSelector::from_requirements(requirements))
    }

    /// Builds a selector from a structured `metav1.LabelSelector`: `null` selects nothing, an
    /// empty one everything.
    pub fn from_json(selector: &Value) -> Result<LabelSelector, SelectorError> {
        let obj = match selector {
            Value::Null => return Ok(LabelSelector::nothing()),
            Value::Object(obj) => obj,
            other => {
                return Err(SelectorError::new(format!(
                    "json: cannot unmarshal {} into Go value of type v1.LabelSelector",
                    tokenhub_api::decode::json_type(other)
                )));
            }
        };
        let match_labels = match obj.get("matchLabels") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => return Err(field_type_error("matchLabels", other, "map[string]string")),
        };
        let expressions = match obj.get("matchExpressions") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(list)) => list.as_slice(),
            Some(other) => {
                return Err(field_type_error(
                    "matchExpressions",
                    other,
                    "[]v1.LabelSelectorRequirement",
                ));
            }
        };
        let label_count = match_labels.map_or(0, Map::len);
        if label_count + expressions.len() == 0 {
            return Ok(LabelSelector::everything());
        }
        let mut requirements = Vec::with_capacity(label_count + expressions.len());
        for (key, value) in match_labels.into_iter().flatten() {
            let Some(value) = value.as_str() else {
                return Err(field_type_error("matchLabels", value, "string"));
            };
            requirements.push(Requirement::build(
                key,
                Operator::Equals,
                vec![value.to_string()],
                false,
            )?);
        }
        for expr in expressions {
            requirements.push(expression_requirement(expr)?);
        }
        Ok(LabelSelector::from_requirements(requirements))
    }

    /// Whether an object with these labels is selected.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        !self.matches_nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// True when the selector selects everything.
    pub fn is_empty(&self) -> bool {
        !self.matches_nothing && self.requirements.is_empty()
    }

    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// The one value `key` must have, when the selector pins it (`key=v`, `key==v`,
    /// `key in (v)`).
    pub fn requires_exact_match(&self, key: &str) -> Option<&str> {
        let r = self.requirements.iter().find(|r| r.key == key)?;
        match (r.operator, r.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [value]) => Some(value),
            _ => None,
        }
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

fn expression_requirement(expr: &Value) -> Result<Requirement, SelectorError> {
    let Value::Object(expr) = expr else {
        return Err(field_type_error(
            "matchExpressions",
            expr,
            "v1.LabelSelectorRequirement",
        ));
    };
    let key = expr.get("key").and_then(Value::as_str).unwrap_or_default();
    let operator = expr
        .get("operator")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let operator = match operator {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        other => {
            return Err(SelectorError::new(format!(
                "{} is not a valid pod selector operator",
                go_fmt::quote(other)
            )));
        }
    };
    let values = match expr.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(values)) => {
            let mut out = Vec::with_capacity(values.len());
            for v in values {
                let Some(v) = v.as_str() else {
                    return Err(field_type_error("values", v, "string"));
                };
                out.push(v.to_string());
            }
            out
        }
        Some(other) => return Err(field_type_error("values", other, "[]string")),
    };
    Requirement::build(key, operator, values, true)
}

fn field_type_error(field: &str, value: &Value, go_type: &str) -> SelectorError {
    SelectorError::new(format!(
        "json: cannot unmarshal {} into Go struct field LabelSelector.{field} of type {go_type}",
        tokenhub_api::decode::json_type(value)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn requirement_matching_table() {
        let env_prod = labels(json!({"env": "prod", "n": "5"}));
        let empty = Map::new();
        let env_empty = labels(json!({"env": ""}));
        type Case<'a> = (&'a str, Option<&'a Map<String, Value>>, bool);
        let cases: Vec<Case> = vec![
            ("env=prod", Some(&env_prod), true),
            ("env==prod", Some(&env_prod), true),
            ("env=dev", Some(&env_prod), false),
            ("env!=dev", Some(&env_prod), true),
            ("env!=prod", Some(&env_prod), false),
            ("env!=prod", Some(&empty), true),
            ("env!=prod", None, true),
            ("env in (dev,prod)", Some(&env_prod), true),
            ("env in (dev)", Some(&env_prod), false),
            ("env notin (dev)", Some(&env_prod), true),
            ("env notin (prod)", Some(&env_prod), false),
            ("env notin (prod)", None, true),
            ("env", Some(&env_prod), true),
            ("env", None, false),
            ("!env", Some(&env_prod), false),
            ("!env", Some(&empty), true),
            ("n>4", Some(&env_prod), true),
            ("n>5", Some(&env_prod), false),
            ("n<6", Some(&env_prod), true),
            ("env>1", Some(&env_prod), false),
            ("missing<1", Some(&env_prod), false),
            ("env=prod,n", Some(&env_prod), true),
            ("env=prod,!n", Some(&env_prod), false),
            ("", None, true),
            ("env=", Some(&env_empty), true),
            ("env in ()", Some(&env_empty), true),
        ];
        for (selector, labels, want) in cases {
            let parsed = LabelSelector::parse(selector);
            let Ok(parsed) = parsed else {
                panic!("{selector:?} did not parse: {parsed:?}");
            };
            assert_eq!(parsed.matches(labels), want, "{selector:?} on {labels:?}");
        }
    }

    #[test]
    fn canonical_strings() {
        let cases = [
            ("b=1,a=2", "a=2,b=1"),
            ("x in (b,a),!y", "x in (a,b),!y"),
            ("!b,a", "a,!b"),
            ("  a  ==  b ", "a==b"),
            ("a notin (c, b ,a)", "a notin (a,b,c)"),
            ("k,a>3", "a>3,k"),
            ("x in (foo,,baz)", "x in (,baz,foo)"),
        ];
        for (input, want) in cases {
            match LabelSelector::parse(input) {
                Ok(sel) => assert_eq!(sel.to_string(), want, "{input:?}"),
                Err(e) => panic!("{input:?}: {e}"),
            }
        }
    }

    #[test]
    fn exact_match_and_emptiness() {
        let Ok(sel) = LabelSelector::parse("a=1,b in (2),c in (3,4),d!=5") else {
            panic!("parse");
        };
        assert_eq!(sel.requires_exact_match("a"), Some("1"));
        assert_eq!(sel.requires_exact_match("b"), Some("2"));
        assert_eq!(sel.requires_exact_match("c"), None);
        assert_eq!(sel.requires_exact_match("d"), None);
        assert_eq!(sel.requires_exact_match("z"), None);
        assert!(!sel.is_empty());
        assert!(LabelSelector::everything().is_empty());
        assert!(!LabelSelector::nothing().is_empty());
        assert!(!LabelSelector::nothing().matches(None));
    }

    #[test]
    fn structured_selectors() {
        let app_web = labels(json!({"app": "web", "tier": "front"}));
        let cases: Vec<(Value, bool)> = vec![
            (json!({}), true),
            (json!({"matchLabels": {}}), true),
            (json!({"matchLabels": {"app": "web"}}), true),
            (json!({"matchLabels": {"app": "db"}}), false),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "Exists"}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}),
                false,
            ),
            (
                json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}),
                true,
            ),
            (json!(null), false),
        ];
        for (selector, want) in cases {
            match LabelSelector::from_json(&selector) {
                Ok(sel) => assert_eq!(sel.matches(Some(&app_web)), want, "{selector}"),
                Err(e) => panic!("{selector}: {e}"),
            }
        }
    }

    #[test]
    fn structured_selector_errors() {
        let cases = [
            (json!({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}),
             r#""Gt" is not a valid pod selector operator"#.to_string()),
            (json!({"matchExpressions": [{"key": "a", "operator": "In"}]}),
             "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty".to_string()),
            (json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}),
             r#"values: Invalid value: ["x"]: values set must be empty for exists and does not exist"#.to_string()),
            (json!({"matchLabels": {"a b": "c"}}),
             "key: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_string()),
            (json!("app=web"), "json: cannot unmarshal string into Go value of type v1.LabelSelector".to_string()),
            (json!({"matchLabels": ["a"]}), "json: cannot unmarshal array into Go struct field LabelSelector.matchLabels of type map[string]string".to_string()),
        ];
        for (selector, want) in cases {
            assert_eq!(
                LabelSelector::from_json(&selector).map_err(|e| e.to_string()),
                Err(want),
                "{selector}"
            );
        }
    }

    #[test]
    fn requirement_validation_messages() {
        let err = Requirement::new("a", Operator::In, vec![]).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(
                "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
                    .to_string()
            )
        );
        let err = Requirement::new("a", Operator::GreaterThan, vec!["x".into(), "y".into()])
            .map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(r#"[values: Invalid value: ["x","y"]: for 'Gt', 'Lt' operators, exactly one value is required, values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer, values[1]: Invalid value: "y": for 'Gt', 'Lt' operators, the value must be an integer]"#.to_string())
        );
    }
}
