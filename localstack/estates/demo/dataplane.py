"""Data stores, clusters and messaging of the demo estate beyond the core: DynamoDB tables, EKS
clusters, ECR repositories, SQS queues, SNS topics, Secrets Manager secrets and Classic Load
Balancers, each read back before its verdicts are recorded."""

from estate import EU_REGIONS


def _region_status(region):
    return "PASS" if region in EU_REGIONS else "FAIL"


def _tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def table(estate, account, region, name, sse=None, tags=None):
    """`sse`: None (DynamoDB's own key), "aws" (aws/dynamodb) or a KMS key ARN."""
    tags = estate.default_tags(account) if tags is None else tags
    ddb = estate.client("dynamodb", account, region)
    options = {}
    if sse == "aws":
        options["SSESpecification"] = {"Enabled": True, "SSEType": "KMS"}
    elif sse:
        options["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": sse}
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", Tags=_tag_list(tags),
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], **options,
    )
    described = ddb.describe_table(TableName=name)["Table"]
    arn = described["TableArn"]
    assert ("SSEDescription" in described) == (sse is not None), described.get("SSEDescription")
    estate.workload(account, region, arn, tags)
    estate.expect("dynamodb_table_allowed_region", account, region, arn, _region_status(region))
    estate.expect("dynamodb_table_encrypted_kms", account, region, arn, "PASS" if sse else "FAIL")


def eks_cluster(estate, account, region, name, kms_key=None, tags=None):
    tags = estate.default_tags(account) if tags is None else tags
    eks = estate.client("eks", account, region)
    options = {"encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": kms_key}}]} if kms_key else {}
    arn = eks.create_cluster(
        name=name, roleArn=f"arn:aws:iam::{account}:role/eks-cluster", resourcesVpcConfig={"subnetIds": []},
        tags=tags, **options,
    )["cluster"]["arn"]
    assert bool(eks.describe_cluster(name=name)["cluster"].get("encryptionConfig")) == bool(kms_key)
    estate.workload(account, region, arn, tags)
    estate.expect("eks_cluster_allowed_region", account, region, arn, _region_status(region))
    estate.expect("eks_cluster_secrets_encrypted", account, region, arn, "PASS" if kms_key else "FAIL")


def repository(estate, account, region, name):
    arn = estate.client("ecr", account, region).create_repository(repositoryName=name)["repository"]["repositoryArn"]
    estate.expect("ecr_repository_allowed_region", account, region, arn, _region_status(region))


def queue(estate, account, region, name):
    sqs = estate.client("sqs", account, region)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    estate.expect("sqs_queue_allowed_region", account, region, arn, _region_status(region))


def topic(estate, account, region, name):
    arn = estate.client("sns", account, region).create_topic(Name=name)["TopicArn"]
    estate.expect("sns_topic_allowed_region", account, region, arn, _region_status(region))


def secret(estate, account, region, name, kms_key=None, tags=None):
    """`kms_key`: a customer key's ARN, or None for aws/secretsmanager."""
    tags = estate.default_tags(account) if tags is None else tags
    client = estate.client("secretsmanager", account, region)
    options = {"KmsKeyId": kms_key} if kms_key else {}
    arn = client.create_secret(Name=name, SecretString="demo", Tags=_tag_list(tags), **options)["ARN"]
    listed = [s for s in client.list_secrets()["SecretList"] if s["ARN"] == arn]
    assert listed and listed[0].get("KmsKeyId") == kms_key, listed
    estate.workload(account, region, arn, tags)
    estate.expect("secretsmanager_secret_allowed_region", account, region, arn, _region_status(region))
    estate.expect("secretsmanager_secret_encrypted_cmk", account, region, arn, "PASS" if kms_key else "FAIL")


# Negotiation policies as their Protocol-* attributes read; AWS's predefined
# ELBSecurityPolicy-TLS-1-2-2017-01 enables TLS 1.2 only.
TLS12_ONLY = {"Protocol-TLSv1": "false", "Protocol-TLSv1.1": "false", "Protocol-TLSv1.2": "true"}
TLS10_TOO = {"Protocol-TLSv1": "true", "Protocol-TLSv1.1": "true", "Protocol-TLSv1.2": "true"}


def classic_load_balancer(estate, account, region, name, protocol, negotiation=None, tags=None):
    """One listener on 443 (HTTPS) or 80 (HTTP), re-encrypting to the instances where it is HTTPS.
    `negotiation`: the Protocol-* attributes of its SSL negotiation policy, or None for none (ELB
    then applies ELBSecurityPolicy-2016-08, which allows TLS 1.0)."""
    tags = estate.default_tags(account) if tags is None else tags
    elb = estate.client("elb", account, region)
    listener = {"Protocol": protocol, "InstanceProtocol": protocol}
    if protocol == "HTTPS":
        certificate = estate.client("acm", account, region).request_certificate(
            DomainName=f"{name}.example.com"
        )["CertificateArn"]
        listener.update(LoadBalancerPort=443, InstancePort=8443, SSLCertificateId=certificate)
    else:
        listener.update(LoadBalancerPort=80, InstancePort=8080)
    elb.create_load_balancer(
        LoadBalancerName=name, Listeners=[listener], AvailabilityZones=[f"{region}a", f"{region}b"], Tags=_tag_list(tags),
    )
    if negotiation:
        elb.create_load_balancer_policy(
            LoadBalancerName=name, PolicyName=f"{name}-negotiation", PolicyTypeName="SSLNegotiationPolicyType",
            PolicyAttributes=[{"AttributeName": k, "AttributeValue": v} for k, v in negotiation.items()],
        )
        elb.set_load_balancer_policies_of_listener(
            LoadBalancerName=name, LoadBalancerPort=443, PolicyNames=[f"{name}-negotiation"]
        )
    described = elb.describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    assert [d["PolicyNames"] for d in described["ListenerDescriptions"]] == [[f"{name}-negotiation"] if negotiation else []]
    arn = f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{name}"
    estate.workload(account, region, arn, tags)
    estate.expect("elb_load_balancer_allowed_region", account, region, arn, _region_status(region))
    encrypted = protocol == "HTTPS"
    estate.expect("elb_load_balancer_listeners_encrypted", account, region, arn, "PASS" if encrypted else "FAIL")
    if not encrypted:
        tls12 = "NOT_APPLICABLE"
    else:
        tls12 = "PASS" if negotiation == TLS12_ONLY else "FAIL"
    estate.expect("elb_load_balancer_tls12_policy", account, region, arn, tls12)


def seed(estate, prod, data_key, us_key):
    fra, nva = "eu-central-1", "us-east-1"
    table(estate, prod, fra, "orders", sse=data_key)
    table(estate, prod, fra, "carts", sse="aws")
    # DynamoDB's default: encrypted, but under a key the account's KMS never shows.
    table(estate, prod, fra, "sessions", tags={"managed-by": "clickops"})
    table(estate, prod, nva, "us-events", sse=us_key)

    eks_cluster(estate, prod, fra, "platform", kms_key=data_key)
    eks_cluster(estate, prod, fra, "sandbox")
    eks_cluster(estate, prod, nva, "us-ml", kms_key=us_key)

    repository(estate, prod, fra, "storefront")
    repository(estate, prod, nva, "us-mirror")
    queue(estate, prod, fra, "order-events")
    queue(estate, prod, nva, "us-order-events")
    topic(estate, prod, fra, "alerts")
    topic(estate, prod, nva, "us-alerts")

    secret(estate, prod, fra, "orders-db-password", kms_key=data_key)
    secret(estate, prod, fra, "legacy-api-token")
    secret(estate, prod, nva, "us-api-token", kms_key=us_key)

    classic_load_balancer(estate, prod, fra, "classic-shop", "HTTPS", negotiation=TLS12_ONLY)
    classic_load_balancer(estate, prod, fra, "classic-legacy-tls", "HTTPS", negotiation=TLS10_TOO)
    classic_load_balancer(estate, prod, fra, "classic-defaulted", "HTTPS")
    classic_load_balancer(estate, prod, fra, "classic-plain", "HTTP")
    classic_load_balancer(estate, prod, nva, "us-classic", "HTTPS", negotiation=TLS12_ONLY)
