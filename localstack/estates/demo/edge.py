"""Load balancer and WAF plants of the demo estate (TOM-ENC-TRANSIT, TOM-WAF, and the load
balancers' TOM-REGION and TOM-AVAIL verdicts)."""

from estate import EU_REGIONS

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "tomwatch"}
MODERN_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# Web ACL ARN -> whether it blocks all three protections (its own verdict).
_BLOCKS = {}
OUTDATED_POLICY = "ELBSecurityPolicy-2016-08"
# Load balancer ARN -> (account, region, application and internet-facing, target protocols).
_TARGETS = {}


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
        # An attached web ACL that does not block fails on the load balancer too.
        waf_status = "PASS" if waf and _BLOCKS[waf] else "FAIL"
    estate.expect("elbv2_load_balancer_waf_attached", account, region, arn, waf_status)
    _TARGETS[arn] = (account, region, kind == "application" and not internal, set())
    return arn


def expect_target_protocols(estate):
    """Once every listener exists: what each load balancer speaks to its targets."""
    for arn, (account, region, judged, protocols) in _TARGETS.items():
        if not judged or not protocols:
            status = "NOT_APPLICABLE"
        else:
            status = "FAIL" if "HTTP" in protocols else "PASS"
        estate.expect("elbv2_load_balancer_https_to_targets", account, region, arn, status)


def listener(
    estate, account, region, lb_arn, vpc_id, port, protocol, redirect=False, policy=None, paths=None, targets="HTTP",
):
    """A listener whose default action redirects to HTTPS or forwards; `paths` maps path patterns
    to the action of a rule of their own: "forward" or "fixed-response". What it forwards goes to
    one target group speaking `targets` (TCP behind a network load balancer)."""
    elbv2 = estate.client("elbv2", account, region)
    group_arn = None

    def forward():
        nonlocal group_arn
        if group_arn is None:
            target_protocol = targets if protocol in ("HTTP", "HTTPS") else "TCP"
            group_arn = elbv2.create_target_group(
                Name=f"tg-{port}-{lb_arn.rsplit('/', 1)[-1][:8]}", Protocol=target_protocol,
                Port=443 if target_protocol == "HTTPS" else 80, VpcId=vpc_id,
            )["TargetGroups"][0]["TargetGroupArn"]
            _TARGETS[lb_arn][3].add(target_protocol)
        return {"Type": "forward", "TargetGroupArn": group_arn}

    if redirect:
        action = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    else:
        action = forward()
    args = dict(LoadBalancerArn=lb_arn, Protocol=protocol, Port=port, DefaultActions=[action])
    if policy:
        acm = estate.client("acm", account, region)
        certificate = acm.request_certificate(DomainName=f"{port}.example.com")["CertificateArn"]
        args.update(SslPolicy=policy, Certificates=[{"CertificateArn": certificate}])
    arn = elbv2.create_listener(**args)["Listeners"][0]["ListenerArn"]
    serving = not redirect
    for priority, (path, kind) in enumerate(sorted((paths or {}).items()), start=10):
        if kind == "forward":
            rule_action = forward()
            serving = True
        else:
            rule_action = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"}}
        elbv2.create_rule(
            ListenerArn=arn, Priority=priority, Actions=[rule_action],
            Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": [path]}}],
        )
    assert len(elbv2.describe_rules(ListenerArn=arn)["Rules"]) == 1 + len(paths or {})
    if protocol == "HTTP":
        estate.expect("elbv2_listener_http_redirects_https", account, region, arn, "FAIL" if serving else "PASS")
    else:
        estate.expect("elbv2_listener_tls12_policy", account, region, arn, "PASS" if policy == MODERN_POLICY else "FAIL")


def web_acl(estate, account, region, name, common=True, sqli=True, rate=True, count_only=False, counted=()):
    """A regional web ACL with the protections asked for; `count_only` puts the managed groups in
    count mode, `counted` names rules inside them overridden to Count (RuleActionOverrides)."""
    rules = []
    override = {"Count": {}} if count_only else {"None": {}}
    for priority, (wanted, group) in enumerate(
        ((common, "AWSManagedRulesCommonRuleSet"), (sqli, "AWSManagedRulesSQLiRuleSet"))
    ):
        if wanted:
            statement = {"VendorName": "AWS", "Name": group}
            if counted:
                statement["RuleActionOverrides"] = [{"Name": r, "ActionToUse": {"Count": {}}} for r in counted]
            rules.append({
                "Name": group, "Priority": priority, "OverrideAction": override, "VisibilityConfig": VISIBILITY,
                "Statement": {"ManagedRuleGroupStatement": statement},
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
    stored = wafv2.get_web_acl(Name=name, Scope="REGIONAL", Id=arn.rsplit("/", 1)[1])["WebACL"]["Rules"]
    for stored_rule in stored:
        group = stored_rule["Statement"].get("ManagedRuleGroupStatement")
        if group:
            assert [o["Name"] for o in group.get("RuleActionOverrides", [])] == list(counted), stored_rule
    relaxes_protection = any("CrossSiteScripting" in r or "SQLi" in r for r in counted)
    blocks = common and sqli and rate and not count_only and not relaxes_protection
    _BLOCKS[arn] = blocks
    estate.expect("wafv2_web_acl_required_rules", account, region, arn, "PASS" if blocks else "FAIL")
    return arn


def seed(estate, prod, fra, nva, vpc, subnets, us_vpc, us_subnets):
    # Counting a size rule inside the common group is routine and keeps the XSS protection.
    complete = web_acl(estate, prod, fra, "edge-complete", counted=["SizeRestrictions_BODY"])
    web = load_balancer(estate, prod, fra, "web-prod", subnets, waf=complete)
    # A health path answered by the load balancer itself forwards nothing in plain HTTP.
    listener(estate, prod, fra, web, vpc, 80, "HTTP", redirect=True, paths={"/health": "fixed-response"})
    # TLS again from the load balancer to the targets, as the TOM asks for internal traffic.
    listener(estate, prod, fra, web, vpc, 443, "HTTPS", policy=MODERN_POLICY, targets="HTTPS")

    weak = web_acl(estate, prod, fra, "edge-weak", sqli=False, rate=False, count_only=True)
    api = load_balancer(estate, prod, fra, "api-prod", subnets, waf=weak)
    listener(estate, prod, fra, api, vpc, 443, "HTTPS", policy=OUTDATED_POLICY)
    # Redirects by default, but a rule forwards the API in plain HTTP.
    listener(estate, prod, fra, api, vpc, 80, "HTTP", redirect=True, paths={"/api/*": "forward"})

    # Every protection present, but the groups' XSS and SQLi rules only count.
    relaxed = web_acl(estate, prod, fra, "edge-relaxed", counted=["CrossSiteScripting_BODY", "SQLi_BODY"])
    legacy = load_balancer(estate, prod, fra, "legacy-web", subnets, waf=relaxed)
    listener(estate, prod, fra, legacy, vpc, 8080, "HTTP")
    load_balancer(estate, prod, fra, "internal-api", subnets, internal=True, tags={"Name": "hand-made"})
    load_balancer(estate, prod, fra, "single-az-nlb", subnets[:1], kind="network")

    load_balancer(estate, prod, nva, "us-web", us_subnets)
    expect_target_protocols(estate)
