//! HTTP/2 clients besides kubectl: a request answered before its body was read (401, 403,
//! 404, 415) still gets its answer. Without reading the rest of the body first, the server
//! resets the stream and curl reports "Stream error in the HTTP/2 framing layer" instead.

use std::process::Command;

use tokenhub_testkit::TestHub;

use crate::kubectl::Kubectl;

/// A ConfigMap of about 1 MiB: enough that the client is still sending when refused.
fn large_config_map() -> String {
    let data = "x".repeat(1 << 20);
    format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"large"}},"data":{{"blob":"{data}"}}}}"#
    )
}

/// The status code and HTTP version curl reports for a POST of `body_file` to `path` with
/// `token` and `content_type`.
fn curl_post(
    hub: &TestHub,
    token: &str,
    path: &str,
    content_type: &str,
    body_file: &std::path::Path,
) -> String {
    let out = Command::new("curl")
        .args([
            "--http2",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{http_version}",
        ])
        .arg("--cacert")
        .arg(hub.data_dir().join("ca.crt"))
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args(["-H", &format!("Content-Type: {content_type}"), "-X", "POST"])
        .arg("--data-binary")
        .arg(format!("@{}", body_file.display()))
        .arg(format!("{}{path}", hub.url))
        .output()
        .expect("curl runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_refused_upload_gets_its_answer_over_http2() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    k.ok(&["create", "serviceaccount", "nobody"]);
    let powerless = k.ok(&["create", "token", "nobody"]).trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("large.json");
    std::fs::write(&body, large_config_map()).unwrap();

    let config_maps = "/api/v1/namespaces/default/configmaps";
    let json = "application/json";
    let cases = [
        ("not-a-token", config_maps, json, "401 2"),
        (powerless.as_str(), config_maps, json, "403 2"),
        (
            hub.admin_token.as_str(),
            "/api/v1/namespaces/default/widgets",
            json,
            "404 2",
        ),
        (hub.admin_token.as_str(), config_maps, "text/plain", "415 2"),
    ];
    // The reset is a race with the upload: several tries make a regression show.
    for _ in 0..3 {
        for (token, path, content_type, answer) in cases {
            assert_eq!(
                curl_post(&hub, token, path, content_type, &body),
                answer,
                "{path} {content_type}"
            );
        }
    }
}
