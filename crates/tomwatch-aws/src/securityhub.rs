//! Sending FAILs to AWS Security Hub as ASFF findings (`tomwatch audit --export securityhub`):
//! the one call of tomwatch that writes, and only to Security Hub. `BatchImportFindings` takes
//! at most 100 findings and 6 MB per call; batches are cut within both.

use crate::attempts::sdk_client;
use crate::caller::Caller;
use crate::session::AwsSession;
use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Compliance, ComplianceStatus, Note, Recommendation, RecordState,
    Remediation, Resource, Severity, SeverityLabel, Workflow, WorkflowStatus,
};
use aws_sdk_securityhub::Client;
use tomwatch_model::security_hub::SecurityHubFinding;
use tomwatch_model::Collected;

/// Security Hub's limits for one `BatchImportFindings` call.
pub const MAX_FINDINGS_PER_CALL: usize = 100;
pub const MAX_BYTES_PER_CALL: usize = 6 * 1024 * 1024;
/// Room left in each call for the request's envelope and the SDK's field names, which the
/// plain finding's JSON does not count.
const ENVELOPE_BYTES: usize = 64 * 1024;

/// The ASFF schema version Security Hub requires.
const SCHEMA_VERSION: &str = "2018-10-08";
const FINDING_TYPE: &str = "Software and Configuration Checks/Industry and Regulatory Standards";
/// Security Hub's title and description limits (characters).
const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 1024;

/// How one import went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub imported: usize,
    pub calls: usize,
    /// Findings Security Hub refused, with its reason.
    pub refused: Vec<(String, String)>,
}

/// Cuts findings into batches of at most [`MAX_FINDINGS_PER_CALL`] whose JSON stays under
/// [`MAX_BYTES_PER_CALL`] with the envelope's room. A finding too large on its own still gets a
/// batch of its own: Security Hub then refuses that one finding, not the audit's.
pub fn batches(findings: &[SecurityHubFinding]) -> Vec<&[SecurityHubFinding]> {
    let budget = MAX_BYTES_PER_CALL - ENVELOPE_BYTES;
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, finding) in findings.iter().enumerate() {
        let size = serde_json::to_vec(finding).map_or(0, |v| v.len()) + 1;
        if i > start && (i - start == MAX_FINDINGS_PER_CALL || bytes + size > budget) {
            batches.push(&findings[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < findings.len() {
        batches.push(&findings[start..]);
    }
    batches
}

impl AwsSession {
    /// Imports `findings` (all of this account and of `region`) into that region's Security Hub.
    pub async fn import_to_security_hub(
        &self,
        region: &str,
        findings: &[SecurityHubFinding],
    ) -> Collected<ImportOutcome> {
        let client = sdk_client!(self, region, "securityhub", aws_sdk_securityhub);
        import(&client, &self.caller(region, "securityhub"), findings).await
    }
}

pub(crate) async fn import(
    client: &Client,
    caller: &Caller,
    findings: &[SecurityHubFinding],
) -> Collected<ImportOutcome> {
    let missing = |what| caller.missing("BatchImportFindings", what);
    let mut outcome = ImportOutcome::default();
    for batch in batches(findings) {
        let asff = batch.iter().map(asff).collect();
        let output = caller
            .call(
                "BatchImportFindings",
                client
                    .batch_import_findings()
                    .set_findings(Some(asff))
                    .send(),
            )
            .await?;
        outcome.calls += 1;
        let imported = output
            .success_count()
            .ok_or_else(|| missing("SuccessCount"))?;
        // A count below zero is no count: it is read as the error it would be.
        outcome.imported +=
            usize::try_from(imported).map_err(|_| missing("a non-negative SuccessCount"))?;
        for refused in output.failed_findings() {
            let id = refused.id().ok_or_else(|| missing("FailedFindings.Id"))?;
            let code = refused
                .error_code()
                .ok_or_else(|| missing("FailedFindings.ErrorCode"))?;
            let message = refused
                .error_message()
                .ok_or_else(|| missing("FailedFindings.ErrorMessage"))?;
            outcome
                .refused
                .push((id.to_string(), format!("{code}: {message}")));
        }
    }
    Ok(outcome)
}

/// The product a customer's own findings are imported as: the account's default product.
fn product_arn(finding: &SecurityHubFinding) -> String {
    format!(
        "arn:{}:securityhub:{}:{}:product/{}/default",
        finding.partition, finding.region, finding.account_id, finding.account_id
    )
}

fn clip(text: &str, limit: usize) -> String {
    text.chars().take(limit).collect()
}

fn asff(finding: &SecurityHubFinding) -> AwsSecurityFinding {
    let resource = Resource::builder()
        .r#type(resource_type(&finding.resource_type))
        .id(&finding.resource_id)
        .partition(finding.partition.as_str().into())
        .region(&finding.region)
        .build();
    let mut builder = AwsSecurityFinding::builder()
        .schema_version(SCHEMA_VERSION)
        .id(&finding.id)
        .product_arn(product_arn(finding))
        .generator_id(&finding.generator_id)
        .aws_account_id(&finding.account_id)
        .region(&finding.region)
        .types(FINDING_TYPE)
        .created_at(&finding.observed_at)
        .updated_at(&finding.observed_at)
        .severity(
            Severity::builder()
                .label(SeverityLabel::from(finding.severity_label.as_str()))
                .build(),
        )
        .title(clip(&finding.title, MAX_TITLE))
        .description(clip(&finding.description, MAX_DESCRIPTION))
        .resources(resource)
        .compliance(
            Compliance::builder()
                .status(ComplianceStatus::Failed)
                .set_related_requirements(Some(finding.related_requirements.clone()))
                .build(),
        )
        .record_state(RecordState::Active);
    if let Some(text) = &finding.remediation {
        builder = builder.remediation(
            Remediation::builder()
                .recommendation(Recommendation::builder().text(clip(text, 512)).build())
                .build(),
        );
    }
    if let Some(reason) = &finding.suppressed_because {
        builder = builder
            .workflow(
                Workflow::builder()
                    .status(WorkflowStatus::Suppressed)
                    .build(),
            )
            .note(
                Note::builder()
                    .text(clip(reason, 512))
                    .updated_by("tomwatch")
                    .updated_at(&finding.observed_at)
                    .build(),
            );
    }
    builder.build()
}

/// ASFF names resource types `AwsS3Bucket` where CloudFormation says `AWS::S3::Bucket`; a type
/// ASFF does not list is `Other`.
fn resource_type(cloudformation: &str) -> String {
    let parts: Vec<&str> = cloudformation.split("::").collect();
    match parts.as_slice() {
        ["AWS", service, kind] => {
            let title = |s: &str| {
                let mut chars = s.chars();
                chars.next().map_or(String::new(), |c| {
                    c.to_uppercase().collect::<String>() + &chars.as_str().to_ascii_lowercase()
                })
            };
            format!("Aws{}{}", title(service), kind)
        }
        _ => "Other".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{caller, mocked_client};
    use aws_sdk_securityhub::operation::batch_import_findings::BatchImportFindingsOutput;
    use aws_sdk_securityhub::types::ImportFindingsError;
    use aws_smithy_mocks::mock;

    fn finding(n: usize, description: &str) -> SecurityHubFinding {
        SecurityHubFinding {
            id: format!("tomwatch/check/111111111111/eu-central-1/r{n}"),
            generator_id: "s3_bucket_default_encryption_kms".to_string(),
            account_id: "111111111111".to_string(),
            region: "eu-central-1".to_string(),
            title: "S3 buckets encrypt with KMS".to_string(),
            description: description.to_string(),
            severity_label: "HIGH".to_string(),
            observed_at: "2026-12-04T10:00:00Z".to_string(),
            resource_type: "AWS::S3::Bucket".to_string(),
            resource_id: format!("arn:aws:s3:::r{n}"),
            partition: "aws".to_string(),
            related_requirements: vec!["TOM-ENC-REST".to_string()],
            remediation: Some("Turn on SSE-KMS.".to_string()),
            suppressed_because: None,
        }
    }

    #[test]
    fn batches_hold_at_most_100_findings() {
        let findings: Vec<_> = (0..250).map(|n| finding(n, "d")).collect();
        let sizes: Vec<usize> = batches(&findings).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [100, 100, 50]);
    }

    #[test]
    fn batches_stay_under_six_megabytes() {
        // 60 findings of 250 KB: 15 MB, more than two calls' budget, so at least three calls
        // although fewer than 100 findings.
        let big = "x".repeat(250 * 1024);
        let findings: Vec<_> = (0..60).map(|n| finding(n, &big)).collect();
        let cut = batches(&findings);
        assert!(cut.len() >= 3, "{} batches", cut.len());
        for batch in &cut {
            let bytes: usize = batch
                .iter()
                .map(|f| serde_json::to_vec(f).map_or(0, |v| v.len()))
                .sum();
            assert!(bytes <= MAX_BYTES_PER_CALL - ENVELOPE_BYTES, "{bytes}");
        }
        assert_eq!(cut.iter().map(|b| b.len()).sum::<usize>(), 60);
    }

    #[test]
    fn cloudformation_types_become_asff_types() {
        assert_eq!(resource_type("AWS::S3::Bucket"), "AwsS3Bucket");
        assert_eq!(
            resource_type("AWS::EC2::SecurityGroup"),
            "AwsEc2SecurityGroup"
        );
        assert_eq!(resource_type("AWS::IAM::User"), "AwsIamUser");
        assert_eq!(resource_type("account"), "Other");
    }

    #[test]
    fn a_finding_carries_what_security_hub_requires() {
        let mut suppressed = finding(1, "d");
        suppressed.suppressed_because = Some("accepted until 2027-01-31 by platform".into());
        let asff = asff(&suppressed);
        assert_eq!(asff.schema_version(), Some(SCHEMA_VERSION));
        assert_eq!(
            asff.product_arn(),
            Some("arn:aws:securityhub:eu-central-1:111111111111:product/111111111111/default")
        );
        assert_eq!(
            asff.compliance().and_then(|c| c.status()),
            Some(&ComplianceStatus::Failed)
        );
        assert_eq!(
            asff.workflow().and_then(|w| w.status()),
            Some(&WorkflowStatus::Suppressed)
        );
        assert_eq!(asff.resources()[0].r#type(), Some("AwsS3Bucket"));
    }

    #[tokio::test]
    async fn every_batch_is_one_call_and_refusals_are_reported() {
        let call = mock!(Client::batch_import_findings)
            .sequence()
            .output(|| {
                BatchImportFindingsOutput::builder()
                    .success_count(100)
                    .failed_count(0)
                    .build()
            })
            .output(|| {
                BatchImportFindingsOutput::builder()
                    .success_count(19)
                    .failed_count(1)
                    .failed_findings(
                        ImportFindingsError::builder()
                            .id("tomwatch/check/111111111111/eu-central-1/r100")
                            .error_code("InvalidInput")
                            .error_message("Finding does not adhere to ASFF")
                            .build(),
                    )
                    .build()
            })
            .build();
        let client = mocked_client!(aws_sdk_securityhub, call);
        let findings: Vec<_> = (0..120).map(|n| finding(n, "d")).collect();
        let outcome = import(&client, &caller("eu-central-1", "securityhub"), &findings)
            .await
            .expect("imported");
        assert_eq!(outcome.calls, 2);
        assert_eq!(outcome.imported, 119);
        assert_eq!(outcome.refused.len(), 1);
        assert!(outcome.refused[0].1.contains("InvalidInput"));
        assert_eq!(call.num_calls(), 2);
    }

    #[tokio::test]
    async fn a_response_without_its_counts_is_an_error_not_zero_imported() {
        let call = mock!(Client::batch_import_findings)
            .then_output(|| BatchImportFindingsOutput::builder().build());
        let client = mocked_client!(aws_sdk_securityhub, call);
        let findings: Vec<_> = (0..3).map(|n| finding(n, "d")).collect();
        let error = import(&client, &caller("eu-central-1", "securityhub"), &findings)
            .await
            .expect_err("a response without SuccessCount says nothing about what was imported");
        assert!(error.message.contains("SuccessCount"), "{error:?}");
    }
}
