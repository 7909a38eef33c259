//! Base62 (`0-9A-Za-z`): the alphabet of every random part of a bearer string. It has no `_`,
//! `-`, `/` or `:`, so a secret never contains a separator, and a double-click selects the whole
//! credential.

use crate::credentials::{RandomnessError, random_bytes};

pub(crate) const ALPHABET: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Spare buffers of random bytes, beyond those `len` needs, before the source is declared
/// broken. A working source discards a byte with probability below 1/2, so a 64-byte buffer
/// yields at least 32 characters all but never.
const SPARE_DRAWS: usize = 64;

pub(crate) fn is_base62(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `len` characters drawn uniformly from the OS's randomness: log2(62) ≈ 5.95 bits each.
pub(crate) fn random_base62(len: usize) -> Result<String, RandomnessError> {
    random_chars(ALPHABET, len)
}

/// `len` characters drawn uniformly from `alphabet` (1 to 128 ASCII characters). Bytes at or
/// above the largest multiple of the alphabet's size are discarded, so `byte % size` is
/// uniform.
pub(crate) fn random_chars(alphabet: &[u8], len: usize) -> Result<String, RandomnessError> {
    let size = alphabet.len();
    if size == 0 || size > 128 || !alphabet.is_ascii() {
        return Err(RandomnessError::new(
            "an alphabet needs 1 to 128 ASCII characters",
        ));
    }
    let limit = 256 - 256 % size;
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    let max_draws = len.div_ceil(32).saturating_add(SPARE_DRAWS);
    let mut draws = 0;
    while out.len() < len {
        if draws == max_draws {
            return Err(RandomnessError::new(
                "the random source keeps returning unusable bytes",
            ));
        }
        draws += 1;
        random_bytes(&mut buf)?;
        for &b in buf.iter().filter(|&&b| usize::from(b) < limit) {
            if out.len() == len {
                break;
            }
            out.push(char::from(alphabet[usize::from(b) % size]));
        }
    }
    Ok(out)
}

/// `value` in exactly `width` digits, most significant first, padded with `0`. Digits that do
/// not fit are dropped (callers choose a width that holds every value).
pub(crate) fn encode_fixed(mut value: u64, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(value % 62) as usize];
        value /= 62;
    }
    digits.into_iter().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_strings_have_the_length_and_alphabet_asked_for() {
        for len in [0, 1, 22, 43, 200] {
            let s = random_base62(len).unwrap();
            assert_eq!(s.len(), len);
            assert!(is_base62(&s));
        }
        assert_ne!(random_base62(43).unwrap(), random_base62(43).unwrap());
    }

    #[test]
    fn every_character_of_the_alphabet_turns_up() {
        let s = random_base62(4000).unwrap();
        for c in ALPHABET {
            assert!(s.as_bytes().contains(c), "{}", char::from(*c));
        }
    }

    #[test]
    fn other_alphabets() {
        let s = random_chars(b"ab", 100).unwrap();
        assert!(s.bytes().all(|b| b == b'a' || b == b'b'));
        assert!(s.contains('a') && s.contains('b'));
        assert_eq!(random_chars(b"x", 3).unwrap(), "xxx");
        let all: Vec<u8> = (0..=255u8).collect();
        assert!(random_chars(&all, 10).is_err());
        assert!(random_chars(&all[..129], 10).is_err());
        assert!(random_chars(b"", 1).is_err());
    }

    #[test]
    fn fixed_width_encoding() {
        let cases: &[(u64, usize, &str)] = &[
            (0, 6, "000000"),
            (1, 6, "000001"),
            (61, 6, "00000z"),
            (62, 6, "000010"),
            (u64::from(u32::MAX), 6, "4gfFC3"),
            (62u64.pow(6), 6, "000000"),
        ];
        for (value, width, want) in cases {
            assert_eq!(encode_fixed(*value, *width), *want, "{value}");
        }
    }
}
