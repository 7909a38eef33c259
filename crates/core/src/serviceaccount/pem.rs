//! PEM armour (RFC 7468): base64 of DER between `-----BEGIN LABEL-----` and `-----END LABEL-----`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The most base64 text a PEM block may hold here: an RSA-8192 PKCS#8 key is about 6.5 KB.
const MAX_PEM_BYTES: usize = 64 * 1024;

pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// The label and DER bytes of the first PEM block in `text`, or why there is none.
pub(crate) fn decode(text: &str) -> Result<(String, Vec<u8>), &'static str> {
    if text.len() > MAX_PEM_BYTES {
        return Err("the PEM text is too large");
    }
    let start = text.find("-----BEGIN ").ok_or("no PEM block found")?;
    let after_begin = text
        .get(start + "-----BEGIN ".len()..)
        .ok_or("no PEM block found")?;
    let label_end = after_begin
        .find("-----")
        .ok_or("the PEM header is malformed")?;
    let label = after_begin
        .get(..label_end)
        .ok_or("the PEM header is malformed")?;
    let body_and_rest = after_begin
        .get(label_end + "-----".len()..)
        .ok_or("the PEM header is malformed")?;
    let footer = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&footer)
        .ok_or("the PEM block has no matching END line")?;
    let body: String = body_and_rest
        .get(..body_end)
        .ok_or("the PEM block is malformed")?
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD
        .decode(body)
        .map_err(|_| "the PEM body is not valid base64")?;
    if der.is_empty() {
        return Err("the PEM block is empty");
    }
    Ok((label.to_string(), der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_64_character_lines() {
        let der: Vec<u8> = (0..=255u8).cycle().take(100).collect();
        let text = encode("PUBLIC KEY", &der);
        assert!(text.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(text.ends_with("-----END PUBLIC KEY-----\n"));
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(decode(&text), Ok(("PUBLIC KEY".to_string(), der)));
    }

    #[test]
    fn garbage_is_an_error() {
        for text in [
            "",
            "hello",
            "-----BEGIN X-----\nAAAA\n",
            "-----BEGIN X-----\n!!!!\n-----END X-----\n",
            "-----BEGIN X-----\n-----END X-----\n",
            "-----BEGIN X",
            "-----BEGIN X-----\nAAAA\n-----END Y-----\n",
        ] {
            assert!(decode(text).is_err(), "{text:?}");
        }
        assert!(decode(&"A".repeat(MAX_PEM_BYTES + 1)).is_err());
    }
}
