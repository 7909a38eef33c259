//! `k8s.io/api/core/v1` messages.

use super::meta_v1::OBJECT_META;
use crate::protobuf::schema::{
    Message, bool, bytes_map, message, messages, string, string_map, strings, time,
};

pub(in crate::protobuf) static SERVICE_ACCOUNT: Message = Message {
    name: "ServiceAccount",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        messages(2, "secrets", &OBJECT_REFERENCE),
        messages(3, "imagePullSecrets", &LOCAL_OBJECT_REFERENCE),
        bool(4, "automountServiceAccountToken").explicit(),
    ],
};

static OBJECT_REFERENCE: Message = Message {
    name: "ObjectReference",
    fields: &[
        string(1, "kind"),
        string(2, "namespace"),
        string(3, "name"),
        string(4, "uid"),
        string(5, "apiVersion"),
        string(6, "resourceVersion"),
        string(7, "fieldPath"),
    ],
};

static LOCAL_OBJECT_REFERENCE: Message = Message {
    name: "LocalObjectReference",
    fields: &[string(1, "name")],
};

pub(in crate::protobuf) static NAMESPACE: Message = Message {
    name: "Namespace",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &NAMESPACE_SPEC),
        message(3, "status", &NAMESPACE_STATUS),
    ],
};

static NAMESPACE_SPEC: Message = Message {
    name: "NamespaceSpec",
    fields: &[strings(1, "finalizers")],
};

static NAMESPACE_STATUS: Message = Message {
    name: "NamespaceStatus",
    fields: &[
        string(1, "phase"),
        messages(2, "conditions", &NAMESPACE_CONDITION),
    ],
};

static NAMESPACE_CONDITION: Message = Message {
    name: "NamespaceCondition",
    fields: &[
        string(1, "type"),
        string(2, "status"),
        time(4, "lastTransitionTime"),
        string(5, "reason"),
        string(6, "message"),
    ],
};

pub(in crate::protobuf) static CONFIG_MAP: Message = Message {
    name: "ConfigMap",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        bool(4, "immutable").explicit(),
        string_map(2, "data"),
        bytes_map(3, "binaryData"),
    ],
};

pub(in crate::protobuf) static SECRET: Message = Message {
    name: "Secret",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        bool(5, "immutable").explicit(),
        bytes_map(2, "data"),
        string_map(4, "stringData"),
        string(3, "type"),
    ],
};
