//! Errors are one line on stderr and exit code 1: the server's Status message as it is, or
//! what went wrong on the way there. Never a backtrace.

use tokenhub_testkit::TestHub;

use crate::kubectl::Kubectl;
use crate::tokenhub::{Tokenhub, ca_file, server_flags, with};

#[test]
fn a_forbidden_request_prints_the_servers_message() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    k.ok(&["create", "serviceaccount", "bot", "-n", "default"]);
    let token = k.ok(&["create", "token", "bot", "-n", "default"]);
    let mut flags = server_flags(&hub);
    flags.extend(["--token".to_string(), token.trim().to_string()]);
    let t = Tokenhub::new();
    let mine = t.fails(&with(&["users", "list"], &flags));
    let theirs = k.fails(&["get", "users", "--token", token.trim()]);
    let message = theirs
        .trim_end()
        .strip_prefix("Error from server (Forbidden): ")
        .unwrap_or_else(|| panic!("kubectl said {theirs}"));
    assert_eq!(mine, format!("error: {message}"));
    assert!(mine.contains("cannot list resource \"users\""), "{mine}");
}

#[test]
fn not_found_and_bad_credentials() {
    let hub = TestHub::start();
    let t = Tokenhub::admin(&hub);
    assert_eq!(
        t.fails(&["tokens", "get", "token-nope0"]),
        r#"error: tokens.tokenhub.io "token-nope0" not found"#
    );
    let mut flags = server_flags(&hub);
    flags.extend(["--token".to_string(), "not-a-token".to_string()]);
    let line = Tokenhub::new().fails(&with(&["whoami"], &flags));
    assert!(line.contains("Unauthorized"), "{line}");
}

#[test]
fn transport_and_tls_problems_are_one_clear_line() {
    let hub = TestHub::start();
    let t = Tokenhub::new();
    // Nothing listens on port 1.
    let line = t.fails(&["whoami", "--server", "https://127.0.0.1:1", "--token", "x"]);
    assert!(
        line.starts_with("error: the connection to https://127.0.0.1:1 failed: "),
        "{line}"
    );
    assert!(line.contains("refused"), "{line}");

    // Without the hub's CA its certificate is not trusted, and nothing turns checking off.
    let line = t.fails(&["whoami", "--server", &hub.url, "--token", "x"]);
    assert!(line.contains("certificate"), "{line}");
    assert!(line.contains("--certificate-authority"), "{line}");

    // Another hub's CA is not this one's.
    let other = TestHub::start();
    let line = t.fails(&[
        "whoami",
        "--server",
        &hub.url,
        "--token",
        "x",
        "--certificate-authority",
        &ca_file(&other),
    ]);
    assert!(line.contains("certificate"), "{line}");

    let not_pem = t.home().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let line = t.fails(&[
        "whoami",
        "--server",
        &hub.url,
        "--certificate-authority",
        not_pem.to_str().unwrap(),
    ]);
    assert_eq!(
        line,
        "error: the certificate authority is not a PEM certificate"
    );
    let line = t.fails(&[
        "whoami",
        "--server",
        &hub.url,
        "--certificate-authority",
        "/nonexistent/ca.crt",
    ]);
    assert!(
        line.starts_with("error: cannot read certificate authority /nonexistent/ca.crt"),
        "{line}"
    );

    let line = t.fails(&["whoami", "--server", "http://127.0.0.1:1"]);
    assert!(line.contains("https://"), "{line}");
}

#[test]
fn a_broken_kubeconfig_is_named() {
    let t = Tokenhub::new();
    let path = t.home().join("kubeconfig");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\n",
    )
    .unwrap();
    let line = t.fails(&["whoami", "--kubeconfig", path.to_str().unwrap()]);
    assert!(line.ends_with("context \"gone\" does not exist"), "{line}");
}
