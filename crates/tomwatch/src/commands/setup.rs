//! What `audit` and `serve` share: validating the environment, loading credentials, planning
//! the accounts to scan.

use crate::exit;
use std::time::Duration;
use tomwatch_aws::{AccountTarget, AwsConnector, ConnectorOptions};
use tomwatch_engine::config::{Config, Regions};
use tomwatch_engine::{
    account_share, AuditOptions, NotScannedReason, PlannedAccount, RegionSelection, Shard,
};
use tomwatch_model::ApiStats;

/// Prints a problem the user must fix and turns it into exit code 2.
pub fn usage<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, u8> {
    result.map_err(|problem| {
        eprintln!("error: {problem}");
        exit::USAGE
    })
}

/// The runtime of `serve`: worker threads, so `/metrics` answers while a scan runs.
pub fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    started(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
    )
}

/// The runtime of a one-shot `audit`: the caller's thread alone. An audit waits on AWS (its CPU
/// is about a tenth of its wall time), so one thread keeps up, and nothing crosses threads: on a
/// worker pool every answer woke the audit's thread from another one, and each thread kept a
/// malloc arena of its own (BENCHMARKS.md, "One thread for an audit").
pub fn single_thread_runtime() -> Result<tokio::runtime::Runtime, u8> {
    started(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
    )
}

fn started(
    runtime: std::io::Result<tokio::runtime::Runtime>,
) -> Result<tokio::runtime::Runtime, u8> {
    usage(runtime.map_err(|e| format!("cannot start the async runtime: {e}")))
}

/// Everything needed to scan, resolved from the config and the environment.
pub struct Setup {
    pub connector: AwsConnector,
    pub accounts: Vec<PlannedAccount>,
    pub options: AuditOptions,
}

/// Loads the AWS configuration and checks credentials. `Err` carries the exit code, after the
/// reason has been printed.
pub async fn connect(
    config: &Config,
    regions: &RegionSelection,
    shard: Shard,
    stats: ApiStats,
) -> Result<Setup, u8> {
    let connector = connector(config, stats).await;
    match identify(config, regions, shard, &connector).await {
        Ok((_, accounts)) => Ok(Setup {
            connector,
            options: audit_options(config, accounts.len()),
            accounts,
        }),
        Err(problem) => usage(Err(problem.to_string())),
    }
}

/// The AWS configuration of the environment (credentials are resolved lazily, on first use).
pub async fn connector(config: &Config, stats: ApiStats) -> AwsConnector {
    let options = ConnectorOptions {
        attempt_timeout: Duration::from_secs(config.scan.api_attempt_timeout_seconds.value),
        max_attempts: config.scan.api_max_attempts.value,
        ..ConnectorOptions::default()
    };
    AwsConnector::from_environment(&options, stats).await
}

/// Why the accounts could not be planned: AWS could not be asked (worth retrying in a daemon),
/// or the config does not fit the credentials (never fixed by waiting).
#[derive(Debug)]
pub enum IdentifyError {
    Connect(tomwatch_aws::ConnectError),
    Config(String),
}

impl std::fmt::Display for IdentifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdentifyError::Connect(error) => error.fmt(f),
            IdentifyError::Config(problem) => f.write_str(problem),
        }
    }
}

/// Who the ambient credentials are, and the accounts of the config planned against them.
/// A configured region that is no region of the partition is a config error here, before any
/// scan "audits" it.
pub async fn identify(
    config: &Config,
    regions: &RegionSelection,
    shard: Shard,
    connector: &AwsConnector,
) -> Result<(String, Vec<PlannedAccount>), IdentifyError> {
    home_region_problem(&connector.home_region())
        .map_or(Ok(()), |p| Err(IdentifyError::Config(p)))?;
    let identity = connector
        .ambient_identity()
        .await
        .map_err(IdentifyError::Connect)?;
    let accounts =
        plan_accounts(config, &identity.account_id, shard).map_err(IdentifyError::Config)?;
    check_region_names(connector, &identity.account_id, regions)
        .await
        .map_err(IdentifyError::Config)?;
    Ok((identity.account_id, accounts))
}

/// A home region the SDK would turn into an endpoint that does not exist (`sts.eu-centrl-1...`):
/// said before the first call instead of as a DNS failure after it. An empty region is left to
/// the SDK, whose error names the ways to set one.
fn home_region_problem(region: &str) -> Option<String> {
    (!region.is_empty() && !tomwatch_engine::config::is_region_name(region)).then(|| {
        format!(
            "the region `{region}` (from AWS_REGION, AWS_DEFAULT_REGION or the profile) is not an \
             AWS region name like eu-central-1: it names the endpoint of STS and IAM; fix it"
        )
    })
}

/// Checks a region list against the partition's regions as the ambient credentials see them.
/// Best effort: credentials that may only assume roles (no ec2:DescribeRegions) skip it, and
/// each account's scan checks its regions again (opt-in status is per account).
async fn check_region_names(
    connector: &AwsConnector,
    ambient_account: &str,
    regions: &RegionSelection,
) -> Result<(), String> {
    let RegionSelection::List(list) = regions else {
        return Ok(());
    };
    let ambient = AccountTarget {
        account_id: ambient_account.to_string(),
        role_arn: None,
        external_id: None,
    };
    let known = match connector.session(&ambient).await {
        Ok(session) => session.region_statuses().await,
        Err(error) => Err(error),
    };
    let known = match known {
        Ok(known) => known,
        Err(error) => {
            tracing::debug!(error = %error.message, "region names not checked before scanning");
            return Ok(());
        }
    };
    let (_, not_scanned) = tomwatch_engine::plan_regions(list, &known);
    let unknown: Vec<String> = not_scanned
        .iter()
        .filter(|r| r.reason == NotScannedReason::Unknown)
        .map(ToString::to_string)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} (fix the config's `regions:` or the --region flags)",
            unknown.join("; ")
        ))
    }
}

/// The scan settings of the config, for `accounts` planned accounts (this shard's).
pub fn audit_options(config: &Config, accounts: usize) -> AuditOptions {
    AuditOptions {
        concurrency: config.scan.concurrency.value,
        region_concurrency: config.scan.region_concurrency.value,
        account_concurrency: account_share(
            config.scan.concurrency.value,
            accounts,
            config.scan.region_concurrency.value,
        ),
        unit_timeout: Duration::from_secs(config.scan.unit_timeout_seconds.value),
    }
}

/// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> must be http(s) URLs; the SDK would only
/// say so deep inside a dispatch failure.
pub fn check_endpoint_overrides(
    vars: impl Iterator<Item = (String, String)>,
) -> Result<(), String> {
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

/// The config's regions: `all` or its list.
pub fn config_regions(config: &Config) -> RegionSelection {
    match &config.regions {
        Regions::All => RegionSelection::AllEnabled,
        Regions::List(list) => {
            RegionSelection::List(list.iter().map(|r| r.value.clone()).collect())
        }
    }
}

/// `--region` flags win over the config's regions.
pub fn region_selection(
    flag_regions: &[String],
    config: &Config,
) -> Result<RegionSelection, String> {
    if !flag_regions.is_empty() {
        if let Some(bad) = flag_regions
            .iter()
            .find(|r| !tomwatch_engine::config::is_region_name(r))
        {
            return Err(format!(
                "--region `{bad}` is not an AWS region name (like eu-central-1)"
            ));
        }
        return Ok(RegionSelection::List(flag_regions.to_vec()));
    }
    Ok(config_regions(config))
}

/// The accounts to audit: this shard's share of the config's. Accounts without a role are
/// audited with the ambient credentials, so those must belong to them: anything else is a
/// config mistake, reported before scanning (in every shard, so that no replica starts on a
/// config another one refuses).
pub fn plan_accounts(
    config: &Config,
    ambient_account: &str,
    shard: Shard,
) -> Result<Vec<PlannedAccount>, String> {
    shard_problem(config, shard).map_or(Ok(()), Err)?;
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
                    external_id: account.external_id.as_ref().map(|e| e.value.clone()),
                },
                environment: account.environment.as_ref().map(|e| e.value.clone()),
            })
        })
        .filter(|planned| {
            planned
                .as_ref()
                .map_or(true, |p| shard.owns(&p.target.account_id))
        })
        .collect()
}

/// A shard the config cannot be split into: said before AWS is asked anything.
pub fn shard_problem(config: &Config, shard: Shard) -> Option<String> {
    if !shard.is_split() {
        return None;
    }
    if config.accounts.is_empty() {
        return Some(format!(
            "--shard {shard} splits the config's accounts among replicas, but the config lists no \
             `accounts:` (it audits the ambient account alone): list the accounts, or drop --shard \
             and TOMWATCH_SHARD"
        ));
    }
    let events = config.events.as_ref()?;
    (!events.has_queue_per_shard()).then(|| {
        format!(
            "--shard {shard}: every replica would read the one queue of events.queue_url and take \
             the others' events; give each replica a queue of its own (deploy/events/ per shard, \
             docs/SCALING.md) and write `{}` in the queue's name, like \
             https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events-{}",
            tomwatch_engine::config::SHARD_PLACEHOLDER,
            tomwatch_engine::config::SHARD_PLACEHOLDER
        )
    })
}

/// The configured accounts that other shards audit.
pub fn other_shards_accounts(config: &Config, shard: Shard) -> std::collections::BTreeSet<String> {
    config
        .accounts
        .iter()
        .map(|a| a.id.value.clone())
        .filter(|id| !shard.owns(id))
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
