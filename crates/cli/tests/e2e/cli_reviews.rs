//! `tokenhub whoami` and `tokenhub can-i` print what `kubectl auth whoami` and
//! `kubectl auth can-i` print, through the admin kubeconfig and through flags.

use serde_json::Value;
use tokenhub_testkit::TestHub;

use crate::kubectl::Kubectl;
use crate::tokenhub::{Tokenhub, server_flags, with};

#[test]
fn whoami_prints_what_kubectl_auth_whoami_prints() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let t = Tokenhub::admin(&hub);
    assert_eq!(t.ok(&["whoami"]), k.ok(&["auth", "whoami"]));

    let mine: Value = serde_json::from_str(&t.ok(&["whoami", "-o", "json"])).unwrap();
    let theirs: Value = serde_json::from_str(&k.ok(&["auth", "whoami", "-o", "json"])).unwrap();
    assert_eq!(mine["kind"], "SelfSubjectReview");
    assert_eq!(mine["status"], theirs["status"]);

    let yaml = t.ok(&["whoami", "-o", "yaml"]);
    assert!(yaml.contains("kind: SelfSubjectReview\n"), "{yaml}");
    let name = t.ok(&["whoami", "-o", "jsonpath={.status.userInfo.username}"]);
    assert_eq!(
        name,
        theirs["status"]["userInfo"]["username"].as_str().unwrap()
    );
}

#[test]
fn server_token_and_ca_flags_need_no_kubeconfig() {
    let hub = TestHub::start();
    let t = Tokenhub::new();
    let error = t.fails(&["whoami"]);
    assert!(error.starts_with("error: no server"), "{error}");

    let mut flags = server_flags(&hub);
    flags.extend(["--token".to_string(), hub.admin_token.clone()]);
    let out = t.ok(&with(&["whoami"], &flags));
    assert_eq!(
        out,
        Tokenhub::admin(&hub).ok(&["whoami"]),
        "the same identity as the admin kubeconfig's"
    );
    // Flags may come before the command too.
    let before = with(&[], &flags);
    let mut args = before.clone();
    args.push("whoami");
    assert_eq!(t.ok(&args), out);
    assert_eq!(t.ok(&with(&["can-i", "get", "tokens"], &flags)), "yes\n");
}

/// The same questions to tokenhub (with `flags`) and kubectl (with `token`, if any) give the
/// same answers and exit codes.
#[track_caller]
fn same_answers(
    t: &Tokenhub,
    k: &Kubectl,
    flags: &[String],
    token: Option<&str>,
    questions: &[&[&str]],
) {
    for question in questions {
        let mut args = vec!["can-i"];
        args.extend_from_slice(question);
        let mine = t.run(&with(&args, flags));
        let mut kargs = vec!["auth", "can-i"];
        kargs.extend_from_slice(question);
        if let Some(token) = token {
            kargs.extend(["--token", token]);
        }
        let theirs = k.run(&kargs);
        assert_eq!(
            mine.stdout, theirs.stdout,
            "can-i {question:?}: {}",
            mine.stderr
        );
        assert_eq!(
            mine.status.code(),
            theirs.status.code(),
            "can-i {question:?}"
        );
    }
}

#[test]
fn can_i_answers_yes_or_no_as_kubectl_does() {
    let hub = TestHub::start();
    let k = Kubectl::new(&hub);
    let admin = Tokenhub::admin(&hub);
    let questions: &[&[&str]] = &[
        &["create", "configmaps"],
        &["list", "cm", "-n", "kube-system"],
        &["get", "namespaces"],
        &["delete", "tokens.tokenhub.io"],
        &["get", "users/admin"],
        &[
            "create",
            "serviceaccounts",
            "--subresource",
            "token",
            "-n",
            "default",
        ],
        &["get", "/healthz"],
    ];
    same_answers(&admin, &k, &[], None, questions);
    assert_eq!(admin.ok(&["can-i", "create", "configmaps"]), "yes\n");

    // A ServiceAccount with no binding may do next to nothing.
    k.ok(&["create", "serviceaccount", "bot", "-n", "default"]);
    let token = k.ok(&["create", "token", "bot", "-n", "default"]);
    let token = token.trim();
    let mut flags = server_flags(&hub);
    flags.extend(["--token".to_string(), token.to_string()]);
    let bot = Tokenhub::new();
    let no = bot.run(&with(
        &["can-i", "create", "configmaps", "-n", "default"],
        &flags,
    ));
    assert_eq!(no.stdout, "no\n");
    assert_eq!(no.status.code(), Some(1));
    assert_eq!(no.stderr, "", "a no is an answer, not an error");
    let quiet = bot.run(&with(&["can-i", "-q", "create", "configmaps"], &flags));
    assert_eq!((quiet.stdout.as_str(), quiet.status.code()), ("", Some(1)));
    same_answers(&bot, &k, &flags, Some(token), questions);

    let unknown = admin.run(&["can-i", "get", "widgets"]);
    assert!(
        unknown
            .stderr
            .contains("the server doesn't have a resource type 'widgets'"),
        "{}",
        unknown.stderr
    );
}
