"""The demo estate's building blocks: a boto3 client per account and region, and one method per
kind of resource that plants it, reads it back and records the verdicts tomwatch must report."""

import json

import boto3
from botocore.config import Config

WEB_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
}


def _deny_plain_http(resources, condition=None, action="s3:*", principal=None):
    return {
        "Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": principal or {"AWS": "*"}, "Action": action,
        "Resource": resources, "Condition": condition or {"Bool": {"aws:SecureTransport": "false"}},
    }


# Bucket policies as teams write them, with the verdict IAM's evaluation implies: a Deny applies
# only where its resource, principal and every condition match.
TRANSPORT_POLICIES = {
    "documented": lambda arn: ([_deny_plain_http([arn, f"{arn}/*"])], "PASS"),
    # A single statement object, a wildcard resource, BoolIfExists and an upper-case action.
    "equivalent": lambda arn: (
        _deny_plain_http(f"{arn}*", {"BoolIfExists": {"aws:SecureTransport": False}}, action="S3:*", principal="*"),
        "PASS",
    ),
    "bucket-arn-only": lambda arn: ([_deny_plain_http(arn)], "FAIL"),
    "one-prefix": lambda arn: ([_deny_plain_http([arn, f"{arn}/exports/*"])], "FAIL"),
    "one-account": lambda arn: (
        [_deny_plain_http([arn, f"{arn}/*"], {
            "Bool": {"aws:SecureTransport": "false"},
            "StringEquals": {"aws:PrincipalAccount": "111111111111"},
        })],
        "FAIL",
    ),
}


class Estate:
    def __init__(self, endpoint, suffix):
        self.endpoint = endpoint
        self.suffix = suffix
        self.expected = []
        # The environment the test configs declare for each account (TOM-ACCOUNTS).
        self.environment = {}
        # The test configs' and config/demo.yaml's min_backup_retention_days (TOM-BACKUP).
        self.min_backup_days = 7

    def scanned_regions(self, account):
        """Every region tomwatch scans for the account: the ones LocalStack lists, without the other
        partitions (cn-, us-gov-, ...), which tomwatch leaves out as real AWS does."""
        regions = self.client("ec2", account, "eu-central-1").describe_regions()["Regions"]
        names = sorted(r["RegionName"] for r in regions)
        return [r for r in names if not r.startswith(("cn-", "us-gov-", "us-iso", "eusc-"))]

    def default_tags(self, account):
        """What a well-run workload carries: its IaC tool and its account's environment."""
        tags = {"managed-by": "terraform"}
        if self.environment.get(account) in VALID_ENVIRONMENTS:
            tags["environment"] = self.environment[account]
        return tags

    def workload(self, account, region, arn, tags):
        """Records the verdicts of the tag checks every workload resource draws."""
        managed = tags.get("managed-by", "").lower() in IAC_TOOLS or "aws:cloudformation:stack-id" in tags
        self.expect("tagging_workload_managed_as_code", account, region, arn, "PASS" if managed else "FAIL")
        declared = self.environment.get(account)
        if declared not in VALID_ENVIRONMENTS:
            env_status = "NOT_APPLICABLE"
        else:
            env_status = "PASS" if tags.get("environment", declared) == declared else "FAIL"
        self.expect("tagging_workload_environment_matches", account, region, arn, env_status)

    def workload_regions(self, account):
        """The regions that run anything alarms and backup plans must cover: instances,
        databases, load balancers, caches, Auto Scaling groups, ECS clusters, functions, DynamoDB
        tables, EKS clusters or classic load balancers.
        Ask once everything is planted."""

        def runs_workloads(region):
            def client(service):
                return self.client(service, account, region)

            return any(
                (
                    client("ec2").describe_instances()["Reservations"],
                    client("rds").describe_db_instances()["DBInstances"],
                    client("elbv2").describe_load_balancers()["LoadBalancers"],
                    client("elasticache").describe_cache_clusters()["CacheClusters"],
                    client("elasticache").describe_serverless_caches()["ServerlessCaches"],
                    client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"],
                    client("ecs").list_clusters()["clusterArns"],
                    client("lambda").list_functions()["Functions"],
                    client("dynamodb").list_tables()["TableNames"],
                    client("eks").list_clusters()["clusters"],
                    client("elb").describe_load_balancers()["LoadBalancerDescriptions"],
                )
            )

        return {region for region in self.scanned_regions(account) if runs_workloads(region)}

    def client(self, service, account, region):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=account,
            aws_secret_access_key="test",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def expect(self, check_id, account, region, resource_id, status):
        self.expected.append(
            {"check_id": check_id, "account_id": account, "region": region, "resource_id": resource_id, "status": status}
        )

    # --- EC2 -------------------------------------------------------------------------------------

    def vpc(self, account, region, cidr, public=False, hardened=True):
        """A VPC with two subnets; `public` routes them to an internet gateway. `hardened` empties
        its default security group and turns on flow logs."""
        ec2 = self.client("ec2", account, region)
        vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self.harden_vpc(account, region, vpc_id, hardened)
        base = cidr.split(".")
        subnets = [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24", AvailabilityZone=f"{region}{az}")[
                "Subnet"
            ]["SubnetId"]
            for i, az in ((1, "a"), (2, "b"))
        ]
        if public:
            igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
            table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
            ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
            for subnet in subnets:
                ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        # The VPC's own default security group allows nothing from the internet.
        for group in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]:
            self.expect("ec2_security_group_world_ingress_web_only", account, region, sg_arn(group, region, account), "PASS")
            self.expect("ec2_security_group_admin_ports_restricted", account, region, sg_arn(group, region, account), "PASS")
        return vpc_id, subnets

    def harden_vpc(self, account, region, vpc_id, hardened):
        ec2 = self.client("ec2", account, region)
        default = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]
        if hardened:
            if default["IpPermissionsEgress"]:
                ec2.revoke_security_group_egress(GroupId=default["GroupId"], IpPermissions=default["IpPermissionsEgress"])
            if default["IpPermissions"]:
                ec2.revoke_security_group_ingress(GroupId=default["GroupId"], IpPermissions=default["IpPermissions"])
            logs = self.client("logs", account, region)
            try:
                logs.create_log_group(logGroupName="vpc-flow-logs")
            except logs.exceptions.ResourceAlreadyExistsException:
                pass
            ec2.create_flow_logs(
                ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL", LogGroupName="vpc-flow-logs",
                DeliverLogsPermissionArn=f"arn:aws:iam::{account}:role/vpc-flow-logs",
            )
        stored = ec2.describe_security_groups(GroupIds=[default["GroupId"]])["SecurityGroups"][0]
        empty = not stored["IpPermissions"] and not stored["IpPermissionsEgress"]
        assert empty or not hardened, f"{vpc_id}: default group not emptied"
        status = "PASS" if empty else "FAIL"
        self.expect("ec2_security_group_default_restricts_all", account, region, sg_arn(stored, region, account), status)
        logged = any(
            f.get("FlowLogStatus") == "ACTIVE"
            for f in ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
        )
        assert logged == hardened, f"{vpc_id}: flow logs {logged}"
        arn = f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id}"
        self.expect("ec2_vpc_flow_logs_enabled", account, region, arn, "PASS" if logged else "FAIL")

    def default_vpcs(self, account):
        """Records the verdicts of every region's default VPC once the estate is planted: only a
        default VPC something runs in is judged, and LocalStack's come with an open egress rule
        and no flow log."""
        for region in self.scanned_regions(account):
            ec2 = self.client("ec2", account, region)
            used = {n.get("VpcId") for n in ec2.describe_network_interfaces()["NetworkInterfaces"]}
            for vpc in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
                vpc_id = vpc["VpcId"]
                group = ec2.describe_security_groups(
                    Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
                )["SecurityGroups"][0]
                has_rules = bool(group["IpPermissions"] or group["IpPermissionsEgress"])
                in_use = vpc_id in used
                sg_status = "PASS" if not has_rules else ("FAIL" if in_use else "NOT_APPLICABLE")
                self.expect("ec2_security_group_default_restricts_all", account, region, sg_arn(group, region, account), sg_status)
                arn = f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id}"
                self.expect("ec2_vpc_flow_logs_enabled", account, region, arn, "FAIL" if in_use else "NOT_APPLICABLE")

    def security_group(self, account, region, vpc_id, name, rules, status, admin_status="PASS"):
        ec2 = self.client("ec2", account, region)
        group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rules)
        group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
        assert len(group["IpPermissions"]) == len(rules), f"{name}: rules not stored: {group}"
        self.expect("ec2_security_group_world_ingress_web_only", account, region, sg_arn(group, region, account), status)
        self.expect("ec2_security_group_admin_ports_restricted", account, region, sg_arn(group, region, account), admin_status)

    def prefix_list(self, account, region, name, cidrs):
        """A customer-managed prefix list, for rules that name it as their source."""
        ec2 = self.client("ec2", account, region)
        listed = ec2.create_managed_prefix_list(
            PrefixListName=name, MaxEntries=len(cidrs), AddressFamily="IPv4",
            Entries=[{"Cidr": cidr} for cidr in cidrs],
        )["PrefixList"]["PrefixListId"]
        entries = ec2.get_managed_prefix_list_entries(PrefixListId=listed)["Entries"]
        assert sorted(e["Cidr"] for e in entries) == sorted(cidrs), f"{name}: entries not stored: {entries}"
        return listed

    def instance(self, account, region, name, instance_region_status, tags=None):
        tags = self.default_tags(account) if tags is None else tags
        ec2 = self.client("ec2", account, region)
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instance = ec2.run_instances(
            ImageId=image,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8, "Encrypted": True}}],
            TagSpecifications=[tag_spec("instance", name, tags), tag_spec("volume", name, tags)],
        )["Instances"][0]
        self.record_instance(account, region, instance["InstanceId"], instance_region_status)

    def record_instance(self, account, region, instance_id, region_status):
        """Records the verdicts of an instance and its volumes, from their read-back tags and
        encryption (also for the instances an Auto Scaling group launches)."""
        ec2 = self.client("ec2", account, region)
        instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
        instance_arn = f"arn:aws:ec2:{region}:{account}:instance/{instance_id}"
        self.expect("ec2_instance_allowed_region", account, region, instance_arn, region_status)
        self.workload(account, region, instance_arn, {t["Key"]: t["Value"] for t in instance.get("Tags", [])})
        volumes = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}])["Volumes"]
        assert volumes, f"{instance_id}: no root volume"
        for volume in volumes:
            arn = f"arn:aws:ec2:{region}:{account}:volume/{volume['VolumeId']}"
            self.expect("ec2_volume_allowed_region", account, region, arn, region_status)
            self.expect("ec2_volume_encrypted", account, region, arn, "PASS" if volume["Encrypted"] else "FAIL")
            stored = {t["Key"]: t["Value"] for t in volume.get("Tags", [])}
            self.workload(account, region, arn, stored)

    def volume(self, account, region, name, encrypted, region_status, kms_key=None, tags=None):
        tags = self.default_tags(account) if tags is None else tags
        ec2 = self.client("ec2", account, region)
        args = {"AvailabilityZone": f"{region}a", "Size": 10, "Encrypted": encrypted, "TagSpecifications": [tag_spec("volume", name, tags)]}
        if kms_key:
            args["KmsKeyId"] = kms_key
        volume = ec2.create_volume(**args)
        assert volume["Encrypted"] == encrypted, f"{name}: encryption not stored"
        arn = f"arn:aws:ec2:{region}:{account}:volume/{volume['VolumeId']}"
        self.expect("ec2_volume_encrypted", account, region, arn, "PASS" if encrypted else "FAIL")
        self.expect("ec2_volume_allowed_region", account, region, arn, region_status)
        self.workload(account, region, arn, tags)

    def ebs_encryption_by_default(self, account, enabled_in):
        """Turns the setting on in `enabled_in` and records the verdict of every region tomwatch scans."""
        for region in self.scanned_regions(account):
            ec2 = self.client("ec2", account, region)
            if region in enabled_in:
                ec2.enable_ebs_encryption_by_default()
            enabled = ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
            assert enabled == (region in enabled_in), f"{region}: {enabled}"
            status = ("PASS" if enabled else "FAIL") if region in EU_REGIONS else "NOT_APPLICABLE"
            arn = f"arn:aws:ec2:{region}:{account}:ebs-encryption-by-default"
            self.expect("ec2_ebs_encryption_by_default", account, region, arn, status)

    # --- RDS -------------------------------------------------------------------------------------

    def database(
        self, account, region, name, encrypted, public, region_status, subnets, public_subnets=False, multi_az=False,
        backup_days=0, tags=None, force_tls=True, engine_version=None,
    ):
        """A PostgreSQL instance. With `force_tls`, its own parameter group sets rds.force_ssl = 1;
        without, the default group leaves it at the engine default: on from PostgreSQL 15."""
        tags = self.default_tags(account) if tags is None else tags
        rds = self.client("rds", account, region)
        args = dict(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="tomwatch",
            MasterUserPassword="not-a-real-password-1",
            AllocatedStorage=20,
            StorageEncrypted=encrypted,
            PubliclyAccessible=public,
            MultiAZ=multi_az,
            BackupRetentionPeriod=backup_days,
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        )
        if engine_version:
            args["EngineVersion"] = engine_version
        rds.create_db_subnet_group(DBSubnetGroupName=f"{name}-subnets", DBSubnetGroupDescription=name, SubnetIds=subnets)
        args["DBSubnetGroupName"] = f"{name}-subnets"
        if force_tls:
            group = f"{name}-tls"
            rds.create_db_parameter_group(DBParameterGroupName=group, DBParameterGroupFamily="postgres16", Description=name)
            rds.modify_db_parameter_group(
                DBParameterGroupName=group,
                Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}],
            )
            args["DBParameterGroupName"] = group
        db = rds.create_db_instance(**args)["DBInstance"]
        assert db["StorageEncrypted"] == encrypted and db["PubliclyAccessible"] == public, f"{name}: {db}"
        assert db["MultiAZ"] == multi_az and db["BackupRetentionPeriod"] == backup_days, f"{name}: {db}"
        arn = db["DBInstanceArn"]
        stored = {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]}
        assert stored == set(subnets), f"{name}: {stored}"
        self.expect("rds_instance_private_subnets", account, region, arn, "FAIL" if public_subnets else "PASS")
        self.expect("rds_instance_multi_az", account, region, arn, "PASS" if multi_az else "FAIL")
        status = "PASS" if backup_days >= self.min_backup_days else "FAIL"
        self.expect("rds_instance_backup_enabled", account, region, arn, status)
        self.expect("rds_instance_storage_encrypted", account, region, arn, "PASS" if encrypted else "FAIL")
        self.expect("rds_instance_not_public", account, region, arn, "FAIL" if public else "PASS")
        self.expect("rds_instance_allowed_region", account, region, arn, region_status)
        default_forces_tls = int(db["EngineVersion"].split(".")[0]) >= 15
        tls_status = "PASS" if force_tls or default_forces_tls else "FAIL"
        self.expect("rds_instance_tls_enforced", account, region, arn, tls_status)
        self.workload(account, region, arn, tags)

    def snapshots(self, account, region, manual_of):
        """Takes a manual snapshot of each named instance, then records every snapshot of the
        region (LocalStack also creates automated ones) by its read-back encryption."""
        rds = self.client("rds", account, region)
        for instance in manual_of:
            rds.create_db_snapshot(DBSnapshotIdentifier=f"{instance}-manual", DBInstanceIdentifier=instance)
        for snapshot in rds.describe_db_snapshots()["DBSnapshots"]:
            status = "PASS" if snapshot["Encrypted"] else "FAIL"
            self.expect("rds_snapshot_encrypted", account, region, snapshot["DBSnapshotArn"], status)

    # --- KMS -------------------------------------------------------------------------------------

    def kms_key(self, account, region, name, rotate, spec="SYMMETRIC_DEFAULT", disabled=False):
        """A customer key; a `disabled` one cannot encrypt, so rotation does not apply to it."""
        kms = self.client("kms", account, region)
        usage = "ENCRYPT_DECRYPT"
        key = kms.create_key(Description=name, KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
        if rotate:
            kms.enable_key_rotation(KeyId=key["KeyId"])
        if disabled:
            kms.disable_key(KeyId=key["KeyId"])
            assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
            status = "NOT_APPLICABLE"
        elif spec == "SYMMETRIC_DEFAULT":
            assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] == rotate
            status = "PASS" if rotate else "FAIL"
        else:
            status = "NOT_APPLICABLE"
        self.expect("kms_key_rotation_enabled", account, region, key["Arn"], status)
        self.expect("kms_key_allowed_region", account, region, key["Arn"], "PASS" if region in EU_REGIONS else "FAIL")
        return key["Arn"]

    # --- S3 --------------------------------------------------------------------------------------

    def bucket(self, account, region, name, kms_key, region_status, tags=None, transport="documented"):
        """A bucket; `transport` names its plain-HTTP deny in TRANSPORT_POLICIES, or None for no policy."""
        tags = self.default_tags(account) if tags is None else tags
        s3 = self.client("s3", account, region)
        name = f"{name}-{self.suffix}"
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)  # us-east-1 is the one region AWS rejects as a location constraint
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if kms_key:
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key}}]
                },
            )
        algorithm = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0][
            "ApplyServerSideEncryptionByDefault"
        ]["SSEAlgorithm"]
        assert (algorithm == "aws:kms") == bool(kms_key), f"{name}: {algorithm}"
        arn = f"arn:aws:s3:::{name}"
        self.expect("s3_bucket_default_encryption_kms", account, region, arn, "PASS" if kms_key else "FAIL")
        self.expect("s3_bucket_allowed_region", account, region, arn, region_status)
        status = "FAIL"
        if transport:
            statement, status = TRANSPORT_POLICIES[transport](arn)
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": statement}))
            assert "ecure" in s3.get_bucket_policy(Bucket=name)["Policy"]
        self.expect("s3_bucket_secure_transport", account, region, arn, status)
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
        self.workload(account, region, arn, tags)
        return name

    # --- CloudTrail ------------------------------------------------------------------------------

    def trail(self, account, region, name, bucket, multi_region, validation, kms_key=None, management="All", s3_data=False):
        """A logging trail; `management` is the ReadWriteType of its management events (None: none),
        `s3_data` adds S3 object-level events."""
        cloudtrail = self.client("cloudtrail", account, region)
        args = dict(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi_region, EnableLogFileValidation=validation)
        if kms_key:
            args["KmsKeyId"] = kms_key
        arn = cloudtrail.create_trail(**args)["TrailARN"]
        # moto ignores trailNameList and also lists multi-region trails of other home regions.
        stored = next(t for t in cloudtrail.describe_trails()["trailList"] if t["TrailARN"] == arn)
        assert bool(stored.get("KmsKeyId")) == bool(kms_key), f"{name}: {stored}"
        self.expect("cloudtrail_trail_kms_encrypted", account, region, arn, "PASS" if kms_key else "FAIL")
        cloudtrail.start_logging(Name=name)  # moto resolves only names here; AWS takes both
        assert cloudtrail.get_trail_status(Name=arn)["IsLogging"]
        self.expect("cloudtrail_trail_multi_region", account, region, arn, "PASS" if multi_region else "FAIL")
        self.expect("cloudtrail_trail_log_file_validation", account, region, arn, "PASS" if validation else "FAIL")
        selector = {"ReadWriteType": management or "All", "IncludeManagementEvents": management is not None}
        if s3_data:
            selector["DataResources"] = [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]
        cloudtrail.put_event_selectors(TrailName=name, EventSelectors=[selector])
        stored = cloudtrail.get_event_selectors(TrailName=name)["EventSelectors"]
        assert stored and stored[0]["ReadWriteType"] == selector["ReadWriteType"], f"{name}: {stored}"
        self.expect("cloudtrail_trail_management_events", account, region, arn, "PASS" if management == "All" else "FAIL")
        return arn

    def account_trail_verdict(self, account, status, s3_data_status):
        """`s3_data_status` as the test configs' baselines require S3 data events (the demo's and
        the main integration test's do; the compliant estate's does not: NOT_APPLICABLE)."""
        root = f"arn:aws:iam::{account}:root"
        self.expect("cloudtrail_account_multi_region_trail", account, "global", root, status)
        self.expect("cloudtrail_account_s3_data_events", account, "global", root, s3_data_status)


VALID_ENVIRONMENTS = {"production", "staging", "development"}
IAC_TOOLS = {"terraform", "opentofu", "cloudformation", "cdk", "pulumi"}

# Every EU region of the commercial partition that LocalStack lists.
# tomwatch's default allowed regions: those in member states of the European Union. eu-west-2
# (London) and eu-central-2 (Zurich) are outside it, whatever their names say.
EU_REGIONS = {"eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2"}


def sg_arn(group, region, account):
    return group.get("SecurityGroupArn") or f"arn:aws:ec2:{region}:{account}:security-group/{group['GroupId']}"


def tag_spec(resource_type, name, tags):
    return {"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}] + [
        {"Key": k, "Value": v} for k, v in tags.items()
    ]}


def through_list(protocol, from_port, to_port, prefix_list_id):
    return {"IpProtocol": protocol, "FromPort": from_port, "ToPort": to_port,
            "PrefixListIds": [{"PrefixListId": prefix_list_id}]}


def world(protocol, from_port, to_port, v6=False):
    rule = {"IpProtocol": protocol, "FromPort": from_port, "ToPort": to_port}
    if v6:
        rule["Ipv6Ranges"] = [{"CidrIpv6": "::/0"}]
    else:
        rule["IpRanges"] = [{"CidrIp": "0.0.0.0/0"}]
    return rule
