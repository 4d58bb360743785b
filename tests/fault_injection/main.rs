//! Faults injected between tomwatch and LocalStack (tests/support/fault_proxy/): the audit
//! and the daemon must tell the truth about what they could not see, and keep running.

#[path = "../support/mod.rs"]
mod support;

mod audit;
mod credentials;
mod serve;
mod storage;

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

/// Few retries, so that every fault class fails a call after two attempts. Attempts of 10 s, not
/// less: LocalStack, queueing the calls of parallel tests on a loaded machine, has been seen to take
/// over 3 s (and once over 6 s) to answer, which made services UNKNOWN that no fault touched.
const FAST_FAILURE: &str = "scan:\n  api_attempt_timeout_seconds: 10\n  api_max_attempts: 2\n";

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
