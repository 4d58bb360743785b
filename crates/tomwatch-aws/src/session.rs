use crate::attempts::{retry_partition_name, sdk_client, AttemptCounter};
use crate::availability::AvailabilityCache;
use crate::caller::Caller;
use crate::classify::error_chain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use std::sync::Arc;
use std::time::Duration;
use tomwatch_model::ApiStats;
use tomwatch_model::{Collected, CollectionError, ErrorKind, Scope};

/// How the SDK behaves for every call tomwatch makes.
#[derive(Debug, Clone)]
pub struct ConnectorOptions {
    /// Region for account-level calls (STS, DescribeRegions, ListBuckets) when the environment
    /// names none.
    pub fallback_region: String,
    /// Budget for one attempt of one API call.
    pub attempt_timeout: Duration,
    /// Budget for one API call, retries included.
    pub operation_timeout: Duration,
    /// Attempts per call, for throttling and transient errors (standard retry mode, with jitter).
    pub max_attempts: u32,
}

impl Default for ConnectorOptions {
    fn default() -> Self {
        ConnectorOptions {
            fallback_region: "eu-central-1".into(),
            attempt_timeout: Duration::from_secs(20),
            operation_timeout: Duration::from_secs(60),
            max_attempts: 5,
        }
    }
}

/// Why tomwatch cannot start talking to AWS at all: a problem the user must fix.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
         or run where an instance or task role is available ({0})"
    )]
    NoCredentials(String),
    #[error(
        "AWS did not accept the credentials (sts:GetCallerIdentity failed): check the keys, the session \
         token's expiry and AWS_ENDPOINT_URL ({0})"
    )]
    CredentialsRejected(String),
    #[error(
        "cannot reach AWS STS (sts:GetCallerIdentity failed): check AWS_ENDPOINT_URL, the network and any \
         proxy settings ({0})"
    )]
    Unreachable(String),
}

/// How one regional service is collected: implemented by each regional inventory, so the
/// engine's collection units (generated from `tomwatch_model::with_services!`) cannot name a
/// service without a collector.
pub trait RegionalCollection: Sized {
    fn collect(
        session: &AwsSession,
        region: &str,
    ) -> impl std::future::Future<Output = Self> + Send;
}

/// How one account-wide service is collected: implemented by each global inventory, so a
/// collection unit generated from `tomwatch_model::with_services!` cannot name a global service
/// without a collector.
pub trait GlobalCollection: Sized {
    fn collect(session: &AwsSession) -> impl std::future::Future<Output = Self> + Send;
}

impl GlobalCollection for tomwatch_model::inventory::S3Inventory {
    fn collect(session: &AwsSession) -> impl std::future::Future<Output = Self> + Send {
        session.collect_s3()
    }
}

impl GlobalCollection for tomwatch_model::inventory::IamInventory {
    fn collect(session: &AwsSession) -> impl std::future::Future<Output = Self> + Send {
        session.collect_iam()
    }
}

impl GlobalCollection for tomwatch_model::inventory::OrganizationsInventory {
    fn collect(session: &AwsSession) -> impl std::future::Future<Output = Self> + Send {
        session.collect_organizations()
    }
}

/// The one HTTP client of the process, handed to every SDK client (and to the credential
/// providers) through the shared config. Left to itself, the SDK builds a new client, with a
/// connection pool of its own, for every service client: each of the thousands of clients a scan
/// of many accounts and regions makes would open (and TLS-handshake) its own connections, and no
/// connection would outlive its client into the next scan. Built as the SDK builds its default
/// (aws-smithy-runtime's `default_https_client`): rustls with aws-lc, and the proxies of
/// HTTP_PROXY, HTTPS_PROXY and NO_PROXY, which the default honours since behavior version
/// 2025-08-07. The client keeps one connector (and pool) per timeout setting, so clients with
/// other timeouts (the event queue's long poll) still share it.
fn shared_http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = aws_smithy_http_client::Connector::builder().tls_provider(
            tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc),
        );
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// Who the ambient credentials are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account_id: String,
    pub arn: String,
}

/// How to reach one audited account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTarget {
    pub account_id: String,
    /// Assumed with sts:AssumeRole; `None` uses the ambient credentials.
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
}

/// The ambient AWS configuration from the standard chain (env, profile, SSO, IMDS, ...).
#[derive(Debug, Clone)]
pub struct AwsConnector {
    base: SdkConfig,
    stats: ApiStats,
    /// Which services each region offers, read once for all the accounts it connects to.
    availability: Arc<AvailabilityCache>,
}

impl AwsConnector {
    pub async fn from_environment(options: &ConnectorOptions, stats: ApiStats) -> Self {
        let region = RegionProviderChain::default_provider()
            .or_else(Region::new(options.fallback_region.clone()));
        let base = aws_config::defaults(BehaviorVersion::latest())
            .http_client(shared_http_client())
            .region(region)
            .retry_config(RetryConfig::standard().with_max_attempts(options.max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(options.attempt_timeout)
                    .operation_timeout(options.operation_timeout)
                    .build(),
            )
            .load()
            .await;
        AwsConnector {
            base,
            stats,
            availability: Arc::default(),
        }
    }

    pub fn home_region(&self) -> String {
        self.base
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default() // default: no region configured: the SDK reports it on first use
    }

    pub fn stats(&self) -> &ApiStats {
        &self.stats
    }

    /// Resolves the ambient credentials and asks STS whose they are.
    pub async fn ambient_identity(&self) -> Result<Identity, ConnectError> {
        let provider = self.base.credentials_provider().ok_or_else(|| {
            ConnectError::NoCredentials("no credentials provider configured".into())
        })?;
        provider
            .provide_credentials()
            .await
            .map_err(|e| ConnectError::NoCredentials(error_chain(&e)))?;
        identity_of(&self.base, &self.stats)
            .await
            .map_err(|e| match e.kind {
                ErrorKind::AccessDenied => ConnectError::CredentialsRejected(e.message),
                _ => ConnectError::Unreachable(e.message),
            })
    }

    /// A session in the target account: the ambient credentials, or AssumeRole into it.
    pub async fn session(&self, target: &AccountTarget) -> Result<AwsSession, CollectionError> {
        let config = match &target.role_arn {
            None => self.base.clone(),
            Some(role_arn) => self.assume_role(target, role_arn).await?,
        };
        Ok(AwsSession {
            account_id: target.account_id.clone(),
            config,
            stats: self.stats.clone(),
            availability: self.availability.clone(),
        })
    }

    async fn assume_role(
        &self,
        target: &AccountTarget,
        role_arn: &str,
    ) -> Result<SdkConfig, CollectionError> {
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name("tomwatch")
            .configure(&self.base);
        if let Some(external_id) = &target.external_id {
            builder = builder.external_id(external_id);
        }
        // The provider caches the credentials and refreshes them before they expire.
        let provider = builder.build().await;
        let caller = Caller::new(&target.account_id, &self.home_region(), "sts", &self.stats);
        if let Err(error) = provider.provide_credentials().await {
            let message = error_chain(&error);
            let kind = if message.contains("AccessDenied") || message.contains("not authorized") {
                ErrorKind::AccessDenied
            } else {
                ErrorKind::Other
            };
            return Err(caller.error(
                "AssumeRole",
                kind,
                format!("could not assume {role_arn}: {message}"),
            ));
        }
        Ok(self
            .base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build())
    }
}

async fn identity_of(config: &SdkConfig, stats: &ApiStats) -> Collected<Identity> {
    let region = config.region().map(|r| r.to_string()).unwrap_or_default(); // default: scope label only
    let caller = Caller::new("unknown", &region, "sts", stats);
    let client = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(AttemptCounter::new("sts", stats))
            .build(),
    );
    let output = caller
        .call("GetCallerIdentity", client.get_caller_identity().send())
        .await?;
    Ok(Identity {
        account_id: output
            .account()
            .ok_or_else(|| caller.missing("GetCallerIdentity", "Account"))?
            .to_string(),
        arn: output.arn().unwrap_or_default().to_string(), // default: shown in messages only
    })
}

/// Credentials and settings for one account, kept across scans. The credentials (and an assumed
/// role's cached session) live in the shared `SdkConfig`; SDK clients do not outlive the
/// collection unit that built them.
#[derive(Debug, Clone)]
pub struct AwsSession {
    pub(crate) account_id: String,
    pub(crate) config: SdkConfig,
    pub(crate) stats: ApiStats,
    pub(crate) availability: Arc<AvailabilityCache>,
}

impl AwsSession {
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub(crate) fn home_region(&self) -> String {
        self.config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default() // default: no region configured: the SDK reports it on first use
    }

    /// Counts the attempts of one service's clients (see [`crate::attempts::sdk_client`]).
    /// SDK clients are deliberately not cached: a collection unit builds its client once and
    /// drops it with the unit. Cached per type and region, the clients of 13 regional services
    /// in every region made up about two thirds of an all-regions audit's memory (130 of 200 MB
    /// for two accounts), and a daemon would have held them forever; the credentials they share
    /// are cached in the config either way.
    pub(crate) fn attempt_counter(&self, service: &'static str) -> AttemptCounter {
        AttemptCounter::new(service, &self.stats)
    }

    pub(crate) fn retry_partition_name(&self, service: &str, region: &str) -> String {
        retry_partition_name(&self.account_id, service, region)
    }

    /// The shared configuration (credentials, retries, timeouts) with another region.
    pub(crate) fn in_region(&self, region: &str) -> SdkConfig {
        self.config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build()
    }

    /// Whether an endpoint override (LocalStack, a proxy) is in force.
    pub(crate) fn has_endpoint_override(&self) -> bool {
        self.config.endpoint_url().is_some()
    }

    pub(crate) fn caller(&self, region: &str, service: &'static str) -> Caller {
        Caller::new(&self.account_id, region, service, &self.stats)
    }

    /// Who these credentials act as; used to confirm an assumed role landed in the right account.
    pub async fn identity(&self) -> Collected<Identity> {
        identity_of(&self.config, &self.stats).await
    }

    /// The regions enabled for this account (ec2:DescribeRegions without AllRegions lists only
    /// those).
    pub async fn enabled_regions(&self) -> Collected<Vec<String>> {
        let statuses = self.describe_regions(false).await?;
        Ok(statuses.into_iter().map(|status| status.name).collect())
    }

    /// Every region of this account's partition with whether the account may use it
    /// (ec2:DescribeRegions with AllRegions: opt-in regions the account has not opted into are
    /// listed, marked not enabled).
    pub async fn region_statuses(&self) -> Collected<Vec<RegionStatus>> {
        self.describe_regions(true).await
    }

    async fn describe_regions(&self, all_regions: bool) -> Collected<Vec<RegionStatus>> {
        let region = self.home_region();
        let caller = self.caller(&region, "ec2");
        let client = sdk_client!(self, &region, "ec2", aws_sdk_ec2);
        // AllRegions is left out rather than sent as false: that is the call as it always was.
        let request = client
            .describe_regions()
            .set_all_regions(all_regions.then_some(true));
        let output = caller.call("DescribeRegions", request.send()).await?;
        Ok(region_statuses(output.regions(), partition_of(&region)))
    }

    pub fn scope(&self, region: &str, service: &'static str) -> Scope {
        self.caller(region, service).scope
    }
}

/// A region of the partition and whether the account may use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionStatus {
    pub name: String,
    /// `false` for an opt-in region the account has not opted into (or is leaving).
    pub enabled: bool,
}

fn region_statuses(regions: &[aws_sdk_ec2::types::Region], partition: &str) -> Vec<RegionStatus> {
    let mut statuses: Vec<RegionStatus> = regions
        .iter()
        .filter_map(|r| {
            let name = r.region_name()?;
            // "opt-in-not-required" and "opted-in" are usable; "not-opted-in" is not. An absent
            // status (older emulators) means the region is listed as usable.
            let enabled = r.opt_in_status() != Some("not-opted-in");
            Some(RegionStatus {
                name: name.to_string(),
                enabled,
            })
        })
        // Credentials work in one partition only; emulators list every partition's regions.
        .filter(|status| partition_of(&status.name) == partition)
        .collect();
    statuses.sort_by(|a, b| a.name.cmp(&b.name));
    statuses
}

/// The AWS partition a region belongs to.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_statuses_keep_the_partition_and_mark_opt_in_regions() {
        use aws_sdk_ec2::types::Region;
        let region = |name: &str, status: &str| {
            Region::builder()
                .region_name(name)
                .opt_in_status(status)
                .build()
        };
        let regions = [
            region("eu-south-2", "not-opted-in"),
            region("eu-central-1", "opt-in-not-required"),
            region("eu-south-1", "opted-in"),
            region("cn-north-1", "opt-in-not-required"),
        ];
        let statuses = region_statuses(&regions, "aws");
        let seen: Vec<(&str, bool)> = statuses
            .iter()
            .map(|s| (s.name.as_str(), s.enabled))
            .collect();
        assert_eq!(
            seen,
            [
                ("eu-central-1", true),
                ("eu-south-1", true),
                ("eu-south-2", false)
            ]
        );
    }

    #[test]
    fn regions_map_to_their_partition() {
        assert_eq!(partition_of("eu-central-1"), "aws");
        assert_eq!(partition_of("us-east-1"), "aws");
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("eusc-de-east-1"), "aws-eusc");
    }
}
