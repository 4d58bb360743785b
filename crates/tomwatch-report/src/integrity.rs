//! Evidence that cannot be edited unnoticed: every report records the SHA-256 of its own
//! content, of the config and of the baseline, and optionally an Ed25519 signature over those.
//!
//! Where the record sits, and what "its own content" is, depends on the format:
//! - a JSON document (`json`): the `integrity` member; the content is the document without it,
//!   serialized compactly with its keys sorted (so pretty-printing does not change the digest);
//! - an OCSF array (`ocsf`): `unmapped.tomwatch_integrity` of every finding, the same on each;
//!   the content is the array without them, serialized the same way;
//! - a text report (`csv`, `junit`, `html`): a last line of its own (`# tomwatch-integrity {..}`
//!   or `<!-- tomwatch-integrity {..} -->`); the content is every byte before that line.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a signature signs: a fixed domain string, then each digest on its own line. Signing the
/// digests binds the content, the config and the baseline together.
const SIGNED_DOMAIN: &str = "tomwatch-report-v1";

const TEXT_MARKER: &str = "tomwatch-integrity ";

/// The integrity record of one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrity {
    /// The report format the content digest was taken of.
    pub format: String,
    /// SHA-256 of the report's content (see the module documentation), hex.
    pub content_sha256: String,
    /// SHA-256 of the configuration the audit ran with, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_sha256: Option<String>,
    /// SHA-256 of the baseline file the findings were judged by, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The raw 32-byte public key, base64: who signed, to compare with the key you trust.
    pub public_key: String,
    /// The 64-byte signature, base64.
    pub value: String,
}

/// An Ed25519 signing key, read from a PKCS#8 PEM file (`openssl genpkey -algorithm ed25519`).
#[derive(Clone)]
pub struct ReportSigner(SigningKey);

impl std::fmt::Debug for ReportSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret: only which public key it belongs to.
        write!(f, "ReportSigner({})", fingerprint(&self.0.verifying_key()))
    }
}

impl ReportSigner {
    pub fn from_pem(pem: &str) -> Result<ReportSigner, String> {
        SigningKey::from_pkcs8_pem(pem).map(ReportSigner).map_err(|e| {
            format!("not an Ed25519 private key in PKCS#8 PEM ({e}); make one with `openssl genpkey -algorithm ed25519 -out key.pem`")
        })
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(&self.0.verifying_key())
    }
}

/// The digests a report records besides its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    pub config_sha256: Option<String>,
    pub baseline_sha256: Option<String>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// `SHA256:<base64>` of the raw public key, as OpenSSH prints key fingerprints.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("SHA256:{}", BASE64.encode(digest).trim_end_matches('='))
}

impl Integrity {
    /// The record of a report whose content digests to `content_sha256`, signed if a signer is given.
    pub fn new(
        format: &str,
        content_sha256: String,
        provenance: &Provenance,
        signer: Option<&ReportSigner>,
    ) -> Integrity {
        let mut integrity = Integrity {
            format: format.to_string(),
            content_sha256,
            config_sha256: provenance.config_sha256.clone(),
            baseline_sha256: provenance.baseline_sha256.clone(),
            signature: None,
        };
        if let Some(ReportSigner(key)) = signer {
            let signature = key.sign(integrity.signed_message().as_bytes());
            integrity.signature = Some(Signature {
                algorithm: "ed25519".to_string(),
                public_key: BASE64.encode(key.verifying_key().as_bytes()),
                value: BASE64.encode(signature.to_bytes()),
            });
        }
        integrity
    }

    fn signed_message(&self) -> String {
        let or_none = |d: &Option<String>| d.clone().unwrap_or_else(|| "-".to_string());
        format!(
            "{SIGNED_DOMAIN}\n{}\n{}\n{}\n{}\n",
            self.format,
            self.content_sha256,
            or_none(&self.config_sha256),
            or_none(&self.baseline_sha256)
        )
    }
}

/// The text trailer: the record as the report's last line, in the format's comment syntax.
pub fn text_trailer(format: &str, integrity: &Integrity) -> String {
    let record = serde_json::to_string(integrity).unwrap_or_default();
    match format {
        "csv" => format!("# {TEXT_MARKER}{record}\n"),
        _ => format!("<!-- {TEXT_MARKER}{record} -->\n"),
    }
}

/// A JSON value serialized as its digest is taken: compact, keys sorted.
pub fn canonical_json(value: &serde_json::Value) -> Vec<u8> {
    // Sorted here, not left to serde_json: its map keeps insertion order when any crate of the
    // build turns on `preserve_order` (the AWS SDK's HTTP client does), and a digest must not
    // depend on which crates a binary links.
    let mut sorted = value.clone();
    sorted.sort_all_objects();
    serde_json::to_vec(&sorted).unwrap_or_default()
}

/// What `tomwatch verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub integrity: Integrity,
    /// The signer's key fingerprint, when the report is signed and the signature holds.
    pub signed_by: Option<String>,
}

/// Why a report failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the report carries no integrity record (written by a tomwatch without digests, or the record was removed)")]
    NoRecord,
    #[error("the integrity record is unreadable: {0}")]
    BadRecord(String),
    #[error("the content does not match its digest: recorded {recorded}, computed {computed}. The report was changed after it was written")]
    ContentChanged { recorded: String, computed: String },
    #[error(
        "the OCSF findings carry different integrity records: they come from different reports"
    )]
    MixedRecords,
    #[error("the signature does not verify: the digests were changed after signing, or it was made with another key")]
    BadSignature,
    #[error("the report is not signed, but a public key was given to check its signature against")]
    Unsigned,
    #[error("signed by {found}, not by the given key {expected}")]
    OtherSigner { found: String, expected: String },
    #[error("the public key is not an Ed25519 public key in PEM ({0}); derive it with `openssl pkey -in key.pem -pubout`")]
    BadPublicKey(String),
}

/// Checks a report's content against its recorded digest and, if signed, its signature; with
/// `trusted`, also that the signature was made by that key.
pub fn verify(report: &[u8], trusted: Option<&str>) -> Result<Verified, VerifyError> {
    let trusted = trusted
        .map(|pem| {
            VerifyingKey::from_public_key_pem(pem)
                .map_err(|e| VerifyError::BadPublicKey(e.to_string()))
        })
        .transpose()?;
    let (integrity, computed) = locate(report)?;
    if computed != integrity.content_sha256 {
        return Err(VerifyError::ContentChanged {
            recorded: integrity.content_sha256,
            computed,
        });
    }
    let signed_by = match &integrity.signature {
        None if trusted.is_some() => return Err(VerifyError::Unsigned),
        None => None,
        Some(signature) => Some(check_signature(&integrity, signature, trusted.as_ref())?),
    };
    Ok(Verified {
        integrity,
        signed_by,
    })
}

fn check_signature(
    integrity: &Integrity,
    signature: &Signature,
    trusted: Option<&VerifyingKey>,
) -> Result<String, VerifyError> {
    if signature.algorithm != "ed25519" {
        return Err(VerifyError::BadRecord(format!(
            "signature algorithm `{}` (only ed25519)",
            signature.algorithm
        )));
    }
    let decode = |text: &str, what: &str| {
        BASE64
            .decode(text)
            .map_err(|e| VerifyError::BadRecord(format!("{what}: {e}")))
    };
    let key_bytes: [u8; 32] = decode(&signature.public_key, "public key")?
        .try_into()
        .map_err(|_| VerifyError::BadRecord("public key is not 32 bytes".to_string()))?;
    let signature_bytes: [u8; 64] = decode(&signature.value, "signature")?
        .try_into()
        .map_err(|_| VerifyError::BadRecord("signature is not 64 bytes".to_string()))?;
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|e| VerifyError::BadRecord(format!("public key: {e}")))?;
    key.verify(
        integrity.signed_message().as_bytes(),
        &ed25519_dalek::Signature::from_bytes(&signature_bytes),
    )
    .map_err(|_| VerifyError::BadSignature)?;
    if let Some(trusted) = trusted {
        if trusted != &key {
            return Err(VerifyError::OtherSigner {
                found: fingerprint(&key),
                expected: fingerprint(trusted),
            });
        }
    }
    Ok(fingerprint(&key))
}

/// The recorded integrity and the digest of the content as it is now.
fn locate(report: &[u8]) -> Result<(Integrity, String), VerifyError> {
    let text = std::str::from_utf8(report)
        .map_err(|_| VerifyError::BadRecord("the report is not UTF-8 text".to_string()))?;
    if let Some((content, record)) = split_trailer(text) {
        let integrity =
            serde_json::from_str(record).map_err(|e| VerifyError::BadRecord(e.to_string()))?;
        return Ok((integrity, sha256_hex(content.as_bytes())));
    }
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| VerifyError::NoRecord)?;
    let record = match &mut value {
        serde_json::Value::Object(map) => map.remove("integrity").ok_or(VerifyError::NoRecord)?,
        serde_json::Value::Array(findings) => take_ocsf_records(findings)?,
        _ => return Err(VerifyError::NoRecord),
    };
    let integrity =
        serde_json::from_value(record).map_err(|e| VerifyError::BadRecord(e.to_string()))?;
    Ok((integrity, sha256_hex(&canonical_json(&value))))
}

/// Removes every OCSF finding's record; they must all be the same one.
fn take_ocsf_records(findings: &mut [serde_json::Value]) -> Result<serde_json::Value, VerifyError> {
    let mut first: Option<serde_json::Value> = None;
    for finding in findings {
        let record = finding
            .get_mut("unmapped")
            .and_then(|u| u.as_object_mut())
            .and_then(|u| u.remove(crate::ocsf::INTEGRITY_KEY))
            .ok_or(VerifyError::NoRecord)?;
        match &first {
            None => first = Some(record),
            Some(seen) if *seen != record => return Err(VerifyError::MixedRecords),
            Some(_) => {}
        }
    }
    first.ok_or(VerifyError::NoRecord)
}

/// Splits a text report into its content and the JSON of its trailer line, if it has one.
fn split_trailer(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_suffix('\n')?;
    let start = body.rfind('\n').map_or(0, |i| i + 1);
    let line = &body[start..];
    let record = line
        .strip_prefix("# ")
        .and_then(|l| l.strip_prefix(TEXT_MARKER))
        .or_else(|| {
            line.strip_prefix("<!-- ")
                .and_then(|l| l.strip_prefix(TEXT_MARKER))
                .and_then(|l| l.strip_suffix(" -->"))
        })?;
    Some((&text[..start], record))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated once with `openssl genpkey -algorithm ed25519`: a test key that signs nothing real.
    const TEST_KEY: &str = include_str!("../tests/test-signing-key.pem");
    const TEST_PUBLIC_KEY: &str = include_str!("../tests/test-signing-key.pub.pem");

    fn provenance() -> Provenance {
        Provenance {
            config_sha256: Some(sha256_hex(b"accounts: []")),
            baseline_sha256: Some(sha256_hex(b"name: tom")),
        }
    }

    fn signed_csv(body: &str) -> String {
        let signer = ReportSigner::from_pem(TEST_KEY).expect("test key");
        let integrity = Integrity::new(
            "csv",
            sha256_hex(body.as_bytes()),
            &provenance(),
            Some(&signer),
        );
        format!("{body}{}", text_trailer("csv", &integrity))
    }

    #[test]
    fn a_signed_text_report_verifies_and_names_its_signer() {
        let report = signed_csv("a,b\n1,2\n");
        let verified = verify(report.as_bytes(), None).expect("verifies");
        let signer = ReportSigner::from_pem(TEST_KEY).expect("test key");
        assert_eq!(verified.signed_by, Some(signer.fingerprint()));
    }

    #[test]
    fn a_report_signed_by_another_key_than_the_trusted_one_fails() {
        let report = signed_csv("a,b\n");
        assert!(verify(report.as_bytes(), Some(TEST_PUBLIC_KEY)).is_ok());
        let other = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAdSk6rkQmCThLADJYsNV2SzuACeW6xOoGZ0Dvciq1tos=\n-----END PUBLIC KEY-----\n";
        assert!(matches!(
            verify(report.as_bytes(), Some(other)),
            Err(VerifyError::OtherSigner { .. })
        ));
    }

    #[test]
    fn an_edited_byte_of_the_content_is_caught() {
        let report = signed_csv("a,b\n1,2\n").replacen("1,2", "1,3", 1);
        assert!(matches!(
            verify(report.as_bytes(), None),
            Err(VerifyError::ContentChanged { .. })
        ));
    }

    #[test]
    fn a_digest_rewritten_to_match_edited_content_breaks_the_signature() {
        let original = signed_csv("a,b\n1,2\n");
        let edited_body = "a,b\n1,3\n";
        let old = sha256_hex(b"a,b\n1,2\n");
        let report = original
            .replacen("1,2", "1,3", 1)
            .replace(&old, &sha256_hex(edited_body.as_bytes()));
        assert_eq!(
            verify(report.as_bytes(), None),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn a_report_without_a_record_or_signature_says_so() {
        assert_eq!(verify(b"a,b\n1,2\n", None), Err(VerifyError::NoRecord));
        let body = "a,b\n";
        let unsigned = Integrity::new("csv", sha256_hex(body.as_bytes()), &provenance(), None);
        let report = format!("{body}{}", text_trailer("csv", &unsigned));
        assert!(verify(report.as_bytes(), None).is_ok());
        assert_eq!(
            verify(report.as_bytes(), Some(TEST_PUBLIC_KEY)),
            Err(VerifyError::Unsigned)
        );
    }

    #[test]
    fn keys_are_sorted_in_the_canonical_form() {
        let value: serde_json::Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":2,"c":3}}"#).expect("json");
        assert_eq!(canonical_json(&value), br#"{"a":{"c":3,"d":2},"b":1}"#);
    }

    #[test]
    fn a_bad_key_says_how_to_make_a_good_one() {
        let error = ReportSigner::from_pem("not a key").expect_err("rejected");
        assert!(
            error.contains("openssl genpkey -algorithm ed25519"),
            "{error}"
        );
    }
}
