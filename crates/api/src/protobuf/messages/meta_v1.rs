//! `k8s.io/apimachinery/pkg/apis/meta/v1` messages.

use crate::protobuf::schema::{
    Message, bool, int64, message, messages, string, string_map, strings, time,
};

pub(in crate::protobuf) static OBJECT_META: Message = Message {
    name: "ObjectMeta",
    // managedFields (17) is left out on purpose: clients never send it on create, and the server
    // owns it; unknown fields are skipped.
    fields: &[
        string(1, "name"),
        string(2, "generateName"),
        string(3, "namespace"),
        string(4, "selfLink"),
        string(5, "uid"),
        string(6, "resourceVersion"),
        int64(7, "generation"),
        time(8, "creationTimestamp"),
        time(9, "deletionTimestamp"),
        int64(10, "deletionGracePeriodSeconds").explicit(),
        string_map(11, "labels"),
        string_map(12, "annotations"),
        messages(13, "ownerReferences", &OWNER_REFERENCE),
        strings(14, "finalizers"),
    ],
};

static OWNER_REFERENCE: Message = Message {
    name: "OwnerReference",
    fields: &[
        string(5, "apiVersion"),
        string(1, "kind"),
        string(3, "name"),
        string(4, "uid"),
        bool(6, "controller").explicit(),
        bool(7, "blockOwnerDeletion").explicit(),
    ],
};

pub(in crate::protobuf) static LABEL_SELECTOR: Message = Message {
    name: "LabelSelector",
    fields: &[
        string_map(1, "matchLabels"),
        messages(2, "matchExpressions", &LABEL_SELECTOR_REQUIREMENT),
    ],
};

pub(in crate::protobuf) static LABEL_SELECTOR_REQUIREMENT: Message = Message {
    name: "LabelSelectorRequirement",
    fields: &[
        string(1, "key"),
        string(2, "operator"),
        strings(3, "values"),
    ],
};

pub(in crate::protobuf) static DELETE_OPTIONS: Message = Message {
    name: "DeleteOptions",
    fields: &[
        int64(1, "gracePeriodSeconds").explicit(),
        message(2, "preconditions", &PRECONDITIONS).explicit(),
        bool(3, "orphanDependents").explicit(),
        string(4, "propagationPolicy").explicit(),
        strings(5, "dryRun"),
    ],
};

static PRECONDITIONS: Message = Message {
    name: "Preconditions",
    fields: &[
        string(1, "uid").explicit(),
        string(2, "resourceVersion").explicit(),
    ],
};
