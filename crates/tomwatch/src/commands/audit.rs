use crate::cli::{AuditArgs, Format};
use crate::commands::config::load;
use crate::commands::setup::{check_endpoint_overrides, connect, region_selection};
use crate::exit;
use crate::render;
use tomwatch_checks::Parameters;
use tomwatch_engine::config::Config;
use tomwatch_engine::{run_audit, Outcome, RegionSelection};
use tomwatch_model::ApiStats;

pub fn run(args: AuditArgs) -> u8 {
    let config = match &args.config {
        Some(path) => match load(path) {
            Some(config) => config,
            None => return exit::USAGE,
        },
        None => Config::default(),
    };
    if let Err(message) = check_endpoint_overrides(std::env::vars()) {
        eprintln!("error: {message}");
        return exit::USAGE;
    }
    let regions = match region_selection(&args.regions, &config) {
        Ok(regions) => regions,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::USAGE;
        }
    };
    runtime.block_on(audit(args.format, args.problems_only, &config, regions))
}

async fn audit(
    format: Format,
    problems_only: bool,
    config: &Config,
    regions: RegionSelection,
) -> u8 {
    let setup = match connect(config, ApiStats::default()).await {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let report = run_audit(
        &setup.connector,
        &setup.accounts,
        &regions,
        &setup.options,
        &Parameters::default(),
    )
    .await;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ),
        Format::Table => print!("{}", render::table::report(&report, problems_only)),
    }
    match report.outcome() {
        Outcome::Compliant => exit::COMPLIANT,
        Outcome::Failing => exit::FAILING,
        Outcome::Incomplete => exit::INCOMPLETE,
    }
}
