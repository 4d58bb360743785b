use crate::cli::{AuditArgs, Format};
use crate::commands::config::load;
use crate::exit;
use crate::render;
use std::time::Duration;
use tomwatch_aws::{AccountTarget, ApiStats, AwsConnector, ConnectorOptions};
use tomwatch_checks::Parameters;
use tomwatch_engine::config::{Config, Regions};
use tomwatch_engine::{run_audit, AuditOptions, Outcome, PlannedAccount, RegionSelection};

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
    let regions = match region_selection(&args, &config) {
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
    let options = ConnectorOptions {
        attempt_timeout: Duration::from_secs(config.scan.api_attempt_timeout_seconds),
        max_attempts: config.scan.api_max_attempts,
        ..ConnectorOptions::default()
    };
    let connector = AwsConnector::from_environment(&options, ApiStats::default()).await;
    let identity = match connector.ambient_identity().await {
        Ok(identity) => identity,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::USAGE;
        }
    };
    let accounts = match plan_accounts(config, &identity.account_id) {
        Ok(accounts) => accounts,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let audit_options = AuditOptions {
        concurrency: config.scan.concurrency,
        unit_timeout: Duration::from_secs(config.scan.unit_timeout_seconds),
    };
    let report = run_audit(
        &connector,
        &accounts,
        &regions,
        &audit_options,
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

/// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> must be http(s) URLs; the SDK would only
/// say so deep inside a dispatch failure.
fn check_endpoint_overrides(vars: impl Iterator<Item = (String, String)>) -> Result<(), String> {
    for (name, value) in vars.filter(|(name, _)| name.starts_with("AWS_ENDPOINT_URL")) {
        let rest = value
            .strip_prefix("http://")
            .or_else(|| value.strip_prefix("https://"));
        let host_ok = rest.is_some_and(|r| {
            let host = r.split('/').next().unwrap_or_default();
            !host.is_empty() && !r.chars().any(char::is_whitespace)
        });
        if !host_ok {
            return Err(format!(
                "{name}=`{value}` is not an http(s) URL with a host, like http://127.0.0.1:4566; fix or unset it"
            ));
        }
    }
    Ok(())
}

fn region_selection(args: &AuditArgs, config: &Config) -> Result<RegionSelection, String> {
    if !args.regions.is_empty() {
        if let Some(bad) = args
            .regions
            .iter()
            .find(|r| !tomwatch_engine::config::is_region_name(r))
        {
            return Err(format!(
                "--region `{bad}` is not an AWS region name (like eu-central-1)"
            ));
        }
        return Ok(RegionSelection::List(args.regions.clone()));
    }
    Ok(match &config.regions {
        Regions::All => RegionSelection::AllEnabled,
        Regions::List(list) => {
            RegionSelection::List(list.iter().map(|r| r.value.clone()).collect())
        }
    })
}

/// The accounts to audit. Accounts without a role are audited with the ambient credentials,
/// so those must belong to them: anything else is a config mistake, reported before scanning.
fn plan_accounts(config: &Config, ambient_account: &str) -> Result<Vec<PlannedAccount>, String> {
    if config.accounts.is_empty() {
        let target = AccountTarget {
            account_id: ambient_account.to_string(),
            role_arn: None,
            external_id: None,
        };
        return Ok(vec![PlannedAccount {
            target,
            environment: None,
        }]);
    }
    config
        .accounts
        .iter()
        .map(|account| {
            let id = &account.id.value;
            if account.role_arn.is_none() && id != ambient_account {
                return Err(format!(
                    "account {id} has no role_arn, so it would be audited with the ambient credentials, but those \
                     belong to account {ambient_account}: add a role_arn for {id}, or run with credentials of {id}"
                ));
            }
            Ok(PlannedAccount {
                target: AccountTarget {
                    account_id: id.clone(),
                    role_arn: account.role_arn.as_ref().map(|r| r.value.clone()),
                    external_id: account.external_id.clone(),
                },
                environment: account.environment.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::check_endpoint_overrides;

    fn vars(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn endpoint_overrides_must_be_http_urls() {
        assert!(
            check_endpoint_overrides(vars(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")]))
                .is_ok()
        );
        assert!(
            check_endpoint_overrides(vars(&[("AWS_ENDPOINT_URL_S3", "https://s3.example")]))
                .is_ok()
        );
        assert!(check_endpoint_overrides(vars(&[("HOME", "not a url")])).is_ok());
        for bad in ["not a url", "ftp://x", "http://", "127.0.0.1:4566"] {
            let error =
                check_endpoint_overrides(vars(&[("AWS_ENDPOINT_URL_KMS", bad)])).unwrap_err();
            assert!(
                error.starts_with(&format!("AWS_ENDPOINT_URL_KMS=`{bad}`")),
                "{error}"
            );
        }
    }
}
