//! Reports made from a `tomwatch.audit.v1` document, for the people who consume audits: OCSF for
//! security data lakes and Security Hub, JUnit for CI systems, CSV for spreadsheets, HTML for
//! auditors; each records digests of itself, the config and the baseline, signed on request.
//! `diff` compares two audits. Everything here is pure: text in, text out.

pub mod canonical;
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

use canonical::document_sha256;
use integrity::{canonical_json, sha256_hex, text_trailer, Integrity, Provenance};
use std::io::Write;

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
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render_to(&mut bytes, document, format, signer);
    bytes
}

/// [`render`], written into `out` as it is made: a JSON report of a large audit is never held
/// as text (nor, for its digest, as a JSON tree) in memory.
pub fn render_to(
    out: &mut dyn Write,
    document: &AuditDocument,
    format: Format,
    signer: Option<&ReportSigner>,
) -> std::io::Result<()> {
    let provenance = Provenance {
        config_sha256: document.config.as_ref().map(|c| c.sha256.clone()),
        baseline_sha256: document.baseline.as_ref().map(|b| b.sha256.clone()),
    };
    let seal =
        |content: &[u8]| Integrity::new(format.name(), sha256_hex(content), &provenance, signer);
    match format {
        Format::Json => {
            let digest = document_sha256(document);
            let integrity = Integrity::new(format.name(), digest, &provenance, signer);
            pretty(
                out,
                &Sealed {
                    document,
                    integrity,
                },
            )
        }
        Format::Ocsf => {
            let mut findings = serde_json::Value::Array(ocsf::findings(document));
            let integrity =
                serde_json::to_value(seal(&canonical_json(&findings))).unwrap_or_default();
            for finding in findings.as_array_mut().into_iter().flatten() {
                finding["unmapped"][ocsf::INTEGRITY_KEY] = integrity.clone();
            }
            pretty(out, &findings)
        }
        Format::Junit | Format::Csv | Format::Html => {
            let mut text = match format {
                Format::Junit => junit::render(document),
                Format::Csv => csv::render(document),
                _ => html::render(document),
            };
            let integrity = seal(text.as_bytes());
            text.push_str(&text_trailer(format.name(), &integrity));
            out.write_all(text.as_bytes())
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

fn pretty(out: &mut dyn Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests;
