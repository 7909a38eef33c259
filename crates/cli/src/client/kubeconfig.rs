//! Reading a kubeconfig as kubectl does, for the parts a client needs: the current context's
//! server, CA and bearer token, and its namespace.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use super::error::CliError;
use super::profiles::{non_empty_env, read_text};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Kubeconfig {
    #[serde(default)]
    current_context: Option<String>,
    #[serde(default)]
    clusters: Option<Vec<Named<Cluster>>>,
    #[serde(default)]
    users: Option<Vec<Named<User>>>,
    #[serde(default)]
    contexts: Option<Vec<Named<Context>>>,
}

#[derive(Debug, Deserialize)]
struct Named<T> {
    name: String,
    #[serde(alias = "cluster", alias = "user", alias = "context")]
    item: Option<T>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Cluster {
    #[serde(default)]
    server: String,
    #[serde(default)]
    certificate_authority: Option<PathBuf>,
    #[serde(default)]
    certificate_authority_data: Option<String>,
    #[serde(default)]
    insecure_skip_tls_verify: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct User {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    token_file: Option<PathBuf>,
    #[serde(default)]
    exec: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct Context {
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    namespace: Option<String>,
}

/// What the current context of a kubeconfig says.
#[derive(Debug, Default)]
pub struct KubeconfigContext {
    pub server: String,
    pub ca_pem: Option<String>,
    pub bearer: Option<String>,
    pub namespace: Option<String>,
}

/// The kubeconfig kubectl would read: `--kubeconfig`, else the first existing file of
/// `KUBECONFIG`, else `~/.kube/config`. `None` when none is named and none exists.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    if let Some(list) = non_empty_env("KUBECONFIG") {
        // As kubectl does, files of the list that do not exist are skipped.
        return std::env::split_paths(&list).find(|p| !p.as_os_str().is_empty() && p.exists());
    }
    let default = PathBuf::from(non_empty_env("HOME")?).join(".kube/config");
    default.exists().then_some(default)
}

/// The current context of the kubeconfig at `path`.
pub fn load(path: &Path) -> Result<KubeconfigContext, CliError> {
    let text = read_text(path, "kubeconfig")?;
    let config: Kubeconfig = if text.trim().is_empty() {
        Kubeconfig::default()
    } else {
        serde_saphyr::from_str(&text)
            .map_err(|e| CliError::local(format!("{} is not a kubeconfig: {e}", path.display())))?
    };
    let base = path.parent().unwrap_or(Path::new("."));
    current_context(config, base).map_err(|e| CliError::local(format!("{}: {e}", path.display())))
}

fn current_context(config: Kubeconfig, base: &Path) -> Result<KubeconfigContext, String> {
    let name = config
        .current_context
        .filter(|c| !c.is_empty())
        .ok_or("no current-context")?;
    let context =
        find(config.contexts, &name).ok_or_else(|| format!("context {name:?} does not exist"))?;
    let cluster = find(config.clusters, &context.cluster)
        .ok_or_else(|| format!("cluster {:?} does not exist", context.cluster))?;
    if cluster.insecure_skip_tls_verify {
        return Err(
            "insecure-skip-tls-verify is set: tokenhub always verifies the server's certificate"
                .into(),
        );
    }
    let ca_pem = match (
        cluster.certificate_authority_data,
        cluster.certificate_authority,
    ) {
        (Some(data), _) => Some(decode_ca(&data)?),
        (None, Some(path)) => Some(
            std::fs::read_to_string(base.join(&path))
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        ),
        (None, None) => None,
    };
    let user = if context.user.is_empty() {
        User::default()
    } else {
        find(config.users, &context.user)
            .ok_or_else(|| format!("user {:?} does not exist", context.user))?
    };
    let bearer = match (user.token, user.token_file) {
        (Some(token), _) => Some(token),
        (None, Some(file)) => Some(
            std::fs::read_to_string(base.join(&file))
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?
                .trim()
                .to_string(),
        ),
        (None, None) if user.exec.is_some() => {
            return Err(format!(
                "user {:?} uses an exec credential plugin, which tokenhub does not run; use a profile or --token",
                context.user
            ));
        }
        (None, None) => None,
    };
    Ok(KubeconfigContext {
        server: cluster.server,
        ca_pem,
        bearer,
        namespace: context.namespace.filter(|n| !n.is_empty()),
    })
}

fn find<T: Default>(items: Option<Vec<Named<T>>>, name: &str) -> Option<T> {
    items
        .unwrap_or_default()
        .into_iter()
        .find(|n| n.name == name)
        .map(|n| n.item.unwrap_or_default())
}

fn decode_ca(data: &str) -> Result<String, String> {
    let compact: String = data.split_whitespace().collect();
    let bytes = STANDARD
        .decode(compact)
        .map_err(|_| "certificate-authority-data is not base64".to_string())?;
    String::from_utf8(bytes).map_err(|_| "certificate-authority-data is not PEM".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- name: hub
  cluster:
    server: https://127.0.0.1:7443
    certificate-authority-data: UEVN
- name: other
  cluster:
    server: https://other
    certificate-authority: ca.crt
users:
- name: admin
  user:
    token: secret-token
- name: plugin
  user:
    exec:
      command: something
contexts:
- name: hub
  context:
    cluster: hub
    user: admin
    namespace: team
- name: other
  context:
    cluster: other
    user: plugin
current-context: hub
";

    fn parse(text: &str) -> Kubeconfig {
        serde_saphyr::from_str(text).unwrap()
    }

    #[test]
    fn the_current_context_gives_server_ca_token_and_namespace() {
        let ctx = current_context(parse(CONFIG), Path::new("/")).unwrap();
        assert_eq!(ctx.server, "https://127.0.0.1:7443");
        assert_eq!(ctx.ca_pem.as_deref(), Some("PEM"));
        assert_eq!(ctx.bearer.as_deref(), Some("secret-token"));
        assert_eq!(ctx.namespace.as_deref(), Some("team"));
    }

    #[test]
    fn relative_ca_files_are_read_next_to_the_kubeconfig() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.crt"), "FILE PEM").unwrap();
        let text = CONFIG.replace("current-context: hub", "current-context: other");
        let err = current_context(parse(&text), dir.path()).unwrap_err();
        assert!(err.contains("exec credential plugin"), "{err}");
        let text = text.replace("user: plugin", "user: admin");
        let ctx = current_context(parse(&text), dir.path()).unwrap();
        assert_eq!(ctx.ca_pem.as_deref(), Some("FILE PEM"));
    }

    #[test]
    fn missing_pieces_are_named() {
        let text = CONFIG.replace("current-context: hub", "current-context: nope");
        let err = current_context(parse(&text), Path::new("/")).unwrap_err();
        assert_eq!(err, "context \"nope\" does not exist");
        let text = CONFIG.replace("current-context: hub", "");
        assert_eq!(
            current_context(parse(&text), Path::new("/")).unwrap_err(),
            "no current-context"
        );
        let text = CONFIG
            .replace(
                "    server: https://other",
                "    server: https://other\n    insecure-skip-tls-verify: true",
            )
            .replace("current-context: hub", "current-context: other");
        let err = current_context(parse(&text), Path::new("/")).unwrap_err();
        assert!(err.contains("insecure-skip-tls-verify"), "{err}");
    }
}
