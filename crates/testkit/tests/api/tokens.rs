//! Personal Tokens over HTTP (issue 4): created only by a user for themselves with a server-made
//! name, a ttl ingested rather than refused, the secret shown once, expiry, `current` and
//! `lastUsedAt` computed or written by the server, immutability and conflicts, the bearer
//! formats, and what makes a token stop authenticating.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tokenhub_core::clock::Clock;

use crate::people::*;
use crate::support::{
    Api, MERGE_PATCH, MODIFIED, TABLE_ACCEPT, Watch, assert_failure, cells, names,
    resource_version, with_query,
};

/// The generateName alphabet Rancher (and the hub) draw the 5 characters of a name from.
const NAME_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

fn is_token_name(name: &str) -> bool {
    name.len() == 11
        && name.starts_with("token-")
        && name[6..].chars().all(|c| NAME_ALPHABET.contains(c))
}

fn time(value: &Value) -> Timestamp {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"))
        .parse()
        .unwrap_or_else(|e| panic!("not RFC 3339 ({e}): {value}"))
}

/// `t` at second precision, as the hub writes times.
fn seconds(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).expect("a valid time")
}

#[tokio::test]
async fn the_server_names_every_token_and_ignores_the_clients_name() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let mut seen = Vec::new();
    for body in [
        json!({"apiVersion": "ext.cattle.io/v1", "kind": "Token"}),
        json!({"apiVersion": "ext.cattle.io/v1", "kind": "Token", "metadata": {"name": "mine"}}),
        json!({"apiVersion": "ext.cattle.io/v1", "kind": "Token", "metadata": {"generateName": "ci-"}}),
        json!({"apiVersion": "ext.cattle.io/v1", "kind": "Token", "metadata": {"name": "Not A Name!"}}),
    ] {
        let created = alice.post(EXT_TOKENS, &body).await.expect(201);
        let name = name_of(&created);
        assert!(is_token_name(&name), "{created}");
        assert!(
            created["metadata"].get("generateName").is_none(),
            "{created}"
        );
        seen.push(name);
    }
    seen.dedup();
    assert_eq!(seen.len(), 4, "{seen:?}");
    for ignored in ["mine", "Not A Name!"] {
        assert_eq!(alice.get(&ext_token(ignored)).await.code, 404);
    }
    // Through the hub's own group too.
    let created = alice
        .create_token_in(HUB_TOKENS, json!({"description": "hub group"}))
        .await;
    assert!(is_token_name(&created.name));
    assert_eq!(created.object["apiVersion"], "tokenhub.io/v1");
    // Both groups serve the same tokens.
    let mut listed = names(&alice.get(EXT_TOKENS).await.expect(200));
    let mut hub_listed = names(&alice.get(HUB_TOKENS).await.expect(200));
    listed.sort();
    hub_listed.sort();
    assert_eq!(listed, hub_listed);
    assert_eq!(
        listed.len(),
        6,
        "4 + 1 created + the login session: {listed:?}"
    );
}

#[tokio::test]
async fn the_create_answer_has_the_effective_spec_and_the_secret_once() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({"description": "My Token"})).await;
    let token = &created.object;
    assert_eq!(token["apiVersion"], "ext.cattle.io/v1");
    assert_eq!(token["kind"], "Token");
    assert_eq!(
        token["spec"],
        json!({"userID": "alice", "kind": "", "description": "My Token",
               "ttl": NINETY_DAYS_MS, "enabled": true})
    );
    assert_eq!(token["metadata"]["labels"]["tokenhub.io/user-id"], "alice");
    assert!(token["metadata"]["uid"].as_str().is_some(), "{token}");
    let status = &token["status"];
    assert_eq!(status["current"], false);
    assert_eq!(status["expired"], false);
    let created_at = time(&token["metadata"]["creationTimestamp"]);
    assert_eq!(
        time(&status["expiresAt"]),
        created_at + SignedDuration::from_hours(90 * 24)
    );
    assert_eq!(time(&status["lastUpdateTime"]), created_at);
    // status.value: 43 base62 characters; the Rancher group's bearer is ext/<name>:<value>.
    assert_eq!(created.value.len(), 43);
    assert!(created.value.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        created.bearer,
        format!("ext/{}:{}", created.name, created.value)
    );
    assert!(status.get("hash").is_none(), "{status}");

    // Through tokenhub.io the bearer is the checksummed tht_ form of the same secret.
    let hub = alice.create_token_in(HUB_TOKENS, json!({})).await;
    let prefix = format!("tht_{}_{}", hub.name, hub.value);
    assert!(hub.bearer.starts_with(&prefix), "{}", hub.bearer);
    assert_eq!(hub.bearer.len(), prefix.len() + 6);
    for bearer in [&created.bearer, &hub.bearer] {
        assert_eq!(api.with_token(bearer).whoami().await["username"], "alice");
    }
}

#[tokio::test]
async fn user_id_defaults_to_the_caller_and_naming_anyone_else_is_forbidden() {
    let api = Api::start();
    let alice = api.person("alice").await;
    api.person("bob").await;
    for spec in [
        json!({"userID": ""}),
        json!({"userID": "alice"}),
        json!({"userID": null}),
    ] {
        let created = alice.create_token(spec).await;
        assert_eq!(created.object["spec"]["userID"], alice.name.as_str());
    }
    let reply = alice
        .post(EXT_TOKENS, &token_body(json!({"userID": "bob"})))
        .await;
    assert_failure(
        &reply,
        403,
        "Forbidden",
        r#"tokens.ext.cattle.io is forbidden: alice may not create tokens for "bob""#,
    );
    // Administrators mint no tokens for others either (`admin` is a user; bob is not them).
    let mut body = token_body(json!({"userID": "bob"}));
    body["apiVersion"] = json!("tokenhub.io/v1");
    let reply = api.post(HUB_TOKENS, &body).await;
    assert_failure(
        &reply,
        403,
        "Forbidden",
        r#"tokens.tokenhub.io is forbidden: admin may not create tokens for "bob""#,
    );
    let admins = api.create_token(json!({})).await;
    assert_eq!(admins.object["spec"]["userID"], "admin");
}

#[tokio::test]
async fn a_caller_who_is_not_a_user_cannot_create_a_token() {
    let api = Api::start();
    let robot = api.identity("default", "robot").await;
    for collection in [EXT_TOKENS, HUB_TOKENS] {
        let group = collection.split('/').nth(2).unwrap();
        let mut body = token_body(json!({}));
        body["apiVersion"] = json!(format!("{group}/v1"));
        let reply = robot.post(collection, &body).await;
        assert_failure(
            &reply,
            403,
            "Forbidden",
            &format!(
                "tokens.{group} is forbidden: system:serviceaccount:default:robot is not a tokenhub user"
            ),
        );
    }
    // Nor does it see anyone's tokens.
    assert!(names(&robot.get(EXT_TOKENS).await.expect(200)).is_empty());
}

#[tokio::test]
async fn the_ttl_is_ingested_not_refused() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let ttl_of = |spec: Value| {
        let alice = &alice;
        async move { alice.create_token(spec).await.object["spec"]["ttl"].clone() }
    };
    assert_eq!(ttl_of(json!({})).await, NINETY_DAYS_MS);
    assert_eq!(ttl_of(json!({"ttl": 0})).await, NINETY_DAYS_MS);
    assert_eq!(ttl_of(json!({"ttl": TWO_HOURS_MS})).await, TWO_HOURS_MS);
    assert_eq!(ttl_of(json!({"ttl": 1})).await, 1);
    assert_eq!(
        ttl_of(json!({"ttl": NINETY_DAYS_MS * 10})).await,
        NINETY_DAYS_MS
    );
    assert_eq!(ttl_of(json!({"ttl": -1})).await, NINETY_DAYS_MS);
    assert_eq!(ttl_of(json!({"ttl": i64::MAX})).await, NINETY_DAYS_MS);

    // A default of its own, then a lower max.
    api.set_setting("auth-token-default-ttl-minutes", json!("60"))
        .await
        .expect(200);
    assert_eq!(ttl_of(json!({})).await, 3_600_000);
    assert_eq!(ttl_of(json!({"ttl": TWO_HOURS_MS})).await, TWO_HOURS_MS);
    api.set_setting("auth-token-max-ttl-minutes", json!("90"))
        .await
        .expect(200);
    assert_eq!(ttl_of(json!({"ttl": TWO_HOURS_MS})).await, 5_400_000);
    assert_eq!(ttl_of(json!({"ttl": -5})).await, 5_400_000);

    // With no maximum, a negative ttl never expires.
    api.set_setting("auth-token-max-ttl-minutes", json!("0"))
        .await
        .expect(200);
    let forever = alice.create_token(json!({"ttl": -1})).await;
    assert_eq!(forever.object["spec"]["ttl"], -1);
    assert_eq!(forever.object["status"]["expiresAt"], "");
    assert_eq!(forever.object["status"]["expired"], false);
    assert_eq!(
        ttl_of(json!({"ttl": NINETY_DAYS_MS * 10})).await,
        NINETY_DAYS_MS * 10
    );
    assert_eq!(ttl_of(json!({})).await, 3_600_000);

    // Not a number is refused (it cannot be ingested).
    let reply = alice
        .post(EXT_TOKENS, &token_body(json!({"ttl": "2h"})))
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        r#"Token in version "v1" cannot be handled as a Token: json: cannot unmarshal string into Go struct field TokenSpec.spec.ttl of type int64"#,
    );
}

#[tokio::test]
async fn the_secret_is_never_read_back() {
    let (api, _clock) = Api::with_manual_clock();
    let alice = api.person("alice").await;
    let since = api.tokens_resource_version().await;
    let created = alice.create_token(json!({"description": "watch me"})).await;
    let secret = created.value.clone();
    let leaks = |what: &str, text: &str| {
        assert!(!text.contains(&secret), "{what} carries the secret: {text}");
        assert!(
            !text.contains("\"value\""),
            "{what} carries status.value: {text}"
        );
        assert!(
            !text.contains("bearerToken"),
            "{what} carries bearerToken: {text}"
        );
        assert!(!text.contains("\"hash\""), "{what} carries a hash: {text}");
    };
    let path = ext_token(&created.name);
    for reader in [&alice.client, &api.client] {
        leaks("get", &reader.get(&path).await.text());
        leaks("list", &reader.get(EXT_TOKENS).await.text());
        leaks("hub list", &reader.get(HUB_TOKENS).await.text());
        leaks(
            "table get",
            &reader.get_as(&path, TABLE_ACCEPT).await.text(),
        );
        leaks(
            "table list",
            &reader
                .get_as(
                    &with_query(EXT_TOKENS, &[("includeObject", "Object")]),
                    TABLE_ACCEPT,
                )
                .await
                .text(),
        );
    }
    // Watches, as JSON and as Tables, from before the create.
    for accept in ["application/json", TABLE_ACCEPT] {
        let watch_path = with_query(
            EXT_TOKENS,
            &[
                ("watch", "true"),
                ("resourceVersion", &since),
                ("timeoutSeconds", "1"),
            ],
        );
        let mut watch = Watch::open(&alice, &watch_path, accept).await;
        let mut events = 0;
        while let Some(event) = watch.next().await {
            leaks("watch", &event.to_string());
            events += 1;
        }
        assert!(events >= 1, "the create was watched ({accept})");
    }
    // Update, patch and delete answers.
    let mut token = alice.get(&path).await.expect(200);
    token["spec"]["description"] = json!("updated");
    let updated = alice.put(&path, &token).await;
    assert_eq!(updated.code, 200, "{}", updated.text());
    leaks("update", &updated.text());
    let patched = alice
        .patch(
            &path,
            MERGE_PATCH,
            &json!({"spec": {"description": "patched"}}),
        )
        .await;
    assert_eq!(patched.code, 200, "{}", patched.text());
    leaks("patch", &patched.text());
    // A client cannot plant a value or hash either.
    let planted = alice
        .patch(
            &path,
            MERGE_PATCH,
            &json!({"status": {"value": "planted", "hash": "planted", "bearerToken": "planted"}}),
        )
        .await;
    leaks("status patch", &planted.text());
    let deleted = alice.delete(&path, &json!({})).await;
    assert_eq!(deleted.code, 200, "{}", deleted.text());
    leaks("delete", &deleted.text());
    // A dry-run create answers no usable secret either.
    let dry = alice
        .post(
            &with_query(EXT_TOKENS, &[("dryRun", "All")]),
            &token_body(json!({})),
        )
        .await
        .expect(201);
    assert!(dry["status"].get("value").is_none(), "{dry}");
    assert!(dry["status"].get("bearerToken").is_none(), "{dry}");
    assert_eq!(alice.get(&ext_token(&name_of(&dry))).await.code, 404);
}

#[tokio::test]
async fn expiry_is_computed_on_read_and_an_expired_token_is_401() {
    let (api, clock) = Api::with_manual_clock();
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({"ttl": TWO_HOURS_MS})).await;
    let start = time(&created.object["metadata"]["creationTimestamp"]);
    assert_eq!(
        time(&created.object["status"]["expiresAt"]),
        start + SignedDuration::from_hours(2)
    );
    let user = api.with_token(&created.bearer);
    assert_eq!(user.whoami_code().await, 201);

    clock.advance(SignedDuration::from_mins(119));
    assert_eq!(user.whoami_code().await, 201);
    let token = api.get(&ext_token(&created.name)).await.expect(200);
    assert_eq!(token["status"]["expired"], false);

    clock.advance(SignedDuration::from_mins(2));
    let token = api.get(&ext_token(&created.name)).await.expect(200);
    assert_eq!(token["status"]["expired"], true, "{token}");
    assert_eq!(
        time(&token["status"]["expiresAt"]),
        start + SignedDuration::from_hours(2)
    );
    assert_unauthorized(&user.get(EXT_TOKENS).await);
    assert_eq!(user.whoami_code().await, 401);
}

#[tokio::test]
async fn current_marks_only_the_token_that_authenticated_the_request() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let other = alice.create_token(json!({})).await;
    let current_of = |list: &Value| -> Vec<(String, bool)> {
        let mut all: Vec<(String, bool)> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (name_of(t), t["status"]["current"].as_bool().unwrap()))
            .collect();
        all.sort();
        all
    };
    let mut want = vec![
        (alice.session_name.clone(), true),
        (other.name.clone(), false),
    ];
    want.sort();
    assert_eq!(current_of(&alice.get(EXT_TOKENS).await.expect(200)), want);
    let by_other = api.with_token(&other.bearer);
    for (_, current) in &mut want {
        *current = !*current;
    }
    assert_eq!(
        current_of(&by_other.get(EXT_TOKENS).await.expect(200)),
        want
    );
    let one = by_other.get(&ext_token(&other.name)).await.expect(200);
    assert_eq!(one["status"]["current"], true);
    // The admin reads alice's tokens; none of them is the admin's current one.
    let read_by_admin = api.get(&ext_token(&other.name)).await.expect(200);
    assert_eq!(read_by_admin["status"]["current"], false);
}

#[tokio::test]
async fn last_used_at_is_written_behind_at_most_once_a_minute() {
    let (api, clock) =
        Api::with_manual_clock_and(|o| o.last_used_flush = Duration::from_millis(20));
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({})).await;
    assert!(created.object["status"].get("lastUsedAt").is_none());
    let user = api.with_token(&created.bearer);

    let since = api.tokens_resource_version().await;
    let first_use = clock.now();
    assert_eq!(user.whoami_code().await, 201);
    let event = api
        .wait_for_token_event(&since, |e| {
            is_event(e, "MODIFIED", &created.name)
                && e["object"]["status"]["lastUsedAt"].is_string()
        })
        .await;
    assert_eq!(
        time(&event["object"]["status"]["lastUsedAt"]),
        seconds(first_use)
    );
    // Any write through the API answers once the hub's views have seen everything before it.
    api.config_map("default", "barrier", json!({})).await;
    let since = resource_version(&event["object"]);

    // Used again within the minute: nothing is written; after it, the newer time is.
    clock.advance(SignedDuration::from_secs(30));
    assert_eq!(user.whoami_code().await, 201);
    clock.advance(SignedDuration::from_secs(31));
    let later_use = clock.now();
    assert_eq!(user.whoami_code().await, 201);
    let event = api
        .wait_for_token_event(&since, |e| is_event(e, "MODIFIED", &created.name))
        .await;
    assert_eq!(
        time(&event["object"]["status"]["lastUsedAt"]),
        seconds(later_use),
        "the use 30 s after the first was not written: {event}"
    );
    let read = alice.get(&ext_token(&created.name)).await.expect(200);
    assert_eq!(time(&read["status"]["lastUsedAt"]), seconds(later_use));
}

#[tokio::test]
async fn user_id_and_kind_are_immutable_with_field_causes() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({"description": "ci"})).await;
    let path = ext_token(&created.name);
    let token = alice.get(&path).await.expect(200);

    let mut changed = token.clone();
    changed["spec"]["userID"] = json!("bob");
    let status = assert_failure(
        &alice.put(&path, &changed).await,
        422,
        "Invalid",
        &format!(
            r#"Token.ext.cattle.io "{}" is invalid: spec.userID: Invalid value: "bob": field is immutable"#,
            created.name
        ),
    );
    assert_eq!(
        status["details"]["causes"],
        json!([{"reason": "FieldValueInvalid",
                "message": "Invalid value: \"bob\": field is immutable",
                "field": "spec.userID"}])
    );

    changed["spec"]["kind"] = json!("session");
    let status = alice.put(&path, &changed).await.expect(422);
    let fields: Vec<&str> = status["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["spec.kind", "spec.userID"], "{status}");

    // A patch is held to the same rules; so is the admin.
    for client in [&alice.client, &api.client] {
        let status = client
            .patch(&path, MERGE_PATCH, &json!({"spec": {"kind": "other"}}))
            .await
            .expect(422);
        assert_eq!(
            status["details"]["causes"][0]["field"], "spec.kind",
            "{status}"
        );
    }
    // Unknown spec fields are not kept.
    let reply = alice
        .patch(&path, MERGE_PATCH, &json!({"spec": {"clusterName": "c1"}}))
        .await;
    let kept = alice.get(&path).await.expect(200);
    assert!(
        kept["spec"].get("clusterName").is_none(),
        "{} {kept}",
        reply.text()
    );
    // What may change, changes.
    let patched = alice
        .patch(
            &path,
            MERGE_PATCH,
            &json!({"metadata": {"labels": {"team": "a"}}, "spec": {"description": "new", "enabled": false}}),
        )
        .await
        .expect(200);
    assert_eq!(patched["spec"]["description"], "new");
    assert_eq!(patched["spec"]["enabled"], false);
    assert_eq!(patched["metadata"]["labels"]["team"], "a");
    // The owner label cannot be moved to someone else.
    let patched = alice
        .patch(
            &path,
            MERGE_PATCH,
            &json!({"metadata": {"labels": {"tokenhub.io/user-id": "bob"}}}),
        )
        .await
        .expect(200);
    assert_eq!(
        patched["metadata"]["labels"]["tokenhub.io/user-id"],
        "alice"
    );
}

#[tokio::test]
async fn a_stale_resource_version_is_409() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({})).await;
    let path = ext_token(&created.name);
    let stale = alice.get(&path).await.expect(200);
    let mut first = stale.clone();
    first["spec"]["description"] = json!("first");
    alice.put(&path, &first).await.expect(200);
    let mut second = stale;
    second["spec"]["description"] = json!("second");
    assert_failure(
        &alice.put(&path, &second).await,
        409,
        "Conflict",
        &format!(
            r#"Operation cannot be fulfilled on tokens.ext.cattle.io "{}": {MODIFIED}"#,
            created.name
        ),
    );
    let patch = json!({"metadata": {"resourceVersion": resource_version(&first)}, "spec": {"description": "third"}});
    assert_eq!(alice.patch(&path, MERGE_PATCH, &patch).await.code, 409);
    assert_eq!(
        alice.get(&path).await.expect(200)["spec"]["description"],
        "first"
    );
}

#[tokio::test]
async fn users_may_only_reduce_the_ttl_and_admins_may_extend_it_up_to_the_max() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({"ttl": TWO_HOURS_MS})).await;
    let path = ext_token(&created.name);
    let ttl = |ms: i64| json!({"spec": {"ttl": ms}});

    let status = assert_failure(
        &alice.patch(&path, MERGE_PATCH, &ttl(3 * 3_600_000)).await,
        422,
        "Invalid",
        &format!(
            r#"Token.ext.cattle.io "{}" is invalid: spec.ttl: Forbidden: may only be reduced; an administrator can extend it (the token's ttl is 7200000 ms, this update asks for 10800000 ms)"#,
            created.name
        ),
    );
    assert_eq!(status["details"]["causes"][0]["field"], "spec.ttl");
    assert_eq!(
        status["details"]["causes"][0]["reason"],
        "FieldValueForbidden"
    );

    let reduced = alice
        .patch(&path, MERGE_PATCH, &ttl(3_600_000))
        .await
        .expect(200);
    assert_eq!(reduced["spec"]["ttl"], 3_600_000);
    let created_at = time(&reduced["metadata"]["creationTimestamp"]);
    assert_eq!(
        time(&reduced["status"]["expiresAt"]),
        created_at + SignedDuration::from_hours(1)
    );
    // Back to where it was is an extension too.
    assert_eq!(
        alice
            .patch(&path, MERGE_PATCH, &ttl(TWO_HOURS_MS))
            .await
            .code,
        422
    );

    // The admin may extend, to the max at most.
    let extended = api
        .patch(&path, MERGE_PATCH, &ttl(NINETY_DAYS_MS * 2))
        .await
        .expect(200);
    assert_eq!(extended["spec"]["ttl"], NINETY_DAYS_MS);
    let extended = api
        .patch(&path, MERGE_PATCH, &ttl(TWO_HOURS_MS))
        .await
        .expect(200);
    assert_eq!(extended["spec"]["ttl"], TWO_HOURS_MS);
    assert!(
        time(&extended["status"]["lastUpdateTime"]) >= time(&reduced["status"]["lastUpdateTime"])
    );
}

#[tokio::test]
async fn the_bearer_has_a_prefix_the_name_and_a_checksum() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let hub = alice.create_token_in(HUB_TOKENS, json!({})).await;
    let ext = alice.create_token(json!({})).await;
    assert!(
        hub.bearer.starts_with(&format!("tht_{}_", hub.name)),
        "{}",
        hub.bearer
    );
    // A login's session token has the same form.
    assert!(
        alice
            .session
            .starts_with(&format!("tht_{}_", alice.session_name)),
        "{}",
        alice.session
    );

    // One character changed anywhere is 401: in the secret, in the checksum, in the name.
    let typo = |s: &str, at: usize| {
        let mut chars: Vec<char> = s.chars().collect();
        chars[at] = if chars[at] == 'a' { 'b' } else { 'a' };
        chars.into_iter().collect::<String>()
    };
    let secret_at = format!("tht_{}_", hub.name).len() + 5;
    for bad in [
        typo(&hub.bearer, secret_at),
        typo(&hub.bearer, hub.bearer.len() - 1),
        typo(&hub.bearer, 8),
        hub.bearer[..hub.bearer.len() - 1].to_string(),
        format!("{}x", hub.bearer),
        hub.bearer.replace("tht_", "tha_"),
        format!("ext/{}:{}", hub.name, typo(&hub.value, 3)),
        format!("ext/{}:{}", ext.name, hub.value),
        format!("ext/{}", hub.name),
        format!("ext/{}:{}:x", hub.name, hub.value),
    ] {
        assert_unauthorized(&api.with_token(&bad).get(EXT_TOKENS).await);
    }
    // The Rancher form of either token, and the tht_ form, authenticate.
    for good in [
        hub.bearer.clone(),
        format!("ext/{}:{}", hub.name, hub.value),
        ext.bearer.clone(),
    ] {
        assert_eq!(api.with_token(&good).whoami().await["username"], "alice");
    }
}

#[tokio::test]
async fn disabled_and_deleted_tokens_are_401_at_once() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({})).await;
    let path = ext_token(&created.name);
    let user = api.with_token(&created.bearer);
    assert_eq!(user.whoami_code().await, 201);

    alice
        .patch(&path, MERGE_PATCH, &json!({"spec": {"enabled": false}}))
        .await
        .expect(200);
    assert_unauthorized(&user.get(EXT_TOKENS).await);
    alice
        .patch(&path, MERGE_PATCH, &json!({"spec": {"enabled": true}}))
        .await
        .expect(200);
    assert_eq!(user.whoami_code().await, 201);

    alice.delete(&path, &json!({})).await.expect(200);
    assert_unauthorized(&user.get(EXT_TOKENS).await);
    // Logging out is deleting the session token.
    alice
        .delete(&ext_token(&alice.session_name), &json!({}))
        .await
        .expect(200);
    assert_unauthorized(&alice.get(EXT_TOKENS).await);
}

#[tokio::test]
async fn disabling_a_user_stops_their_tokens_at_once_and_ends_their_sessions() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let bob = api.person("bob").await;
    let derived = alice.create_token(json!({})).await;
    let by_derived = api.with_token(&derived.bearer);

    let since = api.tokens_resource_version().await;
    api.patch(
        &user_path("alice"),
        MERGE_PATCH,
        &json!({"spec": {"enabled": false}}),
    )
    .await
    .expect(200);
    assert_unauthorized(&by_derived.get(EXT_TOKENS).await);
    assert_unauthorized(&alice.get(EXT_TOKENS).await);
    assert_eq!(bob.whoami_code().await, 201);
    // The session is deleted; the derived token is kept (it works again once alice does).
    api.wait_for_token_event(&since, |e| is_event(e, "DELETED", &alice.session_name))
        .await;
    assert_eq!(api.get(&ext_token(&derived.name)).await.code, 200);
    assert_eq!(api.get(&ext_token(&bob.session_name)).await.code, 200);
    // A disabled user cannot log in either; the refusal is the usual one.
    assert_failure(
        &api.login("alice", PASSWORD).await,
        401,
        "Unauthorized",
        "invalid username or password",
    );

    api.patch(
        &user_path("alice"),
        MERGE_PATCH,
        &json!({"spec": {"enabled": true}}),
    )
    .await
    .expect(200);
    assert_eq!(by_derived.whoami_code().await, 201);
    assert_unauthorized(&alice.get(EXT_TOKENS).await);
    assert_eq!(api.get(&ext_token(&alice.session_name)).await.code, 404);
}

#[tokio::test]
async fn deleting_a_user_deletes_their_tokens() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let bob = api.person("bob").await;
    let derived = alice.create_token(json!({})).await;
    let bobs = bob.create_token(json!({})).await;

    let since = api.tokens_resource_version().await;
    api.delete(&user_path("alice"), &json!({}))
        .await
        .expect(200);
    assert_unauthorized(&api.with_token(&derived.bearer).get(EXT_TOKENS).await);
    let mut gone = vec![derived.name.clone(), alice.session_name.clone()];
    while !gone.is_empty() {
        let event = api
            .wait_for_token_event(&since, |e| {
                e["type"] == "DELETED" && gone.iter().any(|n| is_event(e, "DELETED", n))
            })
            .await;
        let name = name_of(&event["object"]);
        gone.retain(|n| *n != name);
    }
    let left = names(
        &api.get(&with_query(
            EXT_TOKENS,
            &[("labelSelector", "tokenhub.io/user-id=alice")],
        ))
        .await
        .expect(200),
    );
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(api.get(&ext_token(&bobs.name)).await.code, 200);
    // The clean-ups run one at a time, in order: once carol's is done, alice's (her password
    // too) is.
    let carol = api.person("carol").await;
    let since = api.tokens_resource_version().await;
    api.delete(&user_path("carol"), &json!({}))
        .await
        .expect(200);
    api.wait_for_token_event(&since, |e| is_event(e, "DELETED", &carol.session_name))
        .await;
    // A new alice gets none of the old one's tokens or password.
    api.user("alice", &[]).await;
    assert_unauthorized(&api.with_token(&derived.bearer).get(EXT_TOKENS).await);
    assert_eq!(api.login("alice", PASSWORD).await.code, 401);
}

#[tokio::test]
async fn expired_tokens_are_purged_on_schedule() {
    let (api, clock) =
        Api::with_manual_clock_and(|o| o.token_purge_interval = Duration::from_millis(20));
    let alice = api.person("alice").await;
    let short = alice.create_token(json!({"ttl": 3_600_000})).await;
    let long = alice.create_token(json!({})).await;
    let since = api.tokens_resource_version().await;
    clock.advance(SignedDuration::from_hours(2));
    api.wait_for_token_event(&since, |e| is_event(e, "DELETED", &short.name))
        .await;
    // Only the expired one (the session lasts 16 hours; the admin's token never expires).
    api.config_map("default", "barrier", json!({})).await;
    assert_eq!(api.get(&ext_token(&long.name)).await.code, 200);
    assert_eq!(api.get(&ext_token(&alice.session_name)).await.code, 200);
    assert_eq!(api.get(&ext_token(&short.name)).await.code, 404);
    assert_eq!(api.whoami().await["username"], "admin");
}

#[tokio::test]
async fn another_users_tokens_do_not_exist_for_a_user() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let bob = api.person("bob").await;
    let alices = alice.create_token(json!({"description": "alice's"})).await;
    let path = ext_token(&alices.name);
    let not_found = format!(r#"tokens.ext.cattle.io "{}" not found"#, alices.name);

    assert_failure(&bob.get(&path).await, 404, "NotFound", &not_found);
    assert_failure(
        &bob.delete(&path, &json!({})).await,
        404,
        "NotFound",
        &not_found,
    );
    assert_failure(
        &bob.patch(
            &path,
            MERGE_PATCH,
            &json!({"spec": {"description": "mine"}}),
        )
        .await,
        404,
        "NotFound",
        &not_found,
    );
    let mut stolen = alice.get(&path).await.expect(200);
    stolen["spec"]["description"] = json!("mine");
    assert_failure(&bob.put(&path, &stolen).await, 404, "NotFound", &not_found);
    assert_eq!(bob.get(&hub_token(&alices.name)).await.code, 404);

    // Lists: only bob's own, whatever the selector says.
    let bobs_only = vec![bob.session_name.clone()];
    for selector in [
        None,
        Some("tokenhub.io/user-id=alice"),
        Some("tokenhub.io/user-id in (alice,bob)"),
        Some("tokenhub.io/user-id!=bob"),
        Some("!tokenhub.io/user-id"),
        Some("tokenhub.io/user-id"),
        Some("x in (a"),
        Some("x in (a,b),y"),
    ] {
        let path = match selector {
            Some(s) => with_query(EXT_TOKENS, &[("labelSelector", s)]),
            None => EXT_TOKENS.to_string(),
        };
        let reply = bob.get(&path).await;
        if reply.code == 200 {
            let listed = names(&reply.json());
            assert!(
                listed.iter().all(|n| bobs_only.contains(n)),
                "{selector:?}: {listed:?}"
            );
        } else {
            assert_eq!(reply.code, 400, "{selector:?}: {}", reply.text());
        }
    }
    assert_eq!(names(&bob.get(EXT_TOKENS).await.expect(200)), bobs_only);
    let by_name = with_query(
        EXT_TOKENS,
        &[("fieldSelector", &format!("metadata.name={}", alices.name))],
    );
    assert!(names(&bob.get(&by_name).await.expect(200)).is_empty());
    // Nor in a watch of everything (from the beginning) or of that name.
    for watch_path in [
        with_query(
            EXT_TOKENS,
            &[
                ("watch", "true"),
                ("resourceVersion", "1"),
                ("timeoutSeconds", "1"),
            ],
        ),
        with_query(
            EXT_TOKENS,
            &[
                ("watch", "true"),
                ("fieldSelector", &format!("metadata.name={}", alices.name)),
                ("resourceVersion", "1"),
                ("timeoutSeconds", "1"),
            ],
        ),
    ] {
        let mut watch = Watch::open(&bob, &watch_path, "application/json").await;
        while let Some(event) = watch.next().await {
            assert_eq!(event["object"]["spec"]["userID"], "bob", "{event}");
        }
    }
    // Deleting the collection is not a user's verb.
    assert_eq!(bob.delete(EXT_TOKENS, &json!({})).await.code, 403);
    assert_eq!(alice.get(&path).await.code, 200);

    // The admin sees, gets and deletes anyone's.
    let all = names(&api.get(EXT_TOKENS).await.expect(200));
    for name in [&alices.name, &alice.session_name, &bob.session_name] {
        assert!(all.contains(name), "{all:?}");
    }
    let by_alice = names(
        &api.get(&with_query(
            EXT_TOKENS,
            &[("labelSelector", "tokenhub.io/user-id=alice")],
        ))
        .await
        .expect(200),
    );
    assert_eq!(by_alice.len(), 2, "{by_alice:?}");
    api.get(&path).await.expect(200);
    api.delete(&path, &json!({})).await.expect(200);
    assert_eq!(alice.get(&path).await.code, 404);
}

#[tokio::test]
async fn hub_guest_reads_every_token_but_changes_only_its_own() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let guest = api.person("gail").await;
    api.cluster_role_binding(
        "gail-guest",
        "hub-guest",
        json!([crate::accounts::user_subject("gail")]),
    )
    .await;
    let alices = alice.create_token(json!({})).await;
    let path = ext_token(&alices.name);
    guest.get(&path).await.expect(200);
    assert!(names(&guest.get(EXT_TOKENS).await.expect(200)).contains(&alices.name));
    assert_eq!(guest.delete(&path, &json!({})).await.code, 404);
    assert_eq!(
        guest
            .patch(&path, MERGE_PATCH, &json!({"spec": {"enabled": false}}))
            .await
            .code,
        404
    );
    assert_eq!(alice.get(&path).await.expect(200)["spec"]["enabled"], true);
}

#[tokio::test]
async fn the_table_has_the_seeds_columns() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let plain = alice.create_token(json!({"description": "example"})).await;
    let short = alice.create_token(json!({"ttl": TWO_HOURS_MS})).await;
    let table = alice.get_as(EXT_TOKENS, TABLE_ACCEPT).await.expect(200);
    let columns: Vec<(String, i64)> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["priority"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("Name".to_string(), 0),
            ("User".to_string(), 1),
            ("Kind".to_string(), 0),
            ("TTL".to_string(), 0),
            ("Age".to_string(), 0),
            ("Description".to_string(), 1),
        ]
    );
    let row_of = |name: &str| {
        let rows = table["rows"].as_array().unwrap();
        let i = rows
            .iter()
            .position(|r| r["cells"][0] == name)
            .unwrap_or_else(|| panic!("no row {name}: {table}"));
        cells(&table, i, 6)
    };
    let row = row_of(&plain.name);
    assert_eq!(row[1..4], [json!("alice"), json!(""), json!("90d")]);
    assert_eq!(row[5], "example");
    assert_eq!(row_of(&short.name)[3], "2h");
    assert_eq!(row_of(&alice.session_name)[2], "session");
    assert_eq!(row_of(&alice.session_name)[3], "16h");
    // The rows carry no object but its metadata by default.
    let row = &table["rows"][0];
    assert!(row["object"].get("spec").is_none(), "{row}");
}

#[tokio::test]
async fn an_invalid_spec_is_422_with_one_cause_per_field() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let reply = alice
        .post(
            EXT_TOKENS,
            &token_body(json!({"kind": "not a label", "description": "d".repeat(1025)})),
        )
        .await;
    let status = reply.expect(422);
    assert_eq!(status["reason"], "Invalid");
    let causes: Vec<(&str, &str)> = status["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["field"].as_str().unwrap(), c["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        causes,
        [
            ("spec.description", "FieldValueTooLong"),
            ("spec.kind", "FieldValueInvalid")
        ],
        "{status}"
    );
    // Nothing was stored.
    assert_eq!(
        names(&alice.get(EXT_TOKENS).await.expect(200)),
        std::slice::from_ref(&alice.session_name)
    );
}
