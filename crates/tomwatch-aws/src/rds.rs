use crate::caller::Caller;
use crate::session::AwsSession;
use std::collections::BTreeMap;
use tomwatch_model::inventory::{RdsInstance, RdsInventory, RdsSnapshot};
use tomwatch_model::Collected;

/// The parameters that force TLS, by engine family: PostgreSQL and SQL Server use
/// `rds.force_ssl`, MySQL and MariaDB `require_secure_transport`.
const TLS_PARAMETERS: &[&str] = &["rds.force_ssl", "require_secure_transport"];

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
        let mut groups = Vec::new();
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
            // Filled in below, once per parameter group.
            let group = db
                .db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_name())
                .map(str::to_string);
            groups.push(group);
            instances.push(RdsInstance {
                tls_parameters: Ok(BTreeMap::new()),
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
        let mut parameters: BTreeMap<String, Collected<BTreeMap<String, String>>> = BTreeMap::new();
        for name in groups.iter().flatten() {
            if !parameters.contains_key(name) {
                parameters.insert(name.clone(), tls_parameters(client, caller, name).await);
            }
        }
        for (db, group) in instances.iter_mut().zip(&groups) {
            db.tls_parameters = match group {
                Some(name) => parameters[name].clone(),
                None => Err(caller.missing(OP, "DBParameterGroups")),
            };
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

async fn tls_parameters(
    client: &aws_sdk_rds::Client,
    caller: &Caller,
    group: &str,
) -> Collected<BTreeMap<String, String>> {
    let pages = caller
        .call(
            "DescribeDBParameters",
            client
                .describe_db_parameters()
                .db_parameter_group_name(group)
                .into_paginator()
                .send()
                .try_collect(),
        )
        .await?;
    Ok(pages
        .iter()
        .flat_map(|p| p.parameters())
        .filter_map(|p| {
            let name = p.parameter_name()?;
            TLS_PARAMETERS.contains(&name).then(|| {
                (
                    name.to_string(),
                    p.parameter_value().unwrap_or_default().to_string(),
                )
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput;
    use aws_sdk_rds::operation::describe_db_parameters::{
        DescribeDBParametersError, DescribeDbParametersOutput,
    };
    use aws_sdk_rds::operation::describe_db_snapshots::DescribeDbSnapshotsOutput;
    use aws_sdk_rds::types::{
        DbInstance, DbParameterGroupStatus, DbSubnetGroup, Parameter, Subnet,
    };
    use aws_sdk_rds::Client;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn instance(id: &str, group: &str) -> DbInstance {
        DbInstance::builder()
            .db_instance_identifier(id)
            .db_instance_arn(format!("arn:aws:rds:eu-central-1:111111111111:db:{id}"))
            .engine("postgres")
            .storage_encrypted(true)
            .publicly_accessible(false)
            .multi_az(true)
            .backup_retention_period(7)
            .db_subnet_group(
                DbSubnetGroup::builder()
                    .vpc_id("vpc-1")
                    .subnets(Subnet::builder().subnet_identifier("subnet-a").build())
                    .build(),
            )
            .db_parameter_groups(
                DbParameterGroupStatus::builder()
                    .db_parameter_group_name(group)
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn each_parameter_group_is_read_once_and_its_error_stays_with_its_instances() {
        let tls_group = mock!(Client::describe_db_parameters)
            .match_requests(|r| r.db_parameter_group_name() == Some("tls"))
            .then_output(|| {
                DescribeDbParametersOutput::builder()
                    .parameters(
                        Parameter::builder()
                            .parameter_name("rds.force_ssl")
                            .parameter_value("1")
                            .build(),
                    )
                    .parameters(
                        Parameter::builder()
                            .parameter_name("work_mem")
                            .parameter_value("4096")
                            .build(),
                    )
                    .build()
            });
        let client = mocked_client!(
            aws_sdk_rds,
            mock!(Client::describe_db_instances).then_output(|| {
                DescribeDbInstancesOutput::builder()
                    .db_instances(instance("orders", "tls"))
                    .db_instances(instance("billing", "tls"))
                    .db_instances(instance("legacy", "locked"))
                    .build()
            }),
            tls_group,
            mock!(Client::describe_db_parameters)
                .match_requests(|r| r.db_parameter_group_name() == Some("locked"))
                .then_error(|| DescribeDBParametersError::generic(aws_error("AccessDenied"))),
            mock!(Client::describe_db_snapshots)
                .then_output(|| DescribeDbSnapshotsOutput::builder().build()),
        );
        let instances = collect(&client, &caller("eu-central-1", "rds"))
            .await
            .instances
            .expect("listed");
        let tls = instances[0].tls_parameters.as_ref().expect("read");
        assert_eq!(tls.get("rds.force_ssl").map(String::as_str), Some("1"));
        assert!(
            !tls.contains_key("work_mem"),
            "only TLS parameters are kept"
        );
        assert_eq!(instances[1].tls_parameters, instances[0].tls_parameters);
        assert_eq!(
            tls_group.num_calls(),
            1,
            "two instances, one group: one read"
        );
        assert_eq!(
            instances[2].tls_parameters.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::AccessDenied)
        );
        assert!(
            instances[2].subnet_ids.is_ok(),
            "other facts of the instance stand"
        );
    }
}
