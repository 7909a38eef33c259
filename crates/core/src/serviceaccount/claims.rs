//! The claims of a bound ServiceAccount token (kube's `pkg/serviceaccount/claims.go`) and the
//! identity a verified token carries.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};

use super::keys::KeyError;
use crate::identity::{SYSTEM_AUTHENTICATED, UserInfo};

pub const SERVICE_ACCOUNT_USERNAME_PREFIX: &str = "system:serviceaccount:";
pub const SERVICE_ACCOUNTS_GROUP: &str = "system:serviceaccounts";
pub const CREDENTIAL_ID_KEY: &str = "authentication.kubernetes.io/credential-id";
pub const POD_NAME_KEY: &str = "authentication.kubernetes.io/pod-name";
pub const POD_UID_KEY: &str = "authentication.kubernetes.io/pod-uid";
pub const NODE_NAME_KEY: &str = "authentication.kubernetes.io/node-name";
pub const NODE_UID_KEY: &str = "authentication.kubernetes.io/node-uid";

/// `system:serviceaccount:NS:NAME`.
pub fn service_account_username(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_USERNAME_PREFIX}{namespace}:{name}")
}

/// `system:serviceaccounts`, `system:serviceaccounts:NS` and `system:authenticated`.
pub fn service_account_groups(namespace: &str) -> Vec<String> {
    vec![
        SERVICE_ACCOUNTS_GROUP.to_string(),
        format!("{SERVICE_ACCOUNTS_GROUP}:{namespace}"),
        SYSTEM_AUTHENTICATED.to_string(),
    ]
}

/// A random version-4 UUID from the OS's randomness, as kube's `jti`.
pub fn new_jti() -> Result<String, KeyError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|_| KeyError::Randomness)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    Ok(s)
}

/// `{name, uid}` of an object the token names; empty members are left out, as upstream.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

/// The `kubernetes.io` private claim. Members are declared in the order kube's token carries
/// them (go-jose writes the claims as a map, so keys come out sorted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubernetesClaims {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<ObjectRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<ObjectRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<ObjectRef>,
    #[serde(default)]
    pub serviceaccount: ObjectRef,
    /// Only on projected tokens whose expiration kube extended: when to start warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnafter: Option<i64>,
}

/// The claims of a bound ServiceAccount token. Times are seconds since the epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccountClaims {
    #[serde(deserialize_with = "string_or_strings")]
    pub aud: Vec<String>,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub jti: String,
    #[serde(rename = "kubernetes.io")]
    pub kubernetes_io: KubernetesClaims,
    pub nbf: i64,
    pub sub: String,
}

/// The ServiceAccount a token is issued for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceAccountRef {
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundObjectKind {
    Pod,
    Secret,
    Node,
}

impl BoundObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BoundObjectKind::Pod => "Pod",
            BoundObjectKind::Secret => "Secret",
            BoundObjectKind::Node => "Node",
        }
    }
}

/// The object a token is bound to: the token dies with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundObject {
    pub kind: BoundObjectKind,
    pub name: String,
    pub uid: String,
}

impl ServiceAccountClaims {
    /// The claims of a new token: issued and valid from `now` (whole seconds), expiring
    /// `expiration_seconds` later, with a fresh `jti`.
    pub fn issue(
        issuer: &str,
        account: &ServiceAccountRef,
        audiences: Vec<String>,
        bound: Option<&BoundObject>,
        now: Timestamp,
        expiration_seconds: i64,
    ) -> Result<ServiceAccountClaims, KeyError> {
        let now = now.as_second();
        let mut kubernetes = KubernetesClaims {
            namespace: account.namespace.clone(),
            serviceaccount: ObjectRef {
                name: account.name.clone(),
                uid: account.uid.clone(),
            },
            ..KubernetesClaims::default()
        };
        if let Some(bound) = bound {
            let object = Some(ObjectRef {
                name: bound.name.clone(),
                uid: bound.uid.clone(),
            });
            match bound.kind {
                BoundObjectKind::Pod => kubernetes.pod = object,
                BoundObjectKind::Secret => kubernetes.secret = object,
                BoundObjectKind::Node => kubernetes.node = object,
            }
        }
        Ok(ServiceAccountClaims {
            aud: audiences,
            exp: now.saturating_add(expiration_seconds),
            iat: now,
            iss: issuer.to_string(),
            jti: new_jti()?,
            kubernetes_io: kubernetes,
            nbf: now,
            sub: service_account_username(&account.namespace, &account.name),
        })
    }

    pub fn namespace(&self) -> &str {
        &self.kubernetes_io.namespace
    }

    pub fn service_account_name(&self) -> &str {
        &self.kubernetes_io.serviceaccount.name
    }

    /// The uid of the ServiceAccount: the token is dead once no ServiceAccount has it.
    pub fn service_account_uid(&self) -> &str {
        &self.kubernetes_io.serviceaccount.uid
    }

    pub fn expires_at(&self) -> Option<Timestamp> {
        Timestamp::from_second(self.exp).ok()
    }

    /// The token's audiences that are also in `accepted`, in the token's order (what a
    /// TokenReview answers in `status.audiences`).
    pub fn audiences_accepted(&self, accepted: &[String]) -> Vec<String> {
        self.aud
            .iter()
            .filter(|a| accepted.contains(a))
            .cloned()
            .collect()
    }

    /// Whether the claims name one ServiceAccount consistently: `sub` is the username that
    /// `kubernetes.io` implies, and namespace, name and uid are set.
    pub(crate) fn is_consistent(&self) -> bool {
        let k = &self.kubernetes_io;
        !k.namespace.is_empty()
            && !k.serviceaccount.name.is_empty()
            && !k.serviceaccount.uid.is_empty()
            && self
                .sub
                .strip_prefix(SERVICE_ACCOUNT_USERNAME_PREFIX)
                .and_then(|rest| rest.split_once(':'))
                == Some((k.namespace.as_str(), k.serviceaccount.name.as_str()))
    }

    /// Who the token speaks for, as kube-apiserver's ServiceAccount authenticator says it
    /// (plus `system:authenticated`, which kube's authenticator chain adds).
    pub fn user_info(&self) -> UserInfo {
        let k = &self.kubernetes_io;
        let mut extra = BTreeMap::new();
        if let Some(pod) = &k.pod
            && !pod.name.is_empty()
            && !pod.uid.is_empty()
        {
            extra.insert(POD_NAME_KEY.to_string(), vec![pod.name.clone()]);
            extra.insert(POD_UID_KEY.to_string(), vec![pod.uid.clone()]);
        }
        if !self.jti.is_empty() {
            extra.insert(
                CREDENTIAL_ID_KEY.to_string(),
                vec![format!("JTI={}", self.jti)],
            );
        }
        if let Some(node) = &k.node
            && !node.name.is_empty()
        {
            extra.insert(NODE_NAME_KEY.to_string(), vec![node.name.clone()]);
            if !node.uid.is_empty() {
                extra.insert(NODE_UID_KEY.to_string(), vec![node.uid.clone()]);
            }
        }
        UserInfo {
            username: service_account_username(&k.namespace, &k.serviceaccount.name),
            uid: k.serviceaccount.uid.clone(),
            groups: service_account_groups(&k.namespace),
            extra,
        }
    }
}

/// RFC 7519 lets `aud` be one string or an array of strings.
fn string_or_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn account() -> ServiceAccountRef {
        ServiceAccountRef {
            namespace: "default".into(),
            name: "bot".into(),
            uid: "0b9f6c2e-uid".into(),
        }
    }

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    #[test]
    fn issued_claims_have_kubes_shape_and_key_order() {
        let claims = ServiceAccountClaims::issue(
            "https://hub.example",
            &account(),
            vec!["https://hub.example".into()],
            None,
            at(1_700_000_000) + jiff::SignedDuration::from_millis(900),
            3600,
        )
        .unwrap();
        let mut value = serde_json::to_value(&claims).unwrap();
        let jti = value["jti"].as_str().unwrap().to_string();
        value["jti"] = json!("J");
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"aud":["https://hub.example"],"exp":1700003600,"iat":1700000000,"iss":"https://hub.example","jti":"J","kubernetes.io":{"namespace":"default","serviceaccount":{"name":"bot","uid":"0b9f6c2e-uid"}},"nbf":1700000000,"sub":"system:serviceaccount:default:bot"}"#
        );
        assert!(claims.is_consistent());
        assert_eq!(jti.len(), 36);
        assert_eq!(jti.as_bytes()[14], b'4', "version 4: {jti}");
        assert!(
            matches!(jti.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "{jti}"
        );
        assert_eq!(jti.matches('-').count(), 4);
    }

    #[test]
    fn bound_objects_land_in_their_claim() {
        for (kind, key) in [
            (BoundObjectKind::Pod, "pod"),
            (BoundObjectKind::Secret, "secret"),
            (BoundObjectKind::Node, "node"),
        ] {
            let bound = BoundObject {
                kind,
                name: "o".into(),
                uid: "u".into(),
            };
            let claims =
                ServiceAccountClaims::issue("i", &account(), vec![], Some(&bound), at(0), 600)
                    .unwrap();
            let value = serde_json::to_value(&claims).unwrap();
            assert_eq!(
                value["kubernetes.io"][key],
                json!({"name": "o", "uid": "u"})
            );
        }
    }

    #[test]
    fn the_identity_is_upstreams() {
        let mut claims =
            ServiceAccountClaims::issue("i", &account(), vec![], None, at(0), 600).unwrap();
        claims.jti = "2b76b98d-e185-4970-918e-6fa3f30606ab".into();
        let user = claims.user_info();
        assert_eq!(user.username, "system:serviceaccount:default:bot");
        assert_eq!(user.uid, "0b9f6c2e-uid");
        assert_eq!(
            user.groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:default",
                "system:authenticated"
            ]
        );
        assert_eq!(
            user.extra,
            BTreeMap::from([(
                CREDENTIAL_ID_KEY.to_string(),
                vec!["JTI=2b76b98d-e185-4970-918e-6fa3f30606ab".to_string()]
            )])
        );

        claims.kubernetes_io.pod = Some(ObjectRef {
            name: "p".into(),
            uid: "pu".into(),
        });
        claims.kubernetes_io.node = Some(ObjectRef {
            name: "n".into(),
            uid: String::new(),
        });
        claims.jti.clear();
        let extra = claims.user_info().extra;
        assert_eq!(
            extra.keys().collect::<Vec<_>>(),
            [NODE_NAME_KEY, POD_NAME_KEY, POD_UID_KEY]
        );
    }

    #[test]
    fn audiences_may_be_one_string_and_are_intersected_in_token_order() {
        let mut value = serde_json::to_value(
            ServiceAccountClaims::issue("i", &account(), vec![], None, at(0), 600).unwrap(),
        )
        .unwrap();
        value["aud"] = json!("api");
        let claims: ServiceAccountClaims = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(claims.aud, ["api"]);
        value["aud"] = json!(["b", "a", "c"]);
        let claims: ServiceAccountClaims = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(
            claims.audiences_accepted(&["c".into(), "b".into()]),
            ["b", "c"]
        );
        value["aud"] = json!(7);
        assert!(serde_json::from_value::<ServiceAccountClaims>(value).is_err());
    }

    #[test]
    fn inconsistent_claims_are_noticed() {
        let good = ServiceAccountClaims::issue("i", &account(), vec![], None, at(0), 600).unwrap();
        let mut other_sub = good.clone();
        other_sub.sub = "system:serviceaccount:kube-system:bot".into();
        let mut no_uid = good.clone();
        no_uid.kubernetes_io.serviceaccount.uid.clear();
        let mut plain_user = good.clone();
        plain_user.sub = "admin".into();
        for bad in [other_sub, no_uid, plain_user] {
            assert!(!bad.is_consistent(), "{bad:?}");
        }
    }
}
