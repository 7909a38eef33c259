//! A loopback load generator: starts a hub in this process (its own runtime, 2 workers) and
//! drives it with N clients, each one keep-alive HTTP/1.1 connection sending one request after
//! another, for a few seconds per scenario. Prints a Markdown table: requests per second and
//! latency percentiles. Client and hub share the machine, as a hub and its callers would on
//! one box.
//!
//! cargo run --release -p tokenhub-testkit --bin load -- [--connections 16] [--seconds 10]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokenhub_testkit::TestHub;

struct Options {
    connections: usize,
    seconds: u64,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        connections: 16,
        seconds: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| {
            v.parse::<u64>()
                .map(|n| n.max(1))
                .map_err(|e| format!("{flag} {v}: {e}"))
        };
        match flag.as_str() {
            "--connections" => {
                options.connections = usize::try_from(number(&value)?).map_err(|e| e.to_string())?
            }
            "--seconds" => options.seconds = number(&value)?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(options)
}

/// One kind of request, sent with one credential.
struct Scenario {
    name: &'static str,
    client: reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
}

impl Scenario {
    async fn send(&self) -> Result<(), String> {
        let mut request = self.client.request(self.method.clone(), &self.url);
        if let Some(body) = &self.body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        // Read the whole answer, as a real client does.
        response.bytes().await.map_err(|e| e.to_string())?;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("{} answered {status}", self.name))
        }
    }
}

async fn scenarios(hub: &TestHub) -> Vec<Scenario> {
    hub.admin_post(
        "/api/v1/namespaces/default/configmaps",
        json!({"metadata": {"name": "app"}, "data": {"mode": "fast"}}),
    )
    .await;
    let readers = hub.readers("default").await;
    let config_map = format!("{}/api/v1/namespaces/default/configmaps/app", hub.url);
    let get = |name, client| Scenario {
        name,
        client,
        method: reqwest::Method::GET,
        url: config_map.clone(),
        body: None,
    };
    vec![
        Scenario {
            name: "GET /version, anonymous (the floor)",
            client: hub.client_with_token(None),
            method: reqwest::Method::GET,
            url: format!("{}/version", hub.url),
            body: None,
        },
        get(
            "GET a ConfigMap, admin's personal Token",
            hub.admin_client(),
        ),
        get(
            "GET a ConfigMap, API token (RBAC via view)",
            hub.client_with_token(Some(&readers.api_token)),
        ),
        get(
            "GET a ConfigMap, ServiceAccount token (RBAC via view)",
            hub.client_with_token(Some(&readers.service_account)),
        ),
        Scenario {
            name: "POST SelfSubjectReview, API token",
            client: hub.client_with_token(Some(&readers.api_token)),
            method: reqwest::Method::POST,
            url: format!(
                "{}/apis/authentication.k8s.io/v1/selfsubjectreviews",
                hub.url
            ),
            body: Some(
                json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
            ),
        },
    ]
}

/// Every latency of `connections` clients sending `scenario` for `duration`, in microseconds.
async fn drive(
    scenario: &Scenario,
    connections: usize,
    duration: Duration,
) -> Result<Vec<u32>, String> {
    let until = Instant::now() + duration;
    let clients = (0..connections).map(|_| async {
        let mut latencies = Vec::new();
        while Instant::now() < until {
            let started = Instant::now();
            scenario.send().await?;
            let micros = started.elapsed().as_micros();
            latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
        }
        Ok::<_, String>(latencies)
    });
    let mut all = Vec::new();
    for latencies in futures_util::future::join_all(clients).await {
        all.extend(latencies?);
    }
    Ok(all)
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(rank).copied().unwrap_or_default()
}

fn main() -> Result<(), String> {
    let options = options()?;
    let hub = TestHub::start();
    // The clients' own runtime: one thread, so that they take one core at most.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let duration = Duration::from_secs(options.seconds);
    println!(
        "{} connections, {} s per scenario\n",
        options.connections, options.seconds
    );
    println!("| scenario | requests/s | p50 | p99 |");
    println!("|---|---|---|---|");
    runtime.block_on(async {
        for scenario in scenarios(&hub).await {
            // Warm up: connections open, caches filled.
            drive(&scenario, options.connections, Duration::from_secs(1)).await?;
            let mut latencies = drive(&scenario, options.connections, duration).await?;
            latencies.sort_unstable();
            let per_second = latencies.len() as f64 / duration.as_secs_f64();
            println!(
                "| {} | {:.0} | {} µs | {} µs |",
                scenario.name,
                per_second,
                percentile(&latencies, 0.50),
                percentile(&latencies, 0.99)
            );
        }
        Ok(())
    })
}
