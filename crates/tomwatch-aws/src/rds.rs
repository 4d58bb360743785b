use crate::caller::Caller;
use crate::session::AwsSession;
use tomwatch_model::inventory::{RdsInstance, RdsInventory, RdsSnapshot};

impl AwsSession {
    pub async fn collect_rds(&self, region: &str) -> RdsInventory {
        let client = self.client(region, |config| aws_sdk_rds::Client::new(&config));
        collect(&client, &self.caller(region, "rds")).await
    }
}

pub(crate) async fn collect(client: &aws_sdk_rds::Client, caller: &Caller) -> RdsInventory {
    const OP: &str = "DescribeDBInstances";
    let instances = async {
        let pages = caller
            .call(
                OP,
                client
                    .describe_db_instances()
                    .into_paginator()
                    .send()
                    .try_collect(),
            )
            .await?;
        let mut instances = Vec::new();
        for db in pages.iter().flat_map(|p| p.db_instances()) {
            let identifier = db
                .db_instance_identifier()
                .ok_or_else(|| caller.missing(OP, "DBInstanceIdentifier"))?;
            let tags = db
                .tag_list()
                .iter()
                .filter_map(|t| {
                    Some((
                        t.key()?.to_string(),
                        t.value().unwrap_or_default().to_string(),
                    ))
                })
                .collect();
            instances.push(RdsInstance {
                tags,
                arn: db
                    .db_instance_arn()
                    .ok_or_else(|| caller.missing(OP, "DBInstanceArn"))?
                    .to_string(),
                identifier: identifier.to_string(),
                engine: db.engine().unwrap_or_default().to_string(),
                storage_encrypted: db
                    .storage_encrypted()
                    .ok_or_else(|| caller.missing(OP, "StorageEncrypted"))?,
                kms_key_id: db.kms_key_id().map(str::to_string),
                publicly_accessible: db
                    .publicly_accessible()
                    .ok_or_else(|| caller.missing(OP, "PubliclyAccessible"))?,
                multi_az: db.multi_az().ok_or_else(|| caller.missing(OP, "MultiAZ"))?,
                backup_retention_days: db
                    .backup_retention_period()
                    .ok_or_else(|| caller.missing(OP, "BackupRetentionPeriod"))?,
                subnet_ids: db
                    .db_subnet_group()
                    .map(|group| {
                        group
                            .subnets()
                            .iter()
                            .filter_map(|s| s.subnet_identifier().map(str::to_string))
                            .collect()
                    })
                    .ok_or_else(|| caller.missing(OP, "DBSubnetGroup")),
                vpc_id: db
                    .db_subnet_group()
                    .and_then(|g| g.vpc_id())
                    .map(str::to_string),
            });
        }
        Ok(instances)
    };
    let snapshots = async {
        const OP: &str = "DescribeDBSnapshots";
        let pages = caller
            .call(
                OP,
                client
                    .describe_db_snapshots()
                    .into_paginator()
                    .send()
                    .try_collect(),
            )
            .await?;
        let mut snapshots = Vec::new();
        for snapshot in pages.iter().flat_map(|p| p.db_snapshots()) {
            snapshots.push(RdsSnapshot {
                arn: snapshot
                    .db_snapshot_arn()
                    .ok_or_else(|| caller.missing(OP, "DBSnapshotArn"))?
                    .to_string(),
                identifier: snapshot
                    .db_snapshot_identifier()
                    .unwrap_or_default()
                    .to_string(),
                snapshot_type: snapshot.snapshot_type().unwrap_or_default().to_string(),
                encrypted: snapshot
                    .encrypted()
                    .ok_or_else(|| caller.missing(OP, "Encrypted"))?,
            });
        }
        Ok(snapshots)
    };
    let (instances, snapshots) = tokio::join!(instances, snapshots);
    RdsInventory {
        instances,
        snapshots,
    }
}
