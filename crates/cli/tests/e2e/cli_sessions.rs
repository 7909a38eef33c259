//! Users, personal Tokens and login sessions through the CLI (issue 4).

use serde_json::Value;
use tokenhub_testkit::TestHub;

use crate::tokenhub::{Tokenhub, ca_file, server_flags, with};

/// `--server`, `--certificate-authority` and `--token TOKEN` for `hub`.
fn as_token(hub: &TestHub, token: &str) -> Vec<String> {
    let mut flags = server_flags(hub);
    flags.extend(["--token".to_string(), token.to_string()]);
    flags
}

#[test]
fn admins_manage_users() {
    let hub = TestHub::start();
    let t = Tokenhub::admin(&hub);
    let out = t.ok_stdin(
        &[
            "users",
            "create",
            "alice",
            "--group",
            "devs",
            "--display-name",
            "Alice",
            "--password-stdin",
        ],
        "correct-horse-battery-1\n",
    );
    assert_eq!(out, "user.tokenhub.io/alice created\n");
    let groups = t.ok(&["users", "get", "alice", "-o", "jsonpath={.spec.groups}"]);
    assert_eq!(groups, r#"["devs"]"#);
    assert!(t.ok(&["users", "list"]).contains("alice   Alice"));

    assert_eq!(
        t.ok(&["users", "disable", "alice"]),
        "user.tokenhub.io/alice disabled\n"
    );
    assert_eq!(
        t.ok(&["users", "get", "alice", "-o", "jsonpath={.spec.enabled}"]),
        "false"
    );
    assert_eq!(
        t.ok(&["users", "enable", "alice"]),
        "user.tokenhub.io/alice enabled\n"
    );
    assert_eq!(
        t.ok(&["users", "get", "alice", "-o", "jsonpath={.spec.enabled}"]),
        "true"
    );
    assert_eq!(
        t.ok_stdin(
            &["users", "set-password", "alice", "--password-stdin"],
            "correct-horse-battery-2\n"
        ),
        "user.tokenhub.io/alice password set\n"
    );
    let short = t.fails_stdin(
        &["users", "set-password", "alice", "--password-stdin"],
        "\n",
    );
    assert_eq!(short, "error: the password is empty");

    assert_eq!(
        t.ok(&["users", "delete", "alice"]),
        "users.tokenhub.io \"alice\" deleted\n"
    );
    assert_eq!(
        t.fails(&["users", "get", "alice"]),
        "error: users.tokenhub.io \"alice\" not found"
    );
}

#[test]
fn personal_tokens_are_created_shown_once_updated_and_deleted() {
    let hub = TestHub::start();
    let t = Tokenhub::admin(&hub);
    let run = t.run(&["tokens", "create", "--description", "ci", "--ttl", "2h"]);
    assert!(run.status.success(), "{}", run.stderr);
    let bearer = run.stdout.trim().to_string();
    assert!(bearer.starts_with("tht_token-"), "{bearer}");
    assert!(
        run.stderr.contains("cannot be shown again"),
        "{}",
        run.stderr
    );
    let name = run
        .stderr
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches("token.tokenhub.io/")
        .to_string();

    // The new token works on its own.
    let me = Tokenhub::new();
    let who = me.ok(&with(
        &["whoami", "-o", "jsonpath={.status.userInfo.username}"],
        &as_token(&hub, &bearer),
    ));
    assert_eq!(
        who,
        t.ok(&["whoami", "-o", "jsonpath={.status.userInfo.username}"])
    );

    let table = t.ok(&["tokens", "list", "-o", "wide"]);
    let row = table
        .lines()
        .find(|l| l.starts_with(&name))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains(" 2h ") && row.ends_with("ci"), "{row}");
    assert_eq!(
        t.ok(&["tokens", "get", &name, "-o", "jsonpath={.spec.description}"]),
        "ci"
    );
    let shown = t.ok(&["tokens", "get", &name, "-o", "json"]);
    assert!(
        !shown.contains(bearer.as_str()),
        "the secret is never shown again"
    );

    assert_eq!(
        t.ok(&[
            "tokens",
            "update",
            &name,
            "--disable",
            "--description",
            "paused"
        ]),
        format!("token.tokenhub.io/{name} updated\n")
    );
    let refused = me.fails(&with(&["whoami"], &as_token(&hub, &bearer)));
    assert!(refused.contains("Unauthorized"), "{refused}");
    t.ok(&["tokens", "update", &name, "--enable", "--ttl", "1h"]);
    me.ok(&with(&["whoami"], &as_token(&hub, &bearer)));
    assert_eq!(
        t.ok(&["tokens", "get", &name, "-o", "jsonpath={.spec.ttl}"]),
        "3600000"
    );
    let nothing = t.fails(&["tokens", "update", &name]);
    assert!(nothing.contains("nothing to update"), "{nothing}");

    let created: Value = serde_json::from_str(&t.ok(&["tokens", "create", "-o", "json"])).unwrap();
    assert!(
        created["status"]["value"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    assert!(
        created["status"]["bearerToken"]
            .as_str()
            .unwrap()
            .starts_with("tht_")
    );

    assert_eq!(
        t.ok(&["tokens", "delete", &name]),
        format!("tokens.tokenhub.io \"{name}\" deleted\n")
    );
    me.fails(&with(&["whoami"], &as_token(&hub, &bearer)));
    let bad_ttl = t.run(&["tokens", "create", "--ttl", "2 hours"]);
    assert_eq!(bad_ttl.status.code(), Some(2), "{}", bad_ttl.stderr);
}

#[test]
fn login_stores_a_session_that_logout_revokes() {
    let hub = TestHub::start();
    let admin = Tokenhub::admin(&hub);
    admin.ok_stdin(
        &[
            "users",
            "create",
            "alice",
            "--group",
            "devs",
            "--password-stdin",
        ],
        "correct-horse-battery-1\n",
    );

    let t = Tokenhub::new();
    let ca = ca_file(&hub);
    let wrong = t.fails_stdin(
        &[
            "login",
            "--server",
            &hub.url,
            "--certificate-authority",
            &ca,
            "-u",
            "alice",
            "--password-stdin",
        ],
        "wrong-password\n",
    );
    let unknown = t.fails_stdin(
        &[
            "login",
            "--server",
            &hub.url,
            "--certificate-authority",
            &ca,
            "-u",
            "nobody",
            "--password-stdin",
        ],
        "wrong-password\n",
    );
    assert_eq!(
        wrong, unknown,
        "the same refusal whether the user exists or not"
    );

    let out = t.ok_stdin(
        &[
            "login",
            "--server",
            &hub.url,
            "--certificate-authority",
            &ca,
            "-u",
            "alice",
            "--password-stdin",
        ],
        "correct-horse-battery-1\n",
    );
    assert!(
        out.starts_with(&format!(
            "Logged in to {} as alice (profile \"default\")",
            hub.url
        )),
        "{out}"
    );
    assert_eq!(
        std::fs::metadata(t.config_path())
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
            .unwrap(),
        0o600
    );
    assert_eq!(
        t.ok(&["whoami", "-o", "jsonpath={.status.userInfo.username}"]),
        "alice"
    );
    let exec: Value = serde_json::from_str(&t.ok(&["auth", "exec-credential"])).unwrap();
    let session = exec["status"]["token"].as_str().unwrap().to_string();

    // Alice's own tokens.
    let bearer = t.ok(&["tokens", "create", "--description", "laptop"]);
    assert!(bearer.starts_with("tht_"));
    let mine = t.ok(&["tokens", "list", "-o", "jsonpath={.items[*].spec.userID}"]);
    assert!(mine.split(' ').all(|u| u == "alice"), "{mine}");
    let forbidden = t.fails(&["users", "list"]);
    assert!(forbidden.contains("forbidden"), "{forbidden}");

    // Alice changes her own password with the current one.
    t.ok_stdin(
        &[
            "users",
            "set-password",
            "alice",
            "--password-stdin",
            "--with-current",
        ],
        "correct-horse-battery-1\ncorrect-horse-battery-9\n",
    );

    assert!(t.ok(&["logout"]).starts_with("Logged out"));
    let gone = Tokenhub::new().fails(&with(&["whoami"], &as_token(&hub, &session)));
    assert!(gone.contains("Unauthorized"), "{gone}");
    let none = t.fails(&["logout"]);
    assert!(none.contains("holds no login session"), "{none}");

    // Logging in again reuses the profile's server and CA.
    t.ok_stdin(
        &["login", "-u", "alice", "--password-stdin"],
        "correct-horse-battery-9\n",
    );
    assert_eq!(
        t.ok(&["whoami", "-o", "jsonpath={.status.userInfo.username}"]),
        "alice"
    );

    // A disabled user's session fails at once.
    admin.ok(&["users", "disable", "alice"]);
    t.fails(&["whoami"]);
}
