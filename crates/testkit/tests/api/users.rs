//! Users over HTTP (issue 4): no read ever carries a password; the password subresource lets
//! an administrator set anyone's and a user change their own with the current one; the first
//! start's `admin` logs in with the password it wrote to the data directory.

use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use crate::people::*;
use crate::support::{
    Api, MERGE_PATCH, TABLE_ACCEPT, Watch, assert_failure, assert_failure_code, names, with_query,
};

/// Whether an answer carries anything of a password.
fn assert_no_password(what: &str, text: &str) {
    for leak in [PASSWORD, "password", "argon2"] {
        assert!(
            !text.to_lowercase().contains(leak),
            "{what} carries {leak:?}: {text}"
        );
    }
}

#[tokio::test]
async fn no_read_of_a_user_carries_a_password() {
    let api = Api::start();
    let since = api.get(USERS).await.expect(200)["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let created = api.user("alice", &["dev"]).await;
    assert_no_password("create", &created.to_string());
    api.set_password("alice", PASSWORD).await;
    let path = user_path("alice");
    assert_no_password("get", &api.get(&path).await.text());
    assert_no_password("list", &api.get(USERS).await.text());
    assert_no_password("table", &api.get_as(USERS, TABLE_ACCEPT).await.text());
    let mut watch = Watch::open(
        &api,
        &with_query(
            USERS,
            &[
                ("watch", "true"),
                ("resourceVersion", &since),
                ("timeoutSeconds", "1"),
            ],
        ),
        "application/json",
    )
    .await;
    while let Some(event) = watch.next().await {
        assert_no_password("watch", &event.to_string());
    }
    let patched = api
        .patch(
            &path,
            MERGE_PATCH,
            &json!({"spec": {"displayName": "Alice"}}),
        )
        .await;
    assert_eq!(patched.code, 200, "{}", patched.text());
    assert_no_password("patch", &patched.text());
    let mut user = api.get(&path).await.expect(200);
    user["spec"]["displayName"] = json!("Alice A.");
    let updated = api.put(&path, &user).await;
    assert_eq!(updated.code, 200, "{}", updated.text());
    assert_no_password("update", &updated.text());

    // A password sent with the User is not a field of it: refused when strict, else dropped.
    let strict = api
        .post(
            &with_query(USERS, &[("fieldValidation", "Strict")]),
            &json!({"apiVersion": "tokenhub.io/v1", "kind": "User", "metadata": {"name": "bob"},
                    "spec": {"password": "sneaky password"}}),
        )
        .await;
    assert_failure_code(&strict, 400, "BadRequest");
    let dropped = api
        .post(
            USERS,
            &json!({"apiVersion": "tokenhub.io/v1", "kind": "User", "metadata": {"name": "bob"},
                    "spec": {"password": "sneaky password"}}),
        )
        .await
        .expect(201);
    assert!(dropped["spec"].get("password").is_none(), "{dropped}");
    assert_eq!(api.login("bob", "sneaky password").await.code, 401);
    // The listing of users still has both.
    let mut all = names(&api.get(USERS).await.expect(200));
    all.sort();
    assert_eq!(all, ["admin", "alice", "bob"]);
}

#[tokio::test]
async fn the_admin_sets_anyones_password_and_users_change_only_their_own() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let bob = api.person("bob").await;

    // The admin needs no current password.
    api.set_password("bob", "bob's new password").await;
    assert_eq!(api.login("bob", PASSWORD).await.code, 401);
    api.session("bob", "bob's new password").await;

    // A user changes their own with the right current password…
    let own = password_path("alice");
    assert_failure(
        &alice
            .post(
                &own,
                &json!({"password": "alice's new password", "currentPassword": "wrong guess!"}),
            )
            .await,
        403,
        "Forbidden",
        r#"users.tokenhub.io "alice" is forbidden: the current password is not correct"#,
    );
    assert_failure(
        &alice
            .post(&own, &json!({"password": "alice's new password"}))
            .await,
        403,
        "Forbidden",
        r#"users.tokenhub.io "alice" is forbidden: the current password is not correct"#,
    );
    alice
        .post(
            &own,
            &json!({"password": "alice's new password", "currentPassword": PASSWORD}),
        )
        .await
        .expect(200);
    assert_eq!(api.login("alice", PASSWORD).await.code, 401);
    api.session("alice", "alice's new password").await;

    // …and nobody else's, existing or not (the answer does not tell which).
    for other in ["bob", "nobody"] {
        assert_failure(
            &alice
                .post(
                    &password_path(other),
                    &json!({"password": "taken over now", "currentPassword": "alice's new password"}),
                )
                .await,
            403,
            "Forbidden",
            &format!(
                r#"users.tokenhub.io "{other}" is forbidden: User "alice" cannot set the password of another user"#
            ),
        );
    }
    api.session("bob", "bob's new password").await;
    // The admin learns that a user does not exist.
    assert_eq!(
        api.post(
            &password_path("nobody"),
            &json!({"password": "long enough pass"})
        )
        .await
        .code,
        404
    );
    // A ServiceAccount has no password to change.
    let robot = api.identity("default", "robot").await;
    assert_eq!(
        robot
            .post(
                &password_path("alice"),
                &json!({"password": "robot's password"})
            )
            .await
            .code,
        403
    );
    drop(bob);
}

#[tokio::test]
async fn guessing_the_current_password_is_rate_limited_like_a_login() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let own = password_path("alice");
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(
            alice
                .post(&own, &json!({"password": "alice's new password", "currentPassword": "a wrong guess"}))
                .await
                .code,
        );
    }
    assert_eq!(codes[..10], [403; 10], "{codes:?}");
    assert_eq!(codes[10..], [429; 2], "{codes:?}");
    let limited = alice
        .post(
            &own,
            &json!({"password": "alice's new password", "currentPassword": PASSWORD}),
        )
        .await;
    assert_failure_code(&limited, 429, "TooManyRequests");
    assert!(!limited.header("retry-after").is_empty());
}

#[tokio::test]
async fn the_password_policy_is_422() {
    let api = Api::start();
    api.user("alice", &[]).await;
    for (password, detail) in [
        ("short", "must be at least 12 characters long"),
        ("", "must be at least 12 characters long"),
        ("            ", "must not be only spaces"),
        (
            "line one\nline two",
            "must not contain control characters such as newlines",
        ),
    ] {
        let reply = api
            .post(&password_path("alice"), &json!({"password": password}))
            .await;
        let status = assert_failure(
            &reply,
            422,
            "Invalid",
            &format!(r#"User.tokenhub.io "alice" is invalid: password: Invalid value: {detail}"#),
        );
        assert_eq!(
            status["details"]["causes"][0]["field"], "password",
            "{status}"
        );
        assert!(!reply.text().contains(password) || password.trim().is_empty());
    }
    let too_long = "x".repeat(1025);
    assert_eq!(
        api.post(&password_path("alice"), &json!({"password": too_long}))
            .await
            .code,
        422
    );
    // Unknown fields are refused, so a typo is not silently a password change.
    let reply = api
        .post(
            &password_path("alice"),
            &json!({"pasword": "long enough pass"}),
        )
        .await;
    assert_failure_code(&reply, 400, "BadRequest");
}

#[tokio::test]
async fn a_username_is_also_the_label_value_of_its_tokens() {
    let api = Api::start();
    let long = "a".repeat(64);
    let reply = api
        .post(
            USERS,
            &json!({"apiVersion": "tokenhub.io/v1", "kind": "User", "metadata": {"name": long}}),
        )
        .await;
    let status = reply.expect(422);
    assert_eq!(
        status["details"]["causes"][0]["field"], "metadata.name",
        "{status}"
    );
    // 63 characters is fine, and that user has tokens like anyone.
    let name = "b".repeat(63);
    let person = api.person(&name).await;
    let created = person.create_token(json!({})).await;
    assert_eq!(created.object["spec"]["userID"], name.as_str());
    assert_eq!(names(&person.get(EXT_TOKENS).await.expect(200)).len(), 2);
}

#[tokio::test]
async fn the_initial_admin_password_lets_admin_log_in() {
    let api = Api::start();
    let file = api.hub.data_dir().join("initial-admin-password");
    let mode = std::fs::metadata(&file)
        .expect("the file")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let password = std::fs::read_to_string(&file).expect("the password");
    let password = password.trim_end_matches('\n');
    assert_eq!(password.len(), 27, "{password:?}");
    let (bearer, _) = api.session("admin", password).await;
    let admin = api.with_token(&bearer);
    let who = admin.whoami().await;
    assert_eq!(who["username"], "admin");
    assert_eq!(
        who["groups"],
        json!(["system:masters", "system:authenticated"])
    );
    // The admin may do anything, e.g. list every user.
    admin.get(USERS).await.expect(200);
    // The user admin is in system:masters, which the API hands out to nobody.
    let status = api
        .post(
            USERS,
            &json!({"apiVersion": "tokenhub.io/v1", "kind": "User", "metadata": {"name": "eve"},
                    "spec": {"groups": ["system:masters"]}}),
        )
        .await
        .expect(422);
    assert_eq!(
        status["details"]["causes"][0]["field"], "spec.groups[0]",
        "{status}"
    );
}

#[tokio::test]
async fn a_user_cannot_manage_users() {
    let api = Api::start();
    let alice = api.person("alice").await;
    assert_eq!(alice.get(USERS).await.code, 403);
    assert_eq!(alice.get(&user_path("alice")).await.code, 403);
    assert_eq!(
        alice
            .patch(
                &user_path("alice"),
                MERGE_PATCH,
                &json!({"spec": {"groups": ["admins"]}})
            )
            .await
            .code,
        403
    );
    assert_eq!(
        alice
            .post(
                USERS,
                &json!({"apiVersion": "tokenhub.io/v1", "kind": "User", "metadata": {"name": "mallory"}}),
            )
            .await
            .code,
        403
    );
}

#[tokio::test]
async fn the_admin_kubeconfig_keeps_its_token_across_restarts_until_it_stops_working() {
    let api = Api::start();
    let first = api.hub.admin_token.clone();
    let first_name = api.whoami_token_name().await;
    let api = api.restart_with(|_| {});
    assert_eq!(api.hub.admin_token, first, "a working token is kept");
    // The initial password is not made again either.
    let password = std::fs::read_to_string(api.hub.data_dir().join("initial-admin-password"))
        .expect("the password file");
    api.session("admin", password.trim_end()).await;

    // Revoked, it is replaced at the next start by a new personal Token of admin.
    let path = ext_token(&first_name);
    let revoke = api.delete(&path, &json!({})).await;
    assert_eq!(revoke.code, 200, "{}", revoke.text());
    let api = api.restart_with(|_| {});
    assert_ne!(api.hub.admin_token, first);
    assert!(api.hub.admin_token.starts_with("tht_token-"));
    assert_eq!(api.whoami().await["username"], "admin");
    let kubeconfig = std::fs::read_to_string(api.hub.kubeconfig()).expect("the kubeconfig");
    assert!(kubeconfig.contains(&api.hub.admin_token));
    let token = api
        .get(&ext_token(&api.whoami_token_name().await))
        .await
        .expect(200);
    assert_eq!(token["spec"]["userID"], "admin");
    assert_eq!(token["spec"]["ttl"], -1, "{token}");
    assert_eq!(token["status"]["current"], true);
}
