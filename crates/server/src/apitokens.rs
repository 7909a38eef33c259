//! APITokens: machine credentials. The hub makes the ID (the token's name) and the secret,
//! shows the secret once (at create and at regenerate), keeps only its hash, and binds the
//! token's user to the ClusterRole of its role with a ClusterRoleBinding the token owns.

use serde_json::{Value, json};
use tokenhub_api::kinds::rbac_v1::CLUSTER_ROLE_BINDINGS;
use tokenhub_api::kinds::tokenhub_v1::{API_TOKEN_SECRETS_KEY, API_TOKENS};
use tokenhub_api::meta::ObjectExt;
use tokenhub_core::api_tokens::{
    Role, cluster_role_binding_name, generate_id, role_of, username_for, validate_api_token,
};
use tokenhub_core::bearer::{CredentialKind, IssuedBearer, issue};
use tokenhub_core::credentials::{hash_secret, hash_to_hex};
use tokenhub_core::identity::UserInfo;
use tokenhub_store::{ObjectKey, Precondition, StoreError, Write};

use crate::error::ApiError;
use crate::objects::{WriteOptions, invalid_if_any, rfc3339};
use crate::state::Hub;

/// The label a role's ClusterRoleBinding carries with its APIToken's ID.
pub const API_TOKEN_LABEL: &str = "tokenhub.io/apitoken";

/// How many times a regenerate re-reads a token another writer changed meanwhile.
const ATTEMPTS: usize = 3;

fn secret_record(id: &str, bearer: &IssuedBearer) -> Value {
    json!({"metadata": {"name": id}, "hash": hash_to_hex(&hash_secret(bearer.secret.expose()))})
}

fn secret_key(id: &str) -> ObjectKey {
    ObjectKey::new(API_TOKEN_SECRETS_KEY, "", id)
}

/// The ClusterRoleBinding that gives the token of `id` its role, made with the token.
pub fn role_binding(id: &str, role: Role, owner_uid: &str, created: &str) -> Value {
    json!({
        "apiVersion": CLUSTER_ROLE_BINDINGS.api_version(),
        "kind": CLUSTER_ROLE_BINDINGS.kind,
        "metadata": {
            "name": cluster_role_binding_name(id),
            "uid": uuid::Uuid::new_v4().to_string(),
            "creationTimestamp": created,
            "labels": {API_TOKEN_LABEL: id},
            "ownerReferences": [{
                "apiVersion": API_TOKENS.api_version(),
                "kind": API_TOKENS.kind,
                "name": id,
                "uid": owner_uid,
                "blockOwnerDeletion": true,
            }],
        },
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role.cluster_role()},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": username_for(id)}],
    })
}

/// Creates an APIToken from the client's `token` (its name is ignored: the hub makes the ID)
/// and its role's binding; returns the stored token and its secret.
pub async fn create(
    hub: &Hub,
    requester: &UserInfo,
    mut token: Value,
    options: &WriteOptions,
) -> Result<(Value, IssuedBearer), ApiError> {
    let now = hub.clock.now();
    invalid_if_any(&API_TOKENS, "", validate_api_token(&token, now))?;
    let id = generate_id().map_err(ApiError::internal)?;
    let role = role_of(&token);
    let Some(map) = token.as_object_mut() else {
        return Err(ApiError::BadRequest(
            "an APIToken must be a JSON object".into(),
        ));
    };
    let meta = map.entry("metadata").or_insert_with(|| json!({}));
    if let Some(meta) = meta.as_object_mut() {
        meta.insert("name".into(), id.clone().into());
        meta.remove("generateName");
    }
    if let Some(spec) = map.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("role".into(), role.as_str().into());
    }
    map.insert(
        "status".into(),
        json!({
            "username": username_for(&id),
            "createdBy": requester.username,
            "secretRegeneratedAt": rfc3339(now),
        }),
    );
    let bearer = issue(CredentialKind::ApiToken, &id).map_err(ApiError::internal)?;
    // The secret and the role's binding go in the token's own transaction: no token is ever
    // stored without its role, nor a role without its token.
    let also = |stored: &Value| {
        let uid = stored.uid().unwrap_or_default();
        let created = stored.meta_str("creationTimestamp").unwrap_or_default();
        vec![
            Write::Create {
                key: secret_key(&id),
                object: secret_record(&id, &bearer),
            },
            Write::Create {
                key: ObjectKey::new(
                    CLUSTER_ROLE_BINDINGS.storage_key(),
                    "",
                    cluster_role_binding_name(&id),
                ),
                object: role_binding(&id, role, uid, created),
            },
        ]
    };
    let written = hub
        .objects
        .create_with(&API_TOKENS, "", token, options, also)
        .await?;
    Ok((written.object, bearer))
}

/// Gives the token a new secret; the old one stops working from the next request on.
pub async fn regenerate(hub: &Hub, id: &str) -> Result<(Value, IssuedBearer), ApiError> {
    let key = ObjectKey::new(API_TOKENS.storage_key(), "", id);
    let not_found = || ApiError::NotFound(crate::objects::target(&API_TOKENS, id));
    for _ in 0..ATTEMPTS {
        let stored = hub
            .objects
            .store()
            .get(&key)
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(not_found)?;
        let mut token = stored.object;
        if let Some(status) = token.get_mut("status").and_then(Value::as_object_mut) {
            status.insert(
                "secretRegeneratedAt".into(),
                rfc3339(hub.clock.now()).into(),
            );
        }
        let bearer = issue(CredentialKind::ApiToken, id).map_err(ApiError::internal)?;
        let batch = vec![
            Write::Update {
                key: key.clone(),
                object: token,
                precondition: Precondition {
                    resource_version: Some(stored.resource_version),
                    uid: None,
                },
            },
            Write::DeleteIfExists {
                key: secret_key(id),
            },
            Write::Create {
                key: secret_key(id),
                object: secret_record(id, &bearer),
            },
        ];
        match hub.objects.store().apply(batch).await {
            Ok(written) => {
                let mut written = written.into_iter();
                let token = written
                    .next()
                    .map(|w| w.into_stored().object)
                    .unwrap_or_default();
                if let Some(rv) = written.last().map(|w| w.stored().resource_version) {
                    hub.caches.caught_up_to(rv).await;
                }
                return Ok((token, bearer));
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(StoreError::NotFound(_)) => return Err(not_found()),
            Err(e) => return Err(ApiError::internal(e)),
        }
    }
    Err(ApiError::Conflict {
        target: crate::objects::target(&API_TOKENS, id),
        detail: crate::objects::MODIFIED.into(),
    })
}

/// An APIToken as shown after create or regenerate: with its secret and ready bearer string.
pub fn with_secret(mut token: Value, bearer: &IssuedBearer) -> Value {
    if let Some(status) = token.get_mut("status").and_then(Value::as_object_mut) {
        status.insert("secret".into(), bearer.secret.expose().into());
        status.insert("bearerToken".into(), bearer.bearer.expose().into());
    }
    token
}
