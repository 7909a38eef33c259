//! What a crash between a write and its clean-up leaves behind (issue 4): a user deleted while
//! no chore ran must not hand their tokens or password to the next user given the name.

use std::sync::Arc;

use jiff::SignedDuration;
use serde_json::json;
use tokenhub_api::kinds::tokenhub_v1::USERS as USER_KIND;
use tokenhub_core::clock::{Clock, SystemClock};
use tokenhub_store::{ObjectKey, Precondition, Write};

use crate::people::*;
use crate::support::{Api, names, with_query};

fn alice_key() -> ObjectKey {
    ObjectKey::new(USER_KIND.storage_key(), "", "alice")
}

fn delete_alice() -> Write {
    Write::Delete {
        key: alice_key(),
        precondition: Precondition::default(),
    }
}

async fn tokens_of_alice(api: &Api) -> Vec<String> {
    let path = with_query(
        HUB_TOKENS,
        &[("labelSelector", "tokenhub.io/user-id=alice")],
    );
    names(&api.get(&path).await.expect(200))
}

#[tokio::test]
async fn a_user_deleted_while_the_hub_was_down_leaves_nothing_behind() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let token = alice.create_token(json!({})).await;
    assert_eq!(tokens_of_alice(&api).await.len(), 2);

    // Deleted behind the hub's back: no chore ran for it.
    let api = api.restart_after_writing(Arc::new(SystemClock), vec![delete_alice()]);
    assert!(tokens_of_alice(&api).await.is_empty(), "swept at start");

    api.user("alice", &[]).await;
    for bearer in [&alice.session, &token.bearer] {
        assert_eq!(api.with_token(bearer).get(USERS).await.code, 401);
    }
    assert_eq!(api.login("alice", PASSWORD).await.code, 401);
}

#[tokio::test]
async fn a_user_deleted_and_made_again_before_any_chore_ran_inherits_nothing() {
    let (api, clock) = Api::with_manual_clock();
    let alice = api.person("alice").await;
    let token = alice.create_token(json!({})).await;

    // The same name, another user, made an hour later; the old tokens and password remain.
    clock.advance(SignedDuration::from_hours(1));
    let later = clock.now();
    let again = json!({
        "apiVersion": "tokenhub.io/v1", "kind": "User",
        "metadata": {"name": "alice", "uid": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                     "creationTimestamp": later.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()},
        "spec": {"enabled": true},
    });
    let api = api.restart_after_writing(
        clock,
        vec![
            delete_alice(),
            Write::Create {
                key: alice_key(),
                object: again,
            },
        ],
    );
    assert_eq!(tokens_of_alice(&api).await.len(), 2, "nothing to sweep");

    for bearer in [&alice.session, &token.bearer] {
        assert_eq!(api.with_token(bearer).get(USERS).await.code, 401);
    }
    assert_eq!(api.login("alice", PASSWORD).await.code, 401);
    // The new alice's own password and tokens work.
    api.set_password("alice", "another horse battery").await;
    let (session, _) = api.session("alice", "another horse battery").await;
    let new_alice = api.with_token(&session);
    assert_eq!(
        new_alice
            .post(
                "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
            )
            .await
            .code,
        201
    );
}
