mod outputs;
mod progress;

use crate::cli::{AuditArgs, Export};
use crate::commands::config::load;
use crate::commands::setup::{
    check_endpoint_overrides, connect, region_selection, shard_problem, single_thread_runtime,
    usage,
};
use crate::exit;
use crate::render;
use outputs::{Destination, Output, ReportFormat};
use std::io::Write;
use tomwatch_engine::config::Config;
use tomwatch_engine::{run_watched_audit, AuditReport, Outcome, RegionSelection};
use tomwatch_model::ApiStats;
use tomwatch_report::document::ConfigRecord;
use tomwatch_report::integrity::sha256_hex;
use tomwatch_report::ReportSigner;

/// Everything decided before the audit starts: a mistake in any of it costs no audit.
struct Plan {
    config: Config,
    config_record: ConfigRecord,
    regions: RegionSelection,
    outputs: Vec<Output>,
    signer: Option<ReportSigner>,
}

pub fn run(args: AuditArgs) -> u8 {
    let (plan, runtime) = match prepare(&args).and_then(|plan| Ok((plan, single_thread_runtime()?)))
    {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    runtime.block_on(audit(&args, plan))
}

fn prepare(args: &AuditArgs) -> Result<Plan, u8> {
    let outputs = usage(outputs::plan(&args.format, &args.output))?;
    let signer = match &args.sign {
        None => None,
        Some(path) => {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the signing key {}: {e}", path.display()));
            Some(usage(pem.and_then(|pem| {
                ReportSigner::from_pem(&pem)
                    .map_err(|e| format!("the signing key {}: {e}", path.display()))
            }))?)
        }
    };
    let (config, config_bytes) = match &args.config {
        Some(path) => {
            let config = load(path).ok_or(exit::USAGE)?;
            // Read again for the digest: what the report records is the file as it was used.
            let bytes = usage(
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display())),
            )?;
            (config, bytes)
        }
        None => (Config::default(), Vec::new()),
    };
    let mut digested = config_bytes;
    if !args.regions.is_empty() {
        digested.extend(format!("\n--region={}", args.regions.join(",")).into_bytes());
    }
    if let Some(shard) = args.shard.filter(|shard| shard.is_split()) {
        // A shard's report covers part of the config's accounts: its digest says which part.
        digested.extend(format!("\n--shard={shard}").into_bytes());
    }
    let config_record = ConfigRecord {
        source: args
            .config
            .as_ref()
            .map_or_else(|| "(defaults)".to_string(), |p| p.display().to_string()),
        sha256: sha256_hex(&digested),
    };
    usage(check_endpoint_overrides(std::env::vars()))?;
    usage(shard_problem(&config, args.shard.unwrap_or_default()).map_or(Ok(()), Err))?;
    let regions = usage(region_selection(&args.regions, &config))?;
    Ok(Plan {
        config,
        config_record,
        regions,
        outputs,
        signer,
    })
}

async fn audit(args: &AuditArgs, plan: Plan) -> u8 {
    let shard = args.shard.unwrap_or_default();
    let stats = ApiStats::default();
    let setup = match connect(&plan.config, &plan.regions, shard, stats.clone()).await {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    if shard.is_split() {
        // On stderr: stdout may be a report that a pipeline reads.
        eprintln!(
            "shard {shard}: auditing {} of the config's {} accounts",
            setup.accounts.len(),
            plan.config.accounts.len()
        );
    }
    let progress = progress::Progress::new(args.quiet);
    let mut report = run_watched_audit(
        &setup.connector,
        &setup.accounts,
        &plan.regions,
        &setup.options,
        &plan.config.policy,
        &progress,
    )
    .await;
    progress.finish();
    report.config = Some(plan.config_record.clone());
    if !plan.outputs.iter().any(|o| o.format == ReportFormat::Table) {
        warn_unused_suppressions(&report);
    }
    let mut code = match report.outcome() {
        Outcome::Compliant => exit::COMPLIANT,
        Outcome::Failing => exit::FAILING,
        Outcome::Incomplete => exit::INCOMPLETE,
    };
    // The table is made from the report, the files from the document the report turns into.
    let table = (plan.outputs.iter())
        .any(|o| o.format == ReportFormat::Table)
        .then(|| render::table::report(&report, args.all));
    let document = report.into_document();
    for output in &plan.outputs {
        let written = write(&output.destination, |out| match output.format {
            ReportFormat::Table => out.write_all(table.as_deref().unwrap_or_default().as_bytes()),
            ReportFormat::File(format) => {
                tomwatch_report::render_to(out, &document, format, plan.signer.as_ref())
            }
        });
        if let Err(message) = written {
            eprintln!("error: {message}");
            code = exit::USAGE;
        }
    }
    if let Some(path) = &args.api_calls {
        let written = std::fs::write(path, api_calls_json(&stats).to_string())
            .map_err(|e| format!("cannot write --api-calls {}: {e}", path.display()));
        if let Err(message) = written {
            eprintln!("error: {message}");
            code = exit::USAGE;
        }
    }
    if args.export.contains(&Export::Securityhub) {
        if let Err(message) = crate::commands::securityhub::export(&setup, &document).await {
            eprintln!("error: {message}");
            code = exit::USAGE;
        }
    }
    code
}

/// `{service: {operation: {requests, retries, errors: {error_type: n}}}}`.
fn api_calls_json(stats: &ApiStats) -> serde_json::Value {
    let mut services = serde_json::Map::new();
    for ((service, operation), counts) in stats.snapshot() {
        let errors: serde_json::Map<String, serde_json::Value> = counts
            .errors
            .iter()
            .map(|(kind, n)| (kind.to_string(), (*n).into()))
            .collect();
        let entry = services
            .entry(service.to_string())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let serde_json::Value::Object(operations) = entry {
            operations.insert(
                operation,
                serde_json::json!({
                    "requests": counts.requests,
                    "retries": counts.retries,
                    "errors": errors,
                }),
            );
        }
    }
    serde_json::Value::Object(services)
}

/// Writes a report into `destination` as `report` makes it, buffered.
fn write(
    destination: &Destination,
    report: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match destination {
        Destination::Stdout => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            report(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
        Destination::File(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                report(&mut out)?;
                out.flush()
            })
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
    }
}

/// The table lists these itself; a pipeline reading files sees them in its log.
fn warn_unused_suppressions(report: &AuditReport) {
    for unused in report.suppressions.iter().filter(|s| s.is_unused()) {
        eprintln!(
            "warning: the suppression of {} on {} (owner {}) matched no FAIL in this audit: remove it, or fix its patterns",
            unused.check, unused.resource, unused.owner
        );
    }
}
