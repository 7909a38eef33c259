//! List: label and field selectors, and paging with `limit` and `continue` over a snapshot.

use serde_json::{Value, json};

use crate::support::{Api, assert_failure, names, resource_version, with_query};

const SHOP: &str = "/api/v1/namespaces/shop/configmaps";

/// web (app=web, tier=front), db (app=db), cache (app=cache, tier=back), plain (no labels).
async fn shop() -> Api {
    let api = Api::start();
    api.namespace("shop").await;
    api.config_map("shop", "web", json!({"app": "web", "tier": "front"}))
        .await;
    api.config_map("shop", "db", json!({"app": "db"})).await;
    api.config_map("shop", "cache", json!({"app": "cache", "tier": "back"}))
        .await;
    api.config_map("shop", "plain", json!({})).await;
    api
}

async fn selected(api: &Api, path: &str, key: &str, selector: &str) -> Vec<String> {
    let reply = api
        .send(api.request(reqwest::Method::GET, &with_query(path, &[(key, selector)])))
        .await;
    names(&reply.expect(200))
}

#[tokio::test]
async fn label_selectors_select_as_kube_does() {
    let api = shop().await;
    let cases: &[(&str, &[&str])] = &[
        ("", &["cache", "db", "plain", "web"]),
        ("app=web", &["web"]),
        ("app==web", &["web"]),
        ("app!=web", &["cache", "db", "plain"]),
        ("app in (web,db)", &["db", "web"]),
        ("app notin (web,db)", &["cache", "plain"]),
        ("tier", &["cache", "web"]),
        ("!tier", &["db", "plain"]),
        ("app,!tier", &["db"]),
        ("app=web,tier=front", &["web"]),
        ("app=web,tier=back", &[]),
        ("app in (web, cache), tier notin (back)", &["web"]),
    ];
    for (selector, want) in cases {
        assert_eq!(
            selected(&api, SHOP, "labelSelector", selector).await,
            *want,
            "labelSelector={selector:?}"
        );
    }
}

#[tokio::test]
async fn field_selectors_select_by_name_and_namespace() {
    let api = shop().await;
    assert_eq!(
        selected(&api, SHOP, "fieldSelector", "metadata.name=web").await,
        ["web"]
    );
    assert_eq!(
        selected(&api, SHOP, "fieldSelector", "metadata.name==web").await,
        ["web"]
    );
    assert_eq!(
        selected(&api, SHOP, "fieldSelector", "metadata.name!=web").await,
        ["cache", "db", "plain"]
    );
    assert_eq!(
        selected(
            &api,
            "/api/v1/configmaps",
            "fieldSelector",
            "metadata.namespace=shop"
        )
        .await,
        ["cache", "db", "plain", "web"]
    );
    assert_eq!(
        selected(
            &api,
            "/api/v1/configmaps",
            "fieldSelector",
            "metadata.namespace!=shop"
        )
        .await,
        ["tokenhub-kubeconfig"]
    );
    assert_eq!(
        selected(
            &api,
            "/api/v1/namespaces",
            "fieldSelector",
            "metadata.name=shop"
        )
        .await,
        ["shop"]
    );
    // What kubectl delete --wait lists before it watches.
    assert_eq!(
        api.names(&format!(
            "{SHOP}?fieldSelector=metadata.name%3Dweb&limit=500&resourceVersion=0"
        ))
        .await,
        ["web"]
    );
    // Both selectors at once.
    let reply = api
        .send(api.request(
            reqwest::Method::GET,
            &with_query(
                SHOP,
                &[
                    ("labelSelector", "tier"),
                    ("fieldSelector", "metadata.name!=web"),
                ],
            ),
        ))
        .await;
    assert_eq!(names(&reply.expect(200)), ["cache"]);
}

#[tokio::test]
async fn unsupported_fields_and_malformed_selectors_are_bad_requests() {
    let api = shop().await;
    let reply = api
        .send(api.request(
            reqwest::Method::GET,
            &with_query(SHOP, &[("fieldSelector", "spec.foo=bar")]),
        ))
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "field label not supported: spec.foo",
    );
    let reply = api
        .send(api.request(
            reqwest::Method::GET,
            &with_query(SHOP, &[("labelSelector", "app in (web")]),
        ))
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "unable to parse requirement: found '', expected: ',' or ')'",
    );
    let reply = api
        .send(api.request(
            reqwest::Method::GET,
            &with_query(SHOP, &[("labelSelector", "app web")]),
        ))
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt",
    );
    // Errors outside a requirement carry no "unable to parse requirement" prefix upstream.
    let reply = api
        .send(api.request(
            reqwest::Method::GET,
            &with_query(SHOP, &[("labelSelector", "app=web,")]),
        ))
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "found '', expected: identifier after ','",
    );
    let reply = api.get(&format!("{SHOP}?limit=many")).await;
    assert_eq!(reply.code, 400, "{}", reply.text());
}

/// Pages through `path` with `limit`; returns every page.
async fn pages(api: &Api, path: &str, limit: usize) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(t) = &token {
            query.push(("continue", t.clone()));
        }
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = api.get(&with_query(path, &pairs)).await.expect(200);
        token = page["metadata"]["continue"].as_str().map(str::to_string);
        pages.push(page);
        if token.is_none() {
            return pages;
        }
        assert!(pages.len() < 100, "paging does not end");
    }
}

#[tokio::test]
async fn limit_and_continue_page_through_everything_exactly_once() {
    let api = Api::start();
    api.namespace("pages").await;
    let mut all = Vec::new();
    for i in 0..7 {
        api.config_map("pages", &format!("c{i}"), json!({})).await;
        all.push(format!("c{i}"));
    }
    let path = "/api/v1/namespaces/pages/configmaps";
    let pages = pages(&api, path, 3).await;
    let sizes: Vec<usize> = pages.iter().map(|p| names(p).len()).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let seen: Vec<String> = pages.iter().flat_map(names).collect();
    assert_eq!(seen, all);
    let rv = &pages[0]["metadata"]["resourceVersion"];
    for page in &pages {
        assert_eq!(
            &page["metadata"]["resourceVersion"], rv,
            "every page is of one snapshot"
        );
        assert_eq!(page["kind"], "ConfigMapList");
    }
    // A limit of exactly everything needs no second page, and limit=0 means no limit.
    let page = api.get(&format!("{path}?limit=7")).await.expect(200);
    assert_eq!(names(&page).len(), 7);
    assert!(page["metadata"].get("continue").is_none(), "{page}");
    assert_eq!(api.names(&format!("{path}?limit=0")).await, all);

    // Selectors filter before the limit counts.
    api.config_map("pages", "labelled", json!({"x": "y"})).await;
    let page = api
        .send(api.request(
            reqwest::Method::GET,
            &with_query(path, &[("limit", "1"), ("labelSelector", "x=y")]),
        ))
        .await
        .expect(200);
    assert_eq!(names(&page), ["labelled"]);
    assert!(page["metadata"].get("continue").is_none(), "{page}");
}

#[tokio::test]
async fn a_continued_list_shows_the_objects_as_they_were_at_its_first_page() {
    let api = Api::start();
    api.namespace("pages").await;
    let mut before = Vec::new();
    for i in 0..6 {
        before.push(api.config_map("pages", &format!("c{i}"), json!({})).await);
    }
    let path = "/api/v1/namespaces/pages/configmaps";
    let first = api.get(&format!("{path}?limit=2")).await.expect(200);
    assert_eq!(names(&first), ["c0", "c1"]);
    let token = first["metadata"]["continue"]
        .as_str()
        .expect("a continue token");

    // Everything changes before the next page is read.
    api.put(
        "/api/v1/namespaces/pages/configmaps/c3",
        &json!({"metadata": {"name": "c3"}, "data": {"key": "changed"}}),
    )
    .await
    .expect(200);
    api.delete("/api/v1/namespaces/pages/configmaps/c4", &json!({}))
        .await
        .expect(200);
    api.delete("/api/v1/namespaces/pages/configmaps/c0", &json!({}))
        .await
        .expect(200);
    api.config_map("pages", "c2a", json!({})).await;

    let rest = api
        .send(api.request(
            reqwest::Method::GET,
            &with_query(path, &[("limit", "10"), ("continue", token)]),
        ))
        .await
        .expect(200);
    assert_eq!(
        rest["metadata"]["resourceVersion"],
        first["metadata"]["resourceVersion"]
    );
    assert!(rest["metadata"].get("continue").is_none(), "{rest}");
    // c2..c5 exactly as they were: c3 unchanged, c4 still there, c2a not yet.
    assert_eq!(rest["items"], json!(before[2..]));

    // A fresh list sees the present.
    assert_eq!(api.names(path).await, ["c1", "c2", "c2a", "c3", "c5"]);
    let c3 = api
        .get("/api/v1/namespaces/pages/configmaps/c3")
        .await
        .expect(200);
    assert_ne!(resource_version(&c3), resource_version(&before[3]));
}

#[tokio::test]
async fn an_invalid_continue_token_is_a_bad_request() {
    let api = shop().await;
    for token in ["not a token!", "eyJ2IjoiMSJ9", "e30"] {
        let reply = api
            .send(api.request(
                reqwest::Method::GET,
                &with_query(SHOP, &[("limit", "1"), ("continue", token)]),
            ))
            .await;
        let status = crate::support::assert_failure_code(&reply, 400, "BadRequest");
        assert!(
            status["message"].as_str().is_some_and(
                |m| m.starts_with("invalid continue token: continue key is not valid: ")
            ),
            "{status}"
        );
    }
}
