"""AWS Backup jobs and recovery points, which moto lacks, and the listings the AWS SDKs' paths
miss in moto.

moto routes backup requests by the botocore paths, which end in a slash (`/backup-vaults/`); the
AWS SDK for Rust, like AWS itself, sends them without one (`/backup-vaults`), which moto answers
with 404. ListBackupVaults, ListBackupPlans and GetBackupPlan are therefore answered here from
moto's own backend.

moto has no backup selections: CreateBackupSelection, ListBackupSelections and
GetBackupSelection keep them here, per account, region and plan, as AWS returns them.

`StartBackupJob` records a completed recovery point at once. Like AWS for EBS volumes and RDS
databases (services without full AWS Backup management), the point is encrypted exactly when its
source is; other sources count as encrypted by the vault's key. `ListRecoveryPointsByBackupVault`
lists them. Points live beside moto's vaults, per account and region.
"""

import time
import uuid
from collections import defaultdict

from localstack.aws.api import CommonServiceException

# (account, region, vault name) -> [recovery point dicts as ListRecoveryPointsByBackupVault returns them]
_POINTS = defaultdict(list)
# (account, region, plan id) -> {selection id: GetBackupSelection response}
_SELECTIONS = defaultdict(dict)


class ResourceNotFoundException(CommonServiceException):
    def __init__(self, message):
        super().__init__("ResourceNotFoundException", message, status_code=400, sender_fault=True)


def _backend(context):
    from moto.backup.models import backup_backends

    return backup_backends[context.account_id][context.region]


def _vault(context, name):
    vaults = _backend(context).vaults
    if name not in vaults:
        raise ResourceNotFoundException(f"Backup vault {name} does not exist")
    return vaults[name]


def _source_encrypted(account, region, resource_arn):
    """Whether the resource behind the ARN is encrypted; None if tomwatch's estate does not know it."""
    kind = resource_arn.split(":")[2]
    if kind == "ec2" and ":volume/" in resource_arn:
        from moto.ec2.models import ec2_backends

        volume = ec2_backends[account][region].volumes.get(resource_arn.rsplit("/", 1)[1])
        return None if volume is None else bool(volume.encrypted)
    if kind == "rds" and ":db:" in resource_arn:
        from moto.rds.models import rds_backends

        database = rds_backends[account][region].databases.get(resource_arn.rsplit(":", 1)[1])
        return None if database is None else bool(database.storage_encrypted)
    return None


def start_backup_job(context, request):
    vault = _vault(context, request["BackupVaultName"])
    resource_arn = request["ResourceArn"]
    encrypted = _source_encrypted(context.account_id, context.region, resource_arn)
    if encrypted is None:
        raise ResourceNotFoundException(f"Resource {resource_arn} was not found")
    job = str(uuid.uuid4()).upper()
    point_arn = f"arn:aws:backup:{context.region}:{context.account_id}:recovery-point:{job}"
    now = time.time()
    _POINTS[(context.account_id, context.region, vault.backup_vault_name)].append(
        {
            "RecoveryPointArn": point_arn,
            "BackupVaultName": vault.backup_vault_name,
            "BackupVaultArn": vault.backup_vault_arn,
            "ResourceArn": resource_arn,
            "ResourceType": "EBS" if ":volume/" in resource_arn else "RDS",
            "IamRoleArn": request["IamRoleArn"],
            "Status": "COMPLETED",
            "CreationDate": now,
            "CompletionDate": now,
            "EncryptionKeyArn": vault.encryption_key_arn if encrypted else None,
            "IsEncrypted": encrypted,
        }
    )
    return {"BackupJobId": job, "RecoveryPointArn": point_arn, "CreationDate": now}


def list_recovery_points_by_backup_vault(context, request):
    vault = _vault(context, request["BackupVaultName"])
    points = _POINTS[(context.account_id, context.region, vault.backup_vault_name)]
    return {"RecoveryPoints": [{k: v for k, v in p.items() if v is not None} for p in points]}


def list_backup_vaults(context, _request):
    return {"BackupVaultList": [vault.to_list_dict() for vault in _backend(context).list_backup_vaults()]}


def list_backup_plans(context, request):
    plans = _backend(context).list_backup_plans(request.get("IncludeDeleted"))
    return {"BackupPlansList": [plan.to_list_dict() for plan in plans]}


def get_backup_plan(context, request):
    plan = _backend(context).get_backup_plan(request["BackupPlanId"], request.get("VersionId"))
    return plan.to_get_dict()


def _plan_id(context, plan_id):
    _backend(context).get_backup_plan(plan_id, None)  # raises moto's not-found error
    return plan_id


def create_backup_selection(context, request):
    plan_id = _plan_id(context, request["BackupPlanId"])
    selection_id = str(uuid.uuid4())
    now = time.time()
    _SELECTIONS[(context.account_id, context.region, plan_id)][selection_id] = {
        "BackupSelection": request["BackupSelection"],
        "SelectionId": selection_id,
        "BackupPlanId": plan_id,
        "CreationDate": now,
    }
    return {"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": now}


def list_backup_selections(context, request):
    plan_id = _plan_id(context, request["BackupPlanId"])
    selections = _SELECTIONS[(context.account_id, context.region, plan_id)].values()
    return {
        "BackupSelectionsList": [
            {
                "SelectionId": s["SelectionId"],
                "SelectionName": s["BackupSelection"]["SelectionName"],
                "BackupPlanId": plan_id,
                "CreationDate": s["CreationDate"],
                "IamRoleArn": s["BackupSelection"]["IamRoleArn"],
            }
            for s in selections
        ]
    }


def get_backup_selection(context, request):
    plan_id = _plan_id(context, request["BackupPlanId"])
    selections = _SELECTIONS[(context.account_id, context.region, plan_id)]
    if request["SelectionId"] not in selections:
        raise ResourceNotFoundException(f"Backup selection {request['SelectionId']} does not exist")
    return selections[request["SelectionId"]]


HANDLERS = {
    "CreateBackupSelection": create_backup_selection,
    "ListBackupSelections": list_backup_selections,
    "GetBackupSelection": get_backup_selection,
    "ListBackupVaults": list_backup_vaults,
    "ListBackupPlans": list_backup_plans,
    "GetBackupPlan": get_backup_plan,
    "StartBackupJob": start_backup_job,
    "ListRecoveryPointsByBackupVault": list_recovery_points_by_backup_vault,
}
