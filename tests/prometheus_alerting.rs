//! The shipped alert rules, Alertmanager routing and Grafana dashboard, proven end to end: a
//! seeded estate in LocalStack, `tomwatch serve`, a real Prometheus evaluating
//! deploy/prometheus/tomwatch.rules.yml, a real Alertmanager routing with
//! deploy/alertmanager/alertmanager.yml, and a webhook receiver standing in for pager and tickets.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::daemon::{eventually, free_port, Daemon};
use support::monitoring::{alertmanager, Prometheus, Webhook};
use support::{repo_root, Estate};

const SERVE_CONFIG: &str =
    "regions: [eu-central-1, eu-west-1, us-east-1]\nschedule:\n  interval: 3s\n  jitter: 0\n";
const SECURITY_GROUP_CHECK: &str = "ec2_security_group_world_ingress_web_only";

fn label<'a>(labels: &'a Value, name: &str) -> &'a str {
    labels[name].as_str().unwrap_or_default()
}

/// (check_id, resource_id) of every `tomwatch_failing_resource` series of `account`.
fn failing_in_scrape(metrics: &str, account: &str) -> BTreeSet<(String, String)> {
    let value = |line: &str, name: &str| -> String {
        let start = line.find(&format!("{name}=\"")).map(|i| i + name.len() + 2);
        start
            .and_then(|s| line[s..].split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    metrics
        .lines()
        .filter(|l| l.starts_with("tomwatch_failing_resource{"))
        .filter(|l| l.contains(&format!("account_id=\"{account}\"")))
        .map(|l| (value(l, "check_id"), value(l, "resource_id")))
        .collect()
}

/// (check_id, resource_id) of every alert with `status` in the notifications to `receiver`.
fn notified(webhook: &Webhook, receiver: &str, status: &str) -> BTreeSet<(String, String)> {
    webhook
        .received()
        .iter()
        .filter(|n| n.receiver == receiver)
        .flat_map(|n| n.alerts().into_iter().cloned().collect::<Vec<_>>())
        .filter(|a| a["status"] == status)
        .map(|a| {
            (
                label(&a["labels"], "check_id").to_string(),
                label(&a["labels"], "resource_id").to_string(),
            )
        })
        .collect()
}

/// Every query of the dashboard, with its variables substituted as Grafana would, returns data.
fn every_dashboard_query_returns_data(prometheus: &Prometheus, prod: &str) {
    let path = repo_root().join("deploy/grafana/dashboards/tomwatch.json");
    let dashboard: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read the dashboard"))
            .expect("dashboard JSON");
    let substitute = |expr: &str, account: &str| {
        expr.replace("$environment", ".*")
            .replace("$account", account)
            .replace("$control", ".*")
            .replace("$__rate_interval", "1m")
    };
    let variables = dashboard["templating"]["list"]
        .as_array()
        .expect("variables");
    let mut checked = 0;
    for variable in variables.iter().filter(|v| v["type"] == "query") {
        let query = substitute(variable["query"]["query"].as_str().expect("query"), ".*");
        let inner = query
            .strip_prefix("label_values(")
            .and_then(|q| q.strip_suffix(')'))
            .unwrap_or_else(|| panic!("variable query {query} is not label_values(...)"));
        let (selector, label) = inner
            .rsplit_once(',')
            .expect("label_values(selector, label)");
        let values = prometheus.label_values(label.trim(), selector.trim());
        assert!(
            !values.is_empty(),
            "variable {}: {query} has no values",
            variable["name"]
        );
        checked += 1;
    }
    assert_eq!(checked, 3, "environment, account and control");
    let panels = dashboard["panels"].as_array().expect("panels");
    let mut queries = 0;
    for panel in panels.iter().filter(|p| p["type"] != "row") {
        let targets = panel["targets"].as_array().expect("every panel queries");
        assert!(!targets.is_empty(), "panel {} has no query", panel["title"]);
        for target in targets {
            let expr = target["expr"].as_str().expect("expr");
            for account in [".*", prod] {
                let expr = substitute(expr, account);
                eventually(
                    Duration::from_secs(30),
                    &format!("panel {}: {expr} to return data", panel["title"]),
                    || (!prometheus.query(&expr).is_empty()).then_some(()),
                );
                queries += 1;
            }
        }
    }
    assert!(queries >= 30, "only {queries} panel queries");
}

/// Log shippers get one JSON object per line, and one line per account scan with its counts.
fn scan_is_logged_as_json(log: &std::path::Path, account: &str) {
    let text = std::fs::read_to_string(log).expect("the daemon's log");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON line: {l}")))
        .collect();
    let scan = lines
        .iter()
        .find(|l| l["fields"]["message"] == "scan finished" && l["fields"]["account_id"] == account)
        .unwrap_or_else(|| panic!("no scan line for {account}:\n{text}"));
    assert_eq!(scan["level"], "INFO", "{scan}");
    assert!(
        scan["fields"]["fail"].as_u64().is_some_and(|n| n > 0),
        "{scan}"
    );
    for field in [
        "seconds",
        "unknown",
        "pass",
        "not_applicable",
        "suppressed",
        "errors",
    ] {
        assert!(!scan["fields"][field].is_null(), "{field} missing: {scan}");
    }
}

#[test]
fn shipped_rules_page_production_only_resolve_on_a_fix_and_survive_a_restart() {
    let estate = Estate::seed("alerting");
    let prod = estate.prod.as_str();
    let bob = estate.planted("iam_user_console_mfa", "FAIL", prod);
    let expires = (time::OffsetDateTime::now_utc() + time::Duration::days(3)).date();
    let config = estate.config(&format!(
        "{SERVE_CONFIG}suppressions:\n  - check: iam_user_console_mfa\n    resource: \"{bob}\"\n    reason: leaves this week\n    owner: it-ops\n    expires: {expires}\n"
    ));
    let storage = estate.dir.join("data");
    let webhook = Webhook::start();
    let alertmanager = alertmanager(&estate.dir, webhook.port);
    let port = free_port();
    let json_logs = ["--log-format", "json"];
    let mut daemon = Daemon::start_on(port, &estate, &config, &storage, &json_logs, &[]);
    daemon.wait_ready(Duration::from_secs(90));
    let prometheus = Prometheus::start(&estate.dir, port, alertmanager.port);
    scan_is_logged_as_json(&estate.dir.join(format!("serve-{port}.log")), prod);

    // Every production failure tomwatch exports reaches the pager, and nothing else does.
    let failing = failing_in_scrape(&daemon.metrics(), prod);
    assert!(
        failing.len() >= 10,
        "the planted production failures: {failing:?}"
    );
    eventually(
        Duration::from_secs(90),
        "every production failure paged",
        || {
            failing
                .is_subset(&notified(&webhook, "pager", "firing"))
                .then_some(())
        },
    );
    assert_eq!(
        notified(&webhook, "pager", "firing"),
        failing,
        "the pager got exactly the production failures"
    );
    let received = webhook.received();
    for notification in received.iter().filter(|n| n.receiver == "pager") {
        let group = &notification.body["groupLabels"];
        assert_eq!(label(group, "account_id"), prod, "{}", notification.body);
        assert!(
            label(group, "control").starts_with("TOM-"),
            "{}",
            notification.body
        );
        for alert in notification.alerts() {
            let labels = &alert["labels"];
            assert_eq!(label(labels, "environment"), "production", "{alert}");
            assert_eq!(label(labels, "severity"), "page", "{alert}");
            assert_eq!(label(labels, "control"), label(group, "control"), "{alert}");
            assert!(
                label(&alert["annotations"], "summary").contains(prod)
                    && label(&alert["annotations"], "runbook_url").contains("RUNBOOK.md#"),
                "{alert}"
            );
        }
    }
    // The planted compliant twins raise nothing, and the development account pages no one.
    let mut twins = 0;
    for planted in estate.expected.iter().filter(|e| e["status"] == "PASS") {
        let pair = (
            planted["check_id"].as_str().unwrap_or_default().to_string(),
            planted["resource_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        assert!(!failing.contains(&pair), "compliant {pair:?} alerted");
        twins += 1;
    }
    assert!(twins >= 10, "{twins} compliant twins");
    assert!(
        estate
            .expected
            .iter()
            .any(|e| e["account_id"] == estate.dev.as_str() && e["status"] == "FAIL"),
        "the development account has failures of its own"
    );
    for notification in &received {
        for alert in notification.alerts() {
            assert_ne!(label(&alert["labels"], "account_id"), estate.dev, "{alert}");
        }
    }
    // A suppression that ends in 3 days is a ticket for its owner, not a page.
    eventually(
        Duration::from_secs(60),
        "the expiring suppression ticketed",
        || {
            webhook
                .received()
                .iter()
                .filter(|n| n.receiver == "tickets")
                .flat_map(|n| n.alerts().into_iter().cloned().collect::<Vec<_>>())
                .find(|a| {
                    a["labels"]["alertname"] == "TomwatchSuppressionExpiringSoon"
                        && a["labels"]["owner"] == "it-ops"
                        && a["labels"]["resource"] == bob.as_str()
                })
        },
    );
    assert!(
        !failing.iter().any(|(_, r)| r == &bob),
        "suppressed, so not failing"
    );

    every_dashboard_query_returns_data(&prometheus, prod);

    // Fixing the resource in AWS resolves its page.
    let ssh = estate.planted(SECURITY_GROUP_CHECK, "FAIL", prod);
    let group_id = ssh.rsplit('/').next().expect("group id");
    estate.python(&format!(
        "client('ec2').revoke_security_group_ingress(GroupId='{group_id}', IpPermissions=[{{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{{'CidrIp': '0.0.0.0/0'}}]}}])"
    ));
    let fixed = (SECURITY_GROUP_CHECK.to_string(), ssh.clone());
    eventually(
        Duration::from_secs(60),
        "the fixed group's page resolved",
        || {
            notified(&webhook, "pager", "resolved")
                .contains(&fixed)
                .then_some(())
        },
    );
    // Every alert on the group (the SSH rule also broke TOM-ACCESS) is gone, and Alertmanager
    // has gone quiet: what arrives after the restart is the restart's doing.
    let on_group = format!(r#"ALERTS{{resource_id="{ssh}"}}"#);
    eventually(
        Duration::from_secs(60),
        "no alert left on the fixed group",
        || prometheus.query(&on_group).is_empty().then_some(()),
    );
    let mut quiet_since = (webhook.received().len(), Instant::now());
    eventually(
        Duration::from_secs(60),
        "Alertmanager quiet for 6 s",
        || {
            let count = webhook.received().len();
            if count != quiet_since.0 {
                quiet_since = (count, Instant::now());
            }
            (quiet_since.1.elapsed() >= Duration::from_secs(6)).then_some(())
        },
    );

    // A restart of tomwatch resolves nothing and pages nothing again.
    let firing = |prometheus: &Prometheus| {
        prometheus
            .query(r#"count(ALERTS{alertstate="firing", severity="page"})"#)
            .first()
            .and_then(|r| r["value"][1].as_str().map(str::to_string))
    };
    let before = webhook.received().len();
    let pages_before = firing(&prometheus);
    assert!(
        pages_before.is_some(),
        "pages are firing before the restart"
    );
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
    let restarted = Instant::now();
    std::thread::sleep(Duration::from_secs(3)); // Prometheus sees it down.
    let mut daemon = Daemon::start_on(port, &estate, &config, &storage, &json_logs, &[]);
    daemon.wait_ready(Duration::from_secs(90));
    let restart_seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
        - restarted.elapsed().as_secs_f64();
    eventually(
        Duration::from_secs(30),
        "Prometheus scraped the restarted tomwatch's scan",
        || {
            let expr = format!(
                r#"tomwatch_last_scan_success_timestamp_seconds{{account_id="{prod}"}} > {restart_seconds}"#
            );
            (!prometheus.query(&expr).is_empty()).then_some(())
        },
    );
    // Rules evaluate every second and Alertmanager flushes every 2 s: give both several rounds.
    std::thread::sleep(Duration::from_secs(8));
    let after: Vec<_> = webhook.received().into_iter().skip(before).collect();
    assert!(
        after.iter().all(|n| n.receiver != "pager"),
        "the restart sent pages again: {:?}",
        after.iter().map(|n| &n.body).collect::<Vec<_>>()
    );
    assert_eq!(firing(&prometheus), pages_before, "the same pages fire");
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}
