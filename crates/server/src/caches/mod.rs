//! In-memory views the hub answers from without waiting on the database: the RBAC index, the
//! ServiceAccounts (for token liveness), Users, personal Tokens and their secrets' hashes,
//! Settings and Features, and the ClusterRoles that aggregate others. They load once at start
//! and then follow the store's change feed; a write is answered only after these views have
//! applied it, so a client always reads its own writes.
//!
//! Following the feed, the views also notice what must follow from a change (aggregated rules
//! to recompute, a deleted Token's secret to forget, a deleted or disabled User's tokens to
//! remove) and hand it to the housekeeping task as a [`Chore`].

mod views;

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokenhub_api::kinds::core_v1::SERVICE_ACCOUNTS;
use tokenhub_api::kinds::rbac_v1::{CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, ROLES};
use tokenhub_api::kinds::tokenhub_v1::{
    API_TOKEN_SECRETS_KEY, API_TOKENS, FEATURES, SETTINGS, TOKEN_SECRETS_KEY, TOKENS, USERS,
};
use tokenhub_api::meta::ObjectExt;
use tokenhub_core::credentials::{SecretHash, hash_from_hex};
use tokenhub_core::rbac::{
    AuthorizerIndex, PolicyRule, RoleRef, Subject, aggregate_rules, role_ref_of, rules_of,
    subjects_of,
};
use tokenhub_core::selector::LabelSelector;
use tokenhub_core::settings::{SettingValues, feature_enabled};
use tokenhub_store::{Event, EventType, ListQuery, Store, StoreError, WatchQuery};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub use views::{ApiTokenView, TokenView, UserView};

/// A ClusterRole as aggregation needs it.
#[derive(Clone, Debug)]
struct ClusterRoleView {
    labels: Option<serde_json::Map<String, Value>>,
    /// Set when this role aggregates others.
    selectors: Option<Vec<LabelSelector>>,
    rules: Vec<PolicyRule>,
}

/// Work a change calls for, done by the housekeeping task (with the hub's own authority).
#[derive(Debug, PartialEq)]
pub enum Chore {
    /// Store these rules in an aggregating ClusterRole.
    AggregateRules {
        cluster_role: String,
        rules: Vec<PolicyRule>,
    },
    /// A Token is gone but its secret's hash is not (data of a version that did not delete
    /// both at once): forget the hash.
    ForgetTokenSecret { token: String },
    /// A User is gone: delete their tokens and password.
    RemoveUserCredentials { user: String },
    /// A User was disabled: delete their session tokens.
    EndSessions { user: String },
    /// An APIToken is gone but its secret is not (data of a version that did not delete both
    /// at once): forget the secret and remove its role's ClusterRoleBinding.
    ForgetApiToken { id: String },
}

#[derive(Debug, Default)]
pub struct Caches {
    rbac: RwLock<AuthorizerIndex>,
    cluster_roles: RwLock<HashMap<String, ClusterRoleView>>,
    /// (namespace, name) → uid of every ServiceAccount.
    service_accounts: RwLock<HashMap<(String, String), String>>,
    users: RwLock<HashMap<String, UserView>>,
    tokens: RwLock<HashMap<String, TokenView>>,
    token_secrets: RwLock<HashMap<String, SecretHash>>,
    api_tokens: RwLock<HashMap<String, ApiTokenView>>,
    api_token_secrets: RwLock<HashMap<String, SecretHash>>,
    settings: RwLock<HashMap<String, Value>>,
    features: RwLock<HashMap<String, Value>>,
    /// The resourceVersion every view has applied.
    applied: watch::Sender<u64>,
}

/// How long a write waits for the views before answering anyway (a stuck follower must not
/// hang every writer; it is logged).
const CATCH_UP_LIMIT: Duration = Duration::from_secs(10);

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

fn move_into<T: Default>(target: &RwLock<T>, source: &RwLock<T>) {
    let value = std::mem::take(&mut *write(source));
    *write(target) = value;
}

/// Every stored resource the views are made of.
fn followed_resources() -> Vec<String> {
    let mut keys: Vec<String> = [
        &ROLES,
        &CLUSTER_ROLES,
        &ROLE_BINDINGS,
        &CLUSTER_ROLE_BINDINGS,
        &SERVICE_ACCOUNTS,
        &USERS,
        &TOKENS,
        &API_TOKENS,
        &SETTINGS,
        &FEATURES,
    ]
    .iter()
    .map(|t| t.storage_key())
    .collect();
    keys.push(TOKEN_SECRETS_KEY.to_string());
    keys.push(API_TOKEN_SECRETS_KEY.to_string());
    keys
}

impl Caches {
    /// Loads every view from the store; returns the views and the resourceVersion to follow
    /// the feed from.
    pub async fn load(store: &dyn Store) -> Result<(Arc<Caches>, u64), StoreError> {
        let caches = Arc::new(Caches::default());
        let mut from = u64::MAX;
        for key in followed_resources() {
            let everything = |_: &Value| true;
            let page = store
                .list(ListQuery {
                    resource: &key,
                    namespace: None,
                    filter: &everything,
                    limit: None,
                    continue_from: None,
                })
                .await?;
            // The lists are separate snapshots: follow from the oldest; replaying a change that
            // a later snapshot already holds is harmless (every apply is an upsert or removal).
            from = from.min(page.resource_version);
            for item in page.items {
                caches.apply(&key, &item.object, false);
            }
        }
        let from = if from == u64::MAX { 0 } else { from };
        caches.applied.send_replace(from);
        Ok((caches, from))
    }

    pub fn rbac(&self) -> RwLockReadGuard<'_, AuthorizerIndex> {
        read(&self.rbac)
    }

    /// The uid of a ServiceAccount, if it exists.
    pub fn service_account_uid(&self, namespace: &str, name: &str) -> Option<String> {
        read(&self.service_accounts)
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    pub fn user(&self, name: &str) -> Option<UserView> {
        read(&self.users).get(name).cloned()
    }

    /// A personal Token and its secret's hash, when both exist.
    pub fn token(&self, name: &str) -> Option<(TokenView, SecretHash)> {
        let token = read(&self.tokens).get(name).cloned()?;
        let hash = *read(&self.token_secrets).get(name)?;
        Some((token, hash))
    }

    /// An APIToken and its secret's hash, when both exist.
    pub fn api_token(&self, id: &str) -> Option<(ApiTokenView, SecretHash)> {
        let token = read(&self.api_tokens).get(id).cloned()?;
        let hash = *read(&self.api_token_secrets).get(id)?;
        Some((token, hash))
    }

    /// The names of every Token, with what authentication knows of them.
    pub fn tokens(&self) -> Vec<(String, TokenView)> {
        read(&self.tokens)
            .iter()
            .map(|(n, t)| (n.clone(), t.clone()))
            .collect()
    }

    /// The chores the change feed called for that may not have been done: a crash between a
    /// write and its chore, or a failed chore, leaves tokens of users who are gone, sessions
    /// of disabled users and secrets of deleted tokens. Each chore is listed once.
    pub fn leftovers(&self) -> Vec<Chore> {
        let users = read(&self.users);
        let tokens = read(&self.tokens);
        let mut chores = Vec::new();
        let mut add = |chore: Chore| {
            if !chores.contains(&chore) {
                chores.push(chore);
            }
        };
        for token in tokens.values() {
            let user = token.user.clone();
            match users.get(&token.user) {
                None => add(Chore::RemoveUserCredentials { user }),
                Some(u) if !u.enabled && token.session => add(Chore::EndSessions { user }),
                Some(_) => {}
            }
        }
        for name in read(&self.token_secrets).keys() {
            if !tokens.contains_key(name) {
                add(Chore::ForgetTokenSecret {
                    token: name.clone(),
                });
            }
        }
        let api_tokens = read(&self.api_tokens);
        for id in read(&self.api_token_secrets).keys() {
            if !api_tokens.contains_key(id) {
                add(Chore::ForgetApiToken { id: id.clone() });
            }
        }
        chores
    }

    /// The values of the Settings in effect.
    pub fn settings(&self) -> SettingValues {
        let settings = read(&self.settings);
        SettingValues::from_lookup(|name| settings.get(name).and_then(|s| s.get("value")))
    }

    pub fn feature_enabled(&self, name: &str) -> bool {
        feature_enabled(name, read(&self.features).get(name))
    }

    /// Waits until every view has applied the write of `resource_version`.
    pub async fn caught_up_to(&self, resource_version: u64) {
        let mut applied = self.applied.subscribe();
        let reached = applied.wait_for(|rv| *rv >= resource_version);
        if tokio::time::timeout(CATCH_UP_LIMIT, reached).await.is_err() {
            tracing::warn!(
                resource_version,
                "the hub's views did not catch up with a write in time"
            );
        }
    }

    /// Follows the change feed from `from` until the store goes away; the chores changes call
    /// for go to `chores`.
    pub fn follow(
        self: &Arc<Self>,
        store: Arc<dyn Store>,
        from: u64,
        chores: mpsc::UnboundedSender<Chore>,
    ) -> JoinHandle<()> {
        let caches = Arc::clone(self);
        tokio::spawn(async move {
            let mut after = from;
            caches.send_aggregations(&chores);
            loop {
                let feed = store
                    .watch(WatchQuery {
                        resource: None,
                        namespace: None,
                        after,
                    })
                    .await;
                let mut feed = match feed {
                    Ok(feed) => feed,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot follow the change feed");
                        return;
                    }
                };
                while let Some(item) = feed.next().await {
                    match item {
                        Ok(event) => {
                            caches.apply_event(&event, &chores);
                            after = event.resource_version;
                            caches.applied.send_replace(after);
                        }
                        Err(e) => {
                            // Fell behind the feed: reload everything and go on from there.
                            tracing::warn!(error = %e, "the views fell behind the change feed; reloading");
                            match Caches::load(store.as_ref()).await {
                                Ok((fresh, rv)) => {
                                    caches.replace_with(&fresh);
                                    after = rv;
                                    // The skipped changes' chores are lost with them.
                                    for chore in caches.leftovers() {
                                        let _ = chores.send(chore);
                                    }
                                    caches.send_aggregations(&chores);
                                }
                                Err(e) => tracing::error!(error = %e, "reloading the views failed"),
                            }
                            break;
                        }
                    }
                }
            }
        })
    }

    fn replace_with(&self, fresh: &Caches) {
        move_into(&self.rbac, &fresh.rbac);
        move_into(&self.cluster_roles, &fresh.cluster_roles);
        move_into(&self.service_accounts, &fresh.service_accounts);
        move_into(&self.users, &fresh.users);
        move_into(&self.tokens, &fresh.tokens);
        move_into(&self.token_secrets, &fresh.token_secrets);
        move_into(&self.api_tokens, &fresh.api_tokens);
        move_into(&self.api_token_secrets, &fresh.api_token_secrets);
        move_into(&self.settings, &fresh.settings);
        move_into(&self.features, &fresh.features);
    }

    fn apply_event(&self, event: &Event, chores: &mpsc::UnboundedSender<Chore>) {
        let deleted = event.event_type == EventType::Deleted;
        let resource = event.key.resource.as_str();
        let name = event.key.name.clone();
        if resource == USERS.storage_key() {
            let was_enabled = event
                .previous
                .as_ref()
                .is_none_or(tokenhub_core::users::is_enabled);
            if deleted {
                let _ = chores.send(Chore::RemoveUserCredentials { user: name.clone() });
            } else if was_enabled && !tokenhub_core::users::is_enabled(&event.object) {
                let _ = chores.send(Chore::EndSessions { user: name.clone() });
            }
        }
        if self.apply(resource, &event.object, deleted) {
            self.send_aggregations(chores);
        }
    }

    /// Applies one object; true when a ClusterRole changed (aggregation may need updating).
    fn apply(&self, resource: &str, object: &Value, deleted: bool) -> bool {
        let namespace = object.namespace().unwrap_or_default().to_string();
        let name = object.name().unwrap_or_default().to_string();
        let rbac = || write(&self.rbac);
        let upsert_or_remove = |map: &RwLock<HashMap<String, Value>>| {
            if deleted {
                write(map).remove(&name);
            } else {
                write(map).insert(name.clone(), object.clone());
            }
        };
        match resource {
            r if r == ROLES.storage_key() => {
                if deleted {
                    rbac().remove_role(&namespace, &name);
                } else {
                    rbac().upsert_role(&namespace, &name, stored_rules(object));
                }
            }
            r if r == CLUSTER_ROLES.storage_key() => {
                let mut roles = write(&self.cluster_roles);
                if deleted {
                    rbac().remove_cluster_role(&name);
                    roles.remove(&name);
                } else {
                    let rules = stored_rules(object);
                    rbac().upsert_cluster_role(&name, rules.clone());
                    roles.insert(
                        name,
                        ClusterRoleView {
                            labels: object.labels().cloned(),
                            selectors: aggregation_selectors(object),
                            rules,
                        },
                    );
                }
                return true;
            }
            r if r == ROLE_BINDINGS.storage_key() => {
                if deleted {
                    rbac().remove_role_binding(&namespace, &name);
                } else if let Some((role_ref, subjects)) = stored_binding(object) {
                    rbac().upsert_role_binding(&namespace, &name, role_ref, subjects);
                }
            }
            r if r == CLUSTER_ROLE_BINDINGS.storage_key() => {
                if deleted {
                    rbac().remove_cluster_role_binding(&name);
                } else if let Some((role_ref, subjects)) = stored_binding(object) {
                    rbac().upsert_cluster_role_binding(&name, role_ref, subjects);
                }
            }
            r if r == SERVICE_ACCOUNTS.storage_key() => {
                let mut accounts = write(&self.service_accounts);
                if deleted {
                    accounts.remove(&(namespace, name));
                } else if let Some(uid) = object.uid() {
                    accounts.insert((namespace, name), uid.to_string());
                }
            }
            r if r == USERS.storage_key() => {
                let mut users = write(&self.users);
                if deleted {
                    users.remove(&name);
                } else {
                    users.insert(name, UserView::of(object));
                }
            }
            r if r == TOKENS.storage_key() => {
                let mut tokens = write(&self.tokens);
                match (deleted, TokenView::of(object)) {
                    (false, Some(view)) => {
                        tokens.insert(name, view);
                    }
                    _ => {
                        tokens.remove(&name);
                    }
                }
            }
            r if r == TOKEN_SECRETS_KEY => apply_secret(&self.token_secrets, name, object, deleted),
            r if r == API_TOKEN_SECRETS_KEY => {
                apply_secret(&self.api_token_secrets, name, object, deleted)
            }
            r if r == API_TOKENS.storage_key() => {
                let mut tokens = write(&self.api_tokens);
                if deleted {
                    tokens.remove(&name);
                } else {
                    tokens.insert(name, ApiTokenView::of(object));
                }
            }
            r if r == SETTINGS.storage_key() => upsert_or_remove(&self.settings),
            r if r == FEATURES.storage_key() => upsert_or_remove(&self.features),
            _ => {}
        }
        false
    }

    /// The aggregating ClusterRoles whose stored rules differ from what they aggregate.
    fn send_aggregations(&self, out: &mpsc::UnboundedSender<Chore>) {
        let roles = read(&self.cluster_roles);
        for (name, role) in roles.iter() {
            let Some(selectors) = &role.selectors else {
                continue;
            };
            let others = roles
                .iter()
                .filter(|(other, _)| *other != name)
                .map(|(other, view)| (other.as_str(), view.labels.as_ref(), view.rules.as_slice()));
            let rules = aggregate_rules(selectors, others);
            if rules != role.rules {
                let _ = out.send(Chore::AggregateRules {
                    cluster_role: name.clone(),
                    rules,
                });
            }
        }
    }
}

/// A secret's hash record: `{"hash": "<hex>"}` named as its credential.
fn apply_secret(
    secrets: &RwLock<HashMap<String, SecretHash>>,
    name: String,
    object: &Value,
    deleted: bool,
) {
    let mut secrets = write(secrets);
    let hash = object
        .get("hash")
        .and_then(Value::as_str)
        .and_then(hash_from_hex);
    match (deleted, hash) {
        (false, Some(hash)) => {
            secrets.insert(name, hash);
        }
        _ => {
            secrets.remove(&name);
        }
    }
}

/// The rules of a stored role. Stored objects passed validation, so a failure here is a bug
/// or damaged data: logged, and the role then grants nothing.
fn stored_rules(object: &Value) -> Vec<PolicyRule> {
    rules_of(object).unwrap_or_else(|e| {
        tracing::error!(error = %e, name = object.name().unwrap_or_default(), "a stored role cannot be read");
        Vec::new()
    })
}

/// The roleRef and subjects of a stored binding; `None` (the binding grants nothing) when
/// they cannot be read.
fn stored_binding(object: &Value) -> Option<(RoleRef, Vec<Subject>)> {
    match (role_ref_of(object), subjects_of(object)) {
        (Ok(role_ref), Ok(subjects)) => Some((role_ref, subjects)),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, name = object.name().unwrap_or_default(), "a stored binding cannot be read");
            None
        }
    }
}

fn aggregation_selectors(object: &Value) -> Option<Vec<LabelSelector>> {
    let selectors = object
        .pointer("/aggregationRule/clusterRoleSelectors")?
        .as_array()?;
    Some(
        selectors
            .iter()
            .filter_map(|s| LabelSelector::from_json(s).ok())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const HASH: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn named(name: &str, rest: Value) -> Value {
        let mut object = rest;
        object["metadata"]["name"] = json!(name);
        object
    }

    fn user(name: &str, enabled: bool) -> Value {
        named(name, json!({"spec": {"enabled": enabled}}))
    }

    fn token(name: &str, user: &str, kind: &str) -> Value {
        named(
            name,
            json!({"metadata": {"creationTimestamp": "2026-01-01T00:00:00Z"},
                   "spec": {"userID": user, "kind": kind}}),
        )
    }

    fn secret(name: &str) -> Value {
        named(name, json!({"hash": HASH}))
    }

    #[test]
    fn leftovers_are_the_chores_a_crash_may_have_lost_each_once() {
        let caches = Caches::default();
        let objects = [
            (USERS.storage_key(), user("alice", true)),
            (USERS.storage_key(), user("bob", false)),
            (TOKENS.storage_key(), token("token-a", "alice", "session")),
            (TOKENS.storage_key(), token("token-b", "bob", "session")),
            (TOKENS.storage_key(), token("token-c", "bob", "")),
            (TOKENS.storage_key(), token("token-g1", "gone", "")),
            (TOKENS.storage_key(), token("token-g2", "gone", "session")),
            (API_TOKENS.storage_key(), named("kept", json!({}))),
            (API_TOKEN_SECRETS_KEY.into(), secret("kept")),
            (API_TOKEN_SECRETS_KEY.into(), secret("lost")),
        ];
        let secrets = [
            "token-a", "token-b", "token-c", "token-g1", "token-g2", "token-x",
        ]
        .map(|name| (TOKEN_SECRETS_KEY.to_string(), secret(name)));
        for (resource, object) in objects.iter().chain(&secrets) {
            caches.apply(resource, object, false);
        }

        let mut chores = caches.leftovers();
        chores.sort_by_key(|c| format!("{c:?}"));
        assert_eq!(
            chores,
            vec![
                Chore::EndSessions { user: "bob".into() },
                Chore::ForgetApiToken { id: "lost".into() },
                Chore::ForgetTokenSecret {
                    token: "token-x".into()
                },
                Chore::RemoveUserCredentials {
                    user: "gone".into()
                },
            ]
        );
    }
}
