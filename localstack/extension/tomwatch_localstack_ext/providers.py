"""Service providers that hand every operation of a service straight to moto.

moto runs inside the LocalStack process, so its backends share state with LocalStack's own
moto-backed services (EC2, IAM, ...): an RDS subnet group sees the VPC subnets created through
LocalStack's EC2, a WAFv2 association sees the ELBv2 load balancer. The moto response is passed
through unparsed, so what the client receives is exactly what moto serialised.
"""

from localstack.aws.spec import load_service
from localstack.services.plugins import Service, aws_provider


class MotoProxyProvider:
    """The minimal object LocalStack's Service wants: it only needs to know the service name."""

    def __init__(self, service: str):
        self.service = service


def _moto_service(service: str, own: dict | None = None) -> Service:
    """`own` maps operations moto lacks to handlers of ours, `(context, request) -> dict`."""
    from localstack.services.moto import dispatch_to_moto

    def forward(context, _request):
        return dispatch_to_moto(context)

    provider = MotoProxyProvider(service)
    operations = load_service(service).operation_names
    table = {op: forward for op in operations} | (own or {})
    return Service.for_provider(provider, dispatch_table_factory=lambda _p: table)


@aws_provider()
def rds():
    return _moto_service("rds")


@aws_provider()
def elasticache():
    from tomwatch_localstack_ext.elasticache_serverless import HANDLERS

    return _moto_service("elasticache", own=HANDLERS)


@aws_provider()
def wafv2():
    from tomwatch_localstack_ext.wafv2_associations import HANDLERS

    return _moto_service("wafv2", own=HANDLERS)


@aws_provider()
def cloudtrail():
    from tomwatch_localstack_ext.cloudtrail_bridge import install

    install()
    return _moto_service("cloudtrail")


@aws_provider()
def elbv2():
    return _moto_service("elbv2")


@aws_provider(api="cognito-idp")
def cognito_idp():
    return _moto_service("cognito-idp")


@aws_provider()
def autoscaling():
    return _moto_service("autoscaling")


@aws_provider()
def ecs():
    return _moto_service("ecs")


@aws_provider()
def guardduty():
    return _moto_service("guardduty")


@aws_provider()
def securityhub():
    return _moto_service("securityhub")


@aws_provider()
def backup():
    from tomwatch_localstack_ext.backup_jobs import HANDLERS

    return _moto_service("backup", own=HANDLERS)


@aws_provider()
def organizations():
    return _moto_service("organizations")


@aws_provider()
def efs():
    return _moto_service("efs")


@aws_provider()
def eks():
    return _moto_service("eks")


@aws_provider()
def ecr():
    return _moto_service("ecr")


@aws_provider()
def elb():
    return _moto_service("elb")


@aws_provider(api="dynamodb", name="tomwatch")
def dynamodb():
    """LocalStack's own DynamoDB runs DynamoDB Local, a Java program it downloads at first use;
    these machines have neither Java 21 nor that download. moto's DynamoDB needs neither, and the
    start script selects it (PROVIDER_OVERRIDE_DYNAMODB=tomwatch)."""
    return _moto_service("dynamodb")
