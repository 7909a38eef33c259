//! Interprets the fields of one message through its descriptor table and writes them into a JSON
//! object, as kubectl's JSON for the same object would hold them.

use serde_json::{Map, Value};

use super::ProtobufError;
use super::base64;
use super::rfc3339;
use super::schema::{Field, FieldKind, MapValue, Message, Presence};
use super::wire::{WIRE_LENGTH_DELIMITED, WIRE_VARINT, WireField, WireReader, WireValue};

/// How deep messages may nest. The tables nest about five levels; the cap keeps a future
/// recursive table (or a bug) from turning hostile input into a stack overflow.
pub(super) const MAX_DEPTH: usize = 64;

/// Decodes `bytes` (a `message`, starting at `origin` in the body) into a JSON object.
pub(super) fn decode_message(
    bytes: &[u8],
    origin: usize,
    message: &'static Message,
) -> Result<Map<String, Value>, ProtobufError> {
    let mut object = Map::new();
    decode_into(&mut object, bytes, origin, message, 0)?;
    Ok(object)
}

/// Decodes into an existing object because protobuf merges a message that occurs twice: scalars
/// of the later occurrence win, repeated fields and maps accumulate.
fn decode_into(
    object: &mut Map<String, Value>,
    bytes: &[u8],
    origin: usize,
    message: &'static Message,
    depth: usize,
) -> Result<(), ProtobufError> {
    if depth >= MAX_DEPTH {
        return Err(ProtobufError::TooDeep { limit: MAX_DEPTH });
    }
    let mut reader = WireReader::new(bytes, origin);
    while let Some(wire) = reader.next_field()? {
        // Unknown field numbers are skipped: the reader has already stepped over their value.
        if let Some(field) = message.field(wire.number) {
            decode_field(object, field, wire, message, depth)?;
        }
    }
    put_in_table_order(object, message);
    Ok(())
}

fn decode_field(
    object: &mut Map<String, Value>,
    field: &Field,
    wire: WireField<'_>,
    message: &'static Message,
    depth: usize,
) -> Result<(), ProtobufError> {
    let context = FieldContext {
        number: wire.number,
        message,
    };
    let name = field.json_name;
    let explicit = field.presence == Presence::Explicit;
    match field.kind {
        FieldKind::String => {
            let text = context.string(wire.value)?;
            set_or_clear(
                object,
                name,
                (explicit || !text.is_empty()).then(|| Value::from(text)),
            );
        }
        FieldKind::Bool => {
            let flag = context.varint(wire.value)? != 0;
            set_or_clear(
                object,
                name,
                (explicit || flag).then_some(Value::Bool(flag)),
            );
        }
        FieldKind::Int64 => {
            // Two's complement: negative int64 values are ten-byte varints.
            let number = context.varint(wire.value)? as i64;
            set_or_clear(
                object,
                name,
                (explicit || number != 0).then(|| Value::from(number)),
            );
        }
        FieldKind::Time => {
            let timestamp = context.time(context.bytes(wire.value)?, wire.offset)?;
            set_or_clear(object, name, timestamp.map(Value::String));
        }
        FieldKind::RepeatedString => {
            let text = context.string(wire.value)?;
            // Every element is kept, "" included: apiGroups [""] names the core group.
            push_element(object, name, Value::from(text));
        }
        FieldKind::Message(inner) => {
            let bytes = context.bytes(wire.value)?;
            let mut nested = match object.remove(name) {
                Some(Value::Object(existing)) => existing,
                _ => Map::new(),
            };
            decode_into(&mut nested, bytes, wire.offset, inner, depth + 1)?;
            if explicit || !nested.is_empty() {
                object.insert(name.to_owned(), Value::Object(nested));
            }
        }
        FieldKind::RepeatedMessage(inner) => {
            let bytes = context.bytes(wire.value)?;
            let mut element = Map::new();
            decode_into(&mut element, bytes, wire.offset, inner, depth + 1)?;
            // Elements are kept even when empty: their position in the list is data.
            push_element(object, name, Value::Object(element));
        }
        FieldKind::Map(value_kind) => {
            let (key, value) =
                context.map_entry(context.bytes(wire.value)?, wire.offset, value_kind)?;
            insert_map_entry(object, name, key, value);
        }
    }
    Ok(())
}

/// Writes `value`, or removes the field when the wire says "zero": a later zero overrides an
/// earlier value, as protobuf's last-one-wins rule requires.
fn set_or_clear(object: &mut Map<String, Value>, name: &str, value: Option<Value>) {
    match value {
        Some(value) => {
            object.insert(name.to_owned(), value);
        }
        None => {
            object.remove(name);
        }
    }
}

/// Appends to a repeated field's list, creating it on first use.
fn push_element(object: &mut Map<String, Value>, name: &str, element: Value) {
    if let Some(Value::Array(items)) = object.get_mut(name) {
        items.push(element);
        return;
    }
    object.insert(name.to_owned(), Value::Array(vec![element]));
}

/// Adds one entry to a map field's object, creating it on first use; a repeated key replaces
/// the earlier value, as in protobuf.
fn insert_map_entry(object: &mut Map<String, Value>, name: &str, key: String, value: Value) {
    if let Some(Value::Object(entries)) = object.get_mut(name) {
        entries.insert(key, value);
        return;
    }
    object.insert(
        name.to_owned(),
        Value::Object(Map::from_iter([(key, value)])),
    );
}

/// Reorders the keys as the table lists them (the Go struct order kubectl's JSON follows), so
/// that the output does not depend on the order of fields on the wire.
fn put_in_table_order(object: &mut Map<String, Value>, message: &Message) {
    let mut ordered = Map::new();
    for field in message.fields {
        if let Some(value) = object.remove(field.json_name) {
            ordered.insert(field.json_name.to_owned(), value);
        }
    }
    // Keys not in the table cannot occur (only table fields are written); keep them regardless.
    ordered.append(object);
    *object = ordered;
}

/// The field being read, for reading its value and naming it in errors.
struct FieldContext {
    number: u32,
    message: &'static Message,
}

impl FieldContext {
    fn wrong_wire_type(&self, found: &WireValue<'_>, expected: u8) -> ProtobufError {
        ProtobufError::WrongWireType {
            field: self.number,
            message: self.message.name,
            found: found.wire_type(),
            expected,
        }
    }

    fn varint(&self, value: WireValue<'_>) -> Result<u64, ProtobufError> {
        match value {
            WireValue::Varint(number) => Ok(number),
            other => Err(self.wrong_wire_type(&other, WIRE_VARINT)),
        }
    }

    fn bytes<'a>(&self, value: WireValue<'a>) -> Result<&'a [u8], ProtobufError> {
        match value {
            WireValue::LengthDelimited(bytes) => Ok(bytes),
            other => Err(self.wrong_wire_type(&other, WIRE_LENGTH_DELIMITED)),
        }
    }

    fn string<'a>(&self, value: WireValue<'a>) -> Result<&'a str, ProtobufError> {
        std::str::from_utf8(self.bytes(value)?).map_err(|_| ProtobufError::InvalidUtf8 {
            field: self.number,
            message: self.message.name,
        })
    }

    /// A `meta/v1.Time`. Go marshals the zero time as an empty message and reads an empty message
    /// back as the zero time, whose JSON is null: so empty means absent. Any explicit seconds
    /// and nanos, 0 and 0 included, are a real instant (1970-01-01T00:00:00Z), as in Go.
    fn time(&self, bytes: &[u8], origin: usize) -> Result<Option<String>, ProtobufError> {
        if bytes.is_empty() {
            return Ok(None);
        }
        let (mut seconds, mut nanos) = (0_i64, 0_i32);
        let mut reader = WireReader::new(bytes, origin);
        while let Some(wire) = reader.next_field()? {
            let context = FieldContext {
                number: wire.number,
                message: &TIME,
            };
            match wire.number {
                1 => seconds = context.varint(wire.value)? as i64,
                // proto int32: the low 32 bits of the varint.
                2 => nanos = context.varint(wire.value)? as i32,
                _ => {}
            }
        }
        rfc3339::format_unix(seconds, nanos)
            .map(Some)
            .ok_or(ProtobufError::TimestampOutOfRange {
                field: self.number,
                message: self.message.name,
                seconds,
            })
    }

    /// One entry of a proto map: a message {1 key, 2 value}. A missing key or value is the zero
    /// value, as protobuf defines.
    fn map_entry(
        &self,
        bytes: &[u8],
        origin: usize,
        value_kind: MapValue,
    ) -> Result<(String, Value), ProtobufError> {
        let mut key = "";
        let mut value = match value_kind {
            MapValue::String | MapValue::Bytes => Value::from(""),
            MapValue::StringList => Value::Array(Vec::new()),
        };
        let mut reader = WireReader::new(bytes, origin);
        while let Some(wire) = reader.next_field()? {
            let context = FieldContext {
                number: wire.number,
                message: &MAP_ENTRY,
            };
            match (wire.number, value_kind) {
                (1, _) => key = context.string(wire.value)?,
                (2, MapValue::String) => value = Value::from(context.string(wire.value)?),
                (2, MapValue::Bytes) => {
                    value = Value::from(base64::encode(context.bytes(wire.value)?))
                }
                (2, MapValue::StringList) => {
                    value =
                        Value::Array(context.string_list(context.bytes(wire.value)?, wire.offset)?);
                }
                _ => {}
            }
        }
        Ok((key.to_owned(), value))
    }

    /// `ExtraValue {1 items: repeated string}` as its bare list.
    fn string_list(&self, bytes: &[u8], origin: usize) -> Result<Vec<Value>, ProtobufError> {
        let mut items = Vec::new();
        let mut reader = WireReader::new(bytes, origin);
        while let Some(wire) = reader.next_field()? {
            if wire.number == 1 {
                let context = FieldContext {
                    number: 1,
                    message: &EXTRA_VALUE,
                };
                items.push(Value::from(context.string(wire.value)?));
            }
        }
        Ok(items)
    }
}

/// Descriptors of the messages read by hand above, named only for error messages.
static TIME: Message = Message {
    name: "Time",
    fields: &[],
};
static MAP_ENTRY: Message = Message {
    name: "map entry",
    fields: &[],
};
static EXTRA_VALUE: Message = Message {
    name: "ExtraValue",
    fields: &[],
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::protobuf::schema::{message, string};

    /// A table that refers to itself, which no real kind does: it proves the depth cap holds.
    static RECURSIVE: Message = Message {
        name: "Recursive",
        fields: &[string(1, "name"), message(2, "child", &RECURSIVE)],
    };

    fn nested(levels: usize) -> Vec<u8> {
        let mut bytes = vec![0x0a, 0x01, b'x'];
        for _ in 0..levels {
            let mut outer = vec![0x12];
            let mut length = bytes.len();
            while length >= 0x80 {
                outer.push((length as u8 & 0x7f) | 0x80);
                length >>= 7;
            }
            outer.push(length as u8);
            outer.extend_from_slice(&bytes);
            bytes = outer;
        }
        bytes
    }

    #[test]
    fn decodes_nesting_below_the_cap() {
        let object = decode_message(&nested(3), 0, &RECURSIVE).unwrap();
        assert_eq!(
            Value::Object(object),
            json!({"child": {"child": {"child": {"name": "x"}}}})
        );
    }

    #[test]
    fn refuses_nesting_beyond_the_cap() {
        assert_eq!(
            decode_message(&nested(MAX_DEPTH), 0, &RECURSIVE),
            Err(ProtobufError::TooDeep { limit: MAX_DEPTH })
        );
        assert!(decode_message(&nested(MAX_DEPTH - 1), 0, &RECURSIVE).is_ok());
    }

    #[test]
    fn a_message_sent_twice_merges_and_later_scalars_win() {
        // child{name "a"} then child{} then name "b" then name "": the last name clears it.
        let bytes = [
            0x12, 0x03, 0x0a, 0x01, b'a', 0x12, 0x00, 0x0a, 0x01, b'b', 0x0a, 0x00,
        ];
        let object = decode_message(&bytes, 0, &RECURSIVE).unwrap();
        assert_eq!(Value::Object(object), json!({"child": {"name": "a"}}));
    }
}
