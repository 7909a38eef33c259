//! `k8s.io/api/rbac/v1` messages.

use super::meta_v1::{LABEL_SELECTOR, OBJECT_META};
use crate::protobuf::schema::{Message, message, messages, string, strings};

pub(in crate::protobuf) static ROLE: Message = Message {
    name: "Role",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        messages(2, "rules", &POLICY_RULE),
    ],
};

pub(in crate::protobuf) static CLUSTER_ROLE: Message = Message {
    name: "ClusterRole",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        messages(2, "rules", &POLICY_RULE),
        message(3, "aggregationRule", &AGGREGATION_RULE).explicit(),
    ],
};

static AGGREGATION_RULE: Message = Message {
    name: "AggregationRule",
    fields: &[messages(1, "clusterRoleSelectors", &LABEL_SELECTOR)],
};

static POLICY_RULE: Message = Message {
    name: "PolicyRule",
    fields: &[
        strings(1, "verbs"),
        strings(2, "apiGroups"),
        strings(3, "resources"),
        strings(4, "resourceNames"),
        strings(5, "nonResourceURLs"),
    ],
};

pub(in crate::protobuf) static ROLE_BINDING: Message = Message {
    name: "RoleBinding",
    fields: BINDING_FIELDS,
};

pub(in crate::protobuf) static CLUSTER_ROLE_BINDING: Message = Message {
    name: "ClusterRoleBinding",
    fields: BINDING_FIELDS,
};

static BINDING_FIELDS: &[crate::protobuf::schema::Field] = &[
    message(1, "metadata", &OBJECT_META),
    messages(2, "subjects", &SUBJECT),
    message(3, "roleRef", &ROLE_REF),
];

static SUBJECT: Message = Message {
    name: "Subject",
    fields: &[
        string(1, "kind"),
        string(2, "apiGroup"),
        string(3, "name"),
        string(4, "namespace"),
    ],
};

static ROLE_REF: Message = Message {
    name: "RoleRef",
    fields: &[string(1, "apiGroup"), string(2, "kind"), string(3, "name")],
};
