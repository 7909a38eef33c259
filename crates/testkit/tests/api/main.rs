//! The Kubernetes API of the hub over real HTTPS, checked request by request against what
//! kube-apiserver answers: discovery, OpenAPI, CRUD, list, watch, protobuf bodies, errors and
//! limits. kubectl itself drives the hub in crates/cli/tests/e2e; these tests pin the wire.

mod accounts;
mod aggregation;
mod anonymous;
mod apitokens;
mod auth;
mod authorization;
mod data_dir;
mod delete;
mod discovery;
mod errors;
mod escalation;
mod expired;
mod impersonation;
mod leftovers;
mod limits;
mod list;
mod login;
mod openapi;
mod patch;
mod people;
mod presets;
mod protobuf;
mod rbac;
mod read;
mod reviews;
mod scope;
mod service_account_tokens;
mod settings;
mod support;
mod tokens;
mod update;
mod users;
mod watch;
mod write;
