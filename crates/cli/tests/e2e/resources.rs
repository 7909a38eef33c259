//! The built-in kinds through kubectl: discovery, create (flags, YAML), get in every output,
//! edit, patch, delete, watch, explain, and the errors as kubectl prints them.

use std::time::Duration;

use tokenhub_testkit::TestHub;

use crate::kubectl::{Kubectl, rows};

#[test]
fn api_resources_lists_the_kinds_with_short_names_and_verbs() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let out = k.ok(&["api-resources"]);
    let table = rows(&out);
    assert_eq!(
        table[0],
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    );
    assert!(
        table.contains(&vec![
            "configmaps".into(),
            "cm".into(),
            "v1".into(),
            "true".into(),
            "ConfigMap".into()
        ]),
        "{out}"
    );
    assert!(
        table.contains(&vec![
            "namespaces".into(),
            "ns".into(),
            "v1".into(),
            "false".into(),
            "Namespace".into()
        ]),
        "{out}"
    );
    assert!(
        table.contains(&vec![
            "serviceaccounts".into(),
            "sa".into(),
            "v1".into(),
            "true".into(),
            "ServiceAccount".into()
        ]),
        "{out}"
    );
    let wide = k.ok(&["api-resources", "-o", "wide"]);
    assert!(
        wide.contains("create,delete,deletecollection,get,list,patch,update,watch"),
        "{wide}"
    );
    let version = k.ok(&["version"]);
    assert!(version.contains("Server Version: v1.32"), "{version}");
}

#[test]
fn the_hub_namespaces_exist_and_the_public_kubeconfig_is_exported() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let names: Vec<String> = rows(&k.ok(&["get", "namespaces"]))
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(names, ["default", "kube-public", "kube-system", "tokenhub"]);

    let exported = k.ok(&[
        "get",
        "configmap",
        "tokenhub-kubeconfig",
        "-n",
        "tokenhub",
        "-o",
        "go-template={{.data.config}}",
    ]);
    assert!(exported.contains(&hub.url), "{exported}");
    assert!(!exported.contains(&hub.admin_token));
    // The exported kubeconfig plus a token is all a user needs.
    let path = k.home().join("exported.kubeconfig");
    std::fs::write(&path, exported).unwrap();
    let user = Kubectl::with_kubeconfig(&path);
    let out = user.ok(&[
        "--token",
        &hub.admin_token,
        "get",
        "ns",
        "default",
        "-o",
        "name",
    ]);
    assert_eq!(out.trim(), "namespace/default");
    let refused = user.fails(&["--token", "not-a-token", "get", "ns"]);
    assert!(
        refused.contains("You must be logged in to the server"),
        "{refused}"
    );
}

#[test]
fn typed_create_commands_send_protobuf_and_work() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    assert_eq!(
        k.ok(&["create", "namespace", "team-a"]).trim(),
        "namespace/team-a created"
    );
    assert_eq!(
        k.ok(&["create", "serviceaccount", "bot", "-n", "team-a"])
            .trim(),
        "serviceaccount/bot created"
    );
    assert_eq!(
        k.ok(&[
            "create",
            "configmap",
            "app",
            "-n",
            "team-a",
            "--from-literal=a=1",
            "--from-literal=b=2"
        ])
        .trim(),
        "configmap/app created"
    );
    let table = rows(&k.ok(&["get", "cm", "app", "-n", "team-a"]));
    assert_eq!(table[0], ["NAME", "DATA", "AGE"]);
    assert_eq!(table[1][..2], ["app".to_string(), "2".to_string()]);
    let table = rows(&k.ok(&["get", "sa", "-n", "team-a"]));
    assert_eq!(table[0], ["NAME", "SECRETS", "AGE"]);
    assert_eq!(table[1][..2], ["bot".to_string(), "0".to_string()]);
    let table = rows(&k.ok(&["get", "ns", "team-a"]));
    assert_eq!(table[0], ["NAME", "STATUS", "AGE"]);
    assert_eq!(table[1][..2], ["team-a".to_string(), "Active".to_string()]);
}

const MANIFESTS: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: shop
  labels:
    app: web
    tier: front
data:
  config: "hello: world\n"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: db
  namespace: shop
  labels:
    app: db
data:
  url: postgres://db
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: shop
secrets:
- name: s1
"#;

#[test]
fn yaml_manifests_and_every_output_format() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let out = k.ok_stdin(&["create", "-f", "-"], MANIFESTS);
    assert!(
        out.contains("namespace/shop created")
            && out.contains("configmap/web created")
            && out.contains("serviceaccount/deployer created"),
        "{out}"
    );

    let yaml = k.ok(&["get", "cm", "web", "-n", "shop", "-o", "yaml"]);
    assert!(
        yaml.contains("kind: ConfigMap")
            && yaml.contains("app: web")
            && yaml.contains("resourceVersion:"),
        "{yaml}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "cm", "-n", "shop", "-o", "json"])).unwrap();
    assert_eq!(json["kind"], "List");
    assert_eq!(json["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        k.ok(&["get", "cm", "-n", "shop", "-o", "name"]),
        "configmap/db\nconfigmap/web\n"
    );
    assert_eq!(
        k.ok(&[
            "get",
            "cm",
            "web",
            "-n",
            "shop",
            "-o",
            "jsonpath={.data.config}"
        ]),
        "hello: world\n"
    );
    assert_eq!(
        k.ok(&[
            "get",
            "cm",
            "-n",
            "shop",
            "-o",
            "go-template={{range .items}}{{.metadata.name}} {{end}}"
        ]),
        "db web "
    );
    let labels = k.ok(&["get", "cm", "-n", "shop", "--show-labels"]);
    let table = rows(&labels);
    assert_eq!(table[0], ["NAME", "DATA", "AGE", "LABELS"]);
    assert!(
        table[2].contains(&"app=web,tier=front".to_string()),
        "{labels}"
    );
    let selected = rows(&k.ok(&["get", "cm", "-n", "shop", "-l", "tier=front"]));
    assert_eq!(selected.len(), 2);
    assert_eq!(selected[1][0], "web");
    let not_db = rows(&k.ok(&["get", "cm", "-n", "shop", "-l", "app!=db,app"]));
    assert_eq!(not_db[1][0], "web");

    let all = k.ok(&["get", "cm", "-A"]);
    let table = rows(&all);
    assert_eq!(table[0], ["NAMESPACE", "NAME", "DATA", "AGE"]);
    assert!(
        table
            .iter()
            .any(|r| r[..2] == ["shop".to_string(), "web".to_string()]),
        "{all}"
    );
    assert!(
        table
            .iter()
            .any(|r| r[..2] == ["tokenhub".to_string(), "tokenhub-kubeconfig".to_string()]),
        "{all}"
    );
    let wide = rows(&k.ok(&["get", "sa", "-n", "shop", "-o", "wide"]));
    assert_eq!(wide[1][..2], ["deployer".to_string(), "1".to_string()]);

    // apply creates the last-applied annotation, then updates through a patch.
    let applied = MANIFESTS.replace("postgres://db", "postgres://db2");
    let out = k.ok_stdin(&["apply", "-f", "-"], &applied);
    assert!(out.contains("configmap/db configured"), "{out}");
    assert_eq!(
        k.ok(&[
            "get",
            "cm",
            "db",
            "-n",
            "shop",
            "-o",
            "jsonpath={.data.url}"
        ]),
        "postgres://db2"
    );
}

#[test]
fn edit_patch_and_delete() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    k.ok(&["create", "configmap", "app", "--from-literal=mode=slow"]);

    let editor = k.home().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/mode: slow/mode: fast/' \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let run: crate::kubectl::Run = k
        .command(&["edit", "configmap", "app"])
        .env("KUBE_EDITOR", &editor)
        .output()
        .unwrap()
        .into();
    assert!(run.status.success(), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.trim(), "configmap/app edited");
    assert_eq!(
        k.ok(&["get", "cm", "app", "-o", "jsonpath={.data.mode}"]),
        "fast"
    );

    assert_eq!(
        k.ok(&["patch", "cm", "app", "-p", r#"{"data":{"extra":"1"}}"#])
            .trim(),
        "configmap/app patched"
    );
    k.ok(&[
        "patch",
        "cm",
        "app",
        "--type=merge",
        "-p",
        r#"{"data":{"mode":null}}"#,
    ]);
    k.ok(&[
        "patch",
        "cm",
        "app",
        "--type=json",
        "-p",
        r#"[{"op":"add","path":"/metadata/labels","value":{"team":"a"}}]"#,
    ]);
    let data = k.ok(&["get", "cm", "app", "-o", "jsonpath={.data}"]);
    assert_eq!(data, r#"{"extra":"1"}"#);
    assert_eq!(
        k.ok(&["get", "cm", "-l", "team=a", "-o", "name"]).trim(),
        "configmap/app"
    );
    let failed = k.fails(&[
        "patch",
        "cm",
        "app",
        "--type=json",
        "-p",
        r#"[{"op":"test","path":"/data/extra","value":"2"}]"#,
    ]);
    assert!(failed.contains("The request is invalid"), "{failed}");

    // ServiceAccount secrets merge by name (strategic merge patch); as upstream, items new to
    // the list come before the ones only the server had.
    k.ok_stdin(&["create", "-f", "-"], "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot\nsecrets:\n- name: s1\n- name: s2\n");
    k.ok(&["patch", "sa", "bot", "-p", r#"{"secrets":[{"name":"s3"}]}"#]);
    assert_eq!(
        k.ok(&["get", "sa", "bot", "-o", "jsonpath={.secrets[*].name}"]),
        "s3 s1 s2"
    );
    k.ok(&[
        "patch",
        "sa",
        "bot",
        "-p",
        r#"{"secrets":[{"$patch":"delete","name":"s1"}]}"#,
    ]);
    assert_eq!(
        k.ok(&["get", "sa", "bot", "-o", "jsonpath={.secrets[*].name}"]),
        "s3 s2"
    );

    assert_eq!(
        k.ok(&["delete", "configmap", "app"]).trim(),
        "configmap \"app\" deleted"
    );
    let gone = k.fails(&["get", "configmap", "app"]);
    assert_eq!(
        gone.trim(),
        "Error from server (NotFound): configmaps \"app\" not found"
    );

    k.ok(&["create", "namespace", "temp"]);
    k.ok(&["create", "configmap", "inside", "-n", "temp"]);
    assert_eq!(
        k.ok(&["delete", "namespace", "temp"]).trim(),
        "namespace \"temp\" deleted"
    );
    let gone = k.fails(&["get", "configmap", "inside", "-n", "temp"]);
    assert!(gone.contains("not found"), "{gone}");
    let protected = k.fails(&["delete", "namespace", "default"]);
    assert_eq!(
        protected.trim(),
        "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted"
    );
}

#[test]
fn errors_read_as_kubectl_prints_them() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    k.ok(&["create", "configmap", "app"]);
    let exists = k.fails(&["create", "configmap", "app"]);
    assert_eq!(
        exists.trim(),
        "error: failed to create configmap: configmaps \"app\" already exists"
    );
    let exists = k.fails_stdin(
        &["create", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
    );
    assert_eq!(
        exists.trim(),
        "Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"app\" already exists"
    );

    let invalid = k.fails_stdin(
        &["create", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
    );
    assert!(
        invalid.contains("The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"),
        "{invalid}"
    );
    let unknown = k.fails_stdin(
        &["create", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nspec:\n  foo: 1\n",
    );
    assert!(
        unknown.contains("strict decoding error: unknown field \"spec\""),
        "{unknown}"
    );
    let warned = k.run_with_stdin(
        &["create", "--validate=warn", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: warned\nspec:\n  foo: 1\n",
    );
    assert!(warned.status.success(), "{}", warned.stderr);
    assert!(
        warned.stderr.contains("Warning: unknown field \"spec\""),
        "{}",
        warned.stderr
    );

    let missing_ns = k.fails(&["create", "configmap", "x", "-n", "nowhere"]);
    assert!(
        missing_ns.contains("namespaces \"nowhere\" not found"),
        "{missing_ns}"
    );
    let unknown_kind = k.fails(&["get", "widgets"]);
    assert!(
        unknown_kind.contains("the server doesn't have a resource type \"widgets\""),
        "{unknown_kind}"
    );
}

#[test]
fn explain_walks_the_schemas() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let out = k.ok(&["explain", "configmap"]);
    assert!(
        out.contains("KIND:       ConfigMap") && out.contains("VERSION:    v1"),
        "{out}"
    );
    assert!(
        out.contains("binaryData") && out.contains("immutable"),
        "{out}"
    );
    let field = k.ok(&["explain", "serviceaccount.metadata.labels"]);
    assert!(
        field.contains("FIELD: labels <map[string]string>"),
        "{field}"
    );
}

#[test]
fn get_watch_sees_additions_modifications_and_deletions() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    k.ok(&["create", "configmap", "first"]);
    let (mut watcher, lines) = k.spawn_lines(&["get", "configmaps", "-w", "--output-watch-events"]);
    let mut seen = Vec::new();
    let mut wait_for = |event: &str, name: &str| loop {
        // Blocks on kubectl's output; the timeout only bounds a hung test.
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the watch never showed {event} {name}: {seen:?}"));
        seen.push(line.clone());
        let cells: Vec<&str> = line.split_whitespace().collect();
        if cells.len() > 1 && cells[0] == event && cells[1] == name {
            return;
        }
    };
    wait_for("ADDED", "first");
    k.ok(&["create", "configmap", "second", "--from-literal=a=b"]);
    wait_for("ADDED", "second");
    k.ok(&[
        "patch",
        "configmap",
        "second",
        "-p",
        r#"{"data":{"c":"d"}}"#,
    ]);
    wait_for("MODIFIED", "second");
    k.ok(&["delete", "configmap", "second"]);
    wait_for("DELETED", "second");
    let _ = watcher.kill();
    let _ = watcher.wait();
    let seen = seen.join("\n");
    let table = rows(&seen);
    assert_eq!(table[0], ["EVENT", "NAME", "DATA", "AGE"]);
    assert_eq!(table[1][..2], ["ADDED".to_string(), "first".to_string()]);
}
