use super::CollectedErrors;
use crate::{Collected, CollectionError};

/// IAM is global: collected once per account.
#[derive(Debug, Clone, CollectedErrors)]
pub struct IamInventory {
    /// When the listing was made (Unix seconds): the "now" that key ages are measured against,
    /// so checks stay pure functions of the inventory.
    pub collected_at: i64,
    pub account_summary: Collected<IamAccountSummary>,
    /// `None`: the account has no password policy (AWS then applies its weak defaults).
    pub password_policy: Collected<Option<PasswordPolicy>>,
    pub users: Collected<Vec<IamUser>>,
}

impl IamInventory {
    /// Written out rather than derived: `collected_at` is a plain value, not a collection.
    pub fn failed(error: CollectionError) -> Self {
        IamInventory {
            collected_at: 0,
            account_summary: Err(error.clone()),
            password_policy: Err(error.clone()),
            users: Err(error),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct IamAccountSummary {
    /// `AccountMFAEnabled`: the root user has an MFA device.
    pub root_mfa_enabled: bool,
    /// `AccountAccessKeysPresent`: the root user has access keys.
    pub root_access_keys_present: bool,
    /// `AccountPasswordPresent` and `AccountSigningCertificatesPresent`: whether the root user
    /// has any way to sign in besides access keys. `None` where the summary does not report
    /// them (older responses, emulators): then nothing shows the credentials are gone.
    pub root_password_present: Option<bool>,
    pub root_signing_certificates_present: Option<bool>,
}

impl IamAccountSummary {
    /// The summary proves the root user has no credentials at all: no password, access keys or
    /// signing certificates (as Organizations' centralized root access leaves a member account).
    pub fn root_credentials_absent(&self) -> bool {
        self.root_password_present == Some(false)
            && !self.root_access_keys_present
            && self.root_signing_certificates_present == Some(false)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct PasswordPolicy {
    pub minimum_length: i32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    /// Number of previous passwords that cannot be reused; `None` when not set.
    pub reuse_prevention: Option<i32>,
    /// Days until a password expires; `None` when passwords never expire.
    pub max_age_days: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct IamUser {
    pub arn: String,
    pub name: String,
    /// The user can sign in to the console (has a login profile).
    pub console_password: Collected<bool>,
    /// MFA devices, read only for a user with a console password (the sign-in MFA guards
    /// here): `None` when the user has no password or whether it has one is unknown, so a
    /// machine user costs no `ListMFADevices` call.
    pub mfa_devices: Option<Collected<usize>>,
    pub access_keys: Collected<Vec<AccessKey>>,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct AccessKey {
    pub id: String,
    pub active: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last use; `None` if never used.
    pub last_used_at: Collected<Option<i64>>,
}
