//! What the collectors saw in one account, grouped by region and service.
//!
//! Every list and every per-resource detail is a [`Collected`]: either the value AWS returned or
//! the scoped error that prevented getting it.

mod cloudtrail;
mod cognito;
mod ec2;
mod elbv2;
mod guardduty;
mod iam;
mod kms;
mod organizations;
mod rds;
mod s3;

pub use cloudtrail::{CloudTrailInventory, Trail, TrailEvents, TrailStatus};
pub use cognito::{CognitoInventory, UserPool, UserPoolDetails, UserPoolPasswordPolicy};
pub use ec2::{EbsVolume, Ec2Instance, Ec2Inventory, IpPermission, RouteTable, SecurityGroup, Vpc};
pub use elbv2::{Elbv2Inventory, Listener, LoadBalancer, WafRule, WafStatement, WebAcl};
pub use guardduty::{Detector, GuardDutyInventory};
pub use iam::{AccessKey, IamAccountSummary, IamInventory, IamUser, PasswordPolicy};
pub use kms::{KmsInventory, KmsKey, KmsKeyDetails};
pub use organizations::{Organization, OrganizationsInventory};
pub use rds::{RdsInstance, RdsInventory, RdsSnapshot};
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
    S3,
    Iam,
    Organizations,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 10] = [
        ServiceKind::Ec2,
        ServiceKind::Rds,
        ServiceKind::Kms,
        ServiceKind::CloudTrail,
        ServiceKind::Elbv2,
        ServiceKind::Cognito,
        ServiceKind::GuardDuty,
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
        }
    }
}

/// Tags as AWS returns them: key to value.
pub type Tags = BTreeMap<String, String>;

impl AccountInventory {
    /// Every collection error in this inventory, each once, in a stable order.
    pub fn errors(&self) -> Vec<CollectionError> {
        let mut out = Vec::new();
        match &self.regions {
            Ok(regions) => regions.values().for_each(|r| r.errors_into(&mut out)),
            Err(error) => out.push(error.clone()),
        }
        self.s3.errors_into(&mut out);
        self.iam.errors_into(&mut out);
        self.organizations.errors_into(&mut out);
        let mut unique: Vec<CollectionError> = Vec::with_capacity(out.len());
        for error in out {
            if !unique.contains(&error) {
                unique.push(error);
            }
        }
        unique
    }
}

impl RegionInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        self.ec2.errors_into(out);
        self.rds.errors_into(out);
        self.kms.errors_into(out);
        self.cloudtrail.errors_into(out);
        self.elbv2.errors_into(out);
        self.cognito.errors_into(out);
        self.guardduty.errors_into(out);
    }
}

/// The one list of a collection's `Collected` values: what the report's errors and a unit's
/// success are both derived from.
pub trait CollectedErrors {
    /// Pushes every collection error, nested ones included.
    fn errors_into(&self, out: &mut Vec<CollectionError>);

    /// Every value was collected.
    fn is_complete(&self) -> bool {
        let mut errors = Vec::new();
        self.errors_into(&mut errors);
        errors.is_empty()
    }
}

/// Pushes the error of a failed collection, or walks the collected items for nested errors.
fn walk<T>(
    collected: &Collected<Vec<T>>,
    out: &mut Vec<CollectionError>,
    nested: impl Fn(&T, &mut Vec<CollectionError>),
) {
    match collected {
        Ok(items) => items.iter().for_each(|item| nested(item, out)),
        Err(error) => out.push(error.clone()),
    }
}

fn push_err<T>(collected: &Collected<T>, out: &mut Vec<CollectionError>) {
    if let Err(error) = collected {
        out.push(error.clone());
    }
}

impl CollectedErrors for Ec2Inventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.instances, out, |_, _| {});
        walk(&self.volumes, out, |_, _| {});
        walk(&self.security_groups, out, |_, _| {});
        push_err(&self.ebs_encryption_by_default, out);
        walk(&self.route_tables, out, |_, _| {});
        walk(&self.vpcs, out, |_, _| {});
    }
}

impl CollectedErrors for RdsInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.instances, out, |db, out| {
            push_err(&db.subnet_ids, out);
            push_err(&db.tls_parameters, out);
        });
        walk(&self.snapshots, out, |_, _| {});
    }
}

impl CollectedErrors for KmsInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.keys, out, |key, out| {
            push_err(&key.details, out);
            if let Some(rotation) = &key.rotation_enabled {
                push_err(rotation, out);
            }
        });
    }
}

impl CollectedErrors for CloudTrailInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.trails, out, |trail, out| {
            push_err(&trail.status, out);
            push_err(&trail.event_selectors, out);
        });
    }
}

impl CollectedErrors for S3Inventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.buckets, out, |bucket, out| {
            push_err(&bucket.region, out);
            push_err(&bucket.encryption, out);
            push_err(&bucket.tags, out);
            push_err(&bucket.policy, out);
        });
    }
}

impl CollectedErrors for Elbv2Inventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.load_balancers, out, |lb, out| {
            push_err(&lb.listeners, out);
            push_err(&lb.tags, out);
            if let Some(acl) = &lb.web_acl {
                push_err(acl, out);
            }
        });
        push_err(&self.ssl_policies, out);
    }
}

impl CollectedErrors for CognitoInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.user_pools, out, |pool, out| {
            push_err(&pool.details, out)
        });
    }
}

impl CollectedErrors for GuardDutyInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.detectors, out, |d, out| push_err(&d.enabled, out));
    }
}

impl CollectedErrors for IamInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        push_err(&self.account_summary, out);
        push_err(&self.password_policy, out);
        walk(&self.users, out, |user, out| {
            push_err(&user.console_password, out);
            push_err(&user.mfa_devices, out);
            push_err(&user.access_keys, out);
            for key in user.access_keys.iter().flatten() {
                push_err(&key.last_used_at, out);
            }
        });
    }
}

impl CollectedErrors for OrganizationsInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        push_err(&self.organization, out);
    }
}

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
