//! The Cloudfleet flow through the CLI (issue 5): an admin creates an API token, a profile is
//! made from its ID and secret, and kubectl uses it through `tokenhub kubeconfig`.

use serde_json::Value;
use tokenhub_testkit::TestHub;

use crate::kubectl::Kubectl;
use crate::tokenhub::{Tokenhub, ca_file};

/// (id, secret, bearer) of a created or regenerated token.
fn secret_of(answer: &str) -> (String, String, String) {
    let v: Value = serde_json::from_str(answer).unwrap();
    let text = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap().to_string();
    (
        text("/metadata/name"),
        text("/status/secret"),
        text("/status/bearerToken"),
    )
}

#[test]
fn the_cloudfleet_flow_with_kubectl() {
    let hub = TestHub::start();
    let admin = Tokenhub::admin(&hub);
    let (id, secret, bearer) = secret_of(&admin.ok(&[
        "apitokens",
        "create",
        "--name",
        "ci",
        "--role",
        "User",
        "-o",
        "json",
    ]));
    assert_eq!(id.len(), 22);
    assert!(bearer.starts_with(&format!("tha_{id}_")), "{bearer}");

    // The default output: the ID and the secret, once, and a warning.
    let run = admin.run(&["apitokens", "create", "--name", "other", "--role", "User"]);
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.stdout.starts_with("ID:"), "{}", run.stdout);
    assert!(run.stdout.contains("Secret:"), "{}", run.stdout);
    assert!(
        run.stderr.contains("cannot be shown again"),
        "{}",
        run.stderr
    );

    let list = admin.ok(&["apitokens", "list"]);
    assert!(list.contains(&id), "{list}");
    let shown = admin.ok(&["apitokens", "get", &id, "-o", "json"]);
    assert!(!shown.contains(&secret), "the secret is never shown again");

    let t = Tokenhub::new();
    t.ok(&[
        "auth",
        "add-profile",
        "token",
        "ci",
        &hub.url,
        &id,
        &secret,
        "--certificate-authority",
        &ca_file(&hub),
    ]);
    let file = t.home().join("ci.kubeconfig");
    t.ok(&[
        "kubeconfig",
        "--profile",
        "ci",
        "-o",
        file.to_str().unwrap(),
    ]);
    let k = Kubectl::with_kubeconfig(&file);
    k.ok(&["get", "namespaces"]);
    let denied = k.fails(&["create", "configmap", "x", "-n", "default"]);
    assert!(denied.contains("forbidden"), "{denied}");
    let whoami = k.ok(&["auth", "whoami"]);
    assert!(
        whoami.contains(&format!("service-account-{}", id.to_lowercase())),
        "{whoami}"
    );
    // A RoleBinding to that user grants edit in one namespace: writes work there, nowhere else.
    let admin_kubectl = Kubectl::new(&hub);
    admin_kubectl.ok(&["create", "namespace", "team"]);
    let user = format!("service-account-{}", id.to_lowercase());
    admin_kubectl.ok(&[
        "create",
        "rolebinding",
        "ci-edit",
        "--clusterrole=edit",
        "--user",
        &user,
        "-n",
        "team",
    ]);
    assert_eq!(
        k.ok(&["create", "configmap", "x", "-n", "team"]).trim(),
        "configmap/x created"
    );
    let denied = k.fails(&["create", "configmap", "x", "-n", "default"]);
    assert!(denied.contains("forbidden"), "{denied}");

    let no = t.run(&["can-i", "create", "configmaps", "-n", "default"]);
    assert_eq!((no.stdout.as_str(), no.status.code()), ("no\n", Some(1)));
    assert_eq!(
        t.ok(&["can-i", "list", "configmaps", "-n", "default"]),
        "yes\n"
    );

    // Regenerate: the old secret fails at once, the new one works.
    let (same_id, new_secret, _) =
        secret_of(&admin.ok(&["apitokens", "regenerate", &id, "-o", "json"]));
    assert_eq!(same_id, id);
    assert_ne!(new_secret, secret);
    let line = t.fails(&["whoami", "--profile", "ci"]);
    assert!(line.contains("Unauthorized"), "{line}");
    k.fails(&["get", "namespaces"]);
    t.ok(&[
        "auth",
        "add-profile",
        "token",
        "ci",
        &hub.url,
        &id,
        &new_secret,
        "--certificate-authority",
        &ca_file(&hub),
    ]);
    k.ok(&["get", "namespaces"]);

    // Cloudfleet's spelling: the profile flag before the subcommand.
    let admin_profile = Tokenhub::new();
    admin_profile.ok(&[
        "auth",
        "add-profile",
        "bearer",
        "admin",
        &hub.url,
        "--token",
        &hub.admin_token,
        "--certificate-authority",
        &ca_file(&hub),
    ]);
    let out = admin_profile.ok(&["apitokens", "--profile", "admin", "delete", &id]);
    assert_eq!(out, format!("apitokens.tokenhub.io \"{id}\" deleted\n"));
    k.fails(&["get", "namespaces"]);

    // An Administrator token can do what cluster-admin can.
    let (id, secret, _) = secret_of(&admin.ok(&[
        "apitokens",
        "create",
        "--name",
        "ops",
        "--role",
        "Administrator",
        "-o",
        "json",
    ]));
    t.ok(&[
        "auth",
        "add-profile",
        "token",
        "ops",
        &hub.url,
        &id,
        &secret,
        "--certificate-authority",
        &ca_file(&hub),
    ]);
    assert_eq!(t.ok(&["can-i", "--profile", "ops", "*", "*"]), "yes\n");
    let ops_file = t.home().join("ops.kubeconfig");
    t.ok(&[
        "kubeconfig",
        "--profile",
        "ops",
        "-o",
        ops_file.to_str().unwrap(),
    ]);
    let ops = Kubectl::with_kubeconfig(&ops_file);
    ops.ok(&["create", "namespace", "made-by-ops"]);
    ops.ok(&[
        "create",
        "clusterrolebinding",
        "ops-made",
        "--clusterrole=view",
        "--user=someone",
    ]);

    // A hub-guest cannot create API tokens, and an edit user cannot create an Administrator one.
    for (account, role) in [("guest", "hub-guest"), ("editor", "edit")] {
        admin_kubectl.ok(&["create", "serviceaccount", account]);
        admin_kubectl.ok(&[
            "create",
            "clusterrolebinding",
            account,
            &format!("--clusterrole={role}"),
            &format!("--serviceaccount=default:{account}"),
        ]);
        let token = admin_kubectl
            .ok(&["create", "token", account])
            .trim()
            .to_string();
        let refused = t.run(&[
            "apitokens",
            "create",
            "--name",
            "mine",
            "--role",
            "Administrator",
            "--server",
            &hub.url,
            "--token",
            &token,
            "--certificate-authority",
            &ca_file(&hub),
        ]);
        assert!(!refused.status.success());
        assert!(
            refused
                .stderr
                .starts_with("error: apitokens.tokenhub.io is forbidden"),
            "{}",
            refused.stderr
        );
    }
}

#[test]
fn expiry_and_usage_errors() {
    let hub = TestHub::start();
    let admin = Tokenhub::admin(&hub);
    let out = admin.ok(&[
        "apitokens",
        "create",
        "--name",
        "short",
        "--role",
        "User",
        "--description",
        "expires soon",
        "--expires-at",
        "2099-01-01T00:00:00Z",
        "-o",
        "json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["spec"]["expiresAt"], "2099-01-01T00:00:00Z");
    assert_eq!(v["spec"]["description"], "expires soon");
    let bad = admin.run(&["apitokens", "create", "--name", "x", "--role", "Root"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = admin.run(&[
        "apitokens",
        "create",
        "--name",
        "x",
        "--role",
        "User",
        "--expires-at",
        "soon",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}
