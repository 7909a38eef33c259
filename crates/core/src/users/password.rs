//! Passwords of local users: argon2id (RFC 9106) in PHC strings, a policy, and initial
//! passwords a person can type.
//!
//! Hashing uses argon2's defaults, OWASP's recommendation: m = 19 MiB, t = 2, p = 1, a 16-byte
//! salt from the OS. Verification reads the parameters from the PHC string, so it keeps
//! working after the defaults change, but only within bounds: a stored string asking for 4 GiB
//! of memory is refused, not obeyed. The comparison of outputs is constant-time (the argon2
//! crate's `Output` compares that way).

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

use crate::bearer::random_chars;
use crate::credentials::{RandomnessError, random_bytes};

/// The policy: at least 12 characters (NIST SP 800-63B asks for 8, or 15 when a password is
/// the only factor; 12 is a floor that still lets people choose passphrases)…
pub const MIN_PASSWORD_CHARS: usize = 12;
/// …and at most 1024 bytes, so nobody makes the hub hash megabytes per login.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Bounds on the parameters a stored PHC string may ask of a verification.
const MAX_VERIFY_M_COST_KIB: u32 = 256 * 1024;
const MAX_VERIFY_T_COST: u32 = 16;
const MAX_VERIFY_P_COST: u32 = 16;

const SALT_LEN: usize = 16;

/// Initial passwords: 4 groups of 6 characters joined by `-` (27 characters), from lowercase
/// letters and digits without `0 o 1 l i`: 24 × log2(31) ≈ 119 bits.
const INITIAL_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const INITIAL_GROUPS: usize = 4;
const INITIAL_GROUP_LEN: usize = 6;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error(transparent)]
    Randomness(#[from] RandomnessError),
    #[error("a password may not be longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("hashing the password failed: {0}")]
    Hashing(String),
}

/// The argon2id PHC string of `password`
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    let mut salt = [0u8; SALT_LEN];
    random_bytes(&mut salt)?;
    let hash = hasher()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(|e| PasswordError::Hashing(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `phc`. A garbled string, another algorithm, or parameters
/// beyond the bounds are `false`, never a panic or an error to show.
pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    if hash.algorithm.as_str() != Algorithm::Argon2id.as_str()
        || hash.version != Some(Version::V0x13.into())
    {
        return false;
    }
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    if params.m_cost() > MAX_VERIFY_M_COST_KIB
        || params.t_cost() > MAX_VERIFY_T_COST
        || params.p_cost() > MAX_VERIFY_P_COST
    {
        return false;
    }
    hasher().verify_password(password.as_bytes(), &hash).is_ok()
}

/// For a login: verifies against the user's hash, or, for a user who does not exist (`None`),
/// spends the same work on a dummy hash and answers `false`, so the time taken does not tell
/// who exists.
pub fn verify_password_or_dummy(password: &str, phc: Option<&str>) -> bool {
    match phc {
        Some(phc) => verify_password(password, phc),
        None => {
            let _ = verify_password(password, dummy_hash());
            false
        }
    }
}

/// A hash with the current parameters of a password nobody knows; made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        // If even this fails, verification of the fallback fails fast; logins of unknown users
        // are then quicker, which is a timing leak on a machine already broken.
        hash_password("tokenhub dummy password").unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                .to_string()
        })
    })
}

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// A first password for a user (the bootstrap `admin`): 27 characters such as
/// `k7m2xq-9hfw3p-tz4nce-8ruvd5`, easy to read aloud and type, about 119 bits.
pub fn generate_initial_password() -> Result<String, RandomnessError> {
    let chars = random_chars(INITIAL_ALPHABET, INITIAL_GROUPS * INITIAL_GROUP_LEN)?;
    let groups: Vec<&str> = (0..INITIAL_GROUPS)
        .filter_map(|i| chars.get(i * INITIAL_GROUP_LEN..(i + 1) * INITIAL_GROUP_LEN))
        .collect();
    Ok(groups.join("-"))
}

/// The password policy: at least [`MIN_PASSWORD_CHARS`] characters, at most
/// [`MAX_PASSWORD_BYTES`] bytes, no control characters (a pasted newline is a mistake, not a
/// character), not only spaces. The error says which rule failed, never the password.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "must be at least {MIN_PASSWORD_CHARS} characters long"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("must be at most {MAX_PASSWORD_BYTES} bytes long"));
    }
    if password.chars().any(char::is_control) {
        return Err("must not contain control characters such as newlines".to_string());
    }
    if password.trim().is_empty() {
        return Err("must not be only spaces".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterz", &phc));
        assert!(!verify_password("", &phc));
        // Salted: the same password hashes differently.
        let again = hash_password("correct horse battery").unwrap();
        assert_ne!(phc, again);
        assert!(verify_password("correct horse battery", &again));
    }

    #[test]
    fn unicode_and_empty_passwords_hash() {
        for password in ["", "pässwörd-ünïcödé", "🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑"]
        {
            let phc = hash_password(password).unwrap();
            assert!(verify_password(password, &phc), "{password}");
        }
        assert!(matches!(
            hash_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
            Err(PasswordError::TooLong)
        ));
    }

    #[test]
    fn garbled_or_hostile_phc_strings_are_false() {
        let good = hash_password("correct horse battery").unwrap();
        let salt_and_hash = good.rsplitn(3, '$').take(2).collect::<Vec<_>>();
        let tail = format!("{}${}", salt_and_hash[1], salt_and_hash[0]);
        let cases = vec![
            String::new(),
            "$".to_string(),
            "not a phc string".to_string(),
            "$argon2id$".to_string(),
            "$argon2id$v=19$m=19456,t=2,p=1$".to_string(),
            format!("$argon2id$v=19$m=19456,t=2,p=1${}", salt_and_hash[1]),
            good[..good.len() - 5].to_string(),
            format!("{good}x"),
            format!("{good}$"),
            good.replace("argon2id", "argon2i"),
            good.replace("argon2id", "argon2d"),
            good.replace("argon2id", "scrypt"),
            good.replace("v=19", "v=16"),
            good.replace("v=19", "v=99"),
            // Parameters a stored string must not make us obey.
            format!("$argon2id$v=19$m=4294967295,t=2,p=1${tail}"),
            format!("$argon2id$v=19$m=19456,t=4294967295,p=1${tail}"),
            format!("$argon2id$v=19$m=19456,t=2,p=16777215${tail}"),
            format!("$argon2id$v=19$m=0,t=0,p=0${tail}"),
            format!("$argon2id$v=19$m=-1,t=2,p=1${tail}"),
            "$argon2id$v=19$m=19456,t=2,p=1$!!!!$????".to_string(),
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".to_string(),
            "\u{0}\u{1}$argon2id".to_string(),
        ];
        for phc in cases {
            assert!(!verify_password("correct horse battery", &phc), "{phc:?}");
        }
        assert!(!verify_password(&"x".repeat(MAX_PASSWORD_BYTES + 1), &good));
    }

    #[test]
    fn arbitrary_phc_strings_never_panic() {
        let pieces = [
            "$",
            "argon2id",
            "argon2i",
            "v=19",
            "m=8",
            ",",
            "t=1",
            "p=1",
            "=",
            "c2FsdHNhbHQ",
            "AAAA",
            "m=99999999999999",
            "/",
            "+",
            "\u{e9}",
            "",
        ];
        let mut g = crate::testgen::Gen::new(0xa2_60_2d);
        for _ in 0..2000 {
            let phc = g.string(&pieces, 10);
            let _ = verify_password("pw", &phc);
        }
    }

    #[test]
    fn unknown_users_are_refused_after_the_same_work() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(verify_password_or_dummy(
            "correct horse battery",
            Some(&phc)
        ));
        assert!(!verify_password_or_dummy("wrong", Some(&phc)));
        assert!(!verify_password_or_dummy("correct horse battery", None));
        assert!(!verify_password_or_dummy("tokenhub dummy password", None));
        assert!(dummy_hash().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[test]
    fn initial_passwords_are_typable_and_pass_the_policy() {
        let a = generate_initial_password().unwrap();
        let b = generate_initial_password().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 27);
        let groups: Vec<&str> = a.split('-').collect();
        assert_eq!(groups.len(), 4);
        for g in groups {
            assert_eq!(g.len(), 6);
            assert!(g.bytes().all(|c| INITIAL_ALPHABET.contains(&c)), "{a}");
        }
        assert_eq!(check_password(&a), Ok(()));
    }

    #[test]
    fn policy() {
        let cases: Vec<(String, Result<(), &str>)> = vec![
            ("correct horse".into(), Ok(())),
            ("123456789012".into(), Ok(())),
            ("ünïcödé-pässwörd".into(), Ok(())),
            ("éééééééééééé".into(), Ok(())),
            (
                "12345678901".into(),
                Err("must be at least 12 characters long"),
            ),
            (
                "ééééééééééé".into(),
                Err("must be at least 12 characters long"),
            ),
            (String::new(), Err("must be at least 12 characters long")),
            ("x".repeat(1024), Ok(())),
            ("x".repeat(1025), Err("must be at most 1024 bytes long")),
            (
                "correct horse\n".into(),
                Err("must not contain control characters such as newlines"),
            ),
            (
                "correct\thorse".into(),
                Err("must not contain control characters such as newlines"),
            ),
            (" ".repeat(12), Err("must not be only spaces")),
        ];
        for (password, want) in cases {
            assert_eq!(
                check_password(&password),
                want.map_err(String::from),
                "{password:?}"
            );
        }
    }
}
