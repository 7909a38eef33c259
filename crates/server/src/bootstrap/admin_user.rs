//! The first start makes user `admin` (in system:masters), prints its initial password once
//! and writes it to a 0600 file; `admin.kubeconfig` holds a personal Token of `admin`, made
//! again only when the one it holds no longer works.

use std::path::Path;

use serde_json::json;
use tokenhub_api::kinds::tokenhub_v1::{PASSWORDS_KEY, USERS};
use tokenhub_core::bearer::{CredentialKind, parse};
use tokenhub_core::credentials::verify_secret;
use tokenhub_core::users::{BOOTSTRAP_ADMIN_GROUPS, generate_initial_password, hash_password};
use tokenhub_store::{ObjectKey, Write};

use super::BootstrapError;
use super::files::write_private;
use crate::objects::{WriteOptions, rfc3339};
use crate::password_records;
use crate::state::Hub;
use crate::tokens::{self, Lifetime};

pub const ADMIN: &str = "admin";
const INITIAL_PASSWORD_FILE: &str = "initial-admin-password";

fn failed(e: impl std::fmt::Display) -> BootstrapError {
    BootstrapError::Other(format!("cannot set up user {ADMIN}: {e}"))
}

/// Creates user `admin` if there is none. It is written to the store directly: its group
/// `system:masters` is one the API refuses to hand out.
pub async fn ensure_admin_user(hub: &Hub, dir: &Path) -> Result<(), BootstrapError> {
    if hub.caches.user(ADMIN).is_some() {
        return Ok(());
    }
    let password = generate_initial_password().map_err(failed)?;
    let hash = tokio::task::spawn_blocking({
        let password = password.clone();
        move || hash_password(&password)
    })
    .await
    .map_err(failed)?
    .map_err(failed)?;
    let uid = uuid::Uuid::new_v4().to_string();
    let user = json!({
        "apiVersion": USERS.api_version(),
        "kind": USERS.kind,
        "metadata": {"name": ADMIN, "uid": uid, "creationTimestamp": rfc3339(hub.clock.now())},
        "spec": {"displayName": "Administrator", "enabled": true, "groups": BOOTSTRAP_ADMIN_GROUPS},
    });
    let record = password_records::record(ADMIN, &uid, &hash);
    let written = hub
        .objects
        .store()
        .apply(vec![
            Write::Create {
                key: ObjectKey::new(USERS.storage_key(), "", ADMIN),
                object: user,
            },
            Write::Create {
                key: ObjectKey::new(PASSWORDS_KEY, "", ADMIN),
                object: record,
            },
        ])
        .await
        .map_err(failed)?;
    if let Some(rv) = written.first().map(|w| w.stored().resource_version) {
        hub.caches.caught_up_to(rv).await;
    }
    let file = dir.join(INITIAL_PASSWORD_FILE);
    write_private(&file, format!("{password}\n").as_bytes())
        .map_err(|e| BootstrapError::io(&file, e))?;
    // Printed once, on the first start: the operator needs it to log in.
    eprintln!(
        "tokenhub: the initial password of user {ADMIN} is {password} (also in {})",
        file.display()
    );
    Ok(())
}

/// The bearer token for `admin.kubeconfig`: the one it holds while that still authenticates
/// as `admin`, else a new personal Token of `admin`.
pub async fn admin_token(hub: &Hub, held: Option<String>) -> Result<String, BootstrapError> {
    if let Some(held) = held
        && still_works(hub, &held)
    {
        return Ok(held);
    }
    let token = json!({"spec": {"description": "admin.kubeconfig"}});
    let minted = tokens::mint(hub, ADMIN, token, Lifetime::Never, &WriteOptions::default())
        .await
        .map_err(failed)?;
    Ok(minted.bearer.bearer.expose().to_string())
}

fn still_works(hub: &Hub, bearer: &str) -> bool {
    let Ok(parsed) = parse(bearer) else {
        return false;
    };
    let Some((view, hash)) = hub.caches.token(&parsed.id) else {
        return false;
    };
    parsed.kind == CredentialKind::PersonalToken
        && view.user == ADMIN
        && view.enabled
        && !view.is_expired(hub.clock.now())
        && verify_secret(parsed.secret.expose(), &hash)
}
