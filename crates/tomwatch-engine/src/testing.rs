//! Hand-built findings and snapshots for the engine's unit tests.

use crate::report::AccountReport;
use crate::report::EvaluatedAccount;
use crate::state::AccountSnapshot;
use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};
use tomwatch_model::{Finding, Severity, Status};

/// A published scan of `account` with these findings and nothing else.
pub fn snapshot(account: &str, findings: Vec<Finding>) -> AccountSnapshot {
    AccountSnapshot {
        evaluated: EvaluatedAccount {
            account: AccountReport {
                account_id: account.into(),
                environment: None,
                regions: vec![],
                regions_not_scanned: vec![],
            },
            findings,
            errors: vec![],
            units: vec![],
        },
        first_seen: BTreeMap::new(),
        unverified: vec![],
        started_at: UNIX_EPOCH,
        finished_at: UNIX_EPOCH,
        duration: Duration::ZERO,
        last_reached_aws: None,
    }
}

/// A TOM-NET finding of `check` on `resource` in eu-central-1 of account 111111111111.
pub fn finding(check: &'static str, resource: &str, status: Status) -> Finding {
    Finding {
        check_id: check,
        control: "TOM-NET".into(),
        status,
        severity: Severity::High,
        account_id: "111111111111".into(),
        region: "eu-central-1".into(),
        resource_type: "AWS::EC2::SecurityGroup",
        resource_id: resource.into(),
        message: String::new(),
        suppressed: false,
        suppression: None,
    }
}
