//! Faults injected between tomwatch and LocalStack (tests/support/fault_proxy.rs): the audit
//! and the daemon must tell the truth about what they could not see, and keep running.

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::time::Duration;
use support::daemon::{eventually, metric, metric_sum, Daemon};
use support::fault_proxy::{Fault, FaultProxy, Rule};
use support::{localstack, run, Estate, ENABLE_BEYOND_TOM};

/// Two regions keep an audit short; the estate plants in both.
const SCOPE: &str = "regions: [eu-central-1, eu-west-1]\n";

fn estate() -> &'static Estate {
    static ESTATE: OnceLock<Estate> = OnceLock::new();
    ESTATE.get_or_init(|| Estate::seed("faults"))
}

fn audit_through(proxy: &FaultProxy, extra: &str) -> (i32, Value, String) {
    let estate = estate();
    let config = estate.config(&format!("{SCOPE}baseline:\n{ENABLE_BEYOND_TOM}{extra}"));
    let mut command = estate.tomwatch();
    command
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .args(["audit", "--format", "json", "--config"])
        .arg(&config);
    let (code, stdout, stderr) = run(&mut command);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, report, stderr)
}

type Key = (String, String, String, String);

/// (account, region, check, resource) → (status, message).
fn verdicts(report: &Value) -> BTreeMap<Key, (String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                (
                    text(&f["account_id"]),
                    text(&f["region"]),
                    text(&f["check_id"]),
                    text(&f["resource_id"]),
                ),
                (text(&f["status"]), text(&f["message"])),
            )
        })
        .collect()
}

/// The audit with nothing injected, through a proxy like the others (same path, no rules).
fn clean_audit() -> &'static BTreeMap<Key, (String, String)> {
    static CLEAN: OnceLock<BTreeMap<Key, (String, String)>> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let proxy = FaultProxy::start(localstack());
        let (_, report, stderr) = audit_through(&proxy, FAST_FAILURE);
        let errors = report["errors"].as_array().expect("errors");
        assert!(errors.is_empty(), "a clean audit: {errors:?}\n{stderr}");
        verdicts(&report)
    })
}

/// Short attempts and few retries, so that every fault class fails a call within seconds.
const FAST_FAILURE: &str = "scan:\n  api_attempt_timeout_seconds: 3\n  api_max_attempts: 2\n";

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
            Rule::service("sqs", Fault::Delay(Duration::from_secs(8))),
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

fn daemon_config(extra: &str) -> std::path::PathBuf {
    estate().config(&format!("{SCOPE}baseline:\n{ENABLE_BEYOND_TOM}{extra}"))
}

fn start_daemon(proxy: &FaultProxy, config: &std::path::Path, name: &str) -> Daemon {
    let estate = estate();
    let storage = estate.dir.join(format!("{name}.redb"));
    let mut daemon = Daemon::start(
        estate,
        config,
        &storage,
        &[],
        &[("AWS_ENDPOINT_URL", proxy.endpoint())],
    );
    daemon.wait_ready(Duration::from_secs(180));
    daemon
}

/// The scan_success series of the metrics text: (account, region, service) → value.
fn scan_success(text: &str) -> BTreeMap<(String, String, String), f64> {
    text.lines()
        .filter(|l| l.starts_with("tomwatch_scan_success{"))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let label = |name: &str| -> Option<String> {
                let start = series.find(&format!("{name}=\""))? + name.len() + 2;
                let end = series[start..].find('"')? + start;
                Some(series[start..end].to_string())
            };
            Some((
                (
                    label("account_id")?,
                    label("aws_region")?,
                    label("service")?,
                ),
                value.parse().ok()?,
            ))
        })
        .collect()
}

#[test]
fn retries_under_throttling_are_counted_attempt_by_attempt() {
    let proxy = FaultProxy::start(localstack());
    proxy.set_rules(vec![Rule::everywhere(300, Fault::Throttle, &["sts"])]);
    let config = daemon_config(
        "scan:\n  api_attempt_timeout_seconds: 3\n  api_max_attempts: 10\nschedule:\n  interval: 1h\n",
    );
    let daemon = start_daemon(&proxy, &config, "throttled");
    let text = daemon.metrics();
    let units = scan_success(&text);
    assert!(units.len() > 20, "{units:?}");
    assert!(units.values().all(|v| *v == 1.0), "{units:?}");
    // One retry per injected throttle: none was the last attempt, and nothing else failed.
    let retries = metric_sum(&text, "tomwatch_api_retries_total", &[]);
    assert_eq!(
        retries,
        proxy.injected_total() as f64,
        "{:?}",
        proxy.injected()
    );
    // Every attempt is one request: those LocalStack answered and those the proxy throttled,
    // but for the AssumeRole calls of the SDK's credentials provider, which tomwatch does not
    // build and so does not count.
    let requests = metric_sum(&text, "tomwatch_api_requests_total", &[]);
    let assume_role = proxy
        .forwarded_by()
        .get(&("sts".to_string(), "AssumeRole".to_string()))
        .copied()
        .unwrap_or_default();
    assert!(assume_role >= 1, "{:?}", proxy.forwarded_by());
    assert_eq!(
        requests,
        (proxy.forwarded() - assume_role + proxy.injected_total()) as f64
    );
    assert_eq!(metric_sum(&text, "tomwatch_api_errors_total", &[]), 0.0);
}

#[test]
fn access_denied_on_one_service_names_the_missing_action_and_spares_the_rest() {
    let proxy = FaultProxy::start(localstack());
    proxy.set_rules(vec![Rule::service("kms", Fault::AccessDenied)]);
    let config = daemon_config("schedule:\n  interval: 1h\n");
    let daemon = start_daemon(&proxy, &config, "denied");
    let text = daemon.metrics();
    let units = scan_success(&text);
    let (kms, others): (Vec<_>, Vec<_>) = units.iter().partition(|((_, _, s), _)| s == "kms");
    assert_eq!(kms.len(), 4, "two accounts x two regions: {kms:?}");
    assert!(kms.iter().all(|(_, v)| **v == 0.0), "{kms:?}");
    assert!(others.iter().all(|(_, v)| **v == 1.0), "{others:?}");
    let denied = metric_sum(
        &text,
        "tomwatch_collection_errors",
        &[("service", "kms"), ("error_type", "access_denied")],
    );
    assert!(denied >= 4.0, "{denied}");
    for status in ["PASS", "FAIL"] {
        let kms_verdicts = metric_sum(
            &text,
            "tomwatch_findings",
            &[("check_id", "kms_key_rotation_enabled"), ("status", status)],
        );
        assert_eq!(kms_verdicts, 0.0, "no {status} from a denied service");
    }
    assert!(
        metric_sum(
            &text,
            "tomwatch_findings",
            &[
                ("check_id", "kms_key_rotation_enabled"),
                ("status", "UNKNOWN")
            ]
        ) >= 4.0
    );
    let log = std::fs::read_to_string(estate().dir.join(format!("serve-{}.log", daemon.port)))
        .expect("daemon log");
    assert!(
        log.lines()
            .any(|l| l.contains("the role lacks kms:ListKeys")),
        "the log names the missing IAM action:\n{log}"
    );
}

/// Verdicts that need no AWS data: the account's declared environment, and the checks the
/// baseline's parameters turn off (NOT_APPLICABLE whatever AWS would say).
const FROM_CONFIG_ONLY: &[(&str, Option<&str>)] = &[
    ("account_environment_declared", None),
    ("backup_region_daily_plan", Some("NOT_APPLICABLE")),
    ("cloudtrail_account_s3_data_events", Some("NOT_APPLICABLE")),
];

/// Whether a series is a verdict of [`FROM_CONFIG_ONLY`].
fn from_config_only(series: &str) -> bool {
    FROM_CONFIG_ONLY.iter().any(|(check, status)| {
        series.contains(&format!("check_id=\"{check}\""))
            && status.is_none_or(|s| series.contains(&format!("status=\"{s}\"")))
    })
}

#[test]
fn the_daemon_survives_every_fault_class_and_a_scan_that_sees_nothing_leaves_results_stale() {
    let proxy = FaultProxy::start(localstack());
    let config = daemon_config(
        "scan:\n  api_attempt_timeout_seconds: 2\n  api_max_attempts: 2\nschedule:\n  interval: 2s\n  jitter: 0\n",
    );
    let daemon = start_daemon(&proxy, &config, "survivor");
    let accounts = [estate().prod.clone(), estate().dev.clone()];
    let last_success = |text: &str, account: &str| {
        metric(
            text,
            "tomwatch_last_scan_success_timestamp_seconds",
            &[("account_id", account)],
        )
    };
    let healthy = eventually(Duration::from_secs(60), "both accounts scanned", || {
        let text = daemon.metrics();
        accounts
            .iter()
            .all(|a| last_success(&text, a).is_some())
            .then_some(text)
    });
    let clean_pass = metric_sum(&healthy, "tomwatch_findings", &[("status", "PASS")]);
    assert!(clean_pass > 50.0, "{clean_pass}");

    // Every class on every call, sts included, a few scan cycles each.
    let classes = [
        Fault::Throttle,
        Fault::AccessDenied,
        Fault::ServerError(500),
        Fault::ServerError(503),
        Fault::Delay(Duration::from_secs(5)),
        Fault::Reset,
        Fault::Truncate,
    ];
    let durations = |text: &str| -> Vec<Option<f64>> {
        accounts
            .iter()
            .map(|a| metric(text, "tomwatch_scan_duration_seconds", &[("account_id", a)]))
            .collect()
    };
    let timestamps = |text: &str| -> Vec<Option<f64>> {
        accounts.iter().map(|a| last_success(text, a)).collect()
    };
    for fault in classes {
        proxy.set_rules(vec![Rule::everywhere(1000, fault, &[])]);
        // A scan that ran wholly under the fault has been published: it saw nothing.
        let blind = eventually(Duration::from_secs(240), "a scan that saw nothing", || {
            let text = daemon.metrics();
            let units = scan_success(&text);
            (!units.is_empty() && units.values().all(|v| *v == 0.0)).then_some(text)
        });
        // And the next one: the results' timestamp did not move for either.
        let next = eventually(
            Duration::from_secs(240),
            "the next scan under the fault",
            || {
                let text = daemon.metrics();
                let all_new = durations(&text)
                    .iter()
                    .zip(durations(&blind))
                    .all(|(now, then)| *now != then);
                all_new.then_some(text)
            },
        );
        assert_eq!(
            timestamps(&next),
            timestamps(&blind),
            "{fault:?}: stale results look fresh"
        );
        assert_eq!(daemon.get("/-/healthy").0, 200, "{fault:?}");
        for text in [&blind, &next] {
            // No verdict from AWS data: the checks that still judge read the configuration only.
            let judged: BTreeSet<&str> = text
                .lines()
                .filter(|l| l.starts_with("tomwatch_findings{") && !l.ends_with(" 0"))
                .filter(|l| !l.contains("status=\"UNKNOWN\"") && !from_config_only(l))
                .collect();
            assert!(
                judged.is_empty(),
                "{fault:?}: verdicts from a scan that saw nothing: {judged:?}"
            );
            // The open failures are still shown, marked unverified (0); none is confirmed (1)
            // but those the configuration alone decides.
            let open: Vec<&str> = text
                .lines()
                .filter(|l| l.starts_with("tomwatch_failing_resource{") && !from_config_only(l))
                .collect();
            assert!(!open.is_empty(), "{fault:?}: the open failures vanished");
            let confirmed: Vec<&&str> = open.iter().filter(|l| !l.ends_with(" 0")).collect();
            assert!(
                confirmed.is_empty(),
                "{fault:?}: confirmed by a blind scan: {confirmed:?}"
            );
        }
        // Recovery: the next clean scan has the clean verdicts and a fresh timestamp.
        let stale_at = timestamps(&next);
        proxy.set_rules(Vec::new());
        eventually(
            Duration::from_secs(120),
            "a clean scan after the fault",
            || {
                let text = daemon.metrics();
                let fresh = timestamps(&text)
                    .iter()
                    .zip(&stale_at)
                    .all(|(now, then)| now > then);
                let pass = metric_sum(&text, "tomwatch_findings", &[("status", "PASS")]);
                (fresh && pass == clean_pass).then_some(())
            },
        );
    }
    let code = daemon.stop(Duration::from_secs(30));
    assert_eq!(code, 0);
}

#[test]
fn expired_ambient_credentials_stop_the_audit_with_exit_2_and_say_what_to_fix() {
    let proxy = FaultProxy::start(localstack());
    proxy.set_rules(vec![Rule::operation(
        "sts",
        "GetCallerIdentity",
        Fault::ExpiredToken,
    )]);
    let estate = estate();
    let config = estate.config(SCOPE);
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run(estate
        .tomwatch()
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .args(["audit", "--config"])
        .arg(&config));
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("session token's expiry"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60), "no hang");
}

/// A refused AssumeRole is one account's failure, not the audit's: that account's findings
/// are UNKNOWN naming the role and the error, the other account's results stand, and the exit
/// code says the audit is incomplete or failing (3 or 1), never compliant.
#[test]
fn a_refused_assume_role_makes_that_account_unknown_and_spares_the_other() {
    let clean = clean_audit();
    let proxy = FaultProxy::start(localstack());
    proxy.set_rules(vec![Rule::operation(
        "sts",
        "AssumeRole",
        Fault::AccessDenied,
    )]);
    let started = std::time::Instant::now();
    let (code, report, stderr) = audit_through(&proxy, FAST_FAILURE);
    assert!(started.elapsed() < Duration::from_secs(120), "no hang");
    assert!(code == 1 || code == 3, "{code}\n{stderr}");
    let estate = estate();
    let faulted = verdicts(&report);
    let dev: Vec<_> = faulted
        .iter()
        .filter(|((a, ..), _)| *a == estate.dev)
        .collect();
    assert!(!dev.is_empty());
    for (key, (status, message)) in &dev {
        if !from_config_only(&format!("check_id=\"{}\" status=\"{status}\"", key.2)) {
            assert_eq!(status, "UNKNOWN", "{key:?}: {message}");
        }
    }
    let errors = report["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|e| e["operation"] == "AssumeRole"
            && e["error_type"] == "access_denied"
            && e["message"]
                .as_str()
                .unwrap_or_default()
                .contains("role/tomwatch-audit")),
        "{errors:?}"
    );
    for (key, verdict) in faulted.iter().filter(|((a, ..), _)| *a == estate.prod) {
        assert_eq!(
            clean.get(key),
            Some(verdict),
            "{key:?}: the other account is unaffected"
        );
    }
}
