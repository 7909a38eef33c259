//! Hostile and broken input: every outcome must be `Ok` or `Err`, never a panic, a hang or a
//! stack overflow.

use base64::Engine as _;

use super::captured_bodies::ALL;
use super::encoder::{Proto, envelope};
use crate::protobuf::decode;

/// xorshift64: a fixed seed makes every run test the same inputs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn bytes(&mut self, length: usize) -> Vec<u8> {
        (0..length).map(|_| self.next() as u8).collect()
    }
}

fn captured() -> Vec<Vec<u8>> {
    ALL.iter()
        .map(|body| {
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap()
        })
        .collect()
}

#[test]
fn every_truncation_of_every_capture_decodes_or_fails_cleanly() {
    for body in captured() {
        for end in 0..body.len() {
            let _ = decode(&body[..end]);
        }
    }
}

#[test]
fn single_byte_corruptions_of_every_capture_never_panic() {
    for body in captured() {
        for position in 0..body.len() {
            for flip in [0x01, 0x02, 0x07, 0x08, 0x40, 0x80, 0xff] {
                let mut corrupted = body.clone();
                corrupted[position] ^= flip;
                let _ = decode(&corrupted);
            }
        }
    }
}

#[test]
fn random_bodies_never_panic() {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let length = random.below(300);
        let _ = decode(&random.bytes(length));
        let mut with_magic = b"k8s\0".to_vec();
        with_magic.extend(random.bytes(length));
        let _ = decode(&with_magic);
    }
}

#[test]
fn random_inner_messages_of_every_kind_never_panic() {
    let kinds = [
        ("v1", "ServiceAccount"),
        ("v1", "Namespace"),
        ("v1", "ConfigMap"),
        ("v1", "Secret"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("authentication.k8s.io/v1", "TokenRequest"),
        ("authentication.k8s.io/v1", "TokenReview"),
        ("authentication.k8s.io/v1", "SelfSubjectReview"),
        ("authorization.k8s.io/v1", "SubjectAccessReview"),
        ("authorization.k8s.io/v1", "SelfSubjectRulesReview"),
        ("meta.k8s.io/v1", "DeleteOptions"),
    ];
    let mut random = XorShift(42);
    for _ in 0..2_000 {
        for (api_version, kind) in kinds {
            // Random fields with plausible numbers and wire types reach deeper than pure noise.
            let mut inner = Proto::new();
            for _ in 0..random.below(12) {
                let field = 1 + random.below(14) as u32;
                inner = match random.below(4) {
                    0 => inner.varint(field, random.next()),
                    1 => inner.fixed32(field, random.next() as u32),
                    2 => {
                        let length = random.below(40);
                        inner.bytes(field, &random.bytes(length))
                    }
                    _ => {
                        let nested = Proto::new()
                            .string(1 + random.below(4) as u32, "x")
                            .varint(1 + random.below(4) as u32, random.next());
                        inner.message(
                            field,
                            Proto::new().message(1 + random.below(4) as u32, nested),
                        )
                    }
                };
            }
            let _ = decode(&envelope(api_version, kind, inner));
        }
    }
}

#[test]
fn deeply_nested_garbage_is_not_recursed_into() {
    // 10 000 levels of length-delimited field 1 under metadata: the tables stop recursing at
    // ObjectMeta.name (a string), so this is one long, harmless name or a clean error.
    let mut nested = Proto::new().string(1, "core");
    for _ in 0..10_000 {
        nested = Proto::new().message(1, nested);
    }
    let body = envelope(
        "v1",
        "ServiceAccount",
        Proto::new().message(1, nested.clone()),
    );
    let _ = decode(&body);
    // The same chain as ownerReferences (13), whose messages nest no further.
    let body = envelope(
        "v1",
        "ServiceAccount",
        Proto::new().message(1, Proto::new().message(13, nested)),
    );
    let _ = decode(&body);
}

#[test]
fn absurd_lengths_fail_cleanly() {
    let mut body = b"k8s\0".to_vec();
    body.extend([
        0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    assert!(decode(&body).is_err());
    let mut body = b"k8s\0".to_vec();
    body.extend([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    assert!(decode(&body).is_err());
}
