//! What findings are judged by: the resolved baseline and the suppressions of accepted risks.

use globset::{Glob, GlobMatcher};
use time::Date;
use tomwatch_checks::Baseline;
use tomwatch_model::{Finding, Status, SuppressionNote};

/// The baseline plus the suppressions of one configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    pub baseline: Baseline,
    pub suppressions: Vec<Suppression>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            baseline: Baseline::builtin(),
            suppressions: Vec::new(),
        }
    }
}

/// An accepted FAIL: which checks on which resources, why, who owns the decision, and until when.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub check: Pattern,
    /// Matched against the finding's resource ARN.
    pub resource: Pattern,
    pub reason: String,
    pub owner: String,
    /// The last day (UTC) the suppression applies; from the day after, it is expired.
    pub expires: Date,
}

/// A glob as written in the config, with its compiled matcher.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    pub fn new(text: &str) -> Result<Pattern, String> {
        // `*` crosses `/` and `:` on purpose: ARNs are not paths.
        let glob = Glob::new(text).map_err(|e| format!("`{text}` is not a valid pattern: {e}"))?;
        Ok(Pattern {
            text: text.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    pub fn matches(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }
}

impl Suppression {
    pub fn is_expired(&self, today: Date) -> bool {
        today > self.expires
    }

    fn covers(&self, finding: &Finding) -> bool {
        self.check.matches(finding.check_id) && self.resource.matches(&finding.resource_id)
    }

    fn note(&self, today: Date) -> SuppressionNote {
        SuppressionNote {
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires: self.expires.to_string(),
            expired: self.is_expired(today),
        }
    }
}

impl Policy {
    /// Marks the FAILs that suppressions cover. An unexpired suppression wins over an expired
    /// one; an expired one is still attached so the report says which acceptance ran out.
    pub fn apply_suppressions(&self, findings: &mut [Finding], today: Date) {
        for finding in findings.iter_mut().filter(|f| f.status == Status::Fail) {
            let mut matching = self.suppressions.iter().filter(|s| s.covers(finding));
            let first = matching.next();
            let chosen = match first {
                Some(s) if s.is_expired(today) => matching.find(|s| !s.is_expired(today)).or(first),
                other => other,
            };
            if let Some(suppression) = chosen {
                let note = suppression.note(today);
                finding.suppressed = !note.expired;
                finding.suppression = Some(Box::new(note));
            }
        }
    }

    /// How each suppression stands on `today`, for reports and metrics.
    pub fn suppression_states<'a>(
        &'a self,
        findings: &'a [Finding],
        today: Date,
    ) -> impl Iterator<Item = SuppressionState<'a>> + 'a {
        self.suppressions.iter().map(move |s| SuppressionState {
            suppression: s,
            expired: s.is_expired(today),
            matched: findings
                .iter()
                .filter(|f| f.status == Status::Fail && s.covers(f))
                .count(),
        })
    }
}

/// A suppression on a given day, with the FAILs it matches.
#[derive(Debug, Clone)]
pub struct SuppressionState<'a> {
    pub suppression: &'a Suppression,
    pub expired: bool,
    pub matched: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::finding;
    use time::macros::date;

    fn suppression(check: &str, resource: &str, expires: Date) -> Suppression {
        Suppression {
            check: Pattern::new(check).expect("valid"),
            resource: Pattern::new(resource).expect("valid"),
            reason: format!("accepted until {expires}"),
            owner: "platform".into(),
            expires,
        }
    }

    #[test]
    fn a_suppression_covers_matching_fails_until_its_last_day() {
        let policy = Policy {
            baseline: Baseline::builtin(),
            suppressions: vec![suppression(
                "ec2_*",
                "arn:aws:ec2:eu-central-1:111111111111:security-group/sg-legacy*",
                date!(2026 - 12 - 31),
            )],
        };
        let mut findings = vec![
            finding(
                "ec2_security_group_world_ingress_web_only",
                "arn:aws:ec2:eu-central-1:111111111111:security-group/sg-legacy1",
                Status::Fail,
            ),
            finding(
                "ec2_security_group_world_ingress_web_only",
                "arn:aws:ec2:eu-central-1:111111111111:security-group/sg-other",
                Status::Fail,
            ),
            finding(
                "ec2_security_group_world_ingress_web_only",
                "arn:aws:ec2:eu-central-1:111111111111:security-group/sg-legacy2",
                Status::Pass,
            ),
            finding(
                "rds_instance_not_public",
                "arn:aws:ec2:eu-central-1:111111111111:security-group/sg-legacy3",
                Status::Fail,
            ),
        ];
        let mut on_last_day = findings.clone();
        policy.apply_suppressions(&mut on_last_day, date!(2026 - 12 - 31));
        let suppressed: Vec<bool> = on_last_day.iter().map(|f| f.suppressed).collect();
        assert_eq!(suppressed, vec![true, false, false, false]);
        assert_eq!(
            on_last_day[0].status,
            Status::Fail,
            "a suppressed FAIL stays a FAIL"
        );
        assert!(!on_last_day[0].is_actionable_failure());
        assert!(
            on_last_day[2].suppression.is_none(),
            "only FAILs are suppressed"
        );

        policy.apply_suppressions(&mut findings, date!(2027 - 01 - 01));
        assert!(!findings[0].suppressed);
        assert!(findings[0].is_actionable_failure());
        let note = findings[0].suppression.as_ref().expect("expired note kept");
        assert!(note.expired);
        assert_eq!(note.expires, "2026-12-31");
        let states: Vec<(bool, usize)> = policy
            .suppression_states(&findings, date!(2027 - 01 - 01))
            .map(|s| (s.expired, s.matched))
            .collect();
        assert_eq!(states, vec![(true, 1)]);
    }

    #[test]
    fn an_unexpired_suppression_wins_over_an_expired_one() {
        let policy = Policy {
            baseline: Baseline::builtin(),
            suppressions: vec![
                suppression("*", "*", date!(2026 - 01 - 01)),
                suppression(
                    "ec2_security_group_world_ingress_web_only",
                    "*",
                    date!(2027 - 06 - 30),
                ),
            ],
        };
        let mut findings = vec![finding(
            "ec2_security_group_world_ingress_web_only",
            "arn:aws:ec2:eu-central-1:111111111111:security-group/sg-1",
            Status::Fail,
        )];
        policy.apply_suppressions(&mut findings, date!(2026 - 11 - 29));
        assert!(findings[0].suppressed);
        assert_eq!(
            findings[0].suppression.as_ref().map(|n| n.expires.as_str()),
            Some("2027-06-30")
        );
    }
}
