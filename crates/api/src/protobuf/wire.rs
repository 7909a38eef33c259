//! The protobuf wire format, read-only: tags, varints, length-delimited slices and the two
//! fixed widths. Every read is bounds-checked and reports the absolute byte offset in the request
//! body, so an error points at the byte a client got wrong.

use super::ProtobufError;

pub(super) const WIRE_VARINT: u8 = 0;
pub(super) const WIRE_FIXED64: u8 = 1;
pub(super) const WIRE_LENGTH_DELIMITED: u8 = 2;
pub(super) const WIRE_FIXED32: u8 = 5;

/// The largest field number protobuf allows (2^29 - 1).
const MAX_FIELD_NUMBER: u64 = (1 << 29) - 1;

/// A varint never needs more than ten bytes for 64 bits.
const MAX_VARINT_BYTES: usize = 10;

/// The human name of a wire type, for error messages.
pub(super) fn wire_type_name(wire_type: u8) -> &'static str {
    match wire_type {
        WIRE_VARINT => "varint",
        WIRE_FIXED64 => "fixed64",
        WIRE_LENGTH_DELIMITED => "length-delimited",
        3 => "start-group",
        4 => "end-group",
        WIRE_FIXED32 => "fixed32",
        _ => "invalid",
    }
}

/// The value of one field as it sits on the wire, before any schema gives it a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WireValue<'a> {
    Varint(u64),
    Fixed64(u64),
    LengthDelimited(&'a [u8]),
    Fixed32(u32),
}

impl WireValue<'_> {
    pub(super) fn wire_type(&self) -> u8 {
        match self {
            WireValue::Varint(_) => WIRE_VARINT,
            WireValue::Fixed64(_) => WIRE_FIXED64,
            WireValue::LengthDelimited(_) => WIRE_LENGTH_DELIMITED,
            WireValue::Fixed32(_) => WIRE_FIXED32,
        }
    }
}

/// One decoded field: its number, its value, and where the value starts in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WireField<'a> {
    pub number: u32,
    pub value: WireValue<'a>,
    /// Absolute offset of the value's first byte (for a length-delimited value: of its payload).
    pub offset: usize,
}

/// Walks the fields of one message. Unknown fields are simply returned like any other, so the
/// caller skips them by ignoring the value: no separate skip logic can drift out of sync.
pub(super) struct WireReader<'a> {
    bytes: &'a [u8],
    position: usize,
    /// Offset of `bytes[0]` in the whole request body.
    origin: usize,
}

impl<'a> WireReader<'a> {
    pub(super) fn new(bytes: &'a [u8], origin: usize) -> Self {
        WireReader {
            bytes,
            position: 0,
            origin,
        }
    }

    fn absolute(&self, position: usize) -> usize {
        self.origin.saturating_add(position)
    }

    fn remaining(&self) -> &'a [u8] {
        self.bytes.get(self.position..).unwrap_or_default()
    }

    /// The next field, or `None` at the end of the message.
    pub(super) fn next_field(&mut self) -> Result<Option<WireField<'a>>, ProtobufError> {
        if self.remaining().is_empty() {
            return Ok(None);
        }
        let tag_offset = self.absolute(self.position);
        let tag = self.read_varint()?;
        let number = tag >> 3;
        if number == 0 || number > MAX_FIELD_NUMBER {
            return Err(ProtobufError::InvalidFieldNumber { offset: tag_offset });
        }
        let number = u32::try_from(number)
            .map_err(|_| ProtobufError::InvalidFieldNumber { offset: tag_offset })?;
        // The mask keeps the value below 8, so the narrowing cannot lose information.
        let wire_type = (tag & 0b111) as u8;
        let offset = self.absolute(self.position);
        let value = match wire_type {
            WIRE_VARINT => WireValue::Varint(self.read_varint()?),
            WIRE_FIXED64 => WireValue::Fixed64(u64::from_le_bytes(self.read_array::<8>()?)),
            WIRE_LENGTH_DELIMITED => {
                let (payload, payload_offset) = self.read_length_delimited()?;
                return Ok(Some(WireField {
                    number,
                    value: WireValue::LengthDelimited(payload),
                    offset: payload_offset,
                }));
            }
            WIRE_FIXED32 => WireValue::Fixed32(u32::from_le_bytes(self.read_array::<4>()?)),
            // Groups (3, 4) are deprecated and never produced by Kubernetes; 6 and 7 do not exist.
            other => {
                return Err(ProtobufError::UnsupportedWireType {
                    wire_type: other,
                    offset: tag_offset,
                });
            }
        };
        Ok(Some(WireField {
            number,
            value,
            offset,
        }))
    }

    fn read_varint(&mut self) -> Result<u64, ProtobufError> {
        let start = self.absolute(self.position);
        let mut value: u64 = 0;
        for (index, byte) in self.remaining().iter().take(MAX_VARINT_BYTES).enumerate() {
            let payload = u64::from(byte & 0x7f);
            // The tenth byte holds only the 64th bit; anything more would overflow.
            if index == MAX_VARINT_BYTES - 1 && payload > 1 {
                return Err(ProtobufError::VarintTooLong { offset: start });
            }
            value |= payload << (7 * index);
            if byte & 0x80 == 0 {
                self.position += index + 1;
                return Ok(value);
            }
        }
        if self.remaining().len() >= MAX_VARINT_BYTES {
            Err(ProtobufError::VarintTooLong { offset: start })
        } else {
            Err(ProtobufError::TruncatedVarint { offset: start })
        }
    }

    fn read_length_delimited(&mut self) -> Result<(&'a [u8], usize), ProtobufError> {
        let length_offset = self.absolute(self.position);
        let length = self.read_varint()?;
        let remaining = self.remaining();
        let payload = usize::try_from(length)
            .ok()
            .and_then(|length| remaining.get(..length))
            .ok_or(ProtobufError::TruncatedLength {
                offset: length_offset,
                length,
                remaining: remaining.len(),
            })?;
        let payload_offset = self.absolute(self.position);
        self.position += payload.len();
        Ok((payload, payload_offset))
    }

    fn read_array<const N: usize>(&mut self) -> Result<[u8; N], ProtobufError> {
        let remaining = self.remaining();
        let array = remaining
            .get(..N)
            .and_then(|slice| <[u8; N]>::try_from(slice).ok())
            .ok_or(ProtobufError::TruncatedFixed {
                offset: self.absolute(self.position),
                needed: N,
                remaining: remaining.len(),
            })?;
        self.position += N;
        Ok(array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(bytes: &[u8]) -> Result<Vec<WireField<'_>>, ProtobufError> {
        let mut reader = WireReader::new(bytes, 0);
        let mut out = Vec::new();
        while let Some(field) = reader.next_field()? {
            out.push(field);
        }
        Ok(out)
    }

    #[test]
    fn reads_every_wire_type() {
        let bytes = [
            0x08, 0x96, 0x01, // 1: varint 150
            0x11, 1, 0, 0, 0, 0, 0, 0, 0, // 2: fixed64 1
            0x1a, 0x02, b'h', b'i', // 3: "hi"
            0x25, 2, 0, 0, 0, // 4: fixed32 2
        ];
        let read = fields(&bytes).unwrap();
        assert_eq!(read.len(), 4);
        assert_eq!(read[0].value, WireValue::Varint(150));
        assert_eq!(read[1].value, WireValue::Fixed64(1));
        assert_eq!(read[2].value, WireValue::LengthDelimited(b"hi"));
        assert_eq!(read[2].offset, 14);
        assert_eq!(read[3].value, WireValue::Fixed32(2));
    }

    #[test]
    fn reads_the_largest_varint() {
        let bytes = [
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert_eq!(
            fields(&bytes).unwrap()[0].value,
            WireValue::Varint(u64::MAX)
        );
    }

    #[test]
    fn refuses_overlong_varints() {
        let eleven = [
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert_eq!(
            fields(&eleven),
            Err(ProtobufError::VarintTooLong { offset: 1 })
        );
        let overflowing = [
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
        ];
        assert_eq!(
            fields(&overflowing),
            Err(ProtobufError::VarintTooLong { offset: 1 })
        );
    }

    #[test]
    fn reports_truncation_with_offsets() {
        assert_eq!(
            fields(&[0x08, 0x80]),
            Err(ProtobufError::TruncatedVarint { offset: 1 })
        );
        assert_eq!(
            fields(&[0x0a, 0x05, b'a']),
            Err(ProtobufError::TruncatedLength {
                offset: 1,
                length: 5,
                remaining: 1
            })
        );
        assert_eq!(
            fields(&[0x09, 1, 2]),
            Err(ProtobufError::TruncatedFixed {
                offset: 1,
                needed: 8,
                remaining: 2
            })
        );
    }

    #[test]
    fn refuses_field_zero_and_groups() {
        assert_eq!(
            fields(&[0x00, 0x00]),
            Err(ProtobufError::InvalidFieldNumber { offset: 0 })
        );
        assert_eq!(
            fields(&[0x0b]),
            Err(ProtobufError::UnsupportedWireType {
                wire_type: 3,
                offset: 0
            })
        );
    }

    #[test]
    fn absurd_lengths_do_not_overflow() {
        let bytes = [
            0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert!(matches!(
            fields(&bytes),
            Err(ProtobufError::TruncatedLength { .. })
        ));
    }
}
