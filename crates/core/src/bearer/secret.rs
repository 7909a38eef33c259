//! A secret that cannot leak through `{:?}`: whatever holds one may derive `Debug` safely.

use std::fmt;

/// The plaintext of a credential. `Debug` prints `Secret(<redacted>)`; there is no `Display`,
/// so the text only comes out through [`Secret::expose`], which is easy to look for in review.
/// It has no `PartialEq` on purpose: compare hashes, in constant time
/// ([`verify_secret`](crate::credentials::verify_secret)).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{s:#?}"), "Secret(<redacted>)");
        assert_eq!(s.expose(), "hunter2hunter2");
        assert_eq!(s.into_exposed(), "hunter2hunter2");
    }
}
