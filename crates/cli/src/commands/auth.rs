//! `tokenhub auth`: profiles (Cloudfleet's `auth add-profile token …`) and the exec
//! credential plugin kubectl runs.

use clap::{Args, Subcommand};
use serde_json::json;

use super::secrets::stdin_secret;
use crate::client::profiles::{
    Credential, Profile, ProfileFile, api_token_bearer, default_path, read_text,
};
use crate::client::{CliError, GlobalArgs};
use crate::output::table::align;
use crate::output::{emit, note, to_json};

#[derive(Args, Debug)]
pub struct AuthArgs {
    #[command(subcommand)]
    command: AuthCommand,
}

#[derive(Subcommand, Debug)]
enum AuthCommand {
    /// Add (or replace) a profile.
    #[command(subcommand)]
    AddProfile(AddProfile),
    /// List the profiles; the current one is marked with *.
    ListProfiles,
    /// Make a profile the current one.
    UseProfile { profile: String },
    /// Delete a profile (the credential on the hub stays valid).
    DeleteProfile { profile: String },
    /// Print the profile's credential as a client.authentication.k8s.io/v1 ExecCredential,
    /// for kubectl.
    ExecCredential,
}

#[derive(Subcommand, Debug)]
enum AddProfile {
    /// A profile that authenticates with an API token (ID and secret).
    Token {
        profile: String,
        /// The hub's URL.
        server: String,
        token_id: String,
        token_secret: String,
    },
    /// A profile that authenticates with any bearer token: from --token, else from the first
    /// line of stdin.
    Bearer {
        profile: String,
        /// The hub's URL.
        server: String,
    },
}

pub fn run(args: AuthArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let path = default_path()?;
    let mut file = ProfileFile::load(&path)?;
    match args.command {
        AuthCommand::AddProfile(kind) => {
            let (name, server, credential) = match kind {
                AddProfile::Token {
                    profile,
                    server,
                    token_id,
                    token_secret,
                } => {
                    // Refuse a typo now rather than on the first request.
                    api_token_bearer(&token_id, &token_secret)?;
                    let credential = Credential::ApiToken {
                        id: token_id,
                        secret: token_secret,
                    };
                    (profile, server, credential)
                }
                AddProfile::Bearer { profile, server } => {
                    let token = match &global.token {
                        Some(token) => token.clone(),
                        None => stdin_secret("token")?,
                    };
                    (profile, server, Credential::Bearer { token })
                }
            };
            if !server.starts_with("https://") {
                return Err(CliError::local(format!(
                    "the server URL must start with https:// (got {server:?})"
                )));
            }
            let ca = match &global.certificate_authority {
                Some(path) => Some(read_text(path, "certificate authority")?),
                None => None,
            };
            file.profiles.insert(
                name.clone(),
                Profile {
                    server: server.trim_end_matches('/').to_string(),
                    certificate_authority: None,
                    certificate_authority_data: ca,
                    credential: Some(credential),
                },
            );
            let made_current = file.current_profile.is_none();
            if made_current {
                file.current_profile = Some(name.clone());
            }
            file.save(&path)?;
            let current = if made_current {
                "; it is the current profile"
            } else {
                ""
            };
            emit(&format!("Profile {name:?} added{current}.\n"))
        }
        AuthCommand::ListProfiles => {
            if file.profiles.is_empty() {
                note("No profiles: add one with tokenhub auth add-profile or tokenhub login");
                return Ok(());
            }
            let mut lines = vec![vec![
                "CURRENT".to_string(),
                "NAME".into(),
                "SERVER".into(),
                "CREDENTIAL".into(),
            ]];
            for (name, profile) in &file.profiles {
                let current = if file.current_profile.as_deref() == Some(name.as_str()) {
                    "*"
                } else {
                    ""
                };
                lines.push(vec![
                    current.into(),
                    name.clone(),
                    profile.server.clone(),
                    profile
                        .credential
                        .as_ref()
                        .map(Credential::describe)
                        .unwrap_or_else(|| "<none>".into()),
                ]);
            }
            emit(&align(&lines))
        }
        AuthCommand::UseProfile { profile } => {
            file.get(&profile)?;
            file.current_profile = Some(profile.clone());
            file.save(&path)?;
            emit(&format!("Switched to profile {profile:?}.\n"))
        }
        AuthCommand::DeleteProfile { profile } => {
            if file.profiles.remove(&profile).is_none() {
                return Err(CliError::local(format!("no profile named {profile:?}")));
            }
            if file.current_profile.as_deref() == Some(profile.as_str()) {
                file.current_profile = None;
            }
            file.save(&path)?;
            emit(&format!("Profile {profile:?} deleted.\n"))
        }
        AuthCommand::ExecCredential => {
            let name = file
                .selected(global.profile.as_deref())
                .ok_or_else(|| CliError::local("no profile: name one with --profile"))?;
            let profile = file.get(name)?;
            let credential = profile.credential.as_ref().ok_or_else(|| {
                CliError::local(format!(
                    "profile {name:?} holds no credential: log in with tokenhub login --profile {name}"
                ))
            })?;
            let mut status = json!({ "token": credential.bearer()? });
            if let Credential::Session {
                expires_at: Some(at),
                ..
            } = credential
            {
                status["expirationTimestamp"] = at.clone().into();
            }
            emit(&to_json(&json!({
                "apiVersion": "client.authentication.k8s.io/v1",
                "kind": "ExecCredential",
                "status": status,
            })))
        }
    }
}
