//! The hub's own users, as tests need them: Users created by the admin, their passwords, their
//! logins (session tokens), and the personal Tokens they create for themselves.

use serde_json::{Value, json};

use crate::support::{Api, Client, HUNG, Reply, Watch, with_query};

pub const USERS: &str = "/apis/tokenhub.io/v1/users";
pub const LOGIN: &str = "/apis/tokenhub.io/v1/loginrequests";
/// The Token API as the Rancher seed names it, and as the hub's own group names it.
pub const EXT_TOKENS: &str = "/apis/ext.cattle.io/v1/tokens";
pub const HUB_TOKENS: &str = "/apis/tokenhub.io/v1/tokens";
pub const SETTINGS: &str = "/apis/tokenhub.io/v1/settings";
pub const FEATURES: &str = "/apis/tokenhub.io/v1/features";

/// 90 days in milliseconds: the default (and max) ttl of a Token.
pub const NINETY_DAYS_MS: i64 = 7_776_000_000;
pub const TWO_HOURS_MS: i64 = 7_200_000;

/// The password every test user gets unless a test says otherwise (the policy asks for 12+).
pub const PASSWORD: &str = "correct horse battery";

pub fn user_path(name: &str) -> String {
    format!("{USERS}/{name}")
}

pub fn password_path(name: &str) -> String {
    format!("{USERS}/{name}/password")
}

pub fn ext_token(name: &str) -> String {
    format!("{EXT_TOKENS}/{name}")
}

pub fn hub_token(name: &str) -> String {
    format!("{HUB_TOKENS}/{name}")
}

pub fn login_body(username: &str, password: &str) -> Value {
    json!({"apiVersion": "tokenhub.io/v1", "kind": "LoginRequest",
           "spec": {"username": username, "password": password}})
}

/// A Token manifest as the seed writes it, with `spec`.
pub fn token_body(spec: Value) -> Value {
    json!({"apiVersion": "ext.cattle.io/v1", "kind": "Token", "spec": spec})
}

/// `metadata.name` of an object.
pub fn name_of(object: &Value) -> String {
    object["metadata"]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("no name: {object}"))
        .to_string()
}

/// A user of the hub, logged in.
pub struct Person {
    pub name: String,
    /// A client presenting the session token of the login.
    pub client: Client,
    /// The session token's bearer string and its Token's name.
    pub session: String,
    pub session_name: String,
}

impl std::ops::Deref for Person {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

/// One Token just created: the object as answered, its secret and bearer string.
pub struct Created {
    pub object: Value,
    pub name: String,
    pub value: String,
    pub bearer: String,
}

impl Client {
    /// POSTs a Token to `collection` and expects 201.
    pub async fn create_token_in(&self, collection: &str, spec: Value) -> Created {
        let mut body = token_body(spec);
        if collection == HUB_TOKENS {
            body["apiVersion"] = json!("tokenhub.io/v1");
        }
        let object = self.post(collection, &body).await.expect(201);
        Created {
            name: name_of(&object),
            value: object["status"]["value"]
                .as_str()
                .unwrap_or_else(|| panic!("no status.value: {object}"))
                .to_string(),
            bearer: object["status"]["bearerToken"]
                .as_str()
                .unwrap_or_else(|| panic!("no status.bearerToken: {object}"))
                .to_string(),
            object,
        }
    }

    /// A Token created through `ext.cattle.io`, as the seed does.
    pub async fn create_token(&self, spec: Value) -> Created {
        self.create_token_in(EXT_TOKENS, spec).await
    }

    /// The code a request with this client's credential gets for an authenticated read.
    pub async fn whoami_code(&self) -> u16 {
        self.post(
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
        )
        .await
        .code
    }

    /// The name of the Token this client's credential is (from the token-name extra).
    pub async fn whoami_token_name(&self) -> String {
        let who = self.whoami().await;
        who["extra"]["tokenhub.io/token-name"][0]
            .as_str()
            .unwrap_or_else(|| panic!("not a personal Token: {who}"))
            .to_string()
    }

    /// Who this client's credential authenticates as.
    pub async fn whoami(&self) -> Value {
        self.post(
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
        )
        .await
        .expect(201)["status"]["userInfo"]
            .clone()
    }
}

impl Api {
    /// Creates User `name` (as the admin) with `groups`.
    pub async fn user(&self, name: &str, groups: &[&str]) -> Value {
        self.post(
            USERS,
            &json!({"apiVersion": "tokenhub.io/v1", "kind": "User",
                    "metadata": {"name": name},
                    "spec": {"displayName": name.to_uppercase(), "groups": groups}}),
        )
        .await
        .expect(201)
    }

    /// The admin sets `name`'s password.
    pub async fn set_password(&self, name: &str, password: &str) {
        self.post(&password_path(name), &json!({"password": password}))
            .await
            .expect(200);
    }

    /// A login of `username` (anonymous, as a login is).
    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.anonymous()
            .post(LOGIN, &login_body(username, password))
            .await
    }

    /// A login that must succeed: the session's bearer string and Token name.
    pub async fn session(&self, username: &str, password: &str) -> (String, String) {
        let answer = self.login(username, password).await.expect(201);
        let bearer = answer["status"]["bearerToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no bearerToken: {answer}"))
            .to_string();
        let name = answer["status"]["tokenName"]
            .as_str()
            .unwrap_or_else(|| panic!("no tokenName: {answer}"))
            .to_string();
        (bearer, name)
    }

    /// A new User `name` in `groups`, with a password, logged in.
    pub async fn person_in(&self, name: &str, groups: &[&str]) -> Person {
        self.user(name, groups).await;
        self.set_password(name, PASSWORD).await;
        let (session, session_name) = self.session(name, PASSWORD).await;
        Person {
            name: name.to_string(),
            client: self.with_token(&session),
            session,
            session_name,
        }
    }

    pub async fn person(&self, name: &str) -> Person {
        self.person_in(name, &[]).await
    }

    /// Sets Setting `name` to `value` (as the admin); returns the answer.
    pub async fn set_setting(&self, name: &str, value: Value) -> Reply {
        self.patch(
            &format!("{SETTINGS}/{name}"),
            crate::support::MERGE_PATCH,
            &json!({"value": value}),
        )
        .await
    }

    /// Turns feature `name` on or off (as the admin), as the seed does.
    pub async fn set_feature(&self, name: &str, on: bool) {
        self.patch(
            &format!("{FEATURES}/{name}"),
            crate::support::STRATEGIC_PATCH,
            &json!({"spec": {"value": on}}),
        )
        .await
        .expect(200);
    }

    /// Watches the Tokens (as the admin) until `done` holds for an event; returns that event.
    /// The hub's own writes (lastUsedAt, purges, a user's clean-up) come asynchronously.
    pub async fn wait_for_token_event(
        &self,
        from_resource_version: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        self.wait_for_event(HUB_TOKENS, from_resource_version, done)
            .await
    }

    /// Watches `collection` (as the admin) until `done` holds for an event; returns it.
    pub async fn wait_for_event(
        &self,
        collection: &str,
        from_resource_version: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let path = with_query(
            collection,
            &[
                ("watch", "true"),
                ("resourceVersion", from_resource_version),
            ],
        );
        let mut watch = Watch::open(self, &path, "application/json").await;
        let mut seen = Vec::new();
        let waited = tokio::time::timeout(HUNG, async {
            while let Some(event) = watch.next().await {
                if done(&event) {
                    return Some(event);
                }
                seen.push(event);
            }
            None
        })
        .await;
        match waited {
            Ok(Some(event)) => event,
            Ok(None) => panic!("the watch of {collection} ended; seen: {seen:?}"),
            Err(_) => panic!("the awaited event of {collection} never came; seen: {seen:?}"),
        }
    }

    /// The resourceVersion of the Token list now (to watch from).
    pub async fn tokens_resource_version(&self) -> String {
        self.get(HUB_TOKENS).await.expect(200)["metadata"]["resourceVersion"]
            .as_str()
            .expect("a list resourceVersion")
            .to_string()
    }
}

/// Whether a watch event is `event_type` of Token `name`.
pub fn is_event(event: &Value, event_type: &str, name: &str) -> bool {
    event["type"] == event_type && event["object"]["metadata"]["name"] == name
}

/// The 401 kube-apiserver answers for a credential it does not accept.
#[track_caller]
pub fn assert_unauthorized(reply: &Reply) {
    crate::support::assert_failure(reply, 401, "Unauthorized", "Unauthorized");
}
