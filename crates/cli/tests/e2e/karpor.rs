//! The hub-cluster flow of the Karpor docs, as they write it, with `hub-admin` and `hub-guest`
//! in place of `karpor-admin` and `karpor-guest`: ServiceAccounts bound to the preset roles,
//! `kubectl create token`, and kubectl used with those tokens.

use jiff::{SignedDuration, Timestamp};
use tokenhub_core::clock::{Clock, SystemClock};
use tokenhub_testkit::TestHub;

use crate::kubectl::{Kubectl, rows};

/// kubectl as the holder of `token` (the admin kubeconfig supplies server and CA).
fn with_token(k: &Kubectl, token: &str, args: &[&str]) -> crate::kubectl::Run {
    let mut all = vec!["--token", token];
    all.extend_from_slice(args);
    k.run(&all)
}

fn create_token(k: &Kubectl, args: &[&str]) -> String {
    let mut all = vec!["create", "token"];
    all.extend_from_slice(args);
    let token = k.ok(&all).trim().to_string();
    assert!(token.starts_with("eyJ"), "{token}");
    token
}

/// The expiry `kubectl create token … -o json` reports.
fn expiry(k: &Kubectl, args: &[&str]) -> Timestamp {
    let mut all = vec!["create", "token"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "jsonpath={.status.expirationTimestamp}"]);
    k.ok(&all).trim().parse().expect("an RFC 3339 expiry")
}

fn close_to(actual: Timestamp, expected: Timestamp) -> bool {
    actual.duration_since(expected).abs() < SignedDuration::from_mins(2)
}

#[test]
fn the_karpor_flow_with_hub_admin_and_hub_guest() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);

    // As the docs write it.
    assert_eq!(
        k.ok(&["create", "serviceaccount", "hub-admin"]).trim(),
        "serviceaccount/hub-admin created"
    );
    assert_eq!(
        k.ok(&[
            "create",
            "clusterrolebinding",
            "hub-admin",
            "--clusterrole=hub-admin",
            "--serviceaccount=default:hub-admin"
        ])
        .trim(),
        "clusterrolebinding.rbac.authorization.k8s.io/hub-admin created"
    );
    k.ok(&["create", "serviceaccount", "hub-guest"]);
    k.ok(&[
        "create",
        "clusterrolebinding",
        "hub-guest",
        "--clusterrole=hub-guest",
        "--serviceaccount=default:hub-guest",
    ]);
    let admin = create_token(&k, &["hub-admin", "--duration=1000h"]);
    let guest = create_token(&k, &["hub-guest"]);

    // The admin can create and delete ServiceAccounts and bindings.
    for args in [
        &["create", "serviceaccount", "robot"][..],
        &[
            "create",
            "clusterrolebinding",
            "robot",
            "--clusterrole=hub-guest",
            "--serviceaccount=default:robot",
        ],
        &["get", "clusterrolebindings", "robot"],
        &["delete", "clusterrolebinding", "robot"],
        &["delete", "serviceaccount", "robot"],
    ] {
        let run = with_token(&k, &admin, args);
        assert!(run.status.success(), "hub-admin {args:?}: {}", run.stderr);
    }

    // The guest can look but not touch.
    let listed = with_token(&k, &guest, &["get", "serviceaccounts"]);
    assert!(listed.status.success(), "{}", listed.stderr);
    let names: Vec<String> = rows(&listed.stdout)
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    assert!(
        names.contains(&"hub-admin".to_string()) && names.contains(&"hub-guest".to_string()),
        "{names:?}"
    );
    assert!(
        with_token(&k, &guest, &["get", "clusterrolebindings"])
            .status
            .success()
    );
    let refused = with_token(&k, &guest, &["create", "serviceaccount", "intruder"]);
    assert!(!refused.status.success());
    assert_eq!(
        refused.stderr.trim(),
        "error: failed to create serviceaccount: serviceaccounts is forbidden: User \"system:serviceaccount:default:hub-guest\" cannot create resource \"serviceaccounts\" in API group \"\" in the namespace \"default\""
    );
    let refused = with_token(&k, &guest, &["delete", "clusterrolebinding", "hub-admin"]);
    assert_eq!(
        refused.stderr.trim(),
        "Error from server (Forbidden): clusterrolebindings.rbac.authorization.k8s.io \"hub-admin\" is forbidden: User \"system:serviceaccount:default:hub-guest\" cannot delete resource \"clusterrolebindings\" in API group \"rbac.authorization.k8s.io\" at the cluster scope"
    );

    // can-i, can-i --list and whoami answer for each.
    assert_eq!(
        with_token(&k, &admin, &["auth", "can-i", "create", "serviceaccounts"])
            .stdout
            .trim(),
        "yes"
    );
    let no = with_token(&k, &guest, &["auth", "can-i", "create", "serviceaccounts"]);
    assert!(!no.status.success());
    assert_eq!(no.stdout.trim(), "no");
    assert_eq!(
        with_token(&k, &guest, &["auth", "can-i", "list", "serviceaccounts"])
            .stdout
            .trim(),
        "yes"
    );
    let list = with_token(&k, &guest, &["auth", "can-i", "--list"]);
    assert!(list.status.success(), "{}", list.stderr);
    let table = rows(&list.stdout);
    assert_eq!(
        table[0],
        [
            "Resources",
            "Non-Resource",
            "URLs",
            "Resource",
            "Names",
            "Verbs"
        ]
    );
    assert!(
        table
            .iter()
            .any(|r| r.first().map(String::as_str) == Some("serviceaccounts")
                && r.last().map(String::as_str) == Some("watch]")),
        "{}",
        list.stdout
    );
    assert!(
        table.iter().all(|r| !r
            .iter()
            .any(|c| c.contains("create") && r[0] == "serviceaccounts")),
        "{}",
        list.stdout
    );
    let whoami = with_token(&k, &guest, &["auth", "whoami"]);
    assert!(whoami.status.success(), "{}", whoami.stderr);
    let who = rows(&whoami.stdout);
    assert_eq!(
        who[1],
        ["Username", "system:serviceaccount:default:hub-guest"],
        "{}",
        whoami.stdout
    );
    assert!(
        whoami.stdout.contains(
            "[system:serviceaccounts system:serviceaccounts:default system:authenticated]"
        ),
        "{}",
        whoami.stdout
    );

    // Lifetimes: 1 h by default, --duration as asked, capped at 8760 h.
    // The hub runs on the system clock; so does this comparison.
    let now = SystemClock.now();
    assert!(close_to(
        expiry(&k, &["hub-guest"]),
        now + SignedDuration::from_hours(1)
    ));
    assert!(close_to(
        expiry(&k, &["hub-guest", "--duration=1000h"]),
        now + SignedDuration::from_hours(1000)
    ));
    assert!(close_to(
        expiry(&k, &["hub-guest", "--duration=10000h"]),
        now + SignedDuration::from_hours(8760)
    ));
    let short = k.run(&["create", "token", "hub-guest", "--duration=5m"]);
    assert!(
        short
            .stderr
            .contains("may not specify a duration less than 10 minutes"),
        "{}",
        short.stderr
    );

    // Deleting the ServiceAccount kills its tokens, even if one of the same name comes back.
    k.ok(&["delete", "serviceaccount", "hub-guest"]);
    let dead = with_token(&k, &guest, &["get", "serviceaccounts"]);
    assert!(
        dead.stderr.contains("You must be logged in to the server"),
        "{}",
        dead.stderr
    );
    k.ok(&["create", "serviceaccount", "hub-guest"]);
    let still_dead = with_token(&k, &guest, &["get", "serviceaccounts"]);
    assert!(
        still_dead
            .stderr
            .contains("You must be logged in to the server"),
        "{}",
        still_dead.stderr
    );
}

#[test]
fn nobody_binds_more_than_they_hold() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    k.ok(&["create", "serviceaccount", "editor"]);
    k.ok(&[
        "create",
        "clusterrolebinding",
        "editor",
        "--clusterrole=edit",
        "--serviceaccount=default:editor",
    ]);
    let editor = create_token(&k, &["editor"]);
    let refused = with_token(
        &k,
        &editor,
        &[
            "create",
            "clusterrolebinding",
            "mine",
            "--clusterrole=cluster-admin",
            "--serviceaccount=default:editor",
        ],
    );
    assert!(
        refused.stderr.contains("is forbidden"),
        "{}",
        refused.stderr
    );

    // A namespace admin may manage RoleBindings there, but not hand out what it does not hold.
    k.ok(&["create", "serviceaccount", "ns-admin"]);
    k.ok(&[
        "create",
        "rolebinding",
        "ns-admin",
        "--clusterrole=admin",
        "--serviceaccount=default:ns-admin",
    ]);
    let ns_admin = create_token(&k, &["ns-admin"]);
    let allowed = with_token(
        &k,
        &ns_admin,
        &[
            "create",
            "rolebinding",
            "viewers",
            "--clusterrole=view",
            "--serviceaccount=default:editor",
        ],
    );
    assert!(allowed.status.success(), "{}", allowed.stderr);
    let refused = with_token(
        &k,
        &ns_admin,
        &[
            "create",
            "rolebinding",
            "escalate",
            "--clusterrole=cluster-admin",
            "--serviceaccount=default:ns-admin",
        ],
    );
    assert!(
        refused.stderr.contains("rolebindings.rbac.authorization.k8s.io \"escalate\" is forbidden: user \"system:serviceaccount:default:ns-admin\"")
            && refused.stderr.contains("is attempting to grant RBAC permissions not currently held"),
        "{}",
        refused.stderr
    );
}
