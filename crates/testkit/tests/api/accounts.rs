//! The identities RBAC tests act as: ServiceAccounts created by the admin, their tokens
//! (TokenRequest), and the roles and bindings that grant them something.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::support::{Api, Client, HUNG, Reply, Watch, with_query};

pub const RBAC: &str = "/apis/rbac.authorization.k8s.io/v1";
pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// A PolicyRule on resources.
pub fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> Value {
    json!({"verbs": verbs, "apiGroups": groups, "resources": resources})
}

/// A PolicyRule on resources limited to `names`.
pub fn named_rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> Value {
    json!({"verbs": verbs, "apiGroups": groups, "resources": resources, "resourceNames": names})
}

/// A PolicyRule on non-resource URLs.
pub fn url_rule(verbs: &[&str], urls: &[&str]) -> Value {
    json!({"verbs": verbs, "nonResourceURLs": urls})
}

pub fn service_account_subject(namespace: &str, name: &str) -> Value {
    json!({"kind": "ServiceAccount", "name": name, "namespace": namespace})
}

pub fn user_subject(name: &str) -> Value {
    json!({"kind": "User", "apiGroup": RBAC_GROUP, "name": name})
}

pub fn group_subject(name: &str) -> Value {
    json!({"kind": "Group", "apiGroup": RBAC_GROUP, "name": name})
}

/// The Kubernetes username of a ServiceAccount.
pub fn username(namespace: &str, name: &str) -> String {
    format!("system:serviceaccount:{namespace}:{name}")
}

/// The groups of a ServiceAccount, as kube-apiserver lists them.
pub fn groups(namespace: &str) -> Value {
    json!([
        "system:serviceaccounts",
        format!("system:serviceaccounts:{namespace}"),
        "system:authenticated"
    ])
}

pub fn roles(namespace: &str) -> String {
    format!("{RBAC}/namespaces/{namespace}/roles")
}

pub fn role_bindings(namespace: &str) -> String {
    format!("{RBAC}/namespaces/{namespace}/rolebindings")
}

pub fn cluster_roles() -> String {
    format!("{RBAC}/clusterroles")
}

pub fn cluster_role_bindings() -> String {
    format!("{RBAC}/clusterrolebindings")
}

pub fn token_path(namespace: &str, name: &str) -> String {
    format!("/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token")
}

pub fn role_body(name: &str, rules: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
           "metadata": {"name": name}, "rules": rules})
}

pub fn cluster_role_body(name: &str, rules: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
           "metadata": {"name": name}, "rules": rules})
}

pub fn role_binding_body(name: &str, kind: &str, role: &str, subjects: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
           "metadata": {"name": name},
           "roleRef": {"apiGroup": RBAC_GROUP, "kind": kind, "name": role},
           "subjects": subjects})
}

pub fn cluster_role_binding_body(name: &str, role: &str, subjects: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
           "metadata": {"name": name},
           "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
           "subjects": subjects})
}

/// A TokenRequest with `spec`.
pub fn token_request_body(spec: Value) -> Value {
    json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec})
}

/// The JOSE header and the claims of a JWT, decoded without verification.
pub fn jwt(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a JWT: {token}");
    let decode = |part: &str| -> Value {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .unwrap_or_else(|e| panic!("not base64url ({e}): {part}"));
        serde_json::from_slice(&bytes).expect("a JSON part")
    };
    (decode(parts[0]), decode(parts[1]))
}

impl Api {
    pub async fn service_account(&self, namespace: &str, name: &str) -> Value {
        self.post(
            &format!("/api/v1/namespaces/{namespace}/serviceaccounts"),
            &json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}),
        )
        .await
        .expect(201)
    }

    /// The admin's TokenRequest for ServiceAccount `namespace/name`.
    pub async fn token_request(&self, namespace: &str, name: &str, spec: Value) -> Reply {
        self.post(&token_path(namespace, name), &token_request_body(spec))
            .await
    }

    /// A token of the default lifetime for an existing ServiceAccount.
    pub async fn token(&self, namespace: &str, name: &str) -> String {
        let answer = self
            .token_request(namespace, name, json!({}))
            .await
            .expect(201);
        answer["status"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {answer}"))
            .to_string()
    }

    /// A new ServiceAccount `namespace/name` and a client presenting a token of it.
    pub async fn identity(&self, namespace: &str, name: &str) -> Client {
        self.service_account(namespace, name).await;
        let token = self.token(namespace, name).await;
        self.with_token(&token)
    }

    pub async fn role(&self, namespace: &str, name: &str, rules: Value) -> Value {
        self.post(&roles(namespace), &role_body(name, rules))
            .await
            .expect(201)
    }

    pub async fn cluster_role(&self, name: &str, rules: Value) -> Value {
        self.post(&cluster_roles(), &cluster_role_body(name, rules))
            .await
            .expect(201)
    }

    /// A RoleBinding in `namespace` to the `kind` (Role or ClusterRole) named `role`.
    pub async fn role_binding(
        &self,
        namespace: &str,
        name: &str,
        kind: &str,
        role: &str,
        subjects: Value,
    ) -> Value {
        self.post(
            &role_bindings(namespace),
            &role_binding_body(name, kind, role, subjects),
        )
        .await
        .expect(201)
    }

    pub async fn cluster_role_binding(&self, name: &str, role: &str, subjects: Value) -> Value {
        self.post(
            &cluster_role_bindings(),
            &cluster_role_binding_body(name, role, subjects),
        )
        .await
        .expect(201)
    }

    /// Watches ClusterRole `name` until `done` holds for it; returns it then. The hub's own
    /// controllers (aggregation) write asynchronously, so tests wait for their result.
    pub async fn wait_for_cluster_role(&self, name: &str, done: impl Fn(&Value) -> bool) -> Value {
        let path = with_query(
            &cluster_roles(),
            &[
                ("watch", "true"),
                ("fieldSelector", &format!("metadata.name={name}")),
            ],
        );
        let mut watch = Watch::open(self, &path, "application/json").await;
        let mut last = Value::Null;
        let waited = tokio::time::timeout(HUNG, async {
            while let Some(event) = watch.next().await {
                if event["type"] != "DELETED" && done(&event["object"]) {
                    return Some(event["object"].clone());
                }
                last = event;
            }
            None
        })
        .await;
        match waited {
            Ok(Some(role)) => role,
            Ok(None) => panic!("the watch of clusterrole {name} ended; last event: {last}"),
            Err(_) => panic!("clusterrole {name} never got there; last event: {last}"),
        }
    }
}

/// The rules of a role, as JSON values.
pub fn rules_of(role: &Value) -> Vec<Value> {
    role["rules"].as_array().cloned().unwrap_or_default()
}
