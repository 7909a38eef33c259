//! The hub's own credentials: what a request with a personal Token or an API token costs before
//! RBAC (parse the bearer string and check its checksum, find the id among 1,000,000 stored
//! hashes, SHA-256 the secret and compare in constant time), and what a login costs (argon2id
//! with the default parameters, paid for unknown users too).
//!
//! `cargo bench -p tokenhub-core --bench credentials`

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tokenhub_core::bearer::{CredentialKind, format_rancher, issue, parse};
use tokenhub_core::credentials::{SecretHash, hash_secret, verify_secret};
use tokenhub_core::users::{hash_password, verify_password_or_dummy};

const STORED: usize = 1_000_000;

/// `STORED` credentials of `kind` as the hub keeps them (id → hash of the secret), and the
/// bearer strings of a few of them spread over the map.
fn population(
    kind: CredentialKind,
    id: impl Fn(usize) -> String,
) -> (HashMap<String, SecretHash>, Vec<(String, String)>) {
    let mut hashes = HashMap::with_capacity(STORED);
    let mut samples = Vec::new();
    for n in 0..STORED {
        let issued = issue(kind, &id(n)).expect("issue");
        hashes.insert(issued.id.clone(), hash_secret(issued.secret.expose()));
        if n % (STORED / 1024) == 0 {
            let rancher = format_rancher(&issued.id, &issued.secret).into_exposed();
            samples.push((issued.bearer.into_exposed(), rancher));
        }
    }
    (hashes, samples)
}

fn check(hashes: &HashMap<String, SecretHash>, bearer: &str) -> bool {
    let Ok(parsed) = parse(bearer) else {
        return false;
    };
    hashes
        .get(&parsed.id)
        .is_some_and(|hash| verify_secret(parsed.secret.expose(), hash))
}

fn bench_bearer(c: &mut Criterion) {
    let mut group = c.benchmark_group("bearer");
    group.measurement_time(Duration::from_secs(5));
    let personal = population(CredentialKind::PersonalToken, |n| format!("token-{n:07}"));
    let api = population(CredentialKind::ApiToken, |n| format!("{n:0>22}"));
    for (label, (hashes, samples)) in [("a personal Token", &personal), ("an API token", &api)] {
        assert!(samples.iter().all(|(bearer, _)| check(hashes, bearer)));
        let mut next = samples.iter().cycle();
        group.bench_function(format!("parse {label}"), |b| {
            b.iter(|| parse(black_box(&next.next().expect("cycle").0)))
        });
        group.bench_function(format!("check a {label} among 1M"), |b| {
            b.iter(|| check(hashes, black_box(&next.next().expect("cycle").0)))
        });
    }
    let (hashes, samples) = &personal;
    assert!(samples.iter().all(|(_, rancher)| check(hashes, rancher)));
    let mut next = samples.iter().cycle();
    group.bench_function("check a Rancher ext/<name>:<secret> among 1M", |b| {
        b.iter(|| check(hashes, black_box(&next.next().expect("cycle").1)))
    });
    let (wrong, _) = &samples[0];
    let wrong = format!("{}x", &wrong[..wrong.len() - 1]);
    group.bench_function("refuse a mistyped bearer (checksum)", |b| {
        b.iter(|| check(hashes, black_box(&wrong)))
    });
    group.finish();
}

fn bench_login(c: &mut Criterion) {
    let mut group = c.benchmark_group("login");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    let phc = hash_password("correct horse battery staple").expect("hash");
    group.bench_function("argon2id verify (m=19456 KiB, t=2, p=1)", |b| {
        b.iter(|| verify_password_or_dummy(black_box("correct horse battery staple"), Some(&phc)))
    });
    group.bench_function("unknown user (dummy verify)", |b| {
        b.iter(|| verify_password_or_dummy(black_box("correct horse battery staple"), None))
    });
    group.finish();
}

criterion_group!(benches, bench_bearer, bench_login);
criterion_main!(benches);
