//! Which binding subjects name a user (`appliesToUser`), and the keys the index files them under.

use super::objects::{
    GROUP_KIND, SERVICE_ACCOUNT_KIND, SERVICE_ACCOUNT_USERNAME_PREFIX, Subject, USER_KIND,
};
use crate::go_fmt;
use crate::identity::UserInfo;

/// Whether `subject` of a binding in `binding_namespace` ("" for a ClusterRoleBinding) names
/// `user`. A ServiceAccount subject without a namespace takes the binding's.
pub fn applies_to_user(user: &UserInfo, subject: &Subject, binding_namespace: &str) -> bool {
    match subject.kind.as_str() {
        USER_KIND => user.username == subject.name,
        GROUP_KIND => user.in_group(&subject.name),
        SERVICE_ACCOUNT_KIND => {
            let namespace = service_account_namespace(subject, binding_namespace);
            !namespace.is_empty()
                && matches_service_account(&user.username, namespace, &subject.name)
        }
        _ => false,
    }
}

/// The index of the first subject that names `user`.
pub fn first_applicable(
    user: &UserInfo,
    subjects: &[Subject],
    binding_namespace: &str,
) -> Option<usize> {
    subjects
        .iter()
        .position(|s| applies_to_user(user, s, binding_namespace))
}

fn service_account_namespace<'a>(subject: &'a Subject, binding_namespace: &'a str) -> &'a str {
    if subject.namespace.is_empty() {
        binding_namespace
    } else {
        &subject.namespace
    }
}

/// `username == system:serviceaccount:NAMESPACE:NAME`, without building the string.
fn matches_service_account(username: &str, namespace: &str, name: &str) -> bool {
    username
        .strip_prefix(SERVICE_ACCOUNT_USERNAME_PREFIX)
        .and_then(|rest| rest.strip_prefix(namespace))
        .and_then(|rest| rest.strip_prefix(':'))
        == Some(name)
}

/// The username of a ServiceAccount.
pub fn service_account_username(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_USERNAME_PREFIX}{namespace}:{name}")
}

/// What the index files a binding under for one of its subjects: users and ServiceAccounts
/// by the username they match, groups by name. Subjects that can name nobody have no key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum SubjectKey {
    User(String),
    Group(String),
}

pub(crate) fn subject_key(subject: &Subject, binding_namespace: &str) -> Option<SubjectKey> {
    match subject.kind.as_str() {
        USER_KIND => Some(SubjectKey::User(subject.name.clone())),
        GROUP_KIND => Some(SubjectKey::Group(subject.name.clone())),
        SERVICE_ACCOUNT_KIND => {
            let namespace = service_account_namespace(subject, binding_namespace);
            (!namespace.is_empty())
                .then(|| SubjectKey::User(service_account_username(namespace, &subject.name)))
        }
        _ => None,
    }
}

/// `User "alice"`, `Group "g"`, `ServiceAccount "name/namespace"` (upstream's order).
pub fn describe_subject(subject: &Subject, binding_namespace: &str) -> String {
    if subject.kind == SERVICE_ACCOUNT_KIND {
        let namespace = service_account_namespace(subject, binding_namespace);
        format!(
            "{} {}",
            subject.kind,
            go_fmt::quote(&format!("{}/{}", subject.name, namespace))
        )
    } else {
        format!("{} {}", subject.kind, go_fmt::quote(&subject.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            username: name.into(),
            groups: groups.iter().map(|g| (*g).to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn subjects_apply_as_upstream() {
        let alice = user("alice", &["devs"]);
        let bot = user("system:serviceaccount:ns1:bot", &["system:serviceaccounts"]);
        let cases = [
            (&alice, Subject::user("alice"), "", true),
            (&alice, Subject::user("bob"), "", false),
            (&alice, Subject::group("devs"), "", true),
            (&alice, Subject::group("alice"), "", false),
            (&bot, Subject::service_account("ns1", "bot"), "", true),
            (&bot, Subject::service_account("", "bot"), "ns1", true),
            (&bot, Subject::service_account("", "bot"), "ns2", false),
            (&bot, Subject::service_account("", "bot"), "", false),
            (&bot, Subject::service_account("ns1", "bo"), "", false),
            (
                &bot,
                Subject::user("system:serviceaccount:ns1:bot"),
                "",
                true,
            ),
            (
                &alice,
                Subject {
                    kind: "Robot".into(),
                    name: "alice".into(),
                    ..Default::default()
                },
                "",
                false,
            ),
        ];
        for (u, s, ns, want) in cases {
            assert_eq!(applies_to_user(u, &s, ns), want, "{s:?} in {ns:?}");
            let keyed = match subject_key(&s, ns) {
                Some(SubjectKey::User(name)) => u.username == name,
                Some(SubjectKey::Group(name)) => u.in_group(&name),
                None => false,
            };
            assert_eq!(keyed, want, "key of {s:?} in {ns:?}");
        }
    }

    #[test]
    fn describes_subjects_as_upstream() {
        assert_eq!(describe_subject(&Subject::user("a"), ""), r#"User "a""#);
        assert_eq!(describe_subject(&Subject::group("g"), ""), r#"Group "g""#);
        assert_eq!(
            describe_subject(&Subject::service_account("", "bot"), "ns"),
            r#"ServiceAccount "bot/ns""#
        );
        assert_eq!(
            describe_subject(&Subject::service_account("x", "bot"), "ns"),
            r#"ServiceAccount "bot/x""#
        );
    }
}
