"""AWS Backup plants of the demo estate: vaults and their keys, recovery points of encrypted and
unencrypted volumes, and plans with daily or only weekly rules."""

from estate import EU_REGIONS


def vault(estate, account, region, name, key_state="Enabled"):
    """A vault encrypted with a new key of its region; `key_state` PendingDeletion schedules that
    key's deletion. A key outside the EU fails the vault too: a vault has no region verdict of its
    own."""
    kms = estate.client("kms", account, region)
    key = kms.create_key(Description=f"backup vault {name}")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    if key_state == "PendingDeletion":
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == key_state
    estate.expect(
        "kms_key_rotation_enabled", account, region, key["Arn"], "PASS" if key_state == "Enabled" else "NOT_APPLICABLE"
    )
    estate.expect("kms_key_allowed_region", account, region, key["Arn"], "PASS" if region in EU_REGIONS else "FAIL")
    backup = estate.client("backup", account, region)
    arn = backup.create_backup_vault(BackupVaultName=name, EncryptionKeyArn=key["Arn"])["BackupVaultArn"]
    status = "PASS" if key_state == "Enabled" and region in EU_REGIONS else "FAIL"
    estate.expect("backup_vault_encrypted", account, region, arn, status)
    return name


def back_up(estate, account, region, vault_name, resource_arn):
    """Runs a backup job of the resource; the recovery point is encrypted exactly when its source is."""
    backup = estate.client("backup", account, region)
    point = backup.start_backup_job(
        BackupVaultName=vault_name, ResourceArn=resource_arn, IamRoleArn=f"arn:aws:iam::{account}:role/backup"
    )["RecoveryPointArn"]
    stored = {
        p["RecoveryPointArn"]: p for p in backup.list_recovery_points_by_backup_vault(BackupVaultName=vault_name)["RecoveryPoints"]
    }[point]
    status = "PASS" if stored["IsEncrypted"] else "FAIL"
    estate.expect("backup_recovery_point_encrypted", account, region, point, status)


def plan(estate, account, region, name, schedule, selections=()):
    """A plan with one rule on `schedule`, assigning resources by each of `selections`
    (BackupSelection objects without their role)."""
    backup = estate.client("backup", account, region)
    plan_id = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": name,
            "Rules": [{"RuleName": f"{name}-rule", "TargetBackupVaultName": "Default", "ScheduleExpression": schedule}],
        }
    )["BackupPlanId"]
    for selection in selections:
        backup.create_backup_selection(
            BackupPlanId=plan_id,
            BackupSelection={**selection, "IamRoleArn": f"arn:aws:iam::{account}:role/backup"},
        )
    listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert len(listed) == len(selections), listed


# Every database of a region, as the AWS Backup console's "RDS" resource type assigns them.
ALL_DATABASES = {"SelectionName": "databases", "Resources": ["arn:aws:rds:*:*:db:*", "arn:aws:rds:*:*:cluster:*"]}
TAGGED_DAILY = {
    "SelectionName": "tagged-daily",
    "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}],
}


def plan_verdicts(estate, account, busy, passing_in):
    """Records the verdict of every region in `busy` (those that run workloads): the test configs
    require a plan (backup_plan_required), and `passing_in` are the regions given a daily plan
    that selects their databases."""
    for region in sorted(busy):
        arn = f"arn:aws:backup:{region}:{account}:backup-plan:*"
        estate.expect("backup_region_daily_plan", account, region, arn, "PASS" if region in passing_in else "FAIL")


def seed(estate, prod, dev, busy):
    """`busy` maps each account to the regions that run workloads."""
    fra, dub, nva = "eu-central-1", "eu-west-1", "us-east-1"
    ec2 = estate.client("ec2", prod, fra)
    volumes = {
        next(t["Value"] for t in v.get("Tags", []) if t["Key"] == "Name"): v
        for v in ec2.describe_volumes()["Volumes"]
        if any(t["Key"] == "Name" for t in v.get("Tags", []))
    }
    daily = vault(estate, prod, fra, "daily")
    for name in ("data-encrypted", "data-plain"):
        volume = volumes[name]
        back_up(estate, prod, fra, daily, f"arn:aws:ec2:{fra}:{prod}:volume/{volume['VolumeId']}")
    vault(estate, prod, fra, "retired", key_state="PendingDeletion")
    # Its key lives where its backups do: in Virginia, outside the EU.
    vault(estate, prod, nva, "us-vault")
    plan(estate, prod, fra, "nightly", "cron(0 3 ? * * *)", [ALL_DATABASES])
    plan(estate, prod, nva, "weekly-only", "cron(0 3 ? * SUN *)", [ALL_DATABASES])
    # Daily, but it assigns by a tag the region's database (analytics-us) does not carry.
    plan(estate, prod, nva, "tagged-nightly", "cron(0 2 ? * * *)", [TAGGED_DAILY])
    plan_verdicts(estate, prod, busy[prod], passing_in={fra})
    # Daily only in a year that has passed.
    plan(estate, dev, dub, "nightly-2024", "cron(0 3 ? * * 2024)", [{"SelectionName": "all", "Resources": ["*"]}])
    plan_verdicts(estate, dev, busy[dev], passing_in=set())
