//! What the collectors saw in one account, grouped by region and service.
//!
//! Every list and every per-resource detail is a [`Collected`]: either the value AWS returned or
//! the scoped error that prevented getting it.

mod autoscaling;
mod backup;
mod cloudtrail;
mod cloudwatch;
mod cognito;
mod dynamodb;
mod ec2;
mod ecr;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod elb;
mod elbv2;
mod errors;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod organizations;
mod rds;
mod s3;
mod secretsmanager;
mod sns;
mod sqs;

pub use autoscaling::{AutoScalingGroup, AutoScalingInventory};
pub use backup::{
    BackupInventory, BackupPlan, BackupRule, BackupSelection, BackupVault, RecoveryPoint,
    TagCondition, TagTest,
};
pub use cloudtrail::{CloudTrailInventory, Trail, TrailEvents, TrailStatus};
pub use cloudwatch::{Alarm, CloudWatchInventory};
pub use cognito::{CognitoInventory, UserPool, UserPoolDetails, UserPoolPasswordPolicy};
pub use dynamodb::{DynamoDbInventory, DynamoDbTable, TableEncryption};
pub use ec2::{
    EbsVolume, Ec2Instance, Ec2Inventory, IpPermission, PrefixListSource, RouteTable,
    SecurityGroup, Vpc, WorldSource,
};
pub use ecr::{EcrInventory, EcrRepository};
pub use ecs::{EcsCluster, EcsInventory, EcsService};
pub use efs::{EfsFileSystem, EfsInventory};
pub use eks::{EksCluster, EksClusterDetails, EksInventory};
pub use elasticache::{
    CacheCluster, CacheSubnets, ElastiCacheInventory, ReplicationGroup, ServerlessCache,
};
pub use elb::{ClassicListener, ClassicLoadBalancer, ClassicPolicy, ElbInventory};
pub use elbv2::{
    Elbv2Inventory, Listener, ListenerRule, LoadBalancer, RuleAction, TargetGroup, WafRule,
    WafStatement, WebAcl,
};
pub use errors::CollectedErrors;
pub use guardduty::{Detector, GuardDutyInventory};
pub use iam::{AccessKey, IamAccountSummary, IamInventory, IamUser, PasswordPolicy};
pub use kms::{KmsInventory, KmsKey, KmsKeyDetails};
pub use lambda::{LambdaFunction, LambdaInventory};
pub use organizations::{Organization, OrganizationsInventory};
pub use rds::{OracleSslOption, RdsCluster, RdsInstance, RdsInventory, RdsSnapshot, TlsParameter};
pub use s3::{BucketEncryption, S3Bucket, S3Inventory};
pub use secretsmanager::{Secret, SecretsManagerInventory};
pub use sns::{SnsInventory, SnsTopic};
pub use sqs::{SqsInventory, SqsQueue};
pub use tomwatch_model_derive::{CollectedErrors, ServiceInventory};

use crate::{Collected, CollectionError};
use std::collections::BTreeMap;

/// The one list of the services tomwatch collects. Everything per service follows from it:
/// `ServiceKind` and its names, `RegionalService`, the fields of `RegionInventory` and
/// `AccountInventory`, their `failed`/`unreachable` constructors, the error walk (derived), and
/// in the engine the collection units (`tomwatch_model::with_services!(...)`). A regional line
/// is `Kind => field: Inventory, "iam-service-name";`; a global one the same, collected once per
/// account. A service missing elsewhere (a collector, its IAM actions) is a compile error there.
#[macro_export]
macro_rules! with_services {
    ($callback:ident) => {
        $callback! {
            regional {
                Ec2 => ec2: $crate::inventory::Ec2Inventory, "ec2";
                Rds => rds: $crate::inventory::RdsInventory, "rds";
                Kms => kms: $crate::inventory::KmsInventory, "kms";
                CloudTrail => cloudtrail: $crate::inventory::CloudTrailInventory, "cloudtrail";
                Elbv2 => elbv2: $crate::inventory::Elbv2Inventory, "elasticloadbalancing";
                Cognito => cognito: $crate::inventory::CognitoInventory, "cognito-idp";
                GuardDuty => guardduty: $crate::inventory::GuardDutyInventory, "guardduty";
                ElastiCache => elasticache: $crate::inventory::ElastiCacheInventory, "elasticache";
                AutoScaling => autoscaling: $crate::inventory::AutoScalingInventory, "autoscaling";
                Ecs => ecs: $crate::inventory::EcsInventory, "ecs";
                Lambda => lambda: $crate::inventory::LambdaInventory, "lambda";
                CloudWatch => cloudwatch: $crate::inventory::CloudWatchInventory, "cloudwatch";
                Backup => backup: $crate::inventory::BackupInventory, "backup";
                Efs => efs: $crate::inventory::EfsInventory, "elasticfilesystem";
                DynamoDb => dynamodb: $crate::inventory::DynamoDbInventory, "dynamodb";
                Eks => eks: $crate::inventory::EksInventory, "eks";
                Ecr => ecr: $crate::inventory::EcrInventory, "ecr";
                Sqs => sqs: $crate::inventory::SqsInventory, "sqs";
                Sns => sns: $crate::inventory::SnsInventory, "sns";
                SecretsManager => secretsmanager: $crate::inventory::SecretsManagerInventory, "secretsmanager";
                Elb => elb: $crate::inventory::ElbInventory, "elb";
            }
            global {
                S3 => s3: $crate::inventory::S3Inventory, "s3";
                Iam => iam: $crate::inventory::IamInventory, "iam";
                Organizations => organizations: $crate::inventory::OrganizationsInventory, "organizations";
            }
        }
    };
}

macro_rules! declare_services {
    (
        regional { $($regional:ident => $regional_field:ident: $regional_inventory:ty, $regional_name:literal;)* }
        global { $($global:ident => $global_field:ident: $global_inventory:ty, $global_name:literal;)* }
    ) => {
        /// The unit of collection: one AWS service, in one region (or account-wide for global
        /// services).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ServiceKind {
            $($regional,)*
            $($global,)*
        }

        impl ServiceKind {
            pub const ALL: &'static [ServiceKind] = &[$(ServiceKind::$regional,)* $(ServiceKind::$global,)*];

            /// The AWS service name, as used in IAM actions and metric labels.
            pub fn name(self) -> &'static str {
                match self {
                    $(ServiceKind::$regional => $regional_name,)*
                    $(ServiceKind::$global => $global_name,)*
                }
            }

            /// Collected once per account rather than once per region.
            pub fn is_global(self) -> bool {
                matches!(self, $(ServiceKind::$global)|*)
            }
        }

        /// A service collected once per region: what a regional collection unit is of.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RegionalService {
            $($regional,)*
        }

        impl RegionalService {
            pub const ALL: &'static [RegionalService] = &[$(RegionalService::$regional,)*];

            pub fn kind(self) -> ServiceKind {
                match self {
                    $(RegionalService::$regional => ServiceKind::$regional,)*
                }
            }
        }

        /// Everything collected in one account.
        #[derive(Debug, Clone, CollectedErrors)]
        pub struct AccountInventory {
            pub account_id: String,
            /// The environment the config declares for this account (`production`, ...).
            pub environment: Option<String>,
            /// The regions that were scanned; an error here means no regional resource could be
            /// seen.
            pub regions: Collected<BTreeMap<String, RegionInventory>>,
            $(pub $global_field: $global_inventory,)*
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
                    $($global_field: <$global_inventory>::failed(error.clone()),)*
                }
            }
        }

        /// Everything collected in one region of one account.
        #[derive(Debug, Clone, CollectedErrors)]
        pub struct RegionInventory {
            pub region: String,
            $(pub $regional_field: $regional_inventory,)*
        }

        impl RegionInventory {
            /// A region in which every service failed with the same error.
            pub fn failed(region: &str, error: &CollectionError) -> Self {
                RegionInventory {
                    region: region.to_string(),
                    $($regional_field: <$regional_inventory>::failed(error.clone()),)*
                }
            }
        }
    };
}

with_services!(declare_services);

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
