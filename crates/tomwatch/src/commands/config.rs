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
