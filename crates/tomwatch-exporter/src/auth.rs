//! HTTP basic auth against bcrypt hashes, as exporter-toolkit does it.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, PoisonError};

/// The users and a cache of credentials that already verified: bcrypt is deliberately slow, and
/// Prometheus scrapes every few seconds.
#[derive(Debug, Default)]
pub struct BasicAuth {
    users: BTreeMap<String, String>,
    verified: Mutex<HashSet<[u8; 32]>>,
}

impl BasicAuth {
    pub fn new(users: BTreeMap<String, String>) -> Self {
        BasicAuth {
            users,
            verified: Mutex::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.users.is_empty()
    }

    /// Whether an `Authorization` header value grants access.
    pub fn allows(&self, header: Option<&str>) -> bool {
        let Some(encoded) = header.and_then(|h| h.strip_prefix("Basic ")) else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let Ok(pair) = String::from_utf8(decoded) else {
            return false;
        };
        let Some((user, password)) = pair.split_once(':') else {
            return false;
        };
        let Some(hash) = self.users.get(user) else {
            return false;
        };
        // The cache key covers user, password and hash, so a changed hash never matches.
        let key: [u8; 32] = Sha256::new()
            .chain_update(user)
            .chain_update([0])
            .chain_update(password)
            .chain_update([0])
            .chain_update(hash)
            .finalize()
            .into();
        let mut verified = self.verified.lock().unwrap_or_else(PoisonError::into_inner);
        if verified.contains(&key) {
            return true;
        }
        if bcrypt::verify(password, hash).unwrap_or(false) {
            verified.insert(key);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(user: &str, password: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    }

    #[test]
    fn only_the_right_password_of_a_known_user_passes() {
        let hash = bcrypt::hash("s3cret", 4).expect("hash");
        let auth = BasicAuth::new(BTreeMap::from([("prometheus".to_string(), hash)]));
        assert!(auth.allows(Some(&header("prometheus", "s3cret"))));
        assert!(auth.allows(Some(&header("prometheus", "s3cret"))), "cached");
        assert!(!auth.allows(Some(&header("prometheus", "wrong"))));
        assert!(!auth.allows(Some(&header("grafana", "s3cret"))));
        assert!(!auth.allows(Some("Bearer token")));
        assert!(!auth.allows(Some("Basic !!!")));
        assert!(!auth.allows(None));
    }
}
