//! `kill -9` of the hub binary during a stream of writes: after a restart, every write that
//! was answered 2xx is there.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use crate::served::{Served, admin_token, client};

/// Writes acknowledged before the hub is killed (more are in flight when it dies).
const KILL_AFTER: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let mut hub = Served::start(&data_dir, &[]);
    let http = client(&data_dir);
    let url = format!("{}/api/v1/namespaces/default/configmaps", hub.url);

    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(tokio::sync::Notify::new());
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (http, url, acknowledged, count, enough) = (
            http.clone(),
            url.clone(),
            Arc::clone(&acknowledged),
            Arc::clone(&count),
            Arc::clone(&enough),
        );
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("w{writer}-{i}");
                let body = json!({"metadata": {"name": name}, "data": {"i": i.to_string()}});
                match http.post(&url).json(&body).send().await {
                    Ok(r) if r.status().is_success() => {
                        acknowledged.lock().unwrap().push(name);
                        if count.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                            enough.notify_one();
                        }
                    }
                    Ok(r) => panic!(
                        "write {name} refused: {} {}",
                        r.status(),
                        r.text().await.unwrap_or_default()
                    ),
                    // The hub is gone: the stream of writes ends here.
                    Err(_) if count.load(Ordering::SeqCst) >= KILL_AFTER => return,
                    Err(e) => panic!("write {name} failed before the kill: {e}"),
                }
            }
        }));
    }
    // Kill while the writers are mid-stream.
    enough.notified().await;
    hub.child.kill().expect("SIGKILL");
    hub.child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }

    let hub = Served::start(&data_dir, &[]);
    let http = client(&data_dir);
    let names = acknowledged.lock().unwrap().clone();
    assert!(names.len() >= KILL_AFTER);
    let list: serde_json::Value = http
        .get(format!("{}/api/v1/namespaces/default/configmaps", hub.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored: std::collections::HashSet<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["metadata"]["name"].as_str())
        .collect();
    let lost: Vec<&String> = names
        .iter()
        .filter(|n| !stored.contains(n.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost: {lost:?}",
        lost.len()
    );
    let mut hub = hub;
    hub.child.kill().unwrap();
    hub.child.wait().unwrap();
}

#[test]
fn sigterm_stops_the_hub_gracefully_and_a_restart_reuses_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let hub = Served::start(&data_dir, &[]);
    let first_ca = std::fs::read_to_string(data_dir.join("ca.crt")).unwrap();
    let first_token = admin_token(&data_dir);
    hub.stop();

    let mut again = Served::start(&data_dir, &[]);
    assert_eq!(
        std::fs::read_to_string(data_dir.join("ca.crt")).unwrap(),
        first_ca
    );
    assert_eq!(admin_token(&data_dir), first_token);
    again.child.kill().unwrap();
    again.child.wait().unwrap();
}
