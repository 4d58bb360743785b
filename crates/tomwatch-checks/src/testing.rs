//! Hand-built inventories for the checks' unit tests.

use crate::check::{Check, EvalContext, Evidence};
use crate::params::Parameters;
use std::collections::BTreeMap;
use tomwatch_model::inventory::*;
use tomwatch_model::{
    AccountInventory, CollectionError, ErrorKind, RegionInventory, Scope, Status,
};

pub const ACCOUNT: &str = "111111111111";

/// An account with the given regions, every collection present and empty.
pub fn account(regions: &[&str]) -> AccountInventory {
    AccountInventory {
        account_id: ACCOUNT.into(),
        environment: Some("production".into()),
        regions: Ok(regions
            .iter()
            .map(|r| (r.to_string(), empty_region(r)))
            .collect::<BTreeMap<_, _>>()),
        s3: S3Inventory {
            buckets: Ok(vec![]),
        },
        iam: IamInventory {
            collected_at: NOW,
            account_summary: Ok(IamAccountSummary {
                root_mfa_enabled: true,
                root_access_keys_present: false,
                root_password_present: Some(true),
                root_signing_certificates_present: Some(false),
            }),
            password_policy: Ok(None),
            users: Ok(vec![]),
        },
        organizations: OrganizationsInventory {
            organization: Ok(None),
        },
    }
}

/// The inventories' "now": 2026-11-29T00:00:00Z.
pub const NOW: i64 = 1_795_910_400;

pub fn empty_region(region: &str) -> RegionInventory {
    RegionInventory {
        region: region.into(),
        ec2: Ec2Inventory {
            instances: Ok(vec![]),
            volumes: Ok(vec![]),
            security_groups: Ok(vec![]),
            ebs_encryption_by_default: Ok(true),
            route_tables: Ok(vec![]),
            vpcs: Ok(vec![]),
        },
        rds: RdsInventory {
            instances: Ok(vec![]),
            clusters: Ok(vec![]),
            snapshots: Ok(vec![]),
            cluster_snapshots: Ok(vec![]),
        },
        kms: KmsInventory { keys: Ok(vec![]) },
        cloudtrail: CloudTrailInventory { trails: Ok(vec![]) },
        elbv2: Elbv2Inventory {
            load_balancers: Ok(vec![]),
            ssl_policies: Ok(Default::default()),
            target_groups: Ok(vec![]),
        },
        cognito: CognitoInventory {
            user_pools: Ok(vec![]),
        },
        guardduty: GuardDutyInventory {
            detectors: Ok(vec![Detector {
                id: "d-1".into(),
                enabled: Ok(true),
            }]),
        },
        elasticache: ElastiCacheInventory {
            replication_groups: Ok(vec![]),
            clusters: Ok(vec![]),
            serverless_caches: Ok(vec![]),
        },
        autoscaling: AutoScalingInventory { groups: Ok(vec![]) },
        ecs: EcsInventory {
            clusters: Ok(vec![]),
        },
        lambda: LambdaInventory {
            functions: Ok(vec![]),
        },
        cloudwatch: CloudWatchInventory { alarms: Ok(vec![]) },
        backup: BackupInventory {
            vaults: Ok(vec![]),
            plans: Ok(vec![]),
        },
        efs: EfsInventory {
            file_systems: Ok(vec![]),
        },
        dynamodb: DynamoDbInventory { tables: Ok(vec![]) },
        eks: EksInventory {
            clusters: Ok(vec![]),
        },
        ecr: EcrInventory {
            repositories: Ok(vec![]),
        },
        sqs: SqsInventory { queues: Ok(vec![]) },
        sns: SnsInventory { topics: Ok(vec![]) },
        secretsmanager: SecretsManagerInventory {
            secrets: Ok(vec![]),
        },
        elb: ElbInventory {
            load_balancers: Ok(vec![]),
        },
    }
}

pub fn region_mut<'a>(account: &'a mut AccountInventory, region: &str) -> &'a mut RegionInventory {
    account
        .regions
        .as_mut()
        .expect("test account has regions")
        .get_mut(region)
        .expect("test region exists")
}

pub fn denied(service: &'static str, operation: &'static str, region: &str) -> CollectionError {
    CollectionError {
        scope: Scope {
            account_id: ACCOUNT.into(),
            region: region.into(),
            service,
        },
        operation,
        kind: ErrorKind::AccessDenied,
        message: format!("User is not authorized to perform: {service}:{operation}"),
    }
}

/// Runs `check` as the built-in baseline places it, with the default parameters.
pub fn run(check: &Check, account: &AccountInventory) -> Vec<Evidence> {
    run_with(check, account, &Parameters::default())
}

pub fn run_with(check: &Check, account: &AccountInventory, params: &Parameters) -> Vec<Evidence> {
    (check.evaluate)(&EvalContext { account, params })
}

/// The single finding of a run, with its status; panics with the findings otherwise.
pub fn only(findings: Vec<Evidence>) -> (Evidence, Status) {
    assert_eq!(
        findings.len(),
        1,
        "expected exactly one finding, got {findings:#?}"
    );
    let finding = findings.into_iter().next().expect("length checked");
    let status = finding.status;
    (finding, status)
}

pub fn statuses(findings: &[Evidence]) -> Vec<(String, Status)> {
    findings
        .iter()
        .map(|f| (f.resource_id.clone(), f.status))
        .collect()
}

pub fn rds_instance(id: &str, storage_encrypted: bool, publicly_accessible: bool) -> RdsInstance {
    RdsInstance {
        arn: format!("arn:aws:rds:eu-central-1:{ACCOUNT}:db:{id}"),
        identifier: id.into(),
        engine: "postgres".into(),
        engine_version: "16.4".into(),
        storage_encrypted,
        kms_key_id: None,
        publicly_accessible,
        multi_az: true,
        availability_zone: Some("eu-central-1a".into()),
        cluster_id: None,
        backup_retention_days: 7,
        subnet_ids: Ok(vec![]),
        vpc_id: Some("vpc-1".into()),
        tags: Default::default(),
        tls_parameters: Ok(tls_set("rds.force_ssl", "1")),
        parameters_pending_reboot: false,
        oracle_ssl: None,
    }
}

/// A parameter group that sets one dynamic TLS parameter to `value`.
pub fn tls_set(parameter: &str, value: &str) -> BTreeMap<String, TlsParameter> {
    let set = TlsParameter {
        value: Some(value.into()),
        is_static: false,
    };
    [(parameter.to_string(), set)].into()
}

/// Runs `check` on one eu-central-1 region holding `instances`, or failing DescribeDBInstances.
pub fn run_on_rds(check: &Check, instances: Result<Vec<RdsInstance>, ()>) -> Vec<Evidence> {
    let mut account = account(&["eu-central-1"]);
    region_mut(&mut account, "eu-central-1").rds.instances =
        instances.map_err(|()| denied("rds", "DescribeDBInstances", "eu-central-1"));
    run(check, &account)
}

/// An Aurora PostgreSQL cluster that meets every promise, with members `<id>-1` and `<id>-2`.
/// An enabled symmetric key with KMS-made material; `manager` is `CUSTOMER` or `AWS`.
pub fn kms_key(arn: &str, manager: &str) -> KmsKey {
    KmsKey {
        arn: arn.into(),
        key_id: arn.rsplit('/').next().expect("an id").into(),
        details: Ok(KmsKeyDetails {
            key_manager: manager.into(),
            key_state: "Enabled".into(),
            key_spec: "SYMMETRIC_DEFAULT".into(),
            origin: "AWS_KMS".into(),
        }),
        rotation_enabled: None,
    }
}

pub fn rds_cluster(id: &str) -> RdsCluster {
    RdsCluster {
        arn: format!("arn:aws:rds:eu-central-1:{ACCOUNT}:cluster:{id}"),
        identifier: id.into(),
        engine: "aurora-postgresql".into(),
        engine_version: "16.6".into(),
        storage_encrypted: true,
        kms_key_id: Some("arn:aws:kms:eu-central-1:111111111111:key/k".into()),
        members: vec![format!("{id}-1"), format!("{id}-2")],
        backup_retention_days: 7,
        tags: Default::default(),
        tls_parameters: Ok(tls_set("rds.force_ssl", "1")),
        parameters_pending_reboot: false,
    }
}
