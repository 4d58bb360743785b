use super::*;
use crate::testing::{aws_error, caller, mocked_client};
use aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput;
use aws_sdk_rds::operation::describe_db_parameters::{
    DescribeDBParametersError, DescribeDbParametersOutput,
};
use aws_sdk_rds::operation::describe_db_snapshots::DescribeDbSnapshotsOutput;
use aws_sdk_rds::types::{DbInstance, DbParameterGroupStatus, DbSubnetGroup, Parameter, Subnet};
use aws_sdk_rds::Client;
use aws_smithy_mocks::mock;
use tomwatch_model::ErrorKind;

mod oracle;

/// A region with no clusters and no snapshots, for the tests about instances.
fn no_clusters_or_snapshots() -> [aws_smithy_mocks::Rule; 3] {
    [
        mock!(Client::describe_db_clusters).then_output(|| {
            aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput::builder()
                .build()
        }),
        mock!(Client::describe_db_cluster_snapshots).then_output(|| {
            aws_sdk_rds::operation::describe_db_cluster_snapshots::DescribeDbClusterSnapshotsOutput::builder()
                .build()
        }),
        mock!(Client::describe_db_snapshots)
            .then_output(|| DescribeDbSnapshotsOutput::builder().build()),
    ]
}

fn instance(id: &str, group: &str) -> DbInstance {
    instance_applying(id, group, "in-sync")
}

fn instance_applying(id: &str, group: &str, apply_status: &str) -> DbInstance {
    DbInstance::builder()
        .db_instance_identifier(id)
        .db_instance_arn(format!("arn:aws:rds:eu-central-1:111111111111:db:{id}"))
        .engine("postgres")
        .engine_version("16.4")
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
                .parameter_apply_status(apply_status)
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
                        .apply_type("dynamic")
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
    let [clusters, cluster_snapshots, snapshots] = no_clusters_or_snapshots();
    let client = mocked_client!(
        aws_sdk_rds,
        mock!(Client::describe_db_instances).then_output(|| {
            DescribeDbInstancesOutput::builder()
                .db_instances(instance("orders", "tls"))
                .db_instances(instance("billing", "tls"))
                .db_instances(instance("legacy", "locked"))
                .db_instances(instance_applying("ledger", "static", "pending-reboot"))
                .build()
        }),
        tls_group,
        mock!(Client::describe_db_parameters)
            .match_requests(|r| r.db_parameter_group_name() == Some("static"))
            .then_output(|| {
                DescribeDbParametersOutput::builder()
                    .parameters(
                        Parameter::builder()
                            .parameter_name("rds.force_ssl")
                            .parameter_value("1")
                            .apply_type("static")
                            .build(),
                    )
                    .parameters(
                        Parameter::builder()
                            .parameter_name("require_secure_transport")
                            .apply_type("dynamic")
                            .build(),
                    )
                    .build()
            }),
        mock!(Client::describe_db_parameters)
            .match_requests(|r| r.db_parameter_group_name() == Some("locked"))
            .then_error(|| DescribeDBParametersError::generic(aws_error("AccessDenied"))),
        clusters,
        cluster_snapshots,
        snapshots,
    );
    let instances = collect(&client, &caller("eu-central-1", "rds"))
        .await
        .instances
        .expect("listed");
    let tls = instances[0].tls_parameters.as_ref().expect("read");
    assert_eq!(
        tls.get("rds.force_ssl"),
        Some(&TlsParameter {
            value: Some("1".into()),
            is_static: false
        })
    );
    assert_eq!(instances[0].engine_version, "16.4");
    assert!(!instances[0].parameters_pending_reboot);
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
    let ledger = &instances[3];
    assert!(ledger.parameters_pending_reboot);
    let tls = ledger.tls_parameters.as_ref().expect("read");
    assert!(tls["rds.force_ssl"].is_static);
    assert_eq!(
        tls["require_secure_transport"].value, None,
        "a parameter without a value is the engine default, not an empty string"
    );
}

#[tokio::test]
async fn clusters_read_their_cluster_parameter_group_and_members() {
    use aws_sdk_rds::operation::describe_db_cluster_parameters::DescribeDbClusterParametersOutput;
    use aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput;
    use aws_sdk_rds::types::{DbCluster, DbClusterMember};
    let cluster = |id: &str| {
        DbCluster::builder()
            .db_cluster_identifier(id)
            .db_cluster_arn(format!(
                "arn:aws:rds:eu-central-1:111111111111:cluster:{id}"
            ))
            .engine("aurora-postgresql")
            .engine_version("16.6")
            .storage_encrypted(false)
            .backup_retention_period(1)
            .db_cluster_parameter_group("aurora-tls")
            .db_cluster_members(
                DbClusterMember::builder()
                    .db_instance_identifier(format!("{id}-1"))
                    .build(),
            )
            .db_cluster_members(
                DbClusterMember::builder()
                    .db_instance_identifier(format!("{id}-2"))
                    .db_cluster_parameter_group_status(if id == "ledger" {
                        "pending-reboot"
                    } else {
                        "in-sync"
                    })
                    .build(),
            )
            .build()
    };
    let parameters = mock!(Client::describe_db_cluster_parameters)
        .match_requests(|r| r.db_cluster_parameter_group_name() == Some("aurora-tls"))
        .then_output(|| {
            DescribeDbClusterParametersOutput::builder()
                .parameters(
                    Parameter::builder()
                        .parameter_name("rds.force_ssl")
                        .parameter_value("1")
                        .build(),
                )
                .build()
        });
    let client = mocked_client!(
        aws_sdk_rds,
        mock!(Client::describe_db_instances)
            .then_output(|| DescribeDbInstancesOutput::builder().build()),
        mock!(Client::describe_db_clusters).then_output(move || {
            DescribeDbClustersOutput::builder()
                .db_clusters(cluster("ledger"))
                .db_clusters(cluster("audit"))
                .build()
        }),
        parameters,
        mock!(Client::describe_db_cluster_snapshots).then_output(|| {
            aws_sdk_rds::operation::describe_db_cluster_snapshots::DescribeDbClusterSnapshotsOutput::builder()
                .build()
        }),
        mock!(Client::describe_db_snapshots)
            .then_output(|| DescribeDbSnapshotsOutput::builder().build()),
    );
    let clusters = collect(&client, &caller("eu-central-1", "rds"))
        .await
        .clusters
        .expect("listed");
    assert_eq!(clusters[0].members, vec!["ledger-1", "ledger-2"]);
    assert!(!clusters[0].storage_encrypted);
    assert!(clusters[0].parameters_pending_reboot && !clusters[1].parameters_pending_reboot);
    assert_eq!(
        clusters[1]
            .tls_parameters
            .as_ref()
            .map(|p| p.get("rds.force_ssl").and_then(|p| p.value.clone())),
        Ok(Some("1".to_string()))
    );
    assert_eq!(
        parameters.num_calls(),
        1,
        "one group shared by two clusters: one read"
    );
}
