use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct CloudTrailInventory {
    /// Trails whose home region is this region, the organization's trail included when the
    /// account is a member (it sees that trail only as a shadow trail).
    pub trails: Collected<Vec<Trail>>,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct Trail {
    pub arn: String,
    pub name: String,
    pub home_region: String,
    pub is_multi_region: bool,
    pub log_file_validation: bool,
    pub kms_key_id: Option<String>,
    /// The management account's trail that logs every member account.
    pub organization_trail: bool,
    pub status: Collected<TrailStatus>,
    pub event_selectors: Collected<TrailEvents>,
}

/// What a trail's event selectors (basic or advanced) make it record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, CollectedErrors)]
pub struct TrailEvents {
    pub management_read: bool,
    pub management_write: bool,
    /// Object-level (data) events of S3, for some or all buckets.
    pub s3_data: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct TrailStatus {
    pub is_logging: bool,
}
