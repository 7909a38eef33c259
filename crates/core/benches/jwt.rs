//! ServiceAccount tokens: full verification (header, key lookup, jsonwebtoken signature check,
//! claims) for ES256 and RS256, a hit in the verified-token cache (SHA-256 of the token plus a
//! map probe under a mutex, 10,000 entries), and signing.
//!
//! `cargo bench -p tokenhub-core --bench jwt`

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use tokenhub_core::serviceaccount::{
    KeySet, ServiceAccountClaims, ServiceAccountRef, SigningAlgorithm, VerifiedTokenCache,
};

const ISSUER: &str = "https://tokenhub.example:7443";
const NOW: i64 = 1_700_000_000;

fn claims(n: usize) -> ServiceAccountClaims {
    ServiceAccountClaims::issue(
        ISSUER,
        &ServiceAccountRef {
            namespace: "default".into(),
            name: format!("bot-{n}"),
            uid: format!("5e1c8f0a-7d2b-4c1e-9a3f-{n:012}"),
        },
        vec![ISSUER.into()],
        None,
        now(),
        3600,
    )
    .expect("claims")
}

fn now() -> Timestamp {
    Timestamp::from_second(NOW).expect("time")
}

fn bench(c: &mut Criterion) {
    let audiences = vec![ISSUER.to_string()];
    let mut group = c.benchmark_group("jwt");
    group.measurement_time(Duration::from_secs(5));
    for alg in [SigningAlgorithm::ES256, SigningAlgorithm::RS256] {
        let keys = KeySet::generate(alg).expect("key");
        let token = keys.sign(&claims(0)).expect("sign");
        assert!(keys.verify(&token, now(), ISSUER, &audiences).is_ok());
        group.bench_function(format!("verify {alg} ({} B)", token.len()), |b| {
            b.iter(|| keys.verify(black_box(&token), now(), ISSUER, &audiences))
        });
        group.bench_function(format!("sign {alg}"), |b| {
            let claims = claims(0);
            b.iter(|| keys.sign(black_box(&claims)))
        });
    }

    let keys = KeySet::generate(SigningAlgorithm::ES256).expect("key");
    let cache = VerifiedTokenCache::new(10_000);
    let tokens: Vec<String> = (0..10_000)
        .map(|n| {
            let claims = claims(n);
            let token = keys.sign(&claims).expect("sign");
            cache.insert(&token, Arc::new(claims));
            token
        })
        .collect();
    let mut i = 0;
    group.bench_function("cache hit (10,000 entries)", |b| {
        b.iter(|| {
            i = (i + 7919) % tokens.len();
            cache.get(black_box(&tokens[i]), now())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
