"""WAFv2 ListResourcesForWebACL, which moto lacks: the resources moto's AssociateWebACL recorded
on the web ACL, filtered by the resource type asked for (application load balancers when none
is named, as AWS does), so a scan can place every load balancer of a region from its web ACLs.
"""

from localstack.aws.api import CommonServiceException

# ARN fragments that tell a protected resource's type, as WAFv2's ResourceType names it.
_RESOURCE_TYPES = {
    "APPLICATION_LOAD_BALANCER": ":loadbalancer/app/",
    "API_GATEWAY": ":apigateway:",
    "APPSYNC": ":appsync:",
    "COGNITO_USER_POOL": ":cognito-idp:",
    "APP_RUNNER_SERVICE": ":apprunner:",
    "VERIFIED_ACCESS_INSTANCE": ":verified-access-instance/",
    "AMPLIFY": ":amplify:",
}


class _Fault(CommonServiceException):
    def __init__(self, code, message):
        super().__init__(code, message, status_code=400, sender_fault=True)


def list_resources_for_web_acl(context, request):
    from moto.wafv2.models import wafv2_backends

    arn = request["WebACLArn"]
    acl = wafv2_backends[context.account_id][context.region].wacls.get(arn)
    if acl is None:
        raise _Fault(
            "WAFNonexistentItemException",
            "AWS WAF couldn’t perform the operation because your resource doesn’t exist.",
        )
    fragment = _RESOURCE_TYPES.get(request.get("ResourceType") or "APPLICATION_LOAD_BALANCER")
    if fragment is None:
        raise _Fault("WAFInvalidParameterException", "ResourceType is not a valid type")
    return {"ResourceArns": [r for r in acl.associated_resources if fragment in r]}


HANDLERS = {"ListResourcesForWebACL": list_resources_for_web_acl}
