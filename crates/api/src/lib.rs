//! Wire types of tokenhub. No IO: schemas, the resource registry, Table, Status, discovery
//! documents and the Kubernetes protobuf envelope decoder.

pub mod decode;
pub mod discovery;
pub mod kinds;
pub mod meta;
pub mod openapi;
pub mod protobuf;
pub mod registry;
pub mod schema;
pub mod status;
pub mod table;
