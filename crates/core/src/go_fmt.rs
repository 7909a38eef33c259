//! How Go prints values, so messages built from user input read exactly as kube-apiserver's.
//!
//! Kubernetes error messages embed values with `%q` (`strconv.Quote`), `%v` of decoded JSON, and
//! `encoding/json`; a client that greps for them, or a person comparing with a real cluster,
//! sees the same text only if the quoting rules are the same.

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// `strconv.Quote`: a double-quoted string with Go escapes.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` without the Unicode tables: letters, marks,
/// numbers, punctuation, symbols and the ASCII space are printable; controls, other spaces,
/// format characters and private-use characters are not.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format_or_private = matches!(u,
        0xAD
        | 0x600..=0x605
        | 0x61C
        | 0x6DD
        | 0x70F
        | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x206F
        | 0xE000..=0xF8FF
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0xFFFE..=0xFFFF
        | 0xF0000..);
    !format_or_private
}

/// `encoding/json.Marshal` of a decoded JSON value: HTML-safe escapes, keys in the order held.
pub(crate) fn json(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v);
    out
}

fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&json_number(n)),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go encodes a float64 in JSON with `%f` unless the exponent is below -6 or at least 21.
fn json_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let Some(d) = Decimal::of(f) else {
        return n.to_string();
    };
    if d.exp < -6 || d.exp >= 21 {
        let mut s = d.scientific();
        // encoding/json trims "e-07" to "e-7".
        if let Some(pos) = s.find("e-0") {
            s.remove(pos + 2);
        }
        s
    } else {
        d.fixed()
    }
}

/// `fmt.Sprintf("%v", v)` of a value decoded by `encoding/json` into `interface{}`.
pub(crate) fn sprint(v: &Value) -> String {
    let mut out = String::new();
    write_sprint(&mut out, v);
    out
}

fn write_sprint(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&float(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_sprint(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Go prints maps with their keys sorted.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                if let Some(item) = map.get(k) {
                    write_sprint(out, item);
                }
            }
            out.push(']');
        }
    }
}

/// `%v` of a float64: the shortest representation, in exponent form when the decimal exponent
/// is below -4 or at least 6 (`1e+06`, `1.5`, `123456`).
pub(crate) fn float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let Some(d) = Decimal::of(f) else {
        return "0".to_string();
    };
    if d.exp < -4 || d.exp >= 6 {
        d.scientific()
    } else {
        d.fixed()
    }
}

/// The shortest decimal digits of a finite float and the exponent of its first digit.
struct Decimal {
    negative: bool,
    digits: String,
    exp: i32,
}

impl Decimal {
    fn of(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        if f == 0.0 {
            return Some(Decimal {
                negative: f.is_sign_negative(),
                digits: "0".to_string(),
                exp: 0,
            });
        }
        // Rust's `{:e}` prints the shortest round-tripping digits, as Go's 'g' with -1 does.
        let s = format!("{:e}", f.abs());
        let (mantissa, exp) = s.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        Some(Decimal {
            negative: f < 0.0,
            digits,
            exp,
        })
    }

    fn sign(&self) -> &'static str {
        if self.negative { "-" } else { "" }
    }

    fn scientific(&self) -> String {
        let (first, rest) = self.digits.split_at(1.min(self.digits.len()));
        let mut s = format!("{}{first}", self.sign());
        if !rest.is_empty() {
            s.push('.');
            s.push_str(rest);
        }
        let sign = if self.exp < 0 { '-' } else { '+' };
        let _ = write!(s, "e{sign}{:02}", self.exp.unsigned_abs());
        s
    }

    fn fixed(&self) -> String {
        let n = self.digits.len() as i32;
        let mut s = self.sign().to_string();
        if self.exp < 0 {
            s.push_str("0.");
            for _ in 0..(-self.exp - 1) {
                s.push('0');
            }
            s.push_str(&self.digits);
        } else if self.exp + 1 >= n {
            s.push_str(&self.digits);
            for _ in 0..(self.exp + 1 - n) {
                s.push('0');
            }
        } else {
            let (int, frac) = self.digits.split_at((self.exp + 1) as usize);
            s.push_str(int);
            s.push('.');
            s.push_str(frac);
        }
        s
    }
}

/// The Go type a JSON value decodes into, as `reflect.TypeOf(v)` prints it (`%s`).
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quote_matches_strconv_quote() {
        let cases = [
            ("Foo_", r#""Foo_""#),
            ("a\"b", r#""a\"b""#),
            ("a\\b", r#""a\\b""#),
            ("tab\there", r#""tab\there""#),
            ("nl\n", r#""nl\n""#),
            ("\u{1}", r#""\x01""#),
            ("\u{7f}", r#""\x7f""#),
            ("héllo", "\"héllo\""),
            ("\u{200b}", r#""\u200b""#),
            ("\u{feff}", r#""\ufeff""#),
            ("\u{f0000}", r#""\U000f0000""#),
            ("", r#""""#),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), want, "quote({input:?})");
        }
    }

    #[test]
    fn json_escapes_like_encoding_json() {
        assert_eq!(json(&json!("<a&b>")), r#""\u003ca\u0026b\u003e""#);
        assert_eq!(json(&json!(["x", 1, true, null])), r#"["x",1,true,null]"#);
        assert_eq!(json(&json!({"b": 1, "a": "x"})), r#"{"b":1,"a":"x"}"#);
        assert_eq!(json(&json!("\u{1}")), r#""\u0001""#);
        assert_eq!(json(&json!(1.5)), "1.5");
        assert_eq!(json(&json!(1e21)), "1e+21");
        assert_eq!(json(&json!(1e-7)), "1e-7");
    }

    #[test]
    fn sprint_matches_percent_v() {
        assert_eq!(sprint(&json!({"name": "a", "b": 1})), "map[b:1 name:a]");
        assert_eq!(sprint(&json!([1, "x", null])), "[1 x <nil>]");
        assert_eq!(sprint(&json!([])), "[]");
    }

    #[test]
    fn floats_print_as_go_percent_v() {
        let cases = [
            (0.0, "0"),
            (1.0, "1"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (123456789.0, "1.23456789e+08"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e100, "1e+100"),
        ];
        for (f, want) in cases {
            assert_eq!(float(f), want, "float({f})");
        }
    }
}
