//! Profiles in a 0600 file, the kubeconfig they make for the real kubectl (through the exec
//! credential plugin, or with the token embedded), and shell completions.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;
use tokenhub_testkit::TestHub;

use crate::kubectl::{Kubectl, rows};
use crate::tokenhub::{Tokenhub, ca_file};

const TOKEN_ID: &str = "2iKo4Asy51EUx2gpJFW76t";
const TOKEN_SECRET: &str = "Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn profiles_are_added_listed_switched_and_deleted() {
    let t = Tokenhub::new();
    assert_eq!(
        t.ok(&[
            "auth",
            "add-profile",
            "token",
            "ci",
            "https://hub.example:7443",
            TOKEN_ID,
            TOKEN_SECRET
        ]),
        "Profile \"ci\" added; it is the current profile.\n"
    );
    t.ok(&[
        "auth",
        "add-profile",
        "token",
        "prod",
        "https://prod.example/",
        TOKEN_ID,
        TOKEN_SECRET,
    ]);
    let path = t.config_path();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);

    let list = t.ok(&["auth", "list-profiles"]);
    assert_eq!(
        rows(&list),
        [
            vec!["CURRENT", "NAME", "SERVER", "CREDENTIAL"],
            vec!["*", "ci", "https://hub.example:7443", "api-token", TOKEN_ID],
            vec!["prod", "https://prod.example", "api-token", TOKEN_ID],
        ]
    );
    t.ok(&["auth", "use-profile", "prod"]);
    assert!(t.ok(&["auth", "list-profiles"]).contains("*         prod"));
    assert_eq!(
        t.fails(&["auth", "use-profile", "nope"]),
        "error: no profile named \"nope\""
    );
    t.ok(&["auth", "delete-profile", "prod"]);
    let list = t.ok(&["auth", "list-profiles"]);
    assert!(!list.contains("prod") && !list.contains('*'), "{list}");
    assert_eq!(mode(&path), 0o600, "still private after rewriting");

    let typo = t.fails(&[
        "auth",
        "add-profile",
        "token",
        "x",
        "https://hub",
        "short",
        TOKEN_SECRET,
    ]);
    assert!(typo.contains("not an API token id and secret"), "{typo}");

    // The bearer of an API-token profile is the hub's tha_ form.
    let exec = t.ok(&["auth", "exec-credential", "--profile", "ci"]);
    let exec: Value = serde_json::from_str(&exec).unwrap();
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(exec["kind"], "ExecCredential");
    let token = exec["status"]["token"].as_str().unwrap();
    assert!(
        token.starts_with(&format!("tha_{TOKEN_ID}_{TOKEN_SECRET}")),
        "{token}"
    );
}

#[test]
fn a_profile_makes_a_kubeconfig_that_kubectl_uses_through_the_exec_plugin() {
    let hub = TestHub::start();
    let t = Tokenhub::new();
    t.ok(&[
        "auth",
        "add-profile",
        "bearer",
        "hub",
        &hub.url,
        "--token",
        &hub.admin_token,
        "--certificate-authority",
        &ca_file(&hub),
    ]);
    // The profile is current: no kubeconfig needed for tokenhub itself.
    let admin_whoami = Tokenhub::admin(&hub).ok(&["whoami"]);
    assert_eq!(t.ok(&["whoami"]), admin_whoami);
    assert_eq!(t.ok(&["whoami", "--profile", "hub"]), admin_whoami);

    let file = t.home().join("hub.kubeconfig");
    t.ok(&[
        "kubeconfig",
        "--profile",
        "hub",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(mode(&file), 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(&hub.admin_token),
        "the secret stays in the profile file"
    );
    assert!(text.contains("exec-credential"), "{text}");
    assert!(text.contains(env!("CARGO_BIN_EXE_tokenhub")), "{text}");

    let k = Kubectl::with_kubeconfig(&file);
    let namespaces = k.ok(&["get", "namespaces", "-o", "name"]);
    assert!(namespaces.contains("namespace/tokenhub"), "{namespaces}");
    assert_eq!(k.ok(&["auth", "whoami"]), admin_whoami);

    // Embedded: the token is in the file, and kubectl needs no tokenhub.
    let embedded = t.ok(&["kubeconfig", "--embed-token"]);
    assert!(
        embedded.contains(&format!("token: {}", hub.admin_token)),
        "{embedded}"
    );
    assert!(!embedded.contains("exec"), "{embedded}");
    let file = t.home().join("embedded.kubeconfig");
    std::fs::write(&file, embedded).unwrap();
    let k = Kubectl::with_kubeconfig(&file);
    assert_eq!(k.ok(&["auth", "whoami"]), admin_whoami);

    // The kubeconfig names the profile file, so kubectl finds it from any environment.
    let elsewhere = Kubectl::with_kubeconfig(&t.home().join("hub.kubeconfig"));
    let run = elsewhere
        .command(&["get", "namespaces"])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn explicit_flags_win_over_the_current_profile() {
    let hub = TestHub::start();
    let t = Tokenhub::admin(&hub);
    // A current profile pointing nowhere useful…
    t.ok(&[
        "auth",
        "add-profile",
        "token",
        "broken",
        "https://127.0.0.1:1",
        TOKEN_ID,
        TOKEN_SECRET,
    ]);
    let line = t.fails(&["whoami"]);
    assert!(line.contains("https://127.0.0.1:1"), "{line}");
    // …is passed over by --kubeconfig, and by --server with --token.
    let kubeconfig = hub.kubeconfig();
    let via_kubeconfig = t.ok(&["whoami", "--kubeconfig", kubeconfig.to_str().unwrap()]);
    assert!(via_kubeconfig.contains("Username"), "{via_kubeconfig}");
    let via_flags = t.ok(&[
        "whoami",
        "--server",
        &hub.url,
        "--token",
        &hub.admin_token,
        "--certificate-authority",
        &ca_file(&hub),
    ]);
    assert_eq!(via_flags, via_kubeconfig);
    // Without a current profile, KUBECONFIG is used as kubectl uses it.
    t.ok(&["auth", "delete-profile", "broken"]);
    assert_eq!(t.ok(&["whoami"]), via_kubeconfig);
}

#[test]
fn completions_for_three_shells() {
    let t = Tokenhub::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = t.ok(&["completion", shell]);
        assert!(script.contains("tokenhub"), "{shell}");
        assert!(script.contains("apitokens"), "{shell}");
        assert!(script.contains("add-profile"), "{shell}");
    }
    let run = t.run(&["completion", "powershell"]);
    assert_eq!(run.status.code(), Some(2));
}
