use crate::attempts::sdk_client;
mod clusters;
mod options;

use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use std::collections::BTreeMap;
use tomwatch_model::inventory::{RdsInstance, RdsInventory, RdsSnapshot, TlsParameter};
use tomwatch_model::Collected;

/// The parameters that force TLS, by engine family: PostgreSQL and SQL Server use
/// `rds.force_ssl`, MySQL and MariaDB `require_secure_transport`.
const TLS_PARAMETERS: &[&str] = &["rds.force_ssl", "require_secure_transport"];

impl RegionalCollection for RdsInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "rds", aws_sdk_rds);
        collect(&client, &session.caller(region, "rds")).await
    }
}

pub(crate) async fn collect(client: &aws_sdk_rds::Client, caller: &Caller) -> RdsInventory {
    const OP: &str = "DescribeDBInstances";
    let instances = async {
        let pages = all_pages!(caller, OP, client.describe_db_instances()).await?;
        let mut instances = Vec::new();
        let mut groups = Vec::new();
        let mut option_groups = Vec::new();
        for db in pages.iter().flat_map(|p| p.db_instances()) {
            let identifier = db
                .db_instance_identifier()
                .ok_or_else(|| caller.missing(OP, "DBInstanceIdentifier"))?;
            let tags = crate::tags::tag_map(db.tag_list().iter().map(|t| (t.key(), t.value())));
            // Filled in below, once per parameter group.
            let group = db
                .db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_name())
                .map(str::to_string);
            let parameters_pending_reboot = db
                .db_parameter_groups()
                .first()
                .and_then(|g| g.parameter_apply_status())
                == Some("pending-reboot");
            groups.push(group);
            let engine = db.engine().ok_or_else(|| caller.missing(OP, "Engine"))?;
            // Only Oracle keeps its TLS in the option group; filled in below, once per group.
            option_groups.push(engine.starts_with("oracle").then(|| {
                db.option_group_memberships()
                    .first()
                    .and_then(|m| m.option_group_name())
                    .map(str::to_string)
            }));
            instances.push(RdsInstance {
                tls_parameters: Ok(BTreeMap::new()),
                oracle_ssl: None,
                parameters_pending_reboot,
                engine_version: db
                    .engine_version()
                    .ok_or_else(|| caller.missing(OP, "EngineVersion"))?
                    .to_string(),
                tags,
                arn: db
                    .db_instance_arn()
                    .ok_or_else(|| caller.missing(OP, "DBInstanceArn"))?
                    .to_string(),
                identifier: identifier.to_string(),
                engine: engine.to_string(),
                storage_encrypted: db
                    .storage_encrypted()
                    .ok_or_else(|| caller.missing(OP, "StorageEncrypted"))?,
                kms_key_id: db.kms_key_id().map(str::to_string),
                publicly_accessible: db
                    .publicly_accessible()
                    .ok_or_else(|| caller.missing(OP, "PubliclyAccessible"))?,
                multi_az: db.multi_az().ok_or_else(|| caller.missing(OP, "MultiAZ"))?,
                availability_zone: db.availability_zone().map(str::to_string),
                cluster_id: db.db_cluster_identifier().map(str::to_string),
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
        let mut parameters: BTreeMap<String, Collected<BTreeMap<String, TlsParameter>>> =
            BTreeMap::new();
        for name in groups.iter().flatten() {
            if !parameters.contains_key(name) {
                parameters.insert(name.clone(), tls_parameters(client, caller, name).await);
            }
        }
        let mut ssl_options = BTreeMap::new();
        for name in option_groups.iter().flatten().flatten() {
            if !ssl_options.contains_key(name) {
                let ssl = options::oracle_ssl(client, caller, name).await;
                ssl_options.insert(name.clone(), ssl);
            }
        }
        for (db, group) in instances.iter_mut().zip(&option_groups) {
            db.oracle_ssl = group.as_ref().map(|name| match name {
                Some(name) => ssl_options[name].clone(),
                None => Err(caller.missing(OP, "OptionGroupMemberships")),
            });
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
        let pages = all_pages!(caller, OP, client.describe_db_snapshots()).await?;
        let mut snapshots = Vec::new();
        for snapshot in pages.iter().flat_map(|p| p.db_snapshots()) {
            snapshots.push(RdsSnapshot {
                arn: snapshot
                    .db_snapshot_arn()
                    .ok_or_else(|| caller.missing(OP, "DBSnapshotArn"))?
                    .to_string(),
                identifier: snapshot
                    .db_snapshot_identifier()
                    .unwrap_or_default() // default: display name
                    .to_string(),
                snapshot_type: snapshot.snapshot_type().unwrap_or_default().to_string(), // default: shown in messages only
                encrypted: snapshot
                    .encrypted()
                    .ok_or_else(|| caller.missing(OP, "Encrypted"))?,
            });
        }
        Ok(snapshots)
    };
    let (instances, clusters, snapshots, cluster_snapshots) = tokio::join!(
        instances,
        clusters::collect(client, caller),
        snapshots,
        clusters::snapshots(client, caller)
    );
    RdsInventory {
        instances,
        clusters,
        snapshots,
        cluster_snapshots,
    }
}

async fn tls_parameters(
    client: &aws_sdk_rds::Client,
    caller: &Caller,
    group: &str,
) -> Collected<BTreeMap<String, TlsParameter>> {
    let pages = all_pages!(
        caller,
        "DescribeDBParameters",
        client
            .describe_db_parameters()
            .db_parameter_group_name(group)
    )
    .await?;
    Ok(only_tls(pages.iter().flat_map(|p| p.parameters())))
}

/// The TLS-forcing parameters among a parameter group's, by name. A parameter listed without a
/// value is left at the engine default, which the check decides per engine and version.
fn only_tls<'a>(
    parameters: impl Iterator<Item = &'a aws_sdk_rds::types::Parameter>,
) -> BTreeMap<String, TlsParameter> {
    parameters
        .filter_map(|p| {
            let name = p.parameter_name()?;
            TLS_PARAMETERS.contains(&name).then(|| {
                let parameter = TlsParameter {
                    value: p.parameter_value().map(str::to_string),
                    is_static: p.apply_type() == Some("static"),
                };
                (name.to_string(), parameter)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
