use super::*;
use serde_json::{json, Value};

/// An event as EventBridge delivers "AWS API Call via CloudTrail" to an SQS target.
fn event(source: &str, event_source: &str, event_name: &str) -> Value {
    json!({
        "version": "0",
        "id": "6f2b7e0a-3c1d-4b8e-9f1a-2d3c4b5a6e7f",
        "detail-type": "AWS API Call via CloudTrail",
        "source": source,
        "account": "111111111111",
        "time": "2026-12-03T10:00:00Z",
        "region": "eu-central-1",
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "eventTime": "2026-12-03T09:59:58Z",
            "eventSource": event_source,
            "eventName": event_name,
            "awsRegion": "eu-central-1",
            "requestParameters": {"groupId": "sg-0123456789abcdef0"},
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": "111111111111"
        }
    })
}

fn accounts() -> BTreeSet<String> {
    ["111111111111".to_string()].into()
}

fn outcome(body: &Value) -> Result<Vec<Rescan>, Ignored> {
    parse(&body.to_string()).and_then(|e| rescans(&e, &accounts()))
}

#[test]
fn an_opened_security_group_rescans_that_group_in_its_account_and_region() {
    let body = event(
        "aws.ec2",
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
    );
    let parsed = parse(&body.to_string()).expect("parses");
    assert_eq!(
        parsed.time,
        Some(time::macros::datetime!(2026-12-03 10:00:00 UTC))
    );
    assert_eq!(
        outcome(&body),
        Ok(vec![Rescan {
            account_id: "111111111111".into(),
            region: "eu-central-1".into(),
            service: ServiceKind::Ec2,
            resource: Some(ResourceRef {
                kind: ResourceKind::SecurityGroup,
                id: "sg-0123456789abcdef0".into(),
            }),
        }])
    );
    assert_eq!(source_label(&parsed.event_source), "ec2.amazonaws.com");
}

#[test]
fn without_a_plausible_group_id_the_whole_service_is_rescanned() {
    let cases = [
        // The default VPC's groups may be named instead of identified.
        ("AuthorizeSecurityGroupIngress", json!({"groupName": "web"})),
        (
            "AuthorizeSecurityGroupIngress",
            json!({"groupId": "sg-1 OR 1=1"}),
        ),
        ("AuthorizeSecurityGroupIngress", Value::Null),
        // A deleted group may be referenced by others: not a single-resource call.
        (
            "DeleteSecurityGroup",
            json!({"groupId": "sg-0123456789abcdef0"}),
        ),
    ];
    for (name, parameters) in cases {
        let mut body = event("aws.ec2", "ec2.amazonaws.com", name);
        body["detail"]["requestParameters"] = parameters.clone();
        let rescans = outcome(&body).expect("rescans");
        assert!(
            rescans.iter().all(|r| r.resource.is_none()),
            "{name} {parameters}: {rescans:?}"
        );
    }
}

#[test]
fn global_services_rescan_account_wide_whatever_region_delivered_them() {
    let mut body = event("aws.iam", "iam.amazonaws.com", "DeactivateMFADevice");
    body["region"] = json!("us-east-1");
    body["detail"]["awsRegion"] = json!("us-east-1");
    assert_eq!(
        outcome(&body),
        Ok(vec![Rescan {
            account_id: "111111111111".into(),
            region: GLOBAL_REGION.into(),
            service: ServiceKind::Iam,
            resource: None,
        }])
    );
}

#[test]
fn the_recipient_account_decides_not_the_bus_that_forwarded_it() {
    // Forwarded to a central bus: the envelope's account is the bus's, the call's is inside.
    let mut body = event("aws.kms", "kms.amazonaws.com", "DisableKeyRotation");
    body["account"] = json!("999999999999");
    assert_eq!(
        outcome(&body).expect("rescans")[0].account_id,
        "111111111111"
    );
    body["detail"]["recipientAccountId"] = json!("222222222222");
    assert_eq!(outcome(&body), Err(Ignored::UnknownAccount));
}

#[test]
fn what_cannot_change_a_verdict_is_ignored_with_its_reason() {
    let base = event(
        "aws.ec2",
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
    );
    let with = |path: &[&str], value: Value| {
        let mut body = base.clone();
        let mut at = &mut body;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        body
    };
    let cases = [
        (with(&["source"], json!("custom.forged")), Ignored::NotAws),
        (with(&["source"], json!("ec2")), Ignored::NotAws),
        (
            with(
                &["detail-type"],
                json!("AWS Console Sign In via CloudTrail"),
            ),
            Ignored::NotApiCall,
        ),
        (
            with(&["detail", "readOnly"], json!(true)),
            Ignored::ReadOnly,
        ),
        (
            with(
                &["detail", "errorCode"],
                json!("Client.UnauthorizedOperation"),
            ),
            Ignored::FailedCall,
        ),
        (
            with(&["detail", "eventName"], json!("DescribeSecurityGroups")),
            Ignored::Irrelevant,
        ),
        (
            with(&["detail", "eventSource"], json!("example.amazonaws.com")),
            Ignored::Irrelevant,
        ),
        (
            with(&["detail"], json!("not an object")),
            Ignored::Malformed,
        ),
    ];
    for (body, reason) in cases {
        assert_eq!(outcome(&body), Err(reason), "{body}");
    }
    for text in [
        "",
        "{",
        "null",
        "[]",
        "{\"source\":\"aws.ec2\"}",
        "\u{0}\u{feff}",
    ] {
        assert_eq!(parse(text), Err(Ignored::Malformed), "{text:?}");
    }
    let labels: BTreeSet<&str> = Ignored::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(labels.len(), Ignored::ALL.len());
}

#[test]
fn versioned_event_names_and_shared_sources_rescan_every_service_they_may_touch() {
    let lambda = event(
        "aws.lambda",
        "lambda.amazonaws.com",
        "UpdateFunctionConfiguration20150331v2",
    );
    assert_eq!(
        outcome(&lambda).expect("rescans")[0].service,
        ServiceKind::Lambda
    );
    let listener = event(
        "aws.elasticloadbalancing",
        "elasticloadbalancing.amazonaws.com",
        "ModifyListener",
    );
    let services: Vec<_> = outcome(&listener)
        .expect("rescans")
        .into_iter()
        .map(|r| r.service)
        .collect();
    assert_eq!(services, [ServiceKind::Elbv2, ServiceKind::Elb]);
}

#[test]
fn source_labels_are_bounded() {
    assert_eq!(source_label("evil.example.com"), "other");
    assert_eq!(
        source_label("monitoring.amazonaws.com"),
        "monitoring.amazonaws.com"
    );
}
