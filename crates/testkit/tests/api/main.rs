//! The Kubernetes API of the hub over real HTTPS, checked request by request against what
//! kube-apiserver answers: discovery, OpenAPI, CRUD, list, watch, protobuf bodies, errors and
//! limits. kubectl itself drives the hub in crates/cli/tests/e2e; these tests pin the wire.

mod auth;
mod data_dir;
mod delete;
mod discovery;
mod errors;
mod expired;
mod limits;
mod list;
mod openapi;
mod patch;
mod protobuf;
mod read;
mod scope;
mod support;
mod update;
mod watch;
mod write;
