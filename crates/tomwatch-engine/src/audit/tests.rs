use super::*;
use crate::policy::{Pattern, Suppression};
use std::collections::BTreeSet;
use time::macros::date;
use tomwatch_model::inventory::EbsVolume;
use tomwatch_model::{RegionalService, Scope, Status};

pub(super) const ACCOUNT: &str = "111111111111";
pub(super) const VOLUME: &str = "arn:aws:ec2:eu-central-1:111111111111:volume/vol-plain";

pub(super) fn denied(region: &str, service: &'static str) -> CollectionError {
    CollectionError {
        scope: Scope {
            account_id: ACCOUNT.into(),
            region: region.into(),
            service,
        },
        operation: "*",
        kind: ErrorKind::AccessDenied,
        message: "denied".into(),
    }
}

/// An account in which only eu-central-1's EBS volumes could be seen: one, unencrypted.
pub(super) fn scan_seeing_only_one_volume() -> AccountScan {
    let mut region = RegionInventory::failed("eu-central-1", &denied("eu-central-1", "ec2"));
    region.ec2.volumes = Ok(vec![EbsVolume {
        arn: VOLUME.into(),
        volume_id: "vol-plain".into(),
        encrypted: false,
        kms_key_id: None,
        tags: [("managed-by".to_string(), "terraform".to_string())].into(),
    }]);
    let mut inventory = AccountInventory::unreachable(
        ACCOUNT,
        Some("production".into()),
        denied(GLOBAL_REGION, "iam"),
    );
    inventory.regions = Ok([("eu-central-1".to_string(), region)].into());
    AccountScan {
        inventory,
        units: vec![],
        regions_not_scanned: vec![],
    }
}

#[test]
fn only_what_was_seen_gets_a_verdict_and_an_accepted_fail_is_suppressed() {
    let policy = Policy {
        baseline: tomwatch_checks::Baseline::builtin(),
        suppressions: vec![Suppression {
            check: Pattern::new("ec2_volume_encrypted").expect("glob"),
            resource: Pattern::new(VOLUME).expect("glob"),
            reason: "migrating in Q1".into(),
            owner: "storage".into(),
            expires: date!(2027 - 03 - 31),
        }],
    };
    let evaluated = evaluate(
        &scan_seeing_only_one_volume(),
        &policy,
        date!(2026 - 12 - 02),
    );

    assert_eq!(evaluated.account.regions, vec!["eu-central-1".to_string()]);
    // Every verdict other than UNKNOWN is about the one volume, or the account's own declared
    // environment (which needs no API call).
    let judged: BTreeSet<(&str, &str, Status)> = evaluated
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Pass | Status::Fail))
        .map(|f| (f.check_id, f.resource_id.as_str(), f.status))
        .collect();
    let account_arn = format!("arn:aws:iam::{ACCOUNT}:root");
    for (check, resource, status) in &judged {
        assert!(
            *resource == VOLUME || *check == "account_environment_declared",
            "{check} judged {resource} {status:?} without having seen it"
        );
        if *check == "account_environment_declared" {
            assert_eq!(*resource, account_arn);
        }
    }
    assert!(judged.contains(&("ec2_volume_encrypted", VOLUME, Status::Fail)));
    assert!(judged.contains(&("ec2_volume_allowed_region", VOLUME, Status::Pass)));
    let suppressed: Vec<&str> = evaluated
        .findings
        .iter()
        .filter(|f| f.suppressed)
        .map(|f| f.check_id)
        .collect();
    assert_eq!(suppressed, vec!["ec2_volume_encrypted"]);
    // What could not be seen is reported, scoped to this account.
    assert!(!evaluated.errors.is_empty());
    assert!(evaluated
        .errors
        .iter()
        .all(|e| e.scope.account_id == ACCOUNT));
    assert!(evaluated
        .findings
        .iter()
        .any(|f| f.status == Status::Unknown && f.check_id == "iam_root_mfa_enabled"));
}

#[tokio::test]
async fn a_unit_over_its_budget_is_a_timeout_of_its_own_scope() {
    let limiter = Semaphore::new(1);
    let account = Semaphore::new(1);
    let slow = async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        ((), true)
    };
    let (result, unit) = bounded(
        Limits {
            global: &limiter,
            account: &account,
            progress: &crate::audit::Unwatched,
        },
        Duration::from_millis(20),
        ACCOUNT,
        "eu-west-1",
        ServiceKind::Rds,
        slow,
    )
    .await;
    let error = result.expect_err("over budget");
    assert_eq!(error.kind, ErrorKind::Timeout);
    assert_eq!(
        (error.scope.region.as_str(), error.scope.service),
        ("eu-west-1", "rds")
    );
    assert!(!unit.success);
    assert!(
        unit.duration < Duration::from_secs(1),
        "{:?}",
        unit.duration
    );
    // The permit is back: the next unit runs.
    let (result, unit) = bounded(
        Limits {
            global: &limiter,
            account: &account,
            progress: &crate::audit::Unwatched,
        },
        Duration::from_secs(1),
        ACCOUNT,
        "eu-west-1",
        ServiceKind::Rds,
        async { (7, false) },
    )
    .await;
    assert_eq!(result.expect("in budget"), 7);
    assert!(!unit.success, "a unit with a failed call is no success");
}

#[tokio::test]
async fn units_wait_for_a_permit_of_the_global_bound() {
    let limiter = std::sync::Arc::new(Semaphore::new(1));
    let held = limiter.clone().acquire_owned().await.expect("open");
    let waiting = tokio::spawn({
        let limiter = limiter.clone();
        async move {
            let account = Semaphore::new(1);
            bounded(
                Limits {
                    global: &limiter,
                    account: &account,
                    progress: &crate::audit::Unwatched,
                },
                Duration::from_secs(5),
                ACCOUNT,
                "eu-central-1",
                ServiceKind::Ec2,
                async { ((), true) },
            )
            .await
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished(), "ran without a permit");
    drop(held);
    let (result, unit) = waiting.await.expect("joined");
    assert!(result.is_ok() && unit.success);
}

/// An account whose units hang (throttled, backing off) holds its share of the global bound,
/// never all of it: another account's unit still runs.
#[tokio::test]
async fn a_stuck_account_leaves_global_permits_to_the_others() {
    let global = std::sync::Arc::new(Semaphore::new(2));
    let stuck_account = std::sync::Arc::new(Semaphore::new(1));
    let stuck = (0..3)
        .map(|_| {
            let (global, account) = (global.clone(), stuck_account.clone());
            tokio::spawn(async move {
                bounded(
                    Limits {
                        global: &global,
                        account: &account,
                        progress: &crate::audit::Unwatched,
                    },
                    Duration::from_secs(30),
                    ACCOUNT,
                    "eu-central-1",
                    ServiceKind::Ec2,
                    async {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        ((), true)
                    },
                )
                .await
            })
        })
        .collect::<Vec<_>>();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        global.available_permits(),
        1,
        "the stuck account holds its share only"
    );
    let other_account = Semaphore::new(1);
    let other = tokio::time::timeout(
        Duration::from_secs(5),
        bounded(
            Limits {
                global: &global,
                account: &other_account,
                progress: &crate::audit::Unwatched,
            },
            Duration::from_secs(5),
            "222222222222",
            "eu-central-1",
            ServiceKind::Ec2,
            async { ((), true) },
        ),
    )
    .await
    .expect("the other account's unit is not starved");
    assert!(other.0.is_ok() && other.1.success);
    for unit in stuck {
        unit.abort();
    }
}

#[test]
fn an_account_holds_its_fair_share_of_the_units_in_flight() {
    assert_eq!(account_share(32, 1, 4), 32, "alone, all of them");
    assert_eq!(account_share(32, 2, 4), 16);
    assert_eq!(
        account_share(32, 50, 4),
        4,
        "never less than one region's bound"
    );
    assert_eq!(
        account_share(4, 2, 8),
        4,
        "never more than the global bound"
    );
    assert_eq!(account_share(0, 0, 0), 1);
}

#[test]
fn services_aws_does_not_offer_are_no_units() {
    let regions = ["eu-central-1".to_string(), "mx-central-1".to_string()];
    let not_offered = [
        ("eu-central-1".to_string(), BTreeSet::new()),
        (
            "mx-central-1".to_string(),
            [RegionalService::Cognito, RegionalService::Eks].into(),
        ),
    ]
    .into();
    let (units, skipped) = regional_units(&regions, &not_offered);
    assert_eq!(units.len(), 2 * RegionalService::ALL.len() - 2);
    let skipped: Vec<(&str, RegionalService)> =
        skipped.iter().map(|(r, s)| (r.as_str(), *s)).collect();
    assert_eq!(
        skipped,
        [
            ("mx-central-1", RegionalService::Cognito),
            ("mx-central-1", RegionalService::Eks)
        ]
    );
    // A region whose availability is unknown is scanned whole.
    let (units, skipped) = regional_units(&regions, &BTreeMap::new());
    assert_eq!(
        (units.len(), skipped.len()),
        (2 * RegionalService::ALL.len(), 0)
    );
}

#[test]
fn a_region_where_aws_offers_nothing_is_not_applicable_and_no_error() {
    let not_offered = CollectionError {
        kind: ErrorKind::NotOffered,
        ..denied("mx-central-1", "cognito-idp")
    };
    let mut scan = scan_seeing_only_one_volume();
    let regions = scan.inventory.regions.as_mut().expect("regions");
    regions.insert(
        "mx-central-1".into(),
        RegionInventory::failed("mx-central-1", &not_offered),
    );
    let evaluated = evaluate(
        &scan,
        &Policy {
            baseline: tomwatch_checks::Baseline::builtin(),
            suppressions: vec![],
        },
        date!(2026 - 12 - 02),
    );
    let there: Vec<_> = evaluated
        .findings
        .iter()
        .filter(|f| f.region == "mx-central-1")
        .collect();
    assert!(there.iter().any(|f| f
        .message
        .contains("cognito-idp is not offered in mx-central-1")));
    for finding in there {
        assert_eq!(
            finding.status,
            Status::NotApplicable,
            "{} {}: {}",
            finding.check_id,
            finding.resource_id,
            finding.message
        );
    }
    assert!(evaluated
        .errors
        .iter()
        .all(|e| e.scope.region != "mx-central-1"));
}
