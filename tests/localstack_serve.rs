//! `tomwatch serve` against LocalStack: the metric contract on a real scrape (linted by
//! promtool), drift across scans and restarts, reloads and readiness. HTTPS, basic auth and
//! client certificates are in localstack_serve_tls.rs.

mod support;

use std::process::Command;
use std::time::Duration;
use support::daemon::{eventually, metric, metric_sum, Daemon};
use support::{run, Estate};

const SERVE_CONFIG: &str =
    "regions: [eu-central-1, eu-west-1, us-east-1]\nschedule:\n  interval: 2s\n  jitter: 0\n";
const SECURITY_GROUP_CHECK: &str = "ec2_security_group_world_ingress_web_only";

fn promtool_check(metrics: &str) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool is installed (Debian package prometheus; scripts/test installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(metrics.as_bytes())
        .expect("write metrics");
    let output = child.wait_with_output().expect("promtool finishes");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && said.trim().is_empty(),
        "promtool check metrics:\n{said}"
    );
}

/// The least-privilege policy `tomwatch iam-policy` prints must allow every operation the
/// collectors really called against the demo estate, as counted by tomwatch_api_requests_total.
fn every_called_operation_is_in_the_iam_policy(metrics: &str) {
    let (code, policy, stderr) = run(support::tomwatch().arg("iam-policy"));
    assert_eq!(code, 0, "{stderr}");
    let policy: serde_json::Value = serde_json::from_str(&policy).expect("policy JSON");
    let allowed: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    let label = |line: &str, name: &str| -> Option<String> {
        let start = line.find(&format!("{name}=\""))? + name.len() + 2;
        Some(line[start..].split('"').next()?.to_string())
    };
    let mut called = 0;
    for line in metrics
        .lines()
        .filter(|l| l.starts_with("tomwatch_api_requests_total{"))
    {
        let (service, operation) = (
            label(line, "service").expect("service"),
            label(line, "operation").expect("operation"),
        );
        if (service.as_str(), operation.as_str()) == ("sts", "AssumeRole") {
            continue; // the auditing identity's permission, not the audit role's
        }
        // S3 names a few IAM actions differently from their API operations.
        let action = match (service.as_str(), operation.as_str()) {
            ("s3", "ListBuckets") => "s3:ListAllMyBuckets".to_string(),
            ("s3", "GetBucketEncryption") => "s3:GetEncryptionConfiguration".to_string(),
            // Classic load balancers share elbv2's IAM prefix; their own label keeps the two
            // APIs' DescribeLoadBalancers apart.
            ("elb", _) => format!("elasticloadbalancing:{operation}"),
            _ => format!("{service}:{operation}"),
        };
        assert!(
            allowed.contains(&action.as_str()),
            "{action} is called but not in `tomwatch iam-policy`"
        );
        called += 1;
    }
    assert!(called >= 20, "only {called} operations seen:\n{metrics}");
}

#[test]
fn metric_contract_drift_and_first_seen_across_restarts() {
    let estate = Estate::seed("serve-drift");
    let bob = estate.planted("iam_user_console_mfa", "FAIL", &estate.prod);
    let config = estate.config(&format!(
        "{SERVE_CONFIG}suppressions:\n  - check: iam_user_console_mfa\n    resource: \"{bob}\"\n    reason: leaves at the end of the month\n    owner: it-ops\n    expires: 2099-12-31\n"
    ));
    let storage = estate.dir.join("data");
    let mut daemon = Daemon::start(&estate, &config, &storage, &[], &[]);
    daemon.wait_ready(Duration::from_secs(60));
    let prod = estate.prod.as_str();
    let ssh = estate.planted(SECURITY_GROUP_CHECK, "FAIL", prod);
    let plain_volume = estate.planted("ec2_volume_encrypted", "FAIL", prod);

    let text = daemon.metrics();
    promtool_check(&text);
    assert_eq!(
        metric(
            &text,
            "tomwatch_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0)
    );
    let fail = [
        ("account_id", prod),
        ("check_id", SECURITY_GROUP_CHECK),
        ("status", "FAIL"),
    ];
    let planted = estate.planted_count(SECURITY_GROUP_CHECK, "FAIL", prod);
    assert_eq!(
        metric(&text, "tomwatch_findings", &fail),
        Some(planted as f64),
        "{text}"
    );
    let suppressed = [
        ("account_id", prod),
        ("check_id", SECURITY_GROUP_CHECK),
        ("status", "SUPPRESSED"),
    ];
    assert_eq!(metric(&text, "tomwatch_findings", &suppressed), Some(0.0));
    // The suppressed FAIL counts as SUPPRESSED, is no failing resource, and its end is a metric.
    let mfa = |status| {
        [
            ("account_id", prod),
            ("check_id", "iam_user_console_mfa"),
            ("status", status),
        ]
    };
    assert_eq!(
        metric(&text, "tomwatch_findings", &mfa("SUPPRESSED")),
        Some(1.0)
    );
    assert_eq!(metric(&text, "tomwatch_findings", &mfa("FAIL")), Some(0.0));
    assert!(!text.contains(&format!("resource_id=\"{bob}\"")), "{text}");
    assert_eq!(
        metric(
            &text,
            "tomwatch_suppression_expires_timestamp_seconds",
            &[("check", "iam_user_console_mfa"), ("owner", "it-ops")]
        ),
        Some(4_102_444_800.0),
        "the end of 2099-12-31 UTC"
    );
    assert_eq!(
        metric(
            &text,
            "tomwatch_control_compliant",
            &[("account_id", prod), ("control", "TOM-NET")]
        ),
        Some(0.0)
    );
    let ssh_series = [
        ("account_id", prod),
        ("aws_region", "eu-central-1"),
        ("control", "TOM-NET"),
        ("resource_id", ssh.as_str()),
    ];
    assert_eq!(
        metric(&text, "tomwatch_failing_resource", &ssh_series),
        Some(1.0)
    );
    assert!(metric(
        &text,
        "tomwatch_failing_resource_first_seen_timestamp_seconds",
        &ssh_series
    )
    .is_some_and(|t| t > 1.7e9));
    let ec2 = [
        ("account_id", prod),
        ("aws_region", "eu-central-1"),
        ("service", "ec2"),
    ];
    assert_eq!(metric(&text, "tomwatch_scan_success", &ec2), Some(1.0));
    assert!(metric(
        &text,
        "tomwatch_scan_duration_seconds",
        &[("account_id", prod)]
    )
    .is_some_and(|d| d > 0.0));
    assert!(metric(
        &text,
        "tomwatch_last_scan_success_timestamp_seconds",
        &[("account_id", prod)]
    )
    .is_some());
    let describe = [("service", "ec2"), ("operation", "DescribeInstances")];
    assert!(metric(&text, "tomwatch_api_requests_total", &describe).is_some_and(|n| n >= 2.0));
    every_called_operation_is_in_the_iam_policy(&text);
    assert_eq!(
        metric(&text, "tomwatch_config_last_reload_successful", &[]),
        Some(1.0)
    );
    let (status, findings) = daemon.get("/api/v1/findings");
    assert_eq!(status, 200);
    let findings: serde_json::Value = serde_json::from_str(&findings).expect("JSON");
    assert_eq!(findings["schema"], "tomwatch.audit.v1");
    assert_eq!(findings["accounts"].as_array().map(Vec::len), Some(2));

    let net_failures = metric_sum(
        &text,
        "tomwatch_findings",
        &[
            ("account_id", prod),
            ("control", "TOM-NET"),
            ("status", "FAIL"),
        ],
    );
    assert!(
        net_failures >= 2.0,
        "the planted TOM-NET failures: {net_failures}"
    );

    let net_failing = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("tomwatch_failing_resource{") && l.contains("TOM-NET"))
            .map(str::to_string)
            .collect()
    };
    let failing_before = net_failing(&text);
    // Fix one violation and plant another; the next scans must see both.
    let group_id = ssh.rsplit('/').next().expect("group id");
    let mongo = estate.python(&format!(
        "ec2 = client('ec2')\n\
         ec2.revoke_security_group_ingress(GroupId='{group_id}', IpPermissions=[{{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{{'CidrIp': '0.0.0.0/0'}}]}}])\n\
         vpc = ec2.describe_security_groups(GroupIds=['{group_id}'])['SecurityGroups'][0]['VpcId']\n\
         new = ec2.create_security_group(GroupName='late-mongo', Description='planted by the test', VpcId=vpc)['GroupId']\n\
         ec2.authorize_security_group_ingress(GroupId=new, IpPermissions=[{{'IpProtocol': 'tcp', 'FromPort': 27017, 'ToPort': 27017, 'IpRanges': [{{'CidrIp': '0.0.0.0/0'}}]}}])\n\
         print(new)"
    ));
    let drift = |kind| [("account_id", prod), ("control", "TOM-NET"), ("kind", kind)];
    // Both at once: a scan can run between the revoke and the new group's rule (one script,
    // several calls), and see the fix before the plant.
    let text = eventually(Duration::from_secs(30), "resolved and new drift", || {
        let text = daemon.metrics();
        let resolved =
            metric(&text, "tomwatch_drift_events_total", &drift("resolved")).unwrap_or(0.0);
        let new = metric(&text, "tomwatch_drift_events_total", &drift("new")).unwrap_or(0.0);
        (resolved >= 1.0 && new > net_failures).then_some(text)
    });
    // Every TOM-NET failure of the first scan was new to the store, and so is the planted group.
    assert_eq!(
        metric(&text, "tomwatch_drift_events_total", &drift("new")),
        Some(net_failures + 1.0)
    );
    assert_eq!(
        metric(&text, "tomwatch_failing_resource", &ssh_series),
        None,
        "the fixed group no longer fails; TOM-NET failing before:\n{}\nafter:\n{}",
        failing_before.join("\n"),
        net_failing(&text).join("\n")
    );
    assert!(
        text.contains(&format!("security-group/{mongo}\"")),
        "the new group fails:\n{text}"
    );
    let volume = [("account_id", prod), ("resource_id", plain_volume.as_str())];
    let first_seen = metric(
        &text,
        "tomwatch_failing_resource_first_seen_timestamp_seconds",
        &volume,
    )
    .expect("first seen");

    assert_eq!(
        daemon.stop(Duration::from_secs(10)),
        0,
        "SIGTERM exits 0 within 10 s"
    );

    // After a restart the store still knows every failure: same first-seen, nothing new.
    let mut daemon = Daemon::start(&estate, &config, &storage, &[], &[]);
    daemon.wait_ready(Duration::from_secs(60));
    let text = daemon.metrics();
    assert_eq!(
        metric(
            &text,
            "tomwatch_failing_resource_first_seen_timestamp_seconds",
            &volume
        ),
        Some(first_seen)
    );
    let new_after_restart = metric_sum(
        &text,
        "tomwatch_drift_events_total",
        &[("account_id", prod), ("kind", "new")],
    );
    assert_eq!(
        new_after_restart, 0.0,
        "no failure is new after a restart:\n{text}"
    );
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}

#[test]
fn sighup_with_a_broken_config_keeps_serving_the_old_one() {
    let estate = Estate::seed_compliant("serve-reload");
    let good = "regions: [eu-central-1]\nschedule:\n  interval: 2s\n";
    let config = estate.compliant_config(good);
    let mut daemon = Daemon::start(&estate, &config, &estate.dir.join("data"), &[], &[]);
    daemon.wait_ready(Duration::from_secs(60));

    std::fs::write(&config, "accounts: [\n").expect("break the config");
    daemon.signal("HUP");
    let text = eventually(Duration::from_secs(10), "reload failure", || {
        let text = daemon.metrics();
        (metric(&text, "tomwatch_config_last_reload_successful", &[]) == Some(0.0)).then_some(text)
    });
    assert!(metric(
        &text,
        "tomwatch_scan_duration_seconds",
        &[("account_id", estate.prod.as_str())]
    )
    .is_some());
    assert_eq!(
        daemon.get("/-/ready").0,
        200,
        "still ready on the old config"
    );
    let before = metric(
        &text,
        "tomwatch_api_requests_total",
        &[("operation", "DescribeInstances")],
    )
    .unwrap_or(0.0);
    eventually(
        Duration::from_secs(15),
        "scans going on under the old config",
        || {
            let now = metric(
                &daemon.metrics(),
                "tomwatch_api_requests_total",
                &[("operation", "DescribeInstances")],
            );
            now.filter(|n| *n > before)
        },
    );

    estate.compliant_config(good);
    daemon.signal("HUP");
    eventually(Duration::from_secs(10), "reload success", || {
        (metric(
            &daemon.metrics(),
            "tomwatch_config_last_reload_successful",
            &[],
        ) == Some(1.0))
        .then_some(())
    });
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}

#[test]
fn ready_only_after_the_first_scan_and_a_hanging_service_is_a_timeout() {
    // A peer that accepts connections and never answers: CloudTrail calls time out.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_port = silent.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().take(64) {
            held.push(stream);
        }
    });
    let estate = Estate::seed_compliant("serve-ready");
    let config = estate.compliant_config(
        // 12 s and two attempts, not less: the timeout holds for every service, and LocalStack,
        // queueing the calls of parallel tests' daemons on a loaded machine, has been seen to take
        // over 3 s for a KMS call and over 6 s for S3 and IAM calls (and to fail an AssumeRole
        // once), which then failed those services too.
        "regions: [eu-central-1]\nscan:\n  api_attempt_timeout_seconds: 12\n  api_max_attempts: 2\nschedule:\n  interval: 1h\n",
    );
    let endpoint = format!("http://127.0.0.1:{silent_port}");
    let mut daemon = Daemon::start(
        &estate,
        &config,
        &estate.dir.join("data"),
        &[],
        &[("AWS_ENDPOINT_URL_CLOUDTRAIL", &endpoint)],
    );
    eventually(Duration::from_secs(20), "healthy", || {
        (daemon.get("/-/healthy").0 == 200).then_some(())
    });
    assert_eq!(
        daemon.get("/-/ready").0,
        503,
        "not ready before the first scan has finished"
    );
    daemon.wait_ready(Duration::from_secs(60));
    let text = daemon.metrics();
    let account = estate.prod.as_str();
    let cloudtrail = [
        ("account_id", account),
        ("aws_region", "eu-central-1"),
        ("service", "cloudtrail"),
    ];
    assert_eq!(
        metric(&text, "tomwatch_scan_success", &cloudtrail),
        Some(0.0)
    );
    assert_eq!(
        metric(
            &text,
            "tomwatch_scan_success",
            &[("account_id", account), ("service", "kms")]
        ),
        Some(1.0),
        "only CloudTrail hangs; KMS's series:\n{}",
        text.lines()
            .filter(|l| l.contains("service=\"kms\""))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let timeouts = [
        ("account_id", account),
        ("service", "cloudtrail"),
        ("error_type", "timeout"),
    ];
    assert_eq!(
        metric(&text, "tomwatch_collection_errors", &timeouts),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        metric(
            &text,
            "tomwatch_control_compliant",
            &[("account_id", account), ("control", "TOM-LOG")]
        ),
        Some(0.0)
    );
    assert_eq!(
        metric(
            &text,
            "tomwatch_control_compliant",
            &[("account_id", account), ("control", "TOM-ENC-REST")]
        ),
        Some(1.0),
        "only CloudTrail hangs; what kept TOM-ENC-REST from compliance:\n{}",
        why_not_compliant(&text, "TOM-ENC-REST")
    );
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}

/// The non-zero FAIL and UNKNOWN finding counts of a control, and every collection error: what a
/// failed compliance assertion needs to be told apart from a slow emulator.
fn why_not_compliant(text: &str, control: &str) -> String {
    let control_label = format!("control=\"{control}\"");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.ends_with(" 0"))
        .filter(|line| {
            (line.starts_with("tomwatch_findings{")
                && line.contains(&control_label)
                && (line.contains("status=\"FAIL\"") || line.contains("status=\"UNKNOWN\"")))
                || line.starts_with("tomwatch_collection_errors{")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_corrupt_drift_store_stops_start_up_with_a_clear_error() {
    let estate = Estate::seed_compliant("serve-corrupt");
    let storage = estate.dir.join("data");
    std::fs::create_dir_all(&storage).expect("dir");
    std::fs::write(storage.join("drift.redb"), vec![7u8; 4096]).expect("corrupt store");
    let config = estate.compliant_config("regions: [eu-central-1]\n");
    let (code, _, stderr) = support::run(
        estate
            .tomwatch()
            .args(["serve", "--config"])
            .arg(&config)
            .arg("--storage.path")
            .arg(&storage),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("drift.redb") && stderr.contains("never reset automatically"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(storage.join("drift.redb")).expect("kept"),
        vec![7u8; 4096],
        "left untouched"
    );
}
