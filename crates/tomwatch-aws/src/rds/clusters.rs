//! Aurora and Multi-AZ DB clusters, with the TLS parameters of their cluster parameter groups.

use super::only_tls;
use crate::caller::{all_pages, Caller};
use std::collections::BTreeMap;
use tomwatch_model::inventory::{RdsCluster, RdsSnapshot, TlsParameter};
use tomwatch_model::Collected;

pub(super) async fn collect(
    client: &aws_sdk_rds::Client,
    caller: &Caller,
) -> Collected<Vec<RdsCluster>> {
    const OP: &str = "DescribeDBClusters";
    let pages = all_pages!(caller, OP, client.describe_db_clusters()).await?;
    let mut clusters = Vec::new();
    let mut parameters: BTreeMap<String, Collected<BTreeMap<String, TlsParameter>>> =
        BTreeMap::new();
    for cluster in pages.iter().flat_map(|p| p.db_clusters()) {
        let tls_parameters = match cluster.db_cluster_parameter_group() {
            Some(group) => match parameters.get(group) {
                Some(known) => known.clone(),
                None => {
                    let read = tls_parameters(client, caller, group).await;
                    parameters.insert(group.to_string(), read.clone());
                    read
                }
            },
            None => Err(caller.missing(OP, "DBClusterParameterGroup")),
        };
        clusters.push(RdsCluster {
            arn: cluster
                .db_cluster_arn()
                .ok_or_else(|| caller.missing(OP, "DBClusterArn"))?
                .to_string(),
            identifier: cluster
                .db_cluster_identifier()
                .ok_or_else(|| caller.missing(OP, "DBClusterIdentifier"))?
                .to_string(),
            engine: cluster
                .engine()
                .ok_or_else(|| caller.missing(OP, "Engine"))?
                .to_string(),
            engine_version: cluster
                .engine_version()
                .ok_or_else(|| caller.missing(OP, "EngineVersion"))?
                .to_string(),
            parameters_pending_reboot: cluster
                .db_cluster_members()
                .iter()
                .any(|m| m.db_cluster_parameter_group_status() == Some("pending-reboot")),
            storage_encrypted: cluster
                .storage_encrypted()
                .ok_or_else(|| caller.missing(OP, "StorageEncrypted"))?,
            kms_key_id: cluster.kms_key_id().map(str::to_string),
            members: cluster
                .db_cluster_members()
                .iter()
                .filter_map(|m| m.db_instance_identifier().map(str::to_string))
                .collect(),
            backup_retention_days: cluster
                .backup_retention_period()
                .ok_or_else(|| caller.missing(OP, "BackupRetentionPeriod"))?,
            tags: crate::tags::tag_map(cluster.tag_list().iter().map(|t| (t.key(), t.value()))),
            tls_parameters,
        });
    }
    Ok(clusters)
}

pub(super) async fn snapshots(
    client: &aws_sdk_rds::Client,
    caller: &Caller,
) -> Collected<Vec<RdsSnapshot>> {
    const OP: &str = "DescribeDBClusterSnapshots";
    let pages = all_pages!(caller, OP, client.describe_db_cluster_snapshots()).await?;
    let mut snapshots = Vec::new();
    for snapshot in pages.iter().flat_map(|p| p.db_cluster_snapshots()) {
        snapshots.push(RdsSnapshot {
            arn: snapshot
                .db_cluster_snapshot_arn()
                .ok_or_else(|| caller.missing(OP, "DBClusterSnapshotArn"))?
                .to_string(),
            identifier: snapshot
                .db_cluster_snapshot_identifier()
                .unwrap_or_default() // default: display name
                .to_string(),
            snapshot_type: snapshot.snapshot_type().unwrap_or_default().to_string(), // default: shown in messages only
            encrypted: snapshot
                .storage_encrypted()
                .ok_or_else(|| caller.missing(OP, "StorageEncrypted"))?,
        });
    }
    Ok(snapshots)
}

async fn tls_parameters(
    client: &aws_sdk_rds::Client,
    caller: &Caller,
    group: &str,
) -> Collected<BTreeMap<String, TlsParameter>> {
    let pages = all_pages!(
        caller,
        "DescribeDBClusterParameters",
        client
            .describe_db_cluster_parameters()
            .db_cluster_parameter_group_name(group)
    )
    .await?;
    Ok(only_tls(pages.iter().flat_map(|p| p.parameters())))
}
