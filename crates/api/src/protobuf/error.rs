//! Why a protobuf body could not be decoded. Offsets count from the first byte of the body
//! (the `k` of the magic), so they match a hex dump of what the client sent.

use super::wire::wire_type_name;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtobufError {
    #[error("missing the k8s protobuf magic prefix")]
    MissingMagic,
    #[error("truncated varint at byte {offset}")]
    TruncatedVarint { offset: usize },
    #[error("varint longer than 64 bits at byte {offset}")]
    VarintTooLong { offset: usize },
    #[error(
        "length-delimited field at byte {offset} claims {length} bytes but only {remaining} remain"
    )]
    TruncatedLength {
        offset: usize,
        length: u64,
        remaining: usize,
    },
    #[error(
        "truncated fixed-width field at byte {offset}: needs {needed} bytes, {remaining} remain"
    )]
    TruncatedFixed {
        offset: usize,
        needed: usize,
        remaining: usize,
    },
    #[error("invalid field number in the tag at byte {offset}")]
    InvalidFieldNumber { offset: usize },
    #[error("unsupported wire type {wire_type} ({}) at byte {offset}", wire_type_name(*wire_type))]
    UnsupportedWireType { wire_type: u8, offset: usize },
    #[error(
        "field {field} of {message} has wire type {found} ({}), expected {expected} ({})",
        wire_type_name(*found),
        wire_type_name(*expected)
    )]
    WrongWireType {
        field: u32,
        message: &'static str,
        found: u8,
        expected: u8,
    },
    #[error("field {field} of {message} is not valid UTF-8")]
    InvalidUtf8 { field: u32, message: &'static str },
    #[error(
        "field {field} of {message} is a timestamp outside the years 0000-9999 ({seconds} seconds)"
    )]
    TimestampOutOfRange {
        field: u32,
        message: &'static str,
        seconds: i64,
    },
    #[error("messages nested deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("the protobuf envelope carries no apiVersion and kind")]
    MissingTypeMeta,
    #[error("unsupported kind {api_version}/{kind} in protobuf")]
    UnsupportedKind { api_version: String, kind: String },
    #[error("unsupported content encoding {0:?} in the protobuf envelope")]
    UnsupportedContentEncoding(String),
    #[error("unsupported content type {0:?} in the protobuf envelope")]
    UnsupportedContentType(String),
}
