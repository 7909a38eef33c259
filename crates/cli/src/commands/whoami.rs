//! `tokenhub whoami`: a SelfSubjectReview, printed as `kubectl auth whoami` prints it.

use clap::Args;
use serde_json::{Value, json};

use crate::client::{CliError, GlobalArgs, HubClient};
use crate::output::table::{align, cell_text};
use crate::output::{OutputArgs, emit, print_data};

#[derive(Args, Debug)]
pub struct WhoamiArgs {
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(args: WhoamiArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let client = HubClient::new(&global.connection()?)?;
    let review = client.post(
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
    )?;
    if args.output.output.is_table() {
        emit(&attributes(&review, !args.output.no_headers))
    } else {
        emit(&print_data(
            &review,
            &args.output.output,
            "SelfSubjectReview",
            "authentication.k8s.io",
        )?)
    }
}

/// The ATTRIBUTE/VALUE table of `kubectl auth whoami`.
fn attributes(review: &Value, headers: bool) -> String {
    let info = review
        .pointer("/status/userInfo")
        .cloned()
        .unwrap_or(Value::Null);
    let text = |key: &str| {
        info.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut lines: Vec<Vec<String>> = Vec::new();
    if headers {
        lines.push(vec!["ATTRIBUTE".into(), "VALUE".into()]);
    }
    if !text("username").is_empty() {
        lines.push(vec!["Username".into(), text("username")]);
    }
    if !text("uid").is_empty() {
        lines.push(vec!["UID".into(), text("uid")]);
    }
    if let Some(groups) = info
        .get("groups")
        .filter(|g| g.as_array().is_some_and(|a| !a.is_empty()))
    {
        lines.push(vec!["Groups".into(), cell_text(groups)]);
    }
    if let Some(extra) = info.get("extra").and_then(Value::as_object) {
        let mut keys: Vec<&String> = extra.keys().collect();
        keys.sort();
        for key in keys {
            lines.push(vec![format!("Extra: {key}"), cell_text(&extra[key])]);
        }
    }
    align(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whoami_prints_attributes_like_kubectl() {
        let review = json!({"status": {"userInfo": {
            "username": "service-account-abc",
            "groups": ["tokenhub:apitokens", "system:authenticated"],
            "extra": {"authentication.kubernetes.io/credential-id": ["JTI=x"]}
        }}});
        // The widest first cell, 49 characters, plus kubectl's padding of 3.
        let line = |a: &str, b: &str| format!("{a:<52}{b}\n");
        assert_eq!(
            attributes(&review, true),
            [
                line("ATTRIBUTE", "VALUE"),
                line("Username", "service-account-abc"),
                line("Groups", "[tokenhub:apitokens system:authenticated]"),
                line(
                    "Extra: authentication.kubernetes.io/credential-id",
                    "[JTI=x]"
                ),
            ]
            .concat()
        );
    }
}
