//! `--web.config.file`: the Prometheus exporter-toolkit web configuration (TLS and basic auth),
//! so a platform team can reuse the file it already writes for node_exporter.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    #[serde(default)]
    pub tls_server_config: Option<TlsServerConfig>,
    /// Usernames mapped to bcrypt hashes (`htpasswd -nBC 10 user`).
    #[serde(default)]
    pub basic_auth_users: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsServerConfig {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    /// `TLS12` (default) or `TLS13`.
    #[serde(default)]
    pub min_version: Option<String>,
    /// `NoClientCert` (default), `RequireAndVerifyClientCert` or `VerifyClientCertIfGiven`.
    #[serde(default)]
    pub client_auth_type: Option<String>,
    #[serde(default)]
    pub client_ca_file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct WebConfigError {
    pub file: PathBuf,
    pub message: String,
}

impl WebConfig {
    /// Reads and checks the file: certificates and keys load, hashes are bcrypt, values are known.
    pub fn load(
        path: &Path,
    ) -> Result<(WebConfig, Option<Arc<rustls::ServerConfig>>), WebConfigError> {
        let fail = |message: String| WebConfigError {
            file: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        let config: WebConfig = if text.trim().is_empty() {
            WebConfig::default()
        } else {
            serde_saphyr::from_str(&text)
                .map_err(|e| fail(tomwatch_yaml::syntax_error(&e, &text).to_string()))?
        };
        for (user, hash) in &config.basic_auth_users {
            if !(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) {
                return Err(fail(format!("basic_auth_users.{user}: not a bcrypt hash (create one with htpasswd -nBC 10 {user})")));
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let tls = match &config.tls_server_config {
            Some(tls) => Some(Arc::new(tls.server_config(base).map_err(fail)?)),
            None => None,
        };
        Ok((config, tls))
    }
}

impl TlsServerConfig {
    /// Paths are relative to the web config file, as in exporter-toolkit.
    fn server_config(&self, base: &Path) -> Result<rustls::ServerConfig, String> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let versions: &[&rustls::SupportedProtocolVersion] = match self.min_version.as_deref().unwrap_or("TLS12") {
            "TLS12" => &[&rustls::version::TLS13, &rustls::version::TLS12],
            "TLS13" => &[&rustls::version::TLS13],
            other => return Err(format!("tls_server_config.min_version `{other}`: use TLS12 or TLS13 (older versions are not offered)")),
        };
        let certs = read_certs(&base.join(&self.cert_file))?;
        let key_path = base.join(&self.key_file);
        let key = rustls_pemfile::private_key(&mut open(&key_path)?.as_slice())
            .map_err(|e| format!("key_file {}: {e}", key_path.display()))?
            .ok_or_else(|| format!("key_file {}: no private key found", key_path.display()))?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(|e| e.to_string())?;
        let client_auth = self.client_auth_type.as_deref().unwrap_or("NoClientCert");
        let builder = match client_auth {
            "NoClientCert" => builder.with_no_client_auth(),
            "RequireAndVerifyClientCert" | "VerifyClientCertIfGiven" => {
                let ca_path = self
                    .client_ca_file
                    .as_ref()
                    .map(|p| base.join(p))
                    .ok_or_else(|| format!("client_auth_type {client_auth} needs client_ca_file"))?;
                let mut roots = rustls::RootCertStore::empty();
                for cert in read_certs(&ca_path)? {
                    roots.add(cert).map_err(|e| format!("client_ca_file {}: {e}", ca_path.display()))?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
                let verifier = if client_auth == "VerifyClientCertIfGiven" {
                    verifier.allow_unauthenticated()
                } else {
                    verifier
                };
                builder.with_client_cert_verifier(verifier.build().map_err(|e| e.to_string())?)
            }
            other => {
                return Err(format!(
                    "tls_server_config.client_auth_type `{other}`: use NoClientCert, RequireAndVerifyClientCert or VerifyClientCertIfGiven"
                ))
            }
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|e| format!("cert_file and key_file do not form a usable pair: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn open(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_certs(path: &Path) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = rustls_pemfile::certs(&mut open(path)?.as_slice()).collect();
    let certs = certs.map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate found", path.display()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(
        name: &str,
        text: &str,
    ) -> Result<(WebConfig, Option<Arc<rustls::ServerConfig>>), WebConfigError> {
        let dir = std::env::temp_dir().join(format!("tomwatch-web-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("web.yml");
        std::fs::write(&path, text).expect("write");
        WebConfig::load(&path)
    }

    #[test]
    fn problems_name_what_to_fix() {
        let plain =
            load_text("plain", "basic_auth_users:\n  alice: hunter2\n").expect_err("not bcrypt");
        assert!(
            plain
                .message
                .contains("basic_auth_users.alice: not a bcrypt hash"),
            "{plain}"
        );
        let unknown = load_text(
            "unknown",
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: []\n",
        )
        .expect_err("unsupported key");
        assert!(
            unknown
                .message
                .starts_with("4:3: unknown field `curve_preferences`"),
            "{unknown}"
        );
        let missing = load_text(
            "missing",
            "tls_server_config:\n  cert_file: none.crt\n  key_file: none.key\n",
        )
        .expect_err("missing files");
        assert!(missing.message.contains("none.crt"), "{missing}");
        let version = load_text(
            "version",
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS10\n",
        )
        .expect_err("old TLS");
        assert!(version.message.contains("min_version `TLS10`"), "{version}");
    }

    #[test]
    fn basic_auth_alone_needs_no_tls() {
        let hash = bcrypt::hash("pw", 4).expect("hash");
        let (config, tls) =
            load_text("auth", &format!("basic_auth_users:\n  alice: '{hash}'\n")).expect("valid");
        assert!(tls.is_none());
        assert_eq!(config.basic_auth_users.len(), 1);
    }
}
