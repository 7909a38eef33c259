//! What a client is told when its body cannot be decoded.

use base64::Engine as _;

use super::captured_bodies::SERVICE_ACCOUNT;
use super::encoder::{Proto, envelope, gogo_metadata};
use crate::protobuf::{ProtobufError, decode};

fn message_of(body: &[u8]) -> String {
    decode(body).unwrap_err().to_string()
}

#[test]
fn json_bodies_are_not_protobuf() {
    assert_eq!(
        message_of(br#"{"kind":"Pod"}"#),
        "missing the k8s protobuf magic prefix"
    );
    assert_eq!(decode(b""), Err(ProtobufError::MissingMagic));
}

#[test]
fn kinds_without_a_table_are_named() {
    let body = envelope(
        "v1",
        "Pod",
        Proto::new().message(1, gogo_metadata("p", "default")),
    );
    assert_eq!(message_of(&body), "unsupported kind v1/Pod in protobuf");
    let body = envelope("apps/v1", "ServiceAccount", Proto::new());
    assert_eq!(
        message_of(&body),
        "unsupported kind apps/v1/ServiceAccount in protobuf"
    );
}

#[test]
fn a_wrong_wire_type_names_the_field_and_message() {
    let body = envelope("v1", "ServiceAccount", Proto::new().varint(1, 5));
    assert_eq!(
        message_of(&body),
        "field 1 of ServiceAccount has wire type 0 (varint), expected 2 (length-delimited)"
    );
    let body = envelope(
        "v1",
        "ServiceAccount",
        Proto::new().message(1, Proto::new().fixed32(3, 1)),
    );
    assert_eq!(
        message_of(&body),
        "field 3 of ObjectMeta has wire type 5 (fixed32), expected 2 (length-delimited)"
    );
    let body = envelope("v1", "ServiceAccount", Proto::new().string(4, "yes"));
    assert_eq!(
        message_of(&body),
        "field 4 of ServiceAccount has wire type 2 (length-delimited), expected 0 (varint)"
    );
    let body = envelope(
        "v1",
        "Namespace",
        Proto::new().message(1, Proto::new().message(8, Proto::new().string(1, "soon"))),
    );
    assert_eq!(
        message_of(&body),
        "field 1 of Time has wire type 2 (length-delimited), expected 0 (varint)"
    );
}

#[test]
fn strings_must_be_utf8() {
    let body = envelope(
        "v1",
        "ServiceAccount",
        Proto::new().message(1, Proto::new().bytes(1, &[0xc3, 0x28])),
    );
    assert_eq!(
        message_of(&body),
        "field 1 of ObjectMeta is not valid UTF-8"
    );
    let body = envelope(
        "v1",
        "ConfigMap",
        Proto::new()
            .bytes_entry(3, "ok", &[0xff])
            .message(2, Proto::new().bytes(1, &[0xff])),
    );
    assert_eq!(message_of(&body), "field 1 of map entry is not valid UTF-8");
}

#[test]
fn timestamps_go_cannot_print_are_refused() {
    let body = envelope(
        "v1",
        "Namespace",
        Proto::new().message(1, Proto::new().time(8, i64::MAX)),
    );
    assert_eq!(
        decode(&body),
        Err(ProtobufError::TimestampOutOfRange {
            field: 8,
            message: "ObjectMeta",
            seconds: i64::MAX
        })
    );
}

#[test]
fn truncation_reports_the_byte_offset() {
    let body = base64::engine::general_purpose::STANDARD
        .decode(SERVICE_ACCOUNT)
        .unwrap();
    // The body ends with contentType: 22 00. Without its last byte the length is missing.
    let without_last = &body[..body.len() - 1];
    assert_eq!(
        message_of(without_last),
        format!("truncated varint at byte {}", body.len() - 1)
    );
    // Cutting into metadata leaves raw's length pointing past the end.
    let cut = &body[..40];
    assert!(
        matches!(decode(cut), Err(ProtobufError::TruncatedLength { .. })),
        "{:?}",
        decode(cut)
    );
}
