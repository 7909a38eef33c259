//! `k8s.io/api/authentication/v1` messages.

use super::meta_v1::OBJECT_META;
use crate::protobuf::schema::{
    Message, bool, int64, message, string, string_list_map, strings, time,
};

pub(in crate::protobuf) static TOKEN_REQUEST: Message = Message {
    name: "TokenRequest",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &TOKEN_REQUEST_SPEC),
        message(3, "status", &TOKEN_REQUEST_STATUS),
    ],
};

static TOKEN_REQUEST_SPEC: Message = Message {
    name: "TokenRequestSpec",
    fields: &[
        strings(1, "audiences"),
        int64(4, "expirationSeconds").explicit(),
        message(3, "boundObjectRef", &BOUND_OBJECT_REFERENCE).explicit(),
    ],
};

static BOUND_OBJECT_REFERENCE: Message = Message {
    name: "BoundObjectReference",
    fields: &[
        string(1, "kind"),
        string(2, "apiVersion"),
        string(3, "name"),
        string(4, "uid"),
    ],
};

static TOKEN_REQUEST_STATUS: Message = Message {
    name: "TokenRequestStatus",
    fields: &[string(1, "token"), time(2, "expirationTimestamp")],
};

pub(in crate::protobuf) static TOKEN_REVIEW: Message = Message {
    name: "TokenReview",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &TOKEN_REVIEW_SPEC),
        message(3, "status", &TOKEN_REVIEW_STATUS),
    ],
};

static TOKEN_REVIEW_SPEC: Message = Message {
    name: "TokenReviewSpec",
    fields: &[string(1, "token"), strings(2, "audiences")],
};

static TOKEN_REVIEW_STATUS: Message = Message {
    name: "TokenReviewStatus",
    fields: &[
        bool(1, "authenticated"),
        message(2, "user", &USER_INFO),
        strings(4, "audiences"),
        string(3, "error"),
    ],
};

static USER_INFO: Message = Message {
    name: "UserInfo",
    fields: &[
        string(1, "username"),
        string(2, "uid"),
        strings(3, "groups"),
        string_list_map(4, "extra"),
    ],
};

pub(in crate::protobuf) static SELF_SUBJECT_REVIEW: Message = Message {
    name: "SelfSubjectReview",
    fields: &[
        message(1, "metadata", &OBJECT_META),
        message(2, "status", &SELF_SUBJECT_REVIEW_STATUS),
    ],
};

static SELF_SUBJECT_REVIEW_STATUS: Message = Message {
    name: "SelfSubjectReviewStatus",
    fields: &[message(1, "userInfo", &USER_INFO)],
};
