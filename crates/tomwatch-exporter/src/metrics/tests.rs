//! The metric contract on hand-built snapshots: what the LocalStack and Prometheus end-to-end
//! tests also see, here without AWS.

use super::*;
use std::time::{Duration, SystemTime};
use tomwatch_engine::state::{AccountSnapshot, ExpectedAccount, UnverifiedFailure};
use tomwatch_engine::{AccountReport, EvaluatedAccount};
use tomwatch_model::{Finding, Severity};

const ACCOUNT: &str = "111111111111";

pub(super) fn build() -> BuildInfo {
    BuildInfo {
        version: "0.0.0".into(),
        revision: "test".into(),
    }
}

fn finding(check: &'static str, control: &str, resource: &str, status: Status) -> Finding {
    Finding {
        check_id: check,
        control: control.into(),
        status,
        severity: Severity::High,
        account_id: ACCOUNT.into(),
        region: "eu-central-1".into(),
        resource_type: "AWS::EC2::SecurityGroup",
        resource_id: resource.into(),
        message: String::new(),
        suppressed: false,
        suppression: None,
    }
}

/// A FAIL of TOM-ACCESS on sg-ssh that a suppression accepts.
fn accepted_ssh() -> Finding {
    let mut accepted = finding(
        "ec2_security_group_admin_ports_restricted",
        "TOM-ACCESS",
        "sg-ssh",
        Status::Fail,
    );
    accepted.suppressed = true;
    accepted
}

fn snapshot(findings: Vec<Finding>, unverified: Vec<UnverifiedFailure>) -> AccountSnapshot {
    let now = SystemTime::now();
    AccountSnapshot {
        evaluated: EvaluatedAccount {
            account: AccountReport {
                account_id: ACCOUNT.into(),
                environment: Some("production".into()),
                regions: vec!["eu-central-1".into()],
                regions_not_scanned: vec![],
            },
            findings,
            errors: vec![],
            units: vec![],
        },
        first_seen: BTreeMap::from([(
            (
                "ec2_security_group_world_ingress_web_only".to_string(),
                "sg-open".to_string(),
            ),
            1_800_000_000,
        )]),
        unverified,
        started_at: now,
        finished_at: now,
        duration: Duration::from_secs(3),
        last_reached_aws: Some(now),
    }
}

/// The value of the one series of `name` that carries every label of `labels`.
pub(super) fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let matching: Vec<f64> = text
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .filter(|l| {
            labels
                .iter()
                .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    assert!(matching.len() <= 1, "{name} {labels:?}: {matching:?}");
    matching.first().copied()
}

#[test]
fn failures_confirmed_unverified_and_suppressed_each_show_as_the_contract_says() {
    let state = ServeState::new(Default::default());
    let open = finding(
        "ec2_security_group_world_ingress_web_only",
        "TOM-NET",
        "sg-open",
        Status::Fail,
    );
    let accepted = accepted_ssh();
    let unverified = UnverifiedFailure {
        finding: finding("rds_instance_not_public", "TOM-NET", "db-1", Status::Fail),
        first_seen: 1_700_000_000,
    };
    state.publish(snapshot(vec![open, accepted], vec![unverified]), &[]);
    let text = render(&state, &build());

    let failing = |resource| {
        value(
            &text,
            "tomwatch_failing_resource",
            &[("resource_id", resource), ("environment", "production")],
        )
    };
    assert_eq!(failing("sg-open"), Some(1.0), "confirmed by the last scan");
    assert_eq!(
        failing("db-1"),
        Some(0.0),
        "open, but not verified by the last scan"
    );
    assert_eq!(failing("sg-ssh"), None, "a suppressed FAIL pages nobody");
    assert_eq!(
        value(
            &text,
            "tomwatch_failing_resource_first_seen_timestamp_seconds",
            &[("resource_id", "sg-open")]
        ),
        Some(1.8e9)
    );
    assert_eq!(
        value(
            &text,
            "tomwatch_findings",
            &[
                ("check_id", "ec2_security_group_admin_ports_restricted"),
                ("status", "SUPPRESSED")
            ]
        ),
        Some(1.0)
    );
    let compliant = |control| {
        value(
            &text,
            "tomwatch_control_compliant",
            &[("account_id", ACCOUNT), ("control", control)],
        )
    };
    assert_eq!(compliant("TOM-NET"), Some(0.0));
    assert_eq!(
        compliant("TOM-ACCESS"),
        Some(1.0),
        "its only FAIL is accepted"
    );
    // Zero-initialised, so `increase()` in the rules starts from a known value.
    assert_eq!(
        value(
            &text,
            "tomwatch_drift_events_total",
            &[("control", "TOM-LOG"), ("kind", "new")]
        ),
        Some(0.0)
    );
}

#[test]
fn before_aws_answers_every_expected_account_shows_the_sts_failure() {
    let state = ServeState::new(Default::default());
    state.set_expected(
        vec![
            ExpectedAccount {
                account_id: ACCOUNT.into(),
                environment: Some("production".into()),
            },
            ExpectedAccount {
                account_id: "222222222222".into(),
                environment: None,
            },
        ],
        Duration::from_secs(900),
    );
    state.set_connection_failure(Some(ErrorKind::Timeout));
    let text = render(&state, &build());
    for account in [ACCOUNT, "222222222222"] {
        let unit = [("account_id", account), ("service", "sts")];
        assert_eq!(value(&text, "tomwatch_scan_success", &unit), Some(0.0));
        assert_eq!(
            value(
                &text,
                "tomwatch_collection_errors",
                &[("account_id", account), ("error_type", "timeout")]
            ),
            Some(1.0)
        );
        assert_eq!(
            value(
                &text,
                "tomwatch_scans_skipped_total",
                &[("account_id", account)]
            ),
            Some(0.0)
        );
    }
    assert_eq!(
        value(&text, "tomwatch_scan_interval_seconds", &[]),
        Some(900.0)
    );
    assert!(value(&text, "tomwatch_failing_resource", &[]).is_none());
}

/// One sample of the text exposition: its name, its labels unescaped, its value. Panics on
/// anything a Prometheus parser would reject, naming the line.
fn parse_sample(line: &str) -> (String, Vec<(String, String)>, f64) {
    let name_end = line
        .find(['{', ' '])
        .unwrap_or_else(|| panic!("no value: {line}"));
    let (name, mut rest) = line.split_at(name_end);
    assert!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
        "bad metric name in {line}"
    );
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices();
        loop {
            let (start, first) = chars
                .next()
                .unwrap_or_else(|| panic!("unclosed {{: {line}"));
            if first == '}' {
                rest = &inner[start + 1..];
                break;
            }
            let key_start = if first == ',' {
                chars.next().expect("a label after ,").0
            } else {
                start
            };
            let eq = inner[key_start..].find("=\"").expect("label=\"value\"") + key_start;
            let key = inner[key_start..eq].to_string();
            while chars.next().is_some_and(|(i, _)| i < eq + 1) {}
            let mut value = String::new();
            loop {
                match chars
                    .next()
                    .unwrap_or_else(|| panic!("unclosed value: {line}"))
                {
                    (_, '"') => break,
                    (_, '\\') => match chars.next().map(|(_, c)| c) {
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        Some('n') => value.push('\n'),
                        other => panic!("bad escape {other:?} in {line}"),
                    },
                    (_, '\n') => panic!("raw newline in {line}"),
                    (_, c) => value.push(c),
                }
            }
            labels.push((key, value));
        }
    }
    let value = rest
        .trim_start_matches(' ')
        .parse()
        .unwrap_or_else(|_| panic!("bad value in {line}"));
    (name.to_string(), labels, value)
}

/// AWS data is the customer's: names and tags with quotes, backslashes, newlines, emoji or
/// kilobytes of text must neither break the exposition nor fail the scrape, and the same
/// resource reported twice must not become two series.
#[test]
fn hostile_resource_names_are_escaped_and_duplicates_stay_one_series() {
    let hostile = [
        "arn:aws:s3:::quote\"d".to_string(),
        "back\\slash\\".to_string(),
        "new\nline\r\nand tab\t".to_string(),
        "ünïcødé-🚀-\u{202e}rtl".to_string(),
        "x".repeat(10_000),
    ];
    let mut findings: Vec<Finding> = hostile
        .iter()
        .map(|id| {
            finding(
                "s3_bucket_secure_transport",
                "TOM-ENC-TRANSIT",
                id,
                Status::Fail,
            )
        })
        .collect();
    findings.push(findings[0].clone());
    let state = ServeState::new(Default::default());
    state.publish(snapshot(findings, vec![]), &[]);
    let text = render(&state, &build());

    let samples: Vec<_> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(parse_sample)
        .collect();
    let failing: Vec<&str> = samples
        .iter()
        .filter(|(name, ..)| name == "tomwatch_failing_resource")
        .filter_map(|(_, labels, _)| {
            labels
                .iter()
                .find(|(k, _)| k == "resource_id")
                .map(|(_, v)| v.as_str())
        })
        .collect();
    let mut expected: Vec<&str> = hostile.iter().map(String::as_str).collect();
    expected.sort_unstable();
    let mut seen = failing.clone();
    seen.sort_unstable();
    assert_eq!(seen, expected, "every hostile ID round-trips, once");
    assert!(
        text.contains(r#"resource_id="new\nline"#),
        "newlines are escaped"
    );
}

/// Labels carry only identifiers tomwatch defines or the config names (a suppression's owner,
/// from the config's suppressions);
/// what AWS or a person wrote in prose (a finding's message, a suppression's reason) stays in
/// the audit report and the logs, never in a series.
#[test]
fn labels_are_identifiers_never_messages() {
    const ALLOWED: &[&str] = &[
        "account_id",
        "aws_region",
        "check",
        "check_id",
        "control",
        "environment",
        "error_type",
        "kind",
        "operation",
        "owner",
        "resource",
        "resource_id",
        "resource_type",
        "revision",
        "service",
        "severity",
        "status",
        "version",
    ];
    let mut open = finding(
        "ec2_security_group_world_ingress_web_only",
        "TOM-NET",
        "sg-open",
        Status::Fail,
    );
    open.message = "MessageCanary: tag value secret-ish".into();
    let mut accepted = accepted_ssh();
    accepted.suppression = Some(Box::new(tomwatch_model::SuppressionNote {
        reason: "ReasonCanary".into(),
        owner: "it-ops".into(),
        expires: "2099-12-31".into(),
        expired: false,
    }));
    let state = ServeState::new(Default::default());
    state.publish(snapshot(vec![open, accepted], vec![]), &[]);
    let text = render(&state, &build());
    assert!(!text.contains("Canary"), "prose reached the exposition");
    let mut names = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, labels, _) = parse_sample(line);
        for (label, _) in labels {
            assert!(
                ALLOWED.contains(&label.as_str()),
                "{name} has label {label}"
            );
            names.insert(label, name.clone());
        }
    }
    assert!(names.contains_key("resource_id"), "{names:?}");
}

#[test]
fn retries_show_among_requests_and_failures_after_them() {
    let api = tomwatch_model::ApiStats::default();
    for attempt in 1..=3 {
        api.record_attempt("sqs", "ListQueues", attempt);
    }
    api.record_failure("sqs", "ListQueues", ErrorKind::Throttled);
    api.record_attempt("kms", "ListKeys", 1);
    let state = ServeState::new(api);
    let text = render(&state, &build());
    let queues = [("service", "sqs"), ("operation", "ListQueues")];
    assert_eq!(
        value(&text, "tomwatch_api_requests_total", &queues),
        Some(3.0)
    );
    assert_eq!(
        value(&text, "tomwatch_api_retries_total", &queues),
        Some(2.0)
    );
    let throttled = [queues[0], queues[1], ("error_type", "throttled")];
    assert_eq!(
        value(&text, "tomwatch_api_errors_total", &throttled),
        Some(1.0)
    );
    let keys = [("service", "kms"), ("operation", "ListKeys")];
    assert_eq!(value(&text, "tomwatch_api_retries_total", &keys), Some(0.0));
}
