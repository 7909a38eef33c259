//! RBAC decisions with 10, 10,000 and 100,000 bindings: the subject index against the linear
//! scan kube-apiserver does (every ClusterRoleBinding, then every RoleBinding of the
//! namespace).
//!
//! Policy: 4 ClusterRoles; 1/5 of the bindings are ClusterRoleBindings, the rest RoleBindings
//! spread over 1,000 namespaces; one subject each, User : ServiceAccount : Group = 1 : 1 : 1;
//! plus `system:masters` and `system:authenticated` bindings. The user asking is bound by the
//! last RoleBinding created, in its namespace, and belongs to `system:authenticated`.
//!
//! `cargo bench -p tokenhub-core --bench rbac`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tokenhub_core::identity::UserInfo;
use tokenhub_core::rbac::{
    AuthorizerIndex, LinearAuthorizer, PolicyRule, PolicyUpdates, RequestAttributes, RoleRef,
    Subject,
};

const NAMESPACES: usize = 1_000;
const ROLES: [&str; 4] = ["viewer", "editor", "token-admin", "sa-admin"];

fn roles(p: &mut dyn PolicyUpdates) {
    p.upsert_cluster_role(
        "viewer",
        vec![PolicyRule::resource(
            &["get", "list", "watch"],
            &[""],
            &["configmaps", "serviceaccounts"],
        )],
    );
    p.upsert_cluster_role(
        "editor",
        vec![
            PolicyRule::resource(
                &["get", "list", "watch"],
                &[""],
                &["configmaps", "serviceaccounts"],
            ),
            PolicyRule::resource(
                &["create", "update", "patch", "delete"],
                &[""],
                &["configmaps"],
            ),
        ],
    );
    p.upsert_cluster_role(
        "token-admin",
        vec![PolicyRule::resource(
            &["*"],
            &["tokenhub.io"],
            &["tokens", "apitokens"],
        )],
    );
    p.upsert_cluster_role(
        "sa-admin",
        vec![PolicyRule::resource(
            &["create"],
            &[""],
            &["serviceaccounts/token"],
        )],
    );
    p.upsert_cluster_role(
        "cluster-admin",
        vec![
            PolicyRule::resource(&["*"], &["*"], &["*"]),
            PolicyRule::non_resource(&["*"], &["*"]),
        ],
    );
    p.upsert_cluster_role(
        "self",
        vec![PolicyRule::resource(
            &["create"],
            &["authorization.k8s.io"],
            &["selfsubjectaccessreviews"],
        )],
    );
}

fn subject(i: usize, namespace: &str) -> Subject {
    match i % 3 {
        0 => Subject::user(&format!("user-{i}")),
        1 => Subject::service_account(namespace, &format!("sa-{i}")),
        _ => Subject::group(&format!("group-{i}")),
    }
}

/// `n` bindings; returns the namespace of the last RoleBinding and its user.
fn bindings(p: &mut dyn PolicyUpdates, n: usize) {
    p.upsert_cluster_role_binding(
        "masters",
        RoleRef::cluster_role("cluster-admin"),
        vec![Subject::group("system:masters")],
    );
    p.upsert_cluster_role_binding(
        "authenticated",
        RoleRef::cluster_role("self"),
        vec![Subject::group("system:authenticated")],
    );
    for i in 0..n {
        let role = RoleRef::cluster_role(ROLES[i % ROLES.len()]);
        if i % 5 == 0 {
            p.upsert_cluster_role_binding(&format!("crb-{i}"), role, vec![subject(i, "default")]);
        } else {
            let ns = format!("ns-{}", i % NAMESPACES);
            p.upsert_role_binding(&ns, &format!("rb-{i}"), role, vec![subject(i, &ns)]);
        }
    }
    // The user asking, bound last.
    p.upsert_role_binding(
        &target_namespace(n),
        "target",
        RoleRef::cluster_role("editor"),
        vec![Subject::user("target-user")],
    );
}

fn target_namespace(n: usize) -> String {
    format!("ns-{}", n.saturating_sub(1) % NAMESPACES)
}

fn bench(c: &mut Criterion) {
    let user = UserInfo {
        username: "target-user".into(),
        groups: vec!["group-5".into(), "system:authenticated".into()],
        ..Default::default()
    };
    let mut group = c.benchmark_group("rbac_authorize");
    for n in [10usize, 10_000, 100_000] {
        let mut index = AuthorizerIndex::new();
        let mut linear = LinearAuthorizer::new();
        for p in [&mut index as &mut dyn PolicyUpdates, &mut linear] {
            roles(p);
            bindings(p, n);
        }
        let ns = target_namespace(n);
        let allowed = RequestAttributes::resource("update", "", "configmaps")
            .in_namespace(&ns)
            .named("app");
        let denied = RequestAttributes::resource("delete", "tokenhub.io", "tokens")
            .in_namespace(&ns)
            .named("t1");
        assert!(index.authorize(&user, &allowed).is_allowed());
        assert!(!index.authorize(&user, &denied).is_allowed());
        assert_eq!(
            index.authorize(&user, &allowed),
            linear.authorize(&user, &allowed)
        );
        assert_eq!(
            index.authorize(&user, &denied),
            linear.authorize(&user, &denied)
        );

        group.sample_size(if n >= 100_000 { 20 } else { 100 });
        for (case, attrs) in [("allow", &allowed), ("deny", &denied)] {
            group.bench_with_input(
                BenchmarkId::new(format!("index/{case}"), n),
                attrs,
                |b, a| b.iter(|| black_box(index.authorize(black_box(&user), black_box(a)))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("linear/{case}"), n),
                attrs,
                |b, a| b.iter(|| black_box(linear.authorize(black_box(&user), black_box(a)))),
            );
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
