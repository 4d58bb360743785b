//! The `events:` section: the SQS queue of CloudTrail change events that `tomwatch serve`
//! long-polls to rescan within seconds of a change (issue 13). Optional: without it, only the
//! schedule rescans.

use super::{is_account_id, is_queue_name, is_region_name, unwritten, ConfigError};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::Path;
use std::time::Duration;
use tomwatch_aws::queue_region;

/// Where change events arrive, and how long a burst of them is gathered into one rescan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsConfig {
    /// The queue's URL, `https://sqs.<region>.amazonaws.com/<account>/<name>`, as the
    /// CloudFormation template in `deploy/events/` outputs it. Read with the ambient credentials.
    /// With `--shard`, each replica reads a queue of its own: `{shard}` in the name stands for
    /// the replica's shard index (`.../tomwatch-events-{shard}`).
    pub queue_url: Spanned<String>,
    /// The queue's region, for a URL that names none (an emulator's `http://host:port/...`).
    #[serde(default)]
    pub region: Option<Spanned<String>>,
    /// How long to gather the events of one account after the first before rescanning, as
    /// `500ms`, `2s` (0 to 1m, default 500ms): a burst of calls costs one rescan, and a resource
    /// created a moment ago is described once its tags have followed.
    #[serde(default = "default_debounce")]
    pub debounce: Spanned<String>,
}

fn default_debounce() -> Spanned<String> {
    unwritten("500ms".to_string())
}

/// The longest gathering that still deserves the name "within seconds".
const MAX_DEBOUNCE: Duration = Duration::from_secs(60);

/// Stands for the replica's shard index in `events.queue_url`.
pub const SHARD_PLACEHOLDER: &str = "{shard}";

impl EventsConfig {
    /// The URL of the queue that the replica with shard index `index` reads.
    pub fn queue_url_of_shard(&self, index: u32) -> String {
        self.queue_url
            .value
            .replace(SHARD_PLACEHOLDER, &index.to_string())
    }

    /// Each replica reads a queue of its own (the URL names `{shard}`).
    pub fn has_queue_per_shard(&self) -> bool {
        self.queue_url.value.contains(SHARD_PLACEHOLDER)
    }

    /// The region the queue is read in: the URL's own, else `region`.
    pub fn queue_region(&self) -> Option<String> {
        queue_region(&self.queue_url.value)
            .map(str::to_string)
            .or_else(|| self.region.as_ref().map(|r| r.value.clone()))
    }

    /// The parsed debounce; `Config::load` has already rejected values that do not parse.
    pub fn debounce(&self) -> Duration {
        humantime::parse_duration(&self.debounce.value).unwrap_or(Duration::from_millis(500))
    }

    pub(super) fn problems(&self, path: &Path) -> Vec<ConfigError> {
        let mut problems = Vec::new();
        let mut at = |span: &serde_saphyr::Location, message: String| {
            problems.push(ConfigError::at(path, span, message))
        };
        let url = &self.queue_url;
        // Checked as shard 0's: the placeholder stands in the name, where `0` is legal.
        let url_problem = queue_url_problem(&self.queue_url_of_shard(0));
        if let Some(problem) = url_problem {
            at(
                &url.referenced,
                format!("events.queue_url `{}` {problem}", url.value),
            );
        }
        let named = queue_region(&url.value);
        match (&self.region, named) {
            (Some(region), _) if !is_region_name(&region.value) => at(
                &region.referenced,
                format!(
                    "events.region `{}` is not an AWS region name (like eu-central-1)",
                    region.value
                ),
            ),
            (Some(region), Some(named)) if region.value != named => at(
                &region.referenced,
                format!(
                    "events.region `{}` differs from the region of the queue URL, {named}: \
                     remove events.region (the URL says where the queue is)",
                    region.value
                ),
            ),
            (None, None) if url_problem.is_none() => at(
                &url.referenced,
                "the queue URL names no region (it is not https://sqs.<region>.amazonaws.com/...): \
                 add events.region"
                    .into(),
            ),
            _ => {}
        }
        let debounce = &self.debounce;
        match humantime::parse_duration(&debounce.value) {
            Ok(d) if d > MAX_DEBOUNCE => at(
                &debounce.referenced,
                format!(
                    "events.debounce `{}` is longer than 1m: changes would wait longer than a \
                     short schedule.interval would",
                    debounce.value
                ),
            ),
            Ok(_) => {}
            Err(e) => at(
                &debounce.referenced,
                format!(
                    "events.debounce `{}` is not a duration like 500ms or 2s: {e}",
                    debounce.value
                ),
            ),
        }
        problems
    }
}

/// What is wrong with a queue URL: SQS's are `http(s)://<host>/<12-digit account>/<name>`.
fn queue_url_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Some("is not a URL (https://sqs.<region>.amazonaws.com/<account>/<queue name>)");
    };
    let mut parts = rest.split('/');
    let (host, account, name) = (parts.next(), parts.next(), parts.next());
    if host.is_none_or(str::is_empty)
        || !account.is_some_and(is_account_id)
        || !name.is_some_and(is_queue_name)
        || parts.next().is_some()
    {
        return Some(
            "is not a queue URL: it must end in /<12-digit account>/<queue name>, as \
             `aws sqs get-queue-url` prints it",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_are_checked_for_the_shape_sqs_gives_them() {
        for good in [
            "https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events",
            "http://127.0.0.1:4566/000000000000/events.fifo",
        ] {
            assert_eq!(queue_url_problem(good), None, "{good}");
        }
        for bad in [
            "sqs.eu-central-1.amazonaws.com/111111111111/q",
            "https://sqs.eu-central-1.amazonaws.com/q",
            "https://sqs.eu-central-1.amazonaws.com/11111111111/q",
            "https://sqs.eu-central-1.amazonaws.com/111111111111/",
            "https://sqs.eu-central-1.amazonaws.com/111111111111/q/extra",
            "https:///111111111111/q",
            "https://sqs.eu-central-1.amazonaws.com/111111111111/has space",
        ] {
            assert!(queue_url_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_queue_per_shard_is_named_by_the_shard_index_and_checked_as_shard_0s() {
        let events = EventsConfig {
            queue_url: unwritten(
                "https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events-{shard}"
                    .into(),
            ),
            region: None,
            debounce: default_debounce(),
        };
        assert!(events.has_queue_per_shard());
        assert_eq!(
            events.queue_url_of_shard(3),
            "https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events-3"
        );
        assert!(events.problems(Path::new("t.yaml")).is_empty());
        assert!(
            queue_url_problem(&events.queue_url.value).is_some(),
            "braces are no queue name"
        );
    }
}
