use crate::cli::{AuditArgs, Format};
use crate::commands::config::load;
use crate::commands::setup::{check_endpoint_overrides, connect, region_selection, runtime, usage};
use crate::exit;
use crate::render;
use tomwatch_engine::config::Config;
use tomwatch_engine::{run_audit, Outcome, RegionSelection};
use tomwatch_model::ApiStats;

pub fn run(args: AuditArgs) -> u8 {
    prepare(&args).map_or_else(
        |code| code,
        |(config, regions, runtime)| {
            runtime.block_on(audit(args.format, args.all, &config, regions))
        },
    )
}

fn prepare(args: &AuditArgs) -> Result<(Config, RegionSelection, tokio::runtime::Runtime), u8> {
    let config = match &args.config {
        Some(path) => load(path).ok_or(exit::USAGE)?,
        None => Config::default(),
    };
    usage(check_endpoint_overrides(std::env::vars()))?;
    let regions = usage(region_selection(&args.regions, &config))?;
    Ok((config, regions, runtime()?))
}

async fn audit(format: Format, show_all: bool, config: &Config, regions: RegionSelection) -> u8 {
    let setup = match connect(config, &regions, ApiStats::default()).await {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let report = run_audit(
        &setup.connector,
        &setup.accounts,
        &regions,
        &setup.options,
        &config.policy,
    )
    .await;
    match format {
        Format::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
            );
            // The table lists these itself; a pipeline reading JSON sees them in its log.
            for unused in report.suppressions.iter().filter(|s| s.is_unused()) {
                eprintln!(
                    "warning: the suppression of {} on {} (owner {}) matched no FAIL in this audit: remove it, or fix its patterns",
                    unused.check, unused.resource, unused.owner
                );
            }
        }
        Format::Table => print!("{}", render::table::report(&report, show_all)),
    }
    match report.outcome() {
        Outcome::Compliant => exit::COMPLIANT,
        Outcome::Failing => exit::FAILING,
        Outcome::Incomplete => exit::INCOMPLETE,
    }
}
