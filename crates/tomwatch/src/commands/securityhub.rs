//! `tomwatch audit --export securityhub`: the audit's FAILs into each audited account's
//! Security Hub, in the finding's own region (account-wide findings in the home region).

use crate::commands::setup::Setup;
use std::collections::BTreeMap;
use tomwatch_model::security_hub::SecurityHubFinding;
use tomwatch_report::document::{AuditDocument, FindingRecord, Status};

/// Imports every FAIL; `Err` says what failed, after every account was tried.
pub async fn export(setup: &Setup, document: &AuditDocument) -> Result<(), String> {
    let home = setup.connector.home_region();
    let mut by_scope: BTreeMap<(String, String), Vec<SecurityHubFinding>> = BTreeMap::new();
    for finding in document
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
    {
        let converted = convert(document, finding, &home);
        by_scope
            .entry((converted.account_id.clone(), converted.region.clone()))
            .or_default()
            .push(converted);
    }
    let mut problems = Vec::new();
    for ((account_id, region), findings) in &by_scope {
        let Some(planned) = setup
            .accounts
            .iter()
            .find(|a| &a.target.account_id == account_id)
        else {
            continue;
        };
        let session = match tomwatch_engine::connect(&setup.connector, &planned.target).await {
            Ok(session) => session,
            Err(error) => {
                problems.push(format!(
                    "Security Hub export to {account_id}: {}",
                    error.message
                ));
                continue;
            }
        };
        match session.import_to_security_hub(region, findings).await {
            Ok(outcome) => {
                eprintln!(
                    "Security Hub: {} of {} findings imported into {account_id} {region} in {} calls",
                    outcome.imported,
                    findings.len(),
                    outcome.calls
                );
                for (id, reason) in &outcome.refused {
                    problems.push(format!("Security Hub refused {id}: {reason}"));
                }
            }
            Err(error) => problems.push(format!(
                "Security Hub export to {account_id} {region} failed ({}): {}",
                error.kind, error.message
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn convert(document: &AuditDocument, finding: &FindingRecord, home: &str) -> SecurityHubFinding {
    let region = if finding.region == "global" {
        home.to_string()
    } else {
        finding.region.clone()
    };
    let mut related = vec![finding.control.to_string()];
    related.extend(document.requirement_labels(&finding.control));
    SecurityHubFinding {
        id: format!(
            "tomwatch/{}/{}/{}/{}",
            finding.check_id, finding.account_id, finding.region, finding.resource_id
        ),
        generator_id: format!("tomwatch/{}", finding.check_id),
        account_id: finding.account_id.to_string(),
        partition: tomwatch_aws::partition_of(&region).to_string(),
        region,
        title: format!(
            "{}: {}",
            finding.control,
            document.check_title(&finding.check_id)
        ),
        description: finding.message.clone(),
        severity_label: finding.severity.as_str().to_ascii_uppercase(),
        observed_at: document.finished_at.clone(),
        resource_type: finding.resource_type.to_string(),
        resource_id: finding.resource_id.clone(),
        related_requirements: related,
        remediation: finding.remediation.as_deref().map(str::to_string),
        suppressed_because: finding
            .suppression
            .as_ref()
            .filter(|_| finding.suppressed)
            .map(|n| {
                format!(
                    "suppressed until {} by {}: {}",
                    n.expires, n.owner, n.reason
                )
            }),
    }
}
