//! `tokenhub login` and `tokenhub logout`: a session token of a local user, kept in a
//! profile.

use clap::Args;
use serde_json::{Value, json};

use super::resource::{KindPaths, LOGIN_REQUESTS, TOKENS};
use super::secrets::{prompt, stdin_secret};
use crate::client::profiles::{Credential, Profile, ProfileFile, default_path, read_text};
use crate::client::{CliError, Connection, GlobalArgs, HubClient};
use crate::output::{emit, note};

/// The profile `login` fills when none is named and none is current.
const DEFAULT_PROFILE: &str = "default";

#[derive(Args, Debug)]
pub struct LoginArgs {
    /// Your user name on the hub.
    #[arg(long, short = 'u')]
    username: String,
    /// Read the password from the first line of stdin instead of asking.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Args, Debug)]
pub struct LogoutArgs {}

pub fn login(args: LoginArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let path = default_path()?;
    let mut file = ProfileFile::load(&path)?;
    let name = file
        .selected(global.profile.as_deref())
        .unwrap_or(DEFAULT_PROFILE)
        .to_string();
    let existing = file.profiles.get(&name).cloned();
    let server = match (&global.server, &existing) {
        (Some(server), _) => server.trim_end_matches('/').to_string(),
        (None, Some(p)) => p.server.clone(),
        (None, None) => {
            return Err(CliError::local(format!(
                "profile {name:?} does not exist yet: pass --server URL"
            )));
        }
    };
    // A new server or CA replaces the stored one; otherwise the profile's is kept.
    let ca_pem = match (&global.certificate_authority, &existing) {
        (Some(path), _) => Some(read_text(path, "certificate authority")?),
        (None, Some(p)) if p.server == server => p.ca_pem()?,
        (None, _) => None,
    };
    let password = if args.password_stdin {
        stdin_secret("password")?
    } else {
        prompt(&format!("Password for {}: ", args.username), "password")?
    };

    let anonymous = HubClient::new(&Connection {
        server: server.clone(),
        ca_pem: ca_pem.clone(),
        ..Connection::default()
    })?;
    let request = LOGIN_REQUESTS.new_object(json!({
        "username": args.username,
        "password": password,
    }));
    let answer = anonymous.post(&LOGIN_REQUESTS.collection(), &request)?;
    let session = session_of(&answer, &args.username)?;
    let expires_at = match &session {
        Credential::Session { expires_at, .. } => expires_at.clone(),
        _ => None,
    };

    if let Some(old) = existing.as_ref().filter(|p| p.server == server) {
        revoke_quietly(old, ca_pem.clone());
    }
    file.profiles.insert(
        name.clone(),
        Profile {
            server: server.clone(),
            certificate_authority: None,
            certificate_authority_data: ca_pem,
            credential: Some(session),
        },
    );
    file.current_profile = Some(name.clone());
    file.save(&path)?;
    let until = expires_at
        .map(|t| format!(" until {t}"))
        .unwrap_or_default();
    emit(&format!(
        "Logged in to {server} as {} (profile {name:?}){until}.\n",
        args.username
    ))
}

fn session_of(answer: &Value, username: &str) -> Result<Credential, CliError> {
    let text = |pointer: &str| answer.pointer(pointer).and_then(Value::as_str);
    let token = text("/status/bearerToken").ok_or_else(|| {
        CliError::Transport("the login answer holds no status.bearerToken".into())
    })?;
    let token_name = match text("/status/tokenName") {
        Some(name) => name.to_string(),
        // The bearer string names its token: tht_<name>_<secret><checksum>.
        None => tokenhub_core::bearer::parse(token)
            .map(|p| p.id)
            .map_err(|_| {
                CliError::Transport("the login answer holds no status.tokenName".into())
            })?,
    };
    Ok(Credential::Session {
        token: token.to_string(),
        token_name,
        username: username.to_string(),
        expires_at: text("/status/expiresAt").map(str::to_string),
    })
}

/// Deletes the session a profile held before a new login replaces it; a session that is
/// already gone is fine.
fn revoke_quietly(old: &Profile, ca_pem: Option<String>) {
    let Some(Credential::Session {
        token, token_name, ..
    }) = &old.credential
    else {
        return;
    };
    let conn = Connection {
        server: old.server.clone(),
        ca_pem,
        bearer: Some(token.clone()),
        namespace: None,
    };
    if let Ok(client) = HubClient::new(&conn) {
        let _ = client.delete(&TOKENS.item(token_name));
    }
}

pub fn logout(_args: LogoutArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let path = default_path()?;
    let mut file = ProfileFile::load(&path)?;
    let name = file
        .selected(global.profile.as_deref())
        .ok_or_else(|| CliError::local("no profile: name one with --profile"))?
        .to_string();
    let profile = file.get(&name)?.clone();
    let Some(Credential::Session {
        token, token_name, ..
    }) = &profile.credential
    else {
        return Err(CliError::local(format!(
            "profile {name:?} holds no login session"
        )));
    };
    let mut conn = Connection {
        server: profile.server.clone(),
        ca_pem: profile.ca_pem()?,
        bearer: Some(token.clone()),
        namespace: None,
    };
    if let Some(ca) = &global.certificate_authority {
        conn.ca_pem = Some(read_text(ca, "certificate authority")?);
    }
    let client = HubClient::new(&conn)?;
    match client.delete(&TOKENS.item(token_name)) {
        Ok(_) => {}
        // Expired, already deleted or the user disabled: the session is over either way.
        Err(e) if e.is_unauthorized() || e.is_not_found() => {
            note(&format!("The session had already ended ({e})."));
        }
        Err(e) => return Err(e),
    }
    if let Some(p) = file.profiles.get_mut(&name) {
        p.credential = None;
    }
    file.save(&path)?;
    emit(&format!(
        "Logged out of {} (profile {name:?}).\n",
        profile.server
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_comes_from_the_login_answer() {
        let answer = json!({"status": {"bearerToken": "tht_token-abcde_x", "tokenName": "token-abcde", "expiresAt": "2026-01-01T16:00:00Z"}});
        let Credential::Session {
            token,
            token_name,
            username,
            expires_at,
        } = session_of(&answer, "alice").unwrap()
        else {
            panic!("a session");
        };
        assert_eq!(token, "tht_token-abcde_x");
        assert_eq!(token_name, "token-abcde");
        assert_eq!(username, "alice");
        assert_eq!(expires_at.as_deref(), Some("2026-01-01T16:00:00Z"));
        assert!(session_of(&json!({"status": {}}), "alice").is_err());
    }
}
