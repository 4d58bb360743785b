"""Fills LocalStack with a benchmark estate: N workload resources over A accounts x R regions.

    localstack/.venv/bin/python bench/estate.py --resources 10000 --accounts 50 \
        --regions eu-central-1,eu-west-1 --first-account 500000000000 --manifest estate.json

Deterministic: the same arguments and `--seed` give the same estate (names, sizes, which
resources violate). Proportions follow a typical workload account: per 100 resources about 27
security groups, 10 instances (each with its encrypted root volume), 20 volumes, 10 buckets,
8 KMS keys, 7 IAM users, 8 PostgreSQL instances, 5 cache clusters, 5 load balancers (each with
an HTTP listener); plus, per account, one trail and per region one VPC (two subnets) and one
WAF web ACL (XSS, SQLi and rate rules). A known share violates: every 5th security group opens
SSH to the world, every 4th volume and database is unencrypted, every 2nd bucket has no KMS
default encryption, every 2nd load balancer has no web ACL. The
manifest records how many of each were created and how many FAILs each counted check must give.

Accounts: LocalStack takes a 12-digit access key as the account, so A accounts need no
Organizations; the first is audited with the ambient credentials, the others through a role.
One process; a small thread pool keeps the emulator busy while seeding.
"""

import argparse
import concurrent.futures
import json
import random
import sys
import threading
import time

import boto3
from botocore.config import Config

# Per 100 workload resources (the rest of a hundred is rounding).
PROPORTIONS = {
    "security_group": 27,
    "instance": 10,
    "volume": 20,
    "bucket": 10,
    "kms_key": 8,
    "iam_user": 7,
    "db_instance": 8,
    "cache_cluster": 5,
    "load_balancer": 5,
}
# The checks whose FAIL count the estate fixes exactly, and which plants decide it.
COUNTED_CHECKS = {
    "ec2_security_group_world_ingress_web_only": "security_group",
    "ec2_volume_encrypted": "volume",
    "rds_instance_storage_encrypted": "db_instance",
    "s3_bucket_default_encryption_kms": "bucket",
    "elbv2_load_balancer_waf_attached": "load_balancer",
}


class Seeder:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.local = threading.local()
        self.config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 4, "mode": "standard"})

    def client(self, service: str, account: str, region: str):
        cache = self.local.__dict__.setdefault("clients", {})
        key = (service, account, region)
        if key not in cache:
            cache[key] = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name=region,
                aws_access_key_id=account,
                aws_secret_access_key="bench",
                config=self.config,
            )
        return cache[key]


def spread(total: int, parts: list) -> dict:
    """`total` resources over `parts` (account, region) cells as evenly as possible."""
    base, extra = divmod(total, len(parts))
    return {cell: base + (1 if i < extra else 0) for i, cell in enumerate(parts)}


def plan(resources: int, accounts: list, regions: list, rng: random.Random) -> list:
    """The resources to create: (kind, account, region, index, violates)."""
    weight = sum(PROPORTIONS.values())
    counts = {kind: round(resources * share / weight) for kind, share in PROPORTIONS.items()}
    # Rounding goes to security groups, the most numerous kind.
    counts["security_group"] += resources - sum(counts.values())
    global_kinds = {"bucket", "iam_user"}
    work = []
    for kind, count in counts.items():
        cells = [(a, regions[0]) for a in accounts] if kind in global_kinds else [(a, r) for a in accounts for r in regions]
        every = {"security_group": 5, "volume": 4, "db_instance": 4, "bucket": 2, "load_balancer": 2}.get(kind)
        for (account, region), n in spread(count, cells).items():
            for index in range(n):
                work.append((kind, account, region, index, bool(every) and index % every == every - 1))
    rng.shuffle(work)
    return work


def network(seeder: Seeder, account: str, region: str, cell: int) -> dict:
    ec2 = seeder.client("ec2", account, region)
    vpc = ec2.create_vpc(CidrBlock=f"10.{cell % 250}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{cell % 250}.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    rds = seeder.client("rds", account, region)
    rds.create_db_subnet_group(DBSubnetGroupName="bench", DBSubnetGroupDescription="bench", SubnetIds=subnets)
    cache = seeder.client("elasticache", account, region)
    cache.create_cache_subnet_group(CacheSubnetGroupName="bench", CacheSubnetGroupDescription="bench", SubnetIds=subnets)
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "bench"}
    # What the TOM-WAF checks ask of a web ACL: AWS's common (XSS) and SQLi rule groups, and a rate limit.
    groups = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet")
    rules = [
        {"Name": group, "Priority": priority, "OverrideAction": {"None": {}}, "VisibilityConfig": visibility,
         "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}}}
        for priority, group in enumerate(groups)
    ] + [
        {"Name": "rate", "Priority": 10, "Action": {"Block": {}}, "VisibilityConfig": visibility,
         "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}},
    ]
    waf = seeder.client("wafv2", account, region).create_web_acl(
        Name="bench", Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules, VisibilityConfig=visibility
    )["Summary"]["ARN"]
    return {"vpc": vpc, "subnets": subnets, "image": image, "waf": waf}


def trail(seeder: Seeder, account: str, region: str, key: str) -> None:
    s3 = seeder.client("s3", account, region)
    bucket = f"bench-trail-{account}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    # KMS-encrypted like the compliant buckets, so that only the planted buckets fail.
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]
        },
    )
    seeder.client("cloudtrail", account, region).create_trail(Name="bench", S3BucketName=bucket, IsMultiRegionTrail=True)


def create(seeder: Seeder, nets: dict, keys: dict, item) -> None:
    kind, account, region, index, violates = item
    name = f"bench-{kind.replace('_', '-')}-{index}"
    net = nets[(account, region)]
    if kind == "security_group":
        ec2 = seeder.client("ec2", account, region)
        group = ec2.create_security_group(GroupName=name, Description="bench", VpcId=net["vpc"])["GroupId"]
        cidr = "0.0.0.0/0" if violates else "10.0.0.0/8"
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}]}]
        )
    elif kind == "instance":
        seeder.client("ec2", account, region).run_instances(
            ImageId=net["image"], MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=net["subnets"][index % 2],
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8, "Encrypted": True}}],
        )
    elif kind == "volume":
        seeder.client("ec2", account, region).create_volume(
            AvailabilityZone=f"{region}a", Size=10, Encrypted=not violates
        )
    elif kind == "bucket":
        s3 = seeder.client("s3", account, region)
        bucket = f"{name}-{account}"
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        if not violates:
            s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys[account]}}]
                },
            )
    elif kind == "kms_key":
        kms = seeder.client("kms", account, region)
        key = kms.create_key(Description=name)["KeyMetadata"]["KeyId"]
        if index % 2 == 0:
            kms.enable_key_rotation(KeyId=key)
    elif kind == "iam_user":
        seeder.client("iam", account, region).create_user(UserName=name)
    elif kind == "db_instance":
        seeder.client("rds", account, region).create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="bench",
            MasterUserPassword="not-a-real-password-1", AllocatedStorage=20, StorageEncrypted=not violates,
            PubliclyAccessible=False, DBSubnetGroupName="bench", BackupRetentionPeriod=7,
        )
    elif kind == "cache_cluster":
        seeder.client("elasticache", account, region).create_cache_cluster(
            CacheClusterId=name, Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheNodes=1,
            CacheSubnetGroupName="bench", TransitEncryptionEnabled=index % 2 == 0,
        )
    elif kind == "load_balancer":
        elbv2 = seeder.client("elbv2", account, region)
        # Scheme given: AWS always answers with one, moto only when it was asked for.
        arn = elbv2.create_load_balancer(
            Name=name[:32], Subnets=net["subnets"], Type="application", Scheme="internet-facing"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        elbv2.create_listener(
            LoadBalancerArn=arn, Protocol="HTTP", Port=80,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}],
        )
        if not violates:
            seeder.client("wafv2", account, region).associate_web_acl(WebACLArn=net["waf"], ResourceArn=arn)
    else:
        raise ValueError(kind)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("--resources", type=int, required=True)
    parser.add_argument("--accounts", type=int, default=1)
    parser.add_argument("--regions", default="eu-central-1,eu-west-1")
    parser.add_argument("--first-account", type=int, required=True, help="the 12-digit ID of the first account")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--manifest", required=True)
    args = parser.parse_args()
    regions = args.regions.split(",")
    accounts = [f"{args.first_account + i:012d}" for i in range(args.accounts)]
    rng = random.Random(args.seed)
    seeder = Seeder(args.endpoint)
    started = time.monotonic()
    cells = [(a, r) for a in accounts for r in regions]
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        nets = dict(zip(cells, pool.map(lambda c: network(seeder, c[0], c[1], cells.index(c)), cells)))
        keys = dict(
            zip(accounts, pool.map(lambda a: seeder.client("kms", a, regions[0]).create_key()["KeyMetadata"]["Arn"], accounts))
        )
        list(pool.map(lambda a: trail(seeder, a, regions[0], keys[a]), accounts))
        work = plan(args.resources, accounts, regions, rng)
        for done, _ in enumerate(pool.map(lambda item: create(seeder, nets, keys, item), work), start=1):
            if done % 1000 == 0:
                print(f"bench/estate.py: {done}/{len(work)} resources", file=sys.stderr, flush=True)
    created = {}
    violating = {}
    for kind, _, _, _, violates in work:
        created[kind] = created.get(kind, 0) + 1
        violating[kind] = violating.get(kind, 0) + violates
    manifest = {
        "resources": len(work),
        "accounts": accounts,
        "regions": regions,
        "seed": args.seed,
        "created": created,
        # The FAILs these checks must report: the planted violations of their kind.
        "expected_failures": {check: violating.get(kind, 0) for check, kind in COUNTED_CHECKS.items()},
        "seconds": round(time.monotonic() - started, 1),
    }
    with open(args.manifest, "w") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
    print(f"bench/estate.py: {len(work)} resources in {manifest['seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
