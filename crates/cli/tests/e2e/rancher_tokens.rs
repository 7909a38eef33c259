//! The Rancher Tokens seed (`tokens.ext.cattle.io`) with the real kubectl, every command as the
//! seed writes it, run by users of the hub with their own tokens; and what the issue adds:
//! owners only, ttl rules, ServiceAccounts refused, revocation at once, the feature flag, and
//! logins that do not tell users apart.

use std::path::PathBuf;

use serde_json::{Value, json};
use tokenhub_testkit::TestHub;

use crate::kubectl::{Kubectl, Run};

const PASSWORD: &str = "correct horse battery";

/// The seed's three manifests, byte for byte (heredoc bodies).
const EMPTY_TOKEN: &str = "apiVersion: ext.cattle.io/v1\nkind: Token\n";
const DESCRIBED_TOKEN: &str =
    "apiVersion: ext.cattle.io/v1\nkind: Token\nspec:\n  description: My Token\n";
const TWO_HOUR_TOKEN: &str =
    "apiVersion: ext.cattle.io/v1\nkind: Token\nspec:\n  ttl: 7200000 # 2 hours\n";

/// The seed's `kubectl create -o jsonpath='{.status.value}' -f -` (the shell strips the quotes).
const CREATE: &[&str] = &["create", "-o", "jsonpath={.status.value}", "-f", "-"];

/// kubectl as the holder of `token` (the admin kubeconfig supplies the server and CA).
fn args_as<'a>(token: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--token", token];
    all.extend_from_slice(args);
    all
}

/// kubectl's arguments for a merge patch of `resource` `name`.
fn merge_patch<'a>(resource: &'a str, name: &'a str, patch: &'a str) -> [&'a str; 7] {
    ["patch", resource, name, "--type", "merge", "-p", patch]
}

fn run_as(k: &Kubectl, token: &str, args: &[&str]) -> Run {
    k.run(&args_as(token, args))
}

#[track_caller]
fn ok_as(k: &Kubectl, token: &str, args: &[&str]) -> String {
    k.ok(&args_as(token, args))
}

#[track_caller]
fn fails_as(k: &Kubectl, token: &str, args: &[&str]) -> String {
    k.fails(&args_as(token, args))
}

/// Creates User `name` with kubectl (as the admin) and sets its password through the password
/// subresource.
fn create_user(k: &Kubectl, name: &str) {
    let manifest = format!(
        "apiVersion: tokenhub.io/v1\nkind: User\nmetadata:\n  name: {name}\nspec:\n  displayName: {name}\n"
    );
    assert_eq!(
        k.ok_stdin(&["create", "-f", "-"], &manifest).trim(),
        format!("user.tokenhub.io/{name} created")
    );
    let body = json!({"password": PASSWORD}).to_string();
    let path = format!("/apis/tokenhub.io/v1/users/{name}/password");
    let answer: Value =
        serde_json::from_str(&k.ok_stdin(&["create", "--raw", &path, "-f", "-"], &body)).unwrap();
    assert_eq!(answer["status"], "Success", "{answer}");
}

/// A login: the raw answer of `POST loginrequests`.
fn login(k: &Kubectl, user: &str, password: &str) -> Run {
    let body = json!({"apiVersion": "tokenhub.io/v1", "kind": "LoginRequest",
                      "spec": {"username": user, "password": password}})
    .to_string();
    k.run_with_stdin(
        &[
            "create",
            "--raw",
            "/apis/tokenhub.io/v1/loginrequests",
            "-f",
            "-",
        ],
        &body,
    )
}

/// A session token of `user`.
fn session(k: &Kubectl, user: &str) -> String {
    let run = login(k, user, PASSWORD);
    assert!(run.status.success(), "{}", run.stderr);
    let answer: Value = serde_json::from_str(&run.stdout).unwrap();
    answer["status"]["bearerToken"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A new user, logged in: their session token.
fn user(k: &Kubectl, name: &str) -> String {
    create_user(k, name);
    session(k, name)
}

/// The cells of a kubectl table, cut at the header's column starts (cells may hold spaces
/// and may be empty, as KIND usually is).
fn table(out: &str) -> Vec<Vec<String>> {
    let mut lines = out.lines();
    let header = lines.next().unwrap_or_default();
    let mut starts = Vec::new();
    let mut previous = ' ';
    for (i, c) in header.char_indices() {
        if c != ' ' && previous == ' ' {
            starts.push(i);
        }
        previous = c;
    }
    std::iter::once(header)
        .chain(lines)
        .map(|line| {
            starts
                .iter()
                .enumerate()
                .map(|(n, &start)| {
                    let end = starts.get(n + 1).copied().unwrap_or(line.len());
                    line.get(start..end.min(line.len()))
                        .unwrap_or_default()
                        .trim()
                        .to_string()
                })
                .collect()
        })
        .collect()
}

/// The row of `name` in a table, without its AGE (which moves).
fn row<'a>(rows: &'a [Vec<String>], name: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == name)
        .unwrap_or_else(|| panic!("no row {name}: {rows:?}"))
}

/// The names in a table.
fn listed(out: &str) -> Vec<String> {
    table(out)
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect()
}

/// The name of the token of `user` with `description` (the seed's create prints the value).
fn named(k: &Kubectl, token: &str, description: &str) -> String {
    let out = ok_as(
        k,
        token,
        &[
            "get",
            "tokens.ext.cattle.io",
            "-o",
            &format!("jsonpath={{.items[?(@.spec.description==\"{description}\")].metadata.name}}"),
        ],
    );
    assert!(out.starts_with("token-") && out.len() == 11, "{out:?}");
    out
}

/// A script for KUBE_EDITOR that appends what kubectl hands it to `edits.log` (kubectl shows
/// a refused edit's reasons in the file it opens again) and runs `sed expression` on it.
fn editor(k: &Kubectl, expression: &str) -> PathBuf {
    let path = k.home().join("editor.sh");
    let log = k.home().join("edits.log");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\ncat \"$1\" >> '{}'\nsed -i '{expression}' \"$1\"\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// What the editor was shown so far.
fn edits(k: &Kubectl) -> String {
    std::fs::read_to_string(k.home().join("edits.log")).unwrap_or_default()
}

fn edit_as(k: &Kubectl, token: &str, name: &str, expression: &str) -> Run {
    k.command(&args_as(token, &["edit", "tokens.ext.cattle.io", name]))
        .env("KUBE_EDITOR", editor(k, expression))
        // A refused edit leaves a copy in the temporary directory: the test's own.
        .env("TMPDIR", k.home())
        .output()
        .unwrap()
        .into()
}

fn whoami(k: &Kubectl, token: &str) -> String {
    ok_as(
        k,
        token,
        &[
            "auth",
            "whoami",
            "-o",
            "jsonpath={.status.userInfo.username}",
        ],
    )
}

const UNAUTHORIZED: &str = "error: You must be logged in to the server (Unauthorized)";

/// kubectl's last word when the server refuses its credential (after discovery failed too).
#[track_caller]
fn assert_refused(stderr: &str) {
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: You must be logged in to the server ("),
        "{stderr}"
    );
}

#[test]
fn every_command_of_the_rancher_seed_works_as_written() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let alice = user(&k, "alice");

    // Creating a Token: the value is printed, and nothing else.
    let mut values = Vec::new();
    for manifest in [EMPTY_TOKEN, DESCRIBED_TOKEN, TWO_HOUR_TOKEN] {
        let value = k.ok_stdin(&args_as(&alice, CREATE), manifest);
        assert_eq!(value.len(), 43, "{value:?}");
        assert!(
            value.chars().all(|c| c.is_ascii_alphanumeric()),
            "{value:?}"
        );
        values.push(value);
    }
    let described = named(&k, &alice, "My Token");
    // The Rancher form of the credential authenticates.
    let rancher_form = format!("ext/{described}:{}", values[1]);
    assert_eq!(whoami(&k, &rancher_form), "alice");

    // Listing Tokens.
    let out = ok_as(&k, &alice, &["get", "tokens.ext.cattle.io"]);
    let rows = table(&out);
    assert_eq!(rows[0], ["NAME", "KIND", "TTL", "AGE"], "{out}");
    assert_eq!(rows.len(), 5, "three tokens and the login session:\n{out}");
    let mut ttls: Vec<(String, String)> = rows[1..]
        .iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    ttls.sort();
    assert_eq!(
        ttls,
        [
            (String::new(), "2h".into()),
            (String::new(), "90d".into()),
            (String::new(), "90d".into()),
            ("session".into(), "16h".into()),
        ],
        "{out}"
    );
    assert_eq!(&row(&rows, &described)[1..3], ["", "90d"]);

    let out = ok_as(&k, &alice, &["get", "tokens.ext.cattle.io", "-o", "wide"]);
    let rows = table(&out);
    assert_eq!(
        rows[0],
        ["NAME", "USER", "KIND", "TTL", "AGE", "DESCRIPTION"],
        "{out}"
    );
    let wide = row(&rows, &described);
    assert_eq!(&wide[1..4], ["alice", "", "90d"], "{out}");
    assert_eq!(wide[5], "My Token", "{out}");

    // Viewing a Token.
    let out = ok_as(&k, &alice, &["get", "tokens.ext.cattle.io", &described]);
    let rows = table(&out);
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(rows[0], ["NAME", "KIND", "TTL", "AGE"]);
    assert_eq!(&rows[1][..3], [described.as_str(), "", "90d"]);
    let out = ok_as(
        &k,
        &alice,
        &["get", "tokens.ext.cattle.io", &described, "-o", "wide"],
    );
    let rows = table(&out);
    assert_eq!(
        rows[0],
        ["NAME", "USER", "KIND", "TTL", "AGE", "DESCRIPTION"]
    );
    assert_eq!(&rows[1][..4], [described.as_str(), "alice", "", "90d"]);
    assert_eq!(rows[1][5], "My Token");
    // No read shows the value again.
    let yaml = ok_as(
        &k,
        &alice,
        &["get", "tokens.ext.cattle.io", &described, "-o", "yaml"],
    );
    assert!(
        !yaml.contains(&values[1]) && !yaml.contains("bearerToken"),
        "{yaml}"
    );
    assert!(yaml.contains("apiVersion: ext.cattle.io/v1"), "{yaml}");

    // Updating a Token.
    let run = edit_as(
        &k,
        &alice,
        &described,
        "s/^  description: My Token$/  description: edited with kubectl/",
    );
    assert!(run.status.success(), "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.trim(),
        format!("token.ext.cattle.io/{described} edited")
    );
    assert_eq!(
        ok_as(
            &k,
            &alice,
            &[
                "get",
                "tokens.ext.cattle.io",
                &described,
                "-o",
                "jsonpath={.spec.description}"
            ]
        ),
        "edited with kubectl"
    );
    // The edited token still authenticates.
    assert_eq!(whoami(&k, &rancher_form), "alice");

    // Deleting a Token.
    assert_eq!(
        ok_as(&k, &alice, &["delete", "tokens.ext.cattle.io", &described]).trim(),
        format!("token.ext.cattle.io \"{described}\" deleted")
    );
    assert_eq!(
        fails_as(&k, &rancher_form, &["auth", "whoami"]).trim(),
        UNAUTHORIZED
    );
    let left = listed(&ok_as(&k, &alice, &["get", "tokens.ext.cattle.io"]));
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(!left.contains(&described));
}

#[test]
fn the_feature_flag_takes_the_token_api_away_and_brings_it_back() {
    let hub = TestHub::start();
    let admin = Kubectl::new(&hub);
    let alice = user(&admin, "alice");
    let value = admin.ok_stdin(&args_as(&alice, CREATE), DESCRIBED_TOKEN);
    let name = named(&admin, &alice, "My Token");
    let rancher_form = format!("ext/{name}:{value}");

    // As the seed writes it.
    assert_eq!(
        admin
            .ok(&[
                "patch",
                "feature",
                "ext-tokens",
                "-p",
                r#"{"spec":{"value":false}}"#
            ])
            .trim(),
        "feature.tokenhub.io/ext-tokens patched"
    );
    let k = Kubectl::new(&hub);
    assert_eq!(
        fails_as(&k, &alice, &["get", "tokens.ext.cattle.io"]).trim(),
        "error: the server doesn't have a resource type \"tokens\""
    );
    let not_found =
        "Error from server (NotFound): the server could not find the requested resource";
    for path in [
        "/apis/ext.cattle.io/v1/tokens".to_string(),
        format!("/apis/ext.cattle.io/v1/tokens/{name}"),
        "/apis/tokenhub.io/v1/tokens".to_string(),
    ] {
        assert_eq!(
            fails_as(&k, &alice, &["get", "--raw", &path]).trim(),
            not_found
        );
    }
    let run = k.run_with_stdin(&args_as(&alice, CREATE), EMPTY_TOKEN);
    assert!(!run.status.success(), "{}", run.stdout);
    let api_resources = ok_as(&k, &alice, &["api-resources"]);
    assert!(!api_resources.contains("ext.cattle.io"), "{api_resources}");
    // Tokens that exist still authenticate, session and derived, in either form.
    assert_eq!(whoami(&k, &alice), "alice");
    assert_eq!(whoami(&k, &rancher_form), "alice");

    assert_eq!(
        admin
            .ok(&[
                "patch",
                "feature",
                "ext-tokens",
                "-p",
                r#"{"spec":{"value":true}}"#
            ])
            .trim(),
        "feature.tokenhub.io/ext-tokens patched"
    );
    // The same kubectl finds the resource again (it refreshes discovery on a miss).
    let names = listed(&ok_as(&k, &alice, &["get", "tokens.ext.cattle.io"]));
    assert!(names.contains(&name), "{names:?}");
    assert_eq!(k.ok_stdin(&args_as(&alice, CREATE), EMPTY_TOKEN).len(), 43);
}

#[test]
fn a_user_cannot_see_get_or_delete_another_users_tokens_and_an_admin_can() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let alice = user(&k, "alice");
    let bob = user(&k, "bob");
    k.ok_stdin(&args_as(&alice, CREATE), DESCRIBED_TOKEN);
    let alices = named(&k, &alice, "My Token");

    let bobs = listed(&ok_as(&k, &bob, &["get", "tokens.ext.cattle.io"]));
    assert_eq!(bobs.len(), 1, "only bob's session: {bobs:?}");
    assert!(!bobs.contains(&alices));
    let not_found =
        format!("Error from server (NotFound): tokens.ext.cattle.io \"{alices}\" not found");
    assert_eq!(
        fails_as(&k, &bob, &["get", "tokens.ext.cattle.io", &alices]).trim(),
        not_found
    );
    assert_eq!(
        fails_as(&k, &bob, &["delete", "tokens.ext.cattle.io", &alices]).trim(),
        not_found
    );
    assert_eq!(
        fails_as(
            &k,
            &bob,
            &merge_patch(
                "tokens.ext.cattle.io",
                &alices,
                r#"{"spec":{"enabled":false}}"#
            )
        )
        .trim(),
        not_found
    );
    // Watching one token starts with a get of it; the timeout only bounds a regression.
    assert_eq!(
        fails_as(
            &k,
            &bob,
            &[
                "get",
                "tokens.ext.cattle.io",
                &alices,
                "--watch",
                "--request-timeout=20s"
            ]
        )
        .trim(),
        not_found
    );
    // A selector naming alice does not reach her tokens.
    let run = run_as(
        &k,
        &bob,
        &[
            "get",
            "tokens.ext.cattle.io",
            "-l",
            "tokenhub.io/user-id=alice",
        ],
    );
    assert!(run.status.success(), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.trim(), "No resources found");
    let run = run_as(
        &k,
        &bob,
        &[
            "get",
            "tokens.ext.cattle.io",
            "--field-selector",
            &format!("metadata.name={alices}"),
        ],
    );
    assert_eq!(run.stderr.trim(), "No resources found");

    // The admin sees, gets and deletes anyone's.
    let everyone = listed(&k.ok(&["get", "tokens.ext.cattle.io"]));
    assert!(everyone.contains(&alices), "{everyone:?}");
    assert_eq!(
        everyone.len(),
        4,
        "admin's kubeconfig token, two sessions, alice's: {everyone:?}"
    );
    let out = k.ok(&[
        "get",
        "tokens.ext.cattle.io",
        "-l",
        "tokenhub.io/user-id=alice",
        "-o",
        "wide",
    ]);
    let rows = table(&out);
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[1..].iter().all(|r| r[1] == "alice"), "{out}");
    k.ok(&["get", "tokens.ext.cattle.io", &alices]);
    assert_eq!(
        k.ok(&["delete", "tokens.ext.cattle.io", &alices]).trim(),
        format!("token.ext.cattle.io \"{alices}\" deleted")
    );
    let left = listed(&ok_as(&k, &alice, &["get", "tokens.ext.cattle.io"]));
    assert!(!left.contains(&alices), "{left:?}");
}

#[test]
fn users_may_only_reduce_the_ttl_and_an_admin_may_extend_it() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let alice = user(&k, "alice");
    k.ok_stdin(
        &args_as(&alice, CREATE),
        "apiVersion: ext.cattle.io/v1\nkind: Token\nspec:\n  description: ci\n  ttl: 7200000\n",
    );
    let name = named(&k, &alice, "ci");
    let ttl = |token: &str| {
        ok_as(
            &k,
            token,
            &[
                "get",
                "tokens.ext.cattle.io",
                &name,
                "-o",
                "jsonpath={.spec.ttl}",
            ],
        )
    };

    // Extending, by edit or by patch, is refused with the reason.
    let run = edit_as(&k, &alice, &name, "s/^  ttl: 7200000$/  ttl: 10800000/");
    assert!(!run.status.success(), "{}", run.stdout);
    assert!(
        run.stderr.starts_with(&format!(
            "error: tokens.ext.cattle.io \"{name}\" is invalid\n"
        )),
        "{}",
        run.stderr
    );
    let reason = "spec.ttl: Forbidden: may only be reduced; an administrator can extend it (the token's ttl is 7200000 ms, this update asks for 10800000 ms)";
    let shown = edits(&k);
    assert!(
        shown.contains(&format!(
            "# tokens.ext.cattle.io \"{name}\" was not valid:\n# * {reason}"
        )),
        "{shown}"
    );
    let refused = fails_as(
        &k,
        &alice,
        &merge_patch(
            "tokens.ext.cattle.io",
            &name,
            r#"{"spec":{"ttl":10800000}}"#,
        ),
    );
    assert_eq!(
        refused.trim(),
        format!("The Token \"{name}\" is invalid: {reason}")
    );
    assert_eq!(ttl(&alice), "7200000");

    // Reducing works, by edit and by patch (kubectl's default strategic merge patch).
    let run = edit_as(&k, &alice, &name, "s/^  ttl: 7200000$/  ttl: 3600000/");
    assert!(run.status.success(), "{}{}", run.stdout, run.stderr);
    assert_eq!(ttl(&alice), "3600000");
    assert_eq!(
        ok_as(
            &k,
            &alice,
            &[
                "patch",
                "tokens.ext.cattle.io",
                &name,
                "-p",
                r#"{"spec":{"ttl":1800000}}"#
            ]
        )
        .trim(),
        format!("token.ext.cattle.io/{name} patched")
    );
    let out = ok_as(&k, &alice, &["get", "tokens.ext.cattle.io", &name]);
    assert_eq!(table(&out)[1][2], "30m", "{out}");

    // The admin extends, up to the max (90 days).
    k.ok(&merge_patch(
        "tokens.ext.cattle.io",
        &name,
        r#"{"spec":{"ttl":7200000}}"#,
    ));
    assert_eq!(ttl(&alice), "7200000");
    k.ok(&merge_patch(
        "tokens.ext.cattle.io",
        &name,
        r#"{"spec":{"ttl":99999999999}}"#,
    ));
    assert_eq!(ttl(&alice), "7776000000");
    // userID and kind do not change.
    let immutable = fails_as(
        &k,
        &alice,
        &merge_patch(
            "tokens.ext.cattle.io",
            &name,
            r#"{"spec":{"userID":"bob","kind":"session"}}"#,
        ),
    );
    assert!(
        immutable.contains("spec.kind: Invalid value: \"session\": field is immutable")
            && immutable.contains("spec.userID: Invalid value: \"bob\": field is immutable"),
        "{immutable}"
    );
}

#[test]
fn a_service_account_token_cannot_create_a_token() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    k.ok(&["create", "serviceaccount", "robot"]);
    let robot = k.ok(&["create", "token", "robot"]).trim().to_string();
    let refused = k.fails_stdin(&args_as(&robot, CREATE), EMPTY_TOKEN);
    assert_eq!(
        refused.trim(),
        "Error from server (Forbidden): error when creating \"STDIN\": tokens.ext.cattle.io is forbidden: system:serviceaccount:default:robot is not a tokenhub user"
    );
    let run = run_as(&k, &robot, &["get", "tokens.ext.cattle.io"]);
    assert!(run.status.success(), "{}", run.stderr);
    assert_eq!(run.stderr.trim(), "No resources found");
}

#[test]
fn a_deleted_or_disabled_token_is_refused_at_once() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let alice = user(&k, "alice");
    let value = k.ok_stdin(&args_as(&alice, CREATE), DESCRIBED_TOKEN);
    let name = named(&k, &alice, "My Token");
    let token = format!("ext/{name}:{value}");
    assert_eq!(whoami(&k, &token), "alice");

    let disable = r#"{"spec":{"enabled":false}}"#;
    ok_as(
        &k,
        &alice,
        &merge_patch("tokens.ext.cattle.io", &name, disable),
    );
    assert_refused(&fails_as(&k, &token, &["get", "tokens.ext.cattle.io"]));
    ok_as(
        &k,
        &alice,
        &merge_patch(
            "tokens.ext.cattle.io",
            &name,
            r#"{"spec":{"enabled":true}}"#,
        ),
    );
    assert_eq!(whoami(&k, &token), "alice");

    ok_as(&k, &alice, &["delete", "tokens.ext.cattle.io", &name]);
    assert_eq!(
        fails_as(&k, &token, &["auth", "whoami"]).trim(),
        UNAUTHORIZED
    );
    // Logging out is deleting the session token (without --wait=false, kubectl would go on to
    // watch the deletion with the credential it just deleted).
    let session = listed(&ok_as(&k, &alice, &["get", "tokens.ext.cattle.io"]));
    assert_eq!(session.len(), 1, "{session:?}");
    assert_eq!(
        ok_as(
            &k,
            &alice,
            &[
                "delete",
                "tokens.ext.cattle.io",
                &session[0],
                "--wait=false"
            ]
        )
        .trim(),
        format!("token.ext.cattle.io \"{}\" deleted", session[0])
    );
    assert_eq!(
        fails_as(&k, &alice, &["auth", "whoami"]).trim(),
        UNAUTHORIZED
    );
}

#[test]
fn disabling_a_user_stops_their_tokens_and_deleting_them_deletes_their_tokens() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let alice = user(&k, "alice");
    let value = k.ok_stdin(&args_as(&alice, CREATE), DESCRIBED_TOKEN);
    let derived = named(&k, &alice, "My Token");
    let token = format!("ext/{derived}:{value}");
    let session = listed(&k.ok(&[
        "get",
        "tokens.ext.cattle.io",
        "-l",
        "tokenhub.io/token-kind=session,tokenhub.io/user-id=alice",
    ]));
    assert_eq!(session.len(), 1, "{session:?}");

    assert_eq!(
        k.ok(&merge_patch(
            "user",
            "alice",
            r#"{"spec":{"enabled":false}}"#
        ))
        .trim(),
        "user.tokenhub.io/alice patched"
    );
    assert_eq!(
        fails_as(&k, &token, &["auth", "whoami"]).trim(),
        UNAUTHORIZED
    );
    assert_eq!(
        fails_as(&k, &alice, &["auth", "whoami"]).trim(),
        UNAUTHORIZED
    );
    // The session goes; the derived token stays (disabled with its user).
    k.ok(&[
        "wait",
        "--for=delete",
        &format!("tokens.ext.cattle.io/{}", session[0]),
        "--timeout=30s",
    ]);
    k.ok(&["get", "tokens.ext.cattle.io", &derived]);

    k.ok(&merge_patch(
        "user",
        "alice",
        r#"{"spec":{"enabled":true}}"#,
    ));
    assert_eq!(whoami(&k, &token), "alice");

    assert_eq!(
        k.ok(&["delete", "user", "alice"]).trim(),
        "user.tokenhub.io \"alice\" deleted"
    );
    assert_eq!(
        fails_as(&k, &token, &["auth", "whoami"]).trim(),
        UNAUTHORIZED
    );
    k.ok(&[
        "wait",
        "--for=delete",
        &format!("tokens.ext.cattle.io/{derived}"),
        "--timeout=30s",
    ]);
    let run = k.run(&[
        "get",
        "tokens.ext.cattle.io",
        "-l",
        "tokenhub.io/user-id=alice",
    ]);
    assert_eq!(run.stderr.trim(), "No resources found");
}

#[test]
fn a_wrong_password_and_an_unknown_user_get_the_same_refusal() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    create_user(&k, "alice");
    let wrong = login(&k, "alice", "not the password");
    let unknown = login(&k, "nobody", "not the password");
    assert!(!wrong.status.success() && !unknown.status.success());
    assert_eq!(wrong.stderr, unknown.stderr);
    assert_eq!(wrong.stdout, unknown.stdout);
    assert_eq!(
        wrong.stderr.trim(),
        "error: You must be logged in to the server (invalid username or password)"
    );
    // The right password logs in.
    let alice = session(&k, "alice");
    assert_eq!(whoami(&k, &alice), "alice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_for_one_user_are_rate_limited() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    create_user(&k, "alice");
    // kubectl retries a 429 after Retry-After by itself, so the refusal is read over HTTP.
    let client = hub.client_with_token(None);
    let url = format!("{}/apis/tokenhub.io/v1/loginrequests", hub.url);
    let attempt = |password: &'static str| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = json!({"apiVersion": "tokenhub.io/v1", "kind": "LoginRequest",
                              "spec": {"username": "alice", "password": password}});
            client.post(url).json(&body).send().await.unwrap()
        }
    };
    for _ in 0..10 {
        assert_eq!(attempt("not the password").await.status().as_u16(), 401);
    }
    let refused = attempt(PASSWORD).await;
    assert_eq!(refused.status().as_u16(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 900, "{retry_after}");
    let status: Value = refused.json().await.unwrap();
    assert_eq!(status["reason"], "TooManyRequests", "{status}");
}

#[test]
fn an_admin_changes_the_ttl_settings_with_kubectl() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let alice = user(&k, "alice");
    let out = k.ok(&["get", "settings"]);
    let rows = table(&out);
    assert_eq!(rows[0], ["NAME", "VALUE", "AGE"], "{out}");
    assert_eq!(
        &row(&rows, "auth-token-max-ttl-minutes")[..2],
        ["auth-token-max-ttl-minutes", "129600"]
    );
    assert_eq!(
        k.ok(&merge_patch(
            "setting",
            "auth-token-max-ttl-minutes",
            r#"{"value":"60"}"#
        ))
        .trim(),
        "setting.tokenhub.io/auth-token-max-ttl-minutes patched"
    );
    // A default above the max is refused, with the reason.
    let refused = k.fails(&merge_patch(
        "setting",
        "auth-token-default-ttl-minutes",
        r#"{"value":"120"}"#,
    ));
    assert_eq!(
        refused.trim(),
        "The Setting \"auth-token-default-ttl-minutes\" is invalid: value: Invalid value: \"120\": may not exceed auth-token-max-ttl-minutes (60)"
    );
    // The seed's tokens now live an hour at most.
    k.ok_stdin(&args_as(&alice, CREATE), DESCRIBED_TOKEN);
    k.ok_stdin(&args_as(&alice, CREATE), TWO_HOUR_TOKEN);
    let out = ok_as(&k, &alice, &["get", "tokens.ext.cattle.io"]);
    let ttls: Vec<String> = table(&out)[1..].iter().map(|r| r[2].clone()).collect();
    assert_eq!(ttls.iter().filter(|t| *t == "1h").count(), 2, "{out}");
    // Users may not change settings.
    let forbidden = fails_as(
        &k,
        &alice,
        &merge_patch("setting", "auth-token-max-ttl-minutes", r#"{"value":"0"}"#),
    );
    assert!(forbidden.contains("Forbidden"), "{forbidden}");
}
