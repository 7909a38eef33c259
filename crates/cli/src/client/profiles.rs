//! The profile file: named connections to hubs, each with its credential, and the current one.
//!
//! It lives at `$TOKENHUB_CONFIG`, else `$XDG_CONFIG_HOME/tokenhub/config.yaml`, else
//! `~/.config/tokenhub/config.yaml`, and is written with mode 0600 (its directory 0700)
//! because it holds secrets. Writes go to a temporary file that is renamed over the old one, so
//! a crash never leaves half a file.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::CliError;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProfileFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Profile {
    pub server: String,
    /// A PEM file holding the CA to trust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority: Option<PathBuf>,
    /// The PEM text of the CA to trust (what `--certificate-authority` stores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<Credential>,
}

/// What a profile authenticates with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case"
)]
pub enum Credential {
    /// A machine API token: its id and secret (the bearer is built from them).
    ApiToken { id: String, secret: String },
    /// A login session: a personal Token of kind `session`.
    Session {
        token: String,
        token_name: String,
        username: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<String>,
    },
    /// Any other bearer string (a personal token, a ServiceAccount token).
    Bearer { token: String },
}

impl Credential {
    /// What to send as `Authorization: Bearer …`.
    pub fn bearer(&self) -> Result<String, CliError> {
        match self {
            Credential::ApiToken { id, secret } => api_token_bearer(id, secret),
            Credential::Session { token, .. } | Credential::Bearer { token } => Ok(token.clone()),
        }
    }

    /// How `auth list-profiles` describes it.
    pub fn describe(&self) -> String {
        match self {
            Credential::ApiToken { id, .. } => format!("api-token {id}"),
            Credential::Session { username, .. } => format!("session {username}"),
            Credential::Bearer { .. } => "bearer".to_string(),
        }
    }
}

/// The `tha_` bearer string of an API token, checked the way the hub checks it.
pub fn api_token_bearer(id: &str, secret: &str) -> Result<String, CliError> {
    use tokenhub_core::bearer::{CredentialKind, Secret, format_bearer};
    format_bearer(
        CredentialKind::ApiToken,
        id,
        &Secret::new(secret.to_string()),
    )
    .map(|b| b.expose().to_string())
    .map_err(|e| CliError::local(format!("not an API token id and secret: {e}")))
}

impl Profile {
    /// The PEM of the CA this profile trusts, if it names one.
    pub fn ca_pem(&self) -> Result<Option<String>, CliError> {
        if let Some(pem) = &self.certificate_authority_data {
            return Ok(Some(pem.clone()));
        }
        match &self.certificate_authority {
            Some(path) => read_text(path, "certificate authority").map(Some),
            None => Ok(None),
        }
    }
}

/// Where the profile file is.
pub fn default_path() -> Result<PathBuf, CliError> {
    if let Some(path) = non_empty_env("TOKENHUB_CONFIG") {
        return Ok(PathBuf::from(path));
    }
    if let Some(dir) = non_empty_env("XDG_CONFIG_HOME") {
        return Ok(PathBuf::from(dir).join("tokenhub/config.yaml"));
    }
    match non_empty_env("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".config/tokenhub/config.yaml")),
        None => Err(CliError::local(
            "no place for the profile file: set TOKENHUB_CONFIG, XDG_CONFIG_HOME or HOME",
        )),
    }
}

pub fn non_empty_env(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

pub fn read_text(path: &Path, what: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::local(format!("cannot read {what} {}: {e}", path.display())))
}

impl ProfileFile {
    /// The file at `path`; an absent file is an empty one.
    pub fn load(path: &Path) -> Result<ProfileFile, CliError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(CliError::local(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_saphyr::from_str(&text)
            .map_err(|e| CliError::local(format!("{} is not a profile file: {e}", path.display())))
    }

    /// Writes the file with mode 0600, creating its directory (0700) if needed.
    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        let text = serde_saphyr::to_string(self)
            .map_err(|e| CliError::local(format!("cannot encode the profiles: {e}")))?;
        write_private(path, text.as_bytes())
            .map_err(|e| CliError::local(format!("cannot write {}: {e}", path.display())))
    }

    pub fn get(&self, name: &str) -> Result<&Profile, CliError> {
        self.profiles
            .get(name)
            .ok_or_else(|| CliError::local(format!("no profile named {name:?}")))
    }

    /// The profile named `name`, else the current one.
    pub fn selected<'a>(&'a self, name: Option<&'a str>) -> Option<&'a str> {
        name.or(self.current_profile.as_deref())
    }
}

/// Writes `bytes` to `path` readable by its owner only, atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn profiles_round_trip_through_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/config.yaml");
        let mut file = ProfileFile::default();
        file.profiles.insert(
            "ci".into(),
            Profile {
                server: "https://hub:7443".into(),
                certificate_authority_data: Some(
                    "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n".into(),
                ),
                credential: Some(Credential::ApiToken {
                    id: "2iKo4Asy51EUx2gpJFW76t".into(),
                    secret: "s".into(),
                }),
                ..Profile::default()
            },
        );
        file.profiles.insert(
            "me".into(),
            Profile {
                server: "https://hub:7443".into(),
                credential: Some(Credential::Session {
                    token: "tht_x".into(),
                    token_name: "token-abcde".into(),
                    username: "alice".into(),
                    expires_at: None,
                }),
                ..Profile::default()
            },
        );
        file.current_profile = Some("ci".into());
        file.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("type: api-token"), "{text}");
        assert!(text.contains("token-name: token-abcde"), "{text}");
        let back = ProfileFile::load(&path).unwrap();
        assert_eq!(back.current_profile.as_deref(), Some("ci"));
        let ci = back.get("ci").unwrap();
        assert_eq!(
            ci.ca_pem().unwrap().unwrap(),
            "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n"
        );
        assert!(matches!(
            back.get("me").unwrap().credential,
            Some(Credential::Session { ref token_name, .. }) if token_name == "token-abcde"
        ));
        assert!(back.get("nope").is_err());
    }

    #[test]
    fn a_missing_file_is_empty_and_a_broken_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        assert!(ProfileFile::load(&path).unwrap().profiles.is_empty());
        std::fs::write(&path, "profiles: [1, 2").unwrap();
        assert!(ProfileFile::load(&path).is_err());
    }

    #[test]
    fn api_token_bearers_are_checked() {
        let secret = "Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK";
        let bearer = api_token_bearer("2iKo4Asy51EUx2gpJFW76t", secret).unwrap();
        assert_eq!(
            bearer,
            "tha_2iKo4Asy51EUx2gpJFW76t_Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK25NjoU"
        );
        assert!(api_token_bearer("short", secret).is_err());
        assert!(api_token_bearer("2iKo4Asy51EUx2gpJFW76t", "short").is_err());
    }
}
