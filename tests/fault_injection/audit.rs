//! Audits through the fault proxy: what each fault class turns into.

use super::*;

#[test]
fn every_fault_class_makes_only_what_it_hides_unknown_and_flips_no_verdict() {
    let clean = clean_audit();
    let proxy = FaultProxy::start(localstack());
    // One fault class per service, each in the service's own protocol.
    let faults: [(&str, &str, Rule, &str); 8] = [
        (
            "kms",
            "kms_",
            Rule::service("kms", Fault::AccessDenied),
            "access_denied",
        ),
        (
            "autoscaling",
            "autoscaling_",
            Rule::service("autoscaling", Fault::Throttle),
            "throttled",
        ),
        (
            "s3",
            "s3_",
            Rule::service("s3", Fault::Throttle),
            "throttled",
        ),
        (
            "sqs",
            "sqs_",
            Rule::service("sqs", Fault::Delay(Duration::from_secs(25))),
            "timeout",
        ),
        (
            "rds",
            "rds_",
            Rule::operation("rds", "DescribeDBInstances", Fault::Reset),
            "other",
        ),
        (
            "elasticache",
            "elasticache_",
            Rule::service("elasticache", Fault::Truncate),
            "other",
        ),
        (
            "cloudtrail",
            "cloudtrail_",
            Rule::service("cloudtrail", Fault::ServerError(500)),
            "other",
        ),
        (
            "cloudwatch",
            "cloudwatch_",
            Rule::service("monitoring", Fault::ServerError(503)),
            "other",
        ),
    ];
    proxy.set_rules(faults.iter().map(|(_, _, rule, _)| rule.clone()).collect());
    let (_, report, stderr) = audit_through(&proxy, FAST_FAILURE);
    let faulted = verdicts(&report);

    // Nothing flips: every PASS, FAIL and N/A of the faulted audit is the clean audit's verdict.
    for (key, (status, _)) in &faulted {
        if status != "UNKNOWN" {
            let before = clean.get(key).map(|(s, _)| s.as_str());
            assert_eq!(before, Some(status.as_str()), "{key:?} flipped\n{stderr}");
        }
    }
    // What changed became UNKNOWN: a clean verdict that is gone or different has an UNKNOWN
    // of its check in its account in its place (a failed S3 listing is an UNKNOWN of the
    // global scope where the buckets' findings were in their own regions).
    let unknown_checks: BTreeSet<(&str, &str)> = faulted
        .iter()
        .filter(|(_, (status, _))| status == "UNKNOWN")
        .map(|((account, _, check, _), _)| (account.as_str(), check.as_str()))
        .collect();
    let mut changed_checks = BTreeSet::new();
    for (key @ (account, _, check, _), (status, _)) in clean {
        if faulted.get(key).map(|(s, _)| s) != Some(status) {
            changed_checks.insert(check.as_str());
            assert!(
                unknown_checks.contains(&(account.as_str(), check.as_str())),
                "{key:?} was {status} and vanished without an UNKNOWN in its place"
            );
        }
    }
    // Every new UNKNOWN names the error behind it.
    for (key, (status, message)) in &faulted {
        let was_unknown = clean.get(key).is_some_and(|(s, _)| s == "UNKNOWN");
        if status == "UNKNOWN" && !was_unknown {
            assert!(
                message.contains(" failed (")
                    && faults
                        .iter()
                        .any(|(label, ..)| message.contains(&format!("{label} "))),
                "{key:?}: the UNKNOWN does not name a failed call: {message}"
            );
        }
    }
    // Each fault reached its service's checks, and with the error type AWS's answer means.
    for (label, prefix, _, error_type) in &faults {
        assert!(
            changed_checks.iter().any(|check| check.starts_with(prefix)),
            "no {prefix}* finding changed: {changed_checks:?}"
        );
        let errors: Vec<&Value> = report["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter(|e| e["service"] == *label)
            .collect();
        assert!(!errors.is_empty(), "no error recorded for {label}");
        for error in errors {
            assert_eq!(error["error_type"], *error_type, "{error}");
        }
    }
    // The services no fault touched were collected as before.
    let touched: BTreeSet<&str> = faults.iter().map(|(label, ..)| *label).collect();
    for error in report["errors"].as_array().expect("errors") {
        let service = error["service"].as_str().unwrap_or_default();
        assert!(
            touched.contains(service),
            "an error in an untouched service: {error}"
        );
    }
    // (Secrets Manager's checks are not among them: telling a customer-managed key
    // needs KMS, which is faulted.)
    for check in &changed_checks {
        assert!(
            !["iam_", "ec2_", "dynamodb_", "eks_", "ecr_", "guardduty_"]
                .iter()
                .any(|untouched| check.starts_with(untouched)),
            "{check} depends on no faulted service, yet changed"
        );
    }
    // Every fault class was really injected, and the rest really forwarded.
    let classes: BTreeSet<&str> = proxy.injected().keys().map(|(_, _, f)| *f).collect();
    assert_eq!(
        classes,
        BTreeSet::from([
            "access_denied",
            "throttle",
            "delay",
            "reset",
            "truncate",
            "server_error"
        ])
    );
    assert!(proxy.forwarded() > 100, "{}", proxy.forwarded());
}

#[test]
fn thirty_percent_throttling_still_gives_the_complete_audit() {
    let clean = clean_audit();
    let proxy = FaultProxy::start(localstack());
    // STS is spared: the SDK's AssumeRole credentials provider is the one client tomwatch does
    // not build, so its attempts are not counted (its retries work the same).
    proxy.set_rules(vec![Rule::everywhere(300, Fault::Throttle, &["sts"])]);
    let (_, report, stderr) = audit_through(
        &proxy,
        "scan:\n  api_attempt_timeout_seconds: 3\n  api_max_attempts: 10\n",
    );
    let errors = report["errors"].as_array().expect("errors");
    assert!(
        errors.is_empty(),
        "every throttled call was retried: {errors:?}\n{stderr}"
    );
    let throttled = verdicts(&report);
    let statuses = |v: &BTreeMap<Key, (String, String)>| -> BTreeMap<Key, String> {
        v.iter().map(|(k, (s, _))| (k.clone(), s.clone())).collect()
    };
    assert_eq!(statuses(&throttled), statuses(clean));
    assert!(proxy.injected_total() > 100, "{:?}", proxy.injected());
}

/// What AWS's public parameters would say if it did not offer EKS in eu-central-1: both regions are
/// known, the EKS parameter of eu-central-1 does not exist. (LocalStack offers every service in
/// every region of the partition; its reserved parameters can be deleted, but not put back, for
/// every test that shares the emulator.)
const EKS_NOT_IN_FRANKFURT: &str = r#"{"Parameters":[{"Name":"/aws/service/global-infrastructure/regions/eu-central-1","Type":"String","Value":"eu-central-1","Version":1},{"Name":"/aws/service/global-infrastructure/regions/eu-west-1","Type":"String","Value":"eu-west-1","Version":1}],"InvalidParameters":["/aws/service/global-infrastructure/regions/eu-central-1/services/eks"]}"#;

#[test]
fn a_service_aws_does_not_offer_in_a_region_is_not_called_and_not_applicable() {
    let clean = clean_audit();
    let proxy = FaultProxy::start(localstack());
    proxy.set_rules(vec![Rule::operation(
        "ssm",
        "GetParameters",
        Fault::Answer(EKS_NOT_IN_FRANKFURT),
    )]);
    let (_, report, stderr) = audit_through(&proxy, FAST_FAILURE);
    let errors = report["errors"].as_array().expect("errors");
    assert!(
        errors.is_empty(),
        "not offered is no error: {errors:?}\n{stderr}"
    );
    let faulted = verdicts(&report);
    let hidden = |(_, region, check, resource): &Key| {
        region == "eu-central-1" && (check.starts_with("eks_") || resource.contains(":eks:"))
    };
    // Everything else is as in the clean audit.
    for (key, (status, _)) in clean {
        if !hidden(key) {
            assert_eq!(
                faulted.get(key).map(|(s, _)| s),
                Some(status),
                "{key:?}\n{stderr}"
            );
        }
    }
    // EKS in eu-central-1 is NOT_APPLICABLE, and says why: the estate's two clusters there
    // were not asked for.
    let eks_in_frankfurt: Vec<_> = faulted.iter().filter(|(key, _)| hidden(key)).collect();
    assert!(!eks_in_frankfurt.is_empty());
    for (key, (status, message)) in eks_in_frankfurt {
        assert_eq!(status, "NOT_APPLICABLE", "{key:?}: {message}");
        assert!(
            message.contains("eks is not offered in eu-central-1"),
            "{key:?}: {message}"
        );
    }
    assert!(clean
        .keys()
        .any(|key| hidden(key) && key.3.contains(":cluster/")));
    // Both accounts' scans were served by one read of each region (three calls of ten names).
    let answered = proxy.injected()[&("ssm".into(), "GetParameters".into(), "answer")];
    assert_eq!(answered, 6, "{:?}", proxy.injected());
}

#[test]
fn an_unreadable_service_list_scans_every_service() {
    let clean = clean_audit();
    let proxy = FaultProxy::start(localstack());
    proxy.set_rules(vec![Rule::service("ssm", Fault::AccessDenied)]);
    let (_, report, stderr) = audit_through(&proxy, FAST_FAILURE);
    let errors = report["errors"].as_array().expect("errors");
    assert!(errors.is_empty(), "{errors:?}\n{stderr}");
    let statuses = |v: &BTreeMap<Key, (String, String)>| -> BTreeMap<Key, String> {
        v.iter().map(|(k, (s, _))| (k.clone(), s.clone())).collect()
    };
    assert_eq!(statuses(&verdicts(&report)), statuses(clean));
    // Read once per region for both accounts: the failure is remembered, not retried per account.
    let denied: u64 = proxy
        .injected()
        .iter()
        .filter(|((service, ..), _)| service == "ssm")
        .map(|(_, count)| count)
        .sum();
    assert!((1..=6).contains(&denied), "{:?}", proxy.injected());
}
