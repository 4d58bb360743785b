use super::*;
use crate::testing::finding;

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tomwatch-drift-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const CHECK: &str = "ec2_security_group_world_ingress_web_only";

#[test]
fn first_seen_survives_reopening_and_resolution_needs_evidence() {
    let dir = dir("lifecycle");
    {
        let store = DriftStore::open(&dir).expect("open");
        let first = store
            .reconcile("111111111111", &[finding(CHECK, "sg-1", Status::Fail)], 100)
            .expect("scan 1");
        assert_eq!(first.new.get("TOM-NET"), Some(&1));
        assert_eq!(
            first
                .first_seen
                .get(&(CHECK.to_string(), "sg-1".to_string())),
            Some(&100)
        );
    }
    let store = DriftStore::open(&dir).expect("reopen");
    // Still failing after a restart: the first-seen time is the old one, nothing is new.
    let again = store
        .reconcile("111111111111", &[finding(CHECK, "sg-1", Status::Fail)], 200)
        .expect("scan 2");
    assert_eq!(
        again
            .first_seen
            .get(&(CHECK.to_string(), "sg-1".to_string())),
        Some(&100)
    );
    assert!(again.new.is_empty() && again.resolved.is_empty());
    // Unknown is not evidence of a fix.
    let blind = store
        .reconcile(
            "111111111111",
            &[finding(CHECK, "arn:*", Status::Unknown)],
            300,
        )
        .expect("scan 3");
    assert!(blind.resolved.is_empty() && blind.first_seen.is_empty());
    // A pass is.
    let fixed = store
        .reconcile("111111111111", &[finding(CHECK, "sg-1", Status::Pass)], 400)
        .expect("scan 4");
    assert_eq!(fixed.resolved.get("TOM-NET"), Some(&1));
    // Once resolved, a recurrence is new again, with a new first-seen time.
    let back = store
        .reconcile("111111111111", &[finding(CHECK, "sg-1", Status::Fail)], 500)
        .expect("scan 5");
    assert_eq!(back.new.get("TOM-NET"), Some(&1));
    assert_eq!(
        back.first_seen
            .get(&(CHECK.to_string(), "sg-1".to_string())),
        Some(&500)
    );
}

#[test]
fn accounts_do_not_see_each_others_failures_and_deleted_resources_resolve() {
    let store = DriftStore::open(&dir("accounts")).expect("open");
    store
        .reconcile("111111111111", &[finding(CHECK, "sg-1", Status::Fail)], 1)
        .expect("a");
    let other = store.reconcile("222222222222", &[], 2).expect("b");
    assert!(
        other.resolved.is_empty(),
        "another account's scan resolves nothing here"
    );
    let gone = store.reconcile("111111111111", &[], 3).expect("c");
    assert_eq!(
        gone.resolved.get("TOM-NET"),
        Some(&1),
        "a deleted resource with full visibility is resolved"
    );
}

#[test]
fn a_corrupt_store_is_an_error_that_says_it_is_not_reset() {
    let dir = dir("corrupt");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("drift.redb"),
        b"this is not a redb file at all, certainly not",
    )
    .expect("write");
    let error = DriftStore::open(&dir).expect_err("corrupt");
    let message = error.to_string();
    assert!(
        message.contains("drift.redb") && message.contains("never reset automatically"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(dir.join("drift.redb")).expect("still there"),
        b"this is not a redb file at all, certainly not",
        "the file is left untouched"
    );
}

#[test]
fn a_suppressed_failure_is_not_drift_until_its_suppression_expires() {
    let dir = dir("suppressed");
    let store = DriftStore::open(&dir).expect("open");
    let mut accepted = finding(CHECK, "sg-legacy", Status::Fail);
    accepted.suppressed = true;
    let scan = store
        .reconcile("111111111111", std::slice::from_ref(&accepted), 100)
        .expect("scan 1");
    assert!(scan.new.is_empty() && scan.first_seen.is_empty());
    accepted.suppressed = false;
    let expired = store
        .reconcile("111111111111", &[accepted], 200)
        .expect("scan 2");
    assert_eq!(expired.new.get("TOM-NET"), Some(&1));
}

#[test]
fn a_failure_the_scan_could_not_verify_stays_open_and_is_reported_as_unverified() {
    let store = DriftStore::open(&dir("unverified")).expect("open");
    let key = (CHECK.to_string(), "sg-1".to_string());
    store
        .reconcile("111111111111", &[finding(CHECK, "sg-1", Status::Fail)], 100)
        .expect("scan 1");
    // The resource itself is UNKNOWN (a detail call failed).
    let detail_failed = store
        .reconcile(
            "111111111111",
            &[finding(CHECK, "sg-1", Status::Unknown)],
            200,
        )
        .expect("scan 2");
    assert_eq!(detail_failed.unverified.get(&key), Some(&100));
    assert!(detail_failed.first_seen.is_empty() && detail_failed.resolved.is_empty());
    // The whole list could not be read: the resource is absent, its check blind.
    let list_failed = store
        .reconcile(
            "111111111111",
            &[finding(
                CHECK,
                "arn:aws:ec2:eu-central-1:111111111111:security-group/*",
                Status::Unknown,
            )],
            300,
        )
        .expect("scan 3");
    assert_eq!(list_failed.unverified.get(&key), Some(&100));
    // Confirmed again: first seen is still the first observation, and it is verified.
    let confirmed = store
        .reconcile("111111111111", &[finding(CHECK, "sg-1", Status::Fail)], 400)
        .expect("scan 4");
    assert_eq!(confirmed.first_seen.get(&key), Some(&100));
    assert!(confirmed.unverified.is_empty() && confirmed.new.is_empty());
}
