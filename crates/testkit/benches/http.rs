//! Reads through the whole HTTP stack (TLS, authentication, routing, store, JSON or Table
//! rendering) against a real hub on loopback: get one object by name, and list 10,000; and
//! the same get with each kind of credential the hub accepts.
//!
//! cargo bench -p tokenhub-testkit --bench http

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};
use tokenhub_testkit::TestHub;

const OBJECTS: usize = 10_000;
const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

async fn populate(hub: &TestHub, client: &reqwest::Client) {
    let namespaces = format!("{}/api/v1/namespaces", hub.url);
    let created = client
        .post(&namespaces)
        .json(&json!({"metadata": {"name": "bench"}}))
        .send()
        .await
        .expect("namespace");
    assert!(created.status().is_success());
    let url = format!("{}/api/v1/namespaces/bench/configmaps", hub.url);
    stream::iter(0..OBJECTS)
        .for_each_concurrent(8, |i| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let body = json!({
                    "metadata": {"name": format!("cm-{i:05}"), "labels": {"app": "bench", "shard": (i % 10).to_string()}},
                    "data": {"config": "key: value\nother: thing\n", "index": i.to_string()},
                });
                let response = client.post(&url).json(&body).send().await.expect("create");
                assert!(response.status().is_success(), "create cm-{i:05}");
            }
        })
        .await;
}

async fn fetch(client: &reqwest::Client, url: &str, accept: &str) -> Value {
    let response = client
        .get(url)
        .header("Accept", accept)
        .send()
        .await
        .expect("a response");
    assert!(response.status().is_success());
    response.json().await.expect("JSON")
}

fn http(c: &mut Criterion) {
    let hub = TestHub::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = hub.admin_client();
    runtime.block_on(populate(&hub, &client));

    let one = format!("{}/api/v1/namespaces/bench/configmaps/cm-05000", hub.url);
    let all = format!("{}/api/v1/namespaces/bench/configmaps", hub.url);
    let mut group = c.benchmark_group("http");
    group.bench_function("get configmap by name, JSON", |b| {
        b.to_async(&runtime)
            .iter(|| fetch(&client, &one, "application/json"))
    });
    group.bench_function("get configmap by name, Table (kubectl get)", |b| {
        b.to_async(&runtime)
            .iter(|| fetch(&client, &one, TABLE_ACCEPT))
    });
    let readers = runtime.block_on(hub.readers("bench"));
    let others = [
        ("API token", &readers.api_token),
        (
            "ServiceAccount token (ES256, cached)",
            &readers.service_account,
        ),
    ];
    for (credential, bearer) in others {
        let other = hub.client_with_token(Some(bearer));
        group.bench_function(
            format!("get configmap by name, JSON, as {credential}"),
            |b| {
                b.to_async(&runtime)
                    .iter(|| fetch(&other, &one, "application/json"))
            },
        );
    }

    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(OBJECTS as u64));
    group.bench_function("list 10,000 configmaps, JSON", |b| {
        b.to_async(&runtime).iter(|| async {
            let list = fetch(&client, &all, "application/json").await;
            assert_eq!(list["items"].as_array().map(Vec::len), Some(OBJECTS));
        })
    });
    group.bench_function(
        "list 10,000 configmaps, Table in pages of 500 (kubectl get)",
        |b| {
            b.to_async(&runtime).iter(|| async {
                let mut seen = 0;
                let mut next = String::new();
                loop {
                    let url = format!("{all}?limit=500&continue={next}");
                    let page = fetch(&client, &url, TABLE_ACCEPT).await;
                    seen += page["rows"].as_array().map_or(0, Vec::len);
                    match page["metadata"]["continue"].as_str() {
                        Some(token) if !token.is_empty() => next = token.to_string(),
                        _ => break,
                    }
                }
                assert_eq!(seen, OBJECTS);
            })
        },
    );
    group.finish();
}

criterion_group!(benches, http);
criterion_main!(benches);
