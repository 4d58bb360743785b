//! Digests of the canonical form (compact JSON, keys sorted) taken as the text is written: no
//! buffer of the text, and for a whole audit document no JSON tree of its findings either. A
//! 10,000-resource audit has about 40,000 findings; as one `serde_json::Value` they cost more
//! memory than the rest of the audit together.

use crate::document::AuditDocument;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Write;

/// The SHA-256 of the canonical form of `value`, sorting it in place.
pub fn canonical_sha256(mut value: Value) -> String {
    value.sort_all_objects();
    let mut hashing = Hashing(Sha256::new());
    // Writing a Value into a hasher cannot fail: its keys are strings, the writer never errs.
    let _ = serde_json::to_writer(&mut hashing, &value);
    hashing.hex()
}

/// The SHA-256 of the canonical form of `document` without its `integrity` member: the same
/// digest as [`canonical_sha256`] of the whole document as a `Value`, with each finding turned
/// into a `Value` of its own, hashed and dropped in turn.
pub fn document_sha256(document: &AuditDocument) -> String {
    // Every member but the findings, spelled out: a member added to the document is a compile
    // error here rather than a digest that silently leaves it out.
    let head = AuditDocument {
        schema: document.schema.clone(),
        tool: document.tool.clone(),
        baseline: document.baseline.clone(),
        started_at: document.started_at.clone(),
        finished_at: document.finished_at.clone(),
        accounts: document.accounts.clone(),
        summary: document.summary.clone(),
        suppressed: document.suppressed,
        findings: Vec::new(),
        errors: document.errors.clone(),
        suppressions: document.suppressions.clone(),
        controls: document.controls.clone(),
        not_verified: document.not_verified.clone(),
        config: document.config.clone(),
        integrity: None,
    };
    let mut head = serde_json::to_value(&head).unwrap_or_default();
    head.sort_all_objects();
    let mut hashing = Hashing(Sha256::new());
    // As above, hashing cannot fail; a finding that does not serialize cannot exist either
    // (plain strings, numbers and booleans).
    let _ = write_with_findings(&mut hashing, &head, document);
    hashing.hex()
}

/// `head` (sorted, an object) written canonically, its empty `findings` member filled from
/// `document` one finding at a time.
fn write_with_findings(
    out: &mut Hashing,
    head: &Value,
    document: &AuditDocument,
) -> serde_json::Result<()> {
    let Some(members) = head.as_object() else {
        return serde_json::to_writer(out, head);
    };
    out.put(b"{");
    for (index, (key, value)) in members.iter().enumerate() {
        if index > 0 {
            out.put(b",");
        }
        serde_json::to_writer(&mut *out, key)?;
        out.put(b":");
        if key != "findings" {
            serde_json::to_writer(&mut *out, value)?;
            continue;
        }
        out.put(b"[");
        for (index, finding) in document.findings.iter().enumerate() {
            if index > 0 {
                out.put(b",");
            }
            let mut finding = serde_json::to_value(finding)?;
            finding.sort_all_objects();
            serde_json::to_writer(&mut *out, &finding)?;
        }
        out.put(b"]");
    }
    out.put(b"}");
    Ok(())
}

struct Hashing(Sha256);

impl Hashing {
    fn put(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn hex(self) -> String {
        format!("{:x}", self.0.finalize())
    }
}

impl Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{FindingRecord, SuppressionNote};
    use crate::integrity::{canonical_json, sha256_hex};
    use crate::tests::{document, finding};
    use crate::Status;

    #[test]
    fn the_streamed_digest_is_the_digest_of_the_canonical_form() {
        let value: Value =
            serde_json::from_str(r#"{"b":[{"z":1,"y":"ü"}],"a":{"d":2,"c":null}}"#).expect("json");
        assert_eq!(
            canonical_sha256(value.clone()),
            sha256_hex(&canonical_json(&value))
        );
    }

    fn whole_document_digest(document: &AuditDocument) -> String {
        let mut value = serde_json::to_value(document).expect("serializes");
        if let Some(members) = value.as_object_mut() {
            members.remove("integrity");
        }
        sha256_hex(&canonical_json(&value))
    }

    #[test]
    fn a_document_digested_finding_by_finding_has_the_digest_of_the_whole() {
        let suppressed = FindingRecord {
            suppressed: true,
            suppression: Some(Box::new(SuppressionNote {
                reason: "accepted \"risk\" \u{1F512}".to_string(),
                owner: "platform".to_string(),
                expires: "2027-01-31".to_string(),
                expired: false,
            })),
            remediation: Some("Encrypt it.".into()),
            ..finding("s3_bucket_encryption", Status::Fail, "arn:aws:s3:::b")
        };
        let many = document(vec![
            suppressed,
            finding("ec2_volume_encryption", Status::Unknown, "vol-1"),
            finding("kms_key_rotation", Status::Pass, "key/1"),
        ]);
        assert_eq!(document_sha256(&many), whole_document_digest(&many));
        let none = document(Vec::new());
        assert_eq!(document_sha256(&none), whole_document_digest(&none));
    }

    #[test]
    fn a_changed_finding_changes_the_digest() {
        let before = document(vec![finding("kms_key_rotation", Status::Pass, "key/1")]);
        let mut after = before.clone();
        after.findings[0].status = Status::Fail;
        assert_ne!(document_sha256(&before), document_sha256(&after));
    }
}
