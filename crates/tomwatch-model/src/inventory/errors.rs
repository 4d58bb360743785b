//! The one walk over every `Collected` value of an inventory: what the report's errors and a
//! unit's success are both derived from.

use super::*;
use crate::CollectionError;

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
        self.elasticache.errors_into(out);
        self.autoscaling.errors_into(out);
        self.ecs.errors_into(out);
        self.lambda.errors_into(out);
        self.cloudwatch.errors_into(out);
        self.backup.errors_into(out);
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
        walk(&self.clusters, out, |cluster, out| {
            push_err(&cluster.tls_parameters, out)
        });
        walk(&self.snapshots, out, |_, _| {});
        walk(&self.cluster_snapshots, out, |_, _| {});
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

impl CollectedErrors for ElastiCacheInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.replication_groups, out, |group, out| {
            push_err(&group.tags, out)
        });
        walk(&self.clusters, out, |cluster, out| {
            push_err(&cluster.subnets, out);
            if let Some(tags) = &cluster.tags {
                push_err(tags, out);
            }
        });
    }
}

impl CollectedErrors for AutoScalingInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.groups, out, |_, _| {});
    }
}

impl CollectedErrors for EcsInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.clusters, out, |cluster, out| {
            push_err(&cluster.services, out)
        });
    }
}

impl CollectedErrors for LambdaInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.functions, out, |function, out| {
            push_err(&function.tags, out)
        });
    }
}

impl CollectedErrors for CloudWatchInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.alarms, out, |_, _| {});
    }
}

impl CollectedErrors for BackupInventory {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        walk(&self.vaults, out, |vault, out| {
            push_err(&vault.recovery_points, out)
        });
        walk(&self.plans, out, |plan, out| push_err(&plan.rules, out));
    }
}
