//! Aggregated ClusterRoles: the rules the clusterrole-aggregation controller writes into a
//! ClusterRole whose aggregationRule selects other ClusterRoles by label.

use serde_json::{Map, Value};

use super::objects::{PolicyRule, cluster_role_selectors_of};
use crate::selector::{LabelSelector, SelectorError};

/// The parsed `aggregationRule.clusterRoleSelectors` of a ClusterRole; `Ok(None)` when it has
/// no aggregationRule.
pub fn aggregation_selectors(
    cluster_role: &Value,
) -> Result<Option<Vec<LabelSelector>>, SelectorError> {
    cluster_role_selectors_of(cluster_role)
        .map(|raw| raw.iter().map(LabelSelector::from_json).collect())
        .transpose()
}

/// The union of the rules of the ClusterRoles (name, labels, rules) any selector matches, each
/// rule once, in the controller's order: selector by selector, roles by name, rules as written.
/// The caller leaves the aggregating role itself out of `cluster_roles`.
pub fn aggregate_rules<'a>(
    selectors: &[LabelSelector],
    cluster_roles: impl Iterator<Item = (&'a str, Option<&'a Map<String, Value>>, &'a [PolicyRule])>,
) -> Vec<PolicyRule> {
    let mut roles: Vec<_> = cluster_roles.collect();
    roles.sort_by(|a, b| a.0.cmp(b.0));
    let mut aggregated: Vec<PolicyRule> = Vec::new();
    for selector in selectors {
        for (_, _, rules) in roles
            .iter()
            .filter(|(_, labels, _)| selector.matches(*labels))
        {
            for rule in rules.iter() {
                if !aggregated.contains(rule) {
                    aggregated.push(rule.clone());
                }
            }
        }
    }
    aggregated
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn unions_matching_roles_by_selector_then_name() {
        let view = labels(json!({"agg/view": "true"}));
        let edit = labels(json!({"agg/edit": "true", "agg/view": "true"}));
        let none = labels(json!({"other": "x"}));
        let get = PolicyRule::resource(&["get"], &[""], &["pods"]);
        let list = PolicyRule::resource(&["list"], &[""], &["pods"]);
        let update = PolicyRule::resource(&["update"], &[""], &["pods"]);
        let secret = PolicyRule::resource(&["*"], &[""], &["secrets"]);
        let b_rules = [list.clone(), get.clone()];
        let a_rules = [get.clone()];
        let e_rules = [update.clone(), get.clone()];
        let x_rules = [secret];
        let roles = vec![
            ("b-view", Some(&view), &b_rules[..]),
            ("a-view", Some(&view), &a_rules[..]),
            ("edit", Some(&edit), &e_rules[..]),
            ("unlabelled", None, &x_rules[..]),
            ("other", Some(&none), &x_rules[..]),
        ];
        let selectors = [
            LabelSelector::from_json(&json!({"matchLabels": {"agg/edit": "true"}}))
                .expect("selector"),
            LabelSelector::from_json(&json!({"matchLabels": {"agg/view": "true"}}))
                .expect("selector"),
        ];
        let rules = aggregate_rules(&selectors, roles.iter().copied());
        assert_eq!(rules, vec![update, get, list]);
        assert!(aggregate_rules(&[], roles.iter().copied()).is_empty());
        assert!(aggregate_rules(&[LabelSelector::nothing()], roles.into_iter()).is_empty());
    }

    #[test]
    fn reads_selectors_from_the_object() {
        let cr =
            json!({"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"a": "b"}}]}});
        assert_eq!(
            aggregation_selectors(&cr).expect("ok").map(|s| s.len()),
            Some(1)
        );
        assert_eq!(aggregation_selectors(&json!({})).expect("ok"), None);
        let bad = json!({"aggregationRule": {"clusterRoleSelectors": [{"matchExpressions": [{"key": "a", "operator": "In"}]}]}});
        assert!(aggregation_selectors(&bad).is_err());
    }
}
