use crate::baseline::BaselineError;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_saphyr::Spanned;

/// Tunable thresholds of the baseline. Defaults are the TOM document's promises.
#[derive(Debug, Clone)]
pub struct Parameters {
    pub allowed_regions: RegionPolicy,
    /// Ports that may be open to 0.0.0.0/0 or ::/0 (public web traffic).
    pub world_open_ports: Vec<u16>,
    /// Fewest days RDS automated backups must be kept (TOM-BACKUP: at least daily).
    pub min_backup_retention_days: i32,
    /// TCP ports of administrative access that must never be open to the internet (TOM-ACCESS).
    pub admin_ports: Vec<u16>,
    /// Oldest an active access key may be, and longest it may go unused (TOM-ACCESS).
    pub max_access_key_age_days: u32,
    pub max_access_key_unused_days: u32,
    /// The IAM password policy's floor (TOM-ACCESS).
    pub password_min_length: i32,
    pub password_reuse_prevention: i32,
    pub password_max_age_days: i32,
    /// The environments an account may declare (TOM-ACCOUNTS).
    pub environments: Vec<String>,
    /// Rule groups (managed group names, or names in a rule group's ARN) that count as
    /// protection against XSS and common exploits, and against SQL injection (TOM-WAF).
    pub waf_xss_rule_groups: Vec<String>,
    pub waf_sqli_rule_groups: Vec<String>,
    /// Cognito: the shortest password a user pool may allow, whether OPTIONAL MFA is enough, and
    /// whether threat protection must be ENFORCED (TOM-AUTHN).
    pub cognito_password_min_length: i32,
    pub cognito_optional_mfa_allowed: bool,
    pub cognito_threat_protection_required: bool,
    /// The tag that names the IaC tool managing a resource, and the tools that count (TOM-IAC).
    pub iac_tag_key: String,
    pub iac_tag_values: Vec<String>,
    /// The tag that names the environment a resource belongs to (TOM-ACCOUNTS).
    pub environment_tag_key: String,
    /// Whether a trail must record S3 object-level (data) events (TOM-LOG, "where configured").
    pub s3_data_events_required: bool,
    /// Fewest instances, tasks or Availability Zones a critical component runs on (TOM-AVAIL).
    pub min_redundancy: i32,
    /// Whether every allowed region with workloads needs an AWS Backup plan with an at least
    /// daily rule (TOM-BACKUP, "where configured").
    pub backup_plan_required: bool,
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            allowed_regions: RegionPolicy::new(&["eu-*".to_string()])
                .expect("the built-in region pattern is valid"),
            world_open_ports: vec![80, 443],
            min_backup_retention_days: 1,
            admin_ports: vec![22, 3389],
            max_access_key_age_days: 90,
            max_access_key_unused_days: 90,
            password_min_length: 14,
            password_reuse_prevention: 24,
            password_max_age_days: 90,
            environments: ["production", "staging", "development"]
                .map(String::from)
                .to_vec(),
            waf_xss_rule_groups: vec!["AWSManagedRulesCommonRuleSet".into()],
            waf_sqli_rule_groups: vec!["AWSManagedRulesSQLiRuleSet".into()],
            cognito_password_min_length: 12,
            cognito_optional_mfa_allowed: false,
            cognito_threat_protection_required: true,
            iac_tag_key: "managed-by".into(),
            iac_tag_values: ["terraform", "opentofu", "cloudformation", "cdk", "pulumi"]
                .map(String::from)
                .to_vec(),
            environment_tag_key: "environment".into(),
            s3_data_events_required: false,
            min_redundancy: 2,
            backup_plan_required: false,
        }
    }
}

/// Parameter values from a baseline file or a config's `baseline.parameters`: each one given
/// replaces the value below it (tomwatch's defaults, then the baseline file, then the config).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterOverrides {
    /// TOM-REGION: glob patterns of the regions workloads may live in, e.g. `["eu-*"]`.
    #[serde(default)]
    pub allowed_regions: Option<Spanned<Vec<String>>>,
    /// TOM-NET: TCP ports that may be open to the whole internet.
    #[serde(default)]
    pub world_open_ports: Option<Vec<u16>>,
    /// TOM-BACKUP: fewest days RDS automated backups must be kept (at least 1).
    #[serde(default)]
    pub min_backup_retention_days: Option<Spanned<i32>>,
    /// TOM-ACCESS: TCP ports of administrative access (SSH, RDP) never open to the internet.
    #[serde(default)]
    pub admin_ports: Option<Vec<u16>>,
    /// TOM-ACCESS: oldest an active access key may be, in days.
    #[serde(default)]
    pub max_access_key_age_days: Option<Spanned<u32>>,
    /// TOM-ACCESS: longest an active access key may go unused, in days.
    #[serde(default)]
    pub max_access_key_unused_days: Option<Spanned<u32>>,
    /// TOM-ACCESS: the IAM password policy's minimum length.
    #[serde(default)]
    pub password_min_length: Option<Spanned<i32>>,
    /// TOM-ACCESS: how many previous passwords the policy must remember.
    #[serde(default)]
    pub password_reuse_prevention: Option<Spanned<i32>>,
    /// TOM-ACCESS: the longest a password may live, in days.
    #[serde(default)]
    pub password_max_age_days: Option<Spanned<i32>>,
    /// TOM-ACCOUNTS: the environments an account may declare.
    #[serde(default)]
    pub environments: Option<Spanned<Vec<String>>>,
    /// TOM-WAF: rule groups that protect against XSS and common exploits.
    #[serde(default)]
    pub waf_xss_rule_groups: Option<Spanned<Vec<String>>>,
    /// TOM-WAF: rule groups that protect against SQL injection.
    #[serde(default)]
    pub waf_sqli_rule_groups: Option<Spanned<Vec<String>>>,
    /// TOM-AUTHN: the shortest password a Cognito user pool may allow.
    #[serde(default)]
    pub cognito_password_min_length: Option<Spanned<i32>>,
    /// TOM-AUTHN: whether MFA set to OPTIONAL satisfies the baseline (default false).
    #[serde(default)]
    pub cognito_optional_mfa_allowed: Option<bool>,
    /// TOM-AUTHN: whether Cognito threat protection must be ENFORCED (default true).
    #[serde(default)]
    pub cognito_threat_protection_required: Option<bool>,
    /// TOM-IAC: the tag naming the IaC tool (besides CloudFormation's own stack tag).
    #[serde(default)]
    pub iac_tag_key: Option<Spanned<String>>,
    /// TOM-IAC: the values of `iac_tag_key` that count as managed as code.
    #[serde(default)]
    pub iac_tag_values: Option<Spanned<Vec<String>>>,
    /// TOM-ACCOUNTS: the tag naming a resource's environment.
    #[serde(default)]
    pub environment_tag_key: Option<Spanned<String>>,
    /// TOM-LOG: whether a trail must record S3 data events (default false).
    #[serde(default)]
    pub s3_data_events_required: Option<bool>,
    /// TOM-AVAIL: fewest instances, tasks or Availability Zones of a critical component.
    #[serde(default)]
    pub min_redundancy: Option<Spanned<i32>>,
    /// TOM-BACKUP: whether an AWS Backup plan with a daily rule is required (default false).
    #[serde(default)]
    pub backup_plan_required: Option<bool>,
}

/// Takes a positive number from an override, or records where it is not.
fn positive<T: Copy + PartialOrd + Default + std::fmt::Display>(
    value: &Option<Spanned<T>>,
    name: &str,
    target: &mut T,
    problems: &mut Vec<BaselineError>,
) {
    if let Some(v) = value {
        if v.value > T::default() {
            *target = v.value;
        } else {
            problems.push(BaselineError::at(
                &v.referenced,
                format!("{name} must be at least 1, not {}", v.value),
            ));
        }
    }
}

impl ParameterOverrides {
    pub fn apply(&self, mut params: Parameters) -> Result<Parameters, Vec<BaselineError>> {
        let mut problems = Vec::new();
        if let Some(patterns) = &self.allowed_regions {
            match RegionPolicy::new(&patterns.value) {
                Ok(policy) => params.allowed_regions = policy,
                Err(e) => problems.push(BaselineError::at(&patterns.referenced, e.0)),
            }
        }
        if let Some(ports) = &self.world_open_ports {
            params.world_open_ports = ports.clone();
        }
        if let Some(days) = &self.min_backup_retention_days {
            if days.value < 1 {
                problems.push(BaselineError::at(
                    &days.referenced,
                    format!(
                        "min_backup_retention_days must be at least 1 (daily backups), not {}",
                        days.value
                    ),
                ));
            } else {
                params.min_backup_retention_days = days.value;
            }
        }
        if let Some(ports) = &self.admin_ports {
            params.admin_ports = ports.clone();
        }
        positive(
            &self.max_access_key_age_days,
            "max_access_key_age_days",
            &mut params.max_access_key_age_days,
            &mut problems,
        );
        positive(
            &self.max_access_key_unused_days,
            "max_access_key_unused_days",
            &mut params.max_access_key_unused_days,
            &mut problems,
        );
        positive(
            &self.password_min_length,
            "password_min_length",
            &mut params.password_min_length,
            &mut problems,
        );
        positive(
            &self.password_reuse_prevention,
            "password_reuse_prevention",
            &mut params.password_reuse_prevention,
            &mut problems,
        );
        positive(
            &self.password_max_age_days,
            "password_max_age_days",
            &mut params.password_max_age_days,
            &mut problems,
        );
        positive(
            &self.cognito_password_min_length,
            "cognito_password_min_length",
            &mut params.cognito_password_min_length,
            &mut problems,
        );
        if let Some(allowed) = self.cognito_optional_mfa_allowed {
            params.cognito_optional_mfa_allowed = allowed;
        }
        if let Some(required) = self.cognito_threat_protection_required {
            params.cognito_threat_protection_required = required;
        }
        if let Some(required) = self.s3_data_events_required {
            params.s3_data_events_required = required;
        }
        if let Some(required) = self.backup_plan_required {
            params.backup_plan_required = required;
        }
        positive(
            &self.min_redundancy,
            "min_redundancy",
            &mut params.min_redundancy,
            &mut problems,
        );
        for (value, name, target) in [
            (&self.iac_tag_key, "iac_tag_key", &mut params.iac_tag_key),
            (
                &self.environment_tag_key,
                "environment_tag_key",
                &mut params.environment_tag_key,
            ),
        ] {
            if let Some(key) = value {
                if key.value.trim().is_empty() {
                    problems.push(BaselineError::at(
                        &key.referenced,
                        format!("{name} must not be empty"),
                    ));
                } else {
                    *target = key.value.clone();
                }
            }
        }
        for (value, name, target) in [
            (&self.environments, "environments", &mut params.environments),
            (
                &self.waf_xss_rule_groups,
                "waf_xss_rule_groups",
                &mut params.waf_xss_rule_groups,
            ),
            (
                &self.waf_sqli_rule_groups,
                "waf_sqli_rule_groups",
                &mut params.waf_sqli_rule_groups,
            ),
        ] {
            if let Some(list) = value {
                if list.value.is_empty() || list.value.iter().any(|e| e.trim().is_empty()) {
                    problems.push(BaselineError::at(
                        &list.referenced,
                        format!("{name} must list at least one non-empty name"),
                    ));
                } else {
                    *target = list.value.clone();
                }
            }
        }
        if problems.is_empty() {
            Ok(params)
        } else {
            Err(problems)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterError(pub String);

impl std::fmt::Display for ParameterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParameterError {}

/// Which regions workloads may live in, as glob patterns (`eu-*`, `eu-central-1`).
#[derive(Debug, Clone)]
pub struct RegionPolicy {
    patterns: Vec<String>,
    set: GlobSet,
}

impl RegionPolicy {
    pub fn new(patterns: &[String]) -> Result<Self, ParameterError> {
        if patterns.is_empty() {
            return Err(ParameterError(
                "allowed_regions needs at least one region or pattern".into(),
            ));
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = Glob::new(pattern).map_err(|e| {
                ParameterError(format!(
                    "allowed_regions: '{pattern}' is not a valid pattern: {e}"
                ))
            })?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .map_err(|e| ParameterError(format!("allowed_regions: {e}")))?;
        Ok(RegionPolicy {
            patterns: patterns.to_vec(),
            set,
        })
    }

    pub fn allows(&self, region: &str) -> bool {
        self.set.is_match(region)
    }

    /// The patterns, for messages: "allowed: eu-*".
    pub fn describe(&self) -> String {
        self.patterns.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_allows_every_eu_region_and_nothing_else() {
        let policy = Parameters::default().allowed_regions;
        assert!(policy.allows("eu-central-1"));
        assert!(policy.allows("eu-south-2"));
        assert!(!policy.allows("us-east-1"));
        assert!(!policy.allows("me-central-1"));
    }

    #[test]
    fn empty_and_malformed_patterns_are_rejected_with_the_reason() {
        assert!(RegionPolicy::new(&[]).is_err());
        let error = RegionPolicy::new(&["eu-[".to_string()]).unwrap_err();
        assert!(error.0.contains("eu-["), "{error}");
    }
}
