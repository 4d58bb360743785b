use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// Cognito user pools in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct CognitoInventory {
    pub user_pools: Collected<Vec<UserPool>>,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct UserPool {
    pub arn: String,
    pub id: String,
    pub name: String,
    /// The pool's settings from DescribeUserPool.
    pub details: Collected<UserPoolDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct UserPoolDetails {
    /// `OFF`, `ON` or `OPTIONAL`.
    pub mfa: String,
    pub password_policy: Option<UserPoolPasswordPolicy>,
    /// Threat protection (advanced security): `OFF`, `AUDIT` or `ENFORCED`; `None` when unset.
    pub advanced_security: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct UserPoolPasswordPolicy {
    pub minimum_length: i32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}
