//! `authentication.k8s.io/v1`: TokenReview, SelfSubjectReview, and the TokenRequest that
//! `serviceaccounts/token` answers with. Create-only, never stored.

use std::sync::LazyLock;

use crate::meta::type_and_object_meta;
use crate::registry::{CREATE_ONLY, ResourceType, Scope, Storage};
use crate::schema::{Schema, field};

pub const GROUP: &str = "authentication.k8s.io";

pub static TOKEN_REVIEWS: ResourceType = ResourceType {
    verbs: CREATE_ONLY,
    storage: Storage::Virtual,
    columns: &[],
    ..ResourceType::new(
        GROUP,
        "v1",
        "TokenReview",
        "TokenReviewList",
        "tokenreviews",
        "tokenreview",
        Scope::Cluster,
        token_review_schema,
    )
};

pub static SELF_SUBJECT_REVIEWS: ResourceType = ResourceType {
    verbs: CREATE_ONLY,
    storage: Storage::Virtual,
    columns: &[],
    ..ResourceType::new(
        GROUP,
        "v1",
        "SelfSubjectReview",
        "SelfSubjectReviewList",
        "selfsubjectreviews",
        "selfsubjectreview",
        Scope::Cluster,
        self_subject_review_schema,
    )
};

pub fn user_info() -> Schema {
    Schema::named(
        "io.k8s.api.authentication.v1.UserInfo",
        "UserInfo holds the information about the user needed to implement the user.Info interface.",
        vec![
            field(
                "extra",
                Schema::map_of(Schema::string_list()),
                "Any additional information provided by the authenticator.",
            ),
            field(
                "groups",
                Schema::string_list(),
                "The names of groups this user is a part of.",
            ),
            field(
                "uid",
                Schema::string(),
                "A unique value that identifies this user across time.",
            ),
            field(
                "username",
                Schema::string(),
                "The name that uniquely identifies this user among all active users.",
            ),
        ],
    )
}

fn token_review_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.k8s.api.authentication.v1.TokenReviewSpec",
                "TokenReviewSpec is a description of the token authentication request.",
                vec![
                    field("audiences", Schema::string_list(), "Audiences is a list of the identifiers that the resource server presented with the token identifies as."),
                    field("token", Schema::string(), "Token is the opaque bearer token."),
                ],
            ),
            "Spec holds information about the request being evaluated",
        ));
        fields.push(field(
            "status",
            Schema::named(
                "io.k8s.api.authentication.v1.TokenReviewStatus",
                "TokenReviewStatus is the result of the token authentication request.",
                vec![
                    field("audiences", Schema::string_list(), "Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token."),
                    field("authenticated", Schema::Boolean, "Authenticated indicates that the token was associated with a known user."),
                    field("error", Schema::string(), "Error indicates that the token couldn't be checked"),
                    field("user", user_info(), "User is the UserInfo associated with the provided token."),
                ],
            ),
            "Status is filled in by the server and indicates whether the request can be authenticated.",
        ));
        Schema::named(
            "io.k8s.api.authentication.v1.TokenReview",
            "TokenReview attempts to authenticate a token to a known user. Note: TokenReview requests may be cached by the webhook token authenticator plugin in the kube-apiserver.",
            fields,
        )
    });
    &S
}

fn self_subject_review_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "status",
            Schema::named(
                "io.k8s.api.authentication.v1.SelfSubjectReviewStatus",
                "SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.",
                vec![field(
                    "userInfo",
                    user_info(),
                    "User attributes of the user making this request.",
                )],
            ),
            "Status is filled in by the server with the user attributes.",
        ));
        Schema::named(
            "io.k8s.api.authentication.v1.SelfSubjectReview",
            "SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.",
            fields,
        )
    });
    &S
}

/// The body of `POST …/serviceaccounts/{name}/token`.
pub fn token_request_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let bound = Schema::named(
            "io.k8s.api.authentication.v1.BoundObjectReference",
            "BoundObjectReference is a reference to an object that a token is bound to.",
            vec![
                field(
                    "apiVersion",
                    Schema::string(),
                    "API version of the referent.",
                ),
                field(
                    "kind",
                    Schema::string(),
                    "Kind of the referent. Valid kinds are 'Pod' and 'Secret'.",
                ),
                field("name", Schema::string(), "Name of the referent."),
                field("uid", Schema::string(), "UID of the referent."),
            ],
        );
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.k8s.api.authentication.v1.TokenRequestSpec",
                "TokenRequestSpec contains client provided parameters of a token request.",
                vec![
                    field("audiences", Schema::string_list(), "Audiences are the intendend audiences of the token. A recipient of a token must identify themself with an identifier in the list of audiences of the token, and otherwise should reject the token."),
                    field("boundObjectRef", bound, "BoundObjectRef is a reference to an object that the token will be bound to."),
                    field("expirationSeconds", Schema::int64(), "ExpirationSeconds is the requested duration of validity of the request. The token issuer may return a token with a different validity duration so a client needs to check the 'expiration' field in a response."),
                ],
            ),
            "Spec holds information about the request being evaluated",
        ));
        fields.push(field(
            "status",
            Schema::named(
                "io.k8s.api.authentication.v1.TokenRequestStatus",
                "TokenRequestStatus is the result of a token request.",
                vec![
                    field("expirationTimestamp", Schema::date_time(), "ExpirationTimestamp is the time of expiration of the returned token."),
                    field("token", Schema::string(), "Token is the opaque bearer token."),
                ],
            ),
            "Status is filled in by the server and indicates whether the token can be authenticated.",
        ));
        Schema::named(
            "io.k8s.api.authentication.v1.TokenRequest",
            "TokenRequest requests a token for a given service account.",
            fields,
        )
    });
    &S
}
