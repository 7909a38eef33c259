//! `tokenhub kubeconfig`: a kubeconfig for kubectl from a profile. Its user runs
//! `tokenhub auth exec-credential`, so the secret stays in the profile file; `--embed-token`
//! writes the bearer token into the kubeconfig instead.

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use serde_json::{Value, json};

use crate::client::profiles::{ProfileFile, default_path, write_private};
use crate::client::{CliError, GlobalArgs};
use crate::output::{emit, note, to_yaml};

#[derive(Args, Debug)]
pub struct KubeconfigArgs {
    /// Write the bearer token into the kubeconfig instead of running tokenhub for it.
    #[arg(long)]
    embed_token: bool,
    /// Write to this file (mode 0600) instead of stdout.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: KubeconfigArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let config_path = std::path::absolute(default_path()?)
        .map_err(|e| CliError::local(format!("cannot resolve the profile file's path: {e}")))?;
    let file = ProfileFile::load(&config_path)?;
    let name = file.selected(global.profile.as_deref()).ok_or_else(|| {
        CliError::local(
            "no profile: name one with --profile, or add one with tokenhub auth add-profile or tokenhub login",
        )
    })?;
    let profile = file.get(name)?;
    let credential = profile
        .credential
        .as_ref()
        .ok_or_else(|| CliError::local(format!("profile {name:?} holds no credential")))?;

    let mut cluster = json!({ "server": profile.server });
    if let Some(pem) = profile.ca_pem()? {
        cluster["certificate-authority-data"] = STANDARD.encode(pem).into();
    }
    let user = if args.embed_token {
        json!({ "token": credential.bearer()? })
    } else {
        let program = std::env::current_exe()
            .map_err(|e| CliError::local(format!("cannot find the tokenhub binary: {e}")))?;
        exec_user(
            &program.to_string_lossy(),
            name,
            &config_path.to_string_lossy(),
        )
    };
    let kubeconfig = document(name, cluster, user);
    let text = to_yaml(&kubeconfig)?;
    match args.output {
        Some(path) => {
            write_private(&path, text.as_bytes())
                .map_err(|e| CliError::local(format!("cannot write {}: {e}", path.display())))?;
            note(&format!(
                "Wrote a kubeconfig for profile {name:?} to {}.",
                path.display()
            ));
            Ok(())
        }
        None => emit(&text),
    }
}

/// A user that asks `tokenhub auth exec-credential` for its token; the profile file is named
/// so that kubectl finds the profile whatever its environment.
fn exec_user(program: &str, profile: &str, config_path: &str) -> Value {
    json!({
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": program,
            "args": ["auth", "exec-credential", "--profile", profile],
            "env": [{"name": "TOKENHUB_CONFIG", "value": config_path}],
            "interactiveMode": "Never",
            "provideClusterInfo": false,
        }
    })
}

fn document(name: &str, cluster: Value, user: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": cluster}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exec_user_runs_this_binary_for_the_profile() {
        let doc = document(
            "ci",
            json!({"server": "https://hub"}),
            exec_user(
                "/usr/bin/tokenhub",
                "ci",
                "/home/u/.config/tokenhub/config.yaml",
            ),
        );
        let yaml = to_yaml(&doc).unwrap();
        for expected in [
            "current-context: ci",
            "command: /usr/bin/tokenhub",
            "apiVersion: client.authentication.k8s.io/v1",
            "interactiveMode: Never",
            "value: /home/u/.config/tokenhub/config.yaml",
        ] {
            assert!(yaml.contains(expected), "{expected} in\n{yaml}");
        }
        assert_eq!(
            doc.pointer("/users/0/user/exec/args").unwrap(),
            &json!(["auth", "exec-credential", "--profile", "ci"])
        );
    }
}
