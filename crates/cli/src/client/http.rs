//! The HTTPS client of the hub: JSON in, JSON out, errors as one line.

use std::time::Duration;

use reqwest::Method;
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::Value;

use super::connection::Connection;
use super::error::CliError;

/// What kubectl asks for to get a server-side printed Table.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
pub const AGGREGATED_DISCOVERY_ACCEPT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
const JSON: &str = "application/json";
const MERGE_PATCH: &str = "application/merge-patch+json";

pub struct HubClient {
    http: Client,
    server: String,
    bearer: Option<String>,
}

impl HubClient {
    pub fn new(conn: &Connection) -> Result<HubClient, CliError> {
        if !conn.server.starts_with("https://") {
            return Err(CliError::local(format!(
                "the server URL must start with https:// (got {:?})",
                conn.server
            )));
        }
        let mut builder = Client::builder()
            .user_agent(concat!("tokenhub/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(60));
        if let Some(pem) = &conn.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    CliError::local("the certificate authority is not a PEM certificate")
                })?;
            builder = builder.tls_certs_only(certs);
        }
        let http = builder
            .build()
            .map_err(|e| CliError::local(format!("cannot set up HTTPS: {}", chain(&e))))?;
        Ok(HubClient {
            http,
            server: conn.server.clone(),
            bearer: conn.bearer.clone(),
        })
    }

    pub fn get(&self, path: &str) -> Result<Value, CliError> {
        self.send(self.request(Method::GET, path, JSON))
    }

    /// GET with the Table media type first: the server prints the rows.
    pub fn get_table(&self, path: &str) -> Result<Value, CliError> {
        self.send(self.request(Method::GET, path, TABLE_ACCEPT))
    }

    pub fn get_accept(&self, path: &str, accept: &str) -> Result<Value, CliError> {
        self.send(self.request(Method::GET, path, accept))
    }

    pub fn post(&self, path: &str, body: &Value) -> Result<Value, CliError> {
        self.send_json(Method::POST, path, body, JSON)
    }

    pub fn merge_patch(&self, path: &str, body: &Value) -> Result<Value, CliError> {
        self.send_json(Method::PATCH, path, body, MERGE_PATCH)
    }

    pub fn delete(&self, path: &str) -> Result<Value, CliError> {
        self.send(self.request(Method::DELETE, path, JSON))
    }

    fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        content_type: &str,
    ) -> Result<Value, CliError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| CliError::local(format!("cannot encode the request: {e}")))?;
        self.send(
            self.request(method, path, JSON)
                .header(CONTENT_TYPE, content_type)
                .body(bytes),
        )
    }

    fn request(&self, method: Method, path: &str, accept: &str) -> RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}{path}", self.server))
            .header(ACCEPT, accept);
        match &self.bearer {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    fn send(&self, request: RequestBuilder) -> Result<Value, CliError> {
        let response = request.send().map_err(|e| self.transport(&e))?;
        let code = response.status();
        let body = response.bytes().map_err(|e| self.transport(&e))?;
        if !code.is_success() {
            return Err(CliError::from_response(code.as_u16(), &body));
        }
        if body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body).map_err(|e| {
            CliError::Transport(format!(
                "the server at {} did not answer JSON: {e}",
                self.server
            ))
        })
    }

    fn transport(&self, e: &reqwest::Error) -> CliError {
        let what = if e.is_timeout() {
            "timed out"
        } else {
            "failed"
        };
        let cause = chain(e);
        let hint = if cause.contains("UnknownIssuer") {
            " (pass the CA that signed the hub's certificate with --certificate-authority FILE)"
        } else {
            ""
        };
        CliError::Transport(format!(
            "the connection to {} {what}: {cause}{hint}",
            self.server
        ))
    }
}

/// The causes of an error, outermost last dropped: reqwest's own top line repeats the URL.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    if parts.is_empty() {
        return e.to_string();
    }
    // The innermost causes say what happened; the outer ones only where.
    parts.reverse();
    parts.truncate(2);
    parts.reverse();
    parts.join(": ")
}
