//! `k8s.io/api/authorization/v1` messages.

use super::meta_v1::{LABEL_SELECTOR_REQUIREMENT, OBJECT_META};
use crate::protobuf::schema::{
    Field, Message, bool, message, messages, string, string_list_map, strings,
};

pub(in crate::protobuf) static SELF_SUBJECT_ACCESS_REVIEW: Message = Message {
    name: "SelfSubjectAccessReview",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &SELF_SUBJECT_ACCESS_REVIEW_SPEC),
        message(3, "status", &SUBJECT_ACCESS_REVIEW_STATUS),
    ],
};

static SELF_SUBJECT_ACCESS_REVIEW_SPEC: Message = Message {
    name: "SelfSubjectAccessReviewSpec",
    fields: &[
        message(1, "resourceAttributes", &RESOURCE_ATTRIBUTES).explicit(),
        message(2, "nonResourceAttributes", &NON_RESOURCE_ATTRIBUTES).explicit(),
    ],
};

pub(in crate::protobuf) static SUBJECT_ACCESS_REVIEW: Message = Message {
    name: "SubjectAccessReview",
    fields: SUBJECT_ACCESS_REVIEW_FIELDS,
};

pub(in crate::protobuf) static LOCAL_SUBJECT_ACCESS_REVIEW: Message = Message {
    name: "LocalSubjectAccessReview",
    fields: SUBJECT_ACCESS_REVIEW_FIELDS,
};

static SUBJECT_ACCESS_REVIEW_FIELDS: &[Field] = &[
    message(1, "metadata", &OBJECT_META),
    message(2, "spec", &SUBJECT_ACCESS_REVIEW_SPEC),
    message(3, "status", &SUBJECT_ACCESS_REVIEW_STATUS),
];

static SUBJECT_ACCESS_REVIEW_SPEC: Message = Message {
    name: "SubjectAccessReviewSpec",
    fields: &[
        message(1, "resourceAttributes", &RESOURCE_ATTRIBUTES).explicit(),
        message(2, "nonResourceAttributes", &NON_RESOURCE_ATTRIBUTES).explicit(),
        string(3, "user"),
        strings(4, "groups"),
        string_list_map(5, "extra"),
        string(6, "uid"),
    ],
};

static RESOURCE_ATTRIBUTES: Message = Message {
    name: "ResourceAttributes",
    fields: &[
        string(1, "namespace"),
        string(2, "verb"),
        string(3, "group"),
        string(4, "version"),
        string(5, "resource"),
        string(6, "subresource"),
        string(7, "name"),
        message(8, "fieldSelector", &FIELD_SELECTOR_ATTRIBUTES).explicit(),
        message(9, "labelSelector", &LABEL_SELECTOR_ATTRIBUTES).explicit(),
    ],
};

static FIELD_SELECTOR_ATTRIBUTES: Message = Message {
    name: "FieldSelectorAttributes",
    fields: &[
        string(1, "rawSelector"),
        messages(2, "requirements", &FIELD_SELECTOR_REQUIREMENT),
    ],
};

static FIELD_SELECTOR_REQUIREMENT: Message = Message {
    name: "FieldSelectorRequirement",
    fields: &[
        string(1, "key"),
        string(2, "operator"),
        strings(3, "values"),
    ],
};

static LABEL_SELECTOR_ATTRIBUTES: Message = Message {
    name: "LabelSelectorAttributes",
    fields: &[
        string(1, "rawSelector"),
        messages(2, "requirements", &LABEL_SELECTOR_REQUIREMENT),
    ],
};

static NON_RESOURCE_ATTRIBUTES: Message = Message {
    name: "NonResourceAttributes",
    fields: &[string(1, "path"), string(2, "verb")],
};

static SUBJECT_ACCESS_REVIEW_STATUS: Message = Message {
    name: "SubjectAccessReviewStatus",
    fields: &[
        bool(1, "allowed"),
        bool(4, "denied"),
        string(2, "reason"),
        string(3, "evaluationError"),
    ],
};

pub(in crate::protobuf) static SELF_SUBJECT_RULES_REVIEW: Message = Message {
    name: "SelfSubjectRulesReview",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &SELF_SUBJECT_RULES_REVIEW_SPEC),
        message(3, "status", &SUBJECT_RULES_REVIEW_STATUS),
    ],
};

static SELF_SUBJECT_RULES_REVIEW_SPEC: Message = Message {
    name: "SelfSubjectRulesReviewSpec",
    fields: &[string(1, "namespace")],
};

static SUBJECT_RULES_REVIEW_STATUS: Message = Message {
    name: "SubjectRulesReviewStatus",
    fields: &[
        messages(1, "resourceRules", &RESOURCE_RULE),
        messages(2, "nonResourceRules", &NON_RESOURCE_RULE),
        bool(3, "incomplete"),
        string(4, "evaluationError"),
    ],
};

static RESOURCE_RULE: Message = Message {
    name: "ResourceRule",
    fields: &[
        strings(1, "verbs"),
        strings(2, "apiGroups"),
        strings(3, "resources"),
        strings(4, "resourceNames"),
    ],
};

static NON_RESOURCE_RULE: Message = Message {
    name: "NonResourceRule",
    fields: &[strings(1, "verbs"), strings(2, "nonResourceURLs")],
};
