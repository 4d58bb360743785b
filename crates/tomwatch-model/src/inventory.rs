//! What the collectors saw in one account, grouped by region and service.
//!
//! Every list and every per-resource detail is a [`Collected`]: either the value AWS returned or
//! the scoped error that prevented getting it.

mod autoscaling;
mod backup;
mod cloudtrail;
mod cloudwatch;
mod cognito;
mod ec2;
mod ecs;
mod elasticache;
mod elbv2;
mod errors;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod organizations;
mod rds;
mod s3;

pub use autoscaling::{AutoScalingGroup, AutoScalingInventory};
pub use backup::{BackupInventory, BackupPlan, BackupRule, BackupVault, RecoveryPoint};
pub use cloudtrail::{CloudTrailInventory, Trail, TrailEvents, TrailStatus};
pub use cloudwatch::{Alarm, CloudWatchInventory};
pub use cognito::{CognitoInventory, UserPool, UserPoolDetails, UserPoolPasswordPolicy};
pub use ec2::{EbsVolume, Ec2Instance, Ec2Inventory, IpPermission, RouteTable, SecurityGroup, Vpc};
pub use ecs::{EcsCluster, EcsInventory, EcsService};
pub use elasticache::{CacheCluster, CacheSubnets, ElastiCacheInventory, ReplicationGroup};
pub use elbv2::{Elbv2Inventory, Listener, LoadBalancer, WafRule, WafStatement, WebAcl};
pub use errors::CollectedErrors;
pub use guardduty::{Detector, GuardDutyInventory};
pub use iam::{AccessKey, IamAccountSummary, IamInventory, IamUser, PasswordPolicy};
pub use kms::{KmsInventory, KmsKey, KmsKeyDetails};
pub use lambda::{LambdaFunction, LambdaInventory};
pub use organizations::{Organization, OrganizationsInventory};
pub use rds::{RdsCluster, RdsInstance, RdsInventory, RdsSnapshot};
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
    Elbv2,
    Cognito,
    GuardDuty,
    ElastiCache,
    AutoScaling,
    Ecs,
    Lambda,
    CloudWatch,
    Backup,
    S3,
    Iam,
    Organizations,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 16] = [
        ServiceKind::Ec2,
        ServiceKind::Rds,
        ServiceKind::Kms,
        ServiceKind::CloudTrail,
        ServiceKind::Elbv2,
        ServiceKind::Cognito,
        ServiceKind::GuardDuty,
        ServiceKind::ElastiCache,
        ServiceKind::AutoScaling,
        ServiceKind::Ecs,
        ServiceKind::Lambda,
        ServiceKind::CloudWatch,
        ServiceKind::Backup,
        ServiceKind::S3,
        ServiceKind::Iam,
        ServiceKind::Organizations,
    ];

    /// The AWS service name, as used in IAM actions and metric labels.
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::Ec2 => "ec2",
            ServiceKind::Rds => "rds",
            ServiceKind::Kms => "kms",
            ServiceKind::CloudTrail => "cloudtrail",
            ServiceKind::Elbv2 => "elasticloadbalancing",
            ServiceKind::Cognito => "cognito-idp",
            ServiceKind::GuardDuty => "guardduty",
            ServiceKind::ElastiCache => "elasticache",
            ServiceKind::AutoScaling => "autoscaling",
            ServiceKind::Ecs => "ecs",
            ServiceKind::Lambda => "lambda",
            ServiceKind::CloudWatch => "cloudwatch",
            ServiceKind::Backup => "backup",
            ServiceKind::S3 => "s3",
            ServiceKind::Iam => "iam",
            ServiceKind::Organizations => "organizations",
        }
    }

    /// Collected once per account rather than once per region.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            ServiceKind::S3 | ServiceKind::Iam | ServiceKind::Organizations
        )
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
    pub iam: IamInventory,
    pub organizations: OrganizationsInventory,
}

impl AccountInventory {
    /// An account of which nothing could be seen, e.g. because AssumeRole failed.
    pub fn unreachable(
        account_id: &str,
        environment: Option<String>,
        error: CollectionError,
    ) -> Self {
        AccountInventory {
            account_id: account_id.to_string(),
            environment,
            regions: Err(error.clone()),
            s3: S3Inventory::failed(error.clone()),
            iam: IamInventory::failed(error.clone()),
            organizations: OrganizationsInventory::failed(error),
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
    pub elbv2: Elbv2Inventory,
    pub cognito: CognitoInventory,
    pub guardduty: GuardDutyInventory,
    pub elasticache: ElastiCacheInventory,
    pub autoscaling: AutoScalingInventory,
    pub ecs: EcsInventory,
    pub lambda: LambdaInventory,
    pub cloudwatch: CloudWatchInventory,
    pub backup: BackupInventory,
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
            elbv2: Elbv2Inventory::failed(error.clone()),
            cognito: CognitoInventory::failed(error.clone()),
            guardduty: GuardDutyInventory::failed(error.clone()),
            elasticache: ElastiCacheInventory::failed(error.clone()),
            autoscaling: AutoScalingInventory::failed(error.clone()),
            ecs: EcsInventory::failed(error.clone()),
            lambda: LambdaInventory::failed(error.clone()),
            cloudwatch: CloudWatchInventory::failed(error.clone()),
            backup: BackupInventory::failed(error.clone()),
        }
    }
}

/// Tags as AWS returns them: key to value.
pub type Tags = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, Scope};

    #[test]
    fn a_nested_error_makes_a_collection_incomplete_and_is_reported_once() {
        let error = CollectionError {
            scope: Scope {
                account_id: "111111111111".into(),
                region: "eu-central-1".into(),
                service: "kms",
            },
            operation: "GetKeyRotationStatus",
            kind: ErrorKind::AccessDenied,
            message: "denied".into(),
        };
        let key = |rotation| KmsKey {
            arn: "arn:aws:kms:eu-central-1:111111111111:key/k".into(),
            key_id: "k".into(),
            details: Ok(KmsKeyDetails {
                key_manager: "CUSTOMER".into(),
                key_state: "Enabled".into(),
                key_spec: "SYMMETRIC_DEFAULT".into(),
                origin: "AWS_KMS".into(),
            }),
            rotation_enabled: Some(rotation),
        };
        assert!(KmsInventory {
            keys: Ok(vec![key(Ok(true))])
        }
        .is_complete());
        let blind = KmsInventory {
            keys: Ok(vec![key(Err(error.clone())), key(Err(error.clone()))]),
        };
        assert!(!blind.is_complete());
        let account = AccountInventory {
            account_id: "111111111111".into(),
            environment: None,
            regions: Ok(BTreeMap::new()),
            s3: S3Inventory {
                buckets: Err(error.clone()),
            },
            iam: IamInventory::failed(error.clone()),
            organizations: OrganizationsInventory::failed(error.clone()),
        };
        assert_eq!(account.errors(), vec![error]);
    }
}
