//! Bodies for the kinds and fields the captures do not cover, built with the test encoder the
//! way client-go would send them.

use serde_json::json;

use super::encoder::{Proto, envelope, gogo_metadata};
use crate::protobuf::decode;

#[test]
fn config_map_with_data_and_binary_data() {
    let body = envelope(
        "v1",
        "ConfigMap",
        Proto::new()
            .message(
                1,
                gogo_metadata("app", "default")
                    .string_entry(11, "tier", "web")
                    .string_entry(12, "note", ""),
            )
            .string_entry(2, "config", "hello: world\n")
            .string_entry(2, "empty", "")
            .bytes_entry(3, "blob", &[0xff, 0x00, 0x01])
            .bytes_entry(3, "nothing", &[]),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "app", "namespace": "default",
                         "labels": {"tier": "web"}, "annotations": {"note": ""}},
            "data": {"config": "hello: world\n", "empty": ""},
            "binaryData": {"blob": "/wAB", "nothing": ""}
        })
    );
}

#[test]
fn immutable_false_is_kept_because_go_only_sends_set_pointers() {
    let body = envelope(
        "v1",
        "ConfigMap",
        Proto::new()
            .message(1, gogo_metadata("app", ""))
            .varint(4, 0),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}, "immutable": false})
    );
}

#[test]
fn secret_with_data_string_data_and_type() {
    let body = envelope(
        "v1",
        "Secret",
        Proto::new()
            .message(1, gogo_metadata("creds", "ns1"))
            .bytes_entry(2, "password", b"s3cr3t")
            .string(3, "Opaque")
            .string_entry(4, "user", "alice")
            .varint(5, 1),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "creds", "namespace": "ns1"},
            "immutable": true,
            "data": {"password": "czNjcjN0"},
            "stringData": {"user": "alice"},
            "type": "Opaque"
        })
    );
}

#[test]
fn namespace_with_spec_and_status() {
    let body = envelope(
        "v1",
        "Namespace",
        Proto::new()
            .message(1, gogo_metadata("team-a", ""))
            .message(2, Proto::new().string(1, "kubernetes"))
            .message(
                3,
                Proto::new().string(1, "Active").message(
                    2,
                    Proto::new()
                        .string(1, "NamespaceDeletionContentFailure")
                        .string(2, "False")
                        .time(4, 1_704_164_645)
                        .string(5, "ContentDeleted")
                        .string(6, ""),
                ),
            ),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "team-a"},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active", "conditions": [{
                "type": "NamespaceDeletionContentFailure", "status": "False",
                "lastTransitionTime": "2024-01-02T03:04:05Z", "reason": "ContentDeleted"
            }]}
        })
    );
}

#[test]
fn service_account_with_secrets_and_automount_false() {
    let body = envelope(
        "v1",
        "ServiceAccount",
        Proto::new()
            .message(1, gogo_metadata("bot", "default"))
            .message(2, Proto::new().string(1, "").string(2, "").string(3, "s1"))
            .message(3, Proto::new().string(1, "registry"))
            .varint(4, 0),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "bot", "namespace": "default"},
            "secrets": [{"name": "s1"}],
            "imagePullSecrets": [{"name": "registry"}],
            "automountServiceAccountToken": false
        })
    );
}

#[test]
fn object_meta_in_full() {
    let owner = Proto::new()
        .string(1, "Deployment")
        .string(3, "web")
        .string(4, "uid-1")
        .string(5, "apps/v1")
        .varint(6, 1)
        .varint(7, 0);
    let metadata = Proto::new()
        .string(1, "")
        .string(2, "web-")
        .string(3, "prod")
        .string(5, "0b6d5f1e")
        .string(6, "42")
        .varint(7, 3)
        .time(8, 1_704_164_645)
        .time(9, 1_704_164_700)
        .varint(10, 0)
        .message(13, owner)
        .strings(14, &["example.com/cleanup", "kubernetes"]);
    let body = envelope("v1", "ConfigMap", Proto::new().message(1, metadata));
    assert_eq!(
        decode(&body).unwrap()["metadata"],
        json!({
            "generateName": "web-", "namespace": "prod", "uid": "0b6d5f1e", "resourceVersion": "42",
            "generation": 3,
            "creationTimestamp": "2024-01-02T03:04:05Z",
            "deletionTimestamp": "2024-01-02T03:05:00Z",
            "deletionGracePeriodSeconds": 0,
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                 "uid": "uid-1", "controller": true, "blockOwnerDeletion": false}],
            "finalizers": ["example.com/cleanup", "kubernetes"]
        })
    );
}

#[test]
fn cluster_role_with_rules_and_aggregation_rule() {
    let selector = Proto::new()
        .string_entry(1, "rbac.example.com/aggregate-to-admin", "true")
        .message(
            2,
            Proto::new()
                .string(1, "tier")
                .string(2, "In")
                .strings(3, &["a", "b"]),
        );
    let body = envelope(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        Proto::new()
            .message(1, gogo_metadata("token-admin", ""))
            .message(
                2,
                Proto::new()
                    .strings(1, &["get", "list", "create"])
                    .strings(2, &[""])
                    .strings(3, &["serviceaccounts/token"]),
            )
            .message(
                2,
                Proto::new()
                    .strings(1, &["get"])
                    .strings(2, &["iam.example.com"])
                    .strings(3, &["tokens"])
                    .strings(4, &["app"]),
            )
            .message(
                2,
                Proto::new()
                    .strings(1, &["get"])
                    .strings(5, &["/healthz", "/version"]),
            )
            .message(3, Proto::new().message(1, selector)),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "token-admin"},
            "rules": [
                {"verbs": ["get", "list", "create"], "apiGroups": [""], "resources": ["serviceaccounts/token"]},
                {"verbs": ["get"], "apiGroups": ["iam.example.com"], "resources": ["tokens"], "resourceNames": ["app"]},
                {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/version"]}
            ],
            "aggregationRule": {"clusterRoleSelectors": [{
                "matchLabels": {"rbac.example.com/aggregate-to-admin": "true"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]
            }]}
        })
    );
}

#[test]
fn an_empty_aggregation_rule_is_still_an_aggregation_rule() {
    // aggregationRule is a Go pointer: sent only when set, so `{}` is what the client meant.
    let body = envelope(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        Proto::new()
            .message(1, gogo_metadata("agg", ""))
            .message(3, Proto::new()),
    );
    assert_eq!(decode(&body).unwrap()["aggregationRule"], json!({}));
}

#[test]
fn role_with_rules() {
    let body = envelope(
        "rbac.authorization.k8s.io/v1",
        "Role",
        Proto::new()
            .message(1, gogo_metadata("reader", "team-a"))
            .message(
                2,
                Proto::new()
                    .strings(1, &["get", "watch"])
                    .strings(2, &[""])
                    .strings(3, &["configmaps"]),
            ),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "reader", "namespace": "team-a"},
            "rules": [{"verbs": ["get", "watch"], "apiGroups": [""], "resources": ["configmaps"]}]
        })
    );
}

#[test]
fn role_binding_for_a_user_and_a_group() {
    let subject = |kind: &str, name: &str| {
        Proto::new()
            .string(1, kind)
            .string(2, "rbac.authorization.k8s.io")
            .string(3, name)
            .string(4, "")
    };
    let body = envelope(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        Proto::new()
            .message(1, gogo_metadata("devs-read", ""))
            .message(2, subject("User", "alice"))
            .message(2, subject("Group", "devs"))
            .message(
                3,
                Proto::new()
                    .string(1, "rbac.authorization.k8s.io")
                    .string(2, "Role")
                    .string(3, "reader"),
            ),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "devs-read"},
            "subjects": [
                {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"},
                {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "devs"}
            ],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}
        })
    );
}

#[test]
fn token_request_with_audiences_and_bound_object() {
    // §5.4: --audience=https://iam.example.com --audience=api --bound-object-kind=Secret …
    let spec = Proto::new()
        .strings(1, &["https://iam.example.com", "api"])
        .message(
            3,
            Proto::new()
                .string(1, "Secret")
                .string(2, "v1")
                .string(3, "s1")
                .string(4, "123"),
        )
        .varint(4, 3_600_000);
    let body = envelope(
        "authentication.k8s.io/v1",
        "TokenRequest",
        Proto::new()
            .message(1, gogo_metadata("", ""))
            .message(2, spec)
            .message(3, Proto::new().string(1, "").message(2, Proto::new())),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
            "spec": {"audiences": ["https://iam.example.com", "api"],
                     "boundObjectRef": {"kind": "Secret", "apiVersion": "v1", "name": "s1", "uid": "123"},
                     "expirationSeconds": 3_600_000}
        })
    );
}

#[test]
fn token_request_status_as_a_server_would_return_it() {
    let body = envelope(
        "authentication.k8s.io/v1",
        "TokenRequest",
        Proto::new().message(
            3,
            Proto::new().string(1, "eyJhbGciOi").time(2, 1_799_033_397),
        ),
    );
    assert_eq!(
        decode(&body).unwrap()["status"],
        json!({"token": "eyJhbGciOi", "expirationTimestamp": "2027-01-04T03:29:57Z"})
    );
}

#[test]
fn token_review_with_user_and_extra() {
    let user = Proto::new()
        .string(1, "system:serviceaccount:default:bot")
        .string(2, "u-1")
        .strings(3, &["system:serviceaccounts", "system:authenticated"])
        .extra_entry(
            4,
            "authentication.kubernetes.io/credential-id",
            &["JTI=abc"],
        );
    let body = envelope(
        "authentication.k8s.io/v1",
        "TokenReview",
        Proto::new()
            .message(
                2,
                Proto::new().string(1, "tok").strings(2, &["https://hub"]),
            )
            .message(
                3,
                Proto::new()
                    .varint(1, 1)
                    .message(2, user)
                    .string(3, "")
                    .strings(4, &["https://hub"]),
            ),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
            "spec": {"token": "tok", "audiences": ["https://hub"]},
            "status": {"authenticated": true,
                       "user": {"username": "system:serviceaccount:default:bot", "uid": "u-1",
                                "groups": ["system:serviceaccounts", "system:authenticated"],
                                "extra": {"authentication.kubernetes.io/credential-id": ["JTI=abc"]}},
                       "audiences": ["https://hub"]}
        })
    );
}

#[test]
fn self_subject_review_status_renders_extra_as_lists() {
    let user_info = Proto::new()
        .string(1, "alice")
        .string(2, "u-1")
        .strings(3, &["system:authenticated", "admins"])
        .extra_entry(4, "team", &["x"])
        .extra_entry(4, "none", &[]);
    let body = envelope(
        "authentication.k8s.io/v1",
        "SelfSubjectReview",
        Proto::new()
            .message(1, gogo_metadata("", ""))
            .message(2, Proto::new().message(1, user_info)),
    );
    assert_eq!(
        decode(&body).unwrap()["status"],
        json!({"userInfo": {"username": "alice", "uid": "u-1",
                            "groups": ["system:authenticated", "admins"],
                            "extra": {"team": ["x"], "none": []}}})
    );
}

#[test]
fn subject_access_review_with_extra_and_selectors() {
    let resource_attributes = Proto::new()
        .string(1, "default")
        .string(2, "list")
        .string(3, "")
        .string(4, "v1")
        .string(5, "configmaps")
        .string(6, "")
        .string(7, "")
        .message(8, Proto::new().string(1, "metadata.name=app"))
        .message(
            9,
            Proto::new().message(
                2,
                Proto::new()
                    .string(1, "app")
                    .string(2, "In")
                    .strings(3, &["web"]),
            ),
        );
    let spec = Proto::new()
        .message(1, resource_attributes)
        .string(3, "bob")
        .strings(4, &["devs", "system:authenticated"])
        .extra_entry(5, "scopes", &["read", "write"])
        .string(6, "uid-bob");
    let body = envelope(
        "authorization.k8s.io/v1",
        "SubjectAccessReview",
        Proto::new().message(2, spec).message(
            3,
            Proto::new()
                .varint(1, 1)
                .string(2, "RBAC: allowed")
                .string(3, "")
                .varint(4, 0),
        ),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
            "spec": {
                "resourceAttributes": {
                    "namespace": "default", "verb": "list", "version": "v1", "resource": "configmaps",
                    "fieldSelector": {"rawSelector": "metadata.name=app"},
                    "labelSelector": {"requirements": [{"key": "app", "operator": "In", "values": ["web"]}]}
                },
                "user": "bob", "groups": ["devs", "system:authenticated"],
                "extra": {"scopes": ["read", "write"]}, "uid": "uid-bob"
            },
            "status": {"allowed": true, "reason": "RBAC: allowed"}
        })
    );
}

#[test]
fn local_subject_access_review_for_a_non_resource_url() {
    let body = envelope(
        "authorization.k8s.io/v1",
        "LocalSubjectAccessReview",
        Proto::new()
            .message(1, gogo_metadata("", "team-a"))
            .message(
                2,
                Proto::new()
                    .message(2, Proto::new().string(1, "/healthz").string(2, "get"))
                    .string(3, "carol"),
            ),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({
            "apiVersion": "authorization.k8s.io/v1", "kind": "LocalSubjectAccessReview",
            "metadata": {"namespace": "team-a"},
            "spec": {"nonResourceAttributes": {"path": "/healthz", "verb": "get"}, "user": "carol"}
        })
    );
}

#[test]
fn self_subject_rules_review_status() {
    let status = Proto::new()
        .message(
            1,
            Proto::new()
                .strings(1, &["get", "list"])
                .strings(2, &["iam.example.com"])
                .strings(3, &["tokens"]),
        )
        .message(
            2,
            Proto::new()
                .strings(1, &["get"])
                .strings(2, &["/api", "/api/*"]),
        )
        .varint(3, 1)
        .string(4, "webhook authorizer does not list rules");
    let body = envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectRulesReview",
        Proto::new()
            .message(2, Proto::new().string(1, "default"))
            .message(3, status),
    );
    assert_eq!(
        decode(&body).unwrap()["status"],
        json!({
            "resourceRules": [{"verbs": ["get", "list"], "apiGroups": ["iam.example.com"], "resources": ["tokens"]}],
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*"]}],
            "incomplete": true,
            "evaluationError": "webhook authorizer does not list rules"
        })
    );
}

#[test]
fn delete_options_under_either_api_version() {
    let options = Proto::new()
        .varint(1, 0)
        .message(2, Proto::new().string(1, "uid-1").string(2, ""))
        .string(4, "Background")
        .strings(5, &["All"]);
    let expected = |api_version: &str| {
        json!({
            "apiVersion": api_version, "kind": "DeleteOptions",
            "gracePeriodSeconds": 0,
            "preconditions": {"uid": "uid-1", "resourceVersion": ""},
            "propagationPolicy": "Background",
            "dryRun": ["All"]
        })
    };
    for api_version in ["meta.k8s.io/v1", "v1"] {
        let body = envelope(api_version, "DeleteOptions", options.clone());
        assert_eq!(decode(&body).unwrap(), expected(api_version));
    }
}

#[test]
fn negative_int64_values_survive_the_ten_byte_varint() {
    let body = envelope(
        "meta.k8s.io/v1",
        "DeleteOptions",
        Proto::new().varint(1, -1_i64 as u64).varint(3, 1),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions",
               "gracePeriodSeconds": -1, "orphanDependents": true})
    );
}

#[test]
fn unknown_fields_of_every_wire_type_are_skipped() {
    let metadata = gogo_metadata("bot", "default")
        .varint(15, 7)
        .string(17, "managed fields are ignored")
        .fixed32(99, 0xdead_beef)
        .fixed64(1000, u64::MAX);
    let body = envelope(
        "v1",
        "ServiceAccount",
        Proto::new()
            .message(1, metadata)
            .fixed64(5, 1)
            .string(536_870_911, "highest field number"),
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bot", "namespace": "default"}})
    );
}

#[test]
fn output_order_follows_the_go_struct_not_the_wire() {
    let body = envelope(
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        Proto::new()
            .message(
                3,
                Proto::new()
                    .string(3, "view")
                    .string(2, "ClusterRole")
                    .string(1, "rbac.authorization.k8s.io"),
            )
            .message(
                2,
                Proto::new()
                    .string(4, "ns")
                    .string(3, "bot")
                    .string(1, "ServiceAccount"),
            )
            .message(1, Proto::new().string(3, "").string(1, "b")),
    );
    assert_eq!(
        serde_json::to_string(&decode(&body).unwrap()).unwrap(),
        concat!(
            r#"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"#,
            r#""subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"ns"}],"#,
            r#""roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}"#
        )
    );
}

#[test]
fn an_epoch_time_sent_explicitly_is_an_instant_but_an_empty_one_is_absent() {
    let body = envelope(
        "v1",
        "Namespace",
        Proto::new().message(
            1,
            Proto::new()
                .string(1, "n")
                .time(8, 0)
                .message(9, Proto::new()),
        ),
    );
    assert_eq!(
        decode(&body).unwrap()["metadata"],
        json!({"name": "n", "creationTimestamp": "1970-01-01T00:00:00Z"})
    );
}
