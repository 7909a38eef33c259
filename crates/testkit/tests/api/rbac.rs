//! The four RBAC kinds as objects: CRUD, defaulting, kube's validation with its words, and the
//! Table columns kubectl prints.

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::accounts::{
    RBAC_GROUP, cluster_role_binding_body, cluster_role_bindings, cluster_role_body, cluster_roles,
    group_subject, role_binding_body, role_bindings, role_body, roles, rule,
    service_account_subject, url_rule, user_subject,
};
use crate::support::{
    Api, MERGE_PATCH, TABLE_ACCEPT, assert_failure, cells, names, resource_version,
};

/// The one cause of a 422, as (reason, field, message).
fn only_cause(status: &Value) -> (String, String, String) {
    let causes = status["details"]["causes"]
        .as_array()
        .unwrap_or_else(|| panic!("no causes: {status}"));
    assert_eq!(causes.len(), 1, "{status}");
    let text = |k: &str| causes[0][k].as_str().unwrap_or_default().to_string();
    (text("reason"), text("field"), text("message"))
}

#[tokio::test]
async fn roles_and_cluster_roles_are_created_read_updated_listed_and_deleted() {
    let api = Api::start();
    let reader = rule(&["get", "list"], &[""], &["configmaps"]);
    let created = api.role("default", "reader", json!([reader])).await;
    assert_eq!(created["kind"], "Role");
    assert_eq!(created["apiVersion"], "rbac.authorization.k8s.io/v1");
    assert_eq!(created["metadata"]["namespace"], "default");
    assert_eq!(created["rules"], json!([reader]));
    let path = format!("{}/reader", roles("default"));
    assert_eq!(api.get(&path).await.expect(200), created);

    let mut changed = created.clone();
    changed["rules"] = json!([rule(&["get"], &[""], &["configmaps", "serviceaccounts"])]);
    let updated = api.put(&path, &changed).await.expect(200);
    assert_eq!(updated["rules"], changed["rules"]);
    assert_ne!(resource_version(&updated), resource_version(&created));
    assert_eq!(api.names(&roles("default")).await, ["reader"]);
    assert!(api.names(&roles("kube-public")).await.is_empty());

    api.delete(&path, &json!({})).await.expect(200);
    assert_failure(
        &api.get(&path).await,
        404,
        "NotFound",
        r#"roles.rbac.authorization.k8s.io "reader" not found"#,
    );

    let urls = url_rule(&["get"], &["/healthz", "/metrics/*"]);
    let cluster_role = api
        .cluster_role(
            "probe",
            json!([urls, rule(&["get"], &[""], &["namespaces"])]),
        )
        .await;
    assert_eq!(cluster_role["kind"], "ClusterRole");
    assert!(cluster_role["metadata"].get("namespace").is_none());
    let path = format!("{}/probe", cluster_roles());
    assert_eq!(api.get(&path).await.expect(200), cluster_role);
    assert!(
        api.names(&cluster_roles())
            .await
            .contains(&"probe".to_string())
    );
    api.delete(&path, &json!({})).await.expect(200);
    assert_failure(
        &api.get(&path).await,
        404,
        "NotFound",
        r#"clusterroles.rbac.authorization.k8s.io "probe" not found"#,
    );
}

#[tokio::test]
async fn bindings_are_created_with_their_defaults_updated_and_deleted() {
    let api = Api::start();
    // apiGroups left out: kube defaults them for roleRef, Users and Groups, not ServiceAccounts.
    let body = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "viewers"},
        "roleRef": {"kind": "ClusterRole", "name": "view"},
        "subjects": [
            {"kind": "User", "name": "alice"},
            {"kind": "Group", "name": "devs"},
            {"kind": "ServiceAccount", "name": "bot", "namespace": "default"},
        ],
    });
    let created = api.post(&role_bindings("default"), &body).await.expect(201);
    assert_eq!(
        created["roleRef"],
        json!({"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": "view"})
    );
    assert_eq!(
        created["subjects"],
        json!([
            user_subject("alice"),
            group_subject("devs"),
            service_account_subject("default", "bot"),
        ])
    );
    let path = format!("{}/viewers", role_bindings("default"));
    let mut fewer = created.clone();
    fewer["subjects"] = json!([user_subject("alice")]);
    let updated = api.put(&path, &fewer).await.expect(200);
    assert_eq!(updated["subjects"], json!([user_subject("alice")]));
    api.delete(&path, &json!({})).await.expect(200);
    assert_eq!(api.get(&path).await.code, 404);

    let cluster_binding = api
        .post(
            &cluster_role_bindings(),
            &json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": "auditors"},
                "roleRef": {"kind": "ClusterRole", "name": "view"},
                "subjects": [{"kind": "Group", "name": "auditors"}],
            }),
        )
        .await
        .expect(201);
    assert_eq!(cluster_binding["roleRef"]["apiGroup"], RBAC_GROUP);
    assert_eq!(
        cluster_binding["subjects"],
        json!([group_subject("auditors")])
    );
    let path = format!("{}/auditors", cluster_role_bindings());
    // A binding may name a role that does not exist (yet).
    let mut late = api.get(&path).await.expect(200);
    late["subjects"] = json!([group_subject("auditors"), user_subject("eve")]);
    api.put(&path, &late).await.expect(200);
    api.delete(&path, &json!({})).await.expect(200);
    assert_eq!(api.get(&path).await.code, 404);
}

#[tokio::test]
async fn a_rule_without_verbs_is_422() {
    let api = Api::start();
    let reply = api
        .post(
            &roles("default"),
            &role_body(
                "r",
                json!([{"apiGroups": [""], "resources": ["configmaps"]}]),
            ),
        )
        .await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        r#"Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value"#,
    );
    assert_eq!(status["details"]["kind"], "Role");
    assert_eq!(status["details"]["group"], RBAC_GROUP);
    assert_eq!(status["details"]["name"], "r");
    assert_eq!(
        only_cause(&status),
        (
            "FieldValueRequired".into(),
            "rules[0].verbs".into(),
            "Required value: verbs must contain at least one value".into()
        )
    );
    // The same for a ClusterRole, and nothing was stored.
    let reply = api
        .post(
            &cluster_roles(),
            &cluster_role_body(
                "c",
                json!([{"verbs": [], "apiGroups": [""], "resources": ["x"]}]),
            ),
        )
        .await;
    assert_failure(
        &reply,
        422,
        "Invalid",
        r#"ClusterRole.rbac.authorization.k8s.io "c" is invalid: rules[0].verbs: Required value: verbs must contain at least one value"#,
    );
    assert!(api.names(&roles("default")).await.is_empty());
}

#[tokio::test]
async fn a_resource_rule_needs_groups_and_resources() {
    let api = Api::start();
    let reply = api
        .post(
            &roles("default"),
            &role_body("r", json!([{"verbs": ["get"]}])),
        )
        .await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        r#"Role.rbac.authorization.k8s.io "r" is invalid: [rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource]"#,
    );
    assert_eq!(
        status["details"]["causes"].as_array().map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn a_role_cannot_hold_non_resource_urls_but_a_cluster_role_can() {
    let api = Api::start();
    let urls = json!([url_rule(&["get"], &["/healthz", "/metrics"])]);
    let reply = api
        .post(&roles("default"), &role_body("r", urls.clone()))
        .await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        r#"Role.rbac.authorization.k8s.io "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz", "/metrics"}: namespaced rules cannot apply to non-resource URLs"#,
    );
    assert_eq!(only_cause(&status).0, "FieldValueInvalid");
    api.cluster_role("c", urls).await;

    // A rule is about resources or about URLs, never both.
    let both = json!([{"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"],
                       "nonResourceURLs": ["/healthz"]}]);
    let reply = api
        .post(&cluster_roles(), &cluster_role_body("both", both))
        .await;
    assert_failure(
        &reply,
        422,
        "Invalid",
        r#"ClusterRole.rbac.authorization.k8s.io "both" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs"#,
    );
}

#[tokio::test]
async fn a_binding_refers_to_a_role_or_a_cluster_role_only() {
    let api = Api::start();
    let reply = api
        .post(
            &role_bindings("default"),
            &role_binding_body("b", "Foo", "view", json!([user_subject("alice")])),
        )
        .await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        r#"RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "Foo": supported values: "Role", "ClusterRole""#,
    );
    assert_eq!(
        only_cause(&status),
        (
            "FieldValueNotSupported".into(),
            "roleRef.kind".into(),
            r#"Unsupported value: "Foo": supported values: "Role", "ClusterRole""#.into()
        )
    );
    // A ClusterRoleBinding can only refer to a ClusterRole.
    let mut body = cluster_role_binding_body("b", "view", json!([user_subject("alice")]));
    body["roleRef"]["kind"] = json!("Role");
    assert_failure(
        &api.post(&cluster_role_bindings(), &body).await,
        422,
        "Invalid",
        r#"ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole""#,
    );
    // And to the RBAC group only.
    let mut body = cluster_role_binding_body("b", "view", json!([user_subject("alice")]));
    body["roleRef"]["apiGroup"] = json!("example.com");
    assert_failure(
        &api.post(&cluster_role_bindings(), &body).await,
        422,
        "Invalid",
        r#"ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io""#,
    );
}

#[tokio::test]
async fn a_service_account_subject_needs_a_namespace_in_a_cluster_role_binding() {
    let api = Api::start();
    let subject = json!([{"kind": "ServiceAccount", "name": "bot"}]);
    let reply = api
        .post(
            &cluster_role_bindings(),
            &cluster_role_binding_body("b", "view", subject.clone()),
        )
        .await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        r#"ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: subjects[0].namespace: Required value"#,
    );
    assert_eq!(
        only_cause(&status),
        (
            "FieldValueRequired".into(),
            "subjects[0].namespace".into(),
            "Required value".into()
        )
    );
    // In a RoleBinding the binding's namespace is the subject's.
    api.role_binding("default", "b", "ClusterRole", "view", subject)
        .await;
    // Unknown subject kinds are refused.
    let reply = api
        .post(
            &role_bindings("default"),
            &role_binding_body(
                "odd",
                "ClusterRole",
                "view",
                json!([{"kind": "Robot", "name": "r2"}]),
            ),
        )
        .await;
    assert_failure(
        &reply,
        422,
        "Invalid",
        r#"RoleBinding.rbac.authorization.k8s.io "odd" is invalid: subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group""#,
    );
}

#[tokio::test]
async fn the_role_of_a_binding_cannot_change() {
    let api = Api::start();
    let created = api
        .role_binding(
            "default",
            "b",
            "ClusterRole",
            "view",
            json!([user_subject("alice")]),
        )
        .await;
    let path = format!("{}/b", role_bindings("default"));
    let mut changed = created.clone();
    changed["roleRef"]["name"] = json!("edit");
    let message = r#"RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef"#;
    let status = assert_failure(&api.put(&path, &changed).await, 422, "Invalid", message);
    assert_eq!(
        only_cause(&status).1,
        "roleRef",
        "the cause names the field: {status}"
    );
    // A patch is refused alike; the binding is unchanged.
    let reply = api
        .patch(
            &path,
            MERGE_PATCH,
            &json!({"roleRef": {"kind": "Role", "name": "view"}}),
        )
        .await;
    assert_failure(
        &reply,
        422,
        "Invalid",
        r#"RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"view"}: cannot change roleRef"#,
    );
    assert_eq!(api.get(&path).await.expect(200), created);

    let created = api
        .cluster_role_binding("cb", "view", json!([user_subject("alice")]))
        .await;
    let mut changed = created.clone();
    changed["roleRef"]["name"] = json!("admin");
    assert_failure(
        &api.put(&format!("{}/cb", cluster_role_bindings()), &changed)
            .await,
        422,
        "Invalid",
        r#"ClusterRoleBinding.rbac.authorization.k8s.io "cb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef"#,
    );
}

fn column_names(table: &Value) -> Vec<(String, u64)> {
    table["columnDefinitions"]
        .as_array()
        .unwrap_or_else(|| panic!("no columns: {table}"))
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("a name").to_string(),
                c["priority"].as_u64().expect("a priority"),
            )
        })
        .collect()
}

#[tokio::test]
async fn roles_print_their_name_and_creation_time() {
    let (api, clock) = Api::with_manual_clock();
    let role = api
        .role(
            "default",
            "reader",
            json!([rule(&["get"], &[""], &["configmaps"])]),
        )
        .await;
    let cluster_role = api
        .cluster_role("c-reader", json!([rule(&["get"], &[""], &["configmaps"])]))
        .await;
    clock.advance(SignedDuration::from_mins(5));
    for (path, object) in [
        (roles("default"), &role),
        (format!("{}/c-reader", cluster_roles()), &cluster_role),
    ] {
        let table = api.get_as(&path, TABLE_ACCEPT).await.expect(200);
        assert_eq!(
            column_names(&table),
            [("Name".to_string(), 0), ("Created At".to_string(), 0)]
        );
        assert_eq!(table["columnDefinitions"][1]["type"], "date");
        // Upstream prints the RFC 3339 creation time, not an age.
        assert_eq!(
            cells(&table, 0, 2),
            [
                object["metadata"]["name"].clone(),
                object["metadata"]["creationTimestamp"].clone()
            ]
        );
    }
}

#[tokio::test]
async fn bindings_print_role_age_and_subjects_by_kind() {
    let (api, clock) = Api::with_manual_clock();
    api.role_binding(
        "default",
        "mixed",
        "ClusterRole",
        "view",
        json!([
            user_subject("alice"),
            user_subject("bob"),
            group_subject("devs"),
            service_account_subject("default", "bot"),
            service_account_subject("kube-system", "ci"),
        ]),
    )
    .await;
    api.role_binding(
        "default",
        "local",
        "Role",
        "reader",
        // Upstream prints `namespace/name` even when the namespace is left to the binding's.
        json!([group_subject("ops"), {"kind": "ServiceAccount", "name": "lonely"}]),
    )
    .await;
    api.cluster_role_binding(
        "watchers",
        "view",
        json!([service_account_subject("tokenhub", "watcher")]),
    )
    .await;
    clock.advance(SignedDuration::from_mins(3));

    let table = api
        .get_as(&role_bindings("default"), TABLE_ACCEPT)
        .await
        .expect(200);
    let expected_columns: Vec<(String, u64)> = [
        ("Name", 0),
        ("Role", 0),
        ("Age", 0),
        ("Users", 1),
        ("Groups", 1),
        ("ServiceAccounts", 1),
    ]
    .iter()
    .map(|(n, p)| (n.to_string(), *p))
    .collect();
    assert_eq!(column_names(&table), expected_columns);
    assert_eq!(
        cells(&table, 0, 6),
        [
            json!("local"),
            json!("Role/reader"),
            json!("3m"),
            json!(""),
            json!("ops"),
            json!("/lonely")
        ]
    );
    assert_eq!(
        cells(&table, 1, 6),
        [
            json!("mixed"),
            json!("ClusterRole/view"),
            json!("3m"),
            json!("alice, bob"),
            json!("devs"),
            json!("default/bot, kube-system/ci")
        ]
    );

    let table = api
        .get_as(
            &format!("{}/watchers", cluster_role_bindings()),
            TABLE_ACCEPT,
        )
        .await
        .expect(200);
    assert_eq!(column_names(&table), expected_columns);
    assert_eq!(
        cells(&table, 0, 6),
        [
            json!("watchers"),
            json!("ClusterRole/view"),
            json!("3m"),
            json!(""),
            json!(""),
            json!("tokenhub/watcher")
        ]
    );
}

#[tokio::test]
async fn rbac_kinds_are_listed_per_namespace_and_across_namespaces() {
    let api = Api::start();
    api.namespace("team").await;
    let reader = json!([rule(&["get"], &[""], &["configmaps"])]);
    api.role("default", "a", reader.clone()).await;
    api.role("team", "b", reader).await;
    api.role_binding("team", "c", "Role", "b", json!([user_subject("x")]))
        .await;
    assert_eq!(api.names(&roles("team")).await, ["b"]);
    let all = api
        .get(&format!("{}/roles", crate::accounts::RBAC))
        .await
        .expect(200);
    assert_eq!(names(&all), ["a", "b"]);
    assert_eq!(api.names(&role_bindings("team")).await, ["c"]);
    assert!(api.names(&role_bindings("default")).await.is_empty());
}
