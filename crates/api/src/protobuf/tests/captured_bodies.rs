//! The bodies kubectl 1.32.4 sent (kubectl-wire.md, Appendix B) against the JSON of §5.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::protobuf::decode;

fn decode_captured(base64_body: &str) -> Value {
    let body = base64::engine::general_purpose::STANDARD
        .decode(base64_body)
        .unwrap();
    decode(&body).unwrap()
}

/// Equal as values, and serialized with kubectl's key order.
fn assert_decodes_to(base64_body: &str, expected: &str) {
    let decoded = decode_captured(base64_body);
    let expected_value: Value = serde_json::from_str(expected).unwrap();
    assert_eq!(decoded, expected_value);
    assert_eq!(serde_json::to_string(&decoded).unwrap(), expected);
}

pub(super) const SERVICE_ACCOUNT: &str =
    "azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSHAoaCgNib3QSABoHZGVmYXVsdCIAKgAyADgAQgAaACIA";
pub(super) const CLUSTER_ROLE_BINDING: &str = "azhzAAoyChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEhJDbHVzdGVyUm9sZUJpbmRpbmcSdAoZCglib3QtYWRtaW4SABoAIgAqADIAOABCABIgCg5TZXJ2aWNlQWNjb3VudBIAGgNib3QiB2RlZmF1bHQaNQoZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxILQ2x1c3RlclJvbGUaC3Rva2VuLWFkbWluGgAiAA==";
pub(super) const TOKEN_REQUEST: &str = "azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIfChAKABIAGgAiACoAMgA4AEIAEgUggN3bARoECgASABoAIgA=";
pub(super) const SELF_SUBJECT_ACCESS_REVIEW: &str = "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSUAoQCgASABoAIgAqADIAOABCABIyCjAKB2RlZmF1bHQSBmNyZWF0ZRoPaWFtLmV4YW1wbGUuY29tIgAqBnRva2VuczIAOgAaCAgAEgAaACAAGgAiAA==";
pub(super) const SELF_SUBJECT_RULES_REVIEW: &str = "azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAKABIAGgAiACoAMgA4AEIAEgkKB2RlZmF1bHQaBBgAIgAaACIA";
pub(super) const SELF_SUBJECT_REVIEW: &str = "azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoECgASABoAIgA=";

pub(super) const ALL: [&str; 6] = [
    SERVICE_ACCOUNT,
    CLUSTER_ROLE_BINDING,
    TOKEN_REQUEST,
    SELF_SUBJECT_ACCESS_REVIEW,
    SELF_SUBJECT_RULES_REVIEW,
    SELF_SUBJECT_REVIEW,
];

#[test]
fn create_serviceaccount() {
    assert_decodes_to(
        SERVICE_ACCOUNT,
        r#"{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"bot","namespace":"default"}}"#,
    );
}

#[test]
fn create_clusterrolebinding() {
    assert_decodes_to(
        CLUSTER_ROLE_BINDING,
        concat!(
            r#"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"bot-admin"},"#,
            r#""subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"default"}],"#,
            r#""roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"token-admin"}}"#
        ),
    );
}

#[test]
fn create_token_with_duration() {
    assert_decodes_to(
        TOKEN_REQUEST,
        r#"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600000}}"#,
    );
}

#[test]
fn auth_can_i_sends_a_self_subject_access_review() {
    assert_decodes_to(
        SELF_SUBJECT_ACCESS_REVIEW,
        concat!(
            r#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","#,
            r#""spec":{"resourceAttributes":{"namespace":"default","verb":"create","group":"iam.example.com","resource":"tokens"}}}"#
        ),
    );
}

#[test]
fn auth_can_i_list_sends_a_self_subject_rules_review() {
    assert_decodes_to(
        SELF_SUBJECT_RULES_REVIEW,
        r#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"default"}}"#,
    );
}

#[test]
fn auth_whoami_sends_an_empty_self_subject_review() {
    assert_decodes_to(
        SELF_SUBJECT_REVIEW,
        r#"{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}"#,
    );
}

#[test]
fn the_zero_status_kubectl_always_sends_is_dropped() {
    // §5.9: the Go client writes status {allowed: false}; it must not reach the server as data.
    let review = decode_captured(SELF_SUBJECT_ACCESS_REVIEW);
    assert_eq!(review.get("status"), None);
    assert_eq!(review["spec"].get("nonResourceAttributes"), None);
    assert_eq!(
        decode_captured(TOKEN_REQUEST)["spec"],
        json!({"expirationSeconds": 3_600_000})
    );
}
