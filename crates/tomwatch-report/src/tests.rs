use crate::document::*;
use crate::*;

pub(crate) fn finding(check: &str, status: Status, resource: &str) -> FindingRecord {
    FindingRecord {
        check_id: check.to_string().into(),
        control: "TOM-ENC-REST".into(),
        status,
        severity: Severity::High,
        account_id: "111111111111".into(),
        region: "eu-central-1".to_string(),
        resource_type: "AWS::S3::Bucket".into(),
        resource_id: format!("arn:aws:s3:::{resource}"),
        message: format!("{resource} is {}", status.as_str()),
        suppressed: false,
        suppression: None,
        remediation: (status == Status::Fail).then(|| "Turn on SSE-KMS.".into()),
    }
}

pub(crate) fn document(findings: Vec<FindingRecord>) -> AuditDocument {
    let mut summary = std::collections::BTreeMap::new();
    for f in &findings {
        *summary.entry(f.status.as_str().to_string()).or_insert(0) += 1;
    }
    AuditDocument {
        schema: AUDIT_SCHEMA.to_string(),
        tool: Tool {
            name: "tomwatch".to_string(),
            version: "0.1.0".to_string(),
        },
        baseline: Some(BaselineRecord {
            name: "tom".to_string(),
            format_version: 1,
            sha256: "b".repeat(64),
        }),
        started_at: "2026-12-04T10:00:00Z".to_string(),
        finished_at: "2026-12-04T10:00:07Z".to_string(),
        accounts: vec![AccountRecord {
            account_id: "111111111111".into(),
            environment: Some("production".to_string()),
            regions: vec!["eu-central-1".to_string()],
            regions_not_scanned: Vec::new(),
        }],
        summary,
        suppressed: findings.iter().filter(|f| f.suppressed).count(),
        findings,
        errors: Vec::new(),
        suppressions: Vec::new(),
        controls: vec![ControlRecord {
            id: "TOM-ENC-REST".to_string(),
            title: "Encryption at rest".to_string(),
            section: "Verschlüsselung".to_string(),
            rationale: "Data at rest is encrypted.".to_string(),
            limits: None,
            references: vec![ReferenceRecord {
                framework: "BSI C5:2020".to_string(),
                requirements: vec![RequirementRecord {
                    id: "CRY-03".to_string(),
                    name: "Encryption of sensitive data for storage".to_string(),
                }],
            }],
            checks: vec![CheckRecord {
                id: "s3_bucket_default_encryption_kms".to_string(),
                title: "S3 buckets encrypt by default with KMS".to_string(),
                severity: "high".to_string(),
                disabled: None,
            }],
        }],
        not_verified: Vec::new(),
        config: Some(ConfigRecord {
            source: "tomwatch.yaml".to_string(),
            sha256: "c".repeat(64),
        }),
        integrity: None,
    }
}

fn suppressed(mut f: FindingRecord) -> FindingRecord {
    f.suppressed = true;
    f.suppression = Some(Box::new(SuppressionNote {
        reason: "legacy bucket, migration ticket OPS-12".to_string(),
        owner: "platform".to_string(),
        expires: "2027-01-31".to_string(),
        expired: false,
    }));
    f
}

const CHECK: &str = "s3_bucket_default_encryption_kms";

fn every_status() -> AuditDocument {
    document(vec![
        finding(CHECK, Status::Fail, "open"),
        suppressed(finding(CHECK, Status::Fail, "accepted")),
        finding(CHECK, Status::Unknown, "unseen"),
        finding(CHECK, Status::Pass, "good"),
        finding(CHECK, Status::NotApplicable, "none"),
    ])
}

#[test]
fn every_format_of_a_document_verifies_and_a_changed_byte_does_not() {
    let document = every_status();
    for format in [
        Format::Json,
        Format::Ocsf,
        Format::Junit,
        Format::Csv,
        Format::Html,
    ] {
        let report = render(&document, format, None);
        let verified = integrity::verify(&report, None)
            .unwrap_or_else(|e| panic!("{format:?} does not verify: {e}"));
        assert_eq!(verified.integrity.format, format.name());
        assert_eq!(verified.integrity.config_sha256, Some("c".repeat(64)));
        assert_eq!(verified.integrity.baseline_sha256, Some("b".repeat(64)));
        let text = String::from_utf8(report).expect("utf-8");
        let tampered = text.replacen("open is FAIL", "open is PASS", 1);
        assert_ne!(tampered, text, "{format:?} lacks the message");
        assert!(
            matches!(
                integrity::verify(tampered.as_bytes(), None),
                Err(VerifyError::ContentChanged { .. })
            ),
            "{format:?} tampering went unnoticed"
        );
    }
}

#[test]
fn the_json_digest_does_not_depend_on_whitespace_or_key_order() {
    let report = render(&every_status(), Format::Json, None);
    let value: serde_json::Value = serde_json::from_slice(&report).expect("json");
    let compact = serde_json::to_vec(&value).expect("json");
    assert!(integrity::verify(&compact, None).is_ok());
}

#[test]
fn junit_maps_fail_to_failure_unknown_to_error_and_the_rest_to_skipped() {
    let xml = junit::render(&every_status());
    assert!(
        xml.contains(r#"tests="5" failures="1" errors="1" skipped="2""#),
        "{xml}"
    );
    assert!(xml.contains(
        r#"<failure message="open is FAIL" type="high s3_bucket_default_encryption_kms">"#
    ));
    assert!(xml.contains(r#"<error message="unseen is UNKNOWN" type="UNKNOWN">"#));
    assert!(xml.contains(
        r#"<skipped message="suppressed until 2027-01-31 by platform: legacy bucket, migration ticket OPS-12"/>"#
    ));
    assert!(xml.contains(r#"<skipped message="not applicable: none is NOT_APPLICABLE"/>"#));
}

#[test]
fn junit_escapes_markup_and_drops_characters_xml_forbids() {
    let mut hostile = finding(CHECK, Status::Fail, "x");
    hostile.message = "<script>\"&'\u{1b}[31m".to_string();
    let xml = junit::render(&document(vec![hostile]));
    assert!(xml.contains("&lt;script&gt;&quot;&amp;&apos;[31m"), "{xml}");
    assert!(!xml.contains('\u{1b}'));
}

#[test]
fn csv_has_the_documented_columns_and_defuses_formulas() {
    let mut hostile = finding(CHECK, Status::Fail, "x");
    hostile.message = "=HYPERLINK(\"http://evil\")".to_string();
    let text = csv::render(&document(vec![hostile]));
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(headers, csv::COLUMNS);
    let row = reader.records().next().expect("a row").expect("valid");
    assert_eq!(&row[10], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(&row[15], "BSI C5:2020 CRY-03");
}

#[test]
fn ocsf_marks_suppressed_fails_and_maps_compliance_status() {
    let findings = ocsf::findings(&every_status());
    let by_status = |code: &str| {
        findings
            .iter()
            .find(|f| f["status_code"] == code && f["status_id"] != 3)
            .unwrap_or_else(|| panic!("no {code}"))
    };
    assert_eq!(by_status("FAIL")["unmapped"]["compliance"]["status_id"], 3);
    assert_eq!(by_status("FAIL")["remediation"]["desc"], "Turn on SSE-KMS.");
    assert_eq!(
        by_status("UNKNOWN")["unmapped"]["compliance"]["status_id"],
        0
    );
    assert_eq!(by_status("PASS")["unmapped"]["compliance"]["status_id"], 1);
    let accepted = findings
        .iter()
        .find(|f| f["status_id"] == 3)
        .expect("suppressed");
    assert_eq!(accepted["status"], "Suppressed");
    assert_eq!(accepted["unmapped"]["suppression"]["owner"], "platform");
    assert_eq!(
        by_status("PASS")["unmapped"]["compliance"]["requirements"],
        serde_json::json!(["BSI C5:2020 CRY-03"])
    );
}

#[test]
fn html_escapes_what_aws_resources_can_carry() {
    let mut hostile = finding(CHECK, Status::Fail, "x");
    hostile.message = "<img src=x onerror=alert(1)>".to_string();
    let html = html::render(&document(vec![hostile]));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<script"));
}

#[test]
fn a_document_from_another_tool_is_refused_with_a_reason() {
    let error = AuditDocument::from_json(r#"{"schema":"prowler"}"#).expect_err("refused");
    assert!(error.to_string().contains("not a tomwatch audit document"));
    let report = render(&every_status(), Format::Json, None);
    let read =
        AuditDocument::from_json(std::str::from_utf8(&report).expect("utf-8")).expect("reads");
    assert_eq!(read.findings, every_status().findings);
}

mod diffs {
    use super::*;
    use crate::diff::AuditDiff;

    #[test]
    fn fixed_newly_failing_and_became_unknown_are_told_apart() {
        let old = document(vec![
            finding(CHECK, Status::Fail, "fixed"),
            finding(CHECK, Status::Fail, "deleted"),
            finding(CHECK, Status::Fail, "still"),
            finding(CHECK, Status::Pass, "broke"),
            finding(CHECK, Status::Pass, "unseen"),
            finding(CHECK, Status::Fail, "fail-to-unknown"),
        ]);
        let new = document(vec![
            finding(CHECK, Status::Pass, "fixed"),
            finding(CHECK, Status::Fail, "still"),
            finding(CHECK, Status::Fail, "broke"),
            finding(CHECK, Status::Unknown, "unseen"),
            finding(CHECK, Status::Unknown, "fail-to-unknown"),
            finding(CHECK, Status::Fail, "created"),
        ]);
        let diff = AuditDiff::between(&old, &new);
        let ids = |changes: &[diff::Change]| -> Vec<String> {
            changes
                .iter()
                .map(|c| c.resource_id.replace("arn:aws:s3:::", ""))
                .collect()
        };
        assert_eq!(ids(&diff.fixed), ["deleted", "fixed"]);
        assert_eq!(ids(&diff.newly_failing), ["broke", "created"]);
        assert_eq!(ids(&diff.became_unknown), ["fail-to-unknown", "unseen"]);
        assert_eq!(diff.still_failing, 1);
        assert_eq!(diff.fixed[0].after, "ABSENT");
        assert_eq!(diff.newly_failing[1].before, "ABSENT");
        assert!(diff.has_new_failures());
    }

    #[test]
    fn a_fail_that_gets_suppressed_is_neither_fixed_nor_new() {
        let old = document(vec![finding(CHECK, Status::Fail, "a")]);
        let new = document(vec![suppressed(finding(CHECK, Status::Fail, "a"))]);
        let diff = AuditDiff::between(&old, &new);
        assert!(diff.fixed.is_empty() && diff.newly_failing.is_empty());
        let back = AuditDiff::between(&new, &old);
        assert_eq!(back.newly_failing.len(), 1);
        assert_eq!(back.newly_failing[0].before, "FAIL (suppressed)");
    }
}
