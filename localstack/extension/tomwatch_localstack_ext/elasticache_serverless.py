"""ElastiCache Serverless caches, which moto lacks: CreateServerlessCache and
DescribeServerlessCaches keep them here, per account and region, in AWS's response shape, and
ListTagsForResource answers for their ARNs (other ARNs go to moto).

AWS always encrypts a serverless cache at rest: with the KMS key named at creation, or else with
ElastiCache's own key (`StorageEncryptionType` `sse-kms` or `sse-elasticache`).
"""

import datetime
from collections import defaultdict

from localstack.aws.api import CommonServiceException

# (account, region) -> {name: (ServerlessCache dict, [tags])}
_CACHES = defaultdict(dict)


class _Fault(CommonServiceException):
    def __init__(self, code, message):
        super().__init__(code, message, status_code=400, sender_fault=True)


def create_serverless_cache(context, request):
    store = _CACHES[(context.account_id, context.region)]
    name = request["ServerlessCacheName"]
    if name in store:
        raise _Fault("ServerlessCacheAlreadyExistsFault", f"Serverless cache {name} already exists")
    key = request.get("KmsKeyId")
    cache = {
        "ServerlessCacheName": name,
        "Description": request.get("Description", ""),
        "CreateTime": datetime.datetime.now(tz=datetime.timezone.utc),
        "Status": "available",
        "Engine": request["Engine"],
        "MajorEngineVersion": request.get("MajorEngineVersion", "8"),
        "SecurityGroupIds": list(request.get("SecurityGroupIds", [])),
        "ARN": f"arn:aws:elasticache:{context.region}:{context.account_id}:serverlesscache:{name}",
        "SubnetIds": list(request.get("SubnetIds", [])),
        "StorageEncryptionType": "sse-kms" if key else "sse-elasticache",
    }
    if key:
        cache["KmsKeyId"] = key
    store[name] = (cache, list(request.get("Tags", [])))
    return {"ServerlessCache": cache}


def describe_serverless_caches(context, request):
    store = _CACHES[(context.account_id, context.region)]
    name = request.get("ServerlessCacheName")
    if name and name not in store:
        raise _Fault("ServerlessCacheNotFoundFault", f"Serverless cache {name} not found")
    caches = [cache for key, (cache, _) in sorted(store.items()) if not name or key == name]
    return {"ServerlessCaches": caches}


def list_tags_for_resource(context, request):
    arn = request["ResourceName"]
    if ":serverlesscache:" not in arn:
        from localstack.services.moto import dispatch_to_moto

        return dispatch_to_moto(context)
    entry = _CACHES[(context.account_id, context.region)].get(arn.rsplit(":", 1)[1])
    if entry is None:
        raise _Fault("ServerlessCacheNotFoundFault", f"Serverless cache {arn} not found")
    return {"TagList": entry[1]}


HANDLERS = {
    "CreateServerlessCache": create_serverless_cache,
    "DescribeServerlessCaches": describe_serverless_caches,
    "ListTagsForResource": list_tags_for_resource,
}
