//! Which of the configured regions an account can be scanned in.
//!
//! A region list is checked against the account's partition (ec2:DescribeRegions): a name that
//! is no region (`eu-centrall-1`, `mars-north-1`) must not be "audited" as if it were empty, and
//! an opt-in region the account has not enabled cannot be scanned, so it is reported instead.

use crate::audit::RegionSelection;
use serde::Serialize;
use tomwatch_aws::{AwsSession, RegionStatus};
use tomwatch_model::Collected;

/// A configured region that is not scanned, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionNotScanned {
    pub region: String,
    pub reason: NotScannedReason,
    /// The closest real region name, for a name that is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotScannedReason {
    /// Not a region of the account's partition.
    Unknown,
    /// An opt-in region the account has not opted into.
    NotEnabled,
}

impl NotScannedReason {
    /// As serialized: `unknown` or `not_enabled`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotScannedReason::Unknown => "unknown",
            NotScannedReason::NotEnabled => "not_enabled",
        }
    }
}

impl std::fmt::Display for RegionNotScanned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.reason, &self.did_you_mean) {
            (NotScannedReason::Unknown, Some(close)) => write!(
                f,
                "`{}` is not an AWS region of this partition; did you mean {close}?",
                self.region
            ),
            (NotScannedReason::Unknown, None) => write!(
                f,
                "`{}` is not an AWS region of this partition (ec2:DescribeRegions lists them)",
                self.region
            ),
            (NotScannedReason::NotEnabled, _) => write!(
                f,
                "{} is an opt-in region this account has not enabled, so it was not scanned (enable it in the account settings, or remove it from the config)",
                self.region
            ),
        }
    }
}

/// The regions to scan in the session's account (every enabled one, or the configured list
/// checked against the partition and the account's opt-ins), and those of the list it cannot be
/// scanned in.
pub async fn account_regions(
    session: &AwsSession,
    regions: &RegionSelection,
) -> (Collected<Vec<String>>, Vec<RegionNotScanned>) {
    match regions {
        RegionSelection::AllEnabled => (session.enabled_regions().await, Vec::new()),
        RegionSelection::List(list) => match session.region_statuses().await {
            Ok(known) => {
                let (scan, not_scanned) = plan_regions(list, &known);
                (Ok(scan), not_scanned)
            }
            Err(error) => {
                // The list is still scanned: a missing ec2:DescribeRegions must not hide what
                // the other permissions can see. Wrong names then show up as collection errors.
                tracing::warn!(
                    account_id = %session.account_id(),
                    error = %error.message,
                    "could not check the configured regions with ec2:DescribeRegions; scanning them as written"
                );
                (Ok(list.clone()), Vec::new())
            }
        },
    }
}

/// The configured regions split into those to scan and those that cannot be, in config order.
pub fn plan_regions(
    configured: &[String],
    known: &[RegionStatus],
) -> (Vec<String>, Vec<RegionNotScanned>) {
    let mut scan = Vec::new();
    let mut not_scanned = Vec::new();
    for name in configured {
        match known.iter().find(|k| &k.name == name) {
            Some(status) if status.enabled => scan.push(name.clone()),
            Some(_) => not_scanned.push(RegionNotScanned {
                region: name.clone(),
                reason: NotScannedReason::NotEnabled,
                did_you_mean: None,
            }),
            None => not_scanned.push(RegionNotScanned {
                region: name.clone(),
                reason: NotScannedReason::Unknown,
                did_you_mean: closest(name, known).map(str::to_string),
            }),
        }
    }
    (scan, not_scanned)
}

/// The known region nearest to a mistyped name, if one is near enough to be what was meant.
fn closest<'a>(name: &str, known: &'a [RegionStatus]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, &k.name), k.name.as_str()))
        .filter(|(distance, _)| *distance <= 3)
        .min()
        .map(|(_, region)| region)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<RegionStatus> {
        [
            ("eu-central-1", true),
            ("eu-central-2", true),
            ("eu-west-1", true),
            ("eu-south-2", false),
        ]
        .map(|(name, enabled)| RegionStatus {
            name: name.into(),
            enabled,
        })
        .to_vec()
    }

    #[test]
    fn typos_are_unknown_with_the_closest_region_and_opt_in_regions_are_reported() {
        let configured =
            ["eu-west-1", "eu-centrall-1", "mars-north-1", "eu-south-2"].map(String::from);
        let (scan, not_scanned) = plan_regions(&configured, &known());
        assert_eq!(scan, ["eu-west-1"]);
        assert_eq!(
            not_scanned,
            [
                RegionNotScanned {
                    region: "eu-centrall-1".into(),
                    reason: NotScannedReason::Unknown,
                    did_you_mean: Some("eu-central-1".into()),
                },
                RegionNotScanned {
                    region: "mars-north-1".into(),
                    reason: NotScannedReason::Unknown,
                    did_you_mean: None,
                },
                RegionNotScanned {
                    region: "eu-south-2".into(),
                    reason: NotScannedReason::NotEnabled,
                    did_you_mean: None,
                },
            ]
        );
        assert_eq!(
            not_scanned[0].to_string(),
            "`eu-centrall-1` is not an AWS region of this partition; did you mean eu-central-1?"
        );
    }
}
