//! The rules a parsed config must meet, each reported where the file breaks it.

use super::{is_account_id, is_region_name, Config, ConfigError, Regions};
use std::path::Path;
use std::time::Duration;

impl Config {
    pub(super) fn problems(&self, path: &Path) -> Vec<ConfigError> {
        let mut problems = Vec::new();
        let mut at = |span: &serde_saphyr::Location, message: String| {
            problems.push(ConfigError::at(path, span, message))
        };
        let mut seen = std::collections::HashSet::new();
        for account in &self.accounts {
            let id = &account.id.value;
            if !is_account_id(id) {
                at(
                    &account.id.referenced,
                    format!("account id `{id}` is not 12 digits (quote it: \"012345678901\")"),
                );
            } else if !seen.insert(id.clone()) {
                at(
                    &account.id.referenced,
                    format!("account {id} is listed twice"),
                );
            }
            if let Some(role) = &account.role_arn {
                match role_account(&role.value) {
                    None => at(
                        &role.referenced,
                        format!("role_arn `{}` is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)", role.value),
                    ),
                    Some(owner) if owner != id => at(
                        &role.referenced,
                        format!("role_arn belongs to account {owner}, but this entry's id is {id}"),
                    ),
                    Some(_) => {}
                }
            }
            if let Some(environment) = &account.environment {
                if environment.value.trim().is_empty() {
                    at(
                        &environment.referenced,
                        format!("account {id}: environment must not be empty"),
                    );
                }
            }
            if let Some(external_id) = &account.external_id {
                if let Some(problem) = external_id_problem(&external_id.value) {
                    at(
                        &external_id.referenced,
                        format!("account {id}: external_id {problem}"),
                    );
                }
            }
        }
        if let Regions::List(list) = &self.regions {
            for region in list {
                if !is_region_name(&region.value) {
                    at(
                        &region.referenced,
                        format!(
                            "`{}` is not an AWS region name (like eu-central-1)",
                            region.value
                        ),
                    );
                }
            }
        }
        let interval = &self.schedule.interval;
        match humantime::parse_duration(&interval.value) {
            Ok(d) if d < Duration::from_secs(1) => at(
                &interval.referenced,
                "schedule.interval must be at least 1s".into(),
            ),
            Ok(d) if d > MAX_INTERVAL => at(
                &interval.referenced,
                format!(
                    "schedule.interval `{}` is longer than 30 days: an audit that old is no \
                     evidence of the present (run `tomwatch audit` on a schedule instead)",
                    interval.value
                ),
            ),
            Ok(_) => {}
            Err(e) => at(
                &interval.referenced,
                format!(
                    "schedule.interval `{}` is not a duration like 30s, 15m or 1h: {e}",
                    interval.value
                ),
            ),
        }
        let scan = &self.scan;
        let bounds: [(&serde_saphyr::Location, u64, &str, u64, &str); 5] = [
            (
                &scan.concurrency.referenced,
                scan.concurrency.value as u64,
                "scan.concurrency",
                MAX_CONCURRENCY,
                "collection units in flight at once",
            ),
            (
                &scan.region_concurrency.referenced,
                scan.region_concurrency.value as u64,
                "scan.region_concurrency",
                MAX_CONCURRENCY,
                "collection units in flight at once in one region",
            ),
            (
                &scan.unit_timeout_seconds.referenced,
                scan.unit_timeout_seconds.value,
                "scan.unit_timeout_seconds",
                MAX_TIMEOUT_SECONDS,
                "seconds (one day)",
            ),
            (
                &scan.api_attempt_timeout_seconds.referenced,
                scan.api_attempt_timeout_seconds.value,
                "scan.api_attempt_timeout_seconds",
                MAX_TIMEOUT_SECONDS,
                "seconds (one day)",
            ),
            (
                &scan.api_max_attempts.referenced,
                u64::from(scan.api_max_attempts.value),
                "scan.api_max_attempts",
                MAX_ATTEMPTS,
                "attempts per call",
            ),
        ];
        for (location, value, name, max, unit) in bounds {
            if value == 0 {
                at(location, format!("{name} must be at least 1"));
            } else if value > max {
                at(
                    location,
                    format!("{name} must be at most {max} {unit}, not {value}"),
                );
            }
        }
        let jitter = &self.schedule.jitter;
        if !(0.0..=1.0).contains(&jitter.value) {
            at(
                &jitter.referenced,
                format!(
                    "schedule.jitter must be between 0 and 1 (a fraction of the interval), not {}",
                    jitter.value
                ),
            );
        }
        if let Some(events) = &self.events {
            problems.extend(events.problems(path));
        }
        // In the order of the file, as an editor would walk them.
        problems.sort_by_key(|p| (p.line.is_none(), p.line, p.column));
        problems
    }
}

/// Beyond these the daemon would not work as asked (a tokio semaphore has a ceiling, an
/// `Instant` plus a century overflows) and no real estate needs more.
const MAX_CONCURRENCY: u64 = 1024;
const MAX_TIMEOUT_SECONDS: u64 = 86_400;
const MAX_ATTEMPTS: u64 = 20;
const MAX_INTERVAL: Duration = Duration::from_secs(30 * 86_400);

/// What is wrong with an ExternalId, by the rule STS applies: 2 to 1224 characters of
/// letters, digits and `+=,.@:/-_`.
fn external_id_problem(value: &str) -> Option<String> {
    let length = value.chars().count();
    if !(2..=1224).contains(&length) {
        return Some(format!(
            "must be 2 to 1224 characters long (STS rejects it otherwise), not {length}"
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c);
    value.chars().find(|c| !allowed(*c)).map(|c| {
        format!("contains {c:?}, which STS rejects: use letters, digits and + = , . @ : / - _ only")
    })
}

/// `arn:<partition>:iam::<account>:role/<path/name>` → the account.
pub(super) fn role_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_word, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (arn_word == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && is_account_id(account)
        && resource.starts_with("role/")
        && resource.len() > 5)
        .then_some(account)
}
