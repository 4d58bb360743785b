use crate::{Collected, CollectionError};

/// Cognito user pools in one region.
#[derive(Debug, Clone)]
pub struct CognitoInventory {
    pub user_pools: Collected<Vec<UserPool>>,
}

impl CognitoInventory {
    pub fn failed(error: CollectionError) -> Self {
        CognitoInventory {
            user_pools: Err(error),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserPool {
    pub arn: String,
    pub id: String,
    pub name: String,
    /// The pool's settings from DescribeUserPool.
    pub details: Collected<UserPoolDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPoolDetails {
    /// `OFF`, `ON` or `OPTIONAL`.
    pub mfa: String,
    pub password_policy: Option<UserPoolPasswordPolicy>,
    /// Threat protection (advanced security): `OFF`, `AUDIT` or `ENFORCED`; `None` when unset.
    pub advanced_security: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPoolPasswordPolicy {
    pub minimum_length: i32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}
