"""Compute, cache and clustered-database plants of the demo estate: ElastiCache replication
groups, Aurora clusters, Auto Scaling groups, ECS services and Lambda functions."""

import io
import zipfile

from estate import EU_REGIONS


def _region_status(region):
    return "PASS" if region in EU_REGIONS else "FAIL"


def cache(
    estate, account, region, name, subnets, at_rest=True, transit="required", failover=True, replicas=1,
    public_subnets=False, tags=None, kms_key=None,
):
    """A Redis replication group; `transit` is "required", "preferred" or None (off). Without
    `kms_key`, at-rest encryption uses ElastiCache's own key, which is not KMS."""
    tags = estate.default_tags(account) if tags is None else tags
    client = estate.client("elasticache", account, region)
    client.create_cache_subnet_group(
        CacheSubnetGroupName=f"{name}-subnets", CacheSubnetGroupDescription=name, SubnetIds=subnets
    )
    args = dict(
        ReplicationGroupId=name,
        ReplicationGroupDescription=name,
        Engine="redis",
        CacheNodeType="cache.t4g.micro",
        ReplicasPerNodeGroup=replicas,
        AutomaticFailoverEnabled=failover,
        MultiAZEnabled=failover,
        AtRestEncryptionEnabled=at_rest,
        TransitEncryptionEnabled=transit is not None,
        CacheSubnetGroupName=f"{name}-subnets",
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    if transit:
        args["TransitEncryptionMode"] = transit
    if kms_key:
        args["KmsKeyId"] = kms_key
    group = client.create_replication_group(**args)["ReplicationGroup"]
    stored = client.describe_replication_groups(ReplicationGroupId=name)["ReplicationGroups"][0]
    assert stored["AtRestEncryptionEnabled"] == at_rest and len(stored["MemberClusters"]) == replicas + 1, stored
    assert stored.get("KmsKeyId") == kms_key, stored
    arn = group["ARN"]
    stored_tags = {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceName=arn).get("TagList", [])}
    assert stored_tags == tags, stored_tags
    estate.workload(account, region, arn, tags)
    at_rest_status = "PASS" if at_rest and kms_key else "FAIL"
    estate.expect("elasticache_replication_group_encrypted_at_rest", account, region, arn, at_rest_status)
    estate.expect(
        "elasticache_replication_group_transit_encryption", account, region, arn, "PASS" if transit == "required" else "FAIL"
    )
    highly_available = failover and replicas >= 1
    estate.expect("elasticache_replication_group_multi_az", account, region, arn, "PASS" if highly_available else "FAIL")
    for member in client.describe_cache_clusters()["CacheClusters"]:
        if member.get("ReplicationGroupId") != name:
            continue
        assert member["CacheSubnetGroupName"] == f"{name}-subnets", member
        assert member["AtRestEncryptionEnabled"] == at_rest, member
        estate.expect("elasticache_cluster_allowed_region", account, region, member["ARN"], _region_status(region))
        estate.expect(
            "elasticache_cluster_private_subnets", account, region, member["ARN"], "FAIL" if public_subnets else "PASS"
        )


def standalone_cache(estate, account, region, name, subnets, engine, transit):
    """A cache cluster made with CreateCacheCluster: no replication group, and no at-rest option
    (AWS offers none there), so its at-rest verdict is always FAIL; `transit` turns on TLS
    (Memcached 1.6.12+)."""
    tags = estate.default_tags(account)
    client = estate.client("elasticache", account, region)
    client.create_cache_subnet_group(
        CacheSubnetGroupName=f"{name}-subnets", CacheSubnetGroupDescription=name, SubnetIds=subnets
    )
    client.create_cache_cluster(
        CacheClusterId=name, Engine=engine, CacheNodeType="cache.t4g.micro", NumCacheNodes=1,
        CacheSubnetGroupName=f"{name}-subnets", TransitEncryptionEnabled=transit,
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    stored = client.describe_cache_clusters(CacheClusterId=name)["CacheClusters"][0]
    assert stored["AtRestEncryptionEnabled"] is False and stored["TransitEncryptionEnabled"] == transit, stored
    arn = stored["ARN"]
    estate.workload(account, region, arn, tags)
    estate.expect("elasticache_cluster_allowed_region", account, region, arn, _region_status(region))
    estate.expect("elasticache_cluster_private_subnets", account, region, arn, "PASS")
    estate.expect("elasticache_cluster_encrypted_at_rest", account, region, arn, "FAIL")
    estate.expect("elasticache_cluster_transit_encryption", account, region, arn, "PASS" if transit else "FAIL")


def serverless_cache(estate, account, region, name, subnets, kms_key=None):
    """An ElastiCache Serverless cache: always encrypted and TLS-only; with ElastiCache's own key
    unless `kms_key` is named."""
    tags = estate.default_tags(account)
    client = estate.client("elasticache", account, region)
    args = dict(
        ServerlessCacheName=name, Engine="valkey", SubnetIds=subnets,
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    if kms_key:
        args["KmsKeyId"] = kms_key
    arn = client.create_serverless_cache(**args)["ServerlessCache"]["ARN"]
    stored = client.describe_serverless_caches(ServerlessCacheName=name)["ServerlessCaches"][0]
    assert stored.get("KmsKeyId") == kms_key and stored["ARN"] == arn, stored
    estate.workload(account, region, arn, tags)
    estate.expect("elasticache_serverless_cache_allowed_region", account, region, arn, _region_status(region))
    estate.expect("elasticache_serverless_cache_encrypted_kms", account, region, arn, "PASS" if kms_key else "FAIL")


def aurora(
    estate, account, region, name, subnets, zones=("a", "b"), encrypted=True, force_tls=True, backup_days=7, tags=None,
):
    """An Aurora PostgreSQL cluster with one instance in each of `zones`."""
    tags = estate.default_tags(account) if tags is None else tags
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    rds = estate.client("rds", account, region)
    rds.create_db_subnet_group(DBSubnetGroupName=f"{name}-subnets", DBSubnetGroupDescription=name, SubnetIds=subnets)
    group = f"{name}-cluster-params"
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName=group, DBParameterGroupFamily="aurora-postgresql16", Description=name
    )
    if force_tls:
        rds.modify_db_cluster_parameter_group(
            DBClusterParameterGroupName=group,
            Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}],
        )
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="tomwatch",
        MasterUserPassword="not-a-real-password-1", StorageEncrypted=encrypted, DBSubnetGroupName=f"{name}-subnets",
        DBClusterParameterGroupName=group, BackupRetentionPeriod=backup_days, Tags=tag_list,
    )["DBCluster"]
    assert cluster["StorageEncrypted"] == encrypted and cluster["BackupRetentionPeriod"] == backup_days, cluster
    for i, zone in enumerate(zones, start=1):
        # As AWS does, an Aurora instance lives in its cluster's subnet group and is not public.
        db = rds.create_db_instance(
            DBInstanceIdentifier=f"{name}-{i}", DBClusterIdentifier=name, Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large", AvailabilityZone=f"{region}{zone}", PubliclyAccessible=False,
            DBSubnetGroupName=f"{name}-subnets", Tags=tag_list,
        )["DBInstance"]
        arn = db["DBInstanceArn"]
        estate.expect("rds_instance_allowed_region", account, region, arn, _region_status(region))
        estate.expect("rds_instance_storage_encrypted", account, region, arn, "PASS" if encrypted else "FAIL")
        estate.expect("rds_instance_not_public", account, region, arn, "PASS")
        estate.expect("rds_instance_private_subnets", account, region, arn, "PASS")
        for aurora_level in ("rds_instance_multi_az", "rds_instance_backup_enabled", "rds_instance_tls_enforced"):
            estate.expect(aurora_level, account, region, arn, "NOT_APPLICABLE")
        estate.workload(account, region, arn, tags)
    arn = cluster["DBClusterArn"]
    estate.expect("rds_cluster_allowed_region", account, region, arn, _region_status(region))
    estate.expect("rds_cluster_storage_encrypted", account, region, arn, "PASS" if encrypted else "FAIL")
    estate.expect("rds_cluster_tls_enforced", account, region, arn, "PASS" if force_tls else "FAIL")
    estate.expect("rds_cluster_multi_az", account, region, arn, "PASS" if len(set(zones)) >= 2 else "FAIL")
    estate.expect(
        "rds_cluster_backup_enabled", account, region, arn, "PASS" if backup_days >= estate.min_backup_days else "FAIL"
    )
    estate.workload(account, region, arn, tags)


def cluster_snapshots(estate, account, region, manual_of):
    """Takes a manual snapshot of each named cluster, then records every cluster snapshot of the
    region by its read-back encryption (moto may also keep automated ones)."""
    rds = estate.client("rds", account, region)
    for cluster in manual_of:
        rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=f"{cluster}-manual", DBClusterIdentifier=cluster)
    for snapshot in rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]:
        status = "PASS" if snapshot["StorageEncrypted"] else "FAIL"
        estate.expect("rds_cluster_snapshot_encrypted", account, region, snapshot["DBClusterSnapshotArn"], status)


def target_group(estate, account, region, vpc, name):
    elbv2 = estate.client("elbv2", account, region)
    return elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]


def autoscaling_group(estate, account, region, name, subnets, min_size=2, target_group_arn=None, tags=None):
    tags = estate.default_tags(account) if tags is None else tags
    client = estate.client("autoscaling", account, region)
    image = estate.client("ec2", account, region).describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    client.create_launch_configuration(LaunchConfigurationName=f"{name}-lc", ImageId=image, InstanceType="t3.micro")
    client.create_auto_scaling_group(
        AutoScalingGroupName=name, LaunchConfigurationName=f"{name}-lc", MinSize=min_size, MaxSize=4,
        DesiredCapacity=min_size, VPCZoneIdentifier=",".join(subnets),
        TargetGroupARNs=[target_group_arn] if target_group_arn else [],
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in tags.items()],
    )
    group = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    # The instances the group launched are workloads of their own.
    for instance in group["Instances"]:
        estate.record_instance(account, region, instance["InstanceId"], _region_status(region))
    zones = len(group["AvailabilityZones"])
    redundant = group["MinSize"] >= 2 and zones >= 2 and bool(group["TargetGroupARNs"] or group["LoadBalancerNames"])
    arn = group["AutoScalingGroupARN"]
    estate.expect("autoscaling_group_allowed_region", account, region, arn, _region_status(region))
    estate.expect("autoscaling_group_redundant", account, region, arn, "PASS" if redundant else "FAIL")
    estate.workload(account, region, arn, tags)


def ecs_cluster(estate, account, region, name, services=(), tags=None):
    """An ECS cluster with `services` given as (name, desired count, target group ARN or None)."""
    tags = estate.default_tags(account) if tags is None else tags
    ecs = estate.client("ecs", account, region)
    arn = ecs.create_cluster(clusterName=name, tags=[{"key": k, "value": v} for k, v in tags.items()])["cluster"][
        "clusterArn"
    ]
    estate.expect("ecs_cluster_allowed_region", account, region, arn, _region_status(region))
    estate.workload(account, region, arn, tags)
    if not services:
        return
    ecs.register_task_definition(family=f"{name}-app", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    for service, desired, group in services:
        balancers = [{"targetGroupArn": group, "containerName": "app", "containerPort": 80}] if group else []
        created = ecs.create_service(
            cluster=name, serviceName=service, taskDefinition=f"{name}-app", desiredCount=desired, loadBalancers=balancers
        )["service"]
        status = "PASS" if desired >= 2 and group else "FAIL"
        estate.expect("ecs_service_redundant", account, region, created["serviceArn"], status)


def function(estate, account, region, name, tags=None):
    tags = estate.default_tags(account) if tags is None else tags
    client = estate.client("lambda", account, region)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    arn = client.create_function(
        FunctionName=name, Runtime="python3.12", Handler="index.handler", Code={"ZipFile": package.getvalue()},
        Role=f"arn:aws:iam::{account}:role/{name}-execution", Tags=tags,
    )["FunctionArn"]
    assert client.list_tags(Resource=arn).get("Tags", {}) == tags
    estate.workload(account, region, arn, tags)
    estate.expect("lambda_function_allowed_region", account, region, arn, _region_status(region))


def file_system(estate, account, region, name, encrypted=True, kms_key=None, tags=None):
    """An EFS file system; encryption at rest is chosen here, at creation, and never changes."""
    tags = estate.default_tags(account) if tags is None else tags
    efs = estate.client("efs", account, region)
    options = {"KmsKeyId": kms_key} if kms_key else {}
    arn = efs.create_file_system(
        CreationToken=name, Encrypted=encrypted, Tags=[{"Key": k, "Value": v} for k, v in tags.items()], **options
    )["FileSystemArn"]
    estate.workload(account, region, arn, tags)
    estate.expect("efs_file_system_allowed_region", account, region, arn, _region_status(region))
    estate.expect("efs_file_system_encrypted", account, region, arn, "PASS" if encrypted else "FAIL")


def seed(estate, prod, dev, vpc, subnets, public_subnets, us_vpc, us_subnets, dev_subnets):
    fra, nva = "eu-central-1", "us-east-1"
    cache_key = estate.kms_key(prod, fra, "prod-cache", rotate=True)
    cache(estate, prod, fra, "sessions", subnets, kms_key=cache_key)
    cache(
        estate, prod, fra, "legacy-cache", public_subnets, at_rest=False, transit="preferred", failover=False, replicas=0,
        public_subnets=True, tags={},
    )
    # Encrypted at rest, but with ElastiCache's own key: not KMS.
    cache(estate, dev, fra, "dev-cache", dev_subnets, transit=None)
    cache(estate, prod, nva, "us-cache", us_subnets, kms_key=estate.kms_key(prod, nva, "us-cache", rotate=True))
    standalone_cache(estate, prod, fra, "fragments", subnets, engine="memcached", transit=True)
    standalone_cache(estate, prod, fra, "scratch", subnets, engine="redis", transit=False)
    serverless_cache(estate, prod, fra, "carts", subnets, kms_key=cache_key)
    serverless_cache(estate, prod, nva, "us-carts", us_subnets)

    aurora(estate, prod, fra, "ledger", subnets)
    aurora(estate, prod, fra, "reporting", subnets, zones=("a", "a"), encrypted=False, force_tls=False, backup_days=3)
    aurora(estate, prod, nva, "us-ledger", us_subnets)
    cluster_snapshots(estate, prod, fra, manual_of=["ledger", "reporting"])
    cluster_snapshots(estate, prod, nva, manual_of=[])

    web = target_group(estate, prod, fra, vpc, "asg-web")
    autoscaling_group(estate, prod, fra, "web", subnets, target_group_arn=web)
    autoscaling_group(estate, prod, fra, "batch", subnets[:1], min_size=1, tags={"managed-by": "clickops"})
    autoscaling_group(estate, prod, nva, "us-workers", us_subnets, target_group_arn=target_group(estate, prod, nva, us_vpc, "asg-us"))

    shop = target_group(estate, prod, fra, vpc, "ecs-shop")
    ecs_cluster(estate, prod, fra, "shop", services=[("storefront", 2, shop), ("mailer", 1, None)])
    ecs_cluster(estate, prod, nva, "us-batch")

    function(estate, prod, fra, "thumbnails")
    function(estate, prod, fra, "hotfix-by-hand", tags={"environment": "production"})
    function(estate, prod, nva, "us-exporter")
