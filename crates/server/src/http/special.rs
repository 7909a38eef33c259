//! The requests the generic verbs do not cover: create-only kinds (reviews) and subresources
//! (`serviceaccounts/token`).

use axum::body::Body;
use axum::response::Response;
use tokenhub_api::kinds::authentication_v1::{SELF_SUBJECT_REVIEWS, TOKEN_REVIEWS};
use tokenhub_api::kinds::authorization_v1::{
    LOCAL_SUBJECT_ACCESS_REVIEWS, SELF_SUBJECT_ACCESS_REVIEWS, SELF_SUBJECT_RULES_REVIEWS,
    SUBJECT_ACCESS_REVIEWS,
};
use tokenhub_api::kinds::tokenhub_v1::LOGIN_REQUESTS;

use super::resources::Call;
use super::respond;
use super::{login, passwords, reviews, token_request};
use crate::apitokens;
use crate::error::ApiError;

pub async fn handle(call: Call, body: Body) -> Result<Response, ApiError> {
    if call.info.verb != "create" {
        return Err(ApiError::MethodNotAllowed);
    }
    let t = call.t;
    if !call.info.subresource.is_empty() {
        return match (t.storage_key().as_str(), call.info.subresource.as_str()) {
            ("serviceaccounts", "token") => token_request::create(call, body).await,
            ("tokenhub.io/users", "password") => passwords::set(call, body).await,
            ("tokenhub.io/apitokens", "regenerate") => regenerate_api_token(call).await,
            _ => Err(ApiError::NoRoute),
        };
    }
    if !call.info.name.is_empty() {
        return Err(ApiError::MethodNotAllowed);
    }
    if std::ptr::eq(t, &SELF_SUBJECT_ACCESS_REVIEWS) {
        reviews::self_subject_access(call, body).await
    } else if std::ptr::eq(t, &SUBJECT_ACCESS_REVIEWS)
        || std::ptr::eq(t, &LOCAL_SUBJECT_ACCESS_REVIEWS)
    {
        reviews::subject_access(call, body).await
    } else if std::ptr::eq(t, &SELF_SUBJECT_RULES_REVIEWS) {
        reviews::self_subject_rules(call, body).await
    } else if std::ptr::eq(t, &SELF_SUBJECT_REVIEWS) {
        reviews::self_subject(call, body).await
    } else if std::ptr::eq(t, &TOKEN_REVIEWS) {
        reviews::token(call, body).await
    } else if std::ptr::eq(t, &LOGIN_REQUESTS) {
        login::create(call, body).await
    } else {
        Err(ApiError::NoRoute)
    }
}

/// `POST …/apitokens/{id}/regenerate`: a new secret, shown once; the old one dies at once.
async fn regenerate_api_token(call: Call) -> Result<Response, ApiError> {
    let (token, bearer) = apitokens::regenerate(&call.hub, &call.info.name).await?;
    Ok(respond::json(
        axum::http::StatusCode::CREATED,
        &apitokens::with_secret(token, &bearer),
    ))
}
