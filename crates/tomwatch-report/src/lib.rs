//! Reports made from a `tomwatch.audit.v1` document, for the people who consume audits: OCSF for
//! security data lakes and Security Hub, JUnit for CI systems, CSV for spreadsheets, HTML for
//! auditors; each records digests of itself, the config and the baseline, signed on request.
//! `diff` compares two audits. Everything here is pure: text in, text out.

pub mod csv;
pub mod diff;
pub mod document;
pub mod html;
pub mod integrity;
pub mod junit;
pub mod ocsf;
mod verdict;

pub use document::{AuditDocument, Status, AUDIT_SCHEMA};
pub use integrity::{ReportSigner, VerifyError};

use integrity::{
    canonical_json, canonical_sha256, sha256_hex, text_trailer, Integrity, Provenance,
};

/// The file formats of a report (the table is the binary's own, for terminals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Ocsf,
    Junit,
    Csv,
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Ocsf => "ocsf",
            Format::Junit => "junit",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

/// A report in `format`, with its integrity record, signed if a signer is given.
pub fn render(document: &AuditDocument, format: Format, signer: Option<&ReportSigner>) -> Vec<u8> {
    let provenance = Provenance {
        config_sha256: document.config.as_ref().map(|c| c.sha256.clone()),
        baseline_sha256: document.baseline.as_ref().map(|b| b.sha256.clone()),
    };
    let seal =
        |content: &[u8]| Integrity::new(format.name(), sha256_hex(content), &provenance, signer);
    match format {
        Format::Json => {
            // One copy of the findings at a time (a 10,000-resource audit has 40,000 of them):
            // the canonical form is sorted in place and hashed as it is written, then dropped;
            // the report is written from the typed document, in its own field order.
            let mut value = serde_json::to_value(document).unwrap_or_default();
            if let Some(members) = value.as_object_mut() {
                members.remove("integrity");
            }
            let integrity =
                Integrity::new(format.name(), canonical_sha256(value), &provenance, signer);
            pretty(&Sealed {
                document,
                integrity,
            })
        }
        Format::Ocsf => {
            let mut findings = serde_json::Value::Array(ocsf::findings(document));
            let integrity =
                serde_json::to_value(seal(&canonical_json(&findings))).unwrap_or_default();
            for finding in findings.as_array_mut().into_iter().flatten() {
                finding["unmapped"][ocsf::INTEGRITY_KEY] = integrity.clone();
            }
            pretty(&findings)
        }
        Format::Junit | Format::Csv | Format::Html => {
            let mut text = match format {
                Format::Junit => junit::render(document),
                Format::Csv => csv::render(document),
                _ => html::render(document),
            };
            let integrity = seal(text.as_bytes());
            text.push_str(&text_trailer(format.name(), &integrity));
            text.into_bytes()
        }
    }
}

/// A document with its integrity record, serialized as the document with that member set.
#[derive(serde::Serialize)]
struct Sealed<'a> {
    #[serde(flatten, serialize_with = "without_integrity")]
    document: &'a AuditDocument,
    integrity: Integrity,
}

/// The document's members but `integrity`, which [`Sealed`] writes itself.
fn without_integrity<S: serde::Serializer>(
    document: &&AuditDocument,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if document.integrity.is_none() {
        serde::Serialize::serialize(*document, serializer)
    } else {
        let mut bare = (*document).clone();
        bare.integrity = None;
        serde::Serialize::serialize(&bare, serializer)
    }
}

fn pretty(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests;
