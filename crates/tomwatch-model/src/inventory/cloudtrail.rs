use crate::{Collected, CollectionError};

#[derive(Debug, Clone)]
pub struct CloudTrailInventory {
    /// Trails whose home region is this region (shadow copies of multi-region trails excluded).
    pub trails: Collected<Vec<Trail>>,
}

impl CloudTrailInventory {
    pub fn failed(error: CollectionError) -> Self {
        CloudTrailInventory { trails: Err(error) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    pub arn: String,
    pub name: String,
    pub home_region: String,
    pub is_multi_region: bool,
    pub log_file_validation: bool,
    pub kms_key_id: Option<String>,
    pub status: Collected<TrailStatus>,
    pub event_selectors: Collected<TrailEvents>,
}

/// What a trail's event selectors (basic or advanced) make it record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrailEvents {
    pub management_read: bool,
    pub management_write: bool,
    /// Object-level (data) events of S3, for some or all buckets.
    pub s3_data: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailStatus {
    pub is_logging: bool,
}
