//! `tokenhub can-i VERB RESOURCE [NAME]`: a SelfSubjectAccessReview, answered as
//! `kubectl auth can-i` answers: `yes` (exit 0) or `no` (exit 1).

use clap::Args;
use serde_json::{Map, Value, json};

use super::discovery::{Resolved, resolve};
use crate::client::{CliError, GlobalArgs, HubClient};
use crate::output::{emit, note};

#[derive(Args, Debug)]
pub struct CanIArgs {
    /// get, list, watch, create, update, patch, delete, or any other verb; * for all.
    verb: String,
    /// A resource (`tokens`, `cm`, `tokens.tokenhub.io`, `TYPE/NAME`) or a non-resource URL
    /// starting with /.
    resource: String,
    /// The name of one object.
    name: Option<String>,
    /// The namespace to ask about [default: the kubeconfig context's, else default].
    #[arg(long, short = 'n')]
    namespace: Option<String>,
    /// Ask about every namespace.
    #[arg(long, short = 'A', conflicts_with = "namespace")]
    all_namespaces: bool,
    /// A subresource, e.g. token of serviceaccounts.
    #[arg(long)]
    subresource: Option<String>,
    /// Print nothing; answer with the exit code only.
    #[arg(long, short = 'q')]
    quiet: bool,
}

pub fn run(args: CanIArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let conn = global.connection()?;
    let client = HubClient::new(&conn)?;
    let attributes = if args.resource.starts_with('/') {
        json!({"nonResourceAttributes": {"path": args.resource, "verb": args.verb}})
    } else {
        let (resource, name) = match args.resource.split_once('/') {
            Some((r, n)) => (r.to_string(), Some(n.to_string())),
            None => (args.resource.clone(), args.name.clone()),
        };
        let target = match resolve(&client, &resource)? {
            Some(found) => found,
            None => {
                note(&format!(
                    "Warning: the server doesn't have a resource type '{resource}'"
                ));
                Resolved {
                    group: String::new(),
                    resource,
                    namespaced: true,
                }
            }
        };
        let namespace = match (target.namespaced, args.all_namespaces) {
            (false, _) | (true, true) => String::new(),
            (true, false) => args
                .namespace
                .or(conn.namespace)
                .unwrap_or_else(|| "default".into()),
        };
        json!({"resourceAttributes": resource_attributes(
            &args.verb, &target, &namespace, name.as_deref(), args.subresource.as_deref(),
        )})
    };
    let mut review = json!({
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
    });
    review["spec"] = attributes;
    let answer = client.post(
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        &review,
    )?;
    let (allowed, line) = verdict(&answer);
    if !args.quiet {
        emit(&line)?;
    }
    if allowed {
        Ok(())
    } else {
        Err(CliError::Quiet(1))
    }
}

fn resource_attributes(
    verb: &str,
    target: &Resolved,
    namespace: &str,
    name: Option<&str>,
    subresource: Option<&str>,
) -> Value {
    let mut attrs = Map::new();
    attrs.insert("verb".into(), verb.into());
    attrs.insert("group".into(), target.group.clone().into());
    attrs.insert("resource".into(), target.resource.clone().into());
    if !namespace.is_empty() {
        attrs.insert("namespace".into(), namespace.into());
    }
    if let Some(name) = name {
        attrs.insert("name".into(), name.into());
    }
    if let Some(sub) = subresource {
        attrs.insert("subresource".into(), sub.into());
    }
    Value::Object(attrs)
}

/// Whether it is allowed, and the line kubectl prints: `yes`, or `no` with the reasons.
fn verdict(answer: &Value) -> (bool, String) {
    let status = answer.get("status");
    let field = |key: &str| {
        status
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let allowed = status
        .and_then(|s| s.get("allowed"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if allowed {
        return (true, "yes\n".into());
    }
    let mut line = "no".to_string();
    for extra in [field("reason"), field("evaluationError")] {
        if !extra.is_empty() {
            line.push_str(" - ");
            line.push_str(extra);
        }
    }
    line.push('\n');
    (false, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_print_as_kubectl_prints_them() {
        assert_eq!(
            verdict(&json!({"status": {"allowed": true}})),
            (true, "yes\n".into())
        );
        assert_eq!(
            verdict(&json!({"status": {"allowed": false}})),
            (false, "no\n".into())
        );
        assert_eq!(
            verdict(&json!({"status": {"allowed": false, "reason": "nope"}})),
            (false, "no - nope\n".into())
        );
    }

    #[test]
    fn attributes_leave_out_what_is_not_asked() {
        let target = Resolved {
            group: "tokenhub.io".into(),
            resource: "tokens".into(),
            namespaced: false,
        };
        assert_eq!(
            resource_attributes("get", &target, "", Some("token-x"), None),
            json!({"verb": "get", "group": "tokenhub.io", "resource": "tokens", "name": "token-x"})
        );
    }
}
