//! The one error type of the client commands. Every variant prints as a single line: `main`
//! writes `error: <line>` to stderr and exits non-zero; nothing ever prints a backtrace.

use std::fmt;

use serde_json::Value;

#[derive(Debug)]
pub enum CliError {
    /// The server refused the request; `message` is its Status message as it is.
    Server { code: u16, message: String },
    /// The request never got an answer: connection refused, TLS, timeout.
    Transport(String),
    /// Anything wrong on this side: arguments, files, the profile or kubeconfig.
    Local(String),
    /// Exit with this code without a message (`can-i` answering `no`).
    Quiet(u8),
}

impl CliError {
    pub fn local(message: impl Into<String>) -> CliError {
        CliError::Local(message.into())
    }

    /// The error a non-2xx answer carries: the Status message when the body is a Status,
    /// else the HTTP status line and the start of the body.
    pub fn from_response(code: u16, body: &[u8]) -> CliError {
        let status: Option<Value> = serde_json::from_slice(body).ok();
        let text = |key: &str| {
            status
                .as_ref()
                .and_then(|s| s.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let mut message = text("message");
        if message.is_empty() {
            message = describe_code(code, body);
        }
        CliError::Server {
            code,
            message: one_line(&message),
        }
    }

    /// Whether the server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        matches!(self, CliError::Server { code: 404, .. })
    }

    /// Whether the server refused the credential (401).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, CliError::Server { code: 401, .. })
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Quiet(code) => *code,
            _ => 1,
        }
    }
}

fn describe_code(code: u16, body: &[u8]) -> String {
    let phrase = reqwest::StatusCode::from_u16(code)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("unexpected status");
    let body = String::from_utf8_lossy(body);
    let body = body.trim();
    if body.is_empty() {
        format!("the server answered {code} {phrase}")
    } else {
        let excerpt: String = body.chars().take(200).collect();
        format!("the server answered {code} {phrase}: {excerpt}")
    }
}

/// Newlines would break the one-line promise; a Status message rarely has any.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Server { message, .. } => f.write_str(message),
            CliError::Transport(m) | CliError::Local(m) => f.write_str(m),
            CliError::Quiet(_) => Ok(()),
        }
    }
}

impl std::error::Error for CliError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_body_gives_its_message() {
        let body = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"tokens.tokenhub.io \"x\" is forbidden: User \"u\" cannot get resource","reason":"Forbidden","code":403}"#;
        let e = CliError::from_response(403, body);
        assert_eq!(
            e.to_string(),
            r#"tokens.tokenhub.io "x" is forbidden: User "u" cannot get resource"#
        );
        assert!(matches!(e, CliError::Server { code: 403, .. }));
    }

    #[test]
    fn other_bodies_give_the_status_line() {
        let e = CliError::from_response(502, b"upstream\nbroke");
        assert_eq!(
            e.to_string(),
            "the server answered 502 Bad Gateway: upstream broke"
        );
        let e = CliError::from_response(404, b"");
        assert_eq!(e.to_string(), "the server answered 404 Not Found");
        assert!(e.is_not_found());
    }
}
