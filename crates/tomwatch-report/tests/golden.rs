//! The reports of the demo estate's audit (`tests/golden/demo/audit.json`, recorded by
//! `scripts/record-golden`) held to reviewed golden files, byte for byte; the OCSF one also
//! against the OCSF schema. `UPDATE_GOLDEN=1` rewrites the goldens: review their diff.

use std::path::PathBuf;
use tomwatch_report::{integrity, render, AuditDocument, Format, ReportSigner};

const SIGNING_KEY: &str = include_str!("test-signing-key.pem");
const PUBLIC_KEY: &str = include_str!("test-signing-key.pub.pem");

fn golden_dir() -> PathBuf {
    manifest_dir().join("../../tests/golden/demo")
}

fn demo() -> AuditDocument {
    let text = std::fs::read_to_string(golden_dir().join("audit.json")).expect("recorded audit");
    AuditDocument::from_json(&text).expect("a tomwatch.audit.v1 document")
}

fn signer() -> ReportSigner {
    ReportSigner::from_pem(SIGNING_KEY).expect("test key")
}

const GOLDENS: [(Format, &str); 5] = [
    (Format::Json, "report.json"),
    (Format::Ocsf, "report.ocsf.json"),
    (Format::Junit, "report.junit.xml"),
    (Format::Csv, "report.csv"),
    (Format::Html, "report.html"),
];

#[test]
fn every_format_of_the_demo_audit_matches_its_golden_file() {
    let document = demo();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut differing = Vec::new();
    for (format, file) in GOLDENS {
        let rendered = render(&document, format, Some(&signer()));
        let path = golden_dir().join(file);
        if update {
            std::fs::write(&path, &rendered).expect("write golden");
            continue;
        }
        let golden = std::fs::read(&path).unwrap_or_default();
        if golden != rendered {
            let actual = path.with_extension("actual");
            std::fs::write(&actual, &rendered).expect("write actual");
            differing.push(format!("{} (see {})", path.display(), actual.display()));
        }
    }
    assert!(
        differing.is_empty(),
        "reports differ from their goldens; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff:\n{}",
        differing.join("\n")
    );
}

#[test]
fn every_golden_verifies_against_the_signing_key() {
    for (format, file) in GOLDENS {
        let report = std::fs::read(golden_dir().join(file)).expect("golden");
        let verified = integrity::verify(&report, Some(PUBLIC_KEY))
            .unwrap_or_else(|e| panic!("{file} does not verify: {e}"));
        assert_eq!(verified.integrity.format, format.name());
        assert!(verified.signed_by.is_some());
    }
}

#[test]
fn the_ocsf_report_is_valid_against_the_ocsf_schema() {
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../schema/ocsf-1.3.0-detection-finding.schema.json"
    ))
    .expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON schema");
    let document = demo();
    let report: serde_json::Value =
        serde_json::from_slice(&render(&document, Format::Ocsf, None)).expect("json");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(
        report.as_array().map(Vec::len),
        Some(document.findings.len()),
        "one OCSF finding per (check, resource)"
    );
    // The schema itself must catch a broken finding, or the test above proves nothing.
    let mut broken = report.clone();
    broken[0]["class_uid"] = 2003.into();
    broken[1]["metadata"]["versoin"] = "1.3.0".into();
    assert_eq!(validator.iter_errors(&broken).count(), 2);
}

#[test]
fn the_junit_report_is_well_formed_xml_with_a_test_case_per_finding() {
    let xml = String::from_utf8(render(&demo(), Format::Junit, None)).expect("utf-8");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut suites) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    "testcase" => cases += 1,
                    "testsuite" => suites += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let document = demo();
    assert_eq!(cases, document.findings.len());
    assert_eq!(suites, document.controls.len());
}

/// The crate's directory as cargo hands it to the running test: `env!` would bake in the path of
/// the checkout that built the binary, which a target directory shared between checkouts (CI's,
/// under `$HOME/.cache`) reuses for another checkout without rebuilding.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .into()
}
