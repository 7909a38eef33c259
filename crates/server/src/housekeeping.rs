//! The hub's own writes that follow from others' changes: aggregated ClusterRole rules, the
//! secrets of deleted Tokens, the secret and role binding of deleted APITokens, the
//! credentials of deleted or disabled Users, and the purge of expired Tokens. They run with the
//! hub's authority, one at a time; what a crash left undone is swept up at the next start.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokenhub_api::kinds::rbac_v1::{CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES};
use tokenhub_api::kinds::tokenhub_v1::{
    API_TOKEN_SECRETS_KEY, PASSWORDS_KEY, TOKEN_SECRETS_KEY, TOKEN_USER_LABEL, TOKENS,
};
use tokenhub_api::meta::ObjectExt;
use tokenhub_core::api_tokens::cluster_role_binding_name;
use tokenhub_core::clock::Clock;
use tokenhub_core::tokens::SESSION_KIND;
use tokenhub_store::{ListQuery, ObjectKey, Write};
use tokio::sync::mpsc;

use crate::caches::{Caches, Chore};
use crate::error::ApiError;
use crate::objects::{DeleteOptions, ListOptions, Objects, WriteOptions};

pub async fn do_chores(objects: Objects, mut chores: mpsc::UnboundedReceiver<Chore>) {
    while let Some(chore) = chores.recv().await {
        if let Err(e) = do_chore(&objects, &chore).await {
            tracing::warn!(error = %e, ?chore, "housekeeping failed");
        }
    }
}

async fn do_chore(objects: &Objects, chore: &Chore) -> Result<(), ApiError> {
    match chore {
        Chore::AggregateRules {
            cluster_role,
            rules,
        } => {
            let mut role = objects.get(&CLUSTER_ROLES, "", cluster_role).await?;
            if let Some(map) = role.as_object_mut() {
                map.insert(
                    "rules".into(),
                    serde_json::to_value(rules).unwrap_or_default(),
                );
            }
            // A conflict means the role changed again; that change brings its own aggregation.
            match objects
                .update(
                    &CLUSTER_ROLES,
                    "",
                    cluster_role,
                    role,
                    &WriteOptions::default(),
                )
                .await
            {
                Ok(_) | Err(ApiError::Conflict { .. }) => Ok(()),
                Err(e) => Err(e),
            }
        }
        Chore::ForgetTokenSecret { token } => {
            let key = ObjectKey::new(TOKEN_SECRETS_KEY, "", token.as_str());
            apply(objects, vec![Write::DeleteIfExists { key }]).await
        }
        Chore::RemoveUserCredentials { user } => {
            delete_tokens_of(objects, user, false).await?;
            let key = ObjectKey::new(PASSWORDS_KEY, "", user.as_str());
            apply(objects, vec![Write::DeleteIfExists { key }]).await
        }
        Chore::EndSessions { user } => delete_tokens_of(objects, user, true).await,
        Chore::ForgetApiToken { id } => {
            let binding = ObjectKey::new(
                CLUSTER_ROLE_BINDINGS.storage_key(),
                "",
                cluster_role_binding_name(id),
            );
            let secret = ObjectKey::new(API_TOKEN_SECRETS_KEY, "", id.as_str());
            apply(
                objects,
                vec![
                    Write::DeleteIfExists { key: binding },
                    Write::DeleteIfExists { key: secret },
                ],
            )
            .await
        }
    }
}

/// Does, before the hub serves, the chores a crash or a failure left undone; otherwise a user
/// deleted while no chore ran would leave tokens and a password to whoever is next given the
/// name. Returns how many were done; one that fails again is logged and left for the next
/// start.
pub async fn sweep_leftovers(objects: &Objects, caches: &Caches) -> Result<usize, ApiError> {
    let mut chores = caches.leftovers();
    let everything = |_: &Value| true;
    let passwords = objects
        .store()
        .list(ListQuery {
            resource: PASSWORDS_KEY,
            namespace: None,
            filter: &everything,
            limit: None,
            continue_from: None,
        })
        .await
        .map_err(ApiError::internal)?;
    for item in passwords.items {
        let chore = Chore::RemoveUserCredentials {
            user: item.key.name.clone(),
        };
        if caches.user(&item.key.name).is_none() && !chores.contains(&chore) {
            chores.push(chore);
        }
    }
    let mut done = 0;
    for chore in &chores {
        match do_chore(objects, chore).await {
            Ok(()) => done += 1,
            Err(e) => tracing::warn!(error = %e, ?chore, "housekeeping left undone failed again"),
        }
    }
    Ok(done)
}

async fn apply(objects: &Objects, batch: Vec<Write>) -> Result<(), ApiError> {
    objects
        .store()
        .apply(batch)
        .await
        .map(|_| ())
        .map_err(ApiError::internal)
}

/// Deletes a user's tokens (only the sessions when `sessions_only`).
async fn delete_tokens_of(
    objects: &Objects,
    user: &str,
    sessions_only: bool,
) -> Result<(), ApiError> {
    let list = ListOptions {
        label_selector: Some(format!("{TOKEN_USER_LABEL}={user}")),
        ..ListOptions::default()
    };
    let tokens = objects.list(&TOKENS, None, &list).await?;
    for token in tokens.items {
        let session = token.pointer("/spec/kind").and_then(Value::as_str) == Some(SESSION_KIND);
        if sessions_only && !session {
            continue;
        }
        let name = token.name().unwrap_or_default();
        match objects
            .delete(&TOKENS, "", name, &DeleteOptions::default())
            .await
        {
            Ok(_) | Err(ApiError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Deletes expired Tokens once an `every` (hourly by default); they no longer authenticate
/// anyway, this keeps them from piling up.
pub async fn purge_expired_tokens(
    objects: Objects,
    caches: Arc<Caches>,
    clock: Arc<dyn Clock>,
    every: Duration,
) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let now = clock.now();
        for (name, token) in caches.tokens() {
            if token.is_expired(now) {
                match objects
                    .delete(&TOKENS, "", &name, &DeleteOptions::default())
                    .await
                {
                    Ok(_) | Err(ApiError::NotFound(_)) => {}
                    Err(e) => tracing::warn!(error = %e, %name, "purging an expired token failed"),
                }
            }
        }
    }
}
