//! The `baseline:` and `suppressions:` sections: what the audit judges by.

use super::ConfigError;
use crate::policy::{Pattern, Policy, Suppression};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::Path;
use tomwatch_checks::{all_checks, Baseline, ParameterOverrides};

/// Which baseline to enforce and how to adapt it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineConfig {
    /// A baseline file of your own in the format of `config/baselines/tom.yaml`, relative to this
    /// config file. Default: the built-in TOM baseline.
    #[serde(default)]
    pub file: Option<Spanned<String>>,
    /// Parameter values that replace the baseline's, e.g. `allowed_regions: ["eu-central-1"]`.
    #[serde(default)]
    pub parameters: ParameterOverrides,
    /// Checks not to run, each with the reason (shown by `tomwatch checks` and in reports).
    #[serde(default)]
    pub disable: Vec<DisabledCheck>,
    /// Checks to run that the baseline marks as going beyond the TOM's words (off by default),
    /// e.g. `[cognito_user_pool_threat_protection]`.
    #[serde(default)]
    pub enable: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisabledCheck {
    /// A check ID from `tomwatch checks`.
    pub check: Spanned<String>,
    /// Why the check does not apply here; required.
    pub reason: Spanned<String>,
}

/// An accepted FAIL. It keeps the FAIL visible (marked suppressed) but stops it from failing the
/// audit or paging, and only until `expires`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionConfig {
    /// A check ID or a glob of them, e.g. `ec2_security_group_*`.
    pub check: Spanned<String>,
    /// A glob over the resource ARN, e.g. `arn:aws:ec2:eu-central-1:111111111111:security-group/sg-0abc*`.
    pub resource: Spanned<String>,
    /// Why the risk is accepted.
    pub reason: Spanned<String>,
    /// Who accepted it and answers for it: a team or a person.
    pub owner: Spanned<String>,
    /// The last day the suppression applies, `YYYY-MM-DD` (UTC). Required: nothing is accepted forever.
    pub expires: Spanned<String>,
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Resolves the baseline (built-in or a file) and the suppressions, collecting every problem.
pub(super) fn resolve(
    path: &Path,
    baseline: &BaselineConfig,
    suppressions: &[SuppressionConfig],
) -> Result<Policy, Vec<ConfigError>> {
    let mut problems = Vec::new();
    let mut resolved = match &baseline.file {
        None => Baseline::builtin(),
        Some(file) => {
            let baseline_path = path.parent().unwrap_or(Path::new(".")).join(&file.value);
            match std::fs::read_to_string(&baseline_path) {
                Err(e) => {
                    problems.push(ConfigError::at(
                        path,
                        &file.referenced,
                        format!(
                            "baseline.file {}: cannot read: {e}",
                            baseline_path.display()
                        ),
                    ));
                    return Err(problems);
                }
                Ok(text) => match Baseline::parse(&text) {
                    Ok(parsed) => parsed,
                    Err(errors) => {
                        return Err(errors
                            .into_iter()
                            .map(|e| ConfigError::located(&baseline_path, e))
                            .collect())
                    }
                },
            }
        }
    };
    if let Err(errors) = resolved.override_parameters(&baseline.parameters) {
        problems.extend(errors.into_iter().map(|e| ConfigError::located(path, e)));
    }
    for enabled in &baseline.enable {
        if baseline
            .disable
            .iter()
            .any(|d| d.check.value == enabled.value)
        {
            problems.push(ConfigError::at(
                path,
                &enabled.referenced,
                format!(
                    "check {} is both enabled and disabled: keep one of the two",
                    enabled.value
                ),
            ));
        } else if let Err(message) = resolved.enable(&enabled.value) {
            problems.push(ConfigError::at(path, &enabled.referenced, message));
        }
    }
    for disabled in &baseline.disable {
        if disabled.reason.value.trim().is_empty() {
            problems.push(ConfigError::at(
                path,
                &disabled.reason.referenced,
                format!("disabling {} needs a reason", disabled.check.value),
            ));
        }
        if let Err(message) = resolved.disable(&disabled.check.value, &disabled.reason.value) {
            problems.push(ConfigError::at(path, &disabled.check.referenced, message));
        }
    }
    let mut resolved_suppressions = Vec::new();
    for entry in suppressions {
        match suppression(entry) {
            Ok(s) => resolved_suppressions.push(s),
            Err(errors) => problems.extend(
                errors
                    .into_iter()
                    .map(|(at, message)| ConfigError::at(path, &at, message)),
            ),
        }
    }
    if problems.is_empty() {
        Ok(Policy {
            baseline: resolved,
            suppressions: resolved_suppressions,
        })
    } else {
        Err(problems)
    }
}

fn suppression(
    entry: &SuppressionConfig,
) -> Result<Suppression, Vec<(serde_saphyr::Location, String)>> {
    let mut problems = Vec::new();
    let check = Pattern::new(&entry.check.value)
        .map_err(|e| problems.push((entry.check.referenced, format!("check: {e}"))))
        .ok();
    if let Some(pattern) = &check {
        if !all_checks().iter().any(|c| pattern.matches(c.meta.id)) {
            problems.push((
                entry.check.referenced,
                format!(
                    "check `{}` matches no check (`tomwatch checks` lists them)",
                    entry.check.value
                ),
            ));
        }
    }
    let resource = Pattern::new(&entry.resource.value)
        .map_err(|e| problems.push((entry.resource.referenced, format!("resource: {e}"))))
        .ok();
    for (field, name) in [(&entry.reason, "reason"), (&entry.owner, "owner")] {
        if field.value.trim().is_empty() {
            problems.push((
                field.referenced,
                format!("a suppression needs a non-empty {name}"),
            ));
        }
    }
    let expires = time::Date::parse(&entry.expires.value, DATE_FORMAT)
        .map_err(|_| {
            problems.push((
                entry.expires.referenced,
                format!(
                    "expires `{}` is not a date like 2027-03-31",
                    entry.expires.value
                ),
            ))
        })
        .ok();
    match (check, resource, expires) {
        (Some(check), Some(resource), Some(expires)) if problems.is_empty() => Ok(Suppression {
            check,
            resource,
            reason: entry.reason.value.clone(),
            owner: entry.owner.value.clone(),
            expires,
        }),
        _ => Err(problems),
    }
}
