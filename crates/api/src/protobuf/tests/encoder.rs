//! A test-only protobuf encoder, just enough to build Kubernetes bodies field by field.

/// A message under construction. Fields are written in call order, so tests can also send them
/// in an order gogo-proto never would.
#[derive(Default, Clone)]
pub(super) struct Proto(Vec<u8>);

impl Proto {
    pub(super) fn new() -> Proto {
        Proto::default()
    }

    pub(super) fn varint(mut self, field: u32, value: u64) -> Proto {
        self.tag(field, 0);
        put_varint(&mut self.0, value);
        self
    }

    pub(super) fn fixed32(mut self, field: u32, value: u32) -> Proto {
        self.tag(field, 5);
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    pub(super) fn fixed64(mut self, field: u32, value: u64) -> Proto {
        self.tag(field, 1);
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    pub(super) fn bytes(mut self, field: u32, value: &[u8]) -> Proto {
        self.tag(field, 2);
        put_varint(&mut self.0, value.len() as u64);
        self.0.extend_from_slice(value);
        self
    }

    pub(super) fn string(self, field: u32, value: &str) -> Proto {
        self.bytes(field, value.as_bytes())
    }

    pub(super) fn strings(self, field: u32, values: &[&str]) -> Proto {
        values
            .iter()
            .fold(self, |proto, value| proto.string(field, value))
    }

    pub(super) fn message(self, field: u32, message: Proto) -> Proto {
        self.bytes(field, &message.0)
    }

    /// One entry of a map<string, string>.
    pub(super) fn string_entry(self, field: u32, key: &str, value: &str) -> Proto {
        self.message(field, Proto::new().string(1, key).string(2, value))
    }

    /// One entry of a map<string, bytes>.
    pub(super) fn bytes_entry(self, field: u32, key: &str, value: &[u8]) -> Proto {
        self.message(field, Proto::new().string(1, key).bytes(2, value))
    }

    /// One entry of a map<string, ExtraValue>.
    pub(super) fn extra_entry(self, field: u32, key: &str, items: &[&str]) -> Proto {
        self.message(
            field,
            Proto::new()
                .string(1, key)
                .message(2, Proto::new().strings(1, items)),
        )
    }

    /// A `meta/v1.Time`.
    pub(super) fn time(self, field: u32, seconds: i64) -> Proto {
        self.message(field, Proto::new().varint(1, seconds as u64).varint(2, 0))
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    fn tag(&mut self, field: u32, wire_type: u8) {
        put_varint(&mut self.0, u64::from(field) << 3 | u64::from(wire_type));
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The whole body: magic, then runtime.Unknown around `object`, with the empty contentEncoding
/// and contentType that client-go writes.
pub(super) fn envelope(api_version: &str, kind: &str, object: Proto) -> Vec<u8> {
    let unknown = Proto::new()
        .message(1, Proto::new().string(1, api_version).string(2, kind))
        .message(2, object)
        .string(3, "")
        .string(4, "");
    let mut body = b"k8s\0".to_vec();
    body.extend(unknown.into_bytes());
    body
}

/// ObjectMeta as gogo-proto writes it for a new object: every non-pointer field, mostly empty.
pub(super) fn gogo_metadata(name: &str, namespace: &str) -> Proto {
    Proto::new()
        .string(1, name)
        .string(2, "")
        .string(3, namespace)
        .string(4, "")
        .string(5, "")
        .string(6, "")
        .varint(7, 0)
        .message(8, Proto::new())
}
