use serde_json::{Value, json};

use super::KindRules;

/// The namespaces the hub creates and needs: they cannot be deleted.
pub const PROTECTED_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "tokenhub"];

pub struct NamespaceRules;

impl KindRules for NamespaceRules {
    fn prepare_create(&self, object: &mut Value) {
        if let Some(map) = object.as_object_mut() {
            map.insert("spec".into(), json!({"finalizers": ["kubernetes"]}));
            map.insert("status".into(), json!({"phase": "Active"}));
        }
    }

    fn prepare_update(&self, old: &Value, new: &mut Value) {
        // Spec (finalizers) and status belong to the server: a namespace is deleted at once.
        if let Some(map) = new.as_object_mut() {
            for key in ["spec", "status"] {
                match old.get(key) {
                    Some(v) => map.insert(key.into(), v.clone()),
                    None => map.remove(key),
                };
            }
        }
    }

    fn deletion_forbidden(&self, object: &Value) -> Option<String> {
        let name = object.pointer("/metadata/name")?.as_str()?;
        PROTECTED_NAMESPACES
            .contains(&name)
            .then(|| "this namespace may not be deleted".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_namespaces_are_active_and_keep_server_fields_on_update() {
        let mut ns = json!({"metadata": {"name": "a"}, "status": {"phase": "Terminating"}});
        NamespaceRules.prepare_create(&mut ns);
        assert_eq!(ns["status"]["phase"], "Active");
        let mut new = json!({"metadata": {"name": "a"}, "status": {"phase": "Gone"}});
        NamespaceRules.prepare_update(&ns, &mut new);
        assert_eq!(new["status"]["phase"], "Active");
        assert_eq!(new["spec"]["finalizers"][0], "kubernetes");
    }

    #[test]
    fn the_hubs_own_namespaces_cannot_be_deleted() {
        assert!(
            NamespaceRules
                .deletion_forbidden(&json!({"metadata": {"name": "default"}}))
                .is_some()
        );
        assert!(
            NamespaceRules
                .deletion_forbidden(&json!({"metadata": {"name": "team-a"}}))
                .is_none()
        );
    }
}
