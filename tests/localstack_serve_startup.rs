//! `tomwatch serve` when AWS cannot be reached at start-up: it serves, says why on /metrics,
//! retries, and becomes ready once AWS answers.

mod support;

use std::io::copy;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;
use support::daemon::{eventually, free_port, metric, Daemon};
use support::{localstack, Estate};

/// Forwards every connection to `port` on loopback to `target` (host:port), from now on.
fn forward(port: u16, target: String) {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the forwarder");
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(upstream) = TcpStream::connect(&target) else {
                continue;
            };
            let (mut client_in, mut upstream_out) = match (client.try_clone(), upstream.try_clone())
            {
                (Ok(a), Ok(b)) => (a, b),
                _ => continue,
            };
            let (mut client_out, mut upstream_in) = (client, upstream);
            std::thread::spawn(move || {
                let _ = copy(&mut client_in, &mut upstream_out);
                let _ = upstream_out.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = copy(&mut upstream_in, &mut client_out);
                let _ = client_out.shutdown(std::net::Shutdown::Write);
            });
        }
    });
}

#[test]
fn unreachable_aws_at_start_up_is_served_as_a_failure_and_retried_until_ready() {
    let estate = Estate::seed_compliant("serve-startup");
    let config = estate.compliant_config("regions: [eu-central-1]\nschedule:\n  interval: 30s\n");
    // Nothing listens here yet: STS (and every other endpoint) is unreachable.
    let aws_port = free_port();
    let endpoint = format!("http://127.0.0.1:{aws_port}");
    let mut daemon = Daemon::start(
        &estate,
        &config,
        &estate.dir.join("data"),
        &[],
        &[("AWS_ENDPOINT_URL", endpoint.as_str())],
    );
    let prod = estate.prod.as_str();
    let text = eventually(Duration::from_secs(30), "the failure on /metrics", || {
        let (status, body) = daemon.get("/metrics");
        let failing = [("account_id", prod), ("service", "sts")];
        (status == 200 && metric(&body, "tomwatch_scan_success", &failing) == Some(0.0))
            .then_some(body)
    });
    assert_eq!(
        metric(
            &text,
            "tomwatch_collection_errors",
            &[
                ("account_id", prod),
                ("service", "sts"),
                ("error_type", "other")
            ]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        metric(&text, "tomwatch_account_info", &[("account_id", prod)]),
        Some(1.0)
    );
    assert_eq!(daemon.get("/-/healthy").0, 200, "alive while AWS is away");
    assert_eq!(daemon.get("/-/ready").0, 503, "not ready before a scan");

    // AWS comes back: the next attempt (backoff 1, 2, 4, ... s) connects and scans.
    let target = localstack()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    forward(aws_port, target);
    daemon.wait_ready(Duration::from_secs(60));
    let text = daemon.metrics();
    for name in ["tomwatch_scan_success", "tomwatch_collection_errors"] {
        assert_eq!(
            metric(&text, name, &[("account_id", prod), ("service", "sts")]),
            None,
            "the start-up failure is gone once scanning:\n{text}"
        );
    }
    assert!(
        metric(
            &text,
            "tomwatch_last_scan_success_timestamp_seconds",
            &[("account_id", prod)]
        )
        .is_some(),
        "{text}"
    );
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}

#[test]
fn a_config_that_does_not_fit_the_credentials_still_stops_start_up() {
    let estate = Estate::seed_compliant("serve-startup-config");
    // An account without role_arn must be the credentials' own account.
    let other = if estate.prod.ends_with('1') {
        "999999999990"
    } else {
        "999999999991"
    };
    let path = estate.dir.join("other.yaml");
    std::fs::write(&path, format!("accounts:\n  - id: \"{other}\"\n")).expect("write config");
    let (code, _, stderr) = support::run(
        estate
            .tomwatch()
            .args([
                "serve",
                "--web.listen-address",
                &format!("127.0.0.1:{}", free_port()),
            ])
            .arg("--storage.path")
            .arg(estate.dir.join("data"))
            .arg("--config")
            .arg(&path),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("account {other} has no role_arn")),
        "{stderr}"
    );
}
