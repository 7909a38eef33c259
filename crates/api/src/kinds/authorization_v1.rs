//! `authorization.k8s.io/v1`: the access reviews behind `kubectl auth can-i`. Create-only,
//! never stored.

use std::sync::LazyLock;

use crate::meta::type_and_object_meta;
use crate::registry::{CREATE_ONLY, ResourceType, Scope, Storage};
use crate::schema::{Schema, field};

pub const GROUP: &str = "authorization.k8s.io";

const fn review(
    kind: &'static str,
    list_kind: &'static str,
    plural: &'static str,
    singular: &'static str,
    scope: Scope,
    schema: fn() -> &'static Schema,
) -> ResourceType {
    ResourceType {
        verbs: CREATE_ONLY,
        storage: Storage::Virtual,
        columns: &[],
        ..ResourceType::new(
            GROUP, "v1", kind, list_kind, plural, singular, scope, schema,
        )
    }
}

pub static SELF_SUBJECT_ACCESS_REVIEWS: ResourceType = review(
    "SelfSubjectAccessReview",
    "SelfSubjectAccessReviewList",
    "selfsubjectaccessreviews",
    "selfsubjectaccessreview",
    Scope::Cluster,
    self_subject_access_review_schema,
);

pub static SELF_SUBJECT_RULES_REVIEWS: ResourceType = review(
    "SelfSubjectRulesReview",
    "SelfSubjectRulesReviewList",
    "selfsubjectrulesreviews",
    "selfsubjectrulesreview",
    Scope::Cluster,
    self_subject_rules_review_schema,
);

pub static SUBJECT_ACCESS_REVIEWS: ResourceType = review(
    "SubjectAccessReview",
    "SubjectAccessReviewList",
    "subjectaccessreviews",
    "subjectaccessreview",
    Scope::Cluster,
    subject_access_review_schema,
);

pub static LOCAL_SUBJECT_ACCESS_REVIEWS: ResourceType = review(
    "LocalSubjectAccessReview",
    "LocalSubjectAccessReviewList",
    "localsubjectaccessreviews",
    "localsubjectaccessreview",
    Scope::Namespaced,
    local_subject_access_review_schema,
);

fn selector_attributes(id: &'static str, description: &'static str) -> Schema {
    let requirement = Schema::named(
        "io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement",
        "FieldSelectorRequirement is a selector that contains values, a key, and an operator that relates the key and values.",
        vec![
            field(
                "key",
                Schema::string(),
                "key is the field selector key that the requirement applies to.",
            ),
            field(
                "operator",
                Schema::string(),
                "operator represents a key's relationship to a set of values.",
            ),
            field(
                "values",
                Schema::string_list(),
                "values is an array of string values.",
            ),
        ],
    );
    Schema::named(
        id,
        description,
        vec![
            field(
                "rawSelector",
                Schema::string(),
                "rawSelector is the serialization of a field selector that would be included in a query parameter.",
            ),
            field(
                "requirements",
                Schema::atomic_list(requirement),
                "requirements is the parsed interpretation of a selector.",
            ),
        ],
    )
}

fn resource_attributes() -> Schema {
    Schema::named(
        "io.k8s.api.authorization.v1.ResourceAttributes",
        "ResourceAttributes includes the authorization attributes available for resource requests to the Authorizer interface",
        vec![
            field(
                "fieldSelector",
                selector_attributes(
                    "io.k8s.api.authorization.v1.FieldSelectorAttributes",
                    "FieldSelectorAttributes indicates a field limited access.",
                ),
                "fieldSelector describes the limitation on access based on field.",
            ),
            field(
                "group",
                Schema::string(),
                "Group is the API Group of the Resource. \"*\" means all.",
            ),
            field(
                "labelSelector",
                selector_attributes(
                    "io.k8s.api.authorization.v1.LabelSelectorAttributes",
                    "LabelSelectorAttributes indicates a label limited access.",
                ),
                "labelSelector describes the limitation on access based on labels.",
            ),
            field(
                "name",
                Schema::string(),
                "Name is the name of the resource being requested for a \"get\" or deleted for a \"delete\". \"\" (empty) means all.",
            ),
            field(
                "namespace",
                Schema::string(),
                "Namespace is the namespace of the action being requested. \"\" (empty) is defaulted for LocalSubjectAccessReviews, \"\" (empty) is empty for cluster-scoped resources, \"\" (empty) means \"all\" for namespace scoped resources from a SubjectAccessReview or SelfSubjectAccessReview.",
            ),
            field(
                "resource",
                Schema::string(),
                "Resource is one of the existing resource types. \"*\" means all.",
            ),
            field(
                "subresource",
                Schema::string(),
                "Subresource is one of the existing resource types. \"\" means none.",
            ),
            field(
                "verb",
                Schema::string(),
                "Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy. \"*\" means all.",
            ),
            field(
                "version",
                Schema::string(),
                "Version is the API Version of the Resource. \"*\" means all.",
            ),
        ],
    )
}

fn non_resource_attributes() -> Schema {
    Schema::named(
        "io.k8s.api.authorization.v1.NonResourceAttributes",
        "NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface",
        vec![
            field(
                "path",
                Schema::string(),
                "Path is the URL path of the request",
            ),
            field("verb", Schema::string(), "Verb is the standard HTTP verb"),
        ],
    )
}

fn access_review_status() -> Schema {
    Schema::named(
        "io.k8s.api.authorization.v1.SubjectAccessReviewStatus",
        "SubjectAccessReviewStatus",
        vec![
            field(
                "allowed",
                Schema::Boolean,
                "Allowed is required. True if the action would be allowed, false otherwise.",
            ),
            field(
                "denied",
                Schema::Boolean,
                "Denied is optional. True if the action would be denied, otherwise false.",
            ),
            field(
                "evaluationError",
                Schema::string(),
                "EvaluationError is an indication that some error occurred during the authorization check.",
            ),
            field(
                "reason",
                Schema::string(),
                "Reason is optional. It indicates why a request was allowed or denied.",
            ),
        ],
    )
}

fn subject_access_review_spec() -> Schema {
    Schema::named(
        "io.k8s.api.authorization.v1.SubjectAccessReviewSpec",
        "SubjectAccessReviewSpec is a description of the access request. Exactly one of ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set",
        vec![
            field(
                "extra",
                Schema::map_of(Schema::string_list()),
                "Extra corresponds to the user.Info.GetExtra() method from the authenticator.",
            ),
            field(
                "groups",
                Schema::string_list(),
                "Groups is the groups you're testing for.",
            ),
            field(
                "nonResourceAttributes",
                non_resource_attributes(),
                "NonResourceAttributes describes information for a non-resource access request",
            ),
            field(
                "resourceAttributes",
                resource_attributes(),
                "ResourceAuthorizationAttributes describes information for a resource access request",
            ),
            field(
                "uid",
                Schema::string(),
                "UID information about the requesting user.",
            ),
            field(
                "user",
                Schema::string(),
                "User is the user you're testing for. If you specify \"User\" but not \"Groups\", then is it interpreted as \"What if User were not a member of any groups",
            ),
        ],
    )
}

fn with_spec_and_status(
    id: &'static str,
    description: &'static str,
    spec: Schema,
    status: Schema,
) -> Schema {
    let mut fields = type_and_object_meta();
    fields.push(field(
        "spec",
        spec,
        "Spec holds information about the request being evaluated.",
    ));
    fields.push(field(
        "status",
        status,
        "Status is filled in by the server and indicates whether the request is allowed or not",
    ));
    Schema::named(id, description, fields)
}

fn subject_access_review_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        with_spec_and_status(
            "io.k8s.api.authorization.v1.SubjectAccessReview",
            "SubjectAccessReview checks whether or not a user or group can perform an action.",
            subject_access_review_spec(),
            access_review_status(),
        )
    });
    &S
}

fn local_subject_access_review_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        with_spec_and_status(
            "io.k8s.api.authorization.v1.LocalSubjectAccessReview",
            "LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.",
            subject_access_review_spec(),
            access_review_status(),
        )
    });
    &S
}

fn self_subject_access_review_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let spec = Schema::named(
            "io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec",
            "SelfSubjectAccessReviewSpec is a description of the access request.",
            vec![
                field(
                    "nonResourceAttributes",
                    non_resource_attributes(),
                    "NonResourceAttributes describes information for a non-resource access request",
                ),
                field(
                    "resourceAttributes",
                    resource_attributes(),
                    "ResourceAuthorizationAttributes describes information for a resource access request",
                ),
            ],
        );
        with_spec_and_status(
            "io.k8s.api.authorization.v1.SelfSubjectAccessReview",
            "SelfSubjectAccessReview checks whether or the current user can perform an action.",
            spec,
            access_review_status(),
        )
    });
    &S
}

fn self_subject_rules_review_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let spec = Schema::named(
            "io.k8s.api.authorization.v1.SelfSubjectRulesReviewSpec",
            "SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview.",
            vec![field(
                "namespace",
                Schema::string(),
                "Namespace to evaluate rules for. Required.",
            )],
        );
        let resource_rule = Schema::named(
            "io.k8s.api.authorization.v1.ResourceRule",
            "ResourceRule is the list of actions the subject is allowed to perform on resources.",
            vec![
                field(
                    "apiGroups",
                    Schema::string_list(),
                    "APIGroups is the name of the APIGroup that contains the resources.",
                ),
                field(
                    "resourceNames",
                    Schema::string_list(),
                    "ResourceNames is an optional white list of names that the rule applies to.",
                ),
                field(
                    "resources",
                    Schema::string_list(),
                    "Resources is a list of resources this rule applies to.",
                ),
                field(
                    "verbs",
                    Schema::string_list(),
                    "Verb is a list of kubernetes resource API verbs.",
                ),
            ],
        );
        let non_resource_rule = Schema::named(
            "io.k8s.api.authorization.v1.NonResourceRule",
            "NonResourceRule holds information that describes a rule for the non-resource",
            vec![
                field(
                    "nonResourceURLs",
                    Schema::string_list(),
                    "NonResourceURLs is a set of partial urls that a user should have access to.",
                ),
                field(
                    "verbs",
                    Schema::string_list(),
                    "Verb is a list of kubernetes non-resource API verbs.",
                ),
            ],
        );
        let status = Schema::named(
            "io.k8s.api.authorization.v1.SubjectRulesReviewStatus",
            "SubjectRulesReviewStatus contains the result of a rules check.",
            vec![
                field(
                    "evaluationError",
                    Schema::string(),
                    "EvaluationError can appear in combination with Rules.",
                ),
                field(
                    "incomplete",
                    Schema::Boolean,
                    "Incomplete is true when the rules returned by this call are incomplete.",
                ),
                field(
                    "nonResourceRules",
                    Schema::atomic_list(non_resource_rule),
                    "NonResourceRules is the list of actions the subject is allowed to perform on non-resources.",
                ),
                field(
                    "resourceRules",
                    Schema::atomic_list(resource_rule),
                    "ResourceRules is the list of actions the subject is allowed to perform on resources.",
                ),
            ],
        );
        with_spec_and_status(
            "io.k8s.api.authorization.v1.SelfSubjectRulesReview",
            "SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.",
            spec,
            status,
        )
    });
    &S
}
