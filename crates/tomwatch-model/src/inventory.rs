//! What the collectors saw in one account, grouped by region and service.
//!
//! Every list and every per-resource detail is a [`Collected`]: either the value AWS returned or
//! the scoped error that prevented getting it.

mod cloudtrail;
mod ec2;
mod kms;
mod rds;
mod s3;

pub use cloudtrail::{CloudTrailInventory, Trail, TrailStatus};
pub use ec2::{Ec2Inventory, Ec2Instance, EbsVolume, IpPermission, SecurityGroup};
pub use kms::{KmsInventory, KmsKey, KmsKeyDetails};
pub use rds::{RdsInstance, RdsInventory};
pub use s3::{BucketEncryption, S3Bucket, S3Inventory};

use crate::{Collected, CollectionError};
use std::collections::BTreeMap;

/// The unit of collection: one AWS service, in one region (or account-wide for global services).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceKind {
    Ec2,
    Rds,
    Kms,
    CloudTrail,
    S3,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 5] = [
        ServiceKind::Ec2,
        ServiceKind::Rds,
        ServiceKind::Kms,
        ServiceKind::CloudTrail,
        ServiceKind::S3,
    ];

    /// The AWS service name, as used in IAM actions and metric labels.
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::Ec2 => "ec2",
            ServiceKind::Rds => "rds",
            ServiceKind::Kms => "kms",
            ServiceKind::CloudTrail => "cloudtrail",
            ServiceKind::S3 => "s3",
        }
    }

    /// Collected once per account rather than once per region.
    pub fn is_global(self) -> bool {
        matches!(self, ServiceKind::S3)
    }
}

/// Everything collected in one account.
#[derive(Debug, Clone)]
pub struct AccountInventory {
    pub account_id: String,
    /// The environment the config declares for this account (`production`, `development`, ...).
    pub environment: Option<String>,
    /// The regions that were scanned; an error here means no regional resource could be seen.
    pub regions: Collected<BTreeMap<String, RegionInventory>>,
    pub s3: S3Inventory,
}

impl AccountInventory {
    /// An account of which nothing could be seen, e.g. because AssumeRole failed.
    pub fn unreachable(account_id: &str, environment: Option<String>, error: CollectionError) -> Self {
        AccountInventory {
            account_id: account_id.to_string(),
            environment,
            regions: Err(error.clone()),
            s3: S3Inventory::failed(error),
        }
    }
}

/// Everything collected in one region of one account.
#[derive(Debug, Clone)]
pub struct RegionInventory {
    pub region: String,
    pub ec2: Ec2Inventory,
    pub rds: RdsInventory,
    pub kms: KmsInventory,
    pub cloudtrail: CloudTrailInventory,
}

impl RegionInventory {
    /// A region in which every service failed with the same error.
    pub fn failed(region: &str, error: &CollectionError) -> Self {
        RegionInventory {
            region: region.to_string(),
            ec2: Ec2Inventory::failed(error.clone()),
            rds: RdsInventory::failed(error.clone()),
            kms: KmsInventory::failed(error.clone()),
            cloudtrail: CloudTrailInventory::failed(error.clone()),
        }
    }
}

/// Tags as AWS returns them: key to value.
pub type Tags = BTreeMap<String, String>;
