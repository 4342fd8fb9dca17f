//! `--tls`: a local CA and a leaf certificate for localhost, 127.0.0.1, ::1 and the issuer's host.
//! The CA is kept in a directory and reused across restarts, so trusting it once
//! (`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`) keeps working.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use std::path::{Path, PathBuf};

/// Why TLS material could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// Reading or writing the CA files failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Certificate generation failed.
    #[error("certificate generation: {0}")]
    Cert(String),
}

/// PEM material for the https listener.
pub struct TlsMaterial {
    /// Leaf certificate followed by the CA certificate.
    pub cert_chain_pem: String,
    /// Leaf private key.
    pub key_pem: String,
    /// Where the CA certificate was written (trust this file).
    pub ca_path: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TlsError + '_ {
    move |source| TlsError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn cert_err(e: rcgen::Error) -> TlsError {
    TlsError::Cert(e.to_string())
}

/// Loads the CA from `dir` (or creates it there) and issues a fresh leaf for `hosts`.
pub fn material(dir: &Path, hosts: &[String]) -> Result<TlsMaterial, TlsError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let ca_cert_path = dir.join("auth0-mock-ca.pem");
    let ca_key_path = dir.join("auth0-mock-ca.key");
    let mut ca_params = CertificateParams::default();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "auth0-mock local CA");
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "auth0-mock");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    ca_params.not_after = rcgen::date_time_ymd(2049, 1, 1);
    let (ca_key, ca_pem) = shared_ca(&ca_key_path, &ca_cert_path, &ca_params)?;
    let issuer = Issuer::from_params(&ca_params, &ca_key);
    let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
    for h in hosts {
        if !names.contains(h) {
            names.push(h.clone());
        }
    }
    let mut leaf = CertificateParams::new(names).map_err(cert_err)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "auth0-mock");
    leaf.not_before = rcgen::date_time_ymd(2024, 1, 1);
    leaf.not_after = rcgen::date_time_ymd(2049, 1, 1);
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().map_err(cert_err)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(cert_err)?;
    Ok(TlsMaterial {
        cert_chain_pem: format!("{}{}", leaf_cert.pem(), ca_pem),
        key_pem: leaf_key.serialize_pem(),
        ca_path: ca_cert_path,
    })
}

/// The CA in `key_path`/`cert_path`, made there by the first process that needs it. Several
/// mocks may start at once on a fresh machine (a test suite's parallel tests): each file is
/// published whole and only if absent, so exactly one CA wins and every process serves a leaf
/// it signed; a process that lost the race reads the winner's.
fn shared_ca(
    key_path: &Path,
    cert_path: &Path,
    params: &CertificateParams,
) -> Result<(KeyPair, String), TlsError> {
    let started = std::time::Instant::now();
    loop {
        let key = std::fs::read_to_string(key_path);
        let cert = std::fs::read_to_string(cert_path);
        match (key, cert) {
            (Ok(key), Ok(cert)) => return Ok((KeyPair::from_pem(&key).map_err(cert_err)?, cert)),
            (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = KeyPair::generate().map_err(cert_err)?;
                if publish(key_path, &key.serialize_pem())? {
                    let cert = params.clone().self_signed(&key).map_err(cert_err)?.pem();
                    publish(cert_path, &cert)?;
                    return shared_ca(key_path, cert_path, params);
                }
            }
            (Err(e), _) => return Err(io(key_path)(e)),
            // The key's writer is still making the certificate, or stopped before it did: after
            // a while, any process may certify the published key itself.
            (Ok(key), Err(_)) if started.elapsed() > std::time::Duration::from_secs(2) => {
                let key = KeyPair::from_pem(&key).map_err(cert_err)?;
                let cert = params.clone().self_signed(&key).map_err(cert_err)?.pem();
                publish(cert_path, &cert)?;
                return shared_ca(key_path, cert_path, params);
            }
            (Ok(_), Err(_)) => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    }
}

/// Writes `text` to `path` unless a file is there: written to a temporary file first and
/// hard-linked into place, so no reader sees half a file and of two writers one wins. Whether
/// this call's text is the one published.
fn publish(path: &Path, text: &str) -> Result<bool, TlsError> {
    let tmp = path.with_extension(format!("tmp-{}", crate::util::random_hex(12)));
    std::fs::write(&tmp, text).map_err(io(&tmp))?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io(path)(e)),
    }
}

/// The https listener's TLS acceptor for `material`, offering HTTP/2 and HTTP/1.1 (ALPN).
pub(crate) fn acceptor(material: &TlsMaterial) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |e: &dyn std::fmt::Display| TlsError::Cert(e.to_string());
    let chain = CertificateDer::pem_slice_iter(material.cert_chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(&e))?;
    let key = PrivateKeyDer::from_pem_slice(material.key_pem.as_bytes()).map_err(|e| bad(&e))?;
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(&e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| bad(&e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mocks_starting_at_once_on_a_fresh_directory_share_one_ca() {
        let dir =
            std::env::temp_dir().join(format!("auth0-mock-ca-race-{}", crate::util::random_hex(8)));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || material(&dir, &[]).map(|m| m.cert_chain_pem))
            })
            .collect();
        let on_disk = || std::fs::read_to_string(dir.join("auth0-mock-ca.pem")).unwrap();
        for h in handles {
            let chain = h.join().unwrap().unwrap();
            assert!(
                chain.ends_with(&on_disk()),
                "every leaf is served with the CA on disk"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
