//! In-memory views the hub answers from without waiting on the database: the RBAC index, the
//! ServiceAccounts (for token liveness) and the ClusterRoles that aggregate others. They load
//! once at start and then follow the store's change feed; a write is answered only after these
//! views have applied it, so a client always reads its own writes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokenhub_api::kinds::core_v1::SERVICE_ACCOUNTS;
use tokenhub_api::kinds::rbac_v1::{CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, ROLES};
use tokenhub_api::meta::ObjectExt;
use tokenhub_core::rbac::{
    AuthorizerIndex, PolicyRule, RoleRef, Subject, aggregate_rules, role_ref_of, rules_of,
    subjects_of,
};
use tokenhub_core::selector::LabelSelector;
use tokenhub_store::{Event, EventType, ListQuery, Store, StoreError, WatchQuery};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// A ClusterRole as aggregation needs it.
#[derive(Clone, Debug)]
struct ClusterRoleView {
    labels: Option<serde_json::Map<String, Value>>,
    /// Set when this role aggregates others.
    selectors: Option<Vec<LabelSelector>>,
    rules: Vec<PolicyRule>,
}

/// New rules for an aggregating ClusterRole, for the writer task to store.
#[derive(Debug)]
pub struct AggregatedRules {
    pub cluster_role: String,
    pub rules: Vec<PolicyRule>,
}

#[derive(Debug)]
pub struct Caches {
    rbac: RwLock<AuthorizerIndex>,
    cluster_roles: RwLock<HashMap<String, ClusterRoleView>>,
    /// (namespace, name) → uid of every ServiceAccount.
    service_accounts: RwLock<HashMap<(String, String), String>>,
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

impl Caches {
    /// Loads every view from the store; returns the views and the resourceVersion to follow
    /// the feed from.
    pub async fn load(store: &dyn Store) -> Result<(Arc<Caches>, u64), StoreError> {
        let caches = Arc::new(Caches {
            rbac: RwLock::new(AuthorizerIndex::default()),
            cluster_roles: RwLock::new(HashMap::new()),
            service_accounts: RwLock::new(HashMap::new()),
            applied: watch::channel(0).0,
        });
        let mut from = u64::MAX;
        for resource in [
            &ROLES,
            &CLUSTER_ROLES,
            &ROLE_BINDINGS,
            &CLUSTER_ROLE_BINDINGS,
            &SERVICE_ACCOUNTS,
        ] {
            let key = resource.storage_key();
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
                caches.apply_object(&key, &item.object, false);
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

    /// Follows the change feed from `from` until the store goes away. Aggregated rules that
    /// must change are sent on `aggregation` for a writer to store.
    pub fn follow(
        self: &Arc<Self>,
        store: Arc<dyn Store>,
        from: u64,
        aggregation: mpsc::UnboundedSender<AggregatedRules>,
    ) -> JoinHandle<()> {
        let caches = Arc::clone(self);
        tokio::spawn(async move {
            let mut after = from;
            caches.send_aggregations(&aggregation);
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
                            if caches.apply_event(&event) {
                                caches.send_aggregations(&aggregation);
                            }
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
    }

    /// Applies one change; true when a ClusterRole changed (aggregation may need updating).
    fn apply_event(&self, event: &Event) -> bool {
        let deleted = event.event_type == EventType::Deleted;
        self.apply_object(&event.key.resource, &event.object, deleted)
    }

    fn apply_object(&self, resource: &str, object: &Value, deleted: bool) -> bool {
        let namespace = object.namespace().unwrap_or_default().to_string();
        let name = object.name().unwrap_or_default().to_string();
        let rbac = || write(&self.rbac);
        match resource {
            r if r == ROLES.storage_key() => {
                if deleted {
                    rbac().remove_role(&namespace, &name);
                } else {
                    rbac().upsert_role(&namespace, &name, stored_rules(object));
                }
                false
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
                true
            }
            r if r == ROLE_BINDINGS.storage_key() => {
                if deleted {
                    rbac().remove_role_binding(&namespace, &name);
                } else if let Some((role_ref, subjects)) = stored_binding(object) {
                    rbac().upsert_role_binding(&namespace, &name, role_ref, subjects);
                }
                false
            }
            r if r == CLUSTER_ROLE_BINDINGS.storage_key() => {
                if deleted {
                    rbac().remove_cluster_role_binding(&name);
                } else if let Some((role_ref, subjects)) = stored_binding(object) {
                    rbac().upsert_cluster_role_binding(&name, role_ref, subjects);
                }
                false
            }
            r if r == SERVICE_ACCOUNTS.storage_key() => {
                let mut accounts = write(&self.service_accounts);
                if deleted {
                    accounts.remove(&(namespace, name));
                } else if let Some(uid) = object.uid() {
                    accounts.insert((namespace, name), uid.to_string());
                }
                false
            }
            _ => false,
        }
    }

    /// The aggregating ClusterRoles whose stored rules differ from what they aggregate.
    fn send_aggregations(&self, out: &mpsc::UnboundedSender<AggregatedRules>) {
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
                let _ = out.send(AggregatedRules {
                    cluster_role: name.clone(),
                    rules,
                });
            }
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
