//! Kubernetes protobuf request bodies, as kubectl 1.32's typed commands send them, answered in
//! JSON.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::json;

use crate::support::{Api, PROTOBUF, PROTOBUF_ACCEPT, Reply, assert_failure, assert_failure_code};

/// `kubectl create serviceaccount bot` (Appendix B of the wire notes).
const SERVICE_ACCOUNT_BOT: &str =
    "azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSHAoaCgNib3QSABoHZGVmYXVsdCIAKgAyADgAQgAaACIA";

const SERVICE_ACCOUNTS: &str = "/api/v1/namespaces/default/serviceaccounts";

/// Just enough of a protobuf encoder to write Kubernetes bodies field by field, the way
/// gogo-proto does (every non-pointer field, empty or not).
#[derive(Default, Clone)]
struct Proto(Vec<u8>);

impl Proto {
    fn key(mut self, field: u64, wire_type: u64) -> Proto {
        put_varint(&mut self.0, (field << 3) | wire_type);
        self
    }

    fn varint(self, field: u64, value: u64) -> Proto {
        let mut p = self.key(field, 0);
        put_varint(&mut p.0, value);
        p
    }

    fn bytes(self, field: u64, value: &[u8]) -> Proto {
        let mut p = self.key(field, 2);
        put_varint(&mut p.0, value.len() as u64);
        p.0.extend_from_slice(value);
        p
    }

    fn string(self, field: u64, value: &str) -> Proto {
        self.bytes(field, value.as_bytes())
    }

    fn message(self, field: u64, message: Proto) -> Proto {
        self.bytes(field, &message.0)
    }

    fn entry(self, field: u64, key: &str, value: &[u8]) -> Proto {
        self.message(field, Proto::default().string(1, key).bytes(2, value))
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding, contentType}.
fn envelope(api_version: &str, kind: &str, raw: Proto) -> Vec<u8> {
    let unknown = Proto::default()
        .message(1, Proto::default().string(1, api_version).string(2, kind))
        .message(2, raw)
        .string(3, "")
        .string(4, "");
    let mut body = b"k8s\0".to_vec();
    body.extend_from_slice(&unknown.0);
    body
}

/// ObjectMeta with a name and labels, the rest empty as Go writes it.
fn object_meta(name: &str, labels: &[(&str, &str)]) -> Proto {
    let meta = Proto::default()
        .string(1, name)
        .string(2, "")
        .string(3, "")
        .string(4, "")
        .string(5, "")
        .string(6, "")
        .varint(7, 0)
        .message(8, Proto::default());
    labels
        .iter()
        .fold(meta, |m, (k, v)| m.entry(11, k, v.as_bytes()))
}

async fn post_protobuf(api: &Api, path: &str, body: Vec<u8>) -> Reply {
    api.send(
        api.request(Method::POST, path)
            .header(CONTENT_TYPE, PROTOBUF)
            .header(ACCEPT, PROTOBUF_ACCEPT)
            .body(body),
    )
    .await
}

#[tokio::test]
async fn kubectls_service_account_body_creates_it_and_the_answer_is_json() {
    let api = Api::start();
    let body = STANDARD.decode(SERVICE_ACCOUNT_BOT).expect("base64");
    let reply = post_protobuf(
        &api,
        &format!("{SERVICE_ACCOUNTS}?fieldManager=kubectl-create&fieldValidation=Strict"),
        body,
    )
    .await;
    assert_eq!(reply.content_type(), "application/json");
    let created = reply.expect(201);
    assert_eq!(created["apiVersion"], "v1");
    assert_eq!(created["kind"], "ServiceAccount");
    assert_eq!(created["metadata"]["name"], "bot");
    assert_eq!(created["metadata"]["namespace"], "default");
    // Go's empty creationTimestamp is no timestamp: the server sets its own.
    assert!(
        created["metadata"]["creationTimestamp"].is_string(),
        "{created}"
    );
    assert!(created["metadata"]["uid"].is_string(), "{created}");
    assert!(created.get("secrets").is_none(), "{created}");
    assert_eq!(
        api.get(&format!("{SERVICE_ACCOUNTS}/bot"))
            .await
            .expect(200),
        created
    );

    // The body names namespace default; another namespace on the URL is refused.
    let body = STANDARD.decode(SERVICE_ACCOUNT_BOT).expect("base64");
    let reply = post_protobuf(&api, "/api/v1/namespaces/kube-public/serviceaccounts", body).await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
    );
}

#[tokio::test]
async fn hand_encoded_namespace_and_config_map_bodies_create_them() {
    let api = Api::start();
    let namespace = Proto::default()
        .message(1, object_meta("pb", &[("team", "a")]))
        .message(2, Proto::default())
        .message(3, Proto::default().string(1, ""));
    let created = post_protobuf(
        &api,
        "/api/v1/namespaces",
        envelope("v1", "Namespace", namespace),
    )
    .await
    .expect(201);
    assert_eq!(created["metadata"]["name"], "pb");
    assert_eq!(created["metadata"]["labels"], json!({"team": "a"}));
    assert_eq!(created["status"]["phase"], "Active");

    let config_map = Proto::default()
        .message(1, object_meta("settings", &[("app", "web")]))
        .entry(2, "a", b"1")
        .entry(2, "b", b"two")
        .entry(3, "blob", &[0, 1, 255]);
    let reply = post_protobuf(
        &api,
        "/api/v1/namespaces/pb/configmaps?fieldManager=kubectl-create&fieldValidation=Strict",
        envelope("v1", "ConfigMap", config_map),
    )
    .await;
    let created = reply.expect(201);
    assert_eq!(created["metadata"]["namespace"], "pb");
    assert_eq!(created["metadata"]["labels"], json!({"app": "web"}));
    assert_eq!(created["data"], json!({"a": "1", "b": "two"}));
    assert_eq!(
        created["binaryData"],
        json!({"blob": STANDARD.encode([0u8, 1, 255])})
    );
    assert_eq!(
        api.get("/api/v1/namespaces/pb/configmaps/settings")
            .await
            .expect(200),
        created
    );
}

fn delete_options(api_version: &str, uid: &str) -> Vec<u8> {
    let options = Proto::default()
        .message(2, Proto::default().string(1, uid))
        .string(4, "Background");
    envelope(api_version, "DeleteOptions", options)
}

#[tokio::test]
async fn protobuf_delete_options_carry_preconditions() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({})).await;
    let uid = created["metadata"]["uid"].as_str().expect("a uid");
    let path = "/api/v1/namespaces/default/configmaps/app";
    let delete = |body: Vec<u8>| {
        api.send(
            api.request(Method::DELETE, path)
                .header(CONTENT_TYPE, PROTOBUF)
                .header(ACCEPT, PROTOBUF_ACCEPT)
                .body(body),
        )
    };
    let reply = delete(delete_options(
        "meta.k8s.io/v1",
        "00000000-0000-0000-0000-000000000000",
    ))
    .await;
    assert_failure(
        &reply,
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on configmaps \"app\": Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: {uid}"
        ),
    );
    assert_eq!(api.get(path).await.code, 200);
    let reply = delete(delete_options("v1", uid)).await;
    assert_eq!(reply.expect(200)["status"], "Success");
    assert_eq!(api.get(path).await.code, 404);
}

#[tokio::test]
async fn undecodable_protobuf_is_a_bad_request_and_stores_nothing() {
    let api = Api::start();
    let good = STANDARD.decode(SERVICE_ACCOUNT_BOT).expect("base64");
    let other_kind = envelope(
        "v1",
        "Pod",
        Proto::default().message(1, object_meta("bot", &[])),
    );
    let config_map = envelope(
        "v1",
        "ConfigMap",
        Proto::default().message(1, object_meta("bot", &[])),
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() - 7].to_vec()),
        ("cut inside the envelope", good[..10].to_vec()),
        ("no magic", good[4..].to_vec()),
        (
            "garbage",
            b"k8s\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
        ),
        (
            "JSON sent as protobuf",
            br#"{"metadata":{"name":"bot"}}"#.to_vec(),
        ),
        ("empty", Vec::new()),
        ("a kind the decoder does not know", other_kind),
    ];
    for (what, body) in cases {
        let reply = post_protobuf(&api, SERVICE_ACCOUNTS, body).await;
        let status = assert_failure_code(&reply, 400, "BadRequest");
        assert!(
            !status["message"].as_str().unwrap_or_default().is_empty(),
            "{what}"
        );
    }
    let reply = post_protobuf(&api, SERVICE_ACCOUNTS, config_map).await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "the kind in the data (ConfigMap) does not match the expected kind (ServiceAccount)",
    );
    assert!(api.names(SERVICE_ACCOUNTS).await.is_empty());
    assert_eq!(api.get(&format!("{SERVICE_ACCOUNTS}/bot")).await.code, 404);
}
