//! The hub's own kinds, `tokenhub.io/v1`: User, Token (also served as `ext.cattle.io/v1` so
//! scripts written for the Rancher Tokens API run unchanged), LoginRequest, Setting, Feature.

use std::sync::LazyLock;

use serde_json::Value;

use crate::meta::type_and_object_meta;
use crate::registry::{
    AGE_COLUMN, CREATE_ONLY, Cell, Column, NAME_COLUMN, NameRule, ResourceType, Scope, Storage,
    SubresourceType,
};
use crate::schema::{Schema, field, required};

pub const GROUP: &str = "tokenhub.io";
pub const RANCHER_GROUP: &str = "ext.cattle.io";
const CATEGORIES: &[&str] = &["tokenhub"];

/// The label every Token carries with its owner's name (kept by the server).
pub const TOKEN_USER_LABEL: &str = "tokenhub.io/user-id";
/// The label every Token carries with its kind (`session` or derived).
pub const TOKEN_KIND_LABEL: &str = "tokenhub.io/token-kind";

/// The string at `pointer`, or an empty string.
fn text_at(obj: &Value, pointer: &str) -> Value {
    obj.pointer(pointer)
        .cloned()
        .unwrap_or(Value::String(String::new()))
}

fn token_user(obj: &Value) -> Value {
    text_at(obj, "/spec/userID")
}

fn token_kind(obj: &Value) -> Value {
    text_at(obj, "/spec/kind")
}

fn token_description(obj: &Value) -> Value {
    text_at(obj, "/spec/description")
}

const TOKEN_COLUMNS: &[Column] = &[
    NAME_COLUMN,
    Column {
        name: "User",
        type_: "string",
        format: "",
        description: "The user the token authenticates as.",
        priority: 1,
        cell: Cell::Computed(token_user),
    },
    Column {
        name: "Kind",
        type_: "string",
        format: "",
        description: "session for a login token; anything else is a derived token.",
        priority: 0,
        cell: Cell::Computed(token_kind),
    },
    Column {
        name: "TTL",
        type_: "string",
        format: "",
        description: "How long the token lives from its creation.",
        priority: 0,
        cell: Cell::MillisDuration("/spec/ttl"),
    },
    AGE_COLUMN,
    Column {
        name: "Description",
        type_: "string",
        format: "",
        description: "What the token is for.",
        priority: 1,
        cell: Cell::Computed(token_description),
    },
];

pub static TOKENS: ResourceType = ResourceType {
    categories: CATEGORIES,
    columns: TOKEN_COLUMNS,
    ..ResourceType::new(
        GROUP,
        "v1",
        "Token",
        "TokenList",
        "tokens",
        "token",
        Scope::Cluster,
        token_schema,
    )
};

/// The same Tokens under the Rancher group.
pub static RANCHER_TOKENS: ResourceType = ResourceType {
    columns: TOKEN_COLUMNS,
    stored_as: Some("tokenhub.io/tokens"),
    ..ResourceType::new(
        RANCHER_GROUP,
        "v1",
        "Token",
        "TokenList",
        "tokens",
        "token",
        Scope::Cluster,
        token_schema,
    )
};

fn api_token_display_name(obj: &Value) -> Value {
    text_at(obj, "/spec/displayName")
}

fn api_token_role(obj: &Value) -> Value {
    text_at(obj, "/spec/role")
}

fn api_token_expires(obj: &Value) -> Value {
    match obj.pointer("/spec/expiresAt").and_then(Value::as_str) {
        Some(at) if !at.is_empty() => Value::String(at.to_string()),
        _ => Value::String("never".into()),
    }
}

fn api_token_last_used(obj: &Value) -> Value {
    match obj.pointer("/status/lastUsedAt").and_then(Value::as_str) {
        Some(at) if !at.is_empty() => Value::String(at.to_string()),
        _ => Value::String("never".into()),
    }
}

fn api_token_creator(obj: &Value) -> Value {
    text_at(obj, "/status/createdBy")
}

/// Machine API tokens: an ID (the name) and a secret, with a role.
pub static API_TOKENS: ResourceType = ResourceType {
    categories: CATEGORIES,
    verbs: &[
        "create", "delete", "get", "list", "patch", "update", "watch",
    ],
    subresources: &[SubresourceType {
        name: "regenerate",
        group: GROUP,
        version: "v1",
        kind: "APIToken",
        verbs: &["create"],
    }],
    columns: &[
        NAME_COLUMN,
        Column {
            name: "Display Name",
            type_: "string",
            format: "",
            description: "The human-friendly name of the token.",
            priority: 0,
            cell: Cell::Computed(api_token_display_name),
        },
        Column {
            name: "Role",
            type_: "string",
            format: "",
            description: "Administrator (cluster-admin) or User (view).",
            priority: 0,
            cell: Cell::Computed(api_token_role),
        },
        AGE_COLUMN,
        Column {
            name: "Expires At",
            type_: "string",
            format: "",
            description: "When the token stops working.",
            priority: 1,
            cell: Cell::Computed(api_token_expires),
        },
        Column {
            name: "Last Used",
            type_: "string",
            format: "",
            description: "When the token last authenticated a request.",
            priority: 1,
            cell: Cell::Computed(api_token_last_used),
        },
        Column {
            name: "Created By",
            type_: "string",
            format: "",
            description: "Who created the token.",
            priority: 1,
            cell: Cell::Computed(api_token_creator),
        },
    ],
    // IDs have capital letters: not DNS names, but valid path segments.
    name_rule: NameRule::PathSegment,
    ..ResourceType::new(
        GROUP,
        "v1",
        "APIToken",
        "APITokenList",
        "apitokens",
        "apitoken",
        Scope::Cluster,
        api_token_schema,
    )
};

pub static USERS: ResourceType = ResourceType {
    categories: CATEGORIES,
    subresources: &[SubresourceType {
        name: "password",
        group: GROUP,
        version: "v1",
        kind: "UserPassword",
        verbs: &["create"],
    }],
    columns: &[
        NAME_COLUMN,
        Column {
            name: "Display Name",
            type_: "string",
            format: "",
            description: "The user's human-friendly name.",
            priority: 0,
            cell: Cell::Computed(user_display_name),
        },
        Column {
            name: "Enabled",
            type_: "boolean",
            format: "",
            description: "Whether the user may authenticate.",
            priority: 0,
            cell: Cell::Computed(user_enabled),
        },
        AGE_COLUMN,
        Column {
            name: "Groups",
            type_: "string",
            format: "",
            description: "The groups the user is a member of.",
            priority: 1,
            cell: Cell::Computed(user_groups),
        },
    ],
    ..ResourceType::new(
        GROUP,
        "v1",
        "User",
        "UserList",
        "users",
        "user",
        Scope::Cluster,
        user_schema,
    )
};

pub static LOGIN_REQUESTS: ResourceType = ResourceType {
    verbs: CREATE_ONLY,
    storage: Storage::Virtual,
    columns: &[],
    ..ResourceType::new(
        GROUP,
        "v1",
        "LoginRequest",
        "LoginRequestList",
        "loginrequests",
        "loginrequest",
        Scope::Cluster,
        login_request_schema,
    )
};

pub static SETTINGS: ResourceType = ResourceType {
    categories: CATEGORIES,
    verbs: &["get", "list", "patch", "update", "watch"],
    columns: &[
        NAME_COLUMN,
        Column {
            name: "Value",
            type_: "string",
            format: "",
            description: "The value in effect.",
            priority: 0,
            cell: Cell::Computed(setting_value),
        },
        Column {
            name: "Default",
            type_: "string",
            format: "",
            description: "The value when none is set.",
            priority: 1,
            cell: Cell::Computed(setting_default),
        },
        AGE_COLUMN,
    ],
    ..ResourceType::new(
        GROUP,
        "v1",
        "Setting",
        "SettingList",
        "settings",
        "setting",
        Scope::Cluster,
        setting_schema,
    )
};

pub static FEATURES: ResourceType = ResourceType {
    categories: CATEGORIES,
    verbs: &["get", "list", "patch", "update", "watch"],
    columns: &[
        NAME_COLUMN,
        Column {
            name: "Value",
            type_: "boolean",
            format: "",
            description: "Whether the feature is on.",
            priority: 0,
            cell: Cell::Computed(feature_value),
        },
        Column {
            name: "Default",
            type_: "boolean",
            format: "",
            description: "Whether the feature is on when no value is set.",
            priority: 1,
            cell: Cell::Computed(feature_default),
        },
        AGE_COLUMN,
    ],
    ..ResourceType::new(
        GROUP,
        "v1",
        "Feature",
        "FeatureList",
        "features",
        "feature",
        Scope::Cluster,
        feature_schema,
    )
};

fn user_display_name(obj: &Value) -> Value {
    text_at(obj, "/spec/displayName")
}

fn user_enabled(obj: &Value) -> Value {
    Value::Bool(
        obj.pointer("/spec/enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true),
    )
}

fn user_groups(obj: &Value) -> Value {
    let groups: Vec<&str> = obj
        .pointer("/spec/groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    Value::String(groups.join(","))
}

fn setting_value(obj: &Value) -> Value {
    match obj.get("value").and_then(Value::as_str) {
        Some(v) if !v.is_empty() => Value::String(v.to_string()),
        _ => setting_default(obj),
    }
}

fn setting_default(obj: &Value) -> Value {
    text_at(obj, "/default")
}

fn feature_value(obj: &Value) -> Value {
    match obj.pointer("/spec/value").and_then(Value::as_bool) {
        Some(v) => Value::Bool(v),
        None => feature_default(obj),
    }
}

fn feature_default(obj: &Value) -> Value {
    Value::Bool(
        obj.pointer("/status/default")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    )
}

fn token_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.tokenhub.v1.TokenSpec",
                "TokenSpec is what a token is for and how long it lives.",
                vec![
                    field("userID", Schema::string(), "The user the token belongs to and authenticates as. Defaults to the caller; a token for anyone else cannot be created. Immutable."),
                    field("kind", Schema::string(), "session for a login token; anything else (the default, empty) is a derived token. Immutable."),
                    field("description", Schema::string(), "A human-readable description of the token's purpose."),
                    field("ttl", Schema::int64(), "Time to live in milliseconds, from the token's creation. 0 or absent: auth-token-default-ttl-minutes; above auth-token-max-ttl-minutes: the max; negative: never expires when the max is 0 (unlimited), else the max. Users may only reduce it."),
                    field("enabled", Schema::Boolean, "Whether the token authenticates. Absent means enabled."),
                ],
            ),
            "Spec of the token.",
        ));
        fields.push(field(
            "status",
            Schema::named(
                "io.tokenhub.v1.TokenStatus",
                "TokenStatus is owned by the server.",
                vec![
                    field("value", Schema::string(), "The secret. Present only in the response to the create request."),
                    field("bearerToken", Schema::string(), "The ready-to-use bearer credential. Present only in the response to the create request."),
                    field("current", Schema::Boolean, "Whether this token authenticated the request that read it."),
                    field("expired", Schema::Boolean, "Whether the token has expired."),
                    field("expiresAt", Schema::string(), "When the token expires (RFC 3339); empty if it never does."),
                    field("lastUpdateTime", Schema::string(), "When the token was last created or updated through the API (RFC 3339)."),
                    field("lastUsedAt", Schema::date_time(), "When the token last authenticated a request (written at most once a minute)."),
                ],
            ),
            "Status of the token.",
        ));
        Schema::named(
            "io.tokenhub.v1.Token",
            "Token is a personal bearer credential of a user.",
            fields,
        )
    });
    &S
}

fn api_token_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.tokenhub.v1.APITokenSpec",
                "APITokenSpec is what a machine token is for and what it may do.",
                vec![
                    required("displayName", Schema::string(), "The human-friendly name."),
                    field("role", Schema::string(), "Administrator (bound to cluster-admin) or User (bound to view, the default). Immutable."),
                    field("description", Schema::string(), "What the token is for."),
                    field("expiresAt", Schema::string(), "When the token stops working (RFC 3339); never when absent. Immutable."),
                ],
            ),
            "Spec of the token.",
        ));
        fields.push(field(
            "status",
            Schema::named(
                "io.tokenhub.v1.APITokenStatus",
                "APITokenStatus is owned by the server.",
                vec![
                    field("username", Schema::string(), "The Kubernetes user the token authenticates as: service-account-<lowercased id>, in group tokenhub:apitokens."),
                    field("createdBy", Schema::string(), "Who created the token."),
                    field("lastUsedAt", Schema::date_time(), "When the token last authenticated a request (written at most once a minute)."),
                    field("secretRegeneratedAt", Schema::date_time(), "When the secret was last made."),
                    field("secret", Schema::string(), "The secret. Present only in the create and regenerate responses."),
                    field("bearerToken", Schema::string(), "The ready-to-use bearer credential. Present only in the create and regenerate responses."),
                ],
            ),
            "Status of the token.",
        ));
        Schema::named(
            "io.tokenhub.v1.APIToken",
            "APIToken is a machine credential: an ID and a secret, with a role.",
            fields,
        )
    });
    &S
}

fn user_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.tokenhub.v1.UserSpec",
                "UserSpec describes a local user account.",
                vec![
                    field("displayName", Schema::string(), "The user's human-friendly name."),
                    field("enabled", Schema::Boolean, "Whether the user may authenticate. Absent means enabled; disabling makes all the user's credentials fail at once."),
                    field("groups", Schema::string_list(), "The groups the user is a member of, for RBAC."),
                ],
            ),
            "Spec of the user. The name is the username; the password is set through the password subresource and never returned.",
        ));
        Schema::named(
            "io.tokenhub.v1.User",
            "User is a local account of the hub.",
            fields,
        )
    });
    &S
}

/// The body of `POST …/users/{name}/password`.
pub fn user_password_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(required("password", Schema::string(), "The new password."));
        fields.push(field(
            "currentPassword",
            Schema::string(),
            "The current password; required when users change their own.",
        ));
        Schema::named(
            "io.tokenhub.v1.UserPassword",
            "UserPassword sets a user's password.",
            fields,
        )
    });
    &S
}

fn login_request_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.tokenhub.v1.LoginRequestSpec",
                "LoginRequestSpec holds the credentials of a login.",
                vec![
                    required("username", Schema::string(), "The username."),
                    required("password", Schema::string(), "The password."),
                ],
            ),
            "The credentials.",
        ));
        fields.push(field(
            "status",
            Schema::named(
                "io.tokenhub.v1.LoginRequestStatus",
                "LoginRequestStatus is the session token a successful login gets.",
                vec![
                    field(
                        "bearerToken",
                        Schema::string(),
                        "The session token's bearer credential.",
                    ),
                    field(
                        "tokenName",
                        Schema::string(),
                        "The name of the session Token.",
                    ),
                    field(
                        "expiresAt",
                        Schema::string(),
                        "When the session expires (RFC 3339).",
                    ),
                ],
            ),
            "The session.",
        ));
        Schema::named(
            "io.tokenhub.v1.LoginRequest",
            "LoginRequest exchanges a username and password for a session token.",
            fields,
        )
    });
    &S
}

fn setting_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "value",
            Schema::string(),
            "The value; empty means the default.",
        ));
        fields.push(field(
            "default",
            Schema::string(),
            "The default value (set by the server).",
        ));
        Schema::named(
            "io.tokenhub.v1.Setting",
            "Setting is one configuration value of the hub.",
            fields,
        )
    });
    &S
}

fn feature_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.tokenhub.v1.FeatureSpec",
                "FeatureSpec turns a feature on or off.",
                vec![field(
                    "value",
                    Schema::Boolean,
                    "On or off; absent means the default.",
                )],
            ),
            "Spec of the feature.",
        ));
        fields.push(field(
            "status",
            Schema::named(
                "io.tokenhub.v1.FeatureStatus",
                "FeatureStatus is owned by the server.",
                vec![
                    field(
                        "default",
                        Schema::Boolean,
                        "Whether the feature is on when no value is set.",
                    ),
                    field("description", Schema::string(), "What the feature does."),
                    field(
                        "dynamic",
                        Schema::Boolean,
                        "Whether a change takes effect without a restart.",
                    ),
                ],
            ),
            "Status of the feature.",
        ));
        Schema::named(
            "io.tokenhub.v1.Feature",
            "Feature is a flag that turns a part of the hub on or off.",
            fields,
        )
    });
    &S
}

/// Storage keys of records the hub keeps next to its kinds and never serves: the hash of each
/// Token's secret (named as the Token) and each User's password hash (named as the User).
/// Being no registry entry, no request can reach them, so no read, list or watch of a Token or
/// a User can carry a secret.
pub const TOKEN_SECRETS_KEY: &str = "tokenhub.io/tokensecrets";
pub const PASSWORDS_KEY: &str = "tokenhub.io/passwords";
/// The hash of each APIToken's secret (named as the token).
pub const API_TOKEN_SECRETS_KEY: &str = "tokenhub.io/apitokensecrets";
