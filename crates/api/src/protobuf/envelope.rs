//! The envelope around every Kubernetes protobuf body: the magic `k8s\0`, then a
//! `runtime.Unknown` {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
//! 4 contentType} whose `raw` is the object's own message.

use super::ProtobufError;
use super::wire::{WIRE_LENGTH_DELIMITED, WireReader, WireValue};

const MAGIC: &[u8] = b"k8s\0";

/// The only content type a protobuf envelope may declare for its `raw` bytes (or none).
const PROTOBUF_CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// What the envelope says about the object inside it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Envelope<'a> {
    pub api_version: &'a str,
    pub kind: &'a str,
    pub raw: &'a [u8],
    /// Offset of `raw` in the body, for error messages.
    pub raw_offset: usize,
}

pub(super) fn open(body: &[u8]) -> Result<Envelope<'_>, ProtobufError> {
    let unknown = body
        .strip_prefix(MAGIC)
        .ok_or(ProtobufError::MissingMagic)?;
    let mut envelope = Envelope {
        api_version: "",
        kind: "",
        raw: &[],
        raw_offset: MAGIC.len(),
    };
    let mut content_encoding = "";
    let mut content_type = "";
    let mut reader = WireReader::new(unknown, MAGIC.len());
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => {
                let type_meta = length_delimited(field.number, "Unknown", field.value)?;
                let mut type_reader = WireReader::new(type_meta, field.offset);
                while let Some(field) = type_reader.next_field()? {
                    match field.number {
                        1 => envelope.api_version = string(field.number, "TypeMeta", field.value)?,
                        2 => envelope.kind = string(field.number, "TypeMeta", field.value)?,
                        _ => {}
                    }
                }
            }
            2 => {
                envelope.raw = length_delimited(field.number, "Unknown", field.value)?;
                envelope.raw_offset = field.offset;
            }
            3 => content_encoding = string(field.number, "Unknown", field.value)?,
            4 => content_type = string(field.number, "Unknown", field.value)?,
            _ => {}
        }
    }
    if !content_encoding.is_empty() {
        return Err(ProtobufError::UnsupportedContentEncoding(
            content_encoding.to_owned(),
        ));
    }
    if !content_type.is_empty() && content_type != PROTOBUF_CONTENT_TYPE {
        return Err(ProtobufError::UnsupportedContentType(
            content_type.to_owned(),
        ));
    }
    if envelope.api_version.is_empty() || envelope.kind.is_empty() {
        return Err(ProtobufError::MissingTypeMeta);
    }
    Ok(envelope)
}

fn length_delimited<'a>(
    field: u32,
    message: &'static str,
    value: WireValue<'a>,
) -> Result<&'a [u8], ProtobufError> {
    match value {
        WireValue::LengthDelimited(bytes) => Ok(bytes),
        other => Err(ProtobufError::WrongWireType {
            field,
            message,
            found: other.wire_type(),
            expected: WIRE_LENGTH_DELIMITED,
        }),
    }
}

fn string<'a>(
    field: u32,
    message: &'static str,
    value: WireValue<'a>,
) -> Result<&'a str, ProtobufError> {
    std::str::from_utf8(length_delimited(field, message, value)?)
        .map_err(|_| ProtobufError::InvalidUtf8 { field, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_a_minimal_envelope() {
        let body = b"k8s\0\x0a\x07\x0a\x02v1\x12\x01X\x12\x02\x08\x01";
        let envelope = open(body).unwrap();
        assert_eq!(envelope.api_version, "v1");
        assert_eq!(envelope.kind, "X");
        assert_eq!(envelope.raw, b"\x08\x01");
        assert_eq!(envelope.raw_offset, 15);
    }

    #[test]
    fn refuses_bodies_without_the_magic() {
        assert_eq!(open(b""), Err(ProtobufError::MissingMagic));
        assert_eq!(open(b"k8s"), Err(ProtobufError::MissingMagic));
        assert_eq!(
            open(b"{\"kind\":\"Pod\"}"),
            Err(ProtobufError::MissingMagic)
        );
    }

    #[test]
    fn refuses_envelopes_without_a_kind() {
        assert_eq!(open(b"k8s\0"), Err(ProtobufError::MissingTypeMeta));
        assert_eq!(
            open(b"k8s\0\x0a\x04\x0a\x02v1"),
            Err(ProtobufError::MissingTypeMeta)
        );
    }

    #[test]
    fn refuses_encoded_or_foreign_payloads() {
        let gzip = b"k8s\0\x0a\x07\x0a\x02v1\x12\x01X\x1a\x04gzip";
        assert_eq!(
            open(gzip),
            Err(ProtobufError::UnsupportedContentEncoding("gzip".into()))
        );
        let json = b"k8s\0\x0a\x07\x0a\x02v1\x12\x01X\x22\x10application/json";
        assert_eq!(
            open(json),
            Err(ProtobufError::UnsupportedContentType(
                "application/json".into()
            ))
        );
    }

    #[test]
    fn names_the_envelope_field_with_a_wrong_wire_type() {
        let body = b"k8s\0\x08\x01";
        assert_eq!(
            open(body).unwrap_err().to_string(),
            "field 1 of Unknown has wire type 0 (varint), expected 2 (length-delimited)"
        );
    }
}
