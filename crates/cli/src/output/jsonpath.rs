//! kubectl's JSONPath templates: `{.items[*].metadata.name}`,
//! `{range .items[*]}{.metadata.name}{"\n"}{end}`, literal text and quoted literals.
//!
//! The template layer (text, `{…}` actions, `range`/`end`, quoted strings) is parsed here; each
//! path is translated to RFC 9535 syntax (kubectl's `.field\.with\.dots` becomes `['…']`) and
//! evaluated by `serde_json_path`. Results print as kubectl prints them: strings raw, other
//! scalars as text, objects and arrays as compact JSON, several results joined by a space, and
//! a missing key prints nothing (kubectl's `--allow-missing-template-keys=true`).

use serde_json::Value;
use serde_json_path::JsonPath;

#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Path(JsonPath),
    Range(JsonPath, Vec<Node>),
}

impl Template {
    pub fn parse(template: &str) -> Result<Template, String> {
        let mut stack: Vec<(Option<JsonPath>, Vec<Node>)> = vec![(None, Vec::new())];
        let mut rest = template;
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                push(&mut stack, Node::Text(rest.to_string()));
                break;
            };
            if open > 0 {
                push(&mut stack, Node::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = action_end(after)
                .ok_or_else(|| format!("unclosed action in template {template:?}"))?;
            let action = after[..close].trim();
            rest = &after[close + 1..];
            if let Some(expr) = action.strip_prefix("range ") {
                stack.push((Some(compile(expr.trim())?), Vec::new()));
            } else if action == "end" {
                if stack.len() < 2 {
                    return Err(format!(
                        "{{end}} without {{range}} in template {template:?}"
                    ));
                }
                if let Some((Some(path), nodes)) = stack.pop() {
                    push(&mut stack, Node::Range(path, nodes));
                }
            } else if action.starts_with('"') || action.starts_with('\'') {
                push(&mut stack, Node::Text(unquote(action)?));
            } else if !action.is_empty() {
                push(&mut stack, Node::Path(compile(action)?));
            }
        }
        if stack.len() != 1 {
            return Err(format!(
                "{{range}} without {{end}} in template {template:?}"
            ));
        }
        let nodes = stack.pop().map(|(_, nodes)| nodes).unwrap_or_default();
        Ok(Template { nodes })
    }

    /// The template applied to `data`.
    pub fn render(&self, data: &Value) -> String {
        let mut out = String::new();
        render_nodes(&self.nodes, data, &mut out);
        out
    }
}

fn push(stack: &mut [(Option<JsonPath>, Vec<Node>)], node: Node) {
    if let Some((_, nodes)) = stack.last_mut() {
        nodes.push(node);
    }
}

fn render_nodes(nodes: &[Node], data: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Path(path) => {
                let texts: Vec<String> = path.query(data).all().into_iter().map(text_of).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(path, inner) => {
                for item in path.query(data).all() {
                    render_nodes(inner, item, out);
                }
            }
        }
    }
}

/// A result as kubectl prints it.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        _ => value.to_string(),
    }
}

/// Where the action that starts at `text` ends: the first `}` outside quotes and brackets.
fn action_end(text: &str) -> Option<usize> {
    unquoted_close(text, '}')
}

/// The index of the first `close` (`}` or `]`) outside quotes that leaves the brackets
/// balanced: for `]`, the one that closes the `[` at the start of `text`.
fn unquoted_close(text: &str, close: char) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth = depth.saturating_sub(1);
                if close == ']' && depth == 0 {
                    return Some(i);
                }
            }
            (None, '}') if close == '}' && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// A quoted literal with Go's escapes (`\n`, `\t`, `\r`, `\\`, `\"`, `\'`, `\uXXXX`).
fn unquote(action: &str) -> Result<String, String> {
    let quote = action.chars().next().unwrap_or('"');
    let inner = action
        .strip_prefix(quote)
        .and_then(|s| s.strip_suffix(quote))
        .filter(|_| action.len() >= 2)
        .ok_or_else(|| format!("unterminated string {action}"))?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let c = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("invalid escape \\u{hex} in {action}"))?;
                out.push(c);
            }
            Some(c @ ('\\' | '"' | '\'')) => out.push(c),
            Some(c) => return Err(format!("invalid escape \\{c} in {action}")),
            None => return Err(format!("unterminated escape in {action}")),
        }
    }
    Ok(out)
}

/// A kubectl path (`.a.b[*].c`, `$.a`, `@.a`, `..name`, `.labels.app\.kubernetes\.io/name`)
/// compiled as RFC 9535.
fn compile(expr: &str) -> Result<JsonPath, String> {
    let rfc = translate(expr)?;
    JsonPath::parse(&rfc).map_err(|e| format!("invalid path {expr:?}: {e}"))
}

fn translate(expr: &str) -> Result<String, String> {
    let mut rest = expr
        .strip_prefix('$')
        .or_else(|| expr.strip_prefix('@'))
        .unwrap_or(expr);
    let mut out = String::from("$");
    while let Some(c) = rest.chars().next() {
        match c {
            '.' => {
                let (recursive, after) = match rest.strip_prefix("..") {
                    Some(after) => (true, after),
                    None => (false, &rest[1..]),
                };
                if recursive {
                    out.push_str("..");
                }
                let (name, after) = field(after);
                rest = after;
                match name.as_str() {
                    "" if recursive && rest.starts_with('[') => {}
                    "" if recursive => return Err(format!("invalid path {expr:?}")),
                    "" => {}
                    "*" => out.push_str("[*]"),
                    _ => {
                        out.push_str("['");
                        out.push_str(&name.replace('\\', "\\\\").replace('\'', "\\'"));
                        out.push_str("']");
                    }
                }
            }
            '[' => {
                let end = bracket_end(rest).ok_or_else(|| format!("unclosed [ in {expr:?}"))?;
                out.push_str(&rest[..=end]);
                rest = &rest[end + 1..];
            }
            _ => {
                // A path that starts with a name, as kubectl allows inside range.
                let (name, after) = field(rest);
                if name.is_empty() {
                    return Err(format!("invalid path {expr:?}"));
                }
                out.push_str(&format!("['{}']", name.replace('\'', "\\'")));
                rest = after;
            }
        }
    }
    Ok(out)
}

/// A field name up to the next unescaped `.` or `[`; `\x` stands for `x`.
fn field(text: &str) -> (String, &str) {
    let mut name = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, next)) = chars.next() {
                    name.push(next);
                }
            }
            '.' | '[' => return (name, &text[i..]),
            _ => name.push(c),
        }
    }
    (name, "")
}

/// The index of the `]` that closes the `[` at the start of `text`.
fn bracket_end(text: &str) -> Option<usize> {
    unquoted_close(text, ']')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list() -> Value {
        json!({
            "kind": "TokenList",
            "items": [
                {"metadata": {"name": "token-a", "labels": {"app.kubernetes.io/name": "x"}},
                 "spec": {"ttl": 7200000, "enabled": true, "groups": ["a", "b"]}},
                {"metadata": {"name": "token-b"}, "spec": {"ttl": 60000, "enabled": false}}
            ]
        })
    }

    fn render(template: &str, data: &Value) -> String {
        Template::parse(template).unwrap().render(data)
    }

    #[test]
    fn wildcards_join_results_with_a_space() {
        assert_eq!(
            render("{.items[*].metadata.name}", &list()),
            "token-a token-b"
        );
        assert_eq!(render("{.items[*].spec.ttl}", &list()), "7200000 60000");
        assert_eq!(render("{.items[1].spec.enabled}", &list()), "false");
        assert_eq!(render("{$.kind}", &list()), "TokenList");
    }

    #[test]
    fn range_end_and_literals() {
        assert_eq!(
            render(
                r#"{range .items[*]}{.metadata.name}{"\t"}{.spec.ttl}{"\n"}{end}"#,
                &list()
            ),
            "token-a\t7200000\ntoken-b\t60000\n"
        );
        assert_eq!(
            render(
                "names: {range .items[*]}[{.metadata.name}]{end} done",
                &list()
            ),
            "names: [token-a][token-b] done"
        );
    }

    #[test]
    fn objects_and_arrays_print_as_json() {
        assert_eq!(render("{.items[0].spec.groups}", &list()), r#"["a","b"]"#);
        assert_eq!(
            render("{.items[1].metadata}", &list()),
            r#"{"name":"token-b"}"#
        );
    }

    #[test]
    fn missing_keys_print_nothing() {
        assert_eq!(render("{.items[*].status.value}", &list()), "");
        assert_eq!(render("a{.nope.deeper}b", &list()), "ab");
    }

    #[test]
    fn escaped_dots_filters_and_recursion() {
        assert_eq!(
            render(
                r"{.items[0].metadata.labels.app\.kubernetes\.io/name}",
                &list()
            ),
            "x"
        );
        assert_eq!(
            render(
                r#"{.items[?(@.metadata.name=="token-b")].spec.ttl}"#,
                &list()
            ),
            "60000"
        );
        assert_eq!(render("{..name}", &list()), "token-a token-b");
        assert_eq!(render("{.items[-1:].metadata.name}", &list()), "token-b");
    }

    #[test]
    fn a_single_object_and_plain_text() {
        let obj = json!({"status": {"value": "s3cr3t"}});
        assert_eq!(render("{.status.value}", &obj), "s3cr3t");
        assert_eq!(render("just text", &obj), "just text");
        assert_eq!(render("{@.status.value}", &obj), "s3cr3t");
    }

    #[test]
    fn broken_templates_are_refused() {
        for bad in [
            "{.a",
            "{range .items[*]}{.a}",
            "{end}",
            r#"{"\q"}"#,
            "{.items[0}",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
    }
}
