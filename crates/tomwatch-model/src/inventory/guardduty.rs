use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// GuardDuty in one region: its detectors (at most one per account and region).
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct GuardDutyInventory {
    pub detectors: Collected<Vec<Detector>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct Detector {
    pub id: String,
    /// `Status` is `ENABLED` (rather than `DISABLED`).
    pub enabled: Collected<bool>,
}
