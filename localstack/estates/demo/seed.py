"""Seeds the demo estate into LocalStack: a production and a development account, several regions,
a compliant resource and a planted violation for every check.

Usage:
  seed.py [--prod-account ID] [--dev-account ID] [--suffix S] [--manifest FILE] [--endpoint URL]

The manifest lists every verdict the estate is built to produce, as
{"check_id", "account_id", "region", "resource_id", "status"} objects; the integration tests
assert that tomwatch reports exactly these. Each plant is read back before it is recorded, so a
LocalStack that silently ignored a setting fails here, not as a confusing audit difference.
"""

import argparse
import json
import sys

import backup
import dataplane
import edge
import identity
import monitoring
import workloads
from estate import EU_REGIONS, WEB_TRUST, Estate, through_list, world


def seed(estate, prod, dev):
    fra, dub, nva, ore = "eu-central-1", "eu-west-1", "us-east-1", "us-west-2"
    estate.environment.update({prod: "production", dev: "dev"})

    # Production: mostly compliant in Frankfurt, with drift planted beside each compliant twin.
    vpc, subnets = estate.vpc(prod, fra, "10.10.0.0/16")
    estate.security_group(prod, fra, vpc, "web-public", [world("tcp", 443, 443), world("tcp", 80, 80)], "PASS")
    estate.security_group(prod, fra, vpc, "ssh-from-internet", [world("tcp", 22, 22)], "FAIL", admin_status="FAIL")
    # The web ports are TCP: UDP 443 open to the world (QUIC, or an amplifier) is not "web only".
    estate.security_group(prod, fra, vpc, "udp-443-public", [world("udp", 443, 443)], "FAIL")
    # A rule admits what its prefix list holds: a list with 0.0.0.0/0 is the internet.
    vpn_list = estate.prefix_list(prod, fra, "vpn-exits", ["10.8.0.0/16", "10.9.0.0/16"])
    open_list = estate.prefix_list(prod, fra, "partners-and-everyone", ["198.51.100.0/24", "0.0.0.0/0"])
    estate.security_group(prod, fra, vpc, "ssh-via-vpn-list", [through_list("tcp", 22, 22, vpn_list)], "PASS")
    estate.security_group(
        prod, fra, vpc, "ssh-via-open-list", [through_list("tcp", 22, 22, open_list)], "FAIL", admin_status="FAIL",
    )
    estate.instance(prod, fra, "app-eu", "PASS")
    data_key = estate.kms_key(prod, fra, "prod-data", rotate=True)
    estate.kms_key(prod, fra, "prod-static", rotate=False)
    estate.kms_key(prod, fra, "prod-retired", rotate=False, disabled=True)
    estate.kms_key(prod, fra, "prod-signing", rotate=False, spec="RSA_2048")
    estate.volume(prod, fra, "data-encrypted", True, "PASS", kms_key=data_key)
    estate.volume(prod, fra, "data-plain", False, "PASS", tags={"managed-by": "terraform", "environment": "development"})
    workloads.file_system(estate, prod, fra, "shared-uploads", kms_key=data_key)
    workloads.file_system(estate, prod, fra, "legacy-nfs", encrypted=False)
    estate.database(
        prod, fra, "orders", encrypted=True, public=False, region_status="PASS", subnets=subnets, multi_az=True, backup_days=7
    )
    # No TLS parameter of its own: PostgreSQL 16's engine default (rds.force_ssl = 1) holds.
    estate.database(
        prod, fra, "catalog", encrypted=True, public=False, region_status="PASS", subnets=subnets, multi_az=True,
        backup_days=7, force_tls=False, engine_version="16.4",
    )
    _, public_subnets = estate.vpc(prod, fra, "10.11.0.0/16", public=True)
    estate.database(
        prod, fra, "legacy-mysql", encrypted=False, public=True, region_status="PASS", subnets=public_subnets,
        public_subnets=True, force_tls=False,
    )
    estate.bucket(prod, fra, "tw-prod-data", data_key, "PASS")
    estate.bucket(prod, fra, "tw-prod-exports-aes", None, "PASS", tags={}, transport=None)
    for transport in ["equivalent", "bucket-arn-only", "one-prefix", "one-account"]:
        estate.bucket(prod, fra, f"tw-prod-{transport}", data_key, "PASS", transport=transport)
    trail_bucket = estate.bucket(prod, fra, "tw-prod-trail", data_key, "PASS")
    estate.trail(prod, fra, "org-trail", trail_bucket, multi_region=True, validation=True, kms_key=data_key, s3_data=True)
    estate.trail(prod, dub, "debug-trail", trail_bucket, multi_region=False, validation=False, management="WriteOnly")
    estate.account_trail_verdict(prod, "PASS", s3_data_status="PASS")
    estate.ebs_encryption_by_default(prod, enabled_in=EU_REGIONS - {dub})

    # Production drift outside the EU.
    estate.instance(prod, nva, "shadow-it", "FAIL", tags={"managed-by": "clickops"})
    us_key = estate.kms_key(prod, nva, "us-key", rotate=True)
    estate.bucket(prod, nva, "tw-prod-us-copy", us_key, "FAIL")
    workloads.file_system(estate, prod, nva, "us-scratch", kms_key=us_key)
    # "EU-Raum" is the European Union: a replica in London is outside it, its Irish twin inside.
    london_key = estate.kms_key(prod, "eu-west-2", "prod-london-replica", rotate=True)
    estate.bucket(prod, "eu-west-2", "tw-prod-london-replica", london_key, "FAIL")
    dublin_key = estate.kms_key(prod, dub, "prod-dublin-replica", rotate=True)
    estate.bucket(prod, dub, "tw-prod-dublin-replica", dublin_key, "PASS")
    us_vpc, us_subnets = estate.vpc(prod, nva, "10.12.0.0/16")
    estate.database(
        prod, nva, "analytics-us", encrypted=True, public=False, region_status="FAIL", subnets=us_subnets,
        multi_az=True, backup_days=1,
    )
    estate.snapshots(prod, nva, manual_of=[])

    # Load balancers and their WAF, beside the databases' VPCs.
    edge.seed(estate, prod, fra, nva, vpc, subnets, us_vpc, us_subnets)

    # Development, reached through AssumeRole: no trail at all, an RDP port open to ::/0.
    iam = estate.client("iam", dev, fra)
    iam.create_role(RoleName="tomwatch-audit", AssumeRolePolicyDocument=json.dumps(WEB_TRUST))
    dev_vpc, dev_subnets = estate.vpc(dev, fra, "10.20.0.0/16", hardened=False)
    estate.security_group(dev, fra, dev_vpc, "rdp-open", [world("tcp", 3389, 3389, v6=True)], "FAIL", admin_status="FAIL")
    estate.security_group(dev, fra, dev_vpc, "grafana-public", [world("tcp", 3000, 3000)], "FAIL")
    estate.security_group(
        dev, fra, dev_vpc, "db-internal",
        [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}], "PASS",
    )
    estate.volume(dev, fra, "dev-scratch", False, "PASS")
    dev_key = estate.kms_key(dev, dub, "dev-rotating", rotate=True)
    estate.kms_key(dev, dub, "dev-static", rotate=False)
    estate.bucket(dev, fra, "tw-dev-artifacts", dev_key, "PASS")
    estate.instance(dev, dub, "dev-runner", "PASS")
    estate.volume(dev, ore, "forgotten-us-volume", True, "FAIL")
    estate.account_trail_verdict(dev, "FAIL", s3_data_status="FAIL")
    estate.ebs_encryption_by_default(dev, enabled_in=set())
    # Caches, Aurora, Auto Scaling, ECS and Lambda; then the snapshots of every database.
    workloads.seed(estate, prod, dev, vpc, subnets, public_subnets, us_vpc, us_subnets, dev_subnets)
    estate.snapshots(prod, fra, manual_of=["orders", "legacy-mysql"])
    # DynamoDB, EKS, ECR, SQS, SNS, Secrets Manager and Classic Load Balancers.
    dataplane.seed(estate, prod, data_key, us_key)
    monitoring.guardduty(estate, prod, enabled_in=EU_REGIONS - {"eu-west-3"}, eu_regions=EU_REGIONS)
    monitoring.guardduty(estate, dev, enabled_in=set(), eu_regions=EU_REGIONS)
    estate.default_vpcs(prod)
    estate.default_vpcs(dev)

    # Identity: production is locked down beside one drifted twin of each kind; dev is not.
    identity.root_mfa(estate, prod, enabled=True)
    identity.root_mfa(estate, dev, enabled=False)
    identity.root_access_key(estate, prod, present=False)
    identity.root_access_key(estate, dev, present=True)
    identity.password_policy(estate, prod, strong=True)
    identity.password_policy(estate, dev, strong=False)
    identity.user(estate, prod, "alice", console=True, mfa=True)
    identity.user(estate, prod, "bob", console=True, mfa=False)
    identity.user(estate, prod, "ci-deployer", key_age_days=20, key_last_used_days=1)
    identity.user(estate, prod, "legacy-batch", key_age_days=200, key_last_used_days=2)
    identity.user(estate, dev, "idle-bot", key_age_days=30, key_last_used_days=120)
    identity.organization(estate, prod, member=True)
    identity.organization(estate, dev, member=False)
    identity.environment_declared(estate, prod, "production")
    identity.environment_declared(estate, dev, "dev")
    identity.user_pool(estate, prod, fra, "customers")
    identity.user_pool(estate, prod, fra, "partners", mfa="OPTIONAL", min_length=8, symbols=False, threat_protection="AUDIT")
    identity.user_pool(estate, dev, nva, "dev-testers", mfa="OFF", threat_protection=None)

    # Backups and alarms, judged per region once every workload is planted.
    busy = {account: estate.workload_regions(account) for account in (prod, dev)}
    backup.seed(estate, prod, dev, busy)
    monitoring.alarm(estate, prod, fra, "storefront-latency")
    # Frankfurt also alarms on a learned band; Virginia only on a fixed threshold.
    monitoring.alarm(estate, prod, fra, "storefront-latency-band", band=True)
    monitoring.alarm(estate, prod, nva, "muted-latency", enabled=False)
    monitoring.alarm(estate, dev, "eu-north-1", "left-over")
    monitoring.alarm_verdicts(estate, prod, busy[prod])
    monitoring.alarm_verdicts(estate, dev, busy[dev])


def seed_compliant(estate, account):
    """One account that meets every check: for exit-code 0 (and 3, once a service is made blind)."""
    fra = "eu-central-1"
    estate.environment[account] = "production"
    estate.vpc(account, fra, "10.30.0.0/16")
    key = estate.kms_key(account, fra, "compliant-key", rotate=True)
    trail_bucket = estate.bucket(account, fra, "tw-compliant-trail", key, "PASS")
    estate.trail(account, fra, "org-trail", trail_bucket, multi_region=True, validation=True, kms_key=key)
    estate.account_trail_verdict(account, "PASS", s3_data_status="NOT_APPLICABLE")
    estate.ebs_encryption_by_default(account, enabled_in=EU_REGIONS)
    monitoring.guardduty(estate, account, enabled_in=EU_REGIONS, eu_regions=EU_REGIONS)
    estate.default_vpcs(account)
    identity.root_mfa(estate, account, enabled=True)
    identity.root_access_key(estate, account, present=False)
    identity.password_policy(estate, account, strong=True)
    identity.user(estate, account, "operator", console=True, mfa=True)
    identity.organization(estate, account, member=True)
    identity.environment_declared(estate, account, "production")
    identity.user_pool(estate, account, fra, "customers")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("--prod-account", default="111111111111")
    parser.add_argument("--dev-account", default="222222222222")
    parser.add_argument("--suffix", default="demo", help="appended to bucket names, which are global")
    parser.add_argument("--manifest", help="write the expected verdicts here (JSON)")
    parser.add_argument("--compliant-account", help="seed only a fully compliant estate into this account")
    parser.add_argument("--if-absent", action="store_true", help="do nothing if this estate was already seeded")
    args = parser.parse_args()

    estate = Estate(args.endpoint, args.suffix)
    if args.if_absent:
        s3 = estate.client("s3", args.prod_account, "eu-central-1")
        names = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
        if f"tw-prod-data-{args.suffix}" in names:
            print(f"demo estate already seeded in {args.prod_account}/{args.dev_account}", file=sys.stderr)
            return 0
    if args.compliant_account:
        seed_compliant(estate, args.compliant_account)
    else:
        seed(estate, args.prod_account, args.dev_account)
    if args.manifest:
        with open(args.manifest, "w") as out:
            json.dump(estate.expected, out, indent=1)
    accounts = args.compliant_account or f"{args.prod_account} and {args.dev_account}"
    print(f"seeded {len(estate.expected)} expected verdicts into {accounts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
