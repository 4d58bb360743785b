//! The baseline's parameters, each declared once in `parameters!` below: its field in
//! `Parameters`, its key in a baseline's or a config's `parameters:` (`ParameterOverrides`), its
//! default, and the kind of value it takes (which says how it is checked). The built-in baseline
//! writes every one out with the same default; a test holds the two equal.

use crate::baseline::BaselineError;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// The kind of value a parameter takes: what YAML gives for it, and how it is checked.
pub trait ParameterKind {
    /// The value as written in YAML.
    type Written: DeserializeOwned + std::fmt::Debug + Clone;
    /// The value the checks use.
    type Value;
    /// The value, or what is wrong with it (the message names the parameter).
    fn accept(written: &Self::Written, name: &str) -> Result<Self::Value, String>;
}

/// Glob patterns of region names (`eu-*`, `eu-central-1`).
pub struct RegionGlobs;
impl ParameterKind for RegionGlobs {
    type Written = Vec<String>;
    type Value = RegionPolicy;
    fn accept(written: &Vec<String>, _: &str) -> Result<RegionPolicy, String> {
        RegionPolicy::new(written).map_err(|e| e.0)
    }
}

/// TCP ports.
pub struct Ports;
impl ParameterKind for Ports {
    type Written = Vec<u16>;
    type Value = Vec<u16>;
    fn accept(written: &Vec<u16>, _: &str) -> Result<Vec<u16>, String> {
        Ok(written.clone())
    }
}

/// A whole number of at least 1 (days, characters, instances).
pub struct AtLeastOne;
impl ParameterKind for AtLeastOne {
    type Written = i64;
    type Value = i32;
    fn accept(written: &i64, name: &str) -> Result<i32, String> {
        match i32::try_from(*written) {
            Ok(value) if value >= 1 => Ok(value),
            _ => Err(format!("{name} must be at least 1, not {written}")),
        }
    }
}

/// `true` or `false`.
pub struct Flag;
impl ParameterKind for Flag {
    type Written = bool;
    type Value = bool;
    fn accept(written: &bool, _: &str) -> Result<bool, String> {
        Ok(*written)
    }
}

/// A tag key: any text but the empty one.
pub struct TagKey;
impl ParameterKind for TagKey {
    type Written = String;
    type Value = String;
    fn accept(written: &String, name: &str) -> Result<String, String> {
        if written.trim().is_empty() {
            Err(format!("{name} must not be empty"))
        } else {
            Ok(written.clone())
        }
    }
}

/// A list of at least one non-empty name.
pub struct Names;
impl ParameterKind for Names {
    type Written = Vec<String>;
    type Value = Vec<String>;
    fn accept(written: &Vec<String>, name: &str) -> Result<Vec<String>, String> {
        if written.is_empty() || written.iter().any(|e| e.trim().is_empty()) {
            Err(format!("{name} must list at least one non-empty name"))
        } else {
            Ok(written.clone())
        }
    }
}

/// A list of non-empty names that may itself be empty (a requirement nobody has).
pub struct NamesOrNone;
impl ParameterKind for NamesOrNone {
    type Written = Vec<String>;
    type Value = Vec<String>;
    fn accept(written: &Vec<String>, name: &str) -> Result<Vec<String>, String> {
        if written.iter().any(|e| e.trim().is_empty()) {
            Err(format!("{name} must not contain an empty name"))
        } else {
            Ok(written.clone())
        }
    }
}

/// Which KMS keys satisfy "encrypted at rest with KMS" (`encryption_key.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KmsKeyRequirement {
    /// Any KMS key: the service's AWS managed key (`aws/s3`, `aws/rds`, ...) or the customer's.
    AwsOrCustomerManaged,
    /// Only keys the customer manages (and can disable, audit and restrict by key policy).
    CustomerManaged,
}

impl ParameterKind for KmsKeyRequirement {
    type Written = String;
    type Value = KmsKeyRequirement;
    fn accept(written: &String, name: &str) -> Result<KmsKeyRequirement, String> {
        match written.as_str() {
            "aws_or_customer_managed" => Ok(KmsKeyRequirement::AwsOrCustomerManaged),
            "customer_managed" => Ok(KmsKeyRequirement::CustomerManaged),
            other => Err(format!(
                "{name} must be aws_or_customer_managed or customer_managed, not '{other}'"
            )),
        }
    }
}

macro_rules! parameters {
    ($( $(#[doc = $doc:literal])* $name:ident: $kind:ty = $default:expr; )*) => {
        /// Tunable thresholds of the baseline. Defaults are the TOM document's promises.
        #[derive(Debug, Clone)]
        pub struct Parameters {
            $( $(#[doc = $doc])* pub $name: <$kind as ParameterKind>::Value, )*
        }

        impl Default for Parameters {
            fn default() -> Self {
                Parameters {
                    $( $name: <$kind as ParameterKind>::accept(&$default, stringify!($name))
                        .expect("the built-in defaults are valid (unit-tested)"), )*
                }
            }
        }

        /// Parameter values from a baseline file or a config's `baseline.parameters`: each one
        /// given replaces the value below it (tomwatch's defaults, then the baseline file, then
        /// the config).
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ParameterOverrides {
            $( $(#[doc = $doc])* #[serde(default)]
               pub $name: Option<Spanned<<$kind as ParameterKind>::Written>>, )*
        }

        impl ParameterOverrides {
            /// The parameters with every value given here in place, or every problem of them.
            pub fn apply(&self, mut params: Parameters) -> Result<Parameters, Vec<BaselineError>> {
                let mut problems = Vec::new();
                $( if let Some(written) = &self.$name {
                    match <$kind as ParameterKind>::accept(&written.value, stringify!($name)) {
                        Ok(value) => params.$name = value,
                        Err(message) => problems.push(BaselineError::at(&written.referenced, message)),
                    }
                } )*
                if problems.is_empty() {
                    self.contradictions(&params, &mut problems);
                }
                if problems.is_empty() {
                    Ok(params)
                } else {
                    Err(problems)
                }
            }
        }
    };
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|n| n.to_string()).collect()
}

/// "EU-Raum" as the TOM means it: the AWS regions (commercial partition) located in member
/// states of the European Union: Frankfurt, Ireland, Paris, Stockholm, Milan and Spain. Not
/// `eu-west-2` (London: the United Kingdom left the EU) and not `eu-central-2` (Zurich:
/// Switzerland is not a member), whatever their names say. The AWS European Sovereign Cloud
/// (`eusc-de-east-1`, in Germany) is a partition of its own that an account of the commercial
/// partition does not reach; an audit inside it allows its region by name.
pub const EU_MEMBER_STATE_REGIONS: &[&str] = &[
    "eu-central-1",
    "eu-west-1",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
];

parameters! {
    /// TOM-REGION: glob patterns of the regions workloads may live in. Default: the AWS regions
    /// located in member states of the European Union (`EU_MEMBER_STATE_REGIONS`).
    allowed_regions: RegionGlobs = names(EU_MEMBER_STATE_REGIONS);
    /// TOM-NET: TCP ports that may be open to 0.0.0.0/0 or ::/0 (public web traffic).
    world_open_ports: Ports = vec![80, 443];
    /// TOM-BACKUP: fewest days RDS automated backups must be kept (at least daily).
    min_backup_retention_days: AtLeastOne = 1;
    /// TOM-ACCESS: TCP ports of administrative access (SSH, RDP) never open to the internet.
    admin_ports: Ports = vec![22, 3389];
    /// TOM-ACCESS: oldest an active access key may be, in days.
    max_access_key_age_days: AtLeastOne = 90;
    /// TOM-ACCESS: longest an active access key may go unused, in days.
    max_access_key_unused_days: AtLeastOne = 90;
    /// TOM-ACCESS: the IAM password policy's minimum length.
    password_min_length: AtLeastOne = 14;
    /// TOM-ACCESS: how many previous passwords the policy must remember.
    password_reuse_prevention: AtLeastOne = 24;
    /// TOM-ACCESS: the longest a password may live, in days.
    password_max_age_days: AtLeastOne = 90;
    /// TOM-ACCOUNTS: the environments an account may declare (each account serves exactly one).
    environments: Names = names(&["production", "staging", "development"]);
    /// TOM-WAF: rule groups (managed group names, or names in a rule group's ARN) that protect
    /// against XSS and common exploits.
    waf_xss_rule_groups: Names = names(&["AWSManagedRulesCommonRuleSet"]);
    /// TOM-WAF: rule groups that protect against SQL injection.
    waf_sqli_rule_groups: Names = names(&["AWSManagedRulesSQLiRuleSet"]);
    /// TOM-AUTHN: the shortest password a Cognito user pool may allow.
    cognito_password_min_length: AtLeastOne = 12;
    /// TOM-AUTHN: whether MFA set to OPTIONAL satisfies the baseline.
    cognito_optional_mfa_allowed: Flag = false;
    /// TOM-AUTHN: whether Cognito threat protection must be ENFORCED.
    cognito_threat_protection_required: Flag = true;
    /// TOM-IAC: the tag naming the IaC tool (CloudFormation's own stack tag always counts).
    iac_tag_key: TagKey = "managed-by".to_string();
    /// TOM-IAC: the values of `iac_tag_key` that count as managed as code.
    iac_tag_values: Names = names(&["terraform", "opentofu", "cloudformation", "cdk", "pulumi"]);
    /// TOM-ACCOUNTS: the tag naming the environment a resource belongs to.
    environment_tag_key: TagKey = "environment".to_string();
    /// TOM-LOG: whether a trail must record S3 object-level (data) events.
    s3_data_events_required: Flag = false;
    /// TOM-AVAIL: fewest instances, tasks or Availability Zones of a critical component.
    min_redundancy: AtLeastOne = 2;
    /// TOM-BACKUP: whether every allowed region with workloads needs an AWS Backup plan with an
    /// at least daily rule.
    backup_plan_required: Flag = false;
    /// TOM-AVAIL: the environments whose accounts must alarm on anomaly-detection bands in every
    /// region that runs workloads (empty: none).
    anomaly_detection_environments: NamesOrNone = names(&["production"]);
    /// TOM-ENC-REST: which KMS keys count as "encrypted with KMS": `aws_or_customer_managed`
    /// (the service's AWS managed key too) or `customer_managed`.
    at_rest_kms_keys: KmsKeyRequirement = "aws_or_customer_managed".to_string();
}

impl ParameterOverrides {
    /// Values each valid alone that cannot hold together once this layer is applied, reported
    /// where this layer wrote one of them.
    fn contradictions(&self, params: &Parameters, problems: &mut Vec<BaselineError>) {
        let undeclared: Vec<&str> = (params.anomaly_detection_environments.iter())
            .filter(|env| !params.environments.contains(env))
            .map(String::as_str)
            .collect();
        if undeclared.is_empty() {
            return;
        }
        let at = match (&self.anomaly_detection_environments, &self.environments) {
            (Some(written), _) => &written.referenced,
            (None, Some(written)) => &written.referenced,
            // Both come from an earlier layer, which was checked when it was applied.
            (None, None) => return,
        };
        problems.push(BaselineError::at(
            at,
            format!(
                "anomaly_detection_environments names {}, which environments ({}) does not \
                 declare: no account could ever be held to it; add it to environments or \
                 correct the name",
                undeclared.join(", "),
                params.environments.join(", ")
            ),
        ));
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

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The patterns, for messages: "eu-central-1, eu-west-1".
    pub fn describe(&self) -> String {
        self.patterns.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_allows_the_regions_in_eu_member_states_and_nothing_else() {
        let policy = Parameters::default().allowed_regions;
        for region in [
            "eu-central-1",
            "eu-west-1",
            "eu-west-3",
            "eu-north-1",
            "eu-south-1",
        ] {
            assert!(policy.allows(region), "{region}");
        }
        assert!(policy.allows("eu-south-2"));
        // Named eu-, but outside the European Union.
        assert!(!policy.allows("eu-west-2"), "London");
        assert!(!policy.allows("eu-central-2"), "Zurich");
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
