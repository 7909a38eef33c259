//! Kubernetes protobuf request bodies, decoded into the JSON the same request would carry.
//!
//! kubectl 1.32 sends `application/vnd.kubernetes.protobuf` bodies for its typed commands
//! (`create serviceaccount|token|clusterrolebinding…`, `auth can-i`, `auth whoami`). Rather
//! than a second object model, the body becomes the same `serde_json::Value` its JSON twin would
//! have produced, and everything downstream stays on one JSON path.
//!
//! The decoder is table-driven: `messages/` describes each message as (field number, JSON name,
//! type), `message_decoder` interprets those tables over the wire reader in `wire`. Only the
//! kinds in the tables decode; any other kind is refused with [`ProtobufError::UnsupportedKind`].

mod base64;
mod envelope;
mod error;
mod message_decoder;
mod messages;
mod rfc3339;
mod schema;
mod wire;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

pub use error::ProtobufError;

/// Decodes a `k8s\0` + runtime.Unknown envelope into the JSON object the same request would carry
/// as JSON: `apiVersion` and `kind` from the envelope's TypeMeta, the rest from the inner message.
pub fn decode(body: &[u8]) -> Result<Value, ProtobufError> {
    let envelope = envelope::open(body)?;
    let message = messages::message_for(envelope.api_version, envelope.kind).ok_or_else(|| {
        ProtobufError::UnsupportedKind {
            api_version: envelope.api_version.to_owned(),
            kind: envelope.kind.to_owned(),
        }
    })?;
    let fields = message_decoder::decode_message(envelope.raw, envelope.raw_offset, message)?;
    let mut object = Map::new();
    object.insert("apiVersion".to_owned(), Value::from(envelope.api_version));
    object.insert("kind".to_owned(), Value::from(envelope.kind));
    object.extend(fields);
    Ok(Value::Object(object))
}
