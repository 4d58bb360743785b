//! Failures that stay open while a scan cannot verify them, with the labels they are known by.

use crate::drift::Reconciled;
use crate::state::{AccountSnapshot, UnverifiedFailure};
use std::collections::BTreeMap;

/// The open failures this scan could not verify, each with the labels it is known by: those of
/// the current finding of the same resource (an UNKNOWN) where there is one, else those of the
/// failure as the previous snapshot showed it. One known by neither (the account's list was
/// unreadable right after a restart) cannot be labelled, and waits for the next scan.
pub(super) fn unverified_failures(
    reconciled: &Reconciled,
    current: &[tomwatch_model::Finding],
    previous: Option<&AccountSnapshot>,
) -> Vec<UnverifiedFailure> {
    let key = |f: &tomwatch_model::Finding| (f.check_id.to_string(), f.resource_id.clone());
    let mut known: BTreeMap<(String, String), &tomwatch_model::Finding> = BTreeMap::new();
    if let Some(previous) = previous {
        for finding in previous
            .evaluated
            .findings
            .iter()
            .filter(|f| f.is_actionable_failure())
            .chain(previous.unverified.iter().map(|u| &u.finding))
        {
            known.insert(key(finding), finding);
        }
    }
    for finding in current {
        known.insert(key(finding), finding);
    }
    reconciled
        .unverified
        .iter()
        .filter_map(|(ids, first_seen)| {
            let finding = known.get(ids)?;
            Some(UnverifiedFailure {
                finding: (*finding).clone(),
                first_seen: *first_seen,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finding, snapshot};
    use tomwatch_model::Status;

    const CHECK: &str = "ec2_security_group_world_ingress_web_only";

    #[test]
    fn unverified_failures_keep_the_labels_they_are_known_by() {
        let ids = |resource: &str| (CHECK.to_string(), resource.to_string());
        let reconciled = Reconciled {
            unverified: [(ids("sg-1"), 10), (ids("sg-2"), 20), (ids("sg-3"), 30)].into(),
            ..Reconciled::default()
        };
        let mut confirmed = finding(CHECK, "sg-2", Status::Fail);
        confirmed.region = "eu-west-1".into();
        let previous = snapshot(
            "111111111111",
            vec![confirmed, finding(CHECK, "sg-9", Status::Fail)],
        );
        let current = [
            finding(CHECK, "sg-1", Status::Unknown),
            finding(
                CHECK,
                "arn:aws:ec2:eu-west-1:111111111111:security-group/*",
                Status::Unknown,
            ),
        ];
        let carried = unverified_failures(&reconciled, &current, Some(&previous));
        let seen: Vec<(&str, &str, i64)> = carried
            .iter()
            .map(|u| {
                (
                    u.finding.resource_id.as_str(),
                    u.finding.region.as_str(),
                    u.first_seen,
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![("sg-1", "eu-central-1", 10), ("sg-2", "eu-west-1", 20)],
            "sg-1 from its UNKNOWN finding, sg-2 from the last FAIL; sg-3 is known by neither"
        );
        // Carried on through a second blind scan, from the previous snapshot's unverified list.
        let mut second = snapshot("111111111111", vec![]);
        second.unverified = carried;
        let again = unverified_failures(&reconciled, &[], Some(&second));
        assert_eq!(again.len(), 2);
    }
}
