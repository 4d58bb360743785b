use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct KmsInventory {
    pub keys: Collected<Vec<KmsKey>>,
}

/// A key from `ListKeys`; its details need per-key calls that can fail on their own.
#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct KmsKey {
    pub arn: String,
    pub key_id: String,
    pub details: Collected<KmsKeyDetails>,
    /// Automatic rotation status; `None` exactly when [`KmsKeyDetails::rotation_applies`] is false
    /// (the collector does not ask where AWS has no such setting).
    pub rotation_enabled: Option<Collected<bool>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct KmsKeyDetails {
    /// `AWS` or `CUSTOMER`.
    pub key_manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    pub key_state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, ...
    pub key_spec: String,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: String,
}

impl KmsKeyDetails {
    pub fn is_customer_managed(&self) -> bool {
        self.key_manager == "CUSTOMER"
    }

    /// AWS supports automatic rotation only for symmetric keys with KMS-generated material.
    pub fn supports_automatic_rotation(&self) -> bool {
        self.key_spec == "SYMMETRIC_DEFAULT" && self.origin == "AWS_KMS"
    }

    /// Whether the key can encrypt at all: a disabled key or one scheduled for deletion cannot,
    /// so nothing new is encrypted with material that should have been rotated.
    pub fn can_encrypt(&self) -> bool {
        !matches!(
            self.key_state.as_str(),
            "Disabled" | "PendingDeletion" | "PendingReplicaDeletion"
        )
    }

    /// Whether the TOM rotation promise applies: a usable customer-managed key that AWS can rotate.
    pub fn rotation_applies(&self) -> bool {
        self.is_customer_managed() && self.supports_automatic_rotation() && self.can_encrypt()
    }
}
