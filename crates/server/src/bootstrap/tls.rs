//! The hub's TLS: a CA of its own and a serving certificate it signs, generated on first start
//! and reused after; or a certificate and key the operator provides.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

use super::BootstrapError;
use super::files::{read_if_exists, write_private, write_public};

/// PEM material for serving, and the CA clients should trust.
#[derive(Clone, Debug)]
pub struct TlsMaterial {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

/// Operator-provided certificate and key, instead of generated ones.
#[derive(Clone, Debug)]
pub struct ProvidedCertificate {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The names every generated serving certificate carries, plus the host name and extras.
pub fn serving_names(extra: &[String]) -> Vec<String> {
    let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
    if let Some(host) = host_name() {
        names.push(host);
    }
    for name in extra {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

fn host_name() -> Option<String> {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()?;
    let host = raw.trim().to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

pub fn load_or_generate(
    dir: &Path,
    names: &[String],
    provided: Option<&ProvidedCertificate>,
) -> Result<TlsMaterial, BootstrapError> {
    if let Some(provided) = provided {
        let cert_pem = std::fs::read_to_string(&provided.cert)
            .map_err(|e| BootstrapError::io(&provided.cert, e))?;
        let key_pem = std::fs::read_to_string(&provided.key)
            .map_err(|e| BootstrapError::io(&provided.key, e))?;
        // Clients trust the provided chain itself: it holds the CA (or is self-signed).
        let material = TlsMaterial {
            ca_pem: cert_pem.clone(),
            cert_pem,
            key_pem,
        };
        write_public(&dir.join("ca.crt"), material.ca_pem.as_bytes())
            .map_err(|e| BootstrapError::io(&dir.join("ca.crt"), e))?;
        return Ok(material);
    }

    let (ca_pem, ca_key) = load_or_generate_ca(dir)?;
    let cert_path = dir.join("tls.crt");
    let key_path = dir.join("tls.key");
    let names_path = dir.join("tls.names");
    let wanted_names = names.join("\n");
    let existing = (
        read_if_exists(&cert_path).map_err(|e| BootstrapError::io(&cert_path, e))?,
        read_if_exists(&key_path).map_err(|e| BootstrapError::io(&key_path, e))?,
        read_if_exists(&names_path).map_err(|e| BootstrapError::io(&names_path, e))?,
    );
    if let (Some(cert_pem), Some(key_pem), Some(old_names)) = existing
        && old_names == wanted_names
    {
        return Ok(TlsMaterial {
            ca_pem,
            cert_pem,
            key_pem,
        });
    }

    // New names (or a first start): a new serving certificate from the same CA.
    let key = KeyPair::generate().map_err(BootstrapError::tls)?;
    let mut params = CertificateParams::new(names.to_vec()).map_err(BootstrapError::tls)?;
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "tokenhub");
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_after = rcgen::date_time_ymd(2099, 1, 1);
    let issuer = Issuer::new(ca_params(), ca_key);
    let cert = params
        .signed_by(&key, &issuer)
        .map_err(BootstrapError::tls)?;
    let material = TlsMaterial {
        ca_pem,
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    };
    write_private(&key_path, material.key_pem.as_bytes())
        .map_err(|e| BootstrapError::io(&key_path, e))?;
    write_public(&cert_path, material.cert_pem.as_bytes())
        .map_err(|e| BootstrapError::io(&cert_path, e))?;
    write_public(&names_path, wanted_names.as_bytes())
        .map_err(|e| BootstrapError::io(&names_path, e))?;
    Ok(material)
}

/// The CA's parameters. They are a pure function, so the CA can sign again after a restart
/// from its stored key without parsing its certificate back.
fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "tokenhub CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_after = rcgen::date_time_ymd(2099, 1, 1);
    params
}

fn load_or_generate_ca(dir: &Path) -> Result<(String, KeyPair), BootstrapError> {
    let cert_path = dir.join("ca.crt");
    let key_path = dir.join("ca.key");
    let cert = read_if_exists(&cert_path).map_err(|e| BootstrapError::io(&cert_path, e))?;
    let key = read_if_exists(&key_path).map_err(|e| BootstrapError::io(&key_path, e))?;
    if let (Some(cert), Some(key)) = (cert, key) {
        let key = KeyPair::from_pem(&key).map_err(BootstrapError::tls)?;
        return Ok((cert, key));
    }
    let key = KeyPair::generate().map_err(BootstrapError::tls)?;
    let cert = ca_params().self_signed(&key).map_err(BootstrapError::tls)?;
    write_private(&key_path, key.serialize_pem().as_bytes())
        .map_err(|e| BootstrapError::io(&key_path, e))?;
    write_public(&cert_path, cert.pem().as_bytes())
        .map_err(|e| BootstrapError::io(&cert_path, e))?;
    Ok((cert.pem(), key))
}

/// The rustls server configuration for `material`, offering HTTP/2 and HTTP/1.1.
pub fn server_config(material: &TlsMaterial) -> Result<rustls::ServerConfig, BootstrapError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let certs = CertificateDer::pem_slice_iter(material.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(BootstrapError::tls)?;
    let key =
        PrivateKeyDer::from_pem_slice(material.key_pem.as_bytes()).map_err(BootstrapError::tls)?;
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(BootstrapError::tls)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(BootstrapError::tls)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_ca_and_certificate_are_made_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let names = serving_names(&["hub.example.com".into()]);
        let first = load_or_generate(dir.path(), &names, None).unwrap();
        let second = load_or_generate(dir.path(), &names, None).unwrap();
        assert_eq!(first.ca_pem, second.ca_pem);
        assert_eq!(first.cert_pem, second.cert_pem);
        for key in ["ca.key", "tls.key"] {
            let mode = std::fs::metadata(dir.path().join(key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{key}");
        }
        server_config(&second).unwrap();
    }

    #[test]
    fn a_provided_certificate_is_served_and_trusted_as_is() {
        let generated = tempfile::tempdir().unwrap();
        let made = load_or_generate(generated.path(), &serving_names(&[]), None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let provided = ProvidedCertificate {
            cert: generated.path().join("tls.crt"),
            key: generated.path().join("tls.key"),
        };
        let used = load_or_generate(dir.path(), &[], Some(&provided)).unwrap();
        assert_eq!(used.cert_pem, made.cert_pem);
        assert_eq!(used.key_pem, made.key_pem);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("ca.crt")).unwrap(),
            made.cert_pem
        );
        assert!(!dir.path().join("ca.key").exists());
        server_config(&used).unwrap();
        let missing = ProvidedCertificate {
            cert: dir.path().join("nope.crt"),
            key: provided.key,
        };
        assert!(load_or_generate(dir.path(), &[], Some(&missing)).is_err());
    }

    #[test]
    fn new_names_get_a_new_certificate_from_the_same_ca() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_generate(dir.path(), &serving_names(&[]), None).unwrap();
        let second =
            load_or_generate(dir.path(), &serving_names(&["other.example".into()]), None).unwrap();
        assert_eq!(first.ca_pem, second.ca_pem);
        assert_ne!(first.cert_pem, second.cert_pem);
    }
}
