//! Property test: over many random policies, users and requests, with random incremental
//! updates in between, the index decides exactly as the linear scan (decision and reason) and
//! lists the same rules.

use super::*;
use crate::identity::UserInfo;
use crate::testgen::Gen;

const NAMESPACES: &[&str] = &["", "ns1", "ns2", "ns3"];
const USERS: &[&str] = &[
    "alice",
    "bob",
    "system:serviceaccount:ns1:bot",
    "system:serviceaccount:ns2:bot",
    "system:serviceaccount:ns1:ci",
    "",
];
const GROUPS: &[&str] = &["g1", "g2", "system:authenticated", "system:serviceaccounts"];
const ROLE_NAMES: &[&str] = &["r1", "r2", "r3", "missing"];
const BINDING_NAMES: &[&str] = &["b1", "b2", "b3", "b4", "b5", "b6"];
const VERBS: &[&str] = &["get", "list", "create", "delete", "*", "*"];
const API_GROUPS: &[&str] = &["", "tokenhub.io", "*", "*"];
const RESOURCES: &[&str] = &[
    "tokens",
    "serviceaccounts",
    "serviceaccounts/token",
    "*/token",
    "*",
    "configmaps",
];
const OBJECT_NAMES: &[&str] = &["a", "b", "bot"];
const URLS: &[&str] = &["/healthz", "/api/*", "*", "/version"];
const PATHS: &[&str] = &["/healthz", "/api/v1", "/version", "/other"];

/// One of `items`.
fn pick<'a>(g: &mut Gen, items: &[&'a str]) -> &'a str {
    items[g.below(items.len())]
}

fn some<'a>(g: &mut Gen, items: &[&'a str], max: usize) -> Vec<&'a str> {
    (0..g.below(max + 1)).map(|_| pick(g, items)).collect()
}

/// Mostly 1 to `max` items, sometimes none (a rule that matches nothing).
fn parts<'a>(g: &mut Gen, items: &[&'a str], max: usize) -> Vec<&'a str> {
    if g.below(10) == 0 {
        return Vec::new();
    }
    (0..=g.below(max)).map(|_| pick(g, items)).collect()
}

fn rule(g: &mut Gen) -> PolicyRule {
    if g.below(5) == 0 {
        PolicyRule::non_resource(&parts(g, VERBS, 2), &parts(g, URLS, 2))
    } else {
        let names = if g.below(3) == 0 {
            some(g, OBJECT_NAMES, 2)
        } else {
            vec![]
        };
        PolicyRule::resource(
            &parts(g, VERBS, 3),
            &parts(g, API_GROUPS, 2),
            &parts(g, RESOURCES, 2),
        )
        .with_names(&names)
    }
}

fn rules(g: &mut Gen) -> Vec<PolicyRule> {
    (0..g.below(5)).map(|_| rule(g)).collect()
}

fn subject(g: &mut Gen) -> Subject {
    match g.below(7) {
        0 | 1 => Subject::user(pick(
            g,
            &["alice", "bob", "carol", "system:serviceaccount:ns1:bot"],
        )),
        2 | 3 => Subject::group(pick(g, GROUPS)),
        4 | 5 => Subject::service_account(pick(g, &["", "ns1", "ns2"]), pick(g, &["bot", "ci"])),
        _ => Subject {
            kind: "Robot".into(),
            name: "alice".into(),
            ..Default::default()
        },
    }
}

fn role_ref(g: &mut Gen) -> RoleRef {
    match g.below(9) {
        0..=3 => RoleRef::cluster_role(pick(g, ROLE_NAMES)),
        4..=7 => RoleRef::role(pick(g, ROLE_NAMES)),
        _ => RoleRef {
            kind: "Other".into(),
            ..RoleRef::role("r1")
        },
    }
}

/// One random change, applied to both.
fn change(g: &mut Gen, index: &mut AuthorizerIndex, linear: &mut LinearAuthorizer) {
    let ns = pick(g, &NAMESPACES[1..]);
    let role = pick(g, ROLE_NAMES);
    let binding = pick(g, BINDING_NAMES);
    let targets: [&mut dyn PolicyUpdates; 2] = [index, linear];
    match g.below(8) {
        0 => {
            let r = rules(g);
            targets
                .into_iter()
                .for_each(|t| t.upsert_role(ns, role, r.clone()));
        }
        1 => {
            let r = rules(g);
            targets
                .into_iter()
                .for_each(|t| t.upsert_cluster_role(role, r.clone()));
        }
        2 | 3 => {
            let (rr, subjects) = (
                role_ref(g),
                (0..g.below(4)).map(|_| subject(g)).collect::<Vec<_>>(),
            );
            targets
                .into_iter()
                .for_each(|t| t.upsert_role_binding(ns, binding, rr.clone(), subjects.clone()));
        }
        4 => {
            let (rr, subjects) = (
                role_ref(g),
                (0..g.below(4)).map(|_| subject(g)).collect::<Vec<_>>(),
            );
            targets
                .into_iter()
                .for_each(|t| t.upsert_cluster_role_binding(binding, rr.clone(), subjects.clone()));
        }
        5 => targets
            .into_iter()
            .for_each(|t| t.remove_role_binding(ns, binding)),
        6 => targets
            .into_iter()
            .for_each(|t| t.remove_cluster_role_binding(binding)),
        _ => {
            if g.below(2) == 0 {
                targets.into_iter().for_each(|t| t.remove_role(ns, role));
            } else {
                targets
                    .into_iter()
                    .for_each(|t| t.remove_cluster_role(role));
            }
        }
    }
}

fn request(g: &mut Gen) -> RequestAttributes {
    if g.below(5) == 0 {
        return RequestAttributes::non_resource(pick(g, &["get", "post"]), pick(g, PATHS))
            .in_namespace(pick(g, NAMESPACES));
    }
    let (resource, sub) = match pick(
        g,
        &[
            "tokens",
            "serviceaccounts",
            "serviceaccounts/token",
            "configmaps",
            "pods/log",
        ],
    ) {
        "serviceaccounts/token" => ("serviceaccounts", "token"),
        "pods/log" => ("pods", "log"),
        other => (other, ""),
    };
    RequestAttributes::resource(
        pick(g, &["get", "list", "create", "delete"]),
        pick(g, &["", "tokenhub.io", "apps"]),
        resource,
    )
    .in_namespace(pick(g, NAMESPACES))
    .named(pick(g, &["", "a", "bot", "zzz"]))
    .subresource(sub)
}

fn user(g: &mut Gen) -> UserInfo {
    UserInfo {
        username: (pick(g, USERS)).to_string(),
        groups: some(g, GROUPS, 3).into_iter().map(String::from).collect(),
        ..Default::default()
    }
}

#[test]
fn index_and_linear_scan_always_agree() {
    let mut allowed = 0usize;
    let mut with_errors = 0usize;
    for seed in 0..300u64 {
        let mut g = Gen::new(seed);
        let mut index = AuthorizerIndex::new();
        let mut linear = LinearAuthorizer::new();
        for _ in 0..12 {
            let (ns, role, r) = (
                pick(&mut g, &NAMESPACES[1..]),
                pick(&mut g, ROLE_NAMES),
                rules(&mut g),
            );
            for t in [&mut index as &mut dyn PolicyUpdates, &mut linear] {
                t.upsert_cluster_role(role, r.clone());
                t.upsert_role(ns, role, r.clone());
            }
        }
        for _round in 0..6 {
            for _ in 0..g.below(12) + 1 {
                change(&mut g, &mut index, &mut linear);
            }
            for _ in 0..25 {
                let (u, attrs) = (user(&mut g), request(&mut g));
                let want = linear.authorize(&u, &attrs);
                assert_eq!(
                    index.authorize(&u, &attrs),
                    want,
                    "seed {seed}: {u:?} {attrs:?}"
                );
                allowed += usize::from(want.is_allowed());
                with_errors += usize::from(!want.is_allowed() && !want.reason().is_empty());
            }
            for ns in NAMESPACES {
                let u = user(&mut g);
                assert_eq!(
                    index.rules_for(&u, ns),
                    linear.rules_for(&u, ns),
                    "seed {seed}: rules of {u:?} in {ns:?}"
                );
            }
        }
    }
    // The generator reaches allow, no opinion and resolution errors often enough to count.
    assert!(allowed > 1000, "allowed {allowed}");
    assert!(with_errors > 1000, "with errors {with_errors}");
}
