//! Every resource path (`/api/v1/...`, `/apis/G/V/...`): resolved like kube-apiserver resolves
//! it, looked up in the registry, and handed to the verb's handler.

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokenhub_api::kinds::tokenhub_v1::{API_TOKENS, TOKENS};
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::{ResourceType, Storage};
use tokenhub_api::status::{Status, StatusDetails};
use tokenhub_api::table::IncludeObject;
use tokenhub_core::identity::UserInfo;
use tokenhub_core::patch::PatchType;
use tokenhub_core::rbac::RequestAttributes;
use tokenhub_core::request_info::RequestInfo;
use tokenhub_core::settings::EXT_TOKENS_FEATURE;
use tokenhub_core::tokens::{TokenOwner, owned_by_selector, owner_of, owner_of_new_token};

use super::negotiate::{Answer, answer_for, decode_body};
use super::watch::{Presenter, WatchResponse};
use super::{body, respond, special, watch};
use crate::apitokens;
use crate::error::ApiError;
use crate::objects::{
    DeleteOptions, FieldValidation, ListOptions, Requester, WatchOptions, WriteOptions,
};
use crate::objects::{decode_object, target};
use crate::state::Hub;
use crate::tokens::{self, request_token};

/// The query string as ordered pairs (a parameter may repeat, like `dryRun`).
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(uri: &Uri) -> Result<Self, ApiError> {
        serde_urlencoded::from_str(uri.query().unwrap_or_default())
            .map(Params)
            .map_err(|e| ApiError::BadRequest(format!("the query string could not be parsed: {e}")))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        self.get(key)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse().map_err(|_| {
                    ApiError::BadRequest(format!("{key}: invalid value {v:?}: must be an integer"))
                })
            })
            .transpose()
    }

    fn dry_run(&self) -> Result<bool, ApiError> {
        let values = self.all("dryRun");
        if let Some(bad) = values.iter().find(|v| v.as_str() != "All") {
            return Err(ApiError::BadRequest(format!(
                "dryRun: Unsupported value: {bad:?}: supported values: \"All\""
            )));
        }
        Ok(!values.is_empty())
    }

    fn write_options(&self, user: &UserInfo) -> Result<WriteOptions, ApiError> {
        Ok(WriteOptions {
            dry_run: self.dry_run()?,
            field_validation: FieldValidation::parse(self.get("fieldValidation"))?,
            requester: Requester::User(user.clone()),
        })
    }

    fn list_options(&self) -> Result<ListOptions, ApiError> {
        Ok(ListOptions {
            label_selector: self.get("labelSelector").map(str::to_string),
            field_selector: self.get("fieldSelector").map(str::to_string),
            limit: self.number("limit")?,
            continue_token: self.get("continue").map(str::to_string),
        })
    }

    fn include_object(&self) -> Result<IncludeObject, ApiError> {
        let value = self.get("includeObject").unwrap_or_default();
        IncludeObject::parse(value).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "includeObject: Unsupported value: {value:?}: supported values: \"None\", \"Metadata\", \"Object\""
            ))
        })
    }
}

/// One resolved resource request.
pub struct Call {
    pub hub: Arc<Hub>,
    pub t: &'static ResourceType,
    pub info: RequestInfo,
    pub user: UserInfo,
    params: Params,
    pub headers: HeaderMap,
    /// The client's address, when the connection tells it.
    pub client: Option<std::net::SocketAddr>,
    /// What the client accepts back, checked before anything is done.
    answer: Answer,
}

/// Whether `t` is the personal Token kind (under either of its groups).
pub fn is_token_kind(t: &ResourceType) -> bool {
    t.storage_key() == TOKENS.storage_key()
}

impl Call {
    /// For Tokens: the owner a caller is limited to, unless RBAC allows the verb on every
    /// resource of the group (as cluster-admin and hub-admin are; hub-guest for reads).
    fn owner_scope(&self) -> Option<String> {
        if !is_token_kind(self.t) {
            return None;
        }
        let every = RequestAttributes::resource(&self.info.verb, self.t.group, "*");
        (!self.hub.authorizer.allows(&self.user, &every)).then(|| self.user.username.clone())
    }

    /// The list options, with the caller's owner ANDed in when they are limited to their own.
    fn scoped_list_options(&self) -> Result<ListOptions, ApiError> {
        let mut options = self.params.list_options()?;
        if let Some(owner) = self.owner_scope() {
            options.label_selector = Some(and_owner(options.label_selector.as_deref(), &owner));
        }
        Ok(options)
    }

    /// 404 when the caller is limited to their own objects and this one is someone else's
    /// (or missing): another user's Token does not exist for them.
    async fn require_owned(&self, namespace: &str) -> Result<(), ApiError> {
        let Some(owner) = self.owner_scope() else {
            return Ok(());
        };
        let object = self
            .hub
            .objects
            .get(self.t, namespace, &self.info.name)
            .await?;
        if owner_of(&object) == Some(owner.as_str()) {
            Ok(())
        } else {
            Err(ApiError::NotFound(target(self.t, &self.info.name)))
        }
    }

    /// How a stored object is shown to this caller.
    fn presenter(&self) -> Presenter {
        let current = request_token(&self.user).map(str::to_string);
        let (t, clock) = (self.t, Arc::clone(&self.hub.clock));
        Arc::new(move |object: &mut serde_json::Value| {
            if is_token_kind(t) {
                tokens::present(t, object, clock.now(), current.as_deref());
            }
        })
    }

    pub fn write_options(&self) -> Result<WriteOptions, ApiError> {
        self.params.write_options(&self.user)
    }

    /// The whole body, within the size limit, decoded from JSON, YAML or protobuf.
    pub async fn json_body(&self, body: Body) -> Result<serde_json::Value, ApiError> {
        let bytes = body::read(body, self.hub.limits.max_body_bytes).await?;
        decode_body(&self.headers, &bytes)
    }

    /// The body as an object of this request's kind, checked against its schema as
    /// `options` ask; with the warnings of a lenient check.
    pub async fn object_body(
        &self,
        body: Body,
        options: &WriteOptions,
    ) -> Result<(serde_json::Value, Vec<String>), ApiError> {
        decode_object(
            self.t,
            self.json_body(body).await?,
            options.field_validation,
        )
    }

    fn namespace(&self) -> Option<&str> {
        (self.t.is_namespaced() && !self.info.namespace.is_empty())
            .then_some(self.info.namespace.as_str())
    }

    /// The namespace of a request about one object of a namespaced kind, which must name one.
    pub fn object_namespace(&self) -> Result<&str, ApiError> {
        match (self.t.is_namespaced(), self.namespace()) {
            (false, _) => Ok(""),
            (true, Some(ns)) => Ok(ns),
            (true, None) => Err(ApiError::NoRoute),
        }
    }
}

pub async fn handle(
    State(hub): State<Arc<Hub>>,
    Extension(info): Extension<RequestInfo>,
    Extension(user): Extension<UserInfo>,
    connection: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let client = connection.map(|Extension(ConnectInfo(address))| address);
    match dispatch(hub, info, user, client, uri, headers, body).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn dispatch(
    hub: Arc<Hub>,
    info: RequestInfo,
    user: UserInfo,
    client: Option<std::net::SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let params = Params::parse(&uri)?;
    if !info.is_resource_request {
        return Err(ApiError::NoRoute);
    }
    let t = hub
        .registry
        .find(&info.api_group, &info.api_version, &info.resource)
        .ok_or(ApiError::NoRoute)?;
    // A cluster-scoped kind has no `/namespaces/{ns}/` form (the namespace path of
    // `namespaces` itself names the object, not a scope).
    let names_a_namespace = t.plural == "namespaces" && info.name == info.namespace;
    let namespaced_path = !info.namespace.is_empty() && !names_a_namespace;
    if !t.is_namespaced() && namespaced_path {
        return Err(ApiError::NoRoute);
    }
    if is_token_kind(t) && !hub.caches.feature_enabled(EXT_TOKENS_FEATURE) {
        // The ext-tokens feature is off: the Token API is gone (tokens still authenticate).
        return Err(ApiError::NoRoute);
    }
    let answer = answer_for(&headers)?;
    let call = Call {
        hub,
        t,
        info,
        user,
        params,
        headers,
        client,
        answer,
    };
    if !call.info.subresource.is_empty() || t.storage == Storage::Virtual {
        return special::handle(call, body).await;
    }
    if !t.has_verb(&call.info.verb) || !path_takes_verb(t, &call.info) {
        return Err(ApiError::MethodNotAllowed);
    }
    match call.info.verb.as_str() {
        "get" => get(call).await,
        "list" => list(call).await,
        "watch" => watch(call).await,
        "create" => create(call, body).await,
        "update" => update(call, body).await,
        "patch" => patch(call, body).await,
        "delete" => delete(call, body).await,
        "deletecollection" => delete_collection(call, body).await,
        _ => Err(ApiError::MethodNotAllowed),
    }
}

/// POST and DELETE of a namespaced kind's collection need a namespace, POST names no object,
/// PUT and PATCH name one: kube-apiserver has no route for the method elsewhere (405).
fn path_takes_verb(t: &ResourceType, info: &RequestInfo) -> bool {
    let in_scope = !t.is_namespaced() || !info.namespace.is_empty();
    match info.verb.as_str() {
        "create" => in_scope && info.name.is_empty(),
        "deletecollection" => in_scope,
        "update" | "patch" => !info.name.is_empty(),
        _ => true,
    }
}

async fn get(call: Call) -> Result<Response, ApiError> {
    let include = call.params.include_object()?;
    let namespace = call.object_namespace()?;
    call.require_owned(namespace).await?;
    let mut object = call
        .hub
        .objects
        .get(call.t, namespace, &call.info.name)
        .await?;
    call.presenter()(&mut object);
    Ok(respond::object(
        call.t,
        &object,
        call.answer,
        include,
        call.hub.clock.now(),
    ))
}

async fn list(call: Call) -> Result<Response, ApiError> {
    let include = call.params.include_object()?;
    let options = call.scoped_list_options()?;
    let mut list = call
        .hub
        .objects
        .list(call.t, call.namespace(), &options)
        .await?;
    let present = call.presenter();
    list.items.iter_mut().for_each(|item| present(item));
    Ok(respond::list(
        call.t,
        &list,
        call.answer,
        include,
        call.hub.clock.now(),
    ))
}

async fn watch(call: Call) -> Result<Response, ApiError> {
    let include = call.params.include_object()?;
    let mut field_selector = call
        .params
        .get("fieldSelector")
        .unwrap_or_default()
        .to_string();
    if !call.info.name.is_empty() {
        // The legacy `/watch/.../{name}` form watches one object.
        let by_name = format!("metadata.name={}", call.info.name);
        field_selector = if field_selector.is_empty() {
            by_name
        } else {
            format!("{field_selector},{by_name}")
        };
    }
    let mut label_selector = call.params.get("labelSelector").map(str::to_string);
    if let Some(owner) = call.owner_scope() {
        label_selector = Some(and_owner(label_selector.as_deref(), &owner));
    }
    let options = WatchOptions {
        resource_version: call.params.get("resourceVersion").map(str::to_string),
        label_selector,
        field_selector: Some(field_selector),
    };
    let timeout = call
        .params
        .number::<u64>("timeoutSeconds")?
        .map_or(call.hub.limits.watch_timeout, Duration::from_secs);
    let started = call
        .hub
        .objects
        .watch(call.t, call.namespace(), &options)
        .await?;
    let how = WatchResponse {
        answer: call.answer,
        include,
        bookmarks: call.params.flag("allowWatchBookmarks"),
        timeout,
        present: call.presenter(),
    };
    Ok(watch::stream(Arc::clone(&call.hub), call.t, started, how))
}

async fn create(call: Call, body: Body) -> Result<Response, ApiError> {
    if is_token_kind(call.t) {
        return create_token(call, body).await;
    }
    if std::ptr::eq(call.t, &API_TOKENS) {
        return create_api_token(call, body).await;
    }
    let namespace = call.object_namespace()?.to_string();
    let object = call.json_body(body).await?;
    let options = call.write_options()?;
    let written = call
        .hub
        .objects
        .create(call.t, &namespace, object, &options)
        .await?;
    Ok(respond::json_with_warnings(
        StatusCode::CREATED,
        &written.object,
        &written.warnings,
    ))
}

async fn update(call: Call, body: Body) -> Result<Response, ApiError> {
    let namespace = call.object_namespace()?.to_string();
    call.require_owned(&namespace).await?;
    let object = call.json_body(body).await?;
    let options = call.write_options()?;
    let mut written = call
        .hub
        .objects
        .update(call.t, &namespace, &call.info.name, object, &options)
        .await?;
    call.presenter()(&mut written.object);
    Ok(respond::json_with_warnings(
        StatusCode::OK,
        &written.object,
        &written.warnings,
    ))
}

/// An APIToken gets an ID and a secret from the hub; the secret is shown once.
async fn create_api_token(call: Call, body: Body) -> Result<Response, ApiError> {
    let options = call.write_options()?;
    let (token, warnings) = call.object_body(body, &options).await?;
    let (token, bearer) = apitokens::create(&call.hub, &call.user, token, &options).await?;
    let answer = apitokens::with_secret(token, &bearer);
    Ok(respond::json_with_warnings(
        StatusCode::CREATED,
        &answer,
        &warnings,
    ))
}

/// A Token is created for its caller, who must be a user of the hub; its secret is shown once.
async fn create_token(call: Call, body: Body) -> Result<Response, ApiError> {
    let user = &call.user;
    if call.hub.caches.user(&user.username).is_none() {
        return Err(ApiError::Forbidden(format!(
            "{} is forbidden: {} is not a tokenhub user",
            call.t.qualified_plural(),
            user.username
        )));
    }
    let options = call.write_options()?;
    let (token, warnings) = call.object_body(body, &options).await?;
    if let TokenOwner::OtherUser(other) = owner_of_new_token(&token, &user.username) {
        return Err(ApiError::Forbidden(format!(
            "{} is forbidden: {} may not create tokens for {other:?}",
            call.t.qualified_plural(),
            user.username
        )));
    }
    let minted = tokens::mint(
        &call.hub,
        &user.username,
        token,
        tokens::Lifetime::Requested,
        &options,
    )
    .await?;
    let mut object = tokens::created_response(call.t, &minted, call.hub.clock.now());
    if options.dry_run {
        call.presenter()(&mut object);
    }
    Ok(respond::json_with_warnings(
        StatusCode::CREATED,
        &object,
        &warnings,
    ))
}

async fn patch(call: Call, body: Body) -> Result<Response, ApiError> {
    let namespace = call.object_namespace()?.to_string();
    call.require_owned(&namespace).await?;
    let content_type = call
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let patch_type = PatchType::from_content_type(essence).ok_or_else(|| {
        ApiError::UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json".into(),
        )
    })?;
    let bytes = body::read(body, call.hub.limits.max_body_bytes).await?;
    let options = call.write_options()?;
    let mut written = call
        .hub
        .objects
        .patch(
            call.t,
            &namespace,
            &call.info.name,
            patch_type,
            &bytes,
            &options,
        )
        .await?;
    call.presenter()(&mut written.object);
    Ok(respond::json_with_warnings(
        StatusCode::OK,
        &written.object,
        &written.warnings,
    ))
}

/// DeleteOptions from the body (JSON or protobuf, possibly empty) and the query.
async fn delete_options(call: &Call, body: Body) -> Result<DeleteOptions, ApiError> {
    let bytes = body::read(body, call.hub.limits.max_body_bytes).await?;
    let mut options: DeleteOptions = if bytes.iter().all(u8::is_ascii_whitespace) {
        DeleteOptions::default()
    } else {
        let value = decode_body(&call.headers, &bytes)?;
        serde_json::from_value(value).map_err(|e| {
            ApiError::BadRequest(format!("the DeleteOptions in the body are not valid: {e}"))
        })?
    };
    options.dry_run.extend(call.params.all("dryRun"));
    if let Some(policy) = call.params.get("propagationPolicy") {
        options.propagation_policy = Some(policy.to_string());
    }
    if let Some(grace) = call.params.number("gracePeriodSeconds")? {
        options.grace_period_seconds = Some(grace);
    }
    Ok(options)
}

async fn delete(call: Call, body: Body) -> Result<Response, ApiError> {
    let namespace = call.object_namespace()?.to_string();
    call.require_owned(&namespace).await?;
    let options = delete_options(&call, body).await?;
    let object = call
        .hub
        .objects
        .delete(call.t, &namespace, &call.info.name, &options)
        .await?;
    if call.t.plural == "namespaces" {
        return Ok(respond::json(StatusCode::OK, &object));
    }
    let status = Status::success(StatusDetails {
        name: call.info.name.clone(),
        group: call.t.group.to_string(),
        kind: call.t.plural.to_string(),
        uid: object.uid().unwrap_or_default().to_string(),
        ..Default::default()
    });
    Ok(respond::json(StatusCode::OK, &status))
}

async fn delete_collection(call: Call, body: Body) -> Result<Response, ApiError> {
    let options = delete_options(&call, body).await?;
    let list_options = call.scoped_list_options()?;
    let mut deleted = call
        .hub
        .objects
        .delete_collection(call.t, call.namespace(), &list_options, &options)
        .await?;
    let present = call.presenter();
    deleted.items.iter_mut().for_each(|item| present(item));
    Ok(respond::json(
        StatusCode::OK,
        &json!({
            "kind": call.t.list_kind,
            "apiVersion": call.t.api_version(),
            "metadata": respond::list_meta(&deleted),
            "items": deleted.items,
        }),
    ))
}

/// `selector` ANDed with the Token owner label.
fn and_owner(selector: Option<&str>, owner: &str) -> String {
    let owned = owned_by_selector(owner);
    match selector.filter(|s| !s.trim().is_empty()) {
        Some(selector) => format!("{selector},{owned}"),
        None => owned,
    }
}
