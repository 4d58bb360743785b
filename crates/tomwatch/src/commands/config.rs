use crate::cli::ValidateArgs;
use crate::exit;
use std::path::Path;
use tomwatch_engine::config::Config;

pub fn validate(args: ValidateArgs) -> u8 {
    match load(&args.config) {
        Some(config) => {
            let baseline = &config.policy.baseline;
            println!(
                "{}: ok ({} accounts; baseline {}: {} checks, {} disabled; {} suppressions)",
                args.config.display(),
                config.accounts.len(),
                baseline.name,
                baseline.rules.len(),
                baseline
                    .rules
                    .iter()
                    .filter(|r| r.disabled.is_some())
                    .count(),
                config.policy.suppressions.len(),
            );
            for warning in expired_suppressions(&config, time::OffsetDateTime::now_utc().date()) {
                eprintln!("warning: {warning}");
            }
            exit::COMPLIANT
        }
        None => exit::USAGE,
    }
}

/// Loads a config, printing every problem to stderr; `None` when there was any.
pub fn load(path: &Path) -> Option<Config> {
    match Config::load(path) {
        Ok(config) => Some(config),
        Err(problems) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            None
        }
    }
}

/// Suppressions whose end has passed: still valid config, but they hide nothing any more.
fn expired_suppressions(config: &Config, today: time::Date) -> Vec<String> {
    config
        .policy
        .suppressions
        .iter()
        .filter(|s| s.is_expired(today))
        .map(|s| {
            let days = (today - s.expires).whole_days();
            format!(
                "the suppression of {} on {} (owner {}) expired on {} ({days} day{} ago) and hides nothing any more: renew it with a new `expires` or remove it",
                s.check.text,
                s.resource.text,
                s.owner,
                s.expires,
                if days == 1 { "" } else { "s" }
            )
        })
        .collect()
}
