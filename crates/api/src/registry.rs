//! The resource registry: every kind the hub serves is declared once, here, and discovery,
//! OpenAPI, Table printing, RBAC resource names and the generic handlers are derived from it.

use serde_json::Value;

use crate::schema::Schema;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Namespaced,
    Cluster,
}

/// How objects of a kind are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// Stored objects with the generic get/list/watch/create/update/patch/delete verbs.
    Stored,
    /// Create-only requests answered by the hub and never stored (reviews, TokenRequest).
    Virtual,
}

/// A kind served by the hub.
#[derive(Debug)]
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub list_kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub scope: Scope,
    pub verbs: &'static [&'static str],
    pub subresources: &'static [SubresourceType],
    pub storage: Storage,
    /// Server-side printing columns; the name column and AGE are declared like any other.
    pub columns: &'static [Column],
    /// The schema of a whole object, including `apiVersion`, `kind` and `metadata`.
    pub schema: fn() -> &'static Schema,
    /// The valid names: most kinds take DNS-1123 subdomains, namespaces DNS-1123 labels.
    pub name_rule: NameRule,
    /// Serve the objects of another kind under this group (`group/plural` storage key), as
    /// `ext.cattle.io` Tokens are the hub's `tokenhub.io` Tokens.
    pub stored_as: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    Dns1123Subdomain,
    Dns1123Label,
    /// RBAC objects accept any name that is a valid path segment.
    PathSegment,
}

#[derive(Debug)]
pub struct SubresourceType {
    pub name: &'static str,
    /// The kind a request to the subresource answers with (`TokenRequest` for `serviceaccounts/token`).
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub verbs: &'static [&'static str],
}

/// One Table column.
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    /// An OpenAPI type: `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: &'static str,
    /// `name` marks the column that holds the object's name.
    pub format: &'static str,
    pub description: &'static str,
    /// 0: always shown; 1: shown with `-o wide`.
    pub priority: u8,
    pub cell: Cell,
}

/// How a column's cell is computed from an object.
#[derive(Debug)]
pub enum Cell {
    Name,
    /// The server renders the age as kubectl shows it (`5m`, `3d2h`).
    Age,
    Computed(fn(&Value) -> Value),
    /// A number of milliseconds at this JSON pointer, shown as kubectl shows durations
    /// (`90d`, `2h`); negative means never.
    MillisDuration(&'static str),
}

pub const NAME_COLUMN: Column = Column {
    name: "Name",
    type_: "string",
    format: "name",
    description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.",
    priority: 0,
    cell: Cell::Name,
};

pub const AGE_COLUMN: Column = Column {
    name: "Age",
    type_: "string",
    format: "",
    description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.",
    priority: 0,
    cell: Cell::Age,
};

/// The verbs of a stored kind.
pub const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// The verbs of a review-like kind.
pub const CREATE_ONLY: &[&str] = &["create"];

impl ResourceType {
    /// A stored kind with every verb, `Name` and `Age` columns and DNS-1123 subdomain names;
    /// declarations change what differs with struct update syntax.
    #[allow(clippy::too_many_arguments)] // each is one line of a kind's declaration
    pub const fn new(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        list_kind: &'static str,
        plural: &'static str,
        singular: &'static str,
        scope: Scope,
        schema: fn() -> &'static Schema,
    ) -> ResourceType {
        ResourceType {
            group,
            version,
            kind,
            list_kind,
            plural,
            singular,
            short_names: &[],
            categories: &[],
            scope,
            verbs: ALL_VERBS,
            subresources: &[],
            storage: Storage::Stored,
            columns: &[NAME_COLUMN, AGE_COLUMN],
            schema,
            name_rule: NameRule::Dns1123Subdomain,
            stored_as: None,
        }
    }

    pub fn is_namespaced(&self) -> bool {
        self.scope == Scope::Namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    pub fn api_version(&self) -> String {
        group_version(self.group, self.version)
    }

    /// The resource as kube names it in messages: `configmaps`, `tokens.tokenhub.io`.
    pub fn qualified_plural(&self) -> String {
        qualify(self.plural, self.group)
    }

    /// The key under which objects of this kind are stored: `configmaps`, `tokenhub.io/tokens`.
    pub fn storage_key(&self) -> String {
        if let Some(key) = self.stored_as {
            key.to_string()
        } else if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}/{}", self.group, self.plural)
        }
    }

    pub fn subresource(&self, name: &str) -> Option<&SubresourceType> {
        self.subresources.iter().find(|s| s.name == name)
    }

    pub fn has_verb(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }
}

pub fn group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// `plural` for the core group, `plural.group` otherwise.
pub fn qualify(plural: &str, group: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}

/// All kinds the hub serves, in the order discovery lists them.
#[derive(Debug)]
pub struct Registry {
    types: Vec<&'static ResourceType>,
}

impl Registry {
    pub fn new(types: Vec<&'static ResourceType>) -> Self {
        Registry { types }
    }

    /// The registry without the kinds `leave_out` picks (a feature that is off).
    pub fn without(&self, leave_out: impl Fn(&ResourceType) -> bool) -> Registry {
        Registry::new(
            self.types
                .iter()
                .copied()
                .filter(|t| !leave_out(t))
                .collect(),
        )
    }

    pub fn all(&self) -> &[&'static ResourceType] {
        &self.types
    }

    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
        self.types
            .iter()
            .copied()
            .find(|t| t.group == group && t.version == version && t.plural == plural)
    }

    pub fn find_kind(&self, group: &str, kind: &str) -> Option<&'static ResourceType> {
        self.types
            .iter()
            .copied()
            .find(|t| t.group == group && t.kind == kind)
    }

    /// The group-versions served, core first, then groups in registration order.
    pub fn group_versions(&self) -> Vec<(&'static str, &'static str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for t in &self.types {
            if !out.contains(&(t.group, t.version)) {
                out.push((t.group, t.version));
            }
        }
        out.sort_by_key(|(g, _)| !g.is_empty());
        out
    }

    pub fn in_group_version<'a>(
        &'a self,
        group: &'a str,
        version: &'a str,
    ) -> impl Iterator<Item = &'static ResourceType> + 'a {
        self.types
            .iter()
            .copied()
            .filter(move |t| t.group == group && t.version == version)
    }
}
