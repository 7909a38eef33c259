//! The vocabulary of the descriptor tables: a message is a list of fields, each with its protobuf
//! number, its Kubernetes JSON name, how its bytes are read and when it counts as present.

/// One protobuf message, e.g. `ObjectMeta`.
pub(super) struct Message {
    /// The Go type name, used in error messages.
    pub name: &'static str,
    /// Fields in the order of the Go struct, which is the order kubectl's JSON uses.
    pub fields: &'static [Field],
}

impl Message {
    pub(super) fn field(&self, number: u32) -> Option<&Field> {
        self.fields.iter().find(|field| field.number == number)
    }
}

pub(super) struct Field {
    pub number: u32,
    pub json_name: &'static str,
    pub kind: FieldKind,
    pub presence: Presence,
}

#[derive(Clone, Copy)]
pub(super) enum FieldKind {
    String,
    Bool,
    Int64,
    /// `meta/v1.Time` {1 seconds, 2 nanos}, rendered as RFC 3339 at second precision.
    Time,
    RepeatedString,
    Message(&'static Message),
    RepeatedMessage(&'static Message),
    /// A proto map: a repeated entry message {1 key (string), 2 value}.
    Map(MapValue),
}

#[derive(Clone, Copy)]
pub(super) enum MapValue {
    String,
    /// Bytes, rendered as standard base64 like Go's `encoding/json` does for `[]byte`.
    Bytes,
    /// `ExtraValue {1 items: repeated string}`, rendered as the bare list, as its JSON is.
    StringList,
}

/// When a decoded field is written into the JSON.
///
/// gogo-proto writes every non-pointer Go field, zero or not, so a zero on the wire usually only
/// means "not set" and is dropped, as `omitempty` would drop it from kubectl's JSON. Go pointer
/// fields (`*bool`, `*int64`, `*string`, `*Struct`) are written only when set, and then their zero
/// is meaningful (`automountServiceAccountToken: false`, `gracePeriodSeconds: 0`), so they are
/// kept whenever they are on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Presence {
    OmitZero,
    Explicit,
}

impl Field {
    const fn new(number: u32, json_name: &'static str, kind: FieldKind) -> Field {
        Field {
            number,
            json_name,
            kind,
            presence: Presence::OmitZero,
        }
    }

    /// Marks a Go pointer field: present whenever it is on the wire, even when zero or empty.
    pub(super) const fn explicit(self) -> Field {
        Field {
            presence: Presence::Explicit,
            ..self
        }
    }
}

pub(super) const fn string(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::String)
}

pub(super) const fn bool(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::Bool)
}

pub(super) const fn int64(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::Int64)
}

pub(super) const fn time(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::Time)
}

pub(super) const fn strings(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::RepeatedString)
}

pub(super) const fn message(
    number: u32,
    json_name: &'static str,
    message: &'static Message,
) -> Field {
    Field::new(number, json_name, FieldKind::Message(message))
}

pub(super) const fn messages(
    number: u32,
    json_name: &'static str,
    message: &'static Message,
) -> Field {
    Field::new(number, json_name, FieldKind::RepeatedMessage(message))
}

pub(super) const fn string_map(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::Map(MapValue::String))
}

pub(super) const fn bytes_map(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::Map(MapValue::Bytes))
}

pub(super) const fn string_list_map(number: u32, json_name: &'static str) -> Field {
    Field::new(number, json_name, FieldKind::Map(MapValue::StringList))
}
