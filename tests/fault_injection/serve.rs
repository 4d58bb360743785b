//! `tomwatch serve` through the fault proxy: counted retries, a denied service, survival.

use super::*;

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

/// A refused AssumeRole, to `serve`: the account it reaches is the one that fails, in the
/// metrics (its units 0, an access_denied error) and the log (naming the role), while the
/// other account scans exactly as before and the daemon stays up.
#[test]
fn a_refused_assume_role_is_that_accounts_failure_in_the_metrics_and_the_log() {
    let proxy = FaultProxy::start(localstack());
    proxy.set_rules(vec![Rule::operation(
        "sts",
        "AssumeRole",
        Fault::AccessDenied,
    )]);
    let config = daemon_config(&format!("{FAST_FAILURE}schedule:\n  interval: 1h\n"));
    let daemon = start_daemon(&proxy, &config, "refused");
    let (prod, dev) = (&estate().prod, &estate().dev);
    let text = eventually(Duration::from_secs(120), "both accounts' units", || {
        let text = daemon.metrics();
        let units = scan_success(&text);
        let seen = |account: &String| units.keys().any(|(a, ..)| a == account);
        (seen(prod) && seen(dev)).then_some(text)
    });
    let units = scan_success(&text);
    let (refused, reached): (Vec<_>, Vec<_>) = units.iter().partition(|((a, ..), _)| a == dev);
    assert!(refused.iter().all(|(_, v)| **v == 0.0), "{refused:?}");
    assert!(reached.iter().all(|(_, v)| **v == 1.0), "{reached:?}");
    let denied = metric_sum(
        &text,
        "tomwatch_collection_errors",
        &[("account_id", dev), ("error_type", "access_denied")],
    );
    assert!(denied >= 1.0, "{text}");
    for status in ["PASS", "FAIL"] {
        let from_aws = metric_sum(
            &text,
            "tomwatch_findings",
            &[
                ("account_id", dev),
                ("check_id", "s3_bucket_default_encryption_kms"),
                ("status", status),
            ],
        );
        assert_eq!(
            from_aws, 0.0,
            "no {status} for an account that was not reached"
        );
    }
    let log = std::fs::read_to_string(estate().dir.join(format!("serve-{}.log", daemon.port)))
        .expect("daemon log");
    assert!(
        log.lines()
            .any(|l| l.contains("cannot reach the account: could not assume")
                && l.contains("role/tomwatch-audit")),
        "the log names the refused role:\n{log}"
    );
    assert_eq!(daemon.get("/-/healthy").0, 200);
}
