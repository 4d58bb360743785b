//! Every attempt an SDK client sends is counted, so `tomwatch_api_requests_total` shows the
//! retries that throttling and transient errors cost, not only the operations tomwatch asked
//! for; and every account retries from its own token bucket.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use tomwatch_model::ApiStats;

/// Counts each attempt of each operation under tomwatch's service label.
#[derive(Debug, Clone)]
pub(crate) struct AttemptCounter {
    service: &'static str,
    stats: ApiStats,
}

impl AttemptCounter {
    pub fn new(service: &'static str, stats: &ApiStats) -> Self {
        AttemptCounter {
            service,
            stats: stats.clone(),
        }
    }
}

impl Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "tomwatch::AttemptCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The orchestrator stores both before every attempt; without them there is nothing to
        // name the request by, and counting must never fail a call.
        if let Some(metadata) = cfg.load::<Metadata>() {
            let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
            self.stats
                .record_attempt(self.service, metadata.name(), attempt);
        }
        Ok(())
    }
}

/// The retry partition of one account's clients of one service in one region. The SDK's default
/// partition is `<service>-<region>`, shared by every client in the process: one account that
/// throttles heavily would drain the retry tokens of every other account scanned in that region,
/// whose throttled calls would then fail at once instead of being retried.
pub(crate) fn retry_partition_name(account_id: &str, service: &str, region: &str) -> String {
    format!("tomwatch-{service}-{region}-{account_id}")
}

/// An SDK client for one region of a session, counting its attempts and retrying from the
/// account's own token bucket: `sdk_client!(session, region, "sqs", aws_sdk_sqs)`, or with a
/// last argument that adjusts the service's config builder (`|builder| builder.force_path_style(true)`).
macro_rules! sdk_client {
    ($session:expr, $region:expr, $service:expr, $sdk:ident) => {
        $crate::attempts::sdk_client!($session, $region, $service, $sdk, |builder| builder)
    };
    ($session:expr, $region:expr, $service:expr, $sdk:ident, |$builder:ident| $adjust:expr) => {{
        let session: &$crate::session::AwsSession = $session;
        let region: &str = $region;
        let shared = session.in_region(region);
        let $builder = $sdk::config::Builder::from(&shared)
            .interceptor(session.attempt_counter($service))
            .retry_partition($sdk::config::retry::RetryPartition::new(
                session.retry_partition_name($service, region),
            ));
        $sdk::Client::from_conf($adjust.build())
    }};
}
pub(crate) use sdk_client;
