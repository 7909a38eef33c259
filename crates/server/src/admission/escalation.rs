//! Privilege escalation prevention, as kube-apiserver does it for RBAC writes: nobody grants
//! (in a Role or ClusterRole) or binds (in a binding) permissions they do not already hold,
//! unless RBAC gives them `escalate` or `bind`; and only those with full authority may set
//! an aggregationRule.

use std::sync::Arc;

use serde_json::Value;
use tokenhub_api::kinds::rbac_v1::{
    CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, GROUP, ROLE_BINDINGS, ROLES,
};
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::identity::{SYSTEM_MASTERS, UserInfo};
use tokenhub_core::rbac::{
    AGGREGATION_RULE_FORBIDDEN, CLUSTER_ROLE_KIND, PolicyRule, RequestAttributes,
    cluster_role_selectors_of, covers, escalation_message, has_full_authority, role_ref_of,
    rules_of,
};

use crate::authz::Authorizer;
use crate::caches::Caches;
use crate::error::{ApiError, Target};
use crate::objects::{Admission, Requester};

#[derive(Debug)]
pub struct EscalationCheck {
    authorizer: Arc<Authorizer>,
    caches: Arc<Caches>,
}

impl EscalationCheck {
    pub fn new(authorizer: Arc<Authorizer>, caches: Arc<Caches>) -> Self {
        EscalationCheck { authorizer, caches }
    }

    /// Whether RBAC gives `user` the special `verb` (escalate, bind) on a role.
    fn may(
        &self,
        user: &UserInfo,
        verb: &str,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> bool {
        let attributes = RequestAttributes::resource(verb, GROUP, resource)
            .in_namespace(namespace)
            .named(name);
        self.authorizer.allows(user, &attributes)
    }

    /// Ok when `user` already holds every rule of `requested` in `namespace`.
    fn holds(
        &self,
        user: &UserInfo,
        namespace: &str,
        requested: &[PolicyRule],
        target: Target,
    ) -> Result<(), ApiError> {
        let (owned, _) = self.caches.rbac().rules_for(user, namespace);
        let (covered, uncovered) = covers(&owned, requested);
        if covered {
            return Ok(());
        }
        Err(ApiError::ForbiddenOn {
            target,
            reason: escalation_message(user, &uncovered),
        })
    }

    /// Upstream's order: `escalate` on the role lifts every check; otherwise every rule must
    /// be held, and a ClusterRole that aggregates (or aggregated) needs full authority.
    fn check_role(
        &self,
        user: &UserInfo,
        t: &ResourceType,
        namespace: &str,
        old: Option<&Value>,
        new: &Value,
    ) -> Result<(), ApiError> {
        let name = name_of(new);
        let target = Target::new(t.group, t.plural, &name);
        // kube asks about the name in the request's path, which a create does not have.
        let requested_name = if old.is_some() { name.as_str() } else { "" };
        if self.may(user, "escalate", t.plural, namespace, requested_name) {
            return Ok(());
        }
        let requested = rules_of(new).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        self.holds(user, namespace, &requested, target.clone())?;
        let aggregates =
            |o: &Value| cluster_role_selectors_of(o).is_some_and(|selectors| !selectors.is_empty());
        if std::ptr::eq(t, &CLUSTER_ROLES) && (aggregates(new) || old.is_some_and(aggregates)) {
            let (owned, _) = self.caches.rbac().rules_for(user, "");
            if !has_full_authority(&owned) {
                return Err(ApiError::ForbiddenOn {
                    target,
                    reason: AGGREGATION_RULE_FORBIDDEN.into(),
                });
            }
        }
        Ok(())
    }

    fn check_binding(
        &self,
        user: &UserInfo,
        t: &ResourceType,
        namespace: &str,
        new: &Value,
    ) -> Result<(), ApiError> {
        let name = name_of(new);
        let target = Target::new(t.group, t.plural, &name);
        let role_ref = role_ref_of(new).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let (role_resource, role_namespace) = if role_ref.kind == CLUSTER_ROLE_KIND {
            (CLUSTER_ROLES.plural, "")
        } else {
            (ROLES.plural, namespace)
        };
        if self.may(user, "bind", role_resource, namespace, &role_ref.name) {
            return Ok(());
        }
        let rules = {
            let index = self.caches.rbac();
            let rules = if role_namespace.is_empty() {
                index.cluster_role_rules(&role_ref.name)
            } else {
                index.role_rules(role_namespace, &role_ref.name)
            };
            rules.map(<[PolicyRule]>::to_vec)
        };
        let Some(rules) = rules else {
            let role_group = if role_namespace.is_empty() {
                CLUSTER_ROLES.plural
            } else {
                ROLES.plural
            };
            return Err(ApiError::ForbiddenOn {
                target,
                reason: format!("{role_group}.{GROUP} \"{}\" not found", role_ref.name),
            });
        };
        self.holds(user, namespace, &rules, target)
    }
}

fn name_of(object: &Value) -> String {
    object.name().unwrap_or_default().to_string()
}

impl Admission for EscalationCheck {
    fn admit(
        &self,
        requester: &Requester,
        t: &ResourceType,
        namespace: &str,
        old: Option<&Value>,
        new: &mut Value,
    ) -> Result<(), ApiError> {
        let new = &*new;
        let Requester::User(user) = requester else {
            return Ok(());
        };
        if user.in_group(SYSTEM_MASTERS) {
            return Ok(());
        }
        if std::ptr::eq(t, &ROLES) || std::ptr::eq(t, &CLUSTER_ROLES) {
            self.check_role(user, t, namespace, old, new)
        } else if std::ptr::eq(t, &ROLE_BINDINGS) || std::ptr::eq(t, &CLUSTER_ROLE_BINDINGS) {
            self.check_binding(user, t, namespace, new)
        } else {
            Ok(())
        }
    }
}
