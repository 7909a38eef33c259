//! The review kinds: who am I (SelfSubjectReview), what may I or someone do (access and rules
//! reviews), is this token good (TokenReview); in JSON and in kubectl's protobuf.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::SignedDuration;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::accounts::{group_subject, jwt, rule, service_account_subject, user_subject, username};
use crate::support::{
    Api, Client, PROTOBUF, PROTOBUF_ACCEPT, Reply, assert_failure, assert_failure_code,
};

const SSAR: &str = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const SSRR: &str = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
const SAR: &str = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
const SSR: &str = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
const TOKEN_REVIEWS: &str = "/apis/authentication.k8s.io/v1/tokenreviews";

fn lsar(namespace: &str) -> String {
    format!("/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews")
}

fn access_review(kind: &str, spec: Value) -> Value {
    json!({"apiVersion": "authorization.k8s.io/v1", "kind": kind, "spec": spec})
}

fn resource_attributes(verb: &str, group: &str, resource: &str, namespace: &str) -> Value {
    json!({"verb": verb, "group": group, "resource": resource, "namespace": namespace})
}

async fn can_i(client: &Client, attributes: Value) -> Value {
    client
        .post(
            SSAR,
            &access_review(
                "SelfSubjectAccessReview",
                json!({"resourceAttributes": attributes}),
            ),
        )
        .await
        .expect(201)
}

async fn whoami(client: &Client) -> Value {
    client
        .post(
            SSR,
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
        )
        .await
        .expect(201)["status"]["userInfo"]
        .clone()
}

async fn token_review(client: &Client, token: &str, audiences: Option<&[&str]>) -> Value {
    let mut spec = json!({"token": token});
    if let Some(audiences) = audiences {
        spec["audiences"] = json!(audiences);
    }
    client
        .post(
            TOKEN_REVIEWS,
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec}),
        )
        .await
        .expect(201)
}

/// Namespace `team`, a ClusterRole `reader` (configmaps get/list) and ServiceAccount team/bot
/// bound to it in `team`.
async fn team_reader(api: &Api) -> Client {
    api.namespace("team").await;
    api.cluster_role(
        "reader",
        json!([rule(&["get", "list"], &[""], &["configmaps"])]),
    )
    .await;
    api.role_binding(
        "team",
        "readers",
        "ClusterRole",
        "reader",
        json!([service_account_subject("team", "bot")]),
    )
    .await;
    api.identity("team", "bot").await
}

#[track_caller]
fn assert_causes(status: &Value, expected: &[(&str, &str)]) {
    let causes: Vec<(String, String)> = status["details"]["causes"]
        .as_array()
        .unwrap_or_else(|| panic!("no causes: {status}"))
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap_or_default().to_string(),
                c["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(f, m)| (f.to_string(), m.to_string()))
        .collect();
    assert_eq!(causes, expected, "{status}");
}

#[tokio::test]
async fn self_subject_access_reviews_answer_can_i_with_the_reason() {
    let api = Api::start();
    let bot = team_reader(&api).await;

    let review = can_i(&bot, resource_attributes("get", "", "configmaps", "team")).await;
    assert_eq!(review["kind"], "SelfSubjectAccessReview");
    assert_eq!(review["apiVersion"], "authorization.k8s.io/v1");
    assert_eq!(review["metadata"], json!({"creationTimestamp": null}));
    assert_eq!(
        review["spec"]["resourceAttributes"],
        resource_attributes("get", "", "configmaps", "team")
    );
    assert_eq!(
        review["status"],
        json!({"allowed": true,
               "reason": r#"RBAC: allowed by RoleBinding "readers/team" of ClusterRole "reader" to ServiceAccount "bot/team""#})
    );
    for denied in [
        resource_attributes("delete", "", "configmaps", "team"),
        resource_attributes("get", "", "configmaps", "default"),
        resource_attributes("list", "", "configmaps", ""),
    ] {
        let review = can_i(&bot, denied.clone()).await;
        assert_eq!(review["status"], json!({"allowed": false}), "{denied}");
    }
    // Non-resource paths, allowed through the preset discovery binding.
    let review = bot
        .post(
            SSAR,
            &access_review(
                "SelfSubjectAccessReview",
                json!({"nonResourceAttributes": {"verb": "get", "path": "/apis"}}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(
        review["status"],
        json!({"allowed": true,
               "reason": r#"RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated""#})
    );
    // The admin may do anything, as a member of system:masters.
    let review = can_i(&api, resource_attributes("delete", "", "namespaces", "")).await;
    assert_eq!(review["status"]["allowed"], true);
    // Exactly one kind of attributes.
    let reply = bot
        .post(SSAR, &access_review("SelfSubjectAccessReview", json!({})))
        .await;
    assert_failure_code(&reply, 422, "Invalid");
}

#[tokio::test]
async fn self_subject_rules_reviews_list_what_a_service_account_may_do_in_a_namespace() {
    let api = Api::start();
    let bot = team_reader(&api).await;
    let review = bot
        .post(
            SSRR,
            &access_review("SelfSubjectRulesReview", json!({"namespace": "team"})),
        )
        .await
        .expect(201);
    assert_eq!(review["kind"], "SelfSubjectRulesReview");
    let status = &review["status"];
    assert_eq!(status["incomplete"], false, "{review}");
    let resource_rules = status["resourceRules"].as_array().expect("resourceRules");
    for expected in [
        rule(&["get", "list"], &[""], &["configmaps"]),
        // Every authenticated identity may ask who it is and what it may do.
        rule(
            &["create"],
            &["authorization.k8s.io"],
            &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
        ),
        rule(
            &["create"],
            &["authentication.k8s.io"],
            &["selfsubjectreviews"],
        ),
        // …and may log in, manage its own Tokens and change its own password (the server
        // limits each to what is its own; a ServiceAccount has none).
        rule(&["create"], &["tokenhub.io"], &["loginrequests"]),
        rule(
            &[
                "create", "delete", "get", "list", "patch", "update", "watch",
            ],
            &["tokenhub.io", "ext.cattle.io"],
            &["tokens"],
        ),
        rule(&["create"], &["tokenhub.io"], &["users/password"]),
    ] {
        assert!(resource_rules.contains(&expected), "{expected} in {review}");
    }
    assert_eq!(resource_rules.len(), 6, "{review}");
    let non_resource_rules = status["nonResourceRules"]
        .as_array()
        .expect("nonResourceRules");
    assert!(
        non_resource_rules.iter().any(|r| r["nonResourceURLs"]
            .as_array()
            .is_some_and(|urls| urls.contains(&json!("/api/*")))),
        "{review}"
    );
    assert!(
        non_resource_rules
            .iter()
            .all(|r| r["verbs"] == json!(["get"]))
    );

    // Another namespace: only what is granted cluster-wide.
    let elsewhere = bot
        .post(
            SSRR,
            &access_review("SelfSubjectRulesReview", json!({"namespace": "default"})),
        )
        .await
        .expect(201);
    let rules = elsewhere["status"]["resourceRules"]
        .as_array()
        .expect("rules");
    assert!(
        !rules.contains(&rule(&["get", "list"], &[""], &["configmaps"])),
        "{elsewhere}"
    );
    assert_eq!(rules.len(), 5, "{elsewhere}");

    // A binding to a role that does not exist makes the answer incomplete, and says why.
    api.role_binding(
        "team",
        "dangling",
        "Role",
        "ghost",
        json!([service_account_subject("team", "bot")]),
    )
    .await;
    let review = bot
        .post(
            SSRR,
            &access_review("SelfSubjectRulesReview", json!({"namespace": "team"})),
        )
        .await
        .expect(201);
    assert_eq!(review["status"]["incomplete"], true, "{review}");
    assert_eq!(
        review["status"]["evaluationError"],
        r#"role.rbac.authorization.k8s.io "ghost" not found"#
    );
}

#[tokio::test]
async fn a_self_subject_rules_review_needs_a_namespace() {
    let api = Api::start();
    let reply = api
        .post(SSRR, &access_review("SelfSubjectRulesReview", json!({})))
        .await;
    assert_failure(&reply, 400, "BadRequest", "no namespace on request");
}

#[tokio::test]
async fn subject_access_reviews_ask_about_others_with_the_right_to_ask() {
    let api = Api::start();
    api.namespace("team").await;
    api.cluster_role(
        "reader",
        json!([rule(&["get", "list"], &[""], &["configmaps"])]),
    )
    .await;
    api.role_binding(
        "team",
        "devs-read",
        "ClusterRole",
        "reader",
        json!([group_subject("devs")]),
    )
    .await;
    let question = |user: &str, groups: &[&str], namespace: &str| {
        access_review(
            "SubjectAccessReview",
            json!({"user": user, "groups": groups,
                   "resourceAttributes": resource_attributes("list", "", "configmaps", namespace)}),
        )
    };

    let review = api
        .post(SAR, &question("alice", &["devs"], "team"))
        .await
        .expect(201);
    assert_eq!(review["kind"], "SubjectAccessReview");
    assert_eq!(
        review["status"],
        json!({"allowed": true,
               "reason": r#"RBAC: allowed by RoleBinding "devs-read/team" of ClusterRole "reader" to Group "devs""#})
    );
    for (user, groups, namespace) in [
        ("alice", &[][..], "team"),
        ("alice", &["devs"][..], "default"),
    ] {
        let review = api
            .post(SAR, &question(user, groups, namespace))
            .await
            .expect(201);
        assert_eq!(review["status"], json!({"allowed": false}));
    }
    // A ServiceAccount asked about by name is matched as one.
    api.role_binding(
        "team",
        "bot-read",
        "ClusterRole",
        "reader",
        json!([service_account_subject("team", "bot")]),
    )
    .await;
    let review = api
        .post(SAR, &question(&username("team", "bot"), &[], "team"))
        .await
        .expect(201);
    assert_eq!(review["status"]["allowed"], true);

    // Asking about others needs `create subjectaccessreviews`.
    let asker = api.identity("team", "asker").await;
    assert_failure(
        &asker.post(SAR, &question("alice", &["devs"], "team")).await,
        403,
        "Forbidden",
        &format!(
            r#"subjectaccessreviews.authorization.k8s.io is forbidden: User "{}" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope"#,
            username("team", "asker")
        ),
    );
    api.cluster_role(
        "reviewer",
        json!([rule(
            &["create"],
            &["authorization.k8s.io"],
            &["subjectaccessreviews"]
        )]),
    )
    .await;
    api.cluster_role_binding(
        "reviewers",
        "reviewer",
        json!([service_account_subject("team", "asker")]),
    )
    .await;
    let review = asker
        .post(SAR, &question("alice", &["devs"], "team"))
        .await
        .expect(201);
    assert_eq!(review["status"]["allowed"], true);

    // Someone must be asked about.
    let reply = api
        .post(
            SAR,
            &access_review(
                "SubjectAccessReview",
                json!({"resourceAttributes": resource_attributes("get", "", "configmaps", "team")}),
            ),
        )
        .await;
    let status = assert_failure_code(&reply, 422, "Invalid");
    assert_causes(
        &status,
        &[(
            "spec.user",
            r#"Invalid value: "": at least one of user or group must be specified"#,
        )],
    );
}

#[tokio::test]
async fn local_subject_access_reviews_ask_within_the_namespace_of_their_url() {
    let api = Api::start();
    api.namespace("team").await;
    api.role(
        "team",
        "reader",
        json!([rule(&["get"], &[""], &["configmaps"])]),
    )
    .await;
    api.role_binding(
        "team",
        "alice",
        "Role",
        "reader",
        json!([user_subject("alice")]),
    )
    .await;
    let question = |namespace: &str| {
        access_review(
            "LocalSubjectAccessReview",
            json!({"user": "alice",
                   "resourceAttributes": resource_attributes("get", "", "configmaps", namespace)}),
        )
    };
    let review = api.post(&lsar("team"), &question("team")).await.expect(201);
    assert_eq!(review["kind"], "LocalSubjectAccessReview");
    assert_eq!(review["metadata"]["namespace"], "team");
    assert_eq!(review["status"]["allowed"], true, "{review}");
    let review = api
        .post(&lsar("default"), &question("default"))
        .await
        .expect(201);
    assert_eq!(review["status"], json!({"allowed": false}));

    // The spec's namespace must be the URL's, as kube validates it.
    for (spec_namespace, shown) in [("default", r#""default""#), ("", r#""""#)] {
        let status = assert_failure_code(
            &api.post(&lsar("team"), &question(spec_namespace)).await,
            422,
            "Invalid",
        );
        assert_causes(
            &status,
            &[(
                "spec.resourceAttributes.namespace",
                &format!("Invalid value: {shown}: must match metadata.namespace"),
            )],
        );
    }
    // And it asks about resources only.
    let reply = api
        .post(
            &lsar("team"),
            &access_review(
                "LocalSubjectAccessReview",
                json!({"user": "alice", "nonResourceAttributes": {"verb": "get", "path": "/api"}}),
            ),
        )
        .await;
    let status = assert_failure_code(&reply, 422, "Invalid");
    assert_eq!(
        status["details"]["causes"][0]["field"], "spec.nonResourceAttributes",
        "{status}"
    );
    // Allowed for those with `create localsubjectaccessreviews` in the namespace, like `admin`.
    let bot = api.identity("team", "bot").await;
    assert_eq!(bot.post(&lsar("team"), &question("team")).await.code, 403);
    api.role(
        "team",
        "local-reviewer",
        json!([rule(
            &["create"],
            &["authorization.k8s.io"],
            &["localsubjectaccessreviews"]
        )]),
    )
    .await;
    api.role_binding(
        "team",
        "bot-reviews",
        "Role",
        "local-reviewer",
        json!([service_account_subject("team", "bot")]),
    )
    .await;
    bot.post(&lsar("team"), &question("team")).await.expect(201);
}

#[tokio::test]
async fn self_subject_reviews_say_who_the_caller_is() {
    let api = Api::start();
    let admin = whoami(&api).await;
    assert_eq!(admin["username"], "admin");
    assert!(
        admin["uid"].as_str().is_some_and(|u| !u.is_empty()),
        "{admin}"
    );
    assert_eq!(
        admin["groups"],
        json!(["system:masters", "system:authenticated"])
    );
    let token_name = api.hub.admin_token.split('_').nth(1).unwrap_or_default();
    assert_eq!(
        admin["extra"],
        json!({"tokenhub.io/token-name": [token_name]})
    );

    let account = api.service_account("default", "bot").await;
    let token = api.token("default", "bot").await;
    let (_, claims) = jwt(&token);
    let bot = whoami(&api.with_token(&token)).await;
    assert_eq!(
        bot,
        json!({
            "username": username("default", "bot"),
            "uid": account["metadata"]["uid"],
            "groups": crate::accounts::groups("default"),
            "extra": {"authentication.kubernetes.io/credential-id": [format!("JTI={}", claims["jti"].as_str().expect("a jti"))]},
        })
    );
}

#[tokio::test]
async fn token_reviews_authenticate_service_account_tokens_for_their_audiences() {
    let (api, clock) = Api::with_manual_clock();
    let account = api.service_account("default", "bot").await;
    let token = api.token("default", "bot").await;

    let review = token_review(&api, &token, None).await;
    assert_eq!(review["kind"], "TokenReview");
    assert_eq!(review["spec"]["token"], token.as_str());
    let status = &review["status"];
    assert_eq!(status["authenticated"], true, "{review}");
    assert_eq!(status["user"]["username"], username("default", "bot"));
    assert_eq!(status["user"]["uid"], account["metadata"]["uid"]);
    assert_eq!(status["user"]["groups"], crate::accounts::groups("default"));
    assert!(
        status["user"]["extra"]["authentication.kubernetes.io/credential-id"].is_array(),
        "{review}"
    );
    assert_eq!(status["audiences"], json!([api.hub.url]));
    // The bootstrap admin's token is a credential of the hub too.
    let review = token_review(&api, &api.hub.admin_token, None).await;
    assert_eq!(review["status"]["authenticated"], true);
    assert_eq!(review["status"]["user"]["username"], "admin");

    // Audiences: a token for "vault" is good for "vault", not for the hub.
    let vault = api
        .token_request("default", "bot", json!({"audiences": ["vault"]}))
        .await
        .expect(201)["status"]["token"]
        .as_str()
        .expect("a token")
        .to_string();
    let review = token_review(&api, &vault, Some(&["vault"])).await;
    assert_eq!(review["status"]["authenticated"], true, "{review}");
    assert_eq!(review["status"]["audiences"], json!(["vault"]));
    assert_refused(&token_review(&api, &vault, None).await);
    assert_refused(&token_review(&api, &token, Some(&["vault"])).await);

    // Garbage, a tampered signature, an expired token, a token of a deleted account.
    assert_refused(&token_review(&api, "not-a-token", None).await);
    let tampered = format!("{}x", &token[..token.len() - 1]);
    assert_refused(&token_review(&api, &tampered, None).await);
    // Past `exp` and the minute of clock skew kube allows.
    clock.advance(SignedDuration::from_secs(3600 + 61));
    assert_refused(&token_review(&api, &token, None).await);
    let fresh = api.token("default", "bot").await;
    assert_eq!(
        token_review(&api, &fresh, None).await["status"]["authenticated"],
        true
    );
    api.delete("/api/v1/namespaces/default/serviceaccounts/bot", &json!({}))
        .await
        .expect(200);
    assert_refused(&token_review(&api, &fresh, None).await);
}

/// A TokenReview that did not authenticate: no user, and an error that says why.
#[track_caller]
fn assert_refused(review: &Value) {
    let status = &review["status"];
    assert_eq!(status["authenticated"], false, "{review}");
    assert!(status.get("user").is_none(), "{review}");
    assert!(
        status["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{review}"
    );
}

#[tokio::test]
async fn token_reviews_need_a_token_and_the_right_to_review() {
    let api = Api::start();
    let reply = api
        .post(
            TOKEN_REVIEWS,
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {}}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "token is required for TokenReview in authentication",
    );
    let bot = api.identity("default", "bot").await;
    let reply = bot
        .post(
            TOKEN_REVIEWS,
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
                    "spec": {"token": "x"}}),
        )
        .await;
    assert_failure(
        &reply,
        403,
        "Forbidden",
        &format!(
            r#"tokenreviews.authentication.k8s.io is forbidden: User "{}" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope"#,
            username("default", "bot")
        ),
    );
    // hub-admin may review tokens (the dashboard and webhooks do).
    api.cluster_role_binding(
        "bot-hub-admin",
        "hub-admin",
        json!([service_account_subject("default", "bot")]),
    )
    .await;
    let token = api.token("default", "bot").await;
    let review = token_review(&api.with_token(&token), &token, None).await;
    assert_eq!(review["status"]["authenticated"], true);
}

/// kubectl's captured protobuf bodies (wire notes, Appendix B).
const SSAR_CREATE_TOKENS: &str = "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSUAoQCgASABoAIgAqADIAOABCABIyCjAKB2RlZmF1bHQSBmNyZWF0ZRoPaWFtLmV4YW1wbGUuY29tIgAqBnRva2VuczIAOgAaCAgAEgAaACAAGgAiAA==";
const SSRR_DEFAULT: &str = "azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAKABIAGgAiACoAMgA4AEIAEgkKB2RlZmF1bHQaBBgAIgAaACIA";
const SELF_SUBJECT_REVIEW: &str = "azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoECgASABoAIgA=";
const TOKEN_REQUEST_1000H: &str = "azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIfChAKABIAGgAiACoAMgA4AEIAEgUggN3bARoECgASABoAIgA=";

async fn post_protobuf(client: &Client, path: &str, fixture: &str) -> Reply {
    let body = STANDARD.decode(fixture).expect("base64");
    client
        .send(
            client
                .request(Method::POST, path)
                .header(CONTENT_TYPE, PROTOBUF)
                .header(ACCEPT, PROTOBUF_ACCEPT)
                .body(body),
        )
        .await
}

#[tokio::test]
async fn kubectls_protobuf_reviews_and_token_requests_are_answered_in_json() {
    let api = Api::start();
    let bot = team_reader(&api).await;

    let reply = post_protobuf(&api, SSAR, SSAR_CREATE_TOKENS).await;
    assert_eq!(reply.content_type(), "application/json");
    let review = reply.expect(201);
    assert_eq!(review["kind"], "SelfSubjectAccessReview");
    let attributes = &review["spec"]["resourceAttributes"];
    assert_eq!(
        (
            &attributes["namespace"],
            &attributes["verb"],
            &attributes["group"],
            &attributes["resource"]
        ),
        (
            &json!("default"),
            &json!("create"),
            &json!("iam.example.com"),
            &json!("tokens")
        )
    );
    assert_eq!(review["status"]["allowed"], true, "{review}");
    let review = post_protobuf(&bot, SSAR, SSAR_CREATE_TOKENS)
        .await
        .expect(201);
    assert_eq!(review["status"]["allowed"], false, "{review}");

    let review = post_protobuf(&bot, SSRR, SSRR_DEFAULT).await.expect(201);
    assert_eq!(review["kind"], "SelfSubjectRulesReview");
    assert_eq!(review["status"]["incomplete"], false);
    assert_eq!(
        review["status"]["resourceRules"].as_array().map(Vec::len),
        Some(5),
        "only the cluster-wide rules in default: {review}"
    );

    let review = post_protobuf(&bot, SSR, SELF_SUBJECT_REVIEW)
        .await
        .expect(201);
    assert_eq!(review["kind"], "SelfSubjectReview");
    assert_eq!(
        review["status"]["userInfo"]["username"],
        username("team", "bot")
    );

    api.service_account("default", "bot").await;
    let reply = post_protobuf(
        &api,
        "/api/v1/namespaces/default/serviceaccounts/bot/token",
        TOKEN_REQUEST_1000H,
    )
    .await;
    assert_eq!(reply.content_type(), "application/json");
    let answer = reply.expect(201);
    assert_eq!(answer["kind"], "TokenRequest");
    assert_eq!(answer["spec"]["expirationSeconds"], 3_600_000);
    let (_, claims) = jwt(answer["status"]["token"].as_str().expect("a token"));
    assert_eq!(
        claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat"),
        3_600_000
    );
    // And the token works.
    let who = whoami(&api.with_token(answer["status"]["token"].as_str().unwrap_or_default())).await;
    assert_eq!(who["username"], username("default", "bot"));
}
