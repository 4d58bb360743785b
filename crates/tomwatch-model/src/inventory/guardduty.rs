use crate::{Collected, CollectionError};

/// GuardDuty in one region: its detectors (at most one per account and region).
#[derive(Debug, Clone)]
pub struct GuardDutyInventory {
    pub detectors: Collected<Vec<Detector>>,
}

impl GuardDutyInventory {
    pub fn failed(error: CollectionError) -> Self {
        GuardDutyInventory {
            detectors: Err(error),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detector {
    pub id: String,
    /// `Status` is `ENABLED` (rather than `DISABLED`).
    pub enabled: Collected<bool>,
}
