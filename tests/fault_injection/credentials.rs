//! Credentials that stop working: the ambient ones expired, an AssumeRole refused.

use super::*;

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
