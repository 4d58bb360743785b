"""Load balancer and WAF plants of the demo estate (TOM-ENC-TRANSIT, TOM-WAF, and the load
balancers' TOM-REGION and TOM-AVAIL verdicts)."""

from estate import EU_REGIONS

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "tomwatch"}
MODERN_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
OUTDATED_POLICY = "ELBSecurityPolicy-2016-08"


def load_balancer(estate, account, region, name, subnets, kind="application", internal=False, waf=None, tags=None):
    """A load balancer; `waf` is the ARN of a web ACL to associate. Records the verdicts every
    load balancer draws; listeners are added with `listener`."""
    tags = estate.default_tags(account) if tags is None else tags
    elbv2 = estate.client("elbv2", account, region)
    lb = elbv2.create_load_balancer(
        Name=name, Subnets=subnets, Type=kind, Scheme="internal" if internal else "internet-facing",
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )["LoadBalancers"][0]
    arn = lb["LoadBalancerArn"]
    estate.workload(account, region, arn, tags)
    zones = {z["ZoneName"] for z in elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["AvailabilityZones"]}
    estate.expect("elbv2_load_balancer_allowed_region", account, region, arn, "PASS" if region in EU_REGIONS else "FAIL")
    estate.expect("elbv2_load_balancer_multi_az", account, region, arn, "PASS" if len(zones) >= 2 else "FAIL")
    if waf:
        wafv2 = estate.client("wafv2", account, region)
        wafv2.associate_web_acl(WebACLArn=waf, ResourceArn=arn)
        assert wafv2.get_web_acl_for_resource(ResourceArn=arn)["WebACL"]["ARN"] == waf
    if internal or kind != "application":
        waf_status = "NOT_APPLICABLE"
    else:
        waf_status = "PASS" if waf else "FAIL"
    estate.expect("elbv2_load_balancer_waf_attached", account, region, arn, waf_status)
    return arn


def listener(estate, account, region, lb_arn, vpc_id, port, protocol, redirect=False, policy=None):
    elbv2 = estate.client("elbv2", account, region)
    if redirect:
        action = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    else:
        group = elbv2.create_target_group(
            Name=f"tg-{port}-{lb_arn.rsplit('/', 1)[-1][:8]}", Protocol="HTTP" if protocol in ("HTTP", "HTTPS") else "TCP",
            Port=80, VpcId=vpc_id,
        )["TargetGroups"][0]
        action = {"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}
    args = dict(LoadBalancerArn=lb_arn, Protocol=protocol, Port=port, DefaultActions=[action])
    if policy:
        acm = estate.client("acm", account, region)
        certificate = acm.request_certificate(DomainName=f"{port}.example.com")["CertificateArn"]
        args.update(SslPolicy=policy, Certificates=[{"CertificateArn": certificate}])
    arn = elbv2.create_listener(**args)["Listeners"][0]["ListenerArn"]
    if protocol == "HTTP":
        estate.expect("elbv2_listener_http_redirects_https", account, region, arn, "PASS" if redirect else "FAIL")
    else:
        estate.expect("elbv2_listener_tls12_policy", account, region, arn, "PASS" if policy == MODERN_POLICY else "FAIL")


def web_acl(estate, account, region, name, common=True, sqli=True, rate=True, count_only=False):
    """A regional web ACL with the protections asked for; `count_only` puts the managed groups in
    count mode."""
    rules = []
    override = {"Count": {}} if count_only else {"None": {}}
    for priority, (wanted, group) in enumerate(
        ((common, "AWSManagedRulesCommonRuleSet"), (sqli, "AWSManagedRulesSQLiRuleSet"))
    ):
        if wanted:
            rules.append({
                "Name": group, "Priority": priority, "OverrideAction": override, "VisibilityConfig": VISIBILITY,
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
            })
    if rate:
        rules.append({
            "Name": "rate", "Priority": 10, "Action": {"Block": {}}, "VisibilityConfig": VISIBILITY,
            "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}},
        })
    wafv2 = estate.client("wafv2", account, region)
    arn = wafv2.create_web_acl(
        Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules, VisibilityConfig=VISIBILITY
    )["Summary"]["ARN"]
    status = "PASS" if common and sqli and rate and not count_only else "FAIL"
    estate.expect("wafv2_web_acl_required_rules", account, region, arn, status)
    return arn


def seed(estate, prod, fra, nva, vpc, subnets, us_vpc, us_subnets):
    complete = web_acl(estate, prod, fra, "edge-complete")
    web = load_balancer(estate, prod, fra, "web-prod", subnets, waf=complete)
    listener(estate, prod, fra, web, vpc, 80, "HTTP", redirect=True)
    listener(estate, prod, fra, web, vpc, 443, "HTTPS", policy=MODERN_POLICY)

    weak = web_acl(estate, prod, fra, "edge-weak", sqli=False, rate=False, count_only=True)
    api = load_balancer(estate, prod, fra, "api-prod", subnets, waf=weak)
    listener(estate, prod, fra, api, vpc, 443, "HTTPS", policy=OUTDATED_POLICY)

    legacy = load_balancer(estate, prod, fra, "legacy-web", subnets)
    listener(estate, prod, fra, legacy, vpc, 8080, "HTTP")
    load_balancer(estate, prod, fra, "internal-api", subnets, internal=True, tags={"Name": "hand-made"})
    load_balancer(estate, prod, fra, "single-az-nlb", subnets[:1], kind="network")

    load_balancer(estate, prod, nva, "us-web", us_subnets)
