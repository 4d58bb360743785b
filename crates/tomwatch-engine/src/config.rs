//! The YAML configuration file: which accounts to audit, how to reach them, which regions.
//!
//! Every field is documented here and in `docs/CONFIGURATION.md`, which a test keeps complete.
//! Unknown keys are errors, and every error names the file, line and column to fix.

mod baseline;
mod events;
mod recovery;
mod regions;
mod validate;

pub use baseline::{BaselineConfig, DisabledCheck, SuppressionConfig};
pub use events::{EventsConfig, SHARD_PLACEHOLDER};
pub use regions::Regions;

use crate::policy::Policy;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::fmt;
use std::path::{Path, PathBuf};
use tomwatch_checks::BaselineError;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The AWS accounts to audit. Empty (or no config file): the account of the ambient credentials.
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    /// `all` (every region enabled for the account, from ec2:DescribeRegions) or a list of region names.
    #[serde(default)]
    pub regions: Regions,
    /// How scans fan out.
    #[serde(default)]
    pub scan: ScanConfig,
    /// When `tomwatch serve` re-audits.
    #[serde(default)]
    pub schedule: ScheduleConfig,
    /// The baseline to enforce (default: the built-in TOM baseline) and its adaptations.
    #[serde(default)]
    pub baseline: BaselineConfig,
    /// Accepted FAILs, each with an owner, a reason and an expiry date.
    #[serde(default)]
    pub suppressions: Vec<SuppressionConfig>,
    /// The queue of CloudTrail change events that `tomwatch serve` rescans on (optional).
    #[serde(default)]
    pub events: Option<EventsConfig>,
    /// The baseline and suppressions resolved from the two sections above.
    #[serde(skip)]
    pub policy: std::sync::Arc<Policy>,
}

/// The re-audit schedule of `tomwatch serve`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Time between two scans of the same account, as `30s`, `15m`, `1h` (default 15m).
    #[serde(default = "default_interval")]
    pub interval: Spanned<String>,
    /// Up to this fraction of the interval is added at random to each wait (0 to 1, default 0.1).
    #[serde(default = "default_jitter")]
    pub jitter: Spanned<f64>,
}

/// A default: a value the file did not write, so it has no place in it.
fn unwritten<T>(value: T) -> Spanned<T> {
    Spanned::new(
        value,
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

fn default_interval() -> Spanned<String> {
    unwritten("15m".to_string())
}
fn default_jitter() -> Spanned<f64> {
    unwritten(0.1)
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            interval: default_interval(),
            jitter: default_jitter(),
        }
    }
}

impl ScheduleConfig {
    /// The parsed interval; `Config::load` has already rejected values that do not parse.
    pub fn interval(&self) -> std::time::Duration {
        humantime::parse_duration(&self.interval.value)
            .unwrap_or(std::time::Duration::from_secs(900))
    }
}

/// One audited account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// The 12-digit account ID. Quoted or not, it is the text as written: an unquoted
    /// `012345678901` keeps its leading zero (the parser reads the scalar's text, not a number).
    pub id: Spanned<String>,
    /// Role to reach the account with sts:AssumeRole. Without it, the ambient credentials must
    /// belong to this account.
    #[serde(default)]
    pub role_arn: Option<Spanned<String>>,
    /// ExternalId passed to AssumeRole, where the role's trust policy requires one.
    #[serde(default)]
    pub external_id: Option<Spanned<String>>,
    /// What runs in the account: `production`, `development`, `staging`, ... (TOM-ACCOUNTS).
    #[serde(default)]
    pub environment: Option<Spanned<String>>,
}

/// Fan-out and time budgets of a scan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Collection units (account x region x service) in flight at once, across all accounts; one
    /// account holds at most its share (this / accounts, at least `region_concurrency`).
    #[serde(default = "default_concurrency")]
    pub concurrency: Spanned<usize>,
    /// Collection units in flight at once within one account and region, so one region's API
    /// rate limits are not exhausted by the global bound alone.
    #[serde(default = "default_region_concurrency")]
    pub region_concurrency: Spanned<usize>,
    /// Time budget of one collection unit; a unit over budget is UNKNOWN with error_type timeout.
    #[serde(default = "default_unit_timeout")]
    pub unit_timeout_seconds: Spanned<u64>,
    /// Time budget of one API attempt (the SDK retries throttling and 5xx within the unit budget).
    #[serde(default = "default_attempt_timeout")]
    pub api_attempt_timeout_seconds: Spanned<u64>,
    /// Attempts per API call; throttling, 5xx and connection errors are retried with jittered backoff.
    #[serde(default = "default_max_attempts")]
    pub api_max_attempts: Spanned<u32>,
}

fn default_concurrency() -> Spanned<usize> {
    unwritten(32)
}
fn default_region_concurrency() -> Spanned<usize> {
    unwritten(4)
}
fn default_unit_timeout() -> Spanned<u64> {
    unwritten(180)
}
fn default_attempt_timeout() -> Spanned<u64> {
    unwritten(20)
}
fn default_max_attempts() -> Spanned<u32> {
    unwritten(5)
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            concurrency: default_concurrency(),
            region_concurrency: default_region_concurrency(),
            unit_timeout_seconds: default_unit_timeout(),
            api_attempt_timeout_seconds: default_attempt_timeout(),
            api_max_attempts: default_max_attempts(),
        }
    }
}

/// A configuration problem, located where the user has to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based; `None` for problems with the file as a whole (unreadable, empty account list).
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.file.display(),
                self.message
            ),
            _ => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn at(file: &Path, location: &serde_saphyr::Location, message: String) -> Self {
        ConfigError::located(file, BaselineError::at(location, message))
    }

    /// A problem located within `file` (YAML syntax, or a baseline's own check).
    fn located(file: &Path, error: BaselineError) -> Self {
        ConfigError {
            file: file.into(),
            line: error.line,
            column: error.column,
            message: error.message,
        }
    }
}

impl Config {
    /// Reads, parses and validates a config file. Returns every problem found, not only the first.
    pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![ConfigError {
                file: path.into(),
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
            }]
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<ConfigError>> {
        // An empty file or one of only comments is a valid, empty configuration.
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Config::default().resolved(path);
        }
        match serde_saphyr::from_str::<Config>(text) {
            Ok(config) => config.resolved(path),
            Err(error) => Err(problems_of_unparsed(path, text, &error)),
        }
    }

    /// The config with its policy resolved, or every problem its values have.
    fn resolved(mut self, path: &Path) -> Result<Config, Vec<ConfigError>> {
        let mut problems = self.problems(path);
        match baseline::resolve(path, &self.baseline, &self.suppressions) {
            Ok(policy) => self.policy = std::sync::Arc::new(policy),
            Err(errors) => problems.extend(errors),
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

fn syntax_error(path: &Path, error: &serde_saphyr::Error, text: &str) -> ConfigError {
    ConfigError::located(path, tomwatch_yaml::syntax_error(error, text).into())
}

/// Every problem of a document that did not deserialize: the error that stopped serde, and
/// those of the pieces that parse on their own (see `recovery`), in the order of the file.
/// After a syntax error nothing else can be trusted, so that error comes alone.
fn problems_of_unparsed(path: &Path, text: &str, error: &serde_saphyr::Error) -> Vec<ConfigError> {
    let mut problems = vec![syntax_error(path, error, text)];
    if !recovery::is_value_error(error) {
        return problems;
    }
    for piece in recovery::pieces(text) {
        match serde_saphyr::from_str::<Config>(&piece) {
            Ok(part) => problems.extend(part.resolved(path).err().unwrap_or_default()),
            Err(e) if recovery::is_value_error(&e) => problems.push(syntax_error(path, &e, &piece)),
            Err(_) => {}
        }
    }
    // Located problems in file order; whole-file ones (line None) after them.
    problems.sort_by(|a, b| {
        (a.line.is_none(), a.line, a.column, &a.message).cmp(&(
            b.line.is_none(),
            b.line,
            b.column,
            &b.message,
        ))
    });
    problems.dedup();
    problems
}

pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// An SQS queue name as SQS allows it: 1 to 80 letters, digits, `-` and `_` (`.fifo` ending).
pub fn is_queue_name(name: &str) -> bool {
    (1..=80).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
mod tests;
