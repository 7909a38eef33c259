//! List with label and field selectors, `limit` and `continue`.

use serde_json::Value;
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::selector::{FieldSelector, LabelSelector};
use tokenhub_store::{ListQuery, StoreError};

use super::{Objects, continue_token, target};
use crate::error::ApiError;

/// The fields every kind can be selected by.
pub const SELECTABLE_FIELDS: &[&str] = &["metadata.name", "metadata.namespace"];

#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    pub limit: Option<usize>,
    pub continue_token: Option<String>,
}

#[derive(Debug)]
pub struct ObjectList {
    pub items: Vec<Value>,
    pub resource_version: u64,
    pub continue_token: Option<String>,
}

/// A parsed label and field selector pair.
#[derive(Debug, Default)]
pub struct Selection {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selection {
    pub fn parse(label: Option<&str>, field: Option<&str>) -> Result<Self, ApiError> {
        let labels = LabelSelector::parse(label.unwrap_or_default())
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let fields = FieldSelector::parse(field.unwrap_or_default(), SELECTABLE_FIELDS)
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        Ok(Selection { labels, fields })
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.labels.matches(object.labels()) && self.fields.matches(object)
    }
}

/// The message of a continue token older than the feed reaches back, as kube words it.
const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

impl Objects {
    /// Lists objects of `t` in `namespace` (`None`: all namespaces, or a cluster-scoped kind).
    pub async fn list(
        &self,
        t: &ResourceType,
        namespace: Option<&str>,
        options: &ListOptions,
    ) -> Result<ObjectList, ApiError> {
        let selection = Selection::parse(
            options.label_selector.as_deref(),
            options.field_selector.as_deref(),
        )?;
        let continue_from = options
            .continue_token
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(continue_token::decode)
            .transpose()?;
        let resource = t.storage_key();
        let filter = |object: &Value| selection.matches(object);
        let query = ListQuery {
            resource: &resource,
            namespace: if t.is_namespaced() { namespace } else { None },
            filter: &filter,
            limit: options.limit.filter(|l| *l > 0),
            continue_from,
        };
        let page = self.store.list(query).await.map_err(|e| match e {
            StoreError::Expired { .. } => ApiError::Expired(CONTINUE_EXPIRED.into()),
            e => ApiError::from_store(e, target(t, "")),
        })?;
        Ok(ObjectList {
            items: page.items.into_iter().map(|s| s.object).collect(),
            resource_version: page.resource_version,
            continue_token: page.next.as_ref().map(continue_token::encode),
        })
    }
}
