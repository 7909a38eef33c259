//! Server-generated names.

/// The alphabet kube-apiserver uses for generated suffixes: no vowels (no accidental words)
/// and no characters that are easily confused.
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `prefix` followed by `len` random characters, as for `metadata.generateName`.
pub fn with_random_suffix(prefix: &str, len: usize) -> String {
    let mut bytes = vec![0u8; len];
    // The OS random source only fails on a broken system; an all-zero suffix still yields a
    // valid name, and a collision is reported as AlreadyExists and retried.
    let _ = getrandom::fill(&mut bytes);
    let mut out = String::with_capacity(prefix.len() + len);
    out.push_str(prefix);
    for b in bytes {
        out.push(ALPHABET[usize::from(b) % ALPHABET.len()] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_keep_the_prefix_and_use_the_alphabet() {
        let n = with_random_suffix("web-", 5);
        assert!(n.starts_with("web-"));
        assert_eq!(n.len(), 9);
        assert!(n[4..].bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(with_random_suffix("", 12), with_random_suffix("", 12));
    }
}
