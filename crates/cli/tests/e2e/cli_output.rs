//! The list and get commands print what kubectl prints for the same objects: the same
//! server-side Table laid out the same way, and the same `-o name|json|yaml|jsonpath`.

use serde_json::Value;
use tokenhub_testkit::TestHub;

use crate::kubectl::Kubectl;
use crate::tokenhub::Tokenhub;

/// Runs both until they agree: an AGE cell may tick between the two runs.
#[track_caller]
fn same_output(t: &Tokenhub, mine: &[&str], k: &Kubectl, theirs: &[&str]) {
    let mut last = (String::new(), String::new());
    for _ in 0..5 {
        last = (t.ok(mine), k.ok(theirs));
        if last.0 == last.1 {
            return;
        }
    }
    assert_eq!(last.0, last.1, "tokenhub {mine:?} vs kubectl {theirs:?}");
}

#[test]
fn tables_are_laid_out_as_kubectl_lays_them_out() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let t = Tokenhub::admin(&hub);
    t.ok_stdin(
        &[
            "users",
            "create",
            "alice",
            "--group",
            "devs",
            "--group",
            "ops",
            "--display-name",
            "Alice Liddell",
            "--password-stdin",
        ],
        "correct-horse-battery-1\n",
    );
    t.ok(&[
        "tokens",
        "create",
        "--description",
        "a longer description",
        "--ttl",
        "2h",
    ]);

    same_output(&t, &["users", "list"], &k, &["get", "users"]);
    same_output(
        &t,
        &["users", "list", "-o", "wide"],
        &k,
        &["get", "users", "-o", "wide"],
    );
    same_output(
        &t,
        &["users", "get", "alice"],
        &k,
        &["get", "user", "alice"],
    );
    same_output(
        &t,
        &["users", "list", "--no-headers"],
        &k,
        &["get", "users", "--no-headers"],
    );
    same_output(&t, &["tokens", "list"], &k, &["get", "tokens.tokenhub.io"]);
    same_output(
        &t,
        &["tokens", "list", "-o", "wide"],
        &k,
        &["get", "tokens.tokenhub.io", "-o", "wide"],
    );

    t.ok(&[
        "apitokens",
        "create",
        "--name",
        "ci",
        "--role",
        "User",
        "--description",
        "the pipeline",
    ]);
    t.ok(&[
        "apitokens",
        "create",
        "--name",
        "ops",
        "--role",
        "Administrator",
    ]);
    same_output(&t, &["apitokens", "list"], &k, &["get", "apitokens"]);
    same_output(
        &t,
        &["apitokens", "list", "-o", "wide"],
        &k,
        &["get", "apitokens", "-o", "wide"],
    );

    let header = t.ok(&["users", "list"]);
    assert!(
        header.starts_with("NAME    DISPLAY NAME    ENABLED   AGE\n"),
        "{header}"
    );
}

#[test]
fn other_formats_match_kubectl() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let t = Tokenhub::admin(&hub);
    t.ok_stdin(
        &[
            "users",
            "create",
            "bob",
            "--group",
            "devs",
            "--password-stdin",
        ],
        "correct-horse-battery-2\n",
    );

    assert_eq!(
        t.ok(&["users", "list", "-o", "name"]),
        k.ok(&["get", "users", "-o", "name"])
    );
    assert_eq!(
        t.ok(&["users", "get", "bob", "-o", "name"]),
        "user.tokenhub.io/bob\n"
    );

    let mine: Value = serde_json::from_str(&t.ok(&["users", "get", "bob", "-o", "json"])).unwrap();
    let theirs: Value = serde_json::from_str(&k.ok(&["get", "user", "bob", "-o", "json"])).unwrap();
    assert_eq!(mine, theirs);
    let list: Value = serde_json::from_str(&t.ok(&["users", "list", "-o", "json"])).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "admin and bob");

    let yaml = t.ok(&["users", "get", "bob", "-o", "yaml"]);
    assert!(
        yaml.starts_with("apiVersion: tokenhub.io/v1\nkind: User\n"),
        "{yaml}"
    );
    assert!(yaml.contains("  groups:\n  - devs\n"), "{yaml}");

    for template in [
        "{.items[*].metadata.name}",
        r#"{range .items[*]}{.metadata.name}{"\t"}{.spec.groups}{"\n"}{end}"#,
        "names: {.items[0].metadata.name} and {.items[1].spec.enabled}",
        "{.items[*].status.nothing}",
        r#"{.items[?(@.metadata.name=="bob")].spec.groups[0]}"#,
    ] {
        let option = format!("jsonpath={template}");
        assert_eq!(
            t.ok(&["users", "list", "-o", &option]),
            k.ok(&["get", "users", "-o", &option]),
            "{template}"
        );
    }
    let one = t.ok(&["users", "get", "bob", "-o", "jsonpath={.spec.groups}"]);
    assert_eq!(
        one,
        k.ok(&["get", "user", "bob", "-o", "jsonpath={.spec.groups}"])
    );

    let bad = t.run(&["users", "list", "-o", "xml"]);
    assert_eq!(bad.status.code(), Some(2), "a usage error: {}", bad.stderr);
}

#[test]
fn an_empty_list_says_so_on_stderr() {
    let hub = TestHub::start();
    let t = Tokenhub::admin(&hub);
    let run = t.run(&["apitokens", "list"]);
    assert!(run.status.success(), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "No resources found\n");
}
