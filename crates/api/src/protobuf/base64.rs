//! Standard base64 with padding: how Go's `encoding/json` writes `[]byte` (Secret and ConfigMap
//! `binaryData` values). Encoding only; the crate takes no dependency for twenty lines.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(super) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let first = chunk.first().copied().unwrap_or(0);
        let second = chunk.get(1).copied();
        let third = chunk.get(2).copied();
        let group = u32::from(first) << 16
            | u32::from(second.unwrap_or(0)) << 8
            | u32::from(third.unwrap_or(0));
        out.push(sextet(group >> 18));
        out.push(sextet(group >> 12));
        out.push(if second.is_some() {
            sextet(group >> 6)
        } else {
            '='
        });
        out.push(if third.is_some() { sextet(group) } else { '=' });
    }
    out
}

/// The character for the low six bits of `bits`.
fn sextet(bits: u32) -> char {
    // The mask keeps the index below 64, the alphabet's length.
    char::from(ALPHABET[(bits & 0x3f) as usize])
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), encoded);
        }
        assert_eq!(encode(&[0xff, 0xfe, 0x00]), "//4A");
    }
}
