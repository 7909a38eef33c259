//! No secret reaches the hub's log: passwords, Token and API token secrets, session tokens and
//! ServiceAccount tokens are used, refused, regenerated and revoked against a hub that logs
//! everything (`--log trace`), and then its whole log is searched for each of them.

use serde_json::Value;
use tokenhub_core::credentials::{hash_secret, hash_to_hex};

use crate::kubectl::Kubectl;
use crate::served::{Served, admin_token};
use crate::tokenhub::Tokenhub;

const FIRST_PASSWORD: &str = "first-password-of-alice";
const SECOND_PASSWORD: &str = "second-password-of-alice";
const WRONG_PASSWORD: &str = "wrong-password-of-alice";

fn text(answer: &str, pointer: &str) -> String {
    let v: Value = serde_json::from_str(answer).unwrap();
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} in {answer}"))
        .to_string()
}

#[test]
fn no_secret_reaches_the_log_even_at_trace_level() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let hub = Served::start(&data_dir, &["--log", "trace"]);
    let ca = data_dir.join("ca.crt").to_string_lossy().into_owned();
    let server = ["--server", hub.url.as_str(), "--certificate-authority", &ca];
    let initial_password = std::fs::read_to_string(data_dir.join("initial-admin-password"))
        .unwrap()
        .trim()
        .to_string();
    let mut secrets = vec![admin_token(&data_dir)];

    let admin = Tokenhub::with_kubeconfig(&data_dir.join("admin.kubeconfig"));
    let password = |p: &str| format!("{p}\n");
    admin.ok_stdin(
        &["users", "create", "alice", "--password-stdin"],
        &password(FIRST_PASSWORD),
    );
    admin.ok_stdin(
        &["users", "set-password", "alice", "--password-stdin"],
        &password(SECOND_PASSWORD),
    );

    // Alice logs in, with a wrong password first.
    let alice = Tokenhub::new();
    let login = |p: &str| {
        let mut args = vec!["login", "-u", "alice", "--password-stdin"];
        args.extend(server);
        alice.run_stdin(&args, &password(p))
    };
    assert!(!login(WRONG_PASSWORD).status.success());
    assert!(login(SECOND_PASSWORD).status.success());
    let exec = alice.ok(&["auth", "exec-credential"]);
    secrets.push(text(&exec, "/status/token"));

    // Her personal Token: created, used, presented with a wrong secret, then deleted.
    let created = alice.ok(&["tokens", "create", "--description", "ci", "-o", "json"]);
    let bearer = text(&created, "/status/bearerToken");
    let name = text(&created, "/metadata/name");
    secrets.push(text(&created, "/status/value"));
    secrets.push(bearer.clone());
    let as_bearer = |token: &str, args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(server);
        all.extend(["--token", token]);
        Tokenhub::new().run(&all)
    };
    assert!(as_bearer(&bearer, &["whoami"]).status.success());
    let mistyped = format!("{}x", &bearer[..bearer.len() - 1]);
    assert!(!as_bearer(&mistyped, &["whoami"]).status.success());
    let rancher = format!("ext/{name}:{}", text(&created, "/status/value"));
    assert!(as_bearer(&rancher, &["whoami"]).status.success());
    let wrong_secret = format!("ext/{name}:{}", "A".repeat(43));
    assert!(!as_bearer(&wrong_secret, &["whoami"]).status.success());
    alice.ok(&["tokens", "delete", &name]);
    assert!(!as_bearer(&bearer, &["whoami"]).status.success());

    // An API token: created, used, regenerated, its old secret refused, deleted.
    let created = admin.ok(&[
        "apitokens",
        "create",
        "--name",
        "ci",
        "--role",
        "User",
        "-o",
        "json",
    ]);
    let id = text(&created, "/metadata/name");
    let first = text(&created, "/status/bearerToken");
    secrets.push(text(&created, "/status/secret"));
    secrets.push(first.clone());
    assert!(as_bearer(&first, &["whoami"]).status.success());
    let regenerated = admin.ok(&["apitokens", "regenerate", &id, "-o", "json"]);
    let second = text(&regenerated, "/status/bearerToken");
    secrets.push(text(&regenerated, "/status/secret"));
    secrets.push(second.clone());
    assert!(!as_bearer(&first, &["whoami"]).status.success());
    assert!(as_bearer(&second, &["whoami"]).status.success());
    admin.ok(&["apitokens", "delete", &id]);
    assert!(!as_bearer(&second, &["whoami"]).status.success());

    // A ServiceAccount token, used and then refused once its account is gone.
    let kubectl = Kubectl::with_kubeconfig(&data_dir.join("admin.kubeconfig"));
    kubectl.ok(&["create", "serviceaccount", "bot"]);
    let jwt = kubectl.ok(&["create", "token", "bot"]).trim().to_string();
    secrets.push(jwt.clone());
    assert!(as_bearer(&jwt, &["whoami"]).status.success());
    kubectl.ok(&["delete", "serviceaccount", "bot"]);
    assert!(!as_bearer(&jwt, &["whoami"]).status.success());

    assert!(alice.ok(&["logout"]).starts_with("Logged out"));
    let log = hub.stop();

    assert!(
        log.contains("TRACE"),
        "the hub logged at trace level:\n{log}"
    );
    assert!(
        log.contains("authentication failed"),
        "the refusals were logged:\n{log}"
    );
    assert_eq!(
        log.matches(&initial_password).count(),
        1,
        "the initial password is printed once, at the first start"
    );
    for password in [FIRST_PASSWORD, SECOND_PASSWORD, WRONG_PASSWORD] {
        assert!(!log.contains(password), "a password in the log");
    }
    for secret in &secrets {
        // Enough of each that a log of a prefix or a truncation is found too.
        let head = &secret[..secret.len().min(24)];
        let tail = &secret[secret.len().saturating_sub(24)..];
        for part in [secret.as_str(), head, tail] {
            assert!(!log.contains(part), "a secret in the log: {part:.8}…");
        }
        assert!(
            !log.contains(&hash_to_hex(&hash_secret(secret))),
            "a secret's hash in the log"
        );
    }
}
