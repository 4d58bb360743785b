//! Event-driven rescans end to end on LocalStack (issue 13): the queue and rules of
//! deploy/events/central.cfn.yaml deployed by CloudFormation, `tomwatch serve` on a one-hour
//! schedule, a change made in the estate and its CloudTrail-shaped event put on EventBridge as
//! CloudTrail would (LocalStack has no CloudTrail delivery of its own). The metric must flip
//! within seconds, long before any scheduled scan, and resolve when the change is undone.

mod support;

use std::time::Duration;
use support::daemon::{eventually, metric, Daemon};
use support::{repo_root, Estate};

const GROUP_CHECK: &str = "ec2_security_group_world_ingress_web_only";
const TRAIL_CHECK: &str = "cloudtrail_account_multi_region_trail";
const WAF_CHECK: &str = "elbv2_load_balancer_waf_attached";
const PASSWORD_CHECK: &str = "iam_password_policy_strong";
/// Generous for a loaded CI machine; the benchmark (scripts/event-latency) measures the latency.
const WITHIN: Duration = Duration::from_secs(20);

/// Deploys the central template as the production account; returns the stack's queue URL.
fn deploy_event_queue(estate: &Estate) -> String {
    let outputs = estate.deploy_stack(
        "PROD",
        "eu-central-1",
        "tomwatch-events",
        &repo_root().join("deploy/events/central.cfn.yaml"),
        &[],
    );
    outputs["QueueUrl"]
        .as_str()
        .expect("QueueUrl output")
        .to_string()
}

/// Deploys the member template in the development account's us-east-1, where IAM reports its
/// changes, forwarding them to the production account's change bus.
fn deploy_forwarding(estate: &Estate) {
    deploy_forwarding_to(estate, "tomwatch-events-changes");
}

fn deploy_forwarding_to(estate: &Estate, bus_name: &str) {
    let bus = format!(
        "arn:aws:events:eu-central-1:{}:event-bus/{bus_name}",
        estate.prod
    );
    estate.deploy_stack(
        "DEV",
        "us-east-1",
        "tomwatch-events-forwarding",
        &repo_root().join("deploy/events/member.cfn.yaml"),
        &[("ChangeBusArn", &bus)],
    );
}

/// Puts the event CloudTrail would deliver for a successful call, on the default bus of the
/// account (`PROD` or `DEV`) and region the call was made in.
fn put_change_event(
    estate: &Estate,
    account: &str,
    region: &str,
    event_source: &str,
    event_name: &str,
    request_parameters: &str,
) {
    let service = event_source.split('.').next().unwrap_or(event_source);
    estate.python(&format!(
        "import json, datetime\n\
         detail = {{'eventVersion': '1.09', 'eventSource': '{event_source}', 'eventName': '{event_name}', \
           'awsRegion': '{region}', 'recipientAccountId': {account}, 'readOnly': False, \
           'requestParameters': {request_parameters}, \
           'eventTime': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}}\n\
         answer = client('events', account={account}, region='{region}').put_events(Entries=[{{'Source': 'aws.{service}', \
           'DetailType': 'AWS API Call via CloudTrail', 'Detail': json.dumps(detail)}}])\n\
         assert answer['FailedEntryCount'] == 0, answer"
    ));
}

/// A change in the production account's home region, where the estate's resources are.
fn put_prod_event(estate: &Estate, event_source: &str, event_name: &str, parameters: &str) {
    put_change_event(
        estate,
        "PROD",
        "eu-central-1",
        event_source,
        event_name,
        parameters,
    );
}

/// The development account gets the demo's strong password policy, and its change event is put
/// in us-east-1, where IAM reports it, to be forwarded by the member template.
fn give_dev_a_strong_password_policy(estate: &Estate) {
    let demo = repo_root().join("localstack/estates/demo");
    estate.python(&format!(
        "import sys\nsys.path.insert(0, '{}')\nfrom identity import STRONG_PASSWORD_POLICY\n\
         client('iam', account=DEV).update_account_password_policy(**STRONG_PASSWORD_POLICY)",
        demo.display()
    ));
    put_change_event(
        estate,
        "DEV",
        "us-east-1",
        "iam.amazonaws.com",
        "UpdateAccountPasswordPolicy",
        "None",
    );
}

/// Messages on the production account's queue, visible or in flight.
fn messages_left(estate: &Estate, queue: &str) -> String {
    estate.python(&format!(
        "sqs = client('sqs')\n\
         url = sqs.get_queue_url(QueueName='{queue}')['QueueUrl']\n\
         a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])['Attributes']\n\
         print(int(a['ApproximateNumberOfMessages']) + int(a['ApproximateNumberOfMessagesNotVisible']))"
    ))
}

fn failing(daemon: &Daemon, check: &str, resource: &str) -> Option<f64> {
    metric(
        &daemon.metrics(),
        "tomwatch_failing_resource",
        &[("check_id", check), ("resource_id", resource)],
    )
}

/// Waits until the resource's failing series is `expected` (1: failing, `None`: not failing).
fn flips_to(daemon: &Daemon, check: &str, resource: &str, expected: Option<f64>, what: &str) {
    eventually(WITHIN, what, || {
        (failing(daemon, check, resource) == expected).then_some(())
    });
}

#[test]
fn a_change_event_flips_its_metric_within_seconds_and_the_fix_resolves_it() {
    let estate = Estate::seed("events");
    let queue_url = deploy_event_queue(&estate);
    deploy_forwarding(&estate);
    let config = estate.config(&format!(
        "regions: [eu-central-1]\nschedule:\n  interval: 1h\n  jitter: 0\n\
         events:\n  queue_url: {queue_url}\n  debounce: 200ms\n"
    ));
    let mut daemon = Daemon::start(&estate, &config, &estate.dir.join("store"), &[], &[]);
    daemon.wait_ready(Duration::from_secs(240));
    let prod = estate.prod.clone();

    // A security group opened to the world on PostgreSQL, then closed again.
    let group = estate.planted(GROUP_CHECK, "PASS", &prod);
    let group_id = group.rsplit('/').next().expect("group id").to_string();
    // As CloudTrail records the call: the group by ID, so the group alone is described again.
    let group_parameters = format!("{{'groupId': '{group_id}'}}");
    assert_eq!(failing(&daemon, GROUP_CHECK, &group), None);
    let postgres = "IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 5432, 'ToPort': 5432, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}]";
    estate.python(&format!(
        "client('ec2').authorize_security_group_ingress(GroupId='{group_id}', {postgres})"
    ));
    put_prod_event(
        &estate,
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
        &group_parameters,
    );
    flips_to(
        &daemon,
        GROUP_CHECK,
        &group,
        Some(1.0),
        "the opened group to fail",
    );
    estate.python(&format!(
        "client('ec2').revoke_security_group_ingress(GroupId='{group_id}', {postgres})"
    ));
    put_prod_event(
        &estate,
        "ec2.amazonaws.com",
        "RevokeSecurityGroupIngress",
        &group_parameters,
    );
    flips_to(
        &daemon,
        GROUP_CHECK,
        &group,
        None,
        "the closed group to pass again",
    );

    // The account's only multi-region trail stops logging, then starts again.
    let root = format!("arn:aws:iam::{prod}:root");
    assert_eq!(failing(&daemon, TRAIL_CHECK, &root), None);
    estate.python("client('cloudtrail').stop_logging(Name='org-trail')");
    put_prod_event(
        &estate,
        "cloudtrail.amazonaws.com",
        "StopLogging",
        "{'name': 'org-trail'}",
    );
    flips_to(
        &daemon,
        TRAIL_CHECK,
        &root,
        Some(1.0),
        "the stopped trail to fail",
    );
    estate.python("client('cloudtrail').start_logging(Name='org-trail')");
    put_prod_event(
        &estate,
        "cloudtrail.amazonaws.com",
        "StartLogging",
        "{'name': 'org-trail'}",
    );
    flips_to(
        &daemon,
        TRAIL_CHECK,
        &root,
        None,
        "the restarted trail to pass",
    );

    // The WAF removed from an internet-facing ALB, then put back.
    let balancer = estate.planted(WAF_CHECK, "PASS", &prod);
    let balancer_parameters = format!("{{'resourceArn': '{balancer}'}}");
    assert_eq!(failing(&daemon, WAF_CHECK, &balancer), None);
    let acl = estate.python(&format!(
        "waf = client('wafv2')\n\
         acl = waf.get_web_acl_for_resource(ResourceArn='{balancer}')['WebACL']['ARN']\n\
         waf.disassociate_web_acl(ResourceArn='{balancer}')\n\
         print(acl)"
    ));
    put_prod_event(
        &estate,
        "wafv2.amazonaws.com",
        "DisassociateWebACL",
        &balancer_parameters,
    );
    flips_to(
        &daemon,
        WAF_CHECK,
        &balancer,
        Some(1.0),
        "the unprotected ALB to fail",
    );
    estate.python(&format!(
        "client('wafv2').associate_web_acl(WebACLArn='{acl}', ResourceArn='{balancer}')"
    ));
    put_prod_event(
        &estate,
        "wafv2.amazonaws.com",
        "AssociateWebACL",
        &balancer_parameters,
    );
    flips_to(
        &daemon,
        WAF_CHECK,
        &balancer,
        None,
        "the protected ALB to pass again",
    );

    // Another account's change to a global service, made in us-east-1 and forwarded by the
    // member template: the development account gets a strong password policy, then loses it.
    let dev_root = format!("arn:aws:iam::{}:root", estate.dev);
    assert_eq!(failing(&daemon, PASSWORD_CHECK, &dev_root), Some(1.0));
    give_dev_a_strong_password_policy(&estate);
    flips_to(
        &daemon,
        PASSWORD_CHECK,
        &dev_root,
        None,
        "the strong policy to pass",
    );
    estate.python("client('iam', account=DEV).delete_account_password_policy()");
    put_change_event(
        &estate,
        "DEV",
        "us-east-1",
        "iam.amazonaws.com",
        "DeleteAccountPasswordPolicy",
        "None",
    );
    flips_to(
        &daemon,
        PASSWORD_CHECK,
        &dev_root,
        Some(1.0),
        "the removed policy to fail",
    );

    // Put straight on the queue, as someone allowed to send to it could: neither starts work,
    // each is counted by its reason and deleted. Every applied event was timed.
    estate.python(
        "import json\n\
         sqs = client('sqs')\n\
         url = sqs.get_queue_url(QueueName='tomwatch-events')['QueueUrl']\n\
         sqs.send_message(QueueUrl=url, MessageBody='not json')\n\
         forged = {'source': 'acme.ec2', 'detail-type': 'AWS API Call via CloudTrail', 'detail': \
           {'eventSource': 'ec2.amazonaws.com', 'eventName': 'AuthorizeSecurityGroupIngress', \
            'awsRegion': 'eu-central-1', 'recipientAccountId': PROD}}\n\
         sqs.send_message(QueueUrl=url, MessageBody=json.dumps(forged))",
    );
    let text = eventually(WITHIN, "the unusable messages to be counted", || {
        let text = daemon.metrics();
        let ignored = |reason| {
            metric(
                &text,
                "tomwatch_events_ignored_total",
                &[("reason", reason)],
            )
        };
        (ignored("malformed") == Some(1.0) && ignored("not_aws") == Some(1.0)).then_some(text)
    });
    assert_eq!(
        metric(
            &text,
            "tomwatch_events_received_total",
            &[("source", "ec2.amazonaws.com")]
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        metric(&text, "tomwatch_event_rescan_latency_seconds_count", &[]),
        Some(8.0),
        "{text}"
    );
    // Every message was deleted once applied: nothing is left on the queue.
    assert_eq!(
        messages_left(&estate, "tomwatch-events"),
        "0",
        "messages left on the queue"
    );
    // The schedule did not do this: one full scan per account, at start-up.
    let log = std::fs::read_to_string(estate.dir.join(format!("serve-{}.log", daemon.port)))
        .expect("daemon log");
    assert_eq!(
        log.lines().filter(|l| l.contains("scan finished")).count(),
        2,
        "{log}"
    );
    // The group's rule changes were settled by describing that group alone.
    let alone = format!("rescanned=eu-central-1/ec2/{group_id}");
    assert_eq!(
        log.lines().filter(|l| l.contains(&alone)).count(),
        2,
        "{log}"
    );
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}

/// Two replicas (`--shard`), each with a queue of its own (the central template deployed once
/// per shard, the second stack's rules on the first one's change bus): both queues get every
/// change; each replica audits, serves and rescans only its own account and drops the other's
/// events as `other_shard`.
#[test]
fn sharded_replicas_each_read_their_own_queue_and_apply_their_own_accounts_events() {
    let estate = Estate::seed("events-shards");
    // The smallest split that puts the two accounts on different replicas.
    let count = (2..=16)
        .find(|count| {
            tomwatch_engine::Shard::of_account(&estate.prod, *count)
                != tomwatch_engine::Shard::of_account(&estate.dev, *count)
        })
        .expect("two accounts split among at most 16 shards");
    let index = |account: &str| tomwatch_engine::Shard::of_account(account, count);
    let (prod_index, dev_index) = (index(&estate.prod), index(&estate.dev));
    let template = repo_root().join("deploy/events/central.cfn.yaml");
    let first = format!("tomwatch-events-{prod_index}");
    let outputs = estate.deploy_stack(
        "PROD",
        "eu-central-1",
        &first,
        &template,
        &[("QueueName", &first)],
    );
    let prod_queue = outputs["QueueUrl"].as_str().expect("QueueUrl").to_string();
    let bus = format!("{first}-changes");
    let second = format!("tomwatch-events-{dev_index}");
    estate.deploy_stack(
        "PROD",
        "eu-central-1",
        &second,
        &template,
        &[("QueueName", &second), ("SharedChangeBus", &bus)],
    );
    deploy_forwarding_to(&estate, &bus);
    let queue_url = prod_queue.replace(&first, "tomwatch-events-{shard}");
    let config = estate.config(&format!(
        "regions: [eu-central-1]\nschedule:\n  interval: 1h\n  jitter: 0\n\
         events:\n  queue_url: {queue_url}\n  debounce: 200ms\n"
    ));
    let shard = |index: u32| format!("{index}/{count}");
    let mut prod_replica = Daemon::start(
        &estate,
        &config,
        &estate.dir.join("store-prod"),
        &[],
        &[("TOMWATCH_SHARD", &shard(prod_index))],
    );
    let mut dev_replica = Daemon::start(
        &estate,
        &config,
        &estate.dir.join("store-dev"),
        &["--shard", &shard(dev_index)],
        &[],
    );
    prod_replica.wait_ready(Duration::from_secs(240));
    dev_replica.wait_ready(Duration::from_secs(240));
    for (replica, own, other) in [
        (&prod_replica, &estate.prod, &estate.dev),
        (&dev_replica, &estate.dev, &estate.prod),
    ] {
        let text = replica.metrics();
        let scanned = |account: &str| {
            metric(
                &text,
                "tomwatch_scan_success",
                &[("account_id", account), ("service", "ec2")],
            )
        };
        assert_eq!(scanned(own), Some(1.0), "{text}");
        assert!(
            !text.contains(&format!("account_id=\"{other}\"")),
            "another shard's account is served: {text}"
        );
    }

    let group = estate.planted(GROUP_CHECK, "PASS", &estate.prod);
    let group_id = group.rsplit('/').next().expect("group id").to_string();
    let group_parameters = format!("{{'groupId': '{group_id}'}}");
    let postgres = "IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 5432, 'ToPort': 5432, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}]";
    let dev_root = format!("arn:aws:iam::{}:root", estate.dev);
    estate.python(&format!(
        "client('ec2').authorize_security_group_ingress(GroupId='{group_id}', {postgres})"
    ));
    put_prod_event(
        &estate,
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
        &group_parameters,
    );
    give_dev_a_strong_password_policy(&estate);
    flips_to(
        &prod_replica,
        GROUP_CHECK,
        &group,
        Some(1.0),
        "the opened group to fail on its replica",
    );
    flips_to(
        &dev_replica,
        PASSWORD_CHECK,
        &dev_root,
        None,
        "the strong policy to pass on its replica",
    );

    // Each replica got both changes, applied its own account's and dropped the other's.
    for (replica, own, other) in [
        (&prod_replica, "ec2.amazonaws.com", "iam.amazonaws.com"),
        (&dev_replica, "iam.amazonaws.com", "ec2.amazonaws.com"),
    ] {
        let text = eventually(WITHIN, "the other shard's event to be dropped", || {
            let text = replica.metrics();
            let dropped = metric(
                &text,
                "tomwatch_events_ignored_total",
                &[("reason", "other_shard")],
            );
            (dropped == Some(1.0)).then_some(text)
        });
        let received = |source| {
            metric(
                &text,
                "tomwatch_events_received_total",
                &[("source", source)],
            )
        };
        assert_eq!(
            (received(own), received(other)),
            (Some(1.0), Some(1.0)),
            "{text}"
        );
        assert_eq!(
            metric(&text, "tomwatch_event_rescan_latency_seconds_count", &[]),
            Some(1.0),
            "{text}"
        );
    }
    for queue in [&first, &second] {
        assert_eq!(
            messages_left(&estate, queue),
            "0",
            "messages left on {queue}"
        );
    }
    assert_eq!(prod_replica.stop(Duration::from_secs(10)), 0);
    assert_eq!(dev_replica.stop(Duration::from_secs(10)), 0);
}
